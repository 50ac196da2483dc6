"""The BVH reader accepts the quirks real files have, and reads them right.

Every test builds a small BVH text, reads it and checks the skeleton, the channel
values, the rate and at least one world position worked out by hand (BVH is Y up;
rotation channels are intrinsic, applied in listed order, ``R = R1 @ R2 @ R3``;
position channels replace the matching offset components).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_BVH, shared_bvh_files

import previz
from previz.core.skeleton import EndSite
from previz.errors import BVHError, InputError
from previz.io.bvh import read_bvh

POS = ("Xposition", "Yposition", "Zposition")
ZXY = ("Zrotation", "Xrotation", "Yrotation")


# --------------------------------------------------------------------- BVH text builder
@dataclass(frozen=True)
class End:
    """An End Site with its offset."""

    offset: tuple[float, float, float]


@dataclass(frozen=True)
class Node:
    """A ROOT or JOINT: name, offset, channels (None: no CHANNELS line), children."""

    name: str
    offset: tuple[float, float, float]
    channels: tuple[str, ...] | None = ZXY
    children: tuple[Node | End, ...] = ()


def _number(value: float | str) -> str:
    return value if isinstance(value, str) else repr(float(value))


def _node_lines(node: Node, depth: int, indent: str, keyword: str) -> list[str]:
    pad = indent * depth
    inner = pad + indent
    lines = [
        f"{pad}{keyword} {node.name}",
        f"{pad}{{",
        f"{inner}OFFSET " + " ".join(map(_number, node.offset)),
    ]
    if node.channels is not None:
        names = "".join(f" {c}" for c in node.channels)
        lines.append(f"{inner}CHANNELS {len(node.channels)}{names}")
    for child in node.children:
        if isinstance(child, End):
            lines += [
                f"{inner}End Site",
                f"{inner}{{",
                f"{inner}{indent}OFFSET " + " ".join(map(_number, child.offset)),
                f"{inner}}}",
            ]
        else:
            lines += _node_lines(child, depth + 1, indent, "JOINT")
    lines.append(f"{pad}}}")
    return lines


def bvh_text(
    roots: Node | list[Node],
    rows: list,
    *,
    frame_time: str = "0.0333333",
    frames: int | None = None,
    indent: str = "\t",
    eol: str = "\n",
) -> str:
    """A BVH file: the hierarchy of ``roots`` and one motion line per row.

    A row is a sequence of numbers or a ready-made string.
    """
    lines = ["HIERARCHY"]
    for root in [roots] if isinstance(roots, Node) else roots:
        lines += _node_lines(root, 0, indent, "ROOT")
    lines += [
        "MOTION",
        f"Frames: {len(rows) if frames is None else frames}",
        f"Frame Time: {frame_time}",
    ]
    lines += [row if isinstance(row, str) else " ".join(map(_number, row)) for row in rows]
    return eol.join(lines) + eol


def rotation(axis: str, degrees: float) -> np.ndarray:
    """Rotation matrix about one axis (column vectors)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    if axis == "X":
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == "Y":
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


# ------------------------------------------------------------------- the simple skeleton
# Hips (6 channels, position first) -> Chest (3 rotation channels) -> End Site.
SIMPLE = Node(
    "Hips",
    (0.0, 0.0, 0.0),
    POS + ZXY,
    (Node("Chest", (0.0, 10.0, 0.0), ZXY, (End((0.0, 5.0, 0.0)),)),),
)
# Frame 0 stands still at (1, 2, 3); frame 1 turns Hips 90° about Z.
SIMPLE_ROWS = [
    [1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [1.0, 2.0, 3.0, 90.0, 0.0, 0.0, 0.0, 0.0, 0.0],
]


def check_simple(take, frames: int = 2) -> None:
    """The skeleton, channels and positions of ``SIMPLE`` with ``SIMPLE_ROWS``."""
    skeleton = take.skeleton
    assert skeleton.names == ("Hips", "Chest")
    assert [j.parent for j in skeleton.joints] == [-1, 0]
    assert [j.offset for j in skeleton.joints] == [(0.0, 0.0, 0.0), (0.0, 10.0, 0.0)]
    assert skeleton.joints[0].channels == POS + ZXY
    assert skeleton.joints[1].channels == ZXY
    assert skeleton.end_sites == (EndSite(1, (0.0, 5.0, 0.0)),)
    assert skeleton.end_site_slots == (2,)
    assert take.channels.shape == (frames, 9)
    np.testing.assert_array_equal(take.channels, np.array(SIMPLE_ROWS[:frames]))
    assert take.rate == Fraction(30)
    positions = take.world_positions(raw=True)
    assert positions.shape == (frames, 2, 3)
    np.testing.assert_allclose(positions[0], [[1, 2, 3], [1, 12, 3]], atol=1e-12)
    if frames > 1:
        # Rz(90) takes the chest offset (0, 10, 0) to (-10, 0, 0).
        np.testing.assert_allclose(positions[1], [[1, 2, 3], [-9, 2, 3]], atol=1e-12)


def test_builder_gives_the_plain_file(bvh_file):
    take = read_bvh(bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS)))
    check_simple(take)
    kinematics = take.forward_kinematics(raw=True)
    # The end site hangs 5 above the chest, turned by the hips in frame 1.
    np.testing.assert_allclose(
        kinematics.end_positions[:, 0], [[1, 17, 3], [-14, 2, 3]], atol=1e-12
    )


# -------------------------------------------------------------------------- whitespace
@pytest.mark.parametrize(
    "indent", ["\t", "  ", "    ", " \t"], ids=["tabs", "2-spaces", "4-spaces", "space-tab"]
)
def test_indentation_tabs_or_spaces(bvh_file, indent):
    check_simple(read_bvh(bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS, indent=indent))))


def test_no_indentation_and_several_spaces_between_words(bvh_file):
    text = bvh_text(SIMPLE, SIMPLE_ROWS, indent="")
    text = text.replace("OFFSET ", "OFFSET \t  ").replace("CHANNELS 6 ", "CHANNELS   6\t")
    text = text.replace("1.0 2.0 3.0", "1.0  \t2.0   3.0")
    check_simple(read_bvh(bvh_file(text)))


