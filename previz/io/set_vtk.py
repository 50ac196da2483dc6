"""VTK sets (.vtk .vtp .vtu .vts .vtm) as mesh parts in file units and axes.

The file is read by the VTK reader its extension names, with VTK's error
output captured (not printed): a reader that fails, or reports an error, is a
:class:`~previz.errors.FormatError` quoting VTK's first complaint. Each dataset
(each leaf block of a multi-block file) becomes one part: its outer surface,
triangulated, with RGB/RGBA uint8 point colours (or cell colours) and point
normals when it has them. pyvista's own readers are not used because they
report errors through the root logger and Python warnings.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.set_model import MeshPart
from previz.errors import FormatError

__all__ = ["read_vtk_parts"]

_READERS = {
    ".vtk": ("vtkmodules.vtkIOLegacy", "vtkDataSetReader"),
    ".vtp": ("vtkmodules.vtkIOXML", "vtkXMLPolyDataReader"),
    ".vtu": ("vtkmodules.vtkIOXML", "vtkXMLUnstructuredGridReader"),
    ".vts": ("vtkmodules.vtkIOXML", "vtkXMLStructuredGridReader"),
    ".vtm": ("vtkmodules.vtkIOXML", "vtkXMLMultiBlockDataReader"),
}
_MESSAGE = re.compile(r"^\s*\w+ \(0x[0-9a-fA-F]+\): (.*)$")
_LEGACY_HEADER = b"# vtk datafile"
_PRINTABLE = re.compile(r"[^\x20-\x7e]")
_LONGEST_MESSAGE = 200


def read_vtk_parts(path: Path, description: str) -> tuple[list[MeshPart], list[str]]:
    """Read a VTK file as triangle parts in the file's units and axes.

    Parameters
    ----------
    path : pathlib.Path
        An existing, non-empty ``.vtk .vtp .vtu .vts .vtm`` file.
    description : str
        What the file should be, with its article, for messages (``"a VTK XML PolyData file"``).

    Returns
    -------
    parts : list of MeshPart
        One per dataset with surface triangles.
    warnings : list of str
        VTK warnings that did not stop the read.

    Raises
    ------
    FormatError
        If VTK cannot read the file.
    """
    import importlib

    import pyvista as pv

    extension = path.suffix.lower()
    if extension == ".vtk":
        with open(path, "rb") as handle:
            head = handle.read(256)
        if not head.lstrip().lower().startswith(_LEGACY_HEADER):
            raise FormatError(f"{path}: not {description} (expected it to start with "
                              f"'# vtk DataFile Version')")
    module, name = _READERS[extension]
    reader = getattr(importlib.import_module(module), name)()
    reader.SetFileName(str(path))
    with _captured_vtk_output() as output:
        status = reader.Update()
        data = reader.GetOutputDataObject(0)
        errors, _ = _messages(output())
        if (status is not None and not status) or errors or data is None:
            reason = errors[0] if errors else "the reader produced no data"
            raise FormatError(f"{path}: cannot read as {description}: {reason}")
        try:
            parts = [
                part
                for label, dataset in _leaves(pv.wrap(data), path.stem)
                if (part := _dataset_part(label, dataset)) is not None
            ]
        except ValueError as error:  # non-finite positions, indices out of range
            raise FormatError(f"{path}: not a usable mesh: {error}") from None
        _, warnings = _messages(output())  # everything VTK said during the whole read
    return parts, [f"{path}: VTK: {text}" for text in dict.fromkeys(warnings)]


@contextlib.contextmanager
def _captured_vtk_output() -> Iterator[Any]:
    """Send VTK's error/warning output to a string while reading; yield a getter for it."""
    from vtkmodules.vtkCommonCore import vtkLogger, vtkOutputWindow, vtkStringOutputWindow

    previous = vtkOutputWindow.GetInstance()
    capture = vtkStringOutputWindow()
    verbosity = vtkLogger.GetCurrentVerbosityCutoff()
    vtkOutputWindow.SetInstance(capture)
    vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_OFF)
    try:
        yield capture.GetOutput
    finally:
        vtkOutputWindow.SetInstance(previous)
        vtkLogger.SetStderrVerbosity(verbosity)


