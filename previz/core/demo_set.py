"""The built-in demo set: a small town square on a street corner, made in code.

A director can frame shots against it without any download: about 60 × 60 m
centred on the origin, stage metres, Z up, the road at z = 0 and the pavements
on a 15 cm kerb. Two roads meet in a T: road A runs east–west across the south
(y from −13 to −5), road B runs north from it on the east (x from 5 to 13). The
paved square (textured) lies in the north-west quarter, between the town hall
(gabled, with entrance steps) to the north, a café with an awning to the west
and the roads; six buildings of 8–21 m close the view on every side. The
ground around the origin is kept clear of props, so previz's built-in performer
(a 3 m circle walked from the origin) passes through nothing; note that the
square and pavements are 15 cm (:data:`KERB_M`) above the road.

Parts are grouped by material (one :class:`~previz.core.set_model.MeshPart`
each, so one draw call each); building walls, awnings, foliage and kerbs carry
vertex colours so the whole set stays under 30 parts. The set is built once and
cached: treat its arrays as read-only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from previz.core.mesh_primitives import (
    Mesh,
    box,
    boxes,
    cone,
    cylinder,
    extrude,
    grid_plane,
    icosphere,
    merge,
    painted,
    transform,
)
from previz.core.set_model import Material, MeshPart, SetModel

__all__ = ["DEMO_CAMERA", "DEMO_MARKS", "KERB_M", "DemoMark", "demo_set", "paving_texture"]


class DemoMark(NamedTuple):
    """A camera position on the demo set (pan/tilt per the stage conventions)."""

    name: str
    position: tuple[float, float, float]
    pan_deg: float
    tilt_deg: float


#: Where a camera starts: the south-east of the square at eye height, looking
#: north-west across it to the town hall steps.
DEMO_CAMERA = DemoMark("square-wide", (-0.5, -0.5, 1.7), 40.0, 3.0)

#: Good places for shots.
DEMO_MARKS: tuple[DemoMark, ...] = (
    DEMO_CAMERA,
    DemoMark("town-hall-steps", (-12.5, 11.5, 1.7), 16.0, 8.0),
    DemoMark("cafe-awning", (-11.0, 11.0, 1.7), 100.0, 0.0),
    DemoMark("street-corner", (22.0, -11.0, 1.7), 50.0, 3.0),
    DemoMark("overhead", (12.0, -12.0, 20.0), 45.0, -35.0),
)

#: Height of the pavements and the square above the road, metres.
KERB_M = 0.15
_EZ = np.array([0.0, 0.0, 1.0])

# Material name → (sRGB base colour, part uses vertex colours), in drawing order:
# large occluders first and the ground last, so that a depth-tested renderer
# skips shading most hidden pixels (the viewport runs on a software renderer).
_MATERIALS: dict[str, tuple[tuple[float, float, float], bool]] = {
    "walls": ((0.80, 0.72, 0.62), True),
    "flat_roofs": ((0.33, 0.33, 0.36), False),
    "roof_tiles": ((0.62, 0.27, 0.18), False),
    "glass": ((0.20, 0.28, 0.36), False),
    "stone_trim": ((0.92, 0.90, 0.85), False),
    "doors": ((0.36, 0.20, 0.12), False),
    "awnings": ((0.80, 0.15, 0.12), True),
    "foliage": ((0.30, 0.50, 0.20), True),
    "bark": ((0.36, 0.25, 0.16), False),
    "brick": ((0.58, 0.30, 0.22), False),
    "steps": ((0.74, 0.73, 0.69), False),
    "car_body": ((0.08, 0.45, 0.62), False),
    "tyres": ((0.07, 0.07, 0.08), False),
    "tail_lights": ((0.85, 0.05, 0.05), False),
    "dark_metal": ((0.14, 0.19, 0.17), False),
    "lamp_glass": ((1.0, 0.88, 0.55), False),
    "bollards": ((0.16, 0.16, 0.18), False),
    "bench_wood": ((0.62, 0.42, 0.24), False),
    "crates": ((0.76, 0.60, 0.36), False),
    "barrels": ((0.47, 0.26, 0.14), False),
    "road_paint": ((0.95, 0.95, 0.90), False),
    "paving": ((1.0, 1.0, 1.0), False),
    "pavement": ((0.62, 0.62, 0.60), True),
    "asphalt": ((0.23, 0.23, 0.25), False),
}


def _rot_z(degrees: float) -> NDArray[np.float64]:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _rot_x(degrees: float) -> NDArray[np.float64]:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


class _Parts:
    """Meshes collected per material, merged into one part each at the end."""

    def __init__(self) -> None:
        self.meshes: dict[str, list[Mesh]] = defaultdict(list)

    def add(self, material: str, mesh: Mesh, color: ArrayLike | None = None) -> None:
        if material not in _MATERIALS:
            raise KeyError(material)
        if _MATERIALS[material][1]:
            mesh = painted(mesh, _MATERIALS[material][0] if color is None else color)
        self.meshes[material].append(mesh)


# ----------------------------------------------------------------- texture
def paving_texture(tiles: int = 22, pixels_per_tile: int = 16) -> NDArray[np.uint8]:
    """Return the square's paving: a two-tone checker of stone slabs with grout lines.

    Parameters
    ----------
    tiles : int
        Slabs along each side.
    pixels_per_tile : int
        Resolution of one slab.

    Returns
    -------
    numpy.ndarray, shape (tiles·pixels_per_tile, tiles·pixels_per_tile, 3), uint8
    """
    size = tiles * pixels_per_tile
    rng = np.random.default_rng(7)
    tone = np.where((np.add.outer(np.arange(tiles), np.arange(tiles)) % 2) == 0, 192.0, 170.0)
    tone += rng.uniform(-8.0, 8.0, (tiles, tiles))
    cell = np.repeat(np.repeat(tone, pixels_per_tile, axis=0), pixels_per_tile, axis=1)
    warm = np.array([1.0, 0.96, 0.88])
    image = cell[:, :, None] * warm
    along = np.arange(size) % pixels_per_tile
    grout = (along[:, None] == 0) | (along[None, :] == 0)
    image[grout] = (138.0, 132.0, 122.0)
    return np.clip(np.round(image), 0, 255).astype(np.uint8)


# ----------------------------------------------------------------- ground
def _rounded_corner(corner: tuple[float, float], radius: float, start_deg: float,
                    segments: int = 6) -> list[tuple[float, float]]:
    """Points of a quarter circle inset from ``corner``, counter-clockwise from ``start_deg``."""
    cx = corner[0] - radius * math.copysign(1.0, math.cos(math.radians(start_deg + 45.0)))
    cy = corner[1] - radius * math.copysign(1.0, math.sin(math.radians(start_deg + 45.0)))
    angles = np.radians(start_deg + np.linspace(0.0, 90.0, segments + 1))
    return [(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles]


_KERB_COLOR = (0.80, 0.80, 0.77)
_PAVEMENT_COLOR = (0.62, 0.62, 0.60)


def _ground(parts: _Parts) -> None:
    parts.add("asphalt", grid_plane((60.0, 60.0), (6, 6)))
    pavements = [
        # South of the square, round corner into road B.
        [(-30.0, -5.0), *_rounded_corner((5.0, -5.0), 3.0, -90.0), (5.0, -1.0), (-30.0, -1.0)],
        # West, north and east of the square: a U around it.
        [(-30.0, -1.0), (-21.0, -1.0), (-21.0, 21.0), (1.0, 21.0), (1.0, -1.0), (5.0, -1.0),
         (5.0, 30.0), (-30.0, 30.0)],
        # East of road B.
        [(30.0, -5.0), (30.0, 30.0), (13.0, 30.0), *_rounded_corner((13.0, -5.0), 3.0, 180.0)],
        # South of road A.
        [(-30.0, -30.0), (30.0, -30.0), (30.0, -13.0), (-30.0, -13.0)],
    ]
    for outline in pavements:
        slab = extrude(outline, KERB_M, bottom=False)
        assert slab.normals is not None
        kerb = slab.normals[:, 2] < 0.5
        colors = np.where(kerb[:, None], _KERB_COLOR, _PAVEMENT_COLOR)
        parts.meshes["pavement"].append(
            replace(slab, colors=np.round(colors * 255.0).astype(np.uint8)))
    parts.add("paving", grid_plane((22.0, 22.0), (22, 22), center=(-10.0, 10.0, KERB_M)))


def _dashes(start: float, stop: float, dash: float, gap: float,
            skip: tuple[tuple[float, float], ...] = ()) -> NDArray[np.float64]:
    """``(n, 2)`` dash intervals along a line, leaving out the ``skip`` intervals."""
    begins = np.arange(start + gap / 2, stop - dash, dash + gap)
    ends = begins + dash
    keep = np.ones(len(begins), dtype=bool)
    for low, high in skip:
        keep &= (ends <= low) | (begins >= high)
    return np.column_stack([begins[keep], ends[keep]])


def _markings(parts: _Parts) -> None:
    z = (0.0, 0.015)
    lows: list[tuple[float, float, float]] = []
    highs: list[tuple[float, float, float]] = []

    def add(x0: float, x1: float, y0: float, y1: float) -> None:
        lows.append((x0, y0, z[0]))
        highs.append((x1, y1, z[1]))

    # Road A centre line, broken at the junction and the zebra crossing.
    for a, b in _dashes(-30.0, 30.0, 3.0, 3.0, skip=((-3.0, 1.0), (4.5, 13.5))):
        add(a, b, -9.075, -8.925)
    # Road B centre line north of the crossing, and a give-way line.
    for a, b in _dashes(4.0, 30.0, 3.0, 3.0):
        add(8.925, 9.075, a, b)
    add(5.3, 8.8, -4.7, -4.4)
    # Zebra crossings: bars parallel to the traffic.
    for x in np.arange(5.5, 12.6, 1.0):
        add(x, x + 0.5, 0.5, 3.5)
    for y in np.arange(-12.5, -5.4, 1.0):
        add(-2.5, 0.5, y, y + 0.5)
    # Parking bay lines along road A's north kerb.
    for x in (-19.0, -13.0, -7.0):
        add(x, x + 0.1, -7.2, -5.0)
    add(-19.0, -6.9, -7.3, -7.2)
    parts.add("road_paint", boxes(lows, highs))


# ----------------------------------------------------------------- buildings
@dataclass(frozen=True)
class _Facade:
    side: str  # "north", "south", "east" or "west": where the facade faces
    shop: bool = False  # ground floor is a shop front with big panes
    doors: tuple[int, ...] = ()  # ground-floor bays that are doors
    grand_door: int | None = None  # a bay with a double door up a flight of steps
    awning: bool = False
    bay: float = 3.0


@dataclass(frozen=True)
class _Building:
    x0: float
    y0: float
    x1: float
    y1: float
    height: float
    color: tuple[float, float, float]
    facades: tuple[_Facade, ...]
    gable: bool = False
    roof_hut: bool = False


_BUILDINGS = (
    # Town hall, north of the square: gabled, steps up to a double door.
    _Building(-23.5, 23.0, -8.0, 30.0, 11.0, (0.86, 0.74, 0.56),
              (_Facade("south", grand_door=2, bay=2.8),), gable=True),
    # Tall corner block, north-east of the square.
    _Building(-8.5, 22.5, 3.0, 30.0, 17.0, (0.66, 0.36, 0.30),
              (_Facade("south", doors=(1,)), _Facade("east", doors=(0,))), roof_hut=True),
    # Café along the west side of the square.
    _Building(-30.0, 2.0, -23.0, 30.0, 10.0, (0.95, 0.85, 0.58),
              (_Facade("east", shop=True, doors=(3, 6), awning=True), _Facade("south"))),
    # Office block east of road B: the tallest.
    _Building(15.0, 4.0, 30.0, 30.0, 21.0, (0.58, 0.65, 0.72),
              (_Facade("west", doors=(4,)), _Facade("south", doors=(2,))), roof_hut=True),
    # Low shops south of road A, west of the alley.
    _Building(-30.0, -30.0, -3.0, -15.0, 8.0, (0.76, 0.84, 0.72),
              (_Facade("north", shop=True, doors=(2, 6), awning=True), _Facade("east"))),
    # Flats south of road A, east of the alley.
    _Building(3.0, -30.0, 30.0, -15.0, 14.0, (0.90, 0.80, 0.74),
              (_Facade("north", doors=(2, 6)), _Facade("west", doors=(3,))), roof_hut=True),
)

_GROUND_FLOOR_M = 3.6
_FLOOR_M = 3.2
_WALL = 0.10  # how deep openings reach into the wall


class _Frame(NamedTuple):
    """A facade's frame: s along the facade (left to right seen from outside), t up,
    d outwards from the wall."""

    origin: NDArray[np.float64]  # bottom-left corner seen from outside
    along: NDArray[np.float64]
    out: NDArray[np.float64]
    length: float
    inward_face: str  # the box face that lies inside the wall (never seen)


def _frame(b: _Building, side: str) -> _Frame:
    if side == "south":
        return _Frame(np.array([b.x0, b.y0, 0.0]), np.array([1.0, 0, 0]),
                      np.array([0, -1.0, 0]), b.x1 - b.x0, "+y")
    if side == "north":
        return _Frame(np.array([b.x1, b.y1, 0.0]), np.array([-1.0, 0, 0]),
                      np.array([0, 1.0, 0]), b.x1 - b.x0, "-y")
    if side == "east":
        return _Frame(np.array([b.x1, b.y0, 0.0]), np.array([0, 1.0, 0]),
                      np.array([1.0, 0, 0]), b.y1 - b.y0, "-x")
    if side == "west":
        return _Frame(np.array([b.x0, b.y1, 0.0]), np.array([0, -1.0, 0]),
                      np.array([-1.0, 0, 0]), b.y1 - b.y0, "+x")
    raise ValueError(side)


def _local_boxes(frame: _Frame, s0: ArrayLike, s1: ArrayLike, t0: ArrayLike, t1: ArrayLike,
                 d0: ArrayLike, d1: ArrayLike) -> Mesh:
    """Boxes given in a facade's (s, t, d) coordinates, without their face in the wall."""
    s0, s1, t0, t1, d0, d1 = (np.asarray(v, dtype=np.float64).reshape(-1, 1)
                              for v in np.broadcast_arrays(s0, s1, t0, t1, d0, d1))
    a = frame.origin + s0 * frame.along + t0 * _EZ + d0 * frame.out
    b = frame.origin + s1 * frame.along + t1 * _EZ + d1 * frame.out
    return boxes(np.minimum(a, b), np.maximum(a, b), skip=frame.inward_face)


