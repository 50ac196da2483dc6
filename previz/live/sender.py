"""Play a camera path out over UDP the way a device would send it.

``previz osc play`` uses this for rehearsals, demos and tests: a path (a file,
a recorded take or a shot's camera) becomes the datagrams a device with a given
profile sends — OSC through the inverse of the profile's mapping, FreeD D1
packets, or OpenTrackIO samples — so receiving them with the same profile
gives the path back. The inverse includes the profile's calibration, axis
remap, length unit and encoder tables.

All datagrams are built up front with numpy (:func:`path_datagrams`); only the
pacing loop runs per packet.
"""

from __future__ import annotations

import math
import socket
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.camera_path import CameraPath
from previz.core.rotation import matrix_to_quaternion, quaternion_to_euler, quaternion_to_matrix
from previz.errors import InputError
from previz.live.profile import DeviceProfile, OscMapping
from previz.live.udp import is_multicast

__all__ = ["DeviceFrames", "osc_bundle", "path_datagrams", "play_datagrams", "sample_times"]

_FAKE_SEGMENT = "previz-sim"
_NTP_EPOCH = 2208988800  # seconds from 1900-01-01 to 1970-01-01


@dataclass(frozen=True)
class DeviceFrames:
    """A path in a device's own terms, one row per sample.

    Attributes
    ----------
    times : ndarray (N,)
        Seconds from the start.
    positions : ndarray (N, 3)
        Device position in device axes and units.
    orientations : ndarray (N, 4)
        Device camera → device world quaternions ``(x, y, z, w)``.
    focal_mm, focus_m, f_stop : ndarray (N,)
    """

    times: NDArray[np.float64]
    positions: NDArray[np.float64]
    orientations: NDArray[np.float64]
    focal_mm: NDArray[np.float64]
    focus_m: NDArray[np.float64]
    f_stop: NDArray[np.float64]


def sample_times(path: CameraPath, rate_hz: float) -> NDArray[np.float64]:
    """Times (from the path's start) at which a device sending at ``rate_hz`` samples it."""
    if not (rate_hz > 0 and math.isfinite(rate_hz)):
        raise InputError(f"--rate {rate_hz!r}: expected a positive number of samples per second")
    count = math.floor(path.duration * rate_hz + 1e-9) + 1
    return path.times[0] + np.arange(count) / rate_hz


def device_frames(path: CameraPath, profile: DeviceProfile, rate_hz: float) -> DeviceFrames:
    """Undo a profile's calibration and axis remap on a path sampled at ``rate_hz``."""
    times = sample_times(path, rate_hz)
    sampled = path.sample(times)
    cal = profile.calibration
    heading = math.radians(cal.heading)
    c, s = math.cos(heading), math.sin(heading)
    undo_heading = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    local = (sampled.positions - np.asarray(cal.origin)) @ undo_heading.T / cal.scale
    a, b = profile.axis_matrix, profile.camera_axis_matrix
    positions = local @ a / profile.length_unit  # A^T p, row-wise
    rotations = undo_heading @ quaternion_to_matrix(sampled.orientations)
    device_rotations = a.T @ rotations @ b
    return DeviceFrames(
        times - times[0],
        positions,
        matrix_to_quaternion(device_rotations),
        sampled.focal_mm,
        sampled.focus_m,
        sampled.f_stop,
    )


def _first(profile: DeviceProfile, *channels: str) -> OscMapping | None:
    for mapping in profile.mappings:
        if mapping.channel in channels:
            return mapping
    return None


def _address(mapping: OscMapping) -> str:
    return "/".join(_FAKE_SEGMENT if part == "*" else part for part in mapping.address.split("/"))


def _place(mapping: OscMapping, values: list[float]) -> list[float]:
    picks = mapping.args if mapping.args is not None else tuple(range(len(values)))
    out = [0.0] * (max(picks) + 1)
    for pick, value in zip(picks, values, strict=True):
        out[pick] = float(value)
    return out


def _osc_columns(frames: DeviceFrames, profile: DeviceProfile
                 ) -> list[tuple[OscMapping, NDArray[np.float64]]]:
    """(mapping, values per sample) for every channel the profile can carry."""
    columns: list[tuple[OscMapping, NDArray[np.float64]]] = []
    position = _first(profile, "position")
    if position is not None:
        columns.append((position, frames.positions))
    else:
        for axis in range(3):
            single = _first(profile, f"position.{'xyz'[axis]}")
            if single is not None:
                columns.append((single, frames.positions[:, axis : axis + 1]))
    rotation = _first(profile, "quaternion", "euler")
    if rotation is not None and rotation.channel == "quaternion":
        slots = [("xyzw".index(c)) for c in rotation.order]
        columns.append((rotation, frames.orientations[:, slots]))
    elif rotation is not None:
        angles = quaternion_to_euler(frames.orientations, rotation.order)
        columns.append((rotation, angles if rotation.degrees else np.radians(angles)))
    lens = (("focal", "zoom", frames.focal_mm), ("focus", "focus_encoder", frames.focus_m),
            ("iris", "iris_encoder", frames.f_stop))
    for direct, encoder, values in lens:
        mapping = _first(profile, direct, encoder)
        if mapping is None:
            continue
        if mapping.channel == direct:
            if direct == "focus" and not np.isfinite(values).all():
                values = np.where(np.isfinite(values), values, 1.0e4)
            columns.append((mapping, values[:, None]))
        else:
            table = profile.table(mapping.table)
            if table is not None:
                columns.append((mapping, table.inverse(values)[:, None]))
    return columns


