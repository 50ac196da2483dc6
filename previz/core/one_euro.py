"""The One Euro filter: an adaptive low-pass filter for live tracking samples.

Casiez, Roussel and Vogel (CHI 2012) smooth a noisy signal with a first-order
low-pass filter whose cutoff rises with the speed of the signal, so a still
camera does not jitter and a moving one does not lag much. For a sample ``x_i``
at time ``t_i``, with ``dt = t_i - t_(i-1)`` and the previous output ``y_(i-1)``:

- smoothing factor of a low-pass with cutoff ``fc``:
  ``alpha(fc) = 1 / (1 + tau / dt)`` with ``tau = 1 / (2 pi fc)``;
- derivative, as in the paper's algorithm, taken against the previous *output*:
  ``d_i = (x_i - y_(i-1)) / dt``;
- filtered derivative: ``e_i = e_(i-1) + alpha(d_cutoff) (d_i - e_(i-1))``,
  with ``e = 0`` at the first sample;
- cutoff: ``fc_i = min_cutoff + beta |e_i|``;
- output: ``y_i = y_(i-1) + alpha(fc_i) (x_i - y_(i-1))``; the first output is
  the first sample.

Because the derivative is measured against the previous output, on a steady
ramp of speed ``v`` it settles near ``v / alpha`` rather than ``v``: the lag
feeds the speed estimate, which is what makes the filter catch up. It also means
that the ``beta`` that feels right depends on the sample rate of the device; tune
it at the rate the device really sends.

Vectors (a position) share one cutoff computed from the Euclidean norm of the
filtered derivative vector, so the filter does not depend on how the axes are
oriented and a straight move stays straight; for one component this is exactly
the paper's filter. Channels in different units (focal length, focus) belong in
separate filters.

Unit quaternions are filtered on the sphere of rotations (see
:class:`QuaternionOneEuroFilter`). Both live filters work on plain Python floats,
because they run once per received sample on the receive thread; use
:func:`one_euro_offline` for arrays.

Timestamps are seconds on a monotonic clock. A sample that is not later than the
previous one returns the previous output unchanged; a gap longer than
``reset_after`` seconds restarts the filter from the new sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from previz.errors import InputError

__all__ = [
    "OneEuroFilter",
    "OneEuroSettings",
    "QuaternionOneEuroFilter",
    "one_euro_offline",
    "one_euro_offline_quaternion",
]

_TWO_PI = 2.0 * math.pi
_SQRT = math.sqrt
_HYPOT = math.hypot
_ATAN2 = math.atan2
_SIN = math.sin
# Below this sine of the half angle, slerp's weights sin(k h) / sin(h) are replaced by
# their limit k; the relative error of doing so is below (h^2) / 6 < 1e-20.
_SMALL_SINE = 1e-10


def _check_positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"OneEuroSettings.{name}: expected a number, got {value!r}")
    number = float(value)
    if not (math.isfinite(number) and number > 0.0):
        raise InputError(
            f"OneEuroSettings.{name}: expected a positive finite frequency in Hz, got {value!r}"
        )
    return number


@dataclass(frozen=True)
class OneEuroSettings:
    """Parameters of a One Euro filter.

    Parameters
    ----------
    min_cutoff : float
        Cutoff frequency in Hz when the signal is still. Lower removes more jitter
        and adds more lag at low speed.
    beta : float
        How fast the cutoff rises with speed (Hz per unit of speed, e.g. Hz per
        m/s or per rad/s). 0 gives a plain low-pass filter at ``min_cutoff``.
    d_cutoff : float
        Cutoff frequency in Hz of the low-pass filter on the derivative.
    enabled : bool
        When False the filters pass samples through unchanged.

    Raises
    ------
    InputError
        A cutoff is not a positive finite number, ``beta`` is negative or not
        finite, or ``enabled`` is not a bool; the message names the field.
    """

    min_cutoff: float = 1.0
    beta: float = 0.0
    d_cutoff: float = 1.0
    enabled: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_cutoff", _check_positive(self.min_cutoff, "min_cutoff"))
        object.__setattr__(self, "d_cutoff", _check_positive(self.d_cutoff, "d_cutoff"))
        beta = self.beta
        if isinstance(beta, bool) or not isinstance(beta, int | float):
            raise InputError(f"OneEuroSettings.beta: expected a number, got {beta!r}")
        if not (math.isfinite(beta) and beta >= 0.0):
            raise InputError(f"OneEuroSettings.beta: expected a finite number >= 0, got {beta!r}")
        object.__setattr__(self, "beta", float(beta))
        if not isinstance(self.enabled, bool):
            raise InputError(
                f"OneEuroSettings.enabled: expected true or false, got {self.enabled!r}"
            )


def _check_reset_after(reset_after: float) -> float:
    number = float(reset_after)
    if not (math.isfinite(number) and number > 0.0):
        raise InputError(f"reset_after: expected a positive number of seconds, got {reset_after!r}")
    return number


def _params(settings: OneEuroSettings) -> tuple[float, float, float, bool]:
    """Constants of the per-sample path, in one tuple so a swap is atomic."""
    if not isinstance(settings, OneEuroSettings):
        raise InputError(f"settings: expected OneEuroSettings, got {type(settings).__name__}")
    return (
        _TWO_PI * settings.min_cutoff,
        _TWO_PI * settings.beta,
        _TWO_PI * settings.d_cutoff,
        settings.enabled,
    )


class _LiveFilter:
    """What the live filters share: settings that may be swapped while filtering
    (from another thread too), and the gap after which they restart."""

    __slots__ = ("_params", "_reset_after", "_settings", "_t")

    def __init__(self, settings: OneEuroSettings, reset_after: float) -> None:
        self._reset_after = _check_reset_after(reset_after)
        self._params = _params(settings)
        self._settings = settings
        self._t: float | None = None

    @property
    def settings(self) -> OneEuroSettings:
        """The parameters in use; assigning new ones keeps the filter's state."""
        return self._settings

    @settings.setter
    def settings(self, settings: OneEuroSettings) -> None:
        self._params = _params(settings)
        self._settings = settings

    @property
    def reset_after(self) -> float:
        """Gap in seconds after which the filter restarts from the new sample."""
        return self._reset_after


