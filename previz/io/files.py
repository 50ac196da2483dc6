"""Small file helpers shared by the readers and writers."""

from __future__ import annotations

import contextlib
import os
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
def atomic_output(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Write a file under a temporary name and move it into place when done.

    Readers never see a half-written file, and a failed write leaves nothing behind.

    Parameters
    ----------
    path : str or path-like
        Final file name.
    mode : str
        ``"w"`` (text, UTF-8, ``\\n`` line ends) or ``"wb"``.

    Yields
    ------
    file object
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise InputError(f"{target}: cannot write: folder {target.parent} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as error:
        raise OperationError(f"{target}: cannot write: {error.strerror}") from None
    try:
        text = "b" not in mode
        with open(
            handle, mode, encoding="utf-8" if text else None, newline="\n" if text else None
        ) as stream:
            yield stream
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise OperationError(f"{target}: cannot write: {error.strerror or error}") from error
        raise
