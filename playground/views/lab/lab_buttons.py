"""The lab's row of buttons: Forward, Backward, Step, Zero grad, Whole cost, the pan hint, Fit, exports.

Each button has its object name, its tooltip (the lesson it teaches) and, for the four passes, a key
that works while the lab has focus. Building them is long and says nothing about what they do, so it
is here; the lab connects them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from playground.views.lab.pan_hint import PanHint


def lab_button(owner: QWidget, text: str, name: str, key: str, tip: str) -> QPushButton:
    """A button whose key (if any) clicks it while owner or one of its children has focus."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    if key:
        shortcut = QShortcut(QKeySequence(key), owner)
        # only while the lab has focus, so the main window's own keys keep working elsewhere
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(button.click)
    return button


def button_row(lab: QWidget) -> QHBoxLayout:
    """Make the buttons as the lab's attributes (forwardButton, …, panHint) and return their row."""
    lab.forwardButton = lab_button(lab, "Forward", "labForward", "F",
                                   "Forward pass (F): recompute every value's data from the inputs, "
                                   "operands first. New values start with grad 0.")
    lab.backwardButton = lab_button(lab, "Backward", "labBackward", "B",
                                    "Backward pass (B), animated: starting at the output with grad 1, "
                                    "each value lights up in reverse topological order and gets its "
                                    "grad = local derivative × the grad arriving from the right.")
    lab.stepButton = lab_button(lab, "Step", "labStep", "N",
                                "One node of the backward pass at a time (N): see the chain rule "
                                "applied to each value in turn.")
    lab.zeroButton = lab_button(lab, "Zero grad", "labZeroGrad", "Z",
                                "Set every grad back to 0 (Z). Grads accumulate with +=, so a second "
                                "backward without zeroing would add to the old grads.")
    lab.fitButton = lab_button(lab, "Fit", "labFit", "",
                               "Zoom to show the whole graph (0). Drag to pan, scroll or +/− to zoom.")
    lab.dotButton = lab_button(lab, "Export DOT…", "labExportDot", "",
                               "Save the graph as graphviz DOT text, as micrograd's draw_dot made it.")
    lab.imageButton = lab_button(lab, "Export image…", "labExportImage", "",
                                 "Save the graph as a PNG picture or an SVG drawing.")
    # shown when the graph is bigger than the panel at a readable zoom; its own label in the button
    # row, so showing it never changes the canvas's size (which would refit, and so on)
    lab.panHint = PanHint()
    buttons = QHBoxLayout()
    for b in (lab.forwardButton, lab.backwardButton, lab.stepButton, lab.zeroButton):
        buttons.addWidget(b)
    lab.costButton = lab_button(lab, "Whole cost", "labWholeCost", "",
                                "During Step slowly (small networks, up to 64 weights and biases): "
                                "show the step's whole cost as one graph —\nevery sample of the "
                                "batch through the whole network, C at the end — with its backward "
                                "done,\nso every grad is ∂C/∂(that value), the walkthrough's "
                                "numbers. Click a box to select its neuron or weight.")
    lab.costButton.setEnabled(False)
    lab.costButton.hide()  # shown only when there is a step to show (a narrower row otherwise)
    buttons.addWidget(lab.costButton)
    buttons.addWidget(lab.panHint, 1)
    for b in (lab.fitButton, lab.dotButton, lab.imageButton):
        buttons.addWidget(b)
    return buttons
