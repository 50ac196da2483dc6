"""Camera bodies, lens kits and camera supports: the kit a shoot has.

Plain records, loaded from ``rigs/*.toml`` by :mod:`previz.io.datafiles`. A
:class:`RigLibrary` finds them by name and says, when a name is wrong, which
names are valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from previz.core.lens import FilmBack
from previz.errors import InputError

__all__ = [
    "CameraBody",
    "LensKit",
    "LensSpec",
    "RigLibrary",
    "SensorMode",
    "SupportRig",
]

# A focal length asked of a prime kit matches a lens within this much (mm).
_PRIME_TOLERANCE_MM = 0.05


def _choices(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(names) if names else "(none)"


@dataclass(frozen=True)
class SensorMode:
    """One sensor mode of a camera body: the active area the picture comes from."""

    name: str
    label: str
    width_mm: float
    height_mm: float
    photosites: tuple[int, int] | None = None

    @property
    def film_back(self) -> FilmBack:
        """The mode's active area as a film back."""
        return FilmBack(self.width_mm, self.height_mm)


@dataclass(frozen=True)
class CameraBody:
    """A camera body with its sensor modes."""

    name: str
    display_name: str
    make: str
    model: str
    modes: tuple[SensorMode, ...]
    default_mode: str
    source: str = ""
    path: str = ""

    def mode(self, name: str | None = None) -> SensorMode:
        """Return the named sensor mode (the default one for None).

        Raises
        ------
        InputError
            Naming the body's valid modes.
        """
        wanted = self.default_mode if name is None else name
        for mode in self.modes:
            if mode.name == wanted:
                return mode
        raise InputError(
            f"camera {self.name!r} has no sensor mode {wanted!r}; "
            f"valid: {_choices([m.name for m in self.modes])}"
        )


@dataclass(frozen=True)
class LensSpec:
    """A lens of a kit: a prime (``focal_mm``) or a zoom (``focal_range_mm``)."""

    name: str
    focal_mm: float | None = None
    focal_range_mm: tuple[float, float] | None = None
    t_stop: float | None = None
    close_focus_m: float | None = None

    @property
    def is_zoom(self) -> bool:
        """True for a zoom lens."""
        return self.focal_range_mm is not None

    @property
    def focal_lengths(self) -> tuple[float, ...]:
        """The focal length of a prime, or a zoom's two ends."""
        if self.focal_range_mm is not None:
            return self.focal_range_mm
        return (self.focal_mm,) if self.focal_mm is not None else ()

    def covers(self, focal_mm: float) -> bool:
        """Whether this lens can be at ``focal_mm``."""
        if self.focal_range_mm is not None:
            low, high = self.focal_range_mm
            return low - 1e-9 <= focal_mm <= high + 1e-9
        return self.focal_mm is not None and abs(focal_mm - self.focal_mm) <= _PRIME_TOLERANCE_MM

    def describe(self) -> str:
        """``"32mm"`` or ``"24-290mm"`` with the T-stop when known."""
        if self.focal_range_mm is not None:
            text = f"{self.focal_range_mm[0]:g}-{self.focal_range_mm[1]:g}mm"
        else:
            text = f"{self.focal_mm:g}mm"
        return text + (f" T{self.t_stop:g}" if self.t_stop else "")


@dataclass(frozen=True)
class LensKit:
    """A set of lenses sharing a squeeze (spherical or anamorphic)."""

    name: str
    display_name: str
    make: str
    squeeze: float
    lenses: tuple[LensSpec, ...]
    source: str = ""
    path: str = ""

    def lens_for(self, focal_mm: float, *, where: str = "") -> LensSpec:
        """Return the lens of this kit that can be at ``focal_mm``.

        Parameters
        ----------
        focal_mm : float
            The focal length asked for.
        where : str, keyword-only
            Prefix for the message (file and key) when the focal length fails.

        Raises
        ------
        InputError
            When no prime has that focal length or it lies outside every zoom's
            range; the message lists the kit's focal lengths.
        """
        if not math.isfinite(focal_mm):
            raise InputError(f"{where}focal length {focal_mm!r} is not a number")
        for lens in self.lenses:
            if lens.covers(focal_mm):
                return lens
        zooms = [lens for lens in self.lenses if lens.is_zoom]
        kind = "outside the range of" if zooms and len(zooms) == len(self.lenses) else "not in"
        raise InputError(
            f"{where}{focal_mm:g} mm is {kind} lens kit {self.name!r}; "
            f"valid: {_choices([lens.describe() for lens in self.lenses])}"
        )


@dataclass(frozen=True)
class SupportRig:
    """What carries the camera, with the motion it allows."""

    name: str
    display_name: str
    max_speed_m_s: float
    max_acceleration_m_s2: float
    height_range_m: tuple[float, float]
    max_pan_deg_s: float | None = None
    max_tilt_deg_s: float | None = None
    source: str = ""
    path: str = ""


@dataclass(frozen=True)
class RigLibrary:
    """Every camera body, lens kit and support found, by name."""

    cameras: dict[str, CameraBody]
    lens_kits: dict[str, LensKit]
    supports: dict[str, SupportRig]

    def camera(self, name: str) -> CameraBody:
        """Return a camera body by name, or raise naming the valid ones."""
        return self._find(self.cameras, name, "camera body")

    def lens_kit(self, name: str) -> LensKit:
        """Return a lens kit by name, or raise naming the valid ones."""
        return self._find(self.lens_kits, name, "lens kit")

    def support(self, name: str) -> SupportRig:
        """Return a camera support by name, or raise naming the valid ones."""
        return self._find(self.supports, name, "camera support")

    def body_and_mode(self, spec: str) -> tuple[CameraBody, SensorMode]:
        """Resolve ``"BODY"`` or ``"BODY:MODE"`` to a body and one of its sensor modes."""
        body_name, _, mode_name = spec.partition(":")
        body = self.camera(body_name)
        return body, body.mode(mode_name or None)

    @staticmethod
    def _find(table: dict, name: str, what: str):  # type: ignore[no-untyped-def]
        try:
            return table[name]
        except KeyError:
            raise InputError(
                f"unknown {what} {name!r}; valid: {_choices(sorted(table))}"
            ) from None
