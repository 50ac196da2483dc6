"""Nuke .chan files checked against Nuke's conventions, worked out independently."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack
from previz.errors import FormatError, InputError
from previz.io.nuke_chan import read_chan, sidecar_path, write_chan
from reference_math import rot


def yup_to_stage(v: np.ndarray) -> np.ndarray:
    """Nuke's Y-up (x, y, z) is the stage's (x, -z, y)."""
    x, y, z = v
    return np.array([x, -z, y])


def shot(angles: np.ndarray, rate: Fraction | int = 24, focal: float = 35.0) -> CameraPath:
    count = len(angles)
    times = np.arange(count) / float(rate)
    positions = np.column_stack([times, 2 * times, np.full(count, 1.5)])
    return CameraPath.from_pan_tilt_roll(times, positions, angles, focal_mm=focal, focus_m=3.0,
                                         f_stop=2.0, rate=rate)


def lines(path: Path) -> np.ndarray:
    return np.array([[float(v) for v in line.split()] for line in path.read_text().splitlines()])


@pytest.mark.parametrize(
    ("pan", "tilt", "roll"),
    [(0, 0, 0), (90, 0, 0), (0, 30, 0), (0, 0, 10), (35, -12, 4), (-150, 60, -20)],
)
def test_rotations_follow_nuke_zxy(tmp_path: Path, pan: float, tilt: float, roll: float) -> None:
    path = shot(np.array([[pan, tilt, roll]], dtype=float))
    row = lines(write_chan(path, tmp_path / "cam.chan"))[0]
    frame, tx, ty, tz, rx, ry, rz, _ = row
    assert frame == 1001
    # Nuke's ZXY: Z applied first, then X, then Y.
    nuke_world = rot("y", ry) @ rot("x", rx) @ rot("z", rz)
    forward = yup_to_stage(nuke_world @ [0, 0, -1])  # Nuke cameras look down -Z
    up = yup_to_stage(nuke_world @ [0, 1, 0])
    ours = path.rotation_matrices()[0]
    np.testing.assert_allclose(forward, ours @ [0, 1, 0], atol=1e-6)
    np.testing.assert_allclose(up, ours @ [0, 0, 1], atol=1e-6)
    np.testing.assert_allclose(yup_to_stage(np.array([tx, ty, tz])), path.positions[0], atol=1e-6)


def test_simple_angles_by_hand(tmp_path: Path) -> None:
    angles = np.array([[0.0, 0, 0], [90.0, 0, 0], [0.0, 30, 0]])
    table = lines(write_chan(shot(angles), tmp_path / "c.chan"))
    np.testing.assert_allclose(table[0, 4:7], [0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(table[1, 4:7], [0, 90, 0], atol=1e-9)  # pan left = +ry
    np.testing.assert_allclose(table[2, 4:7], [30, 0, 0], atol=1e-9)  # tilt up = +rx


def test_vfov_from_the_image_aperture(tmp_path: Path) -> None:
    path = shot(np.zeros((2, 3)), focal=50.0)
    table = lines(write_chan(path, tmp_path / "v.chan"))
    assert table[0, 7] == pytest.approx(math.degrees(2 * math.atan(24 / 100)))  # 36x24, fill
    wide = path.with_camera(CameraInfo(film_back=FilmBack(36, 24), aspect=2.39))
    table = lines(write_chan(wide, tmp_path / "w.chan"))
    assert table[0, 7] == pytest.approx(math.degrees(2 * math.atan((36 / 2.39) / 100)))


def test_frames_inclusive_and_angles_unwrapped(tmp_path: Path) -> None:
    pans = np.linspace(0, 720, 97)
    path = shot(np.column_stack([pans, np.zeros(97), np.zeros(97)]))
    table = lines(write_chan(path, tmp_path / "spin.chan"))
    assert list(table[:, 0]) == list(range(1001, 1098))
    assert np.abs(np.diff(table[:, 5])).max() < 8.0  # no 360° jumps
    assert table[-1, 5] == pytest.approx(720.0, abs=1e-6)


def test_sidecar(tmp_path: Path) -> None:
    path = shot(np.zeros((4, 3)), rate=Fraction(24000, 1001)).with_camera(
        CameraInfo(film_back=FilmBack(27.99, 19.22), squeeze=2.0, body="arri:og"))
    target = write_chan(path, tmp_path / "s.chan")
    side = json.loads(sidecar_path(target).read_text())
    assert sidecar_path(target).name == "s.chan.json"
    assert side["rotation_order"] == "ZXY"
    assert side["rate"] == "24000/1001"
    assert (side["first_frame"], side["last_frame"]) == (1001, 1004)
    assert side["film_back_mm"] == [27.99, 19.22]
    assert side["squeeze"] == 2.0
    assert side["vaperture_mm"] == pytest.approx(19.22)
    assert side["haperture_mm"] == pytest.approx(2 * 27.99)
    assert side["focus_m"] == [3.0] * 4
    assert side["f_stop"] == [2.0] * 4


def test_round_trip(tmp_path: Path) -> None:
    angles = np.column_stack([np.linspace(-170, 170, 30), np.linspace(-20, 40, 30),
                              np.linspace(0, 15, 30)])
    path = shot(angles, rate=25, focal=85.0)
    back = read_chan(write_chan(path, tmp_path / "rt.chan"))
    assert back.rate == 25
    assert back.start_frame == 1001
    np.testing.assert_allclose(back.positions, path.positions, atol=1e-6)
    np.testing.assert_allclose(back.rotation_matrices(), path.rotation_matrices(), atol=1e-6)
    np.testing.assert_allclose(back.focal_mm, 85.0, atol=1e-6)
    np.testing.assert_allclose(back.focus_m, 3.0)


def test_without_sidecar(tmp_path: Path) -> None:
    chan = tmp_path / "nuke.chan"
    chan.write_text("1\t0\t1.5\t0\t0\t0\t0\t30\n2\t0.1\t1.5\t0\t0\t10\t0\t30\n")
    with pytest.raises(InputError, match=r"no nuke\.chan\.json; give the frame rate"):
        read_chan(chan)
    path = read_chan(chan, rate=24)
    assert path.rate == 24
    focal = 18.672 / (2 * math.tan(math.radians(15)))  # Nuke's default vertical aperture
    np.testing.assert_allclose(path.focal_mm, focal)
    np.testing.assert_allclose(path.positions[1], [0.1, 0, 1.5])
    assert read_chan(chan, rate=24, vertical_aperture_mm=24.0).focal_mm[0] == pytest.approx(
        24.0 / (2 * math.tan(math.radians(15))))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("1 0 0 0\n", "expected lines 'frame tx ty tz rx ry rz [vfov]', found 4 columns"),
     ("1 0 0 0 0 0 0 x\n", "could not convert string 'x'")],
)
def test_bad_lines(tmp_path: Path, text: str, fragment: str) -> None:
    chan = tmp_path / "bad.chan"
    chan.write_text(text)
    with pytest.raises(FormatError, match=None) as caught:
        read_chan(chan, rate=24)
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(str(chan))


def test_free_path_needs_a_rate(tmp_path: Path) -> None:
    free = CameraPath.from_pan_tilt_roll([0.0, 0.5], np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(InputError, match="no frame rate"):
        write_chan(free, tmp_path / "f.chan")
    assert len(lines(write_chan(free, tmp_path / "f.chan", rate=4))) == 3
