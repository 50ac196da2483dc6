"""Export a shot plan for editorial and the shoot: shot lists, timelines, storyboard, cameras.

:func:`export_plan` reads and checks a plan, builds every shot's camera once,
and writes the formats asked for into a folder::

    shotlist.csv  shotlist.json        shot list (csv, json)
    timeline.otio timeline.edl         editorial timeline (otio, edl)
    storyboard.html frames/<shot>.png  storyboard with the floor plan inline (html)
    floorplan.svg                      the floor plan on its own (html)
    cameras/<shot>.<ext>               camera path per shot in each writer format (cameras)

Shot file names are the shot ids made file-safe (letters, digits, ``-_.``),
with the shot's number added when two ids would give the same name.

Nothing is half-written: every file is first written into a hidden staging
folder inside the output folder, and moved into place with :func:`os.replace`
only when all of them are complete. On any error the staging folder is
removed (and the output folder too when this export created it and it is
empty), and the error names the file and the key at fault. Bad input is
refused before anything is rendered.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from previz.core.camera_path import CameraPath
from previz.core.rig import RigLibrary
from previz.core.set_model import SetModel
from previz.core.shotplan import ShotPlan
from previz.core.take import Take
from previz.errors import InputError
from previz.io.registry import FORMATS as FILE_FORMATS
from previz.io.registry import FileFormat

__all__ = [
    "CAMERA_FORMATS",
    "EXPORT_FORMATS",
    "ExportOutput",
    "default_frame_size",
    "export_plan",
    "render_shot_frames",
    "shot_file_names",
]

#: What ``export_plan`` can write, in the order it writes them.
EXPORT_FORMATS: tuple[str, ...] = ("csv", "json", "otio", "edl", "html", "cameras")

# Extensions that name the same bytes as another one (.usd is written as .usdc's crate).
_ALIASES = frozenset({".usd"})


def _camera_writers() -> dict[str, FileFormat]:
    writers: dict[str, FileFormat] = {}
    for file_format in FILE_FORMATS:
        if file_format.kind == "camera-path" and file_format.writer is not None:
            for extension in file_format.extensions:
                if extension not in _ALIASES:
                    writers[extension.lstrip(".")] = file_format
    return writers


#: Camera-path formats (by extension) written for ``cameras``: every writer of the registry.
CAMERA_FORMATS: tuple[str, ...] = tuple(_camera_writers())

#: Width of the storyboard frames when no size is given.
_FRAME_WIDTH = 640

_STAGING_PREFIX = ".previz-export-"


@dataclass(frozen=True)
class ExportOutput:
    """One thing an export wrote.

    Parameters
    ----------
    label : str
        What it is (``"shot list (CSV)"``).
    path : Path
        The file, or the folder for a group of files.
    summary : str
        One line about it.
    """

    label: str
    path: Path
    summary: str


# ------------------------------------------------------------------ choices
def _choose(asked: Iterable[str] | None, valid: Sequence[str], what: str) -> list[str]:
    if asked is None:
        return list(valid)
    chosen: list[str] = []
    for name in asked:
        cleaned = name.strip().lower().lstrip(".")
        if cleaned not in valid:
            raise InputError(f"{what} {name!r} is unknown; valid: {', '.join(valid)}")
        if cleaned not in chosen:
            chosen.append(cleaned)
    if not chosen:
        raise InputError(f"no {what} given; valid: {', '.join(valid)}")
    return [name for name in valid if name in chosen]


def default_frame_size(plan: ShotPlan, width: int = _FRAME_WIDTH) -> tuple[int, int]:
    """A storyboard frame size of the plan's aspect: ``width`` wide, an even height."""
    height = max(2, 2 * round(width / plan.sequence.frame_aspect / 2))
    return width, height


def shot_file_names(shot_ids: Sequence[str]) -> dict[str, str]:
    """File-safe, unique base names for shots (case-insensitively unique).

    The id made safe by :func:`previz.render.stills.safe_file_name`; when two
    ids give the same name, the later one gets ``-<number>`` (its 1-based
    position in the plan).
    """
    from previz.render.stills import safe_file_name

    names: dict[str, str] = {}
    taken: set[str] = set()
    for index, shot_id in enumerate(shot_ids):
        name = safe_file_name(shot_id)
        if name.lower() in taken:
            name = f"{name}-{index + 1}"
        taken.add(name.lower())
        names[shot_id] = name
    return names


