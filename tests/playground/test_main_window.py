"""The assembled window: object names, Step, the activation switch, docks, remembered settings."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QScrollBar,
    QSlider,
    QToolBar,
    QWidget,
)

from engine.network import Network
from playground import theme
from playground.main_window import LAB_READABLE, LAB_SIZE, LAYOUT_VERSION, MainWindow, settings
from playground.presets import DEFAULT_PRESET
from playground.session import Session
from playground.views.lab.graph_view import LEGIBLE_ZOOM


def _window(qtbot, preset: str | None = None) -> MainWindow:
    w = MainWindow() if preset is None else MainWindow(session=Session(preset=preset), remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _pixels(widget: QWidget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return data.copy()


def test_window_builds_with_no_arguments_and_has_the_named_objects(qtbot):
    w = _window(qtbot)
    assert w.session.preset_name == DEFAULT_PRESET
    for name in ("networkView", "costPlot", "activationCombo", "learningRate", "digitCanvas",
                 "predictionChart", "graphView", "biasSlider"):
        assert w.findChild(QWidget, name) is not None, name
    assert w.findChild(QComboBox, "activationCombo") is w.controls.activationCombo
    assert isinstance(w.findChild(QDoubleSpinBox, "learningRate"), QDoubleSpinBox)
    assert w.stepAction.objectName() == "stepAction"
    assert w.runAction.isCheckable() and w.runAction.objectName() == "runAction"
    assert w.resetAction.objectName() == "resetAction"
    assert [s.toString() for s in w.stepAction.shortcuts()] == ["S", "Right"]
    assert w.resetAction.shortcut().toString() == "R"
    assert w.width() >= 1200 and w.height() >= 780


def test_thirty_steps_add_thirty_points_lower_the_cost_and_repaint_the_network(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")
    session = w.session
    before_cost = session.evaluate("train")[0]
    before = _pixels(w.networkView)
    assert w.costPlot.training_point_count == 0
    for _ in range(30):
        w.stepAction.trigger()
    assert w.costPlot.training_point_count == 30
    costs = w.costPlot.training_costs()
    assert session.evaluate("train")[0] < before_cost
    assert costs[-5:].mean() < costs[:5].mean()
    assert w.counterLabel.text().startswith("step 30 ")
    after = _pixels(w.networkView)
    assert before.shape == after.shape and not np.array_equal(before, after)


def test_the_step_shortcut_steps(qtbot):
    w = _window(qtbot, "XOR")
    with qtbot.waitActive(w):
        w.activateWindow()
    qtbot.keyClick(w.networkView, Qt.Key.Key_S)
    qtbot.keyClick(w.networkView, Qt.Key.Key_Right)
    assert w.session.steps == 2


def _neuron_pixels_match_the_engine(view, session: Session) -> None:
    """Every hidden and output neuron's centre pixel has the theme's colour for the activation a fresh
    engine Network (same numbers, same activation functions) computes for the shown input."""
    net = session.network
    ref = Network(list(net.sizes), activation=net.activation, output=net.output, seed=99,
                  dtype=net.weights[0].dtype)
    ref.copy_parameters_from(net)
    acts = [np.asarray(a, dtype=float) for a in ref.activations(session.input[None])]
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    pixels = data[:, : 3 * image.width()].reshape(image.height(), image.width(), 3)
    for layer in range(1, len(net.sizes)):
        name = ref.layer_activation(layer)
        layers = [k for k in range(1, len(acts)) if ref.layer_activation(k) == name]  # one shared scale
        same = np.concatenate([acts[k].ravel() for k in layers])
        expected = theme.colorize(*theme.activation_scale(name, same), acts[layer][0])[:, :3].astype(int)
        for i in range(net.sizes[layer]):
            centre = view.neuron_center(layer, i)
            got = pixels[int(round(centre.y())), int(round(centre.x()))].astype(int)
            np.testing.assert_allclose(got, expected[i], atol=3, err_msg=f"{name} neuron {layer},{i}")


def test_changing_the_activation_recolours_the_neurons_as_the_engine_computes(qtbot):
    w = _window(qtbot, "XOR")
    combo = w.controls.activationCombo
    _neuron_pixels_match_the_engine(w.networkView, w.session)
    before = [a.copy() for a in w.session.activations()]
    index = combo.findData("relu")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert w.session.network.activation == "relu"
    qtbot.wait(50)
    assert not np.allclose(before[1], w.session.activations()[1])  # the switch changed the numbers ...
    _neuron_pixels_match_the_engine(w.networkView, w.session)  # ... and the colours followed them


def test_reset_restores_the_starting_weights(qtbot):
    w = _window(qtbot, "XOR")
    start = [x.copy() for x in w.session.network.weights]
    for _ in range(5):
        w.stepAction.trigger()
    w.resetAction.trigger()
    for a, b in zip(w.session.network.weights, start, strict=True):
        np.testing.assert_array_equal(a, b)
    assert w.costPlot.training_point_count == 0


def test_select_neuron_selects_like_a_click(qtbot):
    w = _window(qtbot, "XOR")
    w.select_neuron(1, 1)
    assert w.session.selected == (1, 1)
    assert w.inspectorDock.isVisible()


def test_select_weight_selects_like_a_click_on_its_line(qtbot):
    w = _window(qtbot, "XOR")
    s, view = w.session, w.networkView
    # a click on the line of weights[1][0, 1] (hidden neuron 1 -> the output)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.edge_midpoint(2, 0, 1).toPoint())
    clicked = (s.parameter, s.selected, [name.selected for name, _ in w.inspector._rows])
    assert clicked == ((2, 0, 1), (2, 0), [False, True])
    s.select_neuron(-1, -1)
    assert s.parameter is None and not any(name.selected for name, _ in w.inspector._rows)
    w.digitsDock.raise_()
    w.select_weight(2, 0, 1)
    assert (s.parameter, s.selected, [name.selected for name, _ in w.inspector._rows]) == clicked
    assert s.parameter_value() == float(s.network.weights[1][0, 1])
    assert _in_front(w.inspectorDock)  # its sliders come to the front, as for a click
    assert view._weight_line.isVisible() and not view._bias_ring.isVisible()
    w.select_weight(1, 1, None)  # the bias of hidden neuron 1
    assert s.parameter == (1, 1, None) and s.selected == (1, 1)
    assert w.inspector.biasName.selected and not any(name.selected for name, _ in w.inspector._rows)
    assert view._bias_ring.isVisible() and not view._weight_line.isVisible()
    w.select_weight(1, 1, 7)  # XOR has no input 7: nothing changes
    assert s.parameter == (1, 1, None)


def test_select_weight_brings_the_sliders_in_front_of_the_digit_pad(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")
    w.select_neuron(2, 5)
    w.digitsDock.raise_()  # the user went back to drawing; the same neuron stays selected
    assert not _in_front(w.inspectorDock)
    w.select_weight(2, 5, 9)  # its neuron was already selected: no selectionChanged, still to the front
    assert w.session.parameter == (2, 5, 9) and _in_front(w.inspectorDock)
    assert [k for k, (name, _) in enumerate(w.inspector._rows) if name.selected] == [9]
    # the same with a click on one of the neuron's lines in the network view
    w.digitsDock.raise_()
    view = w.networkView
    fan = view._selected_edges  # the selected neuron's highlighted lines, drawn on top
    k = int(np.argmax(np.abs(fan.weights)))
    point = QPointF(*((fan.starts[k] + fan.ends[k]) / 2))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(point))
    assert w.session.parameter == (2, 5, int(fan.sources[k])) and _in_front(w.inspectorDock)


def test_the_lab_follows_a_selection_and_frames_the_selected_parameter(qtbot):
    w = _window(qtbot, "XOR")
    s, view, lab = w.session, w.networkView, w.lab
    w.explain_neuron(1, 0)
    _lab_shown(qtbot, w)
    assert "Neuron 0 of hidden layer 1" in lab.title.text() and lab.graphView.marked is None
    # a click on another neuron in the network view: the lab explains that one
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.neuron_center(1, 1).toPoint())
    assert s.selected == (1, 1)
    assert "Neuron 1 of hidden layer 1" in lab.title.text()
    assert lab.output == pytest.approx(float(s.activations()[1][1]), abs=1e-6)
    # a weight selected in the window: the lab frames that weight's box, with its value
    w.select_weight(2, 0, 1)
    assert "Neuron 0 of the output" in lab.title.text()
    marked = lab.graphView.marked
    assert marked is not None and marked.data == pytest.approx(float(s.network.weights[1][0, 1]))
    assert marked is lab.expression.weights[lab.expression.shown_inputs.index(1)]
    w.select_weight(2, 0, None)
    assert lab.graphView.marked is lab.expression.named["b"]
    # the lab showing its own example does not jump to the network's selection
    lab.show_preset("seed")
    w.select_neuron(1, 0)
    assert lab.preset == "seed"


def _in_front(dock) -> bool:
    """Shown and not behind another dock's tab (Qt moves those out of sight, still "visible")."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def _lab_shown(qtbot, w: MainWindow) -> None:
    qtbot.waitExposed(w.labDock)  # floating: a window of its own
    assert w.labDock.isVisible() and w.labDock.isWindow()