def _messages(text: str | bytes) -> tuple[list[str], list[str]]:
    """Split VTK's output-window text into error and warning messages (one line each)."""
    if isinstance(text, bytes):  # VTK hands back bytes when a message quotes binary junk
        text = text.decode("utf-8", "replace")
    errors: list[str] = []
    warnings: list[str] = []
    for block in re.split(r"\n(?=(?:ERROR|Warning|WARNING|Generic Warning):)", text.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        body = next((m.group(1) for line in lines[1:] if (m := _MESSAGE.match(line))),
                    lines[1] if len(lines) > 1 else lines[0])
        body = " ".join(_PRINTABLE.sub("?", body).split())
        if len(body) > _LONGEST_MESSAGE:
            body = body[: _LONGEST_MESSAGE - 3] + "..."
        (errors if lines[0].upper().startswith("ERROR") else warnings).append(body)
    return errors, warnings


def _leaves(data: Any, label: str) -> Iterator[tuple[str, Any]]:
    """Yield ``(name, dataset)`` for every dataset, walking into multi-blocks."""
    import pyvista as pv

    if isinstance(data, pv.MultiBlock):
        for index, key in enumerate(data.keys()):
            block = data[index]
            if block is not None:
                yield from _leaves(block, key or f"{label}[{index}]")
    elif isinstance(data, pv.DataSet):
        yield label, data


def _dataset_part(name: str, dataset: Any) -> MeshPart | None:
    """A dataset's outer surface as one triangle part; None when it has no faces."""
    import pyvista as pv

    if dataset.n_cells == 0:
        return None
    surface = pv.wrap(_triangulated_surface(dataset))
    faces = np.asarray(surface.faces)
    if faces.size == 0:
        return None
    triangles = faces.reshape(-1, 4)[:, 1:].astype(np.int64)
    vertices = np.asarray(surface.points, dtype=np.float64)
    colors = _uint8_colors(surface.point_data)
    normals = surface.point_data.active_normals
    normals = None if normals is None else np.asarray(normals, dtype=np.float64)
    cell_colors = None if colors is not None else _uint8_colors(surface.cell_data)
    if cell_colors is not None and len(cell_colors) == len(triangles):
        corners = triangles.reshape(-1)  # one colour per triangle: unshare its corners
        vertices = vertices[corners]
        normals = None if normals is None else normals[corners]
        colors = np.repeat(cell_colors, 3, axis=0)
        triangles = np.arange(len(corners), dtype=np.int64).reshape(-1, 3)
    if normals is not None and not np.isfinite(normals).all():
        normals = None
    return MeshPart(name, vertices, triangles, colors=colors, normals=normals)


def _triangulated_surface(dataset: Any) -> Any:
    """The outer surface of any dataset as polygons, split into triangles (VTK filters)."""
    from vtkmodules.vtkFiltersCore import vtkTriangleFilter
    from vtkmodules.vtkFiltersGeometry import vtkGeometryFilter

    source = dataset
    if not dataset.IsA("vtkPolyData"):
        geometry = vtkGeometryFilter()
        geometry.SetInputData(dataset)
        geometry.Update()
        source = geometry.GetOutput()
    triangles = vtkTriangleFilter()
    triangles.SetInputData(source)
    triangles.PassLinesOff()
    triangles.PassVertsOff()
    triangles.Update()
    return triangles.GetOutput()


def _uint8_colors(arrays: Any) -> NDArray[np.uint8] | None:
    """The active (else first) uint8 array with 3 or 4 components, as colours."""
    names = list(arrays.keys())
    active = arrays.active_scalars_name
    if active in names:
        names.remove(active)
        names.insert(0, active)
    for key in names:
        values = np.asarray(arrays[key])
        if values.dtype == np.uint8 and values.ndim == 2 and values.shape[1] in (3, 4):
            if values.shape[1] == 4 and (values[:, 3] == 255).all():
                values = values[:, :3]
            return np.ascontiguousarray(values)
    return None