# ------------------------------------------------------------------ frames
def render_shot_frames(
    plan: ShotPlan,
    library: RigLibrary | None,
    folder: Path,
    names: Mapping[str, str],
    *,
    size: tuple[int, int],
    model: SetModel,
    takes: Sequence[Take],
    progress: Callable[[int], None] | None = None,
) -> dict[str, Path]:
    """Render the first frame of every shot as ``folder/<name>.png`` (framing guides, no burn-ins).

    Parameters
    ----------
    plan : ShotPlan
    library : RigLibrary or None
    folder : Path
        Must exist.
    names : mapping
        Shot id → file base name (:func:`shot_file_names`).
    size : (int, int), keyword-only
        Frame size in pixels.
    model : SetModel, keyword-only
        The plan's set.
    takes : sequence of Take, keyword-only
        The plan's performers.
    progress : callable or None, keyword-only
        Called with 1 after each frame.

    Returns
    -------
    dict
        Shot id → PNG written.
    """
    from previz.io.plan_assets import shot_views
    from previz.render.frame import FrameRenderer
    from previz.render.stills import plan_guides

    written: dict[str, Path] = {}
    with FrameRenderer(model, size, takes, guides=plan_guides(plan)) as renderer:
        for shot in plan.shots:
            (still,) = shot_views(plan, shot.id, library, size=size)
            target = folder / f"{names[shot.id]}.png"
            renderer.save(still.view, target, stage_time=still.stage_time)
            written[shot.id] = target
            if progress is not None:
                progress(1)
    return written


# ------------------------------------------------------------------ staging
def _staged_files(staging: Path) -> list[Path]:
    return sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())


def _check_targets(out_dir: Path, files: list[Path]) -> None:
    """Refuse before moving anything when a file would land on a folder, or in a file."""
    for relative in files:
        target = out_dir / relative
        if target.is_dir():
            raise InputError(f"{target}: is a folder; cannot write the export's file there")
        for parent in relative.parents:
            if parent != Path(".") and (out_dir / parent).exists() and \
                    not (out_dir / parent).is_dir():
                raise InputError(f"{out_dir / parent}: is a file; the export needs a folder there")


def _planned_files(formats: list[str], extensions: list[str],
                   names: Mapping[str, str]) -> list[Path]:
    """The files an export will write, relative to the output folder (sidecars aside)."""
    planned = {"csv": ["shotlist.csv"], "json": ["shotlist.json"], "otio": ["timeline.otio"],
               "edl": ["timeline.edl"],
               "html": ["storyboard.html", "floorplan.svg",
                        *(f"frames/{name}.png" for name in names.values())],
               "cameras": [f"cameras/{name}.{ext}" for ext in extensions
                           for name in names.values()]}
    return [Path(file) for name in formats for file in planned[name]]


def _publish(staging: Path, out_dir: Path) -> None:
    files = _staged_files(staging)
    _check_targets(out_dir, files)
    for relative in files:
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)


# ------------------------------------------------------------------ writers
@dataclass
class _Job:
    """What every writer needs: the plan and what was computed from it once."""

    plan: ShotPlan
    library: RigLibrary | None
    rows: list[dict[str, Any]]
    paths: dict[str, CameraPath]
    names: dict[str, str]
    staging: Path
    out_dir: Path
    media: Mapping[str, str | os.PathLike[str]] | None
    timeline: Any = None

    def final(self, relative: str) -> Path:
        return self.out_dir / relative

    def get_timeline(self) -> Any:
        if self.timeline is None:
            from previz.io.timeline import plan_timeline

            self.timeline = plan_timeline(self.plan, self.rows, self.media)
        return self.timeline


def _write_csv(job: _Job) -> list[ExportOutput]:
    from previz.io.shotlist import write_shotlist_csv

    write_shotlist_csv(job.rows, job.staging / "shotlist.csv")
    return [ExportOutput("shot list (CSV)", job.final("shotlist.csv"), f"{len(job.rows)} shots")]


def _write_json(job: _Job) -> list[ExportOutput]:
    from previz.io.shotlist import write_shotlist_json

    write_shotlist_json(job.plan, job.rows, job.staging / "shotlist.json")
    return [ExportOutput("shot list (JSON)", job.final("shotlist.json"),
                         f"{len(job.rows)} shots and the sequence")]


def _write_otio(job: _Job) -> list[ExportOutput]:
    from previz.io.timeline import write_otio

    timeline = job.get_timeline()
    write_otio(timeline, job.staging / "timeline.otio")
    markers = sum(len(clip.markers) for clip in timeline.find_clips())
    return [ExportOutput("timeline (OpenTimelineIO)", job.final("timeline.otio"),
                         f"{len(job.rows)} clips, {markers} markers")]


def _write_edl(job: _Job) -> list[ExportOutput]:
    from previz.io.timeline import write_edl

    write_edl(job.get_timeline(), job.staging / "timeline.edl")
    return [ExportOutput("EDL (CMX 3600)", job.final("timeline.edl"),
                         f"{len(job.rows)} events, one video track")]


def _write_cameras(job: _Job, extensions: list[str]) -> list[ExportOutput]:
    writers = _camera_writers()
    folder = job.staging / "cameras"
    folder.mkdir(exist_ok=True)
    outputs = []
    for extension in extensions:
        write = writers[extension].function("write")
        for shot in job.plan.shots:
            write(job.paths[shot.id], folder / f"{job.names[shot.id]}.{extension}")
        outputs.append(ExportOutput(f"camera paths (.{extension})", job.final("cameras"),
                                    f"{len(job.plan.shots)} shots, <shot>.{extension}"))
    return outputs


