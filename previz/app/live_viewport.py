"""The live camera app's viewport: the set through the tracked camera, letterboxed.

Two widgets show the same :class:`~previz.render.scene.StageScene` through a
:class:`~previz.core.projection.ViewCamera` the window hands them with
:meth:`LiveFrames.show_frame` (the window computes it from the session's
latest sample at its own frame rate; nothing here reads the network):

- :class:`LiveRasterViewport` renders off-screen and paints the image into a
  plain ``QWidget`` (the faster one on a CPU renderer, as in ``previz scout``);
- :class:`LiveQtViewport` draws with pyvistaqt into an OpenGL widget.

Both draw as the scout's viewports do (:mod:`previz.app.viewport_base`).

Neither takes keys or drags: the device moves the camera.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QWidget

import previz.app.qt_compat  # noqa: F401  (before any Qt call)
from previz.app.frame_parts import FrameParts
from previz.app.viewport_base import VIEWPORTS, QtFrameWidget, RasterFrameWidget, check_viewport
from previz.core.projection import ViewCamera
from previz.core.set_model import SetModel
from previz.core.take import Take
from previz.render.guides import Burnins, Guides
from previz.render.scene import StageScene

__all__ = ["VIEWPORTS", "LiveFrames", "LiveQtViewport", "LiveRasterViewport",
           "make_live_viewport"]


class LiveFrames(FrameParts):
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
        self.shown_time: float | None = None
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

    def show_time(self, stage_time: float) -> None:
        """Pose the performers at ``stage_time`` seconds from the next frame on."""
        if self.scene.standins and stage_time != self.shown_time:
            self.shown_time = stage_time
            self._dirty.add("time")
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
        if "time" in dirty and self.shown_time is not None:
            self.scene.set_time(self.shown_time)

    def burnin_texts(self) -> dict[str, str]:
        """The burn-ins shown, by slot (see :data:`previz.render.guides.BURNIN_SLOTS`)."""
        return dict(self.shown_burnins.texts) if self.shown_burnins is not None else {}


class LiveRasterViewport(LiveFrames, RasterFrameWidget):
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
                 parent: QWidget | None = None, takes: Sequence[Take] = ()) -> None:
        RasterFrameWidget.__init__(self, parent, lighting="none")
        self.scene = StageScene(self.plotter, set_model, takes, loop=True)
        self._start_frames(frame_aspect)


class LiveQtViewport(LiveFrames, QtFrameWidget):
    """The scene in a pyvistaqt OpenGL widget, letterboxed to the frame's aspect.

    Parameters are those of :class:`LiveRasterViewport`.
    """

    def __init__(self, set_model: SetModel | None, frame_aspect: float,
                 parent: QWidget | None = None, takes: Sequence[Take] = ()) -> None:
        QtFrameWidget.__init__(self, parent, lighting="none")
        self.scene = StageScene(self, set_model, takes, loop=True)
        self._start_frames(frame_aspect)

    def keyPressEvent(self, event: Any) -> None:
        """Keys go to the window: the device moves the camera."""
        event.ignore()

    def keyReleaseEvent(self, event: Any) -> None:
        """See :meth:`keyPressEvent`."""
        event.ignore()


def make_live_viewport(kind: str, set_model: SetModel | None, frame_aspect: float,
                       parent: QWidget | None = None, takes: Sequence[Take] = ()) -> Any:
    """A viewport of a kind from :data:`VIEWPORTS` showing ``set_model`` and performers.

    Raises
    ------
    InputError
        For an unknown kind, naming the valid ones.
    """
    if check_viewport(kind) == "raster":
        return LiveRasterViewport(set_model, frame_aspect, parent, takes)
    return LiveQtViewport(set_model, frame_aspect, parent, takes)
