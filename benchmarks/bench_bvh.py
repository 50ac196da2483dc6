"""BVH load + forward kinematics: previz beside its PyPI peers, in one process.

For every BVH file in ``../shared/data/bvh`` (or ``--data``), time
  - previz: ``read_take(path)`` then ``world_positions(raw=True)``,
  - pybvh:  ``read_bvh_file(path)`` then ``joint_positions()``,
  - bvhio:  ``readAsHierarchy(path)`` then every frame's ``loadPose`` and world positions,
take the best of ``--repeat`` runs, check that the peers' positions agree with
previz's, and print load, FK and total times with the ratio of the fastest peer's
total to previz's (target: >= 2.0 on every file).

Then a generated one-hour take (432,000 frames at 120 fps, 31 joints) is written
and loaded with positions in a fresh process, which reports wall time and peak
memory (targets: < 10 s, < 3 GiB). ``--quick`` skips the hour.

Run: ``python benchmarks/bench_bvh.py [--data DIR] [--repeat N] [--quick]``
"""

from __future__ import annotations

import argparse
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


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    """Return the shortest wall time of ``repeat`` runs and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def time_previz(path: Path, repeat: int) -> tuple[float, float, np.ndarray]:
    load, take = best_of(repeat, lambda: previz.read_take(path))
    fk, positions = best_of(repeat, lambda: take.world_positions(raw=True))  # type: ignore[attr-defined]
    return load, fk, positions  # type: ignore[return-value]


def time_pybvh(path: Path, repeat: int) -> tuple[float, float, np.ndarray]:
    import pybvh

    load, data = best_of(repeat, lambda: pybvh.read_bvh_file(path))

    def positions() -> np.ndarray:
        data._node_positions_cached = None  # type: ignore[attr-defined]  # no cache between runs
        return data.joint_positions()  # type: ignore[attr-defined]

    fk, result = best_of(repeat, positions)
    return load, fk, result  # type: ignore[return-value]


def time_bvhio(path: Path, repeat: int) -> tuple[float, float, np.ndarray]:
    import bvhio

    load, root = best_of(repeat, lambda: bvhio.readAsHierarchy(str(path)))
    joints = [entry[0] for entry in root.layout()]  # type: ignore[attr-defined]
    frames = len(root.Keyframes)  # type: ignore[attr-defined]

    def positions() -> np.ndarray:
        out = np.empty((frames, len(joints), 3))
        for frame in range(frames):
            root.loadPose(frame)  # type: ignore[attr-defined]
            for index, joint in enumerate(joints):
                out[frame, index] = tuple(joint.PositionWorld)
        return out

    fk, result = best_of(max(1, repeat // 5), positions)
    return load, fk, result  # type: ignore[return-value]


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
        load, fk, ours = time_previz(path, repeat)
        totals: dict[str, float] = {}
        agree: list[str] = []
        for name, timer in (("pybvh", time_pybvh), ("bvhio", time_bvhio)):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    peer_load, peer_fk, theirs = timer(path, repeat)
            except Exception as error:
                totals[name] = NOT_RUN
                agree.append(f"{name} rejects: {type(error).__name__}")
                continue
            totals[name] = peer_load + peer_fk
            agree.append(f"{name} {agreement(ours, np.asarray(theirs))}")
        fastest = min((t for t in totals.values() if t == t), default=NOT_RUN)
        ratio = fastest / (load + fk)
        ratios.append(ratio)
        print(
            f"{path.name:<42} {ours.shape[0]:>6} {ours.shape[1]:>6} | "
            f"{load * 1e3:>9.2f}ms {fk * 1e3:>5.2f}ms {(load + fk) * 1e3:>5.2f}ms | "
            f"{totals['pybvh'] * 1e3:>9.2f}ms {totals['bvhio'] * 1e3:>9.2f}ms | "
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