def _with_line_ends(text: str, ends: list[str]) -> bytes:
    """Re-join the LF-separated lines of ``text`` with ``ends`` used in turn."""
    lines = text.split("\n")[:-1]
    return "".join(line + ends[k % len(ends)] for k, line in enumerate(lines)).encode()


@pytest.mark.parametrize(
    "ends",
    [["\n"], ["\r\n"], ["\r\n", "\n"], ["\n", "\n", "\r\n"]],
    ids=["LF", "CRLF", "mixed-alternating", "mixed-sparse"],
)
def test_line_endings(bvh_file, ends):
    data = _with_line_ends(bvh_text(SIMPLE, SIMPLE_ROWS), ends)
    path = bvh_file(data)
    assert path.read_bytes() == data  # written byte for byte
    lines = data.count(b"\n")
    assert data.count(b"\r\n") == sum(ends[k % len(ends)] == "\r\n" for k in range(lines))
    check_simple(read_bvh(path))


def test_crlf_only_in_motion_block(bvh_file):
    text = bvh_text(SIMPLE, SIMPLE_ROWS)
    head, motion = text.split("MOTION\n")
    data = (head + "MOTION\n" + motion.replace("\n", "\r\n")).encode()
    check_simple(read_bvh(bvh_file(data)))


def test_utf8_byte_order_mark(bvh_file):
    data = b"\xef\xbb\xbf" + bvh_text(SIMPLE, SIMPLE_ROWS).encode()
    check_simple(read_bvh(bvh_file(data)))


def test_utf8_byte_order_mark_with_crlf(bvh_file):
    data = b"\xef\xbb\xbf" + _with_line_ends(bvh_text(SIMPLE, SIMPLE_ROWS), ["\r\n"])
    check_simple(read_bvh(bvh_file(data)))


def test_trailing_whitespace_on_every_line(bvh_file):
    text = bvh_text(SIMPLE, SIMPLE_ROWS)
    text = "\n".join(line + (" \t " if k % 2 else "  ") for k, line in enumerate(text.split("\n")))
    check_simple(read_bvh(bvh_file(text)))


def test_trailing_whitespace_on_motion_lines(bvh_file):
    trails = [" ", "\t \t"]
    rows = [" ".join(map(_number, row)) + t for row, t in zip(SIMPLE_ROWS, trails, strict=True)]
    check_simple(read_bvh(bvh_file(bvh_text(SIMPLE, rows))))


def test_blank_lines_inside_and_after_motion(bvh_file):
    rows = [
        " ".join(map(_number, SIMPLE_ROWS[0])),
        "",
        "   ",
        " ".join(map(_number, SIMPLE_ROWS[1])),
        "",
        "\t",
    ]
    text = bvh_text(SIMPLE, rows, frames=2) + "\n\n"
    check_simple(read_bvh(bvh_file(text)))


def test_blank_lines_in_hierarchy_and_motion_header(bvh_file):
    text = bvh_text(SIMPLE, SIMPLE_ROWS)
    text = text.replace("{\n", "{\n\n").replace("MOTION\n", "\nMOTION\n\n").replace(
        "Frame Time", "\n  \nFrame Time"
    )
    check_simple(read_bvh(bvh_file(text)))


def test_file_without_final_newline(bvh_file):
    check_simple(read_bvh(bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS).rstrip("\n"))))


# --------------------------------------------------------------------- motion header
@pytest.mark.parametrize(
    ("frame_time", "rate"),
    [
        (".0083333", Fraction(120)),
        ("0.0083333", Fraction(120)),
        ("0.0333333", Fraction(30)),
        ("0.033333", Fraction(30)),
        ("0.04", Fraction(25)),
        ("0.041708", Fraction(24000, 1001)),
        ("0.0416667", Fraction(24)),
        ("0.033367", Fraction(30000, 1001)),
        ("0.01", Fraction(100)),
        ("0.025", Fraction(40)),
        ("1", Fraction(1)),
        ("4E-02", Fraction(25)),
    ],
)
def test_frame_time_gives_exact_rate(bvh_file, frame_time, rate):
    take = read_bvh(bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS, frame_time=frame_time)))
    assert take.rate == rate
    assert isinstance(take.rate, Fraction)
    assert take.duration == 2 / rate


def test_uncommon_frame_time_gives_its_own_rate(bvh_file):
    # 1/0.007 = 142.857…: no standard rate near it, so the exact reciprocal.
    take = read_bvh(bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS, frame_time="0.007")))
    assert take.rate == Fraction(1000, 7)


@pytest.mark.parametrize(
    ("frames_line", "time_line"),
    [
        ("Frames:\t2", "Frame Time:\t0.0333333"),
        ("Frames:2", "Frame Time:0.0333333"),
        ("Frames:   2", "Frame Time:   0.0333333"),
        ("  Frames: 2  ", "\tFrame Time: 0.0333333 \t"),
        ("frames: 2", "frame time: 0.0333333"),
        ("FRAMES : 2", "FRAME TIME : 0.0333333"),
        ("Frames: 2", "FrameTime: 0.0333333"),
        ("Frames: 2\r", "Frame \t Time  :0.0333333\r"),
    ],
    ids=["tab", "no-space", "many-spaces", "padded", "lower-case", "upper-spaced", "one-word",
         "cr-and-gaps"],
)
def test_frames_and_frame_time_spacing(bvh_file, frames_line, time_line):
    text = bvh_text(SIMPLE, SIMPLE_ROWS)
    text = text.replace("Frames: 2", frames_line).replace("Frame Time: 0.0333333", time_line)
    check_simple(read_bvh(bvh_file(text)))


