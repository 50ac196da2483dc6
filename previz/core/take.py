"""Motion-capture takes: a skeleton, its channel curves, a rate and a placement.

A :class:`Take` keeps the channels exactly as the source stored them (source units,
source axes, degrees), so it can be written back unchanged. Where the performer
stands on the stage, how big they are and when they start is the
:class:`Placement`: scale to metres, the source's up axis, a position and heading on
the stage and a time offset. ``world_positions(raw=True)`` gives the file's own
numbers; ``raw=False`` the stage (Z up, metres).

Every editing method returns a new take; takes are never modified in place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from previz.core.kinematics import Kinematics, forward_kinematics
from previz.core.rotation import euler_to_quaternion, quaternion_to_euler, slerp
from previz.core.skeleton import Skeleton
from previz.core.stage import (
    LENGTH_UNITS,
    UnitGuess,
    check_up_axis,
    guess_length_unit,
    source_to_stage,
)
from previz.core.time import format_rate, parse_rate

__all__ = ["Placement", "Take", "rest_pose", "skeleton_height"]

FrameSelection = int | slice | ArrayLike | None

# A rest pose is upright when its up-axis extent is at least this share of its
# widest horizontal extent (a T-pose's arm span is about its height).
_UPRIGHT = 0.8


@dataclass(frozen=True)
class Placement:
    """Where and when a take plays on the stage.

    Parameters
    ----------
    scale : float
        Metres per source unit (0.01 for centimetres).
    up_axis : str
        The source's up axis, ``"y"`` (BVH) or ``"z"``.
    position : tuple of 3 float
        Stage position (metres) of the source origin, or of the first frame's root
        on the floor when ``recentre`` is set.
    heading : float
        Counter-clockwise turn about stage Z, degrees.
    recentre : bool
        Move the first frame's root, projected on the floor, to ``position``.
    time_offset : Fraction
        Stage time, in seconds, at which frame 0 plays.
    """

    scale: float = 1.0
    up_axis: str = "y"
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    heading: float = 0.0
    recentre: bool = False
    time_offset: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"placement scale must be a positive number, got {self.scale!r}")
        check_up_axis(self.up_axis)
        object.__setattr__(self, "position", tuple(float(v) for v in self.position))
        if type(self.time_offset) is not Fraction:
            object.__setattr__(self, "time_offset", Fraction(self.time_offset))

    @property
    def up_index(self) -> int:
        """Index (0, 1, 2) of the source's up axis."""
        return "xyz".index(self.up_axis.lower())


