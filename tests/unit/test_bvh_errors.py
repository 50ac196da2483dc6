"""Bad BVH input raises BVHError naming the file, the 1-based line and what was expected."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from previz.errors import BVHError, InputError, PrevizError
from previz.io.bvh import read_bvh

# Line numbers of GOOD, for reference:
#  1 HIERARCHY          7 {                      13 }            19 frame 0
#  2 ROOT Hips          8 OFFSET 0 10 0          14 }            20 frame 1
#  3 {                  9 CHANNELS 3 …           15 }            21 frame 2
#  4 OFFSET 0 0 0      10 End Site               16 MOTION
#  5 CHANNELS 6 …      11 {                      17 Frames: 3
#  6 JOINT Chest       12 OFFSET 0 5 0           18 Frame Time: 0.0333333
HIERARCHY_TEXT = """HIERARCHY
ROOT Hips
{
\tOFFSET 0 0 0
\tCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
\tJOINT Chest
\t{
\t\tOFFSET 0 10 0
\t\tCHANNELS 3 Zrotation Xrotation Yrotation
\t\tEnd Site
\t\t{
\t\t\tOFFSET 0 5 0
\t\t}
\t}
}
"""
ROWS = [
    "0 1 2 3 4 5 6 7 8",
    "10 11 12 13 14 15 16 17 18",
    "20 21 22 23 24 25 26 27 28",
]
GOOD = HIERARCHY_TEXT + "MOTION\nFrames: 3\nFrame Time: 0.0333333\n" + "\n".join(ROWS) + "\n"


def motion(rows: list[str], frames: int | str = 3, end: str = "\n") -> str:
    """GOOD's hierarchy with the given motion lines and ``Frames:`` value."""
    return (
        HIERARCHY_TEXT
        + f"MOTION\nFrames: {frames}\nFrame Time: 0.0333333\n"
        + "\n".join(rows)
        + end
    )


def replaced(old: str, new: str, text: str = GOOD) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def read_error(path: Path) -> BVHError:
    with pytest.raises(BVHError) as caught:
        read_bvh(path)
    return caught.value


def check_error(error: BVHError, path: Path, line: int | None, *fragments: str) -> None:
    """The error names the file and line in its text and attributes, and says each fragment."""
    assert isinstance(error, InputError)
    assert isinstance(error, PrevizError)
    assert isinstance(error, ValueError)
    assert error.path == str(path)
    assert error.line == line
    where = str(path) if line is None else f"{path}:{line}"
    assert str(error) == f"{where}: {error.detail}"
    for fragment in fragments:
        assert fragment in error.detail


def fails_at(bvh_file, content: str | bytes, line: int | None, *fragments: str) -> BVHError:
    path = bvh_file(content)
    error = read_error(path)
    check_error(error, path, line, *fragments)
    return error


def test_good_file_reads(bvh_file):
    # The base of every case below is itself valid.
    take = read_bvh(bvh_file(GOOD))
    assert take.channels.shape == (3, 9)
    assert take.channels[2, 8] == 28.0


# ----------------------------------------------------------------------- not a BVH file
def test_empty_file(bvh_file):
    fails_at(bvh_file, b"", None, "the file is empty", "HIERARCHY")


def test_whitespace_only_file(bvh_file):
    fails_at(bvh_file, " \n\t\n  \r\n\n", None, "the file is empty", "HIERARCHY")


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_binary_garbage(bvh_file, seed):
    data = np.random.default_rng(seed).integers(0, 256, 65_536, dtype=np.uint8)
    data[0] = ord("#")  # not whitespace: the first token starts on line 1
    start = time.perf_counter()
    error = fails_at(bvh_file, data.tobytes(), 1, "expected 'HIERARCHY' at the start of a BVH file")
    assert time.perf_counter() - start < 5.0
    assert len(error.detail) < 200


def test_five_megabytes_of_random_bytes_without_newlines(bvh_file):
    data = np.random.default_rng(42).integers(0, 256, 5 * 2**20, dtype=np.uint8)
    data[data == ord("\n")] = ord("x")
    data[0] = ord("Q")  # not whitespace: the first token starts at byte 0, line 1
    start = time.perf_counter()
    error = fails_at(bvh_file, data.tobytes(), 1, "expected 'HIERARCHY'")
    assert time.perf_counter() - start < 5.0
    assert len(str(error)) < 500


