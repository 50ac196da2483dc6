"""Performer stand-ins: a BVH take drawn as capsule bones, posed per frame.

The stand-in is one mesh whose vertices are rewritten in place at every frame:
a tube per bone and a ball per joint, built from two small templates and placed
for all bones at once with numpy (no per-bone Python work).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvista as pv
from numpy.typing import NDArray

from previz.core.take import Take

__all__ = ["StandIn", "StandInGeometry", "bone_segments"]

_TUBE_SIDES = 10
_BALL_RINGS = 6
_BALL_SEGMENTS = 10
# Bone radius as a fraction of the performer's height.
_RADIUS_OF_HEIGHT = 0.028
_SHORTEST_BONE_M = 1e-4
# Frames evaluated at once, and how many such chunks are kept.
_CHUNK_FRAMES = 512
_CACHED_CHUNKS = 8


def bone_segments(take: Take) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Return the (start, end) point indices of every bone of a take.

    Points are the joints followed by the end sites (the order of
    ``Kinematics.positions`` then ``Kinematics.end_positions``).
    """
    skeleton = take.skeleton
    parents = skeleton.parents
    joints = np.flatnonzero(parents >= 0)
    starts = [parents[joints], skeleton.end_site_parents]
    ends = [joints, len(parents) + np.arange(len(skeleton.end_site_parents))]
    return np.concatenate(starts).astype(np.intp), np.concatenate(ends).astype(np.intp)


def _tube_template() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    angles = np.linspace(0.0, 2.0 * np.pi, _TUBE_SIDES, endpoint=False)
    ring = np.column_stack([np.cos(angles), np.sin(angles)])
    points = np.concatenate([np.column_stack([ring, np.zeros(_TUBE_SIDES)]),
                             np.column_stack([ring, np.ones(_TUBE_SIDES)])])
    i = np.arange(_TUBE_SIDES)
    j = (i + 1) % _TUBE_SIDES
    n = _TUBE_SIDES
    triangles = np.concatenate([np.column_stack([i, j, j + n]), np.column_stack([i, j + n, i + n])])
    return points, triangles


def _ball_template() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    theta = np.linspace(0.0, np.pi, _BALL_RINGS + 1)[1:-1]
    phi = np.linspace(0.0, 2.0 * np.pi, _BALL_SEGMENTS, endpoint=False)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    ring_points = np.column_stack([
        (np.sin(t) * np.cos(p)).ravel(), (np.sin(t) * np.sin(p)).ravel(), np.cos(t).ravel()
    ])
    points = np.concatenate([[[0.0, 0.0, 1.0]], ring_points, [[0.0, 0.0, -1.0]]])
    rings, seg = _BALL_RINGS - 1, _BALL_SEGMENTS
    bottom = len(points) - 1
    j = np.arange(seg)
    k = (j + 1) % seg
    triangles = [np.column_stack([np.zeros(seg, int), 1 + j, 1 + k])]
    for r in range(rings - 1):
        a, b = 1 + r * seg, 1 + (r + 1) * seg
        triangles.append(np.column_stack([a + j, b + j, b + k]))
        triangles.append(np.column_stack([a + j, b + k, a + k]))
    last = 1 + (rings - 1) * seg
    triangles.append(np.column_stack([np.full(seg, bottom), last + k, last + j]))
    return points, np.concatenate(triangles)


@dataclass(frozen=True, eq=False)
class StandInGeometry:
    """Vertex positions and normals of a posed stand-in, for one frame."""

    points: NDArray[np.float64]
    normals: NDArray[np.float64]


