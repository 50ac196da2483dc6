"""Reading set files: positions after node transforms and axis/unit conversion, materials,
textures, colours, warnings, and one clear error for every kind of bad input."""

from __future__ import annotations

import base64
import io
import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import pyvista as pv
import trimesh
from PIL import Image

from previz.core.set_model import SetModel
from previz.errors import FormatError, InputError, PrevizError
from previz.io.set_files import SET_FORMATS, read_set, set_facts

# A 2 x 2 picture: red, green on the top row; blue, white on the bottom row.
PIXELS = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]], np.uint8)


def srgb(linear: float) -> float:
    """The sRGB encoding of a linear value (IEC 61966-2-1)."""
    return 12.92 * linear if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055


def png_bytes(pixels: np.ndarray = PIXELS) -> bytes:
    stream = io.BytesIO()
    Image.fromarray(pixels).save(stream, format="PNG")
    return stream.getvalue()


def data_uri(kind: str, data: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


# A unit quad in the XY plane, counter-clockwise seen from +Z, with glTF UVs (v down).
QUAD = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], np.float32)
QUAD_UV_GLTF = np.array([[0, 1], [1, 1], [1, 0], [0, 0]], np.float32)
QUAD_INDICES = np.array([0, 1, 2, 0, 2, 3], np.uint16)


def write_gltf(folder: Path, name: str = "quad.gltf", *, image_uri: str | None = "embedded",
               external_bin: bool = False, alpha: float = 1.0,
               alpha_mode: str | None = None) -> Path:
    """Hand-write a glTF: root node scaled 2x holding a quad node translated (1, 2, 3) and
    turned 90 degrees about Y, a textured double-sided material, a base64 buffer."""
    blob = QUAD.tobytes() + QUAD_UV_GLTF.tobytes() + QUAD_INDICES.tobytes()
    if external_bin:
        (folder / "quad.bin").write_bytes(blob)
        buffer_uri = "quad.bin"
    else:
        buffer_uri = data_uri("application/octet-stream", blob)
    half = float(np.sqrt(0.5))
    material: dict[str, Any] = {
        "name": "painted",
        "doubleSided": True,
        "pbrMetallicRoughness": {"baseColorFactor": [0.5, 0.25, 1.0, alpha]},
    }
    if alpha_mode is not None:
        material["alphaMode"] = alpha_mode
    document: dict[str, Any] = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [
            {"name": "root", "children": [1], "scale": [2, 2, 2]},
            {"name": "quad", "mesh": 0, "translation": [1, 2, 3],
             "rotation": [0, half, 0, half]},
        ],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_0": 1},
                                    "indices": 2, "material": 0}]}],
        "materials": [material],
        "buffers": [{"byteLength": len(blob), "uri": buffer_uri}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 48},
            {"buffer": 0, "byteOffset": 48, "byteLength": 32},
            {"buffer": 0, "byteOffset": 80, "byteLength": 12},
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3",
             "min": [0, 0, 0], "max": [1, 1, 0]},
            {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC2"},
            {"bufferView": 2, "componentType": 5123, "count": 6, "type": "SCALAR"},
        ],
    }
    if image_uri is not None:
        material["pbrMetallicRoughness"]["baseColorTexture"] = {"index": 0}
        document["textures"] = [{"source": 0}]
        uri = data_uri("image/png", png_bytes()) if image_uri == "embedded" else image_uri
        document["images"] = [{"uri": uri}]
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# The quad's corners after the nodes (scale 2 of: turn 90 deg about Y, move (1, 2, 3)),
# then Y-up to stage (x, y, z) -> (x, -z, y). Worked by hand:
# (0,0,0) -> (1,2,3) -> x2 (2,4,6) -> stage (2,-6,4)
# (1,0,0) -> (0,0,-1)+(1,2,3) = (1,2,2) -> (2,4,4) -> stage (2,-4,4)
# (1,1,0) -> (0,1,-1)+(1,2,3) = (1,3,2) -> (2,6,4) -> stage (2,-4,6)
# (0,1,0) -> (1,3,3) -> (2,6,6) -> stage (2,-6,6)
QUAD_ON_STAGE = np.array([[2, -6, 4], [2, -4, 4], [2, -4, 6], [2, -6, 6]], float)