# ---------------------------------------------------------------------- number forms
def test_negative_zero_and_scientific_notation(bvh_file):
    rows = [
        "-0.0000 1.5e-05 -2E+01 3e1 -0.0 +.25 -.75 0.0 1e1",
        "1.0E0 2.000 3 -0 90.0000000000 0e0 0 0 -0.0000",
    ]
    take = read_bvh(bvh_file(bvh_text(SIMPLE, rows)))
    expected = np.array(
        [
            [0.0, 1.5e-05, -20.0, 30.0, 0.0, 0.25, -0.75, 0.0, 10.0],
            [1.0, 2.0, 3.0, 0.0, 90.0, 0.0, 0.0, 0.0, 0.0],
        ]
    )
    np.testing.assert_array_equal(take.channels, expected)
    assert np.signbit(take.channels[0, 0])  # "-0.0000" is read as -0.0
    positions = take.world_positions(raw=True)
    np.testing.assert_allclose(positions[0, 0], [0.0, 1.5e-05, -20.0], atol=1e-15)
    # Frame 0: Hips turned 30° about Z (Y 0.25° leaves the Y-axis offset alone):
    # the chest offset (0, 10, 0) becomes (-5, 5√3, 0).
    np.testing.assert_allclose(
        positions[0, 1], [-5.0, 1.5e-05 + 5 * math.sqrt(3), -20.0], atol=1e-12
    )
    # Frame 1: Hips turned 90° about X, so the chest offset (0, 10, 0) points along +Z.
    np.testing.assert_allclose(positions[1, 1], [1.0, 2.0, 13.0], atol=1e-12)


def test_offsets_in_scientific_and_short_forms(bvh_file):
    chest = Node("Chest", ("2E+00", "-1.5e-1", "0"), ())
    root = Node("Hips", ("-0.0000", ".5", "1e1"), POS, (chest,))
    take = read_bvh(bvh_file(bvh_text(root, [[0, 0, 0]])))
    assert take.skeleton.joints[0].offset == (0.0, 0.5, 10.0)
    assert take.skeleton.joints[1].offset == (2.0, -0.15, 0.0)
    assert take.skeleton.joints[1].channels == ()
    np.testing.assert_allclose(take.world_positions(raw=True)[0, 1], [2.0, -0.15, 0.0])


# ---------------------------------------------------------------------- keywords, names
def test_lower_and_mixed_case_keywords(bvh_file):
    text = (
        "hierarchy\n"
        "root Hips\n"
        "{\n"
        "\toffset 0 0 0\n"
        "\tchannels 6 xposition YPOSITION Zposition zROTATION xrotation Yrotation\n"
        "\tJoint Chest\n"
        "\t{\n"
        "\t\tOffset 0 10 0\n"
        "\t\tChannels 3 ZRotation XROTATION yrotation\n"
        "\t\tEnd site\n"
        "\t\t{\n"
        "\t\t\tOFFSET 0 5 0\n"
        "\t\t}\n"
        "\t}\n"
        "}\n"
        "motion\n"
        "frames: 2\n"
        "frame time: 0.0333333\n"
        "1 2 3 0 0 0 0 0 0\n"
        "1 2 3 90 0 0 0 0 0\n"
    )
    check_simple(read_bvh(bvh_file(text)))


@pytest.mark.parametrize("spelling", ["End Site", "End site", "end site", "END SITE"])
def test_end_site_spellings(bvh_file, spelling):
    text = bvh_text(SIMPLE, SIMPLE_ROWS).replace("End Site", spelling)
    check_simple(read_bvh(bvh_file(text)))


def test_names_with_colons_and_spaces(bvh_file):
    text = (
        "HIERARCHY\n"
        "ROOT mixamorig:Hips\n"
        "{\n"
        "  OFFSET 0 0 0\n"
        "  CHANNELS 3 Xposition Yposition Zposition\n"
        "  JOINT Left Arm\n"
        "  {\n"
        "    OFFSET 5 0 0\n"
        "    CHANNELS 3 Zrotation Xrotation Yrotation\n"
        "    JOINT Left Fore Arm {\n"
        "      OFFSET 0 0 7\n"
        "      CHANNELS 3 Zrotation Xrotation Yrotation\n"
        "      End Site\n"
        "      {\n"
        "        OFFSET 1 0 0\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "  JOINT mixamorig:Spine_01.L\n"
        "  {\n"
        "    OFFSET 0 3 0\n"
        "  }\n"
        "}\n"
        "MOTION\n"
        "Frames: 1\n"
        "Frame Time: 0.0333333\n"
        "0 0 0 0 0 90 0 0 0\n"
    )
    take = read_bvh(bvh_file(text))
    skeleton = take.skeleton
    assert skeleton.names == ("mixamorig:Hips", "Left Arm", "Left Fore Arm", "mixamorig:Spine_01.L")
    assert [j.parent for j in skeleton.joints] == [-1, 0, 1, 0]
    assert skeleton.channel_labels[3] == "Left Arm.Zrotation"
    assert skeleton.index("Left Fore Arm") == 2
    # Left Arm turned 90° about Y takes the forearm offset (0, 0, 7) to (7, 0, 0).
    np.testing.assert_allclose(
        take.world_positions(raw=True)[0],
        [[0, 0, 0], [5, 0, 0], [12, 0, 0], [0, 3, 0]],
        atol=1e-12,
    )




@pytest.mark.parametrize(
    ("root", "child"),
    [
        pytest.param("Root", "Chest", id="ROOT-Root"),
        pytest.param("root", "Chest", id="ROOT-root"),
        pytest.param("Hips", "Root", id="JOINT-Root"),
        pytest.param("Hips", "End Effector", id="JOINT-End-Effector"),
        pytest.param("Hips", "Root_1", id="JOINT-Root_1"),
    ],
)
def test_names_that_look_like_keywords(bvh_file, root, child):
    skeleton = Node(root, (0, 0, 0), POS, (Node(child, (0.0, 10.0, 0.0), ZXY),))
    take = read_bvh(bvh_file(bvh_text(skeleton, [[1, 2, 3, 0, 90, 0]])))
    assert take.skeleton.names == (root, child)
    np.testing.assert_allclose(take.world_positions(raw=True)[0, 1], [1, 12, 3], atol=1e-12)


