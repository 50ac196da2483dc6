"""Stage axes and length-unit guessing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from previz.core.stage import (
    LENGTH_UNITS,
    UP_AXES,
    Y_UP_TO_STAGE,
    guess_length_unit,
    source_to_stage,
)

# ------------------------------------------------------------------ unit guessing


@pytest.mark.parametrize(
    ("height", "unit", "scale", "height_m"),
    [
        (170.0, "cm", 0.01, 1.70),
        (173.0, "cm", 0.01, 1.73),
        (1.7, "m", 1.0, 1.7),
        (1700.0, "mm", 0.001, 1.70),
        (67.0, "in", 0.0254, 1.7018),
        (5.6, "ft", 0.3048, 1.70688),
        (17.5, "dm", 0.1, 1.75),
        (120.0, "cm", 0.01, 1.2),
        # 85 cm would be 0.85 m (too short); 85 in is 2.159 m, inside 1.0-2.3 m.
        (85.0, "in", 0.0254, 2.159),
    ],
)
def test_guess_length_unit(height, unit, scale, height_m):
    guess = guess_length_unit(height)
    assert guess.unit == unit
    assert guess.scale == pytest.approx(scale, rel=1e-12)
    assert guess.height_m == pytest.approx(height_m, rel=1e-9)
    assert isinstance(guess.reason, str)
    assert guess.reason


def test_guess_length_unit_reason_mentions_height_and_unit():
    guess = guess_length_unit(170.0)
    assert "1.70 m" in guess.reason
    assert "centimetres" in guess.reason


def test_guess_length_unit_no_standard_unit_scales_to_175():
    guess = guess_length_unit(25.65)  # 0.26 m in cm, 2.57 m in dm, 0.65 m in inches, 7.8 m in ft
    assert guess.unit is None
    assert guess.scale == pytest.approx(1.75 / 25.65, rel=1e-12)
    assert guess.height_m == pytest.approx(1.75)
    assert "1.75" in guess.reason


def test_guess_length_unit_prefers_ratio_closest_to_175():
    # 2.0: metres gives 2.0 m (in range); nothing else fits.
    assert guess_length_unit(2.0).unit == "m"
    # 90: 0.9 m in cm is too short; 2.286 m in inches is within range.
    assert guess_length_unit(90.0).unit == "in"
    # 95: cm gives 0.95 m (too short); inches 2.413 m (too tall): no unit.
    assert guess_length_unit(95.0).unit is None


@pytest.mark.parametrize("height", [0.0, -170.0, math.nan, math.inf])
def test_guess_length_unit_without_height_suggests_no_scale(height):
    guess = guess_length_unit(height)
    assert guess.unit is None
    assert guess.scale == 1.0


def test_length_units_table():
    assert LENGTH_UNITS == {
        "mm": 0.001,
        "cm": 0.01,
        "dm": 0.1,
        "m": 1.0,
        "in": 0.0254,
        "ft": 0.3048,
    }


# ------------------------------------------------------------------- axes
def test_y_up_to_stage_matrix():
    # (x, y, z)_yup -> (x, -z, y)_stage
    np.testing.assert_array_equal(Y_UP_TO_STAGE, [[1, 0, 0], [0, 0, -1], [0, 1, 0]])
    np.testing.assert_array_equal(Y_UP_TO_STAGE @ [2.0, 3.0, 5.0], [2.0, -5.0, 3.0])
    assert np.linalg.det(Y_UP_TO_STAGE) == pytest.approx(1.0)


@pytest.mark.parametrize("up", ["y", "Y"])
def test_source_to_stage_y_up(up):
    m = source_to_stage(up)
    np.testing.assert_allclose(m @ [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], atol=1e-15)
    np.testing.assert_allclose(m @ [0.0, 0.0, 1.0], [0.0, -1.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(m @ [1.0, 0.0, 0.0], [1.0, 0.0, 0.0], atol=1e-15)


@pytest.mark.parametrize("up", ["z", "Z"])
def test_source_to_stage_z_up_is_identity(up):
    np.testing.assert_array_equal(source_to_stage(up), np.eye(3))


def test_source_to_stage_returns_a_copy():
    m = source_to_stage("y")
    m[0, 0] = 99.0
    assert UP_AXES["y"][0, 0] == 1.0
    assert Y_UP_TO_STAGE[0, 0] == 1.0


def test_source_to_stage_heading_is_counter_clockwise_about_z():
    # Heading 90: source +X (stage +X) turns to stage +Y; source +Z (stage -Y) to stage +X.
    m = source_to_stage("y", 90.0)
    np.testing.assert_allclose(m @ [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(m @ [0.0, 0.0, 1.0], [1.0, 0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(m @ [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], atol=1e-15)
    np.testing.assert_allclose(m, [[0, 0, 1], [1, 0, 0], [0, 1, 0]], atol=1e-15)


@pytest.mark.parametrize("heading", [-150.0, -45.0, 30.0, 180.0, 270.0])
def test_source_to_stage_heading_z_up(heading):
    m = source_to_stage("z", heading)
    c, s = math.cos(math.radians(heading)), math.sin(math.radians(heading))
    np.testing.assert_allclose(m, [[c, -s, 0], [s, c, 0], [0, 0, 1]], atol=1e-15)
    # Heading never tips the up axis.
    np.testing.assert_allclose(m @ [0.0, 0.0, 1.0], [0.0, 0.0, 1.0], atol=1e-15)


@pytest.mark.parametrize("up", ["x", "-y", "", "up", "yz"])
def test_source_to_stage_rejects_bad_axis(up):
    with pytest.raises(ValueError, match="up axis"):
        source_to_stage(up)
