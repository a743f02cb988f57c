"""Icons drawn in code (no image files to ship): the neuron lab's and Step slowly's toolbar buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from playground import theme


def _canvas(side: int) -> tuple[QPixmap, QPainter, float]:
    """A transparent square to draw on, and the size of one unit of a 32-unit grid."""
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, p, side / 32


def step_slowly_icon(side: int = 32) -> QIcon:
    """Step slowly: a forward arrow over the layers, and the gradient's arrow coming back under them."""
    pixmap, p, u = _canvas(side)
    p.setBrush(QColor(theme.TEXT))
    p.setPen(Qt.PenStyle.NoPen)
    for x in (5, 16, 27):  # three layers, one neuron each
        p.drawEllipse(int((x - 3) * u), int(13 * u), int(6 * u), int(6 * u))
    for colour, y, head in ((theme.POSITIVE, 7, 1), (theme.NEGATIVE, 25, -1)):
        p.setPen(QPen(QColor(colour), 2.2 * u))
        p.drawLine(int(5 * u), int(y * u), int(27 * u), int(y * u))
        tip = 27 if head > 0 else 5
        p.drawLine(int(tip * u), int(y * u), int((tip - 5 * head) * u), int((y - 4) * u))
        p.drawLine(int(tip * u), int(y * u), int((tip - 5 * head) * u), int((y + 4) * u))
    p.end()
    return QIcon(pixmap)


def expression_graph_icon(side: int = 32) -> QIcon:
    """A tiny draw_dot picture for the lab's toolbar button: two values into an operator, one result."""
    pixmap, p, u = _canvas(side)
    p.setPen(QPen(QColor(theme.TEXT), 1.6 * u))
    p.drawLine(int(9 * u), int(8 * u), int(17 * u), int(16 * u))
    p.drawLine(int(9 * u), int(24 * u), int(17 * u), int(16 * u))
    p.drawLine(int(17 * u), int(16 * u), int(24 * u), int(16 * u))
    for colour, (x, y) in ((theme.POSITIVE, (2, 4)), (theme.NEGATIVE, (2, 20))):
        p.fillRect(int(x * u), int(y * u), int(10 * u), int(8 * u), QColor(colour))
    p.setBrush(QColor(theme.TEXT))
    p.drawEllipse(int(13 * u), int(12 * u), int(8 * u), int(8 * u))
    p.fillRect(int(23 * u), int(12 * u), int(8 * u), int(8 * u), QColor(theme.GOOD))
    p.end()
    return QIcon(pixmap)