def _osc_message(address: str, values: list[float] | list[int]) -> bytes:
    from pythonosc.osc_message_builder import OscMessageBuilder

    builder = OscMessageBuilder(address)
    for value in values:
        builder.add_arg(value)
    return builder.build().dgram


def osc_bundle(messages: list[bytes], unix_time: float | None = None) -> bytes:
    """Return an OSC bundle of encoded messages with a time tag (None: immediately)."""
    if unix_time is None:
        tag = 1
    else:
        seconds = unix_time + _NTP_EPOCH
        tag = (int(seconds) << 32) | int((seconds % 1.0) * (1 << 32))
    parts = [b"#bundle\x00", struct.pack(">Q", tag)]
    for message in messages:
        parts.append(struct.pack(">i", len(message)))
        parts.append(message)
    return b"".join(parts)


def _osc_samples(frames: DeviceFrames, profile: DeviceProfile) -> list[list[bytes]]:
    columns = _osc_columns(frames, profile)
    if not columns:
        raise InputError(f"device {profile.name!r} maps no position, rotation or lens channel "
                         f"that previz could send")
    sample_id = _first(profile, "sample_id")
    samples: list[list[bytes]] = []
    for row in range(len(frames.times)):
        messages = [
            _osc_message(_address(mapping), _place(mapping, values[row].tolist()))
            for mapping, values in columns
        ]
        if sample_id is not None:
            messages.append(_osc_message(_address(sample_id), [row + 1]))
        samples.append(messages)
    return samples


def path_datagrams(
    path: CameraPath, profile: DeviceProfile, rate_hz: float, *, bundle: bool = True,
    encoding: str = "json",
) -> tuple[NDArray[np.float64], list[Callable[[float], list[bytes]]]]:
    """Return send times and, per sample, a function giving its datagrams at a send time.

    OSC samples go as one bundle (time-tagged with the send time) or as separate
    messages; FreeD as one packet; OpenTrackIO as one sample, segmented if large.
    """
    frames = device_frames(path, profile, rate_hz)
    if profile.protocol == "osc":
        samples = _osc_samples(frames, profile)
        if bundle:
            return frames.times, [
                (lambda now, m=messages: [osc_bundle(m, now)]) for messages in samples
            ]
        return frames.times, [(lambda _now, m=messages: m) for messages in samples]
    if profile.protocol == "freed":
        return frames.times, _freed_samples(frames, profile)
    return frames.times, _opentrackio_samples(path, frames, rate_hz, encoding)


def _freed_samples(frames: DeviceFrames, profile: DeviceProfile
                   ) -> list[Callable[[float], list[bytes]]]:
    from previz.live.freed import encode_freed, freed_packet

    count = len(frames.times)
    zoom, focus = profile.table("zoom"), profile.table("focus")
    zooms = np.rint(zoom.inverse(frames.focal_mm)) if zoom else np.zeros(count)
    focuses = np.rint(focus.inverse(frames.focus_m)) if focus else np.zeros(count)
    out = []
    for row in range(count):
        packet = freed_packet(
            tuple(frames.positions[row]),
            tuple(frames.orientations[row]),
            zoom=int(zooms[row]),
            focus=int(focuses[row]),
            camera_id=profile.camera_id or 1,
        )
        data = encode_freed(packet)
        out.append(lambda _now, d=data: [d])
    return out


def _opentrackio_samples(path: CameraPath, frames: DeviceFrames, rate_hz: float, encoding: str
                         ) -> list[Callable[[float], list[bytes]]]:
    from previz.live.opentrackio import encode_packets, opentrackio_sample

    out = []
    for row in range(len(frames.times)):
        sample = opentrackio_sample(
            float(frames.times[row]),
            tuple(frames.positions[row]),
            tuple(frames.orientations[row]),
            float(frames.focal_mm[row]),
            float(frames.focus_m[row]),
            float(frames.f_stop[row]),
            sequence=row & 0xFFFF,
        )
        packets = encode_packets(sample, row & 0xFFFF, encoding=encoding)
        out.append(lambda _now, p=packets: p)
    return out


def play_datagrams(
    times: NDArray[np.float64],
    samples: list[Callable[[float], list[bytes]]],
    target: tuple[str, int],
    *,
    realtime: bool = True,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
    interface: str | None = None,
) -> int:
    """Send samples to ``target`` at their times (or as fast as possible); return datagrams sent.

    Bounded by the number of samples; ``should_stop`` ends it early. To a
    multicast group, datagrams leave by ``interface`` (an address; default:
    the kernel's multicast route) with a time-to-live of 1 (this network only).
    """
    host, port = target
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sent = 0
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        if is_multicast(host):
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            if interface is not None:
                try:
                    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                                    socket.inet_aton(interface))
                except OSError as error:
                    raise InputError(f"--interface {interface}: {error.strerror}") from None
        start = time.perf_counter()
        for index, (when, make) in enumerate(zip(times, samples, strict=True)):
            if should_stop is not None and should_stop():
                break
            if realtime:
                _wait_until(start + float(when))
            for datagram in make(time.time()):
                try:
                    sock.sendto(datagram, target)
                except OSError as error:
                    raise InputError(f"cannot send to {host}:{port}: {error.strerror}") from None
                sent += 1
            if progress is not None:
                progress(index + 1)
    return sent


def _wait_until(deadline: float) -> None:
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return
        time.sleep(left - 0.0005 if left > 0.001 else 0)


def iterate_datagrams(path: CameraPath, profile: DeviceProfile, rate_hz: float, **options: Any
                      ) -> Iterator[bytes]:
    """Every datagram of a path, in order (tests and fuzzing seeds)."""
    _times, samples = path_datagrams(path, profile, rate_hz, **options)
    for make in samples:
        yield from make(time.time())
