"""The decision boundary: the network's answer over the plane, with the data on top."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from engine.training import Trainer
from playground import theme
from playground.session import Session
from playground.views.plots.boundary import GRID, BoundaryView

QUADRANTS = [(0.5, 0.5), (-0.5, 0.5), (-0.5, -0.5), (0.5, -0.5)]


def _boundary(qtbot, session: Session) -> BoundaryView:
    view = BoundaryView(session)
    qtbot.addWidget(view)
    view.resize(460, 420)
    view.show()
    qtbot.waitExposed(view)
    return view


def _train_xor_to_100_percent(session: Session) -> None:
    """Train a copy with the engine's Trainer until every training point is right, then hand its numbers
    to the session through its public edit methods (as if moved on the sliders)."""
    net = session.network.copy()
    data = session.dataset
    trainer = Trainer(net, data, cost="cross_entropy", optimizer="adam", lr=0.05, batch_size=16, seed=1)
    for _ in range(60):
        for _ in range(50):
            trainer.train_step()
        if np.mean(net.predict(data.X_train) == data.labels_train) == 1.0:
            break
    assert np.mean(net.predict(data.X_train) == data.labels_train) == 1.0
    for l in range(1, len(net.sizes)):
        for i in range(net.sizes[l]):
            for j in range(net.sizes[l - 1]):
                session.set_weight(l, i, j, float(net.weights[l - 1][i, j]))
            session.set_bias(l, i, float(net.biases[l - 1][i]))


def _screen_pixel(view: BoundaryView, x: float, y: float) -> np.ndarray:
    """The colour on screen at data coordinates (x, y)."""
    image = view.plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, : 3 * w]
    pixels = pixels.reshape(h, w, 3)
    vb = view.plot.getPlotItem().getViewBox()
    scene_point = vb.mapViewToScene(QPointF(x, y))
    p = view.plot.mapFromScene(scene_point)
    return pixels[p.y(), p.x()].astype(int)


def test_the_trained_xor_boundary_shows_the_xor_pattern(qtbot, xor):
    view = _boundary(qtbot, xor)
    _train_xor_to_100_percent(xor)
    view.refresh()
    a, b, c, d = (view.value_at(x, y) for x, y in QUADRANTS)
    # opposite quadrants the same class, neighbours different (XOR: class 1 where the signs differ)
    assert (a > 0.5) == (c > 0.5) and (b > 0.5) == (d > 0.5) and (a > 0.5) != (b > 0.5)
    assert b > 0.5 and d > 0.5 and a < 0.5 and c < 0.5
    # the heatmap's values are the network's own outputs on the grid
    grid_x = np.linspace(view.extent[0], view.extent[1], GRID)
    grid_y = np.linspace(view.extent[2], view.extent[3], GRID)
    row, col = 17, 63
    out = xor.network.forward(np.array([[grid_x[col], grid_y[row]]], dtype=np.float32))[0, 0]
    assert view.values[row, col] == pytest.approx(float(out), abs=1e-6)
    # on screen: orange where it answers 1, blue where it answers 0 (sampled between the data clouds'
    # edges so no data point covers the spot)
    for (x, y), value in zip(QUADRANTS, (a, b, c, d), strict=True):
        spot = (x * 1.75, y * 1.75)
        assert (view.value_at(*spot) > 0.5) == (value > 0.5)
        pixel = _screen_pixel(view, *spot)
        np.testing.assert_allclose(pixel, view.rgba_at(*spot)[:3], atol=6)
        if value > 0.5:
            assert pixel[0] > pixel[2]  # warm
        else:
            assert pixel[2] > pixel[0]  # cool


def test_points_are_drawn_train_filled_and_test_outlined(qtbot, xor):
    view = _boundary(qtbot, xor)
    assert len(view._train.data) == len(xor.dataset.X_train)
    assert len(view._test.data) == len(xor.dataset.X_test)
    assert view._test.opts["pen"].color().name() == "#ffffff"
    brushes = {b.color().name() for b in view._train.data["brush"]}
    assert brushes == {theme.NEGATIVE, theme.POSITIVE}
    first = int(xor.dataset.labels_train[0])
    assert view._train.data["brush"][0].color().name() == theme.CLASS_COLORS[first]
    assert "class 0" in view.legend.text() and "test point" in view.legend.text()


def test_a_narrow_dock_wraps_the_legend_between_its_entries(qtbot, xor):
    # QLabel would otherwise keep one line and be cut at the dock's edge ("◯ shown" without "input")
    view = _boundary(qtbot, xor)
    line = view.legend.fontMetrics().height()
    view.resize(230, 300)
    QApplication.processEvents()
    assert view.legend.width() <= view.width()
    assert view.legend.heightForWidth(view.legend.width()) >= 2 * line  # two lines
    view.resize(600, 300)
    QApplication.processEvents()
    assert view.legend.heightForWidth(view.legend.width()) < 2 * line  # one line where it fits
    # never inside an entry: each is kept whole
    assert view.legend.text().count("white-space:nowrap") == len(xor.dataset.classes) + 2


def test_it_follows_the_network_within_the_refresh_interval(qtbot, xor):
    view = _boundary(qtbot, xor)
    before = view.values.copy()
    out = len(xor.network.sizes) - 1
    xor.set_bias(out, 0, 9.0)  # everything becomes class 1
    qtbot.waitUntil(lambda: view.values.min() > 0.5, timeout=1000)
    assert not np.array_equal(before, view.values)
    xor.set_bias(out, 0, -9.0)
    qtbot.waitUntil(lambda: view.values.max() < 0.5, timeout=1000)


def test_non_2d_data_gets_a_clear_note(qtbot, qapp):
    session = Session(preset="3Blue1Brown digits")
    try:
        view = _boundary(qtbot, session)
        assert view.note.isVisible() and not view.plot.isVisible()
        assert "2-D" in view.note.text() and "784" in view.note.text()
        session.set_dataset("xor")  # switching to 2-D data brings the plot back
        assert view.plot.isVisible() and not view.note.isVisible()
        assert view.values is not None and view.values.shape == (GRID, GRID)
    finally:
        session.shutdown()


def test_three_classes_colour_each_region_by_the_winning_class(qtbot, xor, tmp_path):
    rng = np.random.default_rng(0)
    centres = np.array([[-0.6, -0.5], [0.6, -0.5], [0.0, 0.6]])
    rows = ["x1,x2,label"]
    for k, c in enumerate(centres):
        for p in c + rng.normal(0, 0.1, (40, 2)):
            rows.append(f"{p[0]:.4f},{p[1]:.4f},{'abc'[k]}")
    path = tmp_path / "three.csv"
    path.write_text("\n".join(rows) + "\n")
    view = _boundary(qtbot, xor)
    xor.set_dataset(str(path))
    assert xor.network.sizes[-1] == 3 and view.values is not None
    # the values are the network's predicted class on the grid
    grid_x = np.linspace(view.extent[0], view.extent[1], GRID)
    grid_y = np.linspace(view.extent[2], view.extent[3], GRID)
    for row, col in ((5, 5), (50, 80), (90, 40)):
        point = np.array([[grid_x[col], grid_y[row]]], dtype=np.float32)
        assert view.values[row, col] == int(xor.network.predict(point)[0])
    # and each cell takes its class's colour: the hue of the winning class dominates
    for row, col in ((5, 5), (50, 80), (90, 40)):
        k = int(view.values[row, col])
        colour = view.image.image[row, col, :3].astype(float)
        target = np.array(theme.rgb(theme.CLASS_COLORS[k]), dtype=float)
        background = np.array(theme.rgb(theme.BACKGROUND), dtype=float)
        assert np.linalg.norm(colour - target) < np.linalg.norm(background - target)
    assert "class a" in view.legend.text() and "class c" in view.legend.text()