def test_explain_opens_the_lab_big_enough_to_read_with_the_neuron(qtbot):
    w = _window(qtbot, "XOR")
    assert w.labDock.isHidden()
    w.networkView.explainRequested.emit(1, 0)
    _lab_shown(qtbot, w)
    assert w.labDock.isFloating()
    assert w.labDock.width() >= LAB_READABLE[0] and w.labDock.height() >= LAB_READABLE[1]
    assert w.lab.preset == "explained" and "Neuron 0 of hidden layer 1" in w.lab.title.text()
    assert w.lab.output == pytest.approx(float(w.session.activations()[1][0]), abs=1e-6)
    view = w.lab.graphView
    assert view.whole_graph_visible() and view.no_overlaps()
    assert view.transform().m11() >= LEGIBLE_ZOOM


def test_the_explained_neuron_stays_live_as_the_network_changes(qtbot):
    """After Backward, a bias moved in the network (or a training step, or another input) redoes the lab's
    forward and backward: its output is the neuron's new activation, its grads the new ∂a/∂w = f'(z)·x."""
    w = _window(qtbot, "XOR")
    s = w.session
    w.explain_neuron(1, 0)
    _lab_shown(qtbot, w)
    w.lab.backward(animated=False)

    def lab_matches_network() -> bool:
        a = float(s.activations()[1][0])
        slope = 1.0 - a * a  # tanh'
        x = s.activations()[0]
        grads_ok = all(abs(v.grad - slope * float(x[k])) < 1e-6
                       for v, k in zip(w.lab.expression.weights, w.lab.expression.shown_inputs, strict=True))
        return abs(w.lab.output - a) < 1e-6 and grads_ok

    assert lab_matches_network()
    before = w.lab.output
    s.set_bias(1, 0, float(s.network.biases[0][0]) - 1.5)
    qtbot.waitUntil(lambda: abs(w.lab.output - before) > 0.01)
    assert lab_matches_network()
    s.show_sample(3)  # another input
    qtbot.waitUntil(lambda: abs(w.lab.output - float(s.activations()[1][0])) < 1e-6)
    assert lab_matches_network()
    for _ in range(5):
        s.step()
    qtbot.waitUntil(lambda: abs(w.lab.output - float(s.activations()[1][0])) < 1e-6)
    assert lab_matches_network()


