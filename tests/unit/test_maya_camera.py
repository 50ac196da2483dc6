"""Maya ASCII camera export and import, checked against Maya's documented semantics.

Maya is not available, so the written file is read here by a small parser that
knows only what Maya's file format and nodes define: ``createNode``,
``setAttr`` and ``connectAttr`` statements; rotate order ``zxy`` (``.ro`` 2)
meaning ``R = Ry · Rx · Rz``; centimetres; film aperture in inches; cameras
looking down local −Z in a Y-up world. The expected matrices come from pan,
tilt and roll with explicit axis rotations, not previz's rotation code.
"""

from __future__ import annotations

import math
import os
import re
import zlib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack, SensorFit
from previz.errors import FormatError, InputError
from previz.io.maya_camera import read_ma, write_ma
from previz.io.registry import read, write
from reference_math import MINUS_Z_CAMERA as C
from reference_math import STAGE_TO_Y_UP as A
from reference_math import rx, ry, rz


# ------------------------------------------------------- a minimal .ma reader
@dataclass
class Node:
    kind: str
    parent: str | None
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class MayaFile:
    header: list[str]
    units: dict[str, str]
    nodes: dict[str, Node]
    connections: dict[str, str]  # destination plug → source plug
    lines: list[str]

    def keys(self, plug: str) -> tuple[np.ndarray, np.ndarray, Node]:
        curve = self.nodes[self.connections[plug].split(".")[0]]
        match = next(k for k in curve.attrs if k.startswith("ktv["))
        numbers = np.array(curve.attrs[match].split(), dtype=float)
        return numbers[0::2], numbers[1::2], curve


def parse_ma(path: Path) -> MayaFile:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    header = [line for line in lines if line.startswith("//")]
    body = "\n".join(line for line in lines if not line.startswith("//"))
    units: dict[str, str] = {}
    nodes: dict[str, Node] = {}
    connections: dict[str, str] = {}
    current = None
    for statement in body.split(";"):
        words = statement.split()
        if not words:
            continue
        if words[0] == "createNode":
            name = words[words.index("-n") + 1].strip('"')
            parent = words[words.index("-p") + 1].strip('"') if "-p" in words else None
            nodes[name] = Node(words[1], parent)
            current = name
        elif words[0] == "select":
            current = words[-1].lstrip(":")
            nodes.setdefault(current, Node("", None))
        elif words[0] == "setAttr":
            index = 1
            while words[index].startswith("-"):
                index += 2
            attribute = words[index].strip('"').lstrip(".")
            rest = words[index + 1 :]
            if rest[:1] == ["-type"]:
                rest = rest[2:]
            nodes[current].attrs[attribute] = " ".join(rest)
        elif words[0] == "connectAttr":
            connections[words[2].strip('"')] = words[1].strip('"')
        elif words[0] == "currentUnit":
            units.update(zip(words[1::2], words[2::2], strict=True))
    return MayaFile(header, units, nodes, connections, lines)


# ----------------------------------------------------------------- paths
@dataclass
class Case:
    name: str
    rate: Fraction
    unit: str
    start_frame: int = 1001
    count: int = 30
    pan: tuple[float, float] = (0.0, 720.0)
    tilt: tuple[float, float] = (-40.0, 40.0)
    roll: tuple[float, float] = (-10.0, 10.0)
    focal: tuple[float, float] = (18.0, 135.0)
    focus: tuple[float, float] = (1.0, 30.0)
    f_stop: tuple[float, float] = (2.8, 8.0)
    camera: CameraInfo = field(default_factory=CameraInfo)