def test_brace_on_the_same_line(bvh_file):
    text = (
        "HIERARCHY\n"
        "ROOT Hips {\n"
        "\tOFFSET 0 0 0\n"
        "\tCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"
        "\tJOINT Chest {\n"
        "\t\tOFFSET 0 10 0\n"
        "\t\tCHANNELS 3 Zrotation Xrotation Yrotation\n"
        "\t\tEnd Site {\n"
        "\t\t\tOFFSET 0 5 0\n"
        "\t\t}\n"
        "\t}\n"
        "}\n"
        "MOTION\n"
        "Frames: 2\n"
        "Frame Time: 0.0333333\n"
        "1 2 3 0 0 0 0 0 0\n"
        "1 2 3 90 0 0 0 0 0\n"
    )
    check_simple(read_bvh(bvh_file(text)))


def test_whole_hierarchy_on_few_lines(bvh_file):
    text = (
        "HIERARCHY ROOT Hips { OFFSET 0 0 0 CHANNELS 6 Xposition Yposition Zposition "
        "Zrotation Xrotation Yrotation JOINT Chest { OFFSET 0 10 0 CHANNELS 3 Zrotation "
        "Xrotation Yrotation End Site { OFFSET 0 5 0 } } }\n"
        "MOTION\nFrames: 2\nFrame Time: 0.0333333\n"
        "1 2 3 0 0 0 0 0 0\n1 2 3 90 0 0 0 0 0\n"
    )
    check_simple(read_bvh(bvh_file(text)))


def test_latin1_joint_name(bvh_file):
    data = bvh_text(Node("Hüfte", (0, 0, 0), ("Xrotation",)), [[5.0]]).encode("latin-1")
    take = read_bvh(bvh_file(data))
    assert take.skeleton.names == ("Hüfte",)
    assert take.channels.tolist() == [[5.0]]


def test_utf8_joint_name(bvh_file):
    take = read_bvh(bvh_file(bvh_text(Node("腰", (0, 0, 0), ("Xrotation",)), [[5.0]])))
    assert take.skeleton.names == ("腰",)
    assert take.skeleton.channel_labels == ("腰.Xrotation",)


# --------------------------------------------------------------------------- channels
@pytest.mark.parametrize("order", ["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"])
def test_rotation_order_is_applied_as_listed(bvh_file, order):
    channels = tuple(f"{axis}rotation" for axis in order)
    arm = Node("Arm", (3.0, 5.0, 7.0), channels, (End((0, 0, 4.0)),))
    root = Node("Hips", (0, 0, 0), POS + channels, (arm,))
    angles = {"X": 30.0, "Y": -50.0, "Z": 70.0}
    arm_angles = {"X": -15.0, "Y": 25.0, "Z": 40.0}
    row = [10.0, 20.0, 30.0] + [angles[a] for a in order] + [arm_angles[a] for a in order]
    take = read_bvh(bvh_file(bvh_text(root, [row])))
    assert take.skeleton.joints[0].rotation_axes == order
    hips = rotation(order[0], angles[order[0]]) @ rotation(order[1], angles[order[1]])
    hips = hips @ rotation(order[2], angles[order[2]])
    arm = rotation(order[0], arm_angles[order[0]]) @ rotation(order[1], arm_angles[order[1]])
    arm = arm @ rotation(order[2], arm_angles[order[2]])
    arm_position = np.array([10.0, 20.0, 30.0]) + hips @ [3.0, 5.0, 7.0]
    kinematics = take.forward_kinematics(raw=True, rotations=True)
    np.testing.assert_allclose(kinematics.positions[0, 1], arm_position, atol=1e-12)
    np.testing.assert_allclose(
        kinematics.end_positions[0, 0], arm_position + hips @ arm @ [0, 0, 4.0], atol=1e-12
    )
    np.testing.assert_allclose(kinematics.rotations[0, 0], hips, atol=1e-12)
    # The same check with the axes reversed must fail: order matters here.
    reversed_hips = rotation(order[2], angles[order[2]]) @ rotation(order[1], angles[order[1]])
    reversed_hips = reversed_hips @ rotation(order[0], angles[order[0]])
    assert np.abs(reversed_hips @ [3.0, 5.0, 7.0] - hips @ [3.0, 5.0, 7.0]).max() > 0.5


def test_six_channels_on_non_root_joints(bvh_file):
    root = Node(
        "Hips",
        (0, 0, 0),
        POS + ZXY,
        (Node("Chest", (0.0, 10.0, 0.0), POS + ZXY, (Node("Head", (0, 4, 0), POS + ZXY),)),),
    )
    rows = [[1, 2, 3, 0, 0, 0, 0.5, 12.0, -0.5, 0, 0, 0, 0, 6, 0, 0, 0, 0],
            [1, 2, 3, 0, 90, 0, 0.5, 12.0, -0.5, 0, 0, 0, 0, 6, 0, 0, 0, 0]]
    take = read_bvh(bvh_file(bvh_text(root, rows)))
    assert [j.channels for j in take.skeleton.joints] == [POS + ZXY] * 3
    assert take.skeleton.channel_count == 18
    assert take.skeleton.joints[1].position_axes == "XYZ"
    positions = take.world_positions(raw=True)
    # The chest's position channels (0.5, 12, -0.5) replace its offset (0, 10, 0).
    np.testing.assert_allclose(
        positions[0], [[1, 2, 3], [1.5, 14, 2.5], [1.5, 20, 2.5]], atol=1e-12
    )
    # Frame 1: Hips turned 90° about X: local (x, y, z) -> (x, -z, y).
    np.testing.assert_allclose(
        positions[1], [[1, 2, 3], [1.5, 2.5, 15], [1.5, 2.5, 21]], atol=1e-12
    )


def test_rotation_channels_listed_before_position_channels(bvh_file):
    root = Node(
        "Hips",
        (0, 0, 0),
        ("Zrotation", "Xrotation", "Yrotation", "Xposition", "Yposition", "Zposition"),
        (Node("Chest", (0.0, 10.0, 0.0), ZXY),),
    )
    take = read_bvh(bvh_file(bvh_text(root, [[90, 0, 0, 4, 5, 6, 0, 0, 0]])))
    assert take.skeleton.joints[0].channels[:3] == ZXY
    assert take.skeleton.joints[0].position_axes == "XYZ"
    assert take.skeleton.joints[0].rotation_axes == "ZXY"
    positions = take.world_positions(raw=True)
    np.testing.assert_allclose(positions[0, 0], [4, 5, 6], atol=1e-12)
    np.testing.assert_allclose(positions[0, 1], [-6, 5, 6], atol=1e-12)


