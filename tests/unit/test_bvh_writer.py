"""The BVH writer: what it writes reads back as the same take."""

from __future__ import annotations

import os
import re
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_BVH

from previz.core.skeleton import EndSite, Joint, Skeleton
from previz.core.synthetic import walking_take
from previz.core.take import Placement, Take
from previz.errors import InputError, PrevizError
from previz.io import registry
from previz.io.bvh import read_bvh, write_bvh

POS = ("Xposition", "Yposition", "Zposition")


def rot(order: str) -> tuple[str, ...]:
    return tuple(f"{axis}rotation" for axis in order)


def round_trip(take: Take, path: Path, **options) -> Take:
    written = write_bvh(take, path, **options)
    assert written == path
    return read_bvh(path)


def check_same_skeleton(back: Skeleton, original: Skeleton, tolerance: float = 0.5e-6) -> None:
    assert back.names == original.names
    assert back.parents.tolist() == original.parents.tolist()
    assert [j.channels for j in back.joints] == [j.channels for j in original.joints]
    np.testing.assert_allclose(back.offsets, original.offsets, rtol=0, atol=tolerance + 1e-12)
    assert back.end_site_parents.tolist() == original.end_site_parents.tolist()
    np.testing.assert_allclose(
        back.end_site_offsets, original.end_site_offsets, rtol=0, atol=tolerance + 1e-12
    )
    assert back.end_site_slots == original.end_site_slots


def check_same_motion(back: Take, original: Take, tolerance: float = 0.5e-6) -> None:
    assert back.channels.shape == original.channels.shape
    if original.channels.size:
        # Rounding to `precision` decimals moves a value by at most half a unit of the
        # last decimal (plus the float error of values of this size).
        assert np.abs(back.channels - original.channels).max() <= tolerance * (1 + 1e-9) + 1e-12
    height = max(original.skeleton_height(), 1.0)
    difference = back.world_positions(raw=True) - original.world_positions(raw=True)
    if difference.size:
        assert np.abs(difference).max() <= 1e-5 * height
    assert back.rate == original.rate


# ------------------------------------------------------------------------ generated takes
@pytest.mark.parametrize(
    "rate",
    [24, 25, 30, 60, 120, Fraction(24000, 1001), Fraction(30000, 1001), Fraction(60000, 1001)],
    ids=str,
)
def test_walking_take_round_trip(tmp_path, rate):
    take = walking_take(1.5, rate)
    back = round_trip(take, tmp_path / "walk.bvh")
    assert back.skeleton == take.skeleton  # the walk's offsets are exact in 6 decimals
    check_same_skeleton(back.skeleton, take.skeleton)
    check_same_motion(back, take)
    assert back.rate == Fraction(rate)
    assert isinstance(back.rate, Fraction)
    assert back.frame_count == int(1.5 * Fraction(rate))
    assert back.units == "cm"
    assert back.placement.scale == 0.01
    np.testing.assert_allclose(back.world_positions(), take.world_positions(), atol=1e-7)


@pytest.mark.parametrize(
    "rate",
    [Fraction(1000, 7), Fraction(119, 2), Fraction(1), Fraction(1000), Fraction(48)],
    ids=str,
)
def test_uncommon_rates_round_trip(tmp_path, rate):
    take = walking_take(3.0, rate)
    back = round_trip(take, tmp_path / "walk.bvh")
    assert back.rate == rate
    assert back.frame_count == take.frame_count


