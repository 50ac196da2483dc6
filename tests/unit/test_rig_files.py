"""Rig data files: reading, checking, finding by name, and the clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from previz.core.rig import LensKit, LensSpec
from previz.errors import DataFileError, InputError
from previz.io.datafiles import load_rig_library, read_rig_file, rig_folders
from rig_samples import CAMERA, PRIMES, SUPPORT, ZOOM


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def library_folder(tmp_path: Path) -> Path:
    write(tmp_path, "cameras/cam.toml", CAMERA)
    write(tmp_path, "lenses/primes.toml", PRIMES)
    write(tmp_path, "lenses/zoom.toml", ZOOM)
    write(tmp_path, "supports/dolly.toml", SUPPORT)
    return tmp_path


def test_library_reads_every_kind(library_folder: Path) -> None:
    library = load_rig_library((library_folder,))
    body = library.camera("test-cam")
    assert body.display_name == "Test Cam"
    assert [m.name for m in body.modes] == ["open-gate", "16x9"]
    assert body.mode().photosites == (4608, 3164)
    assert body.mode("16x9").film_back.height_mm == 15.75
    assert body.mode("16x9").photosites is None
    kit = library.lens_kit("test-primes")
    assert [lens.focal_mm for lens in kit.lenses] == [25.0, 50.0]
    zoom = library.lens_kit("test-zoom")
    assert zoom.squeeze == 2.0
    assert zoom.lenses[0].focal_range_mm == (24.0, 290.0)
    support = library.support("test-dolly")
    assert support.height_range_m == (0.5, 2.0)
    assert support.max_pan_deg_s == 90.0
    assert support.max_tilt_deg_s is None


def test_body_and_mode_spec(library_folder: Path) -> None:
    library = load_rig_library((library_folder,))
    assert library.body_and_mode("test-cam")[1].name == "open-gate"
    assert library.body_and_mode("test-cam:16x9")[1].name == "16x9"
    with pytest.raises(InputError, match="camera 'test-cam' has no sensor mode 'vista'; "
                                         "valid: open-gate, 16x9"):
        library.body_and_mode("test-cam:vista")
    with pytest.raises(InputError, match="unknown camera body 'alexa'; valid: test-cam"):
        library.body_and_mode("alexa")
    with pytest.raises(InputError, match="unknown lens kit 'x'; valid: test-primes, test-zoom"):
        library.lens_kit("x")
    with pytest.raises(InputError, match="unknown camera support 'crane'; valid: test-dolly"):
        library.support("crane")


def test_lens_for_primes_and_zooms() -> None:
    primes = LensKit("p", "P", "", 1.0, (LensSpec("25mm", 25.0), LensSpec("50mm", 50.0)))
    assert primes.lens_for(50.0).name == "50mm"
    assert primes.lens_for(25.04).name == "25mm"
    with pytest.raises(InputError, match=r"shot.json: frame 1002: 35 mm is not in lens kit 'p'; "
                                         r"valid: 25mm, 50mm"):
        primes.lens_for(35.0, where="shot.json: frame 1002: ")
    zoom = LensKit("z", "Z", "", 1.0, (LensSpec("24-290", focal_range_mm=(24.0, 290.0)),))
    assert zoom.lens_for(24.0).name == "24-290"
    assert zoom.lens_for(290.0).name == "24-290"
    with pytest.raises(InputError, match="300 mm is outside the range of lens kit 'z'; "
                                         "valid: 24-290mm"):
        zoom.lens_for(300.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CAMERA.replace('schema = "previz.rig/1"', 'schema = "previz.rig/2"'),
         "schema: expected 'previz.rig/1', found 'previz.rig/2'"),
        (CAMERA.replace('kind = "camera"', 'kind = "tripod"'),
         "kind: unknown kind 'tripod'; valid: camera, lens-kit, support"),
        (CAMERA.replace("width_mm = 27.99\nheight_mm = 19.22", "width_mm = -1\nheight_mm = 19.22"),
         r"modes\[0\].width_mm: expected a positive number, found -1"),
        (CAMERA.replace("height_mm = 15.75", 'height_mm = "tall"'),
         r"modes\[1\].height_mm: expected a positive number, found 'tall'"),
        (CAMERA.replace("photosites = [4608, 3164]", "photosites = [4608]"),
         r"modes\[0\].photosites: expected two whole numbers"),
        (CAMERA.replace('default_mode = "open-gate"', 'default_mode = "scope"'),
         "default_mode: 'scope' is not a mode; valid: open-gate, 16x9"),
        (CAMERA.replace('label = "16:9"', 'lable = "16:9"'),
         r"modes\[1\].lable: unknown key; valid keys: name, label, width_mm, height_mm"),
        (CAMERA.replace('name = "16x9"', 'name = "open-gate"'),
         r"modes\[1\].name: sensor mode 'open-gate' is listed twice"),
        (CAMERA.replace('name = "test-cam"\n', ""), "name: is required"),
        (CAMERA.replace('label = "Open Gate"', 'label = "Open Gate'), "not valid TOML"),
    ],
)
def test_bad_camera_files_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "cam.toml", text)
    with pytest.raises(DataFileError, match=message) as caught:
        read_rig_file(path)
    assert str(caught.value).startswith(str(path))
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PRIMES.replace("focal_mm = 50", "focal_range_mm = [50, 20]"),
         r"lenses\[1\].focal_range_mm: expected \[low, high\]"),
        (PRIMES.replace("focal_mm = 50", 'focal_mm = 50\nfocal_range_mm = [50, 60]'),
         r"lenses\[1\].focal_mm: give either focal_mm \(a prime\) or focal_range_mm"),
        (PRIMES.replace('name = "50mm"\nfocal_mm = 50', 'name = "50mm"'),
         r"lenses\[1\].focal_mm: give either"),
        (PRIMES.replace("[[lenses]]\nname = \"25mm\"", "[[lense]]\nname = \"25mm\""),
         "lense: unknown key"),
        (SUPPORT.replace("height_range_m = [0.5, 2.0]", "height_range_m = [2.0, 0.5]"),
         r"height_range_m: expected \[low, high\] with 0 <= low <= high, found \[2.0, 0.5\]"),
        (SUPPORT.replace("max_speed_m_s = 1.5", "max_speed_m_s = true"),
         "max_speed_m_s: expected a positive number, found True"),
    ],
)
def test_bad_lens_and_support_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        read_rig_file(write(tmp_path, "rig.toml", text))


def test_a_name_used_twice_names_both_files(library_folder: Path) -> None:
    second = write(library_folder, "zz/other.toml", SUPPORT.replace('display_name = "Dolly"',
                                                                     'display_name = "Dolly 2"'))
    with pytest.raises(DataFileError, match=f"{second}: name: 'test-dolly' is already used by "):
        load_rig_library((library_folder,))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        read_rig_file(tmp_path / "nope.toml")


def test_rig_path_environment(monkeypatch: pytest.MonkeyPatch, library_folder: Path) -> None:
    monkeypatch.setenv("PREVIZ_RIG_PATH", str(library_folder))
    assert rig_folders()[0] == library_folder
    assert "test-cam" in load_rig_library().cameras
    monkeypatch.setenv("PREVIZ_RIG_PATH", str(library_folder / "missing"))
    with pytest.raises(InputError, match=r"PREVIZ_RIG_PATH: .*missing is not a folder"):
        rig_folders()


# ----------------------------------------------------------- the built-in kit
BUILTIN_CAMERAS = (
    "arri-alexa-35", "arri-alexa-mini-lf", "arri-alexa-mini", "sony-venice-2",
    "red-v-raptor-8k-vv", "blackmagic-ursa-mini-pro-12k", "canon-eos-c300-mark-iii",
    "apple-iphone-15-pro-main",
)


@pytest.fixture
def builtin(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PREVIZ_RIG_PATH", raising=False)
    return load_rig_library()


def test_builtin_cameras_are_all_there_with_sources(builtin) -> None:  # type: ignore[no-untyped-def]
    for name in BUILTIN_CAMERAS:
        body = builtin.camera(name)
        assert body.source, name
        assert body.mode().name == body.default_mode
    assert len(builtin.camera("arri-alexa-35").modes) >= 3


def test_builtin_alexa_35_open_gate_figures(builtin) -> None:  # type: ignore[no-untyped-def]
    mode = builtin.camera("arri-alexa-35").mode("4.6k-3x2-open-gate")
    assert (mode.width_mm, mode.height_mm, mode.photosites) == (27.99, 19.22, (4608, 3164))
    lf = builtin.camera("arri-alexa-mini-lf").mode()
    assert (lf.width_mm, lf.height_mm, lf.photosites) == (36.70, 25.54, (4448, 3096))


def test_builtin_modes_have_one_photosite_pitch_per_sensor(builtin) -> None:  # type: ignore[no-untyped-def]
    for body in builtin.cameras.values():
        pitches = [
            mode.width_mm / mode.photosites[0]
            for mode in body.modes
            if mode.photosites and "12mp" not in mode.name  # binned 2x2 on the iPhone
        ]
        assert max(pitches) / min(pitches) < 1.01, body.name


def test_builtin_lens_kits_cover_spherical_zoom_and_anamorphic(builtin) -> None:  # type: ignore[no-untyped-def]
    kits = builtin.lens_kits.values()
    spherical = [k for k in kits if k.squeeze == 1 and not any(lens.is_zoom for lens in k.lenses)]
    assert any(len(k.lenses) >= 8 for k in spherical)
    assert any(any(lens.is_zoom for lens in k.lenses) for k in kits)
    anamorphic = [k for k in kits if k.squeeze == 2.0]
    assert any(len(k.lenses) >= 6 for k in anamorphic)
    assert all(k.source for k in kits)


def test_builtin_supports(builtin) -> None:  # type: ignore[no-untyped-def]
    names = set(builtin.supports)
    assert {"tripod", "dolly", "steadicam", "handheld", "drone"} <= names
    assert any("crane" in name for name in names)
    for support in builtin.supports.values():
        low, high = support.height_range_m
        assert 0 <= low < high
        assert support.source
    assert builtin.support("tripod").max_speed_m_s < builtin.support("dolly").max_speed_m_s
