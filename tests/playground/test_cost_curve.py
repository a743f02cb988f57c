"""The cost along one weight: the curve is the engine's cost, the tangent's slope is backprop's ∂C/∂w
(and the plotted curve's own slope at the dot), the arrow is the step −lr·∂C/∂w; it follows slider
drags, Steps and Run."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.network import Network
from playground.number_format import readable, significant
from playground.session import Session
from playground.views.inspector.inspector import NeuronInspector
from playground.views.plots.cost_curve import CostCurve
from playground.views.plots.empty_state import axis_numbers_shown


@pytest.fixture
def curve(qtbot, xor):
    widget = CostCurve(xor)
    qtbot.addWidget(widget)
    widget.resize(700, 320)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _engine_gradient(session: Session, parameter) -> tuple[float, float]:
    """(cost, ∂C/∂parameter) on the probe batch, from a fresh engine Network with the same numbers."""
    net = session.network
    ref = Network(list(net.sizes), activation=net.activation, output=net.output, seed=99, dtype=net.dtype)
    ref.copy_parameters_from(net)
    X, Y = session.gradient_batch()
    cost, dW, db = ref.gradients(X, Y, session.cost_name)
    layer, neuron, source = parameter
    g = db[layer - 1][neuron] if source is None else dW[layer - 1][neuron, source]
    return cost, float(g)


def _cost_with(session: Session, parameter, value: float) -> float:
    """The probe batch's cost with the parameter set to value on a copy: one value at a time."""
    net = session.network.copy()
    layer, neuron, source = parameter
    if source is None:
        net.biases[layer - 1][neuron] = value
    else:
        net.weights[layer - 1][neuron, source] = value
    X, Y = session.gradient_batch()
    return net.cost(X, Y, session.cost_name)