CASES = [
    Case("film", Fraction(24), "film"),
    Case("pal", Fraction(25), "pal", start_frame=0, focus=(math.inf, math.inf)),
    Case("ntsc", Fraction(30), "ntsc", tilt=(-85.0, 85.0), roll=(-170.0, 170.0)),
    Case("show", Fraction(48), "show", pan=(-200.0, 100.0)),
    Case("palf", Fraction(50), "palf", focal=(35.0, 35.0)),
    Case("ntscf", Fraction(60), "ntscf", start_frame=0),
    Case("ntsc_film", Fraction(24000, 1001), "23.976fps",
         camera=CameraInfo(FilmBack(24.89, 18.66), squeeze=2.0, fit=SensorFit.HORIZONTAL,
                           aspect=2.39)),
    Case("ntsc_video", Fraction(30000, 1001), "29.97fps", start_frame=0,
         camera=CameraInfo(FilmBack(36.7, 25.54), fit=SensorFit.OVERSCAN, aspect=16 / 9)),
    Case("ntsc_show", Fraction(48000, 1001), "47.952fps",
         camera=CameraInfo(FilmBack(27.99, 19.22), fit=SensorFit.VERTICAL, aspect=1.85)),
    Case("ntsc_fast", Fraction(60000, 1001), "59.94fps"),
    Case("hfr", Fraction(120), "120fps"),
    Case("game", Fraction(15), "game"),
]


def angles_of(case: Case) -> np.ndarray:
    return np.column_stack([np.linspace(*case.pan, case.count),
                            np.linspace(*case.tilt, case.count),
                            np.linspace(*case.roll, case.count)])


def path_of(case: Case) -> CameraPath:
    n = case.count
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    focus = np.linspace(*case.focus, n) if math.isfinite(case.focus[0]) else np.full(n, math.inf)
    return CameraPath.from_pan_tilt_roll(
        np.arange(n) / float(case.rate),
        rng.uniform(-8.0, 8.0, (n, 3)),
        angles_of(case),
        focal_mm=np.linspace(*case.focal, n),
        focus_m=focus,
        f_stop=np.linspace(*case.f_stop, n),
        rate=case.rate,
        start_frame=case.start_frame,
        name=case.name,
        camera=case.camera,
    )


# ----------------------------------------------------------------- tests
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_maya_rebuilds_our_camera_on_every_frame(tmp_path: Path, case: Case) -> None:
    path = path_of(case)
    maya = parse_ma(write_ma(path, tmp_path / "shot.ma"))
    assert maya.lines[0] == "//Maya ASCII 2018 scene"
    assert 'requires maya "2018";' in maya.lines
    assert maya.units == {"-l": "centimeter", "-a": "degree", "-t": case.unit}
    cam, shape = case.name, f"{case.name}Shape"
    assert maya.nodes[cam].kind == "transform"
    assert maya.nodes[cam].attrs["ro"] == "2"  # zxy
    assert maya.nodes[shape].kind == "camera"
    assert maya.nodes[shape].parent == cam

    frames = case.start_frame + np.arange(case.count)
    channels = {}
    for plug, kind in [
        (f"{cam}.tx", "animCurveTL"), (f"{cam}.ty", "animCurveTL"), (f"{cam}.tz", "animCurveTL"),
        (f"{cam}.rx", "animCurveTA"), (f"{cam}.ry", "animCurveTA"), (f"{cam}.rz", "animCurveTA"),
        (f"{shape}.fl", "animCurveTU"), (f"{shape}.fd", "animCurveTL"),
        (f"{shape}.fs", "animCurveTU"),
    ]:
        times, values, curve = maya.keys(plug)
        assert curve.kind == kind
        assert curve.attrs["tan"] == "2"  # linear
        assert curve.attrs["wgt"] == "no"
        last = case.count - 1
        assert set(curve.attrs[f"kit[0:{last}]"].split()) == {"2"}
        assert set(curve.attrs[f"kot[0:{last}]"].split()) == {"2"}
        np.testing.assert_array_equal(times, frames)
        channels[plug.split(".")[1]] = values

    for i in range(case.count):
        rotate = ry(channels["ry"][i]) @ rx(channels["rx"][i]) @ rz(channels["rz"][i])
        translate = np.array([channels["tx"][i], channels["ty"][i], channels["tz"][i]]) / 100.0
        pan, tilt, roll = angles_of(case)[i]
        ours = rz(pan) @ rx(tilt) @ ry(roll)
        np.testing.assert_allclose(np.linalg.inv(A) @ rotate @ np.linalg.inv(C), ours, atol=1e-6)
        np.testing.assert_allclose(np.linalg.inv(A) @ translate, path.positions[i], atol=1e-6)
    # Unwrapped: neighbouring keys never differ by a turn.
    for axis in ("rx", "ry", "rz"):
        assert np.abs(np.diff(channels[axis])).max() < 90.0

    np.testing.assert_allclose(channels["fl"], path.focal_mm, rtol=1e-12)
    focus_cm = np.where(np.isinf(path.focus_m), 1e8, path.focus_m * 100.0)
    np.testing.assert_allclose(channels["fd"], focus_cm, rtol=1e-12)
    np.testing.assert_allclose(channels["fs"], path.f_stop, rtol=1e-12)

    attrs = maya.nodes[shape].attrs
    width_in, height_in = map(float, attrs["cap"].split())
    assert width_in == pytest.approx(case.camera.film_back.width_mm / 25.4, rel=1e-12)
    assert height_in == pytest.approx(case.camera.film_back.height_mm / 25.4, rel=1e-12)
    assert float(attrs["lsr"]) == case.camera.squeeze
    fit = {"fill": 0, "horizontal": 1, "vertical": 2, "overscan": 3}[case.camera.fit.value]
    assert int(attrs["ff"]) == fit
    assert float(attrs["ncp"]) == pytest.approx(10.0)  # 0.1 m in cm
    assert float(attrs["fcp"]) == pytest.approx(1e6)  # 10 km in cm
    resolution = maya.nodes["defaultResolution"].attrs
    optics = case.camera.optics(35.0)
    assert float(resolution["dar"]) == pytest.approx(optics.output_aspect, rel=1e-12)
    device = int(resolution["w"]) / int(resolution["h"]) * float(resolution["pa"])
    assert device == pytest.approx(optics.output_aspect, rel=1e-12)


