"""The pinhole view camera: pose facts and projection, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from previz.core.camera_path import CameraInfo
from previz.core.lens import FilmBack, SensorFit
from previz.core.projection import ViewCamera
from reference_math import pan_tilt_roll_matrix


def test_pan_tilt_roll_orients_the_camera() -> None:
    view = ViewCamera.from_pan_tilt_roll([1, 2, 3], [90, 0, 0], focal_mm=35, size=(300, 200))
    np.testing.assert_allclose(view.forward, [-1, 0, 0], atol=1e-12)
    np.testing.assert_allclose(view.up, [0, 0, 1], atol=1e-12)
    np.testing.assert_allclose(view.right, [0, 1, 0], atol=1e-12)
    np.testing.assert_allclose(view.pan_tilt_roll(), [90, 0, 0], atol=1e-9)


def test_centre_and_edges_of_a_full_frame_35mm() -> None:
    # 36 x 24 mm film back, 3:2 output: the frame's half-width at depth d is 18/35 d.
    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=35, size=(1500, 1000))
    depth = 10.0
    half_w, half_h = 18 / 35 * depth, 12 / 35 * depth
    points = [[0, depth, 0], [half_w, depth, 0], [-half_w, depth, half_h], [0, depth, -half_h]]
    pixels, depths = view.project(points)
    np.testing.assert_allclose(pixels, [[750, 500], [1500, 500], [0, 0], [750, 1000]], atol=1e-9)
    np.testing.assert_allclose(depths, depth)


def test_points_behind_the_camera_do_not_project() -> None:
    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=35, size=(300, 200))
    pixels, depth = view.project([[0, -1, 0], [0, 0, 0]])
    assert np.isnan(pixels).all()
    assert depth.tolist() == [-1.0, 0.0]


@pytest.mark.parametrize(
    ("fit", "size", "expected_aperture"),
    [
        # 24.89 x 18.66 (1.334) film back framed 16:9: fill keeps the width.
        (SensorFit.FILL, (1920, 1080), (24.89, 24.89 * 9 / 16)),
        (SensorFit.VERTICAL, (1920, 1080), (18.66 * 16 / 9, 18.66)),
        (SensorFit.OVERSCAN, (1920, 1080), (18.66 * 16 / 9, 18.66)),
        (SensorFit.HORIZONTAL, (1000, 1000), (24.89, 24.89)),
    ],
)
def test_sensor_fit_sets_the_field_of_view(fit, size, expected_aperture) -> None:  # type: ignore[no-untyped-def]
    info = CameraInfo(film_back=FilmBack(24.89, 18.66), fit=fit)
    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=24, size=size,
                                         camera=info)
    width, height = expected_aperture
    assert view.vertical_fov_deg() == pytest.approx(math.degrees(2 * math.atan(height / 48)))
    assert view.horizontal_fov_deg() == pytest.approx(math.degrees(2 * math.atan(width / 48)))
    # the right edge of the aperture projects to the right edge of the image
    pixels, _ = view.project([[width / 2 / 24 * 5, 5, 0]])
    assert pixels[0, 0] == pytest.approx(size[0])


def test_anamorphic_squeeze_widens_the_view() -> None:
    info = CameraInfo(film_back=FilmBack(27.99, 19.22), squeeze=2.0)
    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=50, size=(2048, 858),
                                         camera=info)
    # desqueezed 55.98 x 19.22 is wider than 2.387, so fill keeps the height
    assert view.vertical_fov_deg() == pytest.approx(math.degrees(2 * math.atan(19.22 / 100)))


def test_rolled_and_tilted_projection_matches_hand_rotation() -> None:
    view = ViewCamera.from_pan_tilt_roll([1, -2, 1.5], [30, 10, 5], focal_mm=40,
                                         size=(1920, 1080))
    point = np.array([3.0, 8.0, 2.5])
    local = pan_tilt_roll_matrix(30, 10, 5).T @ (point - [1, -2, 1.5])
    aperture_w, aperture_h = 36.0, 36.0 * 1080 / 1920  # fill on a 1.5 back with 16:9
    expected = [(0.5 + 40 * local[0] / local[1] / aperture_w) * 1920,
                (0.5 - 40 * local[2] / local[1] / aperture_h) * 1080]
    pixels, _ = view.project(point)
    np.testing.assert_allclose(pixels[0], expected, atol=1e-9)


def test_frustum_corners_project_to_the_image_corners() -> None:
    view = ViewCamera.from_pan_tilt_roll([0, 0, 2], [45, -10, 0], focal_mm=28, size=(1280, 720))
    pixels, depth = view.project(view.frustum(7.0))
    np.testing.assert_allclose(pixels, [[0, 0], [1280, 0], [1280, 720], [0, 720]], atol=1e-9)
    np.testing.assert_allclose(depth, 7.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"size": (0, 10)},
        {"clip_m": (1.0, 0.5)},
        {"position": [math.nan, 0, 0]},
    ],
)
def test_bad_views_are_refused(bad) -> None:  # type: ignore[no-untyped-def]
    options = {"position": [0, 0, 0], "focal_mm": 35, "size": (100, 100), **bad}
    position = options.pop("position")
    with pytest.raises(ValueError, match=r"size|clipping|finite"):
        ViewCamera.from_pan_tilt_roll(position, [0, 0, 0], **options)
