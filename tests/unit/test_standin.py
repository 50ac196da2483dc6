"""Performer stand-ins: bones from the skeleton, capsules placed on them, cached poses."""

from __future__ import annotations

import numpy as np
import pytest

from previz.core.synthetic import walking_take
from previz.render.standin import StandIn, bone_segments

pytest.importorskip("pyvista")


@pytest.fixture(scope="module")
def take():  # type: ignore[no-untyped-def]
    return walking_take(seconds=3.0, rate=30).with_placement(position=(1.0, 2.0, 0.0),
                                                             heading=40.0)


def test_every_joint_but_the_root_and_every_end_site_ends_a_bone(take) -> None:  # type: ignore[no-untyped-def]
    starts, ends = bone_segments(take)
    joints = len(take.skeleton.parents)
    assert len(ends) == joints - 1 + len(take.skeleton.end_site_parents)
    points = joints + len(take.skeleton.end_site_parents)
    assert sorted(ends.tolist()) == list(range(1, points))
    assert (starts < joints).all()  # bones start at joints


@pytest.mark.parametrize("time", [0.0, 0.5, 1.234, 2.9, 10.0])
def test_points_follow_the_take(take, time: float) -> None:  # type: ignore[no-untyped-def]
    standin = StandIn(take)
    pose = take.pose_at([time])
    expected = np.concatenate([pose.positions[0], pose.end_positions[0]])
    # frames are exact; between frames the blend stays within a millimetre at 30 fps
    np.testing.assert_allclose(standin.points_at(time), expected, atol=1e-3)


def test_tubes_wrap_their_bones_at_the_radius(take) -> None:  # type: ignore[no-untyped-def]
    standin = StandIn(take, radius_m=0.05)
    points = standin.points_at(1.0)
    geometry = standin.geometry_at(1.0)
    starts, ends = bone_segments(take)
    per_tube = len(geometry.points) - len(points) * len(standin._ball_points)
    per_tube //= len(starts)
    tubes = geometry.points[: per_tube * len(starts)].reshape(len(starts), per_tube, 3)
    a, b = points[starts], points[ends]
    axis = b - a
    length = np.linalg.norm(axis, axis=1)
    keep = length > 1e-3
    unit = axis[keep] / length[keep, None]
    offset = tubes[keep] - a[keep, None, :]
    along = np.einsum("bvi,bi->bv", offset, unit)
    radial = np.linalg.norm(offset - along[..., None] * unit[:, None, :], axis=2)
    np.testing.assert_allclose(radial, 0.05, atol=1e-9)
    assert along.min() > -1e-9
    np.testing.assert_allclose(along.max(axis=1), length[keep], atol=1e-9)
    # normals are unit length and point away from the axis
    normals = geometry.normals[: per_tube * len(starts)].reshape(len(starts), per_tube, 3)[keep]
    np.testing.assert_allclose(np.linalg.norm(normals, axis=2), 1.0, atol=1e-9)
    assert (np.einsum("bvi,bvi->bv", normals, offset) > 0).all()


def test_pose_moves_the_mesh_in_place(take) -> None:  # type: ignore[no-untyped-def]
    standin = StandIn(take)
    mesh = standin.mesh
    before = np.array(mesh.points)
    standin.pose(1.5)
    assert standin.mesh is mesh
    assert np.abs(np.array(mesh.points) - before).max() > 0.1
    np.testing.assert_allclose(mesh.points, standin.geometry_at(1.5).points)


def test_loop_wraps_time(take) -> None:  # type: ignore[no-untyped-def]
    looped = StandIn(take, loop=True)
    np.testing.assert_allclose(looped.points_at(take.frame_time * 3 + float(take.duration)),
                               looped.points_at(take.frame_time * 3), atol=1e-9)