def maya_fov_horizontal(maya: MayaFile, shape: str, focal: float) -> float:
    """Maya's horizontal angle of view from the film back, squeeze, film fit and device aspect."""
    attrs = maya.nodes[shape].attrs
    width_in, height_in = map(float, attrs["cap"].split())
    width = width_in * 25.4 * float(attrs["lsr"])
    height = height_in * 25.4
    aspect = float(maya.nodes["defaultResolution"].attrs["dar"])
    fit = int(attrs["ff"])
    if fit == 0:  # fill
        fit = 2 if width / height > aspect else 1
    elif fit == 3:  # overscan
        fit = 1 if width / height > aspect else 2
    horizontal = width if fit == 1 else height * aspect
    return math.degrees(2 * math.atan(horizontal / (2 * focal)))


@pytest.mark.parametrize("case", CASES[6:9], ids=lambda c: c.name)
def test_maya_frames_what_previz_frames(tmp_path: Path, case: Case) -> None:
    path = path_of(case)
    maya = parse_ma(write_ma(path, tmp_path / "fov.ma"))
    for focal in (18.0, 50.0, 135.0):
        expected = case.camera.optics(focal).field_of_view().horizontal
        assert maya_fov_horizontal(maya, f"{case.name}Shape", focal) == pytest.approx(expected)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_read_ma_round_trips(tmp_path: Path, case: Case) -> None:
    path = path_of(case)
    back = read_ma(write_ma(path, tmp_path / "shot.ma"))
    assert back.rate == case.rate
    assert back.start_frame == case.start_frame
    assert len(back) == case.count
    np.testing.assert_allclose(back.times, path.times, atol=1e-9)
    np.testing.assert_allclose(back.positions, path.positions, atol=1e-9)
    np.testing.assert_allclose(back.rotation_matrices(), path.rotation_matrices(), atol=1e-9)
    np.testing.assert_array_equal(back.focal_mm, path.focal_mm)
    np.testing.assert_array_equal(back.focus_m, path.focus_m)
    np.testing.assert_array_equal(back.f_stop, path.f_stop)
    assert back.camera.film_back.width_mm == pytest.approx(case.camera.film_back.width_mm)
    assert back.camera.film_back.height_mm == pytest.approx(case.camera.film_back.height_mm)
    assert back.camera.squeeze == case.camera.squeeze
    assert back.camera.fit == case.camera.fit
    if case.camera.aspect is None:
        assert back.camera.aspect is None
    else:
        assert back.camera.aspect == pytest.approx(case.camera.aspect)
    assert back.name == case.name


