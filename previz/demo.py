"""The built-in demo: the whole pipeline on data previz makes itself.

``previz demo`` runs this. It needs no downloads, no hardware and no user data,
and every output is a real file the rest of the toolchain (and Blender, Nuke,
Maya, Unreal, editorial) reads:

1. the built-in performer, written as BVH and read back like any user file;
2. the demo shot plan (built-in set, performer, marks, three shots), copied
   into the output folder, plus a fourth shot whose camera is recorded live;
3. that camera: the built-in device simulator plays an operator's handheld
   tracked camera (previz's OSC namespace: pose, lens, sample ids) over
   loopback into a real OSC receiver, which maps, filters and journals it
   into a take — the same path a real device's packets take;
4. everything exported from the plan: shot list (CSV, JSON), timeline (OTIO,
   CMX 3600 EDL), storyboard HTML with floor plan, camera paths per shot in
   every camera format, stills of every mark, and a playblast of the recorded
   shot (PNG frames and an H.264 movie).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from previz.core.take import Take
from previz.io.bvh import read_bvh, write_bvh
from previz.io.positions import write_positions

__all__ = ["DEMO_SHOT", "DemoOutput", "builtin_plan_path", "record_demo_camera", "run_demo"]

#: The shot the demo records live: 4 s while the walker turns the corner.
DEMO_SHOT = "040"
_SHOT_FIRST, _SHOT_FRAMES, _HANDLES = 1193, 96, 8
_TAKE_NAME = "takes/handheld.vtake"
_STILL_SIZE = (960, 540)
_PLAYBLAST_SIZE = (640, 360)
_DEVICE = "previz"
_DEVICE_RATE_HZ = 60.0

_SHOT_BLOCK = f"""
# Recorded live by `previz demo`: the built-in device simulator played an
# operator's handheld camera (pose, 25 mm, focus pulls) into the OSC receiver.
# camera_trim skips the {_HANDLES}-frame lead-in the take has before the action.
[[shots]]
id = "{DEMO_SHOT}"
description = "Handheld follow round the corner"
camera = "{_TAKE_NAME}"
camera_trim = [{1001 + _HANDLES}, {1001 + _HANDLES + _SHOT_FRAMES - 1}]
frame_range = [{_SHOT_FIRST}, {_SHOT_FIRST + _SHOT_FRAMES - 1}]
handles = {_HANDLES}
notes = "operator on foot with a tracked rig; filtered live (One Euro)"
tags = ["handheld", "live"]
"""


@dataclass(frozen=True)
class DemoOutput:
    """One file (or folder) the demo wrote."""

    label: str
    path: Path
    summary: str


def builtin_plan_path() -> Path:
    """The demo shot plan shipped with previz (``shots/demo.toml``)."""
    return Path(__file__).resolve().parents[1] / "shots" / "demo.toml"


def record_demo_camera(performer: Take, target: Path, *, start_s: float, seconds: float,
                       device: str = _DEVICE, rate_hz: float = _DEVICE_RATE_HZ) -> Path:
    """Record a handheld camera live over loopback into ``target`` (a ``.vtake``).

    The simulator sends in real time (``seconds`` long) as ``device`` would; a
    :class:`~previz.live.session.LiveSession` on 127.0.0.1 receives, filters and
    journals it. The take is written under a temporary name and moved into place.

    Raises
    ------
    OperationError
        When samples are lost on loopback.
    """
    from previz.errors import OperationError
    from previz.io.device_toml import find_device
    from previz.live.sender import path_datagrams, play_datagrams
    from previz.live.session import LiveSession
    from previz.live.simulator import handheld_follow

    profile = find_device(device)
    move = handheld_follow(performer, start_s, seconds, rate_hz=rate_hz, distance_m=5.0,
                           focal_mm=25.0)
    times, samples = path_datagrams(move, profile, rate_hz)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    with LiveSession(profile, port=0, take_folder=target.parent) as session:
        session.start_recording(partial, name=target.stem)
        sender = threading.Thread(
            target=play_datagrams, args=(times, samples, session.address), daemon=True
        )
        sender.start()
        sender.join(seconds + 10.0)
        deadline = time.monotonic() + 2.0
        while session.stats.samples < len(samples) and time.monotonic() < deadline:
            time.sleep(0.01)
        session.stop_recording()
    if session.stats.samples != len(samples):
        partial.unlink(missing_ok=True)
        raise OperationError(f"demo camera: {len(samples) - session.stats.samples} of "
                             f"{len(samples)} samples were lost on loopback")
    os.replace(partial, target)
    return target


def run_demo(folder: Path, progress: Callable[[str], None] | None = None) -> list[DemoOutput]:
    """Run the demo pipeline, writing into ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Output folder; created if missing. Outputs of an earlier run are replaced.
    progress : callable, optional
        Called with a short description before each step.

    Returns
    -------
    list of DemoOutput
        What was written, in order.
    """
    from previz.core.shotplan import validate_plan
    from previz.export import export_plan
    from previz.io.datafiles import load_rig_library
    from previz.io.files import atomic_output
    from previz.io.plan_assets import plan_takes
    from previz.io.shotplan_toml import read_plan
    from previz.live.journal import read_take_file
    from previz.render.playblast import playblast
    from previz.render.stills import render_plan_stills

    say = progress or (lambda _text: None)
    folder.mkdir(parents=True, exist_ok=True)
    outputs = [*_performer_files(folder)]

    say("shot plan")
    plan_path = folder / "plan.toml"
    with atomic_output(plan_path) as stream:
        stream.write(builtin_plan_path().read_text(encoding="utf-8") + _SHOT_BLOCK)
    base = read_plan(builtin_plan_path())
    start_s = float(base.sequence.seconds(_SHOT_FIRST - _HANDLES))
    seconds = (_SHOT_FRAMES + 2 * _HANDLES) / float(base.sequence.rate) + 0.25

    say(f"recording shot {DEMO_SHOT}'s camera live over OSC ({seconds:.1f} s)")
    take_path = record_demo_camera(plan_takes(base)[0], folder / _TAKE_NAME,
                                   start_s=start_s, seconds=seconds)
    take = read_take_file(take_path)
    outputs.append(DemoOutput(
        "camera take (live OSC)", take_path,
        f"{len(take.samples)} samples at {take.rate:.0f}/s from the {_DEVICE} simulator, "
        f"raw + filtered",
    ))
    library = load_rig_library()
    plan = validate_plan(read_plan(plan_path), library)
    outputs.append(DemoOutput("shot plan (TOML)", plan_path,
                              f"{len(plan.shots)} shots, {len(plan.marks)} marks; edit it and "
                              f"run `previz export` again"))

    say("stills of every mark and shot")
    stills = render_plan_stills(plan, library, folder / "stills", size=_STILL_SIZE)
    outputs.append(DemoOutput("stills (PNG)", folder / "stills",
                              f"{len(stills)} frames at {_STILL_SIZE[0]}x{_STILL_SIZE[1]}"))

    say("shot list, timeline, storyboard, camera paths")
    for item in export_plan(plan_path, folder, library=library):
        outputs.append(DemoOutput(item.label, item.path, item.summary))

    say(f"playblast of shot {DEMO_SHOT}")
    blasts = folder / "playblasts"
    for blast in playblast(plan_path, blasts, shots=[DEMO_SHOT], size=_PLAYBLAST_SIZE):
        frames = blasts / blast.folder.name  # as the user named the folder, like the rest
        outputs.append(DemoOutput(
            f"playblast {blast.shot_id} (PNG+MP4)",
            blasts / blast.movie.name if blast.movie else frames,
            f"{blast.frame_count} frames {blast.first_frame}-{blast.last_frame} at "
            f"{_PLAYBLAST_SIZE[0]}x{_PLAYBLAST_SIZE[1]}, frames in {frames}",
        ))
    return outputs


def _performer_files(folder: Path) -> list[DemoOutput]:
    """Write the built-in performer as BVH, read it back, export its joint positions."""
    from previz.io.plan_assets import builtin_performer

    bvh_path = write_bvh(builtin_performer(), folder / "performer.bvh")
    take = read_bvh(bvh_path)
    positions = write_positions(take, folder / "performer_positions.npz")
    floor = positions[..., :2]
    extent = floor.max(axis=(0, 1)) - floor.min(axis=(0, 1))
    return [
        DemoOutput(
            "performer take (BVH)", bvh_path,
            f"{take.frame_count} frames at {float(take.rate):g} fps, "
            f"{len(take.skeleton.joints)} joints, {take.units}",
        ),
        DemoOutput(
            "joint positions (npz)", folder / "performer_positions.npz",
            f"stage metres Z up, {take.skeleton_height() * take.placement.scale:.2f} m tall, "
            f"walks over {extent[0]:.1f} x {extent[1]:.1f} m",
        ),
    ]