def _bays(frame: _Frame, bay: float) -> NDArray[np.float64]:
    """Centres of the window bays along a facade, a margin left at each end."""
    count = int((frame.length - 1.0) // bay)
    first = (frame.length - count * bay) / 2 + bay / 2
    return first + bay * np.arange(count)


def _windows(parts: _Parts, frame: _Frame, centre: NDArray[np.float64],
             bottom: NDArray[np.float64], width: NDArray[np.float64],
             height: NDArray[np.float64]) -> None:
    """Glazed openings: pane, frame, sill, mullion and transom."""
    left, right, top = centre - width / 2, centre + width / 2, bottom + height
    parts.add("glass", _local_boxes(frame, left, right, bottom, top, -_WALL, 0.02))
    f = 0.10
    trim = [
        _local_boxes(frame, left - f, left, bottom, top, -_WALL, 0.07),  # jambs
        _local_boxes(frame, right, right + f, bottom, top, -_WALL, 0.07),
        _local_boxes(frame, left - f, right + f, top, top + 0.12, -_WALL, 0.09),  # head
        _local_boxes(frame, left - 0.15, right + 0.15, bottom - 0.10, bottom, -_WALL, 0.14),
        _local_boxes(frame, centre - 0.03, centre + 0.03, bottom, top, -_WALL, 0.04),
        _local_boxes(frame, left, right, bottom + 0.62 * height, bottom + 0.62 * height + 0.06,
                     -_WALL, 0.04),
    ]
    parts.add("stone_trim", merge(trim))


def _door(parts: _Parts, frame: _Frame, centre: float, width: float, sill: float) -> None:
    left, right, top = centre - width / 2, centre + width / 2, sill + 2.4
    parts.add("doors", _local_boxes(frame, left, right, sill, top, -_WALL, 0.04))
    parts.add("glass", _local_boxes(frame, left, right, top + 0.1, top + 0.6, -_WALL, 0.02))
    parts.add("stone_trim", merge([
        _local_boxes(frame, left - 0.15, left, sill, top + 0.6, -_WALL, 0.09),
        _local_boxes(frame, right, right + 0.15, sill, top + 0.6, -_WALL, 0.09),
        _local_boxes(frame, left - 0.15, right + 0.15, top + 0.6, top + 0.78, -_WALL, 0.12),
        _local_boxes(frame, left, right, top, top + 0.1, -_WALL, 0.06),
    ]))
    # Steps up from the pavement (kerb height) to the door sill, 15 cm each.
    count = round((sill - KERB_M) / 0.15)
    if count > 0:
        k = np.arange(1, count + 1)
        tread = 0.35
        parts.add("steps", _local_boxes(frame, left - 0.3 - 0.3 * (count - k),
                                        right + 0.3 + 0.3 * (count - k), 0.0,
                                        KERB_M + 0.15 * k, -0.02, tread * (count - k + 1)))


def _awning(parts: _Parts, frame: _Frame, start: float, end: float, colors: tuple[
        tuple[float, float, float], tuple[float, float, float]]) -> None:
    """A striped awning sloping out from the wall above the shop fronts."""
    depth, drop, stripe, thick = 1.8, 0.55, 0.5, 0.04
    angle = math.degrees(math.atan2(drop, depth))
    length = math.hypot(depth, drop)
    count = int((end - start) // stripe)
    edges = start + (end - start - count * stripe) / 2 + stripe * np.arange(count + 1)
    # Local frame (s, into the wall, up) is right-handed; the awning leaves the wall
    # along local −y and tilts down by `angle` about the facade line.
    local = np.column_stack([frame.along, -frame.out, _EZ])
    top = 3.3
    anchor = frame.origin + top * _EZ
    for k in range(count):
        s0, s1 = edges[k], edges[k + 1]
        color = colors[k % 2]
        slab = boxes((s0, -length, -thick / 2), (s1, 0.05, thick / 2))
        parts.add("awnings", transform(slab, local @ _rot_x(angle), anchor), color)
        valance = boxes((s0, -depth - 0.03, -drop - 0.30), (s1, -depth + 0.0, -drop))
        parts.add("awnings", transform(valance, local, anchor), color)


def _upper_floor_count(height: float) -> int:
    return int((height - 6.6) // _FLOOR_M) + 1


def _building(parts: _Parts, b: _Building) -> None:
    color = np.asarray(b.color)
    low, high = np.array([b.x0, b.y0, 0.0]), np.array([b.x1, b.y1, b.height])
    parts.add("walls", boxes(low, high, skip="-z"), color)
    # Plinth (darker), string course above the ground floor, cornice at the top.
    grow = np.array([0.03, 0.03, 0.0])
    parts.add("walls", boxes(low - grow, np.array([b.x1, b.y1, 0.6]) + grow), color * 0.8)
    for z0, z1, out in ((3.4, 3.55, 0.06), (b.height - 0.45, b.height - 0.1, 0.2)):
        g = np.array([out, out, 0.0])
        parts.add("stone_trim", boxes(np.array([b.x0, b.y0, z0]) - g,
                                      np.array([b.x1, b.y1, z1]) + g))
    if b.gable:
        _gable_roof(parts, b)
    else:
        _flat_roof(parts, b, color)
    for facade in b.facades:
        _facade(parts, b, facade)


def _ring(b: _Building, outside: float, inside: float, z0: float, z1: float) -> Mesh:
    """Four boxes around a building's edge, ``outside`` beyond and ``inside`` within it."""
    e, i = outside, inside
    lows = [(b.x0 - e, b.y0 - e, z0), (b.x0 - e, b.y1 - i, z0),
            (b.x0 - e, b.y0 + i, z0), (b.x1 - i, b.y0 + i, z0)]
    highs = [(b.x1 + e, b.y0 + i, z1), (b.x1 + e, b.y1 + e, z1),
             (b.x0 + i, b.y1 - i, z1), (b.x1 + e, b.y1 - i, z1)]
    return boxes(lows, highs)


def _flat_roof(parts: _Parts, b: _Building, color: NDArray[np.float64]) -> None:
    h, i = b.height, 0.3
    parts.add("walls", _ring(b, 0.05, i, h - 0.1, h + 0.9), color * 0.93)  # parapet
    parts.add("stone_trim", _ring(b, 0.08, i + 0.03, h + 0.9, h + 0.98))  # coping
    parts.add("flat_roofs", boxes((b.x0 + i - 0.01, b.y0 + i - 0.01, h - 0.2),
                                  (b.x1 - i + 0.01, b.y1 - i + 0.01, h + 0.1)))
    if b.roof_hut:
        cx, cy = b.x0 + 0.35 * (b.x1 - b.x0), b.y0 + 0.6 * (b.y1 - b.y0)
        parts.add("walls", box((3.0, 2.4, 2.6), (cx, cy, h + 1.3)), color * 0.93)
        parts.add("flat_roofs", box((3.3, 2.7, 0.12), (cx, cy, h + 2.66)))
        parts.add("dark_metal", boxes([(cx + 3.0, cy - 1.0, h + 0.1),
                                       (cx + 3.0, cy + 0.8, h + 0.1)],
                                      [(cx + 4.2, cy - 0.2, h + 1.0),
                                       (cx + 4.2, cy + 1.6, h + 1.0)]))


def _gable_roof(parts: _Parts, b: _Building) -> None:
    overhang, rise = 0.4, 3.5
    y0, y1 = b.y0 - overhang, b.y1 + overhang
    profile = [(y0, b.height - 0.1), (y1, b.height - 0.1), ((y0 + y1) / 2, b.height + rise)]
    prism = extrude(profile, b.x1 - b.x0 + 2 * 0.3, z0=b.x0 - 0.3)
    # Local (x, y, z) = (stage y, stage z, stage x): a proper rotation of the axes.
    axes = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    parts.add("roof_tiles", transform(prism, axes))
    for x in (b.x0 + 3.0, b.x1 - 4.0):
        parts.add("brick", box((0.8, 0.8, 3.0), (x, b.y0 + 5.0, b.height + 3.0)))
        parts.add("stone_trim", box((1.0, 1.0, 0.15), (x, b.y0 + 5.0, b.height + 4.55)))


def _facade(parts: _Parts, b: _Building, facade: _Facade) -> None:
    frame = _frame(b, facade.side)
    bays = _bays(frame, facade.bay)
    floors = _upper_floor_count(b.height)
    # Upper floors: every bay.
    t = _GROUND_FLOOR_M + 0.9 + _FLOOR_M * np.arange(floors)
    centre, bottom = (a.ravel() for a in np.meshgrid(bays, t))
    # Ground floor: doors where asked, shop fronts or windows elsewhere.
    door_bays = set(facade.doors) | ({facade.grand_door} if facade.grand_door is not None
                                     else set())
    ground = np.array([s for k, s in enumerate(bays) if k not in door_bays])
    if facade.shop:
        ground_bottom, ground_width, ground_height = 0.7, facade.bay - 0.7, 2.3
    else:
        ground_bottom, ground_width, ground_height = 1.0, 1.3, 1.7
    widths = np.concatenate([np.full(len(centre), 1.2), np.full(len(ground), ground_width)])
    heights = np.concatenate([np.full(len(centre), 1.6), np.full(len(ground), ground_height)])
    _windows(parts, frame, np.concatenate([centre, ground]),
             np.concatenate([bottom, np.full(len(ground), ground_bottom)]), widths, heights)
    for k in facade.doors:
        _door(parts, frame, float(bays[k]), 1.2, KERB_M + 0.15)
    if facade.grand_door is not None:
        _door(parts, frame, float(bays[facade.grand_door]), 1.9, KERB_M + 0.45)
    if facade.awning:
        _awning(parts, frame, float(bays[0] - facade.bay / 2 + 0.2),
                float(bays[-1] + facade.bay / 2 - 0.2),
                ((0.80, 0.15, 0.12), (0.96, 0.93, 0.84)))


# ----------------------------------------------------------------- street furniture
def _lamp(parts: _Parts, x: float, y: float, facing_deg: float) -> None:
    """A street lamp on the pavement; its arm reaches towards ``facing_deg`` (pan)."""
    z = KERB_M
    parts.add("dark_metal", cylinder(0.14, 0.6, 12, base=(x, y, z), top_radius=0.10))
    parts.add("dark_metal", cylinder(0.065, 4.6, 12, base=(x, y, z + 0.6), top_radius=0.05))
    rot = _rot_z(facing_deg)
    arm = transform(boxes((-0.04, -0.04, 5.05), (0.04, 0.95, 5.13)), rot, (x, y, z))
    parts.add("dark_metal", arm)
    head = rot @ np.array([0.0, 0.9, 0.0]) + (x, y, z)
    parts.add("lamp_glass", box((0.32, 0.32, 0.42), head + 4.8 * _EZ))
    parts.add("dark_metal", cone(0.28, 0.22, 12, base=head + 5.01 * _EZ))
    parts.add("dark_metal", box((0.36, 0.36, 0.05), head + 4.575 * _EZ))


def _bench(parts: _Parts, x: float, y: float, facing_deg: float) -> None:
    """A park bench; a sitter looks towards ``facing_deg`` (pan)."""
    rot, place = _rot_z(facing_deg), (x, y, KERB_M)
    slats = boxes([(-0.9, y0, 0.43) for y0 in (-0.21, -0.07, 0.07)]
                  + [(-0.9, -0.29, z0) for z0 in (0.55, 0.70)],
                  [(0.9, y0 + 0.12, 0.47) for y0 in (-0.21, -0.07, 0.07)]
                  + [(0.9, -0.25, z0 + 0.1) for z0 in (0.55, 0.70)])
    parts.add("bench_wood", transform(slats, rot, place))
    legs = boxes([(sx - 0.03, -0.2, 0.0) for sx in (-0.75, 0.75)]
                 + [(sx - 0.03, -0.25, 0.0) for sx in (-0.75, 0.75)],
                 [(sx + 0.03, 0.2, 0.43) for sx in (-0.75, 0.75)]
                 + [(sx + 0.03, -0.2, 0.84) for sx in (-0.75, 0.75)])
    parts.add("dark_metal", transform(legs, rot, place))


def _bollards(parts: _Parts) -> None:
    for x in np.arange(-19.0, -0.9, 2.0):
        base = (float(x), -1.6, KERB_M)
        parts.add("bollards", cylinder(0.1, 0.9, 12, base=base))
        parts.add("bollards", cone(0.1, 0.07, 12, base=(float(x), -1.6, KERB_M + 0.9)))
        parts.add("road_paint", cylinder(0.104, 0.07, 12, base=(float(x), -1.6, KERB_M + 0.7)))


def _low_wall(parts: _Parts) -> None:
    """A brick wall with a stone coping along the east edge of the square, and a
    taller one closing the alley."""
    parts.add("brick", boxes((-3.2, -29.8, 0.0), (3.2, -29.4, 2.6)))
    parts.add("stone_trim", boxes((-3.2, -29.86, 2.6), (3.2, -29.34, 2.7)))
    for y0, y1 in ((4.5, 10.0), (13.0, 19.5)):
        parts.add("brick", boxes((1.4, y0, 0.0), (1.8, y1, 0.85)))
        parts.add("stone_trim", boxes((1.34, y0 - 0.06, 0.85), (1.86, y1 + 0.06, 0.93)))
        for y in (y0 + 0.2, y1 - 0.2):  # piers at the ends
            parts.add("brick", box((0.55, 0.55, 1.1), (1.6, y, 0.55)))
            parts.add("stone_trim", box((0.65, 0.65, 0.08), (1.6, y, 1.14)))


def _crates_and_barrels(parts: _Parts) -> None:
    crates = (  # x, y, size, z, yaw
        (-1.9, -17.0, 0.8, KERB_M, 0.0), (-1.9, -17.0, 0.7, KERB_M + 0.8, 12.0),
        (-2.0, -18.0, 0.8, KERB_M, 5.0), (-1.0, -16.6, 0.6, KERB_M, 20.0),
        (-22.4, 5.4, 0.7, KERB_M, 8.0), (-22.3, 6.2, 0.6, KERB_M, -10.0),
    )
    for x, y, size, z, yaw in crates:
        body = box((size, size, size), (0.0, 0.0, size / 2))
        bands = boxes([(-size / 2 - 0.02, -size / 2 - 0.02, z0) for z0 in (0.1, size - 0.18)],
                      [(size / 2 + 0.02, size / 2 + 0.02, z0 + 0.08) for z0 in (0.1, size - 0.18)])
        parts.add("crates", transform(merge([body, bands]), _rot_z(yaw), (x, y, z)))
    for x, y in ((1.9, -16.8), (2.1, -17.6), (1.3, -17.2), (-22.3, 8.6)):
        base = np.array([x, y, KERB_M])
        parts.add("barrels", cylinder(0.27, 0.45, 16, base=base, top_radius=0.31))
        parts.add("barrels", cylinder(0.31, 0.45, 16, base=base + 0.45 * _EZ, top_radius=0.27))
        for z in (0.12, 0.72):
            parts.add("dark_metal", cylinder(0.305, 0.05, 16, base=base + z * _EZ))


def _car(parts: _Parts, x: float, y: float, heading_deg: float) -> None:
    """A parked hatchback; ``heading_deg`` is the pan its bonnet points at."""
    # Built with the bonnet along +Y, then turned.
    rot, place = _rot_z(heading_deg), np.array([x, y, 0.0])

    def add(material: str, mesh: Mesh) -> None:
        parts.add(material, transform(mesh, rot, place))

    add("car_body", boxes((-0.88, -2.15, 0.3), (0.88, 2.15, 0.95)))
    cabin = extrude([(-1.4, 0.95), (1.0, 0.95), (0.45, 1.42), (-1.15, 1.42)], 1.62, z0=-0.81)
    # Profile (length, height) extruded across: local (x, y, z) → car (z, x, y).
    side_on = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    add("glass", transform(cabin, side_on))
    add("car_body", boxes((-0.79, -1.14, 1.42), (0.79, 0.44, 1.48)))
    add("car_body", boxes([(-0.83, -0.32, 0.95), (0.80, -0.32, 0.95)],
                          [(-0.80, -0.20, 1.42), (0.83, -0.20, 1.42)]))  # door pillars
    add("tyres", boxes([(-0.9, 2.12, 0.28), (-0.9, -2.22, 0.28)],
                       [(0.9, 2.22, 0.45), (0.9, -2.12, 0.45)]))  # bumpers
    add("lamp_glass", boxes([(-0.8, 2.13, 0.72), (0.5, 2.13, 0.72)],
                            [(-0.5, 2.17, 0.85), (0.8, 2.17, 0.85)]))
    add("tail_lights", boxes([(-0.85, -2.17, 0.74), (0.6, -2.17, 0.74)],
                             [(-0.6, -2.13, 0.86), (0.85, -2.13, 0.86)]))
    wheel = cylinder(0.32, 0.22, 20, base=(0.0, 0.0, -0.11))
    hub = cylinder(0.17, 0.24, 12, base=(0.0, 0.0, -0.12))
    on_side = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]])  # axle along X
    for wx in (-0.8, 0.8):
        for wy in (-1.35, 1.35):
            at = (wx, wy, 0.32)
            add("tyres", transform(wheel, on_side, at))
            add("stone_trim", transform(hub, on_side, at))


