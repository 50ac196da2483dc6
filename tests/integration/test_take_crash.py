"""Crash safety of recorded takes: kill -9 mid-take, torn records, recovery.

The kill test streams numbered, time-tagged OSC bundles at 500 Hz into a real
``python -m previz record`` process, kills it with SIGKILL and checks that the
take, once recovered, holds every sample sent more than 100 ms before the kill
(the journal promises to lose at most one 50 ms flush interval), that it reads
as a camera path and exports.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from recorder_process import Recorder

from previz.cli import main
from previz.io.registry import read
from previz.live.journal import RECORD, TakeWriter, read_take_file, recover_take
from previz.live.vcam import CameraSample

RATE_HZ = 500.0
STREAM_SECONDS = 1.5
MAX_LOSS_S = 0.100


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def pose_bundle(sample_id: int, now: float) -> bytes:
    """One sample as a time-tagged bundle: position, orientation, id (python-osc builders)."""
    from pythonosc.osc_bundle_builder import OscBundleBuilder
    from pythonosc.osc_message_builder import OscMessageBuilder

    builder = OscBundleBuilder(now)
    t = sample_id / RATE_HZ
    half = math.radians(20.0 * math.sin(t)) / 2
    for address, values in (
        ("/previz/camera/position", [0.5 * t, 1.0 + 0.1 * math.sin(3 * t), 1.5]),
        ("/previz/camera/orientation", [0.0, 0.0, math.sin(half), math.cos(half)]),
        ("/previz/sample", [sample_id]),
    ):
        message = OscMessageBuilder(address)
        for value in values:
            message.add_arg(value)
        builder.add_content(message.build())
    return builder.build().dgram


def test_a_killed_recorder_loses_at_most_the_last_100_ms(tmp_path: Path) -> None:
    from pythonosc.udp_client import SimpleUDPClient

    recorder = Recorder(tmp_path, duration=60.0)
    recorder.wait_for("started")
    client = SimpleUDPClient("127.0.0.1", recorder.port)
    sent_at: dict[int, float] = {}  # sample id -> time.monotonic() when sent
    start = time.perf_counter()
    sample_id = 0
    try:
        while time.perf_counter() - start < STREAM_SECONDS:
            sample_id += 1
            due = start + sample_id / RATE_HZ
            while (left := due - time.perf_counter()) > 0:
                time.sleep(left if left > 0.002 else 0)
            client.send(_Raw(pose_bundle(sample_id, time.time())))
            sent_at[sample_id] = time.monotonic()
        last_sent = sample_id
        killed_at = time.monotonic()
        os.kill(recorder.process.pid, signal.SIGKILL)
    finally:
        recorder.process.kill()
        recorder.process.wait(10)
    assert recorder.process.returncode == -signal.SIGKILL

    take_path = tmp_path / "take.vtake"
    before = read_take_file(take_path)
    assert not before.complete
    info = cli("take", "info", str(take_path))
    assert "interrupted" in info
    torn = before.torn_bytes

    out = cli("take", "recover", str(take_path))
    assert out.startswith(f"recovered {take_path}")
    take = read_take_file(take_path)
    assert take.complete
    assert take.recovered
    assert "recovered after an interruption" in cli("take", "info", str(take_path))
    data = take_path.read_bytes()
    body = data.index(b"\n", data.index(b"\n") + 1) + 1  # after the magic and header lines
    assert (len(data) - body) % RECORD.itemsize == 0  # whole records only

    ids = take.samples["sample_id"]
    assert len(ids) > 0
    np.testing.assert_array_equal(ids, np.arange(1, len(ids) + 1))  # in order, no gaps
    kept = int(ids[-1])
    assert kept <= last_sent
    lost_ms = 1000.0 * (killed_at - sent_at[kept + 1]) if kept < last_sent else 0.0
    must_keep = max(i for i, at in sent_at.items() if at <= killed_at - MAX_LOSS_S)
    print(f"kill -9 after {last_sent} samples: kept {kept}, lost {last_sent - kept} "
          f"(sent in the last {lost_ms:.1f} ms before the kill); torn tail {torn} bytes")
    assert kept >= must_keep, (
        f"samples {kept + 1}..{must_keep} were sent more than {MAX_LOSS_S * 1000:.0f} ms "
        f"before the kill and are not in the take"
    )
    # The samples that were kept are the ones that were sent.
    t = ids / RATE_HZ
    np.testing.assert_allclose(take.samples["raw_position"][:, 0], 0.5 * t, atol=1e-6)
    assert np.isfinite(take.samples["device_time"]).all()

    path = read(take_path, "camera-path")
    assert len(path) > 0
    assert path.duration == pytest.approx(take.duration, abs=1e-9)
    exported = tmp_path / "x.json"
    cli("camera", "export", str(take_path), "-o", str(exported), "--fps", "24")
    assert exported.stat().st_size > 0
    back = read(exported, "camera-path")
    assert abs(back.duration - take.duration) <= 1 / 24 + 1e-9


class _Raw:
    """Something python-osc's client sends as it is (it only reads ``.dgram``)."""

    def __init__(self, dgram: bytes) -> None:
        self.dgram = dgram


