"""The right-click menu of a neuron in the network view: inspect it, explain it, or switch an input off.

A menu is built fresh for each right click from the Session's state; it is its own module so the view
keeps to drawing and the menu's words and rules (which actions exist for which layer) stay together.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu, QWidget


def neuron_menu(parent: QWidget, session, layer: int, index: int,
                explain: Callable[[int, int], None]) -> QMenu:
    """The menu of neuron (layer, index); its "Explain this neuron" calls explain(layer, index)."""
    menu = QMenu(parent)
    inspect = menu.addAction("Inspect this neuron")
    inspect.triggered.connect(lambda: session.select_neuron(layer, index))
    action = menu.addAction("Explain this neuron")
    action.setObjectName("explainAction")
    action.setToolTip("Build this neuron's weighted sum and activation as a micrograd expression "
                      "graph in the neuron lab, with its real numbers.")
    action.setEnabled(layer >= 1)
    if layer == 0:
        action.setText("Explain this neuron (input neurons only hold the input)")
    action.triggered.connect(lambda: explain(layer, index))
    if layer == 0 and session.is_plane:  # an input of 2-D data is a feature: switch it off (lab2d)
        name = session.active_features()[index]
        off = menu.addAction(f"Switch the input {name} off")
        off.setObjectName("featureOffAction")
        off.setToolTip("Feed the network one input fewer; the features panel switches inputs on again.")
        off.setEnabled(len(session.active_features()) > 1)
        off.triggered.connect(lambda: session.toggle_feature(name))
    return menu
