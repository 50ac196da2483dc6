"""Skeletons: joints, end sites and the channel layout that drives them.

A :class:`Skeleton` is the hierarchy of a motion-capture take: joints (BVH ``ROOT``
and ``JOINT`` entries) in file order, each with its parent, its rest offset from
that parent and the channels that animate it, plus the ``End Site`` leaves. Joints
are stored in topological order (a parent always comes before its children), the
order forward kinematics walks them in.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CHANNEL_NAMES",
    "EndSite",
    "Joint",
    "Skeleton",
    "describe_channel_layout",
]

#: The six channel names a BVH file may use, in canonical spelling.
CHANNEL_NAMES: tuple[str, ...] = (
    "Xposition",
    "Yposition",
    "Zposition",
    "Xrotation",
    "Yrotation",
    "Zrotation",
)

Vector3 = tuple[float, float, float]

_CHANNEL_SET = frozenset(CHANNEL_NAMES)
# A name a BVH file can hold and give back unchanged: words without braces, one
# space between them.
_WRITABLE_NAME = re.compile(r"[^\s{}]+(?: [^\s{}]+)*")


def _all_writable(names: list[str]) -> bool:
    """Whether every name surely matches :data:`_WRITABLE_NAME`, checked for all at once.

    Printable text has no whitespace but the plain space; then the names joined
    with newlines split into one word per space or newline only when no name is
    empty or has outer or doubled spaces. False also for printable-only oddities
    (zero-width or control characters), which the exact per-name check then judges.
    """
    joined = "\n".join(names)
    return (
        "".join(names).isprintable()
        and "{" not in joined
        and "}" not in joined
        and len(joined.split()) == joined.count(" ") + len(names)
    )


class Joint(NamedTuple):
    """One animated joint (an immutable record).

    Parameters
    ----------
    name : str
        Joint name as in the source file.
    parent : int
        Index of the parent joint, or -1 for a root.
    offset : tuple of 3 float
        Rest translation from the parent's origin, in source units and axes.
    channels : tuple of str
        The channels animating this joint, in file order (names from
        :data:`CHANNEL_NAMES`).
    """

    name: str
    parent: int
    offset: Vector3
    channels: tuple[str, ...]

    @property
    def rotation_axes(self) -> str:
        """Axis letters of the rotation channels in file order, e.g. ``"ZXY"``."""
        return "".join(c[0] for c in self.channels if c.endswith("rotation"))

    @property
    def position_axes(self) -> str:
        """Axis letters of the position channels in file order, e.g. ``"XYZ"``."""
        return "".join(c[0] for c in self.channels if c.endswith("position"))


class EndSite(NamedTuple):
    """A leaf marker (BVH ``End Site``) at a fixed offset from its parent joint.

    Parameters
    ----------
    parent : int
        Index of the joint it hangs from.
    offset : tuple of 3 float
        Translation from the parent's origin, in source units and axes.
    """

    parent: int
    offset: Vector3


def describe_channel_layout(channels: tuple[str, ...]) -> str:
    """Return a compact layout code: ``"6:PXYZ/RZYX"`` or ``"3:RZXY"``.

    Parameters
    ----------
    channels : tuple of str
        Channel names of one joint, in file order.

    Returns
    -------
    str
        Channel count, then ``P`` + position axes and ``R`` + rotation axes in the
        order the channels appear.
    """
    parts: list[str] = []
    for kind, letter in (("position", "P"), ("rotation", "R")):
        axes = "".join(c[0] for c in channels if c.endswith(kind))
        if axes:
            parts.append(letter + axes)
    if channels and channels[0].endswith("rotation") and len(parts) == 2:
        parts.reverse()
    return f"{len(channels)}:{'/'.join(parts) if parts else '-'}"


@dataclass(frozen=True)
class Skeleton:
    """A joint hierarchy with its channel layout.

    Parameters
    ----------
    joints : tuple of Joint
        Joints in topological (file) order.
    end_sites : tuple of EndSite
        End sites in file order.
    end_site_slots : tuple of int, optional
        For each end site, how many joints the file declared before it. Keeps the
        exact file order of joints and end sites for writing back; derived from the
        parents when omitted.

    Raises
    ------
    ValueError
        If a parent does not precede its child, a channel name is unknown, or a
        joint name repeats.
    """

    joints: tuple[Joint, ...]
    end_sites: tuple[EndSite, ...] = ()
    end_site_slots: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if not self.joints:
            raise ValueError("a skeleton needs at least one joint")
        names = [joint.name for joint in self.joints]
        if not _all_writable(names) or len(set(names)) != len(names):
            self._explain_names(names)
        for index, joint in enumerate(self.joints):
            if not -1 <= joint.parent < index:
                raise ValueError(
                    f"joint {joint.name!r} has parent index {joint.parent}; "
                    f"parents must come before their children"
                )
        for channels in {joint.channels for joint in self.joints}:
            if not _CHANNEL_SET.issuperset(channels) or len(set(channels)) != len(channels):
                self._explain_channels(channels)
        joint_count = len(self.joints)
        for site in self.end_sites:
            if not 0 <= site.parent < joint_count:
                raise ValueError(f"end site parent index {site.parent} is not a joint")
        if self.end_site_slots is None:
            object.__setattr__(
                self, "end_site_slots", tuple(site.parent + 1 for site in self.end_sites)
            )
        elif len(self.end_site_slots) != len(self.end_sites):
            raise ValueError("end_site_slots needs one entry per end site")
        reach: list[int] | None = None
        for site, slot in zip(self.end_sites, self.end_site_slots, strict=True):
            if slot == site.parent + 1:  # right after its parent: a leaf's End Site
                continue
            # Declared inside its parent's block: after the parent, and after only
            # joints that descend from it.
            reach = self._subtree_reach() if reach is None else reach
            if not site.parent < slot <= reach[site.parent] + 1:
                raise ValueError(
                    f"an end site of {self.joints[site.parent].name!r} cannot come after "
                    f"{slot} joints: it must follow its parent and the parent's own descendants"
                )

    def _explain_names(self, names: list[str]) -> None:
        """Raise for the first name that cannot be written or repeats (if any does)."""
        seen: set[str] = set()
        for name in names:
            if _WRITABLE_NAME.fullmatch(name) is None:
                raise ValueError(
                    f"joint name {name!r} cannot be written to a file: names need "
                    f"text, single spaces between words and no braces"
                )
            if name in seen:
                raise ValueError(f"joint name {name!r} is used twice")
            seen.add(name)

    def _explain_channels(self, channels: tuple[str, ...]) -> None:
        joint = next(j for j in self.joints if j.channels == channels)
        if not _CHANNEL_SET.issuperset(channels):
            unknown = next(c for c in channels if c not in _CHANNEL_SET)
            raise ValueError(
                f"joint {joint.name!r} has unknown channel {unknown!r}; "
                f"expected one of {', '.join(CHANNEL_NAMES)}"
            )
        twice = next(c for c in channels if channels.count(c) > 1)
        raise ValueError(f"joint {joint.name!r} lists channel {twice} twice")

    def _subtree_reach(self) -> list[int]:
        """For each joint p, the last index k such that joints p+1..k all descend from p.

        The joints still "open" (no non-descendant seen since them) form one
        ancestor chain of the latest joint, kept as a stack. In file order
        (depth first) a new joint's parent is on that stack, so each joint is
        pushed and popped once; other orders also walk one ancestor chain.
        """
        count = len(self.joints)
        reach = [count - 1] * count
        depth = [0] * count
        parents = [joint.parent for joint in self.joints]
        chain: list[int] = []
        for index, parent in enumerate(parents):
            if parent >= 0:
                depth[index] = depth[parent] + 1
            while chain and chain[-1] != parent:
                top = chain[-1]
                node = parent  # is ``top`` an ancestor of ``parent``?
                while node >= 0 and depth[node] > depth[top]:
                    node = parents[node]
                if node == top:
                    break
                reach[chain.pop()] = index - 1
            chain.append(index)
        return reach

    def __repr__(self) -> str:
        return (
            f"Skeleton({len(self.joints)} joints, {len(self.end_sites)} end sites, "
            f"{self.channel_count} channels, root {self.joints[0].name!r})"
        )

    # ----------------------------------------------------------------- arrays
    @cached_property
    def names(self) -> tuple[str, ...]:
        """Joint names in file order."""
        return tuple(j.name for j in self.joints)

    @cached_property
    def parents(self) -> NDArray[np.intp]:
        """Parent index of every joint (-1 for roots), shape (J,)."""
        return np.array([j.parent for j in self.joints], dtype=np.intp)

    @cached_property
    def offsets(self) -> NDArray[np.float64]:
        """Rest offsets of the joints, shape (J, 3), source units."""
        return np.array([j.offset for j in self.joints], dtype=np.float64).reshape(-1, 3)

    @cached_property
    def end_site_parents(self) -> NDArray[np.intp]:
        """Parent joint of every end site, shape (E,)."""
        return np.array([s.parent for s in self.end_sites], dtype=np.intp)

    @cached_property
    def end_site_offsets(self) -> NDArray[np.float64]:
        """Offsets of the end sites from their parents, shape (E, 3)."""
        return np.array([s.offset for s in self.end_sites], dtype=np.float64).reshape(-1, 3)

    @cached_property
    def end_site_names(self) -> tuple[str, ...]:
        """Display names for end sites: ``"<parent>_End"`` (numbered when repeated)."""
        counts = Counter(s.parent for s in self.end_sites)
        used: Counter[int] = Counter()
        names = []
        for site in self.end_sites:
            base = f"{self.joints[site.parent].name}_End"
            used[site.parent] += 1
            names.append(base if counts[site.parent] == 1 else f"{base}{used[site.parent]}")
        return tuple(names)

    @cached_property
    def channel_starts(self) -> NDArray[np.intp]:
        """Column of each joint's first channel in the channel array, shape (J,)."""
        counts = [len(j.channels) for j in self.joints]
        return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)

    @cached_property
    def channel_count(self) -> int:
        """Number of channels (values per frame)."""
        return sum(len(j.channels) for j in self.joints)

    @cached_property
    def channel_labels(self) -> tuple[str, ...]:
        """``"<joint>.<channel>"`` for every column of the channel array."""
        return tuple(f"{j.name}.{c}" for j in self.joints for c in j.channels)

    def index(self, name: str) -> int:
        """Return the index of the joint called ``name``.

        Raises
        ------
        KeyError
            If no joint has that name; the message lists a few valid names.
        """
        try:
            return self.names.index(name)
        except ValueError:
            sample = ", ".join(self.names[:6])
            raise KeyError(f"no joint named {name!r}; joints are {sample}, …") from None

    @cached_property
    def depths(self) -> NDArray[np.intp]:
        """Depth of each joint below its root (roots are 0), shape (J,)."""
        depth = np.zeros(len(self.joints), dtype=np.intp)
        for index, joint in enumerate(self.joints):
            if joint.parent >= 0:
                depth[index] = depth[joint.parent] + 1
        return depth

    # ------------------------------------------------------------- summaries
    def layout_summary(self) -> str:
        """Return the channel layouts with joint counts: ``"6:PXYZ/RZYX x1, 3:RZYX x30"``."""
        counts = Counter(describe_channel_layout(j.channels) for j in self.joints)
        return ", ".join(f"{layout} x{count}" for layout, count in counts.items())

    def _rest_axes(self) -> tuple[list[float], list[float], list[float]]:
        """Rest-pose X, Y and Z of the joints in order, then of the end sites.

        Offsets are summed down the tree; roots sit at their own offsets.
        """
        xs: list[float] = []
        ys: list[float] = []
        zs: list[float] = []
        for joint in self.joints:
            x, y, z = joint.offset
            parent = joint.parent
            if parent >= 0:
                x, y, z = x + xs[parent], y + ys[parent], z + zs[parent]
            xs.append(x)
            ys.append(y)
            zs.append(z)
        for site in self.end_sites:
            x, y, z = site.offset
            parent = site.parent
            xs.append(x + xs[parent])
            ys.append(y + ys[parent])
            zs.append(z + zs[parent])
        return xs, ys, zs

    def rest_positions(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return joint and end-site positions in the rest pose (offsets only).

        Returns
        -------
        joints : numpy.ndarray, shape (J, 3)
        end_sites : numpy.ndarray, shape (E, 3)
            Both in source units and axes, roots at their own offsets.
        """
        points = np.array(self._rest_axes(), dtype=np.float64).T.reshape(-1, 3)
        return points[: len(self.joints)], points[len(self.joints) :]

    def rest_bounds(self) -> tuple[Vector3, Vector3]:
        """Return the lowest and highest corner of the rest pose's box (joints and end sites)."""
        xs, ys, zs = self._rest_axes()
        return (min(xs), min(ys), min(zs)), (max(xs), max(ys), max(zs))

    def height(self, up_axis: int = 1) -> float:
        """Return the rest-pose extent along the up axis, in source units.

        Parameters
        ----------
        up_axis : int
            0, 1 or 2 for X, Y, Z; BVH is Y-up (1).

        Returns
        -------
        float
            Highest minus lowest joint or end site in the rest pose.
        """
        low, high = self.rest_bounds()
        return float(high[up_axis] - low[up_axis])
