"""BVH (Biovision hierarchy) motion capture: reader and writer.

A conventionally written hierarchy is read in one pass over its words; anything
else (odd spellings, or a mistake) is read again token by token with line numbers,
so every complaint names its line. The motion block, which is nearly all of a
file, is parsed in one call to numpy's C text reader straight from the file; only
when that fails (or the numbers are not finite) is the block walked line by line,
to say exactly where and why.

Accepted: tabs or spaces, LF/CRLF/CR/mixed line ends, a UTF-8 byte-order mark,
``.0083333``-style numbers, ``-0.0000``, scientific notation, trailing whitespace,
any rotation order, position channels on any joint, several roots, names with
spaces or colons, ``Frames: 0``.

The file is Y-up; its length unit is not stated, so it is taken from the caller or
guessed from the skeleton's height (see :func:`previz.core.stage.guess_length_unit`).
"""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import IO

import numpy as np
from numpy.typing import NDArray

from previz.core.skeleton import CHANNEL_NAMES, EndSite, Joint, Skeleton
from previz.core.stage import LENGTH_UNITS, guess_length_unit
from previz.core.take import Placement, Take, skeleton_height
from previz.core.time import rate_from_frame_time
from previz.errors import BVHError, InputError
from previz.io.files import atomic_output, open_input

__all__ = ["read_bvh", "write_bvh"]

# Channel names as spelled in files (exact first, then any capitalisation).
_CHANNEL_LOOKUP = {name: name for name in CHANNEL_NAMES} | {
    name.lower(): name for name in CHANNEL_NAMES
}
# The hierarchy is read in growing chunks up to this size; beyond it a file is not BVH.
_HEADER_LIMIT = 1 << 24
_HIERARCHY_KEYWORDS = frozenset({"ROOT", "JOINT", "OFFSET", "CHANNELS", "END", "}", "{", "MOTION"})
# Words that end a multi-word joint name (the '{' is missing), spelled as files do.
_NAME_STOPPERS = frozenset({"ROOT", "JOINT", "OFFSET", "CHANNELS", "End", "MOTION"})
_MAX_NAME_WORDS = 16
_WRITE_BLOCK_ROWS = 4096
_UTF8_BOM = b"\xef\xbb\xbf"
# What follows 'Frames: 0' is read in pieces this big (small enough not to need mmap).
_TRAILING_CHUNK = 1 << 16


def _find_motion_line(data: bytes) -> tuple[int, int] | None:
    """Return the byte span of the line that is just ``MOTION`` (any case)."""
    for text in (data, data.upper()):  # the exact spelling first: no copy needed
        position = text.find(b"MOTION")
        while position >= 0:
            start = text.rfind(b"\n", 0, position) + 1
            end = text.find(b"\n", position)
            end = len(text) if end < 0 else end
            if text[start:end].strip() == b"MOTION":
                return start, end
            position = text.find(b"MOTION", end)
    return None


def _has_lines_after(data: bytes, position: int, count: int) -> bool:
    """Whether ``count`` complete non-blank lines follow ``position``."""
    while count:
        end = data.find(b"\n", position)
        if end < 0:
            return False
        if data[position:end].strip():
            count -= 1
        position = end + 1
    return True


def _read_header_bytes(handle: IO[bytes]) -> tuple[bytes, tuple[int, int] | None]:
    """Read from the start of the file through the two lines after MOTION (or EOF).

    Returns the bytes read and the span of the MOTION line in them (None when
    the file has no MOTION line).
    """
    buffer = b""
    chunk = 1 << 15
    motion = None
    while len(buffer) < _HEADER_LIMIT:
        more = handle.read(chunk)
        if not more:
            break
        buffer += more
        motion = _find_motion_line(buffer)
        if motion is not None and _has_lines_after(buffer, motion[1] + 1, 2):
            break
        chunk *= 2
    return buffer, motion


Message = Callable[[], str]


