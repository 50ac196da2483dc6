"""The scouting viewport on pyvistaqt: exactly the camera's frame, letterboxed in a Qt widget.

:class:`ScoutViewport` is a pyvistaqt ``QtInteractor`` (a pyvista plotter in a
``QOpenGLWidget``) showing a :class:`~previz.render.scene.StageScene` through
the session's camera. The render viewport keeps the output frame's aspect
inside the widget (letterbox or pillarbox bars around it), so the picture,
guides and burn-ins are what ``previz render`` writes at that size (the
drawing is :class:`~previz.app.viewport_base.QtFrameWidget`'s).

VTK's own interaction (trackball style, pyvista's key bindings) is switched
off; :class:`~previz.app.camera_controls.CameraControls` turns keys and drags
into session calls. See :mod:`previz.app.raster_viewport` for the other
viewport, which draws the same scene off-screen and shows it as an image.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal

from previz.app.camera_controls import BAR_COLOR, KEY_MOVES, CameraControls, letterbox
from previz.app.session import ScoutSession
from previz.app.viewport_base import QtFrameWidget
from previz.render.scene import StageScene

__all__ = ["BAR_COLOR", "KEY_MOVES", "ScoutViewport", "letterbox"]


class ScoutViewport(CameraControls, QtFrameWidget):
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
        QtFrameWidget.__init__(self, parent, lighting="light kit")
        self.scene = StageScene(self, session.set_model, session.takes)
        self._start_controls(session)

    @property
    def frame_aspect(self) -> float:  # type: ignore[override]
        """Width over height of the session's output frame."""
        return self.session.frame_aspect

    def close(self) -> None:
        """Stop the navigation and release the render window."""
        self._stop_controls()
        super().close()
