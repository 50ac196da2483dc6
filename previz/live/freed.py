"""FreeD D1 camera-tracking messages: 29 bytes, decoded and encoded without sockets.

A D1 message (Vinten's FreeD protocol, sent over UDP by most tracking systems
and PTZ heads at 30–60 Hz) is big-endian::

    0      0xD1 (message type)
    1      camera id
    2–4    pan    signed 24-bit, 1/32768 degree
    5–7    tilt   signed 24-bit, 1/32768 degree
    8–10   roll   signed 24-bit, 1/32768 degree
    11–13  X      signed 24-bit, 1/64 mm
    14–16  Y      signed 24-bit, 1/64 mm
    17–19  Z      signed 24-bit, 1/64 mm (up)
    20–22  zoom   unsigned 24-bit raw encoder count
    23–25  focus  unsigned 24-bit raw encoder count
    26–27  spare
    28     checksum = (0x40 − sum of bytes 0..27) mod 256

FreeD's stage is Z up with X, Y on the floor like previz's. Its pan is positive
clockwise seen from above (pan 0 looks along +Y), the opposite sign of previz's
pan; tilt and roll are taken as they come. Zoom and focus are raw counts that a
device profile's tables turn into millimetres and metres.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from previz.errors import ProtocolError
from previz.live.opentrackio import pan_tilt_roll_from_quat, quat_from_pan_tilt_roll
from previz.live.reading import Reading

__all__ = [
    "FREED_SIZE",
    "FreeDPacket",
    "decode_freed",
    "encode_freed",
    "freed_checksum",
    "freed_packet",
    "freed_reading",
]

#: Bytes in a FreeD D1 message.
FREED_SIZE = 29
_D1 = 0xD1
_ANGLE_SCALE = 32768.0  # counts per degree
_LENGTH_SCALE = 64.0  # counts per millimetre
_SIGNED_MIN, _SIGNED_MAX = -(1 << 23), (1 << 23) - 1
_UNSIGNED_MAX = (1 << 24) - 1
_INT32 = struct.Struct(">i")
_UINT32 = struct.Struct(">I")


@dataclass(frozen=True, slots=True)
class FreeDPacket:
    """One FreeD D1 message in FreeD's own conventions.

    Parameters
    ----------
    camera_id : int
        0–255.
    pan, tilt, roll : float
        Degrees; pan positive clockwise from above (FreeD's sign).
    x, y, z : float
        Millimetres, Z up.
    zoom, focus : int
        Raw unsigned 24-bit encoder counts.
    spare : int
        The two spare bytes as one unsigned 16-bit number.
    """

    camera_id: int
    pan: float
    tilt: float
    roll: float
    x: float
    y: float
    z: float
    zoom: int
    focus: int
    spare: int = 0


def freed_checksum(data: bytes) -> int:
    """Return the D1 checksum of bytes 0..27: ``(0x40 − sum) mod 256``.

    Parameters
    ----------
    data : bytes
        A message (29 bytes) or its first 28 bytes.

    Returns
    -------
    int
        The value byte 28 must hold.
    """
    return (0x40 - sum(data[:28])) & 0xFF


def _signed(value: float, scale: float, what: str) -> bytes:
    if not math.isfinite(value):
        raise ValueError(f"FreeD {what} must be finite, got {value}")
    count = round(value * scale)
    if not _SIGNED_MIN <= count <= _SIGNED_MAX:
        raise ValueError(
            f"FreeD {what} {value} does not fit a signed 24-bit field "
            f"(±{_SIGNED_MAX / scale:.4f})"
        )
    return _INT32.pack(count)[1:]


def _unsigned(value: float, what: str) -> bytes:
    if not math.isfinite(value):
        raise ValueError(f"FreeD {what} must be finite, got {value}")
    count = round(value)
    if not 0 <= count <= _UNSIGNED_MAX:
        raise ValueError(f"FreeD {what} {value} does not fit an unsigned 24-bit field")
    return _UINT32.pack(count)[1:]


def encode_freed(packet: FreeDPacket) -> bytes:
    """Return the 29 bytes of a D1 message, checksum included.

    Raises
    ------
    ValueError
        When a value does not fit its field (angles beyond ±256°, positions
        beyond ±131 m, counts beyond 24 bits, an id beyond one byte).
    """
    if not 0 <= packet.camera_id <= 0xFF:
        raise ValueError(f"FreeD camera id {packet.camera_id} is not in 0..255")
    if not 0 <= packet.spare <= 0xFFFF:
        raise ValueError(f"FreeD spare {packet.spare} is not in 0..65535")
    body = b"".join((
        bytes((_D1, packet.camera_id)),
        _signed(packet.pan, _ANGLE_SCALE, "pan"),
        _signed(packet.tilt, _ANGLE_SCALE, "tilt"),
        _signed(packet.roll, _ANGLE_SCALE, "roll"),
        _signed(packet.x, _LENGTH_SCALE, "x"),
        _signed(packet.y, _LENGTH_SCALE, "y"),
        _signed(packet.z, _LENGTH_SCALE, "z"),
        _unsigned(packet.zoom, "zoom"),
        _unsigned(packet.focus, "focus"),
        packet.spare.to_bytes(2, "big"),
    ))
    return body + bytes((freed_checksum(body),))


def decode_freed(data: bytes) -> FreeDPacket:
    """Decode one D1 datagram.

    Parameters
    ----------
    data : bytes-like
        The datagram.

    Returns
    -------
    FreeDPacket

    Raises
    ------
    ProtocolError
        Kind ``"unsupported"`` for another FreeD message type (0xD0–0xDF),
        ``"invalid"`` for anything else that is not a 29-byte D1 message,
        ``"checksum"`` when byte 28 does not match.
    """
    data = bytes(data)
    if not data:
        raise ProtocolError("FreeD: empty datagram (expected a 29-byte D1 message)", "invalid")
    kind = data[0]
    if kind != _D1:
        if 0xD0 <= kind <= 0xDF:
            raise ProtocolError(
                f"FreeD byte 0: message type 0x{kind:02X} is not used "
                f"(expected 0xD1, camera position/orientation)",
                "unsupported",
            )
        raise ProtocolError(
            f"FreeD byte 0: 0x{kind:02X} is not a FreeD message type (expected 0xD1)", "invalid"
        )
    if len(data) != FREED_SIZE:
        raise ProtocolError(
            f"FreeD D1: datagram is {len(data)} bytes (expected {FREED_SIZE})", "invalid"
        )
    expected = freed_checksum(data)
    if data[28] != expected:
        raise ProtocolError(
            f"FreeD D1 byte 28: checksum 0x{data[28]:02X} does not match the "
            f"message (expected 0x{expected:02X})",
            "checksum",
        )
    s = [int.from_bytes(data[i : i + 3], "big", signed=True) for i in range(2, 20, 3)]
    return FreeDPacket(
        camera_id=data[1],
        pan=s[0] / _ANGLE_SCALE,
        tilt=s[1] / _ANGLE_SCALE,
        roll=s[2] / _ANGLE_SCALE,
        x=s[3] / _LENGTH_SCALE,
        y=s[4] / _LENGTH_SCALE,
        z=s[5] / _LENGTH_SCALE,
        zoom=int.from_bytes(data[20:23], "big"),
        focus=int.from_bytes(data[23:26], "big"),
        spare=int.from_bytes(data[26:28], "big"),
    )


def freed_reading(packet: FreeDPacket) -> Reading:
    """Return what a D1 message says, in stage conventions.

    Position in metres (FreeD X, Y, Z as stage x, y, z); orientation from
    previz pan = −FreeD pan, tilt and roll as sent; zoom and focus counts in
    ``zoom_raw`` and ``focus_raw``. FreeD carries no sequence number or time.
    """
    return Reading(
        position=(packet.x / 1000.0, packet.y / 1000.0, packet.z / 1000.0),
        orientation=quat_from_pan_tilt_roll(-packet.pan, packet.tilt, packet.roll),
        zoom_raw=float(packet.zoom),
        focus_raw=float(packet.focus),
    )


def freed_packet(
    position_m: Sequence[float],
    orientation_xyzw: Sequence[float],
    zoom: int,
    focus: int,
    camera_id: int = 1,
) -> FreeDPacket:
    """Return the D1 packet for a stage pose (the inverse of :func:`freed_reading`).

    Parameters
    ----------
    position_m : sequence of 3 float
        Stage position in metres.
    orientation_xyzw : sequence of 4 float
        Camera→stage quaternion.
    zoom, focus : int
        Raw encoder counts to send.
    camera_id : int
        0–255.
    """
    pan, tilt, roll = pan_tilt_roll_from_quat(orientation_xyzw)
    x, y, z = position_m
    return FreeDPacket(
        camera_id=camera_id,
        pan=-pan + 0.0,  # + 0.0 turns -0.0 into 0.0
        tilt=tilt,
        roll=roll,
        x=x * 1000.0,
        y=y * 1000.0,
        z=z * 1000.0,
        zoom=zoom,
        focus=focus,
    )
