"""USD camera export and import, checked through usd-core's own camera evaluation.

Expected matrices are built here from pan, tilt and roll with explicit axis
rotations (not previz's rotation code), then compared with what usd-core
composes from the written file, frame by frame.
"""

from __future__ import annotations

import math
import os
import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from pxr import Gf, Sdf, Usd, UsdGeom

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack, SensorFit
from previz.errors import FormatError, InputError
from previz.io.registry import read, write
from previz.io.usd_camera import INFINITE_FOCUS_M, read_usd, write_usd
from reference_math import MINUS_Z_CAMERA as C
from reference_math import STAGE_TO_Y_UP as A
from reference_math import pan_tilt_roll_matrix


@dataclass
class Case:
    name: str
    rate: Fraction
    start_frame: int
    meters_per_unit: float
    up_axis: str
    extension: str
    count: int = 24
    pan: tuple[float, float] = (0.0, 300.0)
    tilt: tuple[float, float] = (-30.0, 30.0)
    roll: tuple[float, float] = (-5.0, 5.0)
    focal: tuple[float, float] = (18.0, 135.0)
    focus: tuple[float, float] = (1.5, 12.0)
    f_stop: tuple[float, float] = (2.8, 2.8)
    scale_m: float = 5.0
    camera: CameraInfo | None = None
    infinite_every: int = 0  # every n-th frame focused at infinity (0: none)


CASES = [
    Case("film-z-m-usda", Fraction(24), 1001, 1.0, "z", ".usda"),
    Case("pal-y-cm-usdc", Fraction(25), 0, 0.01, "y", ".usdc", pan=(-45.0, 45.0),
         focal=(50.0, 50.0), focus=(math.inf, math.inf), f_stop=(1.4, 16.0)),
    Case("23976-z-cm-usd", Fraction(24000, 1001), 1001, 0.01, "z", ".usd", focal=(35.0, 35.0),
         infinite_every=3),
    Case("2997-y-m-usda", Fraction(30000, 1001), 0, 1.0, "y", ".usda", tilt=(-85.0, 85.0),
         roll=(-170.0, 170.0), scale_m=500.0, focal=(135.0, 18.0), f_stop=(2.0, 5.6)),
    Case("anamorphic-y-m-usdc", Fraction(24), 1001, 1.0, "y", ".usdc",
         camera=CameraInfo(FilmBack(24.89, 18.66), squeeze=2.0, fit=SensorFit.HORIZONTAL,
                           aspect=2.39)),
    Case("overscan-z-cm-usda", Fraction(25), 1001, 0.01, "z", ".usda",
         camera=CameraInfo(FilmBack(36.7, 25.54), fit=SensorFit.OVERSCAN, aspect=16 / 9)),
]


def angles_of(case: Case) -> np.ndarray:
    return np.column_stack([
        np.linspace(*case.pan, case.count),
        np.linspace(*case.tilt, case.count),
        np.linspace(*case.roll, case.count),
    ])


def path_of(case: Case) -> CameraPath:
    n = case.count
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    positions = rng.uniform(-case.scale_m, case.scale_m, (n, 3))
    focus = np.linspace(*case.focus, n) if math.isfinite(case.focus[0]) else np.full(n, math.inf)
    if case.infinite_every:
        focus[:: case.infinite_every] = math.inf
    return CameraPath.from_pan_tilt_roll(
        np.arange(n) / float(case.rate),
        positions,
        angles_of(case),
        focal_mm=np.linspace(*case.focal, n),
        focus_m=focus,
        f_stop=np.linspace(*case.f_stop, n),
        rate=case.rate,
        start_frame=case.start_frame,
        name=case.name,
        camera=case.camera or CameraInfo(),
    )


def usd_to_numpy(matrix: Gf.Matrix4d) -> np.ndarray:
    return np.array([[matrix[i][j] for j in range(4)] for i in range(4)])


def expected_world(case: Case, path: CameraPath, index: int) -> np.ndarray:
    """Column-vector camera→world matrix the USD camera must have, in scene units."""
    to_world = A if case.up_axis == "y" else np.eye(3)
    pan, tilt, roll = angles_of(case)[index]
    out = np.eye(4)
    out[:3, :3] = to_world @ pan_tilt_roll_matrix(pan, tilt, roll) @ C
    out[:3, 3] = to_world @ path.positions[index] / case.meters_per_unit
    return out


