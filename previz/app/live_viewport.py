"""The live camera app's viewport: the set through the tracked camera, letterboxed.

Two widgets show the same :class:`~previz.render.scene.StageScene` through a
:class:`~previz.core.projection.ViewCamera` the window hands them with
:meth:`LiveFrames.show_frame` (the window computes it from the session's
latest sample at its own frame rate; nothing here reads the network):

- :class:`LiveRasterViewport` renders off-screen and paints the image into a
  plain ``QWidget`` (the faster one on a CPU renderer, as in ``previz scout``);
- :class:`LiveQtViewport` draws with pyvistaqt into an OpenGL widget.

Neither takes keys or drags: the device moves the camera.
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
from previz.core.projection import ViewCamera
from previz.core.set_model import SetModel
from previz.errors import InputError
from previz.render.guides import Burnins, Guides
from previz.render.scene import StageScene, configure_fast_rendering

__all__ = ["VIEWPORTS", "LiveFrames", "LiveQtViewport", "LiveRasterViewport",
           "make_live_viewport"]

#: Viewport kinds, as in ``previz scout``.
VIEWPORTS = ("raster", "qt")


class LiveFrames:
    """Mixin: the frame a viewport shows next, applied to its scene just before it renders.

    The widget sets ``self.scene``, calls :meth:`_start_frames` from its
    ``__init__`` and :meth:`sync` before each render.
    """

    scene: StageScene
    frame_aspect: float
    frames_drawn: int

    def _start_frames(self, frame_aspect: float) -> None:
        self.frame_aspect = float(frame_aspect)
        self.frames_drawn = 0
        self.shown_view: ViewCamera | None = None
        self.shown_guides: Guides | None = None
        self.shown_burnins: Burnins | None = None
        self._dirty: set[str] = set()
        self.setMinimumSize(320, 180)  # type: ignore[attr-defined]

    def show_frame(self, view: ViewCamera, guides: Guides | None,
                   burnins: Burnins | None) -> bool:
        """Show this view with these guides and burn-ins from the next frame on.

        Returns whether anything changed (and a frame was asked for).
        """
        if view is not self.shown_view:
            self.shown_view = view
            self._dirty.add("view")
        if guides != self.shown_guides:
            self.shown_guides = guides
            self._dirty.add("guides")
        if burnins != self.shown_burnins:
            self.shown_burnins = burnins
            self._dirty.add("burnins")
        if not self._dirty:
            return False
        self.update()  # type: ignore[attr-defined]
        return True

    def _frame_changed(self) -> None:
        """The frame's pixel size changed: the burn-in text size follows."""
        self._dirty.update({"burnins", "view"})
        self.update()  # type: ignore[attr-defined]

    def sync(self) -> None:
        """Apply the pending view, guides and burn-ins to the scene."""
        dirty, self._dirty = self._dirty, set()
        if "view" in dirty and self.shown_view is not None:
            self.scene.apply_view(self.shown_view)
        if "guides" in dirty:
            self.scene.set_guides(self.shown_guides, self.frame_aspect)
        if "burnins" in dirty:
            self.scene.set_burnins(self.shown_burnins)

    def burnin_texts(self) -> dict[str, str]:
        """The burn-ins shown, by slot (see :data:`previz.render.guides.BURNIN_SLOTS`)."""
        return dict(self.shown_burnins.texts) if self.shown_burnins is not None else {}

    @property
    def pending(self) -> frozenset[str]:
        """Scene parts still to update before the next frame."""
        return frozenset(self._dirty)


