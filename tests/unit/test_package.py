"""Package-level promises: what importing previz loads, the error tree."""

from __future__ import annotations

import subprocess
import sys

import pytest

import previz
from previz.errors import BVHError, DataFileError, FormatError, InputError, OperationError


def test_import_loads_no_gui_render_or_network_stack() -> None:
    code = (
        "import sys, previz, previz.core.take, previz.io.bvh\n"
        "heavy = ('vtk', 'pyvista', 'PySide6', 'pyqtgraph', 'pythonosc')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_core_imports_no_other_layer() -> None:
    """previz.core is data and math: it reads no files and imports no io, render, live or app
    (not even inside a function)."""
    import ast
    from pathlib import Path

    core = Path(previz.__file__).parent / "core"
    allowed = ("previz.core", "previz.errors")
    found = []
    for module in sorted(core.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [])
            found += [f"{module.name}: {name}" for name in names
                      if name.startswith("previz.") and not name.startswith(allowed)]
    assert found == []


@pytest.mark.parametrize(
    ("error", "builtin", "code"),
    [
        (InputError, ValueError, 2),
        (BVHError, ValueError, 2),
        (DataFileError, ValueError, 2),
        (FormatError, ValueError, 2),
        (OperationError, RuntimeError, 1),
    ],
)
def test_errors_derive_from_previz_error_and_a_builtin(
    error: type[previz.PrevizError], builtin: type[Exception], code: int
) -> None:
    assert issubclass(error, previz.PrevizError)
    assert issubclass(error, builtin)
    assert error.exit_code == code


def test_bvh_error_names_file_and_line() -> None:
    error = BVHError("expected OFFSET", "walk.bvh", 12)
    assert str(error) == "walk.bvh:12: expected OFFSET"
    assert (error.path, error.line, error.detail) == ("walk.bvh", 12, "expected OFFSET")
    assert str(BVHError("empty", "a.bvh")) == "a.bvh: empty"


def test_unknown_take_format_names_the_valid_extensions(tmp_path) -> None:
    expected = r"take\.fbx: cannot read a take .* valid extensions: \.bvh"
    with pytest.raises(FormatError, match=expected):
        previz.read_take(tmp_path / "take.fbx")


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("cam.json", "camera path as OpenTrackIO JSON"),
        ("cam.csv", "camera path CSV"),
        ("cam.chan", "Nuke .chan file"),
        ("cam.ma", "Maya ASCII .ma file"),
        ("cam.vtake", "previz .vtake take"),
    ],
)
def test_a_missing_camera_file_is_one_clear_line(tmp_path, name: str, what: str) -> None:
    from previz.io.registry import read

    missing = tmp_path / name
    with pytest.raises(InputError) as caught:
        read(missing, "camera-path")
    assert str(caught.value) == f"{missing}: no such file (expected a {what})"
