"""Shot plans: reading every key, the errors (file + key path), frame layout,
camera paths from marks and from files, and saving marks without losing the
user's comments."""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomlkit

from previz.core.camera_path import CameraPath
from previz.core.lens import SensorFit
from previz.core.rig import RigLibrary
from previz.core.shotplan import Mark, ShotPlan, plan_problems, validate_plan
from previz.errors import DataFileError, InputError
from previz.io.datafiles import load_rig_library
from previz.io.opentrackio_json import read_json, write_json
from previz.io.plan_assets import plan_camera_path
from previz.io.shotplan_toml import new_plan, read_plan, save_marks, write_plan
from rig_samples import CAMERA, PRIMES, SUPPORT, ZOOM

REPO = Path(__file__).resolve().parents[2]

FULL = """\
# A plan with every key the schema has.
schema = "previz.shotplan/1"

[sequence]
title = "Corner chase"
rate = "23.976"           # NTSC
resolution = [2048, 858]
start_frame = 1001
aspect = 2.39

[set]
path = "sets/street.obj"
up_axis = "y"
units = "cm"

[camera]
body = "test-cam:16x9"
lens_kit = "test-primes"
support = "test-dolly"
fit = "overscan"

[[performers]]
name = "hero"
take = "takes/run.bvh"
position = [1.0, 2.0, 0.0]
heading = 90.0
scale = 0.01
time_offset = 12
trim = [0, 240]

[[performers]]
name = "extra"
take = "builtin:performer"

# Marks saved by the scout
[[marks]]
name = "A"   # the doorway
position = [1.0, -6.0, 1.6]
pan = 10.0   # look left
tilt = -3.0
roll = 0.0
focal = 25.0
focus = 4.5
f_stop = 2.8
note = "low angle on the doorway"

# B ends the push
[[marks]]
name = "B"
position = [2.0, -3.0, 1.5]
pan = 20
tilt = 0
focal = 50

[[marks]]
name = "C"
position = [0.0, 0.0, 2.0]
focal = 50.0
body = "test-cam:open-gate"

# The shots, in cut order
[[shots]]
id = "010"
description = "Hero exits the shop"
marks = ["A", "B"]
keys = [0, 48]
frames = 96
handles = 8
notes = "wide"
tags = ["wide", "establishing"]

[[shots]]
id = "020"
camera = "takes/cam.json"
camera_trim = [1001, 1040]
frame_range = [1200, 1223]
handles = 4
lens = 50.0

[[shots]]
id = "030"
marks = ["C"]
frames = 24
"""


@pytest.fixture
def library(tmp_path: Path) -> RigLibrary:
    folder = tmp_path / "rigs"
    folder.mkdir()
    for name, text in (("cam", CAMERA), ("primes", PRIMES), ("zoom", ZOOM),
                       ("dolly", SUPPORT)):
        (folder / f"{name}.toml").write_text(text)
    return load_rig_library((folder,))


def dolly_move(rate: int = 48, seconds: float = 2.0) -> CameraPath:
    """A camera moving along +x at 1.2 m/s and panning 20°/s, one sample per frame."""
    times = np.arange(round(seconds * rate) + 1) / rate
    count = times.size
    return CameraPath.from_pan_tilt_roll(
        times, np.column_stack([1.2 * times, np.zeros(count), np.full(count, 1.5)]),
        np.column_stack([20 * times, np.zeros(count), np.zeros(count)]),
        focal_mm=25.0, rate=rate,
    )


@pytest.fixture
def plan_folder(tmp_path: Path) -> Path:
    """A folder with the files FULL names: a set, a take and a camera path (48 fps)."""
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "street.obj").write_text("v 0 0 0\n")
    (tmp_path / "takes").mkdir()
    (tmp_path / "takes" / "run.bvh").write_text("HIERARCHY\n")
    write_json(dolly_move(), tmp_path / "takes" / "cam.json")
    return tmp_path