def rotate_of(tmp_path: Path, pan: float, tilt: float, roll: float) -> tuple[float, ...]:
    path = CameraPath.from_pan_tilt_roll([0.0], [[0.0, 0.0, 0.0]], [[pan, tilt, roll]], rate=24)
    maya = parse_ma(write_ma(path, tmp_path / "still.ma"))
    return tuple(float(maya.keys(f"camera.{a}")[1][0]) for a in ("rx", "ry", "rz"))


def test_rest_pose_has_zero_rotation(tmp_path: Path) -> None:
    # Our forward, stage +Y, is Maya's -Z: where a Maya camera with no rotation looks.
    assert rotate_of(tmp_path, 0.0, 0.0, 0.0) == pytest.approx((0.0, 0.0, 0.0), abs=1e-12)


def test_pan_tilt_roll_map_to_rotate_y_x_and_minus_z(tmp_path: Path) -> None:
    # Pan 90 (counter-clockwise from above) turns the camera to stage -X, which is
    # Maya -X: a +90 turn about Maya's +Y takes -Z to -X.
    assert rotate_of(tmp_path, 90.0, 0.0, 0.0) == pytest.approx((0.0, 90.0, 0.0), abs=1e-9)
    forward = ry(90.0) @ np.array([0.0, 0.0, -1.0])
    np.testing.assert_allclose(forward, [-1.0, 0.0, 0.0], atol=1e-12)
    assert rotate_of(tmp_path, 0.0, 30.0, 0.0) == pytest.approx((30.0, 0.0, 0.0), abs=1e-9)
    assert rotate_of(tmp_path, 0.0, 0.0, 10.0) == pytest.approx((0.0, 0.0, -10.0), abs=1e-9)
    assert rotate_of(tmp_path, 35.0, -20.0, 5.0) == pytest.approx((-20.0, 35.0, -5.0), abs=1e-9)


def test_positions_are_y_up_centimetres(tmp_path: Path) -> None:
    path = CameraPath.from_pan_tilt_roll([0.0], [[1.0, 2.0, 3.0]], [[0.0, 0.0, 0.0]], rate=24)
    maya = parse_ma(write_ma(path, tmp_path / "p.ma"))
    translate = [float(maya.keys(f"camera.t{a}")[1][0]) for a in "xyz"]
    assert translate == pytest.approx([100.0, 300.0, -200.0])


def test_long_key_lists_are_wrapped(tmp_path: Path) -> None:
    case = Case("long", Fraction(24), "film", count=500)
    target = write_ma(path_of(case), tmp_path / "long.ma")
    lines = target.read_text().split("\n")
    assert max(len(line) for line in lines) < 200
    assert parse_ma(target).keys("long.tx")[0].size == 500


@pytest.mark.parametrize("rate", [Fraction(72), Fraction(90), Fraction(47, 2), Fraction(96)])
def test_rates_maya_has_no_unit_for(tmp_path: Path, rate: Fraction) -> None:
    path = CameraPath.from_pan_tilt_roll([0.0], [[0, 0, 0]], [[0, 0, 0]], rate=rate)
    with pytest.raises(InputError, match=r"odd\.ma: Maya 2018 has no time unit"):
        write_ma(path, tmp_path / "odd.ma")
    assert not (tmp_path / "odd.ma").exists()


