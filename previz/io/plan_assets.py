"""What a shot plan points at, loaded: its set, its performers, and the views it frames.

A :class:`~previz.core.shotplan.ShotPlan` holds names and paths; the tools that
render (``previz frames``, ``previz scout``, playblasts) need the set and the
takes loaded and placed, and a :class:`~previz.core.projection.ViewCamera` for
each mark and shot frame. This module does that, the same way for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.projection import ViewCamera
from previz.core.rig import RigLibrary
from previz.core.set_model import SetModel
from previz.core.shotplan import Mark, PerformerSpec, ShotPlan
from previz.core.take import Take
from previz.errors import DataFileError, PrevizError
from previz.io.registry import read

__all__ = [
    "FramedStill",
    "builtin_performer",
    "mark_view",
    "plan_camera_path",
    "plan_set",
    "plan_takes",
    "shot_views",
    "timecode",
]

@lru_cache(maxsize=1)
def builtin_performer() -> Take:
    """The built-in performer: a 20 s procedural walk at 120 fps (centimetres, Y up)."""
    from previz.core.synthetic import walking_take

    return walking_take(seconds=20.0, rate=120, name="performer")


def plan_set(plan: ShotPlan) -> SetModel:
    """Load the plan's set (a file relative to the plan, or the built-in demo set)."""
    from previz.io.set_source import load_set

    ref = plan.set
    spec = ref.path if ref.is_builtin else plan.resolve(ref.path)
    try:
        return load_set(spec, up_axis=ref.up_axis, units=None, scale=ref.metres_per_unit)
    except PrevizError as error:
        raise DataFileError(f"{plan.source}: set.path: {error}") from None


def _read_performer(plan: ShotPlan, index: int, spec: PerformerSpec) -> Take:
    if spec.is_builtin:
        return builtin_performer()
    from previz import read_take

    try:
        return read_take(plan.resolve(spec.take))
    except PrevizError as error:
        raise DataFileError(f"{plan.source}: performers[{index}].take: {error}") from None


def plan_takes(plan: ShotPlan) -> list[Take]:
    """Load every performer's take, trimmed and placed as the plan says."""
    takes = []
    for index, spec in enumerate(plan.performers):
        take = _read_performer(plan, index, spec)
        if spec.trim is not None:
            take = take.trimmed(*spec.trim)
        placement = spec.placement(plan.sequence, take.suggested_scale().scale)
        take = replace(take, placement=replace(
            placement, up_axis=take.placement.up_axis, recentre=take.placement.recentre),
            name=spec.name)
        takes.append(take)
    return takes


def read_camera_file(path: Path, rate: Fraction) -> CameraPath:
    """Read a shot's camera file in its extension's format (``rate`` for files without one)."""
    return read(path, "camera-path", rate=rate)


def plan_camera_path(plan: ShotPlan, shot_id: str, library: RigLibrary | None, *,
                     handles: bool = False) -> CameraPath:
    """A shot's camera on every frame, its camera file (if any) read here.

    See :meth:`previz.core.shotplan.ShotPlan.camera_path`.
    """
    return plan.camera_path(shot_id, library, handles=handles, read_camera=read_camera_file)


def mark_view(plan: ShotPlan, mark: Mark, library: RigLibrary | None,
              size: tuple[int, int] | None = None) -> ViewCamera:
    """The view from a mark at the plan's resolution (or ``size``)."""
    return ViewCamera.from_pan_tilt_roll(
        mark.position, mark.pan_tilt_roll, focal_mm=mark.focal,
        size=size or plan.sequence.resolution, camera=plan.mark_camera_info(mark.name, library),
        focus_m=mark.focus, f_stop=mark.aperture)


@dataclass(frozen=True, eq=False)
class FramedStill:
    """One frame of a shot: the view, the frame number and the stage time."""

    shot_id: str
    frame: int
    view: ViewCamera
    stage_time: float
    camera: CameraInfo


def shot_views(plan: ShotPlan, shot_id: str, library: RigLibrary | None,
               frames: list[int] | None = None,
               size: tuple[int, int] | None = None) -> list[FramedStill]:
    """Return the views of a shot at some of its frames (default: its first frame).

    Parameters
    ----------
    plan : ShotPlan
    shot_id : str
    library : RigLibrary or None
    frames : list of int, optional
        Frame numbers on the sequence timeline, inside the shot (handles allowed).
    size : (int, int), optional
        Output size (default: the plan's resolution).
    """
    path = plan_camera_path(plan, shot_id, library, handles=True)
    assert path.frames is not None
    first, _ = plan.frame_range(shot_id)
    wanted = [first] if frames is None else frames
    available = {int(frame): index for index, frame in enumerate(path.frames)}
    stills = []
    for frame in wanted:
        if frame not in available:
            raise DataFileError(
                f"{plan.source}: shot {shot_id}: frame {frame} is outside "
                f"{int(path.frames[0])}-{int(path.frames[-1])} (with handles)"
            )
        index = available[frame]
        view = ViewCamera.from_quaternion(
            path.positions[index], path.orientations[index],
            focal_mm=float(path.focal_mm[index]), size=size or plan.sequence.resolution,
            camera=path.camera, focus_m=float(path.focus_m[index]),
            f_stop=float(path.f_stop[index]))
        stills.append(FramedStill(shot_id, frame, view, plan.sequence.seconds(frame),
                                  path.camera))
    return stills


def timecode(plan: ShotPlan, frame: int) -> str:
    """The timecode of a sequence frame (frame numbers count from 0 at 00:00:00:00)."""
    from previz.core.time import timecodes

    return timecodes([frame], plan.sequence.rate)[0]
