"""Camera paths as Nuke channel files (``.chan``) with a JSON sidecar.

A ``.chan`` file has one line per frame, inclusive of both ends:
``frame tx ty tz rx ry rz vfov``, in Nuke's Y-up world (1 unit = 1 metre),
rotations in degrees and ``vfov`` the vertical angle of view in degrees. The
rotation order is not in the file; Nuke's cameras default to ``ZXY`` (Z applied
first, then X, then Y: R = Ry · Rx · Rz), which previz writes. Nuke's camera
looks down its local −Z with +Y up.

The sidecar ``<file>.chan.json`` records what the file cannot: the rotation
order, the rate, the frame range, the film back and the apertures the ``vfov``
was computed from (so the focal length can be recovered), plus the lens focus
and f-stop per frame.
"""

from __future__ import annotations

import json
import math
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack, SensorFit
from previz.core.rotation import euler_to_matrix, matrix_to_euler
from previz.core.stage import Y_UP_TO_STAGE
from previz.errors import FormatError, InputError
from previz.io.camera_common import MINUS_Z_CAMERA, on_frames, path_on_frames
from previz.io.files import atomic_output, open_input

__all__ = ["read_chan", "sidecar_path", "write_chan"]
_STAGE_TO_Y_UP = Y_UP_TO_STAGE.T
# Nuke's "ZXY" applies Z first: R = Ry Rx Rz, i.e. intrinsic Y, X, Z.
_NUKE_ZXY = "YXZ"
_SIDECAR_FORMAT = "previz.chan/1"
_BLOCK = 8192


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """The sidecar of a ``.chan`` file: ``shot.chan`` → ``shot.chan.json``."""
    return Path(os.fspath(path) + ".json")


def _nuke_rotations(path: CameraPath) -> NDArray[np.float64]:
    """rx, ry, rz (degrees) of the Nuke camera, unwrapped along the path."""
    world = _STAGE_TO_Y_UP @ path.rotation_matrices() @ MINUS_Z_CAMERA
    ry_rx_rz = matrix_to_euler(world, _NUKE_ZXY)
    if len(path) > 1:
        ry_rx_rz = np.degrees(np.unwrap(np.radians(ry_rx_rz), axis=0))
    return ry_rx_rz[:, [1, 0, 2]]


def write_chan(
    path: CameraPath, target: str | os.PathLike[str], *, rate: Any = None
) -> Path:
    """Write a ``.chan`` file and its ``.chan.json`` sidecar.

    Parameters
    ----------
    path : CameraPath
        The camera path; resampled to ``rate`` (default: its own rate).
    target : str or path-like
        The ``.chan`` file.
    rate : optional
        Frame rate to write at.

    Raises
    ------
    InputError
        When the path has no frame rate and none is given.
    """
    framed, frames, frame_rate = on_frames(path, rate, target)
    optics = framed.camera.optics(float(framed.focal_mm[0]))
    aperture_w, aperture_h = optics.image_aperture_mm()
    vfov = np.degrees(2.0 * np.arctan(aperture_h / (2.0 * framed.focal_mm)))
    translate = framed.positions @ _STAGE_TO_Y_UP.T
    table = np.column_stack([frames, translate, _nuke_rotations(framed), vfov])
    with atomic_output(target) as stream:
        for start in range(0, len(table), _BLOCK):
            block = table[start : start + _BLOCK]
            stream.write(
                "".join("%d\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.8f\n" % tuple(row)
                        for row in block.tolist())
            )
    sidecar = {
        "format": _SIDECAR_FORMAT,
        "written_by": "previz",
        "rotation_order": "ZXY",
        "up_axis": "y",
        "units": "m",
        "rate": f"{frame_rate.numerator}/{frame_rate.denominator}",
        "first_frame": int(frames[0]),
        "last_frame": int(frames[-1]),
        "film_back_mm": [framed.camera.film_back.width_mm, framed.camera.film_back.height_mm],
        "squeeze": framed.camera.squeeze,
        "fit": framed.camera.fit.value,
        "aspect": framed.camera.aspect,
        "haperture_mm": aperture_w,
        "vaperture_mm": aperture_h,
        "body": framed.camera.body,
        "lens_kit": framed.camera.lens_kit,
        "focus_m": [None if math.isinf(v) else v for v in framed.focus_m.tolist()],
        "f_stop": framed.f_stop.tolist(),
    }
    with atomic_output(sidecar_path(target)) as stream:
        json.dump(sidecar, stream, indent=1)
        stream.write("\n")
    return Path(target)


