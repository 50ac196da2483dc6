"""Fly and walk navigation for the scouting camera: pure functions, no Qt, no VTK.

The camera's state is a :class:`NavState`: a :class:`Pose` (stage position,
pan/tilt/roll degrees, stage conventions) plus the navigation mode and the
walk mode's eye height. The desktop tool turns held keys and mouse drags into
calls of :func:`step` and :func:`look`, which return the next state:

- **fly**: forward/back along the view direction (tilt included), strafe
  along the horizontal right, up/down along stage Z;
- **walk**: forward/back and strafe stay horizontal and the camera's height is
  held at the eye height; up/down raise or lower the eye height instead.

Moving in two directions at once is not faster than in one (the direction is
normalised). Pan 0 looks along +Y and grows counter-clockwise seen from above;
tilt is positive looking up, kept within ±:data:`MAX_TILT_DEG`; positive roll
turns the camera clockwise as the operator sees it (its right side goes down).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

__all__ = [
    "DEFAULT_EYE_HEIGHT_M",
    "FLY",
    "MAX_TILT_DEG",
    "MIN_EYE_HEIGHT_M",
    "MOVES",
    "WALK",
    "NavSettings",
    "NavState",
    "Pose",
    "degrees_per_pixel",
    "horizontal_axes",
    "look",
    "set_mode",
    "step",
    "view_direction",
    "with_pose",
    "wrap_degrees",
]

#: Navigation modes.
FLY = "fly"
WALK = "walk"

#: Camera height of walk mode unless chosen otherwise, metres.
DEFAULT_EYE_HEIGHT_M = 1.6
#: Lowest eye height walk mode allows, metres.
MIN_EYE_HEIGHT_M = 0.05
#: Tilt is kept within ± this many degrees (straight up or down has no defined pan).
MAX_TILT_DEG = 89.0

#: Names of the held inputs :func:`step` understands.
MOVES = ("forward", "back", "left", "right", "up", "down", "roll_left", "roll_right",
         "fast", "slow")


def wrap_degrees(angle: float) -> float:
    """Return ``angle`` wrapped to the interval (-180, 180]."""
    wrapped = math.fmod(float(angle), 360.0)
    if wrapped <= -180.0:
        wrapped += 360.0
    elif wrapped > 180.0:
        wrapped -= 360.0
    return wrapped + 0.0  # no -0.0


@dataclass(frozen=True)
class Pose:
    """Where the camera is and which way it looks.

    Parameters
    ----------
    position : tuple of 3 float
        Stage metres, Z up.
    pan, tilt, roll : float
        Degrees, intrinsic Z-X-Y (stage conventions).
    """

    position: tuple[float, float, float] = (0.0, 0.0, DEFAULT_EYE_HEIGHT_M)
    pan: float = 0.0
    tilt: float = 0.0
    roll: float = 0.0

    def __post_init__(self) -> None:
        position = tuple(float(v) for v in self.position)
        if len(position) != 3 or not all(math.isfinite(v) for v in position):
            raise ValueError(f"pose position must be 3 finite numbers, got {self.position!r}")
        angles = (float(self.pan), float(self.tilt), float(self.roll))
        if not all(math.isfinite(v) for v in angles):
            raise ValueError(f"pan, tilt and roll must be finite, got {angles!r}")
        object.__setattr__(self, "position", position)
        object.__setattr__(self, "pan", wrap_degrees(angles[0]))
        object.__setattr__(self, "tilt", min(MAX_TILT_DEG, max(-MAX_TILT_DEG, angles[1])))
        object.__setattr__(self, "roll", wrap_degrees(angles[2]))

    @property
    def pan_tilt_roll(self) -> tuple[float, float, float]:
        """Pan, tilt and roll, degrees."""
        return (self.pan, self.tilt, self.roll)


@dataclass(frozen=True)
class NavSettings:
    """How fast the camera moves and turns.

    Parameters
    ----------
    speed_m_s : float
        Travel speed, metres per second.
    fast_factor, slow_factor : float
        Speed multipliers while ``fast`` (Shift) or ``slow`` is held.
    roll_deg_s : float
        Roll rate while a roll key is held, degrees per second.
    eye_speed_factor : float
        In walk mode, up/down change the eye height at this fraction of the speed.
    """

    speed_m_s: float = 1.5
    fast_factor: float = 4.0
    slow_factor: float = 0.25
    roll_deg_s: float = 30.0
    eye_speed_factor: float = 0.5

    def __post_init__(self) -> None:
        for name in ("speed_m_s", "fast_factor", "slow_factor", "roll_deg_s",
                     "eye_speed_factor"):
            value = float(getattr(self, name))
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")


@dataclass(frozen=True)
class NavState:
    """The navigating camera: its pose, the mode and the walk mode's eye height.

    In walk mode the pose's height always equals ``eye_height_m``.
    """

    pose: Pose = Pose()
    mode: str = FLY
    eye_height_m: float = DEFAULT_EYE_HEIGHT_M

    def __post_init__(self) -> None:
        if self.mode not in (FLY, WALK):
            raise ValueError(f"navigation mode must be {FLY!r} or {WALK!r}, got {self.mode!r}")
        eye = float(self.eye_height_m)
        if not (math.isfinite(eye) and eye >= MIN_EYE_HEIGHT_M):
            raise ValueError(f"eye height must be at least {MIN_EYE_HEIGHT_M} m, got {eye!r}")
        object.__setattr__(self, "eye_height_m", eye)
        if self.mode == WALK and self.pose.position[2] != eye:
            x, y, _z = self.pose.position
            object.__setattr__(self, "pose", replace(self.pose, position=(x, y, eye)))


def horizontal_axes(pan: float) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Return the horizontal forward and right unit vectors of a camera panned ``pan`` degrees."""
    radians = math.radians(pan)
    sine, cosine = math.sin(radians), math.cos(radians)
    return (-sine, cosine, 0.0), (cosine, sine, 0.0)


