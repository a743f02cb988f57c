"""The cost plot: fed from the Session's history, bounded however long training goes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from playground.history import MAX_TRAINING_POINTS
from playground.session import Session
from playground.views.plots.cost_plot import ACCURACY_TOP, STEP_RANGES, CostPlot, nice_ceiling
from playground.views.plots.empty_state import axis_numbers_shown


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
    assert names == ["training cost", "test cost", "test accuracy"]


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


def test_nice_ceiling():
    assert [nice_ceiling(x) for x in (0.7, 1.0, 1.1, 13, 41, 2600, 0.034)] == \
        [pytest.approx(v) for v in (0.8, 1.0, 1.2, 15, 50, 3000, 0.04)]
    assert nice_ceiling(0.0) == 1.0 and nice_ceiling(float("nan")) == 1.0
    assert [nice_ceiling(x, STEP_RANGES) for x in (31.5, 210, 5100)] == [50, 300, 7500]


def _axis_pixels(widget, name):
    """The axis's own strip (its ticks and numbers; not the grid it draws over the data)."""
    axis = widget.getPlotItem().getAxis(name)
    rect = axis.mapRectToScene(QRectF(0, 0, axis.width(), axis.height())).toAlignedRect()
    image = widget.grab().toImage().copy(widget.mapFromScene(rect).boundingRect())
    return np.array([[image.pixel(x, y) for x in range(0, image.width(), 2)]
                     for y in range(0, image.height(), 2)])


def test_the_axes_follow_the_data_in_nice_steps(plot):
    widget, session = plot
    for k in range(30):
        session.history.train.add(k + 1, 2.0 - 0.01 * k)
    session.historyChanged.emit()
    (x0, x1), (y0, y1) = widget.getPlotItem().viewRange()
    assert -1 < x0 <= 0 and y0 == 0
    assert x1 == pytest.approx(50)  # the last step, 30, and a little room: the next nice number
    assert y1 == pytest.approx(2.5)  # a little above the highest cost, 2.0: the next nice number
    bottom = _axis_pixels(widget, "bottom")
    session.history.train.add(31, 1.5)  # inside the range shown: the axes stay as they are
    session.historyChanged.emit()
    assert widget.getPlotItem().viewRange()[0][1] == pytest.approx(50)
    np.testing.assert_array_equal(_axis_pixels(widget, "bottom"), bottom)
    for k in range(31, 200):
        session.history.train.add(k + 1, 1.0)
    session.historyChanged.emit()
    assert widget.getPlotItem().viewRange()[0][1] == pytest.approx(300)
    # the cached picture of the axis was drawn again for its new numbers
    assert not np.array_equal(_axis_pixels(widget, "bottom"), bottom)


def test_during_run_the_plot_redraws_at_most_ten_times_a_second(plot, monkeypatch):
    widget, session = plot
    from playground.views.pacing import pacer_for

    pacer = pacer_for(session)
    now = [1000.0]
    monkeypatch.setattr(pacer, "clock", lambda: now[0])  # a fake clock, moved by hand
    monkeypatch.setattr(type(session), "running", property(lambda s: True))
    for k in range(50):  # fifty snapshots arriving at once
        session.history.train.add(k + 1, 1.0)
        session.historyChanged.emit()
    assert widget.training_point_count == 0  # noted, not drawn on the snapshot's own turn
    pacer.tick()
    assert widget.training_point_count == 50  # one redraw, of the newest
    session.history.train.add(51, 1.0)
    session.historyChanged.emit()
    now[0] += 0.09
    pacer.tick()
    assert widget.training_point_count == 50  # a tenth of a second has not passed
    now[0] += 0.02
    pacer.tick()
    assert widget.training_point_count == 51
    session.history.train.add(52, 1.0)
    session.historyChanged.emit()
    monkeypatch.setattr(type(session), "running", property(lambda s: False))
    session.runningChanged.emit(False)  # paused: everything shows
    assert widget.training_point_count == 52


def shown_plot(qtbot, session, width: int, height: int) -> CostPlot:
    """A cost plot of the session, shown at width × height and laid out."""
    plot = CostPlot(session)
    qtbot.addWidget(plot)
    plot.resize(width, height)
    plot.show()
    qtbot.waitExposed(plot)
    QApplication.processEvents()
    return plot


@pytest.mark.parametrize("width", [200, 260, 900])
def test_the_legend_sits_above_the_data_and_is_never_cut_off(qtbot, xor, width):
    # the legend has a row of its own above the data area, as tall as its entries need: wide, one row;
    # narrow, they wrap, and the data area gives way (so no curve and no 100 % marker is ever under it)
    for _ in range(30):
        xor.step()
    plot = shown_plot(qtbot, xor, width, 240)
    plot.refresh()
    item = plot.getPlotItem()
    legend = plot._legend.sceneBoundingRect()
    view = item.getViewBox().sceneBoundingRect()
    whole = item.sceneBoundingRect()
    assert plot._legend.isVisible()
    assert legend.bottom() <= view.top() + 1  # above the data, never over it
    assert whole.left() - 1 <= legend.left() and legend.right() <= whole.right() + 1
    assert (plot.legend_rows == 1) == (width == 900)
    # the accuracy axis keeps the data area's whole height: 0 % at its bottom, 100 % just under its top
    accuracy = plot._accuracy_view
    box = accuracy.sceneBoundingRect()
    assert box.top() == pytest.approx(view.top(), abs=1)
    assert box.height() == pytest.approx(view.height(), abs=1)
    assert accuracy.viewRange()[1] == pytest.approx([0, ACCURACY_TOP])


def test_an_empty_plot_shows_its_hint_and_no_legend(qtbot, xor):
    # before the first step the legend has nothing to explain: no row is kept for it
    plot = shown_plot(qtbot, xor, 360, 200)
    view = plot.getPlotItem().getViewBox()
    assert plot._empty.isVisible() and not plot._legend.isVisible()
    top_empty = view.sceneBoundingRect().top()
    xor.step()
    plot.refresh()
    QApplication.processEvents()
    assert plot._legend.isVisible() and not plot._empty.isVisible()
    assert view.sceneBoundingRect().top() >= top_empty + plot._legend.boundingRect().height() - 1


@pytest.mark.parametrize("width", [170, 240, 600])
def test_the_empty_plots_hint_fits_inside_it_and_its_axes_show_no_numbers(qtbot, xor, width):
    # a narrow dock wraps the hint instead of cutting it off at both ends; until the first step the
    # axes have nothing to measure, so they carry no numbers
    plot = shown_plot(qtbot, xor, width, 200)
    view = plot.getPlotItem().getViewBox().sceneBoundingRect()
    hint = plot._empty.mapRectToScene(plot._empty.boundingRect())
    assert plot._empty.isVisible()
    assert view.left() <= hint.left() and hint.right() <= view.right()
    assert abs(hint.center().x() - view.center().x()) < 0.02 * view.width()  # centred
    assert not axis_numbers_shown(plot.getPlotItem())
    assert not plot.getPlotItem().getAxis("right").style["showValues"]
    xor.step()
    plot.refresh()
    assert axis_numbers_shown(plot.getPlotItem()) and plot.getPlotItem().getAxis("right").style["showValues"]