class OneEuroFilter(_LiveFilter):
    """One Euro filter for a vector of ``size`` floats sharing one unit.

    Parameters
    ----------
    settings : OneEuroSettings
        Cutoffs and ``beta``; may be replaced later through :attr:`settings`.
    size : int
        Number of components of every sample.
    reset_after : float, optional
        A gap between samples longer than this (seconds) restarts the filter
        from the new sample. Default 1.0.

    Notes
    -----
    Call the filter with ``(t, values)``; it returns a tuple of floats. Not
    thread-safe for calls from several threads; replacing :attr:`settings` from
    another thread while one thread filters is safe.
    """

    __slots__ = ("_edx", "_out", "_size")

    def __init__(self, settings: OneEuroSettings, size: int, *, reset_after: float = 1.0) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InputError(f"size: expected a whole number of components >= 1, got {size!r}")
        self._size = size
        super().__init__(settings, reset_after)
        self._out: tuple[float, ...] = ()
        self._edx: tuple[float, ...] = ()

    def __repr__(self) -> str:
        return (
            f"OneEuroFilter({self._settings!r}, size={self._size}, reset_after={self._reset_after})"
        )

    @property
    def size(self) -> int:
        """Number of components per sample."""
        return self._size

    def reset(self) -> None:
        """Forget the past: the next sample is returned as it is."""
        self._t = None
        self._out = ()
        self._edx = ()

    def _start(self, t: float, values: Sequence[float]) -> tuple[float, ...]:
        out = tuple(map(float, values))
        total = sum(out)
        if len(out) != self._size or total - total != 0.0:
            self._raise_bad(values)
        if t - t != 0.0:
            raise InputError(f"one euro filter: time must be a finite number, got {t!r}")
        self._t = float(t)
        self._out = out
        self._edx = (0.0,) * self._size
        return out

    def _raise_bad(self, values: Sequence[float]) -> None:
        raise InputError(
            f"one euro filter: expected {self._size} finite numbers, got {tuple(values)!r}"
        )

    def __call__(self, t: float, values: Sequence[float]) -> tuple[float, ...]:
        """Filter one sample.

        Parameters
        ----------
        t : float
            Time of the sample in seconds (monotonic clock).
        values : sequence of float
            The ``size`` components of the sample.

        Returns
        -------
        tuple of float
            The filtered sample; the previous output when ``t`` is not later than
            the previous sample's time.

        Raises
        ------
        InputError
            ``values`` does not hold ``size`` finite numbers (the state is kept).
        """
        two_pi_min, two_pi_beta, two_pi_d, enabled = self._params
        if not enabled:
            if self._t is not None:
                self.reset()
            return tuple(map(float, values))
        last_t = self._t
        if last_t is None:
            return self._start(t, values)
        dt = t - last_t
        if not dt > 0.0:  # duplicate, out of order, or NaN time
            return self._out
        if dt > self._reset_after:
            return self._start(t, values)
        total = sum(values)
        if len(values) != self._size or total - total != 0.0:
            self._raise_bad(values)
        prev = self._out
        inv_dt = 1.0 / dt
        r = two_pi_d * dt
        a_d = r / (r + 1.0)
        edx = [
            e + a_d * ((x - p) * inv_dt - e)
            for x, p, e in zip(values, prev, self._edx, strict=False)
        ]
        r = (two_pi_min + two_pi_beta * _HYPOT(*edx)) * dt
        a = r / (r + 1.0)
        out = tuple([p + a * (x - p) for x, p in zip(values, prev, strict=False)])
        self._t = t
        self._edx = edx
        self._out = out
        return out


