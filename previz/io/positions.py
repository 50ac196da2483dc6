"""Joint positions of a take as a numpy ``.npz`` archive.

The archive holds ``positions`` (frames × joints × 3, joints in file order, end
sites excluded), ``names``, ``frame_rate`` (``"num/den"``), ``space`` (``"file"``
for the source's own units and axes, ``"stage"`` for metres, Z up) and
``metres_per_unit`` (the scale used for stage space).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from previz.core.take import Take
from previz.io.files import atomic_output

__all__ = ["write_positions"]


def write_positions(
    take: Take, path: str | os.PathLike[str], *, raw: bool = False
) -> NDArray[np.float64]:
    """Write a take's world joint positions for every frame.

    Parameters
    ----------
    take : Take
        The take.
    path : str or path-like
        The ``.npz`` file, written under a temporary name and moved into place.
    raw : bool, keyword-only
        True: the file's own units and axes. False: stage metres, Z up, placed.

    Returns
    -------
    numpy.ndarray
        The positions written, shape (frames, joints, 3).
    """
    positions = take.world_positions(raw=raw)
    with atomic_output(Path(path), "wb") as stream:
        np.savez(
            stream,
            positions=positions,
            names=np.array(take.skeleton.names),
            frame_rate=np.array(f"{take.rate.numerator}/{take.rate.denominator}"),
            space=np.array("file" if raw else "stage"),
            metres_per_unit=np.array(take.placement.scale),
        )
    return positions
