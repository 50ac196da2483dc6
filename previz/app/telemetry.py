"""The live camera app's telemetry panel: recent pose curves and the input's health.

:class:`TelemetryPanel` plots the last ~10 s of the session's samples with
pyqtgraph — stage x/y/z and pan/tilt/roll, the raw (calibrated, unfiltered)
value dashed and the filtered one solid — and shows the message rate, jitter,
latency and the dropped/invalid/unmapped/duplicate/out-of-order counts. It
refreshes on its own timer (~10 Hz) by copying the session's history deque
into numpy arrays and calling ``setData`` on curves made once; it never
touches the session's state.

:func:`history_arrays` and :func:`counter_texts` are the Qt-free halves, for tests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

import previz.app.qt_compat  # noqa: F401  (before any Qt call)
from previz.core.camera_path import pan_tilt_roll_from_orientations
from previz.live.stats import copy_deque
from previz.live.vcam import CameraSample

__all__ = ["COUNTERS", "WINDOW_S", "History", "TelemetryPanel", "counter_texts",
           "history_arrays"]

#: Seconds of history plotted.
WINDOW_S = 10.0

#: Counters shown, in order: (key, label, tooltip).
COUNTERS: tuple[tuple[str, str, str], ...] = (
    ("rate", "rate", "Camera samples per second over the recent window"),
    ("jitter", "jitter", "Standard deviation of the intervals between samples"),
    ("latency", "latency", "Median device-to-receive delay (needs device timestamps)"),
    ("messages", "messages", "Protocol messages decoded"),
    ("samples", "samples", "Camera samples made"),
    ("missing", "dropped", "Samples the device numbered but that never arrived"),
    ("invalid", "invalid", "Datagrams that could not be decoded"),
    ("unmapped", "unmapped", "Messages whose address the profile does not map"),
    ("duplicate", "duplicate", "Samples received twice (dropped)"),
    ("out_of_order", "out of order", "Samples older than one already used (dropped)"),
    ("other", "other", "Checksum, range, unsupported, sender and journal rejects"),
)

_OTHER_KINDS = ("checksum", "range", "unsupported", "sender", "journal")
_AXIS_COLORS = ("#e0493c", "#3fae4a", "#3f73d8")


@dataclass(frozen=True)
class History:
    """Recent samples as arrays, time relative to now.

    Attributes
    ----------
    t : numpy.ndarray, shape (N,)
        Seconds before now (negative).
    raw_position, position : numpy.ndarray, shape (N, 3)
        Stage metres, unfiltered and filtered.
    raw_angles, angles : numpy.ndarray, shape (N, 3)
        Pan, tilt, roll degrees, unfiltered and filtered (pan and roll unwrapped).
    """

    t: NDArray[np.float64]
    raw_position: NDArray[np.float64]
    position: NDArray[np.float64]
    raw_angles: NDArray[np.float64]
    angles: NDArray[np.float64]


def history_arrays(samples: Sequence[CameraSample], now: float,
                   window_s: float = WINDOW_S) -> History:
    """The samples received in the last ``window_s`` seconds before ``now``, as arrays.

    Parameters
    ----------
    samples : sequence of CameraSample
        Oldest first (the session's history).
    now : float
        Monotonic seconds.
    window_s : float
        How far back to keep.
    """
    start = len(samples)
    oldest = now - window_s
    while start > 0 and samples[start - 1].received >= oldest:
        start -= 1
    recent = samples[start:]
    if not recent:
        empty = np.zeros((0, 3))
        return History(np.zeros(0), empty, empty, empty, empty)
    t = np.fromiter((s.received for s in recent), float, len(recent)) - now
    raw_position = np.array([s.raw_position for s in recent], dtype=float)
    position = np.array([s.position for s in recent], dtype=float)
    raw_angles = pan_tilt_roll_from_orientations(
        np.array([s.raw_orientation for s in recent], dtype=float).reshape(-1, 4))
    angles = pan_tilt_roll_from_orientations(
        np.array([s.orientation for s in recent], dtype=float).reshape(-1, 4))
    raw_angles = raw_angles.reshape(-1, 3)
    angles = angles.reshape(-1, 3)
    # unwrapping starts each curve at its own first value: keep the two on the same turn
    for axis in (0, 2):
        turns = np.round((raw_angles[0, axis] - angles[0, axis]) / 360.0)
        angles[:, axis] += 360.0 * turns
    return History(t, raw_position, position, raw_angles, angles)


def counter_texts(snapshot: dict[str, Any]) -> dict[str, str]:
    """The counters' texts from :meth:`previz.live.stats.LiveStats.snapshot`."""
    rejected = snapshot.get("rejected", {})
    latency = snapshot.get("latency_ms")
    return {
        "rate": f"{snapshot.get('rate_hz', 0.0):.1f} Hz",
        "jitter": f"{snapshot.get('jitter_ms', 0.0):.2f} ms",
        "latency": "—" if latency is None else f"{latency:.1f} ms",
        "messages": str(snapshot.get("messages", 0)),
        "samples": str(snapshot.get("samples", 0)),
        "missing": str(snapshot.get("missing", 0)),
        "invalid": str(rejected.get("invalid", 0)),
        "unmapped": str(rejected.get("unmapped", 0)),
        "duplicate": str(rejected.get("duplicate", 0)),
        "out_of_order": str(rejected.get("out_of_order", 0)),
        "other": str(sum(rejected.get(kind, 0) for kind in _OTHER_KINDS)),
    }


class TelemetryPanel(QWidget):
    """Pose curves of the last seconds and the input's counters, for a live session.

    Parameters
    ----------
    session : LiveSession
        Read only: ``history`` and ``stats``.
    parent : QWidget or None
    window_s : float, keyword-only
        Seconds of history plotted.
    interval_ms : int, keyword-only
        Refresh period (0: only when :meth:`refresh` is called).

    Attributes
    ----------
    curves : dict of str to pyqtgraph.PlotDataItem
        ``"x"``, ``"y"``, ``"z"``, ``"pan"``, ``"tilt"``, ``"roll"`` (filtered) and the
        same names with ``"_raw"``.
    values : dict of str to QLabel
        The counters by key (see :data:`COUNTERS`).
    refreshes : int
        How many times the panel has refreshed.
    """

    def __init__(self, session: Any, parent: QWidget | None = None, *,
                 window_s: float = WINDOW_S, interval_ms: int = 100) -> None:
        import pyqtgraph as pg

        super().__init__(parent)
        self.session = session
        self.window_s = float(window_s)
        self.refreshes = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(6)
        plots = QVBoxLayout()
        plots.setSpacing(2)
        self.curves: dict[str, Any] = {}
        self.position_plot = self._plot(pg, "position (m)", ("x", "y", "z"))
        self.rotation_plot = self._plot(pg, "pan / tilt / roll (°)", ("pan", "tilt", "roll"))
        self.rotation_plot.setXLink(self.position_plot)
        plots.addWidget(self.position_plot)
        plots.addWidget(self.rotation_plot)
        layout.addLayout(plots, 1)
        layout.addWidget(self._counters())
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, int(interval_ms)))
        self._timer.timeout.connect(self.refresh)
        if interval_ms > 0:
            self._timer.start()

    def _plot(self, pg: Any, title: str, names: tuple[str, str, str]) -> Any:
        plot = pg.PlotWidget(background="#202124")
        plot.setMinimumHeight(90)
        item = plot.getPlotItem()
        item.setTitle(f"{title} — solid filtered, dashed raw", size="8pt")
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setXRange(-self.window_s, 0.0, padding=0.0)
        item.setMouseEnabled(x=False, y=True)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")  # about a point per pixel column
        item.hideButtons()
        legend = item.addLegend(offset=(4, 2), labelTextSize="7pt", colCount=3)
        for name, color in zip(names, _AXIS_COLORS, strict=True):
            # one-pixel pens: a wider line costs Qt's raster engine about three times more
            faint = pg.mkColor(color)
            faint.setAlpha(170)
            raw = item.plot(pen=pg.mkPen(faint, width=1, style=Qt.PenStyle.DashLine),
                            skipFiniteCheck=True)
            solid = item.plot(pen=pg.mkPen(color, width=1), name=name, skipFiniteCheck=True)
            self.curves[f"{name}_raw"] = raw
            self.curves[name] = solid
        legend.setVisible(True)
        return plot

    def _counters(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        self.values: dict[str, QLabel] = {}
        for row, (key, label, tip) in enumerate(COUNTERS):
            name = QLabel(label)
            name.setToolTip(tip)
            value = QLabel("0")
            value.setToolTip(tip)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(70)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            self.values[key] = value
        self.last_error = QLabel("")
        self.last_error.setWordWrap(True)
        self.last_error.setMaximumWidth(200)
        self.last_error.setStyleSheet("color: #d08040;")
        grid.addWidget(self.last_error, len(COUNTERS), 0, 1, 2)
        grid.setRowStretch(len(COUNTERS) + 1, 1)
        box.setFixedWidth(210)
        return box

    # ------------------------------------------------------------ refresh
    def refresh(self, now: float | None = None) -> None:
        """Redraw the curves and counters from the session (``now``: monotonic seconds)."""
        now = time.monotonic() if now is None else now
        history = history_arrays(copy_deque(self.session.history), now, self.window_s)
        for index, name in enumerate(("x", "y", "z")):
            self.curves[name].setData(history.t, history.position[:, index])
            self.curves[f"{name}_raw"].setData(history.t, history.raw_position[:, index])
        for index, name in enumerate(("pan", "tilt", "roll")):
            self.curves[name].setData(history.t, history.angles[:, index])
            self.curves[f"{name}_raw"].setData(history.t, history.raw_angles[:, index])
        snapshot = self.session.stats.snapshot()  # copies the receive thread's deques safely
        for key, text in counter_texts(snapshot).items():
            label = self.values[key]
            if label.text() != text:
                label.setText(text)
        error = str(snapshot.get("last_error", ""))
        if self.last_error.text() != error:
            self.last_error.setText(error)
        self.refreshes += 1

    def stop(self) -> None:
        """Stop refreshing."""
        self._timer.stop()
