"""Crash-safe camera takes: an append-only journal of live samples.

A take file (``.vtake``) is written while it is recorded, so a crash — even
``kill -9`` — loses at most the samples of the last flush interval (50 ms by
default; a writer thread hands queued samples to the OS that often, so the
receive thread never waits on the disk)::

    PREVIZ-VTAKE 1\\n
    {"name": …, "slate": …, "device": …, …}\\n       one line of JSON: the header
    record record record …                          fixed-size binary records

Each record is :data:`RECORD` (192 bytes, little-endian): a sample (raw and
filtered pose, lens, encoders, receive time, device time and id), a mark, or
the end record a clean stop writes. A file without an end record was
interrupted; :func:`recover_take` drops a torn last record and closes it.

Readers use :func:`read_take_file`, which never trusts a torn tail.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.errors import FormatError, InputError
from previz.io.files import open_input
from previz.live.vcam import CameraSample

__all__ = [
    "KIND_END",
    "KIND_MARK",
    "KIND_SAMPLE",
    "MAGIC",
    "RECORD",
    "TakeData",
    "TakeWriter",
    "read_take_file",
    "recover_take",
]

MAGIC = b"PREVIZ-VTAKE 1\n"
KIND_SAMPLE, KIND_MARK, KIND_END = 0, 1, 2
#: End-record flag: the take was closed by :func:`recover_take`, not by a clean stop.
FLAG_RECOVERED = 1

#: One journal record.
RECORD = np.dtype([
    ("kind", "<u4"),
    ("flags", "<u4"),
    ("received", "<f8"),
    ("device_time", "<f8"),
    ("sample_id", "<i8"),
    ("raw_position", "<f8", (3,)),
    ("raw_orientation", "<f8", (4,)),
    ("position", "<f8", (3,)),
    ("orientation", "<f8", (4,)),
    ("focal_mm", "<f8"),
    ("focus_m", "<f8"),
    ("f_stop", "<f8"),
    ("zoom_raw", "<f8"),
    ("focus_raw", "<f8"),
    ("iris_raw", "<f8"),
])
_PACK = struct.Struct("<IIddq3d4d3d4d3d3d")
assert _PACK.size == RECORD.itemsize
_NAN = math.nan
_LARGE_BUFFER = 1 << 20


class TakeWriter:
    """Append samples to a take file, handing them to the OS at least every ``flush_interval``.

    :meth:`add` only packs the sample into memory; with ``background=True`` (the
    default) a writer thread does the file I/O, so the receive thread never waits
    on the disk (a stalled disk delays the file, not the camera). What was handed
    to the OS survives the process being killed; :meth:`close` also syncs to disk.

    Parameters
    ----------
    path : str or path-like
        The ``.vtake`` file to create (it must not exist).
    header : dict
        JSON-able take metadata (name, slate, device, calibration, filter, camera…).
    flush_interval : float, keyword-only
        Longest time, seconds, a sample may sit in memory.
    background : bool, keyword-only
        Write from a thread of its own (else :meth:`maybe_flush` writes).
    """

    def __init__(self, path: str | os.PathLike[str], header: dict[str, Any], *,
                 flush_interval: float = 0.05, background: bool = True) -> None:
        self.path = Path(path)
        self.flush_interval = flush_interval
        self.samples = 0
        self.marks = 0
        #: The last write error (a full disk, say); samples stay queued and are retried.
        self.error: OSError | None = None
        self._buffer = bytearray()
        self._lock = threading.Lock()  # guards the buffer
        self._io_lock = threading.Lock()  # one writer to the file at a time
        self._wake = threading.Event()
        self._last_flush = time.monotonic()
        self._closed = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND,
                               0o644)
        except FileExistsError:
            raise InputError(f"{self.path}: a take with this name exists already") from None
        text = json.dumps({"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **header},
                          allow_nan=False, separators=(",", ":"))
        os.write(self._fd, MAGIC + text.encode() + b"\n")
        os.fsync(self._fd)
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, name="previz-journal", daemon=True)
            self._thread.start()

    def add(self, sample: CameraSample) -> None:
        """Queue one sample."""
        s = sample
        record = _PACK.pack(
            KIND_SAMPLE, 0, s.received, s.device_time, s.sample_id,
            *s.raw_position, *s.raw_orientation, *s.position, *s.orientation,
            s.focal_mm, s.focus_m, s.f_stop, s.zoom_raw, s.focus_raw, s.iris_raw,
        )
        with self._lock:
            self._buffer += record
            large = len(self._buffer) >= _LARGE_BUFFER
        self.samples += 1
        if large:
            self._wake.set() if self._thread is not None else self.flush()

    def mark(self, received: float, index: int | None = None) -> None:
        """Record a mark at a receive time (written at once)."""
        self.marks += 1
        number = self.marks if index is None else index
        with self._lock:
            self._buffer += _PACK.pack(KIND_MARK, 0, received, _NAN, number, *([_NAN] * 20))
        self._wake.set() if self._thread is not None else self.flush()

    def maybe_flush(self, now: float | None = None) -> None:
        """Without a writer thread: flush once a queued sample is ``flush_interval`` old."""
        if self._thread is not None:
            return
        now = time.monotonic() if now is None else now
        if self._buffer and now - self._last_flush >= self.flush_interval:
            self.flush(now)

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self.flush_interval)
            self._wake.clear()
            with contextlib.suppress(OSError):  # kept in self.error; retried next round
                self.flush()

    def flush(self, now: float | None = None) -> None:
        """Hand everything queued to the OS (survives the process being killed).

        Raises
        ------
        OSError
            When the write fails; what was not written stays queued (see :attr:`error`).
        """
        with self._io_lock:
            with self._lock:
                data = bytes(self._buffer)
                self._buffer.clear()
            written = 0
            try:
                while written < len(data):
                    written += os.write(self._fd, data[written:])
            except OSError as error:
                self.error = error
                with self._lock:
                    self._buffer[:0] = data[written:]
                raise
            self._last_flush = time.monotonic() if now is None else now

    def close(self) -> None:
        """Write the end record, sync to disk and close."""
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self._wake.set()
            self._thread.join()
        with self._lock:
            self._buffer += _end_record(0)
        self.flush()
        os.fsync(self._fd)
        os.close(self._fd)

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._closed


def _end_record(flags: int) -> bytes:
    return _PACK.pack(KIND_END, flags, time.monotonic(), _NAN, 0, *([_NAN] * 20))


@dataclass(frozen=True)
class TakeData:
    """A take file's contents.

    Attributes
    ----------
    header : dict
        The take's metadata.
    samples : ndarray of RECORD
        Sample records in arrival order.
    marks : ndarray of float
        Receive times of marks.
    complete : bool
        True when the take was closed (cleanly or by recovery).
    recovered : bool
        True when :func:`recover_take` closed it.
    torn_bytes : int
        Bytes of a torn last record (0 for a clean file).
    """

    path: Path
    header: dict[str, Any]
    samples: NDArray[np.void]
    marks: NDArray[np.float64]
    complete: bool
    recovered: bool
    torn_bytes: int

    @property
    def duration(self) -> float:
        """Seconds from the first to the last sample."""
        if len(self.samples) < 2:
            return 0.0
        return float(self.samples["received"][-1] - self.samples["received"][0])

    @property
    def rate(self) -> float:
        """Mean samples per second."""
        return (len(self.samples) - 1) / self.duration if self.duration > 0 else 0.0


def _split(path: Path, data: bytes) -> tuple[dict[str, Any], int]:
    if not data.startswith(MAGIC):
        raise FormatError(f"{path}: not a previz take (expected {MAGIC[:-1].decode()!r} "
                          f"at the start)")
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise FormatError(f"{path}:2: the take header is cut off")
    try:
        header = json.loads(data[len(MAGIC):end])
    except (ValueError, UnicodeDecodeError) as error:
        raise FormatError(f"{path}:2: the take header is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise FormatError(f"{path}:2: the take header must be a JSON object")
    return header, end + 1


def read_take_file(path: str | os.PathLike[str]) -> TakeData:
    """Read a take file, complete or interrupted (a torn last record is ignored).

    Raises
    ------
    FormatError
        When the file is not a previz take.
    """
    path = Path(path)
    with open_input(path, "previz .vtake take") as handle:
        data = handle.read()
    header, start = _split(path, data)
    body = len(data) - start
    torn = body % RECORD.itemsize
    records = np.frombuffer(data, dtype=RECORD, count=body // RECORD.itemsize, offset=start)
    kinds = records["kind"]
    bad = ~np.isin(kinds, (KIND_SAMPLE, KIND_MARK, KIND_END))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise FormatError(f"{path}: record {index} has unknown kind {int(kinds[index])}")
    ends = np.flatnonzero(kinds == KIND_END)
    complete = ends.size > 0
    recovered = bool(complete and records["flags"][ends[0]] & FLAG_RECOVERED)
    if complete:
        records = records[: ends[0]]
        kinds = kinds[: ends[0]]
    return TakeData(
        path=path,
        header=header,
        samples=records[kinds == KIND_SAMPLE].copy(),
        marks=records["received"][kinds == KIND_MARK].copy(),
        complete=complete,
        recovered=recovered,
        torn_bytes=torn,
    )


def recover_take(path: str | os.PathLike[str]) -> TakeData:
    """Close an interrupted take: drop a torn last record, append an end record.

    A complete take is left as it is. Returns the take as it reads afterwards.
    """
    take = read_take_file(path)
    if take.complete:
        return take
    size = Path(path).stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(size - take.torn_bytes)
        handle.seek(0, os.SEEK_END)
        handle.write(_end_record(FLAG_RECOVERED))
        handle.flush()
        os.fsync(handle.fileno())
    return read_take_file(path)
