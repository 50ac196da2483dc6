"""Camera paths: angles, interpolation, resampling, motion and support limits."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from previz.core.camera_path import (
    CameraPath,
    aim,
    orientations_from_pan_tilt_roll,
    pan_tilt_roll_from_orientations,
)
from previz.core.rig import SupportRig
from reference_math import rx, ry, rz


def path_of(times, positions=None, angles=None, **options) -> CameraPath:  # type: ignore[no-untyped-def]
    times = np.asarray(times, dtype=float)
    positions = np.zeros((times.size, 3)) if positions is None else positions
    angles = np.zeros((times.size, 3)) if angles is None else angles
    return CameraPath.from_pan_tilt_roll(times, positions, angles, **options)


# ----------------------------------------------------------------- angles
@pytest.mark.parametrize(
    ("angles", "forward", "up"),
    [
        ((0, 0, 0), (0, 1, 0), (0, 0, 1)),
        ((90, 0, 0), (-1, 0, 0), (0, 0, 1)),  # pan counter-clockwise from above
        ((-90, 0, 0), (1, 0, 0), (0, 0, 1)),
        ((0, 30, 0), (0, math.cos(math.radians(30)), 0.5), (0, -0.5, math.cos(math.radians(30)))),
        ((0, 0, 90), (0, 1, 0), (1, 0, 0)),  # roll about the view axis
    ],
)
def test_pan_tilt_roll_point_the_camera(angles, forward, up) -> None:  # type: ignore[no-untyped-def]
    path = path_of([0.0], angles=np.array([angles], dtype=float))
    matrix = path.rotation_matrices()[0]
    np.testing.assert_allclose(matrix @ [0, 1, 0], forward, atol=1e-12)
    np.testing.assert_allclose(matrix @ [0, 0, 1], up, atol=1e-12)
    np.testing.assert_allclose(matrix, rz(angles[0]) @ rx(angles[1]) @ ry(angles[2]), atol=1e-12)


def test_pan_tilt_roll_round_trip_and_unwrap() -> None:
    pans = np.linspace(0, 720, 50)  # two full turns
    angles = np.column_stack([pans, 10 * np.sin(pans / 50), np.zeros(50)])
    back = pan_tilt_roll_from_orientations(orientations_from_pan_tilt_roll(angles))
    np.testing.assert_allclose(back, angles, atol=1e-9)


def test_aim_points_at_targets() -> None:
    origin = np.zeros(3)
    np.testing.assert_allclose(aim(origin, [0, 10, 0]), [0, 0], atol=1e-12)
    np.testing.assert_allclose(aim(origin, [-3, 0, 0]), [90, 0], atol=1e-12)
    np.testing.assert_allclose(aim(origin, [0, 2, 2]), [0, 45], atol=1e-12)
    pan, tilt = aim([1, 1, 1.5], [4, 5, 1.5])
    forward = path_of([0.0], angles=np.array([[pan, tilt, 0]])).rotation_matrices()[0] @ [0, 1, 0]
    np.testing.assert_allclose(forward, [0.6, 0.8, 0.0], atol=1e-12)


# ------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"times": [0, 1, 1]}, "sample 2: time 1.0 s does not come after 1.0 s"),
        ({"times": [0, 2, 1]}, "sample 2"),
        ({"positions": np.array([[0, 0, 0], [np.nan, 0, 0], [0, 0, 0]])},
         "sample 1: position is not a finite number"),
        ({"focal_mm": [35, 35, np.inf]}, "sample 2: focal length"),
        ({"focal_mm": [35, 0, 35]}, "sample 1: focal length must be positive"),
        ({"f_stop": [2.8, -1, 2.8]}, "sample 1: f-stop must be positive"),
        ({"focus_m": [np.nan, 1, 1]}, "sample 0: focus distance"),
        ({"rate": 24, "times": [0, 1 / 24, 3 / 24]}, "sample 2: a path with a frame rate"),
        ({"interpolation": "cubic"}, "interpolation 'cubic'"),
    ],
)
def test_bad_samples_are_refused(options, message: str) -> None:  # type: ignore[no-untyped-def]
    values = {
        "times": [0.0, 1.0, 2.0],
        "positions": np.zeros((3, 3)),
        "orientations": np.tile([0.0, 0.0, 0.0, 1.0], (3, 1)),
        "focal_mm": 35.0,
        "focus_m": 3.0,
        "f_stop": 2.8,
    }
    values.update(options)
    with pytest.raises(ValueError, match=message):
        CameraPath(**values)


def test_zero_quaternion_is_refused_and_others_normalised() -> None:
    with pytest.raises(ValueError, match="sample 0: zero quaternion"):
        CameraPath([0.0], np.zeros((1, 3)), np.zeros((1, 4)), 35.0, 3.0, 2.8)
    path = CameraPath([0.0], np.zeros((1, 3)), [[0.0, 0.0, 0.0, 2.0]], 35.0, 3.0, 2.8)
    np.testing.assert_allclose(path.orientations, [[0, 0, 0, 1]])


# ---------------------------------------------------------- interpolation
@pytest.mark.parametrize("interpolation", ["smooth", "linear"])
def test_straight_move_is_reproduced_between_samples(interpolation: str) -> None:
    times = np.array([0.0, 1.0, 2.0, 3.0])
    positions = np.column_stack([times * 2.0, np.ones(4), 1.5 * np.ones(4)])
    path = path_of(times, positions, interpolation=interpolation)
    half = path.sample([0.5, 1.25, 2.75])
    np.testing.assert_allclose(half.positions[:, 0], [1.0, 2.5, 5.5], atol=1e-12)
    assert half.rate is None


def test_smooth_path_curves_through_its_keys_and_linear_does_not() -> None:
    times = np.array([0.0, 1.0, 2.0])
    positions = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [2.0, 0.0, 1.0]])
    smooth = path_of(times, positions).sample([0.5])
    linear = path_of(times, positions, interpolation="linear").sample([0.5])
    assert linear.positions[0, 1] == pytest.approx(0.5)
    # natural cubic spline through (0,0), (1,1), (2,0): y(0.5) = 0.6875
    assert smooth.positions[0, 1] == pytest.approx(0.6875)


def test_rotation_is_slerped_by_time() -> None:
    path = path_of([0.0, 2.0], angles=np.array([[0.0, 0, 0], [90.0, 0, 0]]))
    mid = path.sample([0.5, 1.0])
    np.testing.assert_allclose(mid.pan_tilt_roll()[:, 0], [22.5, 45.0], atol=1e-9)


def test_lens_is_linear_and_infinite_focus_holds() -> None:
    path = path_of([0.0, 1.0], focal_mm=[24.0, 48.0], focus_m=[math.inf, math.inf],
                   f_stop=[2.0, 4.0])
    mid = path.sample([0.25])
    assert mid.focal_mm[0] == pytest.approx(30.0)
    assert mid.f_stop[0] == pytest.approx(2.5)
    assert math.isinf(mid.focus_m[0])


def test_sampling_outside_the_span_holds_the_ends() -> None:
    path = path_of([0.0, 1.0], np.array([[0.0, 0, 0], [1.0, 0, 0]]))
    np.testing.assert_allclose(path.sample([-5.0, 9.0]).positions[:, 0], [0.0, 1.0])


# ------------------------------------------------------------- resampling
def test_resample_120_to_24_takes_every_fifth_sample() -> None:
    times = np.arange(241) / 120
    positions = np.column_stack([np.sin(times), times, np.zeros(241)])
    angles = np.column_stack([30 * times, np.zeros(241), np.zeros(241)])
    source = path_of(times, positions, angles, rate=120, interpolation="linear")
    framed = source.resample(24)
    assert framed.rate == 24
    assert len(framed) == 49  # 2 s at 24 fps, both ends
    np.testing.assert_allclose(framed.positions, positions[::5], atol=1e-12)
    np.testing.assert_allclose(framed.frames, np.arange(1001, 1050))


def test_resample_ntsc_frame_count_and_start() -> None:
    path = path_of([0.0, 10.0]).resample(Fraction(24000, 1001), start_frame=86400)
    assert len(path) == math.floor(10 * 24000 / 1001) + 1  # 240 frames
    assert path.frames[0] == 86400
    assert path.times[-1] == pytest.approx(239 * 1001 / 24000)


def test_keyframes_are_hit_exactly_on_their_frames() -> None:
    keys = CameraPath.from_keyframes(
        [1001, 1025, 1073], 24,
        positions=[[0, 0, 1.5], [1, 2, 1.5], [3, 2, 1.6]],
        pan_tilt_roll=[[0, 0, 0], [20, -5, 0], [60, 0, 0]],
        focal_mm=[32, 40, 50],
    )
    assert keys.frames is None
    framed = keys.resample(24)
    assert list(framed.frames[[0, -1]]) == [1001, 1073]
    for frame, position, pan in ((1001, [0, 0, 1.5], 0), (1025, [1, 2, 1.5], 20),
                                 (1073, [3, 2, 1.6], 60)):
        index = frame - 1001
        np.testing.assert_allclose(framed.positions[index], position, atol=1e-12)
        assert framed.pan_tilt_roll()[index, 0] == pytest.approx(pan)
    assert framed.focal_mm[24] == pytest.approx(40.0)


def test_on_frames() -> None:
    free = path_of([0.0, 0.5, 2.0])
    with pytest.raises(ValueError, match="no frame rate"):
        free.on_frames()
    assert free.on_frames(25).rate == 25
    framed = free.resample(24)
    assert framed.on_frames() is framed
    assert framed.on_frames("24") is framed


def test_trimmed() -> None:
    framed = path_of([0.0, 1.0]).resample(24)
    part = framed.trimmed(1005, 1010)
    assert list(part.frames) == list(range(1005, 1011))
    with pytest.raises(ValueError, match="outside the path's 1001-1025"):
        framed.trimmed(2000, 2001)


# ------------------------------------------------------------------ motion
def test_speed_acceleration_and_pan_rate_by_hand() -> None:
    times = np.arange(0, 2.0001, 0.01)
    positions = np.column_stack([times**2, np.zeros_like(times), np.ones_like(times)])
    angles = np.column_stack([10.0 * times, np.zeros_like(times), np.zeros_like(times)])
    path = path_of(times, positions, angles)
    inner = slice(2, -2)
    np.testing.assert_allclose(path.speed()[inner], 2 * times[inner], atol=1e-9)
    np.testing.assert_allclose(path.acceleration()[inner], 2.0, atol=1e-6)
    np.testing.assert_allclose(path.angular_rates()[inner, 0], 10.0, atol=1e-9)


def test_feasibility_names_the_frames_beyond_a_support() -> None:
    dolly = SupportRig("dolly", "Dolly", max_speed_m_s=1.0, max_acceleration_m_s2=50.0,
                       height_range_m=(0.5, 2.0), max_pan_deg_s=45.0)
    frames = np.arange(48)
    x = np.where(frames < 10, 0.5 * frames / 24, 0.5 * 10 / 24 + 2.0 * (frames - 10) / 24)
    x = np.where(frames > 20, x[20] + 0.5 * (frames - 20) / 24, x)
    z = np.where((frames >= 30) & (frames <= 32), 2.5, 1.5)
    path = path_of(frames / 24, np.column_stack([x, np.zeros(48), z]), rate=24)
    report = path.feasibility(dolly)
    assert not report.ok
    # sample i is frame 1001 + i; 2 m/s from sample 10 to 20, central differences
    # give 1.25 m/s at both ends of that run
    speed = [v for v in report.violations if v.quantity == "speed"]
    assert (speed[0].first, speed[0].last) == (1011, 1021)
    assert speed[0].peak == pytest.approx(2.0)
    height = [v for v in report.violations if v.quantity == "height"]
    assert (height[0].first, height[0].last, height[0].peak) == (1031, 1033, 2.5)
    assert "frames 1031-1033: height 2.5 m exceeds the dolly limit of 2 m" in str(report)


def test_feasibility_below_the_minimum_height_and_within_limits() -> None:
    crane = SupportRig("crane", "Crane", 3.0, 2.0, (1.0, 9.0))
    low = path_of([0.0, 1.0], np.array([[0.0, 0, 0.4], [0.1, 0, 0.4]]), rate=1)
    report = low.feasibility(crane)
    assert [str(v) for v in report.violations] == [
        "frames 1001-1002: height 0.4 m goes under the crane minimum of 1 m"
    ]
    ok = path_of([0.0, 1.0], np.array([[0.0, 0, 2.0], [1.0, 0, 2.0]]), rate=1)
    assert ok.feasibility(crane).ok
    assert str(ok.feasibility(crane)) == "within the crane limits"


def test_matrices_hold_rotation_and_position() -> None:
    path = path_of([0.0], np.array([[1.0, 2.0, 3.0]]), np.array([[90.0, 0, 0]]))
    matrix = path.matrices()[0]
    np.testing.assert_allclose(matrix @ [0, 1, 0, 1], [0, 2, 3, 1], atol=1e-12)


def test_focus_is_pulled_in_diopters_even_towards_infinity() -> None:
    path = path_of([0.0, 1.0, 2.0], focus_m=np.array([2.0, 4.0, math.inf]))
    halfway = path.sample([0.5, 1.5, 2.0]).focus_m
    assert halfway[0] == pytest.approx(1 / ((1 / 2 + 1 / 4) / 2))  # 2.667 m, not 3 m
    assert halfway[1] == pytest.approx(8.0)  # halfway from 4 m to infinity
    assert math.isinf(halfway[2])
    # landing exactly on a key keeps its value, next to an infinite one
    assert path.sample([1.0]).focus_m[0] == pytest.approx(4.0)
