"""A small shot plan (TOML text) and its files, for the export tests.

Three shots on the built-in set with a test camera and a zoom: ``010`` from
one mark, ``020`` keyed from mark A (25 mm) to mark B (50 mm), ``030`` from a
recorded camera file after a gap. One performer: a two-joint BVH take whose
chest stands 1.4 m above ``[2, 3, 0]`` on every frame.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from previz.core.camera_path import CameraPath
from previz.core.rig import RigLibrary
from previz.io.datafiles import load_rig_library
from previz.io.opentrackio_json import write_json
from rig_samples import CAMERA, SUPPORT, ZOOM

PLAN = """\
schema = "previz.shotplan/1"

[sequence]
title = "Export test"
rate = 24
resolution = [1920, 1080]
start_frame = 1001

[set]
path = "builtin:demo"

[camera]
body = "test-cam:16x9"
lens_kit = "test-zoom"

[[performers]]
name = "stand-in"
take = "standin.bvh"
position = [2.0, 3.0, 0.0]
scale = 0.01

[[marks]]
name = "A"
position = [0.0, -6.0, 1.6]
pan = 0.0
tilt = -3.0
focal = 25.0
focus = 4.5
f_stop = 2.8

[[marks]]
name = "B"
position = [1.0, -4.0, 1.2]
pan = 20.0
tilt = 2.0
focal = 50.0
f_stop = 4.0

[[shots]]
id = "010"
description = "Wide on the stand-in"
marks = ["A"]
frames = 24
handles = 4
notes = "locked off"
tags = ["wide", "day"]

[[shots]]
id = "020"
description = "Push in"
marks = ["A", "B"]
keys = [0, 23]
frames = 24

[[shots]]
id = "030"
camera = "cam.json"
frame_range = [1100, 1111]
"""

#: A standing two-joint figure in centimetres: hips 1 m up, chest 40 cm above them.
STANDIN_BVH = """\
HIERARCHY
ROOT Hips
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Chest
  {
    OFFSET 0 40 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    End Site
    {
      OFFSET 0 30 0
    }
  }
}
MOTION
Frames: 3
Frame Time: 0.0416667
0 100 0 0 0 0 0 0 0
0 100 0 0 0 0 0 0 0
0 100 0 0 0 0 0 0 0
"""

#: Where the stand-in's chest is on the stage, metres.
CHEST = np.array([2.0, 3.0, 1.4])


def rig_library(folder: Path) -> RigLibrary:
    """Write the test rigs (camera, zoom, support) into ``folder`` and load them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("cam", CAMERA), ("zoom", ZOOM), ("dolly", SUPPORT)):
        (folder / f"{name}.toml").write_text(text)
    return load_rig_library((folder,))


def camera_move(count: int = 24) -> CameraPath:
    """A dolly along +X at 1 m/s, 1.5 m up, looking along +Y, 35 mm, at 24 fps."""
    times = np.arange(count) / 24
    positions = np.column_stack([times, np.full(count, -8.0), np.full(count, 1.5)])
    return CameraPath.from_pan_tilt_roll(times, positions, np.zeros((count, 3)), focal_mm=35.0,
                                         focus_m=6.0, f_stop=2.8, rate=24)


def write_plan_folder(folder: Path, plan: str = PLAN, camera_frames: int = 24) -> Path:
    """Write the plan, its take and its camera file into ``folder``; return the plan file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "standin.bvh").write_text(STANDIN_BVH)
    write_json(camera_move(camera_frames), folder / "cam.json")
    path = folder / "plan.toml"
    path.write_text(plan)
    return path
