"""glTF/GLB, OBJ (+MTL), PLY and STL sets through trimesh, as mesh parts in file units and axes.

Each file is checked first for what trimesh reports badly or not at all (a
truncated GLB, a glTF whose ``.bin`` is missing, a binary STL of the wrong
length, binary bytes in an OBJ, a missing texture), then loaded as a trimesh
scene. Every node's scene-graph transform is applied; axes and units are left
to :func:`previz.io.set_files.read_set`.

glTF colours (``baseColorFactor``, ``COLOR_0``) are linear by the glTF
specification and are encoded to sRGB here, which is what
:class:`~previz.core.set_model.Material` and vertex colours hold; OBJ, PLY and
STL colours are taken as they are.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import struct
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote

import numpy as np
from numpy.typing import NDArray

from previz.core.set_model import Material, MeshPart
from previz.errors import FormatError

__all__ = ["read_trimesh_parts"]

_GLB_MAGIC = b"glTF"
_GLB_JSON_CHUNK = 0x4E4F534A
_STL_HEADER = 84
_STL_TRIANGLE = 50
_SNIFF_BYTES = 4096
_MTLLIB = re.compile(rb"^[ \t]*mtllib[ \t]+([^\r\n]+)", re.MULTILINE)
# map_Kd options that take this many arguments (-o/-s/-t take 1-3 numbers).
_MTL_OPTION_ARGS = {"-blendu": 1, "-blendv": 1, "-bm": 1, "-boost": 1, "-cc": 1, "-clamp": 1,
                    "-imfchan": 1, "-texres": 1, "-type": 1, "-mm": 2, "-o": 3, "-s": 3, "-t": 3}


def read_trimesh_parts(
    path: Path, extension: str, description: str
) -> tuple[list[MeshPart], list[str]]:
    """Read a glTF/GLB, OBJ, PLY or STL file as parts in the file's units and axes.

    Parameters
    ----------
    path : pathlib.Path
        An existing, non-empty file.
    extension : str
        Its lower-case extension (``".glb"``, …), which picks the checks.
    description : str
        What the file should be, with its article, for messages (``"an STL file"``).

    Returns
    -------
    parts : list of MeshPart
        One per scene node holding triangles, node transform applied.
    warnings : list of str
        Problems that did not stop loading (missing textures, trimesh's own).

    Raises
    ------
    FormatError
        If the file is truncated, corrupt or not in its format.
    """
    document, notes, obj_textures = _check_before_loading(path, extension, description)
    required = (document or {}).get("extensionsRequired") or []
    hint = f" (the file requires glTF extensions {', '.join(map(str, required))})" \
        if required else ""
    scene, logged = _load_scene(path, description, hint)
    if obj_textures:
        notes += _complete_obj_textures(path, scene, obj_textures)
    try:
        parts = scene_parts(scene, linear_colors=document is not None)
    except ValueError as error:  # non-finite positions, indices out of range
        raise FormatError(f"{path}: not a usable mesh: {error}") from None
    notes += [f"{path}: {message}" for message in logged]
    if not parts:
        _explain_empty(path, scene, document, description)
    return parts, list(dict.fromkeys(notes))


def _check_before_loading(
    path: Path, extension: str, description: str
) -> tuple[dict[str, Any] | None, list[str], dict[str, tuple[str, Path]]]:
    """Check what trimesh reports badly; return the glTF JSON, warnings and OBJ textures."""
    if extension in (".gltf", ".glb"):
        document = _gltf_document(path, extension, description)
        return document, _gltf_checks(path, document), {}
    if extension == ".stl":
        _check_stl(path, description)
    elif extension == ".ply":
        _check_start(path, b"ply", description, "'ply'")
    elif extension == ".obj":
        _check_text(path, description)
        notes, textures = _obj_materials(path)
        return None, notes, textures
    return None, [], {}


# ------------------------------------------------------------------ loading
@contextlib.contextmanager
def _trimesh_log() -> Iterator[list[str]]:
    """Collect trimesh's log warnings instead of letting them reach stderr."""
    logger = logging.getLogger("trimesh")
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = _Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _load_scene(path: Path, description: str, hint: str = "") -> tuple[Any, list[str]]:
    """Load a file as a trimesh scene, with library errors turned into one line."""
    import trimesh
    from trimesh.resolvers import FilePathResolver

    try:  # textures in "../textures/" are common in OBJ sets: let the resolver leave the folder
        resolver = FilePathResolver(str(path), allow_anywhere=True)
    except TypeError:  # trimesh before allow_anywhere existed did not confine paths
        resolver = FilePathResolver(str(path))
    with _trimesh_log() as logged, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if hasattr(trimesh, "load_scene"):
                scene = trimesh.load_scene(str(path), resolver=resolver, process=False)
            else:  # trimesh < 4.6
                scene = trimesh.load(str(path), force="scene", resolver=resolver, process=False)
        except (MemoryError, KeyboardInterrupt):
            raise
        except Exception as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            if isinstance(error, KeyError):
                reason = f"missing entry {reason}"
            raise FormatError(f"{path}: cannot read as {description}: {reason}{hint}") from None
    return scene, logged


def _explain_empty(path: Path, scene: Any, document: dict[str, Any] | None,
                   description: str) -> NoReturn:
    """Raise the most useful "no triangles" message for a scene without mesh parts."""
    kinds = sorted({type(g).__name__ for g in scene.geometry.values()})
    if document is not None:
        required = document.get("extensionsRequired") or []
        if required:
            raise FormatError(f"{path}: no triangles could be read; the file requires glTF "
                              f"extensions {', '.join(map(str, required))} (expected plain "
                              f"glTF 2.0 meshes)")
    if kinds:
        raise FormatError(f"{path}: no triangles found, only {', '.join(kinds)} geometry "
                          f"(expected {description} holding a triangle or polygon mesh)")
    raise FormatError(f"{path}: no triangles found (expected {description} holding "
                      f"a triangle or polygon mesh)")


# ------------------------------------------------------------------- checks
def _head(path: Path, size: int = _SNIFF_BYTES) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def _check_start(path: Path, magic: bytes, description: str, shown: str) -> None:
    if not _head(path, 64).lstrip().startswith(magic):
        raise FormatError(f"{path}: not {description} (expected it to start with {shown})")


def _check_text(path: Path, description: str) -> None:
    if b"\x00" in _head(path):
        raise FormatError(f"{path}: holds binary data (expected {description}, which is text)")


def _check_stl(path: Path, description: str) -> None:
    """Accept a binary STL of the exact length its header declares, or ASCII ``solid``."""
    size = path.stat().st_size
    head = _head(path)
    if size >= _STL_HEADER:
        (count,) = struct.unpack_from("<I", head, 80)
        if size == _STL_HEADER + _STL_TRIANGLE * count:
            return
    if head.lstrip().lower().startswith(b"solid") and b"\x00" not in head:
        return
    if size < _STL_HEADER:
        raise FormatError(f"{path}: not an STL file: {size} bytes is shorter than a binary "
                          f"STL header (84 bytes) and it does not start with 'solid' "
                          f"(expected {description})")
    expected = _STL_HEADER + _STL_TRIANGLE * count
    raise FormatError(f"{path}: not a valid STL file: as binary STL its header declares "
                      f"{count} triangles ({expected} bytes) but the file has {size} bytes "
                      f"(truncated or corrupt), and it is not ASCII STL (which starts with "
                      f"'solid')")


def _gltf_document(path: Path, extension: str, description: str) -> dict[str, Any]:
    """Return the glTF JSON of a .gltf or .glb file, checking the GLB container."""
    if extension == ".glb":
        with open(path, "rb") as handle:
            header = handle.read(20)
            size = path.stat().st_size
            if len(header) < 20 or header[:4] != _GLB_MAGIC:
                raise FormatError(f"{path}: not {description} (expected it to start with "
                                  f"the 'glTF' magic bytes)")
            version, length, chunk_length, chunk_type = struct.unpack_from("<IIII", header, 4)
            if version != 2:
                raise FormatError(f"{path}: binary glTF version {version} is not supported "
                                  f"(expected version 2)")
            if length > size:
                raise FormatError(f"{path}: truncated: the GLB header declares {length} bytes "
                                  f"but the file has {size}")
            if chunk_type != _GLB_JSON_CHUNK or 20 + chunk_length > length:
                raise FormatError(f"{path}: corrupt GLB: the first chunk is not the JSON "
                                  f"chunk its header should announce")
            raw = handle.read(chunk_length)
    else:
        raw = path.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not {description}: its JSON is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise FormatError(f"{path}: not {description}: invalid JSON at line {error.lineno}, "
                          f"column {error.colno}: {error.msg}") from None
    if not isinstance(document, dict) or not isinstance(document.get("asset"), dict):
        raise FormatError(f"{path}: not {description}: no 'asset' object in its JSON")
    version = str(document["asset"].get("version", ""))
    if not version.startswith("2"):
        raise FormatError(f"{path}: glTF version {version or '?'} is not supported "
                          f"(expected glTF 2.0)")
    return document


def _resolve(folder: Path, name: str) -> Path | None:
    """Find an asset the way trimesh's file resolver looks for it (then by base name)."""
    name = name.strip()
    candidates = (name, name.lstrip("/"), name.replace("\\", "/").rsplit("/", 1)[-1])
    return next((folder / c for c in candidates if c and (folder / c).is_file()), None)


def _resolves(folder: Path, name: str) -> bool:
    return _resolve(folder, name) is not None


def _external_uri(entry: Any) -> str | None:
    uri = entry.get("uri") if isinstance(entry, dict) else None
    if not isinstance(uri, str) or uri.startswith("data:"):
        return None
    return unquote(uri)


def _gltf_checks(path: Path, document: dict[str, Any]) -> list[str]:
    """Raise when there are no meshes or a buffer file is missing; warn for missing images."""
    if not document.get("meshes"):
        raise FormatError(f"{path}: no triangles found: the glTF has no meshes (expected "
                          f"a glTF 2.0 file holding triangle meshes)")
    folder = path.parent
    for index, buffer in enumerate(document.get("buffers") or []):
        uri = _external_uri(buffer)
        if uri is not None and not _resolves(folder, uri):
            raise FormatError(f"{path}: buffer {index} file {uri!r} not found in {folder} "
                              f"(a .gltf needs its .bin files beside it)")
    notes = []
    for index, image in enumerate(document.get("images") or []):
        uri = _external_uri(image)
        if uri is not None and not _resolves(folder, uri):
            notes.append(f"{path}: texture {uri!r} (image {index}) not found; "
                         f"its parts show their base colour")
    return notes


def _obj_materials(path: Path) -> tuple[list[str], dict[str, tuple[str, Path]]]:
    """Check an OBJ's material libraries.

    Returns warnings for missing libraries, and each material's ``map_Kd`` file
    name (options removed) with the folder of the library that names it.
    """
    data = path.read_bytes()
    notes: list[str] = []
    textures: dict[str, tuple[str, Path]] = {}
    for match in _MTLLIB.finditer(data):
        for name in match.group(1).decode("utf-8", "replace").split():
            library = path.parent / name
            if not _resolves(path.parent, name):
                notes.append(f"{path}: material library {name!r} not found; "
                             f"its materials show as grey")
                continue
            if library.is_file():
                textures |= {
                    material: (texture, library.parent)
                    for material, texture in _mtl_textures(library).items()
                }
    return notes, textures


def _mtl_textures(library: Path) -> dict[str, str]:
    """Return ``{material: map_Kd file}`` from an MTL file."""
    textures: dict[str, str] = {}
    material = ""
    try:
        text = library.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return textures
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        key = words[0].lower()
        if key == "newmtl":
            material = " ".join(words[1:])
        elif key == "map_kd" and material:
            rest = words[1:]
            while rest and rest[0].startswith("-") and rest[0] in _MTL_OPTION_ARGS:
                count = _MTL_OPTION_ARGS[rest[0]]
                rest = rest[1:]
                while count and rest and _is_option_value(rest[0]):
                    rest, count = rest[1:], count - 1
            if rest:
                textures[material] = " ".join(rest)
    return textures


def _is_option_value(word: str) -> bool:
    if word.lower() in ("on", "off"):
        return True
    try:
        float(word)
    except ValueError:
        return False
    return True


def _complete_obj_textures(path: Path, scene: Any,
                           textures: dict[str, tuple[str, Path]]) -> list[str]:
    """Load map_Kd images trimesh missed (it does not parse options such as ``-s``);
    warn for each used material whose image cannot be found or decoded."""
    from PIL import Image

    notes = []
    for mesh in scene.geometry.values():
        material = getattr(getattr(mesh, "visual", None), "material", None)
        name = getattr(material, "name", None)
        if name not in textures or getattr(material, "image", None) is not None:
            continue
        texture, folder = textures[name]
        found = next((p for base in (path.parent, folder) if (p := _resolve(base, texture))),
                     None)
        if found is None:
            notes.append(f"{path}: texture {texture!r} of material {name!r} not found; "
                         f"it shows its base colour")
            continue
        try:
            with Image.open(found) as image:
                image.load()
                material.image = image.copy()
        except (OSError, ValueError, SyntaxError):
            notes.append(f"{path}: texture {texture!r} of material {name!r} cannot be "
                         f"decoded; it shows its base colour")
    return notes


# -------------------------------------------------------------- conversion
def scene_parts(scene: Any, *, linear_colors: bool = False) -> list[MeshPart]:
    """Turn a trimesh scene into mesh parts, every node's world transform applied.

    Parameters
    ----------
    scene : trimesh.Scene
    linear_colors : bool, keyword-only
        Whether colour factors and vertex colours are linear (glTF) and need
        encoding to sRGB.

    Returns
    -------
    list of MeshPart
        One per node that holds a mesh with triangles, in the file's units and axes.
    """
    materials: dict[int, Material] = {}
    parts = []
    for node in scene.graph.nodes_geometry:
        transform, geometry_name = scene.graph[node]
        mesh = scene.geometry.get(geometry_name)
        faces = getattr(mesh, "faces", None)
        if faces is None or len(faces) == 0:
            continue
        parts.append(_mesh_part(str(node), mesh, np.asarray(transform, dtype=np.float64),
                                materials, linear_colors))
    return parts


def _mesh_part(name: str, mesh: Any, transform: NDArray[np.float64],
               materials: dict[int, Material], linear: bool) -> MeshPart:
    """One node's mesh as a part: world transform applied, look converted."""
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    triangles = np.asarray(mesh.faces, dtype=np.int64)
    normals = _file_normals(mesh)
    rotation, offset = transform[:3, :3], transform[:3, 3]
    if not np.allclose(transform, np.eye(4)):
        vertices = vertices @ rotation.T + offset
        if normals is not None:
            normals = _unit(normals @ np.linalg.inv(rotation))  # inverse transpose, row-wise
        if np.linalg.det(rotation) < 0:  # a mirroring node turns faces inside out
            triangles = triangles[:, ::-1]
    material, uvs, colors, face_colors = _look(mesh, materials, linear)
    if face_colors is not None and len(face_colors) == len(triangles):
        # one colour per triangle: give every triangle its own three vertices
        corners = triangles.reshape(-1)
        vertices = vertices[corners]
        normals = None if normals is None else normals[corners]
        uvs = None if uvs is None else uvs[corners]
        colors = np.repeat(face_colors, 3, axis=0)
        triangles = np.arange(len(corners), dtype=np.int64).reshape(-1, 3)
    return MeshPart(name, vertices, triangles, material, uvs=uvs, colors=colors,
                    normals=normals)


def _look(mesh: Any, materials: dict[int, Material], linear: bool) -> tuple[
        Material, NDArray[np.float64] | None, NDArray[np.uint8] | None, NDArray[np.uint8] | None]:
    """Return a mesh's material, UVs (when textured), vertex colours and face colours."""
    count = len(mesh.vertices)
    visual = getattr(mesh, "visual", None)
    kind = getattr(visual, "kind", None)
    material = Material()
    uvs = colors = face_colors = None
    if kind == "texture":
        source = visual.material
        if id(source) not in materials:
            materials[id(source)] = _material(source, linear)
        material = materials[id(source)]
        uv = getattr(visual, "uv", None)
        if material.texture is not None and uv is not None and len(uv) == count:
            uvs = np.nan_to_num(np.asarray(uv, dtype=np.float64)[:, :2])
        elif material.texture is not None:  # a texture without UVs cannot be drawn
            material = replace(material, texture=None)
        colors = (getattr(visual, "vertex_attributes", None) or {}).get("color")
    elif kind == "vertex":
        colors = visual.vertex_colors
    elif kind == "face":
        face_colors = _colors(visual.face_colors, linear)
    if colors is not None:
        colors = _colors(colors, linear) if len(colors) == count else None
    return material, uvs, colors, face_colors


def _file_normals(mesh: Any) -> NDArray[np.float64] | None:
    """Vertex normals stored in the file (trimesh keeps them in its cache), else None."""
    cache = getattr(getattr(mesh, "_cache", None), "cache", None)
    normals = cache.get("vertex_normals") if isinstance(cache, dict) else None
    if normals is None:
        return None
    normals = np.asarray(normals, dtype=np.float64)
    if normals.shape != (len(mesh.vertices), 3) or not np.isfinite(normals).all():
        return None
    return _unit(normals)


def _unit(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, length, out=np.zeros_like(vectors), where=length > 0)


def _srgb(linear: NDArray[np.float64]) -> NDArray[np.float64]:
    """Encode linear values in 0-1 with the sRGB transfer function."""
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear,
                    1.055 * np.power(linear, 1 / 2.4) - 0.055)


