"""The parts split out of the network view and the neuron lab keep their rules: the output labels'
✓ / ✗ / (true) marks, the "switch this input off" action that keeps the last input, and the lab's
Whole cost button that stays while the whole cost is on show."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from PySide6.QtWidgets import QGraphicsScene

from playground.views.lab.neuron_lab import NeuronLab
from playground.views.network.context_menu import neuron_menu
from playground.views.network.node_labels import make_labels, show_output_labels


def _labels_for(out, truth):
    scene = QGraphicsScene()
    labels, _ = make_labels(scene, [2, len(out)], image_input=False)
    session = SimpleNamespace(predicted_class=lambda o: int(np.argmax(o)), input_label=truth,
                              dataset=SimpleNamespace(task="classification"))
    geo = SimpleNamespace(radius=8.0, centres=np.array([[100.0, 20.0 * k] for k in range(len(out))]))
    show_output_labels(labels, geo, session, SimpleNamespace(class_name=str), np.asarray(out))
    return scene, [label.text() for label in labels]


def test_output_labels_mark_the_winner_against_the_true_class(qapp):
    _, right = _labels_for([0.1, 0.7, 0.2], truth=1)
    assert "✓" in right[1] and "(true)" not in right[1]
    assert not any("✓" in t or "✗" in t for t in (right[0], right[2]))
    _, wrong = _labels_for([0.1, 0.7, 0.2], truth=2)
    assert "✗" in wrong[1] and wrong[2].endswith("(true)") and "(true)" not in wrong[0]
    _, unknown = _labels_for([0.1, 0.7, 0.2], truth=None)
    assert not any("✓" in t or "✗" in t or "(true)" in t for t in unknown)


def _feature_action(qtbot, features):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    toggled = []
    session = SimpleNamespace(is_plane=True, active_features=lambda: features,
                              select_neuron=lambda *a: None, toggle_feature=toggled.append)
    menu = neuron_menu(parent, session, 0, 0, lambda *a: None)
    action = next(a for a in menu.actions() if a.objectName() == "featureOffAction")
    return (parent, menu, action), toggled  # parent and menu kept alive with the action


def test_the_last_input_cannot_be_switched_off(qtbot):
    (parent, menu, action), _toggled = _feature_action(qtbot, ["x1"])
    assert not action.isEnabled()
    (parent, menu, action), toggled = _feature_action(qtbot, ["x1", "x2"])
    assert action.isEnabled()
    action.trigger()
    assert toggled == ["x1"]


def test_the_whole_cost_button_stays_while_the_whole_cost_is_shown(qtbot, xor):
    lab = NeuronLab(xor)
    qtbot.addWidget(lab)
    assert lab.costButton.isHidden()
    xor.start_walkthrough()
    assert lab.costButton.isEnabled() and not lab.costButton.isHidden()
    lab.show_whole_cost()
    xor.leave_walkthrough()  # the step's graph stays on show, and so does its button (disabled)
    assert lab.preset == "cost" and not lab.costButton.isEnabled() and not lab.costButton.isHidden()
    lab.show_preset("seed")
    xor.start_walkthrough()
    xor.leave_walkthrough()
    assert lab.costButton.isHidden()
