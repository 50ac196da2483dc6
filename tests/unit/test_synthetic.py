"""The built-in walking performer."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from previz.core.synthetic import walk_skeleton, walking_take
from previz.core.take import Take


@pytest.fixture(scope="module")
def walk():
    take = walking_take(10, 120)
    return take, take.forward_kinematics()


def test_walking_take_basic_facts(walk):
    take, _ = walk
    assert take.frame_count == 1200
    assert len(take.skeleton.joints) == 31
    assert take.rate == Fraction(120)
    assert take.units == "cm"
    assert take.name == "walk"
    assert take.placement.scale == 0.01
    assert take.placement.up_axis == "y"
    assert take.duration == 10
    assert take.skeleton == walk_skeleton()
    assert walking_take(1, 24, name="stroll").name == "stroll"


def test_walk_is_deterministic():
    np.testing.assert_array_equal(walking_take(2, 30).channels, walking_take(2, 30).channels)


def test_stage_height_is_173_cm(walk):
    take, _ = walk
    height_m = take.skeleton_height() * take.placement.scale
    assert abs(height_m - 1.73) < 0.01
    guess = take.suggested_scale()
    assert guess.unit == "cm"
    assert guess.scale == 0.01


def test_rest_pose_toes_touch_the_floor_at_hip_height():
    skeleton = walk_skeleton()
    _, ends = skeleton.rest_positions()
    # Hips -> LHipJoint -6 -> LeftUpLeg -2 -> LeftLeg -42 -> LeftFoot -41 -> LeftToeBase -4.
    left_toe_end = ends[skeleton.end_site_names.index("LeftToeBase_End")]
    right_toe_end = ends[skeleton.end_site_names.index("RightToeBase_End")]
    assert left_toe_end[1] == pytest.approx(-95.0)
    assert right_toe_end[1] == pytest.approx(-95.0)
    # Hips at y = 95 cm, no rotation: toe ends land on the floor (y = 0, stage z = 0).
    take = walking_take(0.1, 10)
    rest = take.rest_pose()
    rest[0, 1] = 95.0
    placed = Take(skeleton, rest, 10, placement=take.placement)
    ends_stage = placed.forward_kinematics().end_positions[0]
    np.testing.assert_allclose(ends_stage[[0, 1], 2], [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(ends_stage[0], [0.09, -0.18, 0.0], atol=1e-12)


def toe_heights(walk) -> np.ndarray:
    take, k = walk
    names = take.skeleton.end_site_names
    toes = [names.index("LeftToeBase_End"), names.index("RightToeBase_End")]
    return k.end_positions[:, toes, 2]


def test_toes_never_sink_far_below_the_floor(walk):
    z = toe_heights(walk)
    assert z.min() > -0.05
    assert z.max() < 0.15  # a swinging toe lifts a few centimetres, not more


def test_lower_toe_stays_within_5cm_of_floor(walk):
    lowest = toe_heights(walk).min(axis=1)
    assert np.abs(lowest).max() <= 0.05


def root_stage_xy(walk) -> np.ndarray:
    _, k = walk
    return k.positions[:, 0, :2]


def test_root_travels_a_3m_circle_to_the_left(walk):
    xy = root_stage_xy(walk)
    # The walk starts at the origin heading along source +Z = stage -Y and turns left,
    # so the centre is 3 m to the performer's left: stage (3, 0).
    np.testing.assert_allclose(xy[0], [0.0, 0.0], atol=1e-12)
    centre = np.array([3.0, 0.0])
    np.testing.assert_allclose(np.linalg.norm(xy - centre, axis=1), 3.0, atol=1e-9)
    velocity = np.gradient(xy, axis=0)
    np.testing.assert_allclose(velocity[0] / np.linalg.norm(velocity[0]), [0.0, -1.0], atol=1e-2)
    to_centre = centre - xy
    turn = velocity[:, 0] * to_centre[:, 1] - velocity[:, 1] * to_centre[:, 0]
    assert np.all(turn > 0)  # centre always on the left: counter-clockwise seen from above


def test_root_speed_is_1_2_metres_per_second(walk):
    take, _ = walk
    xy = root_stage_xy(walk)
    angle = np.unwrap(np.arctan2(xy[:, 1], xy[:, 0] - 3.0))
    arc = 3.0 * np.abs(angle - angle[0])
    times = np.arange(take.frame_count) / 120.0
    np.testing.assert_allclose(arc, 1.2 * times, atol=1e-9)
    steps = np.linalg.norm(np.diff(xy, axis=0), axis=1)
    np.testing.assert_allclose(steps, 1.2 / 120.0, rtol=1e-4)
    # 10 s at 1.2 m/s is 12 m: 4 rad round the 3 m circle.
    assert arc[-1] == pytest.approx(1.2 * 1199 / 120, abs=1e-9)


def test_root_height_follows_the_hips_channel(walk):
    take, k = walk
    z = k.positions[:, 0, 2]
    # Stage z of the root is the Y-up Hips.Yposition channel in metres.
    np.testing.assert_allclose(z, take.channels[:, 1] * 0.01, atol=1e-12)
    assert 0.9 < z.min() < z.max() < 1.02
    assert 0.03 < np.ptp(z) < 0.08  # a walker's hips bob a few centimetres


def test_body_faces_along_the_path(walk):
    take, k = walk
    names = take.skeleton.names
    left = (
        k.positions[:, names.index("LHipJoint"), :2] - k.positions[:, names.index("RHipJoint"), :2]
    )
    left /= np.linalg.norm(left, axis=1, keepdims=True)
    xy = root_stage_xy(walk)
    inward = np.array([3.0, 0.0]) - xy
    inward /= np.linalg.norm(inward, axis=1, keepdims=True)
    # The performer's left points at the centre of the circle (within the 4 degree hip sway).
    assert np.min(np.sum(left * inward, axis=1)) > math.cos(math.radians(8.0))


def forward_swing(walk, joint: str) -> np.ndarray:
    """How far ``joint`` is ahead of the root along the direction of travel (mean removed)."""
    take, k = walk
    xy = root_stage_xy(walk)
    forward = np.gradient(xy, axis=0)
    forward /= np.linalg.norm(forward, axis=1, keepdims=True)
    rel = k.positions[:, take.skeleton.index(joint), :2] - xy
    value = np.sum(rel * forward, axis=1)
    return value - value.mean()


def corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def test_legs_alternate(walk):
    left, right = forward_swing(walk, "LeftFoot"), forward_swing(walk, "RightFoot")
    assert corr(left, right) < -0.8
    assert np.ptp(left) > 0.4  # the feet swing well over 20 cm each way
    assert np.ptp(right) > 0.4


def test_left_hand_swings_opposite_to_left_leg(walk):
    hand, foot = forward_swing(walk, "LeftHand"), forward_swing(walk, "LeftFoot")
    assert corr(hand, foot) < -0.8
    assert np.ptp(hand) > 0.1


def test_right_hand_swings_opposite_to_right_leg(walk):
    hand, foot = forward_swing(walk, "RightHand"), forward_swing(walk, "RightFoot")
    assert corr(hand, foot) < -0.8
    assert corr(forward_swing(walk, "LeftHand"), hand) < -0.8  # arms alternate


@pytest.mark.parametrize("seconds", [0.0, -1.0, math.nan, math.inf])
def test_walking_take_rejects_bad_length(seconds):
    with pytest.raises(ValueError, match="take length"):
        walking_take(seconds, 120)


def test_walking_take_rejects_bad_rate():
    with pytest.raises(ValueError, match="positive"):
        walking_take(2.0, 0)


@pytest.mark.parametrize(
    ("seconds", "rate", "frames"),
    [
        (10, 120, 1200),
        (2, 24, 48),
        (2.5, 25, 62),
        (2, "24000/1001", 47),  # 47.952
        (1, Fraction(30000, 1001), 29),  # 29.97
        (3, 60, 180),
        (0.001, 120, 1),  # at least one frame
    ],
)
def test_walking_take_frame_counts(seconds, rate, frames):
    take = walking_take(seconds, rate)
    assert take.frame_count == frames
    assert take.rate == Fraction(rate)


@pytest.mark.parametrize(("seconds", "rate", "frames"), [(0.57, 100, 57), (0.29, 100, 29)])
def test_walking_take_frame_count_of_decimal_seconds(seconds, rate, frames):
    assert walking_take(seconds, rate).frame_count == frames


def test_lower_rate_samples_the_same_motion():
    fast = walking_take(2, 120)
    slow = walking_take(2, 24)
    # Frame k at 24 fps is at k / 24 s: frame 5k at 120 fps.
    np.testing.assert_allclose(slow.channels, fast.channels[::5], atol=1e-9)
