"""3D set files read into a :class:`~previz.core.set_model.SetModel`, and the facts about one.

Formats: glTF 2.0 (``.gltf`` with external or embedded data, ``.glb``), Wavefront
OBJ (+ MTL), PLY, STL (ASCII and binary) through trimesh
(:mod:`previz.io.set_trimesh`), and the VTK formats ``.vtk .vtp .vtu .vts .vtm``
through VTK (:mod:`previz.io.set_vtk`).

Every part comes out as triangles in stage metres, Z up. The file's up axis
defaults per format — glTF and OBJ are Y-up (glTF by its specification, OBJ by
common use), PLY, STL and VTK Z-up — and is turned to the stage by
:func:`previz.core.stage.source_to_stage`. glTF is in metres by specification;
other formats state no unit, so the scale is 1 m per file unit unless the
caller says otherwise. :func:`set_facts` suggests a scale when a set looks as if
it was modelled in centimetres or millimetres, but never applies it.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from previz.core.set_model import MeshPart, SetModel, suggest_set_scale
from previz.core.stage import LENGTH_UNITS, check_up_axis, source_to_stage
from previz.errors import FormatError, InputError

__all__ = ["SET_FORMATS", "SetFormat", "read_set", "set_facts"]


@dataclass(frozen=True)
class SetFormat:
    """A set file format.

    Parameters
    ----------
    extension : str
        Lower-case extension with the dot.
    description : str
        What the file should be, with its article, for messages (``"a binary glTF (GLB) file"``).
    up_axis : str
        The up axis assumed when the caller names none.
    backend : str
        ``"trimesh"`` or ``"vtk"``.
    """

    extension: str
    description: str
    up_axis: str
    backend: str


#: Set formats by extension.
SET_FORMATS: dict[str, SetFormat] = {
    fmt.extension: fmt
    for fmt in (
        SetFormat(".gltf", "a glTF 2.0 file", "y", "trimesh"),
        SetFormat(".glb", "a binary glTF (GLB) file", "y", "trimesh"),
        SetFormat(".obj", "a Wavefront OBJ file", "y", "trimesh"),
        SetFormat(".ply", "a PLY mesh file", "z", "trimesh"),
        SetFormat(".stl", "an STL file", "z", "trimesh"),
        SetFormat(".vtk", "a legacy VTK file", "z", "vtk"),
        SetFormat(".vtp", "a VTK XML PolyData file", "z", "vtk"),
        SetFormat(".vtu", "a VTK XML UnstructuredGrid file", "z", "vtk"),
        SetFormat(".vts", "a VTK XML StructuredGrid file", "z", "vtk"),
        SetFormat(".vtm", "a VTK XML MultiBlock file", "z", "vtk"),
    )
}


def read_set(
    path: str | os.PathLike[str],
    *,
    up_axis: str | None = None,
    scale: float | None = None,
    units: str | None = None,
) -> SetModel:
    """Read a 3D set file into stage metres, Z up.

    Parameters
    ----------
    path : str or path-like
        A ``.gltf .glb .obj .ply .stl .vtk .vtp .vtu .vts .vtm`` file.
    up_axis : str or None, keyword-only
        ``"y"`` or ``"z"``: the file's up axis (default: glTF and OBJ ``"y"``,
        the others ``"z"``).
    scale : float or None, keyword-only
        Metres per file unit; overrides ``units``.
    units : str or None, keyword-only
        The file's length unit, a name from :data:`previz.core.stage.LENGTH_UNITS`.
        Without ``scale`` or ``units`` one file unit is one metre.

    Returns
    -------
    SetModel
        Parts in stage metres; ``warnings`` holds problems that did not stop
        loading (a missing texture file, …).

    Raises
    ------
    InputError
        If the file is missing or a directory, or an option is invalid.
    FormatError
        If the extension is unknown, or the file is empty, truncated, corrupt or
        holds no triangles.
    """
    source = Path(path)
    fmt = _check_file(source)
    up = _up_axis(up_axis, fmt)
    metres = _metres_per_unit(scale, units)
    if fmt.backend == "vtk":
        from previz.io.set_vtk import read_vtk_parts

        parts, warnings = read_vtk_parts(source, fmt.description)
    else:
        from previz.io.set_trimesh import read_trimesh_parts

        parts, warnings = read_trimesh_parts(source, fmt.extension, fmt.description)
    if not any(part.triangle_count for part in parts):
        raise FormatError(f"{source}: no triangles found (expected {fmt.description} "
                          f"holding a triangle or polygon mesh)")
    rotation = source_to_stage(up)
    unchanged = metres == 1.0 and np.array_equal(rotation, np.eye(3))
    staged = tuple(
        part if unchanged else part.transformed(rotation, metres)
        for part in parts
        if part.triangle_count
    )
    return SetModel(
        name=source.stem,
        parts=staged,
        source=source,
        warnings=tuple(warnings),
        scale=metres,
        up_axis=up,
    )


def _check_file(source: Path) -> SetFormat:
    """Return the format of a readable, non-empty file, or raise naming the problem."""
    fmt = SET_FORMATS.get(source.suffix.lower())
    if fmt is None:
        valid = " ".join(SET_FORMATS)
        found = f"extension {source.suffix!r}" if source.suffix else "no extension"
        raise FormatError(f"{source}: unknown set file format ({found}); "
                          f"expected one of {valid}")
    try:
        info = source.stat()
    except FileNotFoundError:
        raise InputError(f"{source}: no such file (expected {fmt.description})") from None
    except OSError as error:
        raise InputError(f"{source}: cannot read: {error.strerror}") from None
    if source.is_dir():
        raise InputError(f"{source}: is a directory (expected {fmt.description})")
    if not os.access(source, os.R_OK):
        raise InputError(f"{source}: cannot read: permission denied")
    if info.st_size == 0:
        raise FormatError(f"{source}: the file is empty (expected {fmt.description})")
    return fmt


def _up_axis(up_axis: str | None, fmt: SetFormat) -> str:
    if up_axis is None:
        return fmt.up_axis
    try:
        return check_up_axis(str(up_axis))
    except ValueError as error:
        raise InputError(str(error)) from None


def _metres_per_unit(scale: float | None, units: str | None) -> float:
    if units is not None and units not in LENGTH_UNITS:
        raise InputError(f"unknown length unit {units!r}; valid: {', '.join(LENGTH_UNITS)}")
    if scale is not None:
        try:
            value = float(scale)
        except (TypeError, ValueError):
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"scale must be a positive number of metres per file unit, "
                             f"got {scale!r}")
        return value
    return LENGTH_UNITS[units] if units is not None else 1.0


def _textures(parts: tuple[MeshPart, ...]) -> int:
    """Number of distinct texture images used by parts with UVs."""
    return len({
        id(part.material.texture)
        for part in parts
        if part.material.texture is not None and part.uvs is not None
    })


def _floats(values: Any) -> list[float]:
    return [float(v) + 0.0 for v in values]  # + 0.0: no "-0.0" in the output


def set_facts(model: SetModel) -> dict[str, Any]:
    """Return the facts ``previz set info`` shows, as JSON-ready values.

    Parameters
    ----------
    model : SetModel

    Returns
    -------
    dict
        ``name``, ``source``, ``parts``, ``triangles``, ``vertices``,
        ``bounds_m`` (``min``/``max`` corners, None without vertices),
        ``size_m`` (extent along x, y, z), ``up_axis``, ``scale`` (metres per
        file unit applied), ``height_file_units``, ``suggested_scale`` (a
        dict with ``metres_per_unit``, ``unit``, ``reason`` when the set's
        height in file units looks like centimetres or millimetres and that
        scale was not applied; otherwise None), ``textures`` (distinct texture
        images), ``part_names`` and ``warnings``.
    """
    facts: dict[str, Any] = {
        "name": model.name,
        "source": None if model.source is None else os.fspath(model.source),
        "parts": len(model.parts),
        "triangles": model.triangle_count,
        "vertices": model.vertex_count,
        "bounds_m": None,
        "size_m": None,
        "up_axis": model.up_axis,
        "scale": model.scale,
        "height_file_units": None,
        "suggested_scale": None,
        "textures": _textures(model.parts),
        "part_names": [part.name for part in model.parts],
        "warnings": list(model.warnings),
    }
    if model.vertex_count == 0:
        return facts
    low, high = model.bounds()
    size = high - low
    height = float(size[2]) / model.scale
    facts["bounds_m"] = {"min": _floats(low), "max": _floats(high)}
    facts["size_m"] = _floats(size)
    facts["height_file_units"] = height
    guess = suggest_set_scale(height)
    if guess.unit != "m" and not math.isclose(guess.scale, model.scale):
        facts["suggested_scale"] = {
            "metres_per_unit": guess.scale,
            "unit": guess.unit,
            "reason": guess.reason,
        }
    return facts
