"""Frame rates: recovering rates from rounded frame times, parsing and formatting."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from previz.core.time import NTSC_RATES, format_rate, parse_rate, rate_from_frame_time

# ---------------------------------------------------------------- rate_from_frame_time


@pytest.mark.parametrize(
    ("frame_time", "expected"),
    [
        (0.0083333, Fraction(120)),
        (0.0333333, Fraction(30)),
        (0.033333, Fraction(30)),
        (0.0416667, Fraction(24)),
        (0.04, Fraction(25)),
        (0.0166667, Fraction(60)),
        (0.041708, Fraction(24000, 1001)),
        (0.0333667, Fraction(30000, 1001)),
        (0.0166833, Fraction(60000, 1001)),
        (0.01, Fraction(100)),
        (0.025, Fraction(40)),
        (1.0, Fraction(1)),
    ],
)
def test_rate_from_frame_time_snaps_to_standard_rates(frame_time, expected):
    rate = rate_from_frame_time(frame_time)
    assert isinstance(rate, Fraction)
    assert rate == expected


def test_rate_from_frame_time_keeps_odd_rates_unsnapped():
    rate = rate_from_frame_time(0.0123)
    assert isinstance(rate, Fraction)
    # 1 / 0.0123 = 81.300813..., far (0.37 %) from 81, so it must not be snapped.
    assert rate != 81
    assert abs(float(rate) - 81.30081300813008) < 1e-6
    assert rate.denominator <= 1_000_000


def test_rate_from_frame_time_does_not_snap_beyond_tolerance():
    # 1 / 0.00833 = 120.048 is 4e-4 away from 120, relative: more than the 1e-4 tolerance.
    rate = rate_from_frame_time(0.00833)
    assert rate != 120
    assert abs(float(rate) - 1 / 0.00833) < 1e-6


@pytest.mark.parametrize("bad", [0.0, -0.0333, -1.0, math.nan, math.inf, -math.inf])
def test_rate_from_frame_time_rejects_non_positive_or_non_finite(bad):
    with pytest.raises(ValueError, match="frame time"):
        rate_from_frame_time(bad)


# --------------------------------------------------------------------------- parse_rate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24", Fraction(24)),
        (" 25 ", Fraction(25)),
        ("23.976", Fraction(24000, 1001)),
        ("23.98", Fraction(24000, 1001)),
        ("29.97", Fraction(30000, 1001)),
        ("59.94", Fraction(60000, 1001)),
        ("47.952", Fraction(48000, 1001)),
        ("119.88", Fraction(120000, 1001)),
        ("24000/1001", Fraction(24000, 1001)),
        ("30000/1001", Fraction(30000, 1001)),
        ("48/2", Fraction(24)),
        ("12.5", Fraction(25, 2)),
        ("120.0", Fraction(120)),
        (25.0, Fraction(25)),
        (12.5, Fraction(25, 2)),
        (30, Fraction(30)),
        (Fraction(24000, 1001), Fraction(24000, 1001)),
        (Fraction(5, 2), Fraction(5, 2)),
    ],
)
def test_parse_rate_accepts_user_spellings(text, expected):
    rate = parse_rate(text)
    assert isinstance(rate, Fraction)
    assert rate == expected


def test_parse_rate_takes_other_decimals_exactly():
    # Not an NTSC spelling: taken as the exact decimal, not snapped to 24.
    assert parse_rate("23.9") == Fraction(239, 10)
    assert parse_rate(0.1) == Fraction(1, 10)  # exact decimal, not the binary double


@pytest.mark.parametrize("text", ["", "abc", "24fps", "1/0", "nan", "twenty-four", "24/"])
def test_parse_rate_rejects_bad_strings_with_helpful_message(text):
    with pytest.raises(ValueError, match=r"not a number; expected e\.g\. 24, 23\.976"):
        parse_rate(text)


@pytest.mark.parametrize("value", ["0", "-24", "0/1", "-24000/1001", 0, -1.5, Fraction(0)])
def test_parse_rate_rejects_non_positive(value):
    with pytest.raises(ValueError, match="must be positive"):
        parse_rate(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(29.97, Fraction(30000, 1001)), (23.976, Fraction(24000, 1001))],
)
def test_parse_rate_float_ntsc_spelling_matches_string(value, expected):
    assert parse_rate(value) == expected


# ------------------------------------------------------------------ NTSC_RATES, format


def test_ntsc_rates_are_n_times_1000_over_1001():
    bases = [rate * Fraction(1001, 1000) for rate in NTSC_RATES]
    assert bases == [24, 30, 48, 60, 72, 96, 120, 240]
    assert all(rate.denominator == 1001 for rate in NTSC_RATES)


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Fraction(24), "24"),
        (Fraction(120), "120"),
        (Fraction(24000, 1001), "24000/1001 (23.976)"),
        (Fraction(30000, 1001), "30000/1001 (29.97)"),
        (Fraction(25, 2), "25/2 (12.5)"),
        (Fraction(60000, 1001), "60000/1001 (59.94)"),
        (Fraction(1, 3), "1/3 (0.333)"),
    ],
)
def test_format_rate(rate, text):
    assert format_rate(rate) == text


def test_format_rate_round_trips_through_parse_rate():
    for rate in (Fraction(24), Fraction(25, 2), *NTSC_RATES):
        fraction_part = format_rate(rate).split(" ")[0]
        assert parse_rate(fraction_part) == rate
