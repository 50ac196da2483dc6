"""BVH load + forward kinematics: previz beside its PyPI peers, in one process.

For every BVH file in ``../shared/data/bvh`` (or ``--data``), time
  - previz: ``read_take(path)`` then ``world_positions(raw=True)``,
  - pybvh:  ``read_bvh_file(path)`` then ``joint_positions()``,
  - bvhio:  ``readAsHierarchy(path)`` then every frame's ``loadPose`` and world positions,
take the best of ``--repeat`` interleaved rounds (garbage collected before and
paused during each timed call, as ``timeit`` does), check that the peers' positions agree with
previz's, and print load, FK and total times with the ratio of the fastest peer's
total to previz's (target: >= 2.0 on every file).

Then a generated one-hour take (432,000 frames at 120 fps, 31 joints) is written
and loaded with positions in a fresh process, which reports wall time and peak
memory (targets: < 10 s, < 3 GiB). ``--quick`` skips the hour.

Run: ``python benchmarks/bench_bvh.py [--data DIR] [--repeat N] [--quick]``
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

import previz

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "bvh"
NOT_RUN = float("nan")


class Contender:
    """A reader timed as two steps, load then forward kinematics, min over rounds."""

    def __init__(self, name: str, load: Callable[[Path], object],
                 positions: Callable[[object], np.ndarray]) -> None:
        self.name = name
        self.load = load
        self.positions = positions
        self.load_times: list[float] = []
        self.fk_times: list[float] = []
        self.result: np.ndarray | None = None
        self.error: str | None = None

    def run(self, path: Path) -> None:
        if self.error is not None:
            return
        # As timeit does: collect the previous runs' garbage first and keep the
        # cycle collector out of the timed region, so no reader pays for another's.
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            loaded = self.load(path)
            middle = time.perf_counter()
            self.result = np.asarray(self.positions(loaded))
            end = time.perf_counter()
        except Exception as error:
            self.error = f"rejects: {type(error).__name__}"
            return
        finally:
            gc.enable()
        self.load_times.append(middle - start)
        self.fk_times.append(end - middle)

    @property
    def load_time(self) -> float:
        return min(self.load_times, default=NOT_RUN)

    @property
    def fk_time(self) -> float:
        return min(self.fk_times, default=NOT_RUN)

    @property
    def total(self) -> float:
        return self.load_time + self.fk_time


def pybvh_positions(data: object) -> np.ndarray:
    return data.joint_positions()  # type: ignore[attr-defined]


def bvhio_positions(root: object) -> np.ndarray:
    joints = [entry[0] for entry in root.layout()]  # type: ignore[attr-defined]
    frames = len(root.Keyframes)  # type: ignore[attr-defined]
    out = np.empty((frames, len(joints), 3))
    for frame in range(frames):
        root.loadPose(frame)  # type: ignore[attr-defined]
        for index, joint in enumerate(joints):
            out[frame, index] = tuple(joint.PositionWorld)
    return out


def contenders() -> list[Contender]:
    import bvhio
    import pybvh

    return [
        Contender("previz", previz.read_take, lambda take: take.world_positions(raw=True)),
        Contender("pybvh", pybvh.read_bvh_file, pybvh_positions),
        Contender("bvhio", lambda path: bvhio.readAsHierarchy(str(path)), bvhio_positions),
    ]


# Small files get more rounds (as timeit's autorange does): a millisecond-long
# call timed a handful of times measures the machine's noise, not the reader.
_ROUND_BUDGET_S = 0.25
_MAX_ROUNDS = 200


def measure(path: Path, repeat: int) -> list[Contender]:
    """Time every reader in interleaved rounds, so a slow spell hits them all alike.

    Every reader gets the same rounds: at least ``repeat``, and more for fast
    files (up to :data:`_MAX_ROUNDS`, while the slowest round of the first pass
    fits :data:`_ROUND_BUDGET_S` that many times). A reader whose first round
    took over a second gets two rounds in all.
    """
    racers = contenders()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rounds = repeat
        for round_number in range(_MAX_ROUNDS):
            if round_number >= rounds:
                break
            for racer in racers:
                slow = racer.total > 1.0
                if not (slow and round_number >= 2):
                    racer.run(path)
            if round_number == 0:
                fastest = min((r.total for r in racers if r.error is None and r.total <= 1.0),
                              default=1.0)
                rounds = max(repeat, min(_MAX_ROUNDS, int(_ROUND_BUDGET_S / max(fastest, 1e-6))))
    return racers


def agreement(ours: np.ndarray, theirs: np.ndarray | None) -> str:
    if theirs is None or theirs.shape != ours.shape:
        return "-"
    return f"{np.abs(ours - theirs).max():.1e}" if ours.size else "0"


def run_files(data: Path, repeat: int) -> list[float]:
    header = (
        f"{'file':<42} {'frames':>6} {'joints':>6} | {'previz load':>11} {'fk':>7} {'total':>7} "
        f"| {'pybvh total':>11} {'bvhio total':>11} | {'ratio':>5}  agreement (max |diff|)"
    )
    print(header)
    print("-" * len(header))
    ratios = []
    for path in sorted(data.glob("*.bvh")):
        ours, *peers = measure(path, repeat)
        assert ours.result is not None, ours.error
        agree = [
            f"{peer.name} {peer.error or agreement(ours.result, peer.result)}" for peer in peers
        ]
        fastest = min((p.total for p in peers if p.error is None), default=NOT_RUN)
        ratio = fastest / ours.total
        ratios.append(ratio)
        totals = {
            peer.name: f"{peer.total * 1e3:>9.2f}ms" if peer.error is None else f"{'-':>11}"
            for peer in peers
        }
        print(
            f"{path.name:<42} {ours.result.shape[0]:>6} {ours.result.shape[1]:>6} | "
            f"{ours.load_time * 1e3:>9.2f}ms {ours.fk_time * 1e3:>5.2f}ms "
            f"{ours.total * 1e3:>5.2f}ms | "
            f"{totals['pybvh']} {totals['bvhio']} | "
            f"{ratio:>5.2f}  {'; '.join(agree)}"
        )
    return ratios


_HOUR_SCRIPT = """
import json, resource, sys, time
start = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - start,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "shape": list(positions.shape)}}))
"""

_HOUR_BODIES = {
    "previz": "import previz\npositions = previz.read_take(sys.argv[1]).world_positions(raw=True)",
    "pybvh": "import pybvh\npositions = pybvh.read_bvh_file(sys.argv[1]).joint_positions()",
}


def run_hour(peers: bool) -> None:
    from previz.core.synthetic import walking_take
    from previz.io.bvh import write_bvh

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hour.bvh"
        start = time.perf_counter()
        take = walking_take(3600.0, 120)
        write_bvh(take, path)
        size = path.stat().st_size / 2**20
        print(
            f"\none hour at 120 fps: {take.frame_count} frames x {len(take.skeleton.joints)} "
            f"joints, {size:.0f} MiB of BVH (generated in {time.perf_counter() - start:.1f} s)"
        )
        del take
        for name in ("previz", "pybvh") if peers else ("previz",):
            script = _HOUR_SCRIPT.format(body=_HOUR_BODIES[name])
            done = subprocess.run(
                [sys.executable, "-c", script, str(path)], capture_output=True, text=True
            )
            if done.returncode != 0:
                print(f"  {name:<7} failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            report = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"  {name:<7} load + positions {report['seconds']:6.2f} s, "
                f"peak memory {report['peak_mib'] / 1024:5.2f} GiB, positions {report['shape']}"
            )
        print("  targets: previz < 10 s and < 3 GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of .bvh files")
    parser.add_argument("--repeat", type=int, default=15, help="runs per measurement (best kept)")
    parser.add_argument("--quick", action="store_true", help="skip the one-hour take")
    parser.add_argument("--no-peers-hour", action="store_true",
                        help="time only previz on the one-hour take")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no BVH folder at {args.data} (see --data)")
    ratios = run_files(args.data, args.repeat)
    if ratios:
        print(f"\nratio fastest peer / previz: min {min(ratios):.2f}, "
              f"median {float(np.median(ratios)):.2f} (target >= 2.0)")
    if not args.quick:
        run_hour(peers=not args.no_peers_hour)


if __name__ == "__main__":
    main()