def view_direction(pan: float, tilt: float) -> tuple[float, float, float]:
    """Return the unit view direction of a camera at ``pan`` and ``tilt`` degrees."""
    pan_r, tilt_r = math.radians(pan), math.radians(tilt)
    flat = math.cos(tilt_r)
    return (-math.sin(pan_r) * flat, math.cos(pan_r) * flat, math.sin(tilt_r))


def _axis(held: frozenset[str], positive: str, negative: str) -> float:
    return float(positive in held) - float(negative in held)


def step(state: NavState, held: Iterable[str], dt: float,
         settings: NavSettings | None = None) -> NavState:
    """Advance the camera by ``dt`` seconds with these inputs held.

    Parameters
    ----------
    state : NavState
        The camera now.
    held : iterable of str
        Names from :data:`MOVES` (unknown names are ignored).
    dt : float
        Seconds since the last step (negative or non-finite values move nothing).
    settings : NavSettings, optional
        Speeds (default :class:`NavSettings`).

    Returns
    -------
    NavState
        The same object when nothing moved.
    """
    keys = frozenset(held)
    settings = settings or NavSettings()
    if not (math.isfinite(dt) and dt > 0):
        return state
    speed = settings.speed_m_s
    if "fast" in keys:
        speed *= settings.fast_factor
    if "slow" in keys:
        speed *= settings.slow_factor
    ahead = _axis(keys, "forward", "back")
    aside = _axis(keys, "right", "left")
    rise = _axis(keys, "up", "down")
    turn = _axis(keys, "roll_right", "roll_left")
    if not (ahead or aside or rise or turn):
        return state
    pose = state.pose
    forward_h, right_h = horizontal_axes(pose.pan)
    forward = forward_h if state.mode == WALK else view_direction(pose.pan, pose.tilt)
    lift = 0.0 if state.mode == WALK else rise
    direction = [ahead * f + aside * r for f, r in zip(forward, right_h, strict=True)]
    direction[2] += lift
    length = math.sqrt(sum(v * v for v in direction))
    x, y, z = pose.position
    if length > 1e-12:
        scale = speed * dt / length
        x, y, z = x + direction[0] * scale, y + direction[1] * scale, z + direction[2] * scale
    eye = state.eye_height_m
    if state.mode == WALK:
        eye = max(MIN_EYE_HEIGHT_M, eye + rise * speed * settings.eye_speed_factor * dt)
        z = eye
    roll = pose.roll + turn * settings.roll_deg_s * dt
    return NavState(Pose((x, y, z), pose.pan, pose.tilt, roll), state.mode, eye)


def degrees_per_pixel(vertical_fov_deg: float, viewport_height_px: int, gain: float = 1.0) -> float:
    """Look sensitivity: with gain 1 a drag turns the view by the angle the cursor crossed.

    So a drag feels the same with a wide lens as with a long one.
    """
    return gain * float(vertical_fov_deg) / max(1, int(viewport_height_px))


def look(state: NavState, dx_px: float, dy_px: float, deg_per_px: float) -> NavState:
    """Turn the camera by a mouse drag: right pans right, up tilts up.

    Parameters
    ----------
    state : NavState
    dx_px, dy_px : float
        Cursor movement in pixels (x to the right, y down, as Qt reports it).
    deg_per_px : float
        Degrees per pixel (see :func:`degrees_per_pixel`).
    """
    if not (dx_px or dy_px):
        return state
    pose = state.pose
    turned = Pose(pose.position, pose.pan - dx_px * deg_per_px, pose.tilt - dy_px * deg_per_px,
                  pose.roll)
    return replace(state, pose=turned)


def set_mode(state: NavState, mode: str, *, eye_height_m: float | None = None) -> NavState:
    """Switch between fly and walk mode (walk drops or lifts the camera to the eye height)."""
    eye = state.eye_height_m if eye_height_m is None else eye_height_m
    return NavState(state.pose, mode, eye)


def with_pose(state: NavState, pose: Pose) -> NavState:
    """Jump to a pose (a mark); in walk mode the eye height becomes the pose's height."""
    if state.mode == WALK:
        return NavState(pose, WALK, max(MIN_EYE_HEIGHT_M, pose.position[2]))
    return replace(state, pose=pose)
