"""`previz camera` and `previz rig` from the command line: outputs, numbers and errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from previz.cli import main
from previz.core.camera_path import CameraPath
from previz.io.opentrackio_json import write_json
from previz.io.registry import read
from rig_samples import CAMERA, PRIMES, SUPPORT, ZOOM


@pytest.fixture
def rig_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "rigs"
    folder.mkdir()
    for name, text in (("cam", CAMERA), ("primes", PRIMES), ("zoom", ZOOM),
                       ("dolly", SUPPORT)):
        (folder / f"{name}.toml").write_text(text)
    monkeypatch.setenv("PREVIZ_RIG_PATH", str(folder))
    return folder


@pytest.fixture
def move(tmp_path: Path) -> Path:
    """A 2 s dolly move recorded at 48 Hz as OpenTrackIO JSON, 25 mm then 50 mm."""
    times = np.arange(97) / 48
    positions = np.column_stack([1.2 * times, np.zeros(97), np.full(97, 1.5)])
    angles = np.column_stack([20 * times, np.zeros(97), np.zeros(97)])
    focal = np.where(times < 1, 25.0, 50.0)
    path = CameraPath.from_pan_tilt_roll(times, positions, angles, focal_mm=focal, focus_m=3.0,
                                         f_stop=4.0, rate=48)
    return write_json(path, tmp_path / "move.json")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_camera_info(move: Path) -> None:
    code, out, _ = run("camera", "info", str(move))
    assert code == 0
    assert "97 at 48 fps, 2.000 s" in out
    assert "frames     1001-1097" in out
    assert "x 0.000..2.400" in out
    assert "pan 0.0..40.0°" in out
    assert "focal 25..50 mm, focus 3.00..3.00 m, f/4..4" in out


@pytest.mark.parametrize("extension", ["csv", "chan", "jsonl", "json"])
def test_export_resamples_and_converts(move: Path, tmp_path: Path, extension: str) -> None:
    out = tmp_path / f"shot.{extension}"
    code, text, _ = run("camera", "export", str(move), "-o", str(out), "--fps", "24")
    assert code == 0, text
    assert "49 samples, frames 1001-1049" in text
    exported = read(out, "camera-path")
    assert exported.rate == 24
    np.testing.assert_allclose(exported.positions[:, 0], 1.2 * np.arange(49) / 24, atol=1e-5)
    np.testing.assert_allclose(exported.pan_tilt_roll()[:, 0], 20 * np.arange(49) / 24,
                               atol=1e-5)


def test_export_with_rig_and_lens_kit(move: Path, tmp_path: Path, rig_folder: Path) -> None:
    out = tmp_path / "shot.json"
    code, _text, err = run("camera", "export", str(move), "-o", str(out), "--rig", "test-cam:16x9",
                          "--lens-kit", "test-primes")
    assert code == 0, err
    first = json.loads(out.read_text())[0]
    assert first["static"]["camera"]["activeSensorPhysicalDimensions"] == {
        "width": 27.99, "height": 15.75}
    assert first["static"]["camera"]["label"] == "test-cam:16x9"


def test_export_feasibility_report(move: Path, tmp_path: Path, rig_folder: Path) -> None:
    code, text, _ = run("camera", "export", str(move), "-o", str(tmp_path / "a.csv"),
                        "--support", "test-dolly")
    assert code == 0
    assert "support test-dolly: within the test-dolly limits" in text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--rig", "alexa"], "unknown camera body 'alexa'; valid: "),
        (["--rig", "test-cam:scope"], "has no sensor mode 'scope'; valid: open-gate, 16x9"),
        (["--lens-kit", "nope"], "unknown lens kit 'nope'; valid: "),
        (["--support", "crane"], "unknown camera support 'crane'"),
        (["--format", "fbx"], "unknown camera-path format 'fbx'; valid: json, jsonl, csv"),
    ],
)
def test_bad_rig_names_are_one_line_and_exit_2(
    move: Path, tmp_path: Path, rig_folder: Path, args: list[str], fragment: str
) -> None:
    out = tmp_path / "out.csv"
    code, _text, err = run("camera", "export", str(move), "-o", str(out), *args)
    assert code == 2
    assert err.count("\n") == 1
    assert fragment in err
    assert not out.exists()


def test_focal_outside_a_zoom_names_the_file_and_frame(
    tmp_path: Path, rig_folder: Path
) -> None:
    path = CameraPath.from_pan_tilt_roll(np.arange(3) / 24, np.zeros((3, 3)), np.zeros((3, 3)),
                                         focal_mm=[30, 300, 30], rate=24)
    source = write_json(path, tmp_path / "zoomy.json")
    code, _, err = run("camera", "export", str(source), "-o", str(tmp_path / "z.csv"),
                       "--lens-kit", "test-zoom")
    assert code == 2
    assert f"{source}: frame 1002: 300 mm is outside the range of lens kit 'test-zoom'" in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('[{"transforms": [{"translation": {"x": NaN, "y": 0, "z": 0}}], '
         '"timing": {"sampleRate": {"num": 24, "denom": 1}}, '
         '"lens": {"pinholeFocalLength": 35}}]', "NaN is not a number OpenTrackIO allows"),
        ('[{"timing": {"sampleTimestamp": {"seconds": 2}}, "transforms": [{}], '
         '"lens": {"pinholeFocalLength": 35}}, '
         '{"timing": {"sampleTimestamp": {"seconds": 1}}, "transforms": [{}]}]',
         "sample 1: time -1.0 s does not come after 0.0 s"),
        ("{not json", "bad.json:1: not valid JSON"),
    ],
)
def test_bad_camera_files(tmp_path: Path, content: str, fragment: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, _, err = run("camera", "info", str(bad))
    assert code == 2
    assert err.count("\n") == 1
    assert fragment in err


def test_unknown_input_format(tmp_path: Path) -> None:
    code, _, err = run("camera", "info", str(tmp_path / "take.fbx"))
    assert code == 2
    assert "cannot read a camera-path from a .fbx file; valid extensions: .json" in err


def test_rig_list_and_show(rig_folder: Path) -> None:
    code, out, _ = run("rig", "list")
    assert code == 0
    assert "test-cam" in out
    assert "test-zoom" in out
    assert "24-290mm T2.8" in out
    assert "test-dolly" in out
    code, out, _ = run("rig", "show", "test-cam", "--lens-kit", "test-primes")
    assert code == 0
    assert "* open-gate" in out
    assert "27.99 x  19.22 mm    4608 x 3164 photosites" in out
    hfov = math.degrees(2 * math.atan(27.99 / 50))  # 25 mm on 27.99 mm
    assert f"{hfov:.2f}°" in out
    code, out, _ = run("rig", "show", "test-zoom", "--body", "test-cam:16x9")
    assert code == 0
    assert "squeeze 2x" in out
    wide = math.degrees(2 * math.atan(2 * 27.99 / 48))  # 2x squeeze at 24 mm
    assert f"{wide:.2f}°" in out
    code, out, _ = run("rig", "show", "test-dolly")
    assert "max speed         1.5 m/s" in out
    code, _, err = run("rig", "show", "nothing")
    assert code == 2
    assert "no rig called 'nothing'; valid: " in err
