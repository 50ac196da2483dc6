"""Shot lists: frames, timecode, lens and camera facts per shot, CSV and JSON."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from opentimelineio import opentime

from export_samples import CHEST, PLAN, rig_library, write_plan_folder
from previz.core.rig import RigLibrary
from previz.core.shotplan import ShotPlan, validate_plan
from previz.io.shotlist import (
    CSV_COLUMNS,
    SCHEMA,
    chest_position,
    shot_rows,
    write_shotlist_csv,
    write_shotlist_json,
)
from previz.io.shotplan_toml import read_plan


@pytest.fixture
def library(tmp_path: Path) -> RigLibrary:
    return rig_library(tmp_path / "rigs")


def load(tmp_path: Path, library: RigLibrary, text: str = PLAN) -> ShotPlan:
    return validate_plan(read_plan(write_plan_folder(tmp_path / "plan", text)), library)


@pytest.fixture
def rows(tmp_path: Path, library: RigLibrary) -> list[dict]:
    return shot_rows(load(tmp_path, library), library)


def test_frames_and_timecode(rows: list[dict]) -> None:
    assert [r["id"] for r in rows] == ["010", "020", "030"]
    ranges = [(r["first_frame"], r["last_frame"], r["frames"], r["seconds"]) for r in rows]
    assert ranges == [(1001, 1024, 24, 1.0), (1025, 1048, 24, 1.0), (1100, 1111, 12, 0.5)]
    # frame 1001 at 24 fps is 41 s + 17 frames; out is exclusive: the frame after the last
    assert (rows[0]["timecode_in"], rows[0]["timecode_out"]) == ("00:00:41:17", "00:00:42:17")
    for row in rows:
        assert row["timecode_in"] == opentime.to_timecode(
            opentime.RationalTime(row["first_frame"], 24), 24)
        assert row["timecode_out"] == opentime.to_timecode(
            opentime.RationalTime(row["last_frame"] + 1, 24), 24)
    assert [r["handles"] for r in rows] == [4, 0, 0]


@pytest.mark.parametrize(("rate", "first", "tc_in", "tc_out"), [
    ('"23.976"', 1001, "00:00:41:17", "00:00:42:17"),
    ("25", 1001, "00:00:40:01", "00:00:41:00"),  # 1025 = 41 s at 25 fps
    ('"29.97"', 1800, "00:01:00;02", "00:01:00;26"),  # drop-frame: 1800 is 00:01:00;02
])
def test_timecode_at_other_rates(tmp_path: Path, library: RigLibrary, rate: str, first: int,
                                 tc_in: str, tc_out: str) -> None:
    text = PLAN.replace("rate = 24", f"rate = {rate}").replace("start_frame = 1001",
                                                               f"start_frame = {first}")
    text = text.replace("frame_range = [1100, 1111]", "frames = 12")
    plan = load(tmp_path, library, text)
    row = shot_rows(plan, library)[0]
    fps = float(plan.sequence.rate)
    assert (row["timecode_in"], row["timecode_out"]) == (tc_in, tc_out)
    assert row["timecode_in"] == opentime.to_timecode(opentime.RationalTime(first, fps), fps)
    assert row["seconds"] == pytest.approx(24 / fps, rel=1e-12)


def test_lens_and_camera_facts(rows: list[dict]) -> None:
    wide, push, recorded = rows
    assert (wide["body"], wide["lens_kit"], wide["lenses"]) == (
        "test-cam:16x9", "test-zoom", ["24-290mm T2.8"])
    assert (wide["focal_mm_min"], wide["focal_mm_max"]) == (25.0, 25.0)
    assert (push["focal_mm_min"], push["focal_mm_max"]) == (25.0, 50.0)  # the zoom
    assert (push["f_stop_min"], push["f_stop_max"]) == (2.8, 4.0)
    assert wide["camera_height_m"] == pytest.approx(1.6, abs=1e-12)
    assert wide["tilt_deg"] == pytest.approx(-3.0, abs=1e-9)
    assert wide["pan_deg"] == pytest.approx(0.0, abs=1e-9)
    assert wide["camera_position_m"] == pytest.approx([0.0, -6.0, 1.6])
    assert (wide["source"], wide["marks"], wide["camera_file"]) == ("marks", ["A"], None)
    assert (recorded["source"], recorded["camera_file"]) == ("camera", "cam.json")
    assert recorded["camera_height_m"] == pytest.approx(1.5)
    assert (recorded["focal_mm_min"], recorded["focus_m"]) == (35.0, 6.0)
    assert (wide["notes"], wide["tags"]) == ("locked off", ["wide", "day"])


def test_subject_distance_is_to_the_nearest_chest(rows: list[dict]) -> None:
    # sqrt(2² + 9² + 0.2²): mark A at (0, -6, 1.6), chest at (2, 3, 1.4)
    assert rows[0]["subject_distance_m"] == pytest.approx(math.sqrt(85.04), rel=1e-9)
    assert rows[0]["subject"] == "stand-in"
    # the recorded camera starts at (0, -8, 1.5)
    assert rows[2]["subject_distance_m"] == pytest.approx(math.sqrt(4 + 121 + 0.01), rel=1e-9)


@pytest.mark.parametrize(("joint", "height"), [
    ("Chest", 1.4), ("UpperChest", 1.4), ("Spine1", 1.4),  # a chest, else the last spine joint
    ("Neck", 1.35),  # neither: 0.35 m above the root (hips 1 m up)
])
def test_chest_joint_choice(tmp_path: Path, library: RigLibrary, joint: str,
                            height: float) -> None:
    from export_samples import STANDIN_BVH
    from previz.io.plan_assets import plan_takes

    plan = load(tmp_path, library)
    (tmp_path / "plan" / "standin.bvh").write_text(STANDIN_BVH.replace("Chest", joint))
    (take,) = plan_takes(plan)
    assert chest_position(take, 0.0) == pytest.approx([CHEST[0], CHEST[1], height])


def test_without_performer_the_focus_distance(tmp_path: Path, library: RigLibrary) -> None:
    start = PLAN.index("[[performers]]")
    text = PLAN[:start] + PLAN[PLAN.index("[[marks]]"):]
    rows = shot_rows(load(tmp_path, library, text), library)
    assert (rows[0]["subject_distance_m"], rows[0]["subject"]) == (4.5, "focus")
    # mark B's focus is infinite, but 020 starts on mark A
    assert rows[1]["subject_distance_m"] == 4.5
    no_focus = text.replace("focus = 4.5\n", "")
    rows = shot_rows(load(tmp_path, library, no_focus), library)
    assert (rows[0]["subject_distance_m"], rows[0]["subject"], rows[0]["focus_m"]) == (
        None, None, None)


def test_csv_is_rounded_for_people(tmp_path: Path, rows: list[dict]) -> None:
    target = write_shotlist_csv(rows, tmp_path / "shots.csv")
    with open(target, newline="") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == list(CSV_COLUMNS)
    wide, push, recorded = table
    assert (wide["shot"], wide["first_frame"], wide["last_frame"], wide["frames"]) == (
        "010", "1001", "1024", "24")
    assert (wide["seconds"], wide["timecode_out"], wide["handles"]) == ("1.000", "00:00:42:17",
                                                                        "4")
    assert (wide["focal_mm"], push["focal_mm"], push["f_stop"]) == ("25.0", "25.0-50.0",
                                                                    "2.8-4.0")
    assert (wide["camera_height_m"], wide["tilt_deg"], wide["subject_distance_m"]) == (
        "1.60", "-3.0", "9.22")
    assert (wide["camera"], push["camera"], recorded["camera"]) == ("A", "A, B", "cam.json")
    assert (wide["lens"], wide["tags"], wide["notes"]) == ("24-290mm T2.8", "wide, day",
                                                           "locked off")


def test_csv_blanks(tmp_path: Path, rows: list[dict]) -> None:
    rows[0].update(subject_distance_m=None, subject=None, focus_m=None)
    with open(write_shotlist_csv(rows, tmp_path / "s.csv"), newline="") as handle:
        first = next(csv.DictReader(handle))
    assert (first["subject_distance_m"], first["subject"], first["focus_m"]) == ("", "", "")


def test_json_has_full_precision_and_the_sequence(tmp_path: Path, library: RigLibrary) -> None:
    plan = load(tmp_path, library)
    rows = shot_rows(plan, library)
    document = json.loads(write_shotlist_json(plan, rows, tmp_path / "s.json").read_text())
    assert document["schema"] == SCHEMA
    assert document["plan"] == str(plan.source)
    assert document["timecode_out"] == "exclusive"
    sequence = document["sequence"]
    assert (sequence["title"], sequence["rate"], sequence["fps"]) == ("Export test", "24", 24.0)
    assert (sequence["resolution"], sequence["first_frame"], sequence["last_frame"]) == (
        [1920, 1080], 1001, 1111)
    assert (sequence["set"], sequence["performers"]) == ("builtin:demo", ["stand-in"])
    assert document["shots"] == rows  # every number exactly as computed, not rounded
    assert document["shots"][0]["subject_distance_m"] == pytest.approx(math.sqrt(85.04),
                                                                       rel=1e-15)


def test_rows_are_json_ready(rows: list[dict]) -> None:
    json.dumps(rows, allow_nan=False)
    assert all(np.isfinite(r["focal_mm_min"]) for r in rows)