def write_png(path: Path, pixels: np.ndarray = PIXELS) -> Path:
    path.write_bytes(png_bytes(pixels))
    return path


def write_obj(folder: Path, *, texture: str = "wall.png", mtl: str = "room.mtl") -> Path:
    """An OBJ with a red (Kd) triangle and a textured (map_Kd) triangle."""
    (folder / "room.mtl").write_text(
        "newmtl red\nKd 1 0 0\n\nnewmtl wall\nKd 1 1 1\nmap_Kd -s 1 1 1 " + texture + "\n",
        encoding="utf-8",
    )
    (folder / "room.obj").write_text(
        f"mtllib {mtl}\n"
        "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\n"
        "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
        "usemtl red\nf 1 2 3\n"
        "usemtl wall\nf 1/1 3/3 4/4\n",
        encoding="utf-8",
    )
    return folder / "room.obj"


def part_named(model: SetModel, name: str) -> Any:
    return next(part for part in model.parts if part.name == name)


def binary_stl(triangles: np.ndarray) -> bytes:
    """Binary STL bytes for (M, 3, 3) corner positions."""
    records = b"".join(struct.pack("<12fH", 0, 0, 0, *tri.ravel(), 0) for tri in triangles)
    return b"previz test".ljust(80, b" ") + struct.pack("<I", len(triangles)) + records


TWO_TRIANGLES = np.array([[[0, 0, 0], [2, 0, 0], [2, 3, 0]], [[0, 0, 0], [2, 3, 0], [0, 3, 1]]],
                         float)


# ---------------------------------------------------------------------------- glTF
def test_gltf_node_transforms_then_y_up(tmp_path: Path) -> None:
    model = read_set(write_gltf(tmp_path))
    assert model.up_axis == "y"
    assert model.scale == 1.0
    assert [part.name for part in model.parts] == ["quad"]
    part = model.parts[0]
    np.testing.assert_allclose(part.vertices, QUAD_ON_STAGE, atol=1e-6)
    np.testing.assert_array_equal(part.triangles, [[0, 1, 2], [0, 2, 3]])
    # The quad faced +Z in its mesh; 90 deg about Y turns that to +X, which stays +X on stage.
    a, b, c = part.vertices[part.triangles[0]]
    normal = np.cross(b - a, c - a)
    np.testing.assert_allclose(normal / np.linalg.norm(normal), [1, 0, 0], atol=1e-6)


def test_gltf_material_factor_texture_and_uvs(tmp_path: Path) -> None:
    part = read_set(write_gltf(tmp_path)).parts[0]
    material = part.material
    assert material.name == "painted"
    assert material.double_sided is True
    # baseColorFactor is linear in glTF; the model holds sRGB.
    assert material.base_color == pytest.approx((srgb(0.5), srgb(0.25), 1.0, 1.0), abs=3e-3)
    np.testing.assert_array_equal(material.texture, PIXELS)  # row 0 is the top row
    # glTF v runs down the picture; the model's v runs up (0, 0 = bottom-left).
    np.testing.assert_allclose(part.uvs, [[0, 0], [1, 0], [1, 1], [0, 1]])


@pytest.mark.parametrize(("mode", "expected"), [(None, 1.0), ("OPAQUE", 1.0), ("BLEND", 0.4)])
def test_gltf_alpha_counts_only_when_blended(tmp_path: Path, mode: str | None,
                                             expected: float) -> None:
    part = read_set(write_gltf(tmp_path, image_uri=None, alpha=0.4, alpha_mode=mode)).parts[0]
    assert part.material.base_color[3] == pytest.approx(expected, abs=3e-3)
    assert part.material.texture is None
    assert part.uvs is None  # no texture, no UVs


def test_gltf_vertex_colours_are_encoded_to_srgb(tmp_path: Path) -> None:
    mesh = trimesh.creation.icosphere(subdivisions=1)
    linear = np.random.default_rng(5).integers(0, 256, (len(mesh.vertices), 3), dtype=np.uint8)
    mesh.visual.vertex_colors = linear
    path = tmp_path / "ball.glb"
    path.write_bytes(trimesh.Scene([mesh]).export(file_type="glb"))
    part = read_set(path).parts[0]
    expected = np.round([[srgb(v / 255) * 255 for v in row] for row in linear])
    np.testing.assert_array_equal(part.colors, expected)


