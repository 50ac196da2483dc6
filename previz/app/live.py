"""``previz live``: the camera operator's window over a live tracked camera.

The window shows the set through the tracked camera (:mod:`previz.app.live_viewport`,
with the lens from the device's encoders on the chosen body's film back, guides
and burn-ins), records takes (Record, Mark, slate), lists them, calibrates the
device against the stage (Set origin here, Zero heading) and plots the input's
telemetry (:mod:`previz.app.telemetry`).

Threads: the :class:`~previz.live.session.LiveSession` receives on its own
thread and never touches Qt. The window pulls ``session.latest`` on a Qt timer
(~30 Hz) and calls the session's methods (which take its lock) for the buttons;
events the device itself triggers (record, mark, slate) are found by polling
``session.events``, never by a callback from the receive thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QFont, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

import previz.app.qt_compat  # noqa: F401  (before any Qt call)
from previz.app.live_view import LiveCamera, TakeState
from previz.app.live_viewport import make_live_viewport
from previz.app.scout import SIDE_WIDTH, application, dock_side, ready_to_run, side_column
from previz.app.telemetry import TelemetryPanel
from previz.app.viewport_base import DEFAULT_VIEWPORT, check_viewport
from previz.core.projection import ViewCamera
from previz.core.set_model import SetModel
from previz.core.take import Take
from previz.errors import InputError, PrevizError
from previz.live.session import LiveSession, TakeEvent
from previz.live.stats import copy_deque
from previz.live.vcam import CameraSample

__all__ = ["DEFAULT_VIEWPORT", "FRAME_INTERVAL_MS", "LiveWindow", "calibration_text",
           "live_application", "run_live"]

#: The UI frame period: the viewport follows the camera at about 30 frames per second.
FRAME_INTERVAL_MS = 33

#: Seconds without a sample before the burn-ins say the signal is lost.
SIGNAL_TIMEOUT_S = 1.0

_STYLE = """
QPushButton#record { font-weight: bold; font-size: 15px; padding: 8px; }
QPushButton#record:checked { background-color: #c62828; color: white;
                             border: 1px solid #8e0000; border-radius: 3px; }
