"""Lens and sensor optics: field of view, equivalent focal length, depth of field.

What the virtual camera frames must be what the real one will frame, so the
numbers follow the conventions of camera departments and DCC tools:

- The **film back** is the sensor's active area in millimetres. An anamorphic
  lens squeezes the picture horizontally by ``squeeze``; the delivered image is
  desqueezed, so its horizontal extent counts ``width × squeeze``.
- The **sensor fit** says how the output frame (aspect ``W/H``) sits on the film
  back, as in Maya's film fit: ``horizontal`` matches widths, ``vertical``
  matches heights, ``fill`` crops so the frame lies inside the film back,
  ``overscan`` shows the whole film back inside the frame.
- Field of view comes from the fitted **image aperture** and the focal length
  (the measured one when known): ``fov = 2 atan(aperture / 2f)``.
- The **35 mm-equivalent** focal length scales by the ratio of the full-frame
  still diagonal (36 × 24 mm, 43.27 mm) to the image aperture's diagonal.
- Depth of field uses the thin-lens formulas with a circle of confusion that
  defaults to the image aperture's diagonal / 1500 (0.029 mm on full frame).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum

__all__ = [
    "FULL_FRAME_DIAGONAL_MM",
    "DepthOfField",
    "FieldOfView",
    "FilmBack",
    "Lens",
    "Optics",
    "SensorFit",
]

#: Diagonal of the 36 × 24 mm full-frame still format.
FULL_FRAME_DIAGONAL_MM = math.hypot(36.0, 24.0)


class SensorFit(StrEnum):
    """How the output frame is fitted to the film back (Maya's film fit)."""

    FILL = "fill"
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"
    OVERSCAN = "overscan"


def _positive(value: float, what: str) -> float:
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{what} must be a positive number, got {value!r}")
    return number


@dataclass(frozen=True)
class FilmBack:
    """The sensor area the lens projects onto.

    Parameters
    ----------
    width_mm, height_mm : float
        Active area of the sensor mode, millimetres.
    """

    width_mm: float
    height_mm: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "width_mm", _positive(self.width_mm, "film back width"))
        object.__setattr__(self, "height_mm", _positive(self.height_mm, "film back height"))

    @property
    def aspect(self) -> float:
        """Width over height of the sensor area (before any desqueeze)."""
        return self.width_mm / self.height_mm

    @property
    def diagonal_mm(self) -> float:
        """Diagonal of the sensor area, millimetres."""
        return math.hypot(self.width_mm, self.height_mm)


@dataclass(frozen=True)
class Lens:
    """The state of a lens on the camera.

    Parameters
    ----------
    focal_mm : float
        Nominal focal length (the engraving).
    measured_focal_mm : float or None
        Focal length measured by calibration; used for the field of view when
        given.
    squeeze : float
        Anamorphic squeeze factor (1 for spherical, 2 for 2× anamorphic).
    f_stop : float
        Aperture as an f-number.
    focus_m : float
        Focus distance from the sensor plane, metres (``inf`` for infinity).
    """

    focal_mm: float
    measured_focal_mm: float | None = None
    squeeze: float = 1.0
    f_stop: float = 2.8
    focus_m: float = math.inf

    def __post_init__(self) -> None:
        object.__setattr__(self, "focal_mm", _positive(self.focal_mm, "focal length"))
        if self.measured_focal_mm is not None:
            measured = _positive(self.measured_focal_mm, "measured focal length")
            object.__setattr__(self, "measured_focal_mm", measured)
        object.__setattr__(self, "squeeze", _positive(self.squeeze, "anamorphic squeeze"))
        object.__setattr__(self, "f_stop", _positive(self.f_stop, "f-stop"))
        focus = float(self.focus_m)
        if not focus > 0 or math.isnan(focus):
            raise ValueError(f"focus distance must be a positive number of metres, got {focus!r}")
        object.__setattr__(self, "focus_m", focus)

    @property
    def effective_focal_mm(self) -> float:
        """The focal length the field of view is computed with (measured if known)."""
        return self.measured_focal_mm if self.measured_focal_mm is not None else self.focal_mm


@dataclass(frozen=True)
class FieldOfView:
    """Angles of view in degrees."""

    horizontal: float
    vertical: float
    diagonal: float


@dataclass(frozen=True)
class DepthOfField:
    """Depth of field around the focus distance, metres (``far`` may be ``inf``)."""

    near_m: float
    far_m: float
    hyperfocal_m: float

    @property
    def total_m(self) -> float:
        """Far minus near limit (``inf`` beyond the hyperfocal distance)."""
        return self.far_m - self.near_m


