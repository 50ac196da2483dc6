"""Framing-guide geometry: aspect boxes, thirds, centre, safe areas, parsing."""

from __future__ import annotations

import numpy as np
import pytest

from previz.render.guides import Burnins, Guides, aspect_box, guide_lines, parse_aspect


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2.39", 2.39), (1.85, 1.85), ("16:9", 16 / 9), ("1.85:1", 1.85), ("4:3", 4 / 3)],
)
def test_parse_aspect(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_aspect(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["wide", "0", "16:0", "9", "-2"])
def test_parse_aspect_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match=r"like 2\.39"):
        parse_aspect(text)


def test_letterbox_and_pillarbox() -> None:
    # 2.39 inside 16:9: full width, height 1.7778 / 2.39 of the frame
    x0, y0, x1, y1 = aspect_box(16 / 9, 2.39)
    assert (x0, x1) == (0.0, 1.0)
    assert y1 - y0 == pytest.approx((16 / 9) / 2.39)
    assert y0 == pytest.approx(1 - y1)
    # 4:3 inside 16:9: full height, pillarboxed
    x0, y0, x1, y1 = aspect_box(16 / 9, 4 / 3)
    assert (y0, y1) == (0.0, 1.0)
    assert x1 - x0 == pytest.approx(0.75)


def test_guides_sit_inside_the_delivery_aspect() -> None:
    guides = Guides(aspects=(2.39,), centre=False, safe_areas=(0.9,))
    segments, masks = guide_lines(guides, 16 / 9)
    _, y0, _, y1 = aspect_box(16 / 9, 2.39)
    height = y1 - y0
    horizontal = sorted({round(s[0, 1], 9) for s in segments if s[0, 1] == s[1, 1]})
    expected = [y0, y0 + 0.05 * height, y0 + height / 3, y0 + 2 * height / 3,
                y1 - 0.05 * height, y1]
    np.testing.assert_allclose(horizontal, expected, atol=1e-9)
    vertical = sorted({round(s[0, 0], 9) for s in segments if s[0, 0] == s[1, 0]})
    np.testing.assert_allclose(vertical, [0, 0.05, 1 / 3, 2 / 3, 0.95, 1], atol=1e-9)
    assert sorted(masks) == sorted([(0.0, 0.0, 1.0, y0), (0.0, y1, 1.0, 1.0)])


def test_centre_cross_is_square_on_screen() -> None:
    segments, masks = guide_lines(Guides(aspects=(), thirds=False, safe_areas=()), 2.0)
    assert masks == []
    across, down = segments
    width_px = (across[1, 0] - across[0, 0]) * 2.0  # normalised x times the frame aspect
    assert width_px == pytest.approx(down[1, 1] - down[0, 1])
    np.testing.assert_allclose(across.mean(axis=0), [0.5, 0.5])


def test_burnin_slots_are_checked() -> None:
    assert Burnins.of(top_left="010", bottom_right="").texts == (("top_left", "010"),)
    with pytest.raises(ValueError, match="valid: top_left"):
        Burnins.of(middle="x")
