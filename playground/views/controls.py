"""The controls dock: preset, data, network shape, activation, cost and the training recipe.

Every control only calls a Session method; the Session's signals bring the widgets back in line,
so a preset chosen from the menu updates these widgets too.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.datasets import NAMES as DATASET_NAMES
from playground.presets import PRESETS
from playground.session import Session
from playground.views.regularisation import Regularisation

MAX_NEURONS = 256
MAX_HIDDEN_LAYERS = 6

DATASET_TITLES = {
    "digits": "Digits (MNIST, 28×28)",
    "xor": "XOR (2-D)",
    "circle": "Circle (2-D)",
    "spiral": "Spiral (2-D)",
    "moons": "Moons (2-D)",
    "gauss": "Gaussian clusters (2-D)",
    "spiral3": "Three spirals (2-D, 3 classes)",
    "reg-plane": "Plane (2-D regression)",
    "reg-gauss": "Gaussian bumps (2-D regression)",
}

ACTIVATION_CHOICES = [  # (shown text, engine name, tooltip) for the hidden layers
    ("sigmoid", "sigmoid",
     "Sigmoid squishes any weighted sum into the range 0..1: big positive z gives nearly 1, big negative "
     "nearly 0.\nIt is the activation of 3Blue1Brown's videos."),
    ("ReLU", "relu", "ReLU (rectified linear unit) keeps a positive weighted sum as it is and turns a "
     "negative one into 0.\nSimple, fast, and the usual choice in deep networks."),
    ("tanh", "tanh", "tanh squishes the weighted sum into -1..1, centred on zero, so a neuron can say "
     "'no' as strongly as 'yes'."),
]
OUTPUT_CHOICES = [
    ("sigmoid", "sigmoid", "Each output is squished into 0..1 on its own: a yes/no score per class."),
    ("softmax", "softmax", "Softmax turns the outputs into probabilities that add up to 1: "
     "the classes compete for the answer."),
    ("linear", "linear", "The output is the weighted sum itself, not squished at all."),
]
COSTS = [
    ("MSE", "mse", "Mean squared error: the squared differences between what the network says and the "
     "right answer, summed over the outputs and averaged over the samples."),
    ("cross-entropy", "cross_entropy", "Cross-entropy: how surprised the network is by the right answer. "
     "It punishes confident mistakes hard, so learning is fast where it matters."),
]
OPTIMISERS = [
    ("SGD", "sgd", "Stochastic gradient descent: each step nudges every weight a little downhill on the "
     "cost, using one mini-batch."),
    ("momentum", "momentum", "Momentum: like a ball rolling downhill, steps keep some of their previous "
     "direction, which rolls through small bumps and speeds up long slopes."),
    ("Adam", "adam", "Adam: gives every weight its own step size, based on how big and how steady its "
     "gradients have been. Usually the fastest to learn."),
]


def _combo(name: str, items: list[tuple[str, str, str]], tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for k, (title, data, item_tip) in enumerate(items):
        combo.addItem(title, data)
        combo.setItemData(k, item_tip, Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip(tip)
    return combo


def _select(combo: QComboBox, data) -> None:
    combo.blockSignals(True)
    index = combo.findData(data)
    combo.setCurrentIndex(index)
    combo.blockSignals(False)


class ArchitectureEditor(QWidget):
    """Hidden layers as rows: − / count / + per layer, a remove button, and 'Add hidden layer'."""

    hiddenEdited = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hidden: list[int] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(2)
        self._layout.addLayout(self._rows)
        self.addButton = QPushButton("+ Add hidden layer")
        self.addButton.setObjectName("addLayerButton")
        self.addButton.setToolTip("Add a layer of neurons between the input and the output. Each hidden "
                                  "layer can combine the patterns the layer before it found.")
        self.addButton.clicked.connect(self._add_layer)
        self._layout.addWidget(self.addButton)
        self.setToolTip("The hidden layers: the neurons between what the network sees and what it answers.")

    def set_hidden(self, hidden: list[int]) -> None:
        self._hidden = list(hidden)
        while self._rows.count():
            item = self._rows.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for k, n in enumerate(self._hidden):
            self._rows.addWidget(self._row(k, n))
        self.addButton.setEnabled(len(self._hidden) < MAX_HIDDEN_LAYERS)

    def _row(self, k: int, n: int) -> QWidget:
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        label = QLabel(f"hidden layer {k + 1}")
        minus, plus, remove = QToolButton(), QToolButton(), QToolButton()
        minus.setText("−")
        plus.setText("+")
        remove.setText("✕")
        minus.setObjectName(f"removeNeuron{k}")
        plus.setObjectName(f"addNeuron{k}")
        remove.setObjectName(f"removeLayer{k}")
        minus.setToolTip("One neuron fewer in this layer.")
        plus.setToolTip("One neuron more in this layer: more neurons can detect more patterns.")
        remove.setToolTip("Remove this hidden layer.")
        count = QSpinBox()
        count.setObjectName(f"neurons{k}")
        count.setRange(1, MAX_NEURONS)
        count.setValue(n)
        count.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        count.setKeyboardTracking(False)
        count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        count.setFixedWidth(46)
        count.setToolTip("How many neurons this layer has (type a number).")
        minus.clicked.connect(lambda: self._change(k, self._hidden[k] - 1))
        plus.clicked.connect(lambda: self._change(k, self._hidden[k] + 1))
        count.valueChanged.connect(lambda value: self._change(k, value))
        remove.clicked.connect(lambda: self._remove(k))
        minus.setEnabled(n > 1)
        plus.setEnabled(n < MAX_NEURONS)
        for w in (label, minus, count, plus, remove):
            h.addWidget(w)
        h.insertStretch(1)
        return row

    def _change(self, k: int, n: int) -> None:
        hidden = list(self._hidden)
        hidden[k] = max(1, min(MAX_NEURONS, int(n)))
        if hidden != self._hidden:
            self.hiddenEdited.emit(hidden)

    def _remove(self, k: int) -> None:
        self.hiddenEdited.emit(self._hidden[:k] + self._hidden[k + 1 :])

    def _add_layer(self) -> None:
        n = self._hidden[-1] if self._hidden else 4
        self.hiddenEdited.emit([*self._hidden, n])


class Controls(QScrollArea):
    """The controls dock's content."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("controls")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._session = session
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)

        self.presetCombo = QComboBox()
        self.presetCombo.setObjectName("presetCombo")
        for name, preset in PRESETS.items():
            self.presetCombo.addItem(name, name)
            # rich text: Qt wraps it into lines, where plain text would be one line across the screen
            tip = f"<p>{html.escape(preset.description)}</p>"
            self.presetCombo.setItemData(self.presetCombo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.presetCombo.setToolTip("A ready-made problem with a network and a recipe that learns it.")
        self.presetCombo.activated.connect(lambda _i: self._on_preset())
        self.presetNote = QLabel()
        self.presetNote.setWordWrap(True)
        self.presetNote.setObjectName("presetNote")
        box = QGroupBox("Preset")
        v = QVBoxLayout(box)
        v.addWidget(self.presetCombo)
        v.addWidget(self.presetNote)
        layout.addWidget(box)

        self.datasetCombo = QComboBox()
        self.datasetCombo.setObjectName("datasetCombo")
        for name in DATASET_NAMES:
            self.datasetCombo.addItem(DATASET_TITLES.get(name, name), name)
        self.datasetCombo.setToolTip("The examples the network learns from. Digits are 28×28 pictures "
                                     "(784 inputs); the others are points in a plane (2 inputs) of two "
                                     "classes.")
        self.datasetCombo.activated.connect(
            lambda _i: session.set_dataset(self.datasetCombo.currentData()))
        self.dataSource = QLabel()
        self.dataSource.setWordWrap(True)
        box = QGroupBox("Data")
        v = QVBoxLayout(box)
        v.addWidget(self.datasetCombo)
        v.addWidget(self.dataSource)
        layout.addWidget(box)

        self.architecture = ArchitectureEditor()
        self.architecture.hiddenEdited.connect(session.set_hidden)
        self.shapeLabel = QLabel()
        self.shapeLabel.setToolTip("Neurons per layer, from the inputs (left) to the outputs (right).")
        self.activationCombo = _combo(
            "activationCombo", ACTIVATION_CHOICES,
            "The activation function of the hidden neurons: what a neuron does with its weighted sum "
            "z = w·a + b\n(the inputs times the weights, plus the bias: the bias says how easily the neuron "
            "lights up).")
        self.activationCombo.activated.connect(
            lambda _i: session.set_activation(self.activationCombo.currentData()))
        self.outputCombo = _combo("outputCombo", OUTPUT_CHOICES,
                                  "How the output layer turns its weighted sums into answers.")
        self.outputCombo.activated.connect(lambda _i: session.set_output(self.outputCombo.currentData()))
        box = QGroupBox("Network")
        form = QFormLayout(box)
        form.addRow("shape", self.shapeLabel)
        form.addRow(self.architecture)
        form.addRow("activation", self.activationCombo)
        form.addRow("output", self.outputCombo)
        layout.addWidget(box)

        self.costCombo = _combo("costCombo", COSTS, "The cost: one number that says how wrong the network "
                                "is. Training is the search for weights that make it small.")
        self.costCombo.activated.connect(lambda _i: session.set_cost(self.costCombo.currentData()))
        self.optimizerCombo = _combo("optimizerCombo", OPTIMISERS, "How a gradient-descent step uses the "
                                     "gradient to change the weights.")
        self.optimizerCombo.activated.connect(
            lambda _i: session.set_optimizer(self.optimizerCombo.currentData()))
        self.learningRate = QDoubleSpinBox()
        self.learningRate.setObjectName("learningRate")
        self.learningRate.setDecimals(4)
        self.learningRate.setRange(0.0001, 100.0)  # a learner will try 100, and see the cost explode
        # adaptive steps go 0.01 -> 0.011 ... and 0.1 -> 0.11: the same relative change at any size
        self.learningRate.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.learningRate.setKeyboardTracking(False)
        self.learningRate.setToolTip(
            "The learning rate: how big each step downhill is. One gradient-descent step moves every "
            "weight by\n−(learning rate) × (how much the cost grows when that weight grows). Too small: "
            "slow. Too big: the cost jumps around or explodes.")
        self.learningRate.valueChanged.connect(session.set_learning_rate)
        self.batchSize = QSpinBox()
        self.batchSize.setObjectName("batchSize")
        self.batchSize.setRange(1, 1024)
        self.batchSize.setKeyboardTracking(False)
        self.batchSize.setToolTip("How many examples each step looks at before it changes the weights. "
                                  "Bigger batches give steadier but slower steps.")
        self.batchSize.valueChanged.connect(session.set_batch_size)
        self.batchSize.valueChanged.connect(self._batch_limit)
        self.epochsSpin = QSpinBox()
        self.epochsSpin.setObjectName("epochsSpin")
        self.epochsSpin.setRange(0, 1000)
        self.epochsSpin.setSpecialValueText("until paused")
        self.epochsSpin.setToolTip("An epoch is one pass over all the training examples. Run pauses itself "
                                   "after this many epochs (0: it runs until you pause it).")
        self.epochsSpin.valueChanged.connect(session.set_epochs)
        self.seedSpin = QSpinBox()
        self.seedSpin.setObjectName("seedSpin")
        self.seedSpin.setRange(0, 99999)
        self.seedSpin.setToolTip("The seed of the random starting weights: Reset with the same seed gives "
                                 "the very same network.")
        self.seedSpin.valueChanged.connect(session.set_seed)
        box = QGroupBox("Training")
        form = QFormLayout(box)
        form.addRow("cost", self.costCombo)
        form.addRow("optimiser", self.optimizerCombo)
        form.addRow("learning rate", self.learningRate)
        form.addRow("batch size", self.batchSize)
        form.addRow("epochs per Run", self.epochsSpin)
        form.addRow("seed", self.seedSpin)
        self.regularisation = Regularisation(session)  # L1 / L2 rates (lab2d)
        form.addRow("L1 regularisation", self.regularisation.l1Rate)
        form.addRow("L2 regularisation", self.regularisation.l2Rate)
        layout.addWidget(box)
        layout.addStretch(1)
        self.setWidget(body)
        self.setMinimumWidth(290)

        session.structureChanged.connect(self.sync)
        session.settingsChanged.connect(self.sync)
        self.sync()

    def _batch_limit(self, n: int) -> None:
        if n == self.batchSize.maximum():  # a spin box clamps silently: say where its end is
            self._session.message.emit(f"The batch size goes up to {n:,} (a larger batch hardly changes "
                                       "a step's direction, and each step gets slower).")

    def _on_preset(self) -> None:
        name = self.presetCombo.currentData()
        if name and name != self._session.preset_name:
            self._session.apply_preset(name)
        self.sync()

    def sync(self) -> None:
        """Show the Session's settings (signals blocked: showing is not changing)."""
        s = self._session
        net = s.network
        index = self.presetCombo.findData(s.preset_name)
        self.presetCombo.blockSignals(True)
        if index < 0:
            if self.presetCombo.findData("") < 0:
                self.presetCombo.addItem("(custom)", "")
            index = self.presetCombo.findData("")
        elif s.preset_name and self.presetCombo.findData("") >= 0:  # (a second sync kept "(custom)" blank)
            self.presetCombo.removeItem(self.presetCombo.findData(""))
            index = self.presetCombo.findData(s.preset_name)
        self.presetCombo.setCurrentIndex(index)
        self.presetCombo.blockSignals(False)
        preset = PRESETS.get(s.preset_name)
        self.presetNote.setText(preset.description if preset else "Your own settings.")
        _select(self.datasetCombo, s.dataset_name)
        self.dataSource.setText(s.dataset.source)
        self.architecture.set_hidden(s.hidden)
        self.shapeLabel.setText(" – ".join(str(n) for n in net.sizes))
        _select(self.activationCombo, net.activation)
        _select(self.outputCombo, net.output)
        _select(self.costCombo, s.cost_name)
        _select(self.optimizerCombo, s.optimizer_name)
        for widget, value in ((self.learningRate, s.learning_rate), (self.batchSize, s.batch_size),
                              (self.epochsSpin, s.epochs), (self.seedSpin, s.seed)):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