@dataclass(frozen=True)
class Optics:
    """A lens on a film back, framing an output aspect.

    Parameters
    ----------
    film_back : FilmBack
        The sensor mode's active area.
    lens : Lens
        The lens state.
    aspect : float or None
        Output frame width over height (e.g. 1920/1080, 2.39). None: the film
        back's own desqueezed aspect.
    fit : SensorFit
        How the output frame sits on the film back.
    coc_mm : float or None
        Circle of confusion; None uses the image aperture's diagonal / 1500.
    """

    film_back: FilmBack
    lens: Lens
    aspect: float | None = None
    fit: SensorFit = SensorFit.FILL
    coc_mm: float | None = field(default=None)

    def __post_init__(self) -> None:
        if self.aspect is not None:
            object.__setattr__(self, "aspect", _positive(self.aspect, "output aspect"))
        object.__setattr__(self, "fit", SensorFit(self.fit))
        if self.coc_mm is not None:
            object.__setattr__(self, "coc_mm", _positive(self.coc_mm, "circle of confusion"))

    def with_lens(self, **changes: float | None) -> Optics:
        """Return a copy with some lens fields changed (focal, focus, f-stop, …)."""
        return replace(self, lens=replace(self.lens, **changes))

    # ----------------------------------------------------------- apertures
    @property
    def desqueezed_width_mm(self) -> float:
        """The film back's width as the delivered (desqueezed) image sees it."""
        return self.film_back.width_mm * self.lens.squeeze

    @property
    def output_aspect(self) -> float:
        """The output frame's aspect (the desqueezed film back's when not given)."""
        if self.aspect is not None:
            return self.aspect
        return self.desqueezed_width_mm / self.film_back.height_mm

    def image_aperture_mm(self) -> tuple[float, float]:
        """Return the width and height (mm, desqueezed) of the film back the frame uses.

        With ``fill`` or ``overscan`` the dimension that is matched is chosen so
        the frame lies inside, or around, the film back.
        """
        width = self.desqueezed_width_mm
        height = self.film_back.height_mm
        aspect = self.output_aspect
        fit = self.fit
        if fit is SensorFit.FILL:
            fit = SensorFit.VERTICAL if width / height > aspect else SensorFit.HORIZONTAL
        elif fit is SensorFit.OVERSCAN:
            fit = SensorFit.HORIZONTAL if width / height > aspect else SensorFit.VERTICAL
        if fit is SensorFit.HORIZONTAL:
            return width, width / aspect
        return height * aspect, height

    # ----------------------------------------------------------- derived
    def field_of_view(self) -> FieldOfView:
        """Return the horizontal, vertical and diagonal angles of view, degrees."""
        width, height = self.image_aperture_mm()
        focal = self.lens.effective_focal_mm

        def angle(size: float) -> float:
            return math.degrees(2.0 * math.atan(size / (2.0 * focal)))

        return FieldOfView(angle(width), angle(height), angle(math.hypot(width, height)))

    def equivalent_focal_mm(self) -> float:
        """Return the focal length giving the same diagonal view on 36 × 24 mm full frame."""
        width, height = self.image_aperture_mm()
        return self.lens.effective_focal_mm * FULL_FRAME_DIAGONAL_MM / math.hypot(width, height)

    def circle_of_confusion_mm(self) -> float:
        """The circle of confusion used for depth of field, millimetres."""
        if self.coc_mm is not None:
            return self.coc_mm
        width, height = self.image_aperture_mm()
        return math.hypot(width, height) / 1500.0

    def hyperfocal_m(self) -> float:
        """Return the hyperfocal distance ``f² / (N c) + f``, metres."""
        focal = self.lens.focal_mm
        return (focal * focal / (self.lens.f_stop * self.circle_of_confusion_mm()) + focal) / 1000.0

    def depth_of_field(self) -> DepthOfField:
        """Return the near and far limits of acceptable sharpness at the focus distance.

        Thin-lens formulas with distances from the sensor: near =
        ``s (H − f) / (H + s − 2f)``, far = ``s (H − f) / (H − s)`` (infinite at or
        beyond the hyperfocal distance ``H``).
        """
        focal = self.lens.focal_mm / 1000.0
        hyperfocal = self.hyperfocal_m()
        focus = self.lens.focus_m
        if math.isinf(focus):  # the near limit tends to H - f
            return DepthOfField(hyperfocal - focal, math.inf, hyperfocal)
        near = focus * (hyperfocal - focal) / (hyperfocal + focus - 2.0 * focal)
        if focus >= hyperfocal:
            far = math.inf
        else:
            far = focus * (hyperfocal - focal) / (hyperfocal - focus)
        return DepthOfField(near, far, hyperfocal)
