"""Fly and walk navigation: the pure state → state math behind the scouting camera."""

from __future__ import annotations

import math

import numpy as np
import pytest

from previz.app.navigation import (
    FLY,
    MAX_TILT_DEG,
    WALK,
    NavSettings,
    NavState,
    Pose,
    degrees_per_pixel,
    horizontal_axes,
    look,
    set_mode,
    step,
    view_direction,
    with_pose,
    wrap_degrees,
)
from previz.core.projection import ViewCamera

SETTINGS = NavSettings(speed_m_s=2.0, fast_factor=4.0, slow_factor=0.25, roll_deg_s=30.0,
                       eye_speed_factor=0.5)


def camera_axes(pan: float, tilt: float, roll: float = 0.0) -> ViewCamera:
    return ViewCamera.from_pan_tilt_roll([0, 0, 0], (pan, tilt, roll), focal_mm=35,
                                         size=(16, 9))


@pytest.mark.parametrize(("pan", "tilt"), [(0, 0), (90, 0), (-135, 20), (30, -45), (179, 80)])
def test_view_direction_is_the_camera_forward_axis(pan: float, tilt: float) -> None:
    camera = camera_axes(pan, tilt)
    np.testing.assert_allclose(view_direction(pan, tilt), camera.forward, atol=1e-12)
    forward_h, right_h = horizontal_axes(pan)
    np.testing.assert_allclose(right_h, camera_axes(pan, 0).right, atol=1e-12)
    np.testing.assert_allclose(forward_h, camera_axes(pan, 0).forward, atol=1e-12)


def test_pan_zero_looks_along_plus_y_and_positive_pan_turns_left() -> None:
    assert view_direction(0, 0) == pytest.approx((0.0, 1.0, 0.0))
    assert view_direction(90, 0) == pytest.approx((-1.0, 0.0, 0.0))  # counter-clockwise
    assert view_direction(0, 30)[2] == pytest.approx(0.5)  # tilt up


def test_fly_forward_moves_along_the_view_at_the_speed() -> None:
    state = NavState(Pose((1.0, 2.0, 3.0), pan=30.0, tilt=20.0))
    moved = step(state, {"forward"}, 0.5, SETTINGS)
    travelled = np.subtract(moved.pose.position, state.pose.position)
    np.testing.assert_allclose(travelled, 1.0 * np.array(view_direction(30.0, 20.0)), atol=1e-12)
    assert moved.pose.pan_tilt_roll == state.pose.pan_tilt_roll
    back = step(moved, {"back"}, 0.5, SETTINGS)
    np.testing.assert_allclose(back.pose.position, state.pose.position, atol=1e-12)


def test_strafe_and_rise_are_horizontal_and_vertical() -> None:
    state = NavState(Pose((0.0, 0.0, 1.0), pan=90.0, tilt=40.0))
    right = step(state, {"right"}, 1.0, SETTINGS)
    # pan 90 looks along -X, so its right is +Y
    np.testing.assert_allclose(right.pose.position, (0.0, 2.0, 1.0), atol=1e-12)
    up = step(state, {"up"}, 0.25, SETTINGS)
    np.testing.assert_allclose(up.pose.position, (0.0, 0.0, 1.5), atol=1e-12)
    down = step(state, {"down"}, 0.25, SETTINGS)
    assert down.pose.position[2] == pytest.approx(0.5)


def test_two_directions_at_once_are_not_faster() -> None:
    state = NavState(Pose((0.0, 0.0, 1.0)))
    moved = step(state, {"forward", "right", "up"}, 1.0, SETTINGS)
    distance = math.dist(moved.pose.position, state.pose.position)
    assert distance == pytest.approx(2.0)
    np.testing.assert_allclose(moved.pose.position, np.array([1, 1, 1]) / math.sqrt(3) * 2
                               + (0, 0, 1), atol=1e-12)


def test_opposite_keys_cancel_and_nothing_held_returns_the_same_state() -> None:
    state = NavState(Pose((0.0, 0.0, 1.0)))
    assert step(state, {"forward", "back"}, 1.0, SETTINGS) is state
    assert step(state, set(), 1.0, SETTINGS) is state
    assert step(state, {"fast", "jump"}, 1.0, SETTINGS) is state  # unknown names: ignored
    assert step(state, {"forward"}, 0.0, SETTINGS) is state
    assert step(state, {"forward"}, -1.0, SETTINGS) is state
    assert step(state, {"forward"}, math.nan, SETTINGS) is state


def test_fast_and_slow_scale_the_speed() -> None:
    state = NavState(Pose((0.0, 0.0, 1.0)))
    fast = step(state, {"forward", "fast"}, 1.0, SETTINGS)
    slow = step(state, {"forward", "slow"}, 1.0, SETTINGS)
    assert fast.pose.position[1] == pytest.approx(8.0)
    assert slow.pose.position[1] == pytest.approx(0.5)


