"""OpenTrackIO 1.0.1 over UDP: packet header, segments, reassembly and samples, without sockets.

Each datagram starts with a 16-byte big-endian header::

    0–3    "OTrk"
    4      reserved (ignored)
    5      payload encoding: 0x01 JSON, 0x02 CBOR
    6–7    sequence number (uint16; all segments of one message share it)
    8–11   segment offset: where this segment's bytes go in the message
    12–13  bit 15: last segment; bits 0–14: payload bytes in this datagram
    14–15  Fletcher-16 of bytes 0–13 and the payload

OpenTrackIO 1.0.1 computes Fletcher-16 with 8-bit sums (modulo 256) and puts the
first sum in the high byte (the reference listing in the specification);
1.0.0-era producers used the textbook modulo-255 form with the second sum high.
:func:`fletcher16` is the 1.0.1 form and is what previz sends; the decoder
accepts either.

A message larger than one datagram is split into segments; the receiver puts
them back together by offset, in any order (:class:`Reassembler`). Producers
multicast to ``239.135.1.<source number>`` on port 55555 (the IPv4 local scope
of RFC 2365, since 1.0.1; 1.0.0 used 235.135.1.x).

The payload is one sample: ``transforms`` (translation in metres, rotation as
pan/tilt/roll degrees, intrinsic Z-X-Y, Z up, camera Y forward — previz's own
conventions), ``lens`` (``pinholeFocalLength`` mm, ``focusDistance`` m,
``fStop``, ``encoders`` normalised 0–1) and ``timing``. The sample dicts are the
ones :mod:`previz.io.opentrackio_json` writes to files.
"""

from __future__ import annotations

import json
import math
import operator
from collections import OrderedDict, deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate
from struct import Struct
from typing import Any

import cbor2

from previz.errors import ProtocolError
from previz.io.opentrackio_json import sample_dict
from previz.live.fastquat import (
    Quat,
    euler_to_quat,
    matrix_to_quat,
    pan_tilt_roll_from_quat,
    quat_to_matrix,
)
from previz.live.reading import Reading

__all__ = [
    "DEFAULT_PORT",
    "ENCODINGS",
    "HEADER_SIZE",
    "MAGIC",
    "MAX_SEGMENT_PAYLOAD",
    "Reassembler",
    "Segment",
    "decode_segment",
    "encode_packets",
    "fletcher16",
    "multicast_group",
    "opentrackio_reading",
    "opentrackio_sample",
    "pan_tilt_roll_from_quat",
    "quat_from_pan_tilt_roll",
]

#: Default destination UDP port.
DEFAULT_PORT = 55555
#: Farthest a tracked camera may be from the stage origin, metres (beyond: "range").
STAGE_LIMIT_M = 1.0e4
_SCALE_RANGE = (1.0e-6, 1.0e6)
_INT64_LIMIT = 1 << 63
#: The first four bytes of every packet.
MAGIC = b"OTrk"
#: Bytes before the payload.
HEADER_SIZE = 16
#: Payload bytes one datagram can carry (15-bit length field).
MAX_SEGMENT_PAYLOAD = 0x7FFF
#: Payload encodings by header code.
ENCODINGS = {1: "json", 2: "cbor"}

_CODES = {name: code for code, name in ENCODINGS.items()}
_HEADER = Struct(">4sBBHIHH")
_LAST_SEGMENT = 0x8000
_MULTICAST_PREFIX = "239.135.1."
_SEQUENCE_MOD = 1 << 16


# ------------------------------------------------------------------ angles
def quat_from_pan_tilt_roll(pan: float, tilt: float, roll: float) -> Quat:
    """Return the camera→stage quaternion ``(x, y, z, w)`` for pan, tilt, roll in degrees.

    Intrinsic Z-X-Y, pan positive counter-clockwise from above, camera Y forward
    (OpenTrackIO's and previz's convention); plain floats, for one sample at a time.
    """
    return euler_to_quat((pan, tilt, roll), "ZXY")


