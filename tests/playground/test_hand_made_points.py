"""Your own points: a click on the decision boundary adds one, right-click removes one, Clear data empties."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from playground.views.data_panel import DataPanel
from playground.views.plots.boundary import BoundaryView
from tests.playground.test_boundary import _boundary


def _pixel(view: BoundaryView, x: float, y: float) -> QPoint:
    """The plot widget's pixel showing data coordinates (x, y)."""
    vb = view.plot.getPlotItem().getViewBox()
    return view.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def _pixel_size(view: BoundaryView) -> float:
    """Data units per screen pixel (the larger of the two axes)."""
    vb = view.plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    return max((x1 - x0) / vb.width(), (y1 - y0) / vb.height())


def _click(qtbot, view, x, y, button=Qt.MouseButton.LeftButton, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(view.plot.viewport(), button, modifier, _pixel(view, x, y))


@pytest.mark.parametrize("modifier, expected", [(Qt.KeyboardModifier.NoModifier, 0),
                                                (Qt.KeyboardModifier.ShiftModifier, 1)])
def test_a_click_adds_exactly_one_point_there_of_the_chosen_class(qtbot, xor, modifier, expected):
    view = _boundary(qtbot, xor)
    panel = DataPanel(xor)
    qtbot.addWidget(panel)
    panel.pointClass.setCurrentIndex(panel.pointClass.findData(0))
    panel.pointClass.activated.emit(panel.pointClass.currentIndex())
    assert xor.point_class == 0
    train, test = xor.dataset.points("train").copy(), xor.dataset.points("test").copy()
    _click(qtbot, view, 0.31, -0.42, modifier=modifier)
    d = xor.dataset
    assert len(d.X_train) == len(train) + 1 and np.array_equal(d.points("test"), test)
    np.testing.assert_array_equal(d.points("train")[:-1], train)
    added = d.points("train")[-1]
    assert np.all(np.abs(added - [0.31, -0.42]) <= _pixel_size(view))  # within a pixel
    assert d.labels_train[-1] == expected  # Shift-click: the other class
    assert len(view._train.data) == len(train) + 1  # the boundary shows it at once
    assert xor.trainer.dataset.X_train.shape[0] == len(train) + 1  # and the next step learns it
    assert xor.user_data == "hand-made"


def test_right_click_removes_the_nearest_point(qtbot, xor):
    view = _boundary(qtbot, xor)
    target = xor.dataset.points("train")[5].copy()
    n = len(xor.dataset.X_train) + len(xor.dataset.X_test)
    _click(qtbot, view, float(target[0]) + 0.004, float(target[1]), Qt.MouseButton.RightButton)
    everything = np.concatenate([xor.dataset.points("train"), xor.dataset.points("test")])
    assert len(everything) == n - 1 and not any(np.array_equal(p, target) for p in everything)


def test_clear_data_then_click_a_set_in_by_hand(qtbot, xor):
    view = _boundary(qtbot, xor)
    panel = DataPanel(xor)
    qtbot.addWidget(panel)
    qtbot.mouseClick(panel.clearDataButton, Qt.MouseButton.LeftButton)
    assert len(xor.dataset.X_train) == len(xor.dataset.X_test) == 0
    assert len(view._train.data) == 0 and xor.trainer is None
    assert "measure the training points" in panel.note.text()
    assert xor.step() is None  # nothing to train on: a message, not a crash
    xor.run()
    assert not xor.running
    for k, (x, y) in enumerate([(-0.5, -0.5), (0.5, 0.5), (-0.5, 0.5), (0.5, -0.5)]):
        xor.set_point_class(1 if k >= 2 else 0)
        _click(qtbot, view, x, y)
    assert xor.dataset.labels_train.tolist() == [0, 0, 1, 1] and len(view._train.data) == 4
    cost = xor.step()
    assert cost is not None and np.isfinite(cost) and xor.steps == 1
    from playground.views.sample_browser import SampleBrowser

    browser = SampleBrowser(xor)
    qtbot.addWidget(browser)
    browser.move(+1)  # no test samples: a message, not a division by zero
    assert xor.input_label is None
    assert np.isfinite(xor.evaluate("train")[0]) and np.isnan(xor.evaluate("test")[0])


def test_points_added_during_run_are_learned_without_pausing(qtbot, xor):
    xor.run()
    try:
        xor.add_point(0.9, 0.9, 1)
        assert xor.running and xor.trainer.dataset.points("train")[-1].tolist() == pytest.approx([0.9, 0.9])
    finally:
        xor.pause()


def test_points_on_features_and_in_three_classes(qtbot, qapp):
    from playground.session import Session

    s = Session(preset="XOR")
    try:
        s.set_features(["x1", "x2", "x1·x2"])
        s.add_point(0.5, -0.5, 1)
        assert s.dataset.X_train[-1].tolist() == pytest.approx([0.5, -0.5, -0.25])
        s.set_dataset("spiral3")
        s.clear_data()
        assert s.network.sizes[-1] == 3
        for k in range(3):
            s.set_point_class(k)
            s.add_point(0.1 * k, 0.0, s.point_label())
        assert s.dataset.labels_train.tolist() == [0, 1, 2]
        s.set_point_class(2)
        assert s.point_label(other=True) == 0.0  # Shift: the next class, round the three
    finally:
        s.shutdown()