def test_gltf_normals_follow_the_axes(tmp_path: Path) -> None:
    ball = trimesh.creation.icosphere(subdivisions=2)
    assert ball.vertex_normals.shape == ball.vertices.shape  # exported as NORMAL
    path = tmp_path / "ball.glb"
    path.write_bytes(trimesh.Scene([ball]).export(file_type="glb"))
    part = read_set(path).parts[0]
    # on a unit sphere about the origin the normal is the position, on stage as in the file
    np.testing.assert_allclose(part.normals, part.vertices, atol=0.05)
    np.testing.assert_allclose(np.linalg.norm(part.normals, axis=1), 1.0, atol=1e-6)


def test_gltf_external_buffer_and_texture(tmp_path: Path) -> None:
    write_png(tmp_path / "paint.png")
    model = read_set(write_gltf(tmp_path, image_uri="paint.png", external_bin=True))
    np.testing.assert_allclose(model.parts[0].vertices, QUAD_ON_STAGE, atol=1e-6)
    np.testing.assert_array_equal(model.parts[0].material.texture, PIXELS)
    assert model.warnings == ()


def test_gltf_missing_texture_is_a_warning(tmp_path: Path) -> None:
    model = read_set(write_gltf(tmp_path, image_uri="gone.png"))
    assert model.triangle_count == 2
    assert model.parts[0].material.texture is None
    assert len(model.warnings) == 1
    assert "gone.png" in model.warnings[0]
    assert "quad.gltf" in model.warnings[0]


def test_gltf_missing_buffer_is_an_error(tmp_path: Path) -> None:
    path = write_gltf(tmp_path, external_bin=True)
    (tmp_path / "quad.bin").unlink()
    with pytest.raises(FormatError, match=r"quad\.gltf.*quad\.bin"):
        read_set(path)


def test_glb_written_by_trimesh(tmp_path: Path) -> None:
    box = trimesh.creation.box((1.0, 2.0, 3.0))
    box.apply_translation((0.0, 5.0, 0.0))
    scene = trimesh.Scene()
    scene.add_geometry(box, node_name="block",
                       transform=trimesh.transformations.translation_matrix((10.0, 0.0, 0.0)))
    path = tmp_path / "block.glb"
    path.write_bytes(scene.export(file_type="glb"))
    model = read_set(path)
    low, high = model.bounds()
    # file (Y up): x 9.5..10.5, y 4..6, z -1.5..1.5 -> stage (x, -z, y)
    np.testing.assert_allclose(low, [9.5, -1.5, 4.0], atol=1e-6)
    np.testing.assert_allclose(high, [10.5, 1.5, 6.0], atol=1e-6)
    assert model.triangle_count == 12
    assert [part.name for part in model.parts] == ["block"]
    # up_axis="z" keeps the file's axes
    low, high = read_set(path, up_axis="z").bounds()
    np.testing.assert_allclose(low, [9.5, 4.0, -1.5], atol=1e-6)
    np.testing.assert_allclose(high, [10.5, 6.0, 1.5], atol=1e-6)


def test_glb_with_embedded_texture(tmp_path: Path) -> None:
    uv = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)  # bottom-left origin
    mesh = trimesh.Trimesh(QUAD.astype(float), QUAD_INDICES.reshape(-1, 3), process=False)
    mesh.visual = trimesh.visual.TextureVisuals(uv=uv, image=Image.fromarray(PIXELS))
    path = tmp_path / "poster.glb"
    path.write_bytes(trimesh.Scene([mesh]).export(file_type="glb"))
    part = read_set(path, up_axis="z").parts[0]
    np.testing.assert_array_equal(part.material.texture, PIXELS)
    np.testing.assert_allclose(part.uvs, uv, atol=1e-6)
    np.testing.assert_allclose(part.vertices, QUAD, atol=1e-6)
    assert set_facts(read_set(path))["textures"] == 1


