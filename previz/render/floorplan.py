"""A top-down floor plan of a shot plan as a small, self-contained SVG.

Pure numpy and string building (no renderer): north (stage +Y) is up, east
(+X) right, one scale for both axes.

- **The set** is rasterised from above onto a grid (cells of a round size,
  about 300 across the drawing): each cell takes the height of the highest
  triangle covering its centre, and cells are shaded in three bands —
  ground (below 0.5 m: roads, pavements, steps), low (below 2.5 m: benches,
  cars, props) and tall (walls, roofs, trees). Each band is one SVG path of
  rectangles, merged along rows and columns, covering every cell at least as
  high as the band and painted over the band below, so a set of boxy
  buildings costs a few kilobytes whatever its triangle count. Walls seen edge-on cover no cells;
  the roofs and tops above them do.
- **Each shot** gets a colour: the camera's path over the shot (a polyline,
  a dot where it starts) and, at the first frame, a wedge of the real
  horizontal angle of view (lens, film back, squeeze and fit) pointing where
  the camera looks, as long as the distance to the subject; the shot id
  labels it. The performers' root paths during the shot are drawn in the
  shot's colour too, dashed, with a ring where they are on its first frame.
- **Marks** are small crosses with their names; a **scale bar** in metres and
  the **axes** (+Y north, +X east) sit in the corners.

Every text from the user (shot ids, mark and performer names, the title) is
escaped, so the SVG is safe to inline in HTML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from previz.core.camera_path import CameraPath
from previz.core.rig import RigLibrary
from previz.core.rotation import quaternion_to_matrix
from previz.core.set_model import SetModel
from previz.core.shotplan import ShotPlan
from previz.core.take import Take
from previz.io.plan_assets import plan_camera_path

__all__ = [
    "BANDS",
    "PlanCamera",
    "PlanMark",
    "PlanPath",
    "floor_plan_svg",
    "footprint",
    "merge_rectangles",
    "plan_floor_plan",
]

#: Height bands of the set's footprint: (name, lowest top in metres, fill colour).
BANDS: tuple[tuple[str, float, str], ...] = (
    ("ground", -math.inf, "#e4e4e0"),
    ("low", 0.5, "#b9b9b2"),
    ("tall", 2.5, "#7d7d78"),
)

_PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
            "#e377c2", "#bcbd22", "#7f7f7f")
_NICE_STEPS = (0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0)
_CELLS_ACROSS = 300
_MARGIN_PX = 28
_MAX_PATH_POINTS = 400


@dataclass(frozen=True)
class PlanCamera:
    """A shot's camera on the plan.

    Parameters
    ----------
    label : str
        The shot id.
    positions : array_like, shape (N, 3)
        Camera positions over the shot, stage metres; the first is the first frame.
    forward : array_like, shape (3,)
        View direction on the first frame (stage).
    hfov_deg : float
        Horizontal angle of view on the first frame, degrees.
    reach_m : float or None
        Length of the view wedge (the subject distance; None: a fifth of the drawing).
    """

    label: str
    positions: NDArray[np.float64]
    forward: NDArray[np.float64]
    hfov_deg: float
    reach_m: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "positions",
                           np.asarray(self.positions, dtype=np.float64).reshape(-1, 3))
        object.__setattr__(self, "forward", np.asarray(self.forward, dtype=np.float64).reshape(3))


@dataclass(frozen=True)
class PlanPath:
    """A performer's root path during one shot.

    Parameters
    ----------
    label : str
        The performer's name.
    points : array_like, shape (N, 2 or 3)
        Stage metres; the first point is where the performer is on the shot's first frame.
    shot : int
        Index of the shot whose colour the path takes.
    """

    label: str
    points: NDArray[np.float64]
    shot: int = 0

    def __post_init__(self) -> None:
        points = np.asarray(self.points, dtype=np.float64)
        object.__setattr__(self, "points", points.reshape(len(points), -1)[:, :2])


@dataclass(frozen=True)
class PlanMark:
    """A camera mark: its name and stage position (metres)."""

    label: str
    position: tuple[float, ...] = field(default=(0.0, 0.0))


# ------------------------------------------------------------ rasterising
def _nice(value: float) -> float:
    """The smallest round step at least ``value``."""
    for step in _NICE_STEPS:
        if step >= value:
            return step
    return float(10 ** math.ceil(math.log10(value)))


def footprint(
    model: SetModel, low: ArrayLike, high: ArrayLike, cell_m: float
) -> NDArray[np.float64]:
    """Rasterise a set from above: the highest surface over each cell's centre.

    Parameters
    ----------
    model : SetModel
        The set (stage metres, Z up).
    low, high : array_like, shape (2,)
        South-west and north-east corners of the area, stage metres.
    cell_m : float
        Cell size, metres.

    Returns
    -------
    numpy.ndarray, shape (rows, columns)
        Heights in metres, NaN where nothing covers a cell; row 0 is the
        northernmost row and column 0 the westernmost, so rows run down the
        page as in the drawing.
    """
    x0, y0 = (float(v) for v in np.asarray(low, dtype=float)[:2])
    x1, y1 = (float(v) for v in np.asarray(high, dtype=float)[:2])
    columns = max(1, math.ceil((x1 - x0) / cell_m))
    rows = max(1, math.ceil((y1 - y0) / cell_m))
    top = np.full(rows * columns, -np.inf)
    for part in model.parts:
        if not len(part.triangles):
            continue
        corners = part.vertices[part.triangles]  # (M, 3, 3)
        _cover(corners, top, (x0, y1), cell_m, rows, columns)
    grid = top.reshape(rows, columns)
    grid[~np.isfinite(grid)] = np.nan
    return grid


def _cover(corners: NDArray[np.float64], top: NDArray[np.float64], origin: tuple[float, float],
           cell_m: float, rows: int, columns: int) -> None:
    """Raise ``top`` (flat rows × columns) to each triangle's height over the cells it covers."""
    x0, y_top = origin
    u = (corners[:, :, 0] - x0) / cell_m - 0.5  # cell-centre coordinates
    v = (y_top - corners[:, :, 1]) / cell_m - 0.5
    area = (u[:, 1] - u[:, 0]) * (v[:, 2] - v[:, 0]) - (u[:, 2] - u[:, 0]) * (v[:, 1] - v[:, 0])
    keep = np.abs(area) > 1e-9
    u, v, area, height = u[keep], v[keep], area[keep], corners[keep, :, 2].max(axis=1)
    c0 = np.clip(np.ceil(u.min(axis=1)), 0, columns).astype(np.int64)
    c1 = np.clip(np.floor(u.max(axis=1)), -1, columns - 1).astype(np.int64)
    r0 = np.clip(np.ceil(v.min(axis=1)), 0, rows).astype(np.int64)
    r1 = np.clip(np.floor(v.max(axis=1)), -1, rows - 1).astype(np.int64)
    width, tall = np.maximum(c1 - c0 + 1, 0), np.maximum(r1 - r0 + 1, 0)
    counts = width * tall
    chunk_start = 0
    cumulative = np.cumsum(counts)
    while chunk_start < len(counts):  # bounded memory: about 4 million candidate cells a pass
        base = cumulative[chunk_start - 1] if chunk_start else 0
        chunk_end = max(chunk_start + 1, int(np.searchsorted(cumulative, base + 4_000_000)))
        pick = slice(chunk_start, chunk_end)
        owner = np.repeat(np.arange(chunk_start, chunk_end), counts[pick])
        if owner.size:
            offset = np.arange(owner.size) - np.repeat(cumulative[pick] - counts[pick] - base,
                                                       counts[pick])
            column = c0[owner] + offset % width[owner]
            row = r0[owner] + offset // width[owner]
            inside = _inside(u[owner], v[owner], area[owner], column, row)
            np.maximum.at(top, row[inside] * columns + column[inside], height[owner][inside])
        chunk_start = chunk_end