class _Tokens:
    """The hierarchy's tokens, with line numbers worked out only for messages.

    Messages are passed as callables so the happy path never formats them.
    """

    def __init__(self, text: str, path: str, motion_line: int | None = None) -> None:
        self.text = text
        self.items = text.split()
        self.pos = 0
        self.path = path
        self.motion_line = motion_line

    def end_error(self, expected: str) -> BVHError:
        """The tokens ran out: at the MOTION line, or at the file's last line."""
        if self.motion_line is not None:
            return BVHError(f"expected {expected}, found MOTION", self.path, self.motion_line)
        last = self.line_of(len(self.items) - 1) if self.items else 1
        return BVHError(f"expected {expected}, found the end of the file", self.path, last)

    def line_of(self, index: int) -> int:
        seen = 0
        for number, line in enumerate(self.text.split("\n"), start=1):
            seen += len(line.split())
            if seen > index:
                return number
        return 1 + self.text.count("\n")

    def error(self, message: str, index: int | None = None) -> BVHError:
        where = self.pos - 1 if index is None else index
        return BVHError(message, self.path, self.line_of(max(where, 0)))

    def take(self, count: int, expected: Message) -> list[str]:
        end = self.pos + count
        if end > len(self.items):
            raise self.end_error(expected())
        chunk = self.items[self.pos : end]
        self.pos = end
        return chunk

    def next(self, expected: Message) -> str:
        return self.take(1, expected)[0]

    def expect(self, literal: str, context: Message) -> None:
        token = self.next(lambda: f"'{literal}' {context()}")
        if token.upper() != literal.upper():
            raise self.error(f"expected '{literal}' {context()}, found {token[:40]!r}")

    def numbers(self, count: int, what: Message) -> tuple[float, ...]:
        words = self.take(count, lambda: f"{count} numbers for {what()}")
        try:
            values = tuple(map(float, words))
            if all(map(math.isfinite, values)):
                return values
        except ValueError:
            pass
        for k, word in enumerate(words):
            try:
                bad = not math.isfinite(float(word))
            except ValueError:
                bad = True
            if bad:
                raise self.error(
                    f"expected a finite number for {what()}, found {word[:40]!r}",
                    self.pos - count + k,
                )
        raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _JointDraft:
    name: str
    parent: int
    token: int
    offset: tuple[float, ...] | None = None
    channels: tuple[str, ...] | None = None


@dataclass
class _Hierarchy:
    joints: list[_JointDraft] = field(default_factory=list)
    end_sites: list[EndSite] = field(default_factory=list)
    end_site_slots: list[int] = field(default_factory=list)

    def skeleton(self) -> Skeleton:
        joints = tuple(
            Joint(d.name, d.parent, d.offset or (0.0, 0.0, 0.0), d.channels or ())  # type: ignore[arg-type]
            for d in self.joints
        )
        return Skeleton(joints, tuple(self.end_sites), tuple(self.end_site_slots))


def _read_channels(tokens: _Tokens, joint: _JointDraft) -> None:
    if joint.channels is not None:
        raise tokens.error(f"joint {joint.name!r} has a second CHANNELS line")
    count_index = tokens.pos
    count = tokens.next(lambda: f"the channel count of {joint.name!r}")
    if not count.isdigit() or int(count) > len(CHANNEL_NAMES):
        raise tokens.error(
            f"expected a channel count from 0 to {len(CHANNEL_NAMES)} after CHANNELS, "
            f"found {count[:40]!r}"
        )
    words = tokens.take(int(count), lambda: f"{count} channel names for {joint.name!r}")
    names = tuple(map(_CHANNEL_LOOKUP.get, words))
    if None in names:
        names = tuple(_CHANNEL_LOOKUP.get(word.lower()) for word in words)
    if None not in names and len(set(names)) == len(names):
        joint.channels = names  # type: ignore[assignment]
        return
    for k, (word, name) in enumerate(zip(words, names, strict=True)):
        index = tokens.pos - len(words) + k
        if name is None and word.upper() in _HIERARCHY_KEYWORDS:
            raise tokens.error(
                f"CHANNELS of joint {joint.name!r} lists fewer names than its count {count}",
                count_index,
            )
        if name is None:
            raise tokens.error(
                f"unknown channel {word[:40]!r} for joint {joint.name!r}; "
                f"expected one of {', '.join(CHANNEL_NAMES)}",
                index,
            )
        if name in names[:k]:
            raise tokens.error(f"channel {name} appears twice for joint {joint.name!r}", index)


