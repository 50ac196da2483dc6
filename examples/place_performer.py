"""Place a mocap performer on the stage and report where they go.

Usage: python examples/place_performer.py [TAKE.bvh] [--at X,Y] [--heading DEG]

Without a file, the built-in walking performer is used. The take is put with its
first frame's root at the mark (stage metres) facing the given heading, trimmed
to its first five seconds and resampled to 24 fps, as a shot would use it.
"""

from __future__ import annotations

import argparse

import numpy as np

import previz
from previz.core.synthetic import walking_take


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("take", nargs="?", help="a BVH file (default: built-in walk)")
    parser.add_argument("--at", default="0,0", help="mark on the floor, metres: X,Y")
    parser.add_argument("--heading", type=float, default=0.0, help="degrees, CCW from above")
    args = parser.parse_args()

    take = previz.read_take(args.take) if args.take else walking_take(10.0, 120)
    x, y = (float(v) for v in args.at.split(","))
    placed = take.with_placement(position=(x, y, 0.0), heading=args.heading, recentre=True)
    last = min(placed.frame_count - 1, int(5 * placed.rate))
    shot = placed.trimmed(0, last).resampled(24)

    positions = shot.world_positions()  # (frames, joints, 3), stage metres, Z up
    root = positions[:, 0]
    travelled = np.linalg.norm(np.diff(root[:, :2], axis=0), axis=1).sum()
    print(f"{take.name}: {shot.frame_count} frames at 24 fps, units {take.units} "
          f"({take.placement.scale:g} m per unit)")
    print(f"  starts at ({root[0, 0]:.2f}, {root[0, 1]:.2f}), ends at "
          f"({root[-1, 0]:.2f}, {root[-1, 1]:.2f}); walks {travelled:.2f} m")
    heights = positions[..., 2]
    print(f"  highest point {heights.max():.2f} m, lowest {heights.min():.2f} m")


if __name__ == "__main__":
    main()
