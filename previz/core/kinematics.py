"""Forward kinematics for every frame of a take at once.

A joint's local transform is its offset (position channels replace the matching
offset components, as Blender, pybvh and bvhio do) and the product of its rotation
channels in file order. Every numpy call below covers all frames of a block, and
all joints where the hierarchy allows; the Python loops run per hierarchy level or
per parent joint, never per frame. Layouts put frames last, so every call sweeps
long contiguous rows.

1. Local rotations as unit quaternions, all joints at once. With ``t = tan(θ/2)``
   a rotation about axis ``e`` is the quaternion ``(1, t e)`` up to scale, and the
   product of three of them in any axis order is, in closed form,
   ``(1 - ε tx ty tz, tx + σx ty tz, ty + σy tz tx, tz + σz tx ty)``, where
   ``ε`` is the sign of the axis permutation and ``σ`` is ``+ε`` for the first and
   third axis, ``-ε`` for the second (missing axes have ``t = 0``). Its squared
   norm is ``(1 + tx²)(1 + ty²)(1 + tz²)``. One ``tan`` per channel replaces a
   ``sin`` and a ``cos`` (together about eight times dearer in numpy on the
   benchmark machine).
2. World rotations level by level, each quaternion held as the complex pair
   ``z = w + x i``, ``u = y + z i``: then ``q1 q2 = (z1 z2 - u1 conj(u2),
   z1 u2 + u1 conj(z2))``, three numpy calls per level on complex arrays (numpy's
   complex product does four real products in one pass), plus one to gather the
   parents.
3. Positions. A parent's rotation matrix is linear in ten quadratic terms of its
   quaternion (``w²``, ``x²``, ..., ``wz``), so the rotated rest offsets of all of a
   parent's children are one small matrix product (3·children × 10 constants times
   10 × frames), added to the parent's position in parent order. Children with
   position channels use the parent's rotation matrix instead. Rotation matrices,
   when asked for, come from the same terms in one product.

Short takes are dominated by the number of numpy calls and by the memory a call
first touches (cold after other work), so the stages share one scratch arena and
copy out through plain 2-D transposes.

Results agree with products of axis matrices to a few 1e-15 relative.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from previz.core.skeleton import Skeleton

__all__ = ["Kinematics", "forward_kinematics"]

# Slot-frames (joints and end sites times frames) per block: big enough that the
# per-call overhead is small, small enough to keep the working arrays in cache.
_BLOCK_SLOT_FRAMES = 1 << 15

_EVEN_ORDERS = frozenset({"XYZ", "YZX", "ZXY"})

# The quadratic terms of a unit quaternion (w, x, y, z), in the order the block
# computes them, and the rotation matrix as a linear map of them.
_TERM_NAMES = ("ww", "yy", "xx", "zz", "wx", "yz", "wy", "xz", "wz", "xy")  # yx = xy
_MATRIX_TERMS = {
    (0, 0): {"ww": 1, "xx": 1, "yy": -1, "zz": -1},
    (0, 1): {"xy": 2, "wz": -2},
    (0, 2): {"xz": 2, "wy": 2},
    (1, 0): {"xy": 2, "wz": 2},
    (1, 1): {"ww": 1, "xx": -1, "yy": 1, "zz": -1},
    (1, 2): {"yz": 2, "wx": -2},
    (2, 0): {"xz": 2, "wy": -2},
    (2, 1): {"yz": 2, "wx": 2},
    (2, 2): {"ww": 1, "xx": -1, "yy": -1, "zz": 1},
}
_TERMS_TO_MATRIX = np.zeros((9, len(_TERM_NAMES)))  # row 3i+k gives R[i, k]
for (_i, _k), _coefficients in _MATRIX_TERMS.items():
    for _name, _value in _coefficients.items():
        _TERMS_TO_MATRIX[3 * _i + _k, _TERM_NAMES.index(_name)] = _value
_TERMS_TO_COLUMN = _TERMS_TO_MATRIX.reshape(3, 3, len(_TERM_NAMES))  # [i, k]: terms of R[i, k]
# (-conj(u), conj(z)) = (-y + z i, w - x i) from the rows (y, w) and (z, x) of the pairs.
_SWAP_REAL_SIGNS = np.array([-1.0, 1.0]).reshape(2, 1, 1)
_SWAP_IMAG_SIGNS = np.array([1.0, -1.0]).reshape(2, 1, 1)


@dataclass(frozen=True, eq=False)
class Kinematics:
    """World transforms of every joint and end site over a run of frames.

    Attributes
    ----------
    positions : numpy.ndarray, shape (F, J, 3)
        Joint origins, joints in skeleton order.
    end_positions : numpy.ndarray, shape (F, E, 3)
        End-site positions.
    rotations : numpy.ndarray, shape (F, J, 3, 3) or None
        Joint orientations (columns are the joint's local axes in world
        coordinates); end sites share their parent's. None unless requested.
    """

    positions: NDArray[np.float64]
    end_positions: NDArray[np.float64]
    rotations: NDArray[np.float64] | None = None

    def __repr__(self) -> str:
        frames, joints = self.positions.shape[:2]
        extra = ", with rotations" if self.rotations is not None else ""
        return (
            f"Kinematics({frames} frames, {joints} joints, "
            f"{self.end_positions.shape[1]} end sites{extra})"
        )


@dataclass(frozen=True, eq=False)
class _Level:
    """Turned joints of one depth, ``[start, stop)`` in turned order, and their parents."""

    start: int
    stop: int
    parents: slice | NDArray[np.intp]  # turned indices: a slice, or an array to gather


@dataclass(frozen=True, eq=False)
class _Family:
    """The children of one turned joint: slots ``[start, stop)``."""

    parent_slot: int
    parent_turned: int
    start: int
    middle: int  # [start, middle): rest offsets; [middle, stop): position channels
    stop: int
    offset_terms: NDArray[np.float64]  # (3 * (middle - start), 10)
    moving_row: int  # first row of [middle, stop) in the block's moving-offset array


@dataclass(frozen=True, eq=False)
class _Plan:
    """Index arrays that turn a block of channels into world transforms.

    *Slots* are the joints and end sites sorted by depth, then by parent, so each
    parent's children are consecutive. *Turned* joints are those whose rotation
    matters (they carry children, or rotations were asked for), numbered in slot
    order, so each depth is a consecutive run of them.
    """

    slots: int
    roots: int  # slots [0, roots) are the roots
    turned: int
    tangent_rows: NDArray[np.intp]  # (3 * turned,) rows x, y, z of the padded channels
    signs: NDArray[np.float64]  # (4, turned | 1, 1): σx, σy, σz, -ε
    root_offsets: NDArray[np.float64]  # (roots, 3, 1)
    root_slot: NDArray[np.intp]
    root_axis: NDArray[np.intp]
    root_column: NDArray[np.intp]
    levels: tuple[_Level, ...]
    widest: int  # most turned joints in one level
    families: tuple[_Family, ...]
    moving_offsets: NDArray[np.float64]  # (M, 3, 1) rest offsets of joints with channels
    moving_row: NDArray[np.intp]
    moving_axis: NDArray[np.intp]
    moving_column: NDArray[np.intp]
    joint_rows: NDArray[np.intp]  # rows of the (slots * 3, F) positions, joint-major
    site_rows: NDArray[np.intp]
    rotation_rows: NDArray[np.intp]  # rows of the (9 * turned, F) rotations, joint-major
    sites: int


def _parent_reference(parents: NDArray[np.intp]) -> slice | NDArray[np.intp]:
    """A slice for one parent of one child or a one-to-one run, else the index array.

    One parent shared by several children is gathered, not broadcast: numpy runs
    a broadcast operand row by row, which is slower than copying it.
    """
    first = int(parents[0])
    if np.array_equal(parents, np.arange(first, first + parents.size)):
        return slice(first, first + parents.size)
    return parents


def _axis_constants(axes: str) -> tuple[float, tuple[float, float, float]]:
    """Return ε and (σx, σy, σz) for rotation axes in file order (see the module notes)."""
    full = axes + "".join(a for a in "XYZ" if a not in axes)
    epsilon = 1.0 if full in _EVEN_ORDERS else -1.0
    sigma = [0.0, 0.0, 0.0]
    for role, letter in enumerate(full):
        sigma["XYZ".index(letter)] = -epsilon if role == 1 else epsilon
    return epsilon, (sigma[0], sigma[1], sigma[2])


@lru_cache(maxsize=64)
def _plan(skeleton: Skeleton, end_sites: bool, rotations: bool) -> _Plan:
    """Work out slots, levels, families and channel rows once per skeleton and options."""
    joints = skeleton.joints
    count = len(joints)
    sites = skeleton.end_sites if end_sites else ()
    turned = [rotations] * count
    for parent in [j.parent for j in joints] + [s.parent for s in sites]:
        if parent >= 0:
            turned[parent] = True
    moving = {j for j, joint in enumerate(joints) if joint.parent >= 0 and joint.position_axes}
    # Items: joints 0..J-1, then end sites J..J+E-1.
    parent_of = [j.parent for j in joints] + [s.parent for s in sites]
    offset_of = [j.offset for j in joints] + [s.offset for s in sites]
    depths = [int(d) for d in skeleton.depths]
    depth_of = depths + [depths[s.parent] + 1 for s in sites]
    slot_of: dict[int, int] = {}
    order: list[int] = []
    for depth in range(max(depth_of) + 1):
        members = [i for i, d in enumerate(depth_of) if d == depth]
        members.sort(key=lambda i: (slot_of.get(parent_of[i], -1), i in moving, i))
        for item in members:
            slot_of[item] = len(order)
            order.append(item)
    turned_slots = [s for s, item in enumerate(order) if item < count and turned[item]]
    rank = {s: r for r, s in enumerate(turned_slots)}
    roots = sum(1 for d in depth_of if d == 0)
    starts = skeleton.channel_starts
    zero_row = skeleton.channel_count

    tangent_rows = np.full((3, len(turned_slots)), zero_row, dtype=np.intp)
    signs = np.ones((4, len(turned_slots), 1))
    for r, s in enumerate(turned_slots):
        joint = joints[order[s]]
        for k, channel in enumerate(joint.channels):
            if channel.endswith("rotation"):
                tangent_rows["XYZ".index(channel[0]), r] = int(starts[order[s]]) + k
        epsilon, sigma = _axis_constants(joint.rotation_axes)
        signs[:, r, 0] = (*sigma, -epsilon)
    if turned_slots and np.all(signs == signs[:, :1]):  # one axis order: a cheap broadcast
        signs = signs[:, :1].copy()

    levels = []
    for depth in range(1, max(depth_of) + 1):
        members = [r for r, s in enumerate(turned_slots) if depth_of[order[s]] == depth]
        if members:
            parents = [rank[slot_of[parent_of[order[turned_slots[r]]]]] for r in members]
            reference = _parent_reference(np.array(parents, dtype=np.intp))
            levels.append(_Level(members[0], members[-1] + 1, reference))

    channels_of: dict[int, list[tuple[int, int]]] = {}
    for j, joint in enumerate(joints):
        for k, channel in enumerate(joint.channels):
            if channel.endswith("position"):
                channels_of.setdefault(slot_of[j], []).append(
                    ("XYZ".index(channel[0]), int(starts[j]) + k)
                )
    families = []
    moving_slots: list[int] = []
    start = roots
    while start < len(order):
        parent = slot_of[parent_of[order[start]]]
        stop = start
        while stop < len(order) and slot_of[parent_of[order[stop]]] == parent:
            stop += 1
        middle = start
        while middle < stop and order[middle] not in moving:
            middle += 1
        terms = [
            np.einsum("ikt,k->it", _TERMS_TO_COLUMN, np.asarray(offset_of[order[s]]))
            for s in range(start, middle)
        ]
        families.append(
            _Family(
                parent_slot=parent,
                parent_turned=rank[parent],
                start=start,
                middle=middle,
                stop=stop,
                offset_terms=np.concatenate(terms) if terms else np.zeros((0, 10)),
                moving_row=len(moving_slots),
            )
        )
        moving_slots.extend(range(middle, stop))
        start = stop

    def channel_arrays(pairs: list[tuple[int, int, int]]) -> tuple[NDArray[np.intp], ...]:
        columns = np.array(pairs, dtype=np.intp).reshape(-1, 3).T
        return columns[0], columns[1], columns[2]

    root_slot, root_axis, root_column = channel_arrays(
        [(s, axis, column) for s in range(roots) for axis, column in channels_of.get(s, [])]
    )
    moving_row, moving_axis, moving_column = channel_arrays(
        [
            (row, axis, column)
            for row, s in enumerate(moving_slots)
            for axis, column in channels_of.get(s, [])
        ]
    )
    slot = np.array([slot_of[i] for i in range(len(order))], dtype=np.intp)
    triple = np.arange(3)
    if rotations:
        ranks = np.array([rank[slot_of[j]] for j in range(count)], dtype=np.intp)
        rotation_rows = (np.arange(9)[None, :] * len(turned_slots) + ranks[:, None]).reshape(-1)
    else:
        rotation_rows = np.zeros(0, dtype=np.intp)
    return _Plan(
        slots=len(order),
        roots=roots,
        turned=len(turned_slots),
        tangent_rows=tangent_rows.reshape(-1),
        signs=signs,
        root_offsets=np.array([offset_of[order[s]] for s in range(roots)]).reshape(roots, 3, 1),
        root_slot=root_slot,
        root_axis=root_axis,
        root_column=root_column,
        levels=tuple(levels),
        widest=max((level.stop - level.start for level in levels), default=0),
        families=tuple(families),
        moving_offsets=np.array([offset_of[order[s]] for s in moving_slots]).reshape(-1, 3, 1),
        moving_row=moving_row,
        moving_axis=moving_axis,
        moving_column=moving_column,
        joint_rows=(3 * slot[:count, None] + triple).reshape(-1),
        site_rows=(3 * slot[count:, None] + triple).reshape(-1),
        rotation_rows=rotation_rows,
        sites=len(sites),
    )


class _Workspace(threading.local):
    """Arrays reused from block to block and call to call (one set per thread).

    Fresh multi-megabyte temporaries cost page faults on every use (the allocator
    hands large blocks back to the system), and every distinct array a block
    touches has to be brought into the caches: the stages share one scratch
    arena. A thread keeps a few megabytes (bounded by the block size).
    """

    def __init__(self) -> None:
        self.buffers: dict[str, NDArray[np.float64]] = {}

    def array(self, name: str, shape: tuple[int, ...]) -> NDArray[np.float64]:
        size = math.prod(shape)
        buffer = self.buffers.get(name)
        if buffer is None or buffer.size < size:
            buffer = self.buffers[name] = np.empty(size)
        return buffer[:size].reshape(shape)

    def complex_array(self, name: str, shape: tuple[int, ...]) -> NDArray[np.complex128]:
        return self.array(name, (*shape[:-1], 2 * shape[-1])).view(np.complex128)


_WORKSPACE = _Workspace()


def _local_pairs(
    plan: _Plan, padded: NDArray[np.float64], arena: NDArray[np.float64], space: _Workspace
) -> NDArray[np.complex128]:
    """Local rotations of the turned joints as unit quaternion pairs (z, u), shape (2, T, F).

    ``padded`` holds the channels (C + 1, F), a row of zeros last; it may lie in
    ``arena`` from row 5 of (T, F) on. ``arena`` has at least 9 rows of (T, F).
    """
    frames = padded.shape[1]
    turned = plan.turned
    rows = turned * frames
    tangents = arena[: 5 * rows].reshape(5, turned, frames)  # x y z x y
    half = tangents[:3]
    np.take(padded, plan.tangent_rows, axis=0, out=half.reshape(3 * turned, frames), mode="clip")
    half *= math.pi / 360.0
    np.tan(half, out=half)
    tangents[3:5] = tangents[0:2]
    # (ty tz, tz tx, tx ty, tx ty tz) times (σx, σy, σz, -ε), then plus (tx, ty, tz, 1):
    # the quaternion (x, y, z, w) before normalising.
    quaternion = arena[5 * rows : 9 * rows].reshape(4, turned, frames)
    np.multiply(tangents[1:4], tangents[2:5], out=quaternion[:3])
    np.multiply(tangents[0], quaternion[0], out=quaternion[3])
    quaternion *= plan.signs
    quaternion[:3] += half
    quaternion[3] += 1.0
    # 1 / |q| = 1 / sqrt((1 + tx²)(1 + ty²)(1 + tz²))
    np.multiply(half, half, out=half)
    half += 1.0
    scale = tangents[3]
    np.multiply.reduce(half, axis=0, out=scale)
    np.sqrt(scale, out=scale)
    np.divide(1.0, scale, out=scale)
    pairs = space.complex_array("pairs", (2, turned, frames))
    np.multiply(quaternion[3::-2], scale, out=pairs.real)  # w, y
    np.multiply(quaternion[0::2], scale, out=pairs.imag)  # x, z
    return pairs


def _world_pairs(
    plan: _Plan, pairs: NDArray[np.complex128], arena: NDArray[np.float64], space: _Workspace
) -> None:
    """Turn local quaternion pairs (2, T, F) into world ones in place, level by level."""
    turned, frames = pairs.shape[1:]
    rows = turned * frames
    swapped = arena[6 * rows : 10 * rows].view(np.complex128).reshape(2, turned, frames)
    np.multiply(pairs.real[::-1], _SWAP_REAL_SIGNS, out=swapped.real)  # -y, w
    np.multiply(pairs.imag[::-1], _SWAP_IMAG_SIGNS, out=swapped.imag)  # z, -x
    widest = 2 * plan.widest * frames
    gathered = space.complex_array("parents", (widest,))
    terms = space.complex_array("term", (widest,))
    for level in plan.levels:
        shape = (2, level.stop - level.start, frames)
        joints = pairs[:, level.start : level.stop]
        if isinstance(level.parents, slice):
            parent = pairs[:, level.parents]
        else:
            parent = np.take(
                pairs,
                level.parents,
                axis=1,
                out=gathered[: math.prod(shape)].reshape(shape),
                mode="clip",
            )
        term = terms[: math.prod(shape)].reshape(shape)
        np.multiply(parent[1:2], swapped[:, level.start : level.stop], out=term)
        np.multiply(parent[0:1], joints, out=joints)
        joints += term


def _quadratic_terms(
    pairs: NDArray[np.complex128], arena: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The terms :data:`_TERM_NAMES` of quaternion pairs (2, T, F), shape (10, T, F)."""
    turned, frames = pairs.shape[1:]
    terms = arena[: 10 * turned * frames].reshape(10, turned, frames)
    np.multiply(pairs.real, pairs.real, out=terms[0:2])  # ww, yy
    np.multiply(pairs.imag, pairs.imag, out=terms[2:4])  # xx, zz
    np.multiply(pairs.real, pairs.imag, out=terms[4:6])  # wx, yz
    np.multiply(pairs.real[0], pairs.real[1], out=terms[6])  # wy
    np.multiply(pairs.imag[0], pairs.imag[1], out=terms[7])  # xz
    np.multiply(pairs.real, pairs.imag[::-1], out=terms[8:10])  # wz, yx
    return terms


