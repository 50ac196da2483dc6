"""Framing guides and burn-ins: the geometry (numpy) and the VTK 2D actors that draw it.

Guides are computed in normalised frame coordinates (0–1, origin bottom-left,
as VTK's normalised viewport), so the same guides fit any output size:

- aspect masks: the area outside a delivery aspect (2.39:1, 1.85:1, 16:9 …)
  darkened, with a frame line at its edge;
- centre cross, rule-of-thirds lines and safe areas (93 % action, 90 % title,
  SMPTE ST 2046-1), all inside the first (delivery) aspect.

Burn-ins are up to eight text fields (corners and edges), each a VTK text actor
with a fixed pixel size (cheaper per frame than VTK's self-scaling corner
annotation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ASPECT_NAMES",
    "BURNIN_SLOTS",
    "Burnins",
    "GuideOverlay",
    "Guides",
    "aspect_box",
    "guide_lines",
    "parse_aspect",
]

#: Named delivery aspects.
ASPECT_NAMES: dict[str, float] = {
    "2.39": 2.39, "2.35": 2.35, "2.00": 2.0, "1.85": 1.85, "16:9": 16 / 9, "1.78": 16 / 9,
    "4:3": 4 / 3, "1.33": 4 / 3, "1:1": 1.0, "9:16": 9 / 16,
}

#: Where burn-in texts may go.
BURNIN_SLOTS: tuple[str, ...] = (
    "top_left", "top", "top_right", "left", "right", "bottom_left", "bottom", "bottom_right",
)


def parse_aspect(text: str | float) -> float:
    """Return an aspect ratio from ``2.39``, ``"2.39"``, ``"16:9"`` or ``"1.85:1"``.

    Raises
    ------
    ValueError
        Naming the text and the forms accepted.
    """
    if isinstance(text, int | float):
        value = float(text)
    else:
        label = str(text).strip()
        if label in ASPECT_NAMES:
            return ASPECT_NAMES[label]
        try:
            if ":" in label:
                width, height = (float(part) for part in label.split(":"))
                value = width / height
            else:
                value = float(label)
        except (ValueError, ZeroDivisionError):
            value = math.nan
    if not (math.isfinite(value) and 0.2 <= value <= 5.0):
        raise ValueError(
            f"aspect {text!r} is not a ratio like 2.39, 1.85:1 or 16:9 (between 0.2 and 5)"
        )
    return value


def aspect_box(frame_aspect: float, aspect: float) -> tuple[float, float, float, float]:
    """Return the centred box of ``aspect`` inside a frame of ``frame_aspect``.

    Returns
    -------
    tuple of float
        ``(x0, y0, x1, y1)`` in normalised frame coordinates: full width and
        letterboxed when ``aspect`` is wider than the frame, else full height
        and pillarboxed.
    """
    if aspect >= frame_aspect:
        height = frame_aspect / aspect
        return 0.0, 0.5 - height / 2, 1.0, 0.5 + height / 2
    width = aspect / frame_aspect
    return 0.5 - width / 2, 0.0, 0.5 + width / 2, 1.0


@dataclass(frozen=True)
class Guides:
    """Which framing guides to draw.

    Parameters
    ----------
    aspects : tuple of float
        Delivery aspects to mask and outline; the first is the one the other
        guides sit in. Empty: the whole frame.
    mask_opacity : float
        Darkness of the area outside the first aspect (0 clear – 1 black).
    centre, thirds : bool
        Draw the centre cross and the rule-of-thirds lines.
    safe_areas : tuple of float
        Fractions of the framed width/height to outline (action 0.93, title 0.90).
    color : tuple of float
        RGB 0–1 of the lines.
    """

    aspects: tuple[float, ...] = (2.39,)
    mask_opacity: float = 0.55
    centre: bool = True
    thirds: bool = True
    safe_areas: tuple[float, ...] = (0.93, 0.90)
    color: tuple[float, float, float] = (1.0, 0.85, 0.2)


def _rectangle(box: tuple[float, float, float, float]) -> list[NDArray[np.float64]]:
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    return [np.array([corners[i], corners[(i + 1) % 4]]) for i in range(4)]


def guide_lines(guides: Guides, frame_aspect: float) -> tuple[
    list[NDArray[np.float64]], list[tuple[float, float, float, float]]
]:
    """Return the guide line segments and the masked rectangles, normalised.

    Parameters
    ----------
    guides : Guides
    frame_aspect : float
        The rendered frame's width over height.

    Returns
    -------
    segments : list of numpy.ndarray, each (2, 2)
        Line segments (x, y) in normalised frame coordinates.
    masks : list of tuple
        ``(x0, y0, x1, y1)`` rectangles to darken.
    """
    segments: list[NDArray[np.float64]] = []
    masks: list[tuple[float, float, float, float]] = []
    boxes = [aspect_box(frame_aspect, aspect) for aspect in guides.aspects]
    for box in boxes:
        segments.extend(_rectangle(box))
    inner = boxes[0] if boxes else (0.0, 0.0, 1.0, 1.0)
    x0, y0, x1, y1 = inner
    if boxes:
        masks = [m for m in ((0.0, 0.0, 1.0, y0), (0.0, y1, 1.0, 1.0),
                             (0.0, y0, x0, y1), (x1, y0, 1.0, y1))
                 if m[2] - m[0] > 1e-9 and m[3] - m[1] > 1e-9]
    width, height = x1 - x0, y1 - y0
    if guides.thirds:
        for k in (1, 2):
            x = x0 + width * k / 3
            y = y0 + height * k / 3
            segments.append(np.array([[x, y0], [x, y1]]))
            segments.append(np.array([[x0, y], [x1, y]]))
    if guides.centre:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        arm = 0.02 * height
        arm_x = arm / frame_aspect
        segments.append(np.array([[cx - arm_x, cy], [cx + arm_x, cy]]))
        segments.append(np.array([[cx, cy - arm], [cx, cy + arm]]))
    for fraction in guides.safe_areas:
        margin_x, margin_y = width * (1 - fraction) / 2, height * (1 - fraction) / 2
        segments.extend(_rectangle((x0 + margin_x, y0 + margin_y, x1 - margin_x, y1 - margin_y)))
    return segments, masks


@dataclass(frozen=True)
class Burnins:
    """Burn-in texts by slot name (see :data:`BURNIN_SLOTS`)."""

    texts: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, **slots: str) -> Burnins:
        """Build from slot keywords: ``Burnins.of(top_left="010", bottom_right="1001")``."""
        unknown = sorted(set(slots) - set(BURNIN_SLOTS))
        if unknown:
            raise ValueError(
                f"unknown burn-in slot {unknown[0]!r}; valid: {', '.join(BURNIN_SLOTS)}"
            )
        return cls(tuple((k, v) for k, v in slots.items() if v))


class GuideOverlay:
    """The guides and burn-ins of one renderer, as VTK 2D actors.

    Parameters
    ----------
    renderer : vtkRenderer
        The renderer to draw over (its viewport defines the frame).
    """

    def __init__(self, renderer: Any) -> None:
        from vtkmodules.vtkRenderingCore import vtkTextActor

        self.renderer = renderer
        self._mask_actor = _actor_2d(renderer)
        self._line_actor = _actor_2d(renderer)
        self._texts: dict[str, Any] = {}
        for name in BURNIN_SLOTS:
            actor = vtkTextActor()
            actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
            x, y, horizontal, vertical = _SLOT_PLACES[name]
            actor.SetPosition(x, y)
            text = actor.GetTextProperty()
            text.SetFontFamilyToCourier()
            text.SetColor(1.0, 1.0, 1.0)
            text.ShadowOn()
            text.SetJustification(horizontal)
            text.SetVerticalJustification(vertical)
            actor.SetVisibility(False)
            renderer.AddViewProp(actor)
            self._texts[name] = actor

    def set_guides(self, guides: Guides | None, frame_aspect: float) -> None:
        """Show these guides (None hides them) on a frame of ``frame_aspect``."""
        if guides is None:
            self._line_actor.SetVisibility(False)
            self._mask_actor.SetVisibility(False)
            return
        segments, masks = guide_lines(guides, frame_aspect)
        _set_lines(self._line_actor, segments)
        self._line_actor.GetProperty().SetColor(*guides.color)
        self._line_actor.GetProperty().SetOpacity(0.8)
        _set_quads(self._mask_actor, masks)
        self._mask_actor.GetProperty().SetColor(0.0, 0.0, 0.0)
        self._mask_actor.GetProperty().SetOpacity(guides.mask_opacity)
        self._line_actor.SetVisibility(bool(segments))
        self._mask_actor.SetVisibility(bool(masks) and guides.mask_opacity > 0)

    def set_burnins(self, burnins: Burnins | None, font_px: int | None = None) -> None:
        """Show these burn-ins (None clears them).

        ``font_px`` is the text height in pixels (default: 1/36 of the frame height).
        """
        if font_px is None:
            font_px = max(10, round(self.renderer.GetSize()[1] / 36))
        wanted = dict(burnins.texts) if burnins else {}
        for name, actor in self._texts.items():
            text = wanted.get(name, "")
            if text:
                if actor.GetInput() != text:
                    actor.SetInput(text)
                actor.GetTextProperty().SetFontSize(font_px)
            actor.SetVisibility(bool(text))


# Normalised place of each burn-in slot and its justification (VTK constants:
# 0 left/bottom, 1 centred, 2 right/top).
_MARGIN = 0.01
_SLOT_PLACES: dict[str, tuple[float, float, int, int]] = {
    "bottom_left": (_MARGIN, _MARGIN, 0, 0),
    "bottom_right": (1 - _MARGIN, _MARGIN, 2, 0),
    "top_left": (_MARGIN, 1 - _MARGIN, 0, 2),
    "top_right": (1 - _MARGIN, 1 - _MARGIN, 2, 2),
    "bottom": (0.5, _MARGIN, 1, 0),
    "right": (1 - _MARGIN, 0.5, 2, 1),
    "left": (_MARGIN, 0.5, 0, 1),
    "top": (0.5, 1 - _MARGIN, 1, 2),
}


def _actor_2d(renderer: Any) -> Any:
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import vtkPolyData
    from vtkmodules.vtkRenderingCore import vtkActor2D, vtkCoordinate, vtkPolyDataMapper2D

    coordinate = vtkCoordinate()
    coordinate.SetCoordinateSystemToNormalizedViewport()
    mapper = vtkPolyDataMapper2D()
    mapper.SetTransformCoordinate(coordinate)
    data = vtkPolyData()
    data.SetPoints(vtkPoints())
    mapper.SetInputData(data)
    actor = vtkActor2D()
    actor.SetMapper(mapper)
    actor.SetVisibility(False)
    renderer.AddViewProp(actor)
    return actor


def _set_polydata(actor: Any, points: NDArray[np.float64], cells: NDArray[np.int64],
                  kind: str) -> None:
    from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData

    data = vtkPolyData()
    vtk_points = vtkPoints()
    flat = np.zeros((len(points), 3))
    flat[:, :2] = points
    vtk_points.SetData(numpy_to_vtk(flat, deep=True))
    data.SetPoints(vtk_points)
    array = vtkCellArray()
    array.ImportLegacyFormat(numpy_to_vtkIdTypeArray(cells.ravel().astype(np.int64), deep=True))
    if kind == "lines":
        data.SetLines(array)
    else:
        data.SetPolys(array)
    actor.GetMapper().SetInputData(data)


def _set_lines(actor: Any, segments: list[NDArray[np.float64]]) -> None:
    points = np.concatenate(segments) if segments else np.zeros((0, 2))
    index = np.arange(len(points)).reshape(-1, 2)
    cells = np.column_stack([np.full(len(index), 2), index])
    _set_polydata(actor, points, cells, "lines")


def _set_quads(actor: Any, boxes: list[tuple[float, float, float, float]]) -> None:
    points = np.array([[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for x0, y0, x1, y1 in boxes],
                      dtype=float).reshape(-1, 2)
    index = np.arange(len(points)).reshape(-1, 4)
    cells = np.column_stack([np.full(len(index), 4), index])
    _set_polydata(actor, points, cells, "polys")
