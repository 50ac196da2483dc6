"""Forward kinematics for every frame of a take at once.

A joint's local transform is its offset (position channels replace the matching
offset components, as Blender, pybvh and bvhio do) and the product of its rotation
channels in file order. World transforms are built down the hierarchy one *step*
at a time (the joints of one depth that share an axis sequence), so the Python
loop runs once per step, never per joint or per frame.

Layout: inside a block of frames, rotations are held as (3, 3, J, F) and
positions as (3, J, F), joints stored step by step. Every matrix element of a
step is then one contiguous (L, F) slab, so each numpy call works on a whole
step. A child's world rotation starts as its parent's and is right-multiplied by
its axis rotations in turn, each of which mixes just two columns.

When end sites are not wanted, joints without child joints are only placed,
never rotated: their rotation would turn nothing.
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

# Joint-frames per block: each working array (one matrix element for every joint
# and frame of a step) then stays within the CPU caches.
_BLOCK_JOINT_FRAMES = 1 << 16

# Right-multiplying by a rotation about an axis mixes two columns of a matrix:
# R @ Rx(t) sets c1 <- c1 cos + c2 sin and c2 <- c2 cos - c1 sin (and cyclically).
_MIXED_COLUMNS = {"X": (1, 2), "Y": (2, 0), "Z": (0, 1)}


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
class _Step:
    """Joints composed together, stored at ``[start, stop)`` of the block arrays."""

    start: int
    stop: int
    # Storage indices of the parents (None for roots): a slice when they are one
    # joint (broadcast to every member) or a run matching the members one to one.
    parents: slice | NDArray[np.intp] | None
    axes: str  # rotation axis letters shared by the members
    angle_start: int  # rows [angle_start + k*L, +L) hold the angles of axis k


@dataclass(frozen=True, eq=False)
class _Plan:
    """Index arrays that turn a block of channels into world transforms."""

    steps: tuple[_Step, ...]
    storage: NDArray[np.intp]  # storage index of each joint (skeleton order)
    widest: int  # most joints in one step
    angle_columns: NDArray[np.intp]  # channel column of each angle row
    offsets: NDArray[np.float64]  # (3, J, 1) rest offsets, storage order
    position_slot: NDArray[np.intp]  # storage index of each position channel
    position_axis: NDArray[np.intp]
    position_column: NDArray[np.intp]
    end_site_parents: NDArray[np.intp]  # storage indices
    end_site_offsets: NDArray[np.float64]  # (3, E, 1)


def _steps_in_order(skeleton: Skeleton, turned: list[bool]) -> list[list[int]]:
    """Group joints by depth, then by rotation axis sequence (``""`` if not turned)."""
    groups: list[list[int]] = []
    for depth in range(int(skeleton.depths.max()) + 1):
        by_axes: dict[str, list[int]] = {}
        for index in np.flatnonzero(skeleton.depths == depth):
            axes = skeleton.joints[index].rotation_axes if turned[index] else ""
            by_axes.setdefault(axes, []).append(int(index))
        groups.extend(by_axes.values())
    return groups


def _parent_reference(parents: NDArray[np.intp]) -> slice | NDArray[np.intp]:
    """A slice for one shared parent or a consecutive run, else the index array."""
    first = int(parents[0])
    if np.all(parents == first):
        return slice(first, first + 1)
    if np.array_equal(parents, np.arange(first, first + parents.size)):
        return slice(first, first + parents.size)
    return parents


@lru_cache(maxsize=64)
def _plan(skeleton: Skeleton, end_sites: bool, rotations: bool) -> _Plan:
    # Unless rotations are wanted, a joint's matters only if something hangs from it.
    turned = [rotations] * len(skeleton.joints)
    for joint in skeleton.joints:
        if joint.parent >= 0:
            turned[joint.parent] = True
    if end_sites:
        for site in skeleton.end_sites:
            turned[site.parent] = True
    groups = _steps_in_order(skeleton, turned)
    order = [joint for group in groups for joint in group]
    storage = np.empty(len(order), dtype=np.intp)
    storage[order] = np.arange(len(order))
    starts = skeleton.channel_starts

    def rotation_column(joint: int, k: int) -> int:
        channels = skeleton.joints[joint].channels
        local = [i for i, c in enumerate(channels) if c.endswith("rotation")][k]
        return int(starts[joint]) + local

    steps: list[_Step] = []
    angle_columns: list[int] = []
    position = 0
    for group in groups:
        axes = skeleton.joints[group[0]].rotation_axes if turned[group[0]] else ""
        parents = skeleton.parents[group]
        steps.append(
            _Step(
                start=position,
                stop=position + len(group),
                parents=None if parents[0] < 0 else _parent_reference(storage[parents]),
                axes=axes,
                angle_start=len(angle_columns),
            )
        )
        for k in range(len(axes)):
            angle_columns.extend(rotation_column(joint, k) for joint in group)
        position += len(group)

    slots, axes_of, columns = [], [], []
    for joint_index, joint in enumerate(skeleton.joints):
        for k, channel in enumerate(joint.channels):
            if channel.endswith("position"):
                slots.append(storage[joint_index])
                axes_of.append("XYZ".index(channel[0]))
                columns.append(int(starts[joint_index]) + k)
    return _Plan(
        steps=tuple(steps),
        storage=storage,
        widest=max(len(group) for group in groups),
        angle_columns=np.array(angle_columns, dtype=np.intp),
        offsets=skeleton.offsets[order].T[:, :, None].copy(),
        position_slot=np.array(slots, dtype=np.intp),
        position_axis=np.array(axes_of, dtype=np.intp),
        position_column=np.array(columns, dtype=np.intp),
        end_site_parents=storage[skeleton.end_site_parents] if end_sites else storage[:0],
        end_site_offsets=skeleton.end_site_offsets.T[:, :, None].copy(),
    )


def _turn(
    rotation: NDArray[np.float64],
    axis: str,
    cos: NDArray[np.float64],
    sin: NDArray[np.float64],
    scratch: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> None:
    """Right-multiply (3, 3, L, F) rotations in place by rotations about one axis."""
    first, second = _MIXED_COLUMNS[axis]
    a = rotation[:, first]
    b = rotation[:, second]
    a_sin, b_sin = scratch
    np.multiply(a, sin, out=a_sin)
    np.multiply(b, sin, out=b_sin)
    a *= cos
    a += b_sin
    b *= cos
    b -= a_sin


def _turn_from(
    rotation: NDArray[np.float64],
    parent: NDArray[np.float64],
    axis: str,
    cos: NDArray[np.float64],
    sin: NDArray[np.float64],
    scratch: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> None:
    """Write ``parent`` right-multiplied by rotations about one axis into ``rotation``."""
    first, second = _MIXED_COLUMNS[axis]
    kept = 3 - first - second
    term = scratch[0]
    np.multiply(parent[:, first], cos, out=rotation[:, first])
    np.multiply(parent[:, second], sin, out=term)
    rotation[:, first] += term
    np.multiply(parent[:, second], cos, out=rotation[:, second])
    np.multiply(parent[:, first], sin, out=term)
    rotation[:, second] -= term
    rotation[:, kept] = parent[:, kept]


def _rotated(
    rotation: NDArray[np.float64],
    vector: NDArray[np.float64],
    scratch: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> None:
    """Write ``rotation @ vector`` into ``scratch[0]`` ((3, 3, L|1, F) by (3, L, F|1))."""
    total, term = scratch
    np.multiply(rotation[:, 0], vector[0], out=total)
    np.multiply(rotation[:, 1], vector[1], out=term)
    total += term
    np.multiply(rotation[:, 2], vector[2], out=term)
    total += term


class _Workspace(threading.local):
    """Arrays reused from block to block and call to call (one set per thread).

    Fresh multi-megabyte temporaries cost page faults on every use (the allocator
    hands large blocks back to the system); reusing them made forward
    kinematics of a typical take about a third faster. A thread keeps a few
    megabytes (bounded by the block size).
    """

    def __init__(self) -> None:
        self.buffers: dict[str, NDArray[np.float64]] = {}

    def array(self, name: str, shape: tuple[int, ...]) -> NDArray[np.float64]:
        size = math.prod(shape)
        buffer = self.buffers.get(name)
        if buffer is None or buffer.size < size:
            buffer = self.buffers[name] = np.empty(size)
        return buffer[:size].reshape(shape)


_WORKSPACE = _Workspace()


def _block(
    plan: _Plan, channels: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """World rotations (3, 3, J, F), positions (3, J, F) and end sites (3, E, F), storage order.

    The arrays live in this thread's workspace: read them before the next call.
    """
    frames = channels.shape[0]
    joints = plan.storage.size
    angles = plan.angle_columns.size
    space = _WORKSPACE
    by_channel = space.array("channels", (channels.shape[1], frames))
    by_channel[...] = channels.T
    radians = space.array("radians", (angles, frames))
    np.take(by_channel, plan.angle_columns, axis=0, out=radians, mode="clip")
    np.deg2rad(radians, out=radians)
    cos = np.cos(radians, out=space.array("cos", radians.shape))
    sin = np.sin(radians, out=space.array("sin", radians.shape))
    local = space.array("local", (3, joints, frames))
    local[...] = plan.offsets
    if plan.position_slot.size:
        local[plan.position_axis, plan.position_slot] = by_channel[plan.position_column]

    world_rot = space.array("rotations", (3, 3, joints, frames))
    world_pos = space.array("positions", (3, joints, frames))
    buffers = (
        space.array("scratch0", (3, plan.widest, frames)),
        space.array("scratch1", (3, plan.widest, frames)),
    )
    for step in plan.steps:
        width = step.stop - step.start
        scratch = (buffers[0][:, :width], buffers[1][:, :width])
        rotation = world_rot[:, :, step.start : step.stop]
        position = world_pos[:, step.start : step.stop]
        turns = [
            (axis, cos[rows], sin[rows])
            for k, axis in enumerate(step.axes)
            for rows in [slice(step.angle_start + k * width, step.angle_start + (k + 1) * width)]
        ]
        if step.parents is None:
            rotation[...] = np.eye(3)[:, :, None, None]
            position[...] = local[:, step.start : step.stop]
        else:
            if isinstance(step.parents, slice):
                parent_rot = world_rot[:, :, step.parents]
                parent_pos = world_pos[:, step.parents]
            else:
                parent_rot = np.take(world_rot, step.parents, axis=2)
                parent_pos = np.take(world_pos, step.parents, axis=1)
            _rotated(parent_rot, local[:, step.start : step.stop], scratch)
            np.add(parent_pos, scratch[0], out=position)
            if turns:
                _turn_from(rotation, parent_rot, *turns.pop(0), scratch)
            else:
                rotation[...] = parent_rot
        for axis, cos_k, sin_k in turns:
            _turn(rotation, axis, cos_k, sin_k, scratch)

    site_parents = plan.end_site_parents
    end_pos = np.take(world_pos, site_parents, axis=1)
    if site_parents.size:
        parent_rot = np.take(world_rot, site_parents, axis=2)
        shape = (3, site_parents.size, frames)
        scratch = (np.empty(shape), np.empty(shape))
        _rotated(parent_rot, plan.end_site_offsets, scratch)
        end_pos += scratch[0]
    return world_rot, world_pos, end_pos


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
        sites = len(skeleton.end_sites) if end_sites or rotations else 0
        return Kinematics(
            np.zeros((0, joints, 3)),
            np.zeros((0, sites, 3)),
            np.zeros((0, joints, 3, 3)) if rotations else None,
        )
    plan = _plan(skeleton, end_sites, rotations)
    positions = np.empty((frames, joints, 3))
    end_positions = np.empty((frames, plan.end_site_parents.size, 3))
    world_rotations = np.empty((frames, joints, 3, 3)) if rotations else None

    def run(start: int, stop: int) -> None:
        rot, pos, end = _block(plan, values[start:stop])
        ordered = _WORKSPACE.array("ordered", pos.shape)
        np.take(pos, plan.storage, axis=1, out=ordered, mode="clip")
        positions[start:stop] = ordered.transpose(2, 1, 0)
        end_positions[start:stop] = end.transpose(2, 1, 0)
        if world_rotations is not None:
            world_rotations[start:stop] = np.take(rot, plan.storage, axis=2).transpose(3, 2, 0, 1)

    # Equal blocks of frames, each small enough for the CPU caches.
    blocks = max(1, -(-frames * joints // _BLOCK_JOINT_FRAMES))
    block = max(1, -(-frames // blocks))
    for start in range(0, frames, block):
        run(start, min(start + block, frames))
    return Kinematics(positions, end_positions, world_rotations)