def _read_end_site(tokens: _Tokens, hierarchy: _Hierarchy, parent: int) -> None:
    def owner() -> str:
        return f"the End Site of {hierarchy.joints[parent].name!r}"

    tokens.expect("Site", lambda: "after 'End'")
    tokens.expect("{", lambda: f"to open {owner()}")
    tokens.expect("OFFSET", lambda: f"in {owner()}")
    offset = tokens.numbers(3, lambda: f"the OFFSET of {owner()}")
    tokens.expect("}", lambda: f"to close {owner()} (End Sites hold only an OFFSET)")
    hierarchy.end_sites.append(EndSite(parent, offset))  # type: ignore[arg-type]
    hierarchy.end_site_slots.append(len(hierarchy.joints))


def _open_joint(tokens: _Tokens, hierarchy: _Hierarchy, keyword: str, stack: list[int]) -> None:
    start = tokens.pos - 1
    if keyword == "ROOT" and stack:
        open_joint = hierarchy.joints[stack[-1]]
        raise tokens.error(
            f"ROOT inside joint {open_joint.name!r} (opened at line "
            f"{tokens.line_of(open_joint.token)}); a '}}' is missing"
        )
    if keyword == "JOINT" and not stack:
        raise tokens.error("JOINT outside any ROOT block; expected ROOT or MOTION")
    # The name is every word up to '{'. Its first word may be anything but a brace
    # (joints called "Root" or "End" exist); a later keyword means '{' is missing.
    words: list[str] = []
    while True:
        word = tokens.next(lambda: f"a joint name and '{{' after {keyword}")
        if word == "{":
            break
        if word == "}" or (words and word in _NAME_STOPPERS) or len(words) == _MAX_NAME_WORDS:
            if not words:
                raise tokens.error(f"expected a joint name after {keyword}, found {word!r}")
            shown = " ".join(words)[:40]
            raise tokens.error(f"expected '{{' to open joint {shown!r}, found {word[:40]!r}")
        words.append(word)
    if not words:
        raise tokens.error(f"expected a joint name after {keyword}", start)
    name = " ".join(words)
    if any(joint.name == name for joint in hierarchy.joints):
        raise tokens.error(f"joint name {name!r} is used twice", start)
    hierarchy.joints.append(_JointDraft(name, stack[-1] if stack else -1, start))
    stack.append(len(hierarchy.joints) - 1)


def _close_joint(tokens: _Tokens, hierarchy: _Hierarchy, stack: list[int]) -> None:
    if not stack:
        raise tokens.error("unbalanced braces: this '}' closes no joint")
    joint = hierarchy.joints[stack.pop()]
    if joint.offset is None:
        raise tokens.error(
            f"joint {joint.name!r} (line {tokens.line_of(joint.token)}) has no OFFSET"
        )


_EXPECTED_IN_HIERARCHY = "ROOT, JOINT, End Site, OFFSET, CHANNELS, '}' or MOTION"


def _read_hierarchy(tokens: _Tokens, motion_line: int | None) -> _Hierarchy:
    first = tokens.next(lambda: "'HIERARCHY'")
    if first.upper() != "HIERARCHY":
        raise tokens.error(
            f"expected 'HIERARCHY' at the start of a BVH file, found {first[:40]!r}"
        )
    hierarchy = _Hierarchy()
    stack: list[int] = []
    items = tokens.items
    while tokens.pos < len(items):
        token = items[tokens.pos]
        tokens.pos += 1
        keyword = token.upper()
        if keyword in ("ROOT", "JOINT"):
            _open_joint(tokens, hierarchy, keyword, stack)
        elif keyword == "OFFSET" and stack:
            joint = hierarchy.joints[stack[-1]]
            if joint.offset is not None:
                raise tokens.error(f"joint {joint.name!r} has a second OFFSET")
            name = joint.name
            joint.offset = tokens.numbers(3, lambda name=name: f"the OFFSET of joint {name!r}")
        elif keyword == "CHANNELS" and stack:
            _read_channels(tokens, hierarchy.joints[stack[-1]])
        elif keyword == "END" and stack:
            _read_end_site(tokens, hierarchy, stack[-1])
        elif token == "}":
            _close_joint(tokens, hierarchy, stack)
        else:
            raise tokens.error(f"expected {_EXPECTED_IN_HIERARCHY}, found {token[:40]!r}")
    if motion_line is None:
        raise tokens.end_error(_EXPECTED_IN_HIERARCHY)
    if stack:
        joint = hierarchy.joints[stack[-1]]
        raise BVHError(
            f"unbalanced braces: joint {joint.name!r} opened at line "
            f"{tokens.line_of(joint.token)} is not closed before MOTION",
            tokens.path,
            motion_line,
        )
    if not hierarchy.joints:
        raise BVHError("MOTION before any ROOT; the file has no skeleton", tokens.path, motion_line)
    return hierarchy