def _write_html(job: _Job, size: tuple[int, int],
                progress: Callable[[int], None] | None) -> list[ExportOutput]:
    from previz.io.files import atomic_output
    from previz.io.plan_assets import plan_set, plan_takes
    from previz.io.storyboard import STORYBOARD_NAME, write_storyboard
    from previz.render.floorplan import plan_floor_plan

    model = plan_set(job.plan)
    takes = plan_takes(job.plan)
    frames_dir = job.staging / "frames"
    frames_dir.mkdir(exist_ok=True)
    frames = render_shot_frames(job.plan, job.library, frames_dir, job.names, size=size,
                                model=model, takes=takes, progress=progress)
    reach = {row["id"]: row["subject_distance_m"] for row in job.rows}
    svg = plan_floor_plan(job.plan, job.library, model=model, takes=takes, paths=job.paths,
                          reach=reach)
    with atomic_output(job.staging / "floorplan.svg") as stream:
        stream.write(svg + "\n")
    write_storyboard(job.plan, job.rows, job.staging, frames, svg)
    return [
        ExportOutput("storyboard (HTML)", job.final(STORYBOARD_NAME),
                     f"{len(job.rows)} cards and the floor plan"),
        ExportOutput("storyboard frames", job.final("frames"),
                     f"{len(frames)} PNG, {size[0]}x{size[1]}, first frame of each shot"),
        ExportOutput("floor plan (SVG)", job.final("floorplan.svg"),
                     f"{len(svg.encode('utf-8')) / 1024:.1f} KB"),
    ]


# ------------------------------------------------------------------ the export
def export_plan(
    plan_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    formats: Iterable[str] | None = None,
    camera_formats: Iterable[str] | None = None,
    size: tuple[int, int] | None = None,
    library: RigLibrary | None = None,
    media: Mapping[str, str | os.PathLike[str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[ExportOutput]:
    """Export a shot plan into a folder (see the module notes for the files).

    Parameters
    ----------
    plan_path : str or path-like
        The plan (``shots/*.toml``).
    out_dir : str or path-like
        The folder (created if missing); files of the same names are replaced.
    formats : iterable of str or None, keyword-only
        Any of :data:`EXPORT_FORMATS` (default: all).
    camera_formats : iterable of str or None, keyword-only
        Extensions from :data:`CAMERA_FORMATS` for ``cameras`` (default: all).
    size : (int, int) or None, keyword-only
        Storyboard frame size (default: 640 wide at the plan's aspect).
    library : RigLibrary or None, keyword-only
        Camera bodies and lens kits (default: the rig library found on disk).
    media : mapping or None, keyword-only
        Shot id → playblast movie, referenced by the timeline's clips.
    progress : callable or None, keyword-only
        Called with 1 after each storyboard frame is rendered.

    Returns
    -------
    list of ExportOutput
        What was written, in :data:`EXPORT_FORMATS` order.

    Raises
    ------
    PrevizError
        For bad input (unknown format, missing set, take or camera file,
        unknown body or lens, bad frame ranges, a camera file shorter than its
        shot, a frame rate an EDL cannot carry) naming the file and key, or
        when a file cannot be written; nothing is left half-written.
    """
    from previz.core.shotplan import validate_plan
    from previz.io.plan_assets import plan_takes
    from previz.io.shotlist import plan_camera_paths, shot_rows
    from previz.io.shotplan_toml import read_plan

    chosen = _choose(formats, EXPORT_FORMATS, "export format")
    if camera_formats is not None and "cameras" not in chosen:
        raise InputError("camera formats were given but 'cameras' is not among the export "
                         f"formats ({', '.join(chosen)})")
    extensions = _choose(camera_formats, CAMERA_FORMATS, "camera format") \
        if "cameras" in chosen else []
    if library is None:
        from previz.io.datafiles import load_rig_library

        library = load_rig_library()
    plan = validate_plan(read_plan(plan_path), library)
    if size is not None and not (int(size[0]) > 0 and int(size[1]) > 0):
        raise InputError(f"frame size must be two positive numbers, got {size!r}")
    frame_size = (int(size[0]), int(size[1])) if size is not None else default_frame_size(plan)
    if "edl" in chosen:
        from previz.io.timeline import check_edl_rate

        check_edl_rate(plan.sequence.rate, f"{plan.source}: sequence.rate: ")
    writers = _camera_writers()
    for extension in extensions:
        writers[extension].function("write")  # a missing optional library fails here, early
    paths = plan_camera_paths(plan, library)
    rows = shot_rows(plan, library, takes=plan_takes(plan), paths=paths)

    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise InputError(f"{target}: not a folder")
    names = shot_file_names([s.id for s in plan.shots])
    _check_targets(target, _planned_files(chosen, extensions, names))
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=target))
    job = _Job(plan, library, rows, paths, names, staging, target, media)
    outputs: list[ExportOutput] = []
    try:
        for name in chosen:
            if name == "cameras":
                outputs += _write_cameras(job, extensions)
            elif name == "html":
                outputs += _write_html(job, frame_size, progress)
            else:
                outputs += {"csv": _write_csv, "json": _write_json, "otio": _write_otio,
                            "edl": _write_edl}[name](job)
        _publish(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created and target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return outputs
