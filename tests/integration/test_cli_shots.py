"""`previz shots validate` and `previz shots list`: outputs, numbers and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from previz.cli import main
from previz.core.camera_path import CameraPath
from previz.io.opentrackio_json import write_json
from previz.io.plan_assets import plan_camera_path
from rig_samples import CAMERA, PRIMES, SUPPORT

REPO = Path(__file__).resolve().parents[2]

PLAN = """\
# two shots from marks, one from a recorded camera
schema = "previz.shotplan/1"

[sequence]
title = "Chase"
rate = 24
resolution = [1920, 1080]

[set]
path = "builtin:demo"

[camera]
body = "test-cam:16x9"
lens_kit = "test-primes"

[[marks]]
name = "A"
position = [0.0, -5.0, 1.6]
focal = 25

[[marks]]
name = "B"
position = [1.0, -3.0, 1.6]
pan = 20
focal = 50

[[shots]]
id = "010"
description = "Wide"
marks = ["A", "B"]
frames = 48
handles = 8
notes = "push in"

[[shots]]
id = "020"
camera = "cam.json"
camera_trim = [1001, 1040]
frames = 12

[[shots]]
id = "030"
marks = ["B"]
frame_range = [1100, 1123]
"""


@pytest.fixture
def rig_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "rigs"
    folder.mkdir()
    for name, text in (("cam", CAMERA), ("primes", PRIMES), ("dolly", SUPPORT)):
        (folder / f"{name}.toml").write_text(text)
    monkeypatch.setenv("PREVIZ_RIG_PATH", str(folder))
    return folder


@pytest.fixture
def plan(tmp_path: Path, rig_folder: Path) -> Path:
    times = np.arange(49) / 24
    move = CameraPath.from_pan_tilt_roll(times, np.column_stack([times, 0 * times, 0 * times]),
                                         np.zeros((49, 3)), focal_mm=32.0, rate=24)
    write_json(move, tmp_path / "cam.json")
    path = tmp_path / "plan.toml"
    path.write_text(PLAN)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_ok(plan: Path) -> None:
    assert run("shots", "validate", str(plan)) == (0, "ok: 3 shots, 2 marks\n", "")


def test_demo_plan_validates() -> None:
    code, out, err = run("shots", "validate", str(REPO / "shots" / "demo.toml"))
    assert (code, err) == (0, "")
    assert out.startswith("ok: 3 shots, 4 marks")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("focal = 50", "focal = 27",
     "plan.toml: marks[1].focal: 27 mm is not in lens kit 'test-primes'; valid: 25mm T2, 50mm"),
    ('body = "test-cam:16x9"', 'body = "alexa"',
     "plan.toml: camera.body: unknown camera body 'alexa'"),
    ('marks = ["B"]', 'marks = ["C"]', "plan.toml: shots[2].marks[0]: unknown mark 'C'"),
    ("frame_range = [1100, 1123]", "frame_range = [1040, 1123]",
     "plan.toml: shots[2].frame_range: shot '030' (frames 1040-1123) overlaps shot '010'"),
    ('notes = "push in"', 'notes = "push in"\ncolour = "red"',
     "plan.toml: shots[0].colour: unknown key; valid keys: id,"),
    ('camera = "cam.json"', 'camera = "lost.json"', "plan.toml: shots[1].camera: camera file "
                                                    "not found"),
])
def test_validate_reports_one_error_line(plan: Path, old: str, new: str, message: str) -> None:
    plan.write_text(PLAN.replace(old, new))
    code, out, err = run("shots", "validate", str(plan))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("previz: error: ")
    assert message in err


def test_validate_missing_file(tmp_path: Path) -> None:
    code, _out, err = run("shots", "validate", str(tmp_path / "none.toml"))
    assert code == 2
    assert "none.toml: no such file" in err


def test_list_json_numbers(plan: Path) -> None:
    code, out, _err = run("shots", "list", str(plan), "--json")
    assert code == 0
    facts = json.loads(out)
    assert (facts["title"], facts["rate"], facts["fps"], facts["start_frame"]) == (
        "Chase", "24", 24.0, 1001)
    shots = {row["id"]: row for row in facts["shots"]}
    assert [row["id"] for row in facts["shots"]] == ["010", "020", "030"]
    first = shots["010"]
    assert (first["first_frame"], first["last_frame"], first["duration"], first["handles"]) == (
        1001, 1048, 48, 8)
    # frame 1001 at 24 fps is 41 s 17 frames; out is the frame after the last (1049)
    assert (first["timecode_in"], first["timecode_out"]) == ("00:00:41:17", "00:00:43:17")
    assert (first["marks"], first["focal_mm"], first["notes"]) == (["A", "B"], 25.0, "push in")
    second = shots["020"]
    assert (second["first_frame"], second["last_frame"], second["focal_mm"]) == (1049, 1060, None)
    assert second["source"] == "camera cam.json [1001-1040]"
    assert (shots["030"]["first_frame"], shots["030"]["duration"]) == (1100, 24)
    assert shots["030"]["timecode_in"] == "00:00:45:20"


def test_list_text(plan: Path) -> None:
    code, out, _err = run("shots", "list", str(plan))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Chase: 3 shots at 24 fps, 1920x1080"
    assert lines[2].split() == ["010", "1001-1048", "48", "8", "00:00:41:17", "00:00:43:17",
                                "25mm", "marks", "A,", "B", "Wide", "(push", "in)"]
    assert lines[3].split()[:8] == ["020", "1049-1060", "12", "0", "00:00:43:17", "00:00:44:05",
                                    "file", "camera"]


def test_list_refuses_an_invalid_plan(plan: Path) -> None:
    plan.write_text(PLAN.replace("frames = 48", "frames = 0"))
    code, out, err = run("shots", "list", str(plan))
    assert (code, out) == (2, "")
    assert "shots[0].frames: expected a whole number >= 1, found 0" in err


# ------------------------------------------------------------ shots camera
def test_camera_makes_a_recorded_path_the_shots_camera(plan: Path) -> None:
    takes = plan.parent / "takes"
    takes.mkdir()
    times = np.arange(97) / 24
    take = CameraPath.from_pan_tilt_roll(times, np.column_stack([2 * times, 0 * times, 0 * times]),
                                         np.zeros((97, 3)), focal_mm=40.0, rate=24)
    write_json(take, takes / "030_001.json")
    code, out, err = run("shots", "camera", str(plan), "030", str(takes / "030_001.json"),
                         "--trim", "1011,1060")
    assert (code, err) == (0, "")
    assert out == (f"{plan}: shot 030 camera = takes/030_001.json frames 1011-1060 "
                   f"(was marks B)\n")
    text = plan.read_text()
    assert text.startswith("# two shots from marks, one from a recorded camera\n")  # kept
    assert 'marks = ["B"]' not in text and 'marks = ["A", "B"]' in text  # noqa: PT018
    from previz.io.datafiles import load_rig_library
    from previz.io.shotplan_toml import read_plan

    saved = read_plan(plan)
    shot = saved.shot("030")
    assert (shot.camera, shot.camera_trim, shot.marks, shot.frame_range) == (
        "takes/030_001.json", (1011, 1060), (), (1100, 1123))
    path = plan_camera_path(saved, "030", load_rig_library())
    # The shot's first frame is the file's frame 1011: x = 2 m/s * 10/24 s.
    assert (path.start_frame, len(path)) == (1100, 24)
    np.testing.assert_allclose(path.positions[:, 0], 2 * (10 + np.arange(24)) / 24, atol=2e-6)
    assert {m.name for m in saved.marks} == {"A", "B"}  # the marks stay in the plan
    assert run("shots", "validate", str(plan))[0] == 0


@pytest.mark.parametrize(("shot", "trim", "message"), [
    ("030", "1040,1047", "plan.toml: shots[2].camera: cam.json gives 8 frames at 24 fps after "
                         "camera_trim; the shot needs 24"),
    ("030", "900,1000", "plan.toml: shots[2].camera_trim: frames 900-1000 are outside"),
    ("999", None, "plan.toml: no shot '999'; valid: 010, 020, 030"),
    ("030", "1.5,3", "--trim 1.5,3: expected two whole frame numbers FIRST,LAST"),
])
def test_camera_refuses_what_does_not_fit_and_writes_nothing(
    plan: Path, shot: str, trim: str | None, message: str
) -> None:
    before = plan.read_bytes()
    args = ["shots", "camera", str(plan), shot, str(plan.parent / "cam.json")]
    code, out, err = run(*args, *(["--trim", trim] if trim else []))
    assert (code, out) == (2, "")
    assert err.startswith("previz: error: ") and err.count("\n") == 1  # noqa: PT018
    assert message in err
    assert plan.read_bytes() == before
    code, _out, err = run("shots", "camera", str(plan), "030", str(plan.parent / "lost.vtake"))
    assert (code, err) == (2, f"previz: error: {plan.parent / 'lost.vtake'}: no such camera "
                              f"file\n")
