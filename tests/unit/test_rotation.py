"""Rotation helpers checked against hand-written matrices and quaternions."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from previz.core.rotation import (
    axis_rotation,
    euler_to_matrix,
    euler_to_quaternion,
    matrix_to_euler,
    matrix_to_quaternion,
    quaternion_to_euler,
    quaternion_to_matrix,
    slerp,
)
from reference_math import rx, ry, rz

TAIT_BRYAN = ["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"]
PROPER = ["ZXZ", "XYX", "YZY", "ZYZ"]


# ------------------------------------------------------------------ reference code






AXIS_MATRIX = {"X": rx, "Y": ry, "Z": rz}
AXIS_VECTOR = {"X": (1.0, 0.0, 0.0), "Y": (0.0, 1.0, 0.0), "Z": (0.0, 0.0, 1.0)}


def ref_matrix(angles, axes: str) -> np.ndarray:
    """Intrinsic Euler: product of the axis rotations left to right."""
    out = np.eye(3)
    for angle, axis in zip(angles, axes, strict=True):
        out = out @ AXIS_MATRIX[axis](angle)
    return out


def quat_axis_angle(axis, deg: float) -> np.ndarray:
    """Scalar-last unit quaternion of a rotation by ``deg`` about ``axis``."""
    v = np.asarray(axis, dtype=float)
    v = v / np.linalg.norm(v)
    half = math.radians(deg) / 2.0
    return np.array([*(v * math.sin(half)), math.cos(half)])


def quat_mul(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Hamilton product of scalar-last quaternions."""
    pv, pw = p[:3], p[3]
    qv, qw = q[:3], q[3]
    return np.array([*(pw * qv + qw * pv + np.cross(pv, qv)), pw * qw - pv @ qv])


def ref_quat(angles, axes: str) -> np.ndarray:
    out = np.array([0.0, 0.0, 0.0, 1.0])
    for angle, axis in zip(angles, axes, strict=True):
        out = quat_mul(out, quat_axis_angle(AXIS_VECTOR[axis], angle))
    return out


def quat_to_matrix_ref(q: np.ndarray) -> np.ndarray:
    x, y, z, w = q / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def same_rotation_quat(a: np.ndarray, b: np.ndarray, tol: float = 1e-12) -> bool:
    return bool(np.allclose(a, b, atol=tol) or np.allclose(a, -b, atol=tol))


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


# ------------------------------------------------------------------ hand-written axes
def test_rz_90_written_out():
    expected = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    m = euler_to_matrix([90.0], "Z")
    np.testing.assert_allclose(m, expected, atol=1e-15)
    np.testing.assert_allclose(m @ [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], atol=1e-15)  # x -> y


def test_rx_90_written_out():
    expected = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    m = euler_to_matrix([90.0], "X")
    np.testing.assert_allclose(m, expected, atol=1e-15)
    np.testing.assert_allclose(m @ [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], atol=1e-15)  # y -> z


def test_ry_90_written_out():
    expected = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]])
    m = euler_to_matrix([90.0], "Y")
    np.testing.assert_allclose(m, expected, atol=1e-15)
    np.testing.assert_allclose(m @ [0.0, 0.0, 1.0], [1.0, 0.0, 0.0], atol=1e-15)  # z -> x


@pytest.mark.parametrize("axis", ["X", "Y", "Z", "x", "z"])
@pytest.mark.parametrize("angle", [-135.0, -30.0, 0.0, 45.0, 200.0])
def test_axis_rotation_matches_reference(axis, angle):
    m = axis_rotation(axis, angle)
    assert m.shape == (3, 3)
    np.testing.assert_allclose(m, AXIS_MATRIX[axis.upper()](angle), atol=1e-14)


def test_axis_rotation_radians():
    np.testing.assert_allclose(axis_rotation("Z", math.pi / 2, degrees=False), rz(90.0), atol=1e-15)


def test_intrinsic_order_zxy_is_rz_rx_ry():
    # ZXY (10, 20, 30) must be Rz(10) @ Rx(20) @ Ry(30), not the reverse product.
    m = euler_to_matrix([10.0, 20.0, 30.0], "ZXY")
    np.testing.assert_allclose(m, rz(10) @ rx(20) @ ry(30), atol=1e-14)
    assert not np.allclose(m, ry(30) @ rx(20) @ rz(10), atol=1e-3)