def _block(
    plan: _Plan, channels: NDArray[np.float64], rotations: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Positions (slots, 3, F) and, if asked, rotations (9, T, F) of one block of frames.

    The arrays live in this thread's workspace: read them before the next call.
    """
    frames, columns = channels.shape
    space = _WORKSPACE
    # Scratch shared by the stages: the channels (from row 5 of (T, F) on), then
    # the tangents (rows 0-4) and quaternions (5-8), then the swapped pairs (6-9),
    # then the quadratic terms (0-9).
    rows = plan.turned * frames
    arena = space.array(
        "arena", (max(10 * rows, 5 * rows + max(4 * rows, (columns + 1) * frames)),)
    )
    padded = arena[5 * rows : 5 * rows + (columns + 1) * frames].reshape(columns + 1, frames)
    padded[:columns] = channels.T
    padded[columns] = 0.0  # the angle of an axis a joint does not turn about
    positions = space.array("positions", (plan.slots, 3, frames))
    positions[: plan.roots] = plan.root_offsets
    positions[plan.root_slot, plan.root_axis] = padded[plan.root_column]
    if plan.moving_offsets.size:
        moving = space.array("moving", (plan.moving_offsets.shape[0], 3, frames))
        moving[...] = plan.moving_offsets
        moving[plan.moving_row, plan.moving_axis] = padded[plan.moving_column]
    if not plan.turned:
        return positions, None
    pairs = _local_pairs(plan, padded, arena, space)
    _world_pairs(plan, pairs, arena, space)
    terms = _quadratic_terms(pairs, arena)
    matrices = None
    if rotations:
        matrices = space.array("rotations", (9, plan.turned, frames))
        np.matmul(_TERMS_TO_MATRIX, terms.reshape(10, -1), out=matrices.reshape(9, -1))
    for family in plan.families:
        parent_terms = terms[:, family.parent_turned]
        parent_position = positions[family.parent_slot]
        if family.middle > family.start:
            placed = positions[family.start : family.middle]
            np.matmul(family.offset_terms, parent_terms, out=placed.reshape(-1, frames))
            placed += parent_position
        if family.stop > family.middle:
            if matrices is not None:
                matrix = matrices[:, family.parent_turned]
            else:
                matrix = _TERMS_TO_MATRIX @ parent_terms
            rows_moving = slice(family.moving_row, family.moving_row + family.stop - family.middle)
            placed = positions[family.middle : family.stop]
            np.einsum("ikf,nkf->nif", matrix.reshape(3, 3, frames), moving[rows_moving], out=placed)
            placed += parent_position
    return positions, matrices


def _copy_rows(
    rows: NDArray[np.float64], indices: NDArray[np.intp], out: NDArray[np.float64]
) -> None:
    """Write ``rows[indices]`` (R, F) transposed into ``out`` (F, ...) holding R values a frame."""
    size = indices.size * rows.shape[1]
    arena = _WORKSPACE.buffers.get("arena")  # free once _block has returned
    scratch = (
        arena if arena is not None and arena.size >= size else _WORKSPACE.array("taken", (size,))
    )
    taken = scratch[:size].reshape(indices.size, rows.shape[1])
    np.take(rows, indices, axis=0, out=taken, mode="clip")
    out.reshape(rows.shape[1], -1)[...] = taken.T


def forward_kinematics(
    skeleton: Skeleton,
    channels: NDArray[np.float64],
    *,
    rotations: bool = False,
    end_sites: bool = True,
) -> Kinematics:
    """Return world positions (and optionally orientations) for every frame.

    Parameters
    ----------
    skeleton : Skeleton
        The hierarchy and channel layout.
    channels : numpy.ndarray, shape (F, C)
        Channel values per frame, in the skeleton's column order (degrees for
        rotations, source units for positions).
    rotations : bool, keyword-only
        Also return world rotation matrices (F×J×3×3 doubles: 3× the memory of
        the positions).
    end_sites : bool, keyword-only
        Also place the end sites (otherwise ``end_positions`` has no columns).

    Returns
    -------
    Kinematics
        Positions in the channels' own units and axes.
    """
    values = np.asarray(channels, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != skeleton.channel_count:
        raise ValueError(
            f"channels have shape {values.shape}; expected (frames, {skeleton.channel_count})"
        )
    frames = values.shape[0]
    joints = len(skeleton.joints)
    if frames == 0:
        sites = len(skeleton.end_sites) if end_sites else 0
        return Kinematics(
            np.zeros((0, joints, 3)),
            np.zeros((0, sites, 3)),
            np.zeros((0, joints, 3, 3)) if rotations else None,
        )
    plan = _plan(skeleton, end_sites, rotations)
    positions = np.empty((frames, joints, 3))
    end_positions = np.empty((frames, plan.sites, 3))
    world_rotations = np.empty((frames, joints, 3, 3)) if rotations else None
    # Equal blocks of frames, each small enough for the CPU caches.
    blocks = max(1, -(-frames * plan.slots // _BLOCK_SLOT_FRAMES))
    block = max(1, -(-frames // blocks))
    for start in range(0, frames, block):
        stop = min(start + block, frames)
        size = stop - start
        placed, matrices = _block(plan, values[start:stop], rotations)
        # Joint-major rows make each copy out a plain 2-D transpose.
        rows = placed.reshape(-1, size)
        _copy_rows(rows, plan.joint_rows, positions[start:stop])
        if plan.sites:
            _copy_rows(rows, plan.site_rows, end_positions[start:stop])
        if world_rotations is not None and matrices is not None:
            _copy_rows(matrices.reshape(-1, size), plan.rotation_rows, world_rotations[start:stop])
    return Kinematics(positions, end_positions, world_rotations)
