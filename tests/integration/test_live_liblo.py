"""`previz record` driven by an independent OSC implementation: liblo's oscsend and oscsendfile.

liblo (Debian's liblo-tools, which .ci/run installs) encodes every message and
bundle itself, so these tests check previz against someone else's reading of
the OSC specification rather than against python-osc's. The recorder runs as a
real process (``python -m previz record``); the take it writes is then read back
and compared value by value with what was sent.

oscsendfile reads lines of ``<NTP time tag as hex seconds.fraction> <address>
<types> <values...>``; consecutive lines with the same time tag go out as one
bundle, time-tagged with the moment they are sent (the file's tags only set the
spacing between bundles).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from recorder_process import HOST, Recorder

from previz.cli import main
from previz.live.journal import read_take_file

pytestmark = pytest.mark.skipif(
    shutil.which("oscsend") is None or shutil.which("oscsendfile") is None,
    reason="liblo-tools (oscsend, oscsendfile) is not installed; .ci/run installs it",
)

_HALF = math.radians(15.0)
Q30 = (0.0, 0.0, math.sin(_HALF), math.cos(_HALF))  # pan 30 degrees
def oscsend(port: int, address: str, types: str = "", *values: object) -> None:
    """Send one message with liblo's oscsend (and wait for it to be sent)."""
    arguments = [types, *map(str, values)] if types else []
    subprocess.run(["oscsend", HOST, str(port), address, *arguments], check=True, timeout=10)


def take_info(path: Path) -> dict:
    result = CliRunner().invoke(main, ["take", "info", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def rejected(stderr: str) -> dict[str, int]:
    """The rejected counts from the recorder's closing summary line."""
    line = next(line for line in stderr.splitlines() if line.startswith("received "))
    text = line.split("rejected: ", 1)[1]
    if text == "none":
        return {}
    return {kind: int(count) for kind, count in
            (part.rsplit(" ", 1) for part in text.split(", "))}


def test_messages_and_a_bundle_from_liblo_are_recorded_as_sent(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path, duration=3.0)
    recorder.wait_for("started")
    port = recorder.port
    oscsend(port, "/previz/camera/position", "fff", 1, 2, 1.5)
    oscsend(port, "/previz/camera/orientation", "ffff", *Q30)
    oscsend(port, "/previz/lens/focal", "f", 40)
    oscsend(port, "/previz/lens/focus", "d", 3.25)  # a 64-bit float
    oscsend(port, "/previz/mark")
    oscsend(port, "/previz/unknown", "f", 1)
    oscsend(port, "/previz/camera/position", "fff", "nan", 0, 0)  # refused, not recorded
    script = tmp_path / "bundle.txt"
    script.write_text(
        "e0b8d0e4.00000000 /previz/camera/position fff 3 4 1.25\n"
        "e0b8d0e4.00000000 /previz/camera/pan_tilt_roll fff 90 -10 0\n"
        "e0b8d0e4.00000000 /previz/sample i 10\n"
    )
    sent_at = time.time()
    subprocess.run(["oscsendfile", HOST, str(port), str(script)], check=True, timeout=10)
    stdout, stderr = recorder.finish()

    take_path = tmp_path / "take.vtake"
    assert stdout.splitlines() == ["wrote take.vtake"]
    take = read_take_file(take_path)
    samples = take.samples
    assert take.complete
    assert len(samples) == 5  # position, orientation, focal, focus, the bundle
    raw = samples["raw_position"]
    np.testing.assert_array_equal(raw[:4], np.tile([1.0, 2.0, 1.5], (4, 1)))
    np.testing.assert_array_equal(raw[4], [3.0, 4.0, 1.25])
    np.testing.assert_array_equal(samples["raw_orientation"][0], [0.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(samples["raw_orientation"][1:4], np.tile(Q30, (3, 1)),
                               atol=1e-7)
    # pan 90, tilt -10 (ZXY): the camera looks along -X, slightly down.
    x, y, z, w = samples["raw_orientation"][4]
    forward = (2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x))
    np.testing.assert_allclose(forward, [-math.cos(math.radians(10)), 0.0,
                                         -math.sin(math.radians(10))], atol=1e-6)
    np.testing.assert_array_equal(samples["focal_mm"], [35.0, 35.0, 40.0, 40.0, 40.0])
    np.testing.assert_array_equal(samples["focus_m"][3:], [3.25, 3.25])
    # Messages carry no id: the receiver numbers them; the bundle's own id is kept.
    np.testing.assert_array_equal(samples["sample_id"], [1, 2, 3, 4, 10])
    # Only the bundle has a time tag: liblo stamps it with the moment it is sent.
    assert np.isnan(samples["device_time"][:4]).all()
    assert abs(samples["device_time"][4] - sent_at) < 5.0
    assert len(take.marks) == 1
    assert samples["received"][3] < take.marks[0] < samples["received"][4]
    assert rejected(stderr) == {"unmapped": 1, "range": 1}
    info = take_info(take_path)
    assert info["samples"] == 5
    assert info["complete"] is True
    assert info["recovered"] is False
    assert len(info["marks"]) == 1


def test_record_and_mark_triggers_from_liblo_make_two_takes(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path, "--trigger", "--slate", "B7")
    port = recorder.port
    oscsend(port, "/previz/camera/position", "fff", 9, 9, 9)  # not recording yet
    oscsend(port, "/previz/record", "i", 1)
    recorder.wait_for("started")
    for index in range(5):
        oscsend(port, "/previz/camera/position", "fff", index, 0, 1.5)
    oscsend(port, "/previz/mark")
    oscsend(port, "/previz/record", "i", 0)
    recorder.wait_for("stopped")
    oscsend(port, "/previz/camera/position", "fff", 8, 8, 8)  # between takes
    oscsend(port, "/previz/record", "f", 1.0)
    recorder.wait_for("started")
    oscsend(port, "/previz/camera/position", "fff", 0.5, -1, 2)
    oscsend(port, "/previz/mark", "i", 1)
    oscsend(port, "/previz/mark", "i", 0)  # a released button is not a mark
    time.sleep(0.3)  # SIGTERM stops the receive loop: let it read what was sent first
    stdout, stderr = recorder.finish(terminate=True)

    first, second = tmp_path / "take.vtake", tmp_path / "take_002.vtake"
    assert stdout.splitlines() == ["wrote take.vtake", "wrote take_002.vtake"]
    one, two = read_take_file(first), read_take_file(second)
    assert one.complete
    assert two.complete  # SIGTERM closes the take being recorded
    assert one.header["slate"] == two.header["slate"] == "B7"
    np.testing.assert_array_equal(one.samples["raw_position"][:, 0], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(two.samples["raw_position"], [[0.5, -1.0, 2.0]])
    assert len(one.marks) == 1
    assert len(two.marks) == 1
    assert one.samples["received"][-1] < one.marks[0]
    assert rejected(stderr) == {}
    summary = next(line for line in stderr.splitlines() if line.startswith("received "))
    assert summary.startswith("received 14 datagrams, 8 samples")
