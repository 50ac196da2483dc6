"""Timelines: clips, gaps, record and source timecode, metadata and markers, read back
from .otio and from a CMX 3600 EDL."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from opentimelineio import opentime

from export_samples import PLAN, rig_library, write_plan_folder
from previz.core.rig import RigLibrary
from previz.core.shotplan import ShotPlan, validate_plan
from previz.errors import FormatError
from previz.io.shotlist import shot_rows
from previz.io.shotplan_toml import read_plan
from previz.io.timeline import (
    check_edl_rate,
    edl_reel_names,
    plan_timeline,
    write_edl,
    write_otio,
)

EVENT = re.compile(r"^(\d{3})\s+(\S+)\s+V\s+C\s+(\S+) (\S+) (\S+) (\S+)$")


@pytest.fixture
def library(tmp_path: Path) -> RigLibrary:
    return rig_library(tmp_path / "rigs")


def load(tmp_path: Path, library: RigLibrary, text: str = PLAN) -> tuple[ShotPlan, list[dict]]:
    plan = validate_plan(read_plan(write_plan_folder(tmp_path / "plan", text)), library)
    return plan, shot_rows(plan, library)


def tc(frame: int, rate: float = 24) -> str:
    return opentime.to_timecode(opentime.RationalTime(frame, rate), rate)


def events(path: Path) -> list[tuple[str, ...]]:
    found = []
    for line in path.read_text().splitlines():
        match = EVENT.match(line)
        if match:
            found.append(match.groups())
    return found


def test_clips_and_gaps(tmp_path: Path, library: RigLibrary) -> None:
    plan, rows = load(tmp_path, library)
    timeline = plan_timeline(plan, rows)
    assert len(timeline.tracks) == 1
    track = timeline.tracks[0]
    assert track.kind == otio.schema.TrackKind.Video
    assert timeline.global_start_time == opentime.RationalTime(1001, 24)
    kinds = [type(item).__name__ for item in track]
    assert kinds == ["Clip", "Clip", "Gap", "Clip"]  # 020 ends on 1048, 030 starts on 1100
    assert track[2].duration() == opentime.RationalTime(51, 24)
    clips = list(track.find_clips())
    assert [c.name for c in clips] == ["010", "020", "030"]
    for clip, row in zip(clips, rows, strict=True):
        assert clip.source_range == opentime.TimeRange(
            opentime.RationalTime(row["first_frame"], 24), opentime.RationalTime(row["frames"], 24))
        record = clip.range_in_parent().start_time + timeline.global_start_time
        assert record.to_frames() == row["first_frame"]
        assert isinstance(clip.media_reference, otio.schema.MissingReference)


def test_metadata_and_markers(tmp_path: Path, library: RigLibrary) -> None:
    plan, rows = load(tmp_path, library)
    timeline = plan_timeline(plan, rows)
    facts = timeline.metadata["previz"]
    assert (facts["plan"], facts["set"], facts["rate"], facts["fps"]) == (
        str(plan.source), "builtin:demo", "24", 24.0)
    assert list(facts["resolution"]) == [1920, 1080]
    wide, push, recorded = timeline.find_clips()
    shot = dict(push.metadata["previz"]["shot"])
    assert (shot["id"], shot["focal_mm_min"], shot["focal_mm_max"]) == ("020", 25.0, 50.0)
    lens = push.metadata["previz"]["lens"]
    assert (lens["kit"], list(lens["focal_mm"]), list(lens["lenses"])) == (
        "test-zoom", [25.0, 50.0], ["24-290mm T2.8"])
    camera = wide.metadata["previz"]["camera"]
    assert (camera["body"], list(camera["marks"])) == ("test-cam:16x9", ["A"])
    assert list(camera["position_m"]) == pytest.approx([0.0, -6.0, 1.6])
    assert [(m.name, m.marked_range.start_time.to_frames()) for m in push.markers] == [
        ("A", 1025), ("B", 1048)]
    assert [m.name for m in wide.markers] == ["A"]
    assert push.markers[1].metadata["previz"]["focal_mm"] == 50.0
    assert list(recorded.markers) == []


def test_media_references(tmp_path: Path, library: RigLibrary) -> None:
    plan, rows = load(tmp_path, library)
    timeline = plan_timeline(plan, rows, media={"020": tmp_path / "pb" / "020.mov"})
    clips = list(timeline.find_clips())
    assert clips[1].media_reference.target_url == (tmp_path / "pb" / "020.mov").as_posix()
    assert isinstance(clips[0].media_reference, otio.schema.MissingReference)


def test_otio_reads_back(tmp_path: Path, library: RigLibrary) -> None:
    plan, rows = load(tmp_path, library)
    target = write_otio(plan_timeline(plan, rows), tmp_path / "cut.otio")
    back = otio.adapters.read_from_file(str(target))
    clips = list(back.find_clips())
    assert [c.name for c in clips] == ["010", "020", "030"]
    assert [c.source_range.duration.to_frames() for c in clips] == [24, 24, 12]
    assert [c.source_range.start_time.to_frames() for c in clips] == [1001, 1025, 1100]
    assert back.global_start_time.to_frames() == 1001
    assert dict(clips[0].metadata["previz"]["shot"])["timecode_out"] == "00:00:42:17"
    assert clips[0].metadata["previz"]["shot"]["subject_distance_m"] == pytest.approx(
        rows[0]["subject_distance_m"], rel=1e-15)
    assert [m.name for m in clips[1].markers] == ["A", "B"]
    assert back.metadata["previz"]["rate"] == "24"


def test_edl_reads_back(tmp_path: Path, library: RigLibrary) -> None:
    plan, rows = load(tmp_path, library)
    target = write_edl(plan_timeline(plan, rows), tmp_path / "cut.edl")
    text = target.read_text()
    assert text.startswith("TITLE: Export test\n")
    found = events(target)
    assert len(found) == 3
    for (number, reel, src_in, src_out, rec_in, rec_out), row, index in zip(
            found, rows, range(1, 4), strict=True):
        assert int(number) == index
        assert reel == row["id"]
        # source = the shot's own frames; record = where it sits on the sequence
        assert (src_in, src_out) == (row["timecode_in"], row["timecode_out"])
        assert (rec_in, rec_out) == (row["timecode_in"], row["timecode_out"])
    assert "previz" not in text  # no metadata
    assert "subject" not in text
    assert f"* LOC: {tc(1048)} GREEN   B" in text
    back = otio.adapters.read_from_file(str(target), rate=24)
    clips = list(back.find_clips())
    assert [c.name for c in clips] == ["010", "020", "030"]
    assert [c.source_range.start_time.to_frames() for c in clips] == [1001, 1025, 1100]
    assert [c.source_range.duration.to_frames() for c in clips] == [24, 24, 12]
    starts = [c.range_in_parent().start_time.to_frames() for c in clips]
    assert [s - starts[0] for s in starts] == [0, 24, 99]  # the gap is kept
    assert [m.name for m in clips[1].markers] == ["A", "B"]


def test_edl_keeps_only_marks_inside_the_event(tmp_path: Path, library: RigLibrary) -> None:
    text = PLAN.replace("keys = [0, 23]", "keys = [-2, 23]\nhandles = 4")
    plan, rows = load(tmp_path, library, text)
    timeline = plan_timeline(plan, rows)
    push = list(timeline.find_clips())[1]
    assert [m.marked_range.start_time.to_frames() for m in push.markers] == [1023, 1048]
    edl = write_edl(timeline, tmp_path / "cut.edl").read_text()
    assert f"LOC: {tc(1023)}" not in edl
    assert f"LOC: {tc(1048)}" in edl
    assert len(list(timeline.find_clips())[1].markers) == 2  # the timeline is not changed


def test_edl_safe_names(tmp_path: Path, library: RigLibrary) -> None:
    text = (PLAN.replace('id = "010"', 'id = "sequence-0010-shot-A"')
            .replace('id = "020"', 'id = "sequence-0010-shot-B"')
            .replace('id = "030"', 'id = "  two\\nlines «é»"')
            .replace('title = "Export test"', 'title = "Cut\\nTWO"'))
    plan, rows = load(tmp_path, library, text)
    target = write_edl(plan_timeline(plan, rows), tmp_path / "cut.edl")
    content = target.read_text()
    assert content.startswith("TITLE: Cut TWO\n")
    reels = [event[1] for event in events(target)]
    assert reels == ["SH001", "SH002", "twolines"]
    assert all(len(r) <= 8 and r.isalnum() for r in reels)
    assert "* FROM CLIP NAME:  sequence-0010-shot-A\n" in content
    assert "* FROM CLIP NAME:  two lines \n" not in content
    assert "* FROM CLIP NAME:  two lines" in content
    assert content.isascii()
    names = [c.name for c in otio.adapters.read_from_file(str(target), rate=24).find_clips()]
    assert names == ["sequence-0010-shot-A", "sequence-0010-shot-B", "two lines"]


def test_reel_names() -> None:
    assert edl_reel_names(["010", "010a", "shot_0101", "", "a-b", "AB", "123456789"]) == [
        "010", "010a", "shot0101", "SH004", "ab", "SH006", "SH007"]


@pytest.mark.parametrize("rate", [Fraction(12), Fraction(120), Fraction(15)])
def test_edl_needs_smpte_rates(rate: Fraction) -> None:
    with pytest.raises(FormatError, match=r"plan.toml: an EDL needs SMPTE timecode, which has no"):
        check_edl_rate(rate, "plan.toml: ")


@pytest.mark.parametrize("rate", [Fraction(24000, 1001), Fraction(25), Fraction(30000, 1001)])
def test_edl_at_broadcast_rates(tmp_path: Path, library: RigLibrary, rate: Fraction) -> None:
    spelled = {Fraction(24000, 1001): '"23.976"', Fraction(25): "25",
               Fraction(30000, 1001): '"29.97"'}[rate]
    plan, rows = load(tmp_path, library, PLAN.replace("rate = 24", f"rate = {spelled}"))
    target = write_edl(plan_timeline(plan, rows), tmp_path / "cut.edl")
    found = events(target)
    assert [(e[4], e[5]) for e in found] == [(r["timecode_in"], r["timecode_out"]) for r in rows]
    assert found[0][4] == tc(1001, float(rate))