# ------------------------------------------------------------------ packets
def _sums(data: bytes) -> tuple[int, int]:
    """The running byte sum and the sum of running sums, unreduced."""
    return sum(data), sum(accumulate(data))


def fletcher16(data: bytes) -> int:
    """Return the OpenTrackIO 1.0.1 Fletcher-16 of ``data``.

    Both running sums are kept in 8 bits (modulo 256); the result is
    ``sum1 << 8 | sum2``, sent big-endian.
    """
    first, second = _sums(data)
    return (first & 0xFF) << 8 | (second & 0xFF)


def _checksums(data: bytes) -> tuple[int, int]:
    """The 1.0.1 checksum and the 1.0.0-era modulo-255 one."""
    first, second = _sums(data)
    return (first & 0xFF) << 8 | (second & 0xFF), (second % 255) << 8 | (first % 255)


@dataclass(frozen=True, slots=True)
class Segment:
    """One decoded datagram: part (or all) of an encoded sample."""

    encoding: str
    sequence: int
    offset: int
    last: bool
    payload: bytes


def _encode_payload(payload: dict[str, Any], encoding: str) -> bytes:
    if encoding == "json":
        return json.dumps(payload, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return cbor2.dumps(payload)


def _packet(code: int, sequence: int, offset: int, last: bool, payload: bytes) -> bytes:
    head = _HEADER.pack(
        MAGIC, 0, code, sequence, offset, (_LAST_SEGMENT if last else 0) | len(payload), 0
    )[:14]
    return head + fletcher16(head + payload).to_bytes(2, "big") + payload


def encode_packets(
    payload: dict[str, Any],
    sequence: int,
    *,
    encoding: str = "json",
    max_payload: int = 1200,
) -> list[bytes]:
    """Encode a sample and split it into datagrams.

    Parameters
    ----------
    payload : dict
        The sample.
    sequence : int
        0–65535, the same in every segment of this message; the caller counts
        messages and wraps.
    encoding : {"json", "cbor"}, keyword-only
    max_payload : int, keyword-only
        Payload bytes per datagram (1–32767); 1200 keeps datagrams under a
        1500-byte Ethernet MTU.

    Returns
    -------
    list of bytes
        Datagrams in offset order; the last has the last-segment bit set.

    Raises
    ------
    ValueError
        For an unknown encoding, a sequence or segment size out of range, or a
        payload with NaN or infinite numbers (JSON).
    """
    code = _CODES.get(encoding)
    if code is None:
        raise ValueError(f"encoding must be one of {sorted(_CODES)}, got {encoding!r}")
    if not 0 <= sequence < _SEQUENCE_MOD:
        raise ValueError(f"sequence must be in 0..65535, got {sequence}")
    if not 1 <= max_payload <= MAX_SEGMENT_PAYLOAD:
        raise ValueError(f"max_payload must be in 1..{MAX_SEGMENT_PAYLOAD}, got {max_payload}")
    body = _encode_payload(payload, encoding)
    if len(body) > 0xFFFFFFFF:
        raise ValueError(f"payload of {len(body)} bytes is too large for 32-bit offsets")
    starts = range(0, max(len(body), 1), max_payload)
    return [
        _packet(code, sequence, start, start + max_payload >= len(body),
                body[start : start + max_payload])
        for start in starts
    ]


def decode_segment(data: bytes) -> Segment:
    """Check and split one datagram.

    Raises
    ------
    ProtocolError
        Kind ``"invalid"`` for a short datagram, a wrong identifier or a length
        that does not match; ``"checksum"`` for a Fletcher-16 mismatch;
        ``"unsupported"`` for a payload encoding other than JSON or CBOR.
    """
    data = bytes(data)
    size = len(data)
    if size < HEADER_SIZE:
        raise ProtocolError(
            f"OpenTrackIO: datagram of {size} bytes is shorter than the "
            f"{HEADER_SIZE}-byte header",
            "invalid",
        )
    magic, _, code, sequence, offset, last_and_length, checksum = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ProtocolError(
            f"OpenTrackIO header bytes 0-3: {magic!r} (expected {MAGIC!r})", "invalid"
        )
    length = last_and_length & MAX_SEGMENT_PAYLOAD
    if size != HEADER_SIZE + length:
        raise ProtocolError(
            f"OpenTrackIO header bytes 12-13: payload length {length}, but the datagram "
            f"carries {size - HEADER_SIZE} payload bytes",
            "invalid",
        )
    if checksum not in _checksums(data[:14] + data[HEADER_SIZE:]):
        raise ProtocolError(
            f"OpenTrackIO header bytes 14-15: checksum 0x{checksum:04X} does not match "
            f"the header and payload (expected 0x{fletcher16(data[:14] + data[16:]):04X})",
            "checksum",
        )
    encoding = ENCODINGS.get(code)
    if encoding is None:
        raise ProtocolError(
            f"OpenTrackIO header byte 5: payload encoding 0x{code:02X} is not "
            f"JSON (0x01) or CBOR (0x02)",
            "unsupported",
        )
    return Segment(encoding, sequence, offset, bool(last_and_length & _LAST_SEGMENT),
                   data[HEADER_SIZE:])


class _NonFiniteError(ValueError):
    pass


def _reject_constant(token: str) -> float:
    raise _NonFiniteError(token)


def _decode_payload(body: bytes, encoding: str, sequence: int) -> dict[str, Any]:
    where = f"OpenTrackIO message {sequence}"
    if encoding == "json":
        try:
            value = json.loads(body, parse_constant=_reject_constant)
        except _NonFiniteError as error:
            raise ProtocolError(f"{where}: {error} is not a number JSON allows", "range") from None
        except (ValueError, RecursionError) as error:
            raise ProtocolError(f"{where}: payload is not JSON ({error})", "invalid") from None
    else:
        try:
            value = cbor2.loads(body)
        except Exception as error:  # cbor2 and its tag decoders raise many kinds on garbage
            raise ProtocolError(f"{where}: payload is not CBOR ({error})", "invalid") from None
    if not isinstance(value, Mapping):
        raise ProtocolError(
            f"{where}: payload is a {type(value).__name__}; expected a sample object", "invalid"
        )
    return value if isinstance(value, dict) else dict(value)


# ------------------------------------------------------------------ reassembly
@dataclass(slots=True)
class _Partial:
    sequence: int
    encoding: str
    parts: dict[int, bytes] = field(default_factory=dict)
    size: int = 0
    total: int | None = None


@dataclass(slots=True)
class _Sender:
    recent: deque[int]
    seen: set[int] = field(default_factory=set)
    pending: _Partial | None = None


class Reassembler:
    """Turn datagrams from any number of senders back into sample dicts.

    Datagrams are grouped by sender and sequence number. Segments may arrive
    in any order; a byte-identical repeat of a recent datagram (multicast
    delivered twice) is dropped; a segment of a newer message abandons an
    incomplete older one from the same sender, while a late segment of an
    older message (up to ``window`` sequence numbers back) is dropped so it
    cannot abandon the newer one. Sequence numbers compare modulo 65536.

    Parameters
    ----------
    max_pending : int
        Incomplete messages kept at once, over all senders (oldest dropped first).
    max_bytes : int
        Bytes held in incomplete messages at once, and the largest message accepted.
    max_senders : int, keyword-only
        Senders remembered (for duplicates); the least recently heard is forgotten.
    window : int, keyword-only
        Recent datagrams remembered per sender for duplicate detection, and how
        far back a late segment counts as late rather than as a restart.

    Attributes
    ----------
    counts : dict of str to int
        ``messages`` returned, ``duplicates`` and ``late`` datagrams dropped,
        incomplete messages ``abandoned`` for a newer one or ``evicted`` for room.
    last_sequence : int or None
        The header sequence number of the message :meth:`feed` returned last
        (pass it to :func:`opentrackio_reading` as ``sequence``).
    """

    def __init__(
        self,
        max_pending: int = 16,
        max_bytes: int = 1 << 20,
        *,
        max_senders: int = 64,
        window: int = 64,
    ) -> None:
        if max_pending < 1 or max_bytes < 1 or max_senders < 1 or window < 1:
            raise ValueError("max_pending, max_bytes, max_senders and window must be >= 1")
        self.max_pending = max_pending
        self.max_bytes = max_bytes
        self.max_senders = max_senders
        self.window = window
        self.counts = dict.fromkeys(
            ("messages", "duplicates", "late", "abandoned", "evicted"), 0
        )
        self._senders: OrderedDict[Hashable, _Sender] = OrderedDict()
        self._pending: OrderedDict[Hashable, None] = OrderedDict()
        self._pending_bytes = 0
        self.last_sequence: int | None = None

    @property
    def pending_bytes(self) -> int:
        """Bytes held in incomplete messages."""
        return self._pending_bytes

    @property
    def pending_messages(self) -> int:
        """Incomplete messages held."""
        return len(self._pending)

    def feed(self, data: bytes, sender: Hashable = None) -> dict[str, Any] | None:
        """Take one datagram; return the sample dict when it completes a message.

        Parameters
        ----------
        data : bytes-like
            The datagram.
        sender : hashable
            Where it came from (the ``(host, port)`` of ``recvfrom``).

        Returns
        -------
        dict or None
            The decoded sample, or None while a message is incomplete or when
            the datagram was a duplicate or late.

        Raises
        ------
        ProtocolError
            For a datagram :func:`decode_segment` rejects, segments that
            contradict each other, a message over ``max_bytes``, or a complete
            payload that does not decode to an object.
        """
        data = bytes(data)
        segment = decode_segment(data)
        state = self._sender(sender)
        digest = hash(data)
        if digest in state.seen:
            self.counts["duplicates"] += 1
            return None
        if len(state.recent) == state.recent.maxlen:
            state.seen.discard(state.recent[0])
        state.recent.append(digest)
        state.seen.add(digest)

        partial = state.pending
        if partial is not None and partial.sequence != segment.sequence:
            behind = (partial.sequence - segment.sequence) % _SEQUENCE_MOD
            if behind <= self.window and not (segment.offset == 0 and segment.last):
                self.counts["late"] += 1
                return None
            if behind > self.window:  # a newer message (or a restarted sender)
                self._drop(sender, state)
                self.counts["abandoned"] += 1
                partial = None
        if segment.offset == 0 and segment.last:
            return self._complete(segment.payload, segment.encoding, segment.sequence)
        return self._add(sender, state, partial, segment)

    # -------------------------------------------------------------- internals
    def _sender(self, sender: Hashable) -> _Sender:
        state = self._senders.get(sender)
        if state is None:
            state = _Sender(deque(maxlen=self.window))
            self._senders[sender] = state
            if len(self._senders) > self.max_senders:
                old_sender, old_state = next(iter(self._senders.items()))
                self._drop(old_sender, old_state)
                del self._senders[old_sender]
        else:
            self._senders.move_to_end(sender)
        return state

    def _drop(self, sender: Hashable, state: _Sender) -> None:
        if state.pending is not None:
            self._pending_bytes -= state.pending.size
            state.pending = None
            self._pending.pop(sender, None)

    def _evict_oldest(self) -> Hashable:
        sender = next(iter(self._pending))
        self._drop(sender, self._senders[sender])
        self.counts["evicted"] += 1
        return sender

    def _add(
        self, sender: Hashable, state: _Sender, partial: _Partial | None, segment: Segment
    ) -> dict[str, Any] | None:
        where = f"OpenTrackIO message {segment.sequence}"
        end = segment.offset + len(segment.payload)
        if end > self.max_bytes:
            self._drop(sender, state)
            raise ProtocolError(
                f"{where}: segment at offset {segment.offset} ends at byte {end}, beyond "
                f"the {self.max_bytes}-byte limit for one message",
                "range",
            )
        if partial is None:
            partial = state.pending = _Partial(segment.sequence, segment.encoding)
            self._pending[sender] = None
            if len(self._pending) > self.max_pending:
                self._evict_oldest()
        if partial.parts.get(segment.offset) == segment.payload and (
            not segment.last or partial.total == end
        ):  # a repeat older than the duplicate window
            self.counts["duplicates"] += 1
            return None
        problem = None
        if partial.encoding != segment.encoding:
            problem = f"segments in both {partial.encoding} and {segment.encoding}"
        elif segment.offset in partial.parts:
            problem = f"two different segments at offset {segment.offset}"
        elif segment.last and partial.total is not None:
            problem = "two last segments"
        elif end > (partial.total if partial.total is not None else end) or (
            segment.last and any(offset >= end for offset in partial.parts)
        ):
            problem = f"a segment beyond the last one (ending at byte {end})"
        if problem is not None:
            self._drop(sender, state)
            raise ProtocolError(f"{where}: {problem}", "invalid")
        partial.parts[segment.offset] = segment.payload
        partial.size += len(segment.payload)
        self._pending_bytes += len(segment.payload)
        if segment.last:
            partial.total = end
        while self._pending_bytes > self.max_bytes:
            if self._evict_oldest() == sender:
                return None
        if partial.total is None or partial.size < partial.total:
            return None
        self._drop(sender, state)
        position = 0
        chunks = []
        for offset in sorted(partial.parts):
            if offset != position:
                raise ProtocolError(f"{where}: segments overlap at byte {offset}", "invalid")
            chunk = partial.parts[offset]
            chunks.append(chunk)
            position += len(chunk)
        return self._complete(b"".join(chunks), partial.encoding, partial.sequence)

    def _complete(self, body: bytes, encoding: str, sequence: int) -> dict[str, Any]:
        sample = _decode_payload(body, encoding, sequence)
        self.counts["messages"] += 1
        self.last_sequence = sequence
        return sample


# ------------------------------------------------------------------ samples
_Matrix = list[list[float]]


def _where(path: str) -> str:
    return f"OpenTrackIO sample: {path}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _section(parent: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any] | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ProtocolError(
            f"{_where(path)}: expected an object, found {type(value).__name__}", "invalid"
        )
    return value