class QuaternionOneEuroFilter(_LiveFilter):
    """One Euro filter for unit quaternions ``(x, y, z, w)`` (orientations).

    Parameters
    ----------
    settings : OneEuroSettings
        Cutoffs and ``beta`` (``beta`` in Hz per rad/s).
    reset_after : float, optional
        A gap between samples longer than this (seconds) restarts the filter
        from the new sample. Default 1.0.

    Notes
    -----
    Each step, with previous output ``p`` and input ``q`` (normalised):

    1. ``q`` is replaced by ``-q`` when ``p . q < 0``: both are the same rotation,
       and this picks the shorter way round, so sign flips in the input stream
       change nothing.
    2. The relative rotation ``r = q p*`` (stage frame) has angle ``2 h`` with
       ``h = atan2(|r_xyz|, r_w)``; its angular velocity ``2 h axis / dt``
       (rad/s) is the derivative. Like the vector filter, the *vector* is
       low-passed with ``d_cutoff`` and its norm is the speed: filtering the
       scalar speed instead would rectify sensor noise into a positive mean
       speed and raise the cutoff of a camera that stands still.
    3. The output is the slerp from ``p`` toward ``q`` by ``alpha``:
       ``(sin((1 - alpha) h) p + sin(alpha h) q) / sin h``, i.e. it turns by
       exactly ``alpha`` times the angle, the same step ``y += alpha (x - y)``
       the scalar filter takes. A normalised lerp with weight ``alpha`` turns by
       less than ``alpha`` times the angle when the angle is large (it moves
       ``alpha`` along the chord, not the arc), which would make the cutoff
       depend on the size of the step; slerp costs two sines here because ``h``
       is already known from step 2.

    The half angle comes from ``atan2`` of the vector part of ``r`` rather than
    ``acos(p . q)``, which keeps full precision for the tiny steps between
    samples of a fast stream. The output is renormalised every step.
    """

    __slots__ = ("_ew", "_out")

    def __init__(self, settings: OneEuroSettings, *, reset_after: float = 1.0) -> None:
        super().__init__(settings, reset_after)
        self._out: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 1.0)
        self._ew: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def __repr__(self) -> str:
        return f"QuaternionOneEuroFilter({self._settings!r}, reset_after={self._reset_after})"

    def reset(self) -> None:
        """Forget the past: the next sample is returned (normalised) as it is."""
        self._t = None
        self._ew = (0.0, 0.0, 0.0)

    def __call__(self, t: float, quaternion: Sequence[float]) -> tuple[float, float, float, float]:
        """Filter one orientation sample.

        Parameters
        ----------
        t : float
            Time of the sample in seconds (monotonic clock).
        quaternion : sequence of 4 float
            Orientation ``(x, y, z, w)``; normalised before use.

        Returns
        -------
        tuple of 4 float
            The filtered unit quaternion; the previous output when ``t`` is not
            later than the previous sample's time; the input unchanged (not
            normalised) when the settings are disabled.

        Raises
        ------
        InputError
            The quaternion does not have 4 finite components or has length 0.
        """
        two_pi_min, two_pi_beta, two_pi_d, enabled = self._params
        if not enabled:
            self._t = None
            return tuple(map(float, quaternion))  # type: ignore[return-value]
        try:
            x, y, z, w = quaternion
            n = _SQRT(x * x + y * y + z * z + w * w)
        except (TypeError, ValueError):
            n = math.nan
        if not (n > 0.0 and n < math.inf):
            raise InputError(
                "quaternion one euro filter: expected 4 finite numbers (x, y, z, w) of "
                f"non-zero length, got {tuple(quaternion)!r}"
            )
        inv_n = 1.0 / n
        x *= inv_n
        y *= inv_n
        z *= inv_n
        w *= inv_n
        last_t = self._t
        if last_t is None:
            return self._start(t, x, y, z, w)
        dt = t - last_t
        if not dt > 0.0:  # duplicate, out of order, or NaN time
            return self._out
        if dt > self._reset_after:
            return self._start(t, x, y, z, w)
        px, py, pz, pw = self._out
        dot = px * x + py * y + pz * z + pw * w
        if dot < 0.0:
            x, y, z, w, dot = -x, -y, -z, -w, -dot
        # r = q * conj(p): scalar part = dot, vector part = pw q - qw p - q x p.
        rx = pw * x - w * px - (y * pz - z * py)
        ry = pw * y - w * py - (z * px - x * pz)
        rz = pw * z - w * pz - (x * py - y * px)
        sin_h = _SQRT(rx * rx + ry * ry + rz * rz)
        h = _ATAN2(sin_h, dot)
        inv_dt = 1.0 / dt
        # angular velocity = axis * (2 h) / dt, with 2 h / sin h -> 2 as h -> 0
        k = (2.0 * h / sin_h if sin_h > _SMALL_SINE else 2.0) * inv_dt
        r = two_pi_d * dt
        a_d = r / (r + 1.0)
        ex, ey, ez = self._ew
        ex += a_d * (k * rx - ex)
        ey += a_d * (k * ry - ey)
        ez += a_d * (k * rz - ez)
        r = (two_pi_min + two_pi_beta * _SQRT(ex * ex + ey * ey + ez * ez)) * dt
        a = r / (r + 1.0)
        if sin_h > _SMALL_SINE:
            inv_sin = 1.0 / sin_h
            wp = _SIN((1.0 - a) * h) * inv_sin
            wq = _SIN(a * h) * inv_sin
        else:
            wp = 1.0 - a
            wq = a
        ox = wp * px + wq * x
        oy = wp * py + wq * y
        oz = wp * pz + wq * z
        ow = wp * pw + wq * w
        inv_n = 1.0 / _SQRT(ox * ox + oy * oy + oz * oz + ow * ow)
        out = (ox * inv_n, oy * inv_n, oz * inv_n, ow * inv_n)
        self._t = t
        self._ew = (ex, ey, ez)
        self._out = out
        return out

    def _start(
        self, t: float, x: float, y: float, z: float, w: float
    ) -> tuple[float, float, float, float]:
        out = (float(x), float(y), float(z), float(w))
        if t - t != 0.0:
            raise InputError(f"quaternion one euro filter: time must be a finite number, got {t!r}")
        self._t = float(t)
        self._ew = (0.0, 0.0, 0.0)
        self._out = out
        return out