def test_random_bytes_after_a_valid_start(bvh_file):
    garbage = np.random.default_rng(7).integers(0, 256, 2**20, dtype=np.uint8)
    garbage[0] = ord("#")
    start = time.perf_counter()
    path = bvh_file(b"HIERARCHY\n" + garbage.tobytes())
    error = read_error(path)
    assert time.perf_counter() - start < 5.0
    check_error(error, path, 2, "expected ROOT, JOINT, End Site, OFFSET, CHANNELS, '}' or MOTION")
    assert "found '#" in error.detail


def test_random_bytes_in_the_motion_block(bvh_file):
    garbage = np.random.default_rng(9).integers(0, 256, 2**20, dtype=np.uint8)
    garbage[:2] = list(b"#\n")  # a first motion line with one value
    start = time.perf_counter()
    header = HIERARCHY_TEXT.encode() + b"MOTION\nFrames: 3\nFrame Time: 0.04\n"
    path = bvh_file(header + garbage.tobytes())
    error = read_error(path)
    assert time.perf_counter() - start < 5.0
    check_error(error, path, 19, "expected 9 values on the motion line of frame 0", "found 1")


def test_garbage_after_root_gives_a_short_message(bvh_file):
    garbage = np.random.default_rng(5).integers(0, 256, 2**20, dtype=np.uint8)
    garbage[np.isin(garbage, list(b"\n{}"))] = ord("x")
    error = read_error(bvh_file(b"HIERARCHY\nROOT " + garbage.tobytes() + b" }"))
    assert error.line == 2
    assert len(str(error)) < 500


@pytest.mark.parametrize(
    ("content", "line", "found"),
    [
        ("ROOT Hips\n{\n", 1, "'ROOT'"),
        ("\n\n  HIERARCH\nROOT Hips\n", 3, "'HIERARCH'"),
        ("{\n", 1, "'{'"),
    ],
)
def test_first_token_not_hierarchy(bvh_file, content, line, found):
    fails_at(bvh_file, content, line, "expected 'HIERARCHY' at the start of a BVH file", found)




@pytest.mark.parametrize(
    ("content", "line", "expected"),
    [
        pytest.param(
            "MOTION\nFrames: 0\nFrame Time: 0.1\n",
            1,
            "expected 'HIERARCHY'",
            id="motion-first",
        ),
        pytest.param(
            "HIERARCHY\nROOT Hips\n{\n\tOFFSET 0 0\nMOTION\nFrames: 0\nFrame Time: 0.1\n",
            5,
            "expected 3 numbers for the OFFSET",
            id="offset-cut-before-motion",
        ),
    ],
)
def test_motion_found_too_early_is_not_called_the_end_of_the_file(
    bvh_file, content, line, expected
):
    error = fails_at(bvh_file, content, line, expected, "MOTION")
    assert "end of the file" not in error.detail


# ----------------------------------------------------------------------------- motion
def test_truncated_motion(bvh_file):
    fails_at(
        bvh_file,
        motion(ROWS, frames=5),
        21,
        "truncated",
        "'Frames:' declares 5 frames",
        "the file holds 3",
    )


def test_truncated_motion_with_blank_lines_after(bvh_file):
    # The line named is the last line holding data, not the blank ones after it.
    fails_at(bvh_file, motion(ROWS, frames=4, end="\n\n\n"), 21, "declares 4 frames", "holds 3")


def test_motion_missing_entirely(bvh_file):
    fails_at(bvh_file, motion([], frames=2, end=""), 18, "truncated", "declares 2", "holds 0")


def test_last_line_cut_mid_row(bvh_file):
    fails_at(
        bvh_file,
        motion([*ROWS[:2], "20 21 22 2"], end=""),
        21,
        "expected 9 values on the motion line of frame 2",
        "found 4",
        "ends mid-line",
    )


def test_short_row_in_the_middle(bvh_file):
    error = fails_at(
        bvh_file, motion([ROWS[0], "1 2 3", ROWS[2]]), 20, "expected 9 values", "frame 1", "found 3"
    )
    assert "mid-line" not in error.detail


def test_one_value_too_many(bvh_file):
    fails_at(
        bvh_file,
        motion([ROWS[0], ROWS[1] + " 19", ROWS[2]]),
        20,
        "expected 9 values on the motion line of frame 1 (one per channel), found 10",
    )


