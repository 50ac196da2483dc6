"""`previz export`: every output of the demo plan, the format options, and bad input that
stops the export with one line, exit code 2 and nothing half-written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from click.testing import CliRunner
from PIL import Image

from export_samples import PLAN, rig_library, write_plan_folder
from previz.cli import main
from previz.core.shotplan import validate_plan
from previz.errors import OperationError
from previz.export import CAMERA_FORMATS, export_plan
from previz.io.datafiles import load_rig_library
from previz.io.plan_assets import plan_camera_path
from previz.io.registry import read
from previz.io.shotplan_toml import read_plan

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "shots" / "demo.toml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def rig_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "rigs"
    rig_library(folder)
    monkeypatch.setenv("PREVIZ_RIG_PATH", str(folder))
    return folder


def test_demo_plan_exports_everything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run("export", str(DEMO), "-o", str(out), "--size", "320x180")
    assert code == 0, stderr
    cameras = [f"cameras/{shot}.{ext}" for shot in ("010", "020", "030")
               for ext in (*CAMERA_FORMATS, "chan.json")]
    assert files(out) == sorted([
        "shotlist.csv", "shotlist.json", "timeline.otio", "timeline.edl", "storyboard.html",
        "floorplan.svg", "frames/010.png", "frames/020.png", "frames/030.png", *cameras])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left
    for line in ("shotlist.csv", "timeline.edl", "storyboard.html", "cameras"):
        assert str(out / line) in stdout
    # the frames: one per shot, at the size asked
    for shot in ("010", "020", "030"):
        with Image.open(out / "frames" / f"{shot}.png") as image:
            assert image.size == (320, 180)
    # the shot list agrees with the plan
    with open(out / "shotlist.csv", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [(r["shot"], r["first_frame"], r["last_frame"], r["timecode_in"]) for r in table] == [
        ("010", "1001", "1072", "00:00:41:17"), ("020", "1073", "1144", "00:00:44:17"),
        ("030", "1145", "1192", "00:00:47:17")]
    assert [r["focal_mm"] for r in table] == ["25.0", "32.0", "50.0"]
    document = json.loads((out / "shotlist.json").read_text())
    assert document["sequence"]["title"] == "Demo: corner walk"
    # timelines
    timeline = otio.adapters.read_from_file(str(out / "timeline.otio"))
    assert [c.name for c in timeline.find_clips()] == ["010", "020", "030"]
    edl = otio.adapters.read_from_file(str(out / "timeline.edl"), rate=24)
    assert [c.source_range.duration.to_frames() for c in edl.find_clips()] == [72, 72, 48]
    # the storyboard links its frames relatively
    html = (out / "storyboard.html").read_text()
    assert 'src="frames/010.png"' in html
    assert "<svg" in html
    # a camera file reads back as the shot's camera
    library = load_rig_library()
    plan = validate_plan(read_plan(DEMO), library)
    expected = plan_camera_path(plan, "020", library)
    for ext in ("usda", "ma", "chan", "csv"):
        path = read(out / "cameras" / f"020.{ext}", "camera-path", rate=24)
        assert len(path) == 72
        assert np.allclose(path.positions, expected.positions, atol=1e-3), ext
        assert np.allclose(path.focal_mm, expected.focal_mm, atol=1e-3), ext


def test_chosen_formats_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run("export", str(DEMO), "-o", str(out), "--format", "csv, edl,cameras",
                          "--camera-format", "usda,chan")
    assert code == 0
    assert files(out) == sorted(["shotlist.csv", "timeline.edl"] + [
        f"cameras/{s}.{e}" for s in ("010", "020", "030") for e in ("usda", "chan", "chan.json")])
    assert "(csv, edl, cameras)" in stdout


def test_existing_files_are_replaced_and_others_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "shotlist.csv").write_text("old")
    (out / "mine.txt").write_text("keep")
    assert run("export", str(DEMO), "-o", str(out), "--format", "csv")[0] == 0
    assert (out / "shotlist.csv").read_text().startswith("shot,description,")
    assert (out / "mine.txt").read_text() == "keep"


def one_line_error(code: int, stdout: str, stderr: str) -> str:
    assert (code, stdout) == (2, "")
    assert stderr.count("\n") == 1
    assert stderr.startswith("previz: error: ")
    return stderr


def test_missing_camera_file_leaves_nothing(tmp_path: Path, rig_env: Path) -> None:
    plan = write_plan_folder(tmp_path / "plan")
    text = plan.read_text().replace('id = "020"\ndescription = "Push in"\nmarks = ["A", "B"]\n'
                                    'keys = [0, 23]', 'id = "020"\ncamera = "lost.json"')
    plan.write_text(text)
    out = tmp_path / "out"
    message = one_line_error(*run("export", str(plan), "-o", str(out), "--size", "64x36"))
    assert f"{plan}: shots[1].camera: camera file not found: " in message
    assert "lost.json" in message
    assert not out.exists()


def test_camera_file_shorter_than_its_shot(tmp_path: Path, rig_env: Path) -> None:
    # 7 frames: 0.25 s from first to last, exact in the file's nanoseconds (see the report on
    # ShotPlan.camera_path counting 6 frames as 5 when the span is rounded to nanoseconds)
    plan = write_plan_folder(tmp_path / "plan", camera_frames=7)
    out = tmp_path / "out"
    out.mkdir()
    message = one_line_error(*run("export", str(plan), "-o", str(out)))
    assert f"{plan}: shots[2].camera: cam.json gives 7 frames at 24 fps; the shot needs 12" \
        in message
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(("old", "new", "message"), [
    ('path = "builtin:demo"', 'path = "sets/none.obj"', "set.path: set file not found"),
    ('take = "standin.bvh"', 'take = "none.bvh"', "performers[0].take: take file not found"),
    ("focal = 50.0", "focal = 300.0",
     "marks[1].focal: 300 mm is outside the range of lens kit 'test-zoom'"),
    ('lens_kit = "test-zoom"', 'lens_kit = "nope"', "camera.lens_kit: unknown lens kit 'nope'"),
    ("frame_range = [1100, 1111]", "frame_range = [1040, 1051]",
     "shots[2].frame_range: shot '030' (frames 1040-1051) overlaps shot '020'"),
    ("frame_range = [1100, 1111]", "frame_range = [1111, 1100]",
     "shots[2].frame_range: expected [first, last] with first <= last, found [1111, 1100]"),
    ("frame_range = [1100, 1111]", "frame_range = [-5, 3]",
     "shots[2].frame_range: expected two whole numbers >= 0, found [-5, 3]"),
    ("frames = 24\nhandles = 4", "frames = 0\nhandles = 4", "shots[0].frames: expected"),
])
def test_bad_input_is_one_line(tmp_path: Path, rig_env: Path, old: str, new: str,
                               message: str) -> None:
    assert old in PLAN
    plan = write_plan_folder(tmp_path / "plan", PLAN.replace(old, new))
    out = tmp_path / "out"
    error = one_line_error(*run("export", str(plan), "-o", str(out)))
    assert message in error
    assert str(plan) in error
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "csv,pdf"), "export format 'pdf' is unknown; valid: csv, json, otio, edl, "
                              "html, cameras"),
    (("--format", "cameras", "--camera-format", "fbx"), "camera format 'fbx' is unknown; valid: "
                                                        "json, jsonl, csv, chan, usda, usdc, ma"),
    (("--format", "csv", "--camera-format", "usda"), "'cameras' is not among the export formats"),
    (("--size", "big"), "--size: expected WIDTHxHEIGHT"),
])
def test_bad_options(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    out = tmp_path / "out"
    error = one_line_error(*run("export", str(DEMO), "-o", str(out), *args))
    assert message in error
    assert not out.exists()


def test_edl_needs_a_timecode_rate(tmp_path: Path, rig_env: Path) -> None:
    plan = write_plan_folder(tmp_path / "plan", PLAN.replace("rate = 24", "rate = 12"))
    out = tmp_path / "out"
    error = one_line_error(*run("export", str(plan), "-o", str(out)))
    assert f"{plan}: sequence.rate: an EDL needs SMPTE timecode, which has no 12 fps" in error
    assert run("export", str(plan), "-o", str(out), "--format", "csv,otio")[0] == 0
    assert files(out) == ["shotlist.csv", "timeline.otio"]


def test_a_failure_midway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import previz.io.storyboard as storyboard

    def broken(*_args: object, **_kwargs: object) -> Path:
        raise OperationError("storyboard.html: cannot write: disk full")

    monkeypatch.setattr(storyboard, "write_storyboard", broken)
    out = tmp_path / "out"
    out.mkdir()
    (out / "shotlist.csv").write_text("old")
    calls: list[int] = []
    with pytest.raises(OperationError, match="disk full"):
        export_plan(DEMO, out, size=(64, 36), progress=calls.append)
    assert calls == [1, 1, 1]  # the frames were rendered (and the shot list written) first
    assert files(out) == ["shotlist.csv"]  # nothing new, no staging folder
    assert (out / "shotlist.csv").read_text() == "old"
    assert list(out.iterdir()) == [out / "shotlist.csv"]
    fresh = tmp_path / "fresh"
    with pytest.raises(OperationError):
        export_plan(DEMO, fresh, formats=["csv", "html"], size=(64, 36))
    assert not fresh.exists()  # created by the export, and removed again


def test_a_file_in_the_way(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "frames").write_text("a file where the frames folder goes")
    error = one_line_error(*run("export", str(DEMO), "-o", str(out), "--format", "csv,html",
                                "--size", "64x36"))
    assert f"{out / 'frames'}: is a file; the export needs a folder there" in error
    assert files(out) == ["frames"]


def test_a_broken_take_is_one_line(tmp_path: Path, rig_env: Path) -> None:
    plan = write_plan_folder(tmp_path / "plan")
    (tmp_path / "plan" / "standin.bvh").write_text("HIERARCHY\nROOT Hips\n{\n")
    out = tmp_path / "out"
    error = one_line_error(*run("export", str(plan), "-o", str(out), "--format", "csv"))
    assert f"{plan}: performers[0].take: " in error
    assert "standin.bvh" in error
    assert not out.exists()