def test_the_seed_neuron_is_legible_at_the_labs_default_size(qtbot):
    w = _window(qtbot, "XOR")
    w.labAction.trigger()  # the toolbar's "Neuron lab"
    _lab_shown(qtbot, w)
    assert w.lab.preset == "seed"
    assert (w.labDock.width(), w.labDock.height()) == LAB_SIZE  # the window is 1280x800: room for it
    view = w.lab.graphView
    assert view.no_overlaps() and view.whole_graph_visible()
    assert view.transform().m11() >= 0.9  # boxes' 10 pt text at 9 pt or more
    scroll = w.labDock.widget()
    assert not scroll.verticalScrollBar().isVisible() and not scroll.horizontalScrollBar().isVisible()


def test_explain_floats_a_lab_docked_too_small_to_read(qtbot):
    w = _window(qtbot, "XOR")
    w.labDock.setFloating(False)  # docked back beside the cost plot, in the short bottom row
    w.labDock.show()
    w.labDock.raise_()
    qtbot.waitUntil(lambda: w.labDock.isVisible() and w.labDock.height() < LAB_READABLE[1])
    w.inspector.explainRequested.emit(1, 1)
    _lab_shown(qtbot, w)
    assert w.labDock.isFloating() and w.labDock.height() >= LAB_READABLE[1]