def prim_name(name: str) -> str:
    """The camera prim's name previz writes: invalid characters become _, no leading digit."""
    cleaned = name.replace("-", "_").replace(" ", "_")
    return f"_{cleaned}" if cleaned[0].isdigit() else cleaned


def camera_prim(stage: Usd.Stage, case: Case) -> Usd.Prim:
    prim = stage.GetPrimAtPath(f"/World/{prim_name(case.name)}")
    assert prim.IsValid()
    assert prim.IsA(UsdGeom.Camera)
    return prim


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_usd_core_sees_our_camera_on_every_frame(tmp_path: Path, case: Case) -> None:
    path = path_of(case)
    target = write_usd(
        path, tmp_path / f"shot{case.extension}", up_axis=case.up_axis,
        meters_per_unit=case.meters_per_unit,
    )
    stage = Usd.Stage.Open(str(target))
    assert UsdGeom.GetStageUpAxis(stage) == case.up_axis.upper()
    assert UsdGeom.GetStageMetersPerUnit(stage) == case.meters_per_unit
    assert stage.GetTimeCodesPerSecond() == float(case.rate)
    assert stage.GetFramesPerSecond() == float(case.rate)
    assert stage.GetStartTimeCode() == case.start_frame
    assert stage.GetEndTimeCode() == case.start_frame + case.count - 1
    assert stage.GetDefaultPrim().GetPath() == Sdf.Path("/World")
    prim = camera_prim(stage, case)
    camera = UsdGeom.Camera(prim)
    assert camera.GetProjectionAttr().Get() == "perspective"
    xformable = UsdGeom.Xformable(prim)
    assert [op.GetOpName() for op in xformable.GetOrderedXformOps()] == ["xformOp:transform"]
    tenths = 100.0 * case.meters_per_unit  # mm per tenth of a scene unit
    for index in range(case.count):
        time = Usd.TimeCode(case.start_frame + index)
        gf_camera = camera.GetCamera(time)
        world = usd_to_numpy(xformable.ComputeLocalToWorldTransform(time)).T
        np.testing.assert_allclose(world, expected_world(case, path, index), atol=1e-6)
        np.testing.assert_allclose(usd_to_numpy(gf_camera.transform).T, world, atol=1e-12)
        focal = path.focal_mm[index]
        assert gf_camera.focalLength * tenths == pytest.approx(focal, rel=1e-6)
        optics = path.camera.optics(focal)
        horizontal = gf_camera.GetFieldOfView(Gf.Camera.FOVHorizontal)
        vertical = gf_camera.GetFieldOfView(Gf.Camera.FOVVertical)
        assert horizontal == pytest.approx(optics.field_of_view().horizontal, abs=1e-5)
        assert vertical == pytest.approx(optics.field_of_view().vertical, abs=1e-5)
        focus = path.focus_m[index]
        written = INFINITE_FOCUS_M if math.isinf(focus) else focus
        assert gf_camera.focusDistance * case.meters_per_unit == pytest.approx(written, rel=1e-6)
        assert gf_camera.fStop == pytest.approx(path.f_stop[index], rel=1e-6)
        clipping = gf_camera.clippingRange
        assert clipping.min * case.meters_per_unit == pytest.approx(0.1, rel=1e-6)
        assert clipping.max * case.meters_per_unit == pytest.approx(10_000.0, rel=1e-6)
        assert gf_camera.projection == Gf.Camera.Perspective


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_read_usd_round_trips(tmp_path: Path, case: Case) -> None:
    path = path_of(case)
    target = write_usd(
        path, tmp_path / f"shot{case.extension}", up_axis=case.up_axis,
        meters_per_unit=case.meters_per_unit,
    )
    back = read_usd(target)
    assert len(back) == case.count
    assert back.rate == case.rate
    assert back.start_frame == case.start_frame
    np.testing.assert_array_equal(back.frames, path.frames)
    np.testing.assert_allclose(back.times, path.times, atol=1e-9)
    np.testing.assert_allclose(back.positions, path.positions, atol=1e-9)
    np.testing.assert_allclose(back.rotation_matrices(), path.rotation_matrices(), atol=1e-9)
    np.testing.assert_allclose(back.focal_mm, path.focal_mm, rtol=1e-6)
    np.testing.assert_array_equal(np.isinf(back.focus_m), np.isinf(path.focus_m))
    finite = np.isfinite(path.focus_m)
    np.testing.assert_allclose(back.focus_m[finite], path.focus_m[finite], rtol=1e-6)
    np.testing.assert_allclose(back.f_stop, path.f_stop, rtol=1e-6)
    # USD has no squeeze or fit: the film back read back is the image aperture.
    width, height = path.camera.optics(35.0).image_aperture_mm()
    assert back.camera.film_back.width_mm == pytest.approx(width, rel=1e-6)
    assert back.camera.film_back.height_mm == pytest.approx(height, rel=1e-6)
    assert back.camera.squeeze == 1.0
    for focal in (18.0, 50.0):
        assert back.camera.optics(focal).field_of_view().horizontal == pytest.approx(
            path.camera.optics(focal).field_of_view().horizontal, abs=1e-5
        )
    assert back.name == prim_name(case.name)


