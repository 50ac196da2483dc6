"""previz: virtual-production previsualization.

Scout 3D sets with real lenses, play BVH motion capture in them, drive a virtual
camera live over OSC, and export shot lists and camera paths.

Importing ``previz`` loads only the error classes and the table of file formats;
numpy, VTK, Qt and python-osc are imported by the modules that need them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from previz.errors import BVHError, InputError, OperationError, PrevizError
from previz.io.registry import read

if TYPE_CHECKING:
    from previz.core.take import Take

__version__ = "0.1.0"

__all__ = [
    "BVHError",
    "InputError",
    "OperationError",
    "PrevizError",
    "__version__",
    "read_take",
]


def read_take(path: str | os.PathLike[str], **options: Any) -> Take:
    """Read a motion-capture take (BVH) from a file.

    Parameters
    ----------
    path : str or path-like
        The file; its extension selects the reader.
    **options
        Reader options, e.g. ``units="cm"`` or ``scale=0.01`` (metres per unit).

    Returns
    -------
    previz.core.take.Take
        ``take.world_positions(raw=True)`` gives the joint positions in the
        file's units and axes, ``raw=False`` in stage metres, Z up.
    """
    return read(path, "take", **options)
