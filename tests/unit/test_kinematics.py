"""Skeleton layout and forward kinematics, checked by hand and against a naive reference."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

import previz
from previz.core.kinematics import forward_kinematics
from previz.core.skeleton import EndSite, Joint, Skeleton
from previz.core.synthetic import walk_skeleton
from reference_math import rot
from shared_data import shared_bvh_files

ORDERS = ["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"]
POS = ("Xposition", "Yposition", "Zposition")


# ------------------------------------------------------------------ reference code
def axis_matrices(axis: str, degrees: np.ndarray) -> np.ndarray:
    """Rotation matrices about one axis, shape (..., 3, 3), written out by hand."""
    t = np.radians(np.asarray(degrees, dtype=float))
    c, s = np.cos(t), np.sin(t)
    one, zero = np.ones_like(t), np.zeros_like(t)
    if axis == "X":
        rows = [[one, zero, zero], [zero, c, -s], [zero, s, c]]
    elif axis == "Y":
        rows = [[c, zero, s], [zero, one, zero], [-s, zero, c]]
    else:
        rows = [[c, -s, zero], [s, c, zero], [zero, zero, one]]
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def reference_fk(skeleton: Skeleton, channels: np.ndarray):
    """Naive FK: one joint at a time, plain matrix products (frames batched)."""
    channels = np.asarray(channels, dtype=float)
    frames = channels.shape[0]
    column = 0
    world_rot: list[np.ndarray] = []
    world_pos: list[np.ndarray] = []
    for joint in skeleton.joints:
        local_pos = np.tile(np.asarray(joint.offset, dtype=float), (frames, 1))
        local_rot = np.tile(np.eye(3), (frames, 1, 1))
        for channel in joint.channels:
            axis = channel[0]
            values = channels[:, column]
            column += 1
            if channel.endswith("position"):
                local_pos[:, "XYZ".index(axis)] = values
            else:
                local_rot = local_rot @ axis_matrices(axis, values)
        if joint.parent < 0:
            world_rot.append(local_rot)
            world_pos.append(local_pos)
        else:
            parent_rot = world_rot[joint.parent]
            world_pos.append(
                world_pos[joint.parent] + np.einsum("fij,fj->fi", parent_rot, local_pos)
            )
            world_rot.append(parent_rot @ local_rot)
    ends = [
        world_pos[site.parent] + world_rot[site.parent] @ np.asarray(site.offset, dtype=float)
        for site in skeleton.end_sites
    ]
    positions = np.stack(world_pos, axis=1)
    rotations = np.stack(world_rot, axis=1)
    end_positions = np.stack(ends, axis=1) if ends else np.zeros((frames, 0, 3))
    return positions, end_positions, rotations


def reference_fk_one_frame(skeleton: Skeleton, values: np.ndarray):
    """The same, one frame, with scalar loops (cross-checks the batched reference)."""
    column = 0
    rots, points = [], []
    for joint in skeleton.joints:
        offset = list(joint.offset)
        rot = np.eye(3)
        for channel in joint.channels:
            value = float(values[column])
            column += 1
            if channel.endswith("position"):
                offset["XYZ".index(channel[0])] = value
            else:
                rot = rot @ axis_matrices(channel[0], value)
        if joint.parent < 0:
            rots.append(rot)
            points.append(np.array(offset))
        else:
            points.append(points[joint.parent] + rots[joint.parent] @ np.array(offset))
            rots.append(rots[joint.parent] @ rot)
    return np.array(points)


# ------------------------------------------------------------------------ chains
def chain(order: str) -> Skeleton:
    """Root (6 channels) -> Mid (3 rotations) -> Tip (no channels) -> end site."""
    rot = tuple(f"{a}rotation" for a in order)
    return Skeleton(
        (
            Joint("Root", -1, (0.0, 0.0, 0.0), POS + rot),
            Joint("Mid", 0, (0.0, 10.0, 0.0), rot),
            Joint("Tip", 1, (0.0, 10.0, 0.0), ()),
        ),
        (EndSite(2, (5.0, 0.0, 0.0)),),
    )


def chain_channels(order: str, root: dict[str, float], mid: dict[str, float]) -> np.ndarray:
    """One frame: root at (1, 2, 3) with the given angles, Mid with its angles."""
    values = [1.0, 2.0, 3.0]
    values += [root.get(a, 0.0) for a in order]
    values += [mid.get(a, 0.0) for a in order]
    return np.array([values])


def run_chain(order, root, mid, rotations=False):
    return forward_kinematics(chain(order), chain_channels(order, root, mid), rotations=rotations)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_rest(order):
    k = run_chain(order, {}, {})
    np.testing.assert_allclose(k.positions[0], [[1, 2, 3], [1, 12, 3], [1, 22, 3]], atol=1e-12)
    np.testing.assert_allclose(k.end_positions[0], [[6, 22, 3]], atol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_root_z90(order):
    # Rz(90): y -> -x, x -> y.
    k = run_chain(order, {"Z": 90.0}, {})
    np.testing.assert_allclose(k.positions[0], [[1, 2, 3], [-9, 2, 3], [-19, 2, 3]], atol=1e-12)
    np.testing.assert_allclose(k.end_positions[0], [[-19, 7, 3]], atol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_root_x90(order):
    # Rx(90): y -> z, x stays.
    k = run_chain(order, {"X": 90.0}, {})
    np.testing.assert_allclose(k.positions[0], [[1, 2, 3], [1, 2, 13], [1, 2, 23]], atol=1e-12)
    np.testing.assert_allclose(k.end_positions[0], [[6, 2, 23]], atol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_root_y_minus90(order):
    # Ry(-90): x -> z; the bone along y is untouched, the end site swings to +z.
    k = run_chain(order, {"Y": -90.0}, {})
    np.testing.assert_allclose(k.positions[0], [[1, 2, 3], [1, 12, 3], [1, 22, 3]], atol=1e-12)
    np.testing.assert_allclose(k.end_positions[0], [[1, 22, 8]], atol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_mid_y90(order):
    # Mid turns only its children: Tip stays on y, the end site (5, 0, 0) -> (0, 0, -5).
    k = run_chain(order, {}, {"Y": 90.0})
    np.testing.assert_allclose(k.positions[0], [[1, 2, 3], [1, 12, 3], [1, 22, 3]], atol=1e-12)
    np.testing.assert_allclose(k.end_positions[0], [[1, 22, -2]], atol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_root_y90_mid_x90(order):
    # Root Ry(90) then Mid Rx(90): (0, 10, 0) -> (0, 0, 10) -> (10, 0, 0).
    k = run_chain(order, {"Y": 90.0}, {"X": 90.0})
    np.testing.assert_allclose(k.positions[0], [[1, 2, 3], [1, 12, 3], [11, 12, 3]], atol=1e-12)
    # (5, 0, 0) -> Rx: (5, 0, 0) -> Ry: (0, 0, -5).
    np.testing.assert_allclose(k.end_positions[0], [[11, 12, -2]], atol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_root_z90_x90_depends_on_order(order):
    k = run_chain(order, {"Z": 90.0, "X": 90.0}, {}, rotations=True)
    if order.index("Z") < order.index("X"):
        # R = Rz(90) @ Rx(90): (0, 10, 0) -> (0, 0, 10); (5, 0, 0) -> (0, 5, 0).
        positions = [[1, 2, 3], [1, 2, 13], [1, 2, 23]]
        end = [[1, 7, 23]]
        root_rot = [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    else:
        # R = Rx(90) @ Rz(90): (0, 10, 0) -> (-10, 0, 0); (5, 0, 0) -> (0, 0, 5).
        positions = [[1, 2, 3], [-9, 2, 3], [-19, 2, 3]]
        end = [[-19, 2, 8]]
        root_rot = [[0, -1, 0], [0, 0, -1], [1, 0, 0]]
    np.testing.assert_allclose(k.positions[0], positions, atol=1e-12)
    np.testing.assert_allclose(k.end_positions[0], end, atol=1e-12)
    np.testing.assert_allclose(k.rotations[0, 0], root_rot, atol=1e-15)
    # Mid has no rotation of its own here: it shares the root's axes.
    np.testing.assert_allclose(k.rotations[0, 1], root_rot, atol=1e-15)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_mid_y90_z90_depends_on_order(order):
    k = run_chain(order, {}, {"Y": 90.0, "Z": 90.0})
    if order.index("Y") < order.index("Z"):
        # Ry(90) @ Rz(90): (0, 10, 0) -> (-10, 0, 0) -> (0, 0, 10); (5,0,0) -> (0,5,0).
        tip, end = [1, 12, 13], [1, 17, 13]
    else:
        # Rz(90) @ Ry(90): (0, 10, 0) -> (-10, 0, 0); (5, 0, 0) -> (0, 0, -5).
        tip, end = [-9, 12, 3], [-9, 12, -2]
    np.testing.assert_allclose(k.positions[0, 2], tip, atol=1e-12)
    np.testing.assert_allclose(k.end_positions[0, 0], end, atol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_chain_general_angles_match_reference(order):
    rng = np.random.default_rng(7)
    skeleton = chain(order)
    channels = rng.uniform(-180.0, 180.0, size=(40, skeleton.channel_count))
    k = forward_kinematics(skeleton, channels, rotations=True)
    positions, ends, rotations = reference_fk(skeleton, channels)
    np.testing.assert_allclose(k.positions, positions, atol=1e-11)
    np.testing.assert_allclose(k.end_positions, ends, atol=1e-11)
    np.testing.assert_allclose(k.rotations, rotations, atol=1e-13)


@pytest.mark.parametrize("order", ORDERS)
def test_rotations_columns_are_world_axes_and_orthonormal(order):
    rng = np.random.default_rng(11)
    skeleton = chain(order)
    channels = rng.uniform(-180.0, 180.0, size=(25, skeleton.channel_count))
    k = forward_kinematics(skeleton, channels, rotations=True)
    r = k.rotations
    assert r.shape == (25, 3, 3, 3)
    np.testing.assert_allclose(
        r @ np.swapaxes(r, -1, -2), np.broadcast_to(np.eye(3), r.shape), atol=1e-13
    )
    np.testing.assert_allclose(np.linalg.det(r), 1.0, atol=1e-13)
    # Tip hangs 10 units along Mid's local y axis: Mid's column 1 in world space.
    np.testing.assert_allclose(
        k.positions[:, 2] - k.positions[:, 1], 10.0 * r[:, 1, :, 1], atol=1e-12
    )
    # The end site sits 5 units along Tip's local x axis (Tip shares Mid's axes).
    np.testing.assert_allclose(
        k.end_positions[:, 0] - k.positions[:, 2], 5.0 * r[:, 2, :, 0], atol=1e-12
    )
    np.testing.assert_allclose(r[:, 2], r[:, 1], atol=1e-15)


# --------------------------------------------------------------- position channels
def test_position_channels_on_non_root_replace_offset():
    skeleton = Skeleton(
        (
            Joint("Root", -1, (0.0, 0.0, 0.0), ("Zrotation",)),
            Joint("Child", 0, (0.0, 10.0, 0.0), (*POS, "Xrotation")),
            Joint("Leaf", 1, (0.0, 0.0, 4.0), ()),
        )
    )
    # Root turned 90 about Z; Child placed at local (2, 0, 0) instead of (0, 10, 0).
    k = forward_kinematics(skeleton, np.array([[90.0, 2.0, 0.0, 0.0, 90.0]]))
    np.testing.assert_allclose(k.positions[0, 0], [0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(k.positions[0, 1], [0, 2, 0], atol=1e-12)
    # Leaf (0, 0, 4) -> Rx(90): (0, -4, 0) -> Rz(90): (4, 0, 0).
    np.testing.assert_allclose(k.positions[0, 2], [4, 2, 0], atol=1e-12)


def test_single_yposition_channel_replaces_only_y():
    skeleton = Skeleton(
        (
            Joint("Root", -1, (100.0, 200.0, 300.0), ()),
            Joint("Child", 0, (3.0, 10.0, 4.0), ("Yposition",)),
        )
    )
    k = forward_kinematics(skeleton, np.array([[7.0], [-1.5]]))
    np.testing.assert_allclose(k.positions[:, 0], [[100, 200, 300]] * 2, atol=1e-12)
    np.testing.assert_allclose(k.positions[:, 1], [[103, 207, 304], [103, 198.5, 304]], atol=1e-12)


def test_root_position_channels_replace_root_offset():
    skeleton = Skeleton(
        (
            Joint("Root", -1, (50.0, 60.0, 70.0), ("Zposition", "Xposition")),
            Joint("Child", 0, (0.0, 1.0, 0.0), ()),
        )
    )
    k = forward_kinematics(skeleton, np.array([[-3.0, 8.0]]))
    np.testing.assert_allclose(k.positions[0], [[8, 60, -3], [8, 61, -3]], atol=1e-12)


def test_joint_without_channels_and_rotation_channels_before_positions():
    skeleton = Skeleton(
        (
            Joint(
                "Root", -1, (0.0, 0.0, 0.0), ("Yrotation", "Xposition", "Yposition", "Zposition")
            ),
            Joint("Fixed", 0, (0.0, 0.0, 10.0), ()),
            Joint("Leaf", 1, (1.0, 0.0, 0.0), ("Xrotation",)),
        )
    )
    # Root at (5, 0, 0) turned Ry(90): z -> x, x -> -z.
    k = forward_kinematics(skeleton, np.array([[90.0, 5.0, 0.0, 0.0, 45.0]]), rotations=True)
    np.testing.assert_allclose(k.positions[0, 1], [15, 0, 0], atol=1e-12)
    np.testing.assert_allclose(k.positions[0, 2], [15, 0, -1], atol=1e-12)
    # Leaf's X rotation turns only its own axes: world = Ry(90) @ Rx(45).
    expected = axis_matrices("Y", 90.0) @ axis_matrices("X", 45.0)
    np.testing.assert_allclose(k.rotations[0, 2], expected, atol=1e-15)


def test_two_roots():
    skeleton = Skeleton(
        (
            Joint("A", -1, (0.0, 0.0, 0.0), (*POS, "Zrotation")),
            Joint("A1", 0, (10.0, 0.0, 0.0), ()),
            Joint("B", -1, (0.0, 0.0, 0.0), (*POS, "Zrotation")),
            Joint("B1", 2, (10.0, 0.0, 0.0), ()),
        ),
        (EndSite(1, (0.0, 1.0, 0.0)), EndSite(3, (0.0, 1.0, 0.0))),
    )
    frame = [1.0, 1.0, 0.0, 90.0, -5.0, 0.0, 2.0, 180.0]
    k = forward_kinematics(skeleton, np.array([frame]))
    np.testing.assert_allclose(
        k.positions[0], [[1, 1, 0], [1, 11, 0], [-5, 0, 2], [-15, 0, 2]], atol=1e-12
    )
    np.testing.assert_allclose(k.end_positions[0], [[0, 11, 0], [-15, -1, 2]], atol=1e-12)


def test_end_sites_several_on_one_joint():
    skeleton = Skeleton(
        (Joint("Root", -1, (0.0, 0.0, 0.0), ("Xrotation",)),),
        (EndSite(0, (0.0, 2.0, 0.0)), EndSite(0, (0.0, 0.0, 3.0))),
    )
    k = forward_kinematics(skeleton, np.array([[0.0], [90.0], [180.0]]))
    assert k.end_positions.shape == (3, 2, 3)
    np.testing.assert_allclose(
        k.end_positions,
        [[[0, 2, 0], [0, 0, 3]], [[0, 0, 2], [0, -3, 0]], [[0, -2, 0], [0, 0, -3]]],
        atol=1e-12,
    )
    assert skeleton.end_site_names == ("Root_End1", "Root_End2")


# ------------------------------------------- agreement with a slow, independent reference
# A relative bound: double precision leaves ~1e-15, whatever the order of operations.
RELATIVE = 1e-12
PLANS = [
    pytest.param(False, False, id="positions"),
    pytest.param(False, True, id="end-sites"),
    pytest.param(True, False, id="rotations"),
    pytest.param(True, True, id="rotations-end-sites"),
]


def slow_pose(skeleton: Skeleton, values: np.ndarray):
    """One frame, one joint at a time, with the scalar axis matrices of reference_math.

    Returns joint positions (J, 3), end-site positions (E, 3) and rotations (J, 3, 3).
    """
    column = 0
    rotations: list[np.ndarray] = []
    points: list[np.ndarray] = []
    for joint in skeleton.joints:
        offset = np.array(joint.offset, dtype=float)
        local = np.eye(3)
        for channel in joint.channels:
            value = float(values[column])
            column += 1
            if channel.endswith("position"):
                offset["XYZ".index(channel[0])] = value
            else:
                local = local @ rot(channel[0], value)
        if joint.parent < 0:
            points.append(offset)
            rotations.append(local)
        else:
            points.append(points[joint.parent] + rotations[joint.parent] @ offset)
            rotations.append(rotations[joint.parent] @ local)
    ends = [
        points[site.parent] + rotations[site.parent] @ np.array(site.offset, dtype=float)
        for site in skeleton.end_sites
    ]
    return np.array(points), np.array(ends).reshape(-1, 3), np.array(rotations)


def assert_relative(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    """|actual - expected| <= RELATIVE times the largest magnitude (at least 1)."""
    assert actual.shape == expected.shape, what
    bound = RELATIVE * max(1.0, float(np.abs(expected).max(initial=0.0)))
    error = float(np.abs(actual - expected).max(initial=0.0))
    assert error <= bound, f"{what}: error {error:.3g} > {bound:.3g}"


def assert_matches_slow_reference(skeleton, channels, frames, rotations, end_sites):
    """Run forward kinematics on all of ``channels``; check ``frames`` of it frame by frame."""
    k = forward_kinematics(skeleton, channels, rotations=rotations, end_sites=end_sites)
    count = len(skeleton.end_sites) if end_sites else 0
    assert k.positions.shape == (channels.shape[0], len(skeleton.joints), 3)
    assert k.end_positions.shape == (channels.shape[0], count, 3)
    assert (k.rotations is not None) == rotations
    for frame in frames:
        points, ends, matrices = slow_pose(skeleton, channels[frame])
        assert_relative(k.positions[frame], points, f"positions, frame {frame}")
        assert_relative(k.end_positions[frame], ends[:count], f"end sites, frame {frame}")
        if rotations:
            assert_relative(k.rotations[frame], matrices, f"rotations, frame {frame}")


# Every channel layout forward kinematics has to handle, assigned in turn so that
# each occurs: all six orders, 6-channel joints with positions first or last,
# partial rotations, position channels alone or mixed in, and no channels.
LAYOUTS = (
    [tuple(f"{a}rotation" for a in order) for order in ORDERS]
    + [POS + tuple(f"{a}rotation" for a in order) for order in ORDERS]
    + [tuple(f"{a}rotation" for a in order) + POS for order in ORDERS]
    + [
        ("Zrotation",),
        ("Xrotation",),
        ("Yrotation", "Xrotation"),
        ("Xrotation", "Zrotation"),
        ("Yposition",),
        ("Xposition", "Zrotation", "Zposition"),
        ("Zposition", "Yrotation", "Xposition", "Xrotation"),
        (),
    ]
)
SPECIAL_ANGLES = np.array([0.0, 90.0, -90.0, 180.0, -180.0, 270.0, 360.0, 45.0, 1e-9])


def every_layout_skeleton(seed: int, joints: int = 60) -> Skeleton:
    """Three roots, random parents, every layout of LAYOUTS, end sites here and there."""
    rng = np.random.default_rng(seed)
    layouts = [LAYOUTS[i % len(LAYOUTS)] for i in rng.permutation(max(joints, len(LAYOUTS)))]
    roots = {0, joints // 3, (2 * joints) // 3}
    out = []
    for index in range(joints):
        parent = -1 if index in roots else int(rng.integers(max(0, index - 5), index))
        offset = tuple(float(v) for v in rng.uniform(-20.0, 20.0, size=3))
        out.append(Joint(f"j{index}", parent, offset, layouts[index]))
    sites = sorted(int(p) for p in rng.choice(joints, size=joints // 4, replace=True))
    ends = tuple(EndSite(p, tuple(float(v) for v in rng.uniform(-5.0, 5.0, size=3))) for p in sites)
    return Skeleton(tuple(out), ends)


def random_channels(skeleton: Skeleton, frames: int, seed: int) -> np.ndarray:
    """Angles over two turns, a fifth of them special (0, ±90, ±180, ...); positions ±50."""
    rng = np.random.default_rng(seed)
    channels = rng.uniform(-360.0, 360.0, size=(frames, skeleton.channel_count))
    special = rng.random(channels.shape) < 0.2
    channels[special] = rng.choice(SPECIAL_ANGLES, size=int(special.sum()))
    for j, joint in enumerate(skeleton.joints):
        for c, name in enumerate(joint.channels):
            if name.endswith("position"):
                channels[:, skeleton.channel_starts[j] + c] = rng.uniform(-50.0, 50.0, frames)
    return channels


def test_every_layout_skeleton_covers_the_layouts():
    skeleton = every_layout_skeleton(0)
    used = {joint.channels for joint in skeleton.joints}
    assert used == set(LAYOUTS)
    assert sum(joint.parent < 0 for joint in skeleton.joints) == 3
    assert any(j.parent >= 0 and j.position_axes and j.rotation_axes for j in skeleton.joints)
    assert len({site.parent for site in skeleton.end_sites}) < len(skeleton.end_sites)


@pytest.mark.parametrize(("rotations", "end_sites"), PLANS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_layouts_match_slow_reference(seed, rotations, end_sites):
    skeleton = every_layout_skeleton(seed)
    channels = random_channels(skeleton, 17, seed)
    assert_matches_slow_reference(skeleton, channels, range(17), rotations, end_sites)


@pytest.mark.parametrize(("rotations", "end_sites"), PLANS)
def test_many_blocks_match_slow_reference(rotations, end_sites):
    # 3000 frames of 75 joints and end sites: several blocks; check their edges too.
    skeleton = every_layout_skeleton(4)
    channels = random_channels(skeleton, 3000, 4)
    frames = [0, 1, 436, 437, 438, 873, 874, 1500, 2998, 2999]
    assert_matches_slow_reference(skeleton, channels, frames, rotations, end_sites)


@pytest.mark.parametrize("order", ORDERS)
def test_every_order_and_subset_on_one_joint_matches_slow_reference(order):
    # Each joint a root with the axes of `order`, all of them or the first one or two.
    joints = tuple(
        Joint(f"r{n}", -1, (1.0, 2.0, 3.0), tuple(f"{a}rotation" for a in order[:n]))
        for n in (1, 2, 3)
    )
    skeleton = Skeleton(joints, tuple(EndSite(i, (0.0, 4.0, -2.0)) for i in range(3)))
    channels = random_channels(skeleton, 40, 11)
    assert_matches_slow_reference(skeleton, channels, range(40), True, True)


def test_long_chain_of_half_turns_stays_finite_and_exact():
    # Exact 180s make tan(θ/2) about 1.6e16; quaternion norms must not overflow down
    # a deep chain.
    joints = [Joint("j0", -1, (0.0, 0.0, 0.0), (*POS, "Zrotation", "Xrotation", "Yrotation"))]
    joints += [
        Joint(f"j{i}", i - 1, (0.0, 1.0, 0.5), ("Zrotation", "Xrotation", "Yrotation"))
        for i in range(1, 40)
    ]
    skeleton = Skeleton(tuple(joints), (EndSite(39, (1.0, 0.0, 0.0)),))
    channels = np.full((3, skeleton.channel_count), 180.0)
    channels[1] = -180.0
    channels[2, 3:] = np.resize([180.0, 90.0, -180.0, 540.0], skeleton.channel_count - 3)
    channels[:, :3] = (1.0, 2.0, 3.0)
    k = forward_kinematics(skeleton, channels, rotations=True)
    assert np.isfinite(k.positions).all()
    assert np.isfinite(k.rotations).all()
    assert_matches_slow_reference(skeleton, channels, range(3), True, True)


def test_single_joint_without_channels():
    skeleton = Skeleton((Joint("Only", -1, (1.0, 2.0, 3.0), ()),))
    for rotations in (False, True):
        k = forward_kinematics(skeleton, np.zeros((4, 0)), rotations=rotations)
        np.testing.assert_array_equal(k.positions, np.tile([1.0, 2.0, 3.0], (4, 1, 1)))
        if rotations:
            np.testing.assert_array_equal(k.rotations, np.tile(np.eye(3), (4, 1, 1, 1)))


def test_threads_get_their_own_scratch():
    skeletons = [every_layout_skeleton(5), walk_skeleton()]
    work = [(s, random_channels(s, 700, n)) for n, s in enumerate(skeletons)]
    expected = [forward_kinematics(s, c, rotations=True) for s, c in work]
    failures: list[str] = []

    def run(index: int) -> None:
        skeleton, channels = work[index]
        for _ in range(15):
            k = forward_kinematics(skeleton, channels, rotations=True)
            if not (
                np.array_equal(k.positions, expected[index].positions)
                and np.array_equal(k.rotations, expected[index].rotations)
            ):
                failures.append(f"thread {index}")

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1, 0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


SHARED_FILES = shared_bvh_files()


@pytest.mark.shared
@pytest.mark.parametrize(
    "path",
    SHARED_FILES
    or [pytest.param(None, marks=pytest.mark.skip(reason="shared BVH data not found"))],
    ids=lambda path: path.stem if path is not None else "none",
)
@pytest.mark.parametrize(("rotations", "end_sites"), PLANS)
def test_shared_files_match_slow_reference(path, rotations, end_sites):
    take = previz.read_take(path)
    frames = take.frame_count
    sample = np.unique(np.linspace(0, frames - 1, min(frames, 30)).astype(int)) if frames else []
    channels = take.channels
    assert_matches_slow_reference(take.skeleton, channels, sample, rotations, end_sites)
    if frames:  # every frame against the batched reference
        k = forward_kinematics(take.skeleton, channels, rotations=True)
        positions, ends, matrices = reference_fk(take.skeleton, channels)
        assert_relative(k.positions, positions, "positions")
        assert_relative(k.end_positions, ends, "end sites")
        assert_relative(k.rotations, matrices, "rotations")


# ------------------------------------------------------------------ long takes
def random_skeleton(rng: np.random.Generator, joints: int = 31) -> Skeleton:
    """Random hierarchy, two roots, mixed channel layouts (orders, partial sets, positions)."""
    layouts = [
        (),
        ("Zrotation",),
        ("Xrotation", "Yrotation"),
        ("Yrotation", "Zrotation"),
        ("Yposition",),
        ("Xposition", "Zrotation", "Zposition"),
    ] + [tuple(f"{a}rotation" for a in order) for order in ORDERS]
    out = []
    for index in range(joints):
        if index in (0, 20):
            parent = -1
            channels = POS + tuple(f"{a}rotation" for a in ORDERS[index % 6])
        else:
            parent = int(rng.integers(max(0, index - 4), index)) if index != 21 else 20
            channels = layouts[int(rng.integers(len(layouts)))]
        offset = tuple(float(v) for v in rng.uniform(-20.0, 20.0, size=3))
        out.append(Joint(f"j{index}", parent, offset, channels))
    sites = tuple(
        EndSite(int(p), tuple(float(v) for v in rng.uniform(-5.0, 5.0, size=3)))
        for p in rng.choice(joints, size=9, replace=False)
    )
    return Skeleton(tuple(out), sites)


@pytest.mark.parametrize("builder", ["walk", "random"])
def test_long_take_matches_naive_reference(builder):
    rng = np.random.default_rng(2024)
    skeleton = walk_skeleton() if builder == "walk" else random_skeleton(rng)
    assert len(skeleton.joints) == 31
    frames = 5000
    channels = rng.uniform(-180.0, 180.0, size=(frames, skeleton.channel_count))
    for j, joint in enumerate(skeleton.joints):  # position channels: plausible lengths
        for c, name in enumerate(joint.channels):
            if name.endswith("position"):
                channels[:, skeleton.channel_starts[j] + c] = rng.uniform(-50.0, 50.0, frames)

    k = forward_kinematics(skeleton, channels, rotations=True)
    positions, ends, rotations = reference_fk(skeleton, channels)
    assert k.positions.shape == (frames, 31, 3)
    assert k.end_positions.shape == (frames, len(skeleton.end_sites), 3)
    assert k.rotations.shape == (frames, 31, 3, 3)
    np.testing.assert_allclose(k.positions, positions, rtol=0, atol=1e-9)
    np.testing.assert_allclose(k.end_positions, ends, rtol=0, atol=1e-9)
    np.testing.assert_allclose(k.rotations, rotations, rtol=0, atol=1e-9)

    # The cheaper plans (no rotations; no end sites) give the same joint positions.
    plain = forward_kinematics(skeleton, channels)
    assert plain.rotations is None
    np.testing.assert_allclose(plain.positions, positions, rtol=0, atol=1e-9)
    np.testing.assert_allclose(plain.end_positions, ends, rtol=0, atol=1e-9)
    bare = forward_kinematics(skeleton, channels, end_sites=False)
    assert bare.end_positions.shape == (frames, 0, 3)
    np.testing.assert_allclose(bare.positions, positions, rtol=0, atol=1e-9)

    # Cross-check the batched reference frame by frame at a few frames, block edges included.
    for frame in (0, 1, 499, 500, 2501, 4999):
        np.testing.assert_allclose(
            reference_fk_one_frame(skeleton, channels[frame]), positions[frame], atol=1e-9
        )


def test_frame_order_does_not_matter():
    # Each frame is computed on its own: reversing the frames reverses the output.
    rng = np.random.default_rng(3)
    skeleton = walk_skeleton()
    channels = rng.uniform(-90.0, 90.0, size=(1500, skeleton.channel_count))
    forward = forward_kinematics(skeleton, channels).positions
    backward = forward_kinematics(skeleton, channels[::-1]).positions
    np.testing.assert_allclose(backward[::-1], forward, atol=1e-12)
    single = forward_kinematics(skeleton, channels[777:778]).positions
    np.testing.assert_allclose(single[0], forward[777], atol=1e-12)


# --------------------------------------------------------------- shapes, errors
def test_zero_frames():
    skeleton = chain("ZXY")
    k = forward_kinematics(skeleton, np.zeros((0, skeleton.channel_count)), rotations=True)
    assert k.positions.shape == (0, 3, 3)
    assert k.end_positions.shape == (0, 1, 3)
    assert k.rotations.shape == (0, 3, 3, 3)


@pytest.mark.parametrize("shape", [(4, 8), (4, 10), (9,), (2, 3, 9), (0, 8)])
def test_wrong_channel_shape_raises(shape):
    skeleton = chain("ZXY")  # 6 + 3 channels
    assert skeleton.channel_count == 9
    with pytest.raises(ValueError, match=r"expected \(frames, 9\)"):
        forward_kinematics(skeleton, np.zeros(shape))


def test_end_sites_false_gives_empty_end_array_and_same_positions():
    skeleton = chain("YZX")
    rng = np.random.default_rng(5)
    channels = rng.uniform(-180.0, 180.0, size=(9, skeleton.channel_count))
    full = forward_kinematics(skeleton, channels)
    bare = forward_kinematics(skeleton, channels, end_sites=False)
    assert bare.end_positions.shape == (9, 0, 3)
    np.testing.assert_array_equal(bare.positions, full.positions)


def test_integer_channels_are_accepted():
    skeleton = chain("XYZ")
    channels = np.zeros((1, 9), dtype=int)
    channels[0, :3] = (1, 2, 3)
    channels[0, 5] = 90  # root Z (last of XYZ)
    k = forward_kinematics(skeleton, channels)
    np.testing.assert_allclose(k.positions[0, 2], [-19, 2, 3], atol=1e-12)


# ----------------------------------------------------------------------- skeleton
def test_skeleton_arrays():
    skeleton = Skeleton(
        (
            Joint("Hips", -1, (0.0, 90.0, 0.0), (*POS, "Zrotation", "Xrotation", "Yrotation")),
            Joint("Spine", 0, (0.0, 10.0, 0.0), ("Zrotation", "Xrotation", "Yrotation")),
            Joint("Head", 1, (0.0, 60.0, 5.0), ("Yposition",)),
            Joint("Leg", 0, (10.0, -5.0, 0.0), ()),
            Joint("Foot", 3, (0.0, -85.0, 0.0), ("Xrotation",)),
        ),
        (EndSite(2, (0.0, 15.0, 0.0)), EndSite(4, (0.0, 0.0, 12.0))),
    )
    assert skeleton.names == ("Hips", "Spine", "Head", "Leg", "Foot")
    np.testing.assert_array_equal(skeleton.parents, [-1, 0, 1, 0, 3])
    np.testing.assert_array_equal(skeleton.channel_starts, [0, 6, 9, 10, 10])
    assert skeleton.channel_count == 11
    assert skeleton.channel_labels[:7] == (
        "Hips.Xposition",
        "Hips.Yposition",
        "Hips.Zposition",
        "Hips.Zrotation",
        "Hips.Xrotation",
        "Hips.Yrotation",
        "Spine.Zrotation",
    )
    assert skeleton.channel_labels[-2:] == ("Head.Yposition", "Foot.Xrotation")
    np.testing.assert_array_equal(skeleton.depths, [0, 1, 2, 1, 2])
    np.testing.assert_array_equal(skeleton.offsets[2], [0, 60, 5])
    joints, ends = skeleton.rest_positions()
    np.testing.assert_allclose(
        joints, [[0, 90, 0], [0, 100, 0], [0, 160, 5], [10, 85, 0], [10, 0, 0]]
    )
    np.testing.assert_allclose(ends, [[0, 175, 5], [10, 0, 12]])
    assert skeleton.height() == pytest.approx(175.0)  # y from 0 (foot) to 175 (head end)
    assert skeleton.height(up_axis=2) == pytest.approx(12.0)
    assert skeleton.index("Leg") == 3
    with pytest.raises(KeyError, match="no joint named 'Tail'"):
        skeleton.index("Tail")
    assert skeleton.joints[0].rotation_axes == "ZXY"
    assert skeleton.joints[0].position_axes == "XYZ"
    assert skeleton.end_site_names == ("Head_End", "Foot_End")
    assert skeleton.end_site_slots == (3, 5)
    assert skeleton.layout_summary() == "6:PXYZ/RZXY x1, 3:RZXY x1, 1:PY x1, 0:- x1, 1:RX x1"


def test_walk_skeleton_layout_summary():
    skeleton = walk_skeleton()
    assert skeleton.layout_summary() == "6:PXYZ/RZYX x1, 3:RZYX x30"
    assert len(skeleton.end_sites) == 7
    assert skeleton.height() == pytest.approx(173.0)


@pytest.mark.parametrize(
    ("joints", "sites", "slots", "message"),
    [
        ((), (), None, "at least one joint"),
        ((Joint("A", 0, (0, 0, 0), ()),), (), None, "parents must come before"),
        ((Joint("A", -1, (0, 0, 0), ()), Joint("B", 2, (0, 0, 0), ())), (), None, "parent index 2"),
        ((Joint("A", -1, (0, 0, 0), ()), Joint("A", 0, (0, 0, 0), ())), (), None, "used twice"),
        ((Joint("A", -1, (0, 0, 0), ("Xrot",)),), (), None, "unknown channel 'Xrot'"),
        (
            (Joint("A", -1, (0, 0, 0), ("Zrotation", "Xrotation", "Zrotation")),),
            (),
            None,
            "lists channel Zrotation twice",
        ),
        ((Joint("A b", -1, (0, 0, 0), ()),), (), None, None),
        ((Joint("A", -1, (0, 0, 0), ()),), (EndSite(1, (0, 0, 0)),), None, "not a joint"),
        ((Joint("A", -1, (0, 0, 0), ()),), (EndSite(0, (0, 0, 0)),), (1, 1), "one entry"),
    ],
)
def test_skeleton_validation(joints, sites, slots, message):
    if message is None:  # a valid counterpart: builds without complaint
        assert Skeleton(joints, sites, slots).names == tuple(j.name for j in joints)
        return
    with pytest.raises(ValueError, match=message):
        Skeleton(joints, sites, slots)


def test_reference_helpers_are_sane():
    # The reference axis matrices: Rz(90) maps x to y, Rx(90) maps y to z, Ry(90) maps z to x.
    np.testing.assert_allclose(axis_matrices("Z", 90.0) @ [1, 0, 0], [0, 1, 0], atol=1e-15)
    np.testing.assert_allclose(axis_matrices("X", 90.0) @ [0, 1, 0], [0, 0, 1], atol=1e-15)
    np.testing.assert_allclose(axis_matrices("Y", 90.0) @ [0, 0, 1], [1, 0, 0], atol=1e-15)
    assert math.isclose(np.linalg.det(axis_matrices("Y", 33.0)), 1.0)