def _tree(parts: _Parts, x: float, y: float, seed: int) -> None:
    base = np.array([x, y, KERB_M])
    parts.add("dark_metal", box((1.4, 1.4, 0.02), base + 0.01 * _EZ))
    parts.add("bark", cylinder(0.17, 3.4, 10, base=base, top_radius=0.11))
    rng = np.random.default_rng(seed)
    greens = ((0.30, 0.50, 0.20), (0.24, 0.44, 0.17), (0.36, 0.56, 0.24))
    for k in range(4):
        offset = np.array([*rng.uniform(-0.9, 0.9, 2), rng.uniform(3.6, 4.9)])
        radius = float(rng.uniform(1.3, 1.8))
        blob = icosphere(radius, 1, center=base + offset, jitter=0.15, seed=seed * 10 + k)
        parts.add("foliage", blob, greens[k % 3])


def _conifer(parts: _Parts, x: float, y: float) -> None:
    base = np.array([x, y, KERB_M])
    parts.add("bark", cylinder(0.15, 1.6, 10, base=base))
    for k, (radius, z, h) in enumerate(((1.9, 1.2, 3.0), (1.5, 2.9, 2.6), (1.0, 4.5, 2.2))):
        parts.add("foliage", cone(radius, h, 14, base=base + z * _EZ),
                  (0.16, 0.36 + 0.04 * k, 0.20))


