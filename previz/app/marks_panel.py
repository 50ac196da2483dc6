"""The marks panel of ``previz scout``: add, rename, note, go to, update and delete marks.

Every button calls one :class:`~previz.app.session.ScoutSession` method; the
list and fields show the session's marks back when they change.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import previz.app.qt_compat  # noqa: F401  (before any Qt call)
from previz.app.panels import blocked, guarded
from previz.app.session import ScoutSession
from previz.core.shotplan import Mark

__all__ = ["MarksPanel", "mark_summary"]


def mark_summary(mark: Mark) -> str:
    """One line for the list: ``wide   25 mm  f/4  @ 7 m``."""
    focus = "inf" if math.isinf(mark.focus) else f"{mark.focus:g} m"
    return f"{mark.name}   {mark.focal:g} mm  f/{mark.aperture:g}  @ {focus}"


class MarksPanel(QGroupBox):
    """The session's marks with their name and note, and the buttons that edit them.

    Parameters
    ----------
    session : ScoutSession
    report : callable
        Shows an error message.
    save : callable
        Saves the plan (the window's save, which may ask for a file).
    """

    def __init__(self, session: ScoutSession, report: Callable[[str], None],
                 save: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__("Marks", parent)
        self.session = session
        layout = QVBoxLayout()
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        self.list = QListWidget()
        self.list.setMinimumHeight(110)
        self.list.setToolTip("Double-click a mark to go to it")
        layout.addWidget(self.list, 1)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit()
        self.name.setPlaceholderText("name (Enter renames)")
        self.note = QLineEdit()
        self.note.setPlaceholderText("note for the selected or next mark")
        form.addRow("Name", self.name)
        form.addRow("Note", self.note)
        layout.addLayout(form)
        buttons = QGridLayout()
        buttons.setSpacing(3)
        self.add = QPushButton("Add mark")
        self.add.setToolTip("Mark the camera here: pose, lens, focus, iris, body, note (M)")
        self.go = QPushButton("Go to")
        self.update_button = QPushButton("Update")
        self.update_button.setToolTip("Move the selected mark to the camera now")
        self.rename = QPushButton("Rename")
        self.delete = QPushButton("Delete")
        self.save = QPushButton("Save plan")
        self.save.setToolTip("Save the marks into the shot plan (Ctrl+S)")
        for index, button in enumerate((self.add, self.go, self.update_button, self.rename,
                                        self.delete, self.save)):
            buttons.addWidget(button, index // 3, index % 3)
        layout.addLayout(buttons)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.plan_label)
        self.setLayout(layout)

        self.add.clicked.connect(guarded(report, lambda *_: self.add_mark()))
        self.go.clicked.connect(guarded(report, lambda *_: self._with_selected(session.go_to_mark)))
        self.update_button.clicked.connect(
            guarded(report, lambda *_: self._with_selected(session.update_mark)))
        self.rename.clicked.connect(guarded(report, lambda *_: self._rename()))
        self.name.returnPressed.connect(guarded(report, self._rename))
        self.note.editingFinished.connect(guarded(report, self._note))
        self.delete.clicked.connect(guarded(report, lambda *_: self._with_selected(
            session.delete_mark)))
        self.save.clicked.connect(lambda *_: save())
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.list.itemDoubleClicked.connect(
            guarded(report, lambda item: session.go_to_mark(item.data(Qt.ItemDataRole.UserRole))))
        session.subscribe(self.refresh)
        self.refresh("marks")
        self.refresh("plan")

    # ------------------------------------------------------------ actions
    def selected(self) -> str | None:
        """Name of the selected mark."""
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, name: str | None) -> None:
        """Select a mark by name."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(row)
                return

    def _with_selected(self, action: Callable[[str], object]) -> None:
        name = self.selected()
        if name is not None:
            action(name)

    def add_mark(self) -> Mark:
        """Add a mark here, with the note field's text; select it and offer its name to edit."""
        selected = self.selected()
        note = self.note.text().strip()
        if selected is not None and note == self.session.mark(selected).note:
            note = ""  # the field shows the selected mark's note, not a new one
        mark = self.session.add_mark(note=note)
        self.select(mark.name)
        self.name.setFocus()
        self.name.selectAll()
        return mark

    def _rename(self) -> None:
        name = self.selected()
        new = self.name.text().strip()
        if name is not None and new and new != name:
            self.session.rename_mark(name, new)
            self.select(new)

    def _note(self) -> None:
        name = self.selected()
        if name is not None:
            self.session.set_mark_note(name, self.note.text().strip())

    # ------------------------------------------------------------ showing
    def _show_selected(self) -> None:
        name = self.selected()
        mark = self.session.mark(name) if name is not None else None
        with blocked(self.name):
            self.name.setText(mark.name if mark else "")
        with blocked(self.note):
            self.note.setText(mark.note if mark else "")
        for button in (self.go, self.update_button, self.rename, self.delete):
            button.setEnabled(mark is not None)

    def refresh(self, what: str) -> None:
        """Show the marks (and the plan file)."""
        if what == "marks":
            selected = self.selected()
            with blocked(self.list):
                self.list.clear()
                for mark in self.session.marks:
                    item = QListWidgetItem(mark_summary(mark))
                    item.setData(Qt.ItemDataRole.UserRole, mark.name)
                    item.setToolTip(mark.note or mark.name)
                    self.list.addItem(item)
            names = self.session.mark_names()
            self.select(selected if selected in names else self.session.current_mark)
            self._show_selected()
        if what in ("marks", "plan"):
            path = self.session.plan_path
            where = str(path) if path is not None else "no plan file yet (Save asks for one)"
            state = "  (unsaved changes)" if self.session.dirty else ""
            self.plan_label.setText(f"Plan: {where}{state}")