def test_interleaved_position_and_rotation_channels(bvh_file):
    channels = ("Yrotation", "Zposition", "Xposition", "Xrotation", "Yposition", "Zrotation")
    root = Node("Hips", (0, 0, 0), channels, (Node("Chest", (0.0, 0.0, 10.0), ZXY),))
    take = read_bvh(bvh_file(bvh_text(root, [[90, 6, 4, 0, 5, 0, 0, 0, 0]])))
    positions = take.world_positions(raw=True)
    np.testing.assert_allclose(positions[0, 0], [4, 5, 6], atol=1e-12)
    # Ry(90) takes (0, 0, 10) to (10, 0, 0).
    np.testing.assert_allclose(positions[0, 1], [14, 5, 6], atol=1e-12)


def test_only_some_position_channels(bvh_file):
    root = Node(
        "Hips",
        (1.0, 2.0, 3.0),
        ("Yposition", *ZXY),
        (Node("Chest", (0.5, 10.0, 0.25), ("Zposition", "Xrotation")),),
    )
    take = read_bvh(bvh_file(bvh_text(root, [[50.0, 0, 0, 0, -4.0, 0], [60.0, 0, 0, 0, 0.0, 90]])))
    assert take.skeleton.joints[0].position_axes == "Y"
    assert take.skeleton.joints[1].channels == ("Zposition", "Xrotation")
    positions = take.world_positions(raw=True)
    # Only Y of the root offset is replaced; only Z of the chest offset.
    np.testing.assert_allclose(positions[:, 0], [[1, 50, 3], [1, 60, 3]], atol=1e-12)
    np.testing.assert_allclose(positions[:, 1], [[1.5, 60, -1], [1.5, 70, 3]], atol=1e-12)


@pytest.mark.parametrize("channels_line", ["CHANNELS 0", None], ids=["channels-0", "no-channels"])
def test_joint_without_channels(bvh_file, channels_line):
    chest_channels = () if channels_line else None
    root = Node(
        "Hips",
        (0, 0, 0),
        POS + ZXY,
        (Node("Chest", (0.0, 10.0, 0.0), chest_channels, (Node("Head", (0, 5, 0), ZXY),)),),
    )
    text = bvh_text(root, [[1, 2, 3, 0, 90, 0, 0, 0, 0]])
    assert ("CHANNELS 0" in text) == bool(channels_line)
    take = read_bvh(bvh_file(text))
    assert [j.channels for j in take.skeleton.joints] == [POS + ZXY, (), ZXY]
    assert take.skeleton.channel_starts.tolist() == [0, 6, 6]
    assert take.skeleton.channel_labels[6] == "Head.Zrotation"
    # Chest follows the hips' 90° X turn: (0, 10, 0) -> (0, 0, 10); Head 5 further.
    np.testing.assert_allclose(
        take.world_positions(raw=True)[0], [[1, 2, 3], [1, 2, 13], [1, 2, 18]], atol=1e-12
    )


def test_skeleton_without_any_channels(bvh_file):
    text = bvh_text(Node("Hips", (1, 2, 3), None, (Node("Chest", (0, 10, 0), None),)), ["", ""])
    take = read_bvh(bvh_file(text))
    assert take.channels.shape == (2, 0)
    assert take.frame_count == 2
    np.testing.assert_allclose(take.world_positions(raw=True)[1], [[1, 2, 3], [1, 12, 3]])


def test_two_roots(bvh_file):
    roots = [
        Node(
            "Actor1:Hips",
            (0, 0, 0),
            POS + ZXY,
            (Node("Actor1:Chest", (0, 10, 0), ZXY, (End((0, 5, 0)),)),),
        ),
        Node("Prop", (100, 0, 0), ("Xrotation", "Yposition"), (End((0, 0, 20)),)),
    ]
    take = read_bvh(bvh_file(bvh_text(roots, [[1, 2, 3, 0, 0, 0, 0, 0, 0, 90, 7]])))
    skeleton = take.skeleton
    assert skeleton.names == ("Actor1:Hips", "Actor1:Chest", "Prop")
    assert skeleton.parents.tolist() == [-1, 0, -1]
    assert skeleton.channel_labels[-2:] == ("Prop.Xrotation", "Prop.Yposition")
    assert skeleton.end_sites == (EndSite(1, (0.0, 5.0, 0.0)), EndSite(2, (0.0, 0.0, 20.0)))
    assert skeleton.end_site_slots == (2, 3)
    kinematics = take.forward_kinematics(raw=True)
    # The second root keeps its X and Z offsets; its Yposition channel replaces Y.
    np.testing.assert_allclose(
        kinematics.positions[0], [[1, 2, 3], [1, 12, 3], [100, 7, 0]], atol=1e-12
    )
    # Rx(90) takes (0, 0, 20) to (0, -20, 0).
    np.testing.assert_allclose(kinematics.end_positions[0, 1], [100, -13, 0], atol=1e-12)


