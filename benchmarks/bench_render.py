"""Off-screen frame rate: previz frames beside raw pyvista rendering of the same meshes.

For the built-in demo set and a generated 1M-triangle set, at 1280x720 and
1920x1080, this renders the same moving camera two ways in one process, rounds
interleaved so machine noise hits both alike:

- raw: a pyvista plotter with the set's meshes (same colours and textures, same
  lights, same no-multisampling window), ``render()`` + ``screenshot()`` per frame;
- previz: :class:`previz.render.frame.FrameRenderer` with framing guides,
  burn-ins and a walking performer stand-in posed per frame.

It prints frames per second and the ratio previz / raw (target: >= 0.9).

Run: ``python benchmarks/bench_render.py [--frames N] [--rounds R]``
"""

from __future__ import annotations

import argparse
import gc
import math
import time
from typing import Any

import numpy as np
import pyvista as pv
import vtk

from previz.core.projection import ViewCamera
from previz.core.set_model import Material, MeshPart, SetModel
from previz.core.synthetic import walking_take
from previz.io.set_source import load_set
from previz.render.frame import FrameRenderer, lens_burnins
from previz.render.guides import Guides
from previz.render.meshes import part_mesh
from previz.render.scene import add_stage_lights, configure_fast_rendering


def million_triangle_set() -> SetModel:
    """A 1M-triangle rolling terrain (707 x 707 quads) with a ring of tall blocks."""
    n = 708
    x, y = np.meshgrid(np.linspace(-60, 60, n), np.linspace(-60, 60, n))
    z = 0.6 * np.sin(x / 7.0) * np.cos(y / 9.0) + 0.15 * np.sin(x * 1.3 + y * 0.7)
    vertices = np.column_stack([x.ravel(), y.ravel(), z.ravel()])
    index = np.arange(n * n).reshape(n, n)
    a, b = index[:-1, :-1].ravel(), index[:-1, 1:].ravel()
    c, d = index[1:, 1:].ravel(), index[1:, :-1].ravel()
    triangles = np.concatenate([np.column_stack([a, b, c]), np.column_stack([a, c, d])])
    ground = MeshPart("terrain", vertices, triangles, Material(base_color=(0.45, 0.55, 0.35)))
    blocks = []
    for k in range(12):
        angle = 2 * math.pi * k / 12
        box = pv.Box(bounds=(-3, 3, -3, 3, 0, 8 + 2 * (k % 4))).triangulate()
        points = np.asarray(box.points) + np.array([30 * math.cos(angle), 30 * math.sin(angle), 0])
        blocks.append(MeshPart(f"block{k}", points, box.regular_faces,
                               Material(base_color=(0.7, 0.6, 0.5))))
    return SetModel("terrain-1M", [ground, *blocks])


def views(size: tuple[int, int], count: int) -> list[ViewCamera]:
    """A slow dolly-and-pan move at eye height through the middle of the set."""
    return [
        ViewCamera.from_pan_tilt_roll(
            [-6.0 + 12.0 * k / count, -14.0, 1.7], [20.0 - 40.0 * k / count, -4.0, 0.0],
            focal_mm=32.0, size=size, focus_m=8.0)
        for k in range(count)
    ]


class RawPyvista:
    """The same meshes on a bare pyvista plotter."""

    def __init__(self, model: SetModel, size: tuple[int, int]) -> None:
        self.plotter: Any = pv.Plotter(off_screen=True, window_size=size)
        configure_fast_rendering(self.plotter)
        add_stage_lights(self.plotter)  # the same lights, so only previz's extras differ
        for part in model.parts:
            options: dict[str, Any] = {"color": part.material.base_color[:3]}
            if part.material.texture is not None and part.uvs is not None:
                options["texture"] = pv.Texture(part.material.texture)
            elif part.colors is not None:
                options = {"scalars": "colors", "rgb": True}
            self.plotter.add_mesh(part_mesh(part), **options)

    def render(self, view: ViewCamera) -> np.ndarray:
        camera = self.plotter.camera
        camera.position = tuple(view.position)
        camera.focal_point = tuple(view.position + view.forward)
        camera.up = tuple(view.up)
        camera.view_angle = view.vertical_fov_deg()
        self.plotter.camera_set = True
        self.plotter.renderer.ResetCameraClippingRange()
        self.plotter.render()
        return self.plotter.screenshot(return_img=True)

    def close(self) -> None:
        self.plotter.close()


class PrevizFrames:
    """previz frames: guides, burn-ins and a performer."""

    def __init__(self, model: SetModel, size: tuple[int, int]) -> None:
        take = walking_take(seconds=10.0, rate=30).with_placement(position=(0.0, -6.0, 0.0))
        self.renderer = FrameRenderer(model, size, [take], guides=Guides(aspects=(2.39,)))
        self.frame = 0

    def render(self, view: ViewCamera) -> np.ndarray:
        self.frame += 1
        burnins = lens_burnins(view, shot="010", body="arri-alexa-35:open-gate",
                               lens="Cooke S4/i 32", frame=1000 + self.frame,
                               timecode=f"01:00:{self.frame // 24 % 60:02d}:{self.frame % 24:02d}")
        return self.renderer.render(view, stage_time=self.frame / 24, burnins=burnins)

    def close(self) -> None:
        self.renderer.close()


def measure(model: SetModel, size: tuple[int, int], frames: int, rounds: int) -> dict[str, float]:
    """Best frames/s of each contender over interleaved rounds."""
    contenders = {"raw pyvista": RawPyvista(model, size), "previz": PrevizFrames(model, size)}
    path = views(size, frames)
    best = dict.fromkeys(contenders, 0.0)
    for contender in contenders.values():  # warm up: first frame uploads the meshes
        contender.render(path[0])
    gc.disable()
    try:
        for _ in range(rounds):
            for name, contender in contenders.items():
                start = time.perf_counter()
                for view in path:
                    contender.render(view)
                best[name] = max(best[name], frames / (time.perf_counter() - start))
    finally:
        gc.enable()
        for contender in contenders.values():
            contender.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=40, help="frames per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    vtk.vtkObject.GlobalWarningDisplayOff()
    sets = [load_set("builtin:demo"), million_triangle_set()]
    print(f"{'set':<14} {'triangles':>10} {'size':>10} {'raw fps':>8} {'previz fps':>10} "
          f"{'ratio':>6}")
    for model in sets:
        for size in ((1280, 720), (1920, 1080)):
            best = measure(model, size, args.frames, args.rounds)
            raw, ours = best["raw pyvista"], best["previz"]
            print(f"{model.name:<14} {model.triangle_count:>10,} {size[0]:>5}x{size[1]:<4} "
                  f"{raw:>8.1f} {ours:>10.1f} {ours / raw:>6.2f}")


if __name__ == "__main__":
    main()
