"""Shot lists: one row of facts per shot of a plan, written as CSV or JSON.

A row holds what a camera department and an editor need on paper: the shot's
frames and timecode, camera body and lenses, and where the camera is on the
shot's first frame (height above the stage floor, tilt, distance to the
subject). Timecode counts frames from 00:00:00:00 at the sequence rate (the
same arithmetic as OpenTimelineIO's ``opentime``, drop-frame at 29.97 and
59.94). **Timecode out is exclusive**: it is the timecode of the frame after
the shot's last frame, as a CMX 3600 EDL writes record-out, so
``out - in == duration``.

The subject distance is from the camera (the sensor) to the chest of the
nearest performer on the shot's first frame (``subject`` names the
performer); with no performer it is the focus distance (``subject`` is
``"focus"``); with neither (focus at infinity) it is blank.

CSV numbers are rounded for people (fixed decimals; a zoom's focal lengths
as ``"32.0-50.0"``); JSON keeps full precision and the sequence's facts.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.camera_path import CameraPath
from previz.core.rig import RigLibrary
from previz.core.shotplan import ShotPlan
from previz.core.take import Take
from previz.core.time import format_rate, timecodes
from previz.errors import DataFileError, PrevizError
from previz.io.files import atomic_output
from previz.io.plan_assets import plan_camera_path

__all__ = [
    "CSV_COLUMNS",
    "SCHEMA",
    "chest_position",
    "plan_camera_paths",
    "sequence_facts",
    "shot_rows",
    "shotlist_document",
    "write_shotlist_csv",
    "write_shotlist_json",
]

#: Schema string of the JSON shot list.
SCHEMA = "previz.shotlist/1"

#: Height of the chest above the root joint for a skeleton with no chest or spine joint.
_CHEST_ABOVE_ROOT_M = 0.35


# ------------------------------------------------------------------ helpers
def _rate_text(rate: Fraction) -> str:
    return format_rate(rate).split(" ")[0]


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _library_for(plan: ShotPlan, library: RigLibrary | None) -> RigLibrary | None:
    """The given library, else the default one when the plan names rig items."""
    if library is not None:
        return library
    needs = plan.camera.body or plan.camera.lens_kit or any(m.body for m in plan.marks)
    if not needs:
        return None
    from previz.io.datafiles import load_rig_library

    return load_rig_library()


def plan_camera_paths(plan: ShotPlan, library: RigLibrary | None) -> dict[str, CameraPath]:
    """Return every shot's camera path (on the shot's frames, no handles), by shot id.

    Raises
    ------
    DataFileError
        Naming the plan file and the shot's key (a camera file shorter than the
        shot, a trim outside the file, an unknown body or lens kit).
    """
    return {shot.id: plan_camera_path(plan, shot.id, library) for shot in plan.shots}


def chest_position(take: Take, stage_time: float) -> NDArray[np.float64]:
    """Return a performer's chest on the stage (metres) at a stage time (seconds).

    The chest is the first joint whose name contains ``chest`` (any case), else
    the last joint whose name contains ``spine`` (the upper spine in file
    order), else a point 0.35 m above the root joint.
    """
    names = [name.lower() for name in take.skeleton.names]
    chest = [i for i, name in enumerate(names) if "chest" in name]
    spine = [i for i, name in enumerate(names) if "spine" in name]
    positions = take.world_positions_at([stage_time])[0]
    if chest:
        return positions[chest[0]]
    if spine:
        return positions[spine[-1]]
    return positions[0] + np.array([0.0, 0.0, _CHEST_ABOVE_ROOT_M])


@dataclass(frozen=True)
class _Subject:
    distance_m: float | None
    name: str | None


def _subject(path: CameraPath, takes: Sequence[Take], stage_time: float) -> _Subject:
    camera = path.positions[0]
    if takes:
        distances = [float(np.linalg.norm(chest_position(take, stage_time) - camera))
                     for take in takes]
        nearest = int(np.argmin(distances))
        return _Subject(distances[nearest], takes[nearest].name)
    focus = float(path.focus_m[0])
    if math.isfinite(focus):
        return _Subject(focus, "focus")
    return _Subject(None, None)


def _lens_names(plan: ShotPlan, library: RigLibrary | None,
                focals: NDArray[np.float64]) -> list[str]:
    """Names of the kit's lenses a shot uses (empty without a lens kit)."""
    if plan.camera.lens_kit is None or library is None:
        return []
    kit = library.lens_kit(plan.camera.lens_kit)
    names: list[str] = []
    for focal in np.unique(np.round(focals, 6)):
        try:
            name = kit.lens_for(float(focal)).describe()
        except PrevizError:  # a zoom between primes: the plan was validated at its keys
            continue
        if name not in names:
            names.append(name)
    return names