def test_end_sites_keep_offsets_and_file_order(bvh_file):
    text = (
        "HIERARCHY\n"
        "ROOT Hips\n{\n"
        "\tOFFSET 0 0 0\n"
        "\tCHANNELS 3 Xposition Yposition Zposition\n"
        "\tJOINT Left\n\t{\n\t\tOFFSET 2 0 0\n\t\tCHANNELS 1 Zrotation\n"
        "\t\tEnd Site\n\t\t{\n\t\t\tOFFSET 0.25 -1.5 3e-1\n\t\t}\n"
        "\t}\n"
        "\tEnd Site\n\t{\n\t\tOFFSET 0 -7 0\n\t}\n"
        "\tJOINT Right\n\t{\n\t\tOFFSET -2 0 0\n\t\tCHANNELS 1 Zrotation\n"
        "\t\tEnd Site\n\t\t{\n\t\t\tOFFSET -1 0 0\n\t\t}\n"
        "\t\tEnd Site\n\t\t{\n\t\t\tOFFSET 0 1 0\n\t\t}\n"
        "\t}\n"
        "}\n"
        "MOTION\nFrames: 1\nFrame Time: 0.0333333\n"
        "0 0 0 90 0\n"
    )
    take = read_bvh(bvh_file(text))
    skeleton = take.skeleton
    assert skeleton.names == ("Hips", "Left", "Right")
    assert skeleton.end_sites == (
        EndSite(1, (0.25, -1.5, 0.3)),
        EndSite(0, (0.0, -7.0, 0.0)),
        EndSite(2, (-1.0, 0.0, 0.0)),
        EndSite(2, (0.0, 1.0, 0.0)),
    )
    assert skeleton.end_site_slots == (2, 2, 3, 3)
    assert skeleton.end_site_names == ("Left_End", "Hips_End", "Right_End1", "Right_End2")
    ends = take.forward_kinematics(raw=True).end_positions[0]
    # Left turned 90° about Z: (0.25, -1.5, 0.3) -> (1.5, 0.25, 0.3).
    np.testing.assert_allclose(
        ends, [[3.5, 0.25, 0.3], [0, -7, 0], [-3, 0, 0], [-2, 1, 0]], atol=1e-12
    )


def test_frames_zero_hierarchy_only(bvh_file):
    take = read_bvh(bvh_file(bvh_text(SIMPLE, [], frames=0)))
    assert take.frame_count == 0
    assert take.channels.shape == (0, 9)
    assert take.channels.dtype == np.float64
    assert take.rate == Fraction(30)
    assert take.world_positions(raw=True).shape == (0, 2, 3)
    assert take.world_positions().shape == (0, 2, 3)
    assert take.skeleton.names == ("Hips", "Chest")
    assert take.skeleton.end_sites == (EndSite(1, (0.0, 5.0, 0.0)),)


@pytest.mark.parametrize("tail", ["", "\n\n  \n"], ids=["no-final-newline", "blank-lines"])
def test_frames_zero_file_endings(bvh_file, tail):
    text = bvh_text(SIMPLE, [], frames=0).rstrip("\n") + tail
    take = read_bvh(bvh_file(text))
    assert take.channels.shape == (0, 9)


def test_one_frame_one_channel(bvh_file):
    take = read_bvh(bvh_file(bvh_text(Node("Hips", (0, 0, 0), ("Yposition",)), [[42.5]])))
    assert take.channels.shape == (1, 1)
    assert take.channels[0, 0] == 42.5
    np.testing.assert_array_equal(take.world_positions(raw=True), [[[0.0, 42.5, 0.0]]])


def test_long_hierarchy_over_the_first_read_chunk(bvh_file):
    # 400 joints in a chain: the hierarchy alone is far larger than 32 KiB.
    node = Node("J399", (0, 1, 0), ("Zrotation",), (End((0, 1, 0)),))
    for k in range(398, 0, -1):
        node = Node(f"J{k}", (0, 1, 0), ("Zrotation",), (node,))
    root = Node("J0", (0, 0, 0), (*POS, "Zrotation"), (node,))
    text = bvh_text(root, [[0, 0, 0] + [0.0] * 400, [0, 0, 0, 90.0] + [0.0] * 399])
    assert len(text) > 40_000
    take = read_bvh(bvh_file(text))
    assert len(take.skeleton.joints) == 400
    assert take.skeleton.parents[-1] == 398
    positions = take.world_positions(raw=True)
    np.testing.assert_allclose(positions[0, -1], [0, 399, 0], atol=1e-9)
    np.testing.assert_allclose(positions[1, -1], [-399, 0, 0], atol=1e-9)


# ------------------------------------------------------------------------------ units
def _tall(height: float) -> Node:
    """A vertical skeleton ``height`` units tall: Hips, Chest half-way up, an end site on top."""
    half = height / 2
    chest = Node("Chest", (0, half, 0), ZXY, (End((0, half, 0)),))
    return Node("Hips", (0, 0, 0), POS + ZXY, (chest,))


def test_units_given(bvh_file):
    take = read_bvh(bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS)), units="cm")
    assert take.units == "cm"
    assert take.placement.scale == 0.01
    assert take.placement.up_axis == "y"
    # Stage: Z up, metres: (x, y, z) -> (x, -z, y) * 0.01.
    np.testing.assert_allclose(take.world_positions()[0, 1], [0.01, -0.03, 0.12], atol=1e-15)
    # Raw positions stay in file units.
    np.testing.assert_allclose(take.world_positions(raw=True)[0, 1], [1, 12, 3])


def test_scale_overrides_units(bvh_file):
    path = bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS))
    take = read_bvh(path, units="cm", scale=0.0254)
    assert take.units == "cm"
    assert take.placement.scale == 0.0254
    np.testing.assert_allclose(take.world_positions()[0, 0], [0.0254, -0.0762, 0.0508], atol=1e-15)
    alone = read_bvh(path, scale=0.0254)
    assert alone.placement.scale == 0.0254
    assert alone.units == "in"  # a scale that is a known unit names it


@pytest.mark.parametrize(
    ("height", "unit", "scale"),
    [(170.0, "cm", 0.01), (1.7, "m", 1.0), (1700.0, "mm", 0.001), (67.0, "in", 0.0254),
     (5.6, "ft", 0.3048)],
)
def test_unit_guessed_from_height(bvh_file, height, unit, scale):
    take = read_bvh(bvh_file(bvh_text(_tall(height), [[0.0] * 9])))
    assert take.skeleton_height() == pytest.approx(height)
    assert take.units == unit
    assert take.placement.scale == scale


def test_unit_not_guessable_scales_to_human_height(bvh_file):
    # 300 units: no standard unit gives 1.0-2.3 m; the scale makes it 1.75 m tall.
    take = read_bvh(bvh_file(bvh_text(_tall(300.0), [[0.0] * 9])))
    assert take.units == "unknown"
    assert take.placement.scale == pytest.approx(1.75 / 300.0)


