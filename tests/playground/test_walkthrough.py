"""Step slowly in the window: each phase shows the engine's backprop numbers (colours, tooltips, the
inspector), the update equals one ordinary Step, and going back or leaving early changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from playground import theme
from playground.main_window import MainWindow
from playground.number_format import readable
from playground.session import Session


def _window(qtbot, session: Session) -> MainWindow:
    w = MainWindow(session=session, remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _grab(view) -> np.ndarray:
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, width = image.height(), image.width()
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(h, image.bytesPerLine())
    return data[:, : 3 * width].reshape(h, width, 3).astype(int)


def _pixel(pixels: np.ndarray, point: QPointF) -> np.ndarray:
    return pixels[int(round(point.y())), int(round(point.x()))]


def _params(net) -> list[np.ndarray]:
    return [p.copy() for p in net.weights + net.biases]


def _assert_same(a, b) -> None:
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def _session(preset: str, optimizer: str | None = None, steps: int = 5) -> Session:
    s = Session(preset=preset)
    if optimizer is not None:
        s.set_optimizer(optimizer)
    for _ in range(steps):
        s.step()
    return s


def _engine_batch(session: Session):
    """The batch the next ordinary Step takes, found on a twin session (an independent reference)."""
    twin = _session(session.preset_name or "XOR")
    return twin.trainer.next_batch()


def test_the_actions_are_in_the_toolbar_and_menu_and_only_move_during_a_walkthrough(qtbot):
    w = _window(qtbot, _session("XOR"))
    bar = w.findChild(type(w.addToolBar("x")), "trainingToolbar")
    training = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Training")
    for name in ("stepSlowlyAction", "nextPhaseAction", "previousPhaseAction"):
        action = getattr(w, name)
        assert action.objectName() == name and action.toolTip()
        assert action in training.actions()
        assert action in bar.actions()
    assert not w.nextPhaseAction.isEnabled() and not w.previousPhaseAction.isEnabled()
    w.stepSlowlyAction.trigger()
    assert w.session.walkthrough is not None
    assert w.nextPhaseAction.isEnabled() and w.previousPhaseAction.isEnabled()
    assert not w.runAction.isEnabled() and not w.stepAction.isEnabled()  # no Run during it
    assert w.statusBar().currentMessage().endswith(w.session.walkthrough.phase.caption)
    w.stepSlowlyAction.trigger()  # unchecked: it leaves
    assert w.session.walkthrough is None
    assert not w.nextPhaseAction.isEnabled() and w.runAction.isEnabled() and w.stepAction.isEnabled()


def test_arrow_keys_move_the_phases_and_escape_leaves(qtbot):
    s = _session("XOR")
    w = _window(qtbot, s)
    with qtbot.waitActive(w):
        w.activateWindow()
    steps = s.steps
    w.stepSlowlyAction.trigger()
    qtbot.keyClick(w.networkView, Qt.Key.Key_Right)
    qtbot.keyClick(w.networkView, Qt.Key.Key_Right)
    assert s.walkthrough.index == 2 and s.steps == steps  # → moved a phase, it did not Step
    qtbot.keyClick(w.networkView, Qt.Key.Key_Left)
    assert s.walkthrough.index == 1
    qtbot.keyClick(w.networkView, Qt.Key.Key_Escape)
    assert s.walkthrough is None and s.color_source == "activations"
    qtbot.keyClick(w.networkView, Qt.Key.Key_Right)  # → is Step again
    assert s.steps == steps + 1


def test_each_backward_phase_shows_the_numbers_of_backward_steps(qtbot):
    s = _session("XOR")
    X, Y = _engine_batch(s)
    steps = {st.layer: st for st in s.network.backward_steps(X, Y, s.cost_name)}
    w = _window(qtbot, s)
    view = w.networkView
    s.start_walkthrough()
    L = s.network.n_layers
    while s.walkthrough.phase.kind != "backward":
        s.next_phase()
    for layer in range(L, 0, -1):
        assert s.walkthrough.phase.layer == layer and s.color_source == "walk-backward"
        lit = range(layer, L + 1)
        limit = theme.nice_limit(max(float(np.max(np.abs(steps[m].db))) for m in lit))
        s.select_neuron(-1, -1)  # a selected neuron's highlighted lines would cover the circles
        pixels = _grab(view)
        for m in lit:  # δ summed over the batch on each neuron: its value, its colour, its tooltip
            np.testing.assert_allclose(view.displayed_activations[m], steps[m].db, rtol=1e-6)
            for i in range(s.network.sizes[m]):
                expected = theme.diverging([float(steps[m].db[i])], limit)[0, :3]
                np.testing.assert_allclose(_pixel(pixels, view.neuron_center(m, i)), expected, atol=3)
                tip = view.tooltip_at(view.mapToScene(view.neuron_center(m, i).toPoint()))
                assert f"= ∂C/∂b = {readable(steps[m].delta[:, i].sum(), 4)}" in tip
        for m in range(1, layer):
            np.testing.assert_array_equal(view.displayed_activations[m], 0.0)  # not reached yet
        fan = view._edge_fans[layer - 1]  # ∂C/∂w on the lines into this layer
        for k in range(len(fan.weights)):
            dw = float(steps[layer].dW[fan.targets[k], fan.sources[k]])
            assert fan.weights[k] == pytest.approx(dw)
            spot = fan.starts[k] + 0.3 * (fan.ends[k] - fan.starts[k])  # clear of crossings and circles
            r, _, b = _pixel(pixels, QPointF(*spot))
            assert (r > b) if dw > 0 else (b > r)  # orange for ∂C/∂w > 0, blue below
            tip = view.words.walk_tooltip(None, (layer, int(fan.targets[k]), int(fan.sources[k])))
            assert f"∂C/∂w = Σ δ·a over the batch = {readable(dw, 4)}" in tip
        s.select_neuron(layer, 0)  # the inspector's panel: the same numbers
        panel = w.inspector.walkPanel
        assert panel.isVisible()
        assert f"∂C/∂b = {readable(steps[layer].db[0], 4)}" in panel.text()
        for source in range(s.network.sizes[layer - 1]):
            assert f": {readable(steps[layer].dW[0, source], 4)}" in panel.text()
        assert s.walkthrough.phase.caption in view.legend.note.text().replace("\n", " ")
        s.next_phase()
    assert s.walkthrough.phase.kind == "update"


def test_forward_phases_light_up_the_layers_with_the_batch_mean(qtbot):
    s = _session("Circle")
    X, _ = _engine_batch(s)
    _, acts = s.network.trace(X)
    w = _window(qtbot, s)
    s.start_walkthrough()
    for k in range(s.network.n_layers + 1):
        assert s.walkthrough.phase.kind == "forward" and s.color_source == "walk-forward"
        shown = w.networkView.displayed_activations
        for layer in range(len(s.network.sizes)):
            if layer <= k:
                np.testing.assert_allclose(shown[layer], acts[layer].mean(axis=0), rtol=1e-5, atol=1e-7)
            else:
                np.testing.assert_array_equal(shown[layer], 0.0)
        s.next_phase()
    assert s.walkthrough.phase.kind == "error"
    np.testing.assert_allclose(w.networkView.displayed_activations[-1],
                               s.walkthrough.bp.output_error.mean(axis=0))


@pytest.mark.parametrize("preset, optimizer", [("XOR", None), ("XOR", "sgd"), ("Circle", None)])
def test_after_the_last_phase_the_weights_equal_one_ordinary_step(qtbot, preset, optimizer):
    s, twin = _session(preset, optimizer), _session(preset, optimizer)
    _window(qtbot, s)
    assert s.optimizer_name == (optimizer or "adam")
    twin.step()
    s.start_walkthrough()
    while s.walkthrough.phase.kind != "update":
        s.next_phase()
    _assert_same(_params(s.network), _params(twin.network))
    assert s.steps == twin.steps and s.history.last_cost == twin.history.last_cost
    s.next_phase()  # past the last phase: it is over, and the step stays
    assert s.walkthrough is None
    _assert_same(_params(s.network), _params(twin.network))
    s.step()
    twin.step()
    _assert_same(_params(s.network), _params(twin.network))


def test_previous_goes_back_without_changing_the_network(qtbot):
    s = _session("XOR")
    w = _window(qtbot, s)
    start, steps, points = _params(s.network), s.steps, len(s.history.train)
    s.start_walkthrough()
    n = len(s.walkthrough.phases)
    for _ in range(n - 2):
        s.next_phase()
    while s.walkthrough.index > 0:
        s.previous_phase()
        _assert_same(_params(s.network), start)
    for _ in range(n - 1):
        s.next_phase()
    assert s.walkthrough.phase.kind == "update" and s.steps == steps + 1
    w.previousPhaseAction.trigger()  # back from the update: the step is taken back exactly
    _assert_same(_params(s.network), start)
    _assert_same(_params(s.trainer.network), start)
    assert s.steps == steps and len(s.history.train) == points
    s.leave_walkthrough()
    twin = _session("XOR")
    s.step()
    twin.step()
    _assert_same(_params(s.network), _params(twin.network))


def test_leaving_early_changes_nothing_and_run_waits(qtbot):
    s = _session("XOR")
    _window(qtbot, s)
    start = _params(s.network)
    s.start_walkthrough()
    s.next_phase()
    s.run()
    assert not s.running and s.walkthrough is not None  # Run is refused during the walkthrough
    s.leave_walkthrough()
    _assert_same(_params(s.network), start)
    s.start_walkthrough()
    s.set_bias(1, 0, 0.25)  # an edit ends it: its numbers would be stale
    assert s.walkthrough is None


def test_the_screenshot_flag_starts_the_walkthrough(tmp_path, qapp):
    from playground import app

    path = tmp_path / "walk.png"
    assert app.main(["--screenshot", str(path), "--preset", "XOR", "--steps", "3", "--phase", "5"]) == 0
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("preset", ["XOR", "Circle"])
def test_the_lab_shows_the_whole_cost_and_its_grads_are_the_walkthroughs(qtbot, preset):
    from playground.views.lab.expressions import fmt

    s = _session(preset)
    w = _window(qtbot, s)
    assert not w.wholeCostAction.isEnabled()  # only during a walkthrough
    s.start_walkthrough()
    while s.walkthrough.phase.kind != "backward":
        s.next_phase()
    assert w.wholeCostAction.isEnabled()
    w.wholeCostAction.trigger()
    lab = w.lab
    assert lab.preset == "cost" and lab.root.label == "C"
    assert lab.root.data == pytest.approx(s.walkthrough.bp.cost, rel=1e-5)
    X, Y = _engine_batch(s)
    steps = {st.layer: st for st in s.network.backward_steps(X, Y, s.cost_name)}
    boxes = lab.graphView.boxes_by_label()
    for (layer, neuron, source), value in lab.cost.parameters.items():
        expected = steps[layer].db[neuron] if source is None else steps[layer].dW[neuron, source]
        assert value.grad == pytest.approx(float(expected), rel=1e-4, abs=1e-7)  # ∂C/∂w, as backprop's
        assert boxes[value.label][2] == f"grad {fmt(value.grad)}"  # and drawn in its box
    s.next_phase()  # the update is applied: the graph keeps the step's own numbers
    assert lab.preset == "cost"


def test_selecting_in_the_lab_and_in_the_network_view_go_both_ways(qtbot):
    s = _session("XOR")
    w = _window(qtbot, s)
    s.start_walkthrough()
    w.show_whole_cost()
    lab = w.lab
    hidden = lab.cost.neurons[1, 1][0]  # neuron 1 of the hidden layer, first sample
    lab.graphView.valueClicked.emit(hidden)  # as a click on its box does
    assert s.selected == (1, 1)
    assert w.networkView._ring.isVisible()  # the network view rings it
    weight = lab.cost.parameters[2, 0, 1]
    lab.graphView.valueClicked.emit(weight)
    assert s.parameter == (2, 0, 1) and w.networkView._weight_line.isVisible()
    s.select_neuron(1, 0)  # and the other way: the lab frames that neuron's box
    assert lab.graphView.marked is lab.cost.neurons[1, 0][0]
    s.select_weight(1, 1, None)
    assert lab.graphView.marked is lab.cost.parameters[1, 1, None]


def test_a_real_click_on_a_box_selects_its_neuron(qtbot):
    s = _session("XOR")
    w = _window(qtbot, s)
    s.start_walkthrough()
    w.show_whole_cost()
    view = w.lab.graphView
    qtbot.waitUntil(lambda: view.isVisible())
    target = w.lab.cost.neurons[2, 0][0]
    view.centerOn(view.item_for(target))
    centre = view.mapFromScene(view.item_for(target).sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert s.selected == (2, 0)


def test_the_whole_cost_is_refused_for_a_big_network(qtbot):
    s = _session("Spiral", steps=0)
    w = _window(qtbot, s)
    s.start_walkthrough()
    assert not w.wholeCostAction.isEnabled() and not w.lab.costButton.isEnabled()
    w.show_whole_cost()
    assert "64" in w.statusBar().currentMessage() and w.lab.preset != "cost"


def test_new_settings_end_the_walkthrough(qtbot):
    s = _session("XOR")
    s.start_walkthrough()
    s.set_batch_size(8)  # another batch than the one on show
    assert s.walkthrough is None
    s.start_walkthrough()
    s.set_learning_rate(0.01)  # another update than the caption's
    assert s.walkthrough is None


def test_digits_the_drawn_lines_carry_backprops_dC_dw(qtbot, digits):
    w = _window(qtbot, digits)
    view = w.networkView
    digits.start_walkthrough()
    X, _ = digits.walkthrough.X, digits.walkthrough.Y
    side = 28
    np.testing.assert_allclose(view.displayed_activations[0], X.mean(axis=0), rtol=1e-5, atol=1e-7)
    assert view._input_image.pixmap().width() == side  # the batch's mean digit
    while digits.walkthrough.phase.kind != "backward" or digits.walkthrough.phase.layer != 1:
        digits.next_phase()
    for layer, fan in enumerate(view._edge_fans, start=1):
        dW = digits.walkthrough.step(layer).dW
        np.testing.assert_allclose(fan.weights, dW[fan.targets, fan.sources], rtol=1e-6)
        k = view._edges_per_neuron[layer - 1]
        if k < dW.shape[1]:  # only the strongest drawn: by |∂C/∂w| now, not by |w|
            strongest = np.sort(np.abs(dW), axis=1)[:, -k:]
            drawn = np.sort(np.abs(fan.weights).reshape(dW.shape[0], k), axis=1)
            np.testing.assert_allclose(drawn, strongest, rtol=1e-6)


def test_the_update_phase_shows_each_weights_change(qtbot):
    s = _session("XOR")
    w = _window(qtbot, s)
    before = _params(s.network)
    s.start_walkthrough()
    while s.walkthrough.phase.kind != "update":
        s.next_phase()
    s.select_neuron(2, 0)
    text = w.inspector.walkPanel.text()
    change = s.network.weights[1][0] - before[1][0]
    for k in range(2):
        assert f": {readable(change[k], 4)}" in text
    bias_change = float(s.network.biases[1][0] - before[3][0])
    assert f"Δb = {readable(bias_change, 4)}" in text
    fan = w.networkView._edge_fans[1]  # the lines into the output show Δw too
    np.testing.assert_allclose(fan.weights, change[fan.sources])
