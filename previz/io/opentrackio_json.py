"""Camera paths as OpenTrackIO samples: a JSON array (``.json``) or JSON Lines (``.jsonl``).

Each sample uses OpenTrackIO 1.0 field names: ``timing.sampleTimestamp``
(``seconds`` + ``nanoseconds``), ``timing.sampleRate``, ``transforms[0]`` with
``translation`` {x, y, z} in metres and ``rotation`` {pan, tilt, roll} in
degrees (Z up, intrinsic Z-X-Y, the same frame as the previz stage),
``lens.pinholeFocalLength`` (mm), ``lens.focusDistance`` (m) and ``lens.fStop``.
The first sample also carries ``static.camera`` (sensor size, squeeze, rate).

The reader takes what other OpenTrackIO sources write as well: an array, one
object, or JSON Lines; several transforms are composed in order (dolly, crane
arm, camera, …, each with an optional scale); time comes from
``sampleTimestamp``, else the timecode, else the sample rate. A lens value a
sample leaves out is held from the previous sample.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack
from previz.core.rotation import euler_to_matrix, matrix_to_quaternion
from previz.errors import FormatError, InputError
from previz.io.files import atomic_output, open_input

__all__ = ["read_json", "sample_dict", "write_json", "write_jsonl"]

_PROTOCOL = '{"name":"OpenTrackIO","version":[1,0,1]}'
# The same protocol block as a value, for samples built as dicts.
_PROTOCOL_VERSION = (1, 0, 1)
_BLOCK = 8192
# An f-stop written when a source never states one.
_DEFAULT_F_STOP = 2.8


# ------------------------------------------------------------------ writing
def _sample_template(with_rate: bool, with_focus: bool) -> str:
    rate = ',"sampleRate":{"num":%d,"denom":%d}' if with_rate else ""
    focus = ',"focusDistance":%.6f' if with_focus else ""
    return (
        '{"protocol":' + _PROTOCOL + ',"timing":{"sampleTimestamp":{"seconds":%d,'
        '"nanoseconds":%d}' + rate + ',"sequenceNumber":%d},"transforms":[{"id":"Camera",'
        '"translation":{"x":%.6f,"y":%.6f,"z":%.6f},'
        '"rotation":{"pan":%.6f,"tilt":%.6f,"roll":%.6f}}],'
        '"lens":{"pinholeFocalLength":%.6f' + focus + ',"fStop":%.4f}}'
    )


def sample_dict(
    time_s: float,
    position: Sequence[float],
    pan_tilt_roll: Sequence[float],
    focal_mm: float,
    focus_m: float = math.inf,
    f_stop: float = _DEFAULT_F_STOP,
    *,
    sequence: int = 0,
    rate: Fraction | None = None,
    static: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return one OpenTrackIO sample as a dict, with the fields the file writers write.

    :func:`write_json` and :func:`write_jsonl` format the same fields as text
    (numbers to 6 decimals, 4 for the f-stop); the live sender streams this dict.

    Parameters
    ----------
    time_s : float
        Sample time in seconds (≥ 0), written as ``timing.sampleTimestamp``.
    position : sequence of 3 float
        Stage position in metres (``transforms[0].translation``).
    pan_tilt_roll : sequence of 3 float
        Degrees, intrinsic Z-X-Y (``transforms[0].rotation``).
    focal_mm, focus_m, f_stop : float
        Lens values; an infinite focus distance leaves ``lens.focusDistance`` out.
    sequence : int, keyword-only
        ``timing.sequenceNumber``.
    rate : Fraction, optional
        ``timing.sampleRate`` when the samples are on frames.
    static : dict, optional
        A ``static`` block (camera, lens, tracker) to carry on this sample.

    Returns
    -------
    dict
        JSON-ready (only dicts, lists, str, int and float).
    """
    if not math.isfinite(time_s) or time_s < 0:
        raise ValueError(f"sample time must be a finite number of seconds >= 0, got {time_s}")
    seconds = math.floor(time_s)
    nanoseconds = round((time_s - seconds) * 1e9)
    if nanoseconds >= 1_000_000_000:
        seconds, nanoseconds = seconds + 1, nanoseconds - 1_000_000_000
    timing: dict[str, Any] = {"sampleTimestamp": {"seconds": seconds, "nanoseconds": nanoseconds}}
    if rate is not None:
        timing["sampleRate"] = {"num": rate.numerator, "denom": rate.denominator}
    timing["sequenceNumber"] = int(sequence)
    x, y, z = (float(v) for v in position)
    pan, tilt, roll = (float(v) for v in pan_tilt_roll)
    lens: dict[str, Any] = {"pinholeFocalLength": float(focal_mm)}
    if math.isfinite(focus_m):
        lens["focusDistance"] = float(focus_m)
    lens["fStop"] = float(f_stop)
    sample: dict[str, Any] = {} if static is None else {"static": static}
    sample.update(
        protocol={"name": "OpenTrackIO", "version": list(_PROTOCOL_VERSION)},
        timing=timing,
        transforms=[{
            "id": "Camera",
            "translation": {"x": x, "y": y, "z": z},
            "rotation": {"pan": pan, "tilt": tilt, "roll": roll},
        }],
        lens=lens,
    )
    return sample