def _number(parent: Mapping[str, Any], key: str, path: str) -> float | None:
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(
            f"{_where(path)}: expected a number, found {type(value).__name__}", "invalid"
        )
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ProtocolError(f"{_where(path)}: {_show(value)} is not a finite number", "range")
    return number


def _positive(parent: Mapping[str, Any], key: str, path: str) -> float | None:
    value = _number(parent, key, path)
    if value is not None and value <= 0:
        raise ProtocolError(f"{_where(path)}: {value} is not > 0", "range")
    return value


def _integer(parent: Mapping[str, Any], key: str, path: str) -> int | None:
    value = _number(parent, key, path)
    if value is None:
        return None
    raw = parent[key]
    if isinstance(raw, int) and not isinstance(raw, bool):
        if not 0 <= raw < _INT64_LIMIT:
            raise ProtocolError(f"{_where(path)}: {raw} is outside 0 .. 2**63 - 1", "range")
        return raw
    if value < 0 or not value.is_integer() or value >= _INT64_LIMIT:
        raise ProtocolError(f"{_where(path)}: {value} is not a whole number in 0 .. 2**63 - 1",
                            "range")
    return int(value)


def _triple(
    entry: Mapping[str, Any], key: str, names: tuple[str, str, str], default: float, path: str
) -> tuple[float, float, float] | None:
    group = _section(entry, key, f"{path}.{key}")
    if group is None:
        return None
    values = [_number(group, name, f"{path}.{key}.{name}") for name in names]
    return tuple(default if v is None else v for v in values)  # type: ignore[return-value]


