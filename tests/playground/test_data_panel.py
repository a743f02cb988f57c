"""The 2-D lab's data controls and feature inputs: Session methods and the dataPanel's widgets."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import features
from engine.datasets import toy
from playground.session import Session
from playground.views.data_panel import DataPanel, feature_button_name
from playground.views.plots.boundary import BoundaryView


@pytest.fixture
def circle(qapp):
    session = Session(preset="Circle")  # 2-4-4-1, tanh, Adam
    yield session
    session.shutdown()


def _panel(qtbot, session) -> DataPanel:
    panel = DataPanel(session)
    qtbot.addWidget(panel)
    return panel


def _same_points(a, b) -> bool:
    return (all(np.array_equal(a.points(split), b.points(split)) for split in ("train", "test"))
            and np.array_equal(a.labels_train, b.labels_train))


def test_noise_ratio_and_regenerate_make_the_set_the_engine_makes(circle):
    weights = circle.network.weights[0].copy()
    circle.set_noise(0.3)
    assert _same_points(circle.dataset, toy.make("circle", noise=0.3, seed=0, train_fraction=0.8))
    circle.set_train_fraction(0.3)
    assert len(circle.dataset.X_train) == 120 and len(circle.dataset.X_test) == 280
    circle.regenerate()
    assert circle.settings.data_seed == 1
    assert _same_points(circle.dataset, toy.make("circle", noise=0.3, seed=1, train_fraction=0.3))
    np.testing.assert_array_equal(circle.network.weights[0], weights)  # the network is kept
    assert circle.trainer.dataset.X_train.shape == (120, 2)  # and it trains on the new points
    circle.set_noise(0.9)  # beyond the control's 50%: clipped
    assert circle.settings.noise == 0.5


def test_data_controls_refuse_data_that_is_not_generated(qtbot, xor):
    before = xor.dataset
    messages = []
    xor.message.connect(messages.append)
    xor.set_noise(0.2)  # the XOR preset's truth-table clouds are not a generated set
    assert xor.dataset is before and "generated" in messages[-1]
    panel = _panel(qtbot, xor)
    assert not panel.noiseSlider.isEnabled() and panel.clearDataButton.isEnabled()


def test_the_sliders_and_checks_drive_the_session(qtbot, circle):
    panel = _panel(qtbot, circle)
    boundary = BoundaryView(circle)
    qtbot.addWidget(boundary)
    panel.noiseSlider.setValue(20)
    assert circle.settings.noise == pytest.approx(0.2) and panel.noiseLabel.text() == "20%"
    panel.ratioSlider.setValue(50)
    assert len(circle.dataset.X_train) == 200
    seed = circle.settings.data_seed
    qtbot.mouseClick(panel.regenerateButton, Qt.MouseButton.LeftButton)
    assert circle.settings.data_seed == seed + 1
    panel.showTestCheck.setChecked(False)
    assert not circle.settings.show_test and not boundary._test.isVisible()
    assert "test point" not in boundary.legend.text()
    panel.discretizeCheck.setChecked(True)
    assert circle.settings.discretize
    assert set(np.unique(boundary.values)) <= {0.0, 1.0}  # two flat colours: class 0 or class 1
    assert len(np.unique(boundary.image.image.reshape(-1, 4), axis=0)) <= 2
    circle.set_discretize(False)
    assert len(np.unique(boundary.values)) > 2 and not panel.discretizeCheck.isChecked()


def test_set_features_feeds_exactly_those_features(circle):
    assert circle.set_features(["x2²", "x1"])
    assert circle.dataset.feature_names == ["x1", "x2²"] and circle.network.sizes[0] == 2
    p = circle.dataset.points("train")
    np.testing.assert_allclose(circle.dataset.X_train, np.column_stack([p[:, 0], p[:, 1] ** 2]), atol=1e-6)
    assert circle.input_labels(0) == ["x1", "x2²"]
    sizes = list(circle.network.sizes)
    assert not circle.set_features(["x3"]) and not circle.set_features([])
    assert circle.network.sizes == sizes and circle.dataset.feature_names == ["x1", "x2²"]


def steps_to_learn(session: Session, names: list[str], target: float = 0.97, limit: int = 2000) -> int:
    """Step (paused, one mini-batch each) until the training points are classified at `target`."""
    session.set_features(names)
    for step in range(1, limit + 1):
        session.step()
        if step % 10 == 0 and session.evaluate("train")[1] >= target:
            return step
    return limit + 1


def test_squares_make_four_inputs_and_the_circle_is_learned_in_fewer_steps(qapp):
    plain, squared = Session(preset="Circle"), Session(preset="Circle")
    try:
        with_squares = steps_to_learn(squared, ["x1", "x2", "x1²", "x2²"])
        assert squared.network.sizes == [4, 4, 4, 1]
        alone = steps_to_learn(plain, ["x1", "x2"])
        assert plain.network.sizes == [2, 4, 4, 1]
        # measured: 30 steps against 150 (the squares make the circle a straight cut)
        assert with_squares <= 60 and alone > 2 * with_squares
    finally:
        plain.shutdown()
        squared.shutdown()


def test_a_click_on_a_feature_toggles_it_and_the_input_layer_follows(qtbot, circle):
    panel = _panel(qtbot, circle)
    assert [n for n, b in panel.featureButtons.items() if b.isChecked()] == ["x1", "x2"]
    button = panel.findChild(type(panel.featureButtons["x1"]), feature_button_name("x1·x2"))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert circle.network.sizes[0] == 3 and circle.dataset.feature_names == ["x1", "x2", "x1·x2"]
    assert button.isChecked()
    qtbot.mouseClick(panel.featureButtons["x1"], Qt.MouseButton.LeftButton)  # off again
    assert circle.network.sizes[0] == 2 and circle.dataset.feature_names == ["x2", "x1·x2"]
    assert not panel.featureButtons["x1"].isChecked()
    # each feature's picture is its value over the plane
    assert all(not b.icon().isNull() for b in panel.featureButtons.values())
    assert list(panel.featureButtons) == list(features.FEATURES)


def test_an_input_neurons_menu_switches_its_feature_off(qtbot, circle):
    from playground.views.network.network_view import NetworkView

    circle.set_features(["x1", "x2", "sin x2"])
    view = NetworkView(circle)
    qtbot.addWidget(view)
    menu = view.context_menu(0, 2)
    action = menu.findChild(type(menu.actions()[0]), "featureOffAction")
    assert "sin x2" in action.text() and action.isEnabled()
    action.trigger()
    assert circle.network.sizes[0] == 2 and circle.active_features() == ["x1", "x2"]
    assert view.context_menu(1, 0).findChild(type(action), "featureOffAction") is None  # hidden neurons


def test_features_follow_into_the_window(qtbot):
    from playground.main_window import MainWindow

    w = MainWindow(preset="Circle", remember=False)
    qtbot.addWidget(w)
    try:
        w.show()
        assert w.dataPanelDock.isVisible() and w.neuronMapsDock.isVisible()
        qtbot.mouseClick(w.dataPanel.featureButtons["x1²"], Qt.MouseButton.LeftButton)
        assert len(w.networkView.layout_.layers[0].centres) == 3
        assert [len(row) for row in w.neuronMaps.tiles][0] == 3
        assert w.networkView._input_labels[2].text().startswith("x1²")
        w.session.set_dataset("digits")
        assert not w.dataPanelDock.isVisible() and not w.neuronMapsDock.isVisible()
    finally:
        w.session.shutdown()
