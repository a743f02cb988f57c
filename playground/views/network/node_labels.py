"""The words beside the network's end nodes: each output's value and class, each input's name and value.

They are the view's only per-frame text, and the rules for them (a regression's prediction, a class's
✓/✗ against the true label, a feature's longer name above its value) have nothing to do with how the
neurons and edges are drawn: they live here, and the view only hands them the numbers and the layout.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem

from playground import theme
from playground.number_format import readable
from playground.views.network.legend import font

MAX_LABELLED = 40  # a layer with more nodes than this gets no labels (they would not fit)


def make_labels(scene: QGraphicsScene, sizes: list[int], image_input: bool
                ) -> tuple[list[QGraphicsSimpleTextItem], list[QGraphicsSimpleTextItem]]:
    """(output labels, input labels), empty where the layer is too big (or the input is an image)."""
    output_labels = []
    if sizes[-1] <= MAX_LABELLED:
        for _ in range(sizes[-1]):
            label = scene.addSimpleText("", font(12))
            label.setZValue(3)
            output_labels.append(label)
    input_labels = []
    if not image_input and sizes[0] <= MAX_LABELLED:
        for _ in range(sizes[0]):
            label = scene.addSimpleText("", font(12))
            label.setBrush(QColor(theme.TEXT_DIM))
            input_labels.append(label)
    return output_labels, input_labels


def show_output_labels(labels, geo, session, words, out: np.ndarray) -> None:
    """Each output's value right of it; the winner highlighted, marked ✓/✗ against the shown input's label."""
    if not labels:
        return
    winner = session.predicted_class(out)
    truth = session.input_label
    for k, label in enumerate(labels):
        value = float(out[k])
        if len(out) == 1 and session.dataset.task == "regression":  # a prediction, not a class (lab2d)
            text = f"{readable(value, 2)}\n→ {words.class_name(winner)}"
            win = True
        elif len(out) == 1:
            text = f"{readable(value, 2)}\n→ class {words.class_name(winner)}"
            win = True
        else:
            text = f"{words.class_name(k)}  {readable(value, 2)}"
            win = k == winner
        if win and truth is not None:
            text += "  ✓" if winner == truth else "  ✗"
        if len(out) > 1 and k == truth and k != winner:
            text += "  (true)"
        label.setText(text)
        label.setBrush(QColor(theme.HIGHLIGHT if win else theme.TEXT_DIM))
        label.setFont(font(int(np.clip(geo.radius * 1.3, 9, 13)), bold=win))
        x, y = geo.centres[k]
        label.setPos(x + geo.radius + 6, y - label.boundingRect().height() / 2)


def show_input_labels(labels, first, session, inputs: np.ndarray) -> None:
    """Each input's name and value left of it: x1, x2, … or the 2-D lab's feature names."""
    names = session.input_labels(0) if session.dataset.points_train is not None else None  # features (lab2d)
    for k, label in enumerate(labels):
        name = names[k] if names else f"x{k + 1}"
        # a feature's longer name (sin x1) goes above its value, to fit the room left of the input
        short = len(name) <= 3
        value = readable(float(inputs[k]), 2)
        label.setText(f"{name} = {value}" if short else f"{name}\n{value}")
        x, y = first.centres[k]
        bounds = label.boundingRect()
        label.setPos(x - first.radius - 6 - bounds.width(), y - (8 if short else bounds.height() / 2))
