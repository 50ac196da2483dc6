"""What every scouting viewport shares: keys and drags that fly the camera, and the
session → scene updates.

:class:`CameraControls` is a mixin for a Qt widget that owns a
:class:`~previz.render.scene.StageScene` (``self.scene``). Keys and mouse
events go to :mod:`previz.app.navigation` through the session, never to a VTK
interactor style, so the VTK camera only ever follows the session's
pan/tilt/roll. Session changes mark parts of the scene out of date; the widget
calls :meth:`CameraControls.sync` just before it renders a frame.

Keys (with the viewport focused): W/S or Up/Down forward/back, A/D or
Left/Right strafe, Q/E or PageDown/PageUp down/up (walk mode: eye height),
Z/C roll, R level the roll, Shift faster, Alt slower, F fly/walk, Space
play/pause. Drag with a mouse button to pan and tilt; the wheel changes lens.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer

import previz.app.qt_compat  # noqa: F401  (before any Qt call)
from previz.app.frame_parts import FrameParts
from previz.app.navigation import FLY, WALK
from previz.app.session import ScoutSession

__all__ = ["BAR_COLOR", "KEY_MOVES", "CameraControls", "letterbox"]

#: Colour of the bars around the frame (RGB 0-1).
BAR_COLOR = (0.09, 0.09, 0.10)

#: Held keys and the moves they make (see :data:`previz.app.navigation.MOVES`).
KEY_MOVES: dict[int, str] = {
    int(Qt.Key.Key_W): "forward", int(Qt.Key.Key_Up): "forward",
    int(Qt.Key.Key_S): "back", int(Qt.Key.Key_Down): "back",
    int(Qt.Key.Key_A): "left", int(Qt.Key.Key_Left): "left",
    int(Qt.Key.Key_D): "right", int(Qt.Key.Key_Right): "right",
    int(Qt.Key.Key_Q): "down", int(Qt.Key.Key_PageDown): "down",
    int(Qt.Key.Key_E): "up", int(Qt.Key.Key_PageUp): "up",
    int(Qt.Key.Key_Z): "roll_left", int(Qt.Key.Key_C): "roll_right",
    int(Qt.Key.Key_Shift): "fast", int(Qt.Key.Key_Alt): "slow",
}

# Longest step the navigation integrates at once (a stalled frame must not jump).
_MAX_STEP_S = 0.1
# Navigation tick while keys are held, milliseconds.
_TICK_MS = 8


def letterbox(width: int, height: int, aspect: float) -> tuple[int, int, int, int]:
    """The largest centred rectangle of ``aspect`` in a ``width`` × ``height`` window.

    Returns
    -------
    tuple of int
        ``(x, y, w, h)`` in pixels; ``y`` is the margin below (and above) the
        frame, so it reads the same from the top or the bottom.
    """
    width, height = max(1, int(width)), max(1, int(height))
    if width / height > aspect:
        frame_h = height
        frame_w = max(1, min(width, round(height * aspect)))
    else:
        frame_w = width
        frame_h = max(1, min(height, round(width / aspect)))
    return (width - frame_w) // 2, (height - frame_h) // 2, frame_w, frame_h


class CameraControls(FrameParts):
    """Mixin: navigation input and scene updates for a viewport widget.

    The widget class sets ``self.scene`` and calls :meth:`_start_controls`
    from its ``__init__``, :meth:`sync` before each render and
    :meth:`_stop_controls` when it closes. It defines ``frame_rect`` (the
    frame inside the widget) and a ``play_toggled`` signal.
    """

    session: ScoutSession
    scene: Any
    frames_drawn: int

    def _start_controls(self, session: ScoutSession) -> None:
        self.session = session
        self.frames_drawn = 0
        self._dirty = {"view", "guides", "burnins", "time"}
        self._held: set[str] = set()
        self._drag: tuple[float, float] | None = None
        self._wheel = 0
        self._last_tick = 0.0
        self._timer = QTimer(self)  # type: ignore[arg-type]
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # type: ignore[attr-defined]
        self.setMinimumSize(320, 180)  # type: ignore[attr-defined]
        session.subscribe(self._changed)

    def _stop_controls(self) -> None:
        self._timer.stop()
        self._held.clear()
        self.session.unsubscribe(self._changed)

    # ------------------------------------------------------------ session → scene
    def _changed(self, what: str) -> None:
        if what in ("view", "lens", "camera"):
            self._dirty.add("view")
        if what in ("lens", "camera", "marks", "time"):
            self._dirty.add("burnins")
        if what == "guides":
            self._dirty.add("guides")
        if what == "time":
            self._dirty.add("time")
        if self._dirty:
            self.update()  # type: ignore[attr-defined]

    def sync(self) -> None:
        """Apply every pending session change to the scene (called before each frame)."""
        dirty, self._dirty = self._dirty, set()
        session = self.session
        if "view" in dirty:
            self.scene.apply_view(session.view())
        if "time" in dirty and session.takes:
            self.scene.set_time(session.time_s)
        if "guides" in dirty:
            self.scene.set_guides(session.guides(), session.frame_aspect)
        if "burnins" in dirty:
            self.scene.set_burnins(session.burnins())

    # ------------------------------------------------------------ keys
    def keyPressEvent(self, event: Any) -> None:
        """Held movement keys, and a few one-shot keys; the rest go to the window."""
        key = int(event.key())
        if key in KEY_MOVES:
            if not event.isAutoRepeat():
                self.press(KEY_MOVES[key])
            event.accept()
        elif key == int(Qt.Key.Key_F) and not event.isAutoRepeat():
            self.session.set_mode(WALK if self.session.nav.mode == FLY else FLY)
        elif key == int(Qt.Key.Key_R):
            pose = self.session.nav.pose
            self.session.set_pose(pose.position, pose.pan, pose.tilt, 0.0)
        elif key == int(Qt.Key.Key_Space) and not event.isAutoRepeat():
            self.play_toggled.emit()  # type: ignore[attr-defined]
        else:
            event.ignore()

    def keyReleaseEvent(self, event: Any) -> None:
        """Stop a held move."""
        key = int(event.key())
        if key in KEY_MOVES:
            if not event.isAutoRepeat():
                self.release(KEY_MOVES[key])
            event.accept()
        else:
            event.ignore()

    def press(self, move: str) -> None:
        """Start holding a move (as a key press does)."""
        self._held.add(move)
        if not self._timer.isActive():
            self._last_tick = time.perf_counter()
            self._timer.start()

    def release(self, move: str | None = None) -> None:
        """Stop holding a move (None: all)."""
        if move is None:
            self._held.clear()
        else:
            self._held.discard(move)

    @property
    def held(self) -> frozenset[str]:
        """The moves held now."""
        return frozenset(self._held)

    def focusOutEvent(self, event: Any) -> None:
        """Forget held keys when the focus goes (their release would never arrive)."""
        self.release()
        super().focusOutEvent(event)  # type: ignore[misc]

    def _tick(self) -> None:
        now = time.perf_counter()
        dt = min(_MAX_STEP_S, now - self._last_tick)
        self._last_tick = now
        if not self._held - {"fast", "slow"}:
            self._timer.stop()
            return
        self.session.move(self._held, dt)

    # ------------------------------------------------------------ mouse
    def mousePressEvent(self, event: Any) -> None:
        """Start a pan/tilt drag."""
        self.setFocus()  # type: ignore[attr-defined]
        point = event.position()
        self._drag = (point.x(), point.y())
        event.accept()

    def mouseMoveEvent(self, event: Any) -> None:
        """Pan and tilt by the drag."""
        if self._drag is None:
            return
        point = event.position()
        dx, dy = point.x() - self._drag[0], point.y() - self._drag[1]
        self._drag = (point.x(), point.y())
        ratio = self.devicePixelRatioF()  # type: ignore[attr-defined]
        self.session.look(dx * ratio, dy * ratio, self.frame_rect[3])  # type: ignore[attr-defined]
        event.accept()

    def mouseReleaseEvent(self, event: Any) -> None:
        """End the drag."""
        self._drag = None
        event.accept()

    def wheelEvent(self, event: Any) -> None:
        """Next or previous lens (or zoom) per wheel notch."""
        self._wheel += event.angleDelta().y()
        notches = int(self._wheel / 120)
        if notches:
            self._wheel -= notches * 120
            self.session.step_focal(notches)
        event.accept()
