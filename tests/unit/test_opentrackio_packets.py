"""OpenTrackIO over UDP: header bytes, checksum, segments, reassembly, samples and readings."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from fractions import Fraction
from pathlib import Path

import cbor2
import numpy as np
import pytest

from previz.core.camera_path import (
    CameraPath,
    orientations_from_pan_tilt_roll,
    pan_tilt_roll_from_orientations,
)
from previz.core.rotation import quaternion_to_matrix
from previz.errors import ProtocolError
from previz.io.opentrackio_json import sample_dict, write_jsonl
from previz.live.opentrackio import (
    DEFAULT_PORT,
    Reassembler,
    Segment,
    decode_segment,
    encode_packets,
    fletcher16,
    multicast_group,
    opentrackio_reading,
    opentrackio_sample,
    pan_tilt_roll_from_quat,
    quat_from_pan_tilt_roll,
)
from reference_math import pan_tilt_roll_matrix


def listing_fletcher(data: bytes) -> int:
    """The specification's reference listing, byte by byte with 8-bit sums."""
    sum1 = sum2 = 0
    for byte in data:
        sum1 = (sum1 + byte) & 0xFF
        sum2 = (sum2 + sum1) & 0xFF
    return sum1 << 8 | sum2


def legacy_fletcher(data: bytes) -> int:
    """Textbook Fletcher-16 (modulo 255, second sum high), as 1.0.0-era producers sent."""
    sum1 = sum2 = 0
    for byte in data:
        sum1 = (sum1 + byte) % 255
        sum2 = (sum2 + sum1) % 255
    return sum2 << 8 | sum1


def a_sample(index: int = 0, **extra) -> dict:  # type: ignore[no-untyped-def]
    orientation = quat_from_pan_tilt_roll(30.0 + index, -12.0, 4.0)
    sample = opentrackio_sample(
        100.0 + index / 25, (1.0 + index, -2.0, 1.6), orientation, 35.0, 4.5, 2.8,
        sequence=index, source_id="a44ae08e-f1e7-4fe9-952e-a043007073c9", source_number=1,
        rate=Fraction(25),
    )
    sample.update(extra)
    return sample


def rotation(q) -> np.ndarray:  # type: ignore[no-untyped-def]
    return quaternion_to_matrix(np.asarray(q, dtype=float))


# ------------------------------------------------------------------ checksum
def test_fletcher16_small_vectors() -> None:
    assert fletcher16(b"") == 0
    # sums after 0x01: (1, 1); after 0x02: (3, 4) → 0x0304
    assert fletcher16(b"\x01\x02") == 0x0304
    # 8-bit sums wrap: 0xFF, 0xFF → sum1 = 0xFE, sum2 = 0xFF + 0xFE = 0x1FD → 0xFD
    assert fletcher16(b"\xff\xff") == 0xFEFD


def test_fletcher16_matches_the_reference_listing() -> None:
    rng = random.Random(4)
    for size in (1, 7, 255, 256, 1199, 5000):
        data = bytes(rng.getrandbits(8) for _ in range(size))
        assert fletcher16(data) == listing_fletcher(data)


def test_hand_built_header_byte_by_byte() -> None:
    (datagram,) = encode_packets({"a": 1}, 0x1234, encoding="json")
    payload = b'{"a":1}'
    assert datagram[0:4] == b"OTrk"  # identifier 0x4F54726B
    assert datagram[4] == 0x00  # reserved
    assert datagram[5] == 0x01  # JSON
    assert datagram[6:8] == b"\x12\x34"  # sequence, big-endian
    assert datagram[8:12] == b"\x00\x00\x00\x00"  # segment offset
    assert datagram[12:14] == b"\x80\x07"  # last segment + 7 payload bytes
    assert datagram[16:] == payload
    covered = datagram[:14] + payload
    expected = listing_fletcher(covered)
    assert datagram[14:16] == expected.to_bytes(2, "big")
    # By hand: the 21 covered bytes sum to 1110 → sum1 = 1110 mod 256 = 0x56; the running
    # sums 79, 163, 277, …, 985, 1110 add up to 11736 → sum2 = 11736 mod 256 = 0xD8.
    assert expected == 0x56D8
    assert decode_segment(datagram) == Segment("json", 0x1234, 0, True, payload)