def _offline_inputs(
    times: ArrayLike, values: ArrayLike, what: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    t = np.asarray(times, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if t.ndim != 1:
        raise InputError(f"times: expected a 1-D array of seconds, got shape {t.shape}")
    if v.shape[:1] != t.shape:
        raise InputError(f"{what}: expected {t.shape[0]} rows, one per time, got shape {v.shape}")
    if not np.all(np.isfinite(t)):
        raise InputError(
            f"times[{int(np.flatnonzero(~np.isfinite(t))[0])}]: expected a finite time"
        )
    return t, v


def one_euro_offline(
    times: ArrayLike,
    values: ArrayLike,
    settings: OneEuroSettings,
    *,
    reset_after: float = 1.0,
) -> NDArray[np.float64]:
    """Run :class:`OneEuroFilter` over recorded samples.

    Parameters
    ----------
    times : array_like, shape (N,)
        Sample times in seconds, in the order they were received.
    values : array_like, shape (N,) or (N, D)
        One sample per time (a scalar channel, or D components in one unit).
    settings : OneEuroSettings
        Filter parameters.
    reset_after : float, optional
        Gap in seconds that restarts the filter. Default 1.0.

    Returns
    -------
    ndarray
        Filtered samples, the shape of ``values``. A sample whose time is not
        after the previous one repeats the previous output, as live.

    Raises
    ------
    InputError
        Shapes do not match, or a time or value is not finite (the message
        gives the row).
    """
    t, v = _offline_inputs(times, values, "values")
    if v.ndim not in (1, 2):
        raise InputError(f"values: expected shape (N,) or (N, D), got {v.shape}")
    rows = v.reshape(len(t), -1)
    flt = OneEuroFilter(settings, rows.shape[1], reset_after=reset_after)
    out = np.empty_like(rows)
    for i, (ti, row) in enumerate(zip(t.tolist(), rows.tolist(), strict=True)):
        try:
            out[i] = flt(ti, row)
        except InputError as error:
            raise InputError(f"values[{i}]: {error}") from None
    return out.reshape(v.shape)


def one_euro_offline_quaternion(
    times: ArrayLike,
    quaternions: ArrayLike,
    settings: OneEuroSettings,
    *,
    reset_after: float = 1.0,
) -> NDArray[np.float64]:
    """Run :class:`QuaternionOneEuroFilter` over recorded orientations.

    Parameters
    ----------
    times : array_like, shape (N,)
        Sample times in seconds, in the order they were received.
    quaternions : array_like, shape (N, 4)
        Orientations ``(x, y, z, w)``.
    settings : OneEuroSettings
        Filter parameters (``beta`` in Hz per rad/s).
    reset_after : float, optional
        Gap in seconds that restarts the filter. Default 1.0.

    Returns
    -------
    ndarray, shape (N, 4)
        Filtered unit quaternions.

    Raises
    ------
    InputError
        Shapes do not match, or a row is not a finite non-zero quaternion.
    """
    t, q = _offline_inputs(times, quaternions, "quaternions")
    if q.ndim != 2 or q.shape[1] != 4:
        raise InputError(f"quaternions: expected shape (N, 4), got {q.shape}")
    flt = QuaternionOneEuroFilter(settings, reset_after=reset_after)
    out = np.empty_like(q)
    for i, (ti, row) in enumerate(zip(t.tolist(), q.tolist(), strict=True)):
        try:
            out[i] = flt(ti, row)
        except InputError as error:
            raise InputError(f"quaternions[{i}]: {error}") from None
    return out