@pytest.mark.parametrize("preset", ["XOR", "3Blue1Brown digits"])
def test_a_docked_lab_does_not_stop_the_window_fitting_1280x720(qtbot, preset):
    w = _window(qtbot, preset)
    w.labDock.setFloating(False)
    w.labDock.show()
    hint = w.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    w.resize(1280, 720)
    qtbot.waitUntil(lambda: w.height() == 720)
    assert w.width() == 1280


def test_a_new_preset_sends_the_lab_back_to_the_seed_neuron(qtbot):
    w = _window(qtbot, "XOR")
    w.explain_neuron(1, 0)
    assert w.lab.preset == "explained"
    w.session.apply_preset("Circle")  # the explained neuron's network is gone
    assert w.lab.preset == "seed"
    assert w.lab.presetCombo.findData("explained") < 0


@pytest.mark.parametrize("size", [(1400, 900), (1280, 800), (1920, 1080)])
def test_the_network_view_gets_most_of_the_height(qtbot, size):
    w = MainWindow(session=Session(preset="XOR"), remember=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.costDock.height() < 0.32 * size[1])  # shared once the window has its size
    assert w.size().toTuple() == size
    assert w.costDock.height() > 0.22 * size[1]
    assert w.networkView.height() > 0.5 * size[1]
    # 2-D data: the decision boundary about square under the inspector
    boundary = w.boundary.plot
    assert 0.75 < boundary.height() / boundary.width() < 1.25


def test_switching_between_digits_and_2d_data_keeps_the_window_size(qtbot):
    w = _window(qtbot, "Accurate digits")
    w.resize(1280, 800)
    qtbot.waitUntil(lambda: w.size().toTuple() == (1280, 800))
    for preset in ("XOR", "3Blue1Brown digits", "Spiral"):
        w.session.apply_preset(preset)
        qtbot.wait(20)
        assert w.size().toTuple() == (1280, 800), preset
        digits = "digits" in preset
        assert w.digitsDock.isVisible() == digits and w.boundaryDock.isVisible() == (not digits)