@pytest.mark.parametrize(
    ("row", "value", "label"),
    [
        ("abc 1 2 3 4 5 6 7 8", "'abc'", "Hips.Xposition"),
        ("0 1 2 3 abc 5 6 7 8", "'abc'", "Hips.Xrotation"),
        ("0 1 2 3 4 5 6 7 1.2.3", "'1.2.3'", "Chest.Yrotation"),
        ("0 1 2 3 4 5 6,5 7 8", "'6,5'", "Chest.Zrotation"),
    ],
)
def test_non_numeric_motion_value(bvh_file, row, value, label):
    fails_at(
        bvh_file,
        motion([ROWS[0], row, ROWS[2]]),
        20,
        f"value {value} for channel {label} (frame 1) is not a number",
    )


@pytest.mark.parametrize(
    ("text", "shown", "column", "label"),
    [
        ("nan", "nan", 6, "Chest.Zrotation"),
        ("NaN", "nan", 0, "Hips.Xposition"),
        ("inf", "inf", 3, "Hips.Zrotation"),
        ("-inf", "-inf", 8, "Chest.Yrotation"),
        ("1e999", "inf", 1, "Hips.Yposition"),
    ],
)
def test_non_finite_motion_value(bvh_file, text, shown, column, label):
    values = ROWS[2].split()
    values[column] = text
    fails_at(
        bvh_file,
        motion([*ROWS[:2], " ".join(values)]),
        21,
        f"value {shown} for channel {label} (frame 2) is not finite",
    )


def test_more_motion_lines_than_frames(bvh_file):
    fails_at(
        bvh_file,
        motion(ROWS, frames=2),
        21,
        "motion data continues after the 2 frames 'Frames:' declares",
    )


def test_motion_lines_after_frames_zero(bvh_file):
    fails_at(bvh_file, motion(["", ROWS[0]], frames=0), 20, "continues after the 0 frames")


def test_bad_value_deep_in_a_long_take(bvh_file):
    rows = [" ".join(["1.5"] * 9)] * 5000
    rows[3210] = "1.5 1.5 1.5 1.5 1.5 1.5 1.5 x 1.5"
    fails_at(
        bvh_file,
        motion(rows, frames=5000),
        19 + 3210,
        "value 'x' for channel Chest.Xrotation (frame 3210) is not a number",
    )


def test_value_only_python_accepts_is_reported_at_its_line(bvh_file):
    error = read_error(bvh_file(motion([*ROWS[:2], "20 21 22 23 24 25 26 27 2_8"])))
    assert error.line == 21
    assert "2_8" in error.detail


# ---------------------------------------------------------------------------- channels
def test_unknown_channel_name(bvh_file):
    fails_at(
        bvh_file,
        replaced("3 Zrotation Xrotation", "3 Zrotation Wrotation"),
        9,
        "unknown channel 'Wrotation' for joint 'Chest'",
        "expected one of Xposition, Yposition, Zposition, Xrotation, Yrotation, Zrotation",
    )


def test_unknown_channel_name_on_root(bvh_file):
    fails_at(
        bvh_file,
        replaced("6 Xposition", "6 Xtranslation"),
        5,
        "unknown channel 'Xtranslation' for joint 'Hips'",
        "Xposition, Yposition",
    )


def test_channel_listed_twice(bvh_file):
    fails_at(
        bvh_file,
        replaced("3 Zrotation Xrotation Yrotation", "3 Zrotation Xrotation Zrotation"),
        9,
        "channel Zrotation appears twice for joint 'Chest'",
    )


def test_second_channels_line(bvh_file):
    fails_at(
        bvh_file,
        replaced("\t\tEnd Site", "\t\tCHANNELS 1 Xrotation\n\t\tEnd Site"),
        10,
        "joint 'Chest' has a second CHANNELS line",
    )


def test_channels_count_larger_than_names_listed(bvh_file):
    # The count says 4, three names follow, then "End Site": the message says so.
    error = read_error(bvh_file(replaced("CHANNELS 3 Zrotation", "CHANNELS 4 Zrotation")))
    assert "CHANNELS of joint 'Chest' lists fewer names than its count 4" in error.detail
    assert error.line in (9, 10)


def test_channels_count_larger_than_names_points_at_channels_line(bvh_file):
    fails_at(
        bvh_file,
        replaced("CHANNELS 3 Zrotation", "CHANNELS 4 Zrotation"),
        9,
        "lists fewer names than its count 4",
    )