def test_segment_fields_and_offsets() -> None:
    body = cbor2.dumps(a_sample())
    datagrams = encode_packets(a_sample(), 65535, encoding="cbor", max_payload=100)
    assert len(datagrams) == math.ceil(len(body) / 100)
    segments = [decode_segment(d) for d in datagrams]
    assert [s.offset for s in segments] == list(range(0, len(body), 100))
    assert [s.last for s in segments] == [False] * (len(segments) - 1) + [True]
    assert {s.sequence for s in segments} == {65535}
    assert {s.encoding for s in segments} == {"cbor"}
    assert b"".join(s.payload for s in segments) == body
    assert all(len(d) <= 116 for d in datagrams)


def test_legacy_checksum_is_accepted() -> None:
    (datagram,) = encode_packets({"b": 2}, 9)
    legacy = datagram[:14] + legacy_fletcher(datagram[:14] + datagram[16:]).to_bytes(2, "big")
    assert decode_segment(legacy + datagram[16:]).payload == b'{"b":2}'


def test_every_single_byte_corruption_is_caught() -> None:
    (datagram,) = encode_packets(a_sample(), 3)
    kinds: Counter[str] = Counter()
    for index in range(len(datagram)):
        for delta in (1, 0x80, 0xFF):
            corrupted = bytearray(datagram)
            corrupted[index] = (corrupted[index] + delta) & 0xFF
            with pytest.raises(ProtocolError) as caught:
                decode_segment(bytes(corrupted))
            kinds[caught.value.kind] += 1
    # The identifier and the length are checked first (flipping only the last-segment
    # bit of byte 12 leaves the length alone); everything else falls to the checksum.
    assert len(datagram) - 16 > 256  # so every change to byte 12 but 0x80 moves the length
    assert kinds == {"invalid": 4 * 3 + 2 + 3, "checksum": (len(datagram) - 6) * 3 + 1}


@pytest.mark.parametrize(
    ("data", "kind", "fragment"),
    [
        (b"", "invalid", "shorter"),
        (b"OTrk" + bytes(11), "invalid", "shorter"),
        (b"OTRK" + bytes(12), "invalid", "OTrk"),
        (b"OTrk" + bytes(8) + b"\x80\x05" + bytes(2), "invalid", "payload length 5"),
    ],
)
def test_bad_datagrams(data: bytes, kind: str, fragment: str) -> None:
    with pytest.raises(ProtocolError, match=fragment) as caught:
        decode_segment(data)
    assert caught.value.kind == kind


def test_unknown_encoding_is_unsupported() -> None:
    head = b"OTrk\x00\x03\x00\x01" + bytes(4) + b"\x80\x02"
    datagram = head + fletcher16(head + b"{}").to_bytes(2, "big") + b"{}"
    with pytest.raises(ProtocolError, match="encoding 0x03") as caught:
        decode_segment(datagram)
    assert caught.value.kind == "unsupported"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"encoding": "xml"}, "encoding"),
        ({"sequence": 65536}, "sequence"),
        ({"sequence": -1}, "sequence"),
        ({"max_payload": 0}, "max_payload"),
        ({"max_payload": 32768}, "max_payload"),
    ],
)
def test_encode_rejects_bad_arguments(kwargs: dict, fragment: str) -> None:
    arguments = {"sequence": 1} | kwargs
    with pytest.raises(ValueError, match=fragment):
        encode_packets({"a": 1}, **arguments)


def test_encode_rejects_nan_in_json() -> None:
    with pytest.raises(ValueError, match="JSON"):
        encode_packets({"a": math.nan}, 1)


