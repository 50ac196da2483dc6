"""The previz error tree.

Every error a user can cause derives from :class:`PrevizError` and also from the
builtin it resembles, so ``except ValueError`` keeps working for library users.
Messages name the file, the place (line, key, OSC address) and what was expected;
:func:`location` builds the ``file:line:`` prefix the same way everywhere.

The CLI turns a :class:`PrevizError` into one line on stderr and exits with its
:attr:`~PrevizError.exit_code`: 2 for bad input, 1 for a failure that is not the
input's fault.
"""

from __future__ import annotations

import os

__all__ = [
    "BVHError",
    "DataFileError",
    "FormatError",
    "InputError",
    "OperationError",
    "PrevizError",
    "ProtocolError",
    "location",
]


def location(path: str | os.PathLike[str] | None, line: int | None = None) -> str:
    """Return the ``file:line`` prefix used at the start of error messages.

    Parameters
    ----------
    path : str or path-like or None
        The file the problem is in, or None when there is no file.
    line : int or None
        1-based line number, when known.

    Returns
    -------
    str
        ``"walk.bvh:12"``, ``"walk.bvh"`` or ``""``.
    """
    if path is None:
        return "" if line is None else f"line {line}"
    text = os.fspath(path)
    return text if line is None else f"{text}:{line}"


class PrevizError(Exception):
    """Root of every error previz raises on purpose."""

    #: Process exit code the CLI uses for this error.
    exit_code: int = 2


class InputError(PrevizError, ValueError):
    """The user's input (a file, an argument, a packet) is not what was expected."""


class BVHError(InputError):
    """A BVH file cannot be read, or a take cannot be built or written.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    path : str or path-like, optional
        The BVH file.
    line : int, optional
        1-based line number in that file.
    """

    def __init__(
        self,
        message: str,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
    ) -> None:
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self.detail = message
        where = location(path, line)
        super().__init__(f"{where}: {message}" if where else message)


class DataFileError(InputError):
    """A previz data file (rig, shot plan, device profile) is invalid."""


class FormatError(InputError):
    """A file format is unknown, or a file is not in the format its name says."""


class ProtocolError(InputError):
    """A network datagram (OSC, FreeD, OpenTrackIO) is not what its protocol says.

    Receivers catch it, count the datagram by :attr:`kind` and go on; it never
    stops a live session.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    kind : str
        Counter the receiver files the datagram under: ``"invalid"`` (malformed),
        ``"checksum"``, ``"range"`` (NaN, inf or out-of-range values) or
        ``"unsupported"`` (a valid packet of a kind previz does not use).
    """

    def __init__(self, message: str, kind: str = "invalid") -> None:
        self.kind = kind
        super().__init__(message)


class OperationError(PrevizError, RuntimeError):
    """An operation failed for a reason other than bad input (exit code 1)."""

    exit_code = 1