def test_walk_keeps_eye_height_and_moves_level_even_when_tilted() -> None:
    state = set_mode(NavState(Pose((0.0, 0.0, 3.0), pan=0.0, tilt=-30.0)), WALK)
    assert state.pose.position[2] == pytest.approx(1.6)  # dropped to the default eye height
    moved = step(state, {"forward"}, 1.0, SETTINGS)
    np.testing.assert_allclose(moved.pose.position, (0.0, 2.0, 1.6), atol=1e-12)
    assert moved.eye_height_m == pytest.approx(1.6)


def test_walk_up_down_change_the_eye_height() -> None:
    state = NavState(Pose((0.0, 0.0, 1.6)), WALK, 1.6)
    raised = step(state, {"up"}, 0.5, SETTINGS)  # 2 m/s * 0.5 eye factor * 0.5 s
    assert raised.eye_height_m == pytest.approx(2.1)
    assert raised.pose.position == pytest.approx((0.0, 0.0, 2.1))
    floor = step(state, {"down"}, 100.0, SETTINGS)
    assert floor.eye_height_m == pytest.approx(0.05)  # never below the minimum


def test_roll_keys_turn_about_the_view_axis() -> None:
    state = NavState(Pose((0.0, 0.0, 1.0)))
    rolled = step(state, {"roll_right"}, 0.5, SETTINGS)
    assert rolled.pose.roll == pytest.approx(15.0)
    assert rolled.pose.position == state.pose.position
    # positive roll drops the camera's right side
    assert camera_axes(0, 0, rolled.pose.roll).right[2] < 0
    assert step(state, {"roll_left"}, 0.5, SETTINGS).pose.roll == pytest.approx(-15.0)


def test_look_drag_right_pans_right_and_drag_up_tilts_up() -> None:
    state = NavState(Pose((0.0, 0.0, 1.0), pan=10.0, tilt=0.0))
    turned = look(state, 100.0, -50.0, 0.1)
    assert turned.pose.pan == pytest.approx(0.0)  # right: clockwise, pan decreases
    assert turned.pose.tilt == pytest.approx(5.0)
    # the camera's forward axis swung to the right (+X when starting at pan 0)
    assert view_direction(-10.0, 0.0)[0] > 0
    assert look(state, 0.0, 0.0, 0.1) is state


def test_tilt_is_clamped_and_pan_wraps() -> None:
    state = NavState(Pose((0.0, 0.0, 1.0), pan=170.0))
    assert look(state, 0.0, -10_000.0, 1.0).pose.tilt == MAX_TILT_DEG
    assert look(state, 0.0, 10_000.0, 1.0).pose.tilt == -MAX_TILT_DEG
    assert look(state, -200.0, 0.0, 0.1).pose.pan == pytest.approx(-170.0)
    assert wrap_degrees(180.0) == 180.0
    assert wrap_degrees(-180.0) == 180.0
    assert wrap_degrees(540.0) == 180.0
    assert wrap_degrees(-190.0) == pytest.approx(170.0)
    assert wrap_degrees(-0.0) == 0.0
    assert math.copysign(1, wrap_degrees(-0.0)) == 1


def test_degrees_per_pixel_makes_a_drag_cross_the_frame_by_its_angle() -> None:
    assert degrees_per_pixel(40.0, 800) == pytest.approx(0.05)
    state = NavState(Pose((0.0, 0.0, 1.0)))
    turned = look(state, 0.0, -800.0, degrees_per_pixel(40.0, 800))
    assert turned.pose.tilt == pytest.approx(40.0)
    assert degrees_per_pixel(40.0, 0) == pytest.approx(40.0)  # no division by zero


def test_going_to_a_pose_in_walk_mode_takes_its_height_as_eye_height() -> None:
    walking = NavState(Pose((0.0, 0.0, 1.6)), WALK, 1.6)
    there = with_pose(walking, Pose((3.0, 4.0, 1.2), pan=35.0, tilt=2.0))
    assert there.pose.position == (3.0, 4.0, 1.2)
    assert there.eye_height_m == pytest.approx(1.2)
    flying = with_pose(NavState(), Pose((3.0, 4.0, 5.0)))
    assert flying.mode == FLY
    assert flying.pose.position == (3.0, 4.0, 5.0)
    assert set_mode(there, FLY).pose == there.pose


def test_bad_values_are_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        NavState(mode="swim")
    with pytest.raises(ValueError, match="eye height"):
        NavState(eye_height_m=0.0)
    with pytest.raises(ValueError, match="3 finite"):
        Pose((0.0, math.inf, 0.0))
    with pytest.raises(ValueError, match="speed_m_s"):
        NavSettings(speed_m_s=0.0)


def test_many_small_steps_equal_one_big_step() -> None:
    state = NavState(Pose((0.0, 0.0, 1.0), pan=-60.0, tilt=10.0))
    small = state
    for _ in range(100):
        small = step(small, {"forward", "left"}, 0.01, SETTINGS)
    big = step(state, {"forward", "left"}, 1.0, SETTINGS)
    np.testing.assert_allclose(small.pose.position, big.pose.position, atol=1e-9)