# ----------------------------------------------------------------- the set
@lru_cache(maxsize=1)
def _build() -> SetModel:
    parts = _Parts()
    _ground(parts)
    _markings(parts)
    for building in _BUILDINGS:
        _building(parts, building)
    for x, y, facing in ((4.3, 7.0, -90.0), (4.3, 17.0, -90.0), (-10.0, -4.3, 180.0),
                         (-14.0, -13.7, 0.0), (18.0, -13.7, 0.0), (13.7, 12.0, 90.0)):
        _lamp(parts, x, y, facing)
    _bench(parts, -17.5, 9.5, -90.0)
    _bench(parts, -10.0, 18.8, 180.0)
    _bench(parts, -9.5, 0.4, 0.0)
    _bollards(parts)
    _low_wall(parts)
    _crates_and_barrels(parts)
    _car(parts, -16.0, -6.2, 90.0)
    _tree(parts, -17.0, 2.5, 1)
    _tree(parts, -16.5, 17.0, 2)
    _tree(parts, -3.0, 17.0, 3)
    _conifer(parts, 21.0, -1.0)
    _conifer(parts, 26.0, 0.5)
    texture = paving_texture()
    model_parts = []
    for name, (color, vertex_colored) in _MATERIALS.items():
        mesh = merge(parts.meshes[name])
        material = Material(name, color, texture if name == "paving" else None)
        model_parts.append(MeshPart(
            name, mesh.vertices, mesh.triangles, material,
            uvs=mesh.uvs if name == "paving" else None,
            colors=mesh.colors if vertex_colored else None,
            normals=mesh.normals,
        ))
    return SetModel("demo", tuple(model_parts))


def demo_set() -> SetModel:
    """Return the built-in demo set: a town square on a street corner.

    About 60 × 60 m centred on the origin, stage metres, Z up, floor at z = 0;
    about 26,000 triangles in 24 parts (one per material). The
    same object is returned every time: do not modify its arrays.

    Returns
    -------
    SetModel
        Named ``"demo"``; :data:`DEMO_CAMERA` and :data:`DEMO_MARKS` are good
        places to look at it from.
    """
    return _build()
