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
(:class:`~previz.app.camera_controls.CameraControls`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyvista as pv
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from previz.app.camera_controls import BAR_COLOR, CameraControls, letterbox
from previz.app.session import ScoutSession
from previz.render.scene import StageScene, configure_fast_rendering

__all__ = ["RasterViewport"]


class RasterViewport(CameraControls, QWidget):
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
        QWidget.__init__(self, parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._frame_size = (16, 9)
        self.plotter: Any = pv.Plotter(off_screen=True, window_size=self._frame_size,
                                       lighting="light kit")
        configure_fast_rendering(self.plotter)
        self.scene = StageScene(self.plotter, session.set_model, session.takes)
        self._rect = (0, 0, 16, 9)
        self._image: QImage | None = None
        self._pixels: NDArray[np.uint8] | None = None
        self._closed = False
        self._start_controls(session)

    # ------------------------------------------------------------ frames
    def resizeEvent(self, event: Any) -> None:
        """Size the off-screen frame to the letterboxed frame of the widget."""
        super().resizeEvent(event)
        ratio = self.devicePixelRatioF()
        width, height = round(self.width() * ratio), round(self.height() * ratio)
        self._rect = letterbox(width, height, self.session.frame_aspect)
        size = self._rect[2:]
        if size != self._frame_size and not self._closed:
            self._frame_size = size
            self.plotter.window_size = size
            self._frame_changed()

    def _render(self) -> NDArray[np.uint8]:
        self.sync()
        self.plotter.render()  # screenshot() alone re-reads the last frame after the first
        return np.asarray(self.plotter.screenshot(return_img=True))

    def paintEvent(self, event: Any) -> None:
        """Render the frame and draw it with its bars."""
        if self._closed:
            return
        pixels = np.ascontiguousarray(self._render()[:, :, :3])
        height, width = pixels.shape[:2]
        self._pixels = pixels  # the QImage borrows this memory
        image = QImage(pixels.data, width, height, 3 * width, QImage.Format.Format_RGB888)
        ratio = self.devicePixelRatioF()
        image.setDevicePixelRatio(ratio)
        x, y, w, h = self._rect
        painter = QPainter(self)
        if (w, h) != (round(self.width() * ratio), round(self.height() * ratio)):
            painter.fillRect(self.rect(), QColor.fromRgbF(*BAR_COLOR))
        painter.drawImage(QPointF(x / ratio, y / ratio), image)
        painter.end()
        self.frames_drawn += 1

    @property
    def frame_rect(self) -> tuple[int, int, int, int]:
        """The frame inside the widget: ``(x, y, w, h)`` device pixels, ``y`` from the top."""
        return self._rect

    def grab_frame(self) -> NDArray[np.uint8]:
        """Render now and return the frame's pixels, shape (h, w, 3)."""
        return np.ascontiguousarray(self._render()[:, :, :3])

    def grab_window(self) -> NDArray[np.uint8]:
        """The whole widget as shown (frame and bars), shape (H, W, 3)."""
        image = self.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
        width, height = image.width(), image.height()
        data = np.frombuffer(image.constBits(), dtype=np.uint8,
                             count=image.bytesPerLine() * height)
        return data.reshape(height, image.bytesPerLine())[:, :3 * width].reshape(
            height, width, 3).copy()

    def close(self) -> bool:
        """Stop the navigation and release the off-screen plotter."""
        if not self._closed:
            self._closed = True
            self._stop_controls()
            self.plotter.close()
        return bool(super().close())