# ------------------------------------------------------------------ reassembly
@pytest.mark.parametrize("encoding", ["json", "cbor"])
def test_round_trip_single_datagram(encoding: str) -> None:
    sample = a_sample()
    datagrams = encode_packets(sample, 42, encoding=encoding)
    assert len(datagrams) == 1
    assert Reassembler().feed(datagrams[0], ("10.0.0.5", 55555)) == sample


@pytest.mark.parametrize("encoding", ["json", "cbor"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_segments_in_shuffled_order_with_repeats(encoding: str, seed: int) -> None:
    rng = random.Random(seed)
    sample = a_sample(seed, static={"camera": {"label": "A" * 300}})
    datagrams = encode_packets(sample, 7, encoding=encoding, max_payload=37)
    assert len(datagrams) > 10
    order = datagrams + rng.sample(datagrams, 5)  # multicast delivered some twice
    rng.shuffle(order)
    while order[-1] in order[:-1]:  # finish on a datagram's first arrival
        rng.shuffle(order)
    reassembler = Reassembler()
    results = [reassembler.feed(d, "cam") for d in order]
    assert results[-1] == sample
    assert all(r is None for r in results[:-1])
    assert reassembler.counts["messages"] == 1
    assert reassembler.last_sequence == 7
    assert reassembler.counts["duplicates"] == 5
    assert reassembler.pending_messages == 0
    assert reassembler.pending_bytes == 0


def test_identical_message_twice_is_used_once() -> None:
    (datagram,) = encode_packets(a_sample(), 5)
    reassembler = Reassembler()
    assert reassembler.feed(datagram, "a") is not None
    assert reassembler.feed(datagram, "a") is None
    assert reassembler.feed(datagram, "b") is not None  # another sender
    assert reassembler.counts == {"messages": 2, "duplicates": 1, "late": 0, "abandoned": 0,
                                  "evicted": 0}


def test_same_sequence_with_new_content_is_not_a_duplicate() -> None:
    reassembler = Reassembler()
    for index in range(3):  # a sender that never counts
        (datagram,) = encode_packets(a_sample(index), 0)
        assert reassembler.feed(datagram, "a") == a_sample(index)


def test_a_new_sequence_abandons_an_incomplete_one() -> None:
    old = encode_packets(a_sample(1), 10, max_payload=64)
    new = encode_packets(a_sample(2), 11, max_payload=64)
    reassembler = Reassembler()
    for datagram in old[:-1]:
        assert reassembler.feed(datagram, "a") is None
    results = [reassembler.feed(d, "a") for d in new]
    assert results[-1] == a_sample(2)
    assert reassembler.counts["abandoned"] == 1
    # the old message's last segment, arriving late, cannot complete or disturb anything
    assert reassembler.feed(old[-1], "a") is None
    assert reassembler.pending_messages == 1  # a fragment of message 10, held until replaced
    for datagram in encode_packets(a_sample(3), 12, max_payload=64):
        result = reassembler.feed(datagram, "a")
    assert result == a_sample(3)


def test_late_segment_does_not_abandon_a_newer_message() -> None:
    older = encode_packets(a_sample(1), 1, max_payload=64)
    newer = encode_packets(a_sample(2), 2, max_payload=64)
    reassembler = Reassembler()
    assert reassembler.feed(newer[0], "a") is None
    assert reassembler.feed(older[1], "a") is None  # late: dropped, message 2 kept
    assert reassembler.counts["late"] == 1
    results = [reassembler.feed(d, "a") for d in newer[1:]]
    assert results[-1] == a_sample(2)


def test_sequence_wraps_at_16_bits() -> None:
    reassembler = Reassembler()
    before = encode_packets(a_sample(1), 65535, max_payload=64)
    after = encode_packets(a_sample(2), 0, max_payload=64)
    for datagram in before[:-1]:
        reassembler.feed(datagram, "a")
    results = [reassembler.feed(d, "a") for d in after]  # 0 is newer than 65535
    assert results[-1] == a_sample(2)
    assert reassembler.counts["abandoned"] == 1
    assert reassembler.feed(before[-1], "a") is None  # 65535 is older than 0: late
    assert reassembler.counts["late"] == 0  # nothing was pending, so it waits harmlessly
    late = encode_packets(a_sample(3), 65534, max_payload=64)
    pending = encode_packets(a_sample(4), 1, max_payload=64)
    reassembler = Reassembler()
    reassembler.feed(pending[0], "a")
    assert reassembler.feed(late[0], "a") is None
    assert reassembler.counts["late"] == 1


def test_restarted_sender_is_followed() -> None:
    reassembler = Reassembler()
    stale = encode_packets(a_sample(1), 30000, max_payload=64)
    reassembler.feed(stale[0], "a")
    fresh = encode_packets(a_sample(2), 0, max_payload=64)  # 30000 back: a restart, not late
    assert [reassembler.feed(d, "a") for d in fresh][-1] == a_sample(2)


def test_memory_is_bounded() -> None:
    reassembler = Reassembler(max_pending=4, max_bytes=2000)
    for sender in range(50):
        datagrams = encode_packets(a_sample(sender), sender, max_payload=100)
        reassembler.feed(datagrams[0], sender)
        reassembler.feed(datagrams[1], sender)
        assert reassembler.pending_messages <= 4
        assert reassembler.pending_bytes <= 2000
    assert reassembler.counts["evicted"] >= 46
    big = encode_packets({"a": "x" * 5000}, 1, max_payload=1000)
    assert reassembler.feed(big[0], "big") is None
    assert reassembler.feed(big[1], "big") is None
    with pytest.raises(ProtocolError, match="2000-byte limit") as caught:
        reassembler.feed(big[2], "big")
    assert caught.value.kind == "range"
    senders = Reassembler(max_senders=3)
    for sender in range(100):
        senders.feed(encode_packets({"n": sender}, 1)[0], sender)
    assert len(senders._senders) == 3


def test_contradicting_segments_are_invalid() -> None:
    first = encode_packets({"a": "x" * 300}, 4, max_payload=100)
    other = encode_packets({"a": "y" * 300}, 4, max_payload=100)
    reassembler = Reassembler()
    reassembler.feed(first[0], "a")
    with pytest.raises(ProtocolError, match="offset 0") as caught:
        reassembler.feed(other[0], "a")
    assert caught.value.kind == "invalid"
    assert reassembler.pending_messages == 0


@pytest.mark.parametrize(
    ("body", "encoding", "kind"),
    [
        (b"[1, 2]", "json", "invalid"),
        (b"{not json", "json", "invalid"),
        (b'{"a": NaN}', "json", "range"),
        (b"\xff\xfe", "cbor", "invalid"),
        (cbor2.dumps([1, 2]), "cbor", "invalid"),
    ],
)
def test_undecodable_payloads(body: bytes, encoding: str, kind: str) -> None:
    code = {"json": 1, "cbor": 2}[encoding]
    head = b"OTrk\x00" + bytes([code]) + b"\x00\x01" + bytes(4) + (0x8000 | len(body)).to_bytes(
        2, "big")
    datagram = head + fletcher16(head + body).to_bytes(2, "big") + body
    with pytest.raises(ProtocolError) as caught:
        Reassembler().feed(datagram, "a")
    assert caught.value.kind == kind


def test_garbage_and_mutations_only_raise_protocol_errors() -> None:
    rng = random.Random(20240501)
    valid = [
        d
        for index, (encoding, size) in enumerate(
            [("json", 1200), ("cbor", 1200), ("json", 90), ("cbor", 50)]
        )
        for d in encode_packets(a_sample(index), index, encoding=encoding, max_payload=size)
    ]
    reassembler = Reassembler()
    kinds: Counter[str] = Counter()
    for index in range(20000):
        mode = index % 4
        if mode == 0:  # random bytes
            data = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 80)))
        elif mode == 1:  # the right identifier, random rest
            data = b"OTrk" + bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 120)))
        elif mode == 2:  # a valid datagram with a few bytes changed
            mutated = bytearray(rng.choice(valid))
            for _ in range(rng.randrange(1, 4)):
                mutated[rng.randrange(len(mutated))] = rng.getrandbits(8)
            data = bytes(mutated)
        else:  # a well-formed header with a good checksum over a damaged payload
            body = bytearray(rng.choice(valid)[16:])
            for _ in range(rng.randrange(1, 6)):
                body[rng.randrange(len(body))] = rng.getrandbits(8)
            if rng.random() < 0.3:
                body = bytearray(rng.getrandbits(8) for _ in range(rng.randrange(1, 300)))
            offset = rng.choice([0, 0, 0, rng.randrange(2000)])
            flag = 0x8000 if rng.random() < 0.8 else 0
            head = (b"OTrk\x00" + bytes([rng.choice([1, 2, 2, 3])])
                    + rng.randrange(65536).to_bytes(2, "big") + offset.to_bytes(4, "big")
                    + (flag | len(body)).to_bytes(2, "big"))
            data = head + fletcher16(head + body).to_bytes(2, "big") + bytes(body)
        try:
            sample = reassembler.feed(data, ("host", index % 3))
            if sample is None:
                kinds["incomplete"] += 1
                continue
            opentrackio_reading(sample, sequence=1)
            kinds["reading"] += 1
        except ProtocolError as error:
            kinds[error.kind] += 1
    assert set(kinds) <= {"incomplete", "reading", "invalid", "checksum", "range", "unsupported"}
    assert kinds["checksum"] > 2000
    assert kinds["invalid"] > 5000
    assert kinds["unsupported"] > 500
    assert kinds["reading"] + kinds["range"] + kinds["invalid"] > 0


