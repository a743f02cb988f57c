"""The digit pad: draw a digit, see the 28×28 picture the network gets, and its answer.

The drawing travels one way: the canvas's strokes -> `preprocess.strokes_to_mnist` -> `Session.set_input`.
The strokes are drawn again with a pen of MNIST's width for the drawing's size (the screen's pen would
join the strokes of a small digit into a blot: a small 3 would read as an 8). The preview and
the chart then redraw from the Session like every other view, so they also show a browsed test
sample, and the network view lights up with the drawing. While a stroke is being drawn the input is
sent at most ~30 times a second (the first move at once, the last one when the mouse is released).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.preprocess import SIDE, strokes_to_mnist
from playground import theme
from playground.views.digits.digit_canvas import DigitCanvas
from playground.views.digits.prediction_chart import PredictionChart
from playground.views.pacing import Paced

if TYPE_CHECKING:  # the panel only observes the Session; importing it for the type alone
    from playground.session import Session

ANSWER_HZ = 30  # during Run the chart follows the snapshots at most this often
MAX_RATE = 30.0  # input updates per second while drawing
DRAWING = "your drawing"
NOT_DIGITS = "Choose a digits preset to draw"
WIDE = 640  # from this width on, the canvas and the chart sit side by side
SEEN_WIDTH = SIDE * 4 + 2  # the column with the 28×28 picture, beside the chart


class InputPreview(QWidget):
    """The 28×28 input as the network sees it, enlarged with square pixels (no smoothing)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("digitPreview")
        self.setFixedSize(SIDE * 4 + 2, SIDE * 4 + 2)
        self.setToolTip(
            "What the network actually sees: your drawing cropped to its ink, scaled to fit a 20×20 box,\n"
            "and placed in 28×28 so that its centre of mass is in the middle — how MNIST made its digits.\n"
            "Each square is one of the 784 input neurons: white is 1.0, black 0.0."
        )
        self.pixels = np.zeros((SIDE, SIDE), dtype=np.float32)
        self._image = QImage(SIDE, SIDE, QImage.Format.Format_Grayscale8)
        self._image.fill(0)

    def show_pixels(self, x: np.ndarray | None) -> None:
        pixels = np.zeros((SIDE, SIDE), np.float32) if x is None else np.asarray(x).reshape(SIDE, SIDE)
        if np.array_equal(pixels, self.pixels):
            return  # e.g. a Run snapshot: new weights, the same input
        self.pixels = pixels.copy()
        grey = np.ascontiguousarray(np.clip(self.pixels * 255 + 0.5, 0, 255).astype(np.uint8))
        # copy(): QImage must not keep pointing into a numpy buffer that is freed afterwards
        self._image = QImage(grey.data, SIDE, SIDE, SIDE, QImage.Format.Format_Grayscale8).copy()
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(theme.BACKGROUND))
        cell = max(1, min(self.width(), self.height()) // SIDE)
        side = cell * SIDE
        target = QRectF((self.width() - side) // 2, (self.height() - side) // 2, side, side)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # nearest neighbour
        painter.drawImage(target, self._image)
        painter.setPen(QPen(QColor(theme.TEXT_DIM), 1))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        painter.end()


class DigitPanel(QWidget):
    """Canvas, Undo/Clear, the network's-eye preview and the prediction chart."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("digitPanel")
        self._session = session
        self._last_push = 0.0
        self.updates_sent = 0  # inputs sent to the Session from drawing (for tests and the benchmark)

        self.canvas = DigitCanvas()
        self.undoButton = QPushButton("Undo")
        self.undoButton.setObjectName("digitUndo")
        self.undoButton.setToolTip("Take back the last stroke (Ctrl+Z).")
        self.clearButton = QPushButton("Clear")
        self.clearButton.setObjectName("digitClear")
        self.clearButton.setToolTip("Wipe the canvas (Delete, or right-click on it).")
        self.preview = InputPreview()
        self.caption = QLabel()
        self.caption.setObjectName("digitCaption")
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {theme.TEXT_DIM};")
        # room for two lines: a wrapped label's height is not in the pad's minimum size, and a caption
        # taller than that pushed the canvas under the chart
        self.caption.setMinimumHeight(2 * self.caption.fontMetrics().lineSpacing())
        self.caption.setToolTip("What the canvas and the network show. Draw on the canvas to replace it.")
        self.chart = PredictionChart()
        self.note = QLabel(NOT_DIGITS + " (the digit pad needs a network with 784 inputs and 10 outputs).")
        self.note.setObjectName("digitNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {theme.HIGHLIGHT};")

        # what is shown, beside the buttons; how to draw is written on the empty canvas itself
        buttons = QHBoxLayout()
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(self.undoButton)
        buttons.addWidget(self.clearButton)
        left = QVBoxLayout()
        left.addLayout(buttons)
        left.addWidget(self.canvas, 1)
        # the 28×28 picture in a narrow column beside the chart: the pad then fits a 720-pixel-high
        # window with the canvas at its full 280×280
        # broken by hand, not word-wrapped: a wrapping label makes the pad's layout size the chart by
        # its preferred height, and on a short screen the canvas was then laid over the chart
        seen_title = QLabel("<b>What the<br>network sees</b>")
        seen_note = QLabel("28×28 inputs,\none per square")
        for label in (seen_title, seen_note):
            label.setToolTip(self.preview.toolTip())
        seen_note.setStyleSheet(f"color: {theme.TEXT_DIM};")
        seen = QVBoxLayout()
        seen.addWidget(seen_title)
        seen.addWidget(self.preview)
        seen.addWidget(seen_note)
        seen.addStretch(1)
        seen_column = QWidget()
        seen_column.setFixedWidth(SEEN_WIDTH)
        seen_column.setLayout(seen)
        seen.setContentsMargins(0, 0, 0, 0)
        right = QHBoxLayout()
        right.addWidget(self.chart, 1)
        right.addWidget(seen_column)
        # side by side when there is room, stacked in a narrow dock
        self._row = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._row.addLayout(left, 1)
        self._row.addLayout(right, 1)
        self._left, self._right = left, right  # for add_under_canvas / add_beside_seen
        outer = QVBoxLayout(self)
        outer.addWidget(self.note)
        outer.addLayout(self._row, 1)

        # while drawing, at most MAX_RATE inputs a second: the last move waits for this timer
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.timeout.connect(self.push_drawing)
        self.canvas.strokeMoved.connect(self._on_stroke_moved)
        self.canvas.strokeFinished.connect(self.push_drawing)
        self.canvas.cleared.connect(self.push_drawing)
        self.undoButton.clicked.connect(self.canvas.undo)
        self.clearButton.clicked.connect(self.canvas.clear)
        # the keys work anywhere in the pad (the canvas itself handles them when it has focus)
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.canvas.undo),
                           (QKeySequence(Qt.Key.Key_Delete), self.canvas.clear),
                           (QKeySequence(Qt.Key.Key_Backspace), self.canvas.clear)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        session.structureChanged.connect(self._structure_changed)
        session.inputChanged.connect(self.refresh)
        self._paced_answer = Paced(self, session, self._show_answer, ANSWER_HZ)
        session.networkChanged.connect(self._network_changed)
        self._structure_changed()

    def add_under_canvas(self, widget: QWidget) -> None:
        """A row under the canvas (the "This is a …" buttons)."""
        self._left.addWidget(widget)

    def add_beside_seen(self, widget: QWidget) -> None:
        """A column beside "What the network sees" (the saliency picture)."""
        self._right.addWidget(widget)

    def hasHeightForWidth(self) -> bool:
        # The caption wraps, which would give the pad a height-for-width: a scroll area (the dock's,
        # see screen_fit.FitScroll) then makes it as tall as its preferred height and scrolls for nothing.
        return False

    def heightForWidth(self, _width: int) -> int:
        return -1

    def resizeEvent(self, event) -> None:
        # Stacked in a narrow dock; canvas and chart side by side when there is room.
        wide = self.width() >= WIDE
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._row.direction() != direction:
            self._row.setDirection(direction)
        super().resizeEvent(event)

    # ------------------------------------------------------------------ state
    def digits_ok(self) -> bool:
        """Can this network read a drawn digit? (784 inputs, 10 outputs, image data)"""
        s = self._session
        sizes = s.network.sizes
        return sizes[0] == SIDE * SIDE and sizes[-1] == 10 and bool(getattr(s.dataset, "is_image", True))

    def _structure_changed(self) -> None:
        ok = self.digits_ok()
        self.note.setVisible(not ok)
        for widget in (self.canvas, self.undoButton, self.clearButton):
            widget.setEnabled(ok)
        self.canvas.set_note("" if ok else NOT_DIGITS)
        if ok:
            self.chart.set_output(self._session.network.output)
        self.refresh()

    # ------------------------------------------------------------------ drawing -> Session
    def _on_stroke_moved(self) -> None:
        wait = 1.0 / MAX_RATE - (time.perf_counter() - self._last_push)
        if wait <= 0:
            self._throttle.stop()
            self.push_drawing()
        elif not self._throttle.isActive():
            self._throttle.start(max(1, int(wait * 1000)))

    def push_drawing(self) -> None:
        """Send the drawing, as the network sees it, to the Session as its shown input."""
        self._throttle.stop()
        if not self.digits_ok():
            return
        x = strokes_to_mnist(self.canvas.stroke_points())
        self._last_push = time.perf_counter()
        self.updates_sent += 1
        self._session.set_input(x, label=None, caption=DRAWING)

    # ------------------------------------------------------------------ Session -> view
    def _network_changed(self) -> None:
        """New weights (a Step, a Run snapshot, an edit): the same input, a new answer (during Run at most
        ANSWER_HZ times a second, in a beat of its own: views/pacing.py)."""
        self._paced_answer.request()

    def _show_answer(self) -> None:
        s = self._session
        if self.digits_ok() and s.input.shape == (SIDE * SIDE,):
            self.chart.show_values(np.asarray(s.prediction()), s.input_label)
        else:
            self.refresh()

    def refresh(self) -> None:
        s = self._session
        if s.input_caption != DRAWING and not self.canvas.is_empty():
            # the network looks at a test sample (a preset, a new network, browsing): the pad must not
            # keep an old drawing beside it (nor offer Undo and Clear for it). Silently: the sample stays.
            self.canvas.blockSignals(True)
            self.canvas.clear()
            self.canvas.blockSignals(False)
        empty = self.canvas.is_empty()
        self.undoButton.setEnabled(self.canvas.isEnabled() and not empty)
        self.clearButton.setEnabled(self.canvas.isEnabled() and not empty)
        if not self.digits_ok() or s.input.shape != (SIDE * SIDE,):
            self.preview.show_pixels(None)
            self.caption.setText("")
            self.chart.blank(NOT_DIGITS)
            return
        self.preview.show_pixels(s.input)
        self.chart.set_output(s.network.output)
        self.chart.show_values(np.asarray(s.prediction()), s.input_label)
        if s.input_caption == DRAWING:
            self.caption.setText("Your drawing." if np.any(s.input) else "An empty canvas: 784 zeros.")
        else:
            label = "" if s.input_label is None else f" (a {s.input_label})"
            shown = s.input_caption or "a sample"
            self.caption.setText(f"{shown}{label}")
