"""Camera-path CSV: columns, timecodes worked out by hand, round trips, bad rows."""

from __future__ import annotations

import csv
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.core.camera_path import CameraPath
from previz.errors import FormatError, InputError
from previz.io.camera_csv import COLUMNS, read_csv, write_csv


def framed(rate: Fraction | int, count: int = 30, start: int = 1001) -> CameraPath:
    times = np.arange(count) / float(rate)
    positions = np.column_stack([times, np.cos(times), np.full(count, 1.6)])
    angles = np.column_stack([30 * times, -3 * np.ones(count), np.zeros(count)])
    return CameraPath.from_pan_tilt_roll(times, positions, angles, focal_mm=40 + times,
                                         focus_m=np.where(times < 0.5, 3.0, math.inf),
                                         f_stop=2.8, rate=rate, start_frame=start)


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_header_and_values(tmp_path: Path) -> None:
    path = framed(24)
    table = rows(write_csv(path, tmp_path / "shot.csv"))
    assert list(table[0]) == list(COLUMNS)
    assert len(table) == 30
    for index, row in enumerate(table):
        assert int(row["frame"]) == 1001 + index
        assert float(row["time_s"]) == pytest.approx(index / 24, abs=1e-6)
        assert float(row["x_m"]) == pytest.approx(index / 24, abs=1e-6)
        assert float(row["pan_deg"]) == pytest.approx(30 * index / 24, abs=1e-6)
        assert float(row["tilt_deg"]) == pytest.approx(-3, abs=1e-6)
        assert float(row["focal_mm"]) == pytest.approx(40 + index / 24, abs=1e-6)
        assert row["focus_m"] == ("3.000000" if index / 24 < 0.5 else "inf")
    assert table[0]["timecode"] == "00:00:41:17"  # frame 1001 at 24 fps: 41 s + 17 frames


@pytest.mark.parametrize(
    ("rate", "start", "expected"),
    [
        (24, 0, "00:00:00:00"),
        (25, 90_000, "01:00:00:00"),
        (Fraction(24000, 1001), 86_400, "01:00:00:00"),  # counts at 24, not drop-frame
        (Fraction(30000, 1001), 1800, "00:01:00;02"),  # drop-frame skips ;00 and ;01
        (Fraction(30000, 1001), 17_982, "00:10:00;00"),  # ...except every tenth minute
        (120, 120 * 3600 + 119, "01:00:00:119"),  # beyond SMPTE: wider frame field
    ],
)
def test_timecodes(tmp_path: Path, rate, start: int, expected: str) -> None:  # type: ignore[no-untyped-def]
    table = rows(write_csv(framed(rate, count=2, start=start), tmp_path / "tc.csv"))
    assert table[0]["timecode"] == expected


@pytest.mark.parametrize("rate", [24, 25, Fraction(24000, 1001), 120])
def test_round_trip(tmp_path: Path, rate) -> None:  # type: ignore[no-untyped-def]
    path = framed(rate, start=86_400)
    back = read_csv(write_csv(path, tmp_path / "r.csv"))
    assert back.rate == rate
    assert back.start_frame == 86_400
    np.testing.assert_allclose(back.positions, path.positions, atol=1e-6)
    np.testing.assert_allclose(back.rotation_matrices(), path.rotation_matrices(), atol=1e-6)
    np.testing.assert_array_equal(np.isinf(back.focus_m), np.isinf(path.focus_m))
    np.testing.assert_allclose(back.focal_mm, path.focal_mm, atol=1e-6)


def test_rate_option_resamples_and_a_free_path_needs_one(tmp_path: Path) -> None:
    free = CameraPath.from_pan_tilt_roll([0.0, 0.3, 1.0], np.zeros((3, 3)), np.zeros((3, 3)))
    with pytest.raises(InputError, match=r"free\.csv: the camera path has no frame rate"):
        write_csv(free, tmp_path / "free.csv")
    assert not (tmp_path / "free.csv").exists()
    table = rows(write_csv(free, tmp_path / "free.csv", rate=10))
    assert [int(r["frame"]) for r in table] == list(range(1001, 1012))


def test_rows_without_time_column_need_a_rate(tmp_path: Path) -> None:
    source = tmp_path / "notime.csv"
    columns = [c for c in COLUMNS if c not in ("time_s", "timecode")]
    lines = [",".join(columns)]
    lines += [f"{1001 + i},{i},0,1.5,{i * 10},0,0,35,inf,2.8" for i in range(4)]
    source.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="no time_s column; give the frame rate"):
        read_csv(source)
    path = read_csv(source, rate=25)
    assert path.rate == 25
    np.testing.assert_allclose(path.times, np.arange(4) / 25)
    assert path.pan_tilt_roll()[3, 0] == pytest.approx(30.0)


def test_bad_row_and_missing_column_name_the_place(tmp_path: Path) -> None:
    good = write_csv(framed(24, count=5), tmp_path / "good.csv").read_text().splitlines()
    bad = tmp_path / "bad.csv"
    broken = good.copy()
    broken[3] = broken[3].replace(",1.600000,", ",high,", 1)
    bad.write_text("\n".join(broken) + "\n")
    with pytest.raises(FormatError, match=r"bad.csv:4: could not convert string 'high'"):
        read_csv(bad)
    header = good[0].replace(",focal_mm", ",focal")
    bad.write_text("\n".join([header, *good[1:]]) + "\n")
    with pytest.raises(FormatError, match=r"bad.csv:1: missing column 'focal_mm'"):
        read_csv(bad)
    unordered = [good[0], good[2], good[1]]
    bad.write_text("\n".join(unordered) + "\n")
    with pytest.raises(InputError, match=r"bad.csv:3: time -0.041667 s does not come after"):
        read_csv(bad)
