"""Side panels of ``previz scout``: camera body and guides, lens, movement, timeline.

Each panel only calls :class:`~previz.app.session.ScoutSession` methods and
shows the session's state back when it changes (with its own signals blocked,
so showing a value never sets it again).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

import previz.app.qt_compat  # noqa: F401  (before any Qt call)
from previz.app.navigation import FLY, WALK
from previz.app.session import ScoutSession, kit_focal_range, kit_primes, snap_focal
from previz.errors import PrevizError
from previz.render.guides import ASPECT_NAMES

__all__ = ["CameraPanel", "LensPanel", "MovePanel", "TimelineBar", "blocked", "guarded"]

#: Delivery aspects offered (label, value for the session).
DELIVERY_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("2.39:1 scope", "2.39"), ("2.35:1", "2.35"), ("2.00:1", "2.00"), ("1.85:1 flat", "1.85"),
    ("16:9", "16:9"), ("4:3", "4:3"), ("1:1", "1:1"), ("9:16 vertical", "9:16"),
    ("full frame (no mask)", None),
)

_SLIDER_STEPS = 1000
_PRIMES_PER_ROW = 5


@contextmanager
def blocked(widget: Any) -> Iterator[Any]:
    """Block a widget's signals for the block (PySide6's QSignalBlocker as a context
    manager corrupts reference counts in some releases)."""
    was = widget.blockSignals(True)
    try:
        yield widget
    finally:
        widget.blockSignals(was)


def guarded(report: Callable[[str], None], action: Callable[..., Any]) -> Callable[..., None]:
    """Wrap a UI action so a previz error is reported instead of raised into Qt."""

    def run(*args: Any) -> None:
        try:
            action(*args)
        except PrevizError as error:
            report(str(error))

    return run


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setContentsMargins(6, 4, 6, 4)
    form.setVerticalSpacing(4)
    return form


def _select(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    with blocked(combo):
        combo.setCurrentIndex(max(0, index))


class CameraPanel(QGroupBox):
    """Camera body and sensor mode, lens kit, delivery aspect, guides and burn-ins."""

    def __init__(self, session: ScoutSession, report: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__("Camera", parent)
        self.session = session
        form = _form()
        self.body = QComboBox()
        self.body.addItem("Full frame 36 x 24 mm (no body)", None)
        for spec, label in session.body_choices():
            self.body.addItem(label, spec)
        self.body.setMinimumContentsLength(18)
        self.body.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kit = QComboBox()
        self.kit.addItem("Any focal length (no kit)", None)
        for name, label in session.kit_choices():
            self.kit.addItem(label, name)
        self.delivery = QComboBox()
        for label, value in DELIVERY_CHOICES:
            self.delivery.addItem(label, value)
        self.guides = QCheckBox("Guides")
        self.burnins = QCheckBox("Burn-ins")
        toggles = QHBoxLayout()
        toggles.addWidget(self.guides)
        toggles.addWidget(self.burnins)
        toggles.addStretch(1)
        form.addRow("Body", self.body)
        form.addRow("Lens kit", self.kit)
        form.addRow("Delivery", self.delivery)
        form.addRow("", toggles)
        self.setLayout(form)
        self.body.currentIndexChanged.connect(guarded(
            report, lambda _i: session.set_body(self.body.currentData())))
        self.kit.currentIndexChanged.connect(guarded(
            report, lambda _i: session.set_lens_kit(self.kit.currentData())))
        self.delivery.currentIndexChanged.connect(guarded(
            report, lambda _i: session.set_delivery_aspect(self.delivery.currentData())))
        self.guides.toggled.connect(session.set_guides_visible)
        self.burnins.toggled.connect(session.set_burnins_visible)
        session.subscribe(self.refresh)
        self.refresh("camera")
        self.refresh("guides")

    def refresh(self, what: str) -> None:
        """Show the session's body, kit and guides."""
        session = self.session
        if what == "camera":
            _select(self.body, session.body_spec)
            _select(self.kit, session.kit.name if session.kit else None)
        elif what == "guides":
            value = session.delivery_aspect
            index = next((i for i, (_label, data) in enumerate(DELIVERY_CHOICES)
                          if data is not None and value is not None
                          and math.isclose(ASPECT_NAMES[data], value, rel_tol=1e-3)),
                         len(DELIVERY_CHOICES) - 1 if value is None else -1)
            with blocked(self.delivery):
                if index < 0:
                    self.delivery.addItem(f"{value:.3g}:1", f"{value:.6g}")
                    index = self.delivery.count() - 1
                self.delivery.setCurrentIndex(index)
            with blocked(self.guides):
                self.guides.setChecked(session.guides_visible)
            with blocked(self.burnins):
                self.burnins.setChecked(session.burnins_visible)