# ---------------------------------------------------------------- unit level
def _sample(index: int) -> CameraSample:
    q = (0.0, 0.0, math.sin(index / 100), math.cos(index / 100))
    p = (0.01 * index, 1.0, 1.5)
    return CameraSample(100.0 + index / 60, math.nan, index, p, q, p, q, 35.0, 3.0, 2.8)


def _interrupted_take(path: Path, count: int) -> int:
    """Write ``count`` samples as a crashed recorder leaves them; return the header size."""
    writer = TakeWriter(path, {"name": "crash", "device": "test", "protocol": "osc"})
    for index in range(1, count + 1):
        writer.add(_sample(index))
    writer.flush()
    os.close(writer._fd)  # the process dies here: no end record
    return path.stat().st_size - count * RECORD.itemsize


@pytest.mark.parametrize("cut", [1, 96, RECORD.itemsize - 1])
def test_a_record_torn_in_the_middle_is_dropped_and_the_whole_ones_kept(
        tmp_path: Path, cut: int) -> None:
    path = tmp_path / "torn.vtake"
    header = _interrupted_take(path, 10)
    whole = 6
    size = header + whole * RECORD.itemsize + cut
    with open(path, "r+b") as handle:
        handle.truncate(size)

    before = read_take_file(path)
    assert not before.complete
    assert before.torn_bytes == cut
    assert len(before.samples) == whole

    after = recover_take(path)
    assert after.complete
    assert after.recovered
    assert after.torn_bytes == 0
    np.testing.assert_array_equal(after.samples["sample_id"], np.arange(1, whole + 1))
    for index, record in enumerate(after.samples, start=1):
        expected = _sample(index)
        assert record["received"] == expected.received
        np.testing.assert_array_equal(record["raw_position"], expected.raw_position)
        np.testing.assert_array_equal(record["orientation"], expected.orientation)
    # The torn bytes are gone and exactly one end record follows the whole ones.
    assert path.stat().st_size == header + (whole + 1) * RECORD.itemsize
    assert read(path, "camera-path").duration == pytest.approx(5 / 60)


def test_an_interrupted_take_cut_at_a_record_boundary_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "clean-cut.vtake"
    header = _interrupted_take(path, 4)
    out = cli("take", "recover", str(path))
    assert out.strip() == f"recovered {path}: 4 samples over {3 / 60:.3f} s"
    assert path.stat().st_size == header + 5 * RECORD.itemsize
    assert len(read_take_file(path).samples) == 4


def test_recovering_a_complete_take_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "complete.vtake"
    writer = TakeWriter(path, {"name": "done", "device": "test", "protocol": "osc"})
    for index in range(1, 6):
        writer.add(_sample(index))
    writer.mark(100.05)
    writer.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    take = recover_take(path)
    assert take.complete
    assert not take.recovered
    assert len(take.samples) == 5
    assert len(take.marks) == 1
    out = cli("take", "recover", str(path))
    assert out.strip() == f"{path}: complete already (5 samples); nothing to do"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    info = json.loads(cli("take", "info", str(path), "--json"))
    assert info["complete"] is True
    assert info["recovered"] is False


def test_recovering_twice_is_the_same_as_once(tmp_path: Path) -> None:
    path = tmp_path / "twice.vtake"
    header = _interrupted_take(path, 3)
    with open(path, "r+b") as handle:
        handle.truncate(header + 2 * RECORD.itemsize + 50)
    recover_take(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    again = recover_take(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert len(again.samples) == 2
