"""Small triangle-mesh builders on numpy arrays, for sets made in code.

Every builder returns a :class:`Mesh` in stage metres (Z up) whose triangles
wind counter-clockwise seen from outside, so ``(b - a) × (c - a)`` points out
of the solid, with unit vertex normals. Flat faces get their own vertices (so
shading stays crisp); round sides share them (so they shade smoothly). Builders
work on whole arrays: :func:`boxes` makes a thousand window frames in one call.

:func:`merge` joins meshes of one material into one, and :func:`transform`
moves a mesh by a rotation and a translation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Mesh",
    "box",
    "boxes",
    "cone",
    "cylinder",
    "extrude",
    "grid_plane",
    "icosphere",
    "merge",
    "painted",
    "signed_volume",
    "transform",
    "triangle_areas",
    "triangle_normals",
    "triangulate_polygon",
]


@dataclass(frozen=True, eq=False)
class Mesh:
    """A triangle mesh: positions, triangles and optional per-vertex attributes.

    Parameters
    ----------
    vertices : numpy.ndarray
        ``(N, 3)`` float64 positions, metres.
    triangles : numpy.ndarray
        ``(M, 3)`` int64 vertex indices, counter-clockwise seen from outside.
    normals : numpy.ndarray or None
        ``(N, 3)`` unit vertex normals.
    uvs : numpy.ndarray or None
        ``(N, 2)`` texture coordinates.
    colors : numpy.ndarray or None
        ``(N, 3)`` uint8 sRGB vertex colours.
    """

    vertices: NDArray[np.float64]
    triangles: NDArray[np.int64]
    normals: NDArray[np.float64] | None = None
    uvs: NDArray[np.float64] | None = None
    colors: NDArray[np.uint8] | None = None

    def __post_init__(self) -> None:
        vertices = np.asarray(self.vertices, dtype=np.float64).reshape(-1, 3)
        triangles = np.asarray(self.triangles, dtype=np.int64).reshape(-1, 3)
        object.__setattr__(self, "vertices", vertices)
        object.__setattr__(self, "triangles", triangles)
        for name, width, dtype in (("normals", 3, np.float64), ("uvs", 2, np.float64),
                                   ("colors", 3, np.uint8)):
            value = getattr(self, name)
            if value is None:
                continue
            array = np.asarray(value, dtype=dtype).reshape(-1, width)
            if len(array) != len(vertices):
                raise ValueError(
                    f"mesh {name} must have one row per vertex ({len(vertices)}), "
                    f"got {len(array)}"
                )
            object.__setattr__(self, name, array)

    def __repr__(self) -> str:
        return f"Mesh({len(self.vertices)} vertices, {len(self.triangles)} triangles)"

    @property
    def triangle_count(self) -> int:
        """Number of triangles."""
        return len(self.triangles)


# ----------------------------------------------------------------- measures
def triangle_normals(mesh: Mesh) -> NDArray[np.float64]:
    """Return ``(b - a) × (c - a)`` per triangle: outward, twice the area long.

    Parameters
    ----------
    mesh : Mesh

    Returns
    -------
    numpy.ndarray, shape (M, 3)
    """
    a, b, c = (mesh.vertices[mesh.triangles[:, k]] for k in range(3))
    return np.cross(b - a, c - a)


def triangle_areas(mesh: Mesh) -> NDArray[np.float64]:
    """Return the area of every triangle, square metres."""
    return 0.5 * np.linalg.norm(triangle_normals(mesh), axis=1)


def signed_volume(mesh: Mesh) -> float:
    """Return the volume a closed mesh encloses (divergence theorem), cubic metres.

    Positive when the triangles wind outward, negative when inward; meaningless
    for an open mesh.
    """
    a, b, c = (mesh.vertices[mesh.triangles[:, k]] for k in range(3))
    return float(np.einsum("ij,ij->", a, np.cross(b, c)) / 6.0)


# ----------------------------------------------------------------- boxes
# Corner bits (x, y, z) of the four corners of each face, counter-clockwise seen
# from outside, and each face's outward normal.
_BOX_FACES = np.array([
    [(0, 0, 0), (0, 0, 1), (0, 1, 1), (0, 1, 0)],  # -X
    [(1, 0, 0), (1, 1, 0), (1, 1, 1), (1, 0, 1)],  # +X
    [(0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1)],  # -Y
    [(0, 1, 0), (0, 1, 1), (1, 1, 1), (1, 1, 0)],  # +Y
    [(0, 0, 0), (0, 1, 0), (1, 1, 0), (1, 0, 0)],  # -Z
    [(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)],  # +Z
], dtype=bool)
_BOX_NORMALS = np.array([(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)],
                        dtype=np.float64)
_QUAD_TRIANGLES = np.array([(0, 1, 2), (0, 2, 3)], dtype=np.int64)


def _quads_to_triangles(quad_count: int) -> NDArray[np.int64]:
    """Triangles of ``quad_count`` quads stored as 4 consecutive vertices each."""
    starts = 4 * np.arange(quad_count, dtype=np.int64)
    return (starts[:, None, None] + _QUAD_TRIANGLES[None]).reshape(-1, 3)


_BOX_FACE_NAMES = ("-x", "+x", "-y", "+y", "-z", "+z")


def boxes(lows: ArrayLike, highs: ArrayLike, *, skip: str = "") -> Mesh:
    """Return many axis-aligned boxes as one mesh (6 quads, 12 triangles each).

    Parameters
    ----------
    lows, highs : array_like, shape (K, 3) or (3,)
        Lowest and highest corner of each box; every extent must be positive.
    skip : str, keyword-only
        Faces to leave out, named by their outward direction (``"-z"``,
        ``"+y-z"``): faces that are always hidden (against a wall, on the
        floor) cost draw time for nothing. The mesh is then open.

    Returns
    -------
    Mesh
        Four vertices per face (with the face's normal), two triangles per face:
        ``24 K`` vertices and ``12 K`` triangles when nothing is skipped.
    """
    names = [skip[k:k + 2].lower() for k in range(0, len(skip), 2)]
    if any(name not in _BOX_FACE_NAMES for name in names):
        raise ValueError(f"skip must name faces from {_BOX_FACE_NAMES}, got {skip!r}")
    keep = np.array([name not in names for name in _BOX_FACE_NAMES])
    low = np.atleast_2d(np.asarray(lows, dtype=np.float64))
    high = np.atleast_2d(np.asarray(highs, dtype=np.float64))
    low, high = np.broadcast_arrays(low, high)
    if low.shape[-1] != 3:
        raise ValueError(f"box corners must be (K, 3), got {low.shape}")
    if not np.all(high > low):
        raise ValueError("every box must have positive width, depth and height")
    faces = _BOX_FACES[keep]
    # (K, faces, 4 corners, 3 axes): pick low or high per corner bit.
    vertices = np.where(faces[None], high[:, None, None, :], low[:, None, None, :])
    normals = np.broadcast_to(_BOX_NORMALS[keep][None, :, None, :], vertices.shape)
    return Mesh(vertices.reshape(-1, 3), _quads_to_triangles(len(low) * len(faces)),
                normals.reshape(-1, 3).copy())


def box(size: ArrayLike, center: ArrayLike = (0.0, 0.0, 0.0)) -> Mesh:
    """Return one axis-aligned box of ``size`` (width, depth, height) around ``center``."""
    half = 0.5 * np.asarray(size, dtype=np.float64)
    middle = np.asarray(center, dtype=np.float64)
    return boxes(middle - half, middle + half)


# ----------------------------------------------------------------- round shapes
def _ring(segments: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if segments < 3:
        raise ValueError(f"a round shape needs at least 3 segments, got {segments}")
    angles = np.arange(segments) * (2.0 * math.pi / segments)
    return np.cos(angles), np.sin(angles)


def _cap(center: NDArray[np.float64], rim: NDArray[np.float64], *, up: bool,
         start: int) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """A fan closing a counter-clockwise (seen from +Z) rim; vertices start at ``start``."""
    count = len(rim)
    vertices = np.vstack([center[None], rim])
    nxt = (np.arange(count) + 1) % count + 1
    cur = np.arange(count) + 1
    hub = np.zeros(count, dtype=np.int64)
    triangles = np.stack([hub, cur, nxt] if up else [hub, nxt, cur], axis=1) + start
    normals = np.tile((0.0, 0.0, 1.0 if up else -1.0), (count + 1, 1))
    return vertices, triangles, normals


def cylinder(radius: float, height: float, segments: int = 16, *,
             base: ArrayLike = (0.0, 0.0, 0.0), top_radius: float | None = None,
             caps: bool = True) -> Mesh:
    """Return a cylinder (or a frustum) standing on ``base`` along +Z.

    Parameters
    ----------
    radius : float
        Radius at the bottom, metres.
    height : float
        Length along +Z.
    segments : int
        Sides around; the side is smooth-shaded.
    base : array_like, shape (3,), keyword-only
        Centre of the bottom.
    top_radius : float, optional, keyword-only
        Radius at the top (default ``radius``); must be positive (use :func:`cone`).
    caps : bool, keyword-only
        Close the bottom and top with flat discs.

    Returns
    -------
    Mesh
        ``2 segments`` side triangles, plus ``2 segments`` for the caps.
    """
    top = radius if top_radius is None else top_radius
    if not (radius > 0 and top > 0 and height > 0):
        raise ValueError("cylinder radius, top radius and height must be positive")
    cos, sin = _ring(segments)
    origin = np.asarray(base, dtype=np.float64)
    bottom_rim = np.stack([radius * cos, radius * sin, np.zeros(segments)], axis=1) + origin
    top_rim = np.stack([top * cos, top * sin, np.full(segments, height)], axis=1) + origin
    # The side leans by the change in radius: its normal tilts up by atan(dr / h).
    slope = (radius - top) / height
    side_normals = np.stack([cos, sin, np.full(segments, slope)], axis=1)
    side_normals /= np.linalg.norm(side_normals, axis=1, keepdims=True)
    index = np.arange(segments)
    nxt = (index + 1) % segments
    side = np.concatenate([
        np.stack([index, nxt, nxt + segments], axis=1),
        np.stack([index, nxt + segments, index + segments], axis=1),
    ])
    vertices = [bottom_rim, top_rim]
    triangles = [side]
    normals = [side_normals, side_normals]
    if caps:
        start = 2 * segments
        for center, rim, up in ((origin, bottom_rim, False),
                                (origin + np.array([0.0, 0.0, height]), top_rim, True)):
            cap_vertices, cap_triangles, cap_normals = _cap(center, rim, up=up, start=start)
            vertices.append(cap_vertices)
            triangles.append(cap_triangles)
            normals.append(cap_normals)
            start += len(cap_vertices)
    return Mesh(np.vstack(vertices), np.vstack(triangles), np.vstack(normals))


def cone(radius: float, height: float, segments: int = 16, *,
         base: ArrayLike = (0.0, 0.0, 0.0), cap: bool = True) -> Mesh:
    """Return a cone standing on ``base`` with its apex ``height`` above it.

    Each side triangle has its own apex vertex so that the side shades smoothly
    around without a pinched highlight at the tip.

    Parameters
    ----------
    radius, height : float
        Base radius and height, metres.
    segments : int
        Sides around.
    base : array_like, shape (3,), keyword-only
        Centre of the base disc.
    cap : bool, keyword-only
        Close the base with a flat disc.

    Returns
    -------
    Mesh
        ``segments`` side triangles, plus ``segments`` for the base.
    """
    if not (radius > 0 and height > 0):
        raise ValueError("cone radius and height must be positive")
    cos, sin = _ring(segments)
    origin = np.asarray(base, dtype=np.float64)
    rim = np.stack([radius * cos, radius * sin, np.zeros(segments)], axis=1) + origin
    half = math.pi / segments
    middle = np.arange(segments) * (2.0 * half) + half
    apex = np.tile(origin + np.array([0.0, 0.0, height]), (segments, 1))
    slope = radius / height
    rim_normals = np.stack([cos, sin, np.full(segments, slope)], axis=1)
    apex_normals = np.stack([np.cos(middle), np.sin(middle), np.full(segments, slope)], axis=1)
    normals = np.vstack([rim_normals, apex_normals])
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    index = np.arange(segments)
    side = np.stack([index, (index + 1) % segments, index + segments], axis=1)
    vertices = [rim, apex]
    triangles = [side]
    normal_rows = [normals]
    if cap:
        cap_vertices, cap_triangles, cap_normals = _cap(origin, rim, up=False,
                                                        start=2 * segments)
        vertices.append(cap_vertices)
        triangles.append(cap_triangles)
        normal_rows.append(cap_normals)
    return Mesh(np.vstack(vertices), np.vstack(triangles), np.vstack(normal_rows))


_ICOSAHEDRON_FACES = np.array([
    (0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11),
    (1, 5, 9), (5, 11, 4), (11, 10, 2), (10, 7, 6), (7, 1, 8),
    (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8), (3, 8, 9),
    (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1),
], dtype=np.int64)


@lru_cache(maxsize=8)
def _unit_icosphere(subdivisions: int) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Shared-vertex unit icosphere (read-only arrays)."""
    phi = (1.0 + math.sqrt(5.0)) / 2.0
    vertices = np.array([
        (-1, phi, 0), (1, phi, 0), (-1, -phi, 0), (1, -phi, 0),
        (0, -1, phi), (0, 1, phi), (0, -1, -phi), (0, 1, -phi),
        (phi, 0, -1), (phi, 0, 1), (-phi, 0, -1), (-phi, 0, 1),
    ], dtype=np.float64)
    vertices /= np.linalg.norm(vertices, axis=1, keepdims=True)
    faces = _ICOSAHEDRON_FACES
    for _ in range(subdivisions):
        a, b, c = (vertices[faces[:, k]] for k in range(3))
        ab, bc, ca = (a + b) / 2.0, (b + c) / 2.0, (c + a) / 2.0
        corners = np.stack([a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca], axis=1)
        points = corners.reshape(-1, 3)
        points /= np.linalg.norm(points, axis=1, keepdims=True)
        vertices, inverse = np.unique(np.round(points, 12), axis=0, return_inverse=True)
        faces = inverse.reshape(-1, 3)
    # Winding outward: a face whose normal points towards the centre is flipped.
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    inward = np.einsum("ij,ij->i", np.cross(b - a, c - a), a + b + c) < 0
    faces = np.where(inward[:, None], faces[:, ::-1], faces)
    vertices.setflags(write=False)
    faces.setflags(write=False)
    return vertices, faces


def icosphere(radius: float, subdivisions: int = 1, *,
              center: ArrayLike = (0.0, 0.0, 0.0), jitter: float = 0.0,
              seed: int = 0) -> Mesh:
    """Return a flat-shaded geodesic sphere, optionally lumpy (low-poly foliage, rocks).

    Parameters
    ----------
    radius : float
        Metres.
    subdivisions : int
        0 gives the 20-face icosahedron; each step multiplies the faces by 4.
    center : array_like, shape (3,), keyword-only
    jitter : float, keyword-only
        Each shared vertex moves radially by up to ``± jitter × radius``
        (deterministic for a ``seed``); the surface stays closed.
    seed : int, keyword-only

    Returns
    -------
    Mesh
        ``20 × 4**subdivisions`` triangles, three vertices each (flat faces).
    """
    if not radius > 0:
        raise ValueError("sphere radius must be positive")
    if not 0 <= subdivisions <= 5:
        raise ValueError(f"subdivisions must be 0..5, got {subdivisions}")
    if not 0 <= jitter < 1:
        raise ValueError(f"jitter must lie in [0, 1), got {jitter}")
    unit, faces = _unit_icosphere(int(subdivisions))
    scale = np.full(len(unit), float(radius))
    if jitter:
        rng = np.random.default_rng(seed)
        scale *= 1.0 + jitter * rng.uniform(-1.0, 1.0, len(unit))
    shared = unit * scale[:, None] + np.asarray(center, dtype=np.float64)
    vertices = shared[faces].reshape(-1, 3)
    triangles = np.arange(len(vertices), dtype=np.int64).reshape(-1, 3)
    a, b, c = (vertices[triangles[:, k]] for k in range(3))
    face_normals = np.cross(b - a, c - a)
    face_normals /= np.linalg.norm(face_normals, axis=1, keepdims=True)
    return Mesh(vertices, triangles, np.repeat(face_normals, 3, axis=0))


# ----------------------------------------------------------------- planes and prisms
def grid_plane(size: ArrayLike, divisions: ArrayLike = (1, 1), *,
               center: ArrayLike = (0.0, 0.0, 0.0)) -> Mesh:
    """Return a flat rectangle facing +Z, split into a grid, with UVs from 0 to 1.

    Parameters
    ----------
    size : array_like, shape (2,)
        Extent along X and Y, metres.
    divisions : array_like, shape (2,)
        Cells along X and Y (two triangles each).
    center : array_like, shape (3,), keyword-only

    Returns
    -------
    Mesh
        UV ``(0, 0)`` at the −X −Y corner, ``(1, 1)`` at the +X +Y corner.
    """
    width, depth = (float(v) for v in size)
    nx, ny = (int(v) for v in divisions)
    if not (width > 0 and depth > 0 and nx >= 1 and ny >= 1):
        raise ValueError("plane size must be positive and divisions at least 1")
    u, v = np.meshgrid(np.linspace(0.0, 1.0, nx + 1), np.linspace(0.0, 1.0, ny + 1))
    uvs = np.stack([u.ravel(), v.ravel()], axis=1)
    middle = np.asarray(center, dtype=np.float64)
    vertices = np.column_stack([(uvs[:, 0] - 0.5) * width, (uvs[:, 1] - 0.5) * depth,
                                np.zeros(len(uvs))]) + middle
    i, j = np.meshgrid(np.arange(nx), np.arange(ny))
    a = (j * (nx + 1) + i).ravel()
    b, c, d = a + 1, a + nx + 2, a + nx + 1
    triangles = np.concatenate([np.stack([a, b, c], axis=1), np.stack([a, c, d], axis=1)])
    normals = np.tile((0.0, 0.0, 1.0), (len(vertices), 1))
    return Mesh(vertices, triangles, normals, uvs)


def _signed_area(polygon: NDArray[np.float64]) -> float:
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def triangulate_polygon(polygon: ArrayLike) -> NDArray[np.int64]:
    """Split a simple polygon (convex or not, no holes) into triangles by ear clipping.

    Parameters
    ----------
    polygon : array_like, shape (K, 2)
        Corners in order, either way round; collinear corners are allowed.

    Returns
    -------
    numpy.ndarray, shape (T, 3)
        Indices into ``polygon``, counter-clockwise (seen from +Z), no zero-area
        triangles.

    Raises
    ------
    ValueError
        When the polygon has fewer than three corners or no area, or when it
        crosses itself so that no ear is left (not every crossing is detected:
        pass simple polygons).
    """
    points = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    if len(points) < 3:
        raise ValueError(f"a polygon needs at least 3 corners, got {len(points)}")
    area = _signed_area(points)
    scale = float(np.ptp(points, axis=0).max())
    if not abs(area) > 1e-12 * scale * scale:
        raise ValueError("polygon has no area")
    order = list(range(len(points))) if area > 0 else list(range(len(points)))[::-1]
    eps = 1e-12 * scale * scale

    def turn(i: int, j: int, k: int) -> float:
        (ax, ay), (bx, by), (cx, cy) = points[i], points[j], points[k]
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)

    triangles: list[tuple[int, int, int]] = []
    while len(order) > 3:
        count = len(order)
        # Drop straight corners first: they would make zero-area ears.
        straight = [q for q in range(count)
                    if abs(turn(order[q - 1], order[q], order[(q + 1) % count])) <= eps]
        if straight:
            del order[straight[0]]
            continue
        for q in range(count):
            i, j, k = order[q - 1], order[q], order[(q + 1) % count]
            if turn(i, j, k) <= 0:
                continue  # a reflex corner is no ear
            others = np.array([order[r] for r in range(count)
                               if r not in (q, (q - 1) % count, (q + 1) % count)])
            if len(others) and _any_inside(points[others], points[i], points[j], points[k]):
                continue
            triangles.append((i, j, k))
            del order[q]
            break
        else:
            raise ValueError("polygon crosses itself: no ear left to clip")
    i, j, k = order
    if abs(turn(i, j, k)) > eps:
        triangles.append((i, j, k))
    return np.array(triangles, dtype=np.int64).reshape(-1, 3)


