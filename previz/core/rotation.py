"""Rotations on whole arrays at once.

Conventions used across previz:

- Rotation matrices act on column vectors (``v_world = R @ v_local``) and are stored
  with shape ``(..., 3, 3)``.
- Euler angles are *intrinsic*: axes ``"ZXY"`` mean ``R = Rz(a) @ Rx(b) @ Ry(c)``, the
  product of the listed axis rotations left to right (BVH channels, OpenTrackIO
  pan/tilt/roll).
- Quaternions are unit, scalar-last ``(x, y, z, w)`` as in scipy and ARKit.

The Euler construction is written as column updates on the running product so
that one call turns millions of angle triples into matrices without Python loops.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial.transform import Rotation

__all__ = [
    "axis_rotation",
    "euler_elements",
    "euler_to_matrix",
    "euler_to_quaternion",
    "matrix_to_euler",
    "matrix_to_quaternion",
    "quaternion_to_euler",
    "quaternion_to_matrix",
    "slerp",
]

_AXIS_INDEX = {"X": 0, "Y": 1, "Z": 2}
# Right-multiplying by a rotation about an axis mixes the other two columns:
# R @ Rx(t): c1' = c1 cos + c2 sin, c2' = c2 cos - c1 sin (and cyclically).
_MIXED_COLUMNS = {"X": (1, 2), "Y": (2, 0), "Z": (0, 1)}


def _check_axes(axes: str) -> str:
    upper = axes.upper()
    if not upper or any(axis not in _AXIS_INDEX for axis in upper):
        raise ValueError(f"rotation axes must be letters from 'XYZ', got {axes!r}")
    return upper


# Matrix elements while an Euler product is built: an array, or the exact constant
# 0.0 or 1.0, so that work on the zeros and ones of axis matrices is skipped.
_Element = NDArray[np.float64] | float


def _mix(a: _Element, c: NDArray[np.float64], b: _Element, s: NDArray[np.float64]) -> _Element:
    """Return ``a*c + b*s`` for elements that may be the constants 0.0 or 1.0."""
    terms = [
        c if a is _ONE else c * a if a is not _ZERO else None,
        s if b is _ONE else s * b if b is not _ZERO else None,
    ]
    present = [t for t in terms if t is not None]
    if not present:
        return _ZERO
    return present[0] + present[1] if len(present) == 2 else present[0]


_ZERO = 0.0
_ONE = 1.0


def euler_elements(
    cos: NDArray[np.float64], sin: NDArray[np.float64], axes: str
) -> NDArray[np.float64]:
    """Return the nine matrix elements of intrinsic Euler rotations, element-major.

    Parameters
    ----------
    cos, sin : numpy.ndarray, shape (k, ...)
        Cosines and sines of the angles, one row per axis of ``axes``.
    axes : str
        ``k`` axis letters; the rotation is the product of the axis rotations left
        to right.

    Returns
    -------
    numpy.ndarray, shape (9, ...)
        Row-major matrix elements ``m00, m01, m02, m10, …``.
    """
    axes = _check_axes(axes)
    # Start from the identity and right-multiply by each axis rotation, which
    # only mixes two columns: R @ Rx(t) sets c1 = c1 cos + c2 sin, c2 = c2 cos - c1 sin.
    element: list[_Element] = [_ONE, _ZERO, _ZERO, _ZERO, _ONE, _ZERO, _ZERO, _ZERO, _ONE]
    for k, axis in enumerate(axes):
        first, second = _MIXED_COLUMNS[axis]
        c, s = cos[k], sin[k]
        minus_s = -s
        for row in range(3):
            a = element[3 * row + first]
            b = element[3 * row + second]
            element[3 * row + first] = _mix(a, c, b, s)
            element[3 * row + second] = _mix(b, c, a, minus_s)
    out = np.empty((9, *cos.shape[1:]))
    for index, value in enumerate(element):
        out[index] = value
    return out


def euler_to_matrix(angles: ArrayLike, axes: str, *, degrees: bool = True) -> NDArray[np.float64]:
    """Return rotation matrices for intrinsic Euler angles about any axis sequence.

    Parameters
    ----------
    angles : array_like, shape (..., k)
        One angle per axis in ``axes``, in the same order.
    axes : str
        ``k`` axis letters, e.g. ``"ZYX"``, ``"ZXY"``, ``"Y"`` or ``"ZXZ"``; the
        matrix is the product of the axis rotations taken left to right.
    degrees : bool, keyword-only
        Angles are in degrees (default) or radians.

    Returns
    -------
    numpy.ndarray, shape (..., 3, 3)
        The rotation matrices.
    """
    axes = _check_axes(axes)
    values = np.asarray(angles, dtype=np.float64)
    if values.shape[-1:] != (len(axes),):
        raise ValueError(
            f"angles have shape {values.shape}; expected a last axis of {len(axes)} for {axes!r}"
        )
    radians = np.moveaxis(values, -1, 0)
    if degrees:
        radians = np.deg2rad(radians)
    elements = euler_elements(np.cos(radians), np.sin(radians), axes)
    return np.moveaxis(elements, 0, -1).reshape(*values.shape[:-1], 3, 3)


def axis_rotation(axis: str, angle: float, *, degrees: bool = True) -> NDArray[np.float64]:
    """Return the 3×3 matrix of one rotation about ``"X"``, ``"Y"`` or ``"Z"``.

    Parameters
    ----------
    axis : str
        The axis letter.
    angle : float
        The angle, counter-clockwise looking down the axis towards the origin.
    degrees : bool, keyword-only
        ``angle`` is in degrees (default) or radians.

    Returns
    -------
    numpy.ndarray, shape (3, 3)
    """
    return euler_to_matrix([angle], axis, degrees=degrees)


def matrix_to_euler(
    matrices: ArrayLike, axes: str, *, degrees: bool = True
) -> NDArray[np.float64]:
    """Return intrinsic Euler angles for rotation matrices (inverse of :func:`euler_to_matrix`).

    Parameters
    ----------
    matrices : array_like, shape (..., 3, 3)
        Rotation matrices.
    axes : str
        Three axis letters, adjacent ones different (``"ZYX"``, ``"ZXZ"``, …).
    degrees : bool, keyword-only
        Return degrees (default) or radians.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
    """
    values = np.asarray(matrices, dtype=np.float64)
    flat = values.reshape(-1, 3, 3)
    if flat.shape[0] == 0:
        return np.zeros((*values.shape[:-2], 3))
    return _as_euler(Rotation.from_matrix(flat), axes, degrees).reshape(*values.shape[:-2], 3)


def _as_euler(rotation: Rotation, axes: str, degrees: bool) -> NDArray[np.float64]:
    # scipy warns about gimbal lock and still returns a valid decomposition.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return rotation.as_euler(_check_axes(axes), degrees=degrees)


def euler_to_quaternion(
    angles: ArrayLike, axes: str, *, degrees: bool = True
) -> NDArray[np.float64]:
    """Return unit quaternions ``(x, y, z, w)`` for intrinsic Euler angles.

    Parameters
    ----------
    angles : array_like, shape (..., 3)
        One angle per axis.
    axes : str
        Three axis letters, adjacent ones different.
    degrees : bool, keyword-only
        Angles in degrees (default) or radians.

    Returns
    -------
    numpy.ndarray, shape (..., 4)
    """
    values = np.asarray(angles, dtype=np.float64)
    flat = values.reshape(-1, 3)
    if flat.shape[0] == 0:
        return np.zeros((*values.shape[:-1], 4))
    quat = Rotation.from_euler(_check_axes(axes), flat, degrees=degrees).as_quat()
    return quat.reshape(*values.shape[:-1], 4)


def quaternion_to_euler(
    quaternions: ArrayLike, axes: str, *, degrees: bool = True
) -> NDArray[np.float64]:
    """Return intrinsic Euler angles for quaternions ``(x, y, z, w)``.

    Parameters
    ----------
    quaternions : array_like, shape (..., 4)
    axes : str
        Three axis letters, adjacent ones different.
    degrees : bool, keyword-only
        Return degrees (default) or radians.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
    """
    values = np.asarray(quaternions, dtype=np.float64)
    flat = values.reshape(-1, 4)
    if flat.shape[0] == 0:
        return np.zeros((*values.shape[:-1], 3))
    return _as_euler(Rotation.from_quat(flat), axes, degrees).reshape(*values.shape[:-1], 3)


def matrix_to_quaternion(matrices: ArrayLike) -> NDArray[np.float64]:
    """Return unit quaternions ``(x, y, z, w)`` for rotation matrices.

    Parameters
    ----------
    matrices : array_like, shape (..., 3, 3)

    Returns
    -------
    numpy.ndarray, shape (..., 4)
    """
    values = np.asarray(matrices, dtype=np.float64)
    flat = values.reshape(-1, 3, 3)
    if flat.shape[0] == 0:
        return np.zeros((*values.shape[:-2], 4))
    return Rotation.from_matrix(flat).as_quat().reshape(*values.shape[:-2], 4)


def quaternion_to_matrix(quaternions: ArrayLike) -> NDArray[np.float64]:
    """Return rotation matrices for quaternions ``(x, y, z, w)`` (normalised first).

    Parameters
    ----------
    quaternions : array_like, shape (..., 4)

    Returns
    -------
    numpy.ndarray, shape (..., 3, 3)
    """
    values = np.asarray(quaternions, dtype=np.float64)
    flat = values.reshape(-1, 4)
    if flat.shape[0] == 0:
        return np.zeros((*values.shape[:-1], 3, 3))
    return Rotation.from_quat(flat).as_matrix().reshape(*values.shape[:-1], 3, 3)


def slerp(q0: ArrayLike, q1: ArrayLike, weight: ArrayLike) -> NDArray[np.float64]:
    """Spherical linear interpolation between unit quaternions, element by element.

    Takes the shorter arc (``q1`` is negated where ``q0 · q1 < 0``) and falls back
    to normalised linear interpolation for nearly equal rotations.

    Parameters
    ----------
    q0, q1 : array_like, shape (..., 4)
        Unit quaternions ``(x, y, z, w)``; broadcast against each other.
    weight : array_like, shape (...)
        0 gives ``q0``, 1 gives ``q1``.

    Returns
    -------
    numpy.ndarray, shape (..., 4)
        Unit quaternions.
    """
    a = np.asarray(q0, dtype=np.float64)
    b = np.asarray(q1, dtype=np.float64)
    t = np.asarray(weight, dtype=np.float64)[..., None]
    dot = np.sum(a * b, axis=-1, keepdims=True)
    b = np.where(dot < 0.0, -b, b)
    dot = np.abs(dot)
    theta = np.arccos(np.clip(dot, -1.0, 1.0))
    sin_theta = np.sin(theta)
    close = sin_theta < 1e-9
    safe = np.where(close, 1.0, sin_theta)
    wa = np.where(close, 1.0 - t, np.sin((1.0 - t) * theta) / safe)
    wb = np.where(close, t, np.sin(t * theta) / safe)
    out = wa * a + wb * b
    return out / np.linalg.norm(out, axis=-1, keepdims=True)