# Channel layouts are looked up by their words as bytes, spelled exactly.
_CHANNEL_BYTES = {name.encode(): name for name in CHANNEL_NAMES}


def _triples(values: list[float]) -> Iterator[tuple[float, float, float]]:
    """``x, y, z`` tuples from a flat list of coordinates."""
    coordinates = iter(values)
    return zip(coordinates, coordinates, coordinates, strict=True)


def _read_plain_hierarchy(data: bytes) -> Skeleton | None:
    """Read a conventionally written, valid hierarchy in one pass over its words.

    ``data`` is the file's bytes before the MOTION line. Conventional means
    keywords in capitals, one-word UTF-8 joint names followed by ``{``, channel
    names spelled exactly. Returns None at the first thing it does not
    recognise; the token reader then reads the file again and reports exactly
    what is wrong, or accepts the unconventional spelling. Both readers build
    the same skeleton from a file this one accepts.

    The loop only checks the structure and collects words; numbers are converted
    and joints built afterwards, a column at a time.
    """
    words = data.split()
    if not words or words[0] != b"HIERARCHY":
        return None
    names: list[bytes] = []
    parents: list[int] = []
    layouts: list[tuple[str, ...]] = []
    joint_numbers: list[bytes] = []  # three OFFSET words per joint
    site_parents: list[int] = []
    site_slots: list[int] = []
    site_numbers: list[bytes] = []
    stack: list[int] = []
    known_layouts: dict[tuple[bytes, ...], tuple[str, ...]] = {}
    index, count = 1, len(words)
    try:
        while index < count:
            word = words[index]
            if word == b"}":
                stack.pop()  # IndexError: a brace that closes nothing
                index += 1
            elif word == b"JOINT" or word == b"ROOT":
                # JOINT name { OFFSET x y z CHANNELS n c1 .. cn
                name, brace, offset, x, y, z, keyword, channel_count = words[index + 1 : index + 9]
                if (word == b"ROOT") == bool(stack) or brace != b"{" or offset != b"OFFSET" \
                        or keyword != b"CHANNELS" or not channel_count.isdigit():
                    return None  # (isdigit: ASCII digits only, as the token reader wants)
                first = index + 9
                index = first + int(channel_count)
                channels = tuple(words[first:index])
                layout = known_layouts.get(channels)
                if layout is None:
                    layout = tuple(map(_CHANNEL_BYTES.get, channels))  # type: ignore[arg-type]
                    if not 0 <= index - first <= 6 or len(layout) != index - first \
                            or None in layout or len(set(layout)) != len(layout):
                        return None
                    known_layouts[channels] = layout
                parents.append(stack[-1] if stack else -1)
                stack.append(len(names))
                names.append(name)
                layouts.append(layout)
                joint_numbers += (x, y, z)
            elif word == b"End":
                # End Site { OFFSET x y z }
                site, brace, offset, x, y, z, close = words[index + 1 : index + 8]
                if site != b"Site" or brace != b"{" or offset != b"OFFSET" or close != b"}":
                    return None
                site_parents.append(stack[-1])
                site_slots.append(len(names))
                site_numbers += (x, y, z)
                index += 8
            else:
                return None
        if stack or not names:
            return None
        joint_values = list(map(float, joint_numbers))
        site_values = list(map(float, site_numbers))
        # One check for every offset: a NaN or an infinity anywhere makes the sum
        # non-finite (so does an overflow, which the token reader then sorts out).
        if not math.isfinite(sum(joint_values) + sum(site_values)):
            return None
        # Joint and EndSite are named tuples: each is made straight from the tuple
        # of its fields, as their _make does, without a Python call per joint.
        joint_fields = zip(
            map(bytes.decode, names), parents, _triples(joint_values), layouts, strict=True
        )
        site_fields = zip(site_parents, _triples(site_values), strict=True)
        joints = map(tuple.__new__, repeat(Joint), joint_fields)
        sites = map(tuple.__new__, repeat(EndSite), site_fields)
        return Skeleton(tuple(joints), tuple(sites), tuple(site_slots))
    except (ValueError, IndexError):  # for the token reader to explain
        return None  # (a name that is not UTF-8 raises UnicodeDecodeError, a ValueError)


