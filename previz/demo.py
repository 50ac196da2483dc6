"""The built-in demo: the whole pipeline on data previz makes itself.

``previz demo`` runs this. It needs no downloads and no user data, and every
output it writes is a real file the rest of the toolchain reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from previz.core.synthetic import walking_take
from previz.io.bvh import read_bvh, write_bvh
from previz.io.positions import write_positions

__all__ = ["DemoOutput", "run_demo"]


@dataclass(frozen=True)
class DemoOutput:
    """One file the demo wrote."""

    label: str
    path: Path
    summary: str


def run_demo(folder: Path) -> list[DemoOutput]:
    """Run the demo pipeline, writing into ``folder``.

    Steps: make the built-in performer (a 10 s walk at 120 fps), write it as BVH,
    read the file back as any user file would be read, and export its joint
    positions in stage metres.

    Parameters
    ----------
    folder : pathlib.Path
        Output folder; created if missing.

    Returns
    -------
    list of DemoOutput
        What was written, in order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    performer = walking_take(seconds=10.0, rate=120, name="performer")
    bvh_path = write_bvh(performer, folder / "performer.bvh")
    take = read_bvh(bvh_path)
    positions = write_positions(take, folder / "performer_positions.npz")
    floor = positions[..., :2]
    extent = floor.max(axis=(0, 1)) - floor.min(axis=(0, 1))
    return [
        DemoOutput(
            "performer take (BVH)",
            bvh_path,
            f"{take.frame_count} frames at {float(take.rate):g} fps, "
            f"{len(take.skeleton.joints)} joints, {take.units}",
        ),
        DemoOutput(
            "joint positions (npz)",
            folder / "performer_positions.npz",
            f"stage metres Z up, {take.skeleton_height() * take.placement.scale:.2f} m tall, "
            f"walks over {extent[0]:.1f} x {extent[1]:.1f} m",
        ),
    ]