def test_short_decimals_come_back_exactly(tmp_path: Path) -> None:
    path = path_of(CASES[0])
    back = read_usd(write_usd(path, tmp_path / "shot.usda", meters_per_unit=0.01))
    assert back.f_stop[0] == 2.8  # stored as a 32-bit float; read as the decimal it stands for
    assert back.focal_mm[0] == 18.0


@pytest.mark.parametrize(
    ("up_axis", "forward", "up"),
    [("z", (0, 1, 0), (0, 0, 1)), ("y", (0, 0, -1), (0, 1, 0))],
)
def test_camera_looks_where_ours_looks(
    tmp_path: Path, up_axis: str, forward: tuple[int, ...], up: tuple[int, ...]
) -> None:
    path = CameraPath.from_pan_tilt_roll([0.0], [[1.0, 2.0, 3.0]], [[0.0, 0.0, 0.0]], rate=24)
    stage = Usd.Stage.Open(str(write_usd(path, tmp_path / "still.usda", up_axis=up_axis)))
    prim = stage.GetPrimAtPath("/World/camera")
    world = UsdGeom.Xformable(prim).ComputeLocalToWorldTransform(Usd.TimeCode(1001))
    # Our forward (stage +Y) is the USD camera's -Z; our up (stage +Z) is its +Y.
    np.testing.assert_allclose(world.TransformDir(Gf.Vec3d(0, 0, -1)), forward, atol=1e-12)
    np.testing.assert_allclose(world.TransformDir(Gf.Vec3d(0, 1, 0)), up, atol=1e-12)
    position = (1.0, 2.0, 3.0) if up_axis == "z" else (1.0, 3.0, -2.0)
    np.testing.assert_allclose(world.ExtractTranslation(), position, atol=1e-12)


def test_pan_90_looks_along_minus_x(tmp_path: Path) -> None:
    path = CameraPath.from_pan_tilt_roll([0.0], [[0.0, 0.0, 0.0]], [[90.0, 0.0, 0.0]], rate=24)
    stage = Usd.Stage.Open(str(write_usd(path, tmp_path / "pan.usdc")))
    world = UsdGeom.Xformable(stage.GetPrimAtPath("/World/camera")).ComputeLocalToWorldTransform(
        Usd.TimeCode(1001)
    )
    np.testing.assert_allclose(world.TransformDir(Gf.Vec3d(0, 0, -1)), (-1, 0, 0), atol=1e-12)


def test_constant_lens_values_are_defaults_and_varying_ones_samples(tmp_path: Path) -> None:
    case = Case("const", Fraction(24), 1001, 1.0, "z", ".usda", focal=(40.0, 40.0),
                f_stop=(2.8, 4.0))
    stage = Usd.Stage.Open(str(write_usd(path_of(case), tmp_path / "c.usda")))
    camera = UsdGeom.Camera(stage.GetPrimAtPath("/World/const"))
    assert camera.GetFocalLengthAttr().GetNumTimeSamples() == 0
    assert camera.GetFocalLengthAttr().Get() == pytest.approx(0.4)  # 40 mm in tenths of a metre
    assert camera.GetFStopAttr().GetNumTimeSamples() == case.count
    assert camera.GetHorizontalApertureAttr().GetNumTimeSamples() == 0
    assert UsdGeom.Xformable(camera).GetTimeSamples() == list(range(1001, 1001 + case.count))


