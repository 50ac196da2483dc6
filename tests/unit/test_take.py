"""Takes: placement on the stage, editing, resampling and the timeline."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from previz.core.skeleton import EndSite, Joint, Skeleton
from previz.core.take import Placement, Take

POS = ("Xposition", "Yposition", "Zposition")
ORDERS = ["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"]


# ------------------------------------------------------------------ reference code
def axis_matrix(axis: str, deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    if axis == "X":
        return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    if axis == "Y":
        return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def ref_matrix(angles, axes: str) -> np.ndarray:
    out = np.eye(3)
    for angle, axis in zip(angles, axes, strict=True):
        out = out @ axis_matrix(axis, float(angle))
    return out


def quat_mul(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    pv, pw, qv, qw = p[:3], p[3], q[:3], q[3]
    return np.array([*(pw * qv + qw * pv + np.cross(pv, qv)), pw * qw - pv @ qv])


def ref_quat(angles, axes: str) -> np.ndarray:
    out = np.array([0.0, 0.0, 0.0, 1.0])
    for angle, axis in zip(angles, axes, strict=True):
        half = math.radians(float(angle)) / 2.0
        v = np.zeros(3)
        v["XYZ".index(axis)] = math.sin(half)
        out = quat_mul(out, np.array([*v, math.cos(half)]))
    return out


def quat_matrix(q: np.ndarray) -> np.ndarray:
    x, y, z, w = q / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def ref_slerp(q0: np.ndarray, q1: np.ndarray, t: float) -> np.ndarray:
    dot = float(q0 @ q1)
    if dot < 0:
        q1, dot = -q1, -dot
    theta = math.acos(min(1.0, dot))
    if theta < 1e-12:
        return q0
    return (math.sin((1 - t) * theta) * q0 + math.sin(t * theta) * q1) / math.sin(theta)


# ------------------------------------------------------------------ small takes
def point_take(points, **placement) -> Take:
    """A root carried by position channels (source units, Y up) with a child 10 up."""
    skeleton = Skeleton(
        (Joint("Root", -1, (0.0, 0.0, 0.0), POS), Joint("Child", 0, (0.0, 10.0, 0.0), ())),
        (EndSite(1, (0.0, 0.0, 5.0)),),
    )
    return Take(
        skeleton,
        np.asarray(points, dtype=float).reshape(-1, 3),
        24,
        units="cm",
        placement=Placement(**placement),
    )


def arm_skeleton(root_order: str = "ZXY", arm_order: str = "YZX") -> Skeleton:
    """Root (6 channels), Arm (3 rotations), Hand (1 rotation), Finger (no channels)."""
    return Skeleton(
        (
            Joint("Root", -1, (0.0, 0.0, 0.0), POS + tuple(f"{a}rotation" for a in root_order)),
            Joint("Arm", 0, (0.0, 10.0, 0.0), tuple(f"{a}rotation" for a in arm_order)),
            Joint("Hand", 1, (8.0, 0.0, 0.0), ("Zrotation",)),
            Joint("Finger", 2, (3.0, 0.0, 0.0), ()),
        ),
        (EndSite(3, (1.0, 0.0, 0.0)),),
    )


def smooth_channels(skeleton: Skeleton, frames: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(frames)[:, None]
    amp = rng.uniform(10.0, 60.0, size=skeleton.channel_count)
    freq = rng.uniform(0.02, 0.12, size=skeleton.channel_count)
    phase = rng.uniform(0.0, 2 * np.pi, size=skeleton.channel_count)
    return amp * np.sin(freq * t + phase)


# ---------------------------------------------------------------------- placement
def test_raw_versus_stage_cm_y_up():
    take = point_take([[0.0, 100.0, 0.0]], scale=0.01)
    np.testing.assert_allclose(take.world_positions(raw=True)[0, 0], [0, 100, 0], atol=1e-12)
    np.testing.assert_allclose(take.world_positions()[0, 0], [0, 0, 1], atol=1e-12)
    # Child 10 cm up (y) -> 0.1 m up (z); end site 5 cm along +z_yup -> -y on stage.
    k = take.forward_kinematics()
    np.testing.assert_allclose(k.positions[0, 1], [0, 0, 1.1], atol=1e-12)
    np.testing.assert_allclose(k.end_positions[0, 0], [0, -0.05, 1.1], atol=1e-12)


def test_stage_maps_general_y_up_point():
    take = point_take([[20.0, 30.0, 50.0]], scale=0.01)
    np.testing.assert_allclose(take.world_positions()[0, 0], [0.2, -0.5, 0.3], atol=1e-12)


def test_stage_z_up_source_is_only_scaled():
    take = point_take([[20.0, 30.0, 50.0]], scale=0.5, up_axis="z")
    np.testing.assert_allclose(take.world_positions()[0, 0], [10.0, 15.0, 25.0], atol=1e-12)


def test_heading_90_turns_source_x_to_stage_y():
    take = point_take([[100.0, 0.0, 0.0], [0.0, 0.0, 100.0]], scale=0.01, heading=90.0)
    stage = take.world_positions()
    np.testing.assert_allclose(stage[0, 0], [0, 1, 0], atol=1e-12)
    # Source +Z is stage -Y before the heading; turned 90 CCW it is stage +X.
    np.testing.assert_allclose(stage[1, 0], [1, 0, 0], atol=1e-12)
    np.testing.assert_allclose(take.stage_matrix(), [[0, 0, 1], [1, 0, 0], [0, 1, 0]], atol=1e-15)


def test_position_offset_is_added_in_metres():
    take = point_take([[10.0, 20.0, 30.0]], scale=0.01, position=(2.0, -3.0, 0.5))
    np.testing.assert_allclose(take.world_positions()[0, 0], [2.1, -3.3, 0.7], atol=1e-12)


def test_recentre_puts_first_root_floor_point_at_position():
    points = [[50.0, 90.0, -20.0], [60.0, 95.0, -20.0], [50.0, 90.0, 10.0]]
    take = point_take(points, scale=0.01, position=(1.0, 2.0, 0.0), recentre=True)
    stage = take.world_positions()
    np.testing.assert_allclose(stage[0, 0], [1.0, 2.0, 0.9], atol=1e-12)  # height kept
    np.testing.assert_allclose(stage[1, 0], [1.1, 2.0, 0.95], atol=1e-12)
    np.testing.assert_allclose(stage[2, 0], [1.0, 1.7, 0.9], atol=1e-12)  # +30 cm z_yup = -y
    # Frame selections are placed relative to the take's frame 0, not their own first.
    np.testing.assert_allclose(take.world_positions(frames=2)[0, 0], stage[2, 0], atol=1e-12)
    np.testing.assert_allclose(take.world_positions(frames=[2, 1])[:, 0], stage[[2, 1], 0])


def test_recentre_with_heading_and_z_up():
    take = point_take(
        [[0.0, 4.0, 3.0], [1.0, 4.0, 3.0]],
        up_axis="z",
        heading=90.0,
        position=(5, 5, 1),
        recentre=True,
    )
    stage = take.world_positions()
    np.testing.assert_allclose(stage[0, 0], [5.0, 5.0, 4.0], atol=1e-12)
    np.testing.assert_allclose(stage[1, 0], [5.0, 6.0, 4.0], atol=1e-12)  # +x turned to +y


def test_stage_rotations_are_stage_matrix_times_raw():
    skeleton = arm_skeleton("ZXY", "YZX")
    channels = smooth_channels(skeleton, 6, seed=3)
    take = Take(skeleton, channels, 30, placement=Placement(scale=0.01, heading=30.0))
    raw = take.forward_kinematics(raw=True, rotations=True)
    stage = take.forward_kinematics(rotations=True)
    heading = axis_matrix("Z", 30.0)
    y_up = np.array([[1.0, 0, 0], [0, 0, -1.0], [0, 1.0, 0]])
    # Root raw rotation is the intrinsic ZXY product of its channels.
    for f in range(6):
        np.testing.assert_allclose(
            raw.rotations[f, 0], ref_matrix(channels[f, 3:6], "ZXY"), atol=1e-13
        )
    np.testing.assert_allclose(stage.rotations, heading @ y_up @ raw.rotations, atol=1e-13)
    # Stage rotation columns are the joint axes on stage: the Finger hangs 3 cm along Hand x.
    np.testing.assert_allclose(
        stage.positions[:, 3] - stage.positions[:, 2],
        0.03 * stage.rotations[:, 2, :, 0],
        atol=1e-12,
    )


def test_placement_validation():
    with pytest.raises(ValueError, match="scale"):
        Placement(scale=0.0)
    with pytest.raises(ValueError, match="scale"):
        Placement(scale=math.nan)
    with pytest.raises(ValueError, match="up axis"):
        Placement(up_axis="x")
    placement = Placement(position=(1, 2, 3), time_offset=0.5)
    assert placement.position == (1.0, 2.0, 3.0)
    assert placement.time_offset == Fraction(1, 2)
    assert Placement(up_axis="Z").up_index == 2
    assert Placement().up_index == 1


# ------------------------------------------------------------------ basic facts
def test_duration_and_frame_time():
    take = point_take(np.zeros((48, 3)))
    assert take.frame_count == 48
    assert take.duration == Fraction(2)
    assert take.frame_time == pytest.approx(1 / 24)
    ntsc = Take(take.skeleton, np.zeros((48, 3)), "24000/1001")
    assert ntsc.rate == Fraction(24000, 1001)
    assert ntsc.duration == Fraction(48 * 1001, 24000)  # 2.002 s
    assert isinstance(ntsc.duration, Fraction)
    assert ntsc.frame_time == pytest.approx(1001 / 24000)
    assert Take(take.skeleton, np.zeros((0, 3)), 24).duration == 0


@pytest.mark.parametrize("shape", [(5, 2), (5, 4), (3,), (2, 3, 3)])
def test_take_rejects_wrong_channel_shape(shape):
    skeleton = point_take(np.zeros((1, 3))).skeleton
    with pytest.raises(ValueError, match=r"expected \(frames, 3\)"):
        Take(skeleton, np.zeros(shape), 24)


def test_take_rejects_bad_rate():
    skeleton = point_take(np.zeros((1, 3))).skeleton
    with pytest.raises(ValueError, match="positive"):
        Take(skeleton, np.zeros((2, 3)), 0)
    with pytest.raises(ValueError, match="not a number"):
        Take(skeleton, np.zeros((2, 3)), "fast")


def test_with_placement_returns_new_take():
    take = point_take([[0.0, 100.0, 0.0]], scale=0.01)
    moved = take.with_placement(position=(1.0, 0.0, 0.0), heading=90.0)
    assert moved is not take
    assert take.placement == Placement(scale=0.01)
    assert moved.placement.scale == 0.01
    assert moved.placement.position == (1.0, 0.0, 0.0)
    assert moved.placement.heading == 90.0
    np.testing.assert_allclose(take.world_positions()[0, 0], [0, 0, 1], atol=1e-12)
    np.testing.assert_allclose(moved.world_positions()[0, 0], [1, 0, 1], atol=1e-12)
    with pytest.raises(ValueError, match="scale"):
        take.with_placement(scale=-1.0)


# ---------------------------------------------------------------------- trimming
def test_trimmed_is_inclusive():
    channels = np.arange(30.0).reshape(10, 3)
    take = point_take(channels)
    part = take.trimmed(2, 5)
    assert part.frame_count == 4
    np.testing.assert_array_equal(part.channels, channels[2:6])
    np.testing.assert_array_equal(take.trimmed(7).channels, channels[7:])
    np.testing.assert_array_equal(take.trimmed(None, 0).channels, channels[:1])
    np.testing.assert_array_equal(take.trimmed().channels, channels)
    assert take.trimmed(9, 9).frame_count == 1
    part.channels[0, 0] = -1.0  # a copy: the original is untouched
    assert take.channels[2, 0] == 6.0


@pytest.mark.parametrize(("first", "last"), [(5, 2), (-1, 3), (0, 10), (10, None), (3, -1)])
def test_trimmed_rejects_bad_ranges(first, last):
    take = point_take(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="outside the take"):
        take.trimmed(first, last)


# ---------------------------------------------------------------------- looping
def test_looped_repeats():
    channels = np.arange(12.0).reshape(4, 3)
    take = point_take(channels)
    looped = take.looped(3)
    assert looped.frame_count == 12
    for k in range(3):
        np.testing.assert_array_equal(looped.channels[4 * k : 4 * k + 4], channels)
    np.testing.assert_array_equal(take.looped(1).channels, channels)
    with pytest.raises(ValueError, match="at least 1"):
        take.looped(0)


def test_looped_carry_root_shifts_horizontal_position_by_travel():
    skeleton = arm_skeleton()
    channels = np.zeros((4, skeleton.channel_count))
    channels[:, 0] = [0.0, 1.0, 2.0, 3.0]  # X: travels 3
    channels[:, 1] = [90.0, 91.0, 92.0, 93.0]  # Y (up): not carried
    channels[:, 2] = [10.0, 10.0, 12.0, 14.0]  # Z: travels 4
    channels[:, 3:] = np.arange(4 * (skeleton.channel_count - 3)).reshape(4, -1)
    take = Take(skeleton, channels, 30)
    looped = take.looped(3, carry_root=True)
    np.testing.assert_array_equal(looped.channels[:, 0], [0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9])
    np.testing.assert_array_equal(looped.channels[:, 1], np.tile([90.0, 91.0, 92.0, 93.0], 3))
    np.testing.assert_array_equal(
        looped.channels[:, 2], [10, 10, 12, 14, 14, 14, 16, 18, 18, 18, 20, 22]
    )
    np.testing.assert_array_equal(looped.channels[:, 3:], np.tile(channels[:, 3:], (3, 1)))


def test_looped_carry_root_z_up_keeps_z():
    skeleton = arm_skeleton()
    channels = np.zeros((3, skeleton.channel_count))
    channels[:, 0] = [0.0, 1.0, 2.0]
    channels[:, 1] = [5.0, 6.0, 8.0]
    channels[:, 2] = [1.0, 2.0, 4.0]
    take = Take(skeleton, channels, 30, placement=Placement(up_axis="z"))
    looped = take.looped(2, carry_root=True)
    np.testing.assert_array_equal(looped.channels[:, 0], [0, 1, 2, 2, 3, 4])
    np.testing.assert_array_equal(looped.channels[:, 1], [5, 6, 8, 8, 9, 11])
    np.testing.assert_array_equal(looped.channels[:, 2], [1, 2, 4, 1, 2, 4])


# ---------------------------------------------------------------------- rescaling
def test_rescaled_scales_lengths_not_angles():
    skeleton = arm_skeleton()
    channels = smooth_channels(skeleton, 5, seed=1)
    take = Take(
        skeleton,
        channels,
        30,
        units="cm",
        placement=Placement(scale=0.01, heading=20.0, position=(1.0, 2.0, 0.0), recentre=True),
    )
    metres = take.rescaled(0.01)
    assert metres.units == "m"
    assert metres.placement.scale == pytest.approx(1.0)
    np.testing.assert_allclose(metres.skeleton.offsets, skeleton.offsets * 0.01, atol=1e-15)
    np.testing.assert_allclose(metres.skeleton.offsets[1], [0.0, 0.1, 0.0], atol=1e-15)
    np.testing.assert_allclose(metres.skeleton.end_site_offsets, [[0.01, 0.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(metres.channels[:, :3], channels[:, :3] * 0.01, atol=1e-15)
    np.testing.assert_array_equal(metres.channels[:, 3:], channels[:, 3:])
    np.testing.assert_allclose(
        metres.world_positions(raw=True), take.world_positions(raw=True) * 0.01, atol=1e-12
    )
    np.testing.assert_allclose(metres.world_positions(), take.world_positions(), atol=1e-12)
    np.testing.assert_allclose(
        metres.forward_kinematics().end_positions,
        take.forward_kinematics().end_positions,
        atol=1e-12,
    )
    assert take.units == "cm"  # the original is untouched
    assert take.skeleton.offsets[1, 1] == 10.0


@pytest.mark.parametrize(
    ("units", "factor", "expected"),
    [
        ("cm", 10.0, "mm"),
        ("m", 100.0, "cm"),
        ("in", 2.54, "cm"),
        ("cm", 3.0, "unknown"),
        ("unknown", 0.01, "unknown"),
    ],
)
def test_rescaled_unit_names(units, factor, expected):
    take = point_take(np.zeros((2, 3)))
    take = Take(take.skeleton, take.channels, 24, units=units)
    assert take.rescaled(factor).units == expected


@pytest.mark.parametrize("factor", [0.0, -2.0, math.nan, math.inf])
def test_rescaled_rejects_bad_factor(factor):
    with pytest.raises(ValueError, match="scale factor"):
        point_take(np.zeros((2, 3))).rescaled(factor)


# ---------------------------------------------------------------------- resampling
def test_resampled_same_rate_returns_equal_channels():
    skeleton = arm_skeleton()
    take = Take(skeleton, smooth_channels(skeleton, 20), 30)
    same = take.resampled(30)
    assert same.rate == 30
    np.testing.assert_array_equal(same.channels, take.channels)
    assert same.channels is not take.channels


def test_resampled_120_to_30_takes_every_fourth_frame():
    skeleton = arm_skeleton("ZYX", "XZY")
    channels = smooth_channels(skeleton, 121, seed=4)
    take = Take(skeleton, channels, 120)
    down = take.resampled(30)
    assert down.rate == 30
    assert down.frame_count == 31  # floor(120 / 120 * 30) + 1
    # Position channels: exact copies (frame 120 is the take's last frame).
    np.testing.assert_array_equal(down.channels[:30, :3], channels[:120:4, :3])
    np.testing.assert_allclose(down.channels[:, :3], channels[::4, :3], rtol=0, atol=1e-12)
    # Rotation channels: the same values (through a quaternion round trip).
    np.testing.assert_allclose(down.channels[:, 3:], channels[::4, 3:], rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("root_order", "arm_order"), [("ZXY", "YZX"), ("XYZ", "ZYX"), ("YXZ", "XZY")]
)
def test_resampled_30_to_60_midpoints(root_order, arm_order):
    skeleton = arm_skeleton(root_order, arm_order)
    channels = smooth_channels(skeleton, 25, seed=9)
    channels[:, 3:] *= 2.5  # large rotations between frames
    take = Take(skeleton, channels, 30)
    up = take.resampled(60)
    assert up.frame_count == 49
    out = up.channels
    np.testing.assert_allclose(out[::2], channels, rtol=0, atol=1e-9)
    for k in range(24):
        a, b, mid = channels[k], channels[k + 1], out[2 * k + 1]
        np.testing.assert_allclose(mid[:3], (a[:3] + b[:3]) / 2, rtol=0, atol=1e-12)
        for cols, axes in ((slice(3, 6), root_order), (slice(6, 9), arm_order)):
            expected = quat_matrix(ref_slerp(ref_quat(a[cols], axes), ref_quat(b[cols], axes), 0.5))
            np.testing.assert_allclose(ref_matrix(mid[cols], axes), expected, atol=1e-10)
        # One rotation channel: the shorter arc between the neighbours.
        diff = (b[9] - a[9] + 180.0) % 360.0 - 180.0
        assert mid[9] == pytest.approx(a[9] + diff / 2, abs=1e-12)


def test_resampled_world_rotation_is_slerp_midpoint():
    skeleton = arm_skeleton("ZXY", "YZX")
    channels = smooth_channels(skeleton, 9, seed=12) * 2.0
    take = Take(skeleton, channels, 30)
    up = take.resampled(60)
    rots = up.forward_kinematics(raw=True, rotations=True).rotations
    src = take.forward_kinematics(raw=True, rotations=True).rotations
    for k in range(8):
        # Root: local = world, so the world rotation is the slerp midpoint too.
        q0 = ref_quat(channels[k, 3:6], "ZXY")
        q1 = ref_quat(channels[k + 1, 3:6], "ZXY")
        np.testing.assert_allclose(
            rots[2 * k + 1, 0], quat_matrix(ref_slerp(q0, q1, 0.5)), atol=1e-10
        )
        np.testing.assert_allclose(rots[2 * k, 0], src[k, 0], atol=1e-10)


def test_resampled_single_channel_short_arc_across_180():
    skeleton = arm_skeleton()
    channels = np.zeros((2, skeleton.channel_count))
    channels[:, 9] = [170.0, -170.0]  # Hand Z: 20 degrees apart the short way
    up = Take(skeleton, channels, 30).resampled(60)
    assert up.channels[1, 9] == pytest.approx(180.0)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("spin", [0, 1, 2])
def test_resampled_rotation_channels_stay_continuous_when_spinning(order, spin):
    skeleton = arm_skeleton(order, order)
    frames = 61
    channels = np.zeros((frames, skeleton.channel_count))
    t = np.arange(frames)
    # One axis spins continuously through +-180 (12 degrees a frame, 2 turns); the others
    # wobble a little, unless the spin is on the middle axis (keeps clear of gimbal lock).
    for k in range(3):
        if k == spin:
            channels[:, 3 + k] = -170.0 + 12.0 * t
            channels[:, 6 + k] = 100.0 - 12.0 * t
        elif spin != 1:
            channels[:, 3 + k] = 8.0 * np.sin(0.3 * t + k)
            channels[:, 6 + k] = 5.0 * np.cos(0.2 * t + k)
    take = Take(skeleton, channels, 30)
    up = take.resampled(60)
    assert up.frame_count == 121
    rot = up.channels[:, 3:9]
    steps = np.abs(np.diff(rot, axis=0))
    assert steps.max() < 10.0  # no 360 (or 180) jumps anywhere
    np.testing.assert_allclose(up.channels[::2], channels, rtol=0, atol=1e-9)
    # The spinning channels keep advancing about 6 degrees per new frame, never wrapping.
    assert np.all((np.diff(rot[:, spin]) > 4.0) & (np.diff(rot[:, spin]) < 8.0))
    assert np.all((np.diff(rot[:, 3 + spin]) < -4.0) & (np.diff(rot[:, 3 + spin]) > -8.0))
    if spin == 1:  # a pure turn about one axis: the midpoints are exact
        np.testing.assert_allclose(rot[:, 1], -170.0 + 6.0 * np.arange(121), atol=1e-9)
        np.testing.assert_allclose(rot[:, 4], 100.0 - 6.0 * np.arange(121), atol=1e-9)
    # Odd frames hold the slerp midpoint of their neighbours.
    for k in range(0, 60, 7):
        for cols in (slice(3, 6), slice(6, 9)):
            q0 = ref_quat(channels[k, cols], order)
            q1 = ref_quat(channels[k + 1, cols], order)
            np.testing.assert_allclose(
                ref_matrix(up.channels[2 * k + 1, cols], order),
                quat_matrix(ref_slerp(q0, q1, 0.5)),
                atol=1e-10,
            )


@pytest.mark.parametrize(
    ("frames", "old", "new", "count"),
    [
        (100, 30, 24, 80),  # 99/30 s * 24 = 79.2
        (100, 30, Fraction(24000, 1001), 80),  # 3.3 s * 23.976 = 79.12
        (100, Fraction(24000, 1001), Fraction(30000, 1001), 124),  # 99 * 30/24 = 123.75
        (101, Fraction(30000, 1001), Fraction(24000, 1001), 81),  # 100 * 24/30 = 80
        (10, 24, 25, 10),  # 9/24 * 25 = 9.375
        (11, 25, 24, 10),  # 10/25 * 24 = 9.6
        (2, 24, 120, 6),
        (1, 24, 120, 1),
    ],
)
def test_resampled_frame_count_rule(frames, old, new, count):
    take = point_take(np.zeros((frames, 3)))
    take = Take(take.skeleton, take.channels, old)
    out = take.resampled(new)
    assert out.frame_count == count
    assert out.rate == Fraction(new)


def test_resampled_ntsc_positions_are_linear():
    points = np.zeros((101, 3))
    points[:, 0] = 2.0 * np.arange(101)  # x moves 2 units a frame
    take = Take(point_take(points).skeleton, points, "30000/1001")
    out = take.resampled("24000/1001")
    assert out.rate == Fraction(24000, 1001)
    assert out.frame_count == 81
    # New frame k sits at k * 1.25 old frames.
    np.testing.assert_allclose(out.channels[:, 0], 2.5 * np.arange(81), rtol=0, atol=1e-9)
    assert out.duration == Fraction(81 * 1001, 24000)


# ------------------------------------------------------------------ interpolation
def test_interpolate_positions_and_clamping():
    points = np.array([[0.0, 0.0, 0.0], [10.0, 20.0, -30.0], [20.0, 0.0, 0.0]])
    take = point_take(points)
    out = take.interpolate([0.25, 1.5, -3.0, 2.0, 7.0])
    np.testing.assert_allclose(
        out,
        [[2.5, 5.0, -7.5], [15.0, 10.0, -15.0], [0, 0, 0], [20, 0, 0], [20, 0, 0]],
        atol=1e-12,
    )
    np.testing.assert_allclose(take.interpolate(1.0), [[10.0, 20.0, -30.0]])


def test_interpolate_loop_wraps_between_last_and_first():
    points = np.array([[0.0, 0.0, 0.0], [10.0, 20.0, -30.0], [20.0, 0.0, 40.0]])
    take = point_take(points)
    out = take.interpolate([2.5, -0.5, 3.0, 7.0, -2.0], loop=True)
    np.testing.assert_allclose(
        out,
        [[10.0, 0.0, 20.0], [10.0, 0.0, 20.0], [0, 0, 0], [10.0, 20.0, -30.0], [10.0, 20.0, -30.0]],
        atol=1e-12,
    )


def test_interpolate_loop_wraps_rotations_the_short_way():
    skeleton = arm_skeleton()
    channels = np.zeros((3, skeleton.channel_count))
    channels[:, 9] = [-170.0, 0.0, 170.0]  # Hand Z: last -> first is 20 degrees
    channels[:, 4] = [-170.0, 0.0, 170.0]  # Root X (ZXY): 3-channel joint
    take = Take(skeleton, channels, 30)
    out = take.interpolate([2.5], loop=True)[0]
    assert abs(((out[9] - 180.0) + 180.0) % 360.0 - 180.0) < 1e-9
    np.testing.assert_allclose(ref_matrix(out[3:6], "ZXY"), axis_matrix("X", 180.0), atol=1e-9)


def test_interpolate_loop_tiny_negative_position():
    points = np.arange(48 * 3, dtype=float).reshape(48, 3)
    take = point_take(points)
    out = take.interpolate([-1e-15], loop=True)
    np.testing.assert_allclose(out, points[:1], atol=1e-9)


def test_interpolate_empty_take_raises():
    with pytest.raises(ValueError, match="no frames"):
        point_take(np.zeros((0, 3))).interpolate([0.0])


# ----------------------------------------------------------------------- timeline
def test_frame_at_with_time_offset():
    take = point_take(np.zeros((48, 3)), time_offset=Fraction(2))  # 2 s at 24 fps
    np.testing.assert_allclose(take.frame_at([2.0, 2.5, 3.0, 1.0, 100.0]), [0, 12, 24, 0, 47])
    np.testing.assert_allclose(take.frame_at(2.0 + 1 / 48), 0.5)


def test_frame_at_loop():
    take = point_take(np.zeros((48, 3)), time_offset=Fraction(2))
    # The take lasts 48 frames = 2 s; frame 47 is followed by frame 0.
    np.testing.assert_allclose(
        take.frame_at([2.5, 4.5, 6.5, 1.5, 3.99], loop=True), [12, 12, 12, 36, 47.76], atol=1e-9
    )


def test_frame_at_fractional_offset_and_ntsc_rate():
    take = Take(
        point_take(np.zeros((100, 3))).skeleton,
        np.zeros((100, 3)),
        "24000/1001",
        placement=Placement(time_offset=Fraction(1, 3)),
    )
    assert float(take.frame_at(1 / 3 + 1001 / 24000 * 10)) == pytest.approx(10.0, abs=1e-9)


# --------------------------------------------------------------- height and scale
def standing_skeleton(extra_arm: float = 30.0) -> Skeleton:
    rot = ("Zrotation", "Xrotation", "Yrotation")
    return Skeleton(
        (
            Joint("Hips", -1, (0.0, 0.0, 0.0), POS + rot),
            Joint("Leg", 0, (10.0, -50.0, 0.0), rot),
            Joint("Foot", 1, (0.0, -50.0, 0.0), rot),
            Joint("Spine", 0, (0.0, 40.0, 0.0), rot),
            Joint("Arm", 3, (extra_arm, 10.0, 0.0), rot),
        ),
        (EndSite(2, (0.0, 0.0, 12.0)), EndSite(3, (0.0, 30.0, 0.0))),
    )


def test_skeleton_height_standing():
    skeleton = standing_skeleton()
    rng = np.random.default_rng(0)
    channels = rng.uniform(-90.0, 90.0, size=(10, skeleton.channel_count))
    take = Take(skeleton, channels, 30, units="cm")
    # From the foot (y = -100) to the head end (y = 70).
    assert take.skeleton_height() == pytest.approx(170.0)
    guess = take.suggested_scale()
    assert guess.unit == "cm"
    assert guess.scale == 0.01
    assert guess.height_m == pytest.approx(1.70)


def test_skeleton_height_not_upright_uses_median_posed_height():
    rot = ("Zrotation", "Xrotation", "Yrotation")
    skeleton = Skeleton(
        (
            Joint("Root", -1, (0.0, 0.0, 0.0), POS + rot),
            Joint("A", 0, (50.0, 0.0, 0.0), rot),
            Joint("B", 1, (60.0, 0.0, 0.0), rot),
        ),
        (EndSite(2, (60.0, 0.0, 0.0)),),
    )
    channels = np.zeros((3, skeleton.channel_count))
    channels[:, 3] = [90.0, 30.0, 60.0]  # root Z: the 170-unit chain stands up to 90 degrees
    channels[:, 0] = [5.0, -7.0, 100.0]  # root travel does not matter
    take = Take(skeleton, channels, 30)
    # Extents along y: 170, 170 sin 30 = 85, 170 sin 60 = 147.22; the median is the last.
    assert take.skeleton_height() == pytest.approx(170.0 * math.sin(math.radians(60.0)))
    # Without frames the rest-pose extent is all there is.
    assert Take(skeleton, np.zeros((0, 12)), 30).skeleton_height() == pytest.approx(0.0)


def test_skeleton_height_z_up():
    skeleton = Skeleton(
        (Joint("Root", -1, (0.0, 0.0, 0.0), POS), Joint("Head", 0, (0.2, 0.0, 1.6), ())),
    )
    take = Take(skeleton, np.zeros((2, 3)), 30, placement=Placement(up_axis="z"))
    assert take.skeleton_height() == pytest.approx(1.6)
    assert take.suggested_scale().unit == "m"


def test_rest_pose_and_height_with_bone_lengths_in_position_channels():
    # Six-channel joints with zero offsets: bone lengths live in the first frame's channels.
    rot = ("Zrotation", "Xrotation", "Yrotation")
    skeleton = Skeleton(
        (
            Joint("Root", -1, (1.0, 2.0, 3.0), POS + rot),
            Joint("Spine", 0, (0.0, 0.0, 0.0), POS + rot),
        ),
        (EndSite(1, (0.0, 20.0, 0.0)),),
    )
    channels = np.zeros((2, 12))
    channels[0, :3] = [40.0, 95.0, -8.0]  # root motion: ignored by the rest pose
    channels[0, 3:6] = [10.0, 20.0, 30.0]
    channels[0, 6:9] = [0.0, 150.0, 0.0]  # spine bone length
    channels[1, 6:9] = [0.0, 999.0, 0.0]  # later frames: ignored
    take = Take(skeleton, channels, 30)
    np.testing.assert_array_equal(
        take.rest_pose(), [[1.0, 2.0, 3.0, 0, 0, 0, 0.0, 150.0, 0.0, 0, 0, 0]]
    )
    assert take.skeleton_height() == pytest.approx(170.0)  # 150 + 20 end site
    # Without frames the offsets are used for every joint.
    empty = Take(skeleton, np.zeros((0, 12)), 30)
    np.testing.assert_array_equal(empty.rest_pose(), [[1.0, 2.0, 3.0, 0, 0, 0, 0, 0, 0, 0, 0, 0]])




def test_world_positions_at_stage_times_interpolates_and_offsets() -> None:
    from previz.core.synthetic import walking_take

    take = walking_take(2.0, 120).with_placement(time_offset=Fraction(1, 2))
    positions = take.world_positions()
    # stage time 0.5 s is the take's frame 0; 0.5 + 10/120 s its frame 10
    at = take.world_positions_at([0.5, 0.5 + 10 / 120, 0.5 + 10.5 / 120])
    np.testing.assert_allclose(at[0], positions[0], atol=1e-12)
    np.testing.assert_allclose(at[1], positions[10], atol=1e-12)
    # half way between frames 10 and 11 the root is half way too (root translation is linear)
    np.testing.assert_allclose(at[2, 0], (positions[10, 0] + positions[11, 0]) / 2, atol=1e-12)
    raw = take.world_positions_at([0.5], raw=True)
    np.testing.assert_allclose(raw[0], take.world_positions(raw=True)[0], atol=1e-12)
    # before the take starts its first frame holds; with loop it wraps
    np.testing.assert_allclose(take.world_positions_at([0.0])[0], positions[0], atol=1e-12)
    wrapped = take.world_positions_at([0.5 + take.frame_count / 120], loop=True)
    np.testing.assert_allclose(wrapped[0], positions[0], atol=1e-12)