# ----------------------------------------------------------------------------- OBJ
def test_obj_kd_colour_and_map_kd_texture(tmp_path: Path) -> None:
    write_png(tmp_path / "wall.png")
    model = read_set(write_obj(tmp_path))
    assert model.warnings == ()
    assert model.up_axis == "y"
    red, wall = part_named(model, "red"), part_named(model, "wall")
    assert red.material.base_color == pytest.approx((1.0, 0.0, 0.0, 1.0))
    assert red.material.texture is None
    assert red.uvs is None
    np.testing.assert_array_equal(wall.material.texture, PIXELS)
    # OBJ is Y-up: (x, y, z) -> (x, -z, y); the quad's top corner (0, 1, 0) stands at z = 1.
    np.testing.assert_allclose(red.vertices, [[0, 0, 0], [1, 0, 0], [1, 0, 1]], atol=1e-12)
    np.testing.assert_allclose(wall.vertices, [[0, 0, 0], [1, 0, 1], [0, 0, 1]], atol=1e-12)
    np.testing.assert_allclose(wall.uvs, [[0, 0], [1, 1], [0, 1]])  # OBJ vt kept as they are


def test_obj_missing_texture_is_a_warning(tmp_path: Path) -> None:
    model = read_set(write_obj(tmp_path, texture="missing_wall.png"))
    assert model.triangle_count == 2
    assert part_named(model, "wall").material.texture is None
    assert len(model.warnings) == 1
    assert "missing_wall.png" in model.warnings[0]
    assert "room.obj" in model.warnings[0]


def test_obj_missing_material_library_is_a_warning(tmp_path: Path) -> None:
    model = read_set(write_obj(tmp_path, mtl="other.mtl"))
    assert model.triangle_count == 2
    assert any("other.mtl" in warning for warning in model.warnings)


# ------------------------------------------------------------------------ PLY, STL
def test_ply_vertex_colours(tmp_path: Path) -> None:
    mesh = trimesh.creation.icosphere(subdivisions=1)
    colors = np.random.default_rng(3).integers(0, 256, (len(mesh.vertices), 3), dtype=np.uint8)
    mesh.visual.vertex_colors = colors
    path = tmp_path / "ball.ply"
    path.write_bytes(mesh.export(file_type="ply"))
    model = read_set(path)
    assert model.up_axis == "z"
    part = model.parts[0]
    np.testing.assert_allclose(part.vertices, mesh.vertices, atol=1e-6)  # Z up: unchanged
    np.testing.assert_array_equal(part.triangles, mesh.faces)
    np.testing.assert_array_equal(part.colors, colors)


def test_ply_face_colours_give_each_triangle_its_corners(tmp_path: Path) -> None:
    box = trimesh.creation.box()
    colors = np.random.default_rng(4).integers(0, 256, (12, 3), dtype=np.uint8)
    box.visual.face_colors = colors
    path = tmp_path / "crate.ply"
    path.write_bytes(box.export(file_type="ply"))
    part = read_set(path).parts[0]
    assert part.triangle_count == 12
    assert len(part.vertices) == 36
    np.testing.assert_allclose(part.vertices[part.triangles], box.vertices[box.faces], atol=1e-6)
    np.testing.assert_array_equal(part.colors[part.triangles[:, 0]], colors)


def test_binary_stl(tmp_path: Path) -> None:
    path = tmp_path / "ramp.stl"
    path.write_bytes(binary_stl(TWO_TRIANGLES))
    model = read_set(path)
    assert model.triangle_count == 2
    part = model.parts[0]
    np.testing.assert_allclose(part.vertices[part.triangles], TWO_TRIANGLES, atol=1e-6)


def test_ascii_stl(tmp_path: Path) -> None:
    facets = "".join(
        "facet normal 0 0 0\n outer loop\n"
        + "".join(f"  vertex {x:g} {y:g} {z:g}\n" for x, y, z in tri)
        + " endloop\nendfacet\n"
        for tri in TWO_TRIANGLES
    )
    path = tmp_path / "ramp.stl"
    path.write_text(f"solid ramp\n{facets}endsolid ramp\n", encoding="ascii")
    part = read_set(path).parts[0]
    assert part.triangle_count == 2
    np.testing.assert_allclose(part.vertices[part.triangles], TWO_TRIANGLES, atol=1e-6)