# ------------------------------------------------------------------ rows
def shot_rows(
    plan: ShotPlan,
    library: RigLibrary | None = None,
    *,
    takes: Sequence[Take] | None = None,
    paths: Mapping[str, CameraPath] | None = None,
) -> list[dict[str, Any]]:
    """Return one row of facts per shot, in plan order.

    Parameters
    ----------
    plan : ShotPlan
        A plan (check it with :func:`~previz.core.shotplan.validate_plan` first).
    library : RigLibrary or None
        Camera bodies and lens kits; None loads the default library when the
        plan names a body or a lens kit.
    takes : sequence of Take or None, keyword-only
        The plan's performers, loaded and placed
        (:func:`previz.io.plan_assets.plan_takes`); None loads them.
    paths : mapping or None, keyword-only
        Shot id → camera path from :func:`plan_camera_paths`, to avoid
        computing them twice; None computes them.

    Returns
    -------
    list of dict
        JSON-ready rows (no NaN or infinity: unknown values are None) with
        the keys ``id, description, first_frame, last_frame, frames, seconds,
        timecode_in, timecode_out`` (exclusive), ``handles, source, marks,
        camera_file, body, lens_kit, lenses, focal_mm_min, focal_mm_max,
        f_stop_min, f_stop_max, focus_m, camera_position_m, camera_height_m,
        pan_deg, tilt_deg, roll_deg, subject_distance_m, subject, notes,
        tags``. Camera values are those of the shot's first frame; focal length
        and f-stop are the range over the shot.

    Raises
    ------
    DataFileError
        When a shot's camera cannot be built (see :func:`plan_camera_paths`)
        or a take cannot be read.
    """
    library = _library_for(plan, library)
    if takes is None:
        from previz.io.plan_assets import plan_takes

        takes = plan_takes(plan)
    if paths is None:
        paths = plan_camera_paths(plan, library)
    rate = plan.sequence.rate
    rows = []
    for shot, (first, last) in zip(plan.shots, plan.frame_ranges(), strict=True):
        path = paths[shot.id]
        frames = last - first + 1
        tc_in, tc_out = timecodes([first, last + 1], rate)
        pan, tilt, roll = (float(v) for v in path.pan_tilt_roll()[0])
        subject = _subject(path, takes, plan.sequence.seconds(first))
        rows.append({
            "id": shot.id,
            "description": shot.description,
            "first_frame": first,
            "last_frame": last,
            "frames": frames,
            "seconds": float(frames / rate),
            "timecode_in": tc_in,
            "timecode_out": tc_out,
            "handles": shot.handles,
            "source": shot.source_kind,
            "marks": list(shot.marks),
            "camera_file": shot.camera,
            "body": path.camera.body,
            "lens_kit": path.camera.lens_kit,
            "lenses": _lens_names(plan, library, path.focal_mm),
            "focal_mm_min": float(path.focal_mm.min()),
            "focal_mm_max": float(path.focal_mm.max()),
            "f_stop_min": float(path.f_stop.min()),
            "f_stop_max": float(path.f_stop.max()),
            "focus_m": _finite_or_none(float(path.focus_m[0])),
            "camera_position_m": [float(v) for v in path.positions[0]],
            "camera_height_m": float(path.positions[0, 2]),
            "pan_deg": pan,
            "tilt_deg": tilt,
            "roll_deg": roll,
            "subject_distance_m": subject.distance_m,
            "subject": subject.name,
            "notes": shot.notes,
            "tags": list(shot.tags),
        })
    return rows


def sequence_facts(plan: ShotPlan) -> dict[str, Any]:
    """The sequence's facts as JSON-ready values (title, rate, frames, set)."""
    sequence = plan.sequence
    ranges = plan.frame_ranges()
    first = min((r[0] for r in ranges), default=sequence.start_frame)
    last = max((r[1] for r in ranges), default=sequence.start_frame - 1)
    return {
        "title": sequence.title,
        "rate": _rate_text(sequence.rate),
        "fps": float(sequence.rate),
        "start_frame": sequence.start_frame,
        "resolution": list(sequence.resolution),
        "aspect": sequence.guide_aspect,
        "first_frame": first,
        "last_frame": last,
        "set": plan.set.path,
        "performers": [p.name for p in plan.performers],
    }


