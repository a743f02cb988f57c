"""The Neuron lab: micrograd's expression graph, live.

Move the sliders and every value's data is recomputed (forward); press Backward and the grads flow
back through the graph one node at a time, each node showing its local derivative times the grad that
arrives from the right: the chain rule, visible. "Explain this neuron" puts a network neuron here.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from playground import theme
from playground.views.lab.cost_graph import CostExpression, cost_expression
from playground.views.lab.explained import ExplainedNeuron
from playground.views.lab.expressions import (
    SEED_VALUES,
    BackwardStepper,
    Expression,
    accumulation_example,
    fmt,
    neuron_expression,
    seed_neuron,
)
from playground.views.lab.graph_view import GraphView
from playground.views.lab.lab_buttons import button_row
from playground.views.lab.lab_export import ExportMixin
from playground.views.lab.pan_hint import PAN_HINTS  # noqa: F401  (importable from here, as before)
from playground.views.lab.seed_panel import SLIDER_STEPS_PER_UNIT, seed_panel
from playground.views.lab.texts import ACCUMULATION_TEXT, ACTIVATION_CHOICES, EXAMPLES
from playground.views.lab.whole_cost import WholeCostMixin

FOLLOW_INTERVAL_MS = 100  # the explained neuron follows the network at most 10 times a second


class NeuronLab(WholeCostMixin, ExportMixin, QWidget):
    """The Neuron lab. By default it shows the seed's neuron.

    Given a Session it observes it like every other view: ``explain(layer, index)`` puts a network
    neuron here, which then follows sliders, training, the shown input and the selection (see
    ExplainedNeuron). ``explain_neuron`` shows any neuron's numbers, Session or not."""

    backwardFinished = Signal()

    def __init__(self, session=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("neuronLab")
        self.params: dict[str, float] = dict(SEED_VALUES)
        self.preset = "seed"
        self.expression: Expression = seed_neuron()
        self._explained: dict | None = None
        self._cost_batch: tuple | None = None  # (network copy, X, Y, cost) of the step's whole cost
        self._session = None
        self.cost: CostExpression | None = None  # the whole cost's graph, while the lab shows it
        self.explained: ExplainedNeuron | None = None  # the network neuron it follows (with a Session)
        self._stepper: BackwardStepper | None = None
        self._grads_shown = False  # after a complete backward, slider moves keep the grads live
        self.step_interval_ms = 350
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._animate)

        self.title = QLabel()
        self.title.setObjectName("labTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt;")

        self.presetCombo = QComboBox()
        self.presetCombo.setObjectName("labPreset")
        for text, key in EXAMPLES:
            self.presetCombo.addItem(text, key)
        self.presetCombo.setToolTip("What the lab shows: the seed's neuron, the accumulation bug, or a "
                                    "neuron you asked to explain from the network.")
        self.activationCombo = QComboBox()
        self.activationCombo.setObjectName("labActivation")
        for k, (text, key, tip) in enumerate(ACTIVATION_CHOICES):
            self.activationCombo.addItem(text, key)
            self.activationCombo.setItemData(k, tip, Qt.ItemDataRole.ToolTipRole)
        self.activationCombo.setToolTip("The activation function f in o = f(n): how the neuron squishes its "
                                        "weighted sum.")
        self.expCheck = QCheckBox("write through exp")
        self.expCheck.setObjectName("labThroughExp")
        self.expCheck.setToolTip("Write the activation with exp, exactly as the seed does: tanh as "
                                 "e = exp(2n), o = (e − 1)/(e + 1); sigmoid as 1/(1 + exp(−n)).\n"
                                 "More nodes, same o and same grads: backprop only needs each small "
                                 "step's local derivative.")
        self.bugCheck = QCheckBox("use = instead of +=")
        self.bugCheck.setObjectName("labAssignBug")
        self.bugCheck.setToolTip("Show what backward would give if grads were assigned with = instead of "
                                 "accumulated with +=: a value used twice loses one of its contributions.")
        top = QHBoxLayout()
        top.addWidget(self.presetCombo, 2)
        top.addWidget(self.activationCombo)
        top.addWidget(self.expCheck)
        top.addWidget(self.bugCheck)

        self.sliderPanel, self.sliders, self.spins, self.resetButton = seed_panel(self._slider_moved,
                                                                                   self.set_param)

        buttons = button_row(self)

        self.graphView = GraphView()
        self.graphView.fitted.connect(self._pan_hint)
        self.caption = QLabel()
        self.caption.setObjectName("labCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setStyleSheet(f"color: {theme.HIGHLIGHT}; font-size: 11pt;")
        self.caption.setToolTip("The chain rule for the value that just lit up: its grad is its local "
                                "derivative times the grad of the value that used it (summed over every "
                                "use).")
        self.note = QLabel()
        self.note.setObjectName("labNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.sliderPanel)
        layout.addLayout(buttons)
        layout.addWidget(self.graphView, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)

        self.presetCombo.currentIndexChanged.connect(self._preset_chosen)
        self.activationCombo.currentIndexChanged.connect(self._activation_chosen)
        self.expCheck.toggled.connect(lambda _: self.forward())
        self.bugCheck.toggled.connect(self._bug_toggled)
        self.resetButton.clicked.connect(self.reset_values)
        self.forwardButton.clicked.connect(self.forward)
        self.backwardButton.clicked.connect(lambda: self.backward(animated=True))
        self.stepButton.clicked.connect(self.step)
        self.zeroButton.clicked.connect(self.zero_grad)
        self.fitButton.clicked.connect(self.graphView.fit)
        self.dotButton.clicked.connect(self._ask_export_dot)
        self.imageButton.clicked.connect(self._ask_export_image)
        self.costButton.clicked.connect(self.show_whole_cost)
        self.graphView.valueClicked.connect(self._value_clicked)

        self._sync_controls()
        self.forward()
        if session is not None:
            self._observe(session)

    def _observe(self, session) -> None:
        self.explained = ExplainedNeuron(session)
        self._follow = QTimer(self)
        self._follow.setSingleShot(True)
        self._follow.setInterval(FOLLOW_INTERVAL_MS)
        self._follow.timeout.connect(self._follow_network)
        session.networkChanged.connect(self._schedule_follow)
        session.inputChanged.connect(self._schedule_follow)
        session.structureChanged.connect(self.forget_explained)
        session.selectionChanged.connect(self._on_selection)
        session.parameterChanged.connect(self._mark_parameter)
        session.walkthroughChanged.connect(self._on_walkthrough)
        session.structureChanged.connect(self._forget_cost)
        self._session = session
        self._on_walkthrough()  # made during Step slowly (the window makes it when first shown): offer it

    # ---- following the Session ---------------------------------------------------------------------
    def explain(self, layer: int, index: int) -> None:
        """Explain a neuron of the Session's network. Raises ValueError for one that cannot be explained
        (an input neuron, non-finite numbers); the lab then stays as it was."""
        previous = self.explained.neuron
        numbers = self.explained.explain(layer, index)
        try:
            self.explain_neuron(**vars(numbers))
        except ValueError:
            self.explained.neuron = previous
            raise

    def _on_selection(self, layer: int, index: int) -> None:
        """A neuron selected anywhere becomes the explained one, while the lab explains a network neuron."""
        if self.preset == "cost":
            self._mark_cost_selection()
            return
        if self.preset == "explained" and self.explained.follow_selection(layer, index) is not None:
            try:
                self.explain(layer, index)
            except ValueError:
                pass  # e.g. an exploded neuron: the lab keeps the one it shows

    def _schedule_follow(self) -> None:
        if not self._follow.isActive():  # not start(): during Run that would postpone it forever
            self._follow.start()

    def _follow_network(self) -> None:
        """Keep the explained neuron live: its graph follows sliders, training and the input."""
        numbers = self.explained.numbers()
        if numbers is not None and self.isVisible():
            self.follow_explained(numbers.weights, numbers.bias, numbers.inputs, numbers.title)

    def _mark_parameter(self) -> None:
        """Frame the selected weight's (or bias's) box when it belongs to the explained neuron."""
        if self.preset == "cost":
            self._mark_cost_selection()
            return
        value = None
        p = self.explained.selected_parameter() if self.explained and self.preset == "explained" else None
        if p is not None:
            e = self.expression
            if p[2] is None:
                value = e.named.get("b")
            elif p[2] in e.shown_inputs:
                value = e.weights[e.shown_inputs.index(p[2])]
            else:  # one of the small contributions folded into "rest"
                value = next((v for name, v in e.named.items() if name.startswith("rest")), None)
        self.graphView.mark(value)

    # ---- what the lab shows -----------------------------------------------------------------------
    @property
    def root(self):
        return self.expression.root

    @property
    def output(self) -> float:
        return self.expression.root.data

    def set_param(self, name: str, value: float) -> None:
        """Set a seed input, weight or bias (exactly, not rounded to the slider) and redo forward."""
        if self.params[name] == value:
            return
        self.params[name] = float(value)
        self._sync_controls()
        self._recompute()

    def reset_values(self) -> None:
        self.params = dict(SEED_VALUES)
        self._sync_controls()
        self._recompute()

    def _pan_hint(self, whole: bool) -> None:
        self.panHint.show_for(whole)

    def show_preset(self, key: str) -> None:
        """"seed", "accumulation" or "explained" (after explain_neuron)."""
        index = self.presetCombo.findData(key)
        if index < 0:
            raise ValueError(f"no preset {key!r} in the lab")
        self.presetCombo.setCurrentIndex(index)

    def explain_neuron(self, weights: Sequence[float], bias: float, inputs: Sequence[float], activation: str,
                       title: str = "", input_labels: Sequence[str] | None = None) -> None:
        """Show one network neuron, a = f(Σ w·x + b), built from Values; Backward then gives ∂a/∂w."""
        neuron_expression(weights, bias, inputs, activation, input_labels)  # refuse bad input before changing
        self._explained = {"weights": weights, "bias": bias, "inputs": inputs, "activation": activation,
                           "title": title, "input_labels": input_labels}
        self._show_own_preset("explained", "Explained neuron (from the network)")

    def _show_own_preset(self, key: str, text: str) -> None:
        """Show a preset made from the network ("explained", "cost"), adding it to the combo box first."""
        if self.presetCombo.findData(key) < 0:
            self.presetCombo.addItem(text, key)
        if self.preset == key:
            self.forward()
        else:
            self.show_preset(key)

    def follow_explained(self, weights: Sequence[float], bias: float, inputs: Sequence[float],
                         title: str = "") -> None:
        """The explained neuron's numbers changed in the network (a slider, a training step, a new input):
        redo forward, and backward too if its grads are on show. Same neuron, same shape."""
        if self._explained is None or self.animating:
            return
        self._explained.update(weights=weights, bias=bias, inputs=inputs,
                               title=title or self._explained["title"])
        if self.preset == "explained":
            self._recompute()

    def forget_explained(self) -> None:
        """The network the explained neuron came from is gone (a new shape or preset): show the seed's."""
        if self.explained is not None:
            self.explained.forget()
        index = self.presetCombo.findData("explained")
        if index < 0:
            return
        if self.preset == "explained":
            self.show_preset("seed")
        self.presetCombo.removeItem(index)
        self._explained = None

    def _build(self) -> Expression:
        if self.preset == "accumulation":
            return accumulation_example()
        if self.preset == "cost" and self._cost_batch is not None:
            self.cost = cost_expression(*self._cost_batch)  # fresh Values: every grad starts at 0
            return self.cost.expression
        if self.preset == "explained" and self._explained is not None:
            e = self._explained
            return neuron_expression(e["weights"], e["bias"], e["inputs"], e["activation"], e["input_labels"])
        return seed_neuron(self.params, self.activationCombo.currentData(), self.expCheck.isChecked())

    def _title(self) -> str:
        if self.preset == "accumulation":
            return "A value used twice: b = a + a"
        if self.preset == "cost" and self._cost_batch is not None:
            n = len(self._cost_batch[1])
            return f"The whole cost of the step: C = the mean of {n} samples' costs through the whole network"
        if self.preset == "explained" and self._explained is not None:
            e = self._explained
            what = {"sigmoid": "σ(z)", "tanh": "tanh(z)", "relu": "ReLU(z)"}.get(e["activation"], "z")
            head = e["title"] or "A neuron from the network"
            return f"{head}: a = {what}, z = Σ w·x + b"
        f = self.activationCombo.currentText()
        return f"The seed's neuron: n = x1·w1 + x2·w2 + b, o = {f}(n)"

    # ---- forward, backward, zero grad --------------------------------------------------------------
    def forward(self) -> None:
        """Rebuild the expression from the controls: every data recomputed, every grad 0."""
        self._stop()
        self._grads_shown = False
        self.expression = self._build()
        self._show_expression()
        self.caption.setText(f"Forward pass: every value computed from its operands. "
                             f"Output {self._root_name()} = {fmt(self.output)}.")

    def _recompute(self) -> None:
        """After a slider move: forward, and if grads were on show, backward again at once."""
        keep_grads = self._grads_shown
        self.forward()
        if keep_grads:
            self.backward(animated=False)

    def backward(self, animated: bool = True) -> None:
        """Fill every grad. Animated: one node per tick; otherwise all at once."""
        self._stop()
        self._stepper = BackwardStepper(self.root, accumulate=not self._assign_bug())
        if not animated:
            self._stepper.run()
            self._finish_backward()
            return
        self.graphView.refresh()
        n = len(self._stepper.order)
        self._timer.start(max(1, min(self.step_interval_ms, int(6000 / max(n, 1)))))
        self._animate()

    def step(self) -> None:
        """One node of backward; the first step starts a fresh backward (grads zeroed)."""
        self._timer.stop()
        if self._stepper is None or self._stepper.done:
            self._stepper = BackwardStepper(self.root, accumulate=not self._assign_bug())
        self._advance()

    def zero_grad(self) -> None:
        self._stop()
        self.root.zero_grad()
        self._grads_shown = False
        self.graphView.light(None)
        self.graphView.refresh()
        self.caption.setText("Every grad is 0 again. Backward starts from the output's grad 1.")

    @property
    def animating(self) -> bool:
        return self._timer.isActive()

    def _animate(self) -> None:
        self._advance()

    def _advance(self) -> None:
        assert self._stepper is not None
        s = self._stepper.step()
        if s is not None:
            self.graphView.refresh()
            self.graphView.light(s.node, self._callout(s))
            self.caption.setText(s.caption)
        if self._stepper.done:
            self._timer.stop()
            self._finish_backward(keep_caption=s is not None)

    def _finish_backward(self, keep_caption: bool = False) -> None:
        self._grads_shown = True
        self.graphView.refresh()
        last = self.caption.text() if keep_caption else ""
        if self._assign_bug():
            a = self.expression.named.get("a")
            text = f"Backward with = : a.grad = {fmt(a.grad)}. " if a is not None else ""
            self.caption.setText(text + "Wrong: a is used twice, so it needs both shares (+= gives 2).")
        else:
            summary = f"Backward done: every grad is ∂{self._root_name()}/∂(that value)."
            self.caption.setText(f"{last}\n{summary}" if last else summary)
        self.backwardFinished.emit()

    def _callout(self, s) -> str:
        if not s.terms:
            return "grad = 1"
        parts = " + ".join(f"{fmt(t.local)} × {fmt(t.incoming)}" for t in s.terms)
        return f"{parts} = {fmt(s.grad)}"

    def _stop(self) -> None:
        self._timer.stop()
        self._stepper = None
        self.graphView.light(None)

    def _assign_bug(self) -> bool:
        return self.preset == "accumulation" and self.bugCheck.isChecked()

    def _root_name(self) -> str:
        return self.root.label or "out"

    # ---- controls ----------------------------------------------------------------------------------
    def _show_expression(self) -> None:
        self.graphView.set_expression(self.root)
        if self.explained is not None:
            self._mark_parameter()
        self.title.setText(self._title())
        if self.preset == "accumulation":
            self.note.setText(ACCUMULATION_TEXT)
        else:
            self.note.setText(self.expression.note)
        self.note.setVisible(bool(self.note.text()))

    def _preset_chosen(self, _index: int) -> None:
        self.preset = self.presetCombo.currentData()
        self._sync_controls()
        self.forward()

    def _sync_controls(self) -> None:
        seed = self.preset == "seed"
        # controls that do nothing for this preset are hidden, which leaves more room for the graph
        self.sliderPanel.setVisible(seed)
        self.activationCombo.setVisible(seed)
        self.expCheck.setVisible(seed)
        self.expCheck.setEnabled(self.activationCombo.currentData() in ("tanh", "sigmoid"))
        self.bugCheck.setVisible(self.preset == "accumulation")
        for name, value in self.params.items():
            for widget, v in ((self.sliders[name], round(value * SLIDER_STEPS_PER_UNIT)),
                              (self.spins[name], value)):
                widget.blockSignals(True)
                widget.setValue(v)
                widget.blockSignals(False)

    def _slider_moved(self, name: str, position: int) -> None:
        self.set_param(name, position / SLIDER_STEPS_PER_UNIT)

    def _activation_chosen(self, _index: int) -> None:
        self._sync_controls()
        self.forward()

    def _bug_toggled(self, _on: bool) -> None:
        self.forward()
