"""The gradient overlay: with it on, edges are coloured by −∂C/∂w and neurons by −δ on the probe batch,
as the engine computes them (pixels against the engine); off again, the view is exactly as before."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine.network import Network
from playground import theme
from playground.session import Session
from playground.views.network.network_view import NetworkView
from tests.playground.test_network_view import _grab, _pixel, _view  # the same view, grabbed the same way


def _engine(session: Session):
    """dW and each layer's δ summed over the probe batch, from a fresh engine Network's backward_steps."""
    net = session.network
    ref = Network(list(net.sizes), activation=net.activation, output=net.output, seed=5, dtype=net.dtype)
    ref.copy_parameters_from(net)
    X, Y = session.gradient_batch()
    steps = {s.layer: s for s in ref.backward_steps(X, Y, session.cost_name)}
    dW = [steps[l].dW for l in range(1, ref.n_layers + 1)]
    delta = [steps[l].delta.sum(axis=0, dtype=np.float64) for l in range(1, ref.n_layers + 1)]
    return dW, delta


def _check_edges(view: NetworkView, session: Session) -> int:
    pixels = _grab(view)
    dW, _ = _engine(session)
    checked = 0
    for layer, fan in enumerate(view._edge_fans, start=1):
        for k in range(len(fan.weights)):
            push = -float(dW[layer - 1][fan.targets[k], fan.sources[k]])
            assert fan.weights[k] == pytest.approx(push, rel=1e-4, abs=1e-9)
            assert push != 0
            spot = fan.starts[k] + 0.3 * (fan.ends[k] - fan.starts[k])  # clear of crossings and circles
            r, _, b = _pixel(pixels, QPointF(*spot))
            assert (r > b) if push > 0 else (b > r), f"edge {layer}:{fan.sources[k]}->{fan.targets[k]}"
            checked += 1
    return checked


def test_each_edge_has_the_colour_of_minus_the_gradient(qtbot, xor):
    view = _view(qtbot, xor)
    xor.set_color_source("gradients")
    assert _check_edges(view, xor) == 2 * 2 + 2 * 1
    # the signs differ from the weights' own: the overlay is not the weights drawn again
    dW, _ = _engine(xor)
    signs = [np.sign(-g) != np.sign(w) for g, w in zip(dW, xor.network.weights, strict=True)]
    assert any(s.any() for s in signs)
    for _ in range(10):
        xor.step()
    assert _check_edges(view, xor) == 6


def test_neurons_are_coloured_by_minus_delta_and_inputs_have_none(qtbot, xor):
    view = _view(qtbot, xor)
    xor.set_color_source("gradients")
    pixels = _grab(view)
    _, delta = _engine(xor)
    limit = theme.nice_limit(max(float(np.max(np.abs(d))) for d in delta))
    for layer in range(1, len(xor.network.sizes)):
        for i in range(xor.network.sizes[layer]):
            expected = theme.diverging(-delta[layer - 1][i], limit)[:3]
            np.testing.assert_allclose(_pixel(pixels, view.neuron_center(layer, i)), expected, atol=3)
            assert view.displayed_activations[layer][i] == pytest.approx(-delta[layer - 1][i], rel=1e-4)
    for i in range(2):  # an input neuron has no δ: it is drawn as zero, the legend says so
        np.testing.assert_allclose(_pixel(pixels, view.neuron_center(0, i)), theme.rgb(theme.ZERO), atol=3)
        assert np.isnan(view.displayed_activations[0][i])
    titles = [entry.title.text() for entry in view.legend.entries.values()]
    assert titles == ["neurons: −δ = −∂C/∂z on the probe batch; grey inputs have none"]
    assert "−∂C/∂w" in view.legend.edge_text.text()
    entry = view.legend.entries["delta"]
    assert (entry.lo.text(), entry.hi.text()) == (f"−{limit:g}", f"+{limit:g}")


def test_off_again_the_view_is_exactly_as_before(qtbot, xor):
    view = _view(qtbot, xor)
    xor.select_neuron(1, 0)
    before = _grab(view)
    xor.set_color_source("gradients")
    assert not np.array_equal(_grab(view), before)
    xor.set_color_source("activations")
    np.testing.assert_array_equal(_grab(view), before)


def test_a_digits_network_draws_each_neurons_strongest_pushes_and_shows_the_digit(qtbot, digits):
    view = _view(qtbot, digits)
    before = _grab(view)
    digits.set_color_source("gradients")
    dW, _ = _engine(digits)
    for layer, fan in enumerate(view._edge_fans, start=1):
        push = -dW[layer - 1]
        np.testing.assert_allclose(fan.weights, push[fan.targets, fan.sources], rtol=1e-4, atol=1e-9)
        k = view._edges_per_neuron[layer - 1]
        if k < push.shape[1]:  # the strongest pushes into each neuron are the ones drawn
            for neuron in range(push.shape[0]):
                drawn = fan.sources[fan.targets == neuron]
                weakest_drawn = np.min(np.abs(push[neuron, drawn]))
                assert np.sum(np.abs(push[neuron]) > weakest_drawn) < k
    pixels = _grab(view)
    x0, y0, side = view.layout_.layers[0].image
    # the digit is still drawn (its pixels are not learned; the legend says so)
    assert "input pixels" in view.legend.entries["pixels"].title.text()
    area = (slice(int(y0) + 2, int(y0 + side) - 2), slice(int(x0) + 2, int(x0 + side) - 2))
    np.testing.assert_array_equal(pixels[area], before[area])



def test_the_action_the_g_key_and_the_session_agree(qtbot):
    from playground.main_window import MainWindow

    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    action = window.gradientOverlayAction
    assert action.objectName() == "gradientOverlayAction" and action.isCheckable()
    assert action.shortcut().toString() == "G" and "∂C/∂w" in action.toolTip()
    assert action in window.findChild(type(window.addToolBar("x")), "trainingToolbar").actions()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.networkView, Qt.Key.Key_G)
    assert action.isChecked() and window.session.color_source == "gradients"
    qtbot.keyClick(window.networkView, Qt.Key.Key_G)
    assert not action.isChecked() and window.session.color_source == "activations"
    window.session.set_color_source("gradients")  # changed elsewhere: the check mark follows
    assert action.isChecked()
    window.session.shutdown()


@pytest.mark.parametrize("preset, size", [("3Blue1Brown digits", (1280, 800)), ("Circle", (1280, 720)),
                                          ("3Blue1Brown digits", (1800, 900))])  # (the legend's rows change)
def test_in_the_window_off_again_is_exactly_as_before(qtbot, preset, size):
    from playground.main_window import MainWindow

    window = MainWindow(session=Session(preset=preset), remember=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    view = window.networkView
    window.select_weight(2, 1, 0)
    before = _grab(view)
    window.gradientOverlayAction.trigger()
    assert not np.array_equal(_grab(view), before)
    window.gradientOverlayAction.trigger()
    np.testing.assert_array_equal(_grab(view), before)
    window.session.shutdown()
