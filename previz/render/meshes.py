"""Set parts as pyvista meshes and actors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyvista as pv

from previz.core.set_model import MeshPart, SetModel

__all__ = ["add_set", "part_mesh"]


def part_mesh(part: MeshPart) -> pv.PolyData:
    """Return a part as a triangle :class:`pyvista.PolyData` (vertex colours, UVs, normals)."""
    mesh = pv.PolyData.from_regular_faces(part.vertices, part.triangles)
    if part.colors is not None:
        mesh.point_data["colors"] = part.colors
    if part.uvs is not None and part.material.texture is not None:
        mesh.active_texture_coordinates = part.uvs.astype(np.float32)
    if part.normals is not None:
        mesh.point_data.set_array(part.normals.astype(np.float32), "Normals")
        mesh.point_data.active_normals_name = "Normals"
    return mesh


def add_set(plotter: Any, model: SetModel) -> list[Any]:
    """Add every part of a set to a plotter; return the actors.

    Textured parts show their texture (tinted by the base colour), parts with
    vertex colours show those, the rest their material's base colour. Back
    faces are culled unless the material is double-sided (cheaper to draw).
    """
    actors = []
    for index, part in enumerate(model.parts):
        if not len(part.triangles):
            continue
        mesh = part_mesh(part)
        material = part.material
        options: dict[str, Any] = {
            "name": f"set:{index}:{part.name}",
            "smooth_shading": part.normals is not None,
            "opacity": material.base_color[3],
            "culling": False if material.double_sided else "back",
            "reset_camera": False,
        }
        if material.texture is not None and part.uvs is not None:
            options["texture"] = pv.Texture(material.texture)
            options["color"] = material.base_color[:3]
        elif part.colors is not None:
            options["scalars"] = "colors"
            options["rgb"] = True
        else:
            options["color"] = material.base_color[:3]
        actors.append(plotter.add_mesh(mesh, **options))
    return actors
