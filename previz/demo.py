"""The built-in demo: the whole pipeline on data previz makes itself.

``previz demo`` runs this. It needs no downloads and no user data, and every
output it writes is a real file the rest of the toolchain reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from previz.core.camera_path import CameraInfo, CameraPath, aim
from previz.core.synthetic import walking_take
from previz.core.take import Take
from previz.io.bvh import read_bvh, write_bvh
from previz.io.positions import write_positions
from previz.io.registry import write

__all__ = ["DemoOutput", "run_demo", "tracking_shot"]

# Where the demo camera travels: outside the performer's circle, at eye level.
_TRACK_DISTANCE_M = 2.5
_LENS_HEIGHT_M = 1.55
_KEY_EVERY_FRAMES = 24
_STILL_SIZE = (960, 540)


@dataclass(frozen=True)
class DemoOutput:
    """One file the demo wrote."""

    label: str
    path: Path
    summary: str


def tracking_shot(
    take: Take, rate: Fraction = Fraction(24), *, start_frame: int = 1001
) -> CameraPath:
    """Return a dolly move that tracks a performer, keyed once a second.

    The camera rides beside the performer's path, ``_TRACK_DISTANCE_M`` out from
    the hips on the side away from the turn, at eye level, aimed at the chest;
    the lens pushes from 32 mm to 50 mm and focus follows the performer.

    Parameters
    ----------
    take : Take
        The performer (placed on the stage).
    rate : Fraction
        Shot frame rate.
    start_frame : int, keyword-only
        Frame number of the first keyframe.
    """
    last = int(float(take.duration) * float(rate)) - 1
    keys = np.unique(np.append(np.arange(0, last, _KEY_EVERY_FRAMES), last))
    times = keys / float(rate)
    root = take.world_positions_at(times)[:, take.skeleton.index("Hips")]
    ahead = np.gradient(root[:, :2], times, axis=0)
    ahead /= np.linalg.norm(ahead, axis=1, keepdims=True)
    right = np.column_stack([ahead[:, 1], -ahead[:, 0]])
    positions = np.column_stack(
        [root[:, :2] + _TRACK_DISTANCE_M * right, np.full(len(keys), _LENS_HEIGHT_M)]
    )
    chest = root + np.array([0.0, 0.0, 0.35])
    pan_tilt = aim(positions, chest)
    angles = np.column_stack([np.degrees(np.unwrap(np.radians(pan_tilt[:, 0]))), pan_tilt[:, 1],
                              np.zeros(len(keys))])
    return CameraPath.from_keyframes(
        start_frame + keys,
        rate,
        positions,
        angles,
        focal_mm=np.linspace(32.0, 50.0, len(keys)),
        focus_m=np.linalg.norm(chest - positions, axis=1),
        f_stop=2.8,
        name="tracking",
        camera=CameraInfo(),
    ).resample(rate)


def run_demo(folder: Path) -> list[DemoOutput]:
    """Run the demo pipeline, writing into ``folder``.

    Steps: make the built-in performer (a 10 s walk at 120 fps), write it as BVH,
    read the file back as any user file would be read, export its joint
    positions in stage metres, plan a tracking camera move on it and export
    the camera path in every camera format; then copy the demo shot plan
    (built-in set and performer) beside them and render a still of each of its
    marks and shots.

    Parameters
    ----------
    folder : pathlib.Path
        Output folder; created if missing.

    Returns
    -------
    list of DemoOutput
        What was written, in order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    performer = walking_take(seconds=10.0, rate=120, name="performer")
    bvh_path = write_bvh(performer, folder / "performer.bvh")
    take = read_bvh(bvh_path)
    positions = write_positions(take, folder / "performer_positions.npz")
    floor = positions[..., :2]
    extent = floor.max(axis=(0, 1)) - floor.min(axis=(0, 1))
    outputs = [
        DemoOutput(
            "performer take (BVH)",
            bvh_path,
            f"{take.frame_count} frames at {float(take.rate):g} fps, "
            f"{len(take.skeleton.joints)} joints, {take.units}",
        ),
        DemoOutput(
            "joint positions (npz)",
            folder / "performer_positions.npz",
            f"stage metres Z up, {take.skeleton_height() * take.placement.scale:.2f} m tall, "
            f"walks over {extent[0]:.1f} x {extent[1]:.1f} m",
        ),
    ]
    shot = tracking_shot(take)
    frames = shot.frames
    assert frames is not None
    span = f"frames {int(frames[0])}-{int(frames[-1])} at 24 fps"
    for extension, label in (
        ("json", "camera path (OpenTrackIO)"),
        ("csv", "camera path (CSV)"),
        ("chan", "camera path (Nuke .chan)"),
        ("usda", "camera (USD)"),
        ("ma", "camera (Maya ASCII)"),
    ):
        written = write(shot, folder / f"camera.{extension}", "camera-path")
        outputs.append(DemoOutput(label, Path(written), span))
    outputs.extend(_plan_stills(folder))
    return outputs


def builtin_plan_path() -> Path:
    """The demo shot plan shipped with previz (``shots/demo.toml``)."""
    return Path(__file__).resolve().parents[1] / "shots" / "demo.toml"


def _plan_stills(folder: Path) -> list[DemoOutput]:
    """Copy the demo shot plan into ``folder`` and render a still of each mark and shot."""
    from previz.core.shotplan import validate_plan
    from previz.io.datafiles import load_rig_library
    from previz.io.files import atomic_output
    from previz.io.shotplan_toml import read_plan
    from previz.render.stills import render_plan_stills

    plan_path = folder / "plan.toml"
    with atomic_output(plan_path) as stream:
        stream.write(builtin_plan_path().read_text(encoding="utf-8"))
    library = load_rig_library()
    plan = validate_plan(read_plan(plan_path), library)
    stills = render_plan_stills(plan, library, folder / "stills", size=_STILL_SIZE)
    return [
        DemoOutput("shot plan (TOML)", plan_path,
                   f"{len(plan.shots)} shots, {len(plan.marks)} marks on the demo set"),
        DemoOutput("stills (PNG)", folder / "stills",
                   f"{len(stills)} frames: every mark and every shot's first frame, "
                   f"{_STILL_SIZE[0]}x{_STILL_SIZE[1]}"),
    ]