def _decode(data: bytes) -> str:
    data = data.removeprefix(_UTF8_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


@dataclass(frozen=True)
class _MotionHeader:
    frames: int
    frame_time: float
    offset: int  # byte offset of the first motion line


def _header_value(line: bytes, key: tuple[bytes, ...]) -> bytes | None:
    """The value of a ``Key: value`` line whose key has the words ``key`` (any case).

    The words may be written apart or together (``Frame Time``, ``FrameTime``),
    the value is one word or nothing; None when the line is not of that form.
    """
    words, colon, value = line.partition(b":")
    if not colon or words.lower().split() not in (list(key), [b"".join(key)]):
        return None
    value = value.strip()
    return None if len(value.split()) > 1 else value


def _read_motion_header(header: bytes, motion_end: int, path: str) -> _MotionHeader:
    """Parse the ``Frames:`` and ``Frame Time:`` lines that follow MOTION."""
    position = motion_end + 1  # past the MOTION line's newline
    lines_read = 0  # since MOTION; line numbers are counted only for a message

    def error(message: str) -> BVHError:
        return BVHError(message, path, header.count(b"\n", 0, motion_end) + 1 + lines_read)

    def next_line(expected: str) -> bytes:
        nonlocal position, lines_read
        while position < len(header):
            end = header.find(b"\n", position)
            end = len(header) if end < 0 else end
            line = header[position:end].strip()
            position = end + 1
            lines_read += 1
            if line:
                return line
        raise error(f"expected {expected}, found the end of the file")

    line = next_line("'Frames: <count>' after MOTION")
    count = _header_value(line, (b"frames",))
    if count is None:
        raise error(f"expected 'Frames: <count>' after MOTION, found {_decode(line)[:40]!r}")
    if not count.isdigit():  # ASCII digits only
        raise error(
            f"expected a whole number of frames after 'Frames:', found {_decode(count)[:40]!r}"
        )
    line = next_line("'Frame Time: <seconds>' after 'Frames:'")
    seconds = _header_value(line, (b"frame", b"time"))
    if seconds is None:
        raise error(
            f"expected 'Frame Time: <seconds>' after 'Frames:', found {_decode(line)[:40]!r}"
        )
    try:
        frame_time = float(seconds) if seconds.isascii() else math.nan
    except ValueError:
        frame_time = math.nan
    if not (math.isfinite(frame_time) and frame_time > 0):
        raise error(
            f"expected a positive number of seconds after 'Frame Time:', "
            f"found {_decode(seconds)[:40]!r}"
        )
    return _MotionHeader(int(count), frame_time, min(position, len(header)))


def _motion_problem(
    handle: IO[bytes], start_line: int, frames: int, labels: tuple[str, ...]
) -> tuple[str, int]:
    """Walk the motion block line by line and describe its first problem."""
    columns = len(labels)
    found = 0
    line_number = start_line - 1
    last_data_line = start_line - 1
    for raw in handle:
        line_number += 1
        values = raw.split()
        if not values:
            continue
        last_data_line = line_number
        if found == frames:
            return (
                f"motion data continues after the {frames} frames 'Frames:' declares",
                line_number,
            )
        if len(values) != columns:
            ending = "" if raw.endswith(b"\n") else " (the file ends mid-line: truncated?)"
            return (
                f"expected {columns} values on the motion line of frame {found} "
                f"(one per channel), found {len(values)}{ending}",
                line_number,
            )
        for column, text in enumerate(values):
            try:
                if b"_" in text:  # Python's float() allows "1_0"; numpy does not
                    raise ValueError(text)
                value = float(text)
            except ValueError:
                shown = text.decode("latin-1")[:20]
                return (
                    f"value {shown!r} for channel {labels[column]} (frame {found}) is not a number",
                    line_number,
                )
            if not np.isfinite(value):
                return (
                    f"value {value} for channel {labels[column]} (frame {found}) is not finite",
                    line_number,
                )
        found += 1
    if found < frames:
        return (
            f"truncated motion: 'Frames:' declares {frames} frames but the file holds {found}",
            last_data_line,
        )
    return ("motion data could not be read", start_line)


def _read_motion(
    handle: IO[bytes], header: _MotionHeader, skeleton: Skeleton, path: str
) -> NDArray[np.float64]:
    columns = skeleton.channel_count

    def fail() -> BVHError:
        handle.seek(0)
        first_line = handle.read(header.offset).count(b"\n") + 1
        message, line = _motion_problem(
            handle, first_line, header.frames, skeleton.channel_labels
        )
        return BVHError(message, path, line)

    handle.seek(header.offset)
    if header.frames == 0 or columns == 0:
        if header.frames == 0:
            while rest := handle.read(_TRAILING_CHUNK):  # anything but blank lines is an error
                if rest.strip():
                    raise fail()
        return np.zeros((header.frames, columns))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "input contained no data"
            values = np.loadtxt(
                handle, dtype=np.float64, comments=None, ndmin=2, encoding="bytes"
            )
    except ValueError:
        raise fail() from None
    if values.shape != (header.frames, columns) or not np.isfinite(values).all():
        raise fail()
    return values


def _parse(handle: IO[bytes], path: str) -> tuple[Skeleton, NDArray[np.float64], float]:
    data, motion = _read_header_bytes(handle)
    if not data.strip():
        raise BVHError("the file is empty; expected a BVH file starting with HIERARCHY", path)
    if b"\r" in data and b"\n" not in data:  # classic Mac OS line ends: CR alone
        handle = io.BytesIO((data + handle.read()).replace(b"\r", b"\n"))
        data, motion = _read_header_bytes(handle)
    hierarchy_bytes = data if motion is None else data[: motion[0]]
    skeleton = None if motion is None else _read_plain_hierarchy(
        hierarchy_bytes.removeprefix(_UTF8_BOM)
    )
    if skeleton is None:
        text = _decode(hierarchy_bytes)
        motion_line = None if motion is None else data.count(b"\n", 0, motion[0]) + 1
        hierarchy = _read_hierarchy(_Tokens(text, path, motion_line), motion_line)
        try:
            skeleton = hierarchy.skeleton()
        except ValueError as error:
            raise BVHError(str(error), path) from None
    assert motion is not None  # _read_hierarchy raised otherwise
    header = _read_motion_header(data, motion[1], path)
    channels = _read_motion(handle, header, skeleton, path)
    return skeleton, channels, header.frame_time


def read_bvh(
    path: str | os.PathLike[str],
    *,
    units: str | None = None,
    scale: float | None = None,
    name: str | None = None,
) -> Take:
    """Read a BVH file into a :class:`~previz.core.take.Take`.

    Parameters
    ----------
    path : str or path-like
        The BVH file.
    units : str or None, keyword-only
        The file's length unit (``"cm"``, ``"in"``, ``"m"``, … see
        :data:`previz.core.stage.LENGTH_UNITS`); guessed from the skeleton's height
        when neither ``units`` nor ``scale`` is given.
    scale : float or None, keyword-only
        Metres per file unit; overrides the unit's own scale.
    name : str or None, keyword-only
        Label for the take (default: the file's stem).

    Returns
    -------
    Take
        Channels as in the file, rate recovered from ``Frame Time``, placement Y-up
        at the chosen scale.

    Raises
    ------
    BVHError
        Naming the file, the line and what was expected.
    """
    text_path = os.fspath(path)
    if units is not None and units not in LENGTH_UNITS:
        raise InputError(f"unknown length unit {units!r}; valid: {', '.join(LENGTH_UNITS)}")
    if scale is not None and not (np.isfinite(scale) and scale > 0):
        raise InputError(f"scale must be a positive number of metres per unit, got {scale!r}")
    with open_input(path, "BVH file") as handle:
        skeleton, channels, frame_time = _parse(handle, text_path)
    if units is None and scale is None:
        guess = guess_length_unit(skeleton_height(skeleton, channels, up_axis=1))
        units, scale = guess.unit or "unknown", guess.scale
    elif scale is None:
        scale = LENGTH_UNITS[units]  # type: ignore[index]
    elif units is None:
        units = next((u for u, m in LENGTH_UNITS.items() if math.isclose(m, scale)), None)
    return Take(
        skeleton=skeleton,
        channels=channels,
        rate=rate_from_frame_time(frame_time),
        units=units or "unknown",
        placement=Placement(scale=float(scale), up_axis="y"),
        name=name if name is not None else os.path.splitext(os.path.basename(text_path))[0],
        source=text_path,
    )


def _format_number(value: float, precision: int) -> str:
    return f"{value:.{precision}f}"


def _hierarchy_lines(skeleton: Skeleton, precision: int) -> list[str]:
    lines = ["HIERARCHY"]
    stack: list[int] = []

    def close_to(parent: int) -> None:
        while stack and stack[-1] != parent:
            stack.pop()
            lines.append("\t" * len(stack) + "}")

    def offset_line(indent: str, offset: tuple[float, float, float]) -> str:
        return f"{indent}OFFSET " + " ".join(_format_number(v, precision) for v in offset)

    def end_sites_at(slot: int) -> None:
        for site, site_slot in zip(skeleton.end_sites, skeleton.end_site_slots or (), strict=True):
            if site_slot != slot:
                continue
            close_to(site.parent)
            indent = "\t" * len(stack)
            lines.extend(
                [f"{indent}End Site", f"{indent}{{", offset_line(indent + "\t", site.offset),
                 f"{indent}}}"]
            )

    for index, joint in enumerate(skeleton.joints):
        end_sites_at(index)
        close_to(joint.parent)
        indent = "\t" * len(stack)
        keyword = "ROOT" if joint.parent < 0 else "JOINT"
        lines.extend([f"{indent}{keyword} {joint.name}", f"{indent}{{"])
        lines.append(offset_line(indent + "\t", joint.offset))
        if joint.channels:
            lines.append(f"{indent}\tCHANNELS {len(joint.channels)} {' '.join(joint.channels)}")
        stack.append(index)
    end_sites_at(len(skeleton.joints))
    close_to(-1)
    return lines


def write_bvh(
    take: Take,
    path: str | os.PathLike[str],
    *,
    precision: int = 6,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write a take as a BVH file (tabs, LF line ends, fixed-point numbers).

    The joints, end sites and channel order are written as the take holds them,
    so reading the file back gives the same skeleton and, to ``precision``
    decimals, the same channels.

    Parameters
    ----------
    take : Take
        The take.
    path : str or path-like
        Output file; written under a temporary name and moved into place.
    precision : int, keyword-only
        Decimals for offsets and channel values.
    progress : callable, keyword-only
        Called after each block with the number of frames it held (the calls add
        up to the frame count), e.g. a progress bar's ``update``.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    lines = _hierarchy_lines(take.skeleton, precision)
    lines += ["MOTION", f"Frames: {take.frame_count}", f"Frame Time: {take.frame_time:.10g}"]
    row_format = " ".join([f"%.{precision}f"] * take.skeleton.channel_count) + "\n"
    with atomic_output(path) as stream:
        stream.write("\n".join(lines) + "\n")
        channels = take.channels
        for start in range(0, take.frame_count, _WRITE_BLOCK_ROWS):
            block = channels[start : start + _WRITE_BLOCK_ROWS].tolist()
            stream.write("".join([row_format % tuple(row) for row in block]))
            if progress is not None:
                progress(len(block))
    return Path(path)
