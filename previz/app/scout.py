"""``previz scout``: walk a virtual camera through a set with the shoot's lenses, mark shots.

The window puts together the viewport (:mod:`previz.app.viewport`), the camera,
lens and movement panels (:mod:`previz.app.panels`), the marks panel
(:mod:`previz.app.marks_panel`) and, with performers, a timeline. All of it
edits one :class:`~previz.app.session.ScoutSession`; tests drive that session
(or the window's small methods) instead of synthesising clicks.

Dialogs go through replaceable callables on the window (``ask_plan_path``,
``ask_unsaved``, ``report_error``) so tests never block on a modal dialog.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

import previz.app.qt_compat  # noqa: F401  (before any Qt call)
from previz.app.marks_panel import MarksPanel
from previz.app.panels import CameraPanel, LensPanel, MovePanel, TimelineBar, guarded
from previz.app.session import ScoutSession
from previz.app.viewport import ScoutViewport
from previz.app.viewport_base import DEFAULT_VIEWPORT, VIEWPORTS, check_viewport
from previz.core.take import Take
from previz.errors import PrevizError

__all__ = ["DEFAULT_VIEWPORT", "SIDE_WIDTH", "VIEWPORTS", "ScoutWindow", "application",
           "dock_side", "make_viewport", "ready_to_run", "run_scout", "side_column"]

#: Keys shown in the status bar.
HELP_TEXT = ("click the view, then W/A/S/D move  Q/E down/up  drag look  Shift fast  "
             "Z/C roll  F fly/walk  wheel lens")

#: Width of a window's side panel of controls, pixels (``previz live``'s too).
SIDE_WIDTH = 340

#: Checked toggles (the prime in use, fly or walk) stand out from the others.
_STYLE = """
QPushButton:checked { background-color: #2f6fd0; color: white; border: 1px solid #1d4f9c;
                      border-radius: 3px; padding: 3px; }
QGroupBox { font-weight: bold; }
QGroupBox QWidget { font-weight: normal; }
"""


def application(name: str = "previz scout") -> QApplication:
    """The running QApplication, or a new one called ``name``."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName(name)
    return app  # type: ignore[return-value]


def side_column(style: str) -> tuple[QWidget, QVBoxLayout]:
    """A side panel with this style sheet, and the column its groups go in."""
    side = QWidget()
    side.setStyleSheet(style)
    column = QVBoxLayout(side)
    column.setContentsMargins(4, 4, 4, 4)
    column.setSpacing(6)
    return side, column


def dock_side(window: QMainWindow, main: QWidget, side: QWidget) -> None:
    """Make ``main`` the window's centre, ``side`` beside it (scrolling, about SIDE_WIDTH wide)."""
    scroll = QScrollArea()
    scroll.setWidget(side)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(SIDE_WIDTH)
    scroll.setMaximumWidth(SIDE_WIDTH + 80)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(main)
    splitter.addWidget(scroll)
    splitter.setStretchFactor(0, 1)
    splitter.setStretchFactor(1, 0)
    splitter.setChildrenCollapsible(False)
    window.setCentralWidget(splitter)


def make_viewport(kind: str, session: ScoutSession, parent: QWidget | None = None) -> Any:
    """A viewport of a kind from :data:`VIEWPORTS` over the session."""
    if check_viewport(kind) == "qt":
        return ScoutViewport(session, parent)
    from previz.app.raster_viewport import RasterViewport

    return RasterViewport(session, parent)


def ready_to_run() -> None:
    """Settle the process before the interactive loop: freeze the objects made so far
    out of the garbage collector's sweeps (fewer pauses while navigating)."""
    gc.collect()
    gc.freeze()