def _pose(transforms: Any) -> tuple[tuple[float, float, float], Quat] | None:
    """Compose the transforms in order (the last is the camera) into one pose."""
    if not isinstance(transforms, list):
        raise ProtocolError(
            f"{_where('transforms')}: expected a list, found {type(transforms).__name__}",
            "invalid",
        )
    if not transforms:
        return None
    origin = [0.0, 0.0, 0.0]
    linear: _Matrix = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    single = len(transforms) == 1
    for index, entry in enumerate(transforms):
        path = f"transforms[{index}]"
        if not isinstance(entry, Mapping):
            raise ProtocolError(
                f"{_where(path)}: expected an object, found {type(entry).__name__}", "invalid"
            )
        translation = _triple(entry, "translation", ("x", "y", "z"), 0.0, path) or (0.0,) * 3
        if any(abs(v) > STAGE_LIMIT_M for v in translation):
            raise ProtocolError(f"{_where(path)}.translation: beyond {STAGE_LIMIT_M:g} m from "
                                f"the origin", "range")
        angles = _triple(entry, "rotation", ("pan", "tilt", "roll"), 0.0, path) or (0.0,) * 3
        scale = _triple(entry, "scale", ("x", "y", "z"), 1.0, path)
        if single and scale is None:
            return translation, quat_from_pan_tilt_roll(*angles)
        scale = scale or (1.0, 1.0, 1.0)
        if not all(_SCALE_RANGE[0] <= v <= _SCALE_RANGE[1] for v in scale):
            raise ProtocolError(f"{_where(path)}.scale: {list(scale)}; expected each between "
                                f"{_SCALE_RANGE[0]:g} and {_SCALE_RANGE[1]:g}", "range")
        rotation = quat_to_matrix(quat_from_pan_tilt_roll(*angles))
        origin = [origin[r] + sum(linear[r][k] * translation[k] for k in range(3))
                  for r in range(3)]
        local = [[rotation[r][c] * scale[c] for c in range(3)] for r in range(3)]
        linear = [[sum(linear[r][k] * local[k][c] for k in range(3)) for c in range(3)]
                  for r in range(3)]
    norms = [math.sqrt(sum(linear[r][c] ** 2 for r in range(3))) for c in range(3)]
    if not all(math.isfinite(v) for v in (*origin, *norms)) or min(norms) <= 0.0 \
            or any(abs(v) > STAGE_LIMIT_M for v in origin):
        raise ProtocolError(f"{_where('transforms')}: the composed pose is not a finite "
                            f"placement on the stage", "range")
    unit = tuple(tuple(linear[r][c] / norms[c] for c in range(3)) for r in range(3))
    return (origin[0], origin[1], origin[2]), matrix_to_quat(unit)  # type: ignore[arg-type]