# ------------------------------------------------------------------ angles
def test_angles_match_the_core_conversions() -> None:
    rng = np.random.default_rng(8)
    angles = rng.uniform([-180, -89, -180], [180, 89, 180], size=(200, 3))
    for pan, tilt, roll in angles:
        q = quat_from_pan_tilt_roll(pan, tilt, roll)
        np.testing.assert_allclose(rotation(q), pan_tilt_roll_matrix(pan, tilt, roll), atol=1e-12)
        np.testing.assert_allclose(
            rotation(q), rotation(orientations_from_pan_tilt_roll([pan, tilt, roll])), atol=1e-12)
        back = pan_tilt_roll_from_quat(q)
        np.testing.assert_allclose(back, [pan, tilt, roll], atol=1e-9)
        np.testing.assert_allclose(back, pan_tilt_roll_from_orientations(q), atol=1e-9)


def test_looking_straight_down_keeps_the_view() -> None:
    q = quat_from_pan_tilt_roll(40.0, -90.0, 25.0)
    pan, tilt, roll = pan_tilt_roll_from_quat(q)
    assert (tilt, roll) == (-90.0, 0.0)
    np.testing.assert_allclose(pan_tilt_roll_matrix(pan, tilt, roll), rotation(q), atol=1e-9)


# ------------------------------------------------------------------ samples
def test_reading_of_a_sample() -> None:
    sample = a_sample(2)
    sample["lens"]["encoders"] = {"zoom": 0.25, "focus": 0.5, "iris": 1.0}
    reading = opentrackio_reading(sample, sequence=999)
    assert reading.position == (3.0, -2.0, 1.6)
    np.testing.assert_allclose(rotation(reading.orientation), pan_tilt_roll_matrix(32, -12, 4),
                               atol=1e-12)
    assert (reading.focal_mm, reading.focus_m, reading.f_stop) == (35.0, 4.5, 2.8)
    assert (reading.zoom_raw, reading.focus_raw, reading.iris_raw) == (0.25, 0.5, 1.0)
    assert reading.device_time == pytest.approx(100.08, abs=1e-9)
    assert reading.sample_id == 2  # timing.sequenceNumber wins over the packet's
    del sample["timing"]["sequenceNumber"]
    assert opentrackio_reading(sample, sequence=999).sample_id == 999
    assert reading.triggers == []


