"""Off-screen frames: what the pinhole model predicts is where the pixels land."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

from previz.core.camera_path import CameraInfo
from previz.core.lens import FilmBack, SensorFit
from previz.core.projection import ViewCamera
from previz.core.set_model import Material, MeshPart, SetModel
from previz.core.synthetic import walking_take
from previz.errors import InputError
from previz.render.frame import FrameRenderer, lens_burnins
from previz.render.guides import Guides, aspect_box

pv = pytest.importorskip("pyvista")

MARKERS = np.array([
    [0.0, 10.0, 0.0], [1.5, 8.0, 0.7], [-2.0, 12.0, -1.0], [2.5, 9.0, 1.2], [-1.2, 6.0, -0.6],
    [0.4, 15.0, 2.0], [-3.0, 9.0, 1.5],
])


def ball(center, radius: float = 0.03, color=(1.0, 1.0, 1.0)) -> MeshPart:  # type: ignore[no-untyped-def]
    sphere = pv.Sphere(radius=radius, center=center, theta_resolution=16, phi_resolution=16)
    return MeshPart("ball", sphere.points, sphere.regular_faces, Material(base_color=color))


def unlit(renderer: FrameRenderer) -> FrameRenderer:
    """Black background, flat white markers: blobs are easy to find."""
    renderer.plotter.set_background("black")
    renderer.plotter.remove_all_lights()
    for actor in renderer.scene.set_actors:
        actor.prop.ambient, actor.prop.diffuse = 1.0, 0.0
    return renderer


def blob_centres(image: np.ndarray) -> np.ndarray:
    """Centres of bright blobs, as continuous pixel coordinates (x, y)."""
    brightness = image.astype(float).sum(axis=2)
    labels, count = ndimage.label(brightness > 100)
    centres = ndimage.center_of_mass(brightness, labels, range(1, count + 1))
    return np.array(centres)[:, ::-1] + 0.5


@pytest.mark.parametrize(
    ("size", "camera", "focal", "angles"),
    [
        ((1280, 720), CameraInfo(), 35.0, (0, 0, 0)),
        ((1000, 1000), CameraInfo(film_back=FilmBack(24.89, 18.66)), 24.0, (5, -3, 10)),
        ((1920, 804), CameraInfo(film_back=FilmBack(27.99, 19.22), squeeze=2.0), 50.0,
         (-4, 2, -7)),
        ((720, 1280), CameraInfo(film_back=FilmBack(36.7, 25.54), fit=SensorFit.OVERSCAN),
         18.0, (3, 4, 90)),
        ((1024, 768), CameraInfo(film_back=FilmBack(9.8, 7.3), fit=SensorFit.VERTICAL), 6.9,
         (0, 0, 0)),
    ],
)
def test_points_land_on_the_predicted_pixels(size, camera, focal, angles) -> None:  # type: ignore[no-untyped-def]
    model = SetModel("markers", [ball(point) for point in MARKERS])
    view = ViewCamera.from_pan_tilt_roll([0.2, 0.5, 0.1], angles, focal_mm=focal, size=size,
                                         camera=camera)
    predicted, depth = view.project(MARKERS)
    inside = (depth > 0) & (predicted[:, 0] > 5) & (predicted[:, 0] < size[0] - 5) \
        & (predicted[:, 1] > 5) & (predicted[:, 1] < size[1] - 5)
    assert inside.sum() >= 3
    with unlit(FrameRenderer(model, size)) as renderer:
        image = renderer.render(view)
    assert image.shape == (size[1], size[0], 3)
    found = blob_centres(image)
    assert len(found) == inside.sum()
    for pixel in predicted[inside]:
        assert np.linalg.norm(found - pixel, axis=1).min() < 1.0


def test_texture_is_upright() -> None:
    # a 2 x 2 m quad facing the camera: image top half red, bottom half blue
    texture = np.zeros((8, 8, 3), np.uint8)
    texture[:4] = (255, 0, 0)
    texture[4:] = (0, 0, 255)
    vertices = np.array([[-1, 5, -1], [1, 5, -1], [1, 5, 1], [-1, 5, 1]], float)
    uvs = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)
    quad = MeshPart("quad", vertices, [[0, 1, 2], [0, 2, 3]],
                    Material(base_color=(1, 1, 1), texture=texture), uvs=uvs)
    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=35, size=(300, 200))
    with unlit(FrameRenderer(SetModel("quad", [quad]), (300, 200))) as renderer:
        image = renderer.render(view).astype(int)
    top, bottom = image[80, 150], image[120, 150]
    assert min(top[0], bottom[2]) > 200
    assert max(top[2], bottom[0]) < 50


def test_guides_darken_outside_the_delivery_aspect() -> None:
    ground = pv.Plane(center=(0, 10, 0), direction=(0, -1, 0), i_size=40, j_size=40)
    wall = MeshPart("wall", ground.points, ground.triangulate().regular_faces,
                    Material(base_color=(0.9, 0.9, 0.9)))
    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=24, size=(640, 360))
    guides = Guides(aspects=(2.39,), mask_opacity=0.5, thirds=False, centre=False, safe_areas=())
    with unlit(FrameRenderer(SetModel("wall", [wall]), (640, 360), guides=guides)) as renderer:
        image = renderer.render(view).astype(float)
    _, y0, _, y1 = aspect_box(640 / 360, 2.39)
    bar = round((1 - y1) * 360)  # rows hidden by the top bar
    assert bar == round(y0 * 360) == 46
    inside = image[180, 320].mean()
    masked = image[bar // 2, 320].mean()
    assert masked == pytest.approx(inside * 0.5, abs=6)
    # the frame line is drawn at the mask's edge in the guide colour (yellow)
    line_rows = image[bar - 2: bar + 3, 100]
    assert (line_rows[:, 2] < line_rows[:, 0] - 40).any()


def test_burnins_change_only_the_corners() -> None:
    model = SetModel("ball", [ball([0, 5, 0], 0.5)])
    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=35, size=(640, 360),
                                         focus_m=5.0)
    with FrameRenderer(model, (640, 360)) as renderer:
        plain = renderer.render(view).astype(int)
        burnt = renderer.render(view, burnins=lens_burnins(
            view, shot="010", body="alexa", lens="S4/i 35", frame=1001, timecode="01:00:00:00"))
    changed = np.abs(burnt - plain).sum(axis=2) > 30
    assert changed[:40, :160].any()  # shot, top left
    assert changed[-50:, :240].any()  # lens, bottom left
    assert changed[-40:, -240:].any()  # frame and timecode, bottom right
    assert not changed[100:260, 200:440].any()


def test_performer_stand_in_is_drawn_where_the_take_stands() -> None:
    take = walking_take(seconds=2.0, rate=30).with_placement(position=(0.0, 6.0, 0.0))
    view = ViewCamera.from_pan_tilt_roll([0, 0, 1.0], [0, 0, 0], focal_mm=24, size=(640, 360))
    with FrameRenderer(None, (640, 360), [take]) as renderer:
        renderer.plotter.set_background("black")
        at_0 = renderer.render(view, stage_time=0.0)
        at_1 = renderer.render(view, stage_time=1.0)
    hips = take.world_positions_at([0.0])[0, take.skeleton.index("Hips")]
    pixel, _ = view.project(hips)
    x, y = (int(v) for v in pixel[0])
    assert at_0[y - 2: y + 3, x - 2: x + 3].sum(axis=2).max() > 150  # the stand-in is there
    assert np.abs(at_1.astype(int) - at_0).sum() > 0  # and it moves with time


def test_views_must_match_the_renderer_size() -> None:
    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=35, size=(300, 200))
    with FrameRenderer(None, (640, 360)) as renderer, pytest.raises(InputError, match="300x200"):
        renderer.render(view)


def test_save_writes_a_png(tmp_path: Path) -> None:
    from PIL import Image

    view = ViewCamera.from_pan_tilt_roll([0, 0, 0], [0, 0, 0], focal_mm=35, size=(320, 180))
    with FrameRenderer(SetModel("ball", [ball([0, 5, 0], 0.5)]), (320, 180)) as renderer:
        path = renderer.save(view, tmp_path / "frame.png")
    with Image.open(path) as image:
        assert image.size == (320, 180)
    assert [p.name for p in tmp_path.iterdir()] == ["frame.png"]
