"""Lens and sensor optics against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from previz.core.lens import FULL_FRAME_DIAGONAL_MM, FilmBack, Lens, Optics, SensorFit

FULL_FRAME = FilmBack(36.0, 24.0)


def deg_atan(x: float) -> float:
    return math.degrees(2.0 * math.atan(x))


def test_full_frame_50mm_angles_of_view() -> None:
    fov = Optics(FULL_FRAME, Lens(50.0)).field_of_view()
    assert fov.horizontal == pytest.approx(deg_atan(18 / 50))  # 39.5978°
    assert fov.horizontal == pytest.approx(39.5978, abs=1e-4)
    assert fov.vertical == pytest.approx(26.9915, abs=1e-4)
    assert fov.diagonal == pytest.approx(46.7930, abs=1e-4)


@pytest.mark.parametrize(
    ("fit", "aspect", "aperture"),
    [
        # film back 36 x 24 (1.5:1)
        (SensorFit.FILL, None, (36.0, 24.0)),  # its own aspect: the whole film back
        (SensorFit.FILL, 2.39, (36.0, 36.0 / 2.39)),  # wider frame: crop top and bottom
        (SensorFit.FILL, 1.0, (24.0, 24.0)),  # narrower frame: crop the sides
        (SensorFit.OVERSCAN, 2.39, (24.0 * 2.39, 24.0)),  # whole film back inside the frame
        (SensorFit.OVERSCAN, 1.0, (36.0, 36.0)),
        (SensorFit.HORIZONTAL, 2.39, (36.0, 36.0 / 2.39)),
        (SensorFit.HORIZONTAL, 1.0, (36.0, 36.0)),
        (SensorFit.VERTICAL, 2.39, (24.0 * 2.39, 24.0)),
        (SensorFit.VERTICAL, 1.0, (24.0, 24.0)),
    ],
)
def test_sensor_fit_picks_the_image_aperture(
    fit: SensorFit, aspect: float | None, aperture: tuple[float, float]
) -> None:
    optics = Optics(FULL_FRAME, Lens(35.0), aspect=aspect, fit=fit)
    assert optics.image_aperture_mm() == pytest.approx(aperture)
    fov = optics.field_of_view()
    assert fov.horizontal == pytest.approx(deg_atan(aperture[0] / 70.0))
    assert fov.vertical == pytest.approx(deg_atan(aperture[1] / 70.0))


def test_fit_accepts_its_name() -> None:
    assert Optics(FULL_FRAME, Lens(35.0), aspect=2.39, fit="overscan").fit is SensorFit.OVERSCAN
    with pytest.raises(ValueError, match="'sideways'"):
        Optics(FULL_FRAME, Lens(35.0), fit="sideways")


def test_anamorphic_squeeze_widens_the_horizontal_view() -> None:
    # 2x anamorphic on a 22 x 18.6 mm area: the delivered image is 44 x 18.6 mm wide.
    film = FilmBack(22.0, 18.6)
    optics = Optics(film, Lens(50.0, squeeze=2.0), aspect=2.39)
    # 44 / 18.6 = 2.366 < 2.39, so fill matches widths and crops height.
    assert optics.image_aperture_mm() == pytest.approx((44.0, 44.0 / 2.39))
    assert optics.field_of_view().horizontal == pytest.approx(deg_atan(22.0 / 50.0))
    spherical = Optics(film, Lens(50.0), aspect=2.39).field_of_view().horizontal
    assert optics.field_of_view().horizontal > 1.9 * spherical


def test_measured_focal_length_sets_the_view_not_the_depth_of_field() -> None:
    nominal = Optics(FULL_FRAME, Lens(50.0, focus_m=5.0))
    measured = Optics(FULL_FRAME, Lens(50.0, measured_focal_mm=51.2, focus_m=5.0))
    assert measured.field_of_view().horizontal == pytest.approx(deg_atan(18 / 51.2))
    assert measured.equivalent_focal_mm() == pytest.approx(51.2)
    assert measured.depth_of_field() == nominal.depth_of_field()


@pytest.mark.parametrize(
    ("film", "focal", "expected"),
    [
        (FULL_FRAME, 50.0, 50.0),
        (FilmBack(24.0, 16.0), 50.0, 50.0 * FULL_FRAME_DIAGONAL_MM / math.hypot(24, 16)),  # 1.5x
        (FilmBack(27.99, 19.22), 35.0, 35.0 * 43.2666 / math.hypot(27.99, 19.22)),
    ],
)
def test_35mm_equivalent_focal_length(film: FilmBack, focal: float, expected: float) -> None:
    assert Optics(film, Lens(focal)).equivalent_focal_mm() == pytest.approx(expected, rel=1e-5)


def test_depth_of_field_by_hand() -> None:
    # f = 50 mm, N = 2.8, c = 0.029 mm: H = 50² / (2.8 · 0.029) + 50 = 30838.2 mm.
    optics = Optics(FULL_FRAME, Lens(50.0, f_stop=2.8, focus_m=5.0), coc_mm=0.029)
    hyperfocal = 2500.0 / (2.8 * 0.029) + 50.0
    assert optics.hyperfocal_m() == pytest.approx(hyperfocal / 1000.0)
    assert optics.hyperfocal_m() == pytest.approx(30.8382, abs=1e-4)
    dof = optics.depth_of_field()
    near = 5000.0 * (hyperfocal - 50.0) / (hyperfocal + 5000.0 - 100.0) / 1000.0
    far = 5000.0 * (hyperfocal - 50.0) / (hyperfocal - 5000.0) / 1000.0
    assert dof.near_m == pytest.approx(near)
    assert dof.far_m == pytest.approx(far)
    assert (dof.near_m, dof.far_m) == pytest.approx((4.3075, 5.9579), abs=1e-4)
    assert dof.total_m == pytest.approx(far - near)


def test_depth_of_field_at_and_beyond_the_hyperfocal_distance() -> None:
    optics = Optics(FULL_FRAME, Lens(24.0, f_stop=8.0), coc_mm=0.03)
    hyperfocal = optics.hyperfocal_m()
    at = optics.with_lens(focus_m=hyperfocal).depth_of_field()
    assert math.isinf(at.far_m)
    assert at.near_m == pytest.approx(hyperfocal * (hyperfocal - 0.024) / (2 * hyperfocal - 0.048))
    infinity = optics.depth_of_field()
    assert math.isinf(infinity.far_m)
    assert infinity.near_m == pytest.approx(hyperfocal - 0.024)


def test_default_circle_of_confusion_is_the_diagonal_over_1500() -> None:
    assert Optics(FULL_FRAME, Lens(50.0)).circle_of_confusion_mm() == pytest.approx(
        math.hypot(36, 24) / 1500
    )
    # it follows the image aperture the frame uses
    cropped = Optics(FULL_FRAME, Lens(50.0), aspect=1.0)
    assert cropped.circle_of_confusion_mm() == pytest.approx(math.hypot(24, 24) / 1500)


def test_stopping_down_deepens_focus() -> None:
    base = Optics(FULL_FRAME, Lens(85.0, f_stop=1.4, focus_m=3.0))
    deeper = base.with_lens(f_stop=11.0)
    assert deeper.depth_of_field().total_m > 5 * base.depth_of_field().total_m


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: FilmBack(0.0, 24.0), "film back width"),
        (lambda: FilmBack(36.0, float("nan")), "film back height"),
        (lambda: Lens(-35.0), "focal length"),
        (lambda: Lens(35.0, squeeze=0.0), "anamorphic squeeze"),
        (lambda: Lens(35.0, f_stop=0.0), "f-stop"),
        (lambda: Lens(35.0, focus_m=0.0), "focus distance"),
        (lambda: Lens(35.0, focus_m=float("nan")), "focus distance"),
        (lambda: Lens(35.0, measured_focal_mm=float("inf")), "measured focal length"),
        (lambda: Optics(FULL_FRAME, Lens(35.0), aspect=-1.0), "output aspect"),
        (lambda: Optics(FULL_FRAME, Lens(35.0), coc_mm=0.0), "circle of confusion"),
    ],
)
def test_bad_values_are_refused(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        build()
