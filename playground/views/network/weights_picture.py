"""Under a drawn digit: the selected first-layer neuron's 784 weights as a 28x28 picture, or a hint.

Its words sit on a plain panel, so no edge leaving the digit runs through them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsScene

from playground import theme
from playground.views.network.items import rgba_pixmap
from playground.views.network.layout import Layout
from playground.views.network.legend import font, wrap_text
from playground.views.network.words import WEIGHTS_HINT, WEIGHTS_HINT_SHORT

WEIGHTS_TEXT_WIDTH = 190.0  # the words beside a neuron's weights picture wrap at this width (or wider)


class WeightsPicture:
    def __init__(self, scene: QGraphicsScene):
        self.image = scene.addPixmap(rgba_pixmap(np.zeros((1, 1, 4), np.uint8)))
        self.image.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.image.setZValue(2)
        self.frame = scene.addRect(QRectF(), QPen(QColor(theme.NEURON_OUTLINE)))
        self.frame.setZValue(2)
        self.caption = scene.addSimpleText("", font(11))
        self.caption.setBrush(QColor(theme.TEXT_DIM))
        self.caption.setZValue(2)
        self.panel = scene.addRect(QRectF(), QPen(Qt.PenStyle.NoPen), QColor(theme.BACKGROUND))
        self.panel.setZValue(1.5)

    def place(self, layout: Layout, side: int) -> None:
        wx, wy, ws = layout.weights_image
        self.image.setPos(wx, wy)
        self.image.setScale(ws / side)
        self.frame.setRect(QRectF(wx - 1, wy - 1, ws + 2, ws + 2))

    def contains(self, point: QPointF) -> bool:
        """Whether a scene point is on the picture (not on the hint)."""
        return self.image.isVisible() and self.image.sceneBoundingRect().contains(point)

    def covers(self, point: QPointF) -> bool:
        """Whether a scene point is on the panel, where no line shows (nor answers a click)."""
        return self.panel.sceneBoundingRect().contains(point)

    def show(self, layout: Layout, side: int, weights: np.ndarray | None, name: str) -> None:
        """Show `weights` (one per pixel) of the neuron called `name`, or with None the hint."""
        wx, wy, ws = layout.weights_image
        caption = self.caption
        # the words may reach out of the square to the right, but not as far as the first hidden layer
        hidden = layout.layers[1]
        room = float(np.min(hidden.centres[:, 0])) - hidden.radius - 12 - wx
        if weights is None:
            # the hint sits in the empty square where the picture will appear
            self.image.hide()
            # the words stay inside the square: in a small one, fewer of them in a smaller font
            for text, pixels in ((WEIGHTS_HINT, 11), (WEIGHTS_HINT, 10), (WEIGHTS_HINT_SHORT, 10),
                                 (WEIGHTS_HINT_SHORT, 9)):
                caption.setFont(font(pixels))
                caption.setText(wrap_text(text, caption.font(), ws - 12))
                bounds = caption.boundingRect()
                if bounds.width() <= ws - 12 and bounds.height() <= ws - 12:
                    break
            else:  # too small for any words: the legend's note says it too
                caption.setText("")
            caption.setPos(wx + 6, wy + 6)
        else:
            w = weights
            caption.setFont(font(11))
            limit = float(np.max(np.abs(w))) or 1.0
            self.image.setPixmap(rgba_pixmap(theme.diverging(w, limit).reshape(side, side, 4)))
            self.image.show()
            width = min(max(ws, WEIGHTS_TEXT_WIDTH), room)
            words = f"weights of {name}:\norange excites, blue inhibits"
            caption.setText(wrap_text(words, caption.font(), width))
            height = caption.boundingRect().height()
            input_bottom = layout.layers[0].image[1] + layout.layers[0].image[2]
            beside = room - ws - 8  # right of the square, short of the first hidden layer
            if wy - 4 - height >= input_bottom + 2:
                caption.setPos(wx, wy - 4 - height)  # between the digit and its weights
            else:
                # a short view: beside the square if the words fit there, else left out (the picture's
                # tooltip says it); under the square they ran into the legend
                caption.setText(wrap_text(words, caption.font(), beside) if beside >= 60 else "")
                bounds = caption.boundingRect()
                if bounds.width() > beside or bounds.height() > ws:
                    caption.setText("")
                caption.setPos(wx + ws + 8, wy)
        # a plain panel under the square and its words, so no edge runs through them
        area = caption.sceneBoundingRect().united(QRectF(wx, wy, ws, ws))
        self.panel.setRect(area.adjusted(-4, -4, 4, 4))
