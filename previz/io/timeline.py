"""A shot plan as an editorial timeline: OpenTimelineIO and CMX 3600 EDL.

:func:`plan_timeline` builds one video track with a clip per shot. Clips sit
where the plan puts the shots (gaps between shots become gaps on the track)
and follow one another in timeline order, which is plan order whenever the
shots' frames increase. The timeline's ``global_start_time`` is the
sequence's first frame, so record timecode equals the shot list's timecode.
A clip's ``source_range`` is the shot's frames at the sequence rate starting
on its first frame (handles are not included; they are in the metadata).

``metadata["previz"]`` holds the plan's facts on the timeline and the
shot-list row, lens and camera on each clip; a marker on a clip names each
mark the shot is keyed on, at its key frame (in the clip's source time).

The EDL (CMX 3600, through the ``otio-cmx3600-adapter`` plug-in) keeps one
track and no metadata. Its reel names are made here, not by the adapter:
at most 8 letters and digits from the shot id, or ``SH`` and the shot's number
when that would be empty or taken by another shot (the adapter would cut long
ids to 8 characters, and ``shot-0101``/``shot-0102`` would share a reel). Clip
names, marker names and the title are put on one line of printable ASCII.
Record timecode in the EDL equals the OTIO timeline's (the gap before the
first shot is written in; the adapter ignores ``global_start_time``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from previz.core.shotplan import ShotPlan
from previz.errors import FormatError, OperationError
from previz.io.files import atomic_output
from previz.io.shotlist import sequence_facts

__all__ = [
    "EDL_REEL_LENGTH",
    "check_edl_rate",
    "edl_reel_names",
    "plan_timeline",
    "write_edl",
    "write_otio",
]

#: Longest reel name a CMX 3600 event line has room for.
EDL_REEL_LENGTH = 8

_MARKER_COLOR = "GREEN"


def _otio() -> Any:
    try:
        import opentimelineio as otio
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise OperationError(f"timelines need OpenTimelineIO ({error}); install it with: "
                             f"pip install opentimelineio") from None
    return otio


def _time(frame: int, rate: Fraction) -> Any:
    return _otio().opentime.RationalTime(frame, float(rate))


def _range(first: int, count: int, rate: Fraction) -> Any:
    return _otio().opentime.TimeRange(_time(first, rate), _time(count, rate))


def edl_reel_names(shot_ids: Sequence[str]) -> list[str]:
    """Return a unique EDL reel name for each shot id.

    The letters and digits of the id (at most :data:`EDL_REEL_LENGTH`), or
    ``SH`` and the shot's 1-based number when that is empty or already taken.
    """
    taken: set[str] = set()
    names = []
    for index, shot_id in enumerate(shot_ids):
        name = re.sub(r"[^A-Za-z0-9]", "", shot_id)
        if not name or len(name) > EDL_REEL_LENGTH or name.upper() in taken:
            number = index + 1
            name = f"SH{number:03d}"
            while name.upper() in taken:
                number += len(shot_ids)
                name = f"SH{number:03d}"
        taken.add(name.upper())
        names.append(name)
    return names


def _lens_facts(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kit": row["lens_kit"],
        "lenses": list(row["lenses"]),
        "focal_mm": [row["focal_mm_min"], row["focal_mm_max"]],
        "f_stop": [row["f_stop_min"], row["f_stop_max"]],
        "focus_m": row["focus_m"],
    }


def _camera_facts(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "body": row["body"],
        "source": row["source"],
        "marks": list(row["marks"]),
        "camera_file": row["camera_file"],
        "position_m": list(row["camera_position_m"]),
        "pan_tilt_roll_deg": [row["pan_deg"], row["tilt_deg"], row["roll_deg"]],
    }


def _markers(plan: ShotPlan, shot_id: str) -> list[Any]:
    otio = _otio()
    shot = plan.shot(shot_id)
    markers = []
    for name, frame in zip(shot.marks, plan.key_frames(shot_id), strict=True):
        mark = plan.mark(name)
        markers.append(otio.schema.Marker(
            name=name,
            marked_range=_range(frame, 0, plan.sequence.rate),
            color=_MARKER_COLOR,
            metadata={"previz": {
                "mark": name, "frame": frame, "position_m": list(mark.position),
                "pan_tilt_roll_deg": list(mark.pan_tilt_roll), "focal_mm": mark.focal,
                "note": mark.note,
            }},
        ))
    return markers


def plan_timeline(
    plan: ShotPlan,
    rows: Sequence[Mapping[str, Any]],
    media: Mapping[str, str | os.PathLike[str]] | None = None,
) -> Any:
    """Build an OpenTimelineIO timeline of a plan's shots.

    Parameters
    ----------
    plan : ShotPlan
        The plan.
    rows : sequence of dict
        Its shot list, from :func:`previz.io.shotlist.shot_rows`.
    media : mapping or None
        Shot id → the shot's playblast movie; shots not in it (or all, when
        None) get a ``MissingReference``.

    Returns
    -------
    opentimelineio.schema.Timeline
        One video track named ``previz``, one clip per shot (see the module
        notes for ranges, metadata and markers).
    """
    otio = _otio()
    rate = plan.sequence.rate
    by_id = {row["id"]: row for row in rows}
    ranges = dict(zip((s.id for s in plan.shots), plan.frame_ranges(), strict=True))
    order = sorted(plan.shots, key=lambda s: ranges[s.id][0])  # stable: plan order on ties
    facts = sequence_facts(plan)
    start = min(plan.sequence.start_frame, facts["first_frame"])
    timeline = otio.schema.Timeline(
        name=plan.sequence.title or (plan.source.stem if plan.source else "previz"),
        global_start_time=_time(start, rate),
    )
    timeline.metadata["previz"] = {
        "plan": os.fspath(plan.source) if plan.source is not None else None,
        "set": plan.set.path,
        "rate": facts["rate"],
        "fps": facts["fps"],
        "resolution": facts["resolution"],
        "aspect": facts["aspect"],
        "start_frame": plan.sequence.start_frame,
        "timecode_out": "exclusive",
    }
    track = otio.schema.Track(name="previz", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    reels = dict(zip((s.id for s in plan.shots), edl_reel_names([s.id for s in plan.shots]),
                     strict=True))
    cursor = start
    for shot in order:
        first, last = ranges[shot.id]
        if first > cursor:
            track.append(otio.schema.Gap(source_range=_range(0, first - cursor, rate)))
        target = media.get(shot.id) if media else None
        reference = (otio.schema.ExternalReference(target_url=Path(target).as_posix())
                     if target is not None else otio.schema.MissingReference())
        row = by_id[shot.id]
        clip = otio.schema.Clip(name=shot.id, media_reference=reference,
                                source_range=_range(first, last - first + 1, rate))
        clip.metadata["previz"] = {"shot": dict(row), "lens": _lens_facts(row),
                                   "camera": _camera_facts(row)}
        clip.metadata["cmx_3600"] = {"reel": reels[shot.id]}
        for marker in _markers(plan, shot.id):
            clip.markers.append(marker)
        track.append(clip)
        cursor = last + 1
    return timeline


def write_otio(timeline: Any, target: str | os.PathLike[str]) -> Path:
    """Write a timeline as an ``.otio`` file (written under a temporary name, then moved)."""
    text = _otio().adapters.write_to_string(timeline, adapter_name="otio_json")
    with atomic_output(target) as stream:
        stream.write(text)
    return Path(target)


def check_edl_rate(rate: Fraction, where: str = "") -> None:
    """Raise unless ``rate`` has SMPTE timecode, which an EDL needs.

    Raises
    ------
    FormatError
        Naming the rate and the rates an EDL can use.
    """
    opentime = _otio().opentime
    try:
        opentime.to_timecode(opentime.RationalTime(0, float(rate)), float(rate))
    except ValueError:
        raise FormatError(
            f"{where}an EDL needs SMPTE timecode, which has no {float(rate):g} fps; valid: "
            f"23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60"
        ) from None


def _one_line(text: str) -> str:
    """Printable ASCII on one line (EDL comments end at a line break)."""
    cleaned = "".join(c if " " <= c <= "~" else " " for c in text)
    return " ".join(cleaned.split())


def _edl_copy(timeline: Any) -> Any:
    """A copy of the timeline with only what an EDL keeps, made EDL-safe."""
    otio = _otio()
    copy = timeline.deepcopy()
    copy.name = _one_line(copy.name)
    copy.metadata.clear()
    track = copy.tracks[0]
    start = timeline.global_start_time
    if start is not None and start.value > 0:  # record timecode starts at the sequence frame
        track.insert(0, otio.schema.Gap(source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, start.rate), start)))
    for clip in track.find_clips():
        reel = clip.metadata.get("cmx_3600", {}).get("reel")
        clip.metadata.clear()
        if reel:
            clip.metadata["cmx_3600"] = {"reel": reel}
        clip.name = _one_line(clip.name) or "unnamed"
        inside = clip.source_range
        for marker in list(clip.markers):
            time = marker.marked_range.start_time
            if not inside.start_time <= time < inside.end_time_exclusive():
                clip.markers.remove(marker)  # a key in the handles: outside the event
                continue
            marker.name = _one_line(marker.name)
            marker.metadata.clear()
    return copy


def write_edl(timeline: Any, target: str | os.PathLike[str]) -> Path:
    """Write a timeline's video track as a CMX 3600 EDL.

    Parameters
    ----------
    timeline : opentimelineio.schema.Timeline
        From :func:`plan_timeline` (one video track).
    target : str or path-like
        The ``.edl`` file (written under a temporary name, then moved into place).

    Raises
    ------
    FormatError
        When the timeline's rate has no SMPTE timecode.
    OperationError
        When the ``otio-cmx3600-adapter`` plug-in is not installed.
    """
    otio = _otio()
    start = timeline.global_start_time
    fps = start.rate if start is not None else timeline.tracks[0].duration().rate
    rate = Fraction(fps).limit_denominator(1001)
    check_edl_rate(rate, f"{os.fspath(target)}: ")
    if "cmx_3600" not in otio.adapters.available_adapter_names():
        raise OperationError(f"{os.fspath(target)}: EDL export needs the otio-cmx3600-adapter "
                             f"plug-in; install it with: pip install otio-cmx3600-adapter")
    text = otio.adapters.write_to_string(_edl_copy(timeline), adapter_name="cmx_3600",
                                         rate=float(rate))
    with atomic_output(target) as stream:
        stream.write(text)
    return Path(target)
