"""The nudge that matters most: the selected neuron's parameters ranked by |∂C/∂w| as the engine
computes it, and "Nudge the biggest" moves only the top one by −lr·∂C/∂w, with the engine's costs."""

from __future__ import annotations

import numpy as np
import pytest

from engine.network import Network
from playground.number_format import significant
from playground.session import Session
from playground.views.inspector.inspector import NeuronInspector
from playground.views.inspector.nudge import SHOWN_ROWS, NudgePanel


@pytest.fixture
def panel(qtbot, xor):
    widget = NudgePanel(xor)
    qtbot.addWidget(widget)
    widget.expandButton.setChecked(True)
    widget.show()
    return widget


def _engine(session: Session):
    """(cost, dW, db) on the probe batch from a fresh engine Network with the same numbers."""
    net = session.network
    ref = Network(list(net.sizes), activation=net.activation, output=net.output, seed=3, dtype=net.dtype)
    ref.copy_parameters_from(net)
    X, Y = session.gradient_batch()
    return ref.gradients(X, Y, session.cost_name)


def _neuron_gradients(session: Session, layer: int, neuron: int) -> dict:
    _, dW, db = _engine(session)
    grads = {k: float(g) for k, g in enumerate(dW[layer - 1][neuron])}
    grads[None] = float(db[layer - 1][neuron])
    return grads


@pytest.mark.parametrize("neuron", [(1, 0), (1, 1), (2, 0)])
def test_the_list_is_sorted_by_the_engines_gradient_with_sign_and_bar(panel, xor, neuron):
    xor.select_neuron(*neuron)
    grads = _neuron_gradients(xor, *neuron)
    order = sorted(grads, key=lambda k: -abs(grads[k]))
    assert [p.source for p in panel.pushes] == order
    for push, (name, direction, bar, value) in zip(panel.pushes, panel.rows, strict=False):
        g = grads[push.source]
        assert push.gradient == pytest.approx(g, rel=1e-5)
        assert direction.text() == ("increase" if g < 0 else "decrease")
        assert name.text() == ("bias b" if push.source is None else f"w{push.source} ← "
                               f"{xor.input_labels(neuron[0] - 1)[push.source]}")
        assert bar.fraction == pytest.approx(abs(g) / abs(grads[order[0]]), rel=1e-5)
        assert value.isVisible()
    assert panel.rows[0][2].fraction == pytest.approx(1.0)


def _parameters(session: Session) -> list[np.ndarray]:
    return [a.copy() for a in (*session.network.weights, *session.network.biases)]


@pytest.mark.parametrize("preset, neuron", [("XOR", (1, 1)), ("XOR", (1, 0)), ("Circle", (2, 2)),
                                            ("3Blue1Brown digits", (1, 13)), ("3Blue1Brown digits", (1, 2))])
def test_nudge_moves_only_the_top_parameter_by_minus_lr_times_its_gradient(qtbot, preset, neuron):
    session = Session(preset=preset)
    widget = NudgePanel(session)
    qtbot.addWidget(widget)
    session.select_neuron(*neuron)
    grads = _neuron_gradients(session, *neuron)
    top = max(grads, key=lambda k: abs(grads[k]))
    if neuron in ((1, 0), (1, 13)):
        assert top is None  # (these neurons' biggest is their bias: the bias case is covered)
    before = _parameters(session)
    cost_before = _engine(session)[0]
    done = widget.nudge()
    step = -session.learning_rate * grads[top]
    layer, index = neuron
    after = _parameters(session)
    n_w = len(session.network.weights)
    where = (n_w + layer - 1, (index,)) if top is None else (layer - 1, (index, top))
    for k, (a, b) in enumerate(zip(before, after, strict=True)):
        changed = np.argwhere(a != b)
        if k == where[0]:
            assert [tuple(c) for c in changed] == [where[1]]  # that one number, nothing else
            assert b[where[1]] - a[where[1]] == pytest.approx(step, rel=1e-4)
        else:
            assert changed.size == 0
    cost_after = _engine(session)[0]
    assert done.parameter == (layer, index, top)
    assert done.before == pytest.approx(cost_before, rel=1e-6)
    assert done.after == pytest.approx(cost_after, rel=1e-6)
    assert done.predicted == pytest.approx(grads[top] * step, rel=1e-4)
    assert done.after < done.before  # a small step against the gradient goes downhill
    text = widget.resultLabel.text()
    assert f"{cost_before:.6f} → {cost_after:.6f}" in text
    assert significant(cost_after - cost_before, 3, sign=True) in text
    assert significant(grads[top] * step, 3, sign=True) in text
    assert not widget.resultLabel.isHidden()
    session.shutdown()


def test_a_784_input_neuron_lists_its_biggest_few(qtbot, digits):
    widget = NudgePanel(digits)
    qtbot.addWidget(widget)
    widget.expandButton.setChecked(True)
    widget.show()
    digits.select_neuron(1, 2)
    assert len(widget.pushes) == 785
    shown = [row for row in widget.rows if row[0].isVisible()]
    assert len(shown) == SHOWN_ROWS
    assert widget.moreLabel.text() == f"… and {785 - SHOWN_ROWS} smaller"


def test_it_follows_steps_and_slider_drags_and_clears_on_another_neuron(qtbot, xor):
    inspector = NeuronInspector(xor)
    qtbot.addWidget(inspector)
    inspector.show()
    panel = inspector.findChild(NudgePanel, "nudgePanel")
    assert panel is inspector.nudgePanel
    xor.select_neuron(1, 1)
    assert panel.isVisible()
    panel.nudge()
    assert panel.last is not None
    for _ in range(3):
        xor.step()
    assert panel.pushes[0].gradient == pytest.approx(
        max(_neuron_gradients(xor, 1, 1).values(), key=abs), rel=1e-5)
    slider = inspector.weight_sliders()[0]
    slider.setValue(slider.value() + 50)
    grads = _neuron_gradients(xor, 1, 1)
    assert [p.source for p in panel.pushes] == sorted(grads, key=lambda k: -abs(grads[k]))
    xor.select_neuron(2, 0)
    assert panel.last is None and panel.resultLabel.isHidden()


def test_a_nudge_during_run_reaches_the_learning_network(qtbot, xor):
    widget = NudgePanel(xor)
    qtbot.addWidget(widget)
    xor.select_neuron(1, 1)
    xor.run()
    try:
        done = widget.nudge()
        assert done is not None
        assert xor._run.pending_edits  # sent to the worker as an edit, as a slider's would be
    finally:
        xor.pause()
    qtbot.waitUntil(lambda: not xor.running, timeout=5000)


def test_a_hidden_panel_waits_and_catches_up_when_shown(qtbot, xor):
    widget = NudgePanel(xor)
    qtbot.addWidget(widget)
    xor.select_neuron(1, 1)
    assert widget.pushes == []  # behind another tab: no backward pass for nothing
    widget.show()
    grads = _neuron_gradients(xor, 1, 1)
    assert [p.source for p in widget.pushes] == sorted(grads, key=lambda k: -abs(grads[k]))