def test_several_transforms_compose_in_order() -> None:
    sample = {"transforms": [
        {"translation": {"x": 10.0, "y": 0.0, "z": 0.0}, "rotation": {"pan": 90.0},
         "id": "Dolly"},
        {"translation": {"x": 0.0, "y": 2.0, "z": 1.0}, "rotation": {"tilt": 30.0},
         "scale": {"x": 2.0, "y": 2.0, "z": 2.0}, "id": "Crane Arm"},
        {"translation": {"x": 0.5}, "rotation": {"pan": -20.0, "roll": 5.0}, "id": "Camera"},
    ]}
    world = np.eye(4)
    for pan, tilt, roll, t, s in [(90, 0, 0, (10, 0, 0), 1), (0, 30, 0, (0, 2, 1), 2),
                                  (-20, 0, 5, (0.5, 0, 0), 1)]:
        local = np.eye(4)
        local[:3, :3] = pan_tilt_roll_matrix(pan, tilt, roll) * s
        local[:3, 3] = t
        world = world @ local
    reading = opentrackio_reading(sample)
    np.testing.assert_allclose(reading.position, world[:3, 3], atol=1e-12)
    np.testing.assert_allclose(rotation(reading.orientation), world[:3, :3] / 2, atol=1e-12)
    # The dolly (at x = 10) turned 90° left, so the crane's base 2 m ahead of it is at
    # x = 8; the crane's x axis is then world +y, and the camera sits 2 × 0.5 m along it.
    assert reading.position == pytest.approx((8.0, 1.0, 1.0), abs=1e-12)


