"""A built-in performer: a procedural walk on a 31-joint skeleton.

The demo, the tests and the benchmarks need motion capture that ships with
previz. This module makes it: a human skeleton (centimetres, Y up, facing +Z,
joint names in the common mocap style) walking a circle with a natural gait
(stride, knee and ankle flexion, arm swing, pelvis sway, head turns). Any length
and rate can be made, from a two-second clip to an hour at 120 fps.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from previz.core.kinematics import forward_kinematics
from previz.core.skeleton import EndSite, Joint, Skeleton
from previz.core.take import Placement, Take
from previz.core.time import parse_rate

__all__ = ["walk_skeleton", "walking_take"]

_ROOT_CHANNELS = (
    "Xposition", "Yposition", "Zposition", "Zrotation", "Yrotation", "Xrotation",
)
_JOINT_CHANNELS = ("Zrotation", "Yrotation", "Xrotation")

# Hip height of the rest pose above the floor (cm): the toes touch y = 0.
_HIP_HEIGHT = 95.0

# name, parent name, offset (cm, Y up, the performer faces +Z, their left is +X)
_BONES: tuple[tuple[str, str | None, tuple[float, float, float]], ...] = (
    ("Hips", None, (0.0, 0.0, 0.0)),
    ("LHipJoint", "Hips", (9.0, -6.0, 0.0)),
    ("LeftUpLeg", "LHipJoint", (0.0, -2.0, 0.0)),
    ("LeftLeg", "LeftUpLeg", (0.0, -42.0, 0.0)),
    ("LeftFoot", "LeftLeg", (0.0, -41.0, 0.0)),
    ("LeftToeBase", "LeftFoot", (0.0, -4.0, 13.0)),
    ("RHipJoint", "Hips", (-9.0, -6.0, 0.0)),
    ("RightUpLeg", "RHipJoint", (0.0, -2.0, 0.0)),
    ("RightLeg", "RightUpLeg", (0.0, -42.0, 0.0)),
    ("RightFoot", "RightLeg", (0.0, -41.0, 0.0)),
    ("RightToeBase", "RightFoot", (0.0, -4.0, 13.0)),
    ("LowerBack", "Hips", (0.0, 8.0, -1.0)),
    ("Spine", "LowerBack", (0.0, 10.0, 0.0)),
    ("Spine1", "Spine", (0.0, 10.0, 0.0)),
    ("Neck", "Spine1", (0.0, 18.0, 0.0)),
    ("Neck1", "Neck", (0.0, 7.0, 1.0)),
    ("Head", "Neck1", (0.0, 8.0, 0.0)),
    ("LeftShoulder", "Spine1", (3.0, 16.0, 0.0)),
    ("LeftArm", "LeftShoulder", (15.0, 0.0, 0.0)),
    ("LeftForeArm", "LeftArm", (28.0, 0.0, 0.0)),
    ("LeftHand", "LeftForeArm", (25.0, 0.0, 0.0)),
    ("LeftFingerBase", "LeftHand", (4.0, 0.0, 0.0)),
    ("LeftHandIndex1", "LeftFingerBase", (4.0, 0.0, 0.0)),
    ("LThumb", "LeftHand", (2.0, 0.0, 3.0)),
    ("RightShoulder", "Spine1", (-3.0, 16.0, 0.0)),
    ("RightArm", "RightShoulder", (-15.0, 0.0, 0.0)),
    ("RightForeArm", "RightArm", (-28.0, 0.0, 0.0)),
    ("RightHand", "RightForeArm", (-25.0, 0.0, 0.0)),
    ("RightFingerBase", "RightHand", (-4.0, 0.0, 0.0)),
    ("RightHandIndex1", "RightFingerBase", (-4.0, 0.0, 0.0)),
    ("RThumb", "RightHand", (-2.0, 0.0, 3.0)),
)

_END_SITES: tuple[tuple[str, tuple[float, float, float]], ...] = (
    ("LeftToeBase", (0.0, 0.0, 5.0)),
    ("RightToeBase", (0.0, 0.0, 5.0)),
    ("Head", (0.0, 17.0, 0.0)),
    ("LeftHandIndex1", (3.0, 0.0, 0.0)),
    ("LThumb", (3.0, 0.0, 2.0)),
    ("RightHandIndex1", (-3.0, 0.0, 0.0)),
    ("RThumb", (-3.0, 0.0, 2.0)),
)


def walk_skeleton() -> Skeleton:
    """Return the built-in 31-joint skeleton (1.73 m tall, centimetres, Y up).

    Returns
    -------
    Skeleton
        Root ``Hips`` with 6 channels (position, then Z-Y-X rotation), every other
        joint 3 rotation channels in Z-Y-X order; 7 end sites.
    """
    index = {name: i for i, (name, _, _) in enumerate(_BONES)}
    joints = tuple(
        Joint(
            name,
            -1 if parent is None else index[parent],
            offset,
            _ROOT_CHANNELS if parent is None else _JOINT_CHANNELS,
        )
        for name, parent, offset in _BONES
    )
    sites = tuple(EndSite(index[parent], offset) for parent, offset in _END_SITES)
    slots = tuple(index[parent] + 1 for parent, _ in _END_SITES)
    return Skeleton(joints, sites, slots)


def _gait_channels(skeleton: Skeleton, times: NDArray[np.float64]) -> NDArray[np.float64]:
    """Channel values of the walk at the given times (seconds)."""
    stride_period = 1.1  # seconds per two steps
    speed = 120.0  # cm/s along the path
    radius = 300.0  # cm: the performer walks a circle, turning left
    phase = 2.0 * np.pi * times / stride_period
    heading = speed * times / radius  # radians travelled round the circle
    channels = np.zeros((times.size, skeleton.channel_count))
    column = {
        label: i for i, label in enumerate(skeleton.channel_labels)
    }

    def put(joint: str, channel: str, values: NDArray[np.float64] | float) -> None:
        channels[:, column[f"{joint}.{channel}"]] = values

    put("Hips", "Xposition", radius * (1.0 - np.cos(heading)))
    put("Hips", "Zposition", radius * np.sin(heading))
    put("Hips", "Yposition", _HIP_HEIGHT)  # then lowered or raised onto the floor
    put("Hips", "Yrotation", np.degrees(heading) + 4.0 * np.sin(phase))
    put("Hips", "Zrotation", 3.0 * np.sin(phase))
    put("Hips", "Xrotation", 4.0)
    for side, shift in (("Left", 0.0), ("Right", np.pi)):
        leg = phase + shift
        put(f"{side}UpLeg", "Xrotation", -20.0 * np.sin(leg))
        put(f"{side}Leg", "Xrotation", 5.0 + 30.0 * np.clip(np.sin(leg - 1.2), 0.0, None) ** 2
            + 12.0 * (1.0 + np.cos(leg)) / 2.0)
        put(f"{side}Foot", "Xrotation", 8.0 * np.sin(leg - 0.5))
        put(f"{side}ToeBase", "Xrotation", 10.0 * np.clip(np.sin(leg + 2.0), 0.0, None))
        sign = 1.0 if side == "Left" else -1.0
        put(f"{side}Arm", "Zrotation", -sign * 75.0)
        put(f"{side}Arm", "Yrotation", sign * 18.0 * np.sin(leg))  # opposite the leg
        put(f"{side}ForeArm", "Yrotation", -sign * (15.0 + 10.0 * (1.0 + np.sin(leg)) / 2.0))
        put(f"{side}Hand", "Xrotation", 5.0 * np.sin(leg))
        put(f"{side}FingerBase", "Zrotation", -sign * 10.0)
        put(f"{side}HandIndex1", "Zrotation", -sign * 15.0)
    put("LowerBack", "Yrotation", -3.0 * np.sin(phase))
    put("Spine", "Yrotation", -3.0 * np.sin(phase))
    put("Spine1", "Xrotation", 2.0 + 1.0 * np.cos(2.0 * phase))
    put("Neck", "Xrotation", -4.0)
    put("Head", "Yrotation", 20.0 * np.sin(2.0 * np.pi * times / 7.0))
    put("Head", "Xrotation", 3.0 * np.sin(2.0 * np.pi * times / 5.0))
    return channels


def _plant_feet(skeleton: Skeleton, channels: NDArray[np.float64]) -> None:
    """Set the root height of every frame so the lowest foot point touches y = 0."""
    kinematics = forward_kinematics(skeleton, channels)
    feet = [skeleton.index(name) for name in ("LeftFoot", "RightFoot", "LeftToeBase",
                                               "RightToeBase")]
    toes = [i for i, site in enumerate(skeleton.end_sites) if site.parent in feet]
    lowest = np.minimum(
        kinematics.positions[:, feet, 1].min(axis=1),
        kinematics.end_positions[:, toes, 1].min(axis=1),
    )
    channels[:, skeleton.channel_labels.index("Hips.Yposition")] -= lowest


def walking_take(
    seconds: float = 10.0, rate: Fraction | float | str = 120, *, name: str = "walk"
) -> Take:
    """Return the built-in walking performer.

    Parameters
    ----------
    seconds : float
        Length of the take (rounded down to whole frames, at least one frame).
    rate : Fraction, float or str
        Frames per second.
    name : str, keyword-only
        Label of the take.

    Returns
    -------
    Take
        Centimetres, Y up, placed at metre scale; frame ``k`` is at ``k / rate``
        seconds. The walk circles 3 m to the performer's left at 1.2 m/s.
    """
    frame_rate = parse_rate(rate)
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"take length must be a positive number of seconds, got {seconds!r}")
    count = max(1, math.floor(Fraction(repr(float(seconds))) * frame_rate))
    skeleton = walk_skeleton()
    times = np.arange(count) / float(frame_rate)
    channels = _gait_channels(skeleton, times)
    _plant_feet(skeleton, channels)
    return Take(
        skeleton=skeleton,
        channels=channels,
        rate=frame_rate,
        units="cm",
        placement=Placement(scale=0.01, up_axis="y"),
        name=name,
    )