def shotlist_document(plan: ShotPlan, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON shot list: schema, plan file, sequence facts and the rows."""
    return {
        "schema": SCHEMA,
        "plan": os.fspath(plan.source) if plan.source is not None else None,
        "timecode_out": "exclusive",
        "sequence": sequence_facts(plan),
        "shots": [dict(row) for row in rows],
    }


# ------------------------------------------------------------------ writers
def _fixed(decimals: int) -> Callable[[Any], str]:
    def text(value: Any) -> str:
        return "" if value is None else f"{float(value):.{decimals}f}"
    return text


def _span(low_key: str, high_key: str, decimals: int) -> Callable[[Mapping[str, Any]], str]:
    def text(row: Mapping[str, Any]) -> str:
        low, high = row[low_key], row[high_key]
        if abs(high - low) < 0.5 * 10 ** -decimals:
            return f"{low:.{decimals}f}"
        return f"{low:.{decimals}f}-{high:.{decimals}f}"
    return text


def _key(name: str, show: Callable[[Any], str] = str) -> Callable[[Mapping[str, Any]], str]:
    return lambda row: "" if row[name] is None else show(row[name])


def _joined(name: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda row: ", ".join(row[name])


#: CSV column name → how its text is made from a row.
CSV_COLUMNS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "shot": _key("id"),
    "description": _key("description"),
    "first_frame": _key("first_frame"),
    "last_frame": _key("last_frame"),
    "frames": _key("frames"),
    "seconds": _key("seconds", _fixed(3)),
    "timecode_in": _key("timecode_in"),
    "timecode_out": _key("timecode_out"),
    "handles": _key("handles"),
    "camera": lambda row: (", ".join(row["marks"]) if row["source"] == "marks"
                           else row["camera_file"] or ""),
    "body": _key("body"),
    "lens_kit": _key("lens_kit"),
    "lens": _joined("lenses"),
    "focal_mm": _span("focal_mm_min", "focal_mm_max", 1),
    "f_stop": _span("f_stop_min", "f_stop_max", 1),
    "focus_m": _key("focus_m", _fixed(2)),
    "camera_height_m": _key("camera_height_m", _fixed(2)),
    "pan_deg": _key("pan_deg", _fixed(1)),
    "tilt_deg": _key("tilt_deg", _fixed(1)),
    "subject_distance_m": _key("subject_distance_m", _fixed(2)),
    "subject": _key("subject"),
    "notes": _key("notes"),
    "tags": _joined("tags"),
}


def write_shotlist_csv(rows: Sequence[Mapping[str, Any]], target: str | os.PathLike[str]) -> Path:
    """Write the shot list as CSV (header row, then one row per shot).

    Columns are :data:`CSV_COLUMNS`; numbers have fixed decimals, a focal
    length or f-stop that changes over the shot is written ``low-high``, an
    infinite focus or unknown subject distance is blank, marks and tags are
    comma-separated in one cell. Written under a temporary name, then moved
    into place.

    Parameters
    ----------
    rows : sequence of dict
        From :func:`shot_rows`.
    target : str or path-like
        The ``.csv`` file.

    Returns
    -------
    pathlib.Path
    """
    with atomic_output(target) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([make(row) for make in CSV_COLUMNS.values()])
    return Path(target)


def write_shotlist_json(
    plan: ShotPlan, rows: Sequence[Mapping[str, Any]], target: str | os.PathLike[str]
) -> Path:
    """Write the shot list as JSON (:func:`shotlist_document`), full precision.

    Parameters
    ----------
    plan : ShotPlan
        For the sequence's facts.
    rows : sequence of dict
        From :func:`shot_rows`.
    target : str or path-like
        The ``.json`` file (written under a temporary name, then moved into place).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataFileError
        When a row holds a value JSON cannot carry (NaN or infinity).
    """
    try:
        text = json.dumps(shotlist_document(plan, rows), indent=2, allow_nan=False)
    except ValueError as error:
        raise DataFileError(f"{os.fspath(target)}: cannot write the shot list: {error}") from None
    with atomic_output(target) as stream:
        stream.write(text + "\n")
    return Path(target)