def test_channels_count_larger_than_names_at_end_of_joint(bvh_file):
    # Without End Site, the closing brace follows the names.
    text = replaced("\t\tEnd Site\n\t\t{\n\t\t\tOFFSET 0 5 0\n\t\t}\n", "")
    text = replaced("CHANNELS 3 Zrotation", "CHANNELS 5 Zrotation", text)
    error = read_error(bvh_file(text))
    assert "lists fewer names than its count 5" in error.detail


@pytest.mark.parametrize("count", ["7", "x", "-1", "3.0", "99"])
def test_bad_channel_count(bvh_file, count):
    fails_at(
        bvh_file,
        replaced("CHANNELS 3 Zrotation", f"CHANNELS {count} Zrotation"),
        9,
        "expected a channel count from 0 to 6 after CHANNELS",
        f"found '{count}'",
    )


# ---------------------------------------------------------------------------- braces
def test_extra_closing_brace(bvh_file):
    fails_at(
        bvh_file,
        replaced("\t}\n}\nMOTION", "\t}\n}\n}\nMOTION"),
        16,
        "unbalanced braces: this '}' closes no joint",
    )


def test_extra_closing_brace_between_roots(bvh_file):
    text = replaced("}\nMOTION", "}\n}\nROOT Prop\n{\n\tOFFSET 0 0 0\n}\nMOTION")
    fails_at(bvh_file, text, 16, "closes no joint")


def test_missing_closing_brace_before_motion(bvh_file):
    fails_at(
        bvh_file,
        replaced("\t}\n}\nMOTION", "\t}\nMOTION"),
        15,
        "unbalanced braces: joint 'Hips' opened at line 2 is not closed before MOTION",
    )


def test_two_missing_closing_braces_name_the_innermost(bvh_file):
    fails_at(
        bvh_file,
        replaced("\t\t}\n\t}\n}\nMOTION", "\t\t}\nMOTION"),
        14,
        "joint 'Chest' opened at line 6 is not closed before MOTION",
    )


def test_root_inside_an_unclosed_joint(bvh_file):
    text = replaced("\t}\n}\nMOTION", "\t}\nROOT Prop\n{\n\tOFFSET 0 0 0\n}\nMOTION")
    fails_at(bvh_file, text, 15, "ROOT inside joint 'Hips' (opened at line 2)", "'}' is missing")


def test_joint_outside_any_root(bvh_file):
    fails_at(
        bvh_file,
        "HIERARCHY\nJOINT Hips\n{\n\tOFFSET 0 0 0\n}\nMOTION\nFrames: 0\nFrame Time: 0.1\n",
        2,
        "JOINT outside any ROOT block",
    )


def test_joint_after_the_root_is_closed(bvh_file):
    text = replaced("}\nMOTION", "}\nJOINT Extra\n{\n\tOFFSET 0 0 0\n}\nMOTION")
    fails_at(bvh_file, text, 16, "JOINT outside any ROOT block; expected ROOT or MOTION")


def test_joint_without_name(bvh_file):
    text = replaced("\tJOINT Chest\n", "\tJOINT\n")
    fails_at(bvh_file, text, 6, "expected a joint name after JOINT")


def test_joint_without_opening_brace(bvh_file):
    fails_at(
        bvh_file,
        replaced("\tJOINT Chest\n\t{\n", "\tJOINT Chest\n"),
        7,
        "expected '{' to open joint 'Chest'",
        "found 'OFFSET'",
    )


def test_end_site_without_site(bvh_file):
    fails_at(bvh_file, replaced("End Site", "End"), 11, "expected 'Site' after 'End'", "'{'")


def test_end_site_with_channels(bvh_file):
    fails_at(
        bvh_file,
        replaced("\t\t\tOFFSET 0 5 0\n", "\t\t\tOFFSET 0 5 0\n\t\t\tCHANNELS 1 Xrotation\n"),
        13,
        "to close the End Site of 'Chest'",
        "found 'CHANNELS'",
    )


# ----------------------------------------------------------------------------- offsets
def test_missing_offset(bvh_file):
    fails_at(
        bvh_file,
        replaced("\t\tOFFSET 0 10 0\n", ""),
        13,
        "joint 'Chest' (line 6) has no OFFSET",
    )


@pytest.mark.parametrize(
    ("offset", "found"),
    [("0 ten 0", "'ten'"), ("0 10 nan", "'nan'"), ("inf 10 0", "'inf'"), ("0 1,0 0", "'1,0'")],
)
def test_non_numeric_offset(bvh_file, offset, found):
    fails_at(
        bvh_file,
        replaced("OFFSET 0 10 0", f"OFFSET {offset}"),
        8,
        "expected a finite number for the OFFSET of joint 'Chest'",
        f"found {found}",
    )


