"""`previz set info` on generated set files: the table, JSON, warnings and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import trimesh
from click.testing import CliRunner

from previz.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def block_glb(tmp_path: Path) -> Path:
    """A 1 x 2 x 3 box (Y up) moved to x = 10 by its node: stage x 9.5..10.5, z 4..6."""
    box = trimesh.creation.box((1.0, 2.0, 3.0))
    box.apply_translation((0.0, 5.0, 0.0))
    scene = trimesh.Scene()
    scene.add_geometry(box, node_name="block",
                       transform=trimesh.transformations.translation_matrix((10.0, 0.0, 0.0)))
    path = tmp_path / "block.glb"
    path.write_bytes(scene.export(file_type="glb"))
    return path


@pytest.fixture
def room_cm(tmp_path: Path) -> Path:
    """A 6 x 8 x 2.8 m room modelled in centimetres, Z up (STL)."""
    path = tmp_path / "room.stl"
    path.write_bytes(trimesh.creation.box((600.0, 800.0, 280.0)).export(file_type="stl"))
    return path


def test_info_table(block_glb: Path) -> None:
    code, out, err = run("set", "info", str(block_glb))
    assert code == 0, err
    assert out.splitlines()[0] == str(block_glb)
    assert "1 part: 12 triangles" in out
    assert "size       1.000 x 3.000 x 2.000 m (x, y, z)" in out
    assert "x 9.500..10.500  y -1.500..1.500  z 4.000..6.000 m" in out
    assert "Y up in the file" in out
    assert "1 m per file unit" in out
    assert "suggested" not in out
    assert err == ""


def test_info_json(block_glb: Path) -> None:
    code, out, _ = run("set", "info", "--json", str(block_glb))
    assert code == 0
    facts = json.loads(out)
    # a trimesh box shares its 8 corners between faces
    assert (facts["parts"], facts["triangles"], facts["vertices"]) == (1, 12, 8)
    np.testing.assert_allclose(facts["bounds_m"]["min"], [9.5, -1.5, 4.0], atol=1e-9)
    np.testing.assert_allclose(facts["bounds_m"]["max"], [10.5, 1.5, 6.0], atol=1e-9)
    np.testing.assert_allclose(facts["size_m"], [1.0, 3.0, 2.0], atol=1e-9)
    assert facts["up_axis"] == "y"
    assert facts["scale"] == 1.0
    assert facts["part_names"] == ["block"]


def test_up_and_scale_options(block_glb: Path) -> None:
    code, out, _ = run("set", "info", "--json", "--up", "Z", "--scale", "2", str(block_glb))
    assert code == 0
    facts = json.loads(out)
    assert facts["up_axis"] == "z"
    assert facts["scale"] == 2.0
    np.testing.assert_allclose(facts["size_m"], [2.0, 4.0, 6.0], atol=1e-9)


def test_centimetre_set_gets_a_suggestion(room_cm: Path) -> None:
    code, out, _ = run("set", "info", str(room_cm))
    assert code == 0
    assert "size       600.000 x 800.000 x 280.000 m" in out
    assert "0.01 m per unit (cm) suggested, not applied" in out
    code, out, _ = run("set", "info", "--units", "cm", str(room_cm))
    assert code == 0
    assert "size       6.000 x 8.000 x 2.800 m" in out
    assert "suggested" not in out


def test_missing_texture_warns_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "shed.mtl").write_text("newmtl planks\nKd 0.6 0.4 0.2\nmap_Kd planks.jpg\n",
                                       encoding="utf-8")
    obj = tmp_path / "shed.obj"
    obj.write_text("mtllib shed.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\n"
                   "usemtl planks\nf 1/1 2/2 3/3\n", encoding="utf-8")
    code, out, err = run("set", "info", str(obj))
    assert code == 0
    assert "1 part: 1 triangles" in out
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("warning: ")
    assert "planks.jpg" in lines[0]


@pytest.mark.parametrize(("name", "content"), [
    ("nowhere.glb", None),
    ("set.fbx", b"Kaydara FBX Binary"),
    ("empty.obj", b""),
    ("cut.glb", b"glTF\x02\x00\x00\x00\xff\xff\x00\x00"),
    ("noise.vtp", bytes(range(256)) * 4),
])
def test_bad_input_is_one_line_exit_2(tmp_path: Path, name: str, content: bytes | None) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run("set", "info", str(path))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("previz: error: ")
    assert name in lines[0]
    assert "Traceback" not in err


def test_units_and_scale_together_is_an_error(block_glb: Path) -> None:
    code, _, err = run("set", "info", "--units", "cm", "--scale", "0.01", str(block_glb))
    assert code == 2
    assert err.strip() == "previz: error: --units and --scale cannot be used together; give one"


def test_corrupt_vtk_file_prints_no_vtk_errors(tmp_path: Path) -> None:
    """VTK's own error output goes to file descriptor 2: check it in a real process."""
    path = tmp_path / "broken.vtu"
    path.write_bytes(b'<?xml version="1.0"?>\n<VTKFile type="UnstructuredGrid"><Piece')
    result = subprocess.run(
        [sys.executable, "-c", "from previz.cli import main; main()", "set", "info", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("previz: error: ")
    assert "broken.vtu" in lines[0]