class LiveRasterViewport(LiveFrames, QWidget):
    """The scene rendered off-screen at the letterboxed frame's size and painted as an image.

    Parameters
    ----------
    set_model : SetModel or None
        The set.
    frame_aspect : float
        Width over height of the output frame.
    parent : QWidget or None
    """

    def __init__(self, set_model: SetModel | None, frame_aspect: float,
                 parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._frame_size = (16, 9)
        self.plotter: Any = pv.Plotter(off_screen=True, window_size=self._frame_size,
                                       lighting="none")
        configure_fast_rendering(self.plotter)
        self.scene = StageScene(self.plotter, set_model)
        self._rect = (0, 0, 16, 9)
        self._pixels: NDArray[np.uint8] | None = None
        self._closed = False
        self._start_frames(frame_aspect)

    def resizeEvent(self, event: Any) -> None:
        """Size the off-screen frame to the letterboxed frame of the widget."""
        super().resizeEvent(event)
        ratio = self.devicePixelRatioF()
        self._rect = letterbox(round(self.width() * ratio), round(self.height() * ratio),
                               self.frame_aspect)
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

    def close(self) -> bool:
        """Release the off-screen plotter."""
        if not self._closed:
            self._closed = True
            self.plotter.close()
        return bool(super().close())


def _no_vsync() -> None:
    """Swap without waiting for the display (set before the window is made)."""
    surface = QSurfaceFormat.defaultFormat()
    surface.setSwapInterval(0)
    QSurfaceFormat.setDefaultFormat(surface)


class LiveQtViewport(LiveFrames, QtInteractor):
    """The scene in a pyvistaqt OpenGL widget, letterboxed to the frame's aspect.

    Parameters are those of :class:`LiveRasterViewport`.
    """

    def __init__(self, set_model: SetModel | None, frame_aspect: float,
                 parent: QWidget | None = None) -> None:
        QtInteractor.__init__(self, parent, auto_update=False, multi_samples=0,
                              lighting="none")
        _no_vsync()
        configure_fast_rendering(self)
        self._no_vtk_interaction()
        self._add_backdrop()
        self.scene = StageScene(self, set_model)
        self._rect = (0, 0, 1, 1)
        self._start_frames(frame_aspect)

    def _no_vtk_interaction(self) -> None:
        """No VTK camera style and no pyvista keys: only the device moves the camera."""
        from vtkmodules.vtkInteractionStyle import vtkInteractorStyleUser

        interactor = self.iren.interactor if self.iren is not None else None
        if interactor is not None:
            interactor.SetInteractorStyle(vtkInteractorStyleUser())
            for event in ("KeyPressEvent", "KeyReleaseEvent", "CharEvent"):
                interactor.RemoveObservers(event)

    def _add_backdrop(self) -> None:
        """A full-window renderer drawn first, in the colour of the bars."""
        from vtkmodules.vtkRenderingCore import vtkRenderer

        self.backdrop = vtkRenderer()
        self.backdrop.SetBackground(*BAR_COLOR)
        self.backdrop.InteractiveOff()
        window = self.ren_win
        window.RemoveRenderer(self.renderer)
        window.AddRenderer(self.backdrop)
        window.AddRenderer(self.renderer)

    def paintGL(self) -> None:
        """Render a frame with the pending view, guides and burn-ins."""
        self.sync()
        super().paintGL()
        self.frames_drawn += 1

    def resizeGL(self, width: int, height: int) -> None:
        """Keep the render viewport at the frame's aspect inside the widget."""
        super().resizeGL(width, height)
        window_w, window_h = self.ren_win.GetSize()
        x, y, w, h = letterbox(window_w, window_h, self.frame_aspect)
        self._rect = (x, y, w, h)
        self.backdrop.SetDraw(w < window_w or h < window_h)
        self.renderer.SetViewport(x / window_w, y / window_h, (x + w) / window_w,
                                  (y + h) / window_h)
        self._frame_changed()

    @property
    def frame_rect(self) -> tuple[int, int, int, int]:
        """The frame inside the widget: ``(x, y, w, h)`` device pixels, ``y`` from the top."""
        x, y, w, h = self._rect
        return x, self.ren_win.GetSize()[1] - y - h, w, h

    def grab_frame(self) -> NDArray[np.uint8]:
        """Render now and return the frame's pixels (no bars), shape (h, w, 3)."""
        self.sync()
        self.render()
        image = np.asarray(self.screenshot(return_img=True))
        x, y, w, h = self.frame_rect
        return np.ascontiguousarray(image[y:y + h, x:x + w, :3])

    def keyPressEvent(self, event: Any) -> None:
        """Keys go to the window: the device moves the camera."""
        event.ignore()

    def keyReleaseEvent(self, event: Any) -> None:
        """See :meth:`keyPressEvent`."""
        event.ignore()


def make_live_viewport(kind: str, set_model: SetModel | None, frame_aspect: float,
                       parent: QWidget | None = None) -> Any:
    """A viewport of a kind from :data:`VIEWPORTS` showing ``set_model``.

    Raises
    ------
    InputError
        For an unknown kind, naming the valid ones.
    """
    if kind == "raster":
        return LiveRasterViewport(set_model, frame_aspect, parent)
    if kind == "qt":
        return LiveQtViewport(set_model, frame_aspect, parent)
    raise InputError(f"unknown viewport {kind!r}; valid: {', '.join(VIEWPORTS)}")
