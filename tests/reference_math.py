"""Reference math for tests, written out by hand and independent of previz.

Column vectors throughout; angles in degrees.
"""

from __future__ import annotations

import math

import numpy as np

# A camera that looks down its local -Z with +Y up (USD, Maya, Nuke): its axes in
# previz camera axes (x right, y forward, z up).
MINUS_Z_CAMERA = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
# The Z-up stage to a Y-up world: (x, y, z) -> (x, z, -y).
STAGE_TO_Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])


def rx(deg: float) -> np.ndarray:
    """Rotation about X: y turns towards z."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def ry(deg: float) -> np.ndarray:
    """Rotation about Y: z turns towards x."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rz(deg: float) -> np.ndarray:
    """Rotation about Z: x turns towards y."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rot(axis: str, deg: float) -> np.ndarray:
    """Rotation about ``"x"``, ``"y"`` or ``"z"``."""
    return {"x": rx, "y": ry, "z": rz}[axis.lower()](deg)


def pan_tilt_roll_matrix(pan: float, tilt: float, roll: float) -> np.ndarray:
    """Camera→stage rotation: intrinsic Z-X-Y (pan, then tilt, then roll)."""
    return rz(pan) @ rx(tilt) @ ry(roll)