def _static(path: CameraPath) -> dict[str, Any]:
    camera: dict[str, Any] = {
        "activeSensorPhysicalDimensions": {
            "width": path.camera.film_back.width_mm,
            "height": path.camera.film_back.height_mm,
        },
        "anamorphicSqueeze": _ratio(path.camera.squeeze),
    }
    if path.rate is not None:
        camera["captureFrameRate"] = {"num": path.rate.numerator, "denom": path.rate.denominator}
    if path.camera.body:
        camera["label"] = path.camera.body
    return {"camera": camera}


def _ratio(value: float) -> dict[str, int]:
    fraction = Fraction(value).limit_denominator(1000)
    return {"num": fraction.numerator, "denom": fraction.denominator}


def _rows(path: CameraPath) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The per-sample template and the numbers that fill it (one row per sample)."""
    seconds = np.floor(path.times)
    nanoseconds = np.rint((path.times - seconds) * 1e9)
    carry = nanoseconds >= 1e9
    seconds[carry] += 1
    nanoseconds[carry] -= 1e9
    count = len(path)
    columns = [seconds, nanoseconds]
    if path.rate is not None:
        columns += [np.full(count, path.rate.numerator), np.full(count, path.rate.denominator)]
    columns += [np.arange(count), *path.positions.T, *path.pan_tilt_roll().T, path.focal_mm]
    finite_focus = np.isfinite(path.focus_m)
    columns += [np.where(finite_focus, path.focus_m, 0.0), path.f_stop]
    return np.column_stack(columns), finite_focus


def _write(path: CameraPath, target: str | os.PathLike[str], *, lines: bool) -> Path:
    template_focus = _sample_template(path.rate is not None, True)
    template_plain = _sample_template(path.rate is not None, False)
    values, finite_focus = _rows(path)
    focus_column = values.shape[1] - 2
    plain_columns = [c for c in range(values.shape[1]) if c != focus_column]
    static = json.dumps(_static(path), separators=(",", ":"))
    separator = "\n" if lines else ",\n"
    with atomic_output(target) as stream:
        if not lines:
            stream.write("[\n")
        for start in range(0, len(path), _BLOCK):
            block = values[start : start + _BLOCK]
            focus = finite_focus[start : start + _BLOCK]
            texts = [
                template_focus % tuple(row) if has_focus else template_plain % tuple(
                    row[i] for i in plain_columns
                )
                for row, has_focus in zip(block.tolist(), focus.tolist(), strict=True)
            ]
            if start == 0:  # the static block rides on the first sample
                texts[0] = '{"static":' + static + "," + texts[0][1:]
            stream.write(separator.join(texts))
            stream.write(separator if start + _BLOCK < len(path) else "\n")
        if not lines:
            stream.write("]\n")
    return Path(target)


def write_json(path: CameraPath, target: str | os.PathLike[str]) -> Path:
    """Write a camera path as a JSON array of OpenTrackIO samples.

    Parameters
    ----------
    path : CameraPath
        Any path (on frames or not): every sample is written with its time.
    target : str or path-like
        The ``.json`` file, written under a temporary name and moved into place.

    Returns
    -------
    pathlib.Path
    """
    return _write(path, target, lines=False)


def write_jsonl(path: CameraPath, target: str | os.PathLike[str]) -> Path:
    """Write a camera path as JSON Lines: one OpenTrackIO sample per line."""
    return _write(path, target, lines=True)


# ------------------------------------------------------------------ reading
def _load_samples(text: str, source: str) -> list[dict[str, Any]]:
    def reject(token: str) -> float:
        raise ValueError(f"{token} is not a number OpenTrackIO allows")

    try:
        data = json.loads(text, parse_constant=reject)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise FormatError(
                f"{source}:{error.lineno}: not valid JSON ({error.msg} at column {error.colno})"
            ) from None
        data = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data.append(json.loads(line, parse_constant=reject))
            except json.JSONDecodeError as line_error:
                raise FormatError(
                    f"{source}:{number}: not a JSON Lines sample ({line_error.msg} "
                    f"at column {line_error.colno})"
                ) from None
            except ValueError as value_error:
                raise FormatError(f"{source}:{number}: {value_error}") from None
    except ValueError as error:
        raise FormatError(f"{source}: {error}") from None
    if isinstance(data, dict):
        data = data.get("samples", [data])
    if not isinstance(data, list) or not data or not all(isinstance(s, dict) for s in data):
        raise FormatError(f"{source}: expected OpenTrackIO samples (objects), found none")
    return data


def _number(sample: dict[str, Any], keys: tuple[str, ...], where: Callable[[], str]) -> Any:
    value: Any = sample
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where()}: {'.'.join(keys)}: expected a finite number, found {value!r}")
    return float(value)


def _transform(entry: Any, where: Callable[[], str]) -> NDArray[np.float64]:
    """The 4×4 matrix of one OpenTrackIO transform (translate · rotate · scale)."""
    if not isinstance(entry, dict):
        raise InputError(f"{where()}: expected an object, found {entry!r}")
    values = {}
    for group, keys, default in (
        ("translation", ("x", "y", "z"), 0.0),
        ("rotation", ("pan", "tilt", "roll"), 0.0),
        ("scale", ("x", "y", "z"), 1.0),
    ):
        values[group] = [
            v if (v := _number(entry, (group, key), where)) is not None else default
            for key in keys
        ]
    matrix = np.eye(4)
    matrix[:3, :3] = euler_to_matrix(values["rotation"], "ZXY") * np.asarray(values["scale"])
    matrix[:3, 3] = values["translation"]
    return matrix


def _time_of(sample: dict[str, Any], where: Callable[[], str]) -> float | None:
    seconds = _number(sample, ("timing", "sampleTimestamp", "seconds"), where)
    if seconds is not None:
        nanos = _number(sample, ("timing", "sampleTimestamp", "nanoseconds"), where) or 0.0
        return seconds + nanos * 1e-9
    timecode = sample.get("timing", {}).get("timecode")
    if isinstance(timecode, dict):
        rate = _rate(timecode.get("frameRate"), where)
        fields = [_number(timecode, (k,), where) for k in ("hours", "minutes", "seconds", "frames")]
        if rate is not None and None not in fields:
            hours, minutes, secs, frames = fields  # type: ignore[misc]
            nominal = round(float(rate))
            frame = ((hours * 60 + minutes) * 60 + secs) * nominal + frames
            return frame / float(rate)
    return None


def _rate(value: Any, where: Callable[[], str]) -> Fraction | None:
    if not isinstance(value, dict):
        return None
    num = _number(value, ("num",), where)
    den = _number(value, ("denom",), where)
    if num is None or den is None or num <= 0 or den <= 0:
        raise InputError(f"{where()}: expected a rate {{num, denom}} > 0, found {value!r}")
    return Fraction(int(num), int(den))


def read_json(path: str | os.PathLike[str], *, rate: Any = None) -> CameraPath:
    """Read OpenTrackIO samples (JSON array, single object or JSON Lines).

    Parameters
    ----------
    path : str or path-like
        The file.
    rate : optional
        Unused; accepted so every camera reader takes the same options.

    Returns
    -------
    CameraPath
        Times relative to the first sample; on frames (with a rate) when the
        samples are evenly spaced at the stated sample rate.

    Raises
    ------
    FormatError
        For text that is not JSON or holds no samples.
    InputError
        For a sample without transforms, lens or timing, or a bad value; the
        message names the file and the sample.
    """
    del rate
    source = os.fspath(path)
    with open_input(path, "camera path as OpenTrackIO JSON") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"{source}: cannot read as text: {error}") from None
    samples = _load_samples(text, source)
    count = len(samples)
    matrices = np.empty((count, 4, 4))
    times = np.empty(count)
    lens = np.full((count, 3), np.nan)
    sample_rate: Fraction | None = None
    static: dict[str, Any] = {}
    for index, sample in enumerate(samples):

        def where(index: int = index) -> str:
            return f"{source}: sample {index}"

        static = static or (sample.get("static") or {})
        sample_rate = sample_rate or _rate(sample.get("timing", {}).get("sampleRate"), where)
        transforms = sample.get("transforms")
        if not isinstance(transforms, list) or not transforms:
            raise InputError(f"{where()}: no transforms; expected transforms[0].translation")
        world = np.eye(4)
        for entry in transforms:
            world = world @ _transform(entry, where)
        matrices[index] = world
        moment = _time_of(sample, where)
        times[index] = np.nan if moment is None else moment
        for column, key in enumerate(("pinholeFocalLength", "focusDistance", "fStop")):
            value = _number(sample, ("lens", key), where)
            if value is not None:
                lens[index, column] = value
    times = _complete_times(times, sample_rate, source)
    focal = _held(lens[:, 0], None, f"{source}: sample 0: no lens.pinholeFocalLength")
    focus = _held(lens[:, 1], math.inf, "")
    f_stop = _held(lens[:, 2], _DEFAULT_F_STOP, "")
    rotation = matrices[:, :3, :3]
    rotation = rotation / np.linalg.norm(rotation, axis=1, keepdims=True)  # drop any scale
    even = (
        sample_rate is not None
        and np.allclose(times - times[0], np.arange(count) / float(sample_rate), atol=1e-6)
    )
    try:
        return CameraPath(
            times=times - times[0],
            positions=matrices[:, :3, 3],
            orientations=matrix_to_quaternion(rotation),
            focal_mm=focal,
            focus_m=focus,
            f_stop=f_stop,
            rate=sample_rate if even else None,
            interpolation="linear",
            name=Path(source).stem,
            camera=_camera_info(static, source),
        )
    except ValueError as error:
        raise InputError(f"{source}: {error}") from None


def _complete_times(
    times: NDArray[np.float64], rate: Fraction | None, source: str
) -> NDArray[np.float64]:
    missing = np.isnan(times)
    if not missing.any():
        return times
    if rate is None or not missing.all():
        index = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"{source}: sample {index}: no timing.sampleTimestamp or timecode, and no "
            f"timing.sampleRate to place the samples in time"
        )
    return np.arange(times.size) / float(rate)


def _held(values: NDArray[np.float64], default: float | None, error: str) -> NDArray[np.float64]:
    """Fill gaps with the previous sample's value (the default before the first)."""
    known = ~np.isnan(values)
    if not known.any():
        if default is None:
            raise InputError(error)
        return np.full(values.size, default)
    if not known[0]:
        if default is None:
            raise InputError(error)
        values = values.copy()
        values[0] = default
        known[0] = True
    index = np.where(known, np.arange(values.size), 0)
    np.maximum.accumulate(index, out=index)
    return values[index]


def _camera_info(static: dict[str, Any], source: str) -> CameraInfo:
    camera = static.get("camera") if isinstance(static, dict) else None
    if not isinstance(camera, dict):
        return CameraInfo()

    def where() -> str:
        return f"{source}: static.camera"

    width = _number(camera, ("activeSensorPhysicalDimensions", "width"), where)
    height = _number(camera, ("activeSensorPhysicalDimensions", "height"), where)
    squeeze = _rate(camera.get("anamorphicSqueeze"), where)
    film_back = FilmBack(width, height) if width and height else CameraInfo().film_back
    return CameraInfo(
        film_back=film_back,
        squeeze=float(squeeze) if squeeze else 1.0,
        body=str(camera.get("label", "")),
    )