def _inside(u: NDArray[np.float64], v: NDArray[np.float64], area: NDArray[np.float64],
            px: NDArray[np.int64], py: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Whether points lie in triangles (edges included), by signed areas."""
    sign = np.sign(area)
    tolerance = -1e-9
    inside = np.ones(len(px), dtype=bool)
    for a, b in ((0, 1), (1, 2), (2, 0)):
        edge = (u[:, b] - u[:, a]) * (py - v[:, a]) - (v[:, b] - v[:, a]) * (px - u[:, a])
        inside &= edge * sign >= tolerance
    return inside


def merge_rectangles(mask: NDArray[np.bool_]) -> list[tuple[int, int, int, int]]:
    """Cover the true cells of a mask with rectangles ``(column, row, width, height)``.

    Runs of cells along each row are merged, then runs with the same columns
    on consecutive rows; the rectangles do not overlap.
    """
    rectangles: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}
    padded = np.zeros((mask.shape[0] + 1, mask.shape[1] + 2), dtype=np.int8)
    padded[:-1, 1:-1] = mask
    for row in range(padded.shape[0]):
        steps = np.diff(padded[row])
        starts = np.flatnonzero(steps == 1)
        ends = np.flatnonzero(steps == -1)
        runs = set(zip(starts.tolist(), ends.tolist(), strict=True))
        for run in [r for r in open_runs if r not in runs]:
            first = open_runs.pop(run)
            rectangles.append((run[0], first, run[1] - run[0], row - first))
        for run in runs:
            open_runs.setdefault(run, row)
    return sorted(rectangles, key=lambda r: (r[1], r[0]))


# ------------------------------------------------------------ drawing
def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class _Frame:
    """Stage metres → SVG pixels."""

    x0: float
    y1: float
    scale: float

    def __call__(self, points: ArrayLike) -> NDArray[np.float64]:
        p = np.asarray(points, dtype=np.float64).reshape(-1, np.shape(points)[-1])[:, :2]
        return np.column_stack([(p[:, 0] - self.x0) * self.scale + _MARGIN_PX,
                                (self.y1 - p[:, 1]) * self.scale + _MARGIN_PX])


def _polyline(points: NDArray[np.float64]) -> str:
    if len(points) > _MAX_PATH_POINTS:
        points = points[np.linspace(0, len(points) - 1, _MAX_PATH_POINTS).round().astype(int)]
    keep = np.ones(len(points), dtype=bool)
    keep[1:] = np.any(np.abs(np.diff(np.round(points, 1), axis=0)) > 0, axis=1)
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points[keep])


def _extent(model: SetModel | None, cameras: Sequence[PlanCamera], paths: Sequence[PlanPath],
            marks: Sequence[PlanMark], margin_m: float | None) -> tuple[NDArray[np.float64], ...]:
    action = [c.positions[:, :2] for c in cameras] + [p.points for p in paths]
    action += [np.asarray(m.position[:2], dtype=float)[None] for m in marks]
    for camera in cameras:
        reach = camera.reach_m or 0.0
        direction = camera.forward[:2]
        norm = float(np.hypot(*direction))
        if reach and norm > 1e-9:
            action.append(camera.positions[:1, :2] + direction / norm * reach)
    points = np.vstack(action) if action else np.zeros((0, 2))
    if model is not None and model.parts:
        low_set, high_set = (b[:2] for b in model.bounds())
    else:
        low_set = high_set = None
    if len(points):
        low, high = points.min(axis=0) - 1.0, points.max(axis=0) + 1.0
        if low_set is not None:
            if margin_m is None:
                low, high = np.minimum(low, low_set), np.maximum(high, high_set)
            else:
                low = np.maximum(low - margin_m, np.minimum(low, low_set))
                high = np.minimum(high + margin_m, np.maximum(high, high_set))
    elif low_set is not None:
        low, high = low_set.astype(float), high_set.astype(float)
    else:
        low, high = np.array([-5.0, -5.0]), np.array([5.0, 5.0])
    size = np.maximum(high - low, 2.0)
    centre = (low + high) / 2
    return centre - size / 2, centre + size / 2


def _set_layer(model: SetModel, low: NDArray[np.float64], high: NDArray[np.float64],
               frame: _Frame) -> list[str]:
    cell = _nice(float(max(high - low)) / _CELLS_ACROSS)
    origin = np.floor(low / cell) * cell
    grid = footprint(model, origin, high, cell)
    corner_x, corner_y = frame(np.array([[origin[0], high[1]]]))[0]  # the grid's top-left
    lines = [f'<g transform="translate({corner_x:.2f},{corner_y:.2f}) '
             f'scale({frame.scale * cell:.5g})" stroke="none">']
    for name, lowest, colour in BANDS:  # each band painted over the ones below: fewer rectangles
        with np.errstate(invalid="ignore"):
            mask = grid >= lowest
        rectangles = merge_rectangles(mask)
        if not rectangles:
            continue
        d = "".join(f"M{c} {r}h{w}v{h}h-{w}z" for c, r, w, h in rectangles)
        lines.append(f'<path class="{name}" fill="{colour}" d="{d}"/>')
    lines.append("</g>")
    return lines


def _wedge(camera: PlanCamera, frame: _Frame, reach_m: float, colour: str) -> str:
    start = camera.positions[0, :2]
    direction = camera.forward[:2]
    if float(np.hypot(*direction)) < 1e-6:  # looking straight down or up: no wedge
        return ""
    heading = math.atan2(direction[1], direction[0])
    half = math.radians(min(camera.hfov_deg, 179.0)) / 2
    ray = [start + reach_m * np.array([math.cos(heading + s * half), math.sin(heading + s * half)])
           for s in (1.0, -1.0)]
    (ax, ay), (bx, by), (cx, cy) = frame(np.vstack([start, *ray]))
    radius = reach_m * frame.scale
    return (f'<path d="M{_num(ax)} {_num(ay)}L{_num(bx)} {_num(by)}'
            f'A{_num(radius)} {_num(radius)} 0 0 1 {_num(cx)} {_num(cy)}z" fill="{colour}" '
            f'fill-opacity="0.18" stroke="{colour}" stroke-width="1"/>')


def _scale_bar(frame: _Frame, width_px: float, height_px: float) -> list[str]:
    metres = _nice(width_px / frame.scale / 6)
    length = metres * frame.scale
    x, y = _MARGIN_PX, height_px - 10
    label = f"{metres:g} m"
    return [
        f'<g class="scale"><path d="M{_num(x)} {_num(y - 4)}v4h{_num(length)}v-4" fill="none" '
        f'stroke="#222" stroke-width="1.5"/>',
        f'<text x="{_num(x + length + 5)}" y="{_num(y)}">{label}</text></g>',
    ]


def _axes(width_px: float) -> list[str]:
    x, y = width_px - 40, 50
    return [
        '<g class="axes" stroke="#222" stroke-width="1.5" fill="#222">',
        f'<rect x="{x - 10}" y="{y - 45}" width="44" height="64" fill="#fff" '
        f'fill-opacity="0.85" stroke="none"/>',
        f'<path d="M{x} {y}v-30M{x - 4} {y - 24}l4 -6l4 6" fill="none"/>',
        f'<path d="M{x} {y}h24M{x + 18} {y - 4}l6 4l-6 4" fill="none"/>',
        f'<text x="{x - 4}" y="{y - 33}" stroke="none">N +Y</text>',
        f'<text x="{x + 8}" y="{y + 14}" stroke="none">+X</text>',
        "</g>",
    ]


def floor_plan_svg(
    model: SetModel | None,
    cameras: Sequence[PlanCamera] = (),
    paths: Sequence[PlanPath] = (),
    marks: Sequence[PlanMark] = (),
    *,
    title: str = "",
    width_px: int = 900,
    margin_m: float | None = 20.0,
) -> str:
    """Draw a floor plan as an SVG document (see the module notes).

    Parameters
    ----------
    model : SetModel or None
        The set (None: no footprint).
    cameras : sequence of PlanCamera
        One per shot, in plan order (the order picks the colours).
    paths : sequence of PlanPath
        Performers' root paths, each in the colour of its shot.
    marks : sequence of PlanMark
        Camera marks.
    title : str, keyword-only
        The drawing's title (escaped).
    width_px : int, keyword-only
        Width of the drawing in pixels (narrower when the area is taller than
        5:4 portrait; the height follows the area).
    margin_m : float or None, keyword-only
        Show this much of the set around the cameras, performers and marks
        (None: the whole set).

    Returns
    -------
    str
        ``<svg …>…</svg>`` with an explicit ``viewBox``, no XML declaration
        (ready to inline in HTML, or to save as ``.svg``).
    """
    low, high = _extent(model, cameras, paths, marks, margin_m)
    room = width_px - 2 * _MARGIN_PX  # a tall area is fitted into a 4:5 portrait page
    scale = min(room / float(high[0] - low[0]), 1.25 * room / float(high[1] - low[1]))
    frame = _Frame(float(low[0]), float(high[1]), scale)
    width = round(float(high[0] - low[0]) * scale) + 2 * _MARGIN_PX
    height = round(float(high[1] - low[1]) * scale) + 2 * _MARGIN_PX
    span = float(max(high - low))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="11" class="floor-plan">',
        f"<title>{_esc(title or 'Floor plan')}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    if model is not None and model.parts:
        out += _set_layer(model, low, high, frame)
    origin = frame(np.zeros((1, 2)))[0]
    if (0 <= origin[0] <= width) and (0 <= origin[1] <= height):
        out.append(f'<path d="M{_num(origin[0] - 5)} {_num(origin[1])}h10M{_num(origin[0])} '
                   f'{_num(origin[1] - 5)}v10" stroke="#555" stroke-width="1"/>')
    for mark in marks:
        mx, my = frame(np.asarray(mark.position[:2], dtype=float)[None])[0]
        out.append(f'<g class="mark"><path d="M{_num(mx - 3)} {_num(my - 3)}l6 6M{_num(mx - 3)} '
                   f'{_num(my + 3)}l6 -6" stroke="#444" stroke-width="1.2"/>'
                   f'<text x="{_num(mx + 5)}" y="{_num(my - 5)}" fill="#444" font-size="9">'
                   f"{_esc(mark.label)}</text></g>")
    labelled: set[str] = set()
    for path in paths:
        colour = _PALETTE[path.shot % len(_PALETTE)]
        points = frame(path.points)
        out.append(f'<g class="performer"><polyline points="{_polyline(points)}" fill="none" '
                   f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 3"/>'
                   f'<circle cx="{_num(points[0, 0])}" cy="{_num(points[0, 1])}" r="4" '
                   f'fill="none" stroke="{colour}" stroke-width="1.5"/>')
        if path.label not in labelled:
            labelled.add(path.label)
            out.append(f'<text x="{_num(points[0, 0] + 6)}" y="{_num(points[0, 1] - 6)}" '
                       f'font-style="italic">{_esc(path.label)}</text>')
        out.append("</g>")
    for index, camera in enumerate(cameras):
        colour = _PALETTE[index % len(_PALETTE)]
        reach = camera.reach_m if camera.reach_m else span / 5
        reach = min(max(reach, 0.5), span)
        points = frame(camera.positions)
        out.append('<g class="camera">')
        out.append(_wedge(camera, frame, reach, colour))
        if len(points) > 1 and np.ptp(points, axis=0).max() > 0.5:
            out.append(f'<polyline points="{_polyline(points)}" fill="none" stroke="{colour}" '
                       f'stroke-width="2"/>')
        out.append(f'<circle cx="{_num(points[0, 0])}" cy="{_num(points[0, 1])}" r="4" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{_num(points[0, 0] + 6)}" y="{_num(points[0, 1] + 14)}" '
                   f'fill="{colour}" font-weight="bold">{_esc(camera.label)}</text></g>')
    out += _scale_bar(frame, width, height)
    out += _axes(width)
    out.append("</svg>")
    return "\n".join(line for line in out if line)


# ------------------------------------------------------------ from a plan
def _forward(path: CameraPath) -> NDArray[np.float64]:
    return quaternion_to_matrix(path.orientations[0])[:, 1]


def _hfov(path: CameraPath) -> float:
    optics = path.camera.optics(float(path.focal_mm[0]), float(path.focus_m[0]),
                                float(path.f_stop[0]))
    return float(optics.field_of_view().horizontal)


def plan_floor_plan(
    plan: ShotPlan,
    library: RigLibrary | None = None,
    *,
    model: SetModel | None = None,
    takes: Sequence[Take] | None = None,
    paths: Mapping[str, CameraPath] | None = None,
    reach: Mapping[str, float | None] | None = None,
    width_px: int = 900,
    margin_m: float | None = 20.0,
) -> str:
    """Draw a plan's floor plan: its set, shots, performers and marks.

    Parameters
    ----------
    plan : ShotPlan
        A validated plan.
    library : RigLibrary or None
        For the film back of bodies and lens kits the plan names.
    model : SetModel or None, keyword-only
        The plan's set, when already loaded (default: loaded).
    takes : sequence of Take or None, keyword-only
        The plan's performers, when already loaded (default: loaded).
    paths : mapping or None, keyword-only
        Shot id → camera path over the shot, when already computed.
    reach : mapping or None, keyword-only
        Shot id → wedge length in metres (the shot list's subject distance);
        default: the focus distance when finite.
    width_px, margin_m : keyword-only
        See :func:`floor_plan_svg`.

    Returns
    -------
    str
        The SVG.
    """
    from previz.io.plan_assets import plan_set, plan_takes

    if model is None:
        model = plan_set(plan)
    if takes is None:
        takes = plan_takes(plan)
    cameras, performer_paths = [], []
    rate = float(plan.sequence.rate)
    for index, (shot, (first, last)) in enumerate(zip(plan.shots, plan.frame_ranges(),
                                                      strict=True)):
        path = paths[shot.id] if paths is not None else plan_camera_path(plan, shot.id, library)
        focus = float(path.focus_m[0])
        length = reach.get(shot.id) if reach is not None else (
            focus if math.isfinite(focus) else None)
        cameras.append(PlanCamera(shot.id, path.positions, _forward(path), _hfov(path), length))
        step = max(1, (last - first + 1) // _MAX_PATH_POINTS)
        frames = np.arange(first, last + 1, step)
        times = (frames - plan.sequence.start_frame) / rate
        for take in takes:
            root = take.world_positions_at(times)[:, 0]
            performer_paths.append(PlanPath(take.name, root, index))
    marks = [PlanMark(m.name, m.position) for m in plan.marks]
    return floor_plan_svg(model, cameras, performer_paths, marks, title=plan.sequence.title,
                          width_px=width_px, margin_m=margin_m)