def every_order_skeleton() -> Skeleton:
    """Every rotation order, 6-channel joints, rotation-first root, two roots, and end
    sites between sibling joints."""
    joints = (
        Joint("Hips", -1, (0.0, 95.25, 0.0), rot("ZYX") + POS),  # rotations first
        Joint("Spine", 0, (0.0, 9.8765432, -1.25), rot("XYZ")),
        Joint("Neck", 1, (0.0, 30.0, 0.5), POS + rot("XZY")),  # 6 channels, not a root
        Joint("mixamorig:LeftArm", 1, (15.0, 25.0, 0.0), rot("YXZ")),
        Joint("Left Hand", 3, (28.123456789, 0.0, 0.0), rot("YZX")),
        Joint("RightArm", 1, (-15.0, 25.0, 0.0), ("Zrotation", "Xposition", *rot("XY"))),
        Joint("RightHand", 5, (-28.0, 0.0, 0.0), rot("ZYX")),
        Joint("Tail", 0, (0.0, -5.0, -10.0), ()),
        Joint("Prop", -1, (100.0, 0.0, 50.0), ("Yposition", "Zrotation")),
    )
    sites = (
        EndSite(2, (0.0, 12.0, 0.0)),  # Neck
        EndSite(4, (8.0, 0.0, 0.0)),  # Left Hand
        EndSite(1, (0.0, 0.0, 3.0)),  # Spine: after the left arm, before the right arm
        EndSite(6, (-8.0, 0.0, 0.0)),  # RightHand
        EndSite(7, (0.0, 0.0, -20.0)),  # Tail
        EndSite(8, (0.0, 40.0, 0.0)),  # Prop
    )
    return Skeleton(joints, sites, (3, 5, 5, 7, 8, 9))


