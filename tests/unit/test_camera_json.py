"""OpenTrackIO JSON camera paths: field names, round trips, other tools' samples, bad input."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack
from previz.errors import FormatError, InputError, PrevizError
from previz.io.opentrackio_json import read_json, write_json, write_jsonl
from reference_math import pan_tilt_roll_matrix as ptr


def sample_path(rate: Fraction | None = Fraction(24000, 1001), count: int = 50,
                focus: float | None = 4.0) -> CameraPath:
    times = np.arange(count) / float(rate or 30) + (0.0 if rate else 0.013 * np.arange(count))
    positions = np.column_stack([np.sin(times), 2.0 * times, 1.5 + 0.1 * np.cos(times)])
    angles = np.column_stack([40 * np.sin(times), -5 + times, 2 * np.cos(times)])
    return CameraPath.from_pan_tilt_roll(
        times, positions, angles,
        focal_mm=32 + times, focus_m=math.inf if focus is None else focus + times, f_stop=2.8,
        rate=rate,
        camera=CameraInfo(film_back=FilmBack(27.99, 19.22), squeeze=2.0, body="cam:mode"),
    )


@pytest.mark.parametrize("writer", [write_json, write_jsonl])
def test_round_trip(tmp_path: Path, writer) -> None:  # type: ignore[no-untyped-def]
    path = sample_path()
    back = read_json(writer(path, tmp_path / ("p.json" if writer is write_json else "p.jsonl")))
    assert back.rate == Fraction(24000, 1001)
    assert list(back.frames) == list(path.frames)
    np.testing.assert_allclose(back.times, path.times, atol=1e-9)
    np.testing.assert_allclose(back.positions, path.positions, atol=1e-6)
    np.testing.assert_allclose(back.rotation_matrices(), path.rotation_matrices(), atol=1e-6)
    np.testing.assert_allclose(back.focal_mm, path.focal_mm, atol=1e-6)
    np.testing.assert_allclose(back.focus_m, path.focus_m, atol=1e-6)
    np.testing.assert_allclose(back.f_stop, path.f_stop, atol=1e-4)
    assert back.camera.film_back == FilmBack(27.99, 19.22)
    assert back.camera.squeeze == 2.0
    assert back.camera.body == "cam:mode"


def test_field_names_and_values(tmp_path: Path) -> None:
    path = sample_path(count=3)
    samples = json.loads(write_json(path, tmp_path / "p.json").read_text())
    assert len(samples) == 3
    assert "static" in samples[0]
    assert all("static" not in s for s in samples[1:])
    camera = samples[0]["static"]["camera"]
    assert camera["activeSensorPhysicalDimensions"] == {"width": 27.99, "height": 19.22}
    assert camera["anamorphicSqueeze"] == {"num": 2, "denom": 1}
    assert camera["captureFrameRate"] == {"num": 24000, "denom": 1001}
    angles = path.pan_tilt_roll()
    for index, sample in enumerate(samples):
        assert sample["protocol"]["name"] == "OpenTrackIO"
        timing = sample["timing"]
        assert timing["sampleRate"] == {"num": 24000, "denom": 1001}
        stamp = timing["sampleTimestamp"]
        assert stamp["seconds"] + stamp["nanoseconds"] * 1e-9 == pytest.approx(
            index * 1001 / 24000, abs=1e-9)
        transform = sample["transforms"][0]
        assert transform["translation"] == pytest.approx(
            dict(zip("xyz", path.positions[index], strict=True)), abs=1e-6)
        assert transform["rotation"] == pytest.approx(
            dict(zip(("pan", "tilt", "roll"), angles[index], strict=True)), abs=1e-6)
        lens = sample["lens"]
        assert lens["pinholeFocalLength"] == pytest.approx(path.focal_mm[index], abs=1e-6)
        assert lens["focusDistance"] == pytest.approx(path.focus_m[index], abs=1e-6)
        assert lens["fStop"] == pytest.approx(2.8)


def test_infinite_focus_leaves_the_field_out(tmp_path: Path) -> None:
    path = sample_path(count=3, focus=None)
    written = write_json(path, tmp_path / "inf.json")
    assert all("focusDistance" not in s["lens"] for s in json.loads(written.read_text()))
    assert np.isinf(read_json(written).focus_m).all()


def test_samples_not_on_frames_keep_their_times(tmp_path: Path) -> None:
    path = sample_path(rate=None, count=10)
    back = read_json(write_json(path, tmp_path / "free.json"))
    assert back.rate is None
    np.testing.assert_allclose(back.times, path.times - path.times[0], atol=1e-9)


# -------------------------------------------------------- other tools' files
def camdkit_sample(index: int, **changes) -> dict:  # type: ignore[no-untyped-def]
    """A sample in the style of the SMPTE OpenTrackIO examples."""
    sample = {
        "tracker": {"notes": "test", "recording": False, "slate": "A101_A_4", "status": "ok"},
        "timing": {
            "mode": "internal",
            "sampleRate": {"num": 25, "denom": 1},
            "sampleTimestamp": {"seconds": 1718806554 + index // 25,
                                "nanoseconds": (index % 25) * 40_000_000},
            "sequenceNumber": index,
        },
        "lens": {"encoders": {"focus": 0.1, "iris": 0.2, "zoom": 0.3},
                 "entrancePupilOffset": 0.123, "fStop": 4.0, "pinholeFocalLength": 24.305,
                 "focusDistance": 10.0},
        "protocol": {"name": "OpenTrackIO", "version": [1, 0, 0]},
        "sampleId": f"urn:uuid:00000000-0000-0000-0000-{index:012d}",
        "sourceId": "urn:uuid:a44ae08e-f1e7-4fe9-952e-a043007073c9",
        "sourceNumber": 1,
        "transforms": [{"translation": {"x": 1.0 + index, "y": 2.0, "z": 3.0},
                        "rotation": {"pan": 180.0, "tilt": 10.0, "roll": 45.0}, "id": "Camera"}],
        "custom": {"pot1": 2435},
    }
    sample.update(changes)
    return sample


def test_reads_camdkit_style_array_object_and_lines(tmp_path: Path) -> None:
    samples = [camdkit_sample(i) for i in range(5)]
    (tmp_path / "a.json").write_text(json.dumps(samples))
    (tmp_path / "one.json").write_text(json.dumps(samples[0]))
    (tmp_path / "l.jsonl").write_text("\n".join(json.dumps(s) for s in samples) + "\n")
    (tmp_path / "l.json").write_text("\n".join(json.dumps(s) for s in samples))
    for name in ("a.json", "l.jsonl", "l.json"):
        path = read_json(tmp_path / name)
        assert len(path) == 5
        assert path.rate == 25
        np.testing.assert_allclose(path.positions[:, 0], 1.0 + np.arange(5))
        np.testing.assert_allclose(path.rotation_matrices()[0], ptr(180, 10, 45), atol=1e-12)
        assert path.focal_mm[0] == pytest.approx(24.305)
        assert path.focus_m[0] == 10.0
        assert path.f_stop[0] == 4.0
    assert len(read_json(tmp_path / "one.json")) == 1


def test_transforms_compose_in_order(tmp_path: Path) -> None:
    transforms = [
        {"translation": {"x": 10.0, "y": 0.0, "z": 0.0}, "rotation": {"pan": 90.0}, "id": "Dolly"},
        {"translation": {"x": 0.0, "y": 2.0, "z": 1.0}, "rotation": {"tilt": 30.0},
         "scale": {"x": 1.0, "y": 1.0, "z": 1.0}, "id": "Crane Arm"},
        {"translation": {"x": 0.0, "y": 0.5, "z": 0.0}, "rotation": {"roll": 5.0}, "id": "Camera"},
    ]
    (tmp_path / "rig.json").write_text(json.dumps([camdkit_sample(0, transforms=transforms)]))
    path = read_json(tmp_path / "rig.json")

    def matrix(t: np.ndarray, r: np.ndarray) -> np.ndarray:
        m = np.eye(4)
        m[:3, :3] = r
        m[:3, 3] = t
        return m

    world = (matrix([10, 0, 0], ptr(90, 0, 0)) @ matrix([0, 2, 1], ptr(0, 30, 0))
             @ matrix([0, 0.5, 0], ptr(0, 0, 5)))
    np.testing.assert_allclose(path.positions[0], world[:3, 3], atol=1e-12)
    np.testing.assert_allclose(path.rotation_matrices()[0], world[:3, :3], atol=1e-12)


def test_time_from_timecode_or_rate_and_held_lens(tmp_path: Path) -> None:
    by_timecode = []
    for index in range(3):
        sample = camdkit_sample(index)
        sample["timing"] = {"timecode": {"hours": 1, "minutes": 0, "seconds": 0,
                                         "frames": index, "frameRate": {"num": 24, "denom": 1}}}
        if index:
            sample["lens"] = {"fStop": 5.6}  # focal and focus held from sample 0
        by_timecode.append(sample)
    (tmp_path / "tc.json").write_text(json.dumps(by_timecode))
    path = read_json(tmp_path / "tc.json")
    np.testing.assert_allclose(path.times, np.arange(3) / 24)
    np.testing.assert_allclose(path.focal_mm, 24.305)
    np.testing.assert_allclose(path.f_stop, [4.0, 5.6, 5.6])
    by_rate = [camdkit_sample(i) for i in range(4)]
    for sample in by_rate:
        del sample["timing"]["sampleTimestamp"]
    (tmp_path / "rate.json").write_text(json.dumps(by_rate))
    framed = read_json(tmp_path / "rate.json")
    assert framed.rate == 25
    np.testing.assert_allclose(framed.times, np.arange(4) / 25)


@pytest.mark.parametrize(
    ("content", "error", "fragment"),
    [
        ("{not json", FormatError, "bad.json:1: not valid JSON"),
        ("[]", FormatError, "expected OpenTrackIO samples"),
        ('[{"timing": {"sampleRate": {"num": 24, "denom": 1}}, "lens": {}}]', InputError,
         "sample 0: no transforms"),
        ('[{"transforms": [{"translation": {"x": NaN}}], "timing": {"sampleRate": '
         '{"num": 24, "denom": 1}}, "lens": {"pinholeFocalLength": 35}}]', FormatError,
         "NaN is not a number OpenTrackIO allows"),
        ('[{"transforms": [{}], "lens": {"pinholeFocalLength": 35}}]', InputError,
         "sample 0: no timing.sampleTimestamp or timecode"),
        ('[{"transforms": [{}], "timing": {"sampleRate": {"num": 24, "denom": 1}}}]',
         InputError, "no lens.pinholeFocalLength"),
        ('[{"transforms": [{"translation": {"x": "far"}}], "timing": {"sampleRate": '
         '{"num": 24, "denom": 1}}, "lens": {"pinholeFocalLength": 35}}]', InputError,
         "sample 0: translation.x: expected a finite number, found 'far'"),
        ('[{"timing": {"sampleTimestamp": {"seconds": 5}}, "transforms": [{}], "lens": '
         '{"pinholeFocalLength": 35}}, {"timing": {"sampleTimestamp": {"seconds": 4}}, '
         '"transforms": [{}]}]', InputError, "sample 1: time -1.0 s does not come after 0.0 s"),
    ],
)
def test_bad_files(tmp_path: Path, content: str, error: type, fragment: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(error, match=None) as caught:
        read_json(bad)
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(str(bad))
    assert isinstance(caught.value, PrevizError)
    assert caught.value.exit_code == 2


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_json(tmp_path / "nope.json")
