"""FreeD D1 messages: byte layout, checksum, sign conventions and round trips."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from previz.core.camera_path import orientations_from_pan_tilt_roll
from previz.core.rotation import quaternion_to_matrix
from previz.errors import ProtocolError
from previz.live.freed import (
    FREED_SIZE,
    FreeDPacket,
    decode_freed,
    encode_freed,
    freed_checksum,
    freed_packet,
    freed_reading,
)
from previz.live.reading import Reading
from reference_math import pan_tilt_roll_matrix

# pan −90°, tilt 10.5°, roll −0.5°, X 1000 mm, Y −2500.25 mm, Z 1500 mm,
# zoom 0x123456, focus 0xABCDEF, camera 2.
KNOWN = FreeDPacket(2, -90.0, 10.5, -0.5, 1000.0, -2500.25, 1500.0, 0x123456, 0xABCDEF)
KNOWN_BODY = bytes([
    0xD1, 0x02,
    0xD3, 0x00, 0x00,  # pan   −90 × 32768 = −2949120 → 2²⁴ − 2949120 = 0xD30000
    0x05, 0x40, 0x00,  # tilt  10.5 × 32768 = 344064 = 0x054000
    0xFF, 0xC0, 0x00,  # roll  −0.5 × 32768 = −16384 → 0xFFC000
    0x00, 0xFA, 0x00,  # X     1000 × 64 = 64000 = 0x00FA00
    0xFD, 0x8E, 0xF0,  # Y     −2500.25 × 64 = −160016 = −0x027110 → 0xFD8EF0
    0x01, 0x77, 0x00,  # Z     1500 × 64 = 96000 = 0x017700
    0x12, 0x34, 0x56,  # zoom
    0xAB, 0xCD, 0xEF,  # focus
    0x00, 0x00,        # spare
])
# Byte sum: 209+2+211+5+64+255+192+250+253+142+240+1+119+18+52+86+171+205+239 = 2714;
# 2714 mod 256 = 154; (0x40 − 154) mod 256 = (64 − 154) + 256 = 166 = 0xA6.
KNOWN_CHECKSUM = 0xA6


def rotation_of(reading: Reading) -> np.ndarray:
    assert reading.orientation is not None
    return quaternion_to_matrix(np.array(reading.orientation))


def test_known_packet_bytes() -> None:
    data = encode_freed(KNOWN)
    assert len(data) == FREED_SIZE == 29
    assert data[:28] == KNOWN_BODY
    assert data[28] == KNOWN_CHECKSUM
    assert freed_checksum(KNOWN_BODY) == KNOWN_CHECKSUM
    assert decode_freed(data) == KNOWN


def test_checksum_makes_the_byte_sum_0x40() -> None:
    data = encode_freed(KNOWN)
    assert sum(data) % 256 == 0x40


def test_negative_values_are_twos_complement() -> None:
    packet = FreeDPacket(1, -1 / 32768, -180.0, 0.0, -1 / 64, -131072.0, 0.0, 0, 0)
    data = encode_freed(packet)
    assert data[2:5] == b"\xff\xff\xff"  # −1 count
    assert data[5:8] == bytes.fromhex("A60000")  # −180 × 32768 = −0x5A0000 → 0xA60000
    assert data[11:14] == b"\xff\xff\xff"
    assert data[14:17] == b"\x80\x00\x00"  # the most negative 24-bit value: −2²³
    back = decode_freed(data)
    assert (back.pan, back.tilt, back.x, back.y) == (-1 / 32768, -180.0, -1 / 64, -131072.0)


def test_reading_units_and_raw_counts() -> None:
    reading = freed_reading(KNOWN)
    assert reading.position == (1.0, -2.50025, 1.5)
    assert reading.zoom_raw == 0x123456
    assert reading.focus_raw == 0xABCDEF
    assert reading.sample_id is None
    assert reading.device_time is None
    assert reading.focal_mm is None


def test_freed_pan_is_clockwise_from_above() -> None:
    # FreeD pan +90 turns right: from looking along +Y to looking along +X.
    right = freed_reading(FreeDPacket(1, 90.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0))
    np.testing.assert_allclose(rotation_of(right)[:, 1], [1.0, 0.0, 0.0], atol=1e-12)
    # Tilt +30 raises the view.
    up = freed_reading(FreeDPacket(1, 0.0, 30.0, 0.0, 0.0, 0.0, 0.0, 0, 0))
    np.testing.assert_allclose(rotation_of(up)[:, 1], [0.0, math.cos(math.radians(30)), 0.5],
                               atol=1e-12)


def test_orientation_matches_the_core_conversion() -> None:
    rng = np.random.default_rng(3)
    for pan, tilt, roll in rng.uniform([-180, -89, -180], [180, 89, 180], size=(50, 3)):
        reading = freed_reading(FreeDPacket(1, pan, tilt, roll, 0.0, 0.0, 0.0, 0, 0))
        expected = orientations_from_pan_tilt_roll([-pan, tilt, roll])
        np.testing.assert_allclose(rotation_of(reading), quaternion_to_matrix(expected),
                                   atol=1e-12)
        np.testing.assert_allclose(rotation_of(reading), pan_tilt_roll_matrix(-pan, tilt, roll),
                                   atol=1e-12)


def test_stage_pose_round_trip_within_quantisation() -> None:
    rng = np.random.default_rng(11)
    angle_step = 1 / 32768  # degrees per count
    for _ in range(300):
        position = tuple(rng.uniform(-120.0, 120.0, 3))
        angles = rng.uniform([-180, -89.5, -179], [180, 89.5, 179])
        orientation = tuple(orientations_from_pan_tilt_roll(angles))
        zoom, focus = (int(v) for v in rng.integers(0, 1 << 24, 2))
        packet = freed_packet(position, orientation, zoom, focus, camera_id=7)
        assert packet.pan == pytest.approx(-angles[0], abs=1e-9)
        back = decode_freed(encode_freed(packet))
        assert back.camera_id == 7
        assert (back.zoom, back.focus) == (zoom, focus)
        reading = freed_reading(back)
        # each axis is within half a count: 1/128 mm
        np.testing.assert_allclose(reading.position, position, rtol=0, atol=0.5 / 64 / 1000 + 1e-12)
        error = rotation_of(reading).T @ quaternion_to_matrix(np.array(orientation))
        angle = math.degrees(math.acos(min(1.0, (np.trace(error) - 1) / 2)))
        assert angle < 2 * angle_step


def test_every_single_byte_corruption_is_caught() -> None:
    data = encode_freed(KNOWN)
    kinds: dict[str, int] = {}
    for index in range(FREED_SIZE):
        for value in range(256):
            if value == data[index]:
                continue
            corrupted = bytearray(data)
            corrupted[index] = value
            try:
                decode_freed(bytes(corrupted))
            except ProtocolError as error:
                kinds[error.kind] = kinds.get(error.kind, 0) + 1
            else:  # a one-byte change always changes the byte sum
                pytest.fail(f"byte {index} = {value:#04x} was not detected")
    assert kinds == {"checksum": 28 * 255, "unsupported": 15, "invalid": 240}


@pytest.mark.parametrize(
    ("data", "kind", "fragment"),
    [
        (b"", "invalid", "empty"),
        (b"\xd1" + bytes(27), "invalid", "28 bytes"),
        (b"\xd1" + bytes(29), "invalid", "30 bytes"),
        (b"\xd2" + bytes(28), "unsupported", "0xD2"),
        (b"\x00" * 29, "invalid", "not a FreeD"),
        (b"\xd1" + bytes(28), "checksum", "byte 28"),
    ],
)
def test_bad_datagrams(data: bytes, kind: str, fragment: str) -> None:
    with pytest.raises(ProtocolError, match=fragment) as caught:
        decode_freed(data)
    assert caught.value.kind == kind


def test_random_datagrams_only_raise_protocol_errors() -> None:
    rng = random.Random(29)
    decoded = 0
    for _ in range(5000):
        size = rng.choice([0, 1, 28, 29, 29, 29, 30, 64])
        data = bytearray(rng.getrandbits(8) for _ in range(size))
        if size == 29 and rng.random() < 0.5:
            data[0] = 0xD1
            data[28] = freed_checksum(data)
        try:
            freed_reading(decode_freed(bytes(data)))
            decoded += 1
        except ProtocolError:
            pass
    assert decoded > 500


@pytest.mark.parametrize(
    "changes",
    [
        {"pan": 256.0},
        {"tilt": -256.1},
        {"x": 131072.0},
        {"z": math.nan},
        {"zoom": -1},
        {"focus": 1 << 24},
        {"camera_id": 256},
        {"spare": 1 << 16},
    ],
)
def test_values_that_do_not_fit_raise_value_error(changes: dict) -> None:
    fields = {"camera_id": 1, "pan": 0.0, "tilt": 0.0, "roll": 0.0, "x": 0.0, "y": 0.0,
              "z": 0.0, "zoom": 0, "focus": 0} | changes
    with pytest.raises(ValueError, match="FreeD"):
        encode_freed(FreeDPacket(**fields))


def test_largest_values_fit() -> None:
    top = FreeDPacket(255, 255.99996948242188, -256.0, 0.0, 131071.984375, -131072.0, 0.0,
                      (1 << 24) - 1, 0, 0xFFFF)
    assert decode_freed(encode_freed(top)) == top