def test_offset_with_two_numbers(bvh_file):
    fails_at(
        bvh_file,
        replaced("OFFSET 0 10 0", "OFFSET 0 10"),
        9,
        "expected a finite number for the OFFSET of joint 'Chest', found 'CHANNELS'",
    )


def test_second_offset(bvh_file):
    fails_at(
        bvh_file,
        replaced("\t\tCHANNELS 3", "\t\tOFFSET 1 1 1\n\t\tCHANNELS 3"),
        9,
        "joint 'Chest' has a second OFFSET",
    )


def test_bad_end_site_offset(bvh_file):
    fails_at(
        bvh_file,
        replaced("OFFSET 0 5 0", "OFFSET 0 five 0"),
        12,
        "for the OFFSET of the End Site of 'Chest', found 'five'",
    )


def test_unexpected_word_in_hierarchy(bvh_file):
    fails_at(
        bvh_file,
        replaced("\t\tCHANNELS 3", "\t\tSCALE 2\n\t\tCHANNELS 3"),
        9,
        "expected ROOT, JOINT, End Site, OFFSET, CHANNELS, '}' or MOTION, found 'SCALE'",
    )


def test_duplicate_joint_name_names_the_file(bvh_file):
    path = bvh_file(replaced("JOINT Chest", "JOINT Hips"))
    error = read_error(path)
    assert str(error).startswith(f"{path}")
    assert "joint name 'Hips' is used twice" in error.detail


def test_duplicate_joint_name_names_its_line(bvh_file):
    fails_at(bvh_file, replaced("JOINT Chest", "JOINT Hips"), 6, "'Hips' is used twice")


# ------------------------------------------------------------------------ motion header
def test_missing_frame_time(bvh_file):
    fails_at(
        bvh_file,
        replaced("Frame Time: 0.0333333\n", ""),
        18,
        "expected 'Frame Time: <seconds>' after 'Frames:'",
        "found '0 1 2 3 4 5 6 7 8'",
    )


@pytest.mark.parametrize(
    "value", ["0", "-0.1", "abc", "", "nan", "inf", "0.0", "-0", "\u0660.\u0661"]
)
def test_bad_frame_time(bvh_file, value):
    fails_at(
        bvh_file,
        replaced("Frame Time: 0.0333333", f"Frame Time: {value}"),
        18,
        "expected a positive number of seconds after 'Frame Time:'",
        f"found '{value}'",
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        ("Frames: 3", "Frames: 3 4", 17, "expected 'Frames: <count>' after MOTION"),
        ("Frames: 3", "Frame: 3", 17, "expected 'Frames: <count>' after MOTION"),
        ("Frames: 3", "Frames 3", 17, "expected 'Frames: <count>' after MOTION"),
        ("Frame Time: 0.0333333", "Frame Time: 0.03 0.04", 18, "expected 'Frame Time: <seconds>'"),
        ("Frame Time: 0.0333333", "Frame Tim: 0.0333333", 18, "expected 'Frame Time: <seconds>'"),
        ("Frame Time: 0.0333333", "Fra me Time: 0.0333333", 18, "expected 'Frame Time: <seconds>'"),
    ],
)
def test_motion_header_lines_of_the_wrong_form(bvh_file, old, new, line, expected):
    fails_at(bvh_file, replaced(old, new), line, expected)


def test_missing_frames_line(bvh_file):
    fails_at(
        bvh_file,
        replaced("Frames: 3\n", ""),
        17,
        "expected 'Frames: <count>' after MOTION",
        "found 'Frame Time: 0.0333333'",
    )


@pytest.mark.parametrize("value", ["-5", "2.5", "", "three", "3e0", "+3", "\u00b3", "\u0663"])
def test_bad_frame_count(bvh_file, value):
    fails_at(
        bvh_file,
        replaced("Frames: 3", f"Frames: {value}"),
        17,
        "expected a whole number of frames after 'Frames:'",
        f"found '{value}'",
    )


def test_frames_and_frame_time_swapped(bvh_file):
    text = replaced("Frames: 3\nFrame Time: 0.0333333", "Frame Time: 0.0333333\nFrames: 3")
    fails_at(bvh_file, text, 17, "expected 'Frames: <count>' after MOTION")


