"""The scouting viewport as an image: the scene rendered off-screen, drawn by Qt.

:class:`RasterViewport` renders the same :class:`~previz.render.scene.StageScene`
as :class:`~previz.render.frame.FrameRenderer` (an off-screen pyvista plotter
at the frame's pixel size) and paints each frame into a plain ``QWidget``,
with the letterbox bars around it. The window then needs no OpenGL
composition, which on a CPU renderer (Mesa llvmpipe) costs more per frame
than reading the pixels back: on 2 cores at 1280x720 (demo set, a performer,
guides and burn-ins) this viewport draws about 37 frames per second where the
pyvistaqt one (:mod:`previz.app.viewport`) draws about 25. Its picture is the
still's by construction. Input is the same
(:class:`~previz.app.camera_controls.CameraControls`); the drawing is
:class:`~previz.app.viewport_base.RasterFrameWidget`'s.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal

from previz.app.camera_controls import CameraControls
from previz.app.session import ScoutSession
from previz.app.viewport_base import RasterFrameWidget
from previz.render.scene import StageScene

__all__ = ["RasterViewport"]


class RasterViewport(CameraControls, RasterFrameWidget):
    """A viewport that shows the session's camera frame as an off-screen rendered image.

    Parameters
    ----------
    session : ScoutSession
        The session (its set, performers and camera).
    parent : QWidget or None
        Qt parent.

    Attributes
    ----------
    plotter : pyvista.Plotter
        The off-screen plotter, sized to the frame in device pixels.
    frames_drawn : int
        Frames rendered and shown so far (for frame-rate measurements).
    """

    #: Space pressed in the viewport: play or pause the timeline.
    play_toggled = Signal()

    def __init__(self, session: ScoutSession, parent: Any = None) -> None:
        RasterFrameWidget.__init__(self, parent, lighting="light kit")
        self.scene = StageScene(self.plotter, session.set_model, session.takes)
        self._start_controls(session)

    @property
    def frame_aspect(self) -> float:  # type: ignore[override]
        """Width over height of the session's output frame."""
        return self.session.frame_aspect

    def close(self) -> bool:
        """Stop the navigation and release the off-screen plotter."""
        if not self._closed:
            self._stop_controls()
        return super().close()
