"""`previz render` and `previz frames`: exact views from the command line, one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from previz.cli import main
from previz.core.projection import ViewCamera
from previz.core.synthetic import walking_take
from previz.io.bvh import write_bvh

pytest.importorskip("pyvista")
from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def stl_box(path: Path, low, high) -> Path:  # type: ignore[no-untyped-def]
    """An ASCII STL box (z up, metres)."""
    import pyvista as pv

    pv.Box(bounds=(low[0], high[0], low[1], high[1], low[2], high[2])).triangulate().save(path)
    return path


def test_render_the_demo_set(tmp_path: Path) -> None:
    out = tmp_path / "frame.png"
    code, text, err = run("render", "builtin:demo", "--at", "0,-7,1.7", "--tilt", "-4",
                          "--focal", "25", "--size", "480x270", "--guide-aspect", "2.39",
                          "-o", str(out))
    assert code == 0, err
    assert "480x270" in text
    assert "25 mm" in text
    with Image.open(out) as image:
        assert image.size == (480, 270)
        pixels = np.asarray(image.convert("RGB")).astype(int)
    assert pixels.std() > 10  # a picture, not a blank frame


def test_render_frames_a_set_file_exactly(tmp_path: Path) -> None:
    # a white box 0.4 m wide, 10 m ahead: its centre lands on the image centre and its
    # edges where the pinhole model puts them
    box = stl_box(tmp_path / "box.stl", (-0.2, 9.8, 1.3), (0.2, 10.2, 1.7))
    out = tmp_path / "box.png"
    code, _, err = run("render", str(box), "--at", "0,0,1.5", "--focal", "50",
                       "--body", "arri-alexa-mini-lf", "--size", "640x360", "--no-guides",
                       "--no-burnins", "-o", str(out))
    assert code == 0, err
    with Image.open(out) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    background = pixels[5, 5]
    differs = np.abs(pixels - background).sum(axis=2) > 40
    columns = np.flatnonzero(differs.any(axis=0))
    from previz.io.datafiles import load_rig_library

    _, mode = load_rig_library().body_and_mode("arri-alexa-mini-lf")
    from previz.core.camera_path import CameraInfo

    view = ViewCamera.from_pan_tilt_roll([0, 0, 1.5], [0, 0, 0], focal_mm=50, size=(640, 360),
                                         camera=CameraInfo(film_back=mode.film_back))
    (left, _), (right, _) = view.project([[-0.2, 9.8, 1.5], [0.2, 9.8, 1.5]])[0]
    assert abs(columns[0] - left) <= 1.0
    assert abs(columns[-1] + 1 - right) <= 1.0


def test_render_with_a_performer(tmp_path: Path) -> None:
    take = write_bvh(walking_take(2.0, 30), tmp_path / "walk.bvh")
    out_a, out_b = tmp_path / "a.png", tmp_path / "b.png"
    common = ["render", "builtin:demo", "--at", "0,-5,1.6", "--size", "320x180", "--no-guides"]
    assert run(*common, "--performer", f"{take}@0,0,90", "--time", "0", "-o", str(out_a))[0] == 0
    assert run(*common, "--performer", f"{take}@0,0,90", "--time", "1", "-o", str(out_b))[0] == 0
    with Image.open(out_a) as a, Image.open(out_b) as b:
        assert np.abs(np.asarray(a).astype(int) - np.asarray(b)).sum() > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "0,1"], "--at: expected 3 comma-separated numbers"),
        (["--at", "0,0,1", "--size", "big"], "--size: expected WIDTHxHEIGHT"),
        (["--at", "0,0,1", "--focal", "-3"], "--focal: expected a positive"),
        (["--at", "0,0,1", "--body", "no-such-camera"], "no-such-camera"),
        (["--at", "0,0,1", "--lens-kit", "cooke-s4i", "--focal", "33"], "33"),
        (["--at", "0,0,1", "--guide-aspect", "wide"], "--guide-aspect"),
    ],
)
def test_render_bad_options_give_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run("render", "builtin:demo", *args, "-o", str(tmp_path / "x.png"))
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_render_a_missing_set_file(tmp_path: Path) -> None:
    code, _, err = run("render", str(tmp_path / "nowhere.glb"), "--at", "0,0,1",
                       "-o", str(tmp_path / "x.png"))
    assert code == 2
    assert "nowhere.glb" in err
    assert len(err.strip().splitlines()) == 1


def test_frames_renders_every_mark_and_shot(tmp_path: Path) -> None:
    out = tmp_path / "stills"
    code, text, err = run("frames", str(REPO / "shots" / "demo.toml"), "-o", str(out),
                          "--size", "320x180")
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([
        "mark-wide.png", "mark-push-start.png", "mark-push-end.png", "mark-close.png",
        "shot-010-1001.png", "shot-020-1073.png", "shot-030-1145.png",
    ])
    assert "wrote 7 stills" in text
    with Image.open(out / "shot-010-1001.png") as image:
        assert image.size == (320, 180)


def test_frames_of_a_shot_match_its_first_mark(tmp_path: Path) -> None:
    # shot 010 is locked off on mark "wide": the two stills differ only in the burn-ins
    out = tmp_path / "stills"
    assert run("frames", str(REPO / "shots" / "demo.toml"), "-o", str(out),
               "--size", "320x180", "--no-guides")[0] == 0
    with Image.open(out / "mark-wide.png") as a, Image.open(out / "shot-010-1001.png") as b:
        mark, shot = np.asarray(a).astype(int), np.asarray(b).astype(int)
    middle = (slice(40, 140), slice(0, 320))
    assert np.abs(mark[middle] - shot[middle]).max() == 0


def test_frames_with_a_missing_set(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    text = (REPO / "shots" / "demo.toml").read_text().replace('"builtin:demo"', '"gone.glb"')
    plan.write_text(text)
    code, _, err = run("frames", str(plan), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "plan.toml" in err
    assert "set.path" in err
    assert not (tmp_path / "out").exists()


def test_frames_copes_with_a_plan_in_another_folder(tmp_path: Path) -> None:
    folder = tmp_path / "job"
    folder.mkdir()
    shutil.copy(REPO / "shots" / "demo.toml", folder / "plan.toml")
    code, _, err = run("frames", str(folder / "plan.toml"), "-o", str(folder / "stills"),
                       "--size", "160x90")
    assert code == 0, err
    assert len(list((folder / "stills").iterdir())) == 7
