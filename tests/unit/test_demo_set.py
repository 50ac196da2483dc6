"""The mesh builders and the built-in demo set, checked as numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from previz.core import demo_set as demo_module
from previz.core.demo_set import DEMO_CAMERA, DEMO_MARKS, demo_set, paving_texture
from previz.core.mesh_primitives import (
    Mesh,
    box,
    boxes,
    cone,
    cylinder,
    extrude,
    grid_plane,
    icosphere,
    merge,
    painted,
    signed_volume,
    transform,
    triangle_areas,
    triangle_normals,
    triangulate_polygon,
)
from previz.core.projection import ViewCamera
from previz.core.rotation import axis_rotation
from previz.core.synthetic import walking_take

L_SHAPE = [(0.0, 0.0), (3.0, 0.0), (3.0, 1.0), (1.0, 1.0), (1.0, 2.5), (0.0, 2.5)]
L_AREA = 3.0 * 1.0 + 1.0 * 1.5


def closed_and_outward(mesh: Mesh) -> bool:
    """Whether every edge (vertices welded by position) is used once each way."""
    _, weld = np.unique(np.round(mesh.vertices, 9), axis=0, return_inverse=True)
    tri = weld.reshape(-1)[mesh.triangles]
    directed = np.concatenate([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [2, 0]]])
    forward = {tuple(e) for e in directed.tolist()}
    if len(forward) != len(directed):
        return False  # an edge used twice the same way: inconsistent winding
    return all((b, a) in forward for a, b in forward)


def normals_agree(mesh: Mesh) -> bool:
    """Whether every vertex normal is unit length and on the outside of its triangles."""
    assert mesh.normals is not None
    lengths = np.linalg.norm(mesh.normals, axis=1)
    faces = triangle_normals(mesh)
    dots = np.einsum("tkj,tj->tk", mesh.normals[mesh.triangles], faces)
    return bool(np.allclose(lengths, 1.0) and np.all(dots > 0))


# ----------------------------------------------------------------- primitives
def test_box_volume_by_divergence_theorem_is_w_d_h():
    mesh = box((2.0, 3.0, 4.0), center=(5.0, -1.0, 2.0))
    assert mesh.triangle_count == 12
    assert signed_volume(mesh) == pytest.approx(24.0, rel=1e-12)
    np.testing.assert_allclose(mesh.vertices.min(axis=0), (4.0, -2.5, 0.0))
    np.testing.assert_allclose(mesh.vertices.max(axis=0), (6.0, 0.5, 4.0))
    assert closed_and_outward(mesh)
    assert normals_agree(mesh)
    assert triangle_areas(mesh).sum() == pytest.approx(2 * (6 + 8 + 12))


def test_boxes_builds_many_at_once_and_can_skip_hidden_faces():
    lows = np.array([(0, 0, 0), (10, 0, 0), (0, 10, 5)], dtype=float)
    highs = lows + np.array([1.0, 2.0, 3.0])
    mesh = boxes(lows, highs)
    assert mesh.triangle_count == 36
    assert signed_volume(mesh) == pytest.approx(3 * 6.0)
    open_box = boxes(lows[0], highs[0], skip="-z+y")
    assert open_box.triangle_count == 8
    assert open_box.normals is not None
    assert not np.any(open_box.normals[:, 2] < -0.5)
    assert not np.any(open_box.normals[:, 1] > 0.5)
    with pytest.raises(ValueError, match="skip"):
        boxes(lows, highs, skip="up")
    with pytest.raises(ValueError, match="positive"):
        boxes((0, 0, 0), (1, 0, 1))


@pytest.mark.parametrize("segments", [8, 64])
def test_cylinder_volume_approaches_pi_r2_h(segments):
    radius, height = 0.5, 2.0
    mesh = cylinder(radius, height, segments, base=(1.0, 2.0, 3.0))
    polygon = 0.5 * segments * radius**2 * math.sin(2 * math.pi / segments)
    assert signed_volume(mesh) == pytest.approx(polygon * height, rel=1e-12)
    assert mesh.triangle_count == 4 * segments
    assert closed_and_outward(mesh)
    assert normals_agree(mesh)
    if segments == 64:
        assert signed_volume(mesh) == pytest.approx(math.pi * radius**2 * height, rel=0.002)


def test_frustum_and_cone_volumes():
    r0, r1, h, n = 0.6, 0.3, 1.5, 256
    frustum = cylinder(r0, h, n, top_radius=r1)
    exact = math.pi * h * (r0**2 + r0 * r1 + r1**2) / 3
    assert signed_volume(frustum) == pytest.approx(exact, rel=1e-3)
    assert closed_and_outward(frustum)
    assert normals_agree(frustum)
    spike = cone(0.5, 2.0, n, base=(0.0, 0.0, 1.0))
    assert signed_volume(spike) == pytest.approx(math.pi * 0.25 * 2.0 / 3, rel=1e-3)
    assert spike.vertices[:, 2].max() == pytest.approx(3.0)
    assert closed_and_outward(spike)
    assert normals_agree(spike)
    assert cylinder(1, 1, 12, caps=False).triangle_count == 24


def test_icosphere_is_closed_outward_and_round():
    sphere = icosphere(2.0, 3, center=(1.0, 1.0, 1.0))
    assert sphere.triangle_count == 20 * 4**3
    assert signed_volume(sphere) == pytest.approx(4 / 3 * math.pi * 8.0, rel=0.02)
    np.testing.assert_allclose(np.linalg.norm(sphere.vertices - 1.0, axis=1), 2.0)
    assert closed_and_outward(sphere)
    assert normals_agree(sphere)
    lumpy = icosphere(1.0, 1, jitter=0.2, seed=4)
    assert closed_and_outward(lumpy)
    assert normals_agree(lumpy)
    radii = np.linalg.norm(lumpy.vertices, axis=1)
    assert 0.8 <= radii.min() < radii.max() <= 1.2
    np.testing.assert_array_equal(lumpy.vertices, icosphere(1.0, 1, jitter=0.2, seed=4).vertices)


def test_grid_plane_faces_up_with_uvs_spanning_zero_to_one():
    plane = grid_plane((4.0, 2.0), (4, 3), center=(0.0, 0.0, 0.5))
    assert plane.triangle_count == 2 * 4 * 3
    assert plane.uvs is not None
    np.testing.assert_allclose(plane.uvs.min(axis=0), (0.0, 0.0))
    np.testing.assert_allclose(plane.uvs.max(axis=0), (1.0, 1.0))
    corner = np.argmin(plane.vertices[:, 0] + plane.vertices[:, 1])
    np.testing.assert_allclose(plane.vertices[corner], (-2.0, -1.0, 0.5))
    np.testing.assert_allclose(plane.uvs[corner], (0.0, 0.0))
    faces = triangle_normals(plane)
    assert np.all(faces[:, 2] > 0)
    assert np.allclose(faces[:, :2], 0.0)
    assert triangle_areas(plane).sum() == pytest.approx(8.0)


@pytest.mark.parametrize("reverse", [False, True])
def test_triangulate_non_convex_polygon(reverse):
    polygon = np.array(L_SHAPE[::-1] if reverse else L_SHAPE)
    triangles = triangulate_polygon(polygon)
    assert len(triangles) == len(polygon) - 2
    a, b, c = (polygon[triangles[:, k]] for k in range(3))
    cross = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    assert np.all(cross > 0)  # counter-clockwise, none degenerate
    assert 0.5 * cross.sum() == pytest.approx(L_AREA)


def test_triangulate_skips_collinear_corners_and_rejects_bad_polygons():
    square = [(0, 0), (1, 0), (2, 0), (2, 2), (0, 2), (0, 1)]
    triangles = triangulate_polygon(square)
    mesh = Mesh(np.column_stack([np.array(square, float), np.zeros(6)]), triangles)
    assert triangle_areas(mesh).min() > 0
    assert triangle_areas(mesh).sum() == pytest.approx(4.0)
    with pytest.raises(ValueError, match="crosses itself"):
        triangulate_polygon([(0, 0), (6, 0), (6, 1), (1, 1), (1, -3), (0, -3)])
    with pytest.raises(ValueError, match="no area"):
        triangulate_polygon([(0, 0), (1, 1), (2, 2)])


@pytest.mark.parametrize("reverse", [False, True])
def test_extrude_volume_and_winding(reverse):
    outline = L_SHAPE[::-1] if reverse else L_SHAPE
    prism = extrude(outline, 1.5, z0=0.25)
    assert signed_volume(prism) == pytest.approx(L_AREA * 1.5)
    assert prism.vertices[:, 2].min() == 0.25
    assert prism.vertices[:, 2].max() == 1.75
    assert closed_and_outward(prism)
    assert normals_agree(prism)
    open_prism = extrude(outline, 1.5, bottom=False)
    assert open_prism.triangle_count == prism.triangle_count - (len(outline) - 2)


def test_transform_rotates_moves_and_keeps_winding_outward():
    mesh = box((1.0, 2.0, 3.0))
    turned = transform(mesh, axis_rotation("Z", 90.0), (10.0, 0.0, 0.0))
    np.testing.assert_allclose(turned.vertices.min(axis=0), (9.0, -0.5, -1.5), atol=1e-12)
    assert signed_volume(turned) == pytest.approx(6.0)
    assert normals_agree(turned)
    mirrored = transform(mesh, np.diag([-1.0, 1.0, 1.0]))
    assert signed_volume(mirrored) == pytest.approx(6.0)
    assert normals_agree(mirrored)
    moved = transform(mesh, translation=(0.0, 0.0, 5.0))
    assert moved.vertices[:, 2].min() == pytest.approx(3.5)


def test_merge_offsets_indices_and_keeps_shared_attributes():
    a, b = painted(box((1, 1, 1)), (1.0, 0.0, 0.0)), painted(box((2, 2, 2)), (0.0, 0.0, 1.0))
    joined = merge([a, b])
    assert joined.triangle_count == 24
    assert len(joined.vertices) == 48
    assert joined.triangles.max() == 47
    assert signed_volume(joined) == pytest.approx(1.0 + 8.0)
    assert joined.colors is not None
    assert tuple(joined.colors[0]) == (255, 0, 0)
    assert tuple(joined.colors[-1]) == (0, 0, 255)
    mixed = merge([a, grid_plane((1, 1))])
    assert mixed.colors is None
    assert mixed.uvs is None
    assert mixed.normals is not None
    assert merge([]).triangle_count == 0


# ----------------------------------------------------------------- the set
@pytest.fixture(scope="module")
def model():
    return demo_set()


def test_demo_set_budget_and_parts(model):
    assert model.name == "demo"
    assert 20_000 <= model.triangle_count <= 80_000
    assert 10 <= len(model.parts) <= 30
    names = [part.name for part in model.parts]
    assert len(set(names)) == len(names)
    for wanted in ("asphalt", "pavement", "paving", "road_paint", "walls", "glass", "doors",
                   "steps", "awnings", "dark_metal", "bench_wood", "crates", "barrels",
                   "car_body", "tyres", "bark", "foliage", "brick", "bollards"):
        assert wanted in names


def test_demo_set_bounds(model):
    low, high = model.bounds()
    size = high - low
    assert 59.0 <= size[0] <= 61.5
    assert 59.0 <= size[1] <= 61.5
    assert np.all(np.abs((low + high)[:2] / 2) < 1.0)
    assert low[2] == 0.0
    heights = sorted(b.height for b in demo_module._BUILDINGS)
    assert 4 <= len(heights) <= 6
    assert len(set(heights)) == len(heights)  # all different
    assert heights[0] >= 6.0
    assert heights[-1] == 21.0
    assert heights[-1] < high[2] <= heights[-1] + 3.0  # a roof hut on the tallest


def test_every_part_is_a_valid_outward_mesh(model):
    for part in model.parts:
        assert part.triangle_count > 0, part.name
        assert np.isfinite(part.vertices).all(), part.name
        assert part.triangles.min() >= 0
        assert part.triangles.max() < len(part.vertices)
        mesh = Mesh(part.vertices, part.triangles, part.normals)
        assert triangle_areas(mesh).min() > 1e-6, part.name
        assert normals_agree(mesh), part.name


def test_ground_surfaces_face_up(model):
    parts = {part.name: part for part in model.parts}
    for name in ("asphalt", "paving"):
        faces = triangle_normals(Mesh(parts[name].vertices, parts[name].triangles))
        assert np.all(faces[:, 2] > 0), name
        assert np.allclose(faces[:, :2], 0.0), name
    assert np.all(parts["asphalt"].vertices[:, 2] == 0.0)
    assert np.all(parts["paving"].vertices[:, 2] == pytest.approx(demo_module.KERB_M))
    pavement = Mesh(parts["pavement"].vertices, parts["pavement"].triangles)
    faces = triangle_normals(pavement)
    assert faces[:, 2].min() > -1e-9  # tops and kerbs, no bottoms
    top = triangle_areas(pavement)[faces[:, 2] > 0].sum()
    assert 1000.0 < top < 2500.0  # the pavement area, square metres


def test_colours_and_the_paving_texture(model):
    colors = np.array([part.material.base_color[:3] for part in model.parts])
    gaps = np.linalg.norm(colors[:, None] - colors[None], axis=2)
    assert gaps[~np.eye(len(colors), dtype=bool)].min() > 0.03
    textured = [part for part in model.parts if part.material.texture is not None]
    assert [part.name for part in textured] == ["paving"]
    paving = textured[0]
    assert paving.uvs is not None
    np.testing.assert_allclose(paving.uvs.min(axis=0), 0.0)
    np.testing.assert_allclose(paving.uvs.max(axis=0), 1.0)
    image = paving.material.texture
    assert image is not None
    assert image.dtype == np.uint8
    assert image.shape == (352, 352, 3)
    assert image.std() > 5.0  # a pattern, not a flat colour
    walls = next(part for part in model.parts if part.name == "walls")
    assert walls.colors is not None
    assert len(np.unique(walls.colors, axis=0)) >= 6


def test_paving_texture_is_a_checker_with_grout():
    image = paving_texture(tiles=4, pixels_per_tile=8).astype(int)
    assert image.shape == (32, 32, 3)
    first, second = image[4, 4], image[4, 12]  # neighbouring slabs
    assert abs(first[0] - second[0]) > 10
    assert image[0, 5, 0] < min(first[0], second[0])  # grout is darker


def test_demo_set_is_deterministic(model):
    again = demo_module._build.__wrapped__()
    assert demo_set() is model
    assert [p.name for p in again.parts] == [p.name for p in model.parts]
    for one, two in zip(model.parts, again.parts, strict=True):
        np.testing.assert_array_equal(one.vertices, two.vertices)
        np.testing.assert_array_equal(one.triangles, two.triangles)
        assert one.material.base_color == two.material.base_color
        if one.colors is not None:
            np.testing.assert_array_equal(one.colors, two.colors)


def test_marks_stand_in_the_open(model):
    low, high = model.bounds()
    for mark in DEMO_MARKS:
        x, y, z = mark.position
        assert low[0] < x < high[0], mark.name
        assert low[1] < y < high[1], mark.name
        assert z >= 1.5, mark.name
        for b in demo_module._BUILDINGS:
            inside = b.x0 < x < b.x1 and b.y0 < y < b.y1 and z < b.height + 1.0
            assert not inside, mark.name


def test_default_camera_frames_the_town_hall_door():
    view = ViewCamera.from_pan_tilt_roll(
        DEMO_CAMERA.position, (DEMO_CAMERA.pan_deg, DEMO_CAMERA.tilt_deg, 0.0),
        focal_mm=24.0, size=(1280, 720))
    pixels, depth = view.project([(-15.75, 23.0, 1.8)])
    assert 15.0 < depth[0] < 40.0
    assert 0 < pixels[0, 0] < 1280
    assert 0 < pixels[0, 1] < 720


def test_the_built_in_performer_walks_into_nothing(model):
    # The built-in walk circles 3 m from the origin; nothing but the floor may stand
    # within a body's reach (0.35 m) of its hips' path, from knee to head height.
    take = walking_take(16, 12)
    times = np.linspace(0.0, float(take.duration), 200)
    hips = take.world_positions_at(times)[:, take.skeleton.index("Hips")]
    assert np.ptp(hips[:, 0]) > 5.0  # the whole circle
    body = np.concatenate([np.column_stack([hips[:, :2], np.full(len(hips), z)])
                           for z in (0.4, 1.0, 1.7)])
    floor = {"asphalt", "pavement", "paving", "road_paint"}
    reach = np.array([0.35, 0.35, 0.0])
    for part in model.parts:
        if part.name in floor:
            continue
        corners = part.vertices[part.triangles]
        low, high = corners.min(axis=1) - reach, corners.max(axis=1) + reach
        near = np.all((body[:, None] >= low[None]) & (body[:, None] <= high[None]), axis=2)
        assert not near.any(), part.name
