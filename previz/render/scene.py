"""A stage scene on a pyvista plotter: the set, performers, the camera and overlays.

The same :class:`StageScene` drives off-screen frames (:mod:`previz.render.frame`)
and the desktop tools' viewports, so what the director frames in ``previz
scout`` is what ``previz render`` and ``previz frames`` write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from previz.core.projection import ViewCamera
from previz.core.set_model import SetModel
from previz.core.take import Take
from previz.render.guides import Burnins, GuideOverlay, Guides
from previz.render.meshes import add_set
from previz.render.standin import StandIn

__all__ = ["SKY", "StageScene", "add_stage_lights", "configure_fast_rendering"]

#: Background colour (a flat sky: a gradient costs a full-screen pass per frame).
SKY = "#a9bfd6"


def configure_fast_rendering(plotter: Any, *, anti_aliasing: bool = False) -> None:
    """Set a plotter up for software OpenGL: no multisampling, optional FXAA.

    Multisampling costs several times the frame time on a CPU renderer (Mesa
    llvmpipe) for little gain at previz resolutions; FXAA is a cheap
    full-screen pass when smooth edges are wanted.
    """
    plotter.ren_win.SetMultiSamples(0)
    if anti_aliasing:
        plotter.enable_anti_aliasing("fxaa")


def add_stage_lights(plotter: Any) -> None:
    """Replace a plotter's lights with a sun and a weak headlight.

    A fixed sun from the south-west, 40° high, shades walls by their facing as
    daylight does; the headlight keeps faces turned from the sun readable. Two
    lights instead of pyvista's five-light kit: on a CPU renderer lighting is
    paid per pixel, and this keeps the viewport above 24 fps.
    """
    import pyvista as pv

    plotter.remove_all_lights()
    sun = pv.Light(light_type="scene light", intensity=0.9)
    sun.set_direction_angle(50, -40)
    plotter.add_light(sun)
    plotter.add_light(pv.Light(light_type="headlight", intensity=0.35))


class StageScene:
    """The set, performer stand-ins, camera and guides on one plotter.

    Parameters
    ----------
    plotter : pyvista.Plotter
        An off-screen plotter or a Qt interactor.
    set_model : SetModel or None
        The set to show.
    takes : sequence of Take
        Performers (placed on the stage) drawn as stand-ins.
    loop : bool, keyword-only
        Loop the performers' takes.
    """

    def __init__(self, plotter: Any, set_model: SetModel | None = None,
                 takes: Sequence[Take] = (), *, loop: bool = False) -> None:
        self.plotter = plotter
        plotter.set_background(SKY)
        add_stage_lights(plotter)
        self.set_actors = add_set(plotter, set_model) if set_model is not None else []
        self.standins = [StandIn(take, loop=loop) for take in takes]
        self.standin_actors = [standin.add_to(plotter) for standin in self.standins]
        self.overlay = GuideOverlay(plotter.renderer)
        self.view: ViewCamera | None = None

    def apply_view(self, view: ViewCamera) -> None:
        """Point the plotter's camera exactly as ``view`` (pose, vertical angle, clipping)."""
        camera = self.plotter.renderer.GetActiveCamera()
        camera.SetPosition(*view.position)
        camera.SetFocalPoint(*(view.position + view.forward))
        camera.SetViewUp(*view.up)
        camera.SetViewAngle(view.vertical_fov_deg())
        camera.SetUseHorizontalViewAngle(False)
        camera.SetParallelProjection(False)
        self.plotter.renderer.ResetCameraClippingRange()
        near, far = camera.GetClippingRange()
        camera.SetClippingRange(max(near, view.clip_m[0]), min(max(far, near * 2), view.clip_m[1]))
        self.plotter.camera_set = True  # stop pyvista resetting it on the first render
        self.view = view

    def set_time(self, stage_time: float) -> None:
        """Pose every performer at ``stage_time`` seconds."""
        for standin in self.standins:
            standin.pose(stage_time)

    def set_guides(self, guides: Guides | None, frame_aspect: float) -> None:
        """Show framing guides for a frame of ``frame_aspect`` (None hides them)."""
        self.overlay.set_guides(guides, frame_aspect)

    def set_burnins(self, burnins: Burnins | None) -> None:
        """Show burn-in texts (None clears them)."""
        self.overlay.set_burnins(burnins)