# ----------------------------------------------------------------------------- VTK
def coloured_plane() -> pv.PolyData:
    plane = pv.Plane(i_size=2.0, j_size=1.0, i_resolution=2, j_resolution=1)  # 2 quads
    plane.point_data["rgb"] = np.arange(plane.n_points * 3, dtype=np.uint8).reshape(-1, 3)
    return plane


def test_vtp_triangulated_with_point_colours(tmp_path: Path) -> None:
    plane = coloured_plane()
    path = tmp_path / "floor.vtp"
    plane.save(path)
    model = read_set(path)
    assert model.up_axis == "z"
    part = model.parts[0]
    assert part.triangle_count == 4  # two quads split in two
    np.testing.assert_allclose(part.vertices, plane.points, atol=1e-6)
    np.testing.assert_array_equal(part.colors, plane.point_data["rgb"])


@pytest.mark.parametrize("extension", [".vtu", ".vts", ".vtk"])
def test_vtk_volume_formats_give_their_surface(tmp_path: Path, extension: str) -> None:
    grid = pv.ImageData(dimensions=(2, 2, 2), spacing=(1.0, 2.0, 3.0))  # one box cell
    data = grid.cast_to_structured_grid() if extension == ".vts" else \
        grid.cast_to_unstructured_grid()
    path = tmp_path / f"box{extension}"
    data.save(path)
    model = read_set(path)
    assert model.triangle_count == 12  # six faces, two triangles each
    low, high = model.bounds()
    np.testing.assert_allclose(low, [0, 0, 0])
    np.testing.assert_allclose(high, [1, 2, 3])


def test_vtm_blocks_become_parts(tmp_path: Path) -> None:
    blocks = pv.MultiBlock({"floor": coloured_plane(), "crate": pv.Cube(center=(0, 0, 5))})
    path = tmp_path / "yard.vtm"
    blocks.save(path)
    model = read_set(path)
    assert [part.name for part in model.parts] == ["floor", "crate"]
    assert model.triangle_count == 4 + 12
    assert model.bounds()[1][2] == pytest.approx(5.5)


# -------------------------------------------------------------------- units, facts
def test_units_and_scale(tmp_path: Path) -> None:
    path = tmp_path / "ramp.stl"
    path.write_bytes(binary_stl(TWO_TRIANGLES))
    for options, metres in (({"units": "cm"}, 0.01), ({"scale": 2.5}, 2.5),
                            ({"units": "mm", "scale": 0.5}, 0.5), ({}, 1.0)):
        model = read_set(path, **options)
        assert model.scale == metres
        np.testing.assert_allclose(model.bounds()[1], np.array([2.0, 3.0, 1.0]) * metres)
    with pytest.raises(InputError, match="furlong"):
        read_set(path, units="furlong")
    with pytest.raises(InputError, match="scale"):
        read_set(path, scale=0.0)
    with pytest.raises(InputError, match="up axis"):
        read_set(path, up_axis="x")


def test_facts_suggest_centimetres_without_applying(tmp_path: Path) -> None:
    room = trimesh.creation.box((600.0, 800.0, 280.0))  # a room modelled in centimetres
    path = tmp_path / "room.stl"
    path.write_bytes(room.export(file_type="stl"))
    facts = set_facts(read_set(path))
    assert facts["size_m"] == pytest.approx([600.0, 800.0, 280.0])  # not rescaled
    assert facts["height_file_units"] == pytest.approx(280.0)
    assert facts["suggested_scale"]["unit"] == "cm"
    assert facts["suggested_scale"]["metres_per_unit"] == 0.01
    assert facts["scale"] == 1.0
    applied = set_facts(read_set(path, units="cm"))
    assert applied["size_m"] == pytest.approx([6.0, 8.0, 2.8])
    assert applied["suggested_scale"] is None


def test_facts_of_a_textured_gltf(tmp_path: Path) -> None:
    facts = set_facts(read_set(write_gltf(tmp_path)))
    assert facts["name"] == "quad"
    assert facts["source"].endswith("quad.gltf")
    assert (facts["parts"], facts["triangles"], facts["vertices"]) == (1, 2, 4)
    assert facts["bounds_m"] == {"min": pytest.approx([2, -6, 4]),
                                 "max": pytest.approx([2, -4, 6])}
    assert facts["size_m"] == pytest.approx([0, 2, 2], abs=1e-9)
    assert (facts["up_axis"], facts["scale"], facts["textures"]) == ("y", 1.0, 1)
    assert facts["suggested_scale"] is None
    assert facts["warnings"] == []
    json.dumps(facts)  # JSON-ready


