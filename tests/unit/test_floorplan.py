"""Floor plans: the set's footprint from above, camera wedges of the real angle of view,
scale, escaping and size."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from export_samples import rig_library, write_plan_folder
from previz.core.mesh_primitives import box, grid_plane
from previz.core.set_model import MeshPart, SetModel
from previz.core.shotplan import validate_plan
from previz.io.plan_assets import shot_views
from previz.io.shotplan_toml import read_plan
from previz.render.floorplan import (
    PlanCamera,
    PlanMark,
    PlanPath,
    floor_plan_svg,
    footprint,
    merge_rectangles,
    plan_floor_plan,
)

SVG = "{http://www.w3.org/2000/svg}"


def part(name: str, mesh) -> MeshPart:  # type: ignore[no-untyped-def]
    return MeshPart(name, mesh.vertices, mesh.triangles)


def small_set() -> SetModel:
    """A 20 m ground, a 4 × 2 × 3 m block at x 1..5, y -3..-1 and a 1 m cube at (-5, 5)."""
    return SetModel("test", (
        part("ground", grid_plane((20.0, 20.0), (4, 4))),
        part("block", box((4.0, 2.0, 3.0), (3.0, -2.0, 1.5))),
        part("cube", box((1.0, 1.0, 1.0), (-5.0, 5.0, 0.5))),
    ))


def test_footprint_heights_and_places() -> None:
    grid = footprint(small_set(), (-10.0, -10.0), (10.0, 10.0), 0.25)
    assert grid.shape == (80, 80)
    assert not np.isnan(grid).any()  # the ground covers every cell
    tall = np.argwhere(grid >= 2.5)
    assert len(tall) * 0.25**2 == pytest.approx(8.0)  # 4 m × 2 m, exactly on cell edges
    # row 0 is the north edge (y = 10); columns start at x = -10
    assert (tall[:, 1].min(), tall[:, 1].max()) == (44, 59)  # x from 1 to 5 m
    assert (tall[:, 0].min(), tall[:, 0].max()) == (44, 51)  # y from -1 down to -3 m
    assert grid[tall[0][0], tall[0][1]] == pytest.approx(3.0)
    low = np.argwhere((grid >= 0.5) & (grid < 2.5))
    assert len(low) == 16  # the 1 m cube
    assert set(low[:, 1]) == set(range(18, 22))  # x from -5.5 to -4.5 m
    assert set(low[:, 0]) == set(range(18, 22))  # y from 5.5 down to 4.5 m
    assert np.count_nonzero(grid == 0.0) == 80 * 80 - 128 - 16


def test_footprint_of_an_empty_area() -> None:
    grid = footprint(small_set(), (30.0, 30.0), (32.0, 31.0), 0.5)
    assert grid.shape == (2, 4)
    assert np.isnan(grid).all()


def test_merged_rectangles_cover_the_mask_exactly() -> None:
    rng = np.random.default_rng(7)
    mask = rng.random((40, 60)) < 0.6
    mask[5:20, 10:30] = True
    rebuilt = np.zeros(mask.shape, dtype=int)
    rectangles = merge_rectangles(mask)
    for column, row, width, height in rectangles:
        rebuilt[row:row + height, column:column + width] += 1
    assert (rebuilt == mask).all()  # every cell once, none twice
    assert len(rectangles) < mask.sum()
    assert merge_rectangles(np.ones((10, 10), dtype=bool)) == [(0, 0, 10, 10)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def circle_centres(root: ET.Element) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy")))
            for g in root.iter(f"{SVG}g") if g.get("class") == "camera"
            for c in g.iter(f"{SVG}circle")]


def wedge(root: ET.Element, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "camera"]
    d = next(p.get("d") for p in groups[index].iter(f"{SVG}path"))
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    apex = np.array(numbers[0:2])
    left = np.array(numbers[2:4])
    right = np.array(numbers[-2:])
    return apex, left, right


def angle_between(a: np.ndarray, b: np.ndarray) -> float:
    return math.degrees(math.acos(np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b)))


def test_wedge_scale_and_directions() -> None:
    cameras = [
        PlanCamera("north", [[0.0, 0.0, 1.5]], forward=[0.0, 1.0, 0.0], hfov_deg=60.0,
                   reach_m=5.0),
        PlanCamera("west", [[4.0, 0.0, 1.5]], forward=[-1.0, 0.0, -0.2], hfov_deg=30.0,
                   reach_m=2.0),
    ]
    root = parse(floor_plan_svg(None, cameras))
    (ax, ay), (bx, by) = circle_centres(root)
    scale = math.hypot(bx - ax, by - ay) / 4.0  # pixels per metre
    assert by == pytest.approx(ay, abs=0.11)  # same y on the stage: same row
    apex, left, right = wedge(root, 0)
    assert apex == pytest.approx([ax, ay], abs=0.11)
    assert angle_between(left - apex, right - apex) == pytest.approx(60.0, abs=0.1)
    bisector = (left - apex) + (right - apex)
    assert angle_between(bisector, np.array([0.0, -1.0])) == pytest.approx(0.0, abs=0.1)  # north
    assert np.linalg.norm(left - apex) == pytest.approx(5.0 * scale, abs=0.15)
    apex, left, right = wedge(root, 1)
    assert angle_between(left - apex, right - apex) == pytest.approx(30.0, abs=0.1)
    bisector = (left - apex) + (right - apex)
    assert angle_between(bisector, np.array([-1.0, 0.0])) == pytest.approx(0.0, abs=0.1)  # west
    assert np.linalg.norm(left - apex) == pytest.approx(2.0 * scale, abs=0.15)
    # the scale bar: "N m" long in the same pixels per metre
    bar = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "scale")
    length = float(re.search(r"h(\d+(?:\.\d+)?)", bar.find(f"{SVG}path").get("d")).group(1))
    metres = float(bar.find(f"{SVG}text").text.split()[0])
    assert length == pytest.approx(metres * scale, abs=0.1)


def test_labels_are_escaped() -> None:
    nasty = '<script>alert(1)</script> "quoted" & \'single\''
    svg = floor_plan_svg(
        small_set(),
        [PlanCamera(nasty, [[0.0, -5.0, 1.5], [1.0, -5.0, 1.5]], [0.0, 1.0, 0.0], 50.0, 4.0)],
        [PlanPath(nasty, [[0.0, 0.0], [1.0, 1.0]], 0)],
        [PlanMark(nasty, (2.0, 2.0, 1.6))],
        title=nasty,
    )
    assert "<script" not in svg
    assert ("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#x27;single&#x27;"
            in svg)
    root = parse(svg)  # well-formed XML
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count(nasty) == 3  # camera, performer and mark labels read back as the text
    assert root.find(f"{SVG}title").text == nasty
    assert not list(root.iter(f"{SVG}script"))


def test_footprint_bands_in_the_drawing() -> None:
    root = parse(floor_plan_svg(small_set(), margin_m=None))
    bands = {p.get("class"): p.get("d") for p in root.iter(f"{SVG}path") if p.get("class")}
    assert set(bands) == {"ground", "low", "tall"}
    # 20 m across / 300 cells rounds up to 0.1 m cells; the grid's corner is at (-10, 10):
    # the block spans columns (1 + 10) / 0.1 = 110 to 150 and rows (10 + 1) / 0.1 = 110 to 130
    assert bands["tall"] == "M110 110h40v20h-40z"
    assert bands["ground"].count("z") == 1  # the whole ground in one rectangle


def test_plan_floor_plan_uses_the_real_angle_of_view(tmp_path: Path) -> None:
    library = rig_library(tmp_path / "rigs")
    plan = validate_plan(read_plan(write_plan_folder(tmp_path / "plan")), library)
    svg = plan_floor_plan(plan, library)
    assert len(svg.encode()) < 40_000
    root = parse(svg)
    labels = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "camera"
              for t in g.iter(f"{SVG}text")]
    assert labels == ["010", "020", "030"]
    for index, shot_id in enumerate(["010", "030"]):
        view = shot_views(plan, shot_id, library)[0].view
        apex, left, right = wedge(root, [0, 2][index])
        assert angle_between(left - apex, right - apex) == pytest.approx(
            view.horizontal_fov_deg(), abs=0.2)
    marks = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "mark"
             for t in g.iter(f"{SVG}text")]
    assert marks == ["A", "B"]
    performers = [g for g in root.iter(f"{SVG}g") if g.get("class") == "performer"]
    assert len(performers) == 3  # the stand-in during each shot
