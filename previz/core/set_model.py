"""A 3D set as plain arrays: triangle meshes with materials, in stage metres.

Readers in :mod:`previz.io` convert every set format into a :class:`SetModel`
(axes and units converted at that boundary); the renderer turns it into a
scene. Nothing here imports VTK.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Material",
    "MeshPart",
    "ScaleGuess",
    "SetModel",
    "suggest_set_scale",
]


@dataclass(frozen=True, eq=False)
class Material:
    """How a mesh part looks.

    Parameters
    ----------
    name : str
        The material's name in the source file ("" when unnamed).
    base_color : tuple of float
        RGBA in 0–1 (sRGB), multiplied with the texture when there is one.
    texture : numpy.ndarray or None
        ``(H, W, 3|4)`` uint8 image, row 0 at the top of the picture (as image
        files store it); UV ``(0, 0)`` is its bottom-left corner.
    double_sided : bool
        Whether back faces are visible (glTF ``doubleSided``).
    """

    name: str = ""
    base_color: tuple[float, float, float, float] = (0.8, 0.8, 0.8, 1.0)
    texture: NDArray[np.uint8] | None = None
    double_sided: bool = False

    def __post_init__(self) -> None:
        color = tuple(float(c) for c in self.base_color)
        if len(color) == 3:
            color = (*color, 1.0)
        if len(color) != 4 or not all(math.isfinite(c) and 0.0 <= c <= 1.0 for c in color):
            raise ValueError(f"base_color must be 3 or 4 numbers in 0-1, got {self.base_color!r}")
        object.__setattr__(self, "base_color", color)
        if self.texture is not None:
            image = np.asarray(self.texture)
            if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (3, 4):
                raise ValueError(
                    f"texture must be an (H, W, 3|4) uint8 image, got {image.dtype} {image.shape}"
                )
            object.__setattr__(self, "texture", image)


@dataclass(frozen=True, eq=False)
class MeshPart:
    """One triangle mesh with one material, in stage metres (Z up).

    Parameters
    ----------
    name : str
        The node or object name in the source file.
    vertices : numpy.ndarray
        ``(N, 3)`` float64 positions.
    triangles : numpy.ndarray
        ``(M, 3)`` int64 vertex indices.
    material : Material
    uvs : numpy.ndarray or None
        ``(N, 2)`` texture coordinates.
    colors : numpy.ndarray or None
        ``(N, 3|4)`` uint8 vertex colours (sRGB).
    normals : numpy.ndarray or None
        ``(N, 3)`` unit vertex normals; None lets the renderer use flat faces.
    """

    name: str
    vertices: NDArray[np.float64]
    triangles: NDArray[np.int64]
    material: Material = field(default_factory=Material)
    uvs: NDArray[np.float64] | None = None
    colors: NDArray[np.uint8] | None = None
    normals: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        vertices = np.ascontiguousarray(self.vertices, dtype=np.float64)
        triangles = np.ascontiguousarray(self.triangles, dtype=np.int64)
        if vertices.ndim != 2 or vertices.shape[1] != 3:
            raise ValueError(f"part {self.name!r}: vertices must be (N, 3), got {vertices.shape}")
        if triangles.ndim != 2 or triangles.shape[1] != 3:
            raise ValueError(f"part {self.name!r}: triangles must be (M, 3), got {triangles.shape}")
        if not np.isfinite(vertices).all():
            raise ValueError(f"part {self.name!r}: vertices must be finite numbers")
        if triangles.size and (triangles.min() < 0 or triangles.max() >= len(vertices)):
            raise ValueError(
                f"part {self.name!r}: triangle indices must lie in 0..{len(vertices) - 1}"
            )
        object.__setattr__(self, "vertices", vertices)
        object.__setattr__(self, "triangles", triangles)
        count = len(vertices)
        for name, width, dtype in (("uvs", (2,), np.float64), ("colors", (3, 4), np.uint8),
                                   ("normals", (3,), np.float64)):
            value = getattr(self, name)
            if value is None:
                continue
            array = np.ascontiguousarray(value, dtype=dtype)
            if array.ndim != 2 or array.shape[0] != count or array.shape[1] not in width:
                raise ValueError(
                    f"part {self.name!r}: {name} must have one row per vertex ({count}), "
                    f"got {array.shape}"
                )
            object.__setattr__(self, name, array)

    @property
    def triangle_count(self) -> int:
        """Number of triangles."""
        return len(self.triangles)

    def transformed(self, matrix: NDArray[np.float64], scale: float = 1.0) -> MeshPart:
        """Return the part rotated by a 3 × 3 ``matrix`` and scaled by ``scale``."""
        rotation = np.asarray(matrix, dtype=np.float64)
        normals = None if self.normals is None else self.normals @ rotation.T
        return replace(self, vertices=(self.vertices @ rotation.T) * scale, normals=normals)


@dataclass(frozen=True)
class ScaleGuess:
    """A guess of the unit a set was modelled in, from its height.

    Attributes
    ----------
    scale : float
        Metres per file unit the guess suggests (1.0 when the set looks metric).
    unit : str
        ``"m"``, ``"cm"`` or ``"mm"``.
    reason : str
        One sentence saying why.
    """

    scale: float
    unit: str
    reason: str


# A set modelled in metres is rarely taller than this (a tall building block).
_TALLEST_METRIC_SET_M = 150.0
_TALLEST_CM_SET = 15_000.0


def suggest_set_scale(height: float) -> ScaleGuess:
    """Guess the unit of a set from its vertical extent in file units.

    Sets are a few metres (a room) to ~100 m (a street of buildings) tall. A
    height above 150 units is read as centimetres (1.5–150 m), above 15,000
    units as millimetres. Inches are not told apart from centimetres: the
    reason says so.

    Parameters
    ----------
    height : float
        Extent along the up axis, in file units.

    Returns
    -------
    ScaleGuess
    """
    if not math.isfinite(height) or height <= _TALLEST_METRIC_SET_M:
        return ScaleGuess(1.0, "m", f"{height:.4g} units tall: plausible in metres")
    if height <= _TALLEST_CM_SET:
        return ScaleGuess(
            0.01,
            "cm",
            f"{height:.4g} units tall is too tall for metres; centimetres give "
            f"{height * 0.01:.3g} m (inches would give {height * 0.0254:.3g} m)",
        )
    return ScaleGuess(
        0.001,
        "mm",
        f"{height:.4g} units tall is too tall for centimetres; millimetres give "
        f"{height * 0.001:.3g} m",
    )


@dataclass(frozen=True, eq=False)
class SetModel:
    """A set: named mesh parts in stage metres, Z up.

    Parameters
    ----------
    name : str
        A short name (the file's stem, or ``"demo"``).
    parts : tuple of MeshPart
    source : pathlib.Path or None
        The file it was read from.
    warnings : tuple of str
        Problems that did not stop loading (a missing texture, …).
    scale : float
        Metres per file unit that was applied on read.
    up_axis : str
        The file's up axis that was converted from (``"y"`` or ``"z"``).
    """

    name: str
    parts: tuple[MeshPart, ...]
    source: Path | None = None
    warnings: tuple[str, ...] = ()
    scale: float = 1.0
    up_axis: str = "z"

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.parts))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    def __repr__(self) -> str:
        return (
            f"SetModel({self.name!r}, {len(self.parts)} parts, "
            f"{self.triangle_count} triangles)"
        )

    @property
    def triangle_count(self) -> int:
        """Total number of triangles."""
        return sum(part.triangle_count for part in self.parts)

    @property
    def vertex_count(self) -> int:
        """Total number of vertices."""
        return sum(len(part.vertices) for part in self.parts)

    def bounds(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return the lowest and highest corner of the set, metres.

        Raises
        ------
        ValueError
            When the set has no vertices.
        """
        used = [part.vertices for part in self.parts if len(part.vertices)]
        if not used:
            raise ValueError(f"set {self.name!r} has no vertices")
        low = np.min([v.min(axis=0) for v in used], axis=0)
        high = np.max([v.max(axis=0) for v in used], axis=0)
        return low, high