def test_attribute_specs_match_the_camera_schema(tmp_path: Path) -> None:
    target = write_usd(path_of(CASES[0]), tmp_path / "schema.usda")
    definition = Usd.SchemaRegistry().FindConcretePrimDefinition("Camera")
    layer = Sdf.Layer.OpenAsAnonymous(str(target))  # keep it alive while its specs are used
    specs = layer.GetPrimAtPath("/World/film_z_m_usda")
    names = set()
    for spec in specs.attributes:
        names.add(spec.name)
        if spec.name == "xformOp:transform":
            assert spec.typeName == Sdf.ValueTypeNames.Matrix4d
            continue
        schema = definition.GetAttributeDefinition(spec.name)
        assert spec.typeName == schema.GetTypeName(), spec.name
        assert spec.variability == schema.GetVariability(), spec.name
    assert names == {
        "projection", "xformOpOrder", "xformOp:transform", "focalLength", "horizontalAperture",
        "verticalAperture", "focusDistance", "fStop", "clippingRange",
    }


def test_options_clipping_and_name(tmp_path: Path) -> None:
    path = path_of(CASES[0])
    target = write_usd(path, tmp_path / "o.usda", near_clip_m=0.5, far_clip_m=200.0,
                       camera_name="1st cam", meters_per_unit=0.01)
    stage = Usd.Stage.Open(str(target))
    prim = stage.GetPrimAtPath("/World/_1st_cam")
    clipping = UsdGeom.Camera(prim).GetClippingRangeAttr().Get()
    assert tuple(clipping) == pytest.approx((50.0, 20000.0))