def test_a_click_on_a_neuron_brings_the_inspector_in_front_of_the_digit_pad(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")
    assert _in_front(w.digitsDock) and not _in_front(w.inspectorDock)  # tabbed: the pad in front
    w.session.select_neuron(2, 3)  # what a click on the neuron does
    qtbot.waitUntil(lambda: _in_front(w.inspectorDock))
    assert not _in_front(w.digitsDock)
    assert w.findChild(QSlider, "weightSlider15").isVisible()
    w.resetAction.trigger()  # the same neuron stays selected: its sliders stay in front
    qtbot.wait(20)
    assert _in_front(w.inspectorDock) and not _in_front(w.digitsDock)
    w.session.select_neuron(-1, -1)  # nothing selected (Escape): after a Reset the pad comes back
    w.resetAction.trigger()
    qtbot.waitUntil(lambda: _in_front(w.digitsDock))


def test_the_presets_menu_marks_the_preset_in_use(qtbot):
    w = _window(qtbot, "XOR")
    checked = [a.text() for a in w.presetActions.actions() if a.isChecked()]
    assert checked == ["XOR"]
    w.session.apply_preset("Spiral")
    assert [a.text() for a in w.presetActions.actions() if a.isChecked()] == ["Spiral"]
    w.session.set_hidden([5, 5])  # now a custom setup
    assert w.session.preset_name == ""
    assert not any(a.isChecked() for a in w.presetActions.actions())
    assert "<p>" in w.presetActions.actions()[0].toolTip()  # rich text: Qt wraps it into lines


def test_docks_follow_the_dataset(qtbot):
    w = _window(qtbot, "XOR")
    assert w.boundaryDock.isVisible()
    w.session.apply_preset("3Blue1Brown digits")
    assert not w.boundaryDock.isVisible()
    assert w.digitsDock.isVisible()


def test_sample_browser_moves_through_test_samples(qtbot):
    w = _window(qtbot, "XOR")
    session = w.session
    qtbot.mouseClick(w.sampleBrowser.nextButton, Qt.MouseButton.LeftButton)
    assert session.sample_index == 1
    np.testing.assert_array_equal(session.input, session.dataset.X_test[1])
    w.sampleBrowser.wrongOnly.setChecked(True)
    wrong = np.flatnonzero(session.network.predict(session.dataset.X_test) != session.dataset.labels_test)
    if len(wrong):
        assert session.sample_index in wrong.tolist()
        qtbot.mouseClick(w.sampleBrowser.nextButton, Qt.MouseButton.LeftButton)
        assert session.sample_index in wrong.tolist()


def test_every_control_explains_itself(qtbot):
    w = _window(qtbot, "XOR")
    c = w.controls
    for widget in (c.presetCombo, c.datasetCombo, c.activationCombo, c.outputCombo, c.costCombo,
                   c.optimizerCombo, c.learningRate, c.batchSize, c.epochsSpin, c.seedSpin,
                   c.architecture.addButton):
        assert len(widget.toolTip()) > 20, widget.objectName()
    assert "bias" in c.activationCombo.toolTip()
    assert "squish" in c.activationCombo.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert "step" in w.stepAction.toolTip()


def test_controls_drive_the_session(qtbot):
    w = _window(qtbot, "XOR")
    c = w.controls
    qtbot.mouseClick(c.architecture.addButton, Qt.MouseButton.LeftButton)
    assert w.session.network.sizes == [2, 2, 2, 1]
    qtbot.mouseClick(c.findChild(QWidget, "addNeuron0"), Qt.MouseButton.LeftButton)
    assert w.session.network.sizes == [2, 3, 2, 1]
    qtbot.mouseClick(c.findChild(QWidget, "removeLayer1"), Qt.MouseButton.LeftButton)
    assert w.session.network.sizes == [2, 3, 1]
    c.learningRate.setValue(0.2)
    assert w.session.learning_rate == pytest.approx(0.2)
    assert c.presetCombo.currentText() == "(custom)"
    w.session.apply_preset("Circle")
    assert c.presetCombo.currentText() == "Circle"
    assert c.shapeLabel.text() == "2 – 4 – 4 – 1"


INTERACTIVE = (QAbstractButton, QAbstractSlider, QComboBox, QAbstractSpinBox, QLineEdit)


def _without_tooltips(root: QWidget) -> list[str]:
    """Every interactive control under root whose tooltip is missing or too short to explain anything."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar):
            continue
        if isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
            continue  # a spin box's own text field: the spin box carries the tooltip
        if len(widget.toolTip().strip()) < 20:
            name = widget.objectName() or getattr(widget, "text", lambda: "")()
            missing.append(f"{root.objectName()}: {type(widget).__name__} {name!r}")
    return missing


@pytest.mark.parametrize("preset", ["XOR", "3Blue1Brown digits"])
def test_every_interactive_control_has_a_tooltip_that_explains_it(qtbot, preset):
    w = _window(qtbot, preset)
    w.select_neuron(1, 0)  # the inspector's sliders exist once a neuron is selected
    assert len(w.inspector.weight_sliders()) == w.session.network.sizes[0]
    w.show_lab()
    missing = []
    for root in (w.controls, w.inspector, w.lab, w.sampleBrowser):
        missing += _without_tooltips(root)
    for action in w.findChild(QToolBar, "trainingToolbar").actions():
        if action.isSeparator() or w.findChild(QToolBar, "trainingToolbar").widgetForAction(action) in (
                w.counterLabel, w.progressBar):
            continue
        if action.toolTip() == action.text() or len(action.toolTip()) < 20:  # Qt's default: the text
            missing.append(f"toolbar: {action.text()!r}")
    for widget in (w.counterLabel, w.progressBar):
        if len(widget.toolTip()) < 20:
            missing.append(f"toolbar: {widget.objectName()}")
    assert not missing, "controls without a tooltip that explains them:\n" + "\n".join(missing)


def test_the_tooltip_walk_finds_a_control_without_one(qtbot):
    w = _window(qtbot, "XOR")
    w.controls.seedSpin.setToolTip("")
    assert _without_tooltips(w.controls) == ["controls: QSpinBox 'seedSpin'"]


def test_layout_and_last_preset_are_remembered(qtbot):
    w = _window(qtbot)
    w.session.apply_preset("XOR")
    w.costDock.hide()
    w.close()
    store = QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "NeuralNetworkPlayground",
                      "Neural Network Playground")
    assert store.value("session/preset") == "XOR"
    assert bytes(store.value("window/geometry")) == bytes(w.saveGeometry())
    again = _window(qtbot)
    assert again.session.preset_name == "XOR"
    assert not again.costDock.isVisible()
    assert again.controlsDock.isVisible()


def test_a_layout_saved_by_an_older_version_is_ignored(qtbot):
    w = _window(qtbot, "XOR")
    w.resizeDocks([w.costDock], [600], Qt.Orientation.Vertical)  # an old layout: a tall cost plot
    store = settings()
    store.setValue("window/state", w.saveState(LAYOUT_VERSION - 1))
    store.setValue("window/geometry", w.saveGeometry())
    store.sync()
    w.close()
    again = _window(qtbot)
    qtbot.waitUntil(lambda: again.costDock.height() < 0.32 * again.height())  # the default shares
    assert again.networkView.height() > 0.5 * again.height()
    assert again.labDock.isHidden() and again.labDock.isFloating()


def test_the_current_layout_is_restored(qtbot):
    w = _window(qtbot)
    w.close()  # saves the default layout
    again = _window(qtbot)
    again.resizeDocks([again.costDock], [300], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: abs(again.costDock.height() - 300) < 10)
    again.close()
    third = _window(qtbot)
    qtbot.wait(50)
    assert abs(third.costDock.height() - 300) < 10  # the user's size, not the default share


def test_the_sample_verdict_shortens_itself_rather_than_being_cut(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")
    verdict = w.findChild(QWidget, "sampleVerdict")
    w.resize(1800, 900)
    qtbot.waitUntil(lambda: verdict.text().startswith("label") and "(" in verdict.text())
    w.resize(1200, 800)
    qtbot.waitUntil(lambda: "(" not in verdict.text())  # the same words without the output value
    assert verdict.text().startswith("label") and "says" in verdict.text()
    assert verdict.sizeHint().width() <= verdict.width()


def test_a_drawn_digit_is_the_input_the_network_view_shows(qtbot):
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    w = _window(qtbot)  # the shipped digits model
    canvas = w.findChild(QWidget, "digitCanvas")
    view = w.networkView
    w.digitsDock.raise_()
    qtbot.waitUntil(canvas.isVisible)

    def grid_pixel(index: int) -> np.ndarray:
        image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
        data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
        p = view.neuron_center(0, index)
        x, y = int(round(p.x())), int(round(p.y()))
        return data[y, 3 * x: 3 * x + 3].astype(int)

    def output_pixels() -> list[np.ndarray]:
        image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
        data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
        out = len(w.session.network.sizes) - 1
        return [data[int(view.neuron_center(out, i).y()), 3 * int(view.neuron_center(out, i).x()):][:3]
                .astype(int) for i in range(10)]

    shown_before = w.session.input.copy()  # a test digit
    grid_before = {i: grid_pixel(i) for i in range(784) if shown_before[i] == 0}
    before = output_pixels()

    side = canvas.width()
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(side // 2, side // 6))
    for k in range(1, 21):
        QTest.mouseMove(canvas, QPoint(side // 2, side // 6 + k * (4 * side // 6) // 20))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(side // 2, 5 * side // 6))
    qtbot.waitUntil(lambda: w.session.input_label is None)  # the drawing replaced the test digit
    qtbot.wait(100)  # the view repaints on its next frame
    # the stroke is now the network's input: pixels the test digit left blank and the stroke inks light
    # up in the grid; the corner stays dark
    inked = [i for i in grid_before if w.session.input[i] > 0.8]
    assert len(inked) >= 5
    for i in inked:
        assert grid_before[i].sum() < 100 and grid_pixel(i).sum() > 600, f"input pixel {i}"
    assert grid_pixel(0).sum() < 100
    # and the output neurons follow: a vertical bar is a "1", and its neuron is the brightest
    after = output_pixels()
    assert int(np.argmax(w.session.prediction())) == 1
    assert max(range(10), key=lambda i: after[i].sum()) == 1
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_the_step_counter_keeps_its_width_as_the_epochs_grow(qtbot):
    from playground.main_window import counter_text

    assert counter_text(30, 0.375) == "step 30 · epoch 0.38"
    assert counter_text(1_234, 12.34) == "step 1,234 · epoch 12.3"
    assert counter_text(4_000, 400.0) == "step 4,000 · epoch 400"  # not "400.00", cut off in the toolbar
    w = _window(qtbot, "Spiral")
    for _ in range(40):
        w.session.step()
    assert w.counterLabel.text() == counter_text(w.session.steps, w.session.epoch_progress)
