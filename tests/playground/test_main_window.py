"""The assembled window: object names, Step, the activation switch, docks, remembered settings."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QWidget

from playground.main_window import MainWindow
from playground.presets import DEFAULT_PRESET
from playground.session import Session


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


def test_changing_the_activation_changes_the_view(qtbot):
    w = _window(qtbot, "XOR")
    combo = w.controls.activationCombo
    before = _pixels(w.networkView)
    index = combo.findData("relu")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert w.session.network.activation == "relu"
    qtbot.wait(50)
    assert not np.array_equal(before, _pixels(w.networkView))


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


def test_explain_opens_the_lab_with_the_neuron(qtbot):
    w = _window(qtbot, "XOR")
    w.networkView.explainRequested.emit(1, 0)
    assert w.labDock.isVisible()
    assert not w.labDock.visibleRegion().isEmpty()


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
