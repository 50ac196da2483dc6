"""Small file helpers shared by the readers and writers."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from previz.errors import InputError, OperationError

__all__ = ["atomic_output", "open_input"]


def open_input(path: str | os.PathLike[str], what: str) -> IO[bytes]:
    """Open a file for binary reading, turning OS errors into one clear line.

    Parameters
    ----------
    path : str or path-like
        The file.
    what : str
        What the file should be, for the message (``"BVH file"``).

    Raises
    ------
    InputError
        If the file is missing, is a directory or cannot be read.
    """
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(f"{os.fspath(path)}: no such file (expected a {what})") from None
    except IsADirectoryError:
        raise InputError(f"{os.fspath(path)}: is a directory (expected a {what})") from None
    except OSError as error:
        raise InputError(f"{os.fspath(path)}: cannot read: {error.strerror}") from None


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], mode: str = "w", *, edit: bool = False
) -> Iterator[IO]:
    """Write a file under a temporary name and move it into place when done.

    Readers never see a half-written file, and a failed write leaves nothing behind.

    Parameters
    ----------
    path : str or path-like
        Final file name.
    mode : str
        ``"w"`` (text, UTF-8, no line-end translation) or ``"wb"``.
    edit : bool, keyword-only
        The file is the user's own document, rewritten: a symbolic link is
        written through (the link stays), the file keeps its permissions, and
        the new text is on disk before it replaces the old. Otherwise the
        file is created or replaced with permissions 0644.

    Yields
    ------
    file object
    """
    target = Path(path)
    final = Path(os.path.realpath(target)) if edit else target
    if not final.parent.is_dir():
        raise InputError(f"{target}: cannot write: folder {final.parent} does not exist")
    permissions = 0o644
    if edit:
        with contextlib.suppress(FileNotFoundError):
            permissions = stat.S_IMODE(final.stat().st_mode)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".part", dir=final.parent
        )
    except OSError as error:
        raise OperationError(f"{target}: cannot write: {error.strerror}") from None
    try:
        text = "b" not in mode
        with open(
            handle, mode, encoding="utf-8" if text else None, newline="\n" if text else None
        ) as stream:
            yield stream
            if edit:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, permissions)
        os.replace(temporary, final)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise OperationError(f"{target}: cannot write: {error.strerror or error}") from error
        raise
