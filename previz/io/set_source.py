"""Where a set comes from: a file, or the built-in demo set by name."""

from __future__ import annotations

import os
from pathlib import Path

from previz.core.set_model import SetModel
from previz.core.shotplan import BUILTIN_SETS

__all__ = ["BUILTIN_DEMO", "is_builtin_demo", "load_set"]

#: The name that stands for the built-in demo set (in plans and on the command line).
BUILTIN_DEMO = BUILTIN_SETS[0]


def is_builtin_demo(spec: str | os.PathLike[str]) -> bool:
    """Whether ``spec`` names the built-in demo set (``builtin:demo``, or ``demo`` when
    no file of that name exists)."""
    text = os.fspath(spec)
    return text == BUILTIN_DEMO or (text == "demo" and not Path(text).exists())


def load_set(spec: str | os.PathLike[str], *, up_axis: str | None = None,
             units: str | None = None, scale: float | None = None) -> SetModel:
    """Load a set from a file, or the built-in demo set.

    Parameters
    ----------
    spec : str or path-like
        A set file (glTF/GLB, OBJ, PLY, STL, VTK formats) or ``builtin:demo``.
    up_axis, units, scale
        Reader options for files (see :func:`previz.io.set_files.read_set`);
        ignored for the demo set, which is built in stage metres.

    Returns
    -------
    SetModel
    """
    if is_builtin_demo(spec):
        from previz.core.demo_set import demo_set

        return demo_set()
    from previz.io.set_files import read_set

    return read_set(spec, up_axis=up_axis, units=units, scale=scale)