QGroupBox { font-weight: bold; }
QGroupBox QWidget { font-weight: normal; }
QLabel#state { font-weight: bold; font-size: 14px; }
"""


def calibration_text(calibration: Any) -> str:
    """``"origin 0.00, 0.00, 0.00 m · heading 0.00° · scale 1"`` for the status line."""
    x, y, z = calibration.origin
    return (f"origin {x:.2f}, {y:.2f}, {z:.2f} m · heading {calibration.heading:.2f}° · "
            f"scale {calibration.scale:g}")


def live_application() -> QApplication:
    """The running QApplication, or a new one called ``previz live``."""
    return application("previz live")


class LiveWindow(QMainWindow):
    """The live camera window over a running (or not yet started) :class:`LiveSession`.

    The window never starts or stops the session; whoever made it does
    (see :func:`run_live`).

    Parameters
    ----------
    session : LiveSession
    set_model : SetModel or None
        The set the camera looks at.
    camera : LiveCamera or None
        Film back, lens kit, output frame and guides (default: the session's film back,
        1920 × 1080, 2.39 frame lines).
    parent : QWidget or None
    viewport : str, keyword-only
        ``"raster"`` or ``"qt"`` (see :data:`previz.app.live_viewport.VIEWPORTS`).
    frame_interval_ms : int, keyword-only
        UI frame period (0: frames only when :meth:`tick` is called).
    telemetry_interval_ms : int, keyword-only
        Telemetry refresh period (0: only when ``telemetry.refresh()`` is called).
    takes : sequence of Take, keyword-only
        Performers (placed on the stage and in stage time), looping in the set.
    performance_origin : float, keyword-only
        Stage seconds the performers are at when the window opens and when a take
        starts (a shot's first frame; default 0).

    Attributes
    ----------
    viewport, telemetry
        The view and the telemetry panel.
    record_button, mark_button, slate_edit, take_list, take_info,
    origin_button, heading_button, calibration_status
        The controls (tests click them).
    frames : int
        UI frames run so far.
    shown_sample : CameraSample or None
        The sample the viewport's view was last made from.
    """

    def __init__(self, session: LiveSession, set_model: SetModel | None = None,
                 camera: LiveCamera | None = None, parent: QWidget | None = None, *,
                 viewport: str = DEFAULT_VIEWPORT, frame_interval_ms: int = FRAME_INTERVAL_MS,
                 telemetry_interval_ms: int = 100, takes: Sequence[Take] = (),
                 performance_origin: float = 0.0) -> None:
        super().__init__(parent)
        self.session = session
        self.camera = camera or LiveCamera(session.camera)
        self.frames = 0
        self._closed = False
        self.shown_sample: CameraSample | None = None
        self._address = session.address  # the socket closes when the session stops
        self._view: ViewCamera | None = None
        self._seen_event: TakeEvent | None = None
        self._take_rows: tuple[Any, ...] = ()
        self._started_at: float | None = None
        self._current_take: Path | None = None
        self._last_take = ""

        self.viewport = make_live_viewport(viewport, set_model, self.camera.frame_aspect, self,
                                           takes)
        # Performers loop from the moment the window opens and start again with every
        # take, so each take's first frame meets the performance at the origin (a
        # shot's first frame, in stage seconds).
        self.performance_origin = float(performance_origin)
        self._performance_start = time.monotonic()
        self._performance_take: float | None = None
        self.telemetry = TelemetryPanel(session, interval_ms=telemetry_interval_ms)
        self.telemetry.setMinimumHeight(200)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.viewport)
        left.addWidget(self.telemetry)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setSizes([700, 240])  # the view first; the splitter keeps the ratio
        left.setChildrenCollapsible(False)

        side, column = side_column(_STYLE)
        for group, stretch in ((self._take_group(), 0), (self._takes_group(), 1),
                               (self._calibration_group(), 0), (self._device_group(), 0)):
            if not stretch:
                group.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            column.addWidget(group, stretch)
        dock_side(self, left, side)
        self._add_shortcuts()
        self.setWindowTitle(f"previz live — {session.profile.name}")
        self.statusBar().showMessage(self._listening_text())

        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(max(1, int(frame_interval_ms)))
        self._timer.timeout.connect(self.tick)
        self.tick()
        if frame_interval_ms > 0:
            self._timer.start()

    # ------------------------------------------------------------ building
    def _take_group(self) -> QGroupBox:
        box = QGroupBox("Take")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 4, 6, 6)
        self.record_button = QPushButton("● Record")
        self.record_button.setObjectName("record")
        self.record_button.setCheckable(True)
        self.record_button.setToolTip("Start or stop recording a take (Ctrl+R)")
        self.record_button.clicked.connect(self._record_clicked)
        self.mark_button = QPushButton("Mark")
        self.mark_button.setToolTip("Drop a mark in the take (M)")
        self.mark_button.clicked.connect(self._guarded(self.mark))
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button, 3)
        buttons.addWidget(self.mark_button, 1)
        layout.addLayout(buttons)
        self.take_state = QLabel("STANDBY")
        self.take_state.setObjectName("state")
        layout.addWidget(self.take_state)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.slate_edit = QLineEdit(self.session.slate)
        self.slate_edit.setPlaceholderText("slate for the next take (Enter)")
        self.slate_edit.editingFinished.connect(
            lambda: self.set_slate(self.slate_edit.text()))
        form.addRow("Slate", self.slate_edit)
        folder_label = QLabel("Folder")
        where = str(self.session.take_folder.resolve())
        folder = QLabel(folder_label.fontMetrics().elidedText(
            where, Qt.TextElideMode.ElideMiddle, SIDE_WIDTH - 90))
        folder.setToolTip(where)
        folder.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form.addRow(folder_label, folder)
        layout.addLayout(form)
        return box

    def _takes_group(self) -> QGroupBox:
        box = QGroupBox("Takes")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 4, 6, 6)
        self.take_list = QListWidget()
        self.take_list.setToolTip("Double-click a take for its info")
        self.take_list.setMinimumHeight(90)
        self.take_list.itemDoubleClicked.connect(self._take_double_clicked)
        layout.addWidget(self.take_list, 1)
        self.take_info = QPlainTextEdit()
        self.take_info.setReadOnly(True)
        self.take_info.setPlaceholderText("double-click a take")
        self.take_info.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(7.0, mono.pointSizeF() - 1))
        self.take_info.setFont(mono)
        self.take_info.setMinimumHeight(130)
        layout.addWidget(self.take_info, 1)
        return box

    def _calibration_group(self) -> QGroupBox:
        box = QGroupBox("Calibration")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 4, 6, 6)
        self.origin_button = QPushButton("Set origin here")
        self.origin_button.setToolTip("Make the device's position now the stage origin "
                                      "(x = y = 0, keeping the height)")
        self.origin_button.clicked.connect(self._guarded(self.set_origin_here))
        self.heading_button = QPushButton("Zero heading")
        self.heading_button.setToolTip("Turn the calibration so the camera looks along "
                                       "stage +Y now (pan 0)")
        self.heading_button.clicked.connect(self._guarded(self.zero_heading))
        buttons = QHBoxLayout()
        buttons.addWidget(self.origin_button)
        buttons.addWidget(self.heading_button)
        layout.addLayout(buttons)
        self.calibration_status = QLabel(calibration_text(self.session.vcam.calibration))
        self.calibration_status.setWordWrap(True)
        layout.addWidget(self.calibration_status)
        return box

    def _device_group(self) -> QGroupBox:
        box = QGroupBox("Device")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 4, 6, 6)
        self.device_status = QLabel(self._listening_text())
        self.device_status.setWordWrap(True)
        layout.addWidget(self.device_status)
        return box

    def _add_shortcuts(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        for label, keys, handler in (("Record", "Ctrl+R", self.toggle_recording),
                                     ("Mark", "M", self.mark)):
            action = QAction(label, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(self._guarded(handler))
            self.addAction(action)
            self.actions_by_name[label] = action

    def _guarded(self, action: Callable[[], Any]) -> Callable[..., None]:
        def run(*_args: Any) -> None:
            try:
                action()
            except (PrevizError, OSError) as error:
                self.report(str(error))

        return run

    def _listening_text(self) -> str:
        host, port = self._address
        profile = self.session.profile
        return f"{profile.name} ({profile.protocol}) on {host}:{port}"

    # ------------------------------------------------------------ actions
    def report(self, message: str) -> None:
        """Show a message in the status bar."""
        self.statusBar().showMessage(message, 8000)

    def toggle_recording(self) -> Path | None:
        """Start a take, or stop the one being recorded; returns the take's path."""
        if self.session.recording:
            path = self.session.stop_recording()
        else:
            path = self.session.start_recording()
        self.tick()
        return path

    def _record_clicked(self, *_args: Any) -> None:
        self._guarded(self.toggle_recording)()
        self._sync_record_button()  # a failed start must not leave the button down

    def mark(self) -> None:
        """Drop a mark (in the take when recording)."""
        self.session.mark()
        self.tick()

    def set_slate(self, text: str) -> None:
        """Name the next take's slate."""
        slate = text.strip()
        if slate != self.session.slate:
            self.session.slate = slate
            self.report(f"slate {slate or '(none)'}")

    def set_origin_here(self) -> None:
        """Make the device's position now the stage origin (keeping its height)."""
        self._calibrate(self.session.set_origin_here)

    def zero_heading(self) -> None:
        """Turn the calibration so the camera looks along stage +Y now."""
        self._calibrate(self.session.zero_heading)

    def _calibrate(self, action: Callable[[], Any]) -> None:
        try:
            calibration = action()
        except ValueError as error:  # no pose from the device yet
            self.calibration_status.setText(f"not calibrated: {error}")
            self.report(f"cannot calibrate: {error}")
            return
        self.calibration_status.setText(calibration_text(calibration))
        self.tick()

    def show_take_info(self, path: str | os.PathLike[str]) -> str:
        """Show ``previz take info`` for a take in the info pane; returns the text."""
        take = Path(path)
        if self.session.recording and take == self._current_take:
            text = f"{take}\n  recording now: stop the take to see its info"
        else:
            from previz.live.journal import read_take_file
            from previz.live.take_summary import take_summary

            try:
                text = "\n".join(take_summary(read_take_file(take)))
            except PrevizError as error:
                text = str(error)
        self.take_info.setPlainText(text)
        return text

    def _take_double_clicked(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.show_take_info(path)

    # ------------------------------------------------------------ frames
    def tick(self) -> None:
        """One UI frame: follow the camera, show the take state, the takes and new events."""
        if self._closed:
            return
        now = time.monotonic()
        self._drain_events()
        self._sync_record_button()
        sample = self.session.latest
        state = self._take_state(sample, now)
        if sample is not self.shown_sample or self._view is None:
            self.shown_sample = sample
            self._view = self._follow(sample)
        burnins = self.camera.burnins(self._view, state, sample)
        self.viewport.show_frame(self._view, self.camera.guides(), burnins)
        self.viewport.show_time(self.performance_time(now))
        self._sync_takes()
        self._sync_slate()
        self._sync_device(sample, now)
        self.frames += 1

    def performance_time(self, now: float) -> float:
        """Stage seconds the performers play: the origin plus the time since the window
        opened, or since Record."""
        started = self.session.take_started
        if started is not None and started != self._performance_take:
            self._performance_take = started
            self._performance_start = started
        return self.performance_origin + now - self._performance_start

    def _follow(self, sample: CameraSample | None) -> ViewCamera:
        """The view through the sample (the last good one when its pose is unusable)."""
        focal = self.session.profile.focal_mm
        try:
            return self.camera.view(sample, fallback_focal_mm=focal)
        except ValueError as error:
            self.report(f"ignored a camera pose: {error}")
            return self._view if self._view is not None else self.camera.view(
                None, fallback_focal_mm=focal)

    def _take_state(self, sample: CameraSample | None, now: float) -> TakeState:
        recording = self.session.recording
        if sample is None:
            signal = "WAITING FOR {} ON {}:{}".format(self.session.profile.name.upper(),
                                                     *self._address)
        elif now - sample.received > SIGNAL_TIMEOUT_S:
            signal = f"NO SIGNAL {int(now - sample.received)} s"
        else:
            signal = ""
        if recording and self._current_take is not None:
            take = self._current_take.stem
        else:
            take = self._last_take
        elapsed = now - self._started_at if recording and self._started_at is not None else 0.0
        state = TakeState(self.session.slate, take, recording, elapsed, signal)
        text = (f"REC {take}  {state.label().removeprefix('REC ')}" if recording
                else state.label())
        if self.take_state.text() != text:
            self.take_state.setText(text)
            self.take_state.setStyleSheet("color: #c62828;" if recording else "")
        return state

    def _drain_events(self) -> None:
        events = copy_deque(self.session.events)
        start = 0
        if self._seen_event is not None:
            for index in range(len(events) - 1, -1, -1):
                if events[index] is self._seen_event:
                    start = index + 1
                    break
        for event in events[start:]:
            if event.kind == "started":
                self._started_at = event.received
                self._current_take = event.path
            elif event.kind == "stopped" and event.path is not None:
                self._last_take = event.path.stem
                self._current_take = None
                self._started_at = None
            clock = time.strftime("%H:%M:%S")
            self.report(f"{clock}  {event.kind}: {event.detail}")
        if events:
            self._seen_event = events[-1]

    def _sync_record_button(self) -> None:
        recording = self.session.recording
        if self.record_button.isChecked() != recording:
            self.record_button.setChecked(recording)
        text = "■ Stop" if recording else "● Record"
        if self.record_button.text() != text:
            self.record_button.setText(text)

    def _sync_takes(self) -> None:
        finished = list(self.session.finished)
        current = self._current_take if self.session.recording else None
        rows = (*finished, current)
        if rows == self._take_rows:
            return
        self._take_rows = rows
        self.take_list.clear()
        for path in finished:
            item = QListWidgetItem(path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.take_list.addItem(item)
        if current is not None:
            item = QListWidgetItem(f"● {current.name}  (recording)")
            item.setData(Qt.ItemDataRole.UserRole, str(current))
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)
            self.take_list.addItem(item)
        self.take_list.scrollToBottom()

    def _sync_slate(self) -> None:
        slate = self.session.slate  # the device may name the slate too
        if not self.slate_edit.hasFocus() and self.slate_edit.text() != slate:
            self.slate_edit.setText(slate)

    def _sync_device(self, sample: CameraSample | None, now: float) -> None:
        if sample is None:
            state = "no data yet"
        else:
            age = now - sample.received
            state = "receiving" if age <= SIGNAL_TIMEOUT_S else f"no data for {age:.0f} s"
        text = f"{self._listening_text()}\n{state}"
        if self.device_status.text() != text:
            self.device_status.setText(text)

    # ------------------------------------------------------------ closing
    def closeEvent(self, event: Any) -> None:
        """Stop the timers and release the viewport (the session keeps running)."""
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the timers and release the render window (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self.telemetry.stop()
        self.viewport.close()


def _take_folder(takes: str | os.PathLike[str] | None) -> Path:
    folder = Path(takes) if takes is not None else Path.cwd()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--takes {os.fspath(folder)}: is a file; give a folder for the takes")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"--takes {os.fspath(folder)}: cannot create the folder "
                         f"({error.strerror})") from None
    return folder


def run_live(
    device: str,
    *,
    listen: str | None = None,
    set_spec: str | None = None,
    body: str | None = None,
    lens_kit: str | None = None,
    takes: str | os.PathLike[str] | None = None,
    slate: str = "",
    viewport: str = DEFAULT_VIEWPORT,
    resolution: tuple[int, int] | None = None,
    performers: Sequence[Take] = (),
    plan: str | os.PathLike[str] | None = None,
    shot: str | None = None,
) -> int:
    """Open the live camera window and run until it is closed; return the exit code.

    The device profile, set, camera body and lens kit are loaded and the socket
    is bound before any window opens, so bad input raises a
    :class:`~previz.errors.PrevizError` without starting Qt. Closing the window
    stops any take being recorded.

    Parameters
    ----------
    device : str
        Device profile name or ``.toml`` path (see :func:`previz.io.device_toml.find_device`).
    listen : str or None
        ``HOST:PORT`` to listen on (default: 127.0.0.1 and the profile's port).
    set_spec : str or None
        Set file or ``builtin:demo`` (the default).
    body, lens_kit : str or None
        ``"BODY[:MODE]"`` and lens kit from the rig library (default: 36 × 24 mm, no kit).
    takes : path or None
        Folder the takes are written to (default: the current folder; created if missing).
    slate : str
        Slate of the first take.
    viewport : str
        ``"raster"`` or ``"qt"``.
    resolution : (int, int) or None
        Output frame size (its aspect is the viewport's; default 1920 × 1080).
    performers : sequence of Take
        Performers (placed on the stage) looping in the set; they start again
        with every take.
    plan : path or None
        A shot plan: its set, camera (body, lens kit, fit, frame, guides, rate)
        and performers are used where the arguments above name none.
    shot : str or None
        A shot of ``plan``: the slate (unless given), the body of its first mark,
        and the performers start at its first frame with every take.
    """
    from previz.io.device_toml import find_device
    from previz.io.set_source import BUILTIN_DEMO, load_set
    from previz.live.udp import parse_listen

    check_viewport(viewport)
    profile = find_device(device)
    host, port = parse_listen(listen, profile.port) if listen else ("127.0.0.1", profile.port)
    from previz.io.datafiles import load_rig_library

    if shot is not None and plan is None:
        raise InputError("a shot needs its plan (--plan)")
    library = load_rig_library() if body or lens_kit or plan is not None else None
    origin = 0.0
    if plan is not None:
        from previz.io.plan_assets import plan_set, plan_takes
        from previz.io.shotplan_toml import read_plan

        shot_plan = read_plan(plan)
        camera = LiveCamera.from_plan(shot_plan, library, shot, body=body, lens_kit=lens_kit,
                                      resolution=resolution)
        if shot is not None:
            slate = slate or shot
            origin = shot_plan.sequence.seconds(shot_plan.frame_range(shot)[0])
        set_model = load_set(set_spec) if set_spec else plan_set(shot_plan)
        performers = performers or plan_takes(shot_plan)
    else:
        camera = LiveCamera.from_rig(library, body, lens_kit, resolution=resolution)
        set_model = load_set(set_spec or BUILTIN_DEMO)
    folder = _take_folder(takes)
    session = LiveSession(profile, host=host, port=port, camera=camera.info,
                          take_folder=folder, slate=slate)
    window = None
    try:
        app = live_application()
        window = LiveWindow(session, set_model, camera, viewport=viewport, takes=performers,
                            performance_origin=origin)
        session.start()
        window.resize(1600, 900)
        window.show()
        ready_to_run()  # fewer collector pauses while the camera moves
        return int(app.exec())
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        session.stop()
