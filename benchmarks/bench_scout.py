"""Frame rate of the ``previz scout`` viewport while the camera moves.

Starts the scouting window (under a private Xvfb display when no DISPLAY is
set), loads the built-in demo set and a walking performer, sizes the viewport
to 1280x720 and, for a few seconds of the real Qt event loop, holds "forward",
pans the camera as a mouse drag would and plays the performer. It counts the
frames the viewport actually drew and prints frames per second (target: >= 24
on a 2-core CPU with Mesa llvmpipe, no multisampling).

``--viewport raster`` (the default, as ``previz scout``) renders off-screen and
shows the image; ``--viewport qt`` is the pyvistaqt OpenGL widget.

Run: ``python benchmarks/bench_scout.py [--seconds S] [--rounds N] [--size WxH]
[--set SPEC] [--viewport raster|qt]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def free_display() -> int:
    """A display number with no X server (no socket and no lock file)."""
    for number in range(90, 200):
        if not (Path(f"/tmp/.X11-unix/X{number}").exists()
                or Path(f"/tmp/.X{number}-lock").exists()):
            return number
    raise RuntimeError("no free X display number between :90 and :199")


def start_xvfb() -> subprocess.Popen[bytes] | None:
    """Start Xvfb when there is no display; return the process (None if not needed)."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        raise SystemExit("no DISPLAY and no Xvfb: install Xvfb or run under a display")
    number = free_display()
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1920x1080x24", "-nolisten",
                               "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="Measured time.")
    parser.add_argument("--size", default="1280x720", help="Viewport size, WxH.")
    parser.add_argument("--set", dest="set_spec", default="builtin:demo", help="Set to load.")
    parser.add_argument("--rounds", type=int, default=1, help="Measurements (median printed).")
    parser.add_argument("--viewport", choices=("raster", "qt"), default="raster",
                        help="Viewport kind (see previz.app.scout.VIEWPORTS).")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    server = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        run(args.set_spec, (width, height), args.seconds, args.rounds, args.viewport)
    finally:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:  # drop the X connection before the server goes
            app.shutdown()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def run(set_spec: str, size: tuple[int, int], seconds: float, rounds: int = 1,
        viewport_kind: str = "raster") -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from previz.app.scout import ScoutWindow, application, ready_to_run
    from previz.app.session import ScoutSession
    from previz.core.synthetic import walking_take
    from previz.io.datafiles import load_rig_library
    from previz.io.set_source import load_set

    application()
    model = load_set(set_spec)
    take = walking_take(seconds=10, rate=30)
    session = ScoutSession(model, set_spec=set_spec, library=load_rig_library(),
                           body="arri-alexa-35", lens_kit="cooke-s4i", takes=[take],
                           resolution=size)
    window = ScoutWindow(session, viewport=viewport_kind)
    viewport = window.viewport
    viewport.setFixedSize(*size)
    window.show()
    window.adjustSize()

    def spin(duration: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(round(duration * 1000), loop.quit)
        loop.exec()

    ready_to_run()
    spin(1.0)  # first frames: shader compilation, text textures
    drag = QTimer()
    drag.setInterval(10)
    drag.timeout.connect(lambda: session.look(1.5, -0.3, viewport.frame_rect[3]))
    viewport.press("forward")
    window.timeline.set_playing(True)
    drag.start()
    spin(0.5)
    rates = []
    for _round in range(max(1, rounds)):
        first, start = viewport.frames_drawn, time.perf_counter()
        spin(seconds)
        frames, elapsed = viewport.frames_drawn - first, time.perf_counter() - start
        rates.append(frames / elapsed)
        print(f"  {frames} frames in {elapsed:.2f} s = {frames / elapsed:.1f} fps "
              f"({1000 * elapsed / max(1, frames):.1f} ms/frame)")
    drag.stop()
    viewport.release()
    window.timeline.set_playing(False)
    _x, _y, w, h = viewport.frame_rect
    print(f"previz scout {viewport_kind} viewport {viewport.width()}x{viewport.height()} "
          f"(frame {w}x{h}), set {model.name!r} ({model.triangle_count} triangles), "
          f"1 performer, guides and burn-ins: {statistics.median(rates):.1f} fps "
          f"(median of {len(rates)})")
    session.dirty = False
    window.close()
    spin(0.1)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
