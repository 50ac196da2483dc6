"""`previz demo`: the whole pipeline on built-in data, every output read back for real."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from click.testing import CliRunner

import previz
from previz.cli import main
from previz.demo import DEMO_SHOT
from previz.io.plan_assets import plan_camera_path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("demo") / "out"
    result = CliRunner().invoke(main, ["demo", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    return folder, result.output


def test_demo_prints_where_every_output_is(demo: tuple[Path, str]) -> None:
    folder, out = demo
    for name in ("performer.bvh", "plan.toml", "takes/handheld.vtake", "shotlist.csv",
                 "shotlist.json", "timeline.otio", "timeline.edl", "storyboard.html",
                 "floorplan.svg", "stills", "cameras", "playblasts/040.mp4"):
        assert (folder / name).exists(), name
        assert str(folder / name) in out, name
    assert not list(folder.rglob(".*partial*"))  # nothing half-written left behind


def test_demo_performer_round_trips(demo: tuple[Path, str]) -> None:
    folder, _ = demo
    take = previz.read_take(folder / "performer.bvh")
    assert (take.frame_count, take.rate) == (2400, 120)
    with np.load(folder / "performer_positions.npz") as data:
        assert np.array_equal(data["positions"], take.world_positions())


def test_demo_camera_was_recorded_live_and_drives_its_shot(demo: tuple[Path, str]) -> None:
    from previz.io.datafiles import load_rig_library
    from previz.io.shotplan_toml import read_plan
    from previz.live.journal import read_take_file

    folder, _ = demo
    take = read_take_file(folder / "takes" / "handheld.vtake")
    assert take.complete
    assert not take.recovered
    assert take.header["device"] == "previz"
    assert len(take.samples) > 250
    assert take.rate == pytest.approx(60.0, rel=0.05)  # sent in real time at 60 Hz
    ids = take.samples["sample_id"]
    assert np.array_equal(ids, np.arange(1, len(ids) + 1))  # nothing lost or reordered
    raw, filtered = take.samples["raw_position"], take.samples["position"]
    assert 0 < np.abs(raw - filtered).max() < 0.2  # filtered, not replaced
    plan = read_plan(folder / "plan.toml")
    path = plan_camera_path(plan, DEMO_SHOT, load_rig_library())
    assert len(path) == 96
    assert path.focal_mm[0] == pytest.approx(25.0)


def test_demo_exports_read_back(demo: tuple[Path, str]) -> None:
    folder, _ = demo
    timeline = otio.adapters.read_from_file(str(folder / "timeline.otio"))
    clips = list(timeline.find_clips())
    assert [c.name for c in clips] == ["010", "020", "030", "040"]
    edl = otio.adapters.read_from_file(str(folder / "timeline.edl"), rate=24)
    assert len(list(edl.find_clips())) == 4
    rows = json.loads((folder / "shotlist.json").read_text())
    assert [r["id"] for r in rows["shots"]] == ["010", "020", "030", "040"]
    stills = sorted(p.name for p in (folder / "stills").iterdir())
    assert len(stills) == 8
    html = (folder / "storyboard.html").read_text()
    assert "Handheld follow round the corner" in html
    assert len(list((folder / "cameras").glob("040.*"))) >= 7


def test_demo_playblast_movie_has_every_frame(demo: tuple[Path, str]) -> None:
    import imageio_ffmpeg

    folder, _ = demo
    frames = sorted((folder / "playblasts" / "040").glob("*.png"))
    assert len(frames) == 96
    reader = imageio_ffmpeg.read_frames(str(folder / "playblasts" / "040.mp4"))
    meta = next(reader)
    assert meta["size"] == (640, 360)
    assert sum(1 for _ in reader) == 96
