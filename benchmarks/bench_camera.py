"""Camera-path exports of a long take, each beside numpy dumping the same numbers.

A one-hour path at 120 Hz (432,000 samples: a camera circling and bobbing while
the lens zooms and pulls focus) is exported to every camera format. Each time is
printed beside the time ``numpy.savetxt`` takes to write the same arrays as
text (frame, position, pan/tilt/roll, focal, focus, f-stop), and the ratio.
Targets: CSV, .chan and JSON within 3x of the numpy dump; USD as fast as
usd-core allows (reported).

Run: ``python benchmarks/bench_camera.py [--seconds 3600] [--rate 120] [--repeat 1]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from previz.core.camera_path import CameraPath
from previz.io.registry import write

FORMATS = ("csv", "chan", "json", "jsonl", "usda", "usdc", "ma")
TARGET = {"csv": 3.0, "chan": 3.0, "json": 3.0, "jsonl": 3.0}


def long_path(seconds: float, rate: int) -> CameraPath:
    """A busy camera move: every channel changes on every sample."""
    count = int(seconds * rate)
    t = np.arange(count) / rate
    positions = np.column_stack(
        [4.0 * np.cos(t / 20), 4.0 * np.sin(t / 20), 1.6 + 0.3 * np.sin(t / 3)]
    )
    angles = np.column_stack([np.degrees(t / 20) + 90.0, -5.0 + 3.0 * np.sin(t / 7),
                              np.sin(t / 11)])
    return CameraPath.from_pan_tilt_roll(
        t, positions, angles,
        focal_mm=40.0 + 15.0 * np.sin(t / 13),
        focus_m=3.0 + np.sin(t / 5),
        f_stop=2.8,
        rate=rate,
        interpolation="linear",
        name="bench",
    )


def numpy_dump(path: CameraPath, target: Path) -> float:
    """Seconds numpy takes to write the same numbers as text."""
    frames = path.frames
    assert frames is not None
    table = np.column_stack([frames, path.positions, path.pan_tilt_roll(), path.focal_mm,
                             path.focus_m, path.f_stop])
    start = time.perf_counter()
    np.savetxt(target, table, fmt="%.6f")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3600.0)
    parser.add_argument("--rate", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=1, help="runs per format (best kept)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    path = long_path(args.seconds, args.rate)
    print(f"{len(path)} samples at {args.rate} Hz ({args.seconds:g} s)")
    with tempfile.TemporaryDirectory() as folder:
        base = min(numpy_dump(path, Path(folder) / "dump.txt") for _ in range(args.repeat))
        print(f"  numpy.savetxt of the same arrays: {base:.2f} s")
        print(f"  {'format':<7} {'seconds':>8} {'x numpy':>8} {'size':>9}  target")
        for name in args.formats.split(","):
            target = Path(folder) / f"bench.{name}"
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                write(path, target, "camera-path")
                best = min(best, time.perf_counter() - start)
            size = sum(p.stat().st_size for p in Path(folder).glob(f"bench.{name}*")) / 2**20
            goal = f"<= {TARGET[name]:g}x" if name in TARGET else "report"
            verdict = "" if name not in TARGET else (
                " ok" if best / base <= TARGET[name] else " MISSED")
            print(f"  {name:<7} {best:>8.2f} {best / base:>8.2f} {size:>7.0f}MB  {goal}{verdict}")


if __name__ == "__main__":
    main()