class LensPanel(QGroupBox):
    """Prime buttons of the kit, a focal-length slider, focus and iris."""

    def __init__(self, session: ScoutSession, report: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__("Lens", parent)
        self.session = session
        self.report = report
        layout = QVBoxLayout()
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        self.primes_box = QWidget()
        self.primes_grid = QGridLayout(self.primes_box)
        self.primes_grid.setContentsMargins(0, 0, 0, 0)
        self.primes_grid.setSpacing(3)
        self.prime_group = QButtonGroup(self)
        self.prime_group.setExclusive(True)
        self.prime_buttons: dict[float, QPushButton] = {}
        layout.addWidget(self.primes_box)
        row = QHBoxLayout()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, _SLIDER_STEPS)
        self.focal_label = QLabel()
        self.focal_label.setMinimumWidth(64)
        self.focal_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.slider, 1)
        row.addWidget(self.focal_label)
        layout.addLayout(row)
        form = _form()
        form.setContentsMargins(0, 0, 0, 0)
        self.focus = QDoubleSpinBox()
        self.focus.setRange(0.0, 1000.0)
        self.focus.setDecimals(2)
        self.focus.setSingleStep(0.1)
        self.focus.setSuffix(" m")
        self.focus.setSpecialValueText("infinity")
        self.f_stop = QDoubleSpinBox()
        self.f_stop.setRange(0.7, 64.0)
        self.f_stop.setDecimals(1)
        self.f_stop.setSingleStep(0.5)
        self.f_stop.setPrefix("f/")
        self.fov = QLabel()
        self.fov.setStyleSheet("color: palette(mid);")
        form.addRow("Focus", self.focus)
        form.addRow("Iris", self.f_stop)
        form.addRow("View", self.fov)
        layout.addLayout(form)
        self.setLayout(layout)
        self.prime_group.idClicked.connect(guarded(report, self._prime_clicked))
        self.slider.valueChanged.connect(guarded(report, self._slid))
        self.focus.valueChanged.connect(guarded(report, session.set_focus))
        self.f_stop.valueChanged.connect(guarded(report, session.set_f_stop))
        session.subscribe(self.refresh)
        self._build_primes()
        self.refresh("lens")

    # ------------------------------------------------------------ kit
    def _build_primes(self) -> None:
        for button in self.prime_buttons.values():
            self.prime_group.removeButton(button)
            button.deleteLater()
        self.prime_buttons = {}
        primes = kit_primes(self.session.kit)
        for index, focal in enumerate(primes):
            button = QPushButton(f"{focal:g}")
            button.setCheckable(True)
            button.setToolTip(f"{focal:g} mm")
            button.setMinimumWidth(40)
            self.prime_group.addButton(button, index)
            self.primes_grid.addWidget(button, index // _PRIMES_PER_ROW, index % _PRIMES_PER_ROW)
            self.prime_buttons[focal] = button
        self.primes_box.setVisible(bool(primes))

    def _prime_clicked(self, index: int) -> None:
        self.session.set_focal(kit_primes(self.session.kit)[index])

    def _slider_focal(self, value: int) -> float:
        low, high = kit_focal_range(self.session.kit)
        return low * (high / low) ** (value / _SLIDER_STEPS) if high > low else low

    def _slider_value(self, focal: float) -> int:
        low, high = kit_focal_range(self.session.kit)
        if high <= low:
            return 0
        fraction = math.log(max(low, min(high, focal)) / low) / math.log(high / low)
        return round(fraction * _SLIDER_STEPS)

    def _slid(self, value: int) -> None:
        focal = snap_focal(self.session.kit, self._slider_focal(value))
        if self.session.kit is None or self.session.kit.lens_for(focal).is_zoom:
            focal = round(focal, 1)
        if not math.isclose(focal, self.session.focal_mm, rel_tol=1e-9):
            self.session.set_focal(focal)

    def refresh(self, what: str) -> None:
        """Show the session's lens."""
        if what == "camera":
            self._build_primes()
        if what not in ("lens", "camera"):
            return
        session = self.session
        focal = session.focal_mm
        for prime, button in self.prime_buttons.items():
            with blocked(button):
                button.setChecked(math.isclose(prime, focal, abs_tol=0.05))
        if not any(b.isChecked() for b in self.prime_buttons.values()):
            self.prime_group.setExclusive(False)
            for button in self.prime_buttons.values():
                button.setChecked(False)
            self.prime_group.setExclusive(True)
        if not self.slider.isSliderDown():
            with blocked(self.slider):
                self.slider.setValue(self._slider_value(focal))
        self.focal_label.setText(f"{focal:.1f} mm" if focal % 1 else f"{focal:.0f} mm")
        with blocked(self.focus):
            self.focus.setValue(0.0 if math.isinf(session.focus_m) else session.focus_m)
        with blocked(self.f_stop):
            self.f_stop.setValue(session.f_stop)
        view = session.view()
        self.fov.setText(f"{view.horizontal_fov_deg():.1f}° x {view.vertical_fov_deg():.1f}°")


class MovePanel(QGroupBox):
    """Fly or walk, eye height and speed, and where the camera is."""

    def __init__(self, session: ScoutSession, report: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__("Move", parent)
        self.session = session
        form = _form()
        modes = QHBoxLayout()
        self.fly = QPushButton("Fly")
        self.walk = QPushButton("Walk")
        self.mode_group = QButtonGroup(self)
        for index, button in enumerate((self.fly, self.walk)):
            button.setCheckable(True)
            self.mode_group.addButton(button, index)
            modes.addWidget(button)
        self.fly.setToolTip("Fly: W/S along the view, Q/E down/up (F toggles)")
        self.walk.setToolTip("Walk: level moves at eye height, Q/E lower/raise the eye (F toggles)")
        self.eye = QDoubleSpinBox()
        self.eye.setRange(0.05, 50.0)
        self.eye.setDecimals(2)
        self.eye.setSingleStep(0.05)
        self.eye.setSuffix(" m")
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.05, 50.0)
        self.speed.setDecimals(2)
        self.speed.setSingleStep(0.25)
        self.speed.setSuffix(" m/s")
        self.speed.setValue(session.settings.speed_m_s)
        self.where = QLabel()
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Mode", modes)
        form.addRow("Eye height", self.eye)
        form.addRow("Speed", self.speed)
        form.addRow("Camera", self.where)
        self.setLayout(form)
        self.mode_group.idClicked.connect(
            guarded(report, lambda i: session.set_mode(FLY if i == 0 else WALK)))
        self.eye.valueChanged.connect(guarded(report, session.set_eye_height))
        self.speed.valueChanged.connect(guarded(report, session.set_speed))
        # the readout is refreshed at most 10 times a second while moving
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show)
        session.subscribe(self.refresh)
        self._show()

    def refresh(self, what: str) -> None:
        """Schedule showing the camera's place."""
        if what == "view" and not self._timer.isActive():
            self._timer.start()

    def _show(self) -> None:
        nav = self.session.nav
        pose = nav.pose
        with blocked(self.mode_group):
            (self.fly if nav.mode == FLY else self.walk).setChecked(True)
        with blocked(self.eye):
            self.eye.setValue(nav.eye_height_m)
        self.eye.setEnabled(nav.mode == WALK)
        x, y, z = pose.position
        self.where.setText(f"x {x:.2f}  y {y:.2f}  z {z:.2f} m\n"
                           f"pan {pose.pan:.1f}°  tilt {pose.tilt:.1f}°  roll {pose.roll:.1f}°")