class StandIn:
    """A take's stand-in mesh, re-posed in place.

    Parameters
    ----------
    take : Take
        The performer, placed on the stage.
    loop : bool, keyword-only
        Play the take in a loop instead of holding the last frame.
    radius_m : float, optional
        Bone radius (default: 2.8 % of the performer's height).
    """

    def __init__(self, take: Take, *, loop: bool = False, radius_m: float | None = None) -> None:
        self.take = take
        self.loop = loop
        self._chunks: dict[int, NDArray[np.float64]] = {}
        self.starts, self.ends = bone_segments(take)
        self.point_count = len(take.skeleton.parents) + len(take.skeleton.end_site_parents)
        height = take.skeleton_height() * take.placement.scale
        self.radius = float(radius_m) if radius_m else _RADIUS_OF_HEIGHT * max(height, 0.5)
        self._tube_points, tube_triangles = _tube_template()
        self._ball_points, ball_triangles = _ball_template()
        bones, balls = len(self.starts), self.point_count
        tube_n, ball_n = len(self._tube_points), len(self._ball_points)
        triangles = np.concatenate([
            (tube_triangles[None] + tube_n * np.arange(bones)[:, None, None]).reshape(-1, 3),
            (ball_triangles[None] + bones * tube_n + ball_n * np.arange(balls)[:, None, None])
            .reshape(-1, 3),
        ])
        geometry = self.geometry_at(0.0)
        self.mesh = pv.PolyData.from_regular_faces(geometry.points, triangles)
        self.mesh.point_data.set_array(geometry.normals, "Normals")
        self.mesh.point_data.active_normals_name = "Normals"

    @property
    def triangle_count(self) -> int:
        """Triangles in the stand-in mesh."""
        return int(self.mesh.n_cells)

    def points_at(self, stage_time: float) -> NDArray[np.float64]:
        """Return joint then end-site positions at a stage time, shape (J + E, 3).

        Frames are evaluated a chunk at a time with vectorised kinematics and
        cached; between two frames the points are blended linearly (the take's
        own frames are exact).
        """
        take = self.take
        if take.frame_count == 0:
            return np.zeros((self.point_count, 3))
        position = float(take.frame_at([stage_time], loop=self.loop)[0])
        first = min(int(np.floor(position)), take.frame_count - 1)
        weight = position - first
        second = (first + 1) % take.frame_count if self.loop else min(first + 1,
                                                                        take.frame_count - 1)
        return (1.0 - weight) * self._frame_points(first) + weight * self._frame_points(second)

    def _frame_points(self, frame: int) -> NDArray[np.float64]:
        chunk = frame // _CHUNK_FRAMES
        if chunk not in self._chunks:
            if len(self._chunks) >= _CACHED_CHUNKS:
                self._chunks.pop(next(iter(self._chunks)))
            start = chunk * _CHUNK_FRAMES
            stop = min(start + _CHUNK_FRAMES, self.take.frame_count)
            pose = self.take.forward_kinematics(slice(start, stop), end_sites=True)
            self._chunks[chunk] = np.concatenate([pose.positions, pose.end_positions], axis=1)
        return self._chunks[chunk][frame - chunk * _CHUNK_FRAMES]

    def geometry_at(self, stage_time: float) -> StandInGeometry:
        """Return the posed vertices and normals at a stage time (seconds)."""
        return self._build(self.points_at(stage_time))

    def _build(self, points: NDArray[np.float64]) -> StandInGeometry:
        start, end = points[self.starts], points[self.ends]
        axis = end - start
        length = np.linalg.norm(axis, axis=1)
        safe = np.maximum(length, _SHORTEST_BONE_M)
        z = axis / safe[:, None]
        z[length < _SHORTEST_BONE_M] = (0.0, 0.0, 1.0)
        helper = np.where(np.abs(z[:, [2]]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
        x = np.cross(helper, z)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        y = np.cross(z, x)
        basis = np.stack([x, y, z], axis=2)  # (B, 3, 3): columns x, y, z
        local = self._tube_points
        scaled = np.empty((len(start), len(local), 3))
        scaled[:, :, :2] = self.radius * local[None, :, :2]
        scaled[:, :, 2] = local[None, :, 2] * length[:, None]
        tube_points = np.einsum("bij,bvj->bvi", basis, scaled) + start[:, None, :]
        flat = np.zeros_like(local)
        flat[:, :2] = local[:, :2]
        tube_normals = np.einsum("bij,vj->bvi", basis, flat)
        ball_points = points[:, None, :] + self.radius * self._ball_points[None]
        ball_normals = np.broadcast_to(self._ball_points, ball_points.shape)
        return StandInGeometry(
            np.concatenate([tube_points.reshape(-1, 3), ball_points.reshape(-1, 3)]),
            np.concatenate([tube_normals.reshape(-1, 3), ball_normals.reshape(-1, 3)]),
        )

    def pose(self, stage_time: float) -> None:
        """Move the mesh to the pose at ``stage_time`` (seconds), in place."""
        geometry = self.geometry_at(stage_time)
        self.mesh.points[:] = geometry.points
        self.mesh.point_data["Normals"][:] = geometry.normals
        self.mesh.Modified()

    def add_to(self, plotter: Any, color: str | tuple[float, float, float] = "#e8702a") -> Any:
        """Add the stand-in to a plotter; return its actor.

        The actor draws :attr:`mesh` itself (not a copy), so :meth:`pose` moves it.
        """
        actor = plotter.add_mesh(self.mesh, color=color, smooth_shading=True,
                                 name=f"performer:{self.take.name}:{id(self)}",
                                 reset_camera=False)
        self.mesh = actor.mapper.dataset
        return actor
