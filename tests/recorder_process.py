"""``python -m previz record`` in a subprocess, for the tests that drive it over real UDP."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

HOST = "127.0.0.1"


class Recorder:
    """``python -m previz record`` in a subprocess, with its stderr read on a thread."""

    def __init__(self, folder: Path, *options: str, duration: float = 30.0,
                 output: str = "take.vtake") -> None:
        command = [sys.executable, "-m", "previz", "record", "--device", "previz",
                   "--listen", f"{HOST}:0", "--duration", str(duration), "-o", output,
                   *options]
        self.process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        line = self.wait_for("listening on ")
        match = re.search(r":(\d+) for ", line)
        assert match, line
        self.port = int(match.group(1))

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Wait for a stderr line containing ``text`` (fails on timeout or exit)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.05)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            if text in line:
                return line
        self.process.kill()
        pytest.fail(f"the recorder never printed {text!r}; stderr: {''.join(self.stderr)}")

    def finish(self, *, terminate: bool = False, timeout: float = 20.0) -> tuple[str, str]:
        """Stop (SIGTERM) or wait for --duration; return (stdout, stderr)."""
        if terminate:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)  # stdout is a line or two: the pipe cannot fill
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        assert self.process.stdout is not None
        stdout = self.process.stdout.read()
        self._reader.join(5.0)  # stderr belongs to the reader thread alone
        assert self.process.returncode == 0, "".join(self.stderr)
        return stdout, "".join(self.stderr)
