"""A live session over loopback: what a device sends is what the take holds."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from previz.cli import main
from previz.core.camera_path import CameraPath
from previz.core.rotation import quaternion_to_matrix
from previz.io.device_toml import find_device
from previz.live.journal import read_take_file
from previz.live.sender import path_datagrams, play_datagrams, sample_times
from previz.live.session import LiveSession


def _move() -> CameraPath:
    return CameraPath.from_keyframes(
        [1001, 1025, 1049], Fraction(24),
        [(0.0, -4.0, 1.6), (1.5, -2.0, 1.4), (2.0, 0.5, 1.8)],
        [(10.0, -5.0, 0.0), (40.0, 2.0, 3.0), (75.0, 8.0, -2.0)],
        focal_mm=[24.0, 35.0, 50.0], focus_m=[4.0, 3.0, 2.0], f_stop=2.8,
    )


def _wait(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("device", ["previz", "zigsim", "tracker", "freed", "opentrackio"])
def test_a_path_sent_as_a_device_is_recorded_as_the_same_path(device: str, tmp_path: Path
                                                               ) -> None:
    profile = find_device(device)
    path = _move()
    rate = 100.0
    times, samples = path_datagrams(path, profile, rate)
    with LiveSession(profile, port=0, take_folder=tmp_path) as session:
        take_path = session.start_recording(tmp_path / "take.vtake")
        play_datagrams(times, samples, session.address, realtime=False)
        _wait(lambda: session.stats.samples >= len(samples))
        session.stop_recording()
    take = read_take_file(take_path)
    assert len(take.samples) == len(samples) == len(sample_times(path, rate))
    expected = path.sample(path.times[0] + times)
    # FreeD quantises to 1/64 mm and 1/32768 degree; the others carry floats (OSC: 32-bit).
    assert np.abs(take.samples["raw_position"] - expected.positions).max() < 1e-5
    got = quaternion_to_matrix(take.samples["raw_orientation"])
    want = quaternion_to_matrix(expected.orientations)
    assert np.abs(got - want).max() < 1e-5
    if device in ("previz", "opentrackio"):
        assert np.abs(take.samples["focal_mm"] - expected.focal_mm).max() < 1e-4
        assert np.abs(take.samples["focus_m"] - expected.focus_m).max() < 1e-4
    if device == "freed":  # through the profile's encoder tables and back
        assert np.abs(take.samples["focal_mm"] - expected.focal_mm).max() < 0.01
    assert sum(session.stats.rejected.values()) == 0


def test_record_trigger_mark_and_slate_from_the_device(tmp_path: Path) -> None:
    from pythonosc.udp_client import SimpleUDPClient

    with LiveSession(find_device("previz"), port=0, take_folder=tmp_path) as session:
        client = SimpleUDPClient(*session.address)
        client.send_message("/previz/slate", "A12")
        client.send_message("/previz/record", 1)
        _wait(lambda: session.recording)
        for index in range(20):
            client.send_message("/previz/camera/position", [0.1 * index, 0.0, 1.5])
        client.send_message("/previz/mark", [])
        client.send_message("/previz/unknown", [1.0])
        _wait(lambda: session.stats.rejected["unmapped"] == 1)
        client.send_message("/previz/record", 0)
        _wait(lambda: not session.recording)
    assert [p.name for p in session.finished] == ["A12_001.vtake"]
    take = read_take_file(session.finished[0])
    assert take.header["slate"] == "A12"
    assert len(take.samples) == 20
    assert len(take.marks) == 1
    assert take.samples["raw_position"][-1] == pytest.approx([1.9, 0.0, 1.5], abs=1e-6)


def test_allow_list_rejects_other_senders(tmp_path: Path) -> None:
    from pythonosc.udp_client import SimpleUDPClient

    with LiveSession(find_device("previz"), port=0, allow=["10.1.2.3"]) as session:
        SimpleUDPClient(*session.address).send_message("/previz/camera/position", [1.0, 2, 3])
        _wait(lambda: session.stats.rejected["sender"] == 1)
    assert session.stats.samples == 0
    assert session.stats.rejected["sender"] == 1


def test_record_and_osc_play_commands_round_trip(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "move.json"
    runner = CliRunner()
    from previz.io.registry import write

    write(_move(), source, "camera-path")
    port = 39000 + (hash(str(tmp_path)) % 1000)
    take = tmp_path / "rec.vtake"
    recorder = subprocess.Popen(
        [sys.executable, "-m", "previz", "record", "--device", "previz", "--listen",
         f"127.0.0.1:{port}", "--duration", "3", "-o", str(take)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait(take.exists, timeout=10)
        result = runner.invoke(main, ["osc", "play", str(source), "--to", f"127.0.0.1:{port}",
                                      "--rate", "50", "--fast"])
        assert result.exit_code == 0, result.output
        assert "sent 101 datagrams" in result.output
        out, err = recorder.communicate(timeout=15)
    finally:
        recorder.kill()
    assert recorder.returncode == 0, err
    assert f"wrote {take}" in out
    info = runner.invoke(main, ["take", "info", str(take)])
    assert "samples    101" in info.output
    assert "complete" in info.output
    exported = runner.invoke(main, ["camera", "export", str(take), "-o", str(tmp_path / "c.usda"),
                                    "--fps", "24"])
    assert exported.exit_code == 0, exported.output


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    cases = [
        (["record", "--device", "nope", "-o", str(tmp_path / "x.vtake")], "no such device"),
        (["record", "--device", "previz", "-o", str(tmp_path / "x.txt")], "ends in .vtake"),
        (["record", "--device", "previz", "--listen", "1.2.3.4:x", "-o",
          str(tmp_path / "y.vtake")], "expected HOST:PORT"),
        (["take", "info", str(tmp_path / "none.vtake")], "no such file"),
        (["device", "show", "nope"], "no such device profile"),
    ]
    for args, text in cases:
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert text in result.output
        assert "Traceback" not in result.output


def test_opentrackio_multicast_on_the_loopback_interface(tmp_path: Path) -> None:
    """Join 239.135.1.<n> on 127.0.0.1 and receive what a multicast sender streams."""
    from previz.live.opentrackio import multicast_group

    profile = find_device("opentrackio")
    group = multicast_group(profile.source_number)
    path = _move()
    times, samples = path_datagrams(path, profile, 50.0)
    with LiveSession(profile, host="127.0.0.1", port=0, multicast=group) as session:
        port = session.address[1]
        play_datagrams(times, samples, (group, port), realtime=False, interface="127.0.0.1")
        _wait(lambda: session.stats.samples >= len(samples))
    assert session.stats.samples == len(samples)
    expected = path.sample(path.times[0] + times[-1:])
    assert session.latest.raw_position == pytest.approx(tuple(expected.positions[0]), abs=1e-6)
