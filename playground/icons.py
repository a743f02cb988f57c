"""Icons drawn in code (no image files to ship): the neuron lab's toolbar button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from playground import theme


def expression_graph_icon(side: int = 32) -> QIcon:
    """A tiny draw_dot picture for the lab's toolbar button: two values into an operator, one result."""
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    u = side / 32
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
