"""A 28×28 picture drawn large with square pixels, from an RGBA array (no smoothing, no Qt in the maths)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from playground import theme

SIDE = 28


def rgba_image(rgba: np.ndarray) -> QImage:
    """An (h, w, 4) uint8 array as a QImage that owns its pixels."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w = rgba.shape[:2]
    # copy(): the QImage must not keep pointing into a numpy buffer that is freed afterwards
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


class Picture(QWidget):
    """Shows `rgba` (28, 28, 4) scaled up by a whole factor; `rgba` is kept for tests and tooltips."""

    def __init__(self, scale: int = 4, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFixedSize(SIDE * scale + 2, SIDE * scale + 2)
        self.rgba = np.zeros((SIDE, SIDE, 4), np.uint8)
        self.rgba[..., :3] = theme.rgb(theme.ZERO)
        self.rgba[..., 3] = 255
        self._image = rgba_image(self.rgba)

    def set_rgba(self, rgba: np.ndarray) -> None:
        self.rgba = np.asarray(rgba, dtype=np.uint8).reshape(SIDE, SIDE, 4).copy()
        self._image = rgba_image(self.rgba)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.fillRect(self.rect(), QColor(theme.NEURON_OUTLINE))
        painter.drawImage(QRectF(1, 1, self.width() - 2, self.height() - 2), self._image)
        painter.end()


def grey_rgba(x: np.ndarray) -> np.ndarray:
    """A digit (784 values in [0, 1]) as white ink on black, RGBA."""
    grey = np.clip(np.asarray(x, dtype=np.float64).reshape(SIDE, SIDE) * 255 + 0.5, 0, 255).astype(np.uint8)
    rgba = np.empty((SIDE, SIDE, 4), np.uint8)
    rgba[..., :3] = grey[..., None]
    rgba[..., 3] = 255
    return rgba