# ---------------------------------------------------------------------- bad input
def assert_one_clear_error(path: Path, error: type[PrevizError] = FormatError) -> str:
    with pytest.raises(error) as caught:
        read_set(path)
    message = str(caught.value)
    assert path.name in message
    assert "\n" not in message
    return message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    message = assert_one_clear_error(tmp_path / "nowhere.glb", InputError)
    assert "no such file" in message
    (tmp_path / "folder.obj").mkdir()
    assert "directory" in assert_one_clear_error(tmp_path / "folder.obj", InputError)


def test_unknown_extension_lists_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "set.fbx"
    path.write_bytes(b"Kaydara FBX Binary")
    message = assert_one_clear_error(path)
    for extension in SET_FORMATS:
        assert extension in message


@pytest.mark.parametrize("extension", sorted(SET_FORMATS))
def test_empty_file(tmp_path: Path, extension: str) -> None:
    path = tmp_path / f"blank{extension}"
    path.write_bytes(b"")
    assert "empty" in assert_one_clear_error(path)


@pytest.mark.parametrize("extension", sorted(SET_FORMATS))
def test_garbage_bytes_are_one_clean_error(tmp_path: Path, extension: str,
                                           capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f"noise{extension}"
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 3000, dtype=np.uint8).tobytes())
    assert_one_clear_error(path)
    captured = capfd.readouterr()
    assert captured.err == ""  # no VTK or trimesh chatter on stderr
    assert captured.out == ""


def test_truncated_glb(tmp_path: Path) -> None:
    whole = trimesh.Scene([trimesh.creation.icosphere()]).export(file_type="glb")
    for cut in (len(whole) // 2, 16):
        path = tmp_path / f"cut{cut}.glb"
        path.write_bytes(whole[:cut])
        message = assert_one_clear_error(path)
        assert "truncated" in message or "GLB" in message


def test_truncated_stl_and_vtp(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    stl = tmp_path / "cut.stl"
    stl.write_bytes(binary_stl(TWO_TRIANGLES)[:-20])
    assert "truncated" in assert_one_clear_error(stl)
    whole = tmp_path / "whole.vtp"
    pv.Sphere().save(whole)
    vtp = tmp_path / "cut.vtp"
    vtp.write_bytes(whole.read_bytes()[:400])
    assert "VTK XML PolyData" in assert_one_clear_error(vtp)
    assert capfd.readouterr().err == ""


def test_not_gltf_json(tmp_path: Path) -> None:
    path = tmp_path / "scene.gltf"
    path.write_text('{"asset": {"version": "2.0"}, "nodes": [', encoding="utf-8")
    assert "invalid JSON" in assert_one_clear_error(path)
    path.write_text('{"asset": {"version": "1.0"}}', encoding="utf-8")
    assert "2.0" in assert_one_clear_error(path)


def test_files_without_triangles(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    points = tmp_path / "points.obj"
    points.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\n", encoding="utf-8")
    solid = tmp_path / "hollow.stl"
    solid.write_text("solid hollow\nendsolid hollow\n", encoding="ascii")
    cloud = tmp_path / "cloud.vtp"
    pv.PolyData(np.eye(3)).save(cloud)
    nothing = tmp_path / "nothing.gltf"
    nothing.write_text('{"asset": {"version": "2.0"}, "scenes": [], "nodes": []}',
                       encoding="utf-8")
    for path in (points, solid, cloud, nothing):
        assert "no triangles" in assert_one_clear_error(path)
    assert capfd.readouterr().err == ""


def test_non_finite_positions(tmp_path: Path) -> None:
    path = tmp_path / "broken.obj"
    path.write_text("v nan 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n", encoding="utf-8")
    assert "finite" in assert_one_clear_error(path)
    stl = tmp_path / "broken.stl"
    stl.write_bytes(binary_stl(np.array([[[np.inf, 0, 0], [1, 0, 0], [0, 1, 0]]])))
    assert "finite" in assert_one_clear_error(stl)
