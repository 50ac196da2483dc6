"""Device profiles: how a tracked device's messages become a virtual camera.

A :class:`DeviceProfile` is the parsed form of a ``devices/*.toml`` file
(schema ``previz.device/1``, read by :mod:`previz.io.device_toml`). It says
which protocol the device speaks, how its OSC addresses map onto camera
channels, how its axes and units relate to the stage, how raw encoder values
become millimetres, metres and f-stops, where the device's origin sits on the
stage (calibration) and how hard to filter.

Axis remaps are written the way people say them: ``axes = ["x", "-z", "y"]``
means stage x is the device's x, stage y is minus the device's z and stage z is
the device's y (a Y-up device on the Z-up stage). ``camera_axes`` does the same
for the device's own camera frame against previz's (X right, Y forward, Z up):
ARKit's camera looks down −Z with Y up, so it is ``["x", "-z", "y"]`` too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from previz.core.one_euro import OneEuroSettings

__all__ = [
    "CHANNELS",
    "PROTOCOLS",
    "Calibration",
    "DeviceProfile",
    "EncoderTable",
    "FilterSettings",
    "OscMapping",
    "axis_matrix",
]

#: Protocols a profile can speak.
PROTOCOLS = ("osc", "freed", "opentrackio")

#: What an OSC message can drive, with the number of arguments it takes.
CHANNELS: dict[str, int] = {
    "position": 3,
    "position.x": 1,
    "position.y": 1,
    "position.z": 1,
    "quaternion": 4,
    "euler": 3,
    "focal": 1,
    "zoom": 1,
    "focus": 1,
    "focus_encoder": 1,
    "iris": 1,
    "iris_encoder": 1,
    "record": 1,
    "mark": 0,
    "slate": 1,
    "sample_id": 1,
}

_AXIS_INDEX = {"x": 0, "y": 1, "z": 2}


def axis_matrix(axes: tuple[str, str, str]) -> NDArray[np.float64]:
    """Return the 3×3 matrix taking device vectors to previz vectors.

    Parameters
    ----------
    axes : tuple of 3 str
        For each previz axis (x, y, z), the signed device axis it equals:
        ``("x", "-z", "y")``.

    Raises
    ------
    ValueError
        When an entry is not ``[+-]x|y|z`` or an axis is used twice.
    """
    matrix = np.zeros((3, 3))
    used: set[str] = set()
    for row, text in enumerate(axes):
        name = text.strip().lower()
        sign = -1.0 if name.startswith("-") else 1.0
        name = name.lstrip("+-")
        if name not in _AXIS_INDEX or name in used:
            raise ValueError(
                f"axes must name each of x, y, z once with an optional sign, found {list(axes)}"
            )
        used.add(name)
        matrix[row, _AXIS_INDEX[name]] = sign
    return matrix


@dataclass(frozen=True)
class EncoderTable:
    """A lookup table from raw encoder values to a physical unit, interpolated linearly.

    Parameters
    ----------
    inputs : tuple of float
        Encoder values, strictly increasing.
    outputs : tuple of float
        The physical value at each input (mm, m or f-stop). Focus tables are
        interpolated in diopters (1/m) so infinity (``inf``) may be the last entry.
    """

    inputs: tuple[float, ...]
    outputs: tuple[float, ...]
    in_diopters: bool = False

    def __post_init__(self) -> None:
        if len(self.inputs) != len(self.outputs) or len(self.inputs) < 2:
            raise ValueError("a table needs at least two inputs and as many outputs")
        if any(b <= a for a, b in zip(self.inputs, self.inputs[1:], strict=False)):
            raise ValueError("table inputs must be strictly increasing")
        if any(not math.isfinite(v) for v in self.inputs):
            raise ValueError("table inputs must be finite numbers")
        if any(not (v > 0) for v in self.outputs):
            raise ValueError("table outputs must be positive")
        if not self.in_diopters and any(math.isinf(v) for v in self.outputs):
            raise ValueError("only a focus table may end at infinity")
        values = [1.0 / v for v in self.outputs] if self.in_diopters else list(self.outputs)
        object.__setattr__(self, "_values", tuple(values))

    def __call__(self, raw: float) -> float:
        """Return the physical value for a raw encoder value (clamped to the table's ends)."""
        inputs, values = self.inputs, self._values  # type: ignore[attr-defined]
        if raw <= inputs[0]:
            value = values[0]
        elif raw >= inputs[-1]:
            value = values[-1]
        else:
            high = 1
            while inputs[high] < raw:
                high += 1
            low = high - 1
            weight = (raw - inputs[low]) / (inputs[high] - inputs[low])
            value = values[low] + weight * (values[high] - values[low])
        if self.in_diopters:
            return math.inf if value <= 0.0 else 1.0 / value
        return value

    def inverse(self, value: ArrayLike) -> Any:
        """Return the raw encoder value(s) for physical value(s) (tables must be monotonic).

        A float for a float, an array for an array.
        """
        physical = np.asarray(value, dtype=np.float64)
        if self.in_diopters:
            with np.errstate(divide="ignore"):
                physical = 1.0 / physical  # infinity is 0 diopters
        values = np.asarray(self._values)  # type: ignore[attr-defined]
        order = np.argsort(values)
        raw = np.interp(physical, values[order], np.asarray(self.inputs)[order])
        return float(raw) if raw.ndim == 0 else raw


@dataclass(frozen=True)
class Calibration:
    """Where the device's tracking origin sits on the stage.

    stage position = origin + R_z(heading) · (scale · device position);
    stage orientation = R_z(heading) · device orientation.

    Parameters
    ----------
    origin : tuple of 3 float
        Stage point (m) the device's origin maps to.
    heading : float
        Degrees about stage Z (counter-clockwise from above) the device's
        frame is turned by.
    scale : float
        Move scale: 2.0 turns a 1 m step into 2 m on the stage (scaled moves for
        big sets in a small room).
    """

    origin: tuple[float, float, float] = (0.0, 0.0, 0.0)
    heading: float = 0.0
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not all(math.isfinite(v) for v in (*self.origin, self.heading, self.scale)):
            raise ValueError("calibration values must be finite numbers")
        if self.scale <= 0:
            raise ValueError("calibration scale must be positive")

    def as_dict(self) -> dict[str, object]:
        """Plain data for take headers and JSON output."""
        return {"origin": list(self.origin), "heading": self.heading, "scale": self.scale}


@dataclass(frozen=True)
class FilterSettings:
    """One Euro filter settings for position and rotation."""

    position: OneEuroSettings = field(default_factory=lambda: OneEuroSettings(1.0, 0.5, 1.0))
    rotation: OneEuroSettings = field(default_factory=lambda: OneEuroSettings(1.0, 0.3, 1.0))

    def as_dict(self) -> dict[str, object]:
        """Plain data for take headers and JSON output."""
        return {
            name: {"min_cutoff": s.min_cutoff, "beta": s.beta, "d_cutoff": s.d_cutoff,
                   "enabled": s.enabled}
            for name, s in (("position", self.position), ("rotation", self.rotation))
        }


@dataclass(frozen=True)
class OscMapping:
    """One OSC address (or pattern) and the channel its arguments drive.

    Parameters
    ----------
    address : str
        OSC address; ``*`` matches one whole path segment (``/*/arkitposition``
        takes any ZIG SIM device uuid).
    channel : str
        One of :data:`CHANNELS`.
    args : tuple of int or None
        Which arguments to use (0-based); None: the first ones, in order.
    order : str
        Quaternion component order (``"xyzw"``, ``"wxyz"``) or Euler axis order
        (``"ZXY"``, intrinsic, upper case).
    table : str or None
        Name of the encoder table for ``zoom``/``focus_encoder``/``iris_encoder``.
    degrees : bool
        Euler angles in degrees (else radians).
    mode : str
        For ``record``: ``"level"`` (value > 0.5 records, else stops) or
        ``"toggle"`` (each press > 0.5 toggles).
    """

    address: str
    channel: str
    args: tuple[int, ...] | None = None
    order: str = ""
    table: str | None = None
    degrees: bool = True
    mode: str = "level"

    @property
    def is_pattern(self) -> bool:
        """True when the address has a wildcard segment."""
        return "*" in self.address

    @property
    def arg_count(self) -> int:
        """How many arguments the mapping reads."""
        return CHANNELS[self.channel] if self.args is None else len(self.args)


@dataclass(frozen=True)
class DeviceProfile:
    """A parsed ``previz.device/1`` profile.

    Parameters
    ----------
    name : str
        Profile name (``zigsim``, ``freed``, …).
    protocol : str
        One of :data:`PROTOCOLS`.
    description : str
        One line for ``previz device list``.
    port : int
        Default UDP port to listen on.
    mappings : tuple of OscMapping
        OSC address mappings (``osc`` protocol only).
    axes, camera_axes : tuple of 3 str
        Device→stage and device-camera→previz-camera axis remaps.
    length_unit : float
        Metres per device length unit.
    tables : dict of str to EncoderTable
        Named encoder tables; ``zoom``, ``focus`` and ``iris`` are used by
        FreeD and OpenTrackIO encoders.
    calibration : Calibration
    filter : FilterSettings
    camera_id : int or None
        FreeD camera id to accept (None: any).
    source_number : int or None
        OpenTrackIO source number (multicast group 239.135.1.N).
    focal_mm, focus_m, f_stop : float
        Lens values until the device sends its own.
    path : str
        The file the profile came from (for messages).
    """

    name: str
    protocol: str
    description: str = ""
    port: int = 9000
    mappings: tuple[OscMapping, ...] = ()
    axes: tuple[str, str, str] = ("x", "y", "z")
    camera_axes: tuple[str, str, str] = ("x", "y", "z")
    length_unit: float = 1.0
    tables: dict[str, EncoderTable] = field(default_factory=dict)
    calibration: Calibration = field(default_factory=Calibration)
    filter: FilterSettings = field(default_factory=FilterSettings)
    camera_id: int | None = None
    source_number: int | None = None
    focal_mm: float = 35.0
    focus_m: float = math.inf
    f_stop: float = 2.8
    path: str = ""

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}")
        stage, camera = axis_matrix(self.axes), axis_matrix(self.camera_axes)
        if round(np.linalg.det(stage)) != round(np.linalg.det(camera)):
            raise ValueError(
                "axes and camera_axes must both keep or both flip handedness, or the "
                "remapped rotation would be a mirror image"
            )

    @property
    def axis_matrix(self) -> NDArray[np.float64]:
        """Device→stage axis matrix (see :func:`axis_matrix`)."""
        return axis_matrix(self.axes)

    @property
    def camera_axis_matrix(self) -> NDArray[np.float64]:
        """Device camera→previz camera axis matrix."""
        return axis_matrix(self.camera_axes)

    def table(self, name: str | None) -> EncoderTable | None:
        """Return a named table, or None."""
        return None if name is None else self.tables.get(name)
