"""The canvas of the digit pad: draw a digit with the mouse, like a thick marker.

The strokes are kept as point lists in canvas units (0..1), so Undo redraws the ones left and the
canvas can be any size. They are painted with QPainter onto a greyscale QImage, white ink on black —
MNIST's own look — and `ink()` hands that image to the engine as ink 1.0 on 0.0.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground import theme

MIN_SIDE = 280
MAX_SIDE = 560
PEN_WIDTH = 1 / 14  # of the canvas side: a digit drawn across most of the canvas ends up ~2 px thick
INK = 255
PAPER = 0


class DigitCanvas(QWidget):
    """A square drawing surface. Left button draws, right button clears."""

    strokeMoved = Signal()  # ink was added while a stroke is being drawn
    strokeFinished = Signal()  # a stroke ended (mouse released)
    cleared = Signal()  # cleared or undone: the ink changed all at once

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("digitCanvas")
        self.setMinimumSize(MIN_SIDE, MIN_SIDE)
        # it takes the room it is given; the drawing square is the largest that fits, top-left
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so Ctrl+Z / Delete reach the pad after drawing
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(
            "Draw a digit here with the left mouse button.\n"
            "Right-click or Delete clears it; Ctrl+Z undoes the last stroke.\n"
            "Draw it any size, anywhere: it is cropped, scaled and centred like the MNIST digits."
        )
        self.strokes: list[list[QPointF]] = []  # in canvas units, 0..1
        self._drawing = False
        self._note = ""
        self._image = self._blank(MIN_SIDE)

    # ------------------------------------------------------------------ reading
    @property
    def side(self) -> int:
        return self._image.width()

    def is_empty(self) -> bool:
        return not self.strokes

    def ink(self) -> np.ndarray:
        """The drawing as a 2-D float32 array, ink 1.0 on 0.0, one value per canvas pixel."""
        img = self._image
        buffer = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.bytesPerLine() * img.height())
        pixels = buffer.reshape(img.height(), img.bytesPerLine())[:, : img.width()]
        return pixels.astype(np.float32) * np.float32(1 / 255)

    def pen_width(self) -> float:
        return PEN_WIDTH * self.side

    def stroke_points(self) -> list[list[tuple[float, float]]]:
        """The strokes as (row, column) points in canvas units, as engine.preprocess.strokes_to_mnist
        takes them."""
        return [[(p.y(), p.x()) for p in stroke] for stroke in self.strokes]

    # ------------------------------------------------------------------ editing
    def clear(self) -> None:
        self._drawing = False
        if not self.strokes:
            return
        self.strokes = []
        self._repaint_image()
        self.cleared.emit()

    def undo(self) -> None:
        """Take back the last stroke."""
        self._drawing = False
        if not self.strokes:
            return
        self.strokes.pop()
        self._repaint_image()
        self.cleared.emit()

    def set_note(self, text: str) -> None:
        """A message written across the canvas when it cannot be used ('' for none)."""
        self._note = text
        self.update()

    # ------------------------------------------------------------------ keys
    @staticmethod
    def _is_undo(event: QKeyEvent) -> bool:
        return event.matches(QKeySequence.StandardKey.Undo)

    @staticmethod
    def _is_clear(event: QKeyEvent) -> bool:
        return event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers()

    def event(self, event: QEvent) -> bool:
        # While the canvas has focus, Ctrl+Z and Delete belong to it, even if the window binds them too.
        if event.type() == QEvent.Type.ShortcutOverride and (self._is_undo(event) or self._is_clear(event)):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._is_undo(event):
            self.undo()
        elif self._is_clear(event):
            self.clear()
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self.clear()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._drawing = True
        point = self._to_units(event.position())
        self.strokes.append([point])
        self._paint_segment(point, point)  # a click alone leaves a round dot
        self.strokeMoved.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._drawing:
            return
        point = self._to_units(event.position())
        stroke = self.strokes[-1]
        if point == stroke[-1]:
            return
        self._paint_segment(stroke[-1], point)
        stroke.append(point)
        self.strokeMoved.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drawing:
            self._drawing = False
            self.strokeFinished.emit()

    # ------------------------------------------------------------------ painting
    def sizeHint(self) -> QSize:
        return QSize(MIN_SIDE, MIN_SIDE)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # at least the minimum size (MIN_SIDE, or less on a small screen: see screen_fit)
        side = max(min(self.minimumWidth(), self.minimumHeight()), min(self.width(), self.height(), MAX_SIDE))
        if side != self.side:
            self._image = self._blank(side)
            self._repaint_image()
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        target = self._square()
        if self.isEnabled():
            painter.drawImage(target, self._image)
        else:
            painter.fillRect(target, QColor(theme.PANEL))
        painter.setPen(QPen(QColor(theme.TEXT_DIM), 1))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        if self._note:
            painter.setPen(QColor(theme.HIGHLIGHT))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._note)
        elif not self.strokes:
            painter.setPen(QColor(theme.TEXT_DIM))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter,
                             "Draw a digit 0–9 here\nwith the left mouse button\n(right-click clears)")
        painter.end()

    def _square(self) -> QRectF:
        side = self.side
        return QRectF(0, 0, side, side)

    def _to_units(self, pos: QPointF) -> QPointF:
        # +0.5: the mouse is *on* pixel (x, y), whose centre is at (x + 0.5, y + 0.5) for QPainter
        square = self._square()
        x = min(max((pos.x() + 0.5 - square.left()) / square.width(), 0.0), 1.0)
        y = min(max((pos.y() + 0.5 - square.top()) / square.height(), 0.0), 1.0)
        return QPointF(x, y)

    @staticmethod
    def _blank(side: int) -> QImage:
        image = QImage(side, side, QImage.Format.Format_Grayscale8)
        image.fill(PAPER)
        return image

    def _marker(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(QColor(INK, INK, INK), self.pen_width())
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)

    def _paint_segment(self, a: QPointF, b: QPointF) -> None:
        painter = QPainter(self._image)
        self._marker(painter)
        side = self.side
        if a == b:
            painter.drawPoint(QPointF(a.x() * side, a.y() * side))  # a round dot
        else:
            painter.drawLine(QPointF(a.x() * side, a.y() * side), QPointF(b.x() * side, b.y() * side))
        painter.end()
        # repaint only the strip around the new segment
        margin = self.pen_width()
        square = self._square()
        rect = QRectF(QPointF(min(a.x(), b.x()) * side, min(a.y(), b.y()) * side),
                      QPointF(max(a.x(), b.x()) * side, max(a.y(), b.y()) * side))
        dirty = rect.adjusted(-margin, -margin, margin, margin).translated(square.topLeft())
        self.update(dirty.toAlignedRect())

    def _repaint_image(self) -> None:
        self._image.fill(PAPER)
        painter = QPainter(self._image)
        self._marker(painter)
        side = self.side
        for stroke in self.strokes:
            points = [QPointF(p.x() * side, p.y() * side) for p in stroke]
            if len(points) == 1:
                painter.drawPoint(points[0])
            else:
                painter.drawPolyline(points)
        painter.end()
        self.update()