def test_motion_before_any_root(bvh_file):
    fails_at(
        bvh_file,
        "HIERARCHY\n\nMOTION\nFrames: 1\nFrame Time: 0.1\n1\n",
        3,
        "MOTION before any ROOT; the file has no skeleton",
    )


# ---------------------------------------------------------------------------- endings
@pytest.mark.parametrize(
    ("cut_after", "line", "expected"),
    [
        ("ROOT Hips\n{", 3, "expected ROOT, JOINT, End Site, OFFSET, CHANNELS, '}' or MOTION"),
        ("\t\tOFFSET 0 10", 8, "expected 3 numbers for the OFFSET of joint 'Chest'"),
        ("\t\tEnd Site", 10, "expected '{' to open the End Site of 'Chest'"),
        ("\tJOINT Chest", 6, "expected a joint name and '{' after JOINT"),
        ("\t\tCHANNELS 3 Zrotation", 9, "expected 3 channel names for 'Chest'"),
        ("HIERARCHY", 1, "expected ROOT, JOINT"),
    ],
)
def test_file_ends_inside_the_hierarchy(bvh_file, cut_after, line, expected):
    text = GOOD[: GOOD.index(cut_after) + len(cut_after)]
    assert text.count("\n") == line - 1  # no final newline: the last line is `line`
    fails_at(bvh_file, text, line, expected, "found the end of the file")


def test_file_ends_inside_the_hierarchy_after_a_newline(bvh_file):
    text = GOOD[: GOOD.index("\t}\n}\n")]  # 13 lines, each ending in "\n"
    assert text.count("\n") == 13
    fails_at(bvh_file, text, 13, "found the end of the file")


def test_file_ends_after_motion(bvh_file):
    fails_at(
        bvh_file,
        HIERARCHY_TEXT + "MOTION\n",
        16,
        "expected 'Frames: <count>' after MOTION, found the end of the file",
    )


def test_file_ends_after_frames(bvh_file):
    fails_at(
        bvh_file,
        HIERARCHY_TEXT + "MOTION\nFrames: 3\n",
        17,
        "expected 'Frame Time: <seconds>' after 'Frames:', found the end of the file",
    )


# ---------------------------------------------------------------- line numbers in files
@pytest.mark.parametrize("ends", ["\r\n", "mixed"])
def test_line_numbers_with_crlf(bvh_file, ends):
    def encode(text: str) -> bytes:
        lines = text.split("\n")
        if ends == "mixed":
            return b"".join(
                (line + ("\r\n" if k % 2 else "\n")).encode() for k, line in enumerate(lines[:-1])
            )
        return text.replace("\n", "\r\n").encode()

    fails_at(bvh_file, encode(replaced("OFFSET 0 10 0", "OFFSET 0 ten 0")), 8, "found 'ten'")
    fails_at(
        bvh_file,
        encode(motion([ROWS[0], "1 2 3 4 abc 6 7 8 9", ROWS[2]])),
        20,
        "value 'abc' for channel Hips.Xrotation (frame 1)",
    )
    fails_at(bvh_file, encode(motion(ROWS, frames=5)), 21, "declares 5 frames")


def test_line_numbers_with_byte_order_mark(bvh_file):
    bom = b"\xef\xbb\xbf"
    fails_at(bvh_file, bom + replaced("OFFSET 0 10 0", "OFFSET x 10 0").encode(), 8, "found 'x'")
    fails_at(bvh_file, bom + motion(ROWS, frames=2).encode(), 21, "continues after the 2 frames")


# -------------------------------------------------------------------------- the path
def test_nonexistent_path(tmp_path):
    path = tmp_path / "missing" / "walk.bvh"
    with pytest.raises(InputError) as caught:
        read_bvh(path)
    assert isinstance(caught.value, PrevizError)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"{path}: ")
    assert "no such file" in str(caught.value)


def test_directory_path(tmp_path):
    folder = tmp_path / "takes.bvh"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        read_bvh(folder)
    assert isinstance(caught.value, PrevizError)
    assert str(caught.value).startswith(f"{folder}: ")
    assert "is a directory" in str(caught.value)


def test_error_path_is_the_path_given(bvh_file, monkeypatch):
    path = bvh_file(motion(ROWS, frames=4))
    monkeypatch.chdir(path.parent)
    error = read_error(Path(path.name))
    assert str(error) == f"{path.name}:21: {error.detail}"
    assert error.path == path.name
