"""A live virtual-camera session: receiver → decoder → camera → journal, plus telemetry.

:class:`LiveSession` wires one device's UDP input through its profile's decoder
and the :class:`~previz.live.vcam.VirtualCamera`, keeps the latest samples for
whoever displays them (the Qt app pulls at its own frame rate), and records
takes on request — from the CLI, the UI or the device's own record trigger.
Everything runs on the receive thread except the calls a UI makes, which take
one lock.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from previz.core.camera_path import CameraInfo
from previz.errors import InputError, ProtocolError
from previz.live.decoders import make_decoder
from previz.live.journal import TakeWriter
from previz.live.profile import Calibration, DeviceProfile
from previz.live.reading import Reading
from previz.live.stats import LiveStats
from previz.live.udp import UdpReceiver
from previz.live.vcam import CameraSample, VirtualCamera

__all__ = ["LiveSession", "TakeEvent", "camera_header"]

_HISTORY = 4096
_UNIX_MINUS_MONOTONIC = time.time() - time.monotonic()


@dataclass(frozen=True)
class TakeEvent:
    """Something that happened in a session, for the UI's log and the CLI."""

    received: float
    kind: str  # "started", "stopped", "mark", "slate", "calibrated"
    detail: str
    path: Path | None = None


def camera_header(camera: CameraInfo) -> dict[str, Any]:
    """The camera facts a take header carries."""
    return {
        "film_back_mm": [camera.film_back.width_mm, camera.film_back.height_mm],
        "squeeze": camera.squeeze,
        "body": camera.body,
        "lens_kit": camera.lens_kit,
    }


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "take"


