"""Device profiles, OSC mapping, the virtual camera and its calibration."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from previz.core.camera_path import orientations_from_pan_tilt_roll, pan_tilt_roll_from_orientations
from previz.core.one_euro import OneEuroSettings
from previz.core.rotation import euler_to_quaternion, quaternion_to_matrix
from previz.errors import DataFileError, InputError, ProtocolError
from previz.io.device_toml import find_device, load_devices, read_device_file
from previz.live.fastquat import euler_to_quat, matrix_to_quat, quat_mul, quat_to_matrix
from previz.live.mapping import OscMapper
from previz.live.profile import (
    Calibration,
    DeviceProfile,
    EncoderTable,
    FilterSettings,
    OscMapping,
    axis_matrix,
)
from previz.live.reading import Reading
from previz.live.vcam import SequenceCheck, VirtualCamera

OFF = FilterSettings(OneEuroSettings(enabled=False), OneEuroSettings(enabled=False))


def _profile(**changes: object) -> DeviceProfile:
    base = {"name": "t", "protocol": "osc", "mappings": (
        OscMapping("/p", "position"), OscMapping("/q", "quaternion", order="xyzw"),
    ), "filter": OFF}
    base.update(changes)
    return DeviceProfile(**base)  # type: ignore[arg-type]


def _rotation_close(q1: tuple[float, ...], q2: tuple[float, ...], tol: float = 1e-9) -> bool:
    return bool(np.allclose(quaternion_to_matrix(np.array(q1)), quaternion_to_matrix(np.array(q2)),
                            atol=tol))


# ------------------------------------------------------------------ fast quaternion math
def test_fast_quaternion_math_matches_the_vectorised_module() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        angles = rng.uniform(-180, 180, 3)
        for order in ("ZXY", "XYZ", "YZX"):
            fast = euler_to_quat(tuple(angles), order)
            reference = euler_to_quaternion(angles, order)
            assert _rotation_close(fast, tuple(reference))
        q = rng.normal(size=4)
        q /= np.linalg.norm(q)
        assert np.allclose(quat_to_matrix(tuple(q)), quaternion_to_matrix(q), atol=1e-12)
        back = matrix_to_quat(quat_to_matrix(tuple(q)))
        assert np.allclose(back, q * np.sign(q[3]), atol=1e-12)
        r = rng.normal(size=4)
        product = quat_mul(tuple(q), tuple(r))
        assert np.allclose(quaternion_to_matrix(np.array(product)),
                           quaternion_to_matrix(q) @ quaternion_to_matrix(r / np.linalg.norm(r)),
                           atol=1e-9)


# ------------------------------------------------------------------ profiles
def test_axis_matrix_reads_signed_axes() -> None:
    assert np.array_equal(axis_matrix(("x", "-z", "y")),
                          [[1, 0, 0], [0, 0, -1], [0, 1, 0]])
    with pytest.raises(ValueError, match="once"):
        axis_matrix(("x", "x", "y"))


def test_builtin_profiles_load_and_cover_the_required_devices() -> None:
    devices = load_devices()
    assert {"previz", "zigsim", "touchosc", "tracker", "freed", "opentrackio"} <= set(devices)
    assert devices["freed"].protocol == "freed"
    assert devices["opentrackio"].port == 55555
    assert devices["touchosc"].tables["focus"](1.0) == math.inf


def test_encoder_table_interpolates_and_focus_goes_through_diopters() -> None:
    zoom = EncoderTable((0.0, 0.5, 1.0), (24.0, 50.0, 290.0))
    assert zoom(0.25) == pytest.approx(37.0)
    assert zoom(-1) == 24.0
    assert zoom(2) == 290.0
    assert zoom.inverse(37.0) == pytest.approx(0.25)
    focus = EncoderTable((0.0, 1.0), (1.0, math.inf), in_diopters=True)
    assert focus(0.5) == pytest.approx(2.0)  # halfway in diopters: 1/0.5
    assert focus.inverse(2.0) == pytest.approx(0.5)
    assert focus.inverse(math.inf) == pytest.approx(1.0)
    many = focus.inverse(np.array([2.0, math.inf, 1.0]))  # arrays in one call
    np.testing.assert_allclose(many, [0.5, 1.0, 0.0])


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dev.toml"
    path.write_text('schema = "previz.device/1"\nname = "d"\n' + text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('protocol = "midi"\n',
         r"dev.toml: protocol: 'midi' is not one of osc, freed, opentrackio"),
        ('protocol = "osc"\n', r"osc: an osc profile needs one or more \[\[osc\]\] mappings"),
        ('protocol = "osc"\n[[osc]]\naddress = "/a"\nchannel = "quat"\n',
         r"osc\[0\]\.channel: 'quat' is not one of position"),
        ('protocol = "osc"\n[[osc]]\naddress = "a b"\nchannel = "position"\n',
         r"osc\[0\]\.address: an OSC address starts with '/'"),
        ('protocol = "osc"\n[[osc]]\naddress = "/a"\nchannel = "quaternion"\norder = "xyz"\n',
         r"osc\[0\]\.order"),
        ('protocol = "osc"\n[[osc]]\naddress = "/a"\nchannel = "zoom"\ntable = "zoom"\n',
         r"osc\[0\]\.table: no table 'zoom'"),
        ('protocol = "osc"\naxes = ["x", "y"]\n[[osc]]\naddress = "/a"\nchannel = "mark"\n',
         r"axes: expected three axes"),
        ('protocol = "osc"\naxes = ["x", "z", "y"]\n[[osc]]\naddress = "/a"\nchannel = "mark"\n',
         r"mirror image"),
        ('protocol = "freed"\n[tables.zoom]\ninput = [1, 0]\noutput = [24, 70]\n',
         r"tables\.zoom\.input: table inputs must be strictly increasing"),
        ('protocol = "freed"\n[calibration]\nscale = -2\n',
         r"calibration\.scale: expected a positive number"),
        ('protocol = "freed"\n[filter.position]\nbeta = "high"\n',
         r"filter\.position\.beta: expected a number"),
        ('protocol = "freed"\nspeed = 3\n', r"speed: unknown key; valid keys"),
    ],
)
def test_bad_profiles_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        read_device_file(_toml(tmp_path, text))


def test_find_device_names_the_known_profiles() -> None:
    with pytest.raises(InputError, match=r"--device 'iphone'.*known: freed, opentrackio, previz"):
        find_device("iphone")


# ------------------------------------------------------------------ mapping
def test_zigsim_arkit_pose_lands_in_stage_conventions() -> None:
    """ARKit: Y up, camera looks down -Z. Identity pose = previz camera looking along +Y."""
    mapper = OscMapper(find_device("zigsim"))
    reading = Reading()
    assert mapper.apply("/0F3A-UUID/arkitposition", [1.0, 1.6, -2.0], reading)
    assert mapper.apply("/0F3A-UUID/arkitrotation", [0.0, 0.0, 0.0, 1.0], reading)
    assert reading.position == pytest.approx((1.0, 2.0, 1.6))  # (x, -z, y)
    assert _rotation_close(reading.orientation, (0.0, 0.0, 0.0, 1.0))
    # The phone turned 90 degrees left (about ARKit +Y): the previz camera pans +90 (CCW).
    turn = (0.0, math.sin(math.pi / 4), 0.0, math.cos(math.pi / 4))
    mapper.apply("/other-uuid/arkitrotation", list(turn), reading)
    pan, tilt, roll = pan_tilt_roll_from_orientations(np.array(reading.orientation))
    assert (pan, tilt, roll) == pytest.approx((90.0, 0.0, 0.0), abs=1e-9)
    # Tilting the phone up (about ARKit +X) tilts the camera up.
    up = (math.sin(math.radians(10)), 0.0, 0.0, math.cos(math.radians(10)))
    mapper.apply("/ZIGSIM/u/arkitrotation", list(up), reading)
    pan, tilt, roll = pan_tilt_roll_from_orientations(np.array(reading.orientation))
    assert (pan, tilt, roll) == pytest.approx((0.0, 20.0, 0.0), abs=1e-9)


def test_euler_channel_and_wxyz_order_and_units() -> None:
    profile = _profile(mappings=(
        OscMapping("/e", "euler", order="ZXY"),
        OscMapping("/q", "quaternion", order="wxyz"),
        OscMapping("/p", "position", args=(2, 1, 0)),
    ), length_unit=0.01)
    mapper = OscMapper(profile)
    reading = Reading()
    mapper.apply("/e", [30.0, -10.0, 5.0], reading)
    expected = orientations_from_pan_tilt_roll(np.array([30.0, -10.0, 5.0]))
    assert _rotation_close(reading.orientation, tuple(expected))
    mapper.apply("/q", [1.0, 0.0, 0.0, 0.0], reading)
    assert _rotation_close(reading.orientation, (0.0, 0.0, 0.0, 1.0))
    mapper.apply("/p", [100.0, 200.0, 300.0], reading)
    assert reading.position == pytest.approx((3.0, 2.0, 1.0))


@pytest.mark.parametrize(
    ("params", "kind"),
    [([1.0, 2.0], "invalid"), ([1.0, "x", 2.0], "invalid"), ([1.0, math.nan, 2.0], "range"),
     ([1.0, math.inf, 0.0], "range"), ([True, 1.0, 2.0], "invalid")],
)
def test_bad_arguments_raise_protocol_errors_with_the_address(params: list, kind: str) -> None:
    mapper = OscMapper(_profile())
    with pytest.raises(ProtocolError, match=r"^/p: ") as caught:
        mapper.apply("/p", params, Reading())
    assert caught.value.kind == kind


def test_zero_quaternion_is_out_of_range_and_unmapped_is_reported() -> None:
    mapper = OscMapper(_profile())
    with pytest.raises(ProtocolError) as caught:
        mapper.apply("/q", [0.0, 0.0, 0.0, 0.0], Reading())
    assert caught.value.kind == "range"
    assert mapper.apply("/nothing/here", [1.0], Reading()) is False


def test_lens_tables_and_triggers() -> None:
    mapper = OscMapper(find_device("touchosc"))
    reading = Reading()
    mapper.apply("/1/fader1", [0.5], reading)
    mapper.apply("/1/fader2", [1.0], reading)
    mapper.apply("/1/fader3", [0.25], reading)
    mapper.apply("/1/toggle1", [1.0], reading)
    mapper.apply("/1/push1", [1.0], reading)
    assert reading.focal_mm == pytest.approx(70.0)
    assert reading.focus_m == math.inf
    assert reading.f_stop == pytest.approx(2.8)
    assert reading.zoom_raw == 0.5
    assert reading.triggers == [("record", 1.0), ("mark", None)]


# ------------------------------------------------------------------ virtual camera
def test_calibration_origin_heading_and_scale() -> None:
    calibration = Calibration(origin=(10.0, 0.0, 0.0), heading=90.0, scale=2.0)
    camera = VirtualCamera(_profile(calibration=calibration))
    sample = camera.update(Reading(position=(1.0, 0.0, 1.5), orientation=(0, 0, 0, 1)), 0.0)
    assert sample is not None
    # 2x scale, then turned 90 degrees CCW: device +x goes to stage +y.
    assert sample.raw_position == pytest.approx((10.0, 2.0, 3.0))
    pan = pan_tilt_roll_from_orientations(np.array(sample.raw_orientation))[0]
    assert pan == pytest.approx(90.0)


def test_set_origin_here_and_zero_heading_keep_the_camera_continuous() -> None:
    camera = VirtualCamera(_profile())
    q = tuple(orientations_from_pan_tilt_roll(np.array([35.0, 5.0, 0.0])))
    camera.update(Reading(position=(3.0, 4.0, 1.7), orientation=q), 0.0)
    camera.set_origin_here((0.0, 0.0, None))
    sample = camera.update(Reading(position=(3.0, 4.0, 1.7)), 0.1)
    assert sample.raw_position == pytest.approx((0.0, 0.0, 1.7))
    camera.zero_heading()
    sample = camera.update(Reading(position=(3.0, 4.0, 1.7), orientation=q), 0.2)
    pan, tilt, _ = pan_tilt_roll_from_orientations(np.array(sample.raw_orientation))
    assert pan == pytest.approx(0.0, abs=1e-9)
    assert tilt == pytest.approx(5.0)
    assert sample.raw_position == pytest.approx((0.0, 0.0, 1.7))  # did not jump
    # Walking 1 m along the device's own forward direction now moves along stage +Y.
    forward = (3.0 - math.sin(math.radians(35)), 4.0 + math.cos(math.radians(35)), 1.7)
    sample = camera.update(Reading(position=forward), 0.3)
    assert sample.raw_position == pytest.approx((0.0, 1.0, 1.7), abs=1e-9)


def test_sequence_check_counts_duplicates_reorders_and_gaps() -> None:
    check = SequenceCheck()
    accepted = [check.accept(i) for i in (1, 2, 2, 5, 4, 6, 3000, 2)]
    assert accepted == [True, True, False, True, False, True, True, True]
    assert (check.duplicates, check.out_of_order) == (1, 1)
    assert check.missing == 2  # 3 and 4 missing between 2 and 5, the big jump is a restart


def test_filtered_and_raw_are_both_kept_and_lens_defaults_apply() -> None:
    profile = _profile(filter=FilterSettings(OneEuroSettings(1.0, 0.0), OneEuroSettings(1.0, 0.0)))
    camera = VirtualCamera(profile)
    camera.update(Reading(position=(0.0, 0.0, 0.0), orientation=(0, 0, 0, 1)), 0.0)
    sample = camera.update(Reading(position=(1.0, 0.0, 0.0)), 0.01)
    assert sample.raw_position == (1.0, 0.0, 0.0)
    assert 0.0 < sample.position[0] < 0.1  # a 1 Hz low-pass barely moves in 10 ms
    assert (sample.focal_mm, sample.f_stop) == (35.0, 2.8)
    assert camera.update(Reading(), 0.02) is None  # nothing moved: no sample
