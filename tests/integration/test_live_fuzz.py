"""Fuzzing the live receivers: 100,000 random and mutated datagrams each, no sockets.

Every receiver (OSC with the previz and zigsim profiles, FreeD D1, OpenTrackIO
JSON and CBOR) gets a seeded stream of valid device traffic (made from a short
camera move with :func:`previz.live.sender.path_datagrams`) mixed with mutated
and hand-broken datagrams, fed straight into ``LiveSession._on_datagram`` the
way the receive thread calls it. For every datagram the test checks that

- no exception escapes (and the decoder never hangs: a watchdog fails the test),
- it is accounted for exactly once: it made a sample, or it was rejected under
  one datagram-level kind (invalid, checksum, range, unsupported, duplicate,
  out_of_order), or it legitimately made nothing (an incomplete OpenTrackIO
  segment, a message that carries no pose or lens, a lens before any pose),
- datagrams whose fate is known (NaN in a valid message, a zero quaternion, a
  repeated sample id, a bad checksum, ...) land in the right counter,
- no sample carries NaN or infinity in its pose or lens (focus at infinity is
  the one legal infinity),

and at the end that the session still turns a valid datagram into the right
sample. The sums of the per-datagram outcomes must equal the session's counters.
"""

from __future__ import annotations

import json
import logging
import math
import signal
import struct
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import cbor2
import numpy as np
import pytest

from previz.core.camera_path import CameraPath
from previz.io.device_toml import find_device
from previz.live.freed import FreeDPacket, encode_freed, freed_checksum
from previz.live.journal import read_take_file
from previz.live.opentrackio import encode_packets, fletcher16, opentrackio_sample
from previz.live.sender import path_datagrams
from previz.live.session import LiveSession
from previz.live.vcam import CameraSample

#: Datagrams per receiver.
FUZZ_COUNT = 100_000
SENDER = ("127.0.0.1", 50123)
SEGMENT_SENDER = ("127.0.0.1", 50124)  # only whole, valid segmented messages
ERROR_KINDS = ("invalid", "checksum", "range", "unsupported")
SEQUENCE_KINDS = ("duplicate", "out_of_order")
DATAGRAM_KINDS = ERROR_KINDS + SEQUENCE_KINDS
INT64_MAX = (1 << 63) - 1
STEP = 1.0 / 240.0  # fake receive clock step, seconds
_RESTART_GAP = 1000  # as previz.live.vcam: further back than this is a restarted device
_Q30 = (0.0, 0.0, math.sin(math.radians(15.0)), math.cos(math.radians(15.0)))  # pan 30 deg


def _move() -> CameraPath:
    return CameraPath.from_keyframes(
        [1001, 1025, 1049], Fraction(24),
        [(0.0, -4.0, 1.6), (1.5, -2.0, 1.4), (2.0, 0.5, 1.8)],
        [(10.0, -5.0, 0.0), (40.0, 2.0, 3.0), (75.0, 8.0, -2.0)],
        focal_mm=[24.0, 35.0, 50.0], focus_m=[4.0, 3.0, 2.0], f_stop=2.8,
    )


# ------------------------------------------------------------------ encoding
def _pad(data: bytes) -> bytes:
    return data + b"\x00" * (4 - len(data) % 4)


def osc_message(address: str, tags: str, *values: Any) -> bytes:
    """Encode one OSC message by hand (any tags, any values: NaN, inf, bad blobs)."""
    out = [_pad(address.encode()), _pad(("," + tags).encode())]
    for tag, value in zip(tags, values, strict=False):
        if tag == "f":
            out.append(struct.pack(">f", value))
        elif tag == "d":
            out.append(struct.pack(">d", value))
        elif tag == "i":
            out.append(struct.pack(">i", value))
        elif tag == "h":
            out.append(struct.pack(">q", value))
        elif tag == "s":
            out.append(_pad(value.encode()))
        elif tag == "b":
            out.append(struct.pack(">i", len(value)) + value + b"\x00" * (-len(value) % 4))
    return b"".join(out)


def bundle(*elements: bytes, tag: int = 1) -> bytes:
    """An OSC bundle of encoded elements (messages or bundles)."""
    parts = [b"#bundle\x00", struct.pack(">Q", tag)]
    for element in elements:
        parts += [struct.pack(">i", len(element)), element]
    return b"".join(parts)


def sample_id_message(number: int) -> bytes:
    return osc_message("/previz/sample", "i", number)


_OTIO_HEAD = struct.Struct(">4sBBHIH")


def _textbook_fletcher(data: bytes) -> int:
    first = second = 0
    for byte in data:
        first = (first + byte) % 255
        second = (second + first) % 255
    return second << 8 | first


def otio_packet(payload: bytes, *, code: int = 1, sequence: int = 0, offset: int = 0,
                last: bool = True, magic: bytes = b"OTrk", length: int | None = None,
                good_checksum: bool = True) -> bytes:
    """An OpenTrackIO datagram built by hand (any header field, right or wrong checksum)."""
    size = len(payload) if length is None else length
    head = _OTIO_HEAD.pack(magic, 0, code, sequence & 0xFFFF, offset,
                           ((0x8000 if last else 0) | size) & 0xFFFF)
    check = fletcher16(head + payload)
    if not good_checksum:
        alternative = _textbook_fletcher(head + payload)
        check = next(c for c in range(check + 1, check + 4)
                     if c & 0xFFFF not in (check, alternative)) & 0xFFFF
    return head + check.to_bytes(2, "big") + payload


def freed_fix(body: bytes) -> bytes:
    """29 FreeD bytes with a correct checksum."""
    return body[:28] + bytes((freed_checksum(body),))


# ------------------------------------------------------------------ outcomes
@dataclass(frozen=True)
class Expect:
    """What a datagram must do: one of ``labels``, and ``unmapped`` more unmapped messages."""

    labels: frozenset[str]
    unmapped: int | None = None


def expect(*labels: str, unmapped: int | None = None) -> Expect:
    return Expect(frozenset(labels), unmapped)


#: (datagram, expectation or None for "anything legal", kind[, sender])
Item = tuple[Any, ...]


class _Hung(BaseException):
    """Raised by the watchdog inside a decoder that stopped making progress."""


def _finite(values: tuple[float, ...]) -> bool:
    return all(math.isfinite(v) for v in values)