def test_rate_option_and_path_without_rate(tmp_path: Path) -> None:
    path = CameraPath.from_pan_tilt_roll(
        [0.0, 0.5, 1.0], np.zeros((3, 3)), [[0, 0, 0], [10, 0, 0], [20, 0, 0]]
    )
    with pytest.raises(InputError, match=r"norate\.ma: .*frame rate"):
        write_ma(path, tmp_path / "norate.ma")
    back = read_ma(write_ma(path, tmp_path / "rated.ma", rate=25))
    assert back.rate == 25
    assert len(back) == 26
    assert back.pan_tilt_roll()[-1, 0] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fps": 24}, "unknown Maya option 'fps'"),
        ({"near_clip_m": -1}, "near_clip_m must be a positive number"),
        ({"near_clip_m": 5.0, "far_clip_m": 1.0}, "must be less than"),
        ({"resolution": (0, 1080)}, "resolution must be"),
    ],
)
def test_bad_options(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        write_ma(path_of(CASES[0]), tmp_path / "bad.ma", **options)
    assert "bad.ma" in str(caught.value)


def test_options(tmp_path: Path) -> None:
    target = write_ma(path_of(CASES[0]), tmp_path / "o.ma", camera_name="A cam 1",
                      near_clip_m=0.5, far_clip_m=100.0, resolution=(2048, 858))
    maya = parse_ma(target)
    assert maya.nodes["A_cam_1Shape"].parent == "A_cam_1"
    assert float(maya.nodes["A_cam_1Shape"].attrs["ncp"]) == pytest.approx(50.0)
    assert float(maya.nodes["A_cam_1Shape"].attrs["fcp"]) == pytest.approx(10_000.0)
    assert maya.nodes["defaultResolution"].attrs["w"] == "2048"
    assert maya.nodes["defaultResolution"].attrs["h"] == "858"
    no_resolution = parse_ma(write_ma(path_of(CASES[0]), tmp_path / "n.ma", set_resolution=False))
    assert "defaultResolution" not in no_resolution.nodes


def test_nothing_half_written_is_left(tmp_path: Path) -> None:
    write_ma(path_of(CASES[0]), tmp_path / "a.ma")
    write_ma(path_of(CASES[1]), tmp_path / "a.ma")
    assert sorted(os.listdir(tmp_path)) == ["a.ma"]
    assert read_ma(tmp_path / "a.ma").rate == 25


def test_registry_dispatch(tmp_path: Path) -> None:
    path = path_of(CASES[0])
    back = read(write(path, tmp_path / "r.ma", "camera-path"), "camera-path")
    np.testing.assert_allclose(back.positions, path.positions, atol=1e-9)


HAND_WRITTEN = """//Maya ASCII 2018 scene
//Name: hand.ma
requires maya "2018";
currentUnit -l meter -a degree -t pal;
createNode transform -s -n "persp";
    setAttr ".t" -type "double3" 28 21 28 ;
createNode camera -s -n "perspShape" -p "persp";
    setAttr ".fl" 35;
createNode transform -n "shotCam";
    setAttr ".t" -type "double3" 1 1.5 -2 ;
    setAttr ".r" -type "double3" 0 0 0 ;
createNode camera -n "shotCamShape" -p "shotCam";
    setAttr ".cap" -type "double2" 1.417 0.945 ;
    setAttr ".fl" 50;
    setAttr ".fs" 4;
    setAttr ".fd" 3;
createNode animCurveTA -n "shotCam_rotateY";
    setAttr ".tan" 18;
    setAttr -s 3 ".ktv[0:2]"  10 0 11 45
         12 90;
connectAttr "shotCam_rotateY.o" "|shotCam.rotateY";
// End of hand.ma
""".replace("    ", "\t")  # Maya indents with tabs


def test_reads_a_hand_written_scene(tmp_path: Path) -> None:
    """Maya's startup camera skipped, metres, static values, long names, rotate order xyz."""
    target = tmp_path / "hand.ma"
    target.write_text(HAND_WRITTEN)
    back = read_ma(target)
    assert back.name == "shotCam"
    assert back.rate == 25
    assert back.start_frame == 10
    np.testing.assert_allclose(back.positions, [[1.0, 2.0, 1.5]] * 3, atol=1e-12)
    np.testing.assert_allclose(back.pan_tilt_roll(), [[0, 0, 0], [45, 0, 0], [90, 0, 0]],
                               atol=1e-9)
    assert (back.focal_mm == 50).all()
    assert (back.f_stop == 4).all()
    np.testing.assert_allclose(back.focus_m, 3.0)  # metres: the file's linear unit
    assert back.camera.film_back.width_mm == pytest.approx(1.417 * 25.4)


def test_not_a_maya_file(tmp_path: Path) -> None:
    target = tmp_path / "fake.ma"
    target.write_text("createNode camera;\n")
    with pytest.raises(FormatError, match=r"fake\.ma:1: not a Maya ASCII file"):
        read_ma(target)


def test_scene_without_camera(tmp_path: Path) -> None:
    target = tmp_path / "nocam.ma"
    target.write_text('//Maya ASCII 2018 scene\ncreateNode transform -n "box";\n')
    with pytest.raises(FormatError, match=r"nocam\.ma: no camera"):
        read_ma(target)


def test_bad_key_names_its_line(tmp_path: Path) -> None:
    target = write_ma(path_of(CASES[0]), tmp_path / "bad.ma")
    text = target.read_text()
    text = re.sub(r'(".ktv\[0:29\]"\s+1001) \S+', r"\1 oops", text, count=1)
    target.write_text(text)
    line = next(i for i, s in enumerate(text.split("\n"), 1) if "oops" in s)
    with pytest.raises(FormatError, match=rf"bad\.ma:{line}: .*ktv"):
        read_ma(target)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.ma: no such file"):
        read_ma(tmp_path / "gone.ma")


@pytest.mark.parametrize(
    ("order", "product"),
    [
        (0, lambda x, y, z: rz(z) @ ry(y) @ rx(x)),  # xyz: X applied first
        (1, lambda x, y, z: rx(x) @ rz(z) @ ry(y)),  # yzx
        (2, lambda x, y, z: ry(y) @ rx(x) @ rz(z)),  # zxy
        (3, lambda x, y, z: ry(y) @ rz(z) @ rx(x)),  # xzy
        (4, lambda x, y, z: rz(z) @ rx(x) @ ry(y)),  # yxz
        (5, lambda x, y, z: rx(x) @ ry(y) @ rz(z)),  # zyx
    ],
)
def test_reads_every_rotate_order(tmp_path: Path, order: int, product) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "order.ma"
    target.write_text(
        "//Maya ASCII 2018 scene\n"
        "currentUnit -l centimeter -a degree -t film;\n"
        'createNode transform -n "cam";\n'
        '\tsetAttr ".r" -type "double3" 10 -25 40 ;\n'
        f'\tsetAttr ".ro" {order};\n'
        'createNode camera -n "camShape" -p "cam";\n'
    )
    back = read_ma(target)
    expected = np.linalg.inv(A) @ product(10.0, -25.0, 40.0) @ np.linalg.inv(C)
    np.testing.assert_allclose(back.rotation_matrices()[0], expected, atol=1e-12)
    assert back.start_frame == 1  # nothing keyed: one sample at Maya's first frame


def test_rate_given_to_the_reader_is_a_fallback(tmp_path: Path) -> None:
    # The CLI reads every camera-path format with read(..., rate=fps).
    ours = write_ma(path_of(CASES[1]), tmp_path / "pal.ma")
    assert read(ours, "camera-path", rate=Fraction(24)).rate == 25  # the file's unit wins
    target = tmp_path / "no_unit.ma"
    target.write_text(
        "//Maya ASCII 2018 scene\n"
        'createNode transform -n "cam";\n'
        'createNode camera -n "camShape" -p "cam";\n'
        'createNode animCurveTL -n "cam_tx";\n'
        '\tsetAttr -s 2 ".ktv[0:1]"  1 0 2 10;\n'
        'connectAttr "cam_tx.o" "cam.tx";\n'
    )
    assert read_ma(target).rate == 24  # Maya's assumption: film
    back = read_ma(target, rate="24000/1001")
    assert back.rate == Fraction(24000, 1001)
    np.testing.assert_allclose(back.positions[:, 0], [0.0, 0.1])
    with pytest.raises(InputError, match=r"no_unit\.ma: frame rate"):
        read_ma(target, rate="fast")