_SRGB_LUT = np.round(_srgb(np.arange(256) / 255.0) * 255.0).astype(np.uint8)


def _colors(values: Any, linear: bool) -> NDArray[np.uint8] | None:
    """Vertex or face colours as uint8 RGB (RGBA when any is translucent)."""
    colors = np.asarray(values)
    if colors.ndim != 2 or colors.shape[1] not in (3, 4):
        return None
    if colors.dtype.kind == "f":
        colors = np.round(np.clip(colors, 0.0, 1.0) * 255.0)
    colors = colors.astype(np.uint8)
    if linear:
        colors = colors.copy()
        colors[:, :3] = _SRGB_LUT[colors[:, :3]]
    if colors.shape[1] == 4 and (colors[:, 3] == 255).all():
        colors = colors[:, :3]
    return np.ascontiguousarray(colors)


def _material(source: Any, linear: bool) -> Material:
    """Convert a trimesh PBR (glTF) or simple (OBJ) material."""
    name = str(getattr(source, "name", None) or "")
    if hasattr(source, "baseColorFactor"):  # glTF PBR
        factor = source.baseColorFactor
        rgba = (np.ones(4) if factor is None
                else np.asarray(factor, dtype=np.float64) / 255.0)
        image = source.baseColorTexture
        double_sided = bool(getattr(source, "doubleSided", False))
        mode = str(getattr(source, "alphaMode", None) or "OPAQUE").upper()
    else:  # OBJ/MTL
        rgba = np.asarray(getattr(source, "diffuse", (204, 204, 204, 255)),
                          dtype=np.float64) / 255.0
        image = getattr(source, "image", None)
        double_sided = False
        mode = "BLEND"
    if len(rgba) == 3:
        rgba = np.append(rgba, 1.0)
    rgb = _srgb(rgba[:3]) if linear else np.clip(rgba[:3], 0.0, 1.0)
    alpha = float(np.clip(rgba[3], 0.0, 1.0)) if mode == "BLEND" else 1.0
    texture = _image_array(image, keep_alpha=mode != "OPAQUE")
    return Material(name, (*(float(c) for c in rgb), alpha), texture, double_sided)


def _image_array(image: Any, *, keep_alpha: bool) -> NDArray[np.uint8] | None:
    """A PIL image as an ``(H, W, 3|4)`` uint8 array, row 0 at the top; None if unreadable."""
    if image is None:
        return None
    try:
        alpha = keep_alpha and (image.mode in ("RGBA", "LA", "PA")
                                or (image.mode == "P" and "transparency" in image.info))
        array = np.asarray(image.convert("RGBA" if alpha else "RGB"), dtype=np.uint8)
    except (OSError, ValueError, SyntaxError):
        return None
    if array.ndim != 3 or array.shape[0] == 0 or array.shape[1] == 0:
        return None
    return np.ascontiguousarray(array)