def _any_inside(points: NDArray[np.float64], a: NDArray[np.float64],
                b: NDArray[np.float64], c: NDArray[np.float64]) -> bool:
    """Whether any point lies inside or on counter-clockwise triangle ``abc``."""

    def side(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
        return (q[0] - p[0]) * (points[:, 1] - p[1]) - (q[1] - p[1]) * (points[:, 0] - p[0])

    return bool(np.any((side(a, b) >= 0) & (side(b, c) >= 0) & (side(c, a) >= 0)))


def extrude(polygon: ArrayLike, height: float, *, z0: float = 0.0, top: bool = True,
            bottom: bool = True) -> Mesh:
    """Return a prism: a polygon in the XY plane pushed up along +Z.

    Parameters
    ----------
    polygon : array_like, shape (K, 2)
        A simple polygon (either way round, convex or not).
    height : float
        Metres along +Z.
    z0 : float, keyword-only
        Height of the bottom.
    top, bottom : bool, keyword-only
        Close the top / bottom (leave the bottom open on the floor to save triangles).

    Returns
    -------
    Mesh
        One flat quad per edge for the walls, caps by :func:`triangulate_polygon`.
    """
    points = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    if not height > 0:
        raise ValueError("extrusion height must be positive")
    caps = triangulate_polygon(points)  # validates, and is counter-clockwise
    if _signed_area(points) < 0:  # walk the rim counter-clockwise for outward walls
        points = points[::-1]
        caps = len(points) - 1 - caps
    z1 = z0 + height
    start, end = points, np.roll(points, -1, axis=0)
    keep = np.linalg.norm(end - start, axis=1) > 0
    start, end = start[keep], end[keep]
    count = len(start)
    walls = np.stack([
        np.column_stack([start, np.full(count, z0)]),
        np.column_stack([end, np.full(count, z0)]),
        np.column_stack([end, np.full(count, z1)]),
        np.column_stack([start, np.full(count, z1)]),
    ], axis=1)
    edge = end - start
    outward = np.column_stack([edge[:, 1], -edge[:, 0], np.zeros(count)])
    outward /= np.linalg.norm(outward, axis=1, keepdims=True)
    vertices = [walls.reshape(-1, 3)]
    triangles = [_quads_to_triangles(count)]
    normals = [np.repeat(outward, 4, axis=0)]
    offset = 4 * count
    for wanted, z, up in ((top, z1, True), (bottom, z0, False)):
        if not wanted:
            continue
        vertices.append(np.column_stack([points, np.full(len(points), z)]))
        triangles.append((caps if up else caps[:, ::-1]) + offset)
        normals.append(np.tile((0.0, 0.0, 1.0 if up else -1.0), (len(points), 1)))
        offset += len(points)
    return Mesh(np.vstack(vertices), np.vstack(triangles), np.vstack(normals))


# ----------------------------------------------------------------- combining
def transform(mesh: Mesh, rotation: ArrayLike | None = None,
              translation: ArrayLike = (0.0, 0.0, 0.0)) -> Mesh:
    """Return the mesh rotated about the origin, then moved.

    Parameters
    ----------
    mesh : Mesh
    rotation : array_like, shape (3, 3), optional
        Acts on column vectors (``v' = R v``). A reflection (negative
        determinant) also reverses the triangles so they still wind outward.
    translation : array_like, shape (3,)

    Returns
    -------
    Mesh
    """
    offset = np.asarray(translation, dtype=np.float64)
    if rotation is None:
        return replace(mesh, vertices=mesh.vertices + offset)
    matrix = np.asarray(rotation, dtype=np.float64)
    normals = None
    if mesh.normals is not None:
        normals = mesh.normals @ np.linalg.inv(matrix)  # inverse transpose, row vectors
        normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    triangles = mesh.triangles if np.linalg.det(matrix) > 0 else mesh.triangles[:, ::-1]
    return replace(mesh, vertices=mesh.vertices @ matrix.T + offset, triangles=triangles,
                   normals=normals)


def painted(mesh: Mesh, color: ArrayLike) -> Mesh:
    """Return the mesh with every vertex coloured ``color`` (sRGB, 0–1 floats)."""
    rgb = np.clip(np.round(np.asarray(color, dtype=np.float64)[:3] * 255.0), 0, 255)
    return replace(mesh, colors=np.tile(rgb.astype(np.uint8), (len(mesh.vertices), 1)))


def merge(meshes: Sequence[Mesh]) -> Mesh:
    """Join meshes into one (for one material: one draw call).

    An attribute (normals, UVs, colours) is kept only when every mesh has it.

    Parameters
    ----------
    meshes : sequence of Mesh

    Returns
    -------
    Mesh
    """
    items = list(meshes)
    if not items:
        return Mesh(np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64))
    offsets = np.cumsum([0] + [len(m.vertices) for m in items[:-1]])
    triangles = np.vstack([m.triangles + offset for m, offset in zip(items, offsets,
                                                                         strict=True)])

    def joined(name: str) -> NDArray[np.generic] | None:
        values = [getattr(m, name) for m in items]
        if any(value is None for value in values):
            return None
        return np.vstack(values)

    return Mesh(np.vstack([m.vertices for m in items]), triangles, joined("normals"),
                joined("uvs"), joined("colors"))