def _check(widget: CostCurve, session: Session, parameter) -> None:
    """The tangent's slope = the plotted curve's slope at the dot = the engine's ∂C/∂w."""
    x, y = (np.asarray(a, dtype=float) for a in widget.item("cost").getData())
    value = session.parameter_value()
    at = int(np.flatnonzero(x == value)[0])  # the value itself is one of the plotted points
    numerical = (y[at + 1] - y[at - 1]) / (x[at + 1] - x[at - 1])
    cost, gradient = _engine_gradient(session, parameter)
    slope = widget.tangent_slope()
    assert slope == pytest.approx(gradient, rel=1e-4, abs=1e-7)
    assert numerical == pytest.approx(gradient, rel=2e-3, abs=2e-5)
    assert abs(gradient) > 1e-4  # a flat spot would prove nothing
    # the tangent touches the curve at the dot, and the dot is the engine's cost
    tx, ty = widget.item("tangent").getData()
    assert ty[0] + slope * (value - tx[0]) == pytest.approx(cost, rel=1e-5)
    px, py = widget._point.getData()
    assert (px[0], py[0]) == (pytest.approx(value), pytest.approx(cost, rel=1e-5))
    # and the curve is the cost, one value at a time
    for k in (0, len(x) // 3, len(x) - 1):
        assert y[k] == pytest.approx(_cost_with(session, parameter, x[k]), rel=1e-4)


@pytest.mark.parametrize("parameter", [(1, 0, 1), (1, 1, None), (2, 0, 0), (2, 0, None)])
def test_the_tangent_is_backprops_gradient_and_the_curves_slope(curve, xor, parameter):
    xor.select_weight(*parameter)
    _check(curve, xor, parameter)
    assert not curve.hint_shown()
    # the arrow is the step −lr·∂C/∂w, from the dot
    g = _engine_gradient(xor, parameter)[1]
    assert curve.step == pytest.approx(-xor.learning_rate * g, rel=1e-4)
    sx, _ = curve.item("step").getData()
    assert sx[0] == pytest.approx(xor.parameter_value())
    assert np.sign(sx[1] - sx[0]) == -np.sign(g)
    assert curve._arrow.isVisible()


def test_with_nothing_selected_it_says_how_to_select_a_weight(curve, xor):
    assert curve.hint_shown() and not curve._legend.isVisible()
    assert "click a line in the network" in curve._hint.textItem.toPlainText()
    assert len(curve.item("cost").getData()[0] or []) == 0
    assert not axis_numbers_shown(curve.getPlotItem())  # axes without a weight: no numbers to misread
    xor.select_weight(1, 0, 0)
    assert not curve.hint_shown() and axis_numbers_shown(curve.getPlotItem())
    xor.select_neuron(1, 1)  # a neuron alone is no parameter
    assert curve.hint_shown() and not axis_numbers_shown(curve.getPlotItem())


def test_the_curve_spans_the_sliders_range(qtbot, curve, xor):
    inspector = NeuronInspector(xor)
    qtbot.addWidget(inspector)
    sliders = (((1, 0, 1), lambda: inspector._rows[1][1]), ((2, 0, None), lambda: inspector.bias))
    for parameter, slider in sliders:
        xor.select_weight(*parameter)
        x, _ = curve.item("cost").getData()
        limit = slider().limit
        assert (x[0], x[-1]) == (pytest.approx(-limit), pytest.approx(limit))
        assert len(x) >= 200


def test_it_follows_a_slider_drag_and_steps(qtbot, curve, xor):
    inspector = NeuronInspector(xor)
    qtbot.addWidget(inspector)
    inspector.show()
    for parameter in ((1, 0, 1), (1, 0, None)):
        xor.select_weight(*parameter)
        slider = inspector.bias.slider if parameter[2] is None else inspector.weight_sliders()[1]
        before = curve.value
        slider.setSliderDown(True)  # a drag: the slider moves while held
        slider.setValue(slider.value() - 37)
        slider.setSliderDown(False)
        assert xor.parameter_value() == pytest.approx(slider.value() / 100)
        assert curve.value == pytest.approx(xor.parameter_value()) and curve.value != pytest.approx(before)
        _check(curve, xor, parameter)
        for _ in range(5):
            xor.step()
        _check(curve, xor, parameter)


def test_a_new_learning_rate_or_optimiser_redraws_the_arrow_and_says_what_it_is(curve, xor):
    xor.select_weight(1, 0, 1)
    g = _engine_gradient(xor, (1, 0, 1))[1]
    xor.set_learning_rate(0.5)
    assert curve.step == pytest.approx(-0.5 * g, rel=1e-4)
    assert "Adam" in curve.getPlotItem().titleLabel.text  # XOR trains with Adam: the arrow is not its step
    xor.set_optimizer("sgd")
    assert "Adam" not in curve.getPlotItem().titleLabel.text
    assert "SGD's step" in curve.getPlotItem().titleLabel.text


def test_during_run_the_curve_redraws_at_most_ten_times_a_second(curve, xor, monkeypatch):
    from playground.views.pacing import pacer_for

    xor.select_weight(1, 0, 1)
    pacer = pacer_for(xor)
    now = [1000.0]
    monkeypatch.setattr(pacer, "clock", lambda: now[0])  # a fake clock, moved by hand
    monkeypatch.setattr(type(xor), "running", property(lambda s: True))
    start, values = curve.value, []
    for k in range(20):  # twenty snapshots arriving at once, each moving the weight
        xor.network.weights[0][0, 1] = 0.1 * k
        xor.networkChanged.emit()
        values.append(curve.value)
    assert values == [start] * 20  # noted, not drawn on the snapshots' own turns
    pacer.tick()
    assert curve.value == pytest.approx(1.9)  # one redraw, of the newest
    xor.network.weights[0][0, 1] = 2.5
    xor.networkChanged.emit()
    now[0] += 0.09
    pacer.tick()
    assert curve.value == pytest.approx(1.9)  # a tenth of a second has not passed
    now[0] += 0.02
    pacer.tick()
    assert curve.value == pytest.approx(2.5)
    xor.network.weights[0][0, 1] = 2.0
    xor.networkChanged.emit()
    monkeypatch.setattr(type(xor), "running", property(lambda s: False))
    xor.runningChanged.emit(False)  # paused: the last state shows
    assert curve.value == pytest.approx(2.0)
    _check(curve, xor, (1, 0, 1))


def test_it_follows_a_real_run(qtbot, curve, xor):
    xor.select_weight(1, 0, 0)
    start = curve.value
    xor.run()
    try:
        qtbot.waitUntil(lambda: curve.value != start, timeout=10000)  # redrawn from a snapshot
    finally:
        xor.pause()
    qtbot.waitUntil(lambda: not xor.running, timeout=5000)
    _check(curve, xor, (1, 0, 0))


def test_the_main_window_docks_it_beside_the_cost_plot(qtbot):
    from playground.main_window import MainWindow

    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    plot = window.findChild(CostCurve, "costCurve")
    assert plot is window.costCurve
    dock = window.costCurveDock
    assert dock.widget() is plot
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.toggleViewAction() in window.viewMenu.actions()
    assert plot.isVisible() and window.costPlot.isVisible()  # side by side, not tabbed
    assert plot.width() >= 300 and plot.height() >= 120
    assert window.height() <= 720
    window.select_weight(1, 0, None)
    assert plot.parameter == (1, 0, None) and not plot.hint_shown()
    window.session.shutdown()


def test_the_screenshot_flags_select_a_weight_and_turn_the_overlay_on(qapp, tmp_path, capsys):
    from PySide6.QtGui import QImage

    from playground.app import main

    plain, shot = tmp_path / "plain.png", tmp_path / "shot.png"
    assert main(["--screenshot", str(plain), "--preset", "XOR", "--steps", "0"]) == 0
    assert main(["--screenshot", str(shot), "--preset", "XOR", "--steps", "0", "--select-weight", "2,0,b",
                 "--overlay"]) == 0
    a, b = QImage(str(plain)), QImage(str(shot))
    assert a.size() == b.size() and a != b
    assert main(["--screenshot", str(shot), "--select-weight", "1,x"]) == 2
    assert "--select-weight wants LAYER,NEURON,SOURCE" in capsys.readouterr().err


@pytest.mark.parametrize("width", [260, 1000])
def test_a_narrow_plot_shortens_its_words_and_keeps_every_number_whole(qtbot, curve, xor, width):
    # the legend's numbers, the optimiser's note and the weight's name take the longest wording that
    # fits: a narrow dock gets "C = 0.6931", never "cost C = 0.6931 at" cut off after "at"
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    xor.select_weight(1, 0, 1)
    curve.resize(width, 300)
    QApplication.processEvents()
    item = curve.getPlotItem()
    view = item.getViewBox().sceneBoundingRect()
    legend = curve._legend.sceneBoundingRect()
    assert view.left() - 1 <= legend.left() and legend.right() <= view.right() + 1
    texts = [curve._legend.getLabel(curve.item(name)).text for name in ("cost", "tangent", "step")]
    assert f"C = {readable(curve.cost, 4)}" in texts[0]  # the number itself, whole
    assert significant(curve.step, 3 if width == 1000 else 2, sign=True) in texts[2]
    long = texts[0].startswith("cost C =")
    assert long == (width == 1000)
    title = item.titleLabel.item.boundingRect().width()
    assert title <= view.width() + 1
    # the legend's rows sit above the curve's highest point
    top_of_curve = min(item.getViewBox().mapViewToScene(QPointF(x, y)).y()
                       for x, y in zip(*curve.item("cost").getData(), strict=True))
    assert legend.bottom() <= top_of_curve + 1
