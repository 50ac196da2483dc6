"""A private X display for the window tests, and Qt event-loop waits.

The scout and live window tests share one Xvfb server per test session (the
``xvfb`` fixture in ``conftest.py``); the waits run the Qt event loop for a
bounded time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_display() -> int:
    """A display number no X server (nor its lock file) uses."""
    for number in range(99, 300):
        if not (Path(f"/tmp/.X11-unix/X{number}").exists()
                or Path(f"/tmp/.X{number}-lock").exists()):
            return number
    pytest.skip("no free X display number")


@contextmanager
def private_xvfb() -> Iterator[str]:
    """Run an Xvfb server; DISPLAY and QT_QPA_PLATFORM point at it until the end.

    Skips the test when Xvfb is missing or does not start; at the end closes
    Qt's windows, shuts the application down and stops the server.
    """
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed: the window tests need an X server")
    number = free_display()
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1920x1080x24",
                               "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.skip(f"Xvfb :{number} did not start")
        time.sleep(0.05)
    saved = {key: os.environ.get(key) for key in ("DISPLAY", "QT_QPA_PLATFORM")}
    os.environ["DISPLAY"] = f":{number}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        yield f":{number}"
    finally:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:  # leave no window and no X connection behind
            app.closeAllWindows()
            app.processEvents()
            app.shutdown()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def wait(seconds: float) -> None:
    """Run the Qt event loop for a while (bounded)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Run the event loop until ``condition()`` holds (or the timeout)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        wait(0.02)
    return True