def opentrackio_reading(
    sample: Mapping[str, Any],
    *,
    sequence: int | None = None,
    tracker_triggers: bool = False,
) -> Reading:
    """Return what one OpenTrackIO sample says, in stage conventions.

    Several ``transforms`` are composed in order, as the specification says
    (the last one places the camera relative to the ones before it: dolly,
    crane arm, …); each has optional ``translation``, ``rotation`` and
    ``scale`` (1 when left out). The lens gives ``focal_mm``, ``focus_m`` and
    ``f_stop``; the normalised ``lens.encoders`` give ``zoom_raw``,
    ``focus_raw`` and ``iris_raw`` (``rawEncoders`` counts are not used).
    Anything the sample leaves out stays None.

    Parameters
    ----------
    sample : dict
        A decoded sample (JSON or CBOR).
    sequence : int, keyword-only
        The packet sequence number, used as ``sample_id`` when the sample has
        no ``timing.sequenceNumber``.
    tracker_triggers : bool, keyword-only
        Also turn ``tracker.recording`` into a ``("record", 1.0 | 0.0)``
        trigger and ``tracker.slate`` into ``("slate", name)``. They are
        states the tracker repeats in every sample, so this is off by default.

    Raises
    ------
    ProtocolError
        Kind ``"range"`` for NaN, infinite or impossible values (a focal length
        ≤ 0, an encoder outside 0–1), ``"invalid"`` for values of the wrong type.
    """
    if not isinstance(sample, Mapping):
        raise ProtocolError(
            f"OpenTrackIO sample: expected an object, found {type(sample).__name__}", "invalid"
        )
    reading = Reading()
    transforms = sample.get("transforms")
    pose = None if transforms is None else _pose(transforms)
    if pose is not None:
        reading.position, reading.orientation = pose
    lens = _section(sample, "lens", "lens")
    if lens is not None:
        reading.focal_mm = _positive(lens, "pinholeFocalLength", "lens.pinholeFocalLength")
        reading.focus_m = _positive(lens, "focusDistance", "lens.focusDistance")
        reading.f_stop = _positive(lens, "fStop", "lens.fStop")
        encoders = _section(lens, "encoders", "lens.encoders")
        if encoders is not None:
            raw = []
            for name in ("zoom", "focus", "iris"):
                value = _number(encoders, name, f"lens.encoders.{name}")
                if value is not None and not 0.0 <= value <= 1.0:
                    raise ProtocolError(
                        f"{_where(f'lens.encoders.{name}')}: {value} is outside 0..1", "range"
                    )
                raw.append(value)
            reading.zoom_raw, reading.focus_raw, reading.iris_raw = raw
    timing = _section(sample, "timing", "timing")
    sample_id = sequence
    if timing is not None:
        stamp = _section(timing, "sampleTimestamp", "timing.sampleTimestamp")
        if stamp is not None:
            seconds = _integer(stamp, "seconds", "timing.sampleTimestamp.seconds")
            nanos = _integer(stamp, "nanoseconds", "timing.sampleTimestamp.nanoseconds")
            if seconds is not None:
                reading.device_time = seconds + (nanos or 0) * 1e-9
        number = _integer(timing, "sequenceNumber", "timing.sequenceNumber")
        if number is not None:
            sample_id = number
    reading.sample_id = sample_id
    if tracker_triggers:
        tracker = _section(sample, "tracker", "tracker")
        if tracker is not None:
            recording = tracker.get("recording")
            if isinstance(recording, bool):
                reading.triggers.append(("record", 1.0 if recording else 0.0))
            slate = tracker.get("slate")
            if isinstance(slate, str) and slate:
                reading.triggers.append(("slate", slate))
    return reading


