"""The confusion matrix of the test split: which digits the network mixes up, and how often.

Row = the true digit, column = the network's answer; the diagonal holds the right answers (green),
everything else a mix-up (red), brighter the larger its share of the row. The column on the right is
each digit's accuracy. A click on a cell emits `cellClicked(true, predicted, indices)` with the test
samples in it and shows the first of them (the sample browser steps through the rest).

It is recomputed when the network changes, at most every REFRESH_MS (during Run the weights change
30 times a second; the test split is up to 10,000 digits), and not while it is out of sight in a shown
window (a tab behind another): then once it comes into sight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from engine.explain import ConfusionMatrix, confusion_matrix
from playground import theme

if TYPE_CHECKING:
    from playground.session import Session

REFRESH_MS = 500
MARGIN = 22  # room for the labels along the top and the left
ACCURACY_WIDTH = 44  # the per-class accuracy column


def blend(color: str, strength: float) -> QColor:
    """`color` faded towards the panel colour: strength 0 is the panel, 1 the full colour."""
    base, full = np.array(theme.rgb(theme.PANEL)), np.array(theme.rgb(color))
    r, g, b = np.round(base + float(np.clip(strength, 0, 1)) * (full - base)).astype(int)
    return QColor(int(r), int(g), int(b))


def cell_color(counts: np.ndarray, true: int, predicted: int) -> QColor:
    """Green on the diagonal, red off it, as bright as the cell's share of its row (empty: the panel)."""
    row = counts[true].sum()
    share = counts[true, predicted] / row if row else 0.0
    if counts[true, predicted] == 0:
        return blend(theme.PANEL, 0.0)
    if true == predicted:
        return blend(theme.GOOD, 0.25 + 0.75 * share)
    return blend(theme.BAD, 0.25 + 0.75 * min(1.0, 4 * share))  # mix-ups are rarer: brighten them


class ConfusionMatrixView(QWidget):
    cellClicked = Signal(int, int, object)  # true class, predicted class, np.ndarray of test indices

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self._session = session
        self.matrix: ConfusionMatrix | None = None
        self.setMinimumSize(MARGIN + ACCURACY_WIDTH + 10 * 18, MARGIN + 10 * 18 + 18)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setToolTip("Rows: the true digit. Columns: the network's answer. Click a cell to see its "
                        "test samples.")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._stale = False  # the network changed while out of sight
        session.networkChanged.connect(self._network_changed)
        if hasattr(session, "structureChanged"):
            session.structureChanged.connect(self.refresh)
        self.refresh()

    # --- the numbers ---------------------------------------------------------------------------

    def refresh(self) -> None:
        self._timer.stop()
        self._stale = False
        data, net = self._session.dataset, self._session.network
        n_classes = max(len(data.classes), 2)
        self.matrix = None
        if len(data.X_test) and data.X_test.shape[1] == net.sizes[0]:
            try:
                self.matrix = confusion_matrix(net, data.X_test, data.labels_test, n_classes)
            except ValueError:  # a network whose outputs do not match the classes (mid-switch)
                pass
        self.update()

    def _network_changed(self) -> None:
        if self.window().isVisible() and self.visibleRegion().isEmpty():
            self._stale = True  # a tab behind another: recounted when it comes into sight
        elif not self._timer.isActive():  # at most every REFRESH_MS, also while Run goes on
            self._timer.start()

    def catch_up(self) -> None:
        """In sight again (its dock's tab raised, say): recount if the network changed meanwhile."""
        if self._stale:
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.catch_up()

    def class_name(self, k: int) -> str:
        names = self._session.dataset.classes
        return names[k] if k < len(names) else str(k)

    # --- geometry ------------------------------------------------------------------------------

    def _cell_size(self) -> float:
        n = self.matrix.n_classes if self.matrix is not None else 10
        return max(4.0, min((self.width() - MARGIN - ACCURACY_WIDTH) / n, (self.height() - MARGIN - 18) / n))

    def cell_rect(self, true: int, predicted: int) -> QRectF:
        size = self._cell_size()
        return QRectF(MARGIN + predicted * size, MARGIN + true * size, size, size)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        if self.matrix is None:
            return None
        size = self._cell_size()
        col, row = (pos.x() - MARGIN) / size, (pos.y() - MARGIN) / size
        n = self.matrix.n_classes
        if 0 <= row < n and 0 <= col < n:
            return int(row), int(col)
        return None

    # --- painting and clicks -------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(theme.PANEL))
        cm = self.matrix
        if cm is None:
            painter.setPen(QColor(theme.TEXT_DIM))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No test split to measure")
            painter.end()
            return
        size, n = self._cell_size(), cm.n_classes
        font = QFont(self.font())
        font.setPixelSize(int(max(7, min(12, size * 0.42))))
        painter.setFont(font)
        centre = Qt.AlignmentFlag.AlignCenter
        for k in range(n):
            name = self.class_name(k)
            painter.setPen(QColor(theme.TEXT_DIM))
            painter.drawText(QRectF(MARGIN + k * size, 0, size, MARGIN), centre, name)
            painter.drawText(QRectF(0, MARGIN + k * size, MARGIN, size), centre, name)
        accuracy = cm.per_class_accuracy
        for t in range(n):
            for p in range(n):
                rect = self.cell_rect(t, p)
                painter.fillRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), cell_color(cm.counts, t, p))
                if cm.counts[t, p]:
                    painter.setPen(QColor(theme.TEXT))
                    painter.drawText(rect, centre, str(int(cm.counts[t, p])))
            right = QRectF(MARGIN + n * size + 2, MARGIN + t * size, ACCURACY_WIDTH - 2, size)
            painter.setPen(QColor(theme.TEXT if np.isfinite(accuracy[t]) else theme.TEXT_DIM))
            painter.drawText(right, centre, f"{accuracy[t]:.0%}" if np.isfinite(accuracy[t]) else "–")
        painter.setPen(QColor(theme.TEXT_DIM))
        painter.drawText(QRectF(0, MARGIN + n * size, self.width(), 18), centre,
                         f"test accuracy {cm.accuracy:.1%} of {cm.total:,} — rows: true, columns: answer")
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        cell = self.cell_at(event.position())
        if cell is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        true, predicted = cell
        indices = self.matrix.samples(true, predicted)
        self.cellClicked.emit(true, predicted, indices)
        if len(indices):
            self._session.show_sample(int(indices[0]), "test")

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        cell = self.cell_at(event.position())
        if cell is None:
            return super().mouseMoveEvent(event)
        true, predicted = cell
        count, row = int(self.matrix.counts[true, predicted]), int(self.matrix.counts[true].sum())
        verb = "read right" if true == predicted else f"read as {self.class_name(predicted)}"
        text = f"{count} of the {row} test samples of {self.class_name(true)} {verb} — click to see them"
        QToolTip.showText(event.globalPosition().toPoint(), text, self)
