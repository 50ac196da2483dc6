"""The built-in device simulator: a camera operator's handheld move, made up.

``previz demo`` records a camera live without any hardware: this module invents
what an operator holding a tracked phone would do — walk beside a performer,
keep them framed, breathe, wobble — and :mod:`previz.live.sender` sends it over
loopback as that phone (ZIG SIM's ARKit messages) to a real
:class:`~previz.live.session.LiveSession`. The shake is seeded, so every demo
run sends the same move.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from previz.core.camera_path import CameraPath, aim
from previz.core.take import Take

__all__ = ["handheld_follow"]

_EYE_HEIGHT_M = 1.5
_CHEST_ABOVE_HIPS_M = 0.35


def _smooth_noise(rng: np.random.Generator, times: NDArray[np.float64], hertz: float,
                  amplitude: float, columns: int) -> NDArray[np.float64]:
    """Band-limited noise: random values at ``hertz`` knots, cosine-interpolated."""
    knots = np.arange(times[0], times[-1] + 2.0 / hertz, 1.0 / hertz)
    values = rng.normal(0.0, amplitude, (knots.size, columns))
    index = np.clip(np.searchsorted(knots, times, side="right") - 1, 0, knots.size - 2)
    weight = (times - knots[index]) * hertz
    weight = 0.5 - 0.5 * np.cos(np.pi * np.clip(weight, 0.0, 1.0))
    return values[index] * (1.0 - weight[:, None]) + values[index + 1] * weight[:, None]


def handheld_follow(
    take: Take, start_s: float, seconds: float, *, rate_hz: float = 60.0,
    distance_m: float = 3.0, focal_mm: float = 40.0, seed: int = 7,
) -> CameraPath:
    """Return a handheld camera that follows a performer, as an operator would move it.

    The operator walks ``distance_m`` to the performer's right, at eye height,
    keeping the chest framed; on top come breathing (0.25 Hz bob), footfall
    bounce (about 1.8 Hz) and hand shake (band-limited, a few millimetres and
    a few tenths of a degree). Focus follows the performer.

    Parameters
    ----------
    take : Take
        The performer, placed on the stage.
    start_s, seconds : float
        Stage time (s from the sequence's first frame) and length of the move.
    rate_hz : float, keyword-only
        Samples per second (a phone's tracking rate).
    distance_m, focal_mm : float, keyword-only
        Camera-to-performer distance and the lens the operator has on.
    seed : int, keyword-only
        Seed of the shake.
    """
    rng = np.random.default_rng(seed)
    times = start_s + np.arange(round(seconds * rate_hz) + 1) / rate_hz
    hips = take.world_positions_at(times)[:, take.skeleton.index("Hips")]
    # Walk beside the performer: offset to their right of travel, lagging half a second.
    lagged = take.world_positions_at(np.maximum(times - 0.5, 0.0))[:, take.skeleton.index("Hips")]
    travel = hips[:, :2] - lagged[:, :2]
    travel /= np.maximum(np.linalg.norm(travel, axis=1, keepdims=True), 1e-6)
    right = np.column_stack([travel[:, 1], -travel[:, 0]])
    ground = hips[:, :2] + distance_m * right
    ground = _smooth_noise(rng, times, 0.7, 0.02, 2) + _smooth_trail(ground, rate_hz)
    bob = 0.012 * np.sin(2 * np.pi * 0.25 * (times - start_s)) \
        + 0.008 * np.abs(np.sin(np.pi * 1.8 * (times - start_s)))
    positions = np.column_stack([ground, _EYE_HEIGHT_M + bob])
    positions += _smooth_noise(rng, times, 6.0, 0.003, 3)
    chest = hips + np.array([0.0, 0.0, _CHEST_ABOVE_HIPS_M])
    pan_tilt = aim(positions, chest)
    shake = _smooth_noise(rng, times, 5.0, 0.35, 3)
    angles = np.column_stack([
        np.degrees(np.unwrap(np.radians(pan_tilt[:, 0]))) + shake[:, 0],
        pan_tilt[:, 1] + shake[:, 1],
        0.8 * shake[:, 2],
    ])
    return CameraPath.from_pan_tilt_roll(
        times - times[0], positions, angles,
        focal_mm=focal_mm, focus_m=np.linalg.norm(chest - positions, axis=1), f_stop=2.8,
        interpolation="linear", name="handheld",
    )


def _smooth_trail(points: NDArray[np.float64], rate_hz: float) -> NDArray[np.float64]:
    """An operator's path is smoother than the performer's sway: a 0.4 s moving average."""
    width = max(1, int(0.4 * rate_hz))
    kernel = np.ones(width) / width
    padded = np.pad(points, ((width, width), (0, 0)), mode="edge")
    smoothed = np.column_stack([np.convolve(padded[:, i], kernel, mode="same")
                                for i in range(points.shape[1])])
    return smoothed[width:-width]