class ScoutWindow(QMainWindow):
    """The scouting tool's main window over a session.

    Parameters
    ----------
    session : ScoutSession
    parent : QWidget or None
    viewport : str, keyword-only
        ``"qt"`` or ``"raster"`` (see :data:`VIEWPORTS`).

    Attributes
    ----------
    ask_plan_path : callable
        ``() -> str | None``: where to create a plan when there is none (a file
        dialog by default; None cancels).
    ask_unsaved : callable
        ``() -> str``: on closing with unsaved marks and no plan file,
        ``"save"``, ``"discard"`` or ``"cancel"`` (a message box by default).
    report_error : callable
        ``(message) -> None``: show an error (a message box by default).
    """

    def __init__(self, session: ScoutSession, parent: QWidget | None = None, *,
                 viewport: str = DEFAULT_VIEWPORT) -> None:
        super().__init__(parent)
        self.session = session
        self.ask_plan_path: Callable[[], str | None] = self._dialog_plan_path
        self.ask_unsaved: Callable[[], str] = self._dialog_unsaved
        self.report_error: Callable[[str], None] = self._dialog_error
        report = self._report

        self.viewport = make_viewport(viewport, session, self)
        self.camera_panel = CameraPanel(session, report)
        self.lens_panel = LensPanel(session, report)
        self.move_panel = MovePanel(session, report)
        self.marks_panel = MarksPanel(session, report, self.save_plan)
        self.timeline = TimelineBar(session) if session.takes else None

        side, column = side_column(_STYLE)
        for panel in (self.camera_panel, self.lens_panel, self.move_panel):
            panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            column.addWidget(panel)
        column.addWidget(self.marks_panel, 1)

        left = QWidget()
        stack = QVBoxLayout(left)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(0)
        stack.addWidget(self.viewport, 1)
        if self.timeline is not None:
            stack.addWidget(self.timeline)
            self.viewport.play_toggled.connect(self.timeline.toggle)
        dock_side(self, left, side)
        self._build_toolbar()
        self.statusBar().showMessage(HELP_TEXT)
        session.subscribe(self._changed)
        self._changed("plan")
        self._closed = False

    # ------------------------------------------------------------ building
    def _build_toolbar(self) -> None:
        bar = QToolBar("Scout")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        actions: list[tuple[str, str, Callable[[], Any], str]] = [
            ("Add mark", "M", lambda: self.marks_panel.add_mark(),
             "Mark the camera here (M)"),
            ("Snapshot", "Ctrl+P", self.snapshot,
             "Write a still with guides and burn-ins (Ctrl+P)"),
            ("Save plan", "Ctrl+S", self.save_plan, "Save the marks into the plan (Ctrl+S)"),
        ]
        self.actions_by_name: dict[str, QAction] = {}
        for label, keys, handler, tip in actions:
            action = QAction(label, self)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(tip)
            action.triggered.connect(guarded(self._report, lambda *_, h=handler: h()))
            bar.addAction(action)
            self.actions_by_name[label] = action
        bar.addSeparator()
        for label, mode in (("Fly", "fly"), ("Walk", "walk")):
            action = QAction(label, self)
            action.triggered.connect(lambda *_, m=mode: self.session.set_mode(m))
            bar.addAction(action)
            self.actions_by_name[label] = action

    # ------------------------------------------------------------ dialogs
    def _dialog_plan_path(self) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "New shot plan for the marks", "scout.toml", "Shot plans (*.toml)")
        return path or None

    def _dialog_unsaved(self) -> str:
        answer = QMessageBox.question(
            self, "Unsaved marks", "Save the marks into a new shot plan before closing?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")

    def _dialog_error(self, message: str) -> None:
        QMessageBox.warning(self, "previz scout", message)

    def _report(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        self.report_error(message)

    # ------------------------------------------------------------ actions
    def save_plan(self) -> Path | None:
        """Save the marks (asking for a new plan's file when there is none); None if cancelled."""
        path = None
        if self.session.plan_path is None:
            path = self.ask_plan_path()
            if not path:
                return None
        try:
            written = self.session.save_plan(path)
        except PrevizError as error:
            self._report(str(error))
            return None
        self.statusBar().showMessage(f"saved {len(self.session.marks)} marks to {written}", 8000)
        return written

    def snapshot(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write a still of the current view (see :meth:`ScoutSession.snapshot`)."""
        written = self.session.snapshot(path)
        self.statusBar().showMessage(f"wrote {written}", 8000)
        return written

    def _changed(self, what: str) -> None:
        if what in ("plan", "marks"):
            plan = self.session.plan_path.name if self.session.plan_path else "no plan"
            star = " *" if self.session.dirty else ""
            self.setWindowTitle(f"previz scout — {self.session.set_name} — {plan}{star}")

    # ------------------------------------------------------------ closing
    def closeEvent(self, event: Any) -> None:
        """Save changed marks (asking where when there is no plan file), then tidy up."""
        session = self.session
        if session.dirty and not self._closed:
            if session.plan_path is None:
                choice = self.ask_unsaved()
                if choice == "cancel" or (choice == "save" and self.save_plan() is None):
                    event.ignore()
                    return
            elif self.save_plan() is None:
                event.ignore()
                return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers and release the render windows (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        if self.timeline is not None:
            self.timeline.stop()
        self.session.unsubscribe(self._changed)
        self.viewport.close()
        self.session.close()


def run_scout(
    set_spec: str | None = None,
    *,
    plan: str | os.PathLike[str] | None = None,
    body: str | None = None,
    lens_kit: str | None = None,
    takes: Sequence[Take] = (),
    resolution: tuple[int, int] | None = None,
    delivery_aspect: float | str | None = None,
    stills_dir: str | os.PathLike[str] | None = None,
    up_axis: str | None = None,
    units: str | None = None,
    viewport: str = DEFAULT_VIEWPORT,
) -> int:
    """Open the scouting window and run until it is closed; return the exit code.

    The set, plan and rig are loaded before any window opens, so bad input
    raises a :class:`~previz.errors.PrevizError` without starting Qt. See
    :meth:`ScoutSession.open` for the parameters; ``viewport`` is one of
    :data:`VIEWPORTS`.
    """
    check_viewport(viewport)
    session = ScoutSession.open(set_spec, plan=plan, body=body, lens_kit=lens_kit, takes=takes,
                                resolution=resolution, delivery_aspect=delivery_aspect,
                                stills_dir=stills_dir, up_axis=up_axis, units=units)
    app = application()
    window = ScoutWindow(session, viewport=viewport)
    window.resize(1600, 900)
    window.show()
    window.viewport.setFocus()
    ready_to_run()
    return int(app.exec())