def opentrackio_sample(
    time_s: float,
    position: Sequence[float],
    orientation_xyzw: Sequence[float],
    focal_mm: float,
    focus_m: float = math.inf,
    f_stop: float = 2.8,
    *,
    sequence: int,
    source_id: str | None = None,
    source_number: int | None = None,
    rate: Fraction | None = None,
    static: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the sample dict for one camera state (the inverse of :func:`opentrackio_reading`).

    The fields are those :mod:`previz.io.opentrackio_json` writes to files
    (:func:`~previz.io.opentrackio_json.sample_dict`), plus ``sourceId`` and
    ``sourceNumber`` when given.

    Parameters
    ----------
    time_s : float
        Sample time, seconds (≥ 0).
    position : sequence of 3 float
        Stage metres.
    orientation_xyzw : sequence of 4 float
        Camera→stage quaternion.
    focal_mm, focus_m, f_stop : float
        Lens; an infinite focus distance is left out.
    sequence : int, keyword-only
        ``timing.sequenceNumber``.
    source_id : str, optional
        A UUID (``"urn:uuid:"`` is added when missing).
    source_number : int, optional
        The source number the stream is multicast as (1–200).
    rate : Fraction, optional
        ``timing.sampleRate``.
    static : dict, optional
        A ``static`` block to include (the spec suggests one every ~2 s).
    """
    sample = sample_dict(
        time_s, position, pan_tilt_roll_from_quat(orientation_xyzw), focal_mm, focus_m, f_stop,
        sequence=sequence, rate=rate, static=static,
    )
    if source_id is not None:
        sample["sourceId"] = source_id if source_id.startswith("urn:") else f"urn:uuid:{source_id}"
    if source_number is not None:
        sample["sourceNumber"] = int(source_number)
    return sample


def multicast_group(source_number: int) -> str:
    """Return the multicast address of an OpenTrackIO source: ``239.135.1.<n>``.

    Raises
    ------
    ValueError
        For a source number outside 1–200 (201–255 are reserved).
    """
    try:
        number = operator.index(source_number)
    except TypeError:
        number = 0
    if isinstance(source_number, bool) or not 1 <= number <= 200:
        raise ValueError(f"OpenTrackIO source number must be 1..200, got {source_number!r}")
    return f"{_MULTICAST_PREFIX}{number}"
