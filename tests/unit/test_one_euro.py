"""One Euro filter against the low-pass formulas, an independent reference and rotations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from previz.core.one_euro import (
    OneEuroFilter,
    OneEuroSettings,
    QuaternionOneEuroFilter,
    one_euro_offline,
    one_euro_offline_quaternion,
)
from previz.errors import InputError


def lowpass_alpha(cutoff: float, dt: float) -> float:
    """The paper's smoothing factor: 1 / (1 + tau / dt), tau = 1 / (2 pi fc)."""
    tau = 1.0 / (2.0 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


def reference_one_euro(times: np.ndarray, values: np.ndarray, s: OneEuroSettings) -> np.ndarray:
    """Independent numpy version: one loop over samples, vectorised over components."""
    out = np.empty_like(values)
    out[0] = values[0]
    edx = np.zeros(values.shape[1])
    for i in range(1, len(times)):
        dt = times[i] - times[i - 1]
        dx = (values[i] - out[i - 1]) / dt
        edx = lowpass_alpha(s.d_cutoff, dt) * dx + (1 - lowpass_alpha(s.d_cutoff, dt)) * edx
        cutoff = s.min_cutoff + s.beta * np.linalg.norm(edx)
        a = lowpass_alpha(cutoff, dt)
        out[i] = a * values[i] + (1.0 - a) * out[i - 1]
    return out


def angle_between(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Rotation angle (rad) between unit quaternions, sign-agnostic."""
    dots = np.clip(np.abs(np.sum(p * q, axis=-1)), 0.0, 1.0)
    return 2.0 * np.arccos(dots)


def z_rotations(angles: np.ndarray) -> np.ndarray:
    half = 0.5 * np.asarray(angles)
    zeros = np.zeros_like(half)
    return np.stack([zeros, zeros, np.sin(half), np.cos(half)], axis=-1)


# --------------------------------------------------------------------------- settings


def test_settings_defaults_and_types() -> None:
    s = OneEuroSettings()
    assert (s.min_cutoff, s.beta, s.d_cutoff, s.enabled) == (1.0, 0.0, 1.0, True)
    s = OneEuroSettings(min_cutoff=2, beta=1, d_cutoff=3)
    assert isinstance(s.min_cutoff, float)
    assert isinstance(s.beta, float)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_cutoff": 0.0}, "min_cutoff"),
        ({"min_cutoff": -1.0}, "min_cutoff"),
        ({"min_cutoff": math.inf}, "min_cutoff"),
        ({"min_cutoff": "1"}, "min_cutoff"),
        ({"d_cutoff": 0.0}, "d_cutoff"),
        ({"d_cutoff": math.nan}, "d_cutoff"),
        ({"beta": -0.1}, "beta"),
        ({"beta": math.nan}, "beta"),
        ({"enabled": 1}, "enabled"),
    ],
)
def test_settings_validation_names_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(ValueError, match=f"OneEuroSettings.{field}"):
        OneEuroSettings(**kwargs)
    with pytest.raises(InputError):
        OneEuroSettings(**kwargs)


def test_constructor_validation() -> None:
    with pytest.raises(InputError, match="size"):
        OneEuroFilter(OneEuroSettings(), 0)
    with pytest.raises(InputError, match="reset_after"):
        OneEuroFilter(OneEuroSettings(), 3, reset_after=0.0)
    with pytest.raises(InputError, match="reset_after"):
        QuaternionOneEuroFilter(OneEuroSettings(), reset_after=-1.0)
    with pytest.raises(InputError, match="settings"):
        OneEuroFilter({"beta": 1.0}, 3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- vector filter


def test_first_sample_is_returned_and_constant_input_is_unchanged() -> None:
    flt = OneEuroFilter(OneEuroSettings(min_cutoff=0.5, beta=3.0), 3)
    value = (1.25, -3.5, 0.1)
    rng = np.random.default_rng(1)
    times = np.cumsum(rng.uniform(0.001, 0.05, 500))
    outputs = [flt(float(t), value) for t in times]
    assert outputs[0] == value
    assert all(out == value for out in outputs)  # exactly, not approximately
    assert isinstance(outputs[-1], tuple)
    assert all(type(c) is float for c in outputs[-1])


def test_white_noise_is_reduced_as_the_first_order_lowpass_predicts() -> None:
    rate, cutoff = 1000.0, 10.0
    a = lowpass_alpha(cutoff, 1.0 / rate)  # 0.0591
    # y = y + a (x - y) on white noise: var(y) / var(x) = a / (2 - a)
    predicted = math.sqrt(a / (2.0 - a))
    assert predicted == pytest.approx(0.1745, abs=1e-4)
    rng = np.random.default_rng(7)
    n = 60_000
    noise = rng.normal(0.0, 0.01, size=(n, 3)) + np.array([1.0, 2.0, 0.5])
    times = np.arange(n) / rate
    out = one_euro_offline(times, noise, OneEuroSettings(min_cutoff=cutoff, beta=0.0))
    ratio = out[1000:].std(axis=0) / noise[1000:].std(axis=0)
    np.testing.assert_allclose(ratio, predicted, rtol=0.05)
    assert np.all(ratio < 0.19)  # and clearly reduced: the noise std drops ~5.7x


def ramp_lag(beta: float, rate: float = 100.0, speed: float = 1.0) -> float:
    """Steady-state lag in seconds of the filter on x = speed * t."""
    flt = OneEuroFilter(OneEuroSettings(min_cutoff=1.0, beta=beta, d_cutoff=1.0), 1)
    n = 4000
    for i in range(n):
        t = i / rate
        (y,) = flt(t, (speed * t,))
    return (speed * t - y) / speed


def predicted_ramp_lag(beta: float, rate: float = 100.0, speed: float = 1.0) -> float:
    """Fixed point of the equations on a ramp: e = v dt (1 - a) / a, speed estimate e/dt + v."""
    dt = 1.0 / rate
    e = speed / (2.0 * math.pi)
    for _ in range(500):
        cutoff = 1.0 + beta * (e / dt + speed)
        a = lowpass_alpha(cutoff, dt)
        e = speed * dt * (1.0 - a) / a
    return e / speed


def test_ramp_lag_shrinks_as_beta_grows() -> None:
    lag0 = ramp_lag(0.0)
    # a first-order low-pass follows a ramp exactly tau = 1 / (2 pi fc) behind
    assert lag0 == pytest.approx(1.0 / (2.0 * math.pi), rel=1e-9)  # 0.159 s
    lags = [ramp_lag(beta) for beta in (0.0, 0.01, 0.1, 1.0)]
    assert lags[0] > lags[1] > lags[2] > lags[3]
    assert lags[3] < 0.2 * lags[0]  # 0.031 s at beta = 1 against 0.159 s
    for beta, lag in zip((0.0, 0.01, 0.1, 1.0), lags, strict=True):
        assert lag == pytest.approx(predicted_ramp_lag(beta), rel=1e-9)


@pytest.mark.parametrize("size", [1, 3, 5])
def test_matches_independent_reference(size: int) -> None:
    rng = np.random.default_rng(size)
    n = 3000
    times = 10.0 + np.cumsum(rng.uniform(0.0005, 0.03, n))
    walk = np.cumsum(rng.normal(0.0, 0.05, (n, size)), axis=0)
    values = walk + rng.normal(0.0, 0.01, (n, size))
    s = OneEuroSettings(min_cutoff=0.7, beta=0.4, d_cutoff=2.5)
    expected = reference_one_euro(times, values, s)
    flt = OneEuroFilter(s, size)
    live = np.array([flt(t, v) for t, v in zip(times.tolist(), values.tolist(), strict=True)])
    np.testing.assert_allclose(live, expected, rtol=0.0, atol=1e-12)
    offline = one_euro_offline(times, values, s)
    np.testing.assert_array_equal(offline, live)


def test_shared_cutoff_makes_the_filter_commute_with_rotations() -> None:
    rng = np.random.default_rng(3)
    n = 500
    times = np.cumsum(rng.uniform(0.005, 0.02, n))
    values = np.cumsum(rng.normal(0.0, 0.02, (n, 3)), axis=0)
    matrix = Rotation.from_rotvec([0.3, -1.1, 0.7]).as_matrix()
    s = OneEuroSettings(min_cutoff=1.0, beta=2.0)
    rotated_then_filtered = one_euro_offline(times, values @ matrix.T, s)
    filtered_then_rotated = one_euro_offline(times, values, s) @ matrix.T
    np.testing.assert_allclose(rotated_then_filtered, filtered_then_rotated, atol=1e-12)


def test_duplicate_and_out_of_order_times_return_previous_output() -> None:
    s = OneEuroSettings(min_cutoff=1.0, beta=1.0)
    flt = OneEuroFilter(s, 2)
    clean = OneEuroFilter(s, 2)
    for f in (flt, clean):
        f(0.0, (0.0, 0.0))
    previous = flt(0.01, (1.0, 2.0))
    clean(0.01, (1.0, 2.0))
    assert flt(0.01, (50.0, -50.0)) == previous  # duplicate time
    assert flt(0.005, (9.0, 9.0)) == previous  # older than the last sample
    assert flt(math.nan, (9.0, 9.0)) == previous  # no time at all
    assert all(math.isfinite(c) for c in previous)
    # the ignored samples leave no trace
    assert flt(0.02, (1.5, 2.5)) == clean(0.02, (1.5, 2.5))


def test_long_gap_restarts_from_the_new_sample() -> None:
    s = OneEuroSettings(min_cutoff=1.0, beta=0.5)
    flt = OneEuroFilter(s, 1, reset_after=0.5)
    for i in range(50):
        flt(i * 0.01, (float(i),))
    t_gap = 0.49 + 0.51
    assert flt(t_gap, (100.0,)) == (100.0,)  # gap 0.51 s > 0.5 s
    fresh = OneEuroFilter(s, 1, reset_after=0.5)
    fresh(t_gap, (100.0,))
    assert flt(t_gap + 0.01, (101.0,)) == fresh(t_gap + 0.01, (101.0,))
    # a gap of exactly reset_after does not restart
    out = flt(t_gap + 0.51, (0.0,))
    assert out != (0.0,)
    assert 0.0 < out[0] < 101.0


def test_reset_and_disabled_pass_through() -> None:
    flt = OneEuroFilter(OneEuroSettings(min_cutoff=1.0), 3)
    flt(0.0, (0.0, 0.0, 0.0))
    assert flt(0.01, (1.0, 1.0, 1.0)) != (1.0, 1.0, 1.0)
    flt.reset()
    assert flt(0.02, (5.0, 6.0, 7.0)) == (5.0, 6.0, 7.0)

    off = OneEuroFilter(OneEuroSettings(enabled=False), 3)
    for i in range(5):
        assert off(i * 0.01, (i, 2.0 * i, -1.0)) == (float(i), 2.0 * i, -1.0)
    assert off(0.0, (3.0, 3.0, 3.0)) == (3.0, 3.0, 3.0)  # no time rules when disabled

    # live retuning keeps the state; disabling then enabling restarts
    flt.settings = OneEuroSettings(min_cutoff=2.0)
    assert flt.settings.min_cutoff == 2.0
    assert flt(0.03, (5.0, 6.0, 8.0)) != (5.0, 6.0, 8.0)
    flt.settings = OneEuroSettings(enabled=False)
    assert flt(0.04, (9.0, 9.0, 9.0)) == (9.0, 9.0, 9.0)
    flt.settings = OneEuroSettings()
    assert flt(0.05, (1.0, 2.0, 3.0)) == (1.0, 2.0, 3.0)


def test_bad_values_raise_and_keep_the_state() -> None:
    flt = OneEuroFilter(OneEuroSettings(), 3)
    with pytest.raises(InputError, match="expected 3 finite numbers"):
        flt(0.0, (1.0, 2.0))
    with pytest.raises(InputError):
        flt(0.0, (math.inf, -math.inf, 3.0))
    first = flt(0.0, (1.0, 2.0, 3.0))
    with pytest.raises(InputError):
        flt(0.01, (1.0, math.nan, 3.0))
    with pytest.raises(InputError):
        flt(0.01, (1.0, math.inf, 3.0))
    with pytest.raises(InputError):
        flt(0.01, (1.0, 2.0, 3.0, 4.0))
    assert flt(0.0, (7.0, 7.0, 7.0)) == first  # still at t = 0 with the first output


def test_offline_shapes_and_errors() -> None:
    times = np.arange(10) * 0.01
    scalar = one_euro_offline(times, np.ones(10), OneEuroSettings())
    assert scalar.shape == (10,)
    np.testing.assert_array_equal(scalar, 1.0)
    with pytest.raises(InputError, match="10 rows"):
        one_euro_offline(times, np.ones((9, 3)), OneEuroSettings())
    with pytest.raises(InputError, match=r"times\[2\]"):
        one_euro_offline([0.0, 0.1, math.nan], np.ones(3), OneEuroSettings())
    values = np.ones((10, 2))
    values[4, 1] = math.nan
    with pytest.raises(InputError, match=r"values\[4\]"):
        one_euro_offline(times, values, OneEuroSettings())


# --------------------------------------------------------------------------- quaternions


def noisy_orientations(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.uniform(0.005, 0.02, n))
    rotvecs = np.cumsum(rng.normal(0.0, 0.03, (n, 3)), axis=0)
    quats = Rotation.from_rotvec(rotvecs).as_quat()
    return times, quats


def test_quaternion_sign_flips_change_nothing() -> None:
    times, quats = noisy_orientations(800, 11)
    flipped = quats.copy()
    flipped[1::2] *= -1.0  # q -> -q every other sample
    s = OneEuroSettings(min_cutoff=1.5, beta=0.3)
    plain = one_euro_offline_quaternion(times, quats, s)
    with_flips = one_euro_offline_quaternion(times, flipped, s)
    np.testing.assert_allclose(with_flips, plain, rtol=0.0, atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(plain, axis=1), 1.0, atol=1e-15)
    # output follows the input: never far from the raw orientation
    assert angle_between(plain, quats).max() < 0.5


def test_single_axis_rotation_equals_the_scalar_filter_on_the_angle() -> None:
    rng = np.random.default_rng(5)
    n = 2000
    times = np.cumsum(rng.uniform(0.002, 0.02, n))
    angles = np.cumsum(rng.normal(0.0, 0.02, n)) + 0.5 * np.sin(times)
    s = OneEuroSettings(min_cutoff=0.8, beta=0.6, d_cutoff=1.3)
    quats = one_euro_offline_quaternion(times, z_rotations(angles), s)
    scalar = one_euro_offline(times, angles, s)
    np.testing.assert_allclose(quats, z_rotations(scalar), rtol=0.0, atol=1e-12)


def rotation_lag(beta: float, omega: float = 1.0, rate: float = 100.0) -> float:
    """Steady-state lag in seconds while turning at omega rad/s about a tilted axis."""
    n = 3000
    times = np.arange(n) / rate
    axis = np.array([1.0, -2.0, 2.0]) / 3.0
    base = Rotation.from_euler("ZXY", [30.0, 10.0, -5.0], degrees=True)
    quats = (Rotation.from_rotvec(np.outer(omega * times, axis)) * base).as_quat()
    s = OneEuroSettings(min_cutoff=1.0, beta=beta, d_cutoff=1.0)
    out = one_euro_offline_quaternion(times, quats, s)
    return float(angle_between(out[-1], quats[-1]) / omega)


def test_constant_angular_speed_lag_shrinks_as_beta_grows() -> None:
    lag0 = rotation_lag(0.0)
    assert lag0 == pytest.approx(1.0 / (2.0 * math.pi), rel=1e-6)  # tau at 1 Hz
    lags = [rotation_lag(beta) for beta in (0.0, 0.01, 0.1, 1.0)]
    assert lags[0] > lags[1] > lags[2] > lags[3]
    # the same steady state as a scalar ramp of 1 rad/s
    for beta, lag in zip((0.0, 0.01, 0.1, 1.0), lags, strict=True):
        assert lag == pytest.approx(predicted_ramp_lag(beta), rel=1e-6)


@pytest.mark.parametrize("jump_deg", [179.0, 180.0, 181.0, 359.0])
def test_large_jump_gives_a_finite_unit_step_the_short_way(jump_deg: float) -> None:
    s = OneEuroSettings(min_cutoff=1.0, beta=0.0)
    flt = QuaternionOneEuroFilter(s)
    start = Rotation.from_euler("Z", 20.0, degrees=True)
    flt(0.0, start.as_quat())
    target = Rotation.from_euler("X", jump_deg, degrees=True) * start
    out = np.array(flt(0.01, target.as_quat()))
    assert np.all(np.isfinite(out))
    assert np.linalg.norm(out) == pytest.approx(1.0, abs=1e-15)
    short = min(jump_deg, 360.0 - jump_deg)
    a = lowpass_alpha(1.0, 0.01)
    moved = np.degrees(angle_between(out, start.as_quat()))
    remaining = np.degrees(angle_between(out, target.as_quat()))
    # slerp: exactly a fraction alpha of the (shorter) angle, on the geodesic
    assert moved == pytest.approx(a * short, abs=1e-9)
    assert remaining == pytest.approx((1.0 - a) * short, abs=1e-9)


def test_quaternion_time_rules_and_pass_through() -> None:
    s = OneEuroSettings(min_cutoff=1.0, beta=0.2)
    flt = QuaternionOneEuroFilter(s, reset_after=0.5)
    q0 = Rotation.from_euler("Z", 10.0, degrees=True).as_quat()
    q1 = Rotation.from_euler("Z", 30.0, degrees=True).as_quat()
    q2 = Rotation.from_euler("X", 90.0, degrees=True).as_quat()
    first = flt(0.0, 2.0 * q0)  # not unit: normalised
    np.testing.assert_allclose(first, q0, atol=1e-16)
    previous = flt(0.01, q1)
    assert flt(0.01, q2) == previous
    assert flt(0.001, q2) == previous
    assert flt(math.nan, q2) == previous
    assert all(math.isfinite(c) for c in previous)
    restarted = flt(0.6, q2)  # 0.59 s gap
    np.testing.assert_allclose(restarted, q2, atol=1e-16)
    flt.reset()
    np.testing.assert_allclose(flt(0.61, q1), q1, atol=1e-16)

    off = QuaternionOneEuroFilter(OneEuroSettings(enabled=False))
    assert off(0.0, (0.0, 0.0, 0.0, 2.0)) == (0.0, 0.0, 0.0, 2.0)
    assert off(0.01, tuple(q1)) == tuple(q1)

    with pytest.raises(InputError, match="non-zero length"):
        flt(1.0, (0.0, 0.0, 0.0, 0.0))
    with pytest.raises(InputError):
        flt(1.0, (0.0, math.nan, 0.0, 1.0))
    with pytest.raises(InputError):
        flt(1.0, (0.0, 0.0, 1.0))
    with pytest.raises(InputError, match=r"quaternions\[1\]"):
        one_euro_offline_quaternion([0.0, 0.1], [[0, 0, 0, 1], [0, 0, 0, 0]], s)
    with pytest.raises(InputError, match=r"\(N, 4\)"):
        one_euro_offline_quaternion([0.0, 0.1], [[0, 0, 1], [0, 0, 1]], s)


def test_still_noisy_orientation_is_smoothed() -> None:
    rate = 1000.0
    n = 20_000
    times = np.arange(n) / rate
    rng = np.random.default_rng(9)
    noise = Rotation.from_rotvec(rng.normal(0.0, 0.002, (n, 3)))
    base = Rotation.from_euler("ZXY", [40.0, -10.0, 3.0], degrees=True)
    quats = (noise * base).as_quat()
    s = OneEuroSettings(min_cutoff=10.0, beta=0.0)
    out = one_euro_offline_quaternion(times, quats, s)
    raw_err = angle_between(quats[1000:], base.as_quat())
    out_err = angle_between(out[1000:], base.as_quat())
    a = lowpass_alpha(10.0, 1.0 / rate)
    ratio = np.sqrt(np.mean(out_err**2) / np.mean(raw_err**2))
    assert ratio == pytest.approx(math.sqrt(a / (2.0 - a)), rel=0.05)