# ------------------------------------------------------------- Euler -> matrix
@pytest.mark.parametrize("axes", TAIT_BRYAN + PROPER)
def test_euler_to_matrix_matches_reference_product(axes, rng):
    angles = rng.uniform(-180.0, 180.0, size=(5, 4, 3))
    m = euler_to_matrix(angles, axes)
    assert m.shape == (5, 4, 3, 3)
    for index in np.ndindex(5, 4):
        np.testing.assert_allclose(m[index], ref_matrix(angles[index], axes), atol=1e-13)


@pytest.mark.parametrize("axes", ["X", "Y", "Z", "XY", "ZX", "YY", "ZZX", "XYZX"])
def test_euler_to_matrix_short_and_long_sequences(axes, rng):
    angles = rng.uniform(-180.0, 180.0, size=(7, len(axes)))
    m = euler_to_matrix(angles, axes)
    assert m.shape == (7, 3, 3)
    for i in range(7):
        np.testing.assert_allclose(m[i], ref_matrix(angles[i], axes), atol=1e-13)


def test_euler_to_matrix_lowercase_axes_and_single_triple():
    m = euler_to_matrix([30.0, -40.0, 50.0], "zyx")
    assert m.shape == (3, 3)
    np.testing.assert_allclose(m, rz(30) @ ry(-40) @ rx(50), atol=1e-14)


def test_euler_to_matrix_radians_flag(rng):
    degrees = rng.uniform(-180.0, 180.0, size=(6, 3))
    m = euler_to_matrix(np.radians(degrees), "YXZ", degrees=False)
    for i in range(6):
        np.testing.assert_allclose(m[i], ref_matrix(degrees[i], "YXZ"), atol=1e-13)


def test_euler_to_matrix_results_are_rotations(rng):
    m = euler_to_matrix(rng.uniform(-360.0, 360.0, size=(50, 3)), "ZXZ")
    eye = np.broadcast_to(np.eye(3), m.shape)
    np.testing.assert_allclose(m @ np.swapaxes(m, -1, -2), eye, atol=1e-13)
    np.testing.assert_allclose(np.linalg.det(m), 1.0, atol=1e-13)


def test_euler_to_matrix_empty_batch():
    assert euler_to_matrix(np.zeros((0, 3)), "XYZ").shape == (0, 3, 3)


@pytest.mark.parametrize("axes", ["", "XQZ", "ABC", "X1Z", "W"])
def test_euler_to_matrix_rejects_bad_axes(axes):
    with pytest.raises(ValueError, match="rotation axes"):
        euler_to_matrix(np.zeros(max(len(axes), 1)), axes)


@pytest.mark.parametrize(("shape", "axes"), [((3,), "XY"), ((4, 2), "XYZ"), ((2,), "Z"), ((), "Z")])
def test_euler_to_matrix_rejects_wrong_last_dimension(shape, axes):
    with pytest.raises(ValueError, match="last axis"):
        euler_to_matrix(np.zeros(shape), axes)


# ------------------------------------------------------------- matrix -> Euler
@pytest.mark.parametrize("axes", TAIT_BRYAN + PROPER)
def test_matrix_to_euler_inverts_euler_to_matrix(axes, rng):
    angles = rng.uniform(-180.0, 180.0, size=(4, 5, 3))
    matrices = np.array([[ref_matrix(a, axes) for a in row] for row in angles])
    recovered = matrix_to_euler(matrices, axes)
    assert recovered.shape == (4, 5, 3)
    for index in np.ndindex(4, 5):
        np.testing.assert_allclose(ref_matrix(recovered[index], axes), matrices[index], atol=1e-12)


@pytest.mark.parametrize("axes", TAIT_BRYAN)
def test_matrix_to_euler_gimbal_lock_still_valid(axes):
    angles = [25.0, 90.0, -40.0]
    m = ref_matrix(angles, axes)
    recovered = matrix_to_euler(m, axes)
    assert recovered.shape == (3,)
    np.testing.assert_allclose(ref_matrix(recovered, axes), m, atol=1e-9)


def test_matrix_to_euler_radians_and_empty():
    m = rz(30) @ ry(20) @ rx(10)
    np.testing.assert_allclose(
        matrix_to_euler(m, "ZYX", degrees=False), np.radians([30.0, 20.0, 10.0]), atol=1e-12
    )
    assert matrix_to_euler(np.zeros((0, 3, 3)), "ZYX").shape == (0, 3)


