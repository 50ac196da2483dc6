"""Take journals: what goes in comes out, torn tails and interrupted takes recover."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from previz.errors import FormatError, InputError
from previz.io.camera_take import read_vtake
from previz.io.registry import read
from previz.live.journal import RECORD, TakeWriter, read_take_file, recover_take
from previz.live.vcam import CameraSample


def _sample(index: int) -> CameraSample:
    t = 100.0 + index / 250.0
    return CameraSample(
        received=t, device_time=1.7e9 + index / 250.0, sample_id=index + 1,
        raw_position=(index * 0.01, 1.0, 1.5), raw_orientation=(0.0, 0.0, 0.0, 1.0),
        position=(index * 0.01 - 0.001, 1.0, 1.5),
        orientation=(0.0, 0.0, math.sin(index * 0.001), math.cos(index * 0.001)),
        focal_mm=35.0 + index * 0.01, focus_m=math.inf if index % 2 else 3.0, f_stop=2.8,
        zoom_raw=0.5,
    )


def test_written_samples_read_back_exactly(tmp_path: Path) -> None:
    path = tmp_path / "a.vtake"
    writer = TakeWriter(path, {"name": "A", "slate": "12B", "device": "previz"})
    for index in range(1000):
        writer.add(_sample(index))
        if index == 500:
            writer.mark(_sample(index).received)
    writer.close()
    take = read_take_file(path)
    assert (take.complete, take.recovered, take.torn_bytes) == (True, False, 0)
    assert take.header["slate"] == "12B"
    assert len(take.samples) == 1000
    assert take.marks.tolist() == [_sample(500).received]
    assert take.samples["sample_id"].tolist() == list(range(1, 1001))
    assert take.samples["position"][10].tolist() == list(_sample(10).position)
    assert take.samples["raw_position"][10].tolist() == list(_sample(10).raw_position)
    assert np.isinf(take.samples["focus_m"][1])
    assert take.samples["focus_m"][2] == 3.0
    assert np.isnan(take.samples["iris_raw"]).all()
    assert take.rate == pytest.approx(250.0)


def test_samples_reach_the_file_within_the_flush_interval(tmp_path: Path) -> None:
    """The writer thread hands samples to the OS by itself; nobody calls flush."""
    import time

    path = tmp_path / "b.vtake"
    writer = TakeWriter(path, {"name": "B"}, flush_interval=0.05)
    writer.add(_sample(0))
    deadline = time.monotonic() + 5.0
    while not len(read_take_file(path).samples) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(read_take_file(path).samples) == 1  # on disk without close()
    assert not read_take_file(path).complete
    writer.close()
    assert read_take_file(path).complete


def test_without_a_writer_thread_maybe_flush_writes(tmp_path: Path) -> None:
    path = tmp_path / "c.vtake"
    writer = TakeWriter(path, {"name": "C"}, flush_interval=0.05, background=False)
    writer.add(_sample(0))
    writer.maybe_flush(now=writer._last_flush + 0.01)
    assert len(read_take_file(path).samples) == 0  # younger than the interval: still queued
    writer.maybe_flush(now=writer._last_flush + 0.06)
    assert len(read_take_file(path).samples) == 1
    writer.close()


def test_a_failed_write_keeps_the_samples_queued(tmp_path: Path) -> None:
    import os

    path = tmp_path / "d.vtake"
    writer = TakeWriter(path, {"name": "D"}, background=False)
    writer.add(_sample(0))
    real_fd = writer._fd
    writer._fd = os.open(os.devnull, os.O_RDONLY)  # writes fail with EBADF
    with pytest.raises(OSError, match="Bad file descriptor"):
        writer.flush()
    assert writer.error is not None
    os.close(writer._fd)
    writer._fd = real_fd
    writer.add(_sample(1))
    writer.close()
    assert read_take_file(path).samples["sample_id"].tolist() == [1, 2]


def test_torn_record_is_dropped_and_recovery_closes_the_take(tmp_path: Path) -> None:
    path = tmp_path / "c.vtake"
    writer = TakeWriter(path, {"name": "C"})
    for index in range(20):
        writer.add(_sample(index))
    writer.flush()
    size = path.stat().st_size
    with open(path, "r+b") as handle:  # as if killed in the middle of a write
        handle.truncate(size - RECORD.itemsize // 2)
    take = read_take_file(path)
    assert (len(take.samples), take.complete, take.torn_bytes) == (19, False, RECORD.itemsize // 2)
    recovered = recover_take(path)
    assert (len(recovered.samples), recovered.complete, recovered.recovered) == (19, True, True)
    assert recover_take(path).samples.tobytes() == recovered.samples.tobytes()  # idempotent


def test_takes_read_as_camera_paths_through_the_registry(tmp_path: Path) -> None:
    path = tmp_path / "d.vtake"
    writer = TakeWriter(path, {"name": "D", "camera": {"film_back_mm": [24.89, 18.66],
                                                          "squeeze": 2.0}})
    for index in range(50):
        writer.add(_sample(index))
    writer.close()
    cam = read(path, "camera-path")
    assert len(cam) == 50
    assert cam.times[0] == 0.0
    assert cam.duration == pytest.approx(49 / 250.0)
    assert cam.positions[3].tolist() == pytest.approx(list(_sample(3).position))
    assert cam.camera.film_back.width_mm == 24.89
    assert cam.camera.squeeze == 2.0
    raw = read_vtake(path, raw=True)
    assert raw.positions[3].tolist() == pytest.approx(list(_sample(3).raw_position))
    framed = read_vtake(path, rate=24)
    assert framed.rate == 24
    assert len(framed) == 5


def test_bad_take_files_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.vtake"
    bad.write_bytes(b"hello")
    with pytest.raises(FormatError, match=r"bad\.vtake: not a previz take"):
        read_take_file(bad)
    with pytest.raises(InputError, match="no such file"):
        read_take_file(tmp_path / "missing.vtake")
    empty = tmp_path / "empty.vtake"
    TakeWriter(empty, {"name": "E"}).close()
    with pytest.raises(FormatError, match="holds no camera samples"):
        read(empty, "camera-path")
    with pytest.raises(InputError, match="exists already"):
        TakeWriter(empty, {})