def test_missing_parts_stay_none() -> None:
    reading = opentrackio_reading({"protocol": {"name": "OpenTrackIO"}})
    assert (reading.has_pose, reading.has_lens) == (False, False)
    assert (reading.sample_id, reading.device_time) == (None, None)
    lens_only = opentrackio_reading({"lens": {"pinholeFocalLength": 50.0}, "transforms": []})
    assert (lens_only.focal_mm, lens_only.position) == (50.0, None)
    pose_only = opentrackio_reading({"transforms": [{"rotation": {"pan": 10.0}}]})
    assert (pose_only.position, pose_only.focal_mm) == ((0.0, 0.0, 0.0), None)


@pytest.mark.parametrize(
    ("sample", "kind", "fragment"),
    [
        ({"lens": {"pinholeFocalLength": math.nan}}, "range", "pinholeFocalLength"),
        ({"lens": {"focusDistance": math.inf}}, "range", "focusDistance"),
        ({"lens": {"fStop": 0.0}}, "range", "fStop"),
        ({"lens": {"fStop": 10**400}}, "range", "fStop"),
        ({"lens": {"encoders": {"zoom": 1.5}}}, "range", "encoders.zoom"),
        ({"transforms": [{"translation": {"x": -math.inf}}]}, "range", r"transforms\[0\]"),
        ({"transforms": [{"scale": {"x": 0.0}}]}, "range", "scale"),
        ({"transforms": [{"translation": {"x": "1"}}]}, "invalid", "expected a number"),
        ({"transforms": [{"rotation": {"pan": True}}]}, "invalid", "rotation.pan"),
        ({"transforms": {"x": 1}}, "invalid", "expected a list"),
        ({"transforms": [3]}, "invalid", r"transforms\[0\]"),
        ({"lens": [1]}, "invalid", "lens"),
        ({"timing": {"sequenceNumber": -1}}, "range", "sequenceNumber"),
        ({"timing": {"sampleTimestamp": {"seconds": 1.5}}}, "range", "seconds"),
    ],
)
def test_bad_values(sample: dict, kind: str, fragment: str) -> None:
    with pytest.raises(ProtocolError, match=fragment) as caught:
        opentrackio_reading(sample)
    assert caught.value.kind == kind


