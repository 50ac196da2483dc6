"""Recorded camera takes (``.vtake``) read as camera paths.

A take is accepted wherever a camera path is (``previz camera export
take.vtake -o path.usda``, a shot's ``camera = "takes/A_001.vtake"``): its
filtered samples (or, with ``raw=True``, the unfiltered ones) become a
:class:`~previz.core.camera_path.CameraPath` at their receive times, starting
at 0 s. Interrupted takes are read up to their last whole sample; run
``previz take recover`` to close them for good.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack
from previz.errors import FormatError
from previz.live.journal import TakeData, read_take_file

__all__ = ["read_vtake", "take_camera_info", "take_to_path"]


def take_camera_info(take: TakeData) -> CameraInfo:
    """The camera a take's header describes (defaults when it names none)."""
    camera = take.header.get("camera") or {}
    try:
        width, height = camera.get("film_back_mm") or (36.0, 24.0)
        return CameraInfo(
            film_back=FilmBack(float(width), float(height)),
            squeeze=float(camera.get("squeeze", 1.0)),
            body=str(camera.get("body", "")),
            lens_kit=str(camera.get("lens_kit", "")),
        )
    except (TypeError, ValueError) as error:
        raise FormatError(f"{take.path}:2: camera: {error}") from None


def take_to_path(take: TakeData, *, raw: bool = False) -> CameraPath:
    """Return a take's samples as a camera path (filtered unless ``raw``).

    Samples whose receive time does not advance (two datagrams in the same
    clock tick) are merged into the later one.

    Raises
    ------
    FormatError
        When the take holds no samples.
    """
    samples = take.samples
    if len(samples) == 0:
        raise FormatError(f"{take.path}: the take holds no camera samples")
    received = samples["received"]
    keep = np.append(np.diff(received) > 0, True)
    samples = samples[keep]
    prefix = "raw_" if raw else ""
    return CameraPath(
        times=samples["received"] - samples["received"][0],
        positions=samples[f"{prefix}position"],
        orientations=samples[f"{prefix}orientation"],
        focal_mm=samples["focal_mm"],
        focus_m=samples["focus_m"],
        f_stop=samples["f_stop"],
        interpolation="linear",
        name=str(take.header.get("name", take.path.stem)),
        camera=take_camera_info(take),
    )


def read_vtake(path: str | os.PathLike[str], *, rate: Any = None, raw: bool = False
               ) -> CameraPath:
    """Read a ``.vtake`` take as a camera path (on frames at ``rate`` when given)."""
    take = read_take_file(path)
    camera_path = take_to_path(take, raw=raw)
    return camera_path if rate is None else camera_path.on_frames(rate)
