"""The `previz` command line on real files: outputs, numbers, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import previz
from previz.cli import main
from previz.core.synthetic import walking_take
from previz.io.bvh import write_bvh


@pytest.fixture
def walk_file(tmp_path: Path) -> Path:
    """A 2-second, 120 fps built-in walk written as BVH (centimetres)."""
    return write_bvh(walking_take(2.0, 120), tmp_path / "walk.bvh")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert previz.__version__ in out


def test_info_text_lists_the_facts(walk_file: Path) -> None:
    code, out, _ = run("mocap", "info", str(walk_file))
    assert code == 0
    assert "31 joints + 7 end sites" in out
    assert "240 frames at 120 fps = 2.000 s" in out
    assert "6:PXYZ/RZYX x1, 3:RZYX x30" in out
    assert "0.01 m per unit (cm)" in out


def test_info_json(walk_file: Path) -> None:
    code, out, _ = run("mocap", "info", "--json", str(walk_file))
    assert code == 0
    facts = json.loads(out)
    assert facts["frames"] == 240
    assert facts["rate"] == "120"
    assert facts["joints"] == 31
    assert facts["end_sites"] == 7
    assert facts["channel_layouts"] == {"6:PXYZ/RZYX": 1, "3:RZYX": 30}
    assert facts["height"] == pytest.approx(173.0, abs=0.5)
    assert facts["suggested_scale"]["unit"] == "cm"
    assert facts["joint_names"][0] == "Hips"


def test_info_on_ntsc_rate(tmp_path: Path) -> None:
    path = write_bvh(walking_take(1.0, Fraction(24000, 1001)), tmp_path / "ntsc.bvh")
    facts = json.loads(run("mocap", "info", "--json", str(path))[1])
    assert facts["rate"] == "24000/1001"
    assert facts["fps"] == pytest.approx(23.976, abs=1e-3)


def test_positions_raw_is_exactly_the_library_array(walk_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "raw.npz"
    code, text, _ = run("mocap", "positions", str(walk_file), "-o", str(out), "--raw")
    assert code == 0, text
    with np.load(out) as data:
        expected = previz.read_take(walk_file).world_positions(raw=True)
        assert np.array_equal(data["positions"], expected)
        assert list(data["names"]) == list(previz.read_take(walk_file).skeleton.names)
        assert str(data["space"]) == "file"
    assert "240 frames x 31 joints" in text


def test_positions_stage_metres_z_up(walk_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "stage.npz"
    assert run("mocap", "positions", str(walk_file), "-o", str(out))[0] == 0
    with np.load(out) as data:
        positions = data["positions"]
        names = list(data["names"])
        assert str(data["space"]) == "stage"
        assert float(data["metres_per_unit"]) == 0.01
    take = previz.read_take(walk_file)
    assert np.array_equal(positions, take.world_positions(raw=False))
    head = positions[:, names.index("Head"), 2]
    toes = positions[:, names.index("LeftToeBase"), 2]
    assert head.min() > 1.45  # a 1.73 m walker's head, Z up
    assert head.max() < 1.65
    assert toes.min() > -0.05
    raw = take.world_positions(raw=True)
    # (x, y, z) Y-up centimetres -> (x, -z, y) metres
    assert np.allclose(positions[..., 0], raw[..., 0] * 0.01)
    assert np.allclose(positions[..., 1], -raw[..., 2] * 0.01)
    assert np.allclose(positions[..., 2], raw[..., 1] * 0.01)


def test_positions_scale_and_units_options(walk_file: Path, tmp_path: Path) -> None:
    inches = tmp_path / "in.npz"
    scaled = tmp_path / "scaled.npz"
    assert run("mocap", "positions", str(walk_file), "-o", str(inches), "--units", "in")[0] == 0
    assert run("mocap", "positions", str(walk_file), "-o", str(scaled), "--scale", "0.02")[0] == 0
    raw = previz.read_take(walk_file).world_positions(raw=True)
    with np.load(inches) as a, np.load(scaled) as b:
        assert np.allclose(a["positions"][..., 2], raw[..., 1] * 0.0254)
        assert np.allclose(b["positions"][..., 2], raw[..., 1] * 0.02)


def test_convert_trims_resamples_and_scales(walk_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "short.bvh"
    code, text, _ = run(
        "mocap", "convert", str(walk_file), "-o", str(out),
        "--start", "12", "--end", "131", "--fps", "30", "--scale", "0.01",
    )
    assert code == 0, text
    source = previz.read_take(walk_file)
    result = previz.read_take(out, units="m")
    assert result.rate == 30
    assert result.frame_count == 30  # 120 frames at 120 fps span 119/120 s -> 30 frames at 30
    expected = source.world_positions(raw=True)[12:132:4] * 0.01
    assert np.allclose(result.world_positions(raw=True), expected, atol=1e-6)


def test_convert_ntsc_rate_spelling(walk_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "ntsc.bvh"
    assert run("mocap", "convert", str(walk_file), "-o", str(out), "--fps", "29.97")[0] == 0
    assert previz.read_take(out).rate == Fraction(30000, 1001)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["mocap", "info", "{missing}"], "no such file"),
        (["mocap", "info", "{bad}"], "bad.bvh:7:"),
        (["mocap", "positions", "{walk}", "-o", "{nofolder}"], "does not exist"),
        (["mocap", "convert", "{walk}", "-o", "{out}", "--start", "500"], "--start/--end"),
        (["mocap", "convert", "{walk}", "-o", "{out}", "--scale", "-1"], "--scale"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], fragment: str, walk_file: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.bvh"
    text = walk_file.read_text().splitlines()
    text[6] = "\t\tCHANNELS 3 Zrotation Yrotation Wrotation"
    bad.write_text("\n".join(text) + "\n")
    values = {
        "missing": str(tmp_path / "missing.bvh"),
        "bad": str(bad),
        "walk": str(walk_file),
        "nofolder": str(tmp_path / "no" / "such" / "out.npz"),
        "out": str(tmp_path / "out.bvh"),
    }
    code, out, err = run(*(a.format(**values) for a in args))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("previz: error: ")
    assert fragment in err
    assert not (tmp_path / "out.bvh").exists()


def test_bad_rate_is_a_usage_error(walk_file: Path, tmp_path: Path) -> None:
    code, _, err = run("mocap", "convert", str(walk_file), "-o", str(tmp_path / "x.bvh"),
                       "--fps", "fast")
    assert code == 2
    assert "frame rate 'fast' is not a number" in err


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bvh"
    garbage.write_bytes(bytes(range(256)) * 64)
    env = {k: v for k, v in os.environ.items() if k != "PREVIZ_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-m", "previz", "mocap", "info", str(garbage)],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert f"{garbage}:1: expected 'HIERARCHY'" in done.stderr
