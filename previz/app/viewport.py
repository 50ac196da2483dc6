"""The scouting viewport on pyvistaqt: exactly the camera's frame, letterboxed in a Qt widget.

:class:`ScoutViewport` is a pyvistaqt ``QtInteractor`` (a pyvista plotter in a
``QOpenGLWidget``) showing a :class:`~previz.render.scene.StageScene` through
the session's camera. The render viewport keeps the output frame's aspect
inside the widget (letterbox or pillarbox bars around it), so the picture,
guides and burn-ins are what ``previz render`` writes at that size.

VTK's own interaction (trackball style, pyvista's key bindings) is switched
off; :class:`~previz.app.camera_controls.CameraControls` turns keys and drags
into session calls. See :mod:`previz.app.raster_viewport` for the other
viewport, which draws the same scene off-screen and shows it as an image.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtGui import QSurfaceFormat
from pyvistaqt import QtInteractor

from previz.app.camera_controls import BAR_COLOR, KEY_MOVES, CameraControls, letterbox
from previz.app.session import ScoutSession
from previz.render.scene import StageScene, configure_fast_rendering

__all__ = ["BAR_COLOR", "KEY_MOVES", "ScoutViewport", "letterbox"]


def _no_vsync() -> None:
    """Do not wait for the display's refresh on swap: a CPU renderer needs every millisecond.

    Must run before the top-level window is created (pyvistaqt installs its
    default surface format when the widget is made).
    """
    surface = QSurfaceFormat.defaultFormat()
    surface.setSwapInterval(0)
    QSurfaceFormat.setDefaultFormat(surface)


class ScoutViewport(CameraControls, QtInteractor):
    """A pyvistaqt viewport showing the session's camera frame.

    Parameters
    ----------
    session : ScoutSession
        The session (its set, performers and camera).
    parent : QWidget or None
        Qt parent.

    Attributes
    ----------
    frames_drawn : int
        Frames rendered into the widget so far (for frame-rate measurements).
    """

    #: Space pressed in the viewport: play or pause the timeline.
    play_toggled = Signal()

    def __init__(self, session: ScoutSession, parent: Any = None) -> None:
        QtInteractor.__init__(self, parent, auto_update=False, multi_samples=0,
                              lighting="light kit")
        _no_vsync()
        configure_fast_rendering(self)
        self._quiet_vtk_interaction()
        self._add_backdrop()
        self.scene = StageScene(self, session.set_model, session.takes)
        self._rect = (0, 0, 1, 1)
        self._start_controls(session)

    # ------------------------------------------------------------ setup
    def _quiet_vtk_interaction(self) -> None:
        """No VTK interactor style and no pyvista key bindings: the session drives the camera."""
        from vtkmodules.vtkInteractionStyle import vtkInteractorStyleUser

        interactor = self.iren.interactor if self.iren is not None else None
        if interactor is not None:
            interactor.SetInteractorStyle(vtkInteractorStyleUser())
            for event in ("KeyPressEvent", "KeyReleaseEvent", "CharEvent"):
                interactor.RemoveObservers(event)

    def _add_backdrop(self) -> None:
        """A full-window renderer drawn first: the letterbox bars' colour."""
        from vtkmodules.vtkRenderingCore import vtkRenderer

        self.backdrop = vtkRenderer()
        self.backdrop.SetBackground(*BAR_COLOR)
        self.backdrop.SetViewport(0.0, 0.0, 1.0, 1.0)
        self.backdrop.InteractiveOff()
        window = self.ren_win
        window.RemoveRenderer(self.renderer)
        window.AddRenderer(self.backdrop)
        window.AddRenderer(self.renderer)

    # ------------------------------------------------------------ frames
    def paintGL(self) -> None:
        """Render a frame with the session's latest state."""
        self.sync()
        super().paintGL()
        self.frames_drawn += 1

    def resizeGL(self, width: int, height: int) -> None:
        """Keep the render viewport at the frame's aspect inside the widget."""
        super().resizeGL(width, height)
        self.fit_frame()

    def fit_frame(self) -> None:
        """Set the render viewport to the letterboxed frame of the current widget size."""
        window_w, window_h = self.ren_win.GetSize()
        x, y, w, h = letterbox(window_w, window_h, self.session.frame_aspect)
        self._rect = (x, y, w, h)
        self.backdrop.SetDraw(w < window_w or h < window_h)  # no bars: no extra clear
        self.renderer.SetViewport(x / window_w, y / window_h, (x + w) / window_w,
                                  (y + h) / window_h)
        self._frame_changed()

    @property
    def frame_rect(self) -> tuple[int, int, int, int]:
        """The frame inside the widget: ``(x, y, w, h)`` device pixels, ``y`` from the top."""
        x, y, w, h = self._rect
        _window_w, window_h = self.ren_win.GetSize()
        return x, window_h - y - h, w, h

    def grab_frame(self) -> NDArray[np.uint8]:
        """Render now and return the frame's pixels (no bars), shape (h, w, 3)."""
        self.sync()
        self.render()  # the screenshot reads the last frame rendered
        image = np.asarray(self.screenshot(return_img=True))
        x, y, w, h = self.frame_rect
        return np.ascontiguousarray(image[y:y + h, x:x + w, :3])

    def grab_window(self) -> NDArray[np.uint8]:
        """Render now and return the whole widget's pixels (frame and bars), shape (H, W, 3)."""
        self.sync()
        self.render()
        return np.ascontiguousarray(np.asarray(self.screenshot(return_img=True))[:, :, :3])

    def close(self) -> None:
        """Stop the navigation and release the render window."""
        self._stop_controls()
        super().close()