def sample_problem(sample: CameraSample) -> str | None:
    """Why a sample is not fit to show or record (None when it is)."""
    if not (_finite(sample.raw_position) and _finite(sample.position)):
        return "position is not finite"
    for name in ("raw_orientation", "orientation"):
        q = getattr(sample, name)
        if not _finite(q) or abs(math.sqrt(sum(c * c for c in q)) - 1.0) > 1e-6:
            return f"{name} {q} is not a finite unit quaternion"
    if not (math.isfinite(sample.focal_mm) and sample.focal_mm > 0):
        return f"focal_mm {sample.focal_mm}"
    if not (math.isfinite(sample.f_stop) and sample.f_stop > 0):
        return f"f_stop {sample.f_stop}"
    if not sample.focus_m > 0:  # +inf (focused at infinity) is legal, NaN is not
        return f"focus_m {sample.focus_m}"
    if any(math.isinf(v) for v in (sample.zoom_raw, sample.focus_raw, sample.iris_raw)):
        return "an encoder value is infinite"
    if math.isinf(sample.device_time) or not math.isfinite(sample.received):
        return "a time is infinite"
    if not -INT64_MAX - 1 <= sample.sample_id <= INT64_MAX:
        return f"sample id {sample.sample_id} does not fit the take's 64-bit field"
    return None


_MISSING = object()


