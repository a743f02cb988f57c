"""My digits: label the drawing on the pad ("This is a …") and browse, show and delete what was kept.

The drawings live in engine.datasets.my_digits (an .npz in the user's data folder, saved at every
change). An unreadable file is not touched: the browser says what is wrong and offers to set it
aside (renamed, not deleted) and start afresh.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.datasets import my_digits
from engine.datasets.my_digits import MyDigits
from playground import theme
from playground.views.digits.picture import SIDE, grey_rgba, rgba_image

if TYPE_CHECKING:
    from playground.session import Session

THUMB = 2  # thumbnail scale: 56×56 pixels


class MyDigitsBrowser(QWidget):
    """The list of My digits as thumbnails with their labels; Show puts one on the network's input."""

    changed = Signal()  # digits were added or deleted (e.g. for a "Fine-tune on my digits" button)

    def __init__(self, session: Session, path: str | os.PathLike | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("myDigitsBrowser")
        self._session = session
        self._path = path
        self.store: MyDigits | None = None
        self.problem = ""  # why the file could not be opened, or ""

        self.countLabel = QLabel()
        self.countLabel.setObjectName("myDigitsCount")
        self.countLabel.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("myDigitsList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(SIDE * THUMB, SIDE * THUMB))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setToolTip("Your labelled drawings. Double-click one to show it to the network.")
        self.showButton = QPushButton("Show")
        self.showButton.setObjectName("myDigitsShow")
        self.showButton.setToolTip("Show the selected drawing to the network (or double-click it).")
        self.deleteButton = QPushButton("Delete")
        self.deleteButton.setObjectName("myDigitsDelete")
        self.deleteButton.setToolTip("Delete the selected drawing from My digits (Delete key).")
        self.setAsideButton = QPushButton("Set the file aside and start afresh")
        self.setAsideButton.setObjectName("myDigitsSetAside")
        self.setAsideButton.setToolTip("Rename the unreadable file (nothing is deleted) and start an "
                                       "empty My digits.")

        buttons = QHBoxLayout()
        buttons.addWidget(self.showButton)
        buttons.addWidget(self.deleteButton)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.countLabel)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.setAsideButton)

        self.showButton.clicked.connect(self.show_selected)
        self.deleteButton.clicked.connect(self.delete_selected)
        self.setAsideButton.clicked.connect(self.set_aside)
        self.list.itemDoubleClicked.connect(lambda _item: self.show_selected())
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete.activated.connect(self.delete_selected)
        self._open()

    # --- the store -----------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            self.store = MyDigits(self._path)
            self.problem = ""
        except ValueError as exc:  # unreadable: left exactly as it is
            self.store, self.problem = None, str(exc)
        self._rebuild()

    def add(self, x, label: int) -> bool:
        """Keep drawing `x` (784 values) as a `label`; False (with the reason on screen) if it cannot."""
        if self.store is None:
            return False
        x = np.asarray(x, dtype=np.float32).reshape(-1)
        if x.shape != (SIDE * SIDE,) or not x.any():
            self.countLabel.setText("Draw a digit first, then say which it is.")
            return False
        try:
            self.store.add(x, label)
        except (OSError, ValueError) as exc:
            self.countLabel.setText(f"Could not save it: {exc}")
            return False
        self._rebuild(select=len(self.store) - 1)
        self.changed.emit()
        return True

    def show_selected(self) -> None:
        row = self.list.currentRow()
        if self.store is None or not 0 <= row < len(self.store):
            return
        label = int(self.store.labels[row])
        self._session.set_input(self.store.images[row].reshape(-1), label,
                                f"my digit {row + 1} of {len(self.store)} (a {label})")

    def delete_selected(self) -> None:
        row = self.list.currentRow()
        if self.store is None or not 0 <= row < len(self.store):
            return
        try:
            self.store.delete(row)
        except OSError as exc:
            self.countLabel.setText(f"Could not delete it: {exc}")
            return
        self._rebuild(select=min(row, len(self.store) - 1))
        self.changed.emit()

    def set_aside(self) -> None:
        path = self._path if self._path is not None else my_digits.default_path()
        try:
            kept = my_digits.set_aside(path)
        except OSError as exc:
            self.countLabel.setText(f"Could not rename the file: {exc}")
            return
        self._open()
        self.countLabel.setText(f"The unreadable file was kept as {kept.name}. {self.countLabel.text()}")
        self.changed.emit()

    # --- the view ------------------------------------------------------------------------------

    def _rebuild(self, select: int = -1) -> None:
        self.list.clear()
        self.setAsideButton.setVisible(self.store is None)
        if self.store is None:
            self.countLabel.setText(f"<span style='color:{theme.BAD}'>{self.problem}</span>")
            self._enable()
            return
        for k, (image, label) in enumerate(zip(self.store.images, self.store.labels, strict=True)):
            picture = rgba_image(grey_rgba(image)).scaled(SIDE * THUMB, SIDE * THUMB)
            item = QListWidgetItem(QIcon(QPixmap.fromImage(picture)), str(int(label)))
            item.setToolTip(f"my digit {k + 1}: a {int(label)}")
            self.list.addItem(item)
        if 0 <= select < self.list.count():
            self.list.setCurrentRow(select)
        counts = self.store.counts()
        if len(self.store):
            per_digit = ", ".join(f"{d}: {n}" for d, n in enumerate(counts) if n)
            self.countLabel.setText(f"{len(self.store)} of your digits ({per_digit})")
        else:
            self.countLabel.setText("No digits of yours yet: draw one and press “This is a …”.")
        self._enable()

    def _enable(self) -> None:
        has = self.store is not None and 0 <= self.list.currentRow() < len(self.store)
        self.showButton.setEnabled(has)
        self.deleteButton.setEnabled(has)


class ThisIsButtons(QWidget):
    """"This is a 0 … 9": label the shown input (the drawing) and add it to My digits."""

    def __init__(self, session: Session, browser: MyDigitsBrowser, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("thisIsButtons")
        self._session = session
        self._browser = browser
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(QLabel("This is a"))
        self.buttons: list[QToolButton] = []
        for d in range(10):
            button = QToolButton()
            button.setObjectName(f"thisIs{d}")
            button.setText(str(d))
            button.setToolTip(f"This drawing is a {d}: keep it in My digits, labelled {d}.")
            button.clicked.connect(lambda _checked=False, d=d: self.label_as(d))
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)
        session.inputChanged.connect(self._enable)
        self._enable()

    def label_as(self, digit: int) -> bool:
        return self._browser.add(self._session.input, digit)

    def _enable(self) -> None:
        x = np.asarray(self._session.input)
        ok = self._browser.store is not None and x.shape == (SIDE * SIDE,) and bool(x.any())
        for button in self.buttons:
            button.setEnabled(ok)