class LiveSession:
    """One device in, samples out, takes recorded.

    Parameters
    ----------
    profile : DeviceProfile
        The device's profile.
    host, port : str, int or None
        Where to listen (port None: the profile's port).
    allow : iterable of str, optional
        Sender addresses to accept.
    camera : CameraInfo, optional
        Film back and rig, written into take headers.
    take_folder : path, optional
        Where trigger-started takes go (default: the current folder).
    slate : str
        Slate name for the next take.
    multicast : str, optional
        Multicast group to join, ``host`` then being the interface's address.
        An OpenTrackIO profile with a ``source_number`` joins 239.135.1.<n> by
        itself when ``host`` is not a loopback address.
    """

    def __init__(self, profile: DeviceProfile, *, host: str = "127.0.0.1",
                 port: int | None = None, allow: Any = None, camera: CameraInfo | None = None,
                 take_folder: str | Path | None = None, slate: str = "",
                 multicast: str | None = None) -> None:
        self.profile = profile
        self.camera = camera or CameraInfo()
        self.stats = LiveStats()
        self.vcam = VirtualCamera(profile)
        self.decoder = make_decoder(profile, self.stats)
        self.take_folder = Path(take_folder) if take_folder is not None else Path.cwd()
        self.slate = slate
        self.history: deque[CameraSample] = deque(maxlen=_HISTORY)
        self.events: deque[TakeEvent] = deque(maxlen=256)
        self.on_event: Callable[[TakeEvent], None] | None = None
        self._lock = threading.Lock()
        self._writer: TakeWriter | None = None
        self._take_count = 0
        self.finished: list[Path] = []
        #: The take being recorded and when it started (monotonic s), or None.
        self.current_take: Path | None = None
        self.take_started: float | None = None
        if multicast is None and profile.protocol == "opentrackio" \
                and profile.source_number is not None \
                and host not in ("127.0.0.1", "localhost", "::1"):
            from previz.live.opentrackio import multicast_group
            multicast = multicast_group(profile.source_number)
        self.receiver = UdpReceiver(
            self._on_datagram, host, profile.port if port is None else port, allow=allow,
            multicast=multicast, on_tick=self._on_tick, on_reject=self.stats.reject,
        )

    # ---------------------------------------------------------- lifecycle
    @property
    def address(self) -> tuple[str, int]:
        """Where the session listens."""
        return self.receiver.address

    def start(self) -> LiveSession:
        """Start receiving."""
        self.receiver.start()
        return self

    def stop(self) -> None:
        """Stop receiving and close any take being recorded."""
        self.receiver.stop()
        self.stop_recording()

    def __enter__(self) -> LiveSession:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def latest(self) -> CameraSample | None:
        """The newest sample."""
        return self.vcam.last

    # ------------------------------------------------------------ receive
    def _on_datagram(self, data: bytes, sender: tuple[str, int], received: float) -> None:
        self.stats.datagrams += 1
        try:
            reading = self.decoder.decode(data, sender)
        except ProtocolError as error:
            self.stats.reject(error.kind, str(error))
            return
        if reading is None:
            return
        self.apply(reading, received)

    def apply(self, reading: Reading, received: float) -> CameraSample | None:
        """Apply one reading (the receive thread calls this; tests may too)."""
        with self._lock:
            sequence = self.vcam.sequence
            duplicates, late, missing = sequence.duplicates, sequence.out_of_order, sequence.missing
            try:
                sample = self.vcam.update(reading, received)
            except (ValueError, ArithmeticError) as error:  # never end a session on a value
                self.vcam.calibrate(self.vcam.calibration)  # restart the filters
                self.stats.reject("range", f"{type(error).__name__}: {error}")
                return None
            if sequence.duplicates != duplicates:
                self.stats.reject("duplicate")
            if sequence.out_of_order != late:
                self.stats.reject("out_of_order")
            self.stats.missing += sequence.missing - missing
            if sample is not None:
                latency = None
                if reading.device_time is not None:
                    latency = received + _UNIX_MINUS_MONOTONIC - reading.device_time
                self.stats.sampled(received, latency)
                self.history.append(sample)
                if self._writer is not None:
                    self._writer.add(sample)
        for name, value in reading.triggers:
            self._trigger(name, value, received)
        return sample

    def _on_tick(self, now: float) -> None:
        writer = self._writer
        if writer is not None and writer.error is not None:
            self.stats.reject("journal", f"{writer.path}: {writer.error.strerror or writer.error}")
            writer.error = None

    def _trigger(self, name: str, value: Any, received: float) -> None:
        if name == "record":
            start = not self.recording if value is None else value > 0.5
            if start and not self.recording:
                self.start_recording()
            elif not start and self.recording:
                self.stop_recording()
        elif name == "mark":
            self.mark(received)
        elif name == "slate":
            self.slate = str(value)
            self._event(TakeEvent(received, "slate", self.slate))

    def _event(self, event: TakeEvent) -> None:
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)

    # ------------------------------------------------------------- record
    @property
    def recording(self) -> bool:
        """True while a take is being recorded."""
        return self._writer is not None

    def next_take_path(self) -> Path:
        """A new take file name in the take folder: ``<slate>_<nnn>.vtake``."""
        stem = _safe(self.slate or self.profile.name)
        while True:
            self._take_count += 1
            path = self.take_folder / f"{stem}_{self._take_count:03d}.vtake"
            if not path.exists():
                return path

    def start_recording(self, path: str | Path | None = None, *, name: str = "") -> Path:
        """Start a take (a new file); returns its path.

        Raises
        ------
        InputError
            When the file exists already.
        """
        target = Path(path) if path is not None else self.next_take_path()
        header = {
            "name": name or target.stem,
            "slate": self.slate,
            "device": self.profile.name,
            "protocol": self.profile.protocol,
            "profile_path": self.profile.path,
            "calibration": self.vcam.calibration.as_dict(),
            "filter": self.profile.filter.as_dict(),
            "camera": camera_header(self.camera),
            "clock": "monotonic",
            "unix_minus_monotonic": _UNIX_MINUS_MONOTONIC,
        }
        writer = TakeWriter(target, header)
        with self._lock:
            if self._writer is not None:
                writer.close()
                target.unlink()
                raise InputError("a take is being recorded already")
            self._writer = writer
            self.current_take, self.take_started = target, time.monotonic()
        self._event(TakeEvent(time.monotonic(), "started", target.name, target))
        return target

    def stop_recording(self) -> Path | None:
        """Finish the take being recorded; returns its path (None when not recording)."""
        with self._lock:
            writer, self._writer = self._writer, None
            self.current_take = self.take_started = None
        if writer is None:
            return None
        writer.close()
        self.finished.append(writer.path)
        self._event(TakeEvent(time.monotonic(), "stopped",
                              f"{writer.path.name}: {writer.samples} samples", writer.path))
        return writer.path

    def mark(self, received: float | None = None) -> None:
        """Drop a mark in the take being recorded (and the event log)."""
        when = time.monotonic() if received is None else received
        with self._lock:
            if self._writer is not None:
                self._writer.mark(when)
        self._event(TakeEvent(when, "mark", f"mark at {when:.3f}"))

    # -------------------------------------------------------- calibration
    def set_origin_here(self, stage_point: tuple[float, float, float | None] = (0.0, 0.0, None)
                        ) -> Calibration:
        """Make the device's current position the stage point (see VirtualCamera)."""
        with self._lock:
            calibration = self.vcam.set_origin_here(stage_point)
        origin = ", ".join(f"{v:.3f}" for v in calibration.origin)
        self._event(TakeEvent(time.monotonic(), "calibrated", f"origin {origin} m"))
        return calibration

    def zero_heading(self) -> Calibration:
        """Turn the calibration so the camera looks along stage +Y now."""
        with self._lock:
            calibration = self.vcam.zero_heading()
        self._event(TakeEvent(time.monotonic(), "calibrated",
                              f"heading {calibration.heading:.2f} deg"))
        return calibration
