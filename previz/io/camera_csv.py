"""Camera paths as CSV: one row per frame, for spreadsheets and editorial.

Columns: ``frame, timecode, time_s, x_m, y_m, z_m, pan_deg, tilt_deg, roll_deg,
focal_mm, focus_m, f_stop``. Positions are stage metres (Z up); pan, tilt, roll
are degrees (intrinsic Z-X-Y, pan counter-clockwise from above); an infinite
focus is written ``inf``. The timecode counts frames from 00:00:00:00 at the
path's rate (drop-frame at 29.97 and 59.94, as OpenTimelineIO writes it).
"""

from __future__ import annotations

import io
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from previz.core.camera_path import CameraPath
from previz.core.time import rate_from_frame_time, timecodes
from previz.errors import FormatError, InputError
from previz.io.camera_common import on_frames
from previz.io.files import atomic_output, open_input

__all__ = ["COLUMNS", "read_csv", "write_csv"]

COLUMNS = (
    "frame", "timecode", "time_s", "x_m", "y_m", "z_m", "pan_deg", "tilt_deg", "roll_deg",
    "focal_mm", "focus_m", "f_stop",
)
_BLOCK = 8192
_ROW = "%d,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%s,%.4f\n"


def write_csv(
    path: CameraPath, target: str | os.PathLike[str], *, rate: Any = None
) -> Path:
    """Write one row per frame.

    Parameters
    ----------
    path : CameraPath
        The camera path.
    target : str or path-like
        The ``.csv`` file (written under a temporary name, then moved into place).
    rate : optional
        Frame rate to resample to; the path's own rate by default.

    Raises
    ------
    InputError
        When the path has no frame rate and none is given.
    """
    framed, frames, frame_rate = on_frames(path, rate, target)
    angles = framed.pan_tilt_roll()
    focus = np.char.mod("%.6f", framed.focus_m)
    focus[~np.isfinite(framed.focus_m)] = "inf"
    numbers = np.column_stack(
        [framed.times - framed.times[0], framed.positions, angles, framed.focal_mm]
    ).tolist()
    with atomic_output(target) as stream:
        stream.write(",".join(COLUMNS) + "\n")
        for start in range(0, len(framed), _BLOCK):
            stop = min(start + _BLOCK, len(framed))
            codes = timecodes(frames[start:stop], frame_rate)
            stream.write(
                "".join(
                    _ROW % (frame, code, *row, focus_text, f_stop)
                    for frame, code, row, focus_text, f_stop in zip(
                        frames[start:stop].tolist(),
                        codes,
                        numbers[start:stop],
                        focus[start:stop].tolist(),
                        framed.f_stop[start:stop].tolist(),
                        strict=True,
                    )
                )
            )
    return Path(target)


def read_csv(path: str | os.PathLike[str], *, rate: Any = None) -> CameraPath:
    """Read a camera path CSV (the columns of :data:`COLUMNS`, in any order).

    ``time_s`` places the rows in time, and the frame rate is recovered from its
    spacing when the rows are consecutive frames; without it, ``frame`` and
    ``rate`` (the rate the file does not state) do.

    Raises
    ------
    InputError
        Naming the file, the row or column and what was expected.
    """
    source = os.fspath(path)
    try:
        with io.TextIOWrapper(open_input(path, "camera path CSV"), encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
            missing = [c for c in COLUMNS if c not in header and c not in ("timecode", "time_s")]
            if missing:
                raise FormatError(
                    f"{source}:1: missing column {missing[0]!r}; expected {', '.join(COLUMNS)}"
                )
            wanted = [c for c in COLUMNS if c != "timecode" and c in header]
            try:
                table = np.loadtxt(
                    handle, delimiter=",", usecols=[header.index(c) for c in wanted], ndmin=2,
                    comments=None,
                )
            except ValueError as error:
                raise FormatError(_located(source, str(error))) from None
    except UnicodeDecodeError as error:
        raise FormatError(f"{source}: not a text file: {error}") from None
    if table.shape[0] == 0:
        raise FormatError(f"{source}: no rows after the header")
    column = {name: table[:, i] for i, name in enumerate(wanted)}
    frames = column["frame"].astype(np.int64)
    frame_rate = None
    if "time_s" in column:  # the file's own times win over a rate given from outside
        times = column["time_s"]
        steps = np.diff(times)
        consecutive = np.all(np.diff(frames) == 1)
        if consecutive and steps.size and steps.min() > 0:
            frame_rate = rate_from_frame_time(float(np.median(steps)))
            expected = np.arange(len(times)) / float(frame_rate)
            if not np.allclose(times - times[0], expected, atol=1e-5):
                frame_rate = None
    elif rate is not None:
        frame_rate = Fraction(str(rate))
        times = (frames - frames[0]) / float(frame_rate)
    else:
        raise InputError(f"{source}: no time_s column; give the frame rate (--fps)")
    try:
        return CameraPath.from_pan_tilt_roll(
            times - times[0],
            np.column_stack([column["x_m"], column["y_m"], column["z_m"]]),
            np.column_stack([column["pan_deg"], column["tilt_deg"], column["roll_deg"]]),
            focal_mm=column["focal_mm"],
            focus_m=column["focus_m"],
            f_stop=column["f_stop"],
            rate=frame_rate if frame_rate is not None and np.all(np.diff(frames) == 1) else None,
            start_frame=int(frames[0]),
            interpolation="linear",
            name=Path(source).stem,
        )
    except ValueError as error:
        raise InputError(_located(source, str(error))) from None


def _located(source: str, text: str) -> str:
    """Put a data-row message at its file line (the header is line 1).

    Handles numpy's "... at row R, column C." (R counted from 0 after the header)
    and CameraPath's "sample N: ...".
    """
    numpy_row = re.search(r"at row (\d+), column (\d+)", text)
    if numpy_row:
        row, column = int(numpy_row.group(1)), int(numpy_row.group(2))
        detail = text[: numpy_row.start()].strip()
        return f"{source}:{row + 2}: {detail} (column {column})"
    sample = re.match(r"sample (\d+): (.*)", text)
    if sample:
        return f"{source}:{int(sample.group(1)) + 2}: {sample.group(2)}"
    return f"{source}: {text}"
