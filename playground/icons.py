"""Icons drawn in code (no image files to ship): the neuron lab's, the gradient overlay's and Step
slowly's toolbar buttons."""

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


def gradient_icon(side: int = 32) -> QIcon:
    """The gradient overlay's button: a valley of a cost curve, a tangent and a downhill arrow."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPainterPath, QPolygonF

    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    u = side / 32
    valley = QPainterPath(QPointF(3 * u, 5 * u))
    valley.quadTo(QPointF(16 * u, 44 * u), QPointF(29 * u, 5 * u))
    p.setPen(QPen(QColor(theme.COST_TRAIN), 2.2 * u))
    p.drawPath(valley)
    p.setPen(QPen(QColor(theme.HIGHLIGHT), 1.6 * u))
    p.drawLine(QPointF(2 * u, 6 * u), QPointF(15 * u, 21 * u))  # the tangent at the dot
    p.setBrush(QColor(theme.HIGHLIGHT))
    p.drawEllipse(QPointF(8 * u, 12.5 * u), 2.6 * u, 2.6 * u)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(theme.GOOD))  # the step: downhill, to the right
    p.drawPolygon(QPolygonF([QPointF(13 * u, 25 * u), QPointF(22 * u, 29 * u), QPointF(13 * u, 31 * u)]))
    p.end()
    return QIcon(pixmap)