def _interpolation_weights(
    positions: NDArray[np.float64], frame_count: int, *, loop: bool
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Split fractional frame positions into neighbour indices and a weight."""
    if loop:
        wrapped = np.mod(positions, frame_count)
        wrapped[wrapped >= frame_count] = 0.0  # np.mod(-1e-17, n) rounds to n
        lower = np.floor(wrapped).astype(np.intp)
        upper = (lower + 1) % frame_count
        return lower, upper, wrapped - lower
    clipped = np.clip(positions, 0.0, frame_count - 1)
    lower = np.minimum(np.floor(clipped).astype(np.intp), max(frame_count - 2, 0))
    upper = np.minimum(lower + 1, frame_count - 1)
    return lower, upper, clipped - lower


def _nearest_equivalent_euler(
    angles: NDArray[np.float64], reference: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Pick, of the two Euler triples of each rotation, the one nearest ``reference``.

    A Tait-Bryan triple (a, b, c) and (a + 180, 180 - b, c + 180) are the same
    rotation. Each angle is also moved by whole turns towards the reference, so
    interpolated curves stay continuous with the source curves instead of jumping
    by 360°.
    """

    def unwrap(values: NDArray[np.float64]) -> NDArray[np.float64]:
        return values + 360.0 * np.round((reference - values) / 360.0)

    first = unwrap(angles)
    other = angles.copy()
    other[..., 0] += 180.0
    other[..., 1] = 180.0 - other[..., 1]
    other[..., 2] += 180.0
    second = unwrap(other)
    use_second = np.sum((second - reference) ** 2, axis=-1) < np.sum(
        (first - reference) ** 2, axis=-1
    )
    return np.where(use_second[..., None], second, first)


def rest_pose(skeleton: Skeleton, channels: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return one frame of channels holding a skeleton's rest pose, shape (1, C).

    Rotations are zero and position channels hold their joint's offset, except on
    non-root joints of a take with frames, which keep the first frame's values:
    files with 6-channel joints store the bone lengths there.

    Parameters
    ----------
    skeleton : Skeleton
    channels : numpy.ndarray, shape (F, C)
        The take's channels (only frame 0 is read).
    """
    pose = np.zeros((1, skeleton.channel_count))
    starts = skeleton.channel_starts
    for index, joint in enumerate(skeleton.joints):
        for k, channel in enumerate(joint.channels):
            if channel.endswith("position"):
                column = int(starts[index]) + k
                if joint.parent >= 0 and channels.shape[0] > 0:
                    pose[0, column] = channels[0, column]
                else:
                    pose[0, column] = joint.offset["XYZ".index(channel[0])]
    return pose


def skeleton_height(skeleton: Skeleton, channels: NDArray[np.float64], up_axis: int) -> float:
    """Return how tall a skeleton stands, in source units.

    The rest pose's extent along the up axis (see :func:`rest_pose`), unless that
    pose is not upright (narrower along the up axis than 0.8 times its widest
    horizontal extent: bones laid along X with rotations carrying the pose, as
    some exporters write); then the median extent over up to 64 frames of the
    performance.

    Parameters
    ----------
    skeleton : Skeleton
    channels : numpy.ndarray, shape (F, C)
    up_axis : int
        0, 1 or 2: the source's up axis.
    """
    frames = channels.shape[0]
    if frames and any(j.position_axes for j in skeleton.joints if j.parent >= 0):
        rest = forward_kinematics(skeleton, rest_pose(skeleton, channels))
        points = np.concatenate([rest.positions[0], rest.end_positions[0]])
        low, high = points.min(axis=0), points.max(axis=0)
    else:
        low, high = skeleton.rest_bounds()
    extents = [h - lo for lo, h in zip(low, high, strict=True)]
    across = max(extents[axis] for axis in range(3) if axis != up_axis)
    if extents[up_axis] >= _UPRIGHT * across or frames == 0:
        return float(extents[up_axis])
    sample = np.linspace(0, frames - 1, min(frames, 64)).astype(int)
    posed = forward_kinematics(skeleton, channels[sample])
    heights = np.concatenate([posed.positions, posed.end_positions], axis=1)[:, :, up_axis]
    return float(np.median(np.ptp(heights, axis=1)))


@dataclass(frozen=True, eq=False)
class Take:
    """A motion-capture take.

    Parameters
    ----------
    skeleton : Skeleton
        Joints, end sites and channel layout.
    channels : numpy.ndarray, shape (F, C)
        Channel values per frame in source units and degrees.
    rate : Fraction
        Frames per second.
    units : str
        Length unit of the source (a key of :data:`previz.core.stage.LENGTH_UNITS`)
        or ``"unknown"``.
    placement : Placement
        Where the take plays on the stage.
    name : str
        A label, usually the file stem.
    source : str or None
        The file it was read from.
    """

    skeleton: Skeleton
    channels: NDArray[np.float64]
    rate: Fraction
    units: str = "unknown"
    placement: Placement = field(default_factory=Placement)
    name: str = ""
    source: str | None = None

    def __post_init__(self) -> None:
        values = np.asarray(self.channels, dtype=np.float64)
        if values.ndim != 2 or values.shape[1] != self.skeleton.channel_count:
            raise ValueError(
                f"channels have shape {values.shape}; "
                f"expected (frames, {self.skeleton.channel_count})"
            )
        if values.size and not np.isfinite(values).all():
            frame, column = np.argwhere(~np.isfinite(values))[0]
            raise ValueError(
                f"channel {self.skeleton.channel_labels[column]} is {values[frame, column]} at "
                f"frame {frame}; channels must be finite"
            )
        object.__setattr__(self, "channels", values)
        object.__setattr__(self, "rate", parse_rate(self.rate))

    def __repr__(self) -> str:
        label = f"{self.name!r}, " if self.name else ""
        return (
            f"Take({label}{self.frame_count} frames at {format_rate(self.rate)} fps, "
            f"{len(self.skeleton.joints)} joints, units {self.units})"
        )

    # ------------------------------------------------------------ time facts
    @property
    def frame_count(self) -> int:
        """Number of frames."""
        return int(self.channels.shape[0])

    @property
    def duration(self) -> Fraction:
        """Length in seconds: frame count over rate (each frame lasts 1/rate)."""
        return self.frame_count / self.rate

    @property
    def frame_time(self) -> float:
        """Seconds per frame."""
        return float(1 / self.rate)

    # ------------------------------------------------------------ kinematics
    def forward_kinematics(
        self,
        frames: FrameSelection = None,
        *,
        raw: bool = False,
        rotations: bool = False,
        end_sites: bool = True,
    ) -> Kinematics:
        """Return world transforms of every joint and end site.

        Parameters
        ----------
        frames : int, slice, array_like of int, or None
            Frames to evaluate (all when None).
        raw : bool, keyword-only
            True: the file's own units and axes. False (default): stage metres,
            Z up, with this take's placement applied.
        rotations : bool, keyword-only
            Also return joint orientations.
        end_sites : bool, keyword-only
            Also place the end sites.

        Returns
        -------
        Kinematics
        """
        kinematics = forward_kinematics(
            self.skeleton, self._select(frames), rotations=rotations, end_sites=end_sites
        )
        return kinematics if raw else self._to_stage(kinematics)

    def world_positions(
        self, raw: bool = False, frames: FrameSelection = None
    ) -> NDArray[np.float64]:
        """Return joint positions, shape (F, J, 3), joints in file order.

        Parameters
        ----------
        raw : bool
            True: the file's own units and axes (what ``previz mocap positions
            --raw`` writes). False: stage metres, Z up, placed.
        frames : int, slice, array_like of int, or None
            Frames to evaluate (all when None).

        Returns
        -------
        numpy.ndarray
        """
        return self.forward_kinematics(frames, raw=raw, end_sites=False).positions

    def world_positions_at(
        self, stage_times: ArrayLike, *, loop: bool = False, raw: bool = False
    ) -> NDArray[np.float64]:
        """Return joint positions at stage times (seconds), interpolating between frames.

        Parameters
        ----------
        stage_times : array_like of float
            Seconds on the stage timeline (the placement's time offset applies).
        loop : bool, keyword-only
            Wrap around the take instead of holding its first/last frame.
        raw : bool, keyword-only
            The file's units and axes instead of stage metres.

        Returns
        -------
        numpy.ndarray, shape (N, J, 3)
        """
        channels = self.interpolate(self.frame_at(stage_times, loop=loop), loop=loop)
        kinematics = forward_kinematics(self.skeleton, channels, end_sites=False)
        return kinematics.positions if raw else self._to_stage(kinematics).positions

    def pose_at(self, stage_times: ArrayLike, *, loop: bool = False) -> Kinematics:
        """Return joint and end-site positions on the stage at stage times (seconds).

        Like :meth:`world_positions_at`, with the end sites placed too (what a
        stand-in needs to draw hands, feet and the top of the head).

        Parameters
        ----------
        stage_times : array_like of float
            Seconds on the stage timeline.
        loop : bool, keyword-only
            Wrap around the take instead of holding its first/last frame.

        Returns
        -------
        Kinematics
            Stage metres, Z up, placed.
        """
        channels = self.interpolate(self.frame_at(stage_times, loop=loop), loop=loop)
        return self._to_stage(forward_kinematics(self.skeleton, channels, end_sites=True))

    def stage_matrix(self) -> NDArray[np.float64]:
        """Return the 3×3 rotation from source axes to the stage (up axis and heading)."""
        return source_to_stage(self.placement.up_axis, self.placement.heading)

    def _select(self, frames: FrameSelection) -> NDArray[np.float64]:
        if frames is None:
            return self.channels
        if isinstance(frames, int | np.integer):
            return self.channels[[int(frames)]]
        return self.channels[frames]

    def _stage_origin(self) -> NDArray[np.float64]:
        """Source-space point that lands on ``placement.position``."""
        if not self.placement.recentre or self.frame_count == 0:
            return np.zeros(3)
        root = forward_kinematics(self.skeleton, self.channels[:1], end_sites=False)
        root = root.positions[0, 0].copy()
        root[self.placement.up_index] = 0.0
        return root

    def _to_stage(self, kinematics: Kinematics) -> Kinematics:
        matrix = self.stage_matrix()
        scale = self.placement.scale
        origin = self._stage_origin()
        offset = np.asarray(self.placement.position)

        def place(points: NDArray[np.float64]) -> NDArray[np.float64]:
            return ((points - origin) @ matrix.T) * scale + offset

        rotations = kinematics.rotations
        return Kinematics(
            place(kinematics.positions),
            place(kinematics.end_positions),
            None if rotations is None else np.matmul(matrix, rotations),
        )

    # ---------------------------------------------------------------- scale
    def rest_pose(self) -> NDArray[np.float64]:
        """Return one frame of channels holding the skeleton's rest pose, shape (1, C).

        See :func:`rest_pose`.
        """
        return rest_pose(self.skeleton, self.channels)

    def skeleton_height(self) -> float:
        """Return how tall the skeleton stands, in source units (see :func:`skeleton_height`)."""
        return skeleton_height(self.skeleton, self.channels, self.placement.up_index)

    def suggested_scale(self) -> UnitGuess:
        """Guess the source unit from the skeleton's height (see :func:`guess_length_unit`)."""
        return guess_length_unit(self.skeleton_height())

    # ------------------------------------------------------------- editing
    def with_placement(self, **changes: Any) -> Take:
        """Return a copy with some placement fields changed (see :class:`Placement`)."""
        return replace(self, placement=replace(self.placement, **changes))

    def trimmed(self, first: int | None = None, last: int | None = None) -> Take:
        """Return frames ``first`` to ``last`` inclusive (0-based).

        Parameters
        ----------
        first, last : int or None
            Inclusive frame range; None means the take's first or last frame.

        Raises
        ------
        ValueError
            If the range is empty or outside the take.
        """
        count = self.frame_count
        start = 0 if first is None else int(first)
        end = count - 1 if last is None else int(last)
        if not (0 <= start <= end < count):
            raise ValueError(
                f"frame range {start}-{end} is outside the take's frames 0-{count - 1}"
            )
        return replace(self, channels=self.channels[start : end + 1].copy())

    def looped(self, times: int, *, carry_root: bool = False) -> Take:
        """Return the motion played ``times`` times in a row.

        Parameters
        ----------
        times : int
            Number of repetitions (1 returns an equal take).
        carry_root : bool, keyword-only
            Shift root position channels on the floor plane by the take's travel at
            each repetition, so a walk cycle walks on instead of jumping back.
        """
        if times < 1:
            raise ValueError(f"loop count must be at least 1, got {times}")
        tiled = np.tile(self.channels, (times, 1))
        if carry_root and self.frame_count > 1:
            count = self.frame_count
            starts = self.skeleton.channel_starts
            for root in np.flatnonzero(self.skeleton.parents < 0):
                for k, channel in enumerate(self.skeleton.joints[root].channels):
                    axis = "XYZ".index(channel[0])
                    if not channel.endswith("position") or axis == self.placement.up_index:
                        continue
                    column = int(starts[root]) + k
                    travel = self.channels[-1, column] - self.channels[0, column]
                    tiled[:, column] += np.repeat(np.arange(times) * travel, count)
        return replace(self, channels=tiled)

    def rescaled(self, factor: float) -> Take:
        """Return the take with lengths multiplied by ``factor`` (offsets, position channels).

        The placement scale is divided by the same factor, so stage positions stay
        the same; the unit name follows when the factor converts between known units.
        """
        if not (math.isfinite(factor) and factor > 0):
            raise ValueError(f"scale factor must be a positive number, got {factor!r}")
        skeleton = self.skeleton
        joints = tuple(
            j._replace(offset=tuple(float(v) * factor for v in j.offset)) for j in skeleton.joints
        )
        sites = tuple(
            s._replace(offset=tuple(float(v) * factor for v in s.offset))
            for s in skeleton.end_sites
        )
        channels = self.channels.copy()
        position_columns = [
            int(skeleton.channel_starts[j]) + k
            for j, joint in enumerate(skeleton.joints)
            for k, channel in enumerate(joint.channels)
            if channel.endswith("position")
        ]
        channels[:, position_columns] *= factor
        units = "unknown"
        if self.units in LENGTH_UNITS:
            metres = LENGTH_UNITS[self.units] / factor
            units = next(
                (name for name, m in LENGTH_UNITS.items() if math.isclose(m, metres)), "unknown"
            )
        return replace(
            self,
            skeleton=Skeleton(joints, sites, skeleton.end_site_slots),
            channels=channels,
            units=units,
            placement=replace(self.placement, scale=self.placement.scale / factor),
        )

    def resampled(self, rate: Fraction | float | str) -> Take:
        """Return the take resampled to another frame rate over the same time span.

        Rotations are interpolated by slerp (joints with three rotation channels)
        or along the shorter arc per channel (fewer channels); positions linearly.
        The new frames sit at ``k / rate`` seconds, from 0 to the last source frame.

        Parameters
        ----------
        rate : Fraction, float or str
            The new rate (``24``, ``"24000/1001"``, …).
        """
        new_rate = parse_rate(rate)
        count = self.frame_count
        if count < 2 or new_rate == self.rate:
            return replace(self, rate=new_rate, channels=self.channels.copy())
        last_time = Fraction(count - 1) / self.rate
        new_count = math.floor(last_time * new_rate) + 1
        positions = np.arange(new_count) * float(self.rate / new_rate)
        return replace(self, rate=new_rate, channels=self.interpolate(positions))

    def interpolate(self, frames: ArrayLike, *, loop: bool = False) -> NDArray[np.float64]:
        """Return channel values at fractional frame positions.

        Parameters
        ----------
        frames : array_like of float
            Positions in frames (0 is the first frame).
        loop : bool, keyword-only
            Wrap positions around the take (the last frame is followed by the
            first); otherwise positions are clamped to the take.

        Returns
        -------
        numpy.ndarray, shape (N, C)
        """
        if self.frame_count == 0:
            raise ValueError("the take has no frames to interpolate")
        where = np.atleast_1d(np.asarray(frames, dtype=np.float64))
        lower, upper, weight = _interpolation_weights(where, self.frame_count, loop=loop)
        a = self.channels[lower]
        b = self.channels[upper]
        out = a + (b - a) * weight[:, None]
        starts = self.skeleton.channel_starts
        for index, joint in enumerate(self.skeleton.joints):
            columns = [
                int(starts[index]) + k
                for k, c in enumerate(joint.channels)
                if c.endswith("rotation")
            ]
            if not columns:
                continue
            out[:, columns] = self._interpolate_rotation(
                joint.rotation_axes, a[:, columns], b[:, columns], weight
            )
        return out

    @staticmethod
    def _interpolate_rotation(
        axes: str, a: NDArray[np.float64], b: NDArray[np.float64], weight: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        shortest = a + (((b - a + 180.0) % 360.0) - 180.0) * weight[:, None]
        if len(axes) < 3:  # one axis: exact; two: close enough between neighbours
            return shortest
        q = slerp(euler_to_quaternion(a, axes), euler_to_quaternion(b, axes), weight)
        return _nearest_equivalent_euler(quaternion_to_euler(q, axes), shortest)

    # ------------------------------------------------------------ timeline
    def frame_at(self, stage_time: ArrayLike, *, loop: bool = False) -> NDArray[np.float64]:
        """Return the fractional frame playing at stage times (seconds).

        Parameters
        ----------
        stage_time : array_like of float
            Seconds on the stage timeline.
        loop : bool, keyword-only
            Wrap around the take instead of holding its first/last frame.

        Returns
        -------
        numpy.ndarray of float
            Frame positions, ready for :meth:`interpolate`.
        """
        local = np.asarray(stage_time, dtype=np.float64) - float(self.placement.time_offset)
        position = local * float(self.rate)
        if loop:
            return np.mod(position, max(self.frame_count, 1))
        return np.clip(position, 0.0, max(self.frame_count - 1, 0))
