"""Datagram → :class:`~previz.live.reading.Reading`, one decoder per protocol.

Each decoder takes the raw bytes of one UDP datagram and returns a Reading
(None when the datagram carried nothing the camera uses). Malformed input
raises :class:`~previz.errors.ProtocolError`; python-osc's own parse errors
are turned into one too, so the caller counts every bad datagram by kind.
"""

from __future__ import annotations

import struct
from typing import Any, Protocol

from previz.errors import ProtocolError
from previz.live.mapping import OscMapper
from previz.live.profile import DeviceProfile
from previz.live.reading import Reading
from previz.live.stats import LiveStats

__all__ = ["Decoder", "FreeDDecoder", "OpenTrackIODecoder", "OscDecoder", "make_decoder"]


class Decoder(Protocol):
    """What the live session needs from a protocol decoder."""

    def decode(self, data: bytes, sender: Any) -> Reading | None:
        """Return the reading one datagram carries."""


class OscDecoder:
    """OSC messages and bundles (python-osc's parser) through a profile's address map.

    A bundle's messages all go into one reading (one camera sample); its time
    tag becomes the reading's device time. Unmapped addresses are counted,
    not fatal.
    """

    def __init__(self, profile: DeviceProfile, stats: LiveStats) -> None:
        from pythonosc.osc_bundle import OscBundle
        from pythonosc.osc_bundle import ParseError as BundleParseError
        from pythonosc.osc_message import OscMessage, ParseError
        from pythonosc.parsing.osc_types import ParseError as TypeParseError

        self.mapper = OscMapper(profile)
        self.stats = stats
        self._bundle = OscBundle
        self._message = OscMessage
        self._errors = (ParseError, TypeParseError, BundleParseError, IndexError, ValueError,
                        TypeError, UnicodeDecodeError, OverflowError, struct.error,
                        RecursionError)

    def decode(self, data: bytes, sender: Any) -> Reading | None:
        """Decode one datagram (raises ProtocolError when it is not OSC)."""
        reading = Reading()
        try:
            if data[:8] == b"#bundle\x00":
                _check_bundle(data, 0)
                self._walk(self._bundle(data), reading, 0)
            elif data[:1] == b"/":
                message = self._message(data)
                self._apply(message.address, message.params, reading)
            else:
                raise ProtocolError("not an OSC message or bundle (expected '/' or '#bundle')")
        except ProtocolError:
            raise
        except self._errors as error:
            raise ProtocolError(f"malformed OSC datagram: {error}") from None
        return reading

    def _walk(self, bundle: Any, reading: Reading, depth: int) -> None:
        if depth > 8:
            raise ProtocolError("OSC bundles nested more than 8 deep")
        timestamp = bundle.timestamp
        if timestamp and reading.device_time is None:  # 0 / 1 mean "immediately"
            if timestamp != timestamp or timestamp in (float("inf"), float("-inf")):
                raise ProtocolError("OSC bundle time tag is not a finite time", "range")
            reading.device_time = float(timestamp)
        for item in bundle:
            if isinstance(item, self._bundle):
                self._walk(item, reading, depth + 1)
            else:
                self._apply(item.address, item.params, reading)

    def _apply(self, address: str, params: Any, reading: Reading) -> None:
        self.stats.messages += 1
        if not self.mapper.apply(address, params, reading):
            self.stats.reject("unmapped", f"{address}: no mapping in profile "
                              f"{self.mapper.profile.name!r}")


def _check_bundle(data: bytes, depth: int) -> None:
    """Check a bundle's element sizes before python-osc walks it.

    Every element size must be positive, a multiple of 4 and inside the
    bundle, and bundles may nest 8 deep: garbage sizes then fail here, in
    one pass, instead of sending the parser to odd offsets.
    """
    if depth > 8:
        raise ProtocolError("OSC bundles nested more than 8 deep")
    if len(data) < 16:
        raise ProtocolError("OSC bundle shorter than its 16-byte header")
    index = 16
    while index < len(data):
        if index + 4 > len(data):
            raise ProtocolError(f"OSC bundle element size cut off at byte {index}")
        (size,) = struct.unpack_from(">i", data, index)
        index += 4
        if size <= 0 or size % 4 or index + size > len(data):
            raise ProtocolError(f"OSC bundle element at byte {index - 4} has size {size}; "
                                f"expected a positive multiple of 4 within the datagram")
        element = data[index : index + size]
        if element[:8] == b"#bundle\x00":
            _check_bundle(element, depth + 1)
        elif element[:1] != b"/":
            raise ProtocolError(f"OSC bundle element at byte {index} is neither a message "
                                f"nor a bundle")
        index += size


class FreeDDecoder:
    """FreeD D1 packets; ``camera_id`` in the profile filters cameras."""

    def __init__(self, profile: DeviceProfile, stats: LiveStats) -> None:
        from previz.live import freed

        self._freed = freed
        self.camera_id = profile.camera_id
        self.stats = stats

    def decode(self, data: bytes, sender: Any) -> Reading | None:
        """Decode one FreeD datagram."""
        packet = self._freed.decode_freed(data)
        self.stats.messages += 1
        if self.camera_id is not None and packet.camera_id != self.camera_id:
            self.stats.reject("unmapped", f"FreeD camera id {packet.camera_id} is not "
                              f"{self.camera_id}")
            return None
        return self._freed.freed_reading(packet)


class OpenTrackIODecoder:
    """OpenTrackIO packets (JSON or CBOR, segmented or not)."""

    def __init__(self, profile: DeviceProfile, stats: LiveStats) -> None:
        from previz.live import opentrackio

        self._module = opentrackio
        self._reassembler = opentrackio.Reassembler()
        self.stats = stats

    def decode(self, data: bytes, sender: Any) -> Reading | None:
        """Decode one OpenTrackIO datagram (None until a segmented sample is complete)."""
        counts = self._reassembler.counts
        duplicates, late = counts["duplicates"], counts["late"]
        payload = self._reassembler.feed(data, sender)
        if counts["duplicates"] != duplicates:
            self.stats.reject("duplicate")
        if counts["late"] != late:
            self.stats.reject("out_of_order")
        if payload is None:
            return None
        self.stats.messages += 1
        if not isinstance(payload, dict):
            raise ProtocolError("OpenTrackIO payload is not an object")
        return self._module.opentrackio_reading(
            payload, sequence=self._reassembler.last_sequence
        )


def make_decoder(profile: DeviceProfile, stats: LiveStats) -> Decoder:
    """Return the decoder for a profile's protocol."""
    kinds = {"osc": OscDecoder, "freed": FreeDDecoder, "opentrackio": OpenTrackIODecoder}
    return kinds[profile.protocol](profile, stats)
