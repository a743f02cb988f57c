"""The cost plot: fed from the Session's history, bounded however long training goes."""

from __future__ import annotations

import numpy as np
import pytest

from playground.session import MAX_TRAINING_POINTS, Session
from playground.views.cost_plot import CostPlot


@pytest.fixture
def plot(qtbot):
    session = Session(preset="XOR")
    widget = CostPlot(session)
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    return widget, session


def test_object_name_axes_and_legend(plot):
    widget, _ = plot
    assert widget.objectName() == "costPlot"
    item = widget.getPlotItem()
    assert item.getAxis("bottom").labelText == "training step"
    assert item.getAxis("left").labelText == "cost"
    assert "accuracy" in item.getAxis("right").labelText
    names = [label.text for _sample, label in item.legend.items]
    assert names == ["training cost", "test cost (epoch)", "test accuracy (epoch)"]


def test_steps_become_points_with_the_costs_the_trainer_returned(plot):
    widget, session = plot
    assert widget.training_point_count == 0
    costs = [session.step() for _ in range(12)]
    assert widget.training_point_count == 12
    np.testing.assert_allclose(widget.training_costs(), costs)
    x = widget._train.xData
    assert x.tolist() == list(range(1, 13))


def test_epoch_ends_add_test_cost_and_accuracy(plot):
    widget, session = plot
    steps_per_epoch = int(np.ceil(len(session.dataset.X_train) / session.batch_size))
    for _ in range(2 * steps_per_epoch):
        session.step()
    assert widget.test_point_count == 2
    cost, accuracy = session.evaluate("test")
    y = widget._test.yData
    assert y[-1] == pytest.approx(cost, rel=1e-5)
    acc = widget._accuracy.yData
    assert acc[-1] == pytest.approx(100 * accuracy)


def test_points_stay_bounded_however_long_training_goes(plot):
    widget, session = plot
    for k in range(20_000):
        session.history.train.add(k + 1, 1.0 / (k + 1))
    session.historyChanged.emit()
    assert MAX_TRAINING_POINTS // 2 <= widget.training_point_count <= MAX_TRAINING_POINTS
    x, y = widget._train.xData, widget._train.yData
    assert x[0] < 10 and x[-1] > 19_000  # the whole run is still shown, start to end
    assert np.all(np.diff(y) <= 0)  # a falling cost stays falling after merging


def test_reset_clears_the_plot(plot):
    widget, session = plot
    for _ in range(5):
        session.step()
    session.reset()
    assert widget.training_point_count == 0
    assert widget._empty.isVisible()