def random_channels(skeleton: Skeleton, frames: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    channels = rng.uniform(-179.0, 179.0, (frames, skeleton.channel_count))
    for index, label in enumerate(skeleton.channel_labels):
        if label.endswith("position"):
            channels[:, index] = rng.uniform(-50.0, 50.0, frames)
    return channels


def test_every_rotation_order_round_trip(tmp_path):
    skeleton = every_order_skeleton()
    assert {j.rotation_axes for j in skeleton.joints} >= {"XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"}
    take = Take(skeleton, random_channels(skeleton, 50, seed=1), Fraction(30))
    back = round_trip(take, tmp_path / "orders.bvh")
    check_same_skeleton(back.skeleton, skeleton)
    check_same_motion(back, take)
    # The kinematics of the end sites match too.
    np.testing.assert_allclose(
        back.forward_kinematics(raw=True).end_positions,
        take.forward_kinematics(raw=True).end_positions,
        atol=1e-5 * take.skeleton_height(),
    )


def test_end_site_between_siblings_is_written_between_them(tmp_path):
    skeleton = every_order_skeleton()
    take = Take(skeleton, np.zeros((1, skeleton.channel_count)), 30)
    path = tmp_path / "orders.bvh"
    write_bvh(take, path)
    order = structure(path.read_text())
    left, right = order.index("JOINT mixamorig:LeftArm"), order.index("JOINT RightArm")
    # Left arm, its hand, the hand's end site, two closing braces, then Spine's end site.
    assert order[left:right] == [
        "JOINT mixamorig:LeftArm",
        "JOINT Left Hand",
        "End Site",
        "}",
        "}",
        "}",
        "End Site",
        "}",
    ]
    assert order[-5:] == ["}", "ROOT Prop", "End Site", "}", "}"]


@pytest.mark.parametrize("order", ["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"])
def test_each_rotation_order_alone(tmp_path, order):
    skeleton = Skeleton(
        (
            Joint("Base", -1, (0.0, 0.0, 0.0), POS + rot(order)),
            Joint("Child", 0, (1.5, 20.0, -3.25), rot(order)),
            Joint("Grandchild", 1, (0.0, 15.0, 4.0), rot(order)),
        ),
        (EndSite(2, (0.0, 10.0, 0.0)),),
    )
    take = Take(skeleton, random_channels(skeleton, 20, seed=len(order) + ord(order[0])), 25)
    back = round_trip(take, tmp_path / f"{order}.bvh")
    assert back.skeleton == skeleton
    check_same_motion(back, take)


def test_take_without_frames_round_trip(tmp_path):
    skeleton = every_order_skeleton()
    take = Take(skeleton, np.zeros((0, skeleton.channel_count)), Fraction(100))
    path = tmp_path / "empty.bvh"
    back = round_trip(take, path)
    assert back.channels.shape == (0, skeleton.channel_count)
    check_same_skeleton(back.skeleton, skeleton)
    assert back.rate == 100
    assert "\nFrames: 0\nFrame Time: 0.01\n" in path.read_text()


def test_skeleton_without_channels_round_trip(tmp_path):
    skeleton = Skeleton(
        (Joint("Hips", -1, (1.0, 2.0, 3.0), ()), Joint("Head", 0, (0.0, 9.0, 0.0), ()))
    )
    take = Take(skeleton, np.zeros((3, 0)), 24)
    back = round_trip(take, tmp_path / "still.bvh")
    assert back.skeleton == skeleton
    assert back.channels.shape == (3, 0)
    np.testing.assert_array_equal(back.world_positions(raw=True)[2], [[1, 2, 3], [1, 11, 3]])


@pytest.mark.parametrize("precision", [0, 1, 3, 6, 9])
def test_precision(tmp_path, precision):
    take = walking_take(1.0, 30)
    path = tmp_path / "walk.bvh"
    back = round_trip(take, path, precision=precision)
    tolerance = 0.5 * 10.0**-precision
    error = np.abs(back.channels - take.channels).max()
    assert error <= tolerance * (1 + 1e-9) + 1e-12
    if precision <= 3:
        assert error > tolerance / 10  # the rounding really happened at that decimal
    row = path.read_text().split("\n")[-2].split()
    assert len(row) == take.skeleton.channel_count
    decimals = [len(value.partition(".")[2]) for value in row]
    assert decimals == [precision] * len(row)
    assert all(("." in value) == (precision > 0) for value in row)


def test_precision_three_keeps_channels_within_half_a_thousandth(tmp_path):
    skeleton = every_order_skeleton()
    take = Take(skeleton, random_channels(skeleton, 40, seed=3), 30)
    back = round_trip(take, tmp_path / "p3.bvh", precision=3)
    difference = np.abs(back.channels - take.channels)
    assert difference.max() <= 0.5e-3 * (1 + 1e-9)
    assert difference.max() > 0.4e-3  # 40 x 38 random values: some land near the half
    check_same_skeleton(back.skeleton, skeleton, tolerance=0.5e-3)


def test_values_are_rounded_not_truncated(tmp_path):
    skeleton = Skeleton((Joint("Hips", -1, (0.0, 0.0, 0.0), rot("ZXY")),))
    take = Take(skeleton, np.array([[0.0049, -0.0051, 179.99951]]), 30)
    path = tmp_path / "round.bvh"
    write_bvh(take, path, precision=2)
    assert path.read_text().endswith("\n0.00 -0.01 180.00\n")


# ---------------------------------------------------------------------- the file itself
def test_written_text_exactly(tmp_path):
    skeleton = Skeleton(
        (
            Joint("Hips", -1, (0.0, 0.0, 0.0), POS + rot("ZYX")),
            Joint("Chest", 0, (0.0, 10.5, -0.25), rot("ZXY")),
        ),
        (EndSite(1, (0.0, 5.0, 0.0)),),
    )
    channels = np.array(
        [[1, 2, 3, 4, 5, 6, 7, 8, 9], [0.1234567, -1e-7, 0, -90, 0.5, 1e3, 0, 0, 0]]
    )
    path = tmp_path / "small.bvh"
    write_bvh(Take(skeleton, channels, 30), path)
    assert path.read_bytes().decode("utf-8") == (
        "HIERARCHY\n"
        "ROOT Hips\n"
        "{\n"
        "\tOFFSET 0.000000 0.000000 0.000000\n"
        "\tCHANNELS 6 Xposition Yposition Zposition Zrotation Yrotation Xrotation\n"
        "\tJOINT Chest\n"
        "\t{\n"
        "\t\tOFFSET 0.000000 10.500000 -0.250000\n"
        "\t\tCHANNELS 3 Zrotation Xrotation Yrotation\n"
        "\t\tEnd Site\n"
        "\t\t{\n"
        "\t\t\tOFFSET 0.000000 5.000000 0.000000\n"
        "\t\t}\n"
        "\t}\n"
        "}\n"
        "MOTION\n"
        "Frames: 2\n"
        "Frame Time: 0.03333333333\n"
        "1.000000 2.000000 3.000000 4.000000 5.000000 6.000000 7.000000 8.000000 9.000000\n"
        "0.123457 -0.000000 0.000000 -90.000000 0.500000 1000.000000 0.000000 0.000000 0.000000\n"
    )


def test_file_uses_tabs_lf_and_a_final_newline(tmp_path):
    take = walking_take(1.0, 120)
    path = tmp_path / "walk.bvh"
    write_bvh(take, path)
    data = path.read_bytes()
    assert b"\r" not in data
    assert data.endswith(b"\n")
    assert not data.endswith(b"\n\n")
    text = data.decode("utf-8")
    lines = text.split("\n")[:-1]
    head = lines[: lines.index("MOTION")]
    assert head[0] == "HIERARCHY"
    assert all(not line.startswith(" ") and not line.endswith((" ", "\t")) for line in lines)
    indented = [line for line in head if line.startswith("\t")]
    assert len(indented) > 100  # every line inside ROOT is indented, with tabs only
    assert all(line.lstrip("\t") == line.strip() for line in head)
    assert max(len(line) - len(line.lstrip("\t")) for line in head) >= 6
    assert "Frames: 120" in lines
    assert lines[lines.index("MOTION") + 1] == "Frames: 120"
    assert lines[lines.index("MOTION") + 2].startswith("Frame Time: 0.00833333")
    assert len(lines) == lines.index("MOTION") + 3 + 120
    assert all(len(line.split(" ")) == 96 for line in lines[-120:])


def test_progress_counts_every_frame(tmp_path):
    take = walking_take(35.0, 120)  # 4200 frames: more than one block
    calls: list[int] = []
    write_bvh(take, tmp_path / "long.bvh", progress=calls.append)
    assert sum(calls) == take.frame_count == 4200
    assert len(calls) >= 2
    assert all(count > 0 for count in calls)


def test_progress_without_frames(tmp_path):
    skeleton = every_order_skeleton()
    take = Take(skeleton, np.zeros((0, skeleton.channel_count)), 30)
    calls: list[int] = []
    write_bvh(take, tmp_path / "empty.bvh", progress=calls.append)
    assert sum(calls) == 0


def test_write_through_the_format_table(tmp_path):
    take = walking_take(0.5, 24)
    path = tmp_path / "Walk.BVH"
    registry.write(take, path, "take")
    back = registry.read(path, "take")
    check_same_motion(back, take)


def test_overwrites_an_existing_file(tmp_path):
    path = tmp_path / "walk.bvh"
    path.write_text("old content that is not BVH\n" * 1000)
    take = walking_take(0.5, 24)
    back = round_trip(take, path)
    check_same_motion(back, take)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk.bvh"]


def test_missing_folder(tmp_path):
    path = tmp_path / "no" / "such" / "walk.bvh"
    with pytest.raises(InputError) as caught:
        write_bvh(walking_take(0.5, 24), path)
    assert isinstance(caught.value, PrevizError)
    assert str(path.parent) in str(caught.value)
    assert "does not exist" in str(caught.value)
    assert not (tmp_path / "no").exists()
    assert list(tmp_path.iterdir()) == []


def test_no_temporary_file_left_after_success(tmp_path):
    write_bvh(walking_take(0.5, 24), tmp_path / "a.bvh")
    write_bvh(walking_take(0.5, 24), str(tmp_path / "b.bvh"))
    assert sorted(os.listdir(tmp_path)) == ["a.bvh", "b.bvh"]


def test_failed_write_leaves_nothing(tmp_path):
    def stop(count: int) -> None:
        raise KeyboardInterrupt  # the user gives up half-way

    with pytest.raises(KeyboardInterrupt):
        write_bvh(walking_take(35.0, 120), tmp_path / "long.bvh", progress=stop)
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "walk.bvh"
    path.write_bytes(b"previous take")
    calls: list[int] = []

    def stop_after_first_block(count: int) -> None:
        calls.append(count)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_bvh(walking_take(35.0, 120), path, progress=stop_after_first_block)
    assert calls == [4096]
    assert path.read_bytes() == b"previous take"
    assert os.listdir(tmp_path) == ["walk.bvh"]


# ----------------------------------------------------------------- takes it cannot write
def _write_or_refuse(take: Take, path: Path) -> Take | None:
    """Write and read back; None when the writer refuses with a ValueError (and no file)."""
    try:
        write_bvh(take, path)
    except ValueError:
        assert not path.exists()
        return None
    return read_bvh(path)


def test_non_finite_channels_are_refused_when_the_take_is_made():
    skeleton = Skeleton((Joint("Hips", -1, (0.0, 0.0, 0.0), ("Xrotation",)),))
    with pytest.raises(ValueError, match=r"Hips\.Xrotation is nan at frame 0"):
        Take(skeleton, np.array([[np.nan], [1.0]]), 30)


def test_impossible_end_site_slot_is_refused():
    joints = (
        Joint("Hips", -1, (0.0, 0.0, 0.0), ("Xrotation",)),
        Joint("A", 0, (1.0, 0.0, 0.0), ()),
        Joint("B", 0, (0.0, 1.0, 0.0), ()),
    )
    # The end site of A cannot follow A's sibling B: no file can say that.
    with pytest.raises(ValueError, match="end site of 'A' cannot come after 3 joints"):
        Skeleton(joints, (EndSite(1, (0.0, 0.0, 1.0)),), (3,))
    # Right after A (slot 2) it is fine and survives a round trip.
    skeleton = Skeleton(joints, (EndSite(1, (0.0, 0.0, 1.0)),), (2,))
    back = round_trip(Take(skeleton, np.zeros((1, 1)), 30), Path(tempfile.mkdtemp()) / "s.bvh")
    assert back.skeleton.end_sites == skeleton.end_sites
    assert back.skeleton.end_site_slots == (2,)


@pytest.mark.parametrize("name", ["Left  Arm", " B", "B ", "", "A{", "x}y"])
def test_names_that_cannot_survive_a_file_are_refused(name):
    joints = (Joint(name, -1, (0.0, 0.0, 0.0), ("Xrotation",)),)
    with pytest.raises(ValueError, match="cannot be written to a file"):
        Skeleton(joints)


def test_placement_is_not_written(tmp_path):
    take = walking_take(0.5, 24).with_placement(scale=0.0254, heading=90.0, position=(1, 2, 0))
    back = round_trip(take, tmp_path / "walk.bvh")
    # The file holds the source numbers only: raw positions agree, placement is guessed anew.
    check_same_motion(back, take)
    assert back.placement == Placement(scale=0.01, up_axis="y")


# ------------------------------------------------------------------------ shared data
SHARED_NAMES = [
    "bandai_dataset-1_dance-short_normal_001",
    "cmu3dsmax_131_02",
    "cmu_01_01",
    "mocapbank_test_mocapbank",
    "noitom_PNS_skeleton",
    "perfume_A_test",
]


def structure(text: str) -> list[str]:
    """The hierarchy as ``ROOT name``, ``JOINT name``, ``End Site`` and ``}`` in file order."""
    head = re.split(r"^\s*MOTION\s*$", text, maxsplit=1, flags=re.MULTILINE | re.IGNORECASE)[0]
    items: list[str] = []
    for line in head.splitlines():
        words = line.split()
        if not words:
            continue
        keyword = words[0].upper()
        if keyword in ("ROOT", "JOINT"):
            name = " ".join(w for w in words[1:] if w != "{")
            items.append(f"{keyword} {name}")
        elif keyword == "END":
            items.append("End Site")
        elif words[0] == "}":
            items.append("}")
    return items


@pytest.mark.shared
@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in SHARED_NAMES])
def test_shared_file_round_trip(tmp_path, name):
    source = SHARED_BVH / f"{name}.bvh"
    if not source.is_file():
        pytest.skip(f"shared data not found: {source}")
    take = read_bvh(source)
    path = tmp_path / f"{name}.bvh"
    back = round_trip(take, path)
    check_same_skeleton(back.skeleton, take.skeleton)
    check_same_motion(back, take)
    assert back.frame_count == take.frame_count
    assert back.units == take.units
    assert back.placement.scale == pytest.approx(take.placement.scale, rel=1e-6)
    original = structure(source.read_bytes().decode("latin-1"))
    written = structure(path.read_text())
    assert written == original
    joints = [item.split(" ", 1)[1] for item in written if item.startswith(("ROOT", "JOINT"))]
    assert tuple(joints) == take.skeleton.names
