"""World joint positions agree with an independent implementation on real files.

``../shared/data/bvh/reference/*.npz`` hold positions computed elsewhere (file
units and axes, position channels replacing offsets, frame 0 = first motion
line). The requirement is agreement within 1e-4 of the skeleton's height; we
also hold ourselves to 1e-9, what double precision allows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import previz
from previz.cli import main
from shared_data import reference_cases

CASES = reference_cases()


@pytest.mark.parametrize("path", CASES or [pytest.param(None, marks=pytest.mark.skip(
    reason="shared reference data not found"))])
def test_positions_match_reference(path: Path) -> None:
    reference = np.load(path.parent / "reference" / f"{path.stem}.npz")
    take = previz.read_take(path)
    positions = take.world_positions(raw=True)
    assert list(take.skeleton.names) == [str(n) for n in reference["names"]]
    assert positions.shape == reference["positions"].shape
    height = take.skeleton_height()
    error = np.abs(positions - reference["positions"]).max(initial=0.0)
    assert error <= 1e-4 * height
    assert error <= 1e-9 * height


@pytest.mark.parametrize("path", CASES[:2] or [pytest.param(None, marks=pytest.mark.skip(
    reason="shared reference data not found"))])
def test_cli_raw_positions_match_reference(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "positions.npz"
    result = CliRunner().invoke(main, ["mocap", "positions", str(path), "-o", str(out), "--raw"])
    assert result.exit_code == 0, result.output
    reference = np.load(path.parent / "reference" / f"{path.stem}.npz")
    with np.load(out) as written:
        assert np.allclose(written["positions"], reference["positions"], rtol=0, atol=1e-9)
