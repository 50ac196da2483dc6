"""Frame rates as exact rationals.

previz counts time in integer frames at a rational rate (24, 25, 24000/1001, …).
Files often store a rounded frame *time* instead (BVH ``Frame Time: .0083333``);
:func:`rate_from_frame_time` recovers the rate the file meant.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Iterable
from fractions import Fraction

__all__ = [
    "NTSC_RATES",
    "format_rate",
    "parse_rate",
    "rate_from_frame_time",
    "timecodes",
]

#: The n*1000/1001 rates of NTSC-derived video, besides which every integer rate is standard.
NTSC_RATES: tuple[Fraction, ...] = tuple(
    Fraction(n * 1000, 1001) for n in (24, 30, 48, 60, 72, 96, 120, 240)
)

# A rate is snapped to a standard one when they differ by less than this, relative.
# BVH writers print the frame time with 5-7 significant digits (0.033333, .0083333).
_SNAP_TOLERANCE = 1e-4

def _short(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


# The decimal spellings people use for NTSC rates: 23.976 and 23.98, 29.97, 59.94, …
_NAMED_DECIMALS = {
    _short(float(rate), decimals): rate for rate in NTSC_RATES for decimals in (2, 3)
}


_NTSC_VALUES = tuple((float(rate), rate) for rate in NTSC_RATES)


def _snap(rate: float) -> Fraction | None:
    """The nearest integer or NTSC rate, if within tolerance (ties go to the integer)."""
    whole = max(1, round(rate))
    best_value, best = float(whole), None
    for value, ntsc in _NTSC_VALUES:
        if abs(value - rate) < abs(best_value - rate):
            best_value, best = value, ntsc
    if abs(best_value - rate) > _SNAP_TOLERANCE * rate:
        return None
    return Fraction(whole) if best is None else best


@functools.lru_cache(maxsize=256)  # files of a shoot share a handful of frame times
def rate_from_frame_time(frame_time: float) -> Fraction:
    """Return the frame rate a file's (rounded) frame time stands for.

    Parameters
    ----------
    frame_time : float
        Seconds per frame, as printed in the file.

    Returns
    -------
    Fraction
        The nearest standard rate (integer or NTSC n*1000/1001) when the frame time
        is within 1e-4 of it, relative; otherwise the exact reciprocal, limited to
        a denominator of one million.

    Raises
    ------
    ValueError
        If ``frame_time`` is not a positive finite number.
    """
    if not math.isfinite(frame_time) or frame_time <= 0:
        raise ValueError(f"frame time must be a positive number of seconds, got {frame_time!r}")
    rate = 1.0 / frame_time
    snapped = _snap(rate)
    if snapped is not None:
        return snapped
    return (1 / Fraction(frame_time)).limit_denominator(1_000_000)


def parse_rate(text: str | float | Fraction | numbers.Real) -> Fraction:
    """Parse a frame rate given by a user: ``"24"``, ``"23.976"``, ``"24000/1001"``.

    Decimal spellings of NTSC rates (23.976, 29.97, 59.94, …) mean the exact
    n*1000/1001 rate; other decimals are taken exactly.

    Parameters
    ----------
    text : str, float or Fraction
        The rate.

    Returns
    -------
    Fraction
        The rate in frames per second.

    Raises
    ------
    ValueError
        If the text is not a positive rate.
    """
    if isinstance(text, Fraction):
        rate = text
    elif isinstance(text, numbers.Integral):
        rate = Fraction(int(text))
    elif isinstance(text, numbers.Real | str):
        cleaned = repr(float(text)) if isinstance(text, numbers.Real) else text.strip()
        if cleaned in _NAMED_DECIMALS:
            return _NAMED_DECIMALS[cleaned]
        try:
            rate = Fraction(cleaned)
        except (ValueError, ZeroDivisionError):
            raise ValueError(
                f"frame rate {text!r} is not a number; expected e.g. 24, 23.976 or 24000/1001"
            ) from None
    else:
        raise ValueError(f"frame rate {text!r} is not a number; expected e.g. 24 or 24000/1001")
    if rate.numerator <= 0:  # a Fraction's denominator is always positive
        raise ValueError(f"frame rate must be positive, got {text!r}")
    return rate


def format_rate(rate: Fraction) -> str:
    """Return a rate as people read it: ``"24"``, ``"24000/1001 (23.976)"``.

    Parameters
    ----------
    rate : Fraction
        Frames per second.

    Returns
    -------
    str
        The integer rate, or the exact fraction followed by its decimal value.
    """
    if rate.denominator == 1:
        return str(rate.numerator)
    return f"{rate.numerator}/{rate.denominator} ({_short(float(rate), 3)})"


def timecodes(frames: Iterable[int], rate: Fraction) -> list[str]:
    """Return SMPTE timecodes of frame numbers counted from 00:00:00:00.

    Drop-frame (``HH:MM:SS;FF``) is used where OpenTimelineIO uses it (29.97 and
    59.94), through OpenTimelineIO; every other rate counts whole frames at its
    nominal integer rate (23.976 counts as 24), as OpenTimelineIO does, with
    the frame field widened for rates above 99 fps, which SMPTE does not define.

    Parameters
    ----------
    frames : iterable of int
        Frame numbers.
    rate : Fraction
        Frames per second.
    """
    numbers = [int(frame) for frame in frames]
    nominal = max(1, round(float(rate)))
    if rate.denominator == 1001 and nominal in (30, 60):
        from opentimelineio import opentime  # drop-frame arithmetic: leave it to OTIO

        fps = float(rate)
        return [opentime.to_timecode(opentime.RationalTime(n, fps), fps) for n in numbers]
    width = len(str(nominal - 1))
    template = f"%02d:%02d:%02d:%0{max(2, width)}d"
    day = nominal * 86400
    return [
        template % (n % day // (nominal * 3600), n // (nominal * 60) % 60, n // nominal % 60,
                    n % nominal)
        for n in numbers
    ]
