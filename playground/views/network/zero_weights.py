"""Weights that are exactly zero (L1 regularisation drives them there), drawn as dashed lines.

A zero weight passes nothing on: the line shows the connection is there but switched off. One path item
for all of them, so a frame costs one path whatever their number.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from playground import theme


class ZeroWeights(QGraphicsPathItem):
    def __init__(self):
        super().__init__()
        pen = QPen(QColor(theme.TEXT_DIM), 1.2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.count = 0  # dashed lines drawn (tests read it)

    def set_lines(self, starts: np.ndarray, ends: np.ndarray) -> None:
        path = QPainterPath()
        for (x0, y0), (x1, y1) in zip(np.asarray(starts).tolist(), np.asarray(ends).tolist(), strict=True):
            path.moveTo(QPointF(x0, y0))
            path.lineTo(QPointF(x1, y1))
        self.count = len(starts)
        self.setPath(path)