def test_unit_guess_ignores_motion_of_the_root(bvh_file):
    # The root flies 1000 units up: height is still the skeleton's 170.
    take = read_bvh(bvh_file(bvh_text(_tall(170.0), [[0.0, 1000.0, 0.0] + [0.0] * 6])))
    assert take.units == "cm"


@pytest.mark.parametrize("units", ["furlong", "CM", "", "metre"])
def test_unknown_unit_name(bvh_file, units):
    path = bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS))
    with pytest.raises(InputError, match="unknown length unit") as caught:
        read_bvh(path, units=units)
    assert "cm" in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("scale", [0.0, -0.01, float("nan"), float("inf")])
def test_bad_scale(bvh_file, scale):
    path = bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS))
    with pytest.raises(InputError, match="scale must be a positive number"):
        read_bvh(path, scale=scale)


# ---------------------------------------------------------------------- naming, entry
def test_name_and_source(bvh_file):
    path = bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS), name="walk_01.bvh")
    take = read_bvh(path)
    assert take.name == "walk_01"
    assert take.source == str(path)
    assert read_bvh(path, name="hero").name == "hero"
    assert read_bvh(str(path)).skeleton.names == ("Hips", "Chest")


def test_read_take_dispatches_to_the_bvh_reader(bvh_file):
    path = bvh_file(bvh_text(SIMPLE, SIMPLE_ROWS), name="Take.BVH")
    take = previz.read_take(path, units="m")
    check_simple(take)
    assert take.units == "m"
    assert take.placement.scale == 1.0


# ------------------------------------------------------------------------ shared data
SHARED_EXPECTED = {
    # name: (frames, joints, end sites, rate, channels per frame)
    "bandai_dataset-1_dance-short_normal_001": (1901, 22, 5, Fraction(30), 132),
    "cmu3dsmax_131_02": (1247, 31, 7, Fraction(120), 96),
    "cmu_01_01": (2752, 31, 7, Fraction(120), 96),
    "mocapbank_test_mocapbank": (455, 19, 5, Fraction(30), 60),
    "noitom_PNS_skeleton": (0, 59, 13, Fraction(100), 354),
    "perfume_A_test": (1300, 23, 5, Fraction(40), 72),
}


def _shared_file(name: str) -> Path:
    path = SHARED_BVH / f"{name}.bvh"
    if not path.is_file():
        pytest.skip(f"shared data not found: {path}")
    return path


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", [pytest.param(name, id=name) for name in SHARED_EXPECTED]
)
def test_shared_file_counts(name):
    path = _shared_file(name)
    frames, joints, end_sites, rate, channels = SHARED_EXPECTED[name]
    take = read_bvh(path)
    assert take.frame_count == frames
    assert len(take.skeleton.joints) == joints
    assert len(take.skeleton.end_sites) == end_sites
    assert take.rate == rate
    assert take.channels.shape == (frames, channels)
    assert np.isfinite(take.channels).all()
    assert take.world_positions(raw=True).shape == (frames, joints, 3)


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", [pytest.param(name, id=name) for name in SHARED_EXPECTED]
)
def test_shared_file_positions_match_reference(name):
    path = _shared_file(name)
    reference = SHARED_BVH / "reference" / f"{name}.npz"
    if not reference.is_file():
        pytest.skip(f"reference positions not found: {reference}")
    take = read_bvh(path)
    expected = np.load(reference)
    assert tuple(str(n) for n in expected["names"]) == take.skeleton.names
    positions = take.world_positions(raw=True)
    assert positions.shape == expected["positions"].shape
    height = take.skeleton_height()
    assert height > 1.0
    np.testing.assert_allclose(positions, expected["positions"], rtol=0, atol=1e-9 * height)


@pytest.mark.shared
def test_every_shared_file_loads(shared_bvh_dir):
    files = shared_bvh_files()
    assert files, f"no .bvh files in {shared_bvh_dir}"
    for path in files:
        take = read_bvh(path)
        assert take.skeleton.channel_count == take.channels.shape[1], path.name
        assert np.isfinite(take.world_positions(raw=True)).all(), path.name
        assert take.placement.scale > 0, path.name


@pytest.mark.shared
def test_shared_layouts(shared_bvh_dir):
    layouts = {
        "bandai_dataset-1_dance-short_normal_001": {"6:PXYZ/RZXY x22"},
        "cmu3dsmax_131_02": {"6:PXYZ/RZYX x1", "3:RZYX x18", "3:RZXY x12"},
        "cmu_01_01": {"6:PXYZ/RZYX x1", "3:RZYX x30"},
        "mocapbank_test_mocapbank": {"6:PXYZ/RZXY x1", "3:RZXY x18"},
        "noitom_PNS_skeleton": {"6:PXYZ/RYXZ x59"},
        "perfume_A_test": {"6:PXYZ/RYXZ x1", "3:RYXZ x22"},
    }
    for name, expected in layouts.items():
        path = shared_bvh_dir / f"{name}.bvh"
        if path.is_file():
            summary = read_bvh(path).skeleton.layout_summary()
            assert set(summary.split(", ")) == expected, name