class TimelineBar(QWidget):
    """Play/pause and a scrubber over the performers' takes."""

    def __init__(self, session: ScoutSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.play.setToolTip("Play or pause the performers (Space in the viewport)")
        self.play.setMinimumWidth(64)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, max(1, round(session.duration * 1000)))
        self.label = QLabel()
        self.label.setMinimumWidth(170)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.play)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self._timer = QTimer(self)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._advance)
        self._shown = QTimer(self)
        self._shown.setSingleShot(True)
        self._shown.setInterval(100)
        self._shown.timeout.connect(self._show)
        self._clock = 0.0
        self.play.toggled.connect(self.set_playing)
        self.slider.valueChanged.connect(lambda value: session.set_time(value / 1000))
        session.subscribe(self.refresh)
        self.refresh("time")

    def toggle(self) -> None:
        """Play when paused, pause when playing."""
        self.play.setChecked(not self.play.isChecked())

    def set_playing(self, playing: bool) -> None:
        """Start or stop playback (from the current time; it loops at the end)."""
        import time

        with blocked(self.play):
            self.play.setChecked(playing)
        self.play.setText("Pause" if playing else "Play")
        if playing:
            self._clock = time.perf_counter()
            self._timer.start()
        else:
            self._timer.stop()
            self._show()

    def _advance(self) -> None:
        import time

        now = time.perf_counter()
        step, self._clock = now - self._clock, now
        duration = self.session.duration
        moment = self.session.time_s + step
        self.session.set_time(moment % duration if duration > 0 else 0.0)

    def refresh(self, what: str) -> None:
        """Show the current time (at most 10 times a second while playing)."""
        if what != "time":
            return
        if self._timer.isActive():
            if not self._shown.isActive():
                self._shown.start()
            return
        self._show()

    def _show(self) -> None:
        session = self.session
        with blocked(self.slider):
            self.slider.setValue(round(session.time_s * 1000))
        self.label.setText(f"{session.time_s:6.2f} s   frame {session.frame_number()}")

    def stop(self) -> None:
        """Stop playback."""
        self._timer.stop()
        self._shown.stop()
