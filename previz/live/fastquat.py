"""Per-sample rotation math in plain Python floats.

The live path handles one sample at a time, tens of thousands per second;
numpy's per-call overhead (a few microseconds) would dominate there, so these
few functions work on tuples. :mod:`previz.core.rotation` is the vectorised
twin for arrays; the tests check one against the other.

Quaternions are ``(x, y, z, w)``; matrices are row-major 3×3 tuples of tuples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "Matrix",
    "Quat",
    "euler_to_quat",
    "heading_quat",
    "matrix_to_quat",
    "pan_tilt_roll_from_quat",
    "quat_mul",
    "quat_to_matrix",
    "remap_rotation",
]

Quat = tuple[float, float, float, float]
Matrix = tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]
# Below this cos(tilt) the camera looks straight up or down: pan and roll share an axis.
_GIMBAL = 1e-9


def quat_to_matrix(q: Quat) -> Matrix:
    """Return the rotation matrix of a quaternion (normalised first)."""
    x, y, z, w = q
    n = x * x + y * y + z * z + w * w
    s = 2.0 / n
    xx, yy, zz = x * x * s, y * y * s, z * z * s
    xy, xz, yz = x * y * s, x * z * s, y * z * s
    wx, wy, wz = w * x * s, w * y * s, w * z * s
    return (
        (1.0 - yy - zz, xy - wz, xz + wy),
        (xy + wz, 1.0 - xx - zz, yz - wx),
        (xz - wy, yz + wx, 1.0 - xx - yy),
    )


def matrix_to_quat(m: Matrix) -> Quat:
    """Return the unit quaternion of a rotation matrix (w ≥ 0)."""
    (m00, m01, m02), (m10, m11, m12), (m20, m21, m22) = m
    trace = m00 + m11 + m22
    if trace > 0.0:
        s = 0.5 / math.sqrt(trace + 1.0)
        q = ((m21 - m12) * s, (m02 - m20) * s, (m10 - m01) * s, 0.25 / s)
    elif m00 > m11 and m00 > m22:
        s = 2.0 * math.sqrt(1.0 + m00 - m11 - m22)
        q = (0.25 * s, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s)
    elif m11 > m22:
        s = 2.0 * math.sqrt(1.0 + m11 - m00 - m22)
        q = ((m01 + m10) / s, 0.25 * s, (m12 + m21) / s, (m02 - m20) / s)
    else:
        s = 2.0 * math.sqrt(1.0 + m22 - m00 - m11)
        q = ((m02 + m20) / s, (m12 + m21) / s, 0.25 * s, (m10 - m01) / s)
    x, y, z, w = q
    norm = math.sqrt(x * x + y * y + z * z + w * w)
    if w < 0.0:
        norm = -norm
    return (x / norm, y / norm, z / norm, w / norm)


def quat_mul(a: Quat, b: Quat) -> Quat:
    """Return the Hamilton product ``a ⊗ b`` (apply b, then a)."""
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return (
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    )


_UNIT_AXES = {"X": (1.0, 0.0, 0.0), "Y": (0.0, 1.0, 0.0), "Z": (0.0, 0.0, 1.0)}


def euler_to_quat(angles: tuple[float, float, float], order: str, *, degrees: bool = True) -> Quat:
    """Return the quaternion of intrinsic Euler angles (``order`` like ``"ZXY"``).

    ``angles[i]`` turns about axis ``order[i]``; intrinsic means each turn is
    about the axis as already turned, so the product is ``q0 ⊗ q1 ⊗ q2``.
    """
    result: Quat = (0.0, 0.0, 0.0, 1.0)
    for axis, angle in zip(order.upper(), angles, strict=True):
        half = 0.5 * (math.radians(angle) if degrees else angle)
        s = math.sin(half)
        ux, uy, uz = _UNIT_AXES[axis]
        result = quat_mul(result, (ux * s, uy * s, uz * s, math.cos(half)))
    return result


def heading_quat(degrees: float) -> Quat:
    """Return the quaternion turning ``degrees`` about stage Z (counter-clockwise from above)."""
    half = 0.5 * math.radians(degrees)
    return (0.0, 0.0, math.sin(half), math.cos(half))


def remap_rotation(
    q: Quat,
    stage: tuple[tuple[int, float], ...],
    camera: tuple[tuple[int, float], ...],
) -> Quat:
    """Return ``A · R(q) · Bᵀ`` as a quaternion for signed-permutation axis maps.

    Parameters
    ----------
    q : Quat
        Device camera → device world rotation.
    stage, camera : tuple of (index, sign)
        Row i of A (device world → stage) and B (device camera → previz camera)
        as the device axis index and sign previz axis i takes.
    """
    r = quat_to_matrix(q)
    rows = []
    for ai, asign in stage:
        row = r[ai]
        rows.append(tuple(asign * bsign * row[bi] for bi, bsign in camera))
    return matrix_to_quat((rows[0], rows[1], rows[2]))  # type: ignore[arg-type]


def pan_tilt_roll_from_quat(q: Sequence[float]) -> tuple[float, float, float]:
    """Return pan, tilt, roll in degrees for a camera→stage quaternion.

    Pan and roll lie in (−180, 180], tilt in [−90, 90]. Looking straight up or
    down (tilt ±90°) pan and roll turn about the same axis; roll is then 0.
    """
    (m00, m01, _), (m10, m11, _), (m20, m21, m22) = quat_to_matrix(tuple(q))  # type: ignore[arg-type]
    # R = Rz(pan) Rx(tilt) Ry(roll): column 1 (forward) is (−sp·ct, cp·ct, st),
    # row 2 is (−ct·sr, st, ct·cr).
    cos_tilt = math.hypot(m01, m11)
    tilt = math.degrees(math.atan2(m21, cos_tilt))
    if cos_tilt > _GIMBAL:
        pan = math.degrees(math.atan2(-m01, m11))
        roll = math.degrees(math.atan2(-m20, m22))
    else:
        pan = math.degrees(math.atan2(m10, m00))
        roll = 0.0
    return pan + 0.0, tilt + 0.0, roll + 0.0
