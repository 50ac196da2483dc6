"""Camera paths as USD cameras (``.usda``, ``.usdc``, ``.usd``), through usd-core.

The file holds a default prim ``/World`` (an Xform) and under it one
``UsdGeom.Camera`` named after the path (``/World/camera`` when the path has no
name), with one sample per frame. Conventions:

- **Time**: time codes are frame numbers (the first is ``path.start_frame``);
  ``timeCodesPerSecond`` and ``framesPerSecond`` are the rate;
  ``startTimeCode`` and ``endTimeCode`` are the first and last frames.
- **World**: ``upAxis`` is ``Z`` (the stage as it is) or ``Y`` (stage
  coordinates ``(x, y, z)`` become ``(x, z, -y)``); ``metersPerUnit`` is 1 by
  default (0.01 gives centimetres).
- **Camera axes**: a USD camera looks down its local −Z with +Y up; previz
  cameras look along +Y with +Z up. The camera prim's world matrix is therefore
  ``A · R · C`` with ``R`` the previz camera→stage rotation, ``C``
  (:data:`CAMERA_TO_USD`) taking USD camera axes to previz camera axes and ``A``
  the identity (Z up) or the stage→Y-up rotation. It is written as a single
  ``xformOp:transform``, time-sampled per frame.
- **Lens**: ``focalLength``, ``horizontalAperture`` and ``verticalAperture``
  are in tenths of a scene unit (millimetres only when ``metersPerUnit`` is
  0.01); ``focusDistance`` and ``clippingRange`` in scene units. The apertures
  are previz's *image aperture* (the film back desqueezed and fitted to the
  output aspect, :meth:`previz.core.lens.Optics.image_aperture_mm`), so the
  USD field of view is the one previz computes. A lens value that changes is
  time-sampled; a constant one is written as the attribute's default.
- **Infinite focus** is written as :data:`INFINITE_FOCUS_M` (10⁶ m, in scene
  units): USD has no infinity for ``focusDistance``, and a huge finite value is
  what renderers understand as "everything far is sharp". Reading maps values
  at or beyond it, and ``0`` (USD's "not set"), back to infinity.

USD has no anamorphic squeeze, film fit or output aspect: reading gives a
:class:`~previz.core.camera_path.CameraInfo` whose film back *is* the image
aperture (squeeze 1), which frames the same picture. USD's lens attributes are
32-bit floats, so focal length, apertures, focus and f-stop come back to about
seven significant digits; the transforms are 64-bit and come back exactly.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack
from previz.core.stage import Y_UP_TO_STAGE
from previz.core.time import NTSC_RATES, parse_rate
from previz.errors import FormatError, InputError, OperationError
from previz.io.camera_common import (
    INFINITE_FOCUS_M,
    MINUS_Z_CAMERA,
    check_positive_numbers,
    identifier,
    on_frames,
    path_on_frames,
)

try:
    from pxr import Gf, Sdf, Usd, UsdGeom, Vt
except ImportError as _error:  # pragma: no cover - usd-core is a dependency
    raise OperationError(
        f"USD files need usd-core ({_error}); install it with: pip install usd-core"
    ) from None

__all__ = ["CAMERA_TO_USD", "INFINITE_FOCUS_M", "read_usd", "write_usd"]

#: Takes USD camera-local axes (x right, y up, looking down -z) to previz camera
#: axes (x right, y forward, z up).
CAMERA_TO_USD = MINUS_Z_CAMERA

# Stage (Z up) to the USD world, per up axis.
_STAGE_TO_WORLD = {"z": np.eye(3), "y": Y_UP_TO_STAGE.T}
_OPTIONS = ("rate", "up_axis", "meters_per_unit", "near_clip_m", "far_clip_m", "camera_name")
_DEFAULT_F_STOP = 2.8
_EXTENSIONS = (".usda", ".usdc", ".usd")


def _check_options(target: str, options: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise InputError(
            f"{target}: unknown USD option {unknown[0]!r}; valid: {', '.join(_OPTIONS)}"
        )
    settings: dict[str, Any] = {
        "rate": None, "up_axis": "z", "meters_per_unit": 1.0, "near_clip_m": 0.1,
        "far_clip_m": 10_000.0, "camera_name": None,
    }
    settings.update(options)
    up = str(settings["up_axis"]).lower()
    if up not in _STAGE_TO_WORLD:
        raise InputError(f"{target}: up_axis must be 'z' or 'y', got {settings['up_axis']!r}")
    settings["up_axis"] = up
    check_positive_numbers(target, settings, ("meters_per_unit", "near_clip_m", "far_clip_m"))
    return settings


def _world_matrices(
    path: CameraPath, stage_to_world: NDArray[np.float64], meters_per_unit: float
) -> NDArray[np.float64]:
    """USD (row-vector) camera→world matrices in scene units, shape (N, 4, 4)."""
    rotation = stage_to_world @ path.rotation_matrices() @ CAMERA_TO_USD
    out = np.zeros((len(path), 4, 4))
    out[:, :3, :3] = np.swapaxes(rotation, 1, 2)  # row vectors: the transpose
    out[:, 3, :3] = path.positions @ stage_to_world.T / meters_per_unit
    out[:, 3, 3] = 1.0
    return out


def _author(
    layer: Any,
    prim: Any,
    name: str,
    values: NDArray[np.float64] | None,
    times: list[float],
    default: Any = None,
) -> None:
    """Create a camera attribute spec with a default, or one time sample per frame.

    The type and variability come from usd-core's Camera schema, so the spec
    agrees with what ``UsdGeom.Camera`` expects. Values that do not change are
    written once, as the default.
    """
    definition = Usd.SchemaRegistry().FindConcretePrimDefinition("Camera")
    schema = definition.GetAttributeDefinition(name)
    spec = Sdf.AttributeSpec(prim, name, schema.GetTypeName(), schema.GetVariability())
    if values is None or bool(np.all(values == values[0])):
        spec.default = default if values is None else float(values[0])
        return
    where = spec.path
    set_sample = layer.SetTimeSample
    for time, value in zip(times, values.tolist(), strict=True):
        set_sample(where, time, value)


def write_usd(path: CameraPath, target: str | os.PathLike[str], **options: Any) -> Path:
    """Write a camera path as a USD camera with one sample per frame.

    The layer is built with Sdf (no stage, all edits in one change block) and
    exported to a temporary file beside ``target`` that is then moved into
    place, so no half-written file is ever left. ``.usda`` is text, ``.usdc``
    and ``.usd`` are binary (crate).

    Parameters
    ----------
    path : CameraPath
        The camera path; resampled to ``rate`` when one is given.
    target : str or path-like
        The ``.usda``, ``.usdc`` or ``.usd`` file.
    **options
        ``rate`` (frame rate; default the path's own), ``up_axis`` (``"z"``,
        default, or ``"y"``), ``meters_per_unit`` (default 1.0; 0.01 for
        centimetres), ``near_clip_m`` and ``far_clip_m`` (clipping range,
        default 0.1 m and 10 km), ``camera_name`` (the camera prim's name;
        default the path's name, or ``"camera"``).

    Returns
    -------
    pathlib.Path
        ``target``.

    Raises
    ------
    InputError
        For an unknown or invalid option, or a path without a frame rate when
        no ``rate`` is given.
    OperationError
        When usd-core cannot write the file.
    """
    where = os.fspath(target)
    settings = _check_options(where, options)
    framed, frames, frame_rate = on_frames(path, settings["rate"], where)
    destination = Path(target)
    if destination.suffix.lower() not in _EXTENSIONS:
        raise InputError(
            f"{where}: a USD file name ends in {', '.join(_EXTENSIONS)}, "
            f"not {destination.suffix or 'nothing'}"
        )
    if not destination.parent.is_dir():
        raise InputError(f"{where}: cannot write: folder {destination.parent} does not exist")
    up = settings["up_axis"]
    unit = settings["meters_per_unit"]
    tenths = 100.0 * unit  # millimetres per tenth of a scene unit
    rate = float(frame_rate)
    times = frames.astype(np.float64).tolist()
    optics = framed.camera.optics(float(framed.focal_mm[0]))
    aperture_w, aperture_h = optics.image_aperture_mm()
    focus = np.where(np.isinf(framed.focus_m), INFINITE_FOCUS_M, framed.focus_m) / unit
    name = settings["camera_name"] or framed.name or "camera"
    prim_name = identifier(str(name))
    matrices = list(Vt.Matrix4dArray.FromNumpy(_world_matrices(framed, _STAGE_TO_WORLD[up], unit)))

    layer = Sdf.Layer.CreateAnonymous(destination.suffix.lower())
    with Sdf.ChangeBlock():
        root = layer.pseudoRoot
        root.SetInfo("upAxis", up.upper())
        root.SetInfo("metersPerUnit", unit)
        layer.timeCodesPerSecond = rate
        layer.framesPerSecond = rate
        layer.startTimeCode = times[0]
        layer.endTimeCode = times[-1]
        layer.defaultPrim = "World"
        layer.documentation = (
            f"Camera path {framed.name or prim_name!r} written by previz: "
            f"{len(framed)} frames at {rate:g} fps"
        )
        world = Sdf.PrimSpec(layer, "World", Sdf.SpecifierDef, "Xform")
        camera = Sdf.PrimSpec(world, prim_name, Sdf.SpecifierDef, "Camera")
        _author(layer, camera, "projection", None, times, "perspective")
        _author(layer, camera, "xformOpOrder", None, times, Vt.TokenArray(["xformOp:transform"]))
        transform = Sdf.AttributeSpec(camera, "xformOp:transform", Sdf.ValueTypeNames.Matrix4d)
        transform_path = transform.path
        set_sample = layer.SetTimeSample
        for time, matrix in zip(times, matrices, strict=True):
            set_sample(transform_path, time, matrix)
        _author(layer, camera, "focalLength", framed.focal_mm / tenths, times)
        _author(layer, camera, "horizontalAperture", None, times, aperture_w / tenths)
        _author(layer, camera, "verticalAperture", None, times, aperture_h / tenths)
        _author(layer, camera, "focusDistance", focus, times)
        _author(layer, camera, "fStop", framed.f_stop, times)
        near_far = (settings["near_clip_m"] / unit, settings["far_clip_m"] / unit)
        _author(layer, camera, "clippingRange", None, times, Gf.Vec2f(*near_far))
    _export(layer, destination)
    return destination


def _export(layer: Any, destination: Path) -> None:
    """Export a layer to a temporary file beside ``destination``, then move it there."""
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=f".part{destination.suffix}",
            dir=destination.parent,
        )
    except OSError as error:
        raise OperationError(f"{destination}: cannot write: {error.strerror}") from None
    os.close(handle)
    try:
        try:
            exported = layer.Export(temporary)
        except Exception as error:  # pxr raises Tf.ErrorException
            raise OperationError(
                f"{destination}: usd-core cannot write it: {_tf_message(error)}"
            ) from None
        if not exported:
            raise OperationError(f"{destination}: usd-core cannot write it")
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --------------------------------------------------------------------- reading
def _rate_from_time_codes(value: float) -> Fraction:
    """The exact rate a ``timeCodesPerSecond`` stands for (24, 24000/1001, …)."""
    for candidate in (Fraction(round(value)), *NTSC_RATES):
        if candidate > 0 and abs(float(candidate) - value) <= 1e-9 * value:
            return candidate
    return Fraction(value).limit_denominator(1_000_000)


_TF_ERROR = re.compile(r"Error in '[^']*' at line \d+ in file \S+ : ")


def _tf_message(error: Exception) -> str:
    """usd-core's first message, without the C++ function and source file it came from."""
    parts = [p.strip().strip("'").strip() for p in _TF_ERROR.split(" ".join(str(error).split()))]
    return next((p for p in parts if p), "unknown error")


def _open_stage(source: str) -> Any:
    if not os.path.exists(source):
        raise InputError(f"{source}: no such file (expected a USD file)")
    if os.path.isdir(source):
        raise InputError(f"{source}: is a directory (expected a USD file)")
    existing = Sdf.Layer.Find(source)
    try:
        if existing is not None and not existing.dirty:
            existing.Reload()  # a no-op unless the file changed since it was opened
        stage = Usd.Stage.Open(source, Usd.Stage.LoadAll)
    except Exception as error:  # pxr raises Tf.ErrorException
        raise FormatError(f"{source}: not a readable USD file: {_tf_message(error)}") from None
    if stage is None:
        raise FormatError(f"{source}: not a readable USD file")
    return stage


def _sample_times(camera_prim: Any, attributes: list[Any]) -> list[float]:
    """Every time at which the camera's transform (or an ancestor's) or lens is sampled."""
    times: set[float] = set()
    prim = camera_prim
    while prim and not prim.IsPseudoRoot():
        xformable = UsdGeom.Xformable(prim)
        if xformable:
            times.update(xformable.GetTimeSamples())
        prim = prim.GetParent()
    for attribute in attributes:
        times.update(attribute.GetTimeSamples())
    return sorted(times)


def _float32_decimals(values: list[float]) -> NDArray[np.float64]:
    """32-bit values as the shortest decimals they stand for (``2.8``, not ``2.7999999523``)."""
    return np.asarray(values, dtype=np.float32).astype(str).astype(np.float64)


def _values(attribute: Any, codes: list[Any], fallback: float) -> NDArray[np.float64]:
    """A float attribute's value at every time code (``fallback`` where it has none).

    USD stores lens values as 32-bit floats; they are read back as the shortest
    decimal each float stands for, so a 35 mm lens written as 3.5 (tenths of a
    centimetre) reads back as exactly 35 mm.
    """
    if attribute.GetNumTimeSamples() == 0:
        value = attribute.Get(codes[0])
        values = [fallback if value is None else float(value)]
        return np.full(len(codes), _float32_decimals(values)[0])
    getter = attribute.Get
    values = [getter(code) for code in codes]
    return _float32_decimals([fallback if v is None else v for v in values])


def read_usd(path: str | os.PathLike[str], *, rate: Any = None) -> CameraPath:
    """Read the first camera of a USD file as a camera path.

    Every time at which the camera's transform (its own or an ancestor's) or a
    lens attribute has a sample becomes a sample of the path. The world
    transform is composed by usd-core, then the file's up axis, units and
    camera axes are undone (see the module notes).

    Parameters
    ----------
    path : str or path-like
        A ``.usda``, ``.usdc`` or ``.usd`` file.
    rate : optional, keyword-only
        Frames per second of the time codes, used only when the file does not
        say (USD would assume 24); the file's own ``timeCodesPerSecond`` wins.

    Returns
    -------
    CameraPath
        On frames (``rate`` from ``timeCodesPerSecond``, ``start_frame`` the
        first time code) when the samples sit on consecutive whole time codes;
        otherwise at their times. The film back is the USD image aperture,
        squeeze 1; an unset focus distance is infinity and an unset f-stop
        2.8.

    Raises
    ------
    InputError
        If the file is missing.
    FormatError
        If usd-core cannot read the file, it holds no camera, or the camera is
        orthographic.
    """
    source = os.fspath(path)
    stage = _open_stage(source)
    camera_prim = next((p for p in stage.Traverse() if p.IsA(UsdGeom.Camera)), None)
    if camera_prim is None:
        raise FormatError(f"{source}: no camera (UsdGeom.Camera prim) in the file")
    camera = UsdGeom.Camera(camera_prim)
    where = f"{source}: {camera_prim.GetPath()}"
    projection = camera.GetProjectionAttr().Get()
    if projection is not None and str(projection) != "perspective":
        raise FormatError(f"{where}: projection is {projection!r}; previz needs 'perspective'")
    up = str(UsdGeom.GetStageUpAxis(stage)).lower()
    if up not in _STAGE_TO_WORLD:
        raise FormatError(f"{source}: upAxis {up!r} is not Y or Z")
    unit = float(UsdGeom.GetStageMetersPerUnit(stage))
    tenths = 100.0 * unit
    root_layer = stage.GetRootLayer()
    if rate is not None and not (
        root_layer.HasTimeCodesPerSecond() or root_layer.HasFramesPerSecond()
    ):
        try:
            rate = parse_rate(rate)
        except ValueError as error:
            raise InputError(f"{source}: {error}") from None
    else:
        rate = _rate_from_time_codes(float(stage.GetTimeCodesPerSecond()))
    lens_attributes = [
        camera.GetFocalLengthAttr(), camera.GetFocusDistanceAttr(), camera.GetFStopAttr(),
    ]
    sampled = _sample_times(camera_prim, lens_attributes)
    if sampled:
        codes = [Usd.TimeCode(t) for t in sampled]
    else:
        first = stage.GetStartTimeCode() if stage.HasAuthoredTimeCodeRange() else 0.0
        sampled, codes = [first], [Usd.TimeCode(first)]
    xformable = UsdGeom.Xformable(camera_prim)
    world = np.asarray(
        Vt.Matrix4dArray([xformable.ComputeLocalToWorldTransform(c) for c in codes])
    ).reshape(-1, 4, 4)
    stage_to_world = _STAGE_TO_WORLD[up]
    columns = np.swapaxes(world[:, :3, :3], 1, 2)  # back to column vectors
    scale = np.linalg.norm(columns, axis=1, keepdims=True)
    if (scale < 1e-12).any():
        raise FormatError(f"{where}: the camera's transform is degenerate (zero scale)")
    rotation = stage_to_world.T @ (columns / scale) @ CAMERA_TO_USD.T
    positions = world[:, 3, :3] @ stage_to_world * unit
    focal = _values(camera.GetFocalLengthAttr(), codes, 50.0) * tenths
    focus = _values(camera.GetFocusDistanceAttr(), codes, 0.0) * unit
    focus = np.where((focus <= 0) | (focus >= INFINITE_FOCUS_M * (1 - 1e-6)), math.inf, focus)
    f_stop = _values(camera.GetFStopAttr(), codes, 0.0)
    f_stop = np.where(f_stop > 0, f_stop, _DEFAULT_F_STOP)
    first_code = codes[0]
    aperture_w = _values(camera.GetHorizontalApertureAttr(), [first_code], 20.955)[0] * tenths
    aperture_h = _values(camera.GetVerticalApertureAttr(), [first_code], 15.2908)[0] * tenths
    code_values = np.asarray(sampled, dtype=np.float64)
    return path_on_frames(
        where,
        code_values,
        rate,
        positions,
        rotation,
        focal_mm=focal,
        focus_m=focus,
        f_stop=f_stop,
        name=camera_prim.GetName(),
        camera=CameraInfo(film_back=FilmBack(aperture_w, aperture_h)),
    )
