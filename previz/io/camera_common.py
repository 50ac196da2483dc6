"""What the camera-path formats share: camera axes, names, frames, infinite focus.

Most DCC formats (USD, Maya, Nuke, glTF, VTK) put a camera's view along its
local −Z with +Y up, where previz looks along +Y with +Z up;
:data:`MINUS_Z_CAMERA` takes such a camera's axes to previz's, so a world
rotation converts as ``world_from_theirs = world_from_ours @ MINUS_Z_CAMERA``.
"""

from __future__ import annotations

import math
import os
import re
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.rotation import matrix_to_quaternion
from previz.errors import InputError

__all__ = ["INFINITE_FOCUS_M", "MINUS_Z_CAMERA", "identifier", "on_frames", "path_on_frames"]

#: Takes the axes of a −Z-looking, +Y-up camera (x right, y up, looking down −z)
#: to previz camera axes (x right, y forward, z up).
MINUS_Z_CAMERA: NDArray[np.float64] = np.array(
    [[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]]
)

#: Focus distance written for a lens focused at infinity (metres) by formats
#: that have no infinity; read back as infinity at or beyond it.
INFINITE_FOCUS_M = 1.0e6


def identifier(name: str, default: str = "camera") -> str:
    """A node or prim name: letters, digits and underscores, not starting with a digit."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name.strip())
    if not cleaned:
        return default
    return f"_{cleaned}" if cleaned[0].isdigit() else cleaned


def on_frames(
    path: CameraPath, rate: Any, target: str | os.PathLike[str]
) -> tuple[CameraPath, NDArray[np.int64], Fraction]:
    """The path with one sample per frame (at ``rate`` if given) for a frame-based file.

    Returns
    -------
    tuple
        The framed path, its frame numbers and its rate.

    Raises
    ------
    InputError
        Naming ``target`` when the path has no rate and none is given.
    """
    try:
        framed = path.on_frames(rate)
    except ValueError as error:
        raise InputError(f"{os.fspath(target)}: {error}") from None
    assert framed.frames is not None
    assert framed.rate is not None
    return framed, framed.frames, framed.rate


def path_on_frames(
    where: str,
    frames: NDArray[np.float64],
    rate: Fraction,
    positions: NDArray[np.float64],
    rotations: NDArray[np.float64],
    *,
    focal_mm: NDArray[np.float64],
    focus_m: NDArray[np.float64],
    f_stop: NDArray[np.float64],
    name: str,
    camera: CameraInfo,
) -> CameraPath:
    """Build a path read from a frame-based file (keyed frames, stage space).

    The path has ``rate`` when the frames are consecutive whole numbers. A value
    the path refuses (not finite, out of order) becomes an :class:`InputError`
    naming ``where``.
    """
    consecutive = bool(np.all(frames == np.round(frames)) and np.all(np.diff(frames) == 1))
    try:
        return CameraPath(
            times=(frames - frames[0]) / float(rate),
            positions=positions,
            orientations=matrix_to_quaternion(rotations),
            focal_mm=focal_mm,
            focus_m=focus_m,
            f_stop=f_stop,
            rate=rate if consecutive else None,
            start_frame=round(float(frames[0])),
            interpolation="linear",
            name=name,
            camera=camera,
        )
    except ValueError as error:
        raise InputError(f"{where}: {error}") from None


def check_positive_numbers(target: str, settings: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Coerce ``settings[key]`` to positive finite floats and check near < far clipping.

    Parameters
    ----------
    target : str
        The file being written, for the error message.
    settings : dict
        Writer options, updated in place.
    keys : tuple of str
        The option names that must be positive numbers.

    Raises
    ------
    InputError
        Naming the option and the value it got.
    """
    for key in keys:
        try:
            value = float(settings[key])
        except (TypeError, ValueError):
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"{target}: {key} must be a positive number, got {settings[key]!r}")
        settings[key] = value
    if settings["near_clip_m"] >= settings["far_clip_m"]:
        raise InputError(
            f"{target}: near_clip_m ({settings['near_clip_m']:g}) must be less than "
            f"far_clip_m ({settings['far_clip_m']:g})"
        )