def test_non_finite_numbers_from_the_wire_are_range_errors() -> None:
    reassembler = Reassembler()
    as_cbor = encode_packets({"lens": {"fStop": math.nan}}, 1, encoding="cbor")[0]
    with pytest.raises(ProtocolError) as caught:
        opentrackio_reading(reassembler.feed(as_cbor, "a"))
    assert caught.value.kind == "range"
    body = b'{"lens":{"fStop":1e999}}'  # JSON parses this as infinity
    head = b"OTrk\x00\x01\x00\x02" + bytes(4) + (0x8000 | len(body)).to_bytes(2, "big")
    datagram = head + fletcher16(head + body).to_bytes(2, "big") + body
    with pytest.raises(ProtocolError) as caught:
        opentrackio_reading(reassembler.feed(datagram, "a"))
    assert caught.value.kind == "range"


def test_tracker_state_as_triggers_on_request() -> None:
    sample = a_sample(tracker={"recording": True, "slate": "A101_A_4"})
    assert opentrackio_reading(sample).triggers == []
    assert opentrackio_reading(sample, tracker_triggers=True).triggers == [
        ("record", 1.0), ("slate", "A101_A_4")]


def test_sample_fields() -> None:
    q = orientations_from_pan_tilt_roll([15.0, -5.0, 2.0])
    sample = opentrackio_sample(3.25, (1, 2, 3), q, 40.0, math.inf, 4.0, sequence=12,
                                source_id="urn:uuid:0000", source_number=7)
    assert sample["sourceId"] == "urn:uuid:0000"
    assert sample["sourceNumber"] == 7
    assert sample["protocol"] == {"name": "OpenTrackIO", "version": [1, 0, 1]}
    assert sample["timing"] == {"sampleTimestamp": {"seconds": 3, "nanoseconds": 250_000_000},
                                "sequenceNumber": 12}
    assert sample["lens"] == {"pinholeFocalLength": 40.0, "fStop": 4.0}  # infinite focus left out
    rotation_ = sample["transforms"][0]["rotation"]
    assert [rotation_[k] for k in ("pan", "tilt", "roll")] == pytest.approx([15.0, -5.0, 2.0])
    json.dumps(sample, allow_nan=False)
    cbor2.dumps(sample)


def test_streamed_samples_are_the_samples_written_to_files(tmp_path: Path) -> None:
    times = np.array([0.0, 0.04, 0.08])
    path = CameraPath.from_pan_tilt_roll(
        times, [[0, 0, 1.5], [0.1, 0.2, 1.5], [0.2, 0.5, 1.6]],
        [[10, -3, 0], [12, -4, 1], [15, -5, 2]],
        focal_mm=[35.0, 36.0, 37.0], focus_m=[3.0, 3.5, math.inf], f_stop=2.8, rate=25,
    )
    written = [json.loads(line) for line in
               write_jsonl(path, tmp_path / "p.jsonl").read_text().splitlines()]
    written[0].pop("static")
    for index, line in enumerate(written):
        streamed = opentrackio_sample(
            float(times[index]), path.positions[index], path.orientations[index],
            path.focal_mm[index], path.focus_m[index], path.f_stop[index],
            sequence=index, rate=Fraction(25),
        )
        assert _close(streamed, line)
        assert _close(streamed, sample_dict(
            float(times[index]), path.positions[index], path.pan_tilt_roll()[index],
            path.focal_mm[index], path.focus_m[index], path.f_stop[index], sequence=index,
            rate=Fraction(25)))
        reading = opentrackio_reading(line)
        np.testing.assert_allclose(reading.position, path.positions[index], atol=1e-6)
        np.testing.assert_allclose(rotation(reading.orientation),
                                   path.rotation_matrices()[index], atol=1e-6)


def _close(a: object, b: object) -> bool:
    """Same keys all the way down; numbers equal to the file's 6 decimals."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert list(a) == list(b)
        return all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-6)
        return True
    assert a == b
    return True


def test_multicast_group_and_port() -> None:
    assert DEFAULT_PORT == 55555
    assert multicast_group(1) == "239.135.1.1"
    assert multicast_group(200) == "239.135.1.200"
    assert multicast_group(np.int64(14)) == "239.135.1.14"
    for bad in (0, 201, 255, -1, True, 1.0, "3"):
        with pytest.raises(ValueError, match=r"1\.\.200"):
            multicast_group(bad)  # type: ignore[arg-type]