def _read_sidecar(path: Path) -> dict[str, Any] | None:
    side = sidecar_path(path)
    if not side.exists():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"{side}: not a readable sidecar: {error}") from None
    if not isinstance(data, dict) or data.get("format") != _SIDECAR_FORMAT:
        raise FormatError(f"{side}: format: expected {_SIDECAR_FORMAT!r}")
    return data


def read_chan(
    path: str | os.PathLike[str], *, rate: Any = None, vertical_aperture_mm: float | None = None
) -> CameraPath:
    """Read a ``.chan`` file (and its sidecar when present).

    Without a sidecar the file is taken as Nuke writes it: rotation order ZXY,
    and ``rate`` and ``vertical_aperture_mm`` must be given to recover time and
    the focal length (Nuke's default camera has an 18.672 mm vertical aperture).

    Raises
    ------
    InputError
        When the file is missing, a line is malformed (naming the line), or the
        rate is unknown.
    """
    source = Path(path)
    sidecar = _read_sidecar(source)
    with open_input(source, "Nuke .chan file") as handle:
        try:
            table = np.loadtxt(handle, ndmin=2, comments="#", encoding="bytes")
        except ValueError as error:
            raise FormatError(f"{source}: {error} (rows counted from 0)") from None
    if table.shape[0] == 0 or table.shape[1] not in (7, 8):
        raise FormatError(
            f"{source}: expected lines 'frame tx ty tz rx ry rz [vfov]', "
            f"found {table.shape[1] if table.size else 0} columns"
        )
    frames = table[:, 0]
    if sidecar is not None:
        frame_rate = Fraction(sidecar["rate"])
        aperture_h = float(sidecar["vaperture_mm"])
        film_back = FilmBack(*sidecar["film_back_mm"])
        camera = CameraInfo(
            film_back=film_back,
            squeeze=float(sidecar.get("squeeze", 1.0)),
            fit=SensorFit(sidecar.get("fit", "fill")),
            aspect=sidecar.get("aspect"),
            body=sidecar.get("body", ""),
            lens_kit=sidecar.get("lens_kit", ""),
        )
        focus = np.array([math.inf if v is None else v for v in sidecar["focus_m"]], dtype=float)
        f_stop = np.asarray(sidecar["f_stop"], dtype=float)
        if focus.size != len(frames) or f_stop.size != len(frames):
            raise FormatError(f"{sidecar_path(source)}: holds {focus.size} frames, the .chan "
                              f"file {len(frames)}")
    else:
        if rate is None:
            raise InputError(f"{source}: no {sidecar_path(source).name}; give the frame rate")
        frame_rate = Fraction(str(rate))
        aperture_h = 18.672 if vertical_aperture_mm is None else float(vertical_aperture_mm)
        camera = CameraInfo()
        focus, f_stop = np.full(len(frames), math.inf), np.full(len(frames), 2.8)
    if table.shape[1] == 8:
        focal = aperture_h / (2.0 * np.tan(np.radians(table[:, 7]) / 2.0))
    else:
        focal = np.full(len(frames), 35.0)
    rx, ry, rz = table[:, 4], table[:, 5], table[:, 6]
    nuke_world = euler_to_matrix(np.column_stack([ry, rx, rz]), _NUKE_ZXY)
    rotation = Y_UP_TO_STAGE @ nuke_world @ MINUS_Z_CAMERA.T
    return path_on_frames(
        str(source),
        frames,
        frame_rate,
        table[:, 1:4] @ Y_UP_TO_STAGE.T,
        rotation,
        focal_mm=focal,
        focus_m=focus,
        f_stop=f_stop,
        name=source.stem,
        camera=camera,
    )