# ------------------------------------------------------------------- quaternions
def test_quaternion_of_90_about_z_is_scalar_last():
    q = euler_to_quaternion([90.0, 0.0, 0.0], "ZYX")
    h = math.sqrt(0.5)
    assert same_rotation_quat(q, np.array([0.0, 0.0, h, h]))


@pytest.mark.parametrize("axes", [*TAIT_BRYAN, "ZXZ"])
def test_euler_to_quaternion_matches_axis_angle_products(axes, rng):
    angles = rng.uniform(-180.0, 180.0, size=(3, 4, 3))
    q = euler_to_quaternion(angles, axes)
    assert q.shape == (3, 4, 4)
    for index in np.ndindex(3, 4):
        assert same_rotation_quat(q[index], ref_quat(angles[index], axes))
        np.testing.assert_allclose(
            quat_to_matrix_ref(q[index]), ref_matrix(angles[index], axes), atol=1e-12
        )


@pytest.mark.parametrize("axes", [*TAIT_BRYAN, "ZXZ"])
def test_quaternion_to_euler_round_trip(axes, rng):
    angles = rng.uniform(-180.0, 180.0, size=(20, 3))
    quats = np.array([ref_quat(a, axes) for a in angles])
    back = quaternion_to_euler(quats, axes)
    for i in range(20):
        np.testing.assert_allclose(
            ref_matrix(back[i], axes), ref_matrix(angles[i], axes), atol=1e-12
        )


def test_matrix_quaternion_round_trip(rng):
    axes_list = rng.normal(size=(30, 3))
    degs = rng.uniform(-179.0, 179.0, size=30)
    quats = np.array([quat_axis_angle(a, d) for a, d in zip(axes_list, degs, strict=True)])
    matrices = quaternion_to_matrix(quats)
    assert matrices.shape == (30, 3, 3)
    for i in range(30):
        np.testing.assert_allclose(matrices[i], quat_to_matrix_ref(quats[i]), atol=1e-13)
    back = matrix_to_quaternion(matrices.reshape(5, 6, 3, 3))
    assert back.shape == (5, 6, 4)
    for i, q in enumerate(back.reshape(30, 4)):
        assert same_rotation_quat(q, quats[i])


def test_quaternion_to_matrix_normalises_input():
    q = 3.0 * quat_axis_angle((0.0, 1.0, 0.0), 90.0)
    np.testing.assert_allclose(quaternion_to_matrix(q), ry(90.0), atol=1e-13)


def test_quaternion_helpers_empty_batches():
    assert euler_to_quaternion(np.zeros((0, 3)), "XYZ").shape == (0, 4)
    assert quaternion_to_euler(np.zeros((0, 4)), "XYZ").shape == (0, 3)
    assert matrix_to_quaternion(np.zeros((0, 3, 3))).shape == (0, 4)
    assert quaternion_to_matrix(np.zeros((0, 4))).shape == (0, 3, 3)


# -------------------------------------------------------------------------- slerp
def angle_of(q: np.ndarray) -> float:
    """Rotation angle of a unit quaternion, degrees in [0, 180]."""
    return math.degrees(2.0 * math.acos(min(1.0, abs(float(q[3])))))


def test_slerp_endpoints():
    q0 = quat_axis_angle((1.0, 2.0, 3.0), 40.0)
    q1 = quat_axis_angle((-1.0, 0.5, 0.0), 120.0)
    np.testing.assert_allclose(slerp(q0, q1, 0.0), q0, atol=1e-15)
    np.testing.assert_allclose(slerp(q0, q1, 1.0), q1, atol=1e-15)


def test_slerp_midpoint_of_0_and_90_about_z_is_45():
    q0 = np.array([0.0, 0.0, 0.0, 1.0])
    q1 = quat_axis_angle((0.0, 0.0, 1.0), 90.0)
    mid = slerp(q0, q1, 0.5)
    np.testing.assert_allclose(
        mid, [0.0, 0.0, math.sin(math.radians(22.5)), math.cos(math.radians(22.5))], atol=1e-15
    )
    np.testing.assert_allclose(quat_to_matrix_ref(mid), rz(45.0), atol=1e-15)