def write(folder: Path, text: str, name: str = "plan.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def mutated(folder: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """FULL with ``change`` applied to its data, written as plan.toml."""
    data = tomllib.loads(FULL)
    change(data)
    return write(folder, tomlkit.dumps(data))


def fails(path: Path, key: str, message: str) -> str:
    """The regex an error about ``key`` in ``path`` must match."""
    return "^" + re.escape(f"{path}: {key}: ") + message


# ------------------------------------------------------------------ reading
def test_full_example_is_read_key_by_key(plan_folder: Path) -> None:
    plan = read_plan(write(plan_folder, FULL))
    sequence = plan.sequence
    assert sequence.title == "Corner chase"
    assert sequence.rate == Fraction(24000, 1001)
    assert sequence.resolution == (2048, 858)
    assert (sequence.start_frame, sequence.aspect) == (1001, 2.39)
    assert sequence.frame_aspect == pytest.approx(2048 / 858)
    assert (plan.set.path, plan.set.up_axis, plan.set.units) == ("sets/street.obj", "y", "cm")
    assert plan.set.metres_per_unit == 0.01
    assert plan.camera.body == "test-cam:16x9"
    assert (plan.camera.lens_kit, plan.camera.support) == ("test-primes", "test-dolly")
    assert plan.camera.fit is SensorFit.OVERSCAN
    hero, extra = plan.performers
    assert (hero.name, hero.take, hero.position, hero.heading) == (
        "hero", "takes/run.bvh", (1.0, 2.0, 0.0), 90.0)
    assert (hero.scale, hero.time_offset, hero.trim) == (0.01, 12, (0, 240))
    assert hero.first_frame(sequence) == 1013
    assert hero.placement(sequence).time_offset == Fraction(12) / Fraction(24000, 1001)
    assert (extra.is_builtin, extra.position, extra.scale, extra.trim) == (
        True, (0.0, 0.0, 0.0), None, None)
    a, b, c = plan.marks
    assert (a.name, a.position, a.pan_tilt_roll, a.focal) == (
        "A", (1.0, -6.0, 1.6), (10.0, -3.0, 0.0), 25.0)
    assert (a.focus, a.f_stop, a.note, a.body) == (4.5, 2.8, "low angle on the doorway", None)
    assert (b.pan_tilt_roll, b.focal, b.focus, b.aperture) == ((20.0, 0.0, 0.0), 50.0,
                                                                math.inf, 2.8)
    assert c.body == "test-cam:open-gate"
    first, second, _third = plan.shots
    assert (first.id, first.marks, first.keys, first.frames, first.handles) == (
        "010", ("A", "B"), (0, 48), 96, 8)
    assert (first.description, first.notes, first.tags) == (
        "Hero exits the shop", "wide", ("wide", "establishing"))
    assert (second.camera, second.camera_trim, second.frame_range, second.lens) == (
        "takes/cam.json", (1001, 1040), (1200, 1223), 50.0)
    assert second.source_kind == "camera"
    assert plan.frame_ranges() == ((1001, 1096), (1200, 1223), (1224, 1247))
    assert [plan.focal(s.id) for s in plan.shots] == [25.0, 50.0, 50.0]
    assert plan.resolve("takes/cam.json") == plan_folder / "takes" / "cam.json"


@pytest.mark.parametrize(("written", "expected"), [
    ("24", Fraction(24)),
    ("25.0", Fraction(25)),
    ('"24000/1001"', Fraction(24000, 1001)),
    ('"23.976"', Fraction(24000, 1001)),
    ("29.97", Fraction(30000, 1001)),
])
def test_rate_spellings(tmp_path: Path, written: str, expected: Fraction) -> None:
    text = FULL.replace('rate = "23.976"           # NTSC', f"rate = {written}")
    assert read_plan(write(tmp_path, text)).sequence.rate == expected


def test_minimal_plan_takes_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, 'schema = "previz.shotplan/1"\n[sequence]\nrate = 25\n'
                           'resolution = [1280, 720]\n[set]\npath = "builtin:demo"\n')
    plan = read_plan(path)
    sequence = plan.sequence
    assert (sequence.start_frame, sequence.title, sequence.aspect) == (1001, "", None)
    assert plan.sequence.guide_aspect == pytest.approx(16 / 9)
    assert (plan.performers, plan.marks, plan.shots) == ((), (), ())
    assert (plan.camera.body, plan.camera.fit) == (None, SensorFit.FILL)


# --------------------------------------------------------------- the errors
def _set(*keys: Any) -> Callable[[dict[str, Any]], None]:
    """A change setting data[k1][k2]... = value (the last argument)."""
    *path, last, value = keys

    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path:
            target = target[key]
        target[last] = value

    return change


def _drop(*keys: Any) -> Callable[[dict[str, Any]], None]:
    *path, last = keys

    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path:
            target = target[key]
        del target[last]

    return change


@pytest.mark.parametrize(("change", "key", "message"), [
    (_set("extra", 1), "extra",
     "unknown key; valid keys: schema, sequence, set, camera, performers, marks, shots"),
    (_set("marks", 1, "colour", "red"), "marks[1].colour",
     "unknown key; valid keys: name, position, pan, tilt, roll, focal, focus, f_stop, body, note"),
    (_set("shots", 2, "lenz", 25), "shots[2].lenz", "unknown key; valid keys: id, description"),
    (_set("schema", "previz.shotplan/2"), "schema",
     "expected 'previz.shotplan/1', found 'previz.shotplan/2'"),
    (_drop("sequence", "rate"), "sequence.rate", "is required"),
    (_set("sequence", "rate", "fast"), "sequence.rate", "frame rate 'fast' is not a number"),
    (_set("sequence", "resolution", [1920, 0]), "sequence.resolution",
     "expected two positive whole numbers"),
    (_set("sequence", "start_frame", 1001.5), "sequence.start_frame",
     "expected a whole number, found 1001.5"),
    (_set("set", "scale", 0.01), "set.scale", "give units or scale, not both"),
    (_set("set", "up_axis", "x"), "set.up_axis", "'x' is not one of y, z"),
    (_set("camera", "fit", "stretch"), "camera.fit",
     "'stretch' is not one of fill, horizontal, vertical, overscan"),
    (_set("performers", 0, "position", [1, 2]), "performers[0].position",
     r"expected 3 numbers, found \[1, 2\]"),
    (_set("performers", 0, "trim", [240, 0]), "performers[0].trim",
     r"expected \[first, last\] with first <= last"),
    (_set("performers", 1, "name", "hero"), "performers[1].name",
     r"'hero' is already used by performers\[0\]"),
    (_set("marks", 0, "focal", "wide"), "marks[0].focal",
     "expected a positive number, found 'wide'"),
    (_set("marks", 0, "pan", True), "marks[0].pan", "expected a number, found True"),
    (_drop("marks", 1, "position"), "marks[1].position", "is required"),
    (_set("marks", 2, "name", "A"), "marks[2].name", r"'A' is already used by marks\[0\]"),
    (_set("shots", 0, "frames", "long"), "shots[0].frames",
     "expected a whole number, found 'long'"),
    (_set("shots", 0, "tags", "wide"), "shots[0].tags", "expected a list of text"),
    (_set("shots", 0, "handles", -1), "shots[0].handles", "expected a whole number >= 0"),
    (_set("shots", 0, "marks", ["A", "Z"]), "shots[0].marks[1]",
     "unknown mark 'Z'; valid: A, B, C"),
    (_set("shots", 0, "keys", [0]), "shots[0].keys", "has 1 frames for 2 marks"),
    (_set("shots", 0, "keys", [48, 0]), "shots[0].keys", r"\[48, 0\] must increase"),
    (_set("shots", 0, "keys", [0, 200]), "shots[0].keys", "frame 200 is outside the shot"),
    (_set("shots", 1, "frames", 24), "shots[1].frames",
     "give either frames .* or frame_range"),
    (_drop("shots", 2, "frames"), "shots[2].frames", "give either frames"),
    (_set("shots", 1, "frame_range", [1223, 1200]), "shots[1].frame_range",
     "expected .first, last. with first <= last"),
    (_set("shots", 2, "camera", "takes/cam.json"), "shots[2].camera",
     "give either marks or camera, not both"),
    (_drop("shots", 2, "marks"), "shots[2]", "needs marks"),
    (_set("shots", 0, "camera_trim", [0, 10]), "shots[0].camera_trim", "needs camera"),
    (_set("shots", 1, "id", "010"), "shots[1].id", r"'010' is already used by shots\[0\]"),
])
def test_errors_name_file_and_key_path(tmp_path: Path, change: Callable[[dict[str, Any]], None],
                                       key: str, message: str) -> None:
    path = mutated(tmp_path, change)
    with pytest.raises(DataFileError, match=fails(path, key, message)):
        read_plan(path)


def test_overlapping_ranges_name_both_shots(tmp_path: Path) -> None:
    path = mutated(tmp_path, _set("shots", 1, "frame_range", [1090, 1110]))
    expected = ("shot '020' (frames 1090-1110) overlaps shot '010' (shots[0], frames 1001-1096)")
    with pytest.raises(DataFileError, match=fails(path, "shots[1].frame_range",
                                                  re.escape(expected))):
        read_plan(path)


def test_overlap_with_a_laid_out_shot_names_the_later_one(tmp_path: Path) -> None:
    # 030 follows 020 (1224-1247); a fourth shot placed at 1240 collides with it.
    def change(data: dict[str, Any]) -> None:
        data["shots"].append({"id": "040", "marks": ["A"], "frame_range": [1240, 1250]})

    path = mutated(tmp_path, change)
    with pytest.raises(DataFileError, match=re.escape(
            "shots[3].frame_range: shot '040' (frames 1240-1250) overlaps shot '030' "
            "(shots[2], frames 1224-1247)")):
        read_plan(path)


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"nope\.toml: no such file"):
        read_plan(tmp_path / "nope.toml")
    with pytest.raises(DataFileError, match=r"bad\.toml: not valid TOML"):
        read_plan(write(tmp_path, "schema = \n", "bad.toml"))


# ---------------------------------------------------- checks against the world
def test_full_example_validates(plan_folder: Path, library: RigLibrary) -> None:
    plan = read_plan(write(plan_folder, FULL))
    assert plan_problems(plan, library) == []
    assert validate_plan(plan, library) is plan


@pytest.mark.parametrize(("change", "key", "message"), [
    (_set("marks", 0, "focal", 27), "marks[0].focal",
     "27 mm is not in lens kit 'test-primes'; valid: 25mm T2, 50mm"),
    (_set("shots", 1, "lens", 35.0), "shots[1].lens", "35 mm is not in lens kit 'test-primes'"),
    (_set("camera", "body", "alexa"), "camera.body",
     "unknown camera body 'alexa'; valid: test-cam"),
    (_set("camera", "body", "test-cam:vista"), "camera.body",
     "camera 'test-cam' has no sensor mode 'vista'; valid: open-gate, 16x9"),
    (_set("marks", 2, "body", "venice"), "marks[2].body", "unknown camera body 'venice'"),
    (_set("camera", "lens_kit", "zeiss"), "camera.lens_kit", "unknown lens kit 'zeiss'"),
    (_set("camera", "support", "crane"), "camera.support", "unknown camera support 'crane'"),
    (_set("performers", 0, "take", "takes/walk.bvh"), "performers[0].take",
     "take file not found: .*walk.bvh"),
    (_set("performers", 1, "take", "builtin:dancer"), "performers[1].take",
     "unknown built-in take 'builtin:dancer'; valid: builtin:performer"),
    (_set("set", "path", "sets/missing.glb"), "set.path", "set file not found"),
    (_set("set", "path", "builtin:moon"), "set.path", "unknown built-in set 'builtin:moon'"),
    (_set("shots", 1, "camera", "takes/lost.json"), "shots[1].camera", "camera file not found"),
    (_set("marks", 1, "body", "test-cam:open-gate"), "shots[0].marks",
     "the marks of one shot must use one camera body"),
])
def test_validation_errors_name_file_and_key_path(
    plan_folder: Path, library: RigLibrary, change: Callable[[dict[str, Any]], None],
    key: str, message: str,
) -> None:
    plan = read_plan(mutated(plan_folder, change))
    with pytest.raises(DataFileError, match=fails(plan_folder / "plan.toml", key, message)):
        validate_plan(plan, library)


def test_every_problem_is_listed(plan_folder: Path, library: RigLibrary) -> None:
    def change(data: dict[str, Any]) -> None:
        data["marks"][0]["focal"] = 27
        data["marks"][1]["focal"] = 28
        data["set"]["path"] = "gone.obj"

    problems = plan_problems(read_plan(mutated(plan_folder, change)), library)
    assert [str(p).split(": ")[1] for p in problems] == ["set.path", "marks[0].focal",
                                                        "marks[1].focal"]


def test_demo_plan_validates() -> None:
    plan = read_plan(REPO / "shots" / "demo.toml")
    assert validate_plan(plan, load_rig_library()) is plan
    assert plan.set.path == "builtin:demo"
    assert len(plan.shots) >= 1


# ------------------------------------------------------------ frame layout
def layout(tmp_path: Path, shots: list[dict[str, Any]], start: int = 1001) -> ShotPlan:
    data = {"schema": "previz.shotplan/1",
            "sequence": {"rate": 24, "resolution": [1920, 1080], "start_frame": start},
            "set": {"path": "builtin:demo"},
            "marks": [{"name": "A", "position": [0, 0, 1], "focal": 25}],
            "shots": [{"marks": ["A"], **shot} for shot in shots]}
    return read_plan(write(tmp_path, tomlkit.dumps(data)))


def test_shots_are_laid_end_to_end_from_start_frame(tmp_path: Path) -> None:
    plan = layout(tmp_path, [{"id": "a", "frames": 10}, {"id": "b", "frames": 5, "handles": 3},
                             {"id": "c", "frames": 1}], start=86400)
    assert plan.frame_ranges() == ((86400, 86409), (86410, 86414), (86415, 86415))
    assert plan.frame_range("b") == (86410, 86414)


def test_explicit_ranges_leave_gaps_and_later_shots_follow_them(tmp_path: Path) -> None:
    plan = layout(tmp_path, [{"id": "a", "frames": 10}, {"id": "b", "frame_range": [1100, 1119]},
                             {"id": "c", "frames": 4}, {"id": "d", "frame_range": [1050, 1059]}])
    assert plan.frame_ranges() == ((1001, 1010), (1100, 1119), (1120, 1123), (1050, 1059))


def test_zero_frames_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"shots\[0\]\.frames: expected a whole number >= 1"):
        layout(tmp_path, [{"id": "a", "frames": 0}])


def test_unknown_shot_id_lists_the_valid_ones(tmp_path: Path) -> None:
    plan = layout(tmp_path, [{"id": "a", "frames": 10}, {"id": "b", "frames": 10}])
    with pytest.raises(InputError, match="no shot 'z'; valid: a, b"):
        plan.frame_range("z")


# ------------------------------------------------------ camera from marks
MARKS = [
    {"name": "P", "position": [0.0, -5.0, 1.5], "pan": 0.0, "tilt": 0.0, "focal": 25,
     "focus": 5.0},
    {"name": "Q", "position": [2.0, -4.0, 1.2], "pan": 30.0, "tilt": -5.0, "roll": 2.0,
     "focal": 50, "focus": 3.0, "f_stop": 4.0},
    {"name": "R", "position": [3.0, -1.0, 1.8], "pan": 60.0, "tilt": 5.0, "focal": 50},
]


def marks_plan(tmp_path: Path, shot: dict[str, Any], **camera: Any) -> ShotPlan:
    data = {"schema": "previz.shotplan/1",
            "sequence": {"rate": 24, "resolution": [1920, 1080]},
            "set": {"path": "builtin:demo"},
            "camera": {"body": "test-cam:16x9", "lens_kit": "test-primes", **camera},
            "marks": MARKS, "shots": [{"id": "s", **shot}]}
    return read_plan(write(tmp_path, tomlkit.dumps(data)))


def test_camera_path_passes_through_the_marks_at_their_keys(
    tmp_path: Path, library: RigLibrary
) -> None:
    plan = marks_plan(tmp_path, {"marks": ["P", "Q", "R"], "keys": [0, 10, 30], "frames": 40})
    path = plan_camera_path(plan, "s", library)
    assert (path.rate, len(path)) == (24, 40)
    np.testing.assert_array_equal(path.frames, np.arange(1001, 1041))
    assert plan.key_frames("s") == (1001, 1011, 1031)
    angles = path.pan_tilt_roll()
    for mark, offset in zip(MARKS, (0, 10, 30), strict=True):
        np.testing.assert_allclose(path.positions[offset], mark["position"], atol=1e-12)
        expected = [mark["pan"], mark["tilt"], mark.get("roll", 0.0)]
        np.testing.assert_allclose(angles[offset], expected, atol=1e-9)
        assert path.focal_mm[offset] == mark["focal"]
    np.testing.assert_allclose(path.focus_m[[0, 5, 10]], [5.0, 4.0, 3.0])
    assert math.isinf(path.focus_m[30])
    # towards infinity focus moves in diopters: halfway from 3 m to infinity is 6 m
    assert path.focus_m[20] == pytest.approx(6.0)
    np.testing.assert_allclose(path.f_stop[[0, 10, 30]], [2.8, 4.0, 2.8])
    # after the last key the camera holds on R
    np.testing.assert_allclose(path.positions[30:], np.tile(MARKS[2]["position"], (10, 1)),
                               atol=1e-12)
    # between keys it moves
    assert 0.0 < path.positions[5, 0] < 2.0
    info = path.camera
    assert (info.film_back.width_mm, info.film_back.height_mm) == (27.99, 15.75)
    assert (info.body, info.lens_kit, info.squeeze) == ("test-cam:16x9", "test-primes", 1.0)
    assert info.aspect == pytest.approx(16 / 9)


def test_marks_are_spread_evenly_without_keys(tmp_path: Path, library: RigLibrary) -> None:
    plan = marks_plan(tmp_path, {"marks": ["P", "Q", "R"], "frames": 41})
    assert plan.key_frames("s") == (1001, 1021, 1041)
    path = plan_camera_path(plan, "s", library)
    np.testing.assert_allclose(path.positions[[0, 20, 40]], [m["position"] for m in MARKS],
                               atol=1e-12)


def test_one_mark_is_a_static_camera(tmp_path: Path, library: RigLibrary) -> None:
    plan = marks_plan(tmp_path, {"marks": ["Q"], "frames": 12, "handles": 3})
    path = plan_camera_path(plan, "s", library)
    assert (len(path), path.start_frame) == (12, 1001)
    np.testing.assert_allclose(path.positions, np.tile([2.0, -4.0, 1.2], (12, 1)), atol=1e-12)
    np.testing.assert_allclose(path.pan_tilt_roll(), np.tile([30.0, -5.0, 2.0], (12, 1)),
                               atol=1e-9)
    assert np.ptp(path.positions, axis=0).max() == 0.0
    with_handles = plan_camera_path(plan, "s", library, handles=True)
    assert len(with_handles) == 18
    np.testing.assert_array_equal(with_handles.frames[[0, -1]], [998, 1015])
    # Mark.camera_path on its own gives the same camera
    alone = plan.mark("Q").camera_path(24, 1001, 12, camera=path.camera)
    np.testing.assert_allclose(alone.positions, path.positions)
    np.testing.assert_allclose(alone.orientations, path.orientations)


def test_shot_lens_overrides_the_marks_focal(tmp_path: Path, library: RigLibrary) -> None:
    plan = marks_plan(tmp_path, {"marks": ["P", "Q"], "frames": 10, "lens": 50.0})
    assert set(plan_camera_path(plan, "s", library).focal_mm) == {50.0}


def test_mark_body_override_and_squeeze_from_the_kit(tmp_path: Path, library: RigLibrary) -> None:
    marks = [dict(MARKS[0], body="test-cam:open-gate"), *MARKS[1:]]
    data = {"schema": "previz.shotplan/1", "sequence": {"rate": 24, "resolution": [1920, 1080]},
            "set": {"path": "builtin:demo"}, "camera": {"body": "test-cam:16x9",
                                                        "lens_kit": "test-zoom"},
            "marks": marks, "shots": [{"id": "s", "marks": ["P"], "frames": 2}]}
    plan = read_plan(write(tmp_path, tomlkit.dumps(data)))
    info = plan_camera_path(plan, "s", library).camera
    assert (info.body, info.film_back.height_mm, info.squeeze) == ("test-cam:open-gate", 19.22,
                                                                   2.0)


def test_a_mark_is_framed_on_its_own_body_else_the_plans(tmp_path: Path,
                                                         library: RigLibrary) -> None:
    marks = [dict(MARKS[0], body="test-cam:open-gate"), *MARKS[1:]]
    data = {"schema": "previz.shotplan/1", "sequence": {"rate": 24, "resolution": [1920, 1080]},
            "set": {"path": "builtin:demo"}, "camera": {"body": "test-cam:16x9",
                                                        "lens_kit": "test-zoom", "fit": "fill"},
            "marks": marks, "shots": [{"id": "s", "marks": ["P"], "frames": 2}]}
    plan = read_plan(write(tmp_path, tomlkit.dumps(data)))
    own, plans = (plan.mark_camera_info(mark["name"], library) for mark in marks[:2])
    assert (own.body, own.film_back.height_mm, own.squeeze) == ("test-cam:open-gate", 19.22, 2.0)
    assert plans.body == "test-cam:16x9" and plans.lens_kit == "test-zoom"  # noqa: PT018
    assert own == plan.camera_info("s", library)  # the shot's first mark: the same framing
    with pytest.raises(InputError, match="no mark 'nope'"):
        plan.mark_camera_info("nope", library)
    data["marks"] = [dict(MARKS[0], body="no-such-cam"), *MARKS[1:]]
    plan = read_plan(write(tmp_path, tomlkit.dumps(data)))
    with pytest.raises(DataFileError, match=r"plan.toml: marks\[0\]\.body: .*no-such-cam"):
        plan.mark_camera_info(MARKS[0]["name"], library)


def test_no_body_gives_the_default_film_back(tmp_path: Path) -> None:
    data = {"schema": "previz.shotplan/1", "sequence": {"rate": 24, "resolution": [1920, 1080]},
            "set": {"path": "builtin:demo"}, "marks": MARKS,
            "shots": [{"id": "s", "marks": ["P"], "frames": 2}]}
    plan = read_plan(write(tmp_path, tomlkit.dumps(data)))
    info = plan_camera_path(plan, "s", None).camera
    assert (info.film_back.width_mm, info.film_back.height_mm, info.body) == (36.0, 24.0, "")


# ------------------------------------------------------ camera from a file
def file_plan(folder: Path, shot: dict[str, Any], rate: int = 24) -> ShotPlan:
    data = {"schema": "previz.shotplan/1", "sequence": {"rate": rate, "resolution": [1920, 1080]},
            "set": {"path": "builtin:demo"},
            "shots": [{"id": "s", "camera": "takes/cam.json", **shot}]}
    return read_plan(write(folder, tomlkit.dumps(data)))


def test_camera_file_is_trimmed_and_resampled(plan_folder: Path) -> None:
    # The file: 97 frames at 48 fps, numbered 1001-1097, x = 1.2 m/s * t, pan 20°/s * t.
    plan = file_plan(plan_folder, {"camera_trim": [1011, 1070], "frames": 24})
    path = plan_camera_path(plan, "s", None)
    assert (path.rate, len(path), path.start_frame) == (24, 24, 1001)
    seconds = 10 / 48 + np.arange(24) / 24
    np.testing.assert_allclose(path.positions[:, 0], 1.2 * seconds, atol=1e-9)
    np.testing.assert_allclose(path.pan_tilt_roll()[:, 0], 20 * seconds, atol=1e-6)
    assert set(path.focal_mm) == {25.0}


def test_camera_file_handles_use_frames_beyond_the_trim(plan_folder: Path) -> None:
    plan = file_plan(plan_folder, {"camera_trim": [1011, 1070], "frames": 24, "handles": 2})
    path = plan_camera_path(plan, "s", None, handles=True)
    assert (len(path), path.start_frame) == (28, 999)
    seconds = 10 / 48 + (np.arange(28) - 2) / 24
    np.testing.assert_allclose(path.positions[:, 0], 1.2 * seconds, atol=1e-9)


def test_camera_file_shorter_than_the_shot(plan_folder: Path) -> None:
    plan = file_plan(plan_folder, {"camera_trim": [1011, 1070], "frames": 40})
    # 1011-1070 at 48 fps lasts 59/48 s: 30 frames at 24 fps
    with pytest.raises(DataFileError, match=fails(
            plan_folder / "plan.toml", "shots[0].camera",
            "takes/cam.json gives 30 frames at 24 fps after camera_trim; the shot needs 40")):
        plan_camera_path(plan, "s", None)
    untrimmed = file_plan(plan_folder, {"frames": 49})
    assert len(plan_camera_path(untrimmed, "s", None)) == 49
    with pytest.raises(DataFileError, match="gives 49 frames at 24 fps; the shot needs 50"):
        plan_camera_path(file_plan(plan_folder, {"frames": 50}), "s", None)


def test_camera_trim_outside_the_file(plan_folder: Path) -> None:
    plan = file_plan(plan_folder, {"camera_trim": [900, 1000], "frames": 10})
    with pytest.raises(DataFileError, match=fails(
            plan_folder / "plan.toml", "shots[0].camera_trim",
            "frames 900-1000 are outside takes/cam.json's frames 1001-1097")):
        plan_camera_path(plan, "s", None)


def test_camera_file_without_a_rate_is_put_on_frames(plan_folder: Path) -> None:
    times = np.array([0.0, 0.3, 0.55, 1.0, 1.7, 2.0])
    move = CameraPath.from_pan_tilt_roll(times, np.column_stack([times, 0 * times, 0 * times]),
                                         np.zeros((6, 3)), interpolation="linear")
    write_json(move, plan_folder / "takes" / "cam.json")
    path = plan_camera_path(file_plan(plan_folder, {"frames": 48}), "s", None)
    np.testing.assert_allclose(path.positions[:, 0], np.arange(48) / 24, atol=1e-9)


# ------------------------------------------------------------- writing
def diff_ops(before: str, after: str) -> list[tuple[str, list[str], list[str]]]:
    """The changed line runs between two texts: (tag, old lines, new lines)."""
    a, b = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"]


def test_unchanged_plan_is_written_byte_identical(plan_folder: Path) -> None:
    path = write(plan_folder, FULL)
    write_plan(read_plan(path))
    assert path.read_text() == FULL


def test_saving_writes_through_a_link_and_keeps_the_files_permissions(
    plan_folder: Path,
) -> None:
    real = write(plan_folder, FULL, "real.toml")
    real.chmod(0o600)
    link = plan_folder / "plan.toml"
    link.symlink_to(real.name)
    plan = read_plan(link)
    save_marks(link, [*plan.marks, Mark("D", (4.0, -2.0, 1.1), 50.0)])
    assert link.is_symlink() and link.resolve() == real.resolve()  # noqa: PT018
    assert 'name = "D"' in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in plan_folder.iterdir() if p.name.startswith(".")) == []


def test_adding_a_mark_keeps_everything_else(plan_folder: Path) -> None:
    path = write(plan_folder, FULL)
    plan = read_plan(path)
    new = Mark("D", (4.0, -2.0, 1.1), 50.0, pan=-15.5, focus=2.5, note="over the shoulder")
    saved = save_marks(path, [*plan.marks, new])
    text = path.read_text()
    (tag, removed, added), = diff_ops(FULL, text)
    assert (tag, removed) == ("insert", [])
    assert added == ['[[marks]]', 'name = "D"', "position = [4.0, -2.0, 1.1]", "pan = -15.5",
                     "tilt = 0.0", "roll = 0.0", "focal = 50.0", "focus = 2.5",
                     'note = "over the shoulder"', ""]
    # the new mark sits after C, and "# The shots, in cut order" stays above [[shots]]
    assert text.index('name = "D"') < text.index("# The shots, in cut order") < \
        text.index("[[shots]]")
    assert read_plan(path).marks == saved.marks
    assert read_plan(path).mark("D") == new


def test_changing_a_mark_rewrites_only_its_changed_lines(plan_folder: Path) -> None:
    path = write(plan_folder, FULL)
    plan = read_plan(path)
    a = replace(plan.mark("A"), pan=12.25, f_stop=None, focus=math.inf)
    b = replace(plan.mark("B"), focal=50.0, pan=20.0)  # same values, other spelling
    save_marks(path, [a, b, plan.mark("C")])
    assert diff_ops(FULL, path.read_text()) == [
        ("replace", ["pan = 10.0   # look left"], ["pan = 12.25   # look left"]),
        ("delete", ["focus = 4.5", "f_stop = 2.8"], []),
    ]


def test_renaming_a_mark_updates_the_shots_that_use_it(plan_folder: Path) -> None:
    path = write(plan_folder, FULL)
    plan = read_plan(path)
    renamed = replace(plan.mark("B"), name="B2")
    saved = save_marks(path, [plan.mark("A"), renamed, plan.mark("C")], renamed={"B": "B2"})
    assert diff_ops(FULL, path.read_text()) == [
        ("replace", ['name = "B"'], ['name = "B2"']),
        ("replace", ['marks = ["A", "B"]'], ['marks = ["A", "B2"]']),
    ]
    assert saved.shot("010").marks == ("A", "B2")
    with pytest.raises(InputError, match="cannot rename mark 'X': no such mark"):
        save_marks(path, saved.marks, renamed={"X": "Y"})


def test_deleting_a_mark_takes_its_comment_with_it(plan_folder: Path) -> None:
    text = FULL.replace('marks = ["A", "B"]', 'marks = ["A", "C"]')
    path = write(plan_folder, text)
    plan = read_plan(path)
    save_marks(path, [plan.mark("A"), plan.mark("C")])
    assert diff_ops(text, path.read_text()) == [
        ("delete", ["# B ends the push", "[[marks]]", 'name = "B"', "position = [2.0, -3.0, 1.5]",
                    "pan = 20", "tilt = 0", "focal = 50", ""], []),
    ]


def test_reordering_marks_moves_their_comments(plan_folder: Path) -> None:
    path = write(plan_folder, FULL)
    plan = read_plan(path)
    save_marks(path, [plan.mark("B"), plan.mark("A"), plan.mark("C")])
    text = path.read_text()
    assert [m.name for m in read_plan(path).marks] == ["B", "A", "C"]
    assert sorted(text.splitlines()) == sorted(FULL.splitlines())
    assert text.index("# B ends the push") < text.index('name = "B"') < text.index('name = "A"')


def test_deleting_a_mark_a_shot_uses_is_refused_and_the_file_kept(plan_folder: Path) -> None:
    path = write(plan_folder, FULL)
    plan = read_plan(path)
    with pytest.raises(InputError, match=re.escape(
            "shots[0].marks[1]: cannot remove mark 'B': shot '010' uses it")):
        save_marks(path, [plan.mark("A"), plan.mark("C")])
    assert path.read_text() == FULL
    assert sorted(p.name for p in plan_folder.iterdir()) == ["plan.toml", "sets", "takes"]


def test_invalid_result_is_not_written(plan_folder: Path) -> None:
    path = write(plan_folder, FULL)
    plan = read_plan(path)
    twice = [*plan.marks, plan.mark("A")]
    with pytest.raises(DataFileError, match=r"marks\[3\]\.name: 'A' is already used"):
        save_marks(path, twice)
    assert path.read_text() == FULL
    assert sorted(p.name for p in plan_folder.iterdir()) == ["plan.toml", "sets", "takes"]


def test_write_plan_edits_shots_and_sequence(plan_folder: Path) -> None:
    path = write(plan_folder, FULL)
    plan = read_plan(path)
    shots = (replace(plan.shots[0], frames=100, notes=""), *plan.shots[1:])
    write_plan(replace(plan, shots=shots, sequence=replace(plan.sequence, title="Chase")))
    assert diff_ops(FULL, path.read_text()) == [
        ("replace", ['title = "Corner chase"'], ['title = "Chase"']),
        ("replace", ["frames = 96"], ["frames = 100"]),
        ("delete", ['notes = "wide"'], []),
    ]


def test_new_plan_from_scratch(tmp_path: Path, library: RigLibrary) -> None:
    path = tmp_path / "shots" / "new.toml"
    path.parent.mkdir()
    plan = new_plan(path, "builtin:demo", title="Scout", rate="24000/1001",
                    body="test-cam", lens_kit="test-primes")
    again = read_plan(path)
    assert again.sequence == plan.sequence
    assert (again.set.path, again.camera.body, again.camera.lens_kit) == (
        "builtin:demo", "test-cam", "test-primes")
    assert path.read_text().startswith("# previz shot plan")
    validate_plan(again, library)
    saved = save_marks(path, [Mark("A", (0.0, -3.0, 1.6), 25.0, pan=5.0)])
    assert read_plan(path).marks == saved.marks
    text = path.read_text()
    assert text.index("[sequence]") < text.index("[set]") < text.index("[camera]") < \
        text.index("[[marks]]")
    with pytest.raises(InputError, match="already exists"):
        new_plan(path, "builtin:demo")
    new_plan(path, "builtin:demo", overwrite=True)
    assert read_plan(path).marks == ()


def test_new_plan_makes_set_paths_relative(tmp_path: Path) -> None:
    (tmp_path / "sets").mkdir()
    street = tmp_path / "sets" / "street.glb"
    street.write_bytes(b"")
    (tmp_path / "shots").mkdir()
    plan = new_plan(tmp_path / "shots" / "a.toml", str(street))
    assert plan.set.path == "../sets/street.glb"
    assert read_plan(tmp_path / "shots" / "a.toml").resolve(plan.set.path).resolve() == street


def test_windows_line_endings_and_an_empty_marks_array(tmp_path: Path) -> None:
    text = ('schema = "previz.shotplan/1"\r\nmarks = []  # none yet\r\n[sequence]\r\nrate = 24\r\n'
            'resolution = [1920, 1080]\r\n[set]\r\npath = "builtin:demo"\r\n')
    path = tmp_path / "plan.toml"
    path.write_bytes(text.encode())
    save_marks(path, [Mark("X", (0.0, 0.0, 1.0), 25.0)])
    written = path.read_bytes().decode()
    assert "\n" not in written.replace("\r\n", "")
    assert written.startswith('schema = "previz.shotplan/1"\r\n[sequence]\r\nrate = 24\r\n')
    assert [m.name for m in read_plan(path).marks] == ["X"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_the_core_reads_no_camera_file_itself(plan_folder: Path) -> None:
    plan = file_plan(plan_folder, {"frames": 24})
    with pytest.raises(ValueError, match="takes its camera from a file: pass read_camera"):
        plan.camera_path("s", None)
    seen = []

    def reader(path: Path, rate: Fraction) -> CameraPath:
        seen.append((path, rate))
        return read_json(path)

    path = plan.camera_path("s", None, read_camera=reader)
    assert seen == [(plan_folder / "takes" / "cam.json", Fraction(24))]
    assert len(path) == 24
