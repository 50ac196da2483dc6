"""Camera paths: where the camera is, where it looks and what the lens does, over time.

A :class:`CameraPath` holds timestamped samples in stage space (Z up, metres):
position, orientation (unit quaternion ``(x, y, z, w)`` taking the camera frame
to the stage; the camera frame is X right, **Y forward**, Z up), focal length
(mm), focus distance (m) and iris (f-number). Samples may come from keyframes
(marks) or from a recording at any rate; between samples the path is
interpolated by time, never by index: slerp for rotation, a cubic spline (or
straight lines) for position, linear for the lens.

Human-facing angles are pan, tilt and roll in degrees, intrinsic Z-X-Y (pan about
Z, then tilt about the new X, then roll about the new Y), pan positive
counter-clockwise seen from above, as OpenTrackIO defines them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import CubicSpline

from previz.core.lens import FilmBack, Lens, Optics, SensorFit
from previz.core.rig import CameraBody, LensKit, SensorMode
from previz.core.rotation import (
    euler_to_quaternion,
    quaternion_to_euler,
    quaternion_to_matrix,
    slerp,
)
from previz.core.time import parse_rate

__all__ = [
    "DEFAULT_FILM_BACK",
    "INTERPOLATIONS",
    "CameraInfo",
    "CameraPath",
    "FeasibilityReport",
    "Violation",
    "aim",
    "orientations_from_pan_tilt_roll",
    "pan_tilt_roll_from_orientations",
]

#: The film back used when a path names no camera: 36 × 24 mm full frame.
DEFAULT_FILM_BACK = FilmBack(36.0, 24.0)

#: How positions are interpolated between samples.
INTERPOLATIONS = ("smooth", "linear")

_PAN_TILT_ROLL = "ZXY"


def orientations_from_pan_tilt_roll(angles: ArrayLike) -> NDArray[np.float64]:
    """Return camera→stage quaternions for pan, tilt, roll in degrees (intrinsic Z-X-Y).

    Parameters
    ----------
    angles : array_like, shape (..., 3)
        Pan, tilt, roll in degrees.

    Returns
    -------
    numpy.ndarray, shape (..., 4)
        Unit quaternions ``(x, y, z, w)``.
    """
    return euler_to_quaternion(angles, _PAN_TILT_ROLL)


def pan_tilt_roll_from_orientations(orientations: ArrayLike) -> NDArray[np.float64]:
    """Return pan, tilt, roll in degrees for camera→stage quaternions.

    Tilt lies in [-90, 90]; pan is unwrapped along the first axis so a camera
    panning past 180° keeps counting (179, 181, …) instead of jumping.

    Parameters
    ----------
    orientations : array_like, shape (N, 4) or (4,)

    Returns
    -------
    numpy.ndarray, shape (N, 3) or (3,)
    """
    values = np.asarray(orientations, dtype=np.float64)
    angles = quaternion_to_euler(values, _PAN_TILT_ROLL)
    if angles.ndim == 2 and len(angles) > 1:
        angles[:, 0] = np.degrees(np.unwrap(np.radians(angles[:, 0])))
        angles[:, 2] = np.degrees(np.unwrap(np.radians(angles[:, 2])))
    return angles


def aim(position: ArrayLike, target: ArrayLike) -> NDArray[np.float64]:
    """Return the pan and tilt (degrees) that point a camera at ``target``.

    Parameters
    ----------
    position, target : array_like, shape (..., 3)
        Stage metres.

    Returns
    -------
    numpy.ndarray, shape (..., 2)
        Pan (counter-clockwise from +Y, seen from above) and tilt (up positive).
    """
    direction = np.asarray(target, dtype=np.float64) - np.asarray(position, dtype=np.float64)
    x, y, z = np.moveaxis(direction, -1, 0)
    pan = np.degrees(np.arctan2(-x, y))
    tilt = np.degrees(np.arctan2(z, np.hypot(x, y)))
    return np.stack([pan, tilt], axis=-1)


@dataclass(frozen=True)
class CameraInfo:
    """What a path was shot with: the film back and where it came from.

    Parameters
    ----------
    film_back : FilmBack
        Active sensor area.
    squeeze : float
        Anamorphic squeeze of the lenses.
    fit : SensorFit
        How the output frame sits on the film back.
    aspect : float or None
        Output frame aspect (None: the film back's own).
    body : str
        ``"BODY:MODE"`` when the film back came from a rig file.
    lens_kit : str
        The lens kit's name, when one was named.
    """

    film_back: FilmBack = DEFAULT_FILM_BACK
    squeeze: float = 1.0
    fit: SensorFit = SensorFit.FILL
    aspect: float | None = None
    body: str = ""
    lens_kit: str = ""

    def on_body(self, body: CameraBody, mode: SensorMode) -> CameraInfo:
        """Return this camera with a rig body's sensor mode as film back (``body`` "BODY:MODE")."""
        return replace(self, film_back=mode.film_back, body=f"{body.name}:{mode.name}")

    def with_lens_kit(self, kit: LensKit) -> CameraInfo:
        """Return this camera with a lens kit's squeeze and name."""
        return replace(self, squeeze=kit.squeeze, lens_kit=kit.name)

    def optics(self, focal_mm: float, focus_m: float = math.inf, f_stop: float = 2.8) -> Optics:
        """Return the optics of this camera with a lens at the given settings."""
        lens = Lens(focal_mm, squeeze=self.squeeze, f_stop=f_stop, focus_m=focus_m)
        return Optics(self.film_back, lens, aspect=self.aspect, fit=self.fit)


@dataclass(frozen=True)
class Violation:
    """A run of frames (or samples) where a path exceeds one of a support's limits."""

    quantity: str
    first: int
    last: int
    peak: float
    limit: float
    unit: str
    support: str
    frames: bool = True

    @property
    def below(self) -> bool:
        """True when the limit is a minimum the path goes under."""
        return self.peak < self.limit

    def __str__(self) -> str:
        span = f"{self.first}" if self.first == self.last else f"{self.first}-{self.last}"
        where = "frame" if self.frames else "sample"
        plural = "" if self.first == self.last else "s"
        word = "minimum" if self.below else "limit"
        verb = "goes under" if self.below else "exceeds"
        return (
            f"{where}{plural} {span}: {self.quantity} {self.peak:.3g} {self.unit} "
            f"{verb} the {self.support} {word} of {self.limit:.3g} {self.unit}"
        )


@dataclass(frozen=True)
class FeasibilityReport:
    """Whether a path is within a support rig's limits, and where it is not."""

    support: str
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        """True when no limit is exceeded."""
        return not self.violations

    def __str__(self) -> str:
        if self.ok:
            return f"within the {self.support} limits"
        return "; ".join(str(v) for v in self.violations)


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Index ranges (inclusive) where ``mask`` is True."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _as_column(values: ArrayLike, count: int, what: str) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        array = np.full(count, float(array))
    if array.shape != (count,):
        raise ValueError(f"{what} has shape {array.shape}; expected ({count},)")
    return array


@dataclass(frozen=True, eq=False)
class CameraPath:
    """Timestamped camera samples in stage space.

    Parameters
    ----------
    times : array_like, shape (N,)
        Seconds, strictly increasing.
    positions : array_like, shape (N, 3)
        Camera (sensor) position, stage metres.
    orientations : array_like, shape (N, 4)
        Camera→stage unit quaternions ``(x, y, z, w)``; normalised on input.
    focal_mm, focus_m, f_stop : array_like, shape (N,) or scalars
        Lens settings per sample.
    rate : Fraction or None
        Frame rate when the samples sit on consecutive frames (as after
        :meth:`resample`); None for samples at any times.
    start_frame : int
        Frame number of the first sample when ``rate`` is set.
    interpolation : str
        ``"smooth"`` (cubic spline through the positions) or ``"linear"``.
    name : str
        A label (shot, take or file name).
    camera : CameraInfo
        Film back and source of the path.

    Raises
    ------
    ValueError
        For non-finite values (naming the sample and field), unordered times or
        zero quaternions.
    """

    times: NDArray[np.float64]
    positions: NDArray[np.float64]
    orientations: NDArray[np.float64]
    focal_mm: NDArray[np.float64]
    focus_m: NDArray[np.float64]
    f_stop: NDArray[np.float64]
    rate: Fraction | None = None
    start_frame: int = 1001
    interpolation: str = "smooth"
    name: str = ""
    camera: CameraInfo = field(default_factory=CameraInfo)

    def __post_init__(self) -> None:
        times = np.atleast_1d(np.asarray(self.times, dtype=np.float64))
        count = times.size
        if times.ndim != 1 or count == 0:
            raise ValueError("a camera path needs at least one sample")
        positions = np.asarray(self.positions, dtype=np.float64).reshape(count, 3)
        quaternions = np.asarray(self.orientations, dtype=np.float64).reshape(count, 4)
        columns = {
            "time": times,
            "position": positions,
            "orientation": quaternions,
            "focal length": _as_column(self.focal_mm, count, "focal_mm"),
            "focus distance": _as_column(self.focus_m, count, "focus_m"),
            "f-stop": _as_column(self.f_stop, count, "f_stop"),
        }
        for what, values in columns.items():
            finite = np.isfinite(values) if what != "focus distance" else ~np.isnan(values)
            if not finite.all():
                index = int(np.argwhere(~finite)[0][0])
                raise ValueError(f"sample {index}: {what} is not a finite number")
        steps = np.diff(times)
        if (steps <= 0).any():
            index = int(np.flatnonzero(steps <= 0)[0]) + 1
            raise ValueError(
                f"sample {index}: time {float(times[index])!r} s does not come after "
                f"{float(times[index - 1])!r} s; samples must be in increasing time order"
            )
        norms = np.linalg.norm(quaternions, axis=1)
        if (norms < 1e-12).any():
            raise ValueError(f"sample {int(np.flatnonzero(norms < 1e-12)[0])}: zero quaternion")
        for what in ("focal length", "focus distance", "f-stop"):
            values = columns[what]
            if (values <= 0).any():
                raise ValueError(
                    f"sample {int(np.flatnonzero(values <= 0)[0])}: {what} must be positive"
                )
        if self.interpolation not in INTERPOLATIONS:
            raise ValueError(
                f"interpolation {self.interpolation!r} is not one of {', '.join(INTERPOLATIONS)}"
            )
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "positions", positions)
        object.__setattr__(self, "orientations", quaternions / norms[:, None])
        object.__setattr__(self, "focal_mm", columns["focal length"])
        object.__setattr__(self, "focus_m", columns["focus distance"])
        object.__setattr__(self, "f_stop", columns["f-stop"])
        if self.rate is not None:
            rate = parse_rate(self.rate)
            expected = times[0] + np.arange(count) / float(rate)
            off = np.abs(times - expected) > 1e-6 * max(1.0, abs(float(times[0])))
            if off.any():
                raise ValueError(
                    f"sample {int(np.flatnonzero(off)[0])}: a path with a frame rate has one "
                    f"sample per frame, at {float(rate):g} fps"
                )
            object.__setattr__(self, "rate", rate)
        object.__setattr__(self, "start_frame", int(self.start_frame))

    def __len__(self) -> int:
        return int(self.times.size)

    def __repr__(self) -> str:
        label = f"{self.name!r}, " if self.name else ""
        rate = f" at {float(self.rate):g} fps" if self.rate is not None else ""
        return f"CameraPath({label}{len(self)} samples{rate}, {self.duration:.3f} s)"

    # ---------------------------------------------------------- building
    @classmethod
    def from_pan_tilt_roll(
        cls,
        times: ArrayLike,
        positions: ArrayLike,
        pan_tilt_roll: ArrayLike,
        *,
        focal_mm: ArrayLike = 35.0,
        focus_m: ArrayLike = math.inf,
        f_stop: ArrayLike = 2.8,
        **options: Any,
    ) -> CameraPath:
        """Build a path from pan, tilt, roll angles in degrees (see module notes).

        ``options`` are the remaining :class:`CameraPath` fields (``rate``,
        ``start_frame``, ``interpolation``, ``name``, ``camera``).
        """
        angles = np.asarray(pan_tilt_roll, dtype=np.float64).reshape(-1, 3)
        if not np.isfinite(angles).all():
            index = int(np.argwhere(~np.isfinite(angles))[0][0])
            raise ValueError(f"sample {index}: pan/tilt/roll is not a finite number")
        return cls(
            times=times,
            positions=positions,
            orientations=orientations_from_pan_tilt_roll(angles),
            focal_mm=focal_mm,
            focus_m=focus_m,
            f_stop=f_stop,
            **options,
        )

    @classmethod
    def from_keyframes(
        cls,
        frames: ArrayLike,
        rate: Fraction | float | str,
        positions: ArrayLike,
        pan_tilt_roll: ArrayLike,
        **options: Any,
    ) -> CameraPath:
        """Build a smooth path through keyframes (marks) placed on frame numbers.

        Parameters
        ----------
        frames : array_like of int
            Frame number of each keyframe, increasing.
        rate : Fraction, float or str
            Frames per second.
        positions, pan_tilt_roll : array_like
            Per keyframe, stage metres and degrees.
        **options
            ``focal_mm``, ``focus_m``, ``f_stop`` and other :class:`CameraPath` fields.

        Returns
        -------
        CameraPath
            Keyframes only, ``interpolation="smooth"``; :meth:`resample` gives
            every frame.
        """
        frame_rate = parse_rate(rate)
        numbers = np.asarray(frames, dtype=np.int64).reshape(-1)
        start = int(numbers[0]) if numbers.size else 1001
        return cls.from_pan_tilt_roll(
            (numbers - start) / float(frame_rate),
            positions,
            pan_tilt_roll,
            start_frame=start,
            **{"interpolation": "smooth", **options},
        )

    # ------------------------------------------------------------- facts
    @property
    def duration(self) -> float:
        """Seconds from the first sample to the last."""
        return float(self.times[-1] - self.times[0])

    @property
    def frames(self) -> NDArray[np.int64] | None:
        """Frame number of every sample, when the path is on frames."""
        if self.rate is None:
            return None
        offsets = np.rint((self.times - self.times[0]) * float(self.rate)).astype(np.int64)
        return self.start_frame + offsets

    def pan_tilt_roll(self) -> NDArray[np.float64]:
        """Return pan, tilt, roll per sample in degrees, shape (N, 3)."""
        return pan_tilt_roll_from_orientations(self.orientations)

    def rotation_matrices(self) -> NDArray[np.float64]:
        """Return camera→stage rotation matrices, shape (N, 3, 3)."""
        return quaternion_to_matrix(self.orientations)

    def matrices(self) -> NDArray[np.float64]:
        """Return camera→stage 4×4 transforms (column vectors), shape (N, 4, 4)."""
        out = np.zeros((len(self), 4, 4))
        out[:, :3, :3] = self.rotation_matrices()
        out[:, :3, 3] = self.positions
        out[:, 3, 3] = 1.0
        return out

    # ------------------------------------------------------ interpolation
    def sample(self, times: ArrayLike) -> CameraPath:
        """Return the path evaluated at other times (clamped to its time span).

        Rotation by slerp between the neighbouring samples, position by cubic
        spline (``smooth``) or straight lines (``linear``), focal length and
        iris linearly, focus linearly in diopters (1 / distance, so a pull
        towards infinity behaves as a focus ring does).
        """
        when = np.clip(np.atleast_1d(np.asarray(times, dtype=np.float64)), *self.times[[0, -1]])
        count = len(self)
        if count == 1:
            pick = np.zeros(when.size, dtype=np.intp)
            return replace(
                self,
                times=when,
                rate=None,
                positions=self.positions[pick],
                orientations=self.orientations[pick],
                focal_mm=self.focal_mm[pick],
                focus_m=self.focus_m[pick],
                f_stop=self.f_stop[pick],
            )
        upper = np.clip(np.searchsorted(self.times, when, side="right"), 1, count - 1)
        lower = upper - 1
        span = self.times[upper] - self.times[lower]
        weight = np.clip((when - self.times[lower]) / span, 0.0, 1.0)
        if self.interpolation == "smooth" and count >= 3:
            positions = CubicSpline(self.times, self.positions, axis=0, bc_type="natural")(when)
        else:
            a, b = self.positions[lower], self.positions[upper]
            positions = a + (b - a) * weight[:, None]
        orientations = slerp(self.orientations[lower], self.orientations[upper], weight)

        def lerp(values: NDArray[np.float64]) -> NDArray[np.float64]:
            a, b = values[lower], values[upper]
            return np.where(a == b, a, a + (b - a) * weight)

        def focus_lerp(values: NDArray[np.float64]) -> NDArray[np.float64]:
            # in diopters (1 / distance), as a focus ring turns: infinity is 0
            with np.errstate(divide="ignore"):
                mixed = 1.0 / lerp(1.0 / values)
            return np.where(values[lower] == values[upper], values[lower], mixed)

        return replace(
            self,
            times=when,
            rate=None,
            positions=positions,
            orientations=orientations,
            focal_mm=lerp(self.focal_mm),
            focus_m=focus_lerp(self.focus_m),
            f_stop=lerp(self.f_stop),
        )

    def resample(
        self, rate: Fraction | float | str, *, start_frame: int | None = None
    ) -> CameraPath:
        """Return the path on every frame at ``rate`` over its time span.

        Frame ``k`` sits at ``times[0] + k / rate``; the last frame is the last
        one not after the final sample.

        Parameters
        ----------
        rate : Fraction, float or str
            Frames per second.
        start_frame : int or None, keyword-only
            Number of the first frame (default: keep the path's).
        """
        frame_rate = parse_rate(rate)
        # 1e-6 frames of slack: files round times (OpenTrackIO JSON to nanoseconds)
        count = math.floor(Fraction(self.duration).limit_denominator(10**9) * frame_rate + 1e-6) + 1
        times = self.times[0] + np.arange(count) / float(frame_rate)
        sampled = self.sample(times)
        return replace(
            sampled,
            times=times,
            rate=frame_rate,
            start_frame=self.start_frame if start_frame is None else start_frame,
        )

    def on_frames(self, rate: Fraction | float | str | None = None) -> CameraPath:
        """Return the path with one sample per frame, for frame-based formats.

        Parameters
        ----------
        rate : Fraction, float, str or None
            The frame rate wanted. None keeps the path's own rate.

        Raises
        ------
        ValueError
            When the path has no rate and none is given.
        """
        if rate is None:
            if self.rate is None:
                raise ValueError("the camera path has no frame rate; give one (e.g. --fps 24)")
            return self
        wanted = parse_rate(rate)
        return self if self.rate == wanted else self.resample(wanted)

    def trimmed(self, first_frame: int, last_frame: int) -> CameraPath:
        """Return frames ``first_frame`` to ``last_frame`` inclusive of a path on frames."""
        frames = self.frames
        if frames is None:
            raise ValueError("the path has no frame rate; resample it first")
        keep = (frames >= first_frame) & (frames <= last_frame)
        if not keep.any():
            raise ValueError(
                f"frames {first_frame}-{last_frame} are outside the path's "
                f"{int(frames[0])}-{int(frames[-1])}"
            )
        first = int(np.flatnonzero(keep)[0])
        return replace(
            self,
            times=self.times[keep],
            positions=self.positions[keep],
            orientations=self.orientations[keep],
            focal_mm=self.focal_mm[keep],
            focus_m=self.focus_m[keep],
            f_stop=self.f_stop[keep],
            start_frame=int(frames[first]),
        )

    def with_camera(self, camera: CameraInfo) -> CameraPath:
        """Return the path with another film back / camera description."""
        return replace(self, camera=camera)

    # ------------------------------------------------------------ motion
    def velocity(self) -> NDArray[np.float64]:
        """Return the camera's velocity per sample, m/s, shape (N, 3)."""
        if len(self) < 2:
            return np.zeros((len(self), 3))
        return np.gradient(self.positions, self.times, axis=0)

    def speed(self) -> NDArray[np.float64]:
        """Return the camera's speed per sample, m/s."""
        return np.linalg.norm(self.velocity(), axis=1)

    def acceleration(self) -> NDArray[np.float64]:
        """Return the magnitude of the camera's acceleration per sample, m/s²."""
        if len(self) < 3:
            return np.zeros(len(self))
        return np.linalg.norm(np.gradient(self.velocity(), self.times, axis=0), axis=1)

    def angular_rates(self) -> NDArray[np.float64]:
        """Return pan, tilt and roll rates per sample, degrees per second, shape (N, 3)."""
        if len(self) < 2:
            return np.zeros((len(self), 3))
        return np.gradient(self.pan_tilt_roll(), self.times, axis=0)

    def feasibility(self, support: Any) -> FeasibilityReport:
        """Check the path against a camera support's limits.

        Parameters
        ----------
        support : previz.core.rig.SupportRig
            Limits: ``max_speed_m_s``, ``max_acceleration_m_s2``,
            ``height_range_m``, and optionally ``max_pan_deg_s`` and
            ``max_tilt_deg_s``.

        Returns
        -------
        FeasibilityReport
            Every run of frames (samples, for a path without a rate) where a
            limit is exceeded, with the peak value.
        """
        frames = self.frames
        numbers = frames if frames is not None else np.arange(len(self))
        rates = np.abs(self.angular_rates())
        heights = self.positions[:, 2]
        low, high = support.height_range_m
        # (quantity, values, limit, unit, +1 for a maximum / -1 for a minimum)
        checks: list[tuple[str, NDArray[np.float64], float | None, str, int]] = [
            ("speed", self.speed(), support.max_speed_m_s, "m/s", 1),
            ("acceleration", self.acceleration(), support.max_acceleration_m_s2, "m/s²", 1),
            ("pan rate", rates[:, 0], support.max_pan_deg_s, "°/s", 1),
            ("tilt rate", rates[:, 1], support.max_tilt_deg_s, "°/s", 1),
            ("height", heights, high, "m", 1),
            ("height", heights, low, "m", -1),
        ]
        violations = []
        for quantity, values, limit, unit, sense in checks:
            if limit is None:
                continue
            # A hair of tolerance: a path planned exactly at a limit is within it.
            beyond = sense * (values - limit) > 1e-9 * max(1.0, abs(limit))
            for first, last in _runs(beyond):
                run = values[first : last + 1]
                violations.append(
                    Violation(
                        quantity,
                        int(numbers[first]),
                        int(numbers[last]),
                        float(run.max() if sense > 0 else run.min()),
                        float(limit),
                        unit,
                        support.name,
                        frames is not None,
                    )
                )
        violations.sort(key=lambda v: (v.first, v.quantity))
        return FeasibilityReport(support.name, tuple(violations))