@pytest.mark.parametrize("t", [0.1, 0.25, 0.6, 0.9])
def test_slerp_is_constant_speed_about_one_axis(t):
    axis = (0.3, -0.4, 0.5)
    q0 = quat_axis_angle(axis, -30.0)
    q1 = quat_axis_angle(axis, 110.0)
    np.testing.assert_allclose(
        slerp(q0, q1, t), quat_axis_angle(axis, -30.0 + 140.0 * t), atol=1e-14
    )


def test_slerp_takes_the_shorter_path_when_q1_is_negated():
    q0 = np.array([0.0, 0.0, 0.0, 1.0])
    q1 = -quat_axis_angle((0.0, 0.0, 1.0), 90.0)  # same rotation, opposite hemisphere
    mid = slerp(q0, q1, 0.5)
    np.testing.assert_allclose(quat_to_matrix_ref(mid), rz(45.0), atol=1e-14)
    assert angle_of(mid) == pytest.approx(45.0, abs=1e-9)


def test_slerp_shorter_arc_across_180():
    q0 = quat_axis_angle((0.0, 0.0, 1.0), 170.0)
    q1 = quat_axis_angle((0.0, 0.0, 1.0), -170.0)  # 20 degrees away the short way
    mid = slerp(q0, q1, 0.5)
    np.testing.assert_allclose(quat_to_matrix_ref(mid), rz(180.0), atol=1e-14)


@pytest.mark.parametrize("delta", [0.0, 1e-17, 1e-12, 1e-9, 1e-7])
def test_slerp_nearly_identical_quaternions_give_no_nan(delta):
    q0 = quat_axis_angle((1.0, 1.0, 0.0), 33.0)
    q1 = q0 + np.array([delta, -delta, delta, 0.0])
    q1 = q1 / np.linalg.norm(q1)
    for t in (0.0, 0.3, 0.5, 1.0):
        out = slerp(q0, q1, t)
        assert np.all(np.isfinite(out))
        assert np.linalg.norm(out) == pytest.approx(1.0, abs=1e-15)
        np.testing.assert_allclose(out, q0, atol=2e-7)
    # Exactly opposite quaternions are the same rotation: no NaN either.
    assert np.all(np.isfinite(slerp(q0, -q0, 0.5)))
    assert same_rotation_quat(slerp(q0, -q0, 0.5), q0)


def test_slerp_batched_and_unit_norm(rng):
    a = rng.normal(size=(6, 5, 4))
    b = rng.normal(size=(6, 5, 4))
    a /= np.linalg.norm(a, axis=-1, keepdims=True)
    b /= np.linalg.norm(b, axis=-1, keepdims=True)
    w = rng.uniform(0.0, 1.0, size=(6, 5))
    out = slerp(a, b, w)
    assert out.shape == (6, 5, 4)
    np.testing.assert_allclose(np.linalg.norm(out, axis=-1), 1.0, atol=1e-14)
    # Reference: the rotation from a to b (shorter arc) scaled by w, applied after a.
    for index in np.ndindex(6, 5):
        qa, qb = a[index], b[index]
        if qa @ qb < 0:
            qb = -qb
        rel = quat_mul(np.array([-qa[0], -qa[1], -qa[2], qa[3]]), qb)
        angle = 2.0 * math.acos(min(1.0, rel[3]))
        axis = rel[:3] / np.linalg.norm(rel[:3])
        step = np.array([*(axis * math.sin(w[index] * angle / 2)), math.cos(w[index] * angle / 2)])
        assert same_rotation_quat(out[index], quat_mul(qa, step), tol=1e-12)


def test_slerp_broadcasts_one_pair_over_weights():
    q0 = np.array([0.0, 0.0, 0.0, 1.0])
    q1 = quat_axis_angle((1.0, 0.0, 0.0), 80.0)
    weights = np.linspace(0.0, 1.0, 9)
    out = slerp(q0, q1, weights)
    assert out.shape == (9, 4)
    for w, q in zip(weights, out, strict=True):
        np.testing.assert_allclose(quat_to_matrix_ref(q), rx(80.0 * w), atol=1e-14)


def test_all_orders_are_distinct():
    # Sanity for the reference: the six orders give different matrices for generic angles.
    angles = (20.0, 35.0, 50.0)
    matrices = [ref_matrix(angles, axes) for axes in TAIT_BRYAN]
    for a, b in itertools.combinations(matrices, 2):
        assert not np.allclose(a, b, atol=1e-3)