# ------------------------------------------------------------- fast hierarchy path
def _both_readers(text: str):
    from previz.io import bvh

    motion = text.index("MOTION")
    head = text[:motion]
    plain = bvh._read_plain_hierarchy(head.encode())
    line = text.count("\n", 0, motion) + 1
    tokens = bvh._read_hierarchy(bvh._Tokens(head, "t.bvh", line), line).skeleton()
    return plain, tokens


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t,
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t.replace("  ", "\t"),
        lambda t: t.replace(" {", "{"),  # brace glued to the name: token reader only
        lambda t: t.replace("Xrotation", "xrotation"),  # odd spelling: token reader only
        lambda t: t.replace("CHANNELS 3", "CHANNELS\n3"),
        lambda t: t.replace("Chest", "Brust\u00e9"),  # UTF-8 names
    ],
)
def test_fast_hierarchy_reader_agrees_with_the_token_reader(variant) -> None:
    text = variant(
        "HIERARCHY\nROOT Hips\n{\n  OFFSET 0 90 0\n  CHANNELS 6 Xposition Yposition Zposition "
        "Zrotation Xrotation Yrotation\n  JOINT Chest\n  {\n    OFFSET 0 10 0\n    CHANNELS 3 "
        "Zrotation Xrotation Yrotation\n    End Site\n    {\n      OFFSET 0 5 0\n    }\n  }\n"
        "  JOINT Leg\n  {\n    OFFSET 5 -5 0\n    CHANNELS 3 Xrotation Yrotation Zrotation\n"
        "    End Site\n    {\n      OFFSET 0 -40 0\n    }\n  }\n}\nMOTION\nFrames: 0\n"
        "Frame Time: 0.04\n"
    )
    plain, tokens = _both_readers(text)
    assert plain is None or plain == tokens
    assert tokens.channel_count == 12


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("JOINT Leg", "JOINT Chest"),  # a name used twice
        ("Zrotation Xrotation Yrotation\n    End", "Zrotation Zrotation Yrotation\n    End"),
        ("CHANNELS 3 Xrot", "CHANNELS 7 Xrot"),
        ("CHANNELS 3 Xrot", "CHANNELS +3 Xrot"),
        ("CHANNELS 3 Xrot", "CHANNELS 3_0 Xrot"),
        ("OFFSET 5 -5 0", "OFFSET 5 nan 0"),
        ("OFFSET 5 -5 0", "OFFSET 5 1e999 0"),
        ("JOINT Leg", "JOINT Le{g"),
        ("JOINT Leg", "JOINT Le\xffg"),  # not UTF-8 once encoded as Latin-1 below
    ],
    ids=["twice", "channel-twice", "count", "plus-count", "underscore-count", "nan", "overflow",
         "brace", "latin-1"],
)
def test_fast_hierarchy_reader_leaves_bad_hierarchies_to_the_token_reader(
    bvh_file, old, new
) -> None:
    from previz.io import bvh

    good = (
        "HIERARCHY\nROOT Hips\n{\n  OFFSET 0 90 0\n  CHANNELS 6 Xposition Yposition Zposition "
        "Zrotation Xrotation Yrotation\n  JOINT Chest\n  {\n    OFFSET 0 10 0\n    CHANNELS 3 "
        "Zrotation Xrotation Yrotation\n    End Site\n    {\n      OFFSET 0 5 0\n    }\n  }\n"
        "  JOINT Leg\n  {\n    OFFSET 5 -5 0\n    CHANNELS 3 Xrotation Yrotation Zrotation\n"
        "    End Site\n    {\n      OFFSET 0 -40 0\n    }\n  }\n}\n"
    )
    assert bvh._read_plain_hierarchy(good.encode()) is not None
    bad = good.replace(old, new).encode("latin-1")
    assert bvh._read_plain_hierarchy(bad) is None
    file = bvh_file(bad + b"MOTION\nFrames: 0\nFrame Time: 0.04\n")
    if "\xff" in new:  # only unusual: the token reader reads it
        assert read_bvh(file).skeleton.names == ("Hips", "Chest", "Le\xffg")
    else:
        with pytest.raises(BVHError):
            read_bvh(file)


def test_a_byte_order_mark_keeps_the_fast_path(bvh_file, monkeypatch) -> None:
    from previz.io import bvh

    calls = []
    monkeypatch.setattr(bvh, "_read_hierarchy", lambda *a: calls.append(a))
    take = read_bvh(bvh_file(b"\xef\xbb\xbf" + bvh_text(SIMPLE, SIMPLE_ROWS).encode()))
    check_simple(take)
    assert calls == []  # the token reader was not needed


def test_fast_hierarchy_reader_agrees_on_every_shared_file(shared_bvh_dir) -> None:
    for path in sorted(shared_bvh_dir.glob("*.bvh")):
        text = path.read_bytes().decode()
        plain, tokens = _both_readers(text)
        assert plain == tokens, path.name


def test_fast_hierarchy_reader_never_accepts_what_the_token_reader_would_not() -> None:
    """Random word-level mutations of a hierarchy: the fast reader either gives up or
    builds exactly the skeleton the token reader builds (and gives up when it fails)."""
    from previz.errors import PrevizError
    from previz.io import bvh

    hierarchy = (
        "HIERARCHY ROOT Hips { OFFSET 0 90 0 CHANNELS 6 Xposition Yposition Zposition "
        "Zrotation Xrotation Yrotation JOINT Chest { OFFSET 0 10 0 CHANNELS 3 Zrotation "
        "Xrotation Yrotation End Site { OFFSET 0 5 0 } } JOINT Leg { OFFSET 5 -5 0 CHANNELS 3 "
        "Xrotation Yrotation Zrotation JOINT Foot { OFFSET 0 -40 0 CHANNELS 0 End Site { "
        "OFFSET 0 -5 8 } } } }"
    )
    words = hierarchy.split()
    pool = [*sorted(set(words)), "nan", "1e999", "7", "-3", "+3", "-0", "End", "Site", "xrotation",
            "Hips"]
    rng = np.random.default_rng(11)
    agreed = gave_up = 0
    for _ in range(3000):
        mutated = list(words)
        for _ in range(int(rng.integers(1, 3))):
            at = int(rng.integers(0, len(mutated)))
            action = int(rng.integers(0, 4))
            if action == 0:
                del mutated[at]
            elif action == 1:
                mutated.insert(at, str(rng.choice(pool)))
            elif action == 2:
                mutated[at] = str(rng.choice(pool))
            elif at + 1 < len(mutated):
                mutated[at], mutated[at + 1] = mutated[at + 1], mutated[at]
        text = "\n".join(mutated) + "\n"
        plain = bvh._read_plain_hierarchy(text.encode())
        try:
            tokens = bvh._read_hierarchy(bvh._Tokens(text, "t.bvh", 99), 99).skeleton()
        except (PrevizError, ValueError):
            tokens = None
        if plain is None:
            gave_up += 1
        else:
            assert plain == tokens, text
            agreed += 1
    assert agreed > 100 and gave_up > 100  # noqa: PT018 - both paths were exercised