def test_rate_option_resamples_a_path_without_rate(tmp_path: Path) -> None:
    path = CameraPath.from_pan_tilt_roll(
        [0.0, 0.7, 2.0], np.zeros((3, 3)), [[0, 0, 0], [20, 0, 0], [40, 0, 0]]
    )
    with pytest.raises(InputError, match=r"norate\.usda: .*frame rate"):
        write_usd(path, tmp_path / "norate.usda")
    assert not (tmp_path / "norate.usda").exists()
    back = read_usd(write_usd(path, tmp_path / "rated.usda", rate="25"))
    assert back.rate == 25
    assert len(back) == 51  # 2 s at 25 fps, both ends included


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fps": 24}, "unknown USD option 'fps'"),
        ({"up_axis": "x"}, "up_axis must be 'z' or 'y'"),
        ({"meters_per_unit": 0}, "meters_per_unit must be a positive number"),
        ({"near_clip_m": 10.0, "far_clip_m": 1.0}, "must be less than"),
    ],
)
def test_bad_options(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        write_usd(path_of(CASES[0]), tmp_path / "bad.usda", **options)
    assert "bad.usda" in str(caught.value)


def test_not_a_usd_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cam\.txt: a USD file name ends in"):
        write_usd(path_of(CASES[0]), tmp_path / "cam.txt")


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_usd(path_of(CASES[0]), tmp_path / "nowhere" / "x.usda")


def test_nothing_half_written_is_left(tmp_path: Path) -> None:
    write_usd(path_of(CASES[0]), tmp_path / "a.usdc")
    write_usd(path_of(CASES[1]), tmp_path / "a.usdc")  # overwrite in place
    assert sorted(os.listdir(tmp_path)) == ["a.usdc"]
    assert read_usd(tmp_path / "a.usdc").rate == 25


def test_rewritten_file_is_read_fresh_while_a_stage_holds_it(tmp_path: Path) -> None:
    target = tmp_path / "live.usda"
    write_usd(path_of(CASES[0]), target)
    held = Usd.Stage.Open(str(target))  # keeps the layer in usd-core's registry
    write_usd(path_of(CASES[1]), target)
    assert read_usd(target).rate == 25
    del held


def test_registry_dispatch(tmp_path: Path) -> None:
    path = path_of(CASES[0])
    for extension in (".usda", ".usdc", ".usd"):
        target = write(path, tmp_path / f"r{extension}", "camera-path", up_axis="y")
        back = read(target, "camera-path")
        np.testing.assert_allclose(back.positions, path.positions, atol=1e-9)
    assert Sdf.Layer.OpenAsAnonymous(str(tmp_path / "r.usda")).GetFileFormat().formatId == "usda"
    assert Sdf.Layer.OpenAsAnonymous(str(tmp_path / "r.usdc")).GetFileFormat().formatId == "usdc"
    assert (tmp_path / "r.usdc").read_bytes().startswith(b"PXR-USDC")
    assert (tmp_path / "r.usd").read_bytes().startswith(b"PXR-USDC")


def test_corrupt_file(tmp_path: Path) -> None:
    target = tmp_path / "broken.usda"
    target.write_text('#usda 1.0\ndef Camera "cam" {\n  float focalLength = \n')
    with pytest.raises(FormatError, match=r"broken\.usda: not a readable USD file"):
        read_usd(target)


def test_file_without_camera(tmp_path: Path) -> None:
    target = tmp_path / "empty.usda"
    target.write_text('#usda 1.0\ndef Xform "World"\n{\n}\n')
    with pytest.raises(FormatError, match=r"empty\.usda: no camera"):
        read_usd(target)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nothing\.usda: no such file"):
        read_usd(tmp_path / "nothing.usda")


def test_reads_a_camera_authored_with_usd_core(tmp_path: Path) -> None:
    """A camera made the ordinary way (translate, rotateY, under a moved group, cm, Y up)."""
    target = tmp_path / "authored.usda"
    stage = Usd.Stage.CreateNew(str(target))
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y)
    UsdGeom.SetStageMetersPerUnit(stage, 0.01)
    stage.SetTimeCodesPerSecond(24)
    group = UsdGeom.Xform.Define(stage, "/set")
    group.AddTranslateOp().Set(Gf.Vec3d(100.0, 0.0, 0.0))  # 1 m along X, not animated
    camera = UsdGeom.Camera.Define(stage, "/set/cam")
    translate = camera.AddTranslateOp()
    translate.Set(Gf.Vec3d(0.0, 150.0, 200.0), 1)
    translate.Set(Gf.Vec3d(0.0, 150.0, 300.0), 2)
    rotate = camera.AddRotateYOp()
    rotate.Set(0.0, 1)
    rotate.Set(90.0, 2)
    camera.GetFocalLengthAttr().Set(35.0)  # tenths of a centimetre: millimetres
    camera.GetHorizontalApertureAttr().Set(36.0)
    camera.GetVerticalApertureAttr().Set(24.0)
    stage.GetRootLayer().Save()
    back = read_usd(target)
    assert back.rate == 24
    assert back.start_frame == 1
    # Y-up (x, y, z) cm → stage (x, -z, y) m
    np.testing.assert_allclose(back.positions, [[1.0, -2.0, 1.5], [1.0, -3.0, 1.5]], atol=1e-12)
    np.testing.assert_allclose(back.pan_tilt_roll(), [[0, 0, 0], [90, 0, 0]], atol=1e-9)
    assert back.focal_mm[0] == pytest.approx(35.0)
    assert back.camera.film_back == FilmBack(36.0, 24.0)
    assert np.isinf(back.focus_m).all()  # focusDistance unset
    assert (back.f_stop == 2.8).all()  # fStop unset: previz's default


def test_rate_given_to_the_reader_is_a_fallback(tmp_path: Path) -> None:
    # The CLI reads every camera-path format with read(..., rate=fps).
    ours = write_usd(path_of(CASES[1]), tmp_path / "pal.usda")
    assert read(ours, "camera-path", rate=Fraction(24)).rate == 25  # the file's own rate wins
    target = tmp_path / "no_rate.usda"
    stage = Usd.Stage.CreateNew(str(target))
    camera = UsdGeom.Camera.Define(stage, "/cam")
    translate = camera.AddTranslateOp()
    for frame in (1, 2, 3):
        translate.Set(Gf.Vec3d(0.0, 0.0, float(frame)), frame)
    stage.GetRootLayer().Save()
    assert read_usd(target).rate == 24  # USD's assumption
    back = read_usd(target, rate="30000/1001")
    assert back.rate == Fraction(30000, 1001)
    np.testing.assert_allclose(back.times, [0.0, 1001 / 30000, 2002 / 30000])
