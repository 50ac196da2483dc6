"""One table of file formats, keyed by extension.

Each format names the module and functions that read and write it; modules are
imported only when a format is used, so an optional dependency (usd-core, say)
fails only for the format that needs it, with an install hint. Adding a format is
one module plus one :class:`FileFormat` line in :data:`FORMATS`.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from previz.errors import FormatError

__all__ = ["FORMATS", "FileFormat", "find_format", "read", "write"]


@dataclass(frozen=True)
class FileFormat:
    """A file format previz reads and/or writes.

    Parameters
    ----------
    name : str
        Short name used by ``--format``.
    extensions : tuple of str
        Lower-case extensions including the dot.
    kind : str
        What the file holds: ``"take"`` (motion capture), …
    module : str
        Module holding the functions.
    reader, writer : str or None
        Function names in ``module``; None when the direction is not supported.
    description : str
        One line for help texts.
    """

    name: str
    extensions: tuple[str, ...]
    kind: str
    module: str
    reader: str | None
    writer: str | None
    description: str

    def function(self, direction: str) -> Callable[..., Any]:
        """Return the reader (``"read"``) or writer (``"write"``) function."""
        attribute = self.reader if direction == "read" else self.writer
        if attribute is None:
            raise FormatError(f"previz cannot {direction} {self.name} files")
        return _load(self.module, attribute)


@functools.cache
def _load(module: str, attribute: str) -> Callable[..., Any]:
    """Import ``module`` and return its ``attribute``; a failed import is tried again next time."""
    return getattr(importlib.import_module(module), attribute)


FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        "bvh", (".bvh",), "take", "previz.io.bvh", "read_bvh", "write_bvh",
        "Biovision hierarchy motion capture",
    ),
    FileFormat(
        "json", (".json",), "camera-path", "previz.io.opentrackio_json", "read_json", "write_json",
        "OpenTrackIO samples as a JSON array",
    ),
    FileFormat(
        "jsonl", (".jsonl",), "camera-path", "previz.io.opentrackio_json", "read_json",
        "write_jsonl", "OpenTrackIO samples as JSON Lines",
    ),
    FileFormat(
        "csv", (".csv",), "camera-path", "previz.io.camera_csv", "read_csv", "write_csv",
        "frame, timecode, position, pan/tilt/roll, lens",
    ),
    FileFormat(
        "chan", (".chan",), "camera-path", "previz.io.nuke_chan", "read_chan", "write_chan",
        "Nuke channel file (with a .chan.json sidecar)",
    ),
    FileFormat(
        "usd", (".usda", ".usdc", ".usd"), "camera-path", "previz.io.usd_camera", "read_usd",
        "write_usd", "USD camera (usd-core)",
    ),
    FileFormat(
        "maya", (".ma",), "camera-path", "previz.io.maya_camera", "read_ma", "write_ma",
        "Maya ASCII camera with animation curves",
    ),
    FileFormat(
        "vtake", (".vtake",), "camera-path", "previz.io.camera_take", "read_vtake", None,
        "camera take recorded live by previz record / previz live",
    ),
)


def find_format(
    path: str | os.PathLike[str], kind: str, *, name: str | None = None, direction: str = "read"
) -> FileFormat:
    """Return the format for a path (by extension) or by explicit name.

    Parameters
    ----------
    path : str or path-like
        The file.
    kind : str
        What the caller wants to read or write (``"take"``, …).
    name : str or None, keyword-only
        Format name that overrides the extension.
    direction : str, keyword-only
        ``"read"`` or ``"write"``.

    Raises
    ------
    FormatError
        Naming the file and the valid choices.
    """
    candidates = [
        f for f in FORMATS
        if f.kind == kind and (f.reader if direction == "read" else f.writer)
    ]
    if name is not None:
        match = [f for f in candidates if f.name == name.lower()]
        valid = ", ".join(f.name for f in candidates)
        if not match:
            raise FormatError(f"{os.fspath(path)}: unknown {kind} format {name!r}; valid: {valid}")
        return match[0]
    extension = os.path.splitext(os.fspath(path))[1].lower()
    for candidate in candidates:
        if extension in candidate.extensions:
            return candidate
    valid = ", ".join(ext for f in candidates for ext in f.extensions)
    preposition = "from" if direction == "read" else "to"
    raise FormatError(
        f"{os.fspath(path)}: cannot {direction} a {kind} {preposition} a "
        f"{extension or 'extension-less'} file; valid extensions: {valid}"
    )


def read(
    path: str | os.PathLike[str], kind: str, *, format: str | None = None, **options: Any
) -> Any:
    """Read a file of the given kind with the format its extension names."""
    return find_format(path, kind, name=format).function("read")(path, **options)


def write(
    obj: Any, path: str | os.PathLike[str], kind: str, *, format: str | None = None, **options: Any
) -> Any:
    """Write an object to a file with the format its extension names."""
    chosen = find_format(path, kind, name=format, direction="write")
    return chosen.function("write")(obj, path, **options)
