"""The neuron inspector: sliders that edit exactly one number, and the neuron's sum written out."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSlider

from engine import functions
from engine.network import Network
from playground.session import Session
from playground.views.inspector.activation_plot import softmax_curve
from playground.views.inspector.inspector import HINT, NeuronInspector
from playground.views.inspector.sliders import STEPS_PER_UNIT, initial_limit, three_decimals
from playground.views.network.network_view import NetworkView


def _inspector(qtbot, session: Session) -> NeuronInspector:
    inspector = NeuronInspector(session)
    qtbot.addWidget(inspector)
    inspector.resize(420, 800)
    inspector.show()
    qtbot.waitExposed(inspector)
    return inspector


def _slider(widget, name: str) -> QSlider | None:
    return widget.findChild(QSlider, name)


def _engine_reference(session: Session, edit) -> list[np.ndarray]:
    """Activations of the shown input by a separate engine Network holding the numbers before the
    edit, with the edit applied by hand."""
    net = session.network
    ref = Network(list(net.sizes), activation=net.activation, output=net.output, seed=99,
                  dtype=net.weights[0].dtype)
    for w, w_shown in zip(ref.weights, net.weights, strict=True):
        w[...] = w_shown
    for b, b_shown in zip(ref.biases, net.biases, strict=True):
        b[...] = b_shown
    edit(ref)
    return ref.activations(session.input)


def test_nothing_selected_shows_a_hint(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    assert inspector.hintLabel.isVisible() and inspector.hintLabel.text() == HINT
    assert not inspector.body.isVisible()


def test_an_input_neuron_says_it_has_no_weights(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(0, 1)
    assert "no weights" in inspector.hintLabel.text()
    assert three_decimals(float(xor.input[1])) in inspector.hintLabel.text()
    assert not inspector.body.isVisible() and _slider(inspector, "weightSlider0") is None


def test_one_slider_per_incoming_weight_showing_its_value(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(2, 0)
    n_in = xor.network.sizes[1]
    w = xor.network.weights[1][0]
    for k in range(n_in):
        slider = _slider(inspector, f"weightSlider{k}")
        assert slider is not None and slider.isVisible()
        assert slider.value() == round(float(w[k]) * STEPS_PER_UNIT)
        assert inspector._rows[k][1].value_label.text() == three_decimals(float(w[k]))
    assert _slider(inspector, f"weightSlider{n_in}") is None
    bias = _slider(inspector, "biasSlider")
    assert bias.value() == round(float(xor.network.biases[1][0]) * STEPS_PER_UNIT)


def test_moving_the_bias_slider_changes_the_network_exactly_as_the_engine_computes(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    view = NetworkView(xor)
    qtbot.addWidget(view)
    layer, index = 1, 0
    xor.select_neuron(layer, index)
    before = [a.copy() for a in xor.activations()]
    bias = _slider(inspector, "biasSlider")
    target = bias.value() + 123  # +1.23
    value = target / STEPS_PER_UNIT

    def edit(net):
        net.biases[layer - 1][index] = value

    expected = _engine_reference(xor, edit)
    bias.setValue(target)  # what a drag or a key press does
    assert float(xor.network.biases[layer - 1][index]) == pytest.approx(value, abs=1e-6)
    for got, want, shown in zip(xor.activations(), expected, view.displayed_activations, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)
        np.testing.assert_allclose(shown, want, rtol=0, atol=1e-7)
    # the neuron itself and everything downstream moved; the other neuron of its layer did not
    assert xor.activations()[layer][index] != pytest.approx(before[layer][index])
    assert xor.activations()[-1][0] != pytest.approx(before[-1][0])
    assert xor.activations()[layer][1] == before[layer][1]
    assert inspector.bias.value_label.text() == three_decimals(value)


def test_moving_a_weight_slider_changes_the_network_exactly_as_the_engine_computes(qtbot, digits):
    inspector = _inspector(qtbot, digits)
    view = NetworkView(digits)
    qtbot.addWidget(view)
    layer, index, source = 1, 7, int(np.argmax(digits.input))  # a pixel with ink, so it matters
    digits.select_neuron(layer, index)
    slider = _slider(inspector, f"weightSlider{source}")
    before = [a.copy() for a in digits.activations()]
    target = slider.value() + 80  # +0.8
    value = target / STEPS_PER_UNIT

    def edit(net):
        net.weights[layer - 1][index, source] = value

    expected = _engine_reference(digits, edit)
    slider.setValue(target)
    assert float(digits.network.weights[layer - 1][index, source]) == pytest.approx(value, abs=1e-6)
    for got, want, shown in zip(digits.activations(), expected, view.displayed_activations, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
        np.testing.assert_allclose(shown, want, rtol=0, atol=1e-6)
    assert digits.activations()[layer][index] > before[layer][index]  # more weight on ink: higher z
    assert not np.allclose(digits.activations()[-1], before[-1])


def test_a_784_input_neuron_gets_784_named_sliders_and_its_weight_pictures(qtbot, digits):
    inspector = _inspector(qtbot, digits)
    digits.select_neuron(1, 3)
    assert _slider(inspector, "weightSlider0") is not None
    assert _slider(inspector, "weightSlider783") is not None
    limit = initial_limit(digits.network.weights[0][3], 1.0)  # small weights: a [-1, 1] slider
    assert limit == 1.0 and _slider(inspector, "weightSlider0").maximum() == 100
    assert _slider(inspector, "weightSlider784") is None
    assert len(inspector.weight_sliders()) == 784
    assert inspector.imageRow.isVisible()
    image = inspector.weightsImage.pixmap().toImage()
    assert (image.width(), image.height()) == (140, 140)
    # then an output neuron: 16 sliders; the pooled rows beyond are unnamed and hidden
    digits.select_neuron(3, 2)
    assert _slider(inspector, "weightSlider15") is not None
    assert _slider(inspector, "weightSlider16") is None
    assert not inspector.imageRow.isVisible()
    w = digits.network.weights[2][2]
    assert _slider(inspector, "weightSlider15").value() == round(float(w[15]) * STEPS_PER_UNIT)


def test_a_value_beyond_the_range_is_shown_and_the_range_grows(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(1, 0)
    slider = _slider(inspector, "weightSlider1")
    limit = initial_limit(xor.network.weights[0][0])
    assert limit >= 5
    assert slider.maximum() == round(limit * STEPS_PER_UNIT)
    xor.set_weight(1, 0, 1, 3 * limit + 0.37)
    big = 3 * limit + 0.37
    assert slider.maximum() >= big * STEPS_PER_UNIT and slider.minimum() == -slider.maximum()
    assert slider.value() == round(big * STEPS_PER_UNIT)
    assert inspector._rows[1][1].value_label.text() == three_decimals(big)
    # all the neuron's weight sliders share the range, so they stay comparable
    assert _slider(inspector, "weightSlider0").maximum() == slider.maximum()


def test_the_weighted_sum_is_written_out_with_the_engines_numbers(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(2, 0)
    net = xor.network
    zs, acts = net.trace(xor.input)
    text = inspector.formulaLabel.text()
    w, a_prev, b = net.weights[1][0], acts[1], float(net.biases[1][0])
    for k in range(len(w)):
        assert f"{three_decimals(float(w[k]))}</span>×{three_decimals(float(a_prev[k]))}" in text
    assert three_decimals(b) in text
    assert f"z = {three_decimals(float(zs[1][0]))}" in text
    assert f"sigmoid({three_decimals(float(zs[1][0]))}) = <b>{three_decimals(float(acts[2][0]))}" in text
    # the hand sum of the written terms is z
    assert float(np.dot(w, a_prev) + b) == pytest.approx(float(zs[1][0]), abs=1e-5)


def test_a_big_neuron_writes_its_biggest_terms_and_sums_the_rest(qtbot, digits):
    inspector = _inspector(qtbot, digits)
    digits.select_neuron(1, 0)
    w = digits.network.weights[0][0].astype(float)
    terms = w * digits.input
    biggest = np.argsort(-np.abs(terms))[:4]
    rest = float(np.delete(terms, biggest).sum())
    text = inspector.formulaLabel.text()
    assert f"(780 smaller terms: {three_decimals(rest)})" in text


def test_the_activation_plot_draws_f_and_marks_the_neuron(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(1, 1)
    plot = inspector.activationPlot
    x, y = plot.curve()
    np.testing.assert_allclose(y, functions.activate("tanh", x), rtol=0, atol=1e-12)
    z = float(xor.weighted_sums()[0][1])
    a = float(xor.activations()[1][1])
    assert (plot.z, plot.a) == (pytest.approx(z), pytest.approx(a))
    assert float(np.interp(z, x, y)) == pytest.approx(a, abs=2e-3)  # the marker lies on the curve
    xor.set_bias(1, 1, 2.5)  # it follows edits
    assert plot.z == pytest.approx(float(xor.weighted_sums()[0][1]))


def test_a_softmax_output_is_plotted_with_the_other_outputs_held_fixed(qtbot, digits):
    inspector = _inspector(qtbot, digits)
    out = len(digits.network.sizes) - 1
    assert digits.network.layer_activation(out) == "softmax"
    digits.select_neuron(out, 4)
    plot = inspector.activationPlot
    zs = digits.weighted_sums()[out - 1].astype(float)
    assert plot.a == pytest.approx(float(digits.activations()[out][4]))
    # the curve at this neuron's z is its softmax output
    x, y = plot.curve()
    assert float(np.interp(zs[4], x, y)) == pytest.approx(plot.a, abs=2e-3)
    # and the curve is softmax itself as z_4 varies
    for z in (-3.0, 0.0, 2.0):
        row = zs.copy()
        row[4] = z
        assert softmax_curve(np.array([z]), np.delete(zs, 4))[0] == pytest.approx(
            functions.activate("softmax", row)[4])


def test_explain_button_emits_the_selected_neuron(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(2, 0)
    with qtbot.waitSignal(inspector.explainRequested) as signal:
        inspector.explainButton.click()
    assert signal.args == [2, 0]


def test_a_new_structure_rebuilds_the_rows(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(2, 0)
    assert _slider(inspector, "weightSlider2") is None
    xor.set_hidden([4])
    if xor.selected == (2, 0):
        assert _slider(inspector, "weightSlider3") is not None
    else:
        assert inspector.hintLabel.isVisible()


def test_during_run_an_edit_lands_at_once_and_every_row_is_right_after_pause(qtbot, digits):
    inspector = _inspector(qtbot, digits)
    digits.select_neuron(1, 3)
    before = digits.network.weights[0][3].copy()
    digits.run()
    try:
        qtbot.waitUntil(lambda: not np.array_equal(digits.network.weights[0][3], before), timeout=10000)
        bias = _slider(inspector, "biasSlider")
        bias.setValue(bias.value() + 50)
        assert float(digits.network.biases[0][3]) == pytest.approx(bias.value() / STEPS_PER_UNIT, abs=1e-6)
    finally:
        digits.pause()
    w = digits.network.weights[0][3]
    values = np.array([s.value() for s in inspector.weight_sliders()])
    np.testing.assert_array_equal(values, np.round(w.astype(float) * STEPS_PER_UNIT).astype(int))
    assert inspector.bias.value_label.text() == three_decimals(float(digits.network.biases[0][3]))


def test_a_squeezed_inspector_never_draws_its_rows_over_each_other(qtbot, qapp):
    session = Session(preset="Spiral")  # 8 inputs: the formula wraps over several lines
    inspector = _inspector(qtbot, session)
    session.select_neuron(2, 0)
    qtbot.wait(10)
    inspector.resize(400, 10)  # a short dock: the layout keeps it at its minimum height
    qtbot.waitUntil(lambda: inspector.height() == inspector.minimumSizeHint().height())
    rows = [inspector.titleLabel, inspector.formulaLabel, inspector.activationPlot, inspector.bias.slider,
            inspector.weightsHeader, inspector.scroll, inspector.explainButton]
    spans = [(w.mapTo(inspector, w.rect().topLeft()).y(), w.height()) for w in rows]
    for (top, height), (next_top, _) in zip(spans, spans[1:], strict=False):
        assert top + height <= next_top
    formula = inspector.formulaLabel
    assert formula.height() >= formula.heightForWidth(formula.width())  # every wrapped line in sight
    session.shutdown()


def test_a_click_on_a_sliders_name_selects_that_parameter(qtbot, digits):
    digits.set_hidden([16])  # a 784-16-10 network: select an output neuron's weights
    inspector = _inspector(qtbot, digits)
    digits.select_neuron(2, 4)
    names = [name for name, _ in inspector._rows]
    with qtbot.waitSignal(digits.parameterChanged):
        qtbot.mouseClick(names[11], Qt.MouseButton.LeftButton)
    assert digits.parameter == (2, 4, 11) and digits.selected == (2, 4)
    assert [k for k, name in enumerate(names) if name.selected] == [11]
    assert not inspector.biasName.selected
    qtbot.mouseClick(inspector.biasName, Qt.MouseButton.LeftButton)
    assert digits.parameter == (2, 4, None) and inspector.biasName.selected
    assert not any(name.selected for name in names)
    # a weight selected elsewhere (the network view) of a neuron with 784 inputs: its row is scrolled to
    digits.select_weight(1, 3, 700)
    rows = inspector._rows
    assert [k for k, (name, _) in enumerate(rows) if name.selected] == [700]
    top = inspector.scroll.verticalScrollBar().value()
    assert top <= rows[700][0].y() <= top + inspector.scroll.viewport().height()
    digits.select_neuron(1, 3)  # the neuron alone: no name is highlighted
    assert not any(name.selected for name, _ in rows)
