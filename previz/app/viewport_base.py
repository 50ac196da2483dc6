"""What the scout's and the live camera's viewports share: the two ways of drawing a frame.

A viewport shows a :class:`~previz.render.scene.StageScene` through a camera,
letterboxed to the output frame's aspect inside the widget (bars around it).
Two widget bases draw it; the tools add what moves the camera:

- :class:`RasterFrameWidget` renders off-screen (a pyvista plotter at the
  frame's pixel size) and paints the image into a plain ``QWidget``;
- :class:`QtFrameWidget` draws with pyvistaqt into an OpenGL widget, the
  render viewport set to the frame inside the window.

A subclass sets ``self.scene`` and provides ``frame_aspect`` (width over
height of the frame), ``frames_drawn``, ``sync()`` (apply pending changes to
the scene, called just before each render) and ``_frame_changed()`` (the
frame's pixel size changed; :class:`~previz.app.frame_parts.FrameParts` has it).
:class:`~previz.app.camera_controls.CameraControls` (``previz scout``) and
:class:`~previz.app.live_viewport.LiveFrames` (``previz live``) are those mixins.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyvista as pv
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QSurfaceFormat
from PySide6.QtWidgets import QWidget
from pyvistaqt import QtInteractor

import previz.app.qt_compat  # noqa: F401  (before any Qt call)
from previz.app.camera_controls import BAR_COLOR, letterbox
from previz.errors import InputError
from previz.render.scene import configure_fast_rendering

__all__ = ["DEFAULT_VIEWPORT", "VIEWPORTS", "QtFrameWidget", "RasterFrameWidget",
           "check_viewport", "no_vsync"]

#: Viewport kinds: ``raster`` renders off-screen and shows the image; ``qt`` draws
#: with pyvistaqt into an OpenGL widget. Both show the same pixels; on a CPU
#: renderer (Mesa llvmpipe, 2 cores) raster draws ~37 frames/s at 1280x720 on
#: the demo set with a performer where qt draws ~25 (the window's OpenGL
#: composition costs more than reading the pixels back).
VIEWPORTS = ("raster", "qt")
DEFAULT_VIEWPORT = "raster"


def check_viewport(kind: str) -> str:
    """Return ``kind`` if it is one of :data:`VIEWPORTS`.

    Raises
    ------
    InputError
        For an unknown kind, naming the valid ones.
    """
    if kind not in VIEWPORTS:
        raise InputError(f"unknown viewport {kind!r}; valid: {', '.join(VIEWPORTS)}")
    return kind


def no_vsync() -> None:
    """Do not wait for the display's refresh on swap: a CPU renderer needs every millisecond.

    Must run before the top-level window is created (pyvistaqt installs its
    default surface format when the widget is made).
    """
    surface = QSurfaceFormat.defaultFormat()
    surface.setSwapInterval(0)
    QSurfaceFormat.setDefaultFormat(surface)


class RasterFrameWidget(QWidget):
    """A widget that renders the frame off-screen and paints the image with its bars.

    Parameters
    ----------
    parent : QWidget or None
        Qt parent.
    lighting : str
        The off-screen plotter's lighting (as :class:`pyvista.Plotter` takes it).

    Attributes
    ----------
    plotter : pyvista.Plotter
        The off-screen plotter, sized to the frame in device pixels.
    """

    frame_aspect: float
    frames_drawn: int

    def __init__(self, parent: Any = None, *, lighting: str) -> None:
        QWidget.__init__(self, parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._frame_size = (16, 9)
        self.plotter: Any = pv.Plotter(off_screen=True, window_size=self._frame_size,
                                       lighting=lighting)
        configure_fast_rendering(self.plotter)
        self._rect = (0, 0, 16, 9)
        self._pixels: NDArray[np.uint8] | None = None
        self._closed = False

    def sync(self) -> None:
        """Apply pending changes to the scene (the subclass's mixin does)."""
        raise NotImplementedError

    def _frame_changed(self) -> None:
        raise NotImplementedError

    def resizeEvent(self, event: Any) -> None:
        """Size the off-screen frame to the letterboxed frame of the widget."""
        super().resizeEvent(event)
        ratio = self.devicePixelRatioF()
        width, height = round(self.width() * ratio), round(self.height() * ratio)
        self._rect = letterbox(width, height, self.frame_aspect)
        size = self._rect[2:]
        if size != self._frame_size and not self._closed:
            self._frame_size = size
            self.plotter.window_size = size
            self._frame_changed()

    def _render(self) -> NDArray[np.uint8]:
        self.sync()
        self.plotter.render()  # screenshot() alone re-reads the last frame after the first
        return np.ascontiguousarray(
            np.asarray(self.plotter.screenshot(return_img=True))[:, :, :3])

    def paintEvent(self, event: Any) -> None:
        """Render the frame and draw it with the bars around it."""
        if self._closed:
            return
        pixels = self._render()
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
        return self._render()

    def grab_window(self) -> NDArray[np.uint8]:
        """The whole widget as shown (frame and bars), shape (H, W, 3)."""
        image = self.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
        width, height = image.width(), image.height()
        data = np.frombuffer(image.constBits(), dtype=np.uint8,
                             count=image.bytesPerLine() * height)
        return data.reshape(height, image.bytesPerLine())[:, :3 * width].reshape(
            height, width, 3).copy()

    def close(self) -> bool:
        """Release the off-screen plotter and close the widget."""
        if not self._closed:
            self._closed = True
            self.plotter.close()
        return bool(super().close())


class QtFrameWidget(QtInteractor):
    """A pyvistaqt widget that draws the frame letterboxed inside its OpenGL window.

    VTK's own interaction (trackball style, pyvista's key bindings) is switched
    off: only the subclass moves the camera.

    Parameters
    ----------
    parent : QWidget or None
        Qt parent.
    lighting : str
        The plotter's lighting (as :class:`pyvista.Plotter` takes it).

    Attributes
    ----------
    backdrop : vtkRenderer
        A full-window renderer drawn first, in the colour of the bars.
    """

    frame_aspect: float
    frames_drawn: int

    def __init__(self, parent: Any = None, *, lighting: str) -> None:
        QtInteractor.__init__(self, parent, auto_update=False, multi_samples=0,
                              lighting=lighting)
        no_vsync()
        configure_fast_rendering(self)
        self._quiet_vtk_interaction()
        self._add_backdrop()
        self._rect = (0, 0, 1, 1)

    def sync(self) -> None:
        """Apply pending changes to the scene (the subclass's mixin does)."""
        raise NotImplementedError

    def _frame_changed(self) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ setup
    def _quiet_vtk_interaction(self) -> None:
        """No VTK interactor style and no pyvista key bindings."""
        from vtkmodules.vtkInteractionStyle import vtkInteractorStyleUser

        interactor = self.iren.interactor if self.iren is not None else None
        if interactor is not None:
            interactor.SetInteractorStyle(vtkInteractorStyleUser())
            for event in ("KeyPressEvent", "KeyReleaseEvent", "CharEvent"):
                interactor.RemoveObservers(event)

    def _add_backdrop(self) -> None:
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
        """Render a frame with the latest state."""
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
        x, y, w, h = letterbox(window_w, window_h, self.frame_aspect)
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