class Harness:
    """Feed datagrams into a session, one at a time, and account for every one."""

    def __init__(self, session: LiveSession) -> None:
        self.session = session
        self.now = 1000.0
        self.labels: Counter[str] = Counter()
        self.kinds: Counter[tuple[str, str]] = Counter()
        self.reading: Any = _MISSING
        self.index = 0
        self.bad_samples = 0
        original = session.decoder.decode

        def capture(data: bytes, sender: Any) -> Any:
            self.reading = original(data, sender)
            return self.reading

        session.decoder.decode = capture  # type: ignore[method-assign]
        self._reassembler = getattr(session.decoder, "_reassembler", None)

    def _reassembler_counts(self) -> tuple[int, int]:
        if self._reassembler is None:
            return 0, 0
        counts = self._reassembler.counts
        return counts["duplicates"], counts["late"]

    def feed(self, data: bytes, want: Expect | None = None, kind: str = "",
             sender: tuple[str, int] = SENDER) -> str:
        """Feed one datagram; return its outcome label (asserting it is legal)."""
        session, stats = self.session, self.session.stats
        self.now += STEP
        samples, unmapped = stats.samples, stats.rejected["unmapped"]
        rejected = {k: stats.rejected[k] for k in DATAGRAM_KINDS}
        reassembled = self._reassembler_counts()
        had_sample = session.vcam.last is not None
        datagrams = stats.datagrams
        self.reading = _MISSING
        where = f"datagram {self.index} ({kind}) {data[:80].hex()}"
        try:
            session._on_datagram(data, sender, self.now)
        except Exception as error:  # nothing may escape: the receive loop would count it blind
            raise AssertionError(f"{where}: {type(error).__name__} escaped: {error}") from error
        assert stats.datagrams == datagrams + 1
        made = stats.samples - samples
        changed = {k: stats.rejected[k] - rejected[k] for k in DATAGRAM_KINDS
                   if stats.rejected[k] != rejected[k]}
        assert made + sum(changed.values()) <= 1, f"{where}: counted twice: {made} {changed}"
        if made:
            label = "sample"
            problem = sample_problem(session.vcam.last)  # type: ignore[arg-type]
            assert problem is None, f"{where}: {problem}: {session.vcam.last}"
        elif changed:
            (name,) = changed
            label = f"error:{name}" if name in ERROR_KINDS else name
            # The reassembler's own drops reach the session's counters too.
            duplicates, late = self._reassembler_counts()
            if name == "duplicate" and duplicates != reassembled[0]:
                label = "reassembler:duplicate"
            elif name == "out_of_order" and late != reassembled[1]:
                label = "reassembler:late"
        else:
            duplicates, late = self._reassembler_counts()
            assert (duplicates, late) == reassembled, f"{where}: a reassembler drop not counted"
            label = "quiet"
            self._check_quiet(where, had_sample)
        if want is not None:
            assert label in want.labels, f"{where}: {label}, expected {sorted(want.labels)}"
            if want.unmapped is not None:
                assert stats.rejected["unmapped"] - unmapped == want.unmapped, where
        self.labels[label] += 1
        self.kinds[kind, label] += 1
        self.index += 1
        return label

    def _check_quiet(self, where: str, had_sample: bool) -> None:
        """A datagram that made nothing and was counted nowhere must have had nothing to say."""
        reading = self.reading
        assert reading is not _MISSING, f"{where}: rejected without a count"
        if reading is None:  # OpenTrackIO: a segment waiting for the rest of its message
            assert self._reassembler is not None, where
            assert self._reassembler.pending_messages, where
            return
        if reading.has_pose:
            raise AssertionError(f"{where}: a pose made no sample and was counted nowhere")
        assert not reading.has_lens or not had_sample, f"{where}: a lens change made no sample"

    def run(self, items: Iterator[Item], count: int) -> None:
        """Feed ``count`` datagrams from ``items`` under a watchdog."""
        seen = [-1]

        def watchdog(_signum: int, _frame: Any) -> None:
            if seen[0] == self.index:
                raise _Hung
            seen[0] = self.index

        previous = signal.signal(signal.SIGALRM, watchdog)
        signal.setitimer(signal.ITIMER_REAL, 2.0, 2.0)
        data, kind = b"", ""
        try:
            for _ in range(count):
                data, want, kind, *sender = next(items)
                self.feed(data, want, kind, *sender)
        except _Hung:
            pytest.fail(f"the receiver hung on datagram {self.index} ({kind}, "
                        f"{len(data)} bytes): {data[:64].hex()}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def check_totals(self) -> None:
        """The per-datagram outcomes add up to the session's own counters, exactly."""
        stats, labels = self.session.stats, self.labels
        assert stats.datagrams == self.index == sum(labels.values())
        assert stats.samples == labels["sample"]
        for name in ERROR_KINDS:
            assert stats.rejected[name] == labels[f"error:{name}"], name
        # The session counts the reassembler's drops as duplicates and late packets.
        reassembler = {"duplicate": labels["reassembler:duplicate"],
                       "out_of_order": labels["reassembler:late"]}
        for name in SEQUENCE_KINDS:
            assert stats.rejected[name] == labels[name] + reassembler.get(name, 0), name
        assert stats.datagrams == (
            stats.samples + sum(stats.rejected[k] for k in DATAGRAM_KINDS) + labels["quiet"]
        )


def sequence_label(session: LiveSession, sample_id: int | None) -> str:
    """What the session's sample-id check must do with an id (the rule in vcam)."""
    last = session.vcam.sequence.last
    if sample_id is None or last is None or sample_id > last:
        return "sample"
    if sample_id == last:
        return "duplicate"
    return "sample" if last - sample_id > _RESTART_GAP else "out_of_order"


# ------------------------------------------------------------------ mutations
class Mutator:
    """Random byte-level damage, shared by every protocol."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def bits(self, data: bytes) -> bytes:
        out = bytearray(data)
        if not out:
            return bytes(out)
        for _ in range(int(self.rng.integers(1, 9))):
            position = int(self.rng.integers(0, len(out) * 8))
            out[position // 8] ^= 1 << (position % 8)
        return bytes(out)

    def truncate(self, data: bytes) -> bytes:
        return data[: int(self.rng.integers(0, max(len(data), 1)))]

    def extend(self, data: bytes) -> bytes:
        extra = self.rng.integers(0, 256, int(self.rng.integers(1, 64)), dtype=np.uint8)
        return data + (extra.tobytes() if self.rng.random() < 0.5 else bytes(len(extra)))

    def noise(self, _data: bytes) -> bytes:
        size = int(self.rng.choice([0, 1, 4, 16, 29, 64, 512, 1500]))
        return self.rng.integers(0, 256, size, dtype=np.uint8).tobytes()

    def splice(self, data: bytes, other: bytes) -> bytes:
        cut = int(self.rng.integers(0, len(data) + 1))
        start = int(self.rng.integers(0, len(other) + 1))
        return data[:cut] + other[start:]

    def overwrite(self, data: bytes) -> bytes:
        """Write an edge-case 32-bit integer over 4 aligned bytes."""
        if len(data) < 4:
            return data
        at = 4 * int(self.rng.integers(0, len(data) // 4))
        value = int(self.rng.choice([-(1 << 31), -8, -4, -1, 0, 1, 3, 5, 1 << 20, (1 << 31) - 1]))
        return data[:at] + struct.pack(">i", value) + data[at + 4:]

    def damage(self, data: bytes, other: bytes) -> tuple[bytes, str]:
        choice = int(self.rng.integers(0, 6))
        if choice == 0:
            return self.bits(data), "bits"
        if choice == 1:
            return self.truncate(data), "truncate"
        if choice == 2:
            return self.extend(data), "extend"
        if choice == 3:
            return self.noise(data), "noise"
        if choice == 4:
            return self.splice(data, other), "splice"
        return self.overwrite(data), "overwrite"


class Source:
    """A stream of datagrams for one receiver: valid traffic and its mutations."""

    #: (kind, weight) pairs; kinds are method names ``make_<kind>``.
    KINDS: tuple[tuple[str, float], ...] = ()

    def __init__(self, session: LiveSession, rng: np.random.Generator) -> None:
        self.session = session
        self.rng = rng
        self.mutate = Mutator(rng)
        self.next_id = 1
        self.recent: list[tuple[bytes, int | None]] = []  # valid datagrams sent, with their ids
        self.last_label = ""

    def fresh_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def remember(self, data: bytes, sample_id: int | None) -> None:
        self.recent.append((data, sample_id))
        if len(self.recent) > 256:
            del self.recent[:128]

    def items(self) -> Iterator[Item]:
        names = [name for name, _ in self.KINDS]
        weights = np.array([w for _, w in self.KINDS], dtype=float)
        makers: list[Callable[[], list[Item]]] = [getattr(self, f"make_{n}") for n in names]
        while True:
            for choice in self.rng.choice(len(names), size=4096, p=weights / weights.sum()):
                yield from makers[choice]()

    # ---------------------------------------------------------- shared kinds
    def valid(self) -> tuple[bytes, int | None]:
        raise NotImplementedError

    def make_valid(self) -> list[Item]:
        data, sample_id = self.valid()
        self.remember(data, sample_id)
        return [(data, expect(sequence_label(self.session, sample_id)), "valid")]

    def make_repeat(self) -> list[Item]:
        """The last valid datagram again, at once (a network duplicate)."""
        if not self.recent:
            return self.make_valid()
        data, sample_id = self.recent[-1]
        return [(data, expect(*self.repeat_labels(sample_id)), "repeat")]

    def repeat_labels(self, sample_id: int | None) -> tuple[str, ...]:
        return (sequence_label(self.session, sample_id),)

    def make_reorder(self) -> list[Item]:
        """An older valid datagram (arrived late)."""
        if len(self.recent) < 3:
            return self.make_valid()
        data, sample_id = self.recent[-int(self.rng.integers(2, min(len(self.recent), 40) + 1))]
        return [(data, expect(*self.repeat_labels(sample_id)), "reorder")]

    def make_damaged(self) -> list[Item]:
        base, _ = self.valid()
        other, _ = self.valid()
        data, how = self.mutate.damage(base, other)
        return [(data, None, f"damaged-{how}")]


# ------------------------------------------------------------------ OSC
class OscSource(Source):
    """OSC traffic for the previz profile (bundles with sample ids) or zigsim."""

    KINDS = (
        ("valid", 30.0), ("repeat", 3.0), ("reorder", 3.0), ("damaged", 30.0),
        ("messages", 4.0), ("nonfinite", 4.0), ("huge", 1.0), ("quaternion", 3.0),
        ("unknown", 3.0), ("tags", 5.0), ("sizes", 5.0), ("nested", 3.0), ("deep", 0.05),
        ("types", 2.0), ("triggers", 1.0), ("lens", 1.0), ("empty", 0.5),
    )

    def __init__(self, session: LiveSession, rng: np.random.Generator) -> None:
        super().__init__(session, rng)
        profile = session.profile
        self.with_ids = any(m.channel == "sample_id" for m in profile.mappings)
        _times, makers = path_datagrams(_move(), profile, 60.0, bundle=False)
        self.samples = [make(0.0) for make in makers]
        if self.with_ids:  # drop the sender's own ids; the test numbers the samples
            self.samples = [messages[:-1] for messages in self.samples]
        self.position_address = self._address("position")
        self.rotation_address = self._address("quaternion")
        self.time_tag = 0xE000_0000_0000_0000

    def _address(self, channel: str) -> str:
        mapping = next(m for m in self.session.profile.mappings if m.channel == channel)
        return mapping.address.replace("*", "previz-sim")

    def pose_messages(self) -> list[bytes]:
        return list(self.samples[int(self.rng.integers(0, len(self.samples)))])

    def wrap(self, messages: list[bytes]) -> tuple[bytes, int | None]:
        """A sample bundle (with a new id for the previz profile)."""
        sample_id = None
        if self.with_ids:
            sample_id = self.fresh_id()
            messages = [*messages, sample_id_message(sample_id)]
        self.time_tag += 1 << 26
        return bundle(*messages, tag=self.time_tag), sample_id

    def valid(self) -> tuple[bytes, int | None]:
        return self.wrap(self.pose_messages())

    def make_messages(self) -> list[Item]:
        """One sample as separate messages: each moves the camera (no ids)."""
        return [(m, expect("sample"), "message") for m in self.pose_messages()[:2]]

    def make_nonfinite(self) -> list[Item]:
        value = float(self.rng.choice([math.nan, math.inf, -math.inf]))
        tag = "fd"[int(self.rng.integers(0, 2))]
        slot = int(self.rng.integers(0, 3))
        xyz = [1.0, 2.0, 1.5]
        xyz[slot] = value
        if self.rng.random() < 0.5:
            message = osc_message(self.position_address, tag * 3, *xyz)
        else:
            q = [0.0, 0.0, 0.0, 1.0]
            q[slot] = value
            message = osc_message(self.rotation_address, tag * 4, *q)
        data, _ = self.wrap([*self.pose_messages(), message])
        return [(data, expect("error:range"), "nonfinite")]

    def make_huge(self) -> list[Item]:
        """Finite but absurd positions (1e300 m): rejected or kept finite, never NaN."""
        big = float(self.rng.choice([1e300, -1e307, 1.7e308, 3.0e38]))
        message = osc_message(self.position_address, "ddd", big, big * 0.5, 1.0)
        data, _ = self.wrap([message])
        return [(data, None, "huge")]

    def make_quaternion(self) -> list[Item]:
        scale = float(self.rng.choice([0.0, 1e-300, 0.1, 0.4, 2.5, 1e30]))
        message = osc_message(self.rotation_address, "ffff", 0.0, 0.0, scale * 0.6, scale * 0.8)
        data, sample_id = self.wrap([message])
        if 0.5 < scale < 2.0:
            return [(data, expect(sequence_label(self.session, sample_id)), "quaternion")]
        return [(data, expect("error:range"), "quaternion-length")]

    def make_unknown(self) -> list[Item]:
        """Unmapped addresses: counted per message, never fatal."""
        letters = self.rng.integers(97, 123, int(self.rng.integers(1, 12)), dtype=np.uint8)
        address = "/" + letters.tobytes().decode()
        message = osc_message(address, "fff", 1.0, 2.0, 3.0)
        if self.rng.random() < 0.5:
            return [(message, expect("quiet", unmapped=1), "unknown")]
        data, sample_id = self.wrap([*self.pose_messages(), message])
        return [(data, expect(sequence_label(self.session, sample_id), unmapped=1),
                 "unknown-in-bundle")]

    def make_tags(self) -> list[Item]:
        """A pose message with random type tags over its real arguments."""
        alphabet = np.frombuffer(b"ifdsbhtTFNIcrm[]SXZ?", dtype=np.uint8)
        tags = self.rng.choice(alphabet, int(self.rng.integers(0, 7))).tobytes().decode()
        message = self.pose_messages()[0]
        head = _pad(self.position_address.encode())
        arguments = message[len(head) + 8:]
        data = head + _pad(("," + tags).encode()) + arguments
        if self.rng.random() < 0.5:
            data, _ = self.wrap([data])
        return [(data, None, "tags")]

    def make_sizes(self) -> list[Item]:
        """Huge, negative and odd sizes in blobs, strings and bundle elements."""
        size = int(self.rng.choice([-(1 << 31), -64, -8, -4, -1, 0, 1, 2, 3, 7, 1 << 16,
                                    (1 << 31) - 1]))
        what = int(self.rng.integers(0, 4))
        if what == 0:  # a blob whose size lies
            blob = self.rng.integers(0, 256, int(self.rng.integers(0, 24)), dtype=np.uint8)
            data = _pad(self.position_address.encode()) + _pad(b",b") + struct.pack(
                ">i", size) + blob.tobytes()
            kind = "blob-size"
        elif what == 1:  # a string with no terminator
            data = self.position_address.encode() + b"x" * int(self.rng.integers(0, 9))
            kind = "string-unterminated"
        elif what == 2:  # a string argument running off the end
            data = _pad(self.position_address.encode()) + _pad(b",s") + b"abc" * 5
            kind = "string-argument"
        else:  # a bundle element size
            messages = self.pose_messages()
            data, _ = self.wrap(messages)
            element = int(self.rng.integers(0, len(messages)))
            at = 16 + sum(4 + len(m) for m in messages[:element])
            data = data[:at] + struct.pack(">i", size) + data[at + 4:]
            kind = "element-size"
        return [(data, None, kind)]

    def make_nested(self) -> list[Item]:
        """A valid sample inside 1-12 bundles; more than 9 levels are refused."""
        levels = int(self.rng.integers(1, 13))
        data, sample_id = self.wrap(self.pose_messages())
        for _ in range(levels - 1):
            data = bundle(data, tag=self.time_tag)
        if levels > 9:
            return [(data, expect("error:invalid"), "nested-deep")]
        self.remember(data, sample_id)
        return [(data, expect(sequence_label(self.session, sample_id)), "nested")]

    def make_deep(self) -> list[Item]:
        """Thousands of nested bundles in one datagram (python-osc recurses)."""
        data, _ = self.wrap(self.pose_messages()[:1])
        levels = int(self.rng.integers(1000, 3000))
        prefix = b"".join(b"#bundle\x00" + struct.pack(">Qi", 1, len(data) + 20 * (levels - 1 - n))
                          for n in range(levels))
        return [(prefix + data, expect("error:invalid"), "deep")]

    def make_types(self) -> list[Item]:
        """Well-formed messages with the wrong argument types or counts."""
        choice = int(self.rng.integers(0, 4))
        if choice == 0:
            data = osc_message(self.position_address, "sss", "1", "2", "3")
        elif choice == 1:
            data = osc_message(self.position_address, "ff", 1.0, 2.0)
        elif choice == 2:
            data = osc_message(self.position_address, "TFN")
        else:
            data = osc_message(self.rotation_address, "fbff", 0.0, b"\x01\x02", 0.0, 1.0)
        return [(data, expect("error:invalid"), "types")]

    def make_triggers(self) -> list[Item]:
        if not self.with_ids:
            return self.make_valid()
        choice = int(self.rng.integers(0, 4))
        if choice == 0:
            return [(osc_message("/previz/mark", ""), expect("quiet"), "mark")]
        if choice == 1:
            name = f"S{int(self.rng.integers(0, 1000))}"
            return [(osc_message("/previz/slate", "s", name), expect("quiet"), "slate")]
        if choice == 2:
            return [(osc_message("/previz/slate", "s", "x" * 80), expect("error:invalid"),
                     "slate-long")]
        big = float(self.rng.choice([1e30, -1e30, 2.0**63, 1e300]))
        data = bundle(osc_message(self.position_address, "fff", 1.0, 2.0, 1.5),
                      osc_message("/previz/sample", "d", big))
        return [(data, expect("error:range"), "sample-id-out-of-int64")]

    def make_lens(self) -> list[Item]:
        if not self.with_ids:
            return self.make_valid()
        value = float(self.rng.choice([0.0, -35.0, 50.0]))
        data, sample_id = self.wrap([osc_message("/previz/lens/focal", "f", value)])
        if value > 0:
            return [(data, expect(sequence_label(self.session, sample_id), "quiet"), "lens")]
        return [(data, expect("error:range"), "lens-range")]

    def make_empty(self) -> list[Item]:
        return [(bundle(tag=self.time_tag), expect("quiet"), "empty-bundle")]


# ------------------------------------------------------------------ FreeD
class FreeDSource(Source):
    KINDS = (
        ("valid", 30.0), ("repeat", 3.0), ("damaged", 30.0), ("fields", 15.0),
        ("checksum", 8.0), ("types", 5.0), ("length", 8.0),
    )

    def __init__(self, session: LiveSession, rng: np.random.Generator) -> None:
        super().__init__(session, rng)
        _times, makers = path_datagrams(_move(), session.profile, 60.0)
        self.packets = [make(0.0)[0] for make in makers]

    def valid(self) -> tuple[bytes, int | None]:
        return self.packets[int(self.rng.integers(0, len(self.packets)))], None

    def make_fields(self) -> list[Item]:
        """Any field value at all, extremes included, with a right checksum: a sample."""
        if self.rng.random() < 0.5:  # bytes 1-27: camera id, six fields, zoom, focus, spare
            body = self.rng.integers(0, 256, 27, dtype=np.uint8).tobytes()
        else:
            edges = [b"\x7f\xff\xff", b"\x80\x00\x00", b"\xff\xff\xff", b"\x00\x00\x00"]
            fields = b"".join(edges[int(self.rng.integers(0, 4))] for _ in range(8))
            body = bytes((int(self.rng.integers(0, 256)),)) + fields + b"\xff\xff"
        data = freed_fix(b"\xd1" + body)
        return [(data, expect("sample"), "fields")]

    def make_checksum(self) -> list[Item]:
        data, _ = self.valid()
        wrong = (data[28] + int(self.rng.integers(1, 256))) & 0xFF
        return [(data[:28] + bytes((wrong,)), expect("error:checksum"), "checksum")]

    def make_types(self) -> list[Item]:
        data, _ = self.valid()
        first = int(self.rng.integers(0, 256))
        if first == 0xD1:
            first = 0xD2
        label = "error:unsupported" if 0xD0 <= first <= 0xDF else "error:invalid"
        return [(freed_fix(bytes((first,)) + data[1:]), expect(label), "type")]

    def make_length(self) -> list[Item]:
        data, _ = self.valid()
        size = int(self.rng.choice([0, 1, 28, 30, 32, 58, 512]))
        out = (data * 20)[:size]
        label = "error:invalid" if size != 29 else "sample"
        return [(out, expect(label), "length")]


# ------------------------------------------------------------------ OpenTrackIO
class OpenTrackIOSource(Source):
    KINDS = (
        ("valid", 25.0), ("repeat", 3.0), ("reorder", 3.0), ("damaged", 25.0),
        ("rechecked", 12.0), ("header", 6.0), ("values", 10.0), ("transforms", 3.0),
        ("segments", 3.0), ("bad_segments", 3.0), ("nesting", 0.3),
    )

    def __init__(self, session: LiveSession, rng: np.random.Generator, encoding: str) -> None:
        super().__init__(session, rng)
        self.encoding = encoding
        self.code = 1 if encoding == "json" else 2
        path = _move()
        times = np.arange(0.0, path.duration, 1 / 60)
        sampled = path.sample(path.times[0] + times)
        self.samples = [
            opentrackio_sample(float(t), tuple(map(float, p)), tuple(map(float, q)), float(f),
                               float(d), 2.8, sequence=0)
            for t, p, q, f, d in zip(times, sampled.positions, sampled.orientations,
                                     sampled.focal_mm, sampled.focus_m, strict=True)
        ]

    def encode(self, payload: Any) -> bytes:
        if self.encoding == "json":
            return json.dumps(payload, separators=(",", ":")).encode()
        return cbor2.dumps(payload)

    def sample_dict(self, sample_id: int) -> dict[str, Any]:
        base = self.samples[int(self.rng.integers(0, len(self.samples)))]
        return {**base, "timing": {**base["timing"], "sequenceNumber": sample_id}}

    def valid(self) -> tuple[bytes, int | None]:
        sample_id = self.fresh_id()
        return otio_packet(self.encode(self.sample_dict(sample_id)), code=self.code,
                           sequence=sample_id), sample_id

    def repeat_labels(self, sample_id: int | None) -> tuple[str, ...]:
        # A byte-identical repeat may be caught by the reassembler before the id check.
        return (sequence_label(self.session, sample_id), "reassembler:duplicate")

    def make_rechecked(self) -> list[Item]:
        """Damaged payloads behind a correct header, so they reach the payload decoder."""
        payload = self.encode(self.sample_dict(self.fresh_id()))
        damaged, how = self.mutate.damage(payload, self.encode(self.sample_dict(0)))
        damaged = damaged[: 0x7FFF]
        return [(otio_packet(damaged, code=self.code, sequence=self.next_id), None,
                 f"rechecked-{how}")]

    def make_header(self) -> list[Item]:
        payload = self.encode(self.sample_dict(self.fresh_id()))
        choice = int(self.rng.integers(0, 5))
        if choice == 0:
            return [(otio_packet(payload, good_checksum=False, code=self.code),
                     expect("error:checksum"), "header-checksum")]
        if choice == 1:
            code = int(self.rng.choice([0, 3, 4, 0xFF]))
            return [(otio_packet(payload, code=code), expect("error:unsupported"),
                     "header-encoding")]
        if choice == 2:
            return [(otio_packet(payload, magic=b"OTrK", code=self.code),
                     expect("error:invalid"), "header-magic")]
        if choice == 3:
            length = int(self.rng.choice([0, 1, len(payload) - 1, len(payload) + 1, 0x7FFF]))
            return [(otio_packet(payload, length=length, code=self.code), expect("error:invalid"),
                     "header-length")]
        return [(otio_packet(payload, code=self.code)[: int(self.rng.integers(0, 16))],
                 expect("error:invalid"), "header-short")]

    def make_values(self) -> list[Item]:
        """NaN, infinity, wrong types and impossible lens values inside a valid sample."""
        sample_id = self.fresh_id()
        sample = self.sample_dict(sample_id)
        transform = dict(sample["transforms"][0])
        lens = dict(sample["lens"])
        choice = int(self.rng.integers(0, 8))
        value: Any
        if choice <= 2:
            value = float(self.rng.choice([math.nan, math.inf, -math.inf]))
            label = "error:range"
        elif choice == 3:
            value, label = "1.0", "error:invalid"
        elif choice == 4:
            value, label = [1.0], "error:invalid"
        else:
            value, label = None, "valid"
        if choice in (0, 3, 4):
            transform["translation"] = {**transform["translation"], "y": value}
        elif choice == 1:
            transform["rotation"] = {**transform["rotation"], "tilt": value}
        elif choice == 2:
            lens["pinholeFocalLength"] = value
        elif choice == 5:
            lens["pinholeFocalLength"], label = float(self.rng.choice([0.0, -20.0])), "error:range"
        elif choice == 6:
            lens["encoders"] = {"zoom": float(self.rng.choice([-0.5, 1.5]))}
            label = "error:range"
        else:
            sample["timing"] = {"sequenceNumber": int(self.rng.choice([-1, 1 << 64]))}
            label = "error:range"
        sample["transforms"], sample["lens"] = [transform], lens
        if self.encoding == "json" and isinstance(value, float) and not math.isfinite(value):
            text = json.dumps(sample, separators=(",", ":"))  # NaN / Infinity tokens
            if self.rng.random() < 0.5:
                text = text.replace("Infinity", "1e999")  # JSON numbers that overflow
            payload = text.encode()
        else:
            payload = self.encode(sample)
        return [(otio_packet(payload, code=self.code, sequence=sample_id), expect(label),
                 f"values-{choice}")]

    def make_transforms(self) -> list[Item]:
        """Odd transform chains: extreme scales and translations, mirrors, empty lists."""
        sample_id = self.fresh_id()
        sample = self.sample_dict(sample_id)
        scale = float(self.rng.choice([1e-200, 1e-30, -1.0, 1e30, 1e200]))
        shift = float(self.rng.choice([1.0, 1e300, 1.7e308]))
        chain = [{"translation": {"x": shift, "y": 0.0, "z": 1.0},
                  "scale": {"x": scale, "y": scale, "z": scale}}
                 for _ in range(int(self.rng.integers(1, 4)))]
        sample["transforms"] = chain + sample["transforms"]
        if self.rng.random() < 0.1:
            sample["transforms"] = []
        return [(otio_packet(self.encode(sample), code=self.code, sequence=sample_id), None,
                 "transforms")]

    def segments(self, sample_id: int, size: int) -> list[bytes]:
        return encode_packets(self.sample_dict(sample_id), sample_id & 0xFFFF,
                              encoding=self.encoding, max_payload=size)

    def make_segments(self) -> list[Item]:
        """A valid message in 2-8 segments, in any order: one sample when the last arrives."""
        sample_id = self.fresh_id()
        parts = self.segments(sample_id, int(self.rng.integers(48, 200)))
        order = self.rng.permutation(len(parts))
        items: list[Item] = [(parts[i], expect("quiet"), "segment", SEGMENT_SENDER)
                             for i in order[:-1]]
        items.append((parts[order[-1]], expect(sequence_label(self.session, sample_id)),
                      "segment-last", SEGMENT_SENDER))
        return items

    def make_bad_segments(self) -> list[Item]:
        """Segments that contradict each other or overflow the message limit."""
        sample_id = self.fresh_id()
        parts = self.segments(sample_id, 64)
        body = parts[0][16:]
        choice = int(self.rng.integers(0, 4))
        if choice == 0:  # beyond the 1 MiB message limit
            return [(otio_packet(body, code=self.code, sequence=sample_id, offset=(1 << 20) + 8,
                                 last=False), expect("error:range"), "segment-far")]
        if choice == 1:  # the same offset twice, different bytes
            other = bytes(reversed(body))
            return [(otio_packet(body, code=self.code, sequence=sample_id, last=False),
                     expect("quiet"), "segment"),
                    (otio_packet(other, code=self.code, sequence=sample_id, last=False),
                     expect("error:invalid"), "segment-clash")]
        if choice == 2:  # two last segments
            return [(otio_packet(body, code=self.code, sequence=sample_id, offset=64),
                     expect("quiet"), "segment"),
                    (otio_packet(body, code=self.code, sequence=sample_id, offset=256),
                     expect("error:invalid"), "segment-two-last")]
        return [(otio_packet(body, code=3 - self.code, sequence=sample_id, offset=64,
                             last=False), expect("quiet"), "segment"),
                (otio_packet(body, code=self.code, sequence=sample_id, offset=0, last=False),
                 expect("error:invalid"), "segment-mixed-encoding")]

    def make_nesting(self) -> list[Item]:
        depth = int(self.rng.integers(500, 5000))
        if self.encoding == "json":
            payload = b"[" * depth + b"]" * depth
        else:
            payload = b"\x81" * depth + b"\xa0"
        payload = payload[:0x7FFF]
        return [(otio_packet(payload, code=self.code), expect("error:invalid"), "nesting")]


# ------------------------------------------------------------------ valid after
def check_valid_afterwards(harness: Harness, source: Source) -> None:
    """After the storm a known datagram gives exactly the known sample, twice."""
    session = harness.session
    profile = session.profile
    for attempt in range(2):
        harness.now += 1.5  # longer than the filters' reset time: filtered == raw
        last = session.vcam.sequence.last
        sample_id = 1 if last is None or last >= 1 << 40 else last + 1
        focal = 40.0
        if profile.protocol == "freed":
            data = encode_freed(FreeDPacket(1, -30.0, 0.0, 0.0, 1000.0, 2000.0, 1500.0, 0, 0))
            focal = 24.0  # zoom count 0 through the profile's table
        elif profile.protocol == "opentrackio":
            sample = opentrackio_sample(1.0, (1.0, 2.0, 1.5), _Q30, focal, 3.0, 2.8,
                                        sequence=sample_id)
            data = otio_packet(source.encode(sample), code=source.code,  # type: ignore[attr-defined]
                               sequence=sample_id + 7)
        elif profile.name == "zigsim":  # ARKit axes: stage (x, y, z) = device (x, -z, y)
            data = bundle(osc_message("/previz-sim/arkitposition", "fff", 1.0, 1.5, -2.0),
                          osc_message("/previz-sim/arkitrotation", "ffff", 0.0, _Q30[2], 0.0,
                                      _Q30[3]))
            focal = profile.focal_mm
        else:
            data = bundle(osc_message("/previz/camera/position", "fff", 1.0, 2.0, 1.5),
                          osc_message("/previz/camera/orientation", "ffff", *_Q30),
                          osc_message("/previz/lens/focal", "f", focal),
                          sample_id_message(sample_id))
        assert harness.feed(data, expect("sample"), f"valid-after-{attempt}") == "sample"
        sample = session.latest
        assert sample is not None
        np.testing.assert_allclose(sample.raw_position, (1.0, 2.0, 1.5), atol=1e-6)
        np.testing.assert_allclose(sample.position, (1.0, 2.0, 1.5), atol=1e-6)
        for q in (sample.raw_orientation, sample.orientation):
            assert abs(abs(float(np.dot(q, _Q30))) - 1.0) < 1e-6, q
        assert sample.focal_mm == pytest.approx(focal)


# ------------------------------------------------------------------ the tests
RECEIVERS = {
    "osc-previz": ("previz", OscSource, {}),
    "osc-zigsim": ("zigsim", OscSource, {}),
    "freed": ("freed", FreeDSource, {}),
    "opentrackio-json": ("opentrackio", OpenTrackIOSource, {"encoding": "json"}),
    "opentrackio-cbor": ("opentrackio", OpenTrackIOSource, {"encoding": "cbor"}),
}


@pytest.fixture(autouse=True)
def _quiet_python_osc(caplog: pytest.LogCaptureFixture) -> None:
    # python-osc logs a warning for every bundle element it cannot identify.
    caplog.set_level(logging.ERROR)


@pytest.mark.parametrize("receiver", list(RECEIVERS))
def test_fuzzed_datagrams_are_each_accounted_for_and_never_break_the_session(
        receiver: str, tmp_path: Path) -> None:
    device, source_class, options = RECEIVERS[receiver]
    seed = 20240 + list(RECEIVERS).index(receiver)
    session = LiveSession(find_device(device), port=0, take_folder=tmp_path)
    try:
        take = session.start_recording(tmp_path / "fuzz.vtake")
        harness = Harness(session)
        source = source_class(session, np.random.default_rng(seed), **options)
        started = time.perf_counter()
        harness.run(source.items(), FUZZ_COUNT)
        elapsed = time.perf_counter() - started
        check_valid_afterwards(harness, source)
        harness.check_totals()
        recorded = session.stats.samples
        session.stop_recording()
    finally:
        session.receiver.stop()
    labels = harness.labels
    # The mix reached every outcome it should (the generator is not vacuous).
    assert labels["sample"] > FUZZ_COUNT // 5
    assert labels["error:invalid"] > 1000
    wanted = {"osc-previz": ("error:range", "duplicate", "out_of_order"),
              "osc-zigsim": ("error:range",),
              "freed": ("error:checksum", "error:unsupported"),
              "opentrackio-json": ("error:checksum", "error:range", "error:unsupported",
                                   "out_of_order"),
              "opentrackio-cbor": ("error:checksum", "error:range", "error:unsupported",
                                   "out_of_order")}[receiver]
    for label in wanted:
        assert labels[label] > 100, (label, labels)
    # Everything recorded is in the take, and it is clean.
    data = read_take_file(take)
    assert data.complete
    assert len(data.samples) == recorded
    for name in ("raw_position", "position", "raw_orientation", "orientation", "focal_mm",
                 "f_stop"):
        assert np.isfinite(data.samples[name]).all(), name
    assert not np.isnan(data.samples["focus_m"]).any()
    print(f"{receiver}: {FUZZ_COUNT} datagrams in {elapsed:.1f} s; {dict(labels)}")


@pytest.fixture
def feeder(tmp_path: Path) -> Iterator[Callable[[str], Harness]]:
    """Make a recording session for a device and a harness around it (stopped afterwards)."""
    sessions: list[LiveSession] = []

    def make(device: str) -> Harness:
        session = LiveSession(find_device(device), port=0, take_folder=tmp_path)
        sessions.append(session)
        session.start_recording(tmp_path / f"{device}-{len(sessions)}.vtake")
        return Harness(session)

    yield make
    for session in sessions:
        session.stop()


# One test per problem the fuzzing found, each on the smallest datagram that shows it.
@pytest.mark.parametrize("size", [-4, -8, -(1 << 31), 3, 1 << 20])
def test_an_osc_bundle_element_size_that_does_not_fit_is_invalid(
        feeder: Callable[[str], Harness], size: int) -> None:
    harness = feeder("previz")
    message = osc_message("/previz/mark", "")
    data = b"#bundle\x00" + struct.pack(">Qi", 1, size) + message
    harness.run(iter([(data, expect("error:invalid"), f"element size {size}")]), 1)


@pytest.mark.parametrize("data", [b"#bundle\x00", b"#bundle\x00\x00\x00\x00\x00",
                                  b"#bundle\x00" + bytes(8) + b"\x00\x00\x00\x08/pre"])
def test_a_cut_off_osc_bundle_is_invalid(feeder: Callable[[str], Harness], data: bytes) -> None:
    harness = feeder("previz")
    harness.run(iter([(data, expect("error:invalid"), "cut-off bundle")]), 1)


def test_thousands_of_nested_osc_bundles_are_invalid(feeder: Callable[[str], Harness]) -> None:
    harness = feeder("previz")
    data = osc_message("/previz/camera/position", "fff", 1.0, 2.0, 1.5)
    for _ in range(2500):
        data = bundle(data)
    harness.run(iter([(data, expect("error:invalid"), "2500 nested bundles")]), 1)


@pytest.mark.parametrize("device", ["previz", "zigsim"])
def test_absurd_osc_positions_never_put_nan_into_samples(
        feeder: Callable[[str], Harness], device: str) -> None:
    harness = feeder(device)
    address = "/previz/camera/position" if device == "previz" else "/x/arkitposition"
    normal = osc_message(address, "fff", 1.0, 2.0, 1.5)
    assert harness.feed(normal) == "sample"
    for values in ((1e307, 0.0, 0.0), (1.7e308, 1.7e308, 0.0), (-1e300, 1e300, 1e300)):
        harness.feed(osc_message(address, "ddd", *values), expect("error:range", "sample"))
        # Harness.feed fails on any sample with NaN or infinity, here and after.
        assert harness.feed(normal) == "sample"


def test_an_osc_sample_id_beyond_64_bits_is_a_range_error_while_recording(
        feeder: Callable[[str], Harness]) -> None:
    harness = feeder("previz")
    for number in (1e30, -1e30, 2.0**63):
        data = bundle(osc_message("/previz/camera/position", "fff", 1.0, 2.0, 1.5),
                      osc_message("/previz/sample", "d", number))
        harness.feed(data, expect("error:range"), f"sample id {number:g}")
    # 64-bit ids (a nanosecond clock, say) are whole numbers: consecutive ones stay distinct.
    for number in (*range((1 << 60) + 1, (1 << 60) + 4), INT64_MAX):
        data = bundle(osc_message("/previz/camera/position", "fff", 1.0, 2.0, 1.5),
                      osc_message("/previz/sample", "h", number))
        assert harness.feed(data) == "sample"
        assert harness.session.latest.sample_id == number  # type: ignore[union-attr]


def test_an_opentrackio_sequence_number_beyond_64_bits_is_a_range_error(
        feeder: Callable[[str], Harness]) -> None:
    harness = feeder("opentrackio")
    sample = opentrackio_sample(1.0, (1.0, 2.0, 1.5), _Q30, 40.0, sequence=1 << 64)
    harness.feed(encode_packets(sample, 5)[0], expect("error:range"))


@pytest.mark.parametrize(("scale", "shift"), [(1e-200, 1.0), (1e200, 1.0), (1.0, 1.7e308),
                                          (1e-30, 1.0), (1e30, 1e300)])
def test_degenerate_opentrackio_transform_chains_are_range_errors(
        feeder: Callable[[str], Harness], scale: float, shift: float) -> None:
    harness = feeder("opentrackio")
    sample = opentrackio_sample(1.0, (1.0, 2.0, 1.5), _Q30, 40.0, sequence=9)
    parent = {"translation": {"x": shift, "y": 0.0, "z": 0.0},
              "scale": {"x": scale, "y": scale, "z": scale}}
    sample["transforms"] = [parent, parent, *sample["transforms"]]
    # A range error, or a sample that is finite (Harness.feed checks), never an exception.
    harness.feed(encode_packets(sample, 9)[0], expect("error:range", "sample"))


def test_a_repeated_opentrackio_datagram_is_counted_as_a_duplicate(
        feeder: Callable[[str], Harness]) -> None:
    """A byte-identical repeat (multicast delivered twice) shows in the session's counters."""
    harness = feeder("opentrackio")
    sample = opentrackio_sample(1.0, (1.0, 2.0, 1.5), _Q30, 40.0, sequence=5)
    (data,) = encode_packets(sample, 5)
    assert harness.feed(data) == "sample"
    harness.feed(data)
    assert harness.session.stats.rejected["duplicate"] == 1
    assert harness.session.stats.samples == 1


def test_mixed_traffic_over_loopback_matches_the_same_traffic_fed_directly(
        tmp_path: Path) -> None:
    """~5,000 mixed datagrams through a real socket: the session survives, counts agree."""
    rng = np.random.default_rng(7)
    scratch = LiveSession(find_device("previz"), port=0, take_folder=tmp_path)
    try:
        harness = Harness(scratch)
        source = OscSource(scratch, rng)
        items = source.items()
        datagrams = []
        for _ in range(5000):
            data, _want, kind = next(items)
            if kind == "deep":  # keep the loopback run small and quick
                continue
            datagrams.append(data)
        # Fed directly first: the expected counts, and no datagram may hang the receiver.
        harness.run(iter((d, None, "direct") for d in datagrams), len(datagrams))
        expected = scratch.stats.snapshot()
    finally:
        scratch.receiver.stop()

    started = time.perf_counter()
    with LiveSession(find_device("previz"), port=0, take_folder=tmp_path) as session:
        import socket

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for start in range(0, len(datagrams), 250):  # paced: never overrun the buffer
                for data in datagrams[start:start + 250]:
                    sock.sendto(data, session.address)
                sent = min(start + 250, len(datagrams))
                deadline = time.monotonic() + 5.0
                while session.stats.datagrams < sent and time.monotonic() < deadline:
                    time.sleep(0.002)
                assert session.stats.datagrams == sent, "the receiver stopped taking datagrams"
        elapsed = time.perf_counter() - started
        assert session.receiver._thread is not None
        assert session.receiver._thread.is_alive()
        got = session.stats.snapshot()
        # Still alive: a valid sample now is taken.
        last = session.vcam.sequence.last or 0
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(bundle(osc_message("/previz/camera/position", "fff", 1.0, 2.0, 1.5),
                               sample_id_message(last + 1 if last < 1 << 30 else 1)),
                        session.address)
        deadline = time.monotonic() + 5.0
        while session.stats.samples == got["samples"] and time.monotonic() < deadline:
            time.sleep(0.002)
        assert session.latest is not None
        np.testing.assert_allclose(session.latest.raw_position, (1.0, 2.0, 1.5))
    assert elapsed < 5.0
    for key in ("datagrams", "messages", "samples", "missing", "rejected"):
        assert got[key] == expected[key], key
    assert got["rejected"]["invalid"] > 100
    assert got["samples"] > 1000
