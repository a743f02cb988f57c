"""A picture in every neuron: plane_activations, the neuronMaps grid, and hovering a neuron."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication

from playground import plane
from playground.lab2d import GRID
from playground.views.plots import plane_colors
from playground.views.plots.boundary import BoundaryView
from playground.views.plots.neuron_maps import NeuronMaps


def _grid_inputs(session, res):
    points = plane.grid_points(session.plane_extent(), res)
    return points, plane.network_inputs(session.dataset, points)


@pytest.mark.parametrize("names", [["x1", "x2"], ["x1", "x2", "x1²", "x2²", "sin x1"]])
def test_plane_activations_are_the_networks_activations_on_the_grid(xor, names):
    xor.set_features(names)
    res = 17
    points, inputs = _grid_inputs(xor, res)
    if names == ["x1", "x2"]:
        np.testing.assert_array_equal(inputs, points)
    else:  # an independent reference for the features: computed here from the points
        x1, x2 = points[:, 0].astype(float), points[:, 1].astype(float)
        np.testing.assert_allclose(inputs, np.column_stack([x1, x2, x1 * x1, x2 * x2, np.sin(x1)]), atol=1e-6)
    layers = xor.plane_activations(res)
    reference = xor.network.activations(inputs)
    assert len(layers) == len(reference) == len(xor.network.sizes)
    for layer, (mine, theirs) in enumerate(zip(layers, reference, strict=True)):
        assert mine.shape == (xor.network.sizes[layer], res, res)
        # neuron k's map at row i, column j is its output at the grid point i*res + j
        np.testing.assert_allclose(mine.reshape(len(mine), -1).T, theirs, rtol=1e-6, atol=1e-7)
    assert points[res + 2][1] > points[2][1] and points[1][0] > points[0][0]  # rows go up in y


def test_the_boundary_and_the_maps_share_one_forward_pass(qtbot, xor):
    boundary, maps = BoundaryView(xor), NeuronMaps(xor)
    for w in (boundary, maps):
        qtbot.addWidget(w)
    before = xor._plane.passes
    boundary.refresh()
    maps.refresh()
    assert xor._plane.passes == before  # both drew from the pass made when they were built
    xor.set_bias(1, 0, 2.0)  # a new network state: one new pass for both
    boundary.refresh()
    maps.refresh()
    assert xor._plane.passes == before + 1
    out = xor.plane_activations(GRID)[-1][0]
    np.testing.assert_allclose(boundary.values, np.clip(out, 0, 1), atol=1e-7)
    np.testing.assert_array_equal(maps.maps[1][0], xor.plane_activations(GRID)[1][0])


def test_every_input_and_hidden_neuron_has_a_map(qtbot, qapp):
    from playground.session import Session

    session = Session(preset="Circle")  # 2-4-4-1
    try:
        maps = NeuronMaps(session)
        qtbot.addWidget(maps)
        assert [len(row) for row in maps.tiles] == [2, 4, 4]
        assert maps.tiles[1][2].objectName() == "neuronMap1_2" and maps.tiles[1][2].pixmap() is not None
        session.set_features(["x1", "x2", "x1·x2"])
        assert [len(row) for row in maps.tiles] == [3, 4, 4]
        session.set_dataset("digits")
        assert maps.tiles == [] and not maps.note.isHidden()
    finally:
        session.shutdown()


def test_the_maps_change_during_run(qtbot, qapp):
    from playground.session import Session

    session = Session(preset="Spiral")
    try:
        maps = NeuronMaps(session)
        qtbot.addWidget(maps)
        before = [m.copy() for m in maps.maps]
        drawn_before = maps.tiles[1][0].pixmap().toImage()
        session.run()
        qtbot.waitUntil(lambda: session.steps > 50 and not np.allclose(maps.maps[1], before[1], atol=1e-3),
                        timeout=20000)
        assert session.running  # drawn while running, not only after the pause
        session.pause()
        assert maps.tiles[1][0].pixmap().toImage() != drawn_before
        np.testing.assert_array_equal(maps.maps[0], before[0])  # the inputs' maps never change
    finally:
        session.shutdown()


def test_redraws_are_throttled_by_the_clock(qtbot, xor, monkeypatch):
    from playground.views.pacing import pacer_for

    now = [100.0]
    monkeypatch.setattr(pacer_for(xor), "clock", lambda: now[0])  # a fake clock, moved by hand
    maps = NeuronMaps(xor)
    qtbot.addWidget(maps)
    maps.refresh()
    drawn = maps.maps[1].copy()
    xor.set_bias(1, 0, 3.0)
    np.testing.assert_array_equal(maps.maps[1], drawn)  # too soon: waits for the timer
    now[0] += 1.0
    xor.set_bias(1, 0, -3.0)
    assert not np.array_equal(maps.maps[1], drawn)  # the interval has passed: at once


def test_hovering_a_map_shows_it_large_in_the_boundary(qtbot, xor):
    boundary, maps = BoundaryView(xor), NeuronMaps(xor)
    for w in (boundary, maps):
        qtbot.addWidget(w)
    answer = boundary.image.image.copy()
    tile = maps.tiles[1][1]
    QApplication.sendEvent(tile, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    assert xor.hovered == (1, 1)
    own = xor.plane_activations(GRID)[1][1]
    expected = plane_colors.neuron_rgba(own.ravel(), xor.network.activation).reshape(GRID, GRID, 4)
    np.testing.assert_array_equal(boundary.image.image, expected)
    assert "neuron h1_1" in boundary.legend.text()
    QApplication.sendEvent(tile, QEvent(QEvent.Type.Leave))
    assert xor.hovered is None
    np.testing.assert_array_equal(boundary.image.image, answer)


def _move(widget, point) -> None:
    """A mouse move over `widget` (sent, not simulated: the offscreen cursor may already be there)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QMouseEvent

    p = QPointF(point)
    event = QMouseEvent(QEvent.Type.MouseMove, p, widget.mapToGlobal(p), Qt.MouseButton.NoButton,
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def test_hovering_a_neuron_in_the_network_view_shows_its_map(qtbot, xor):
    from PySide6.QtCore import QPoint

    from playground.views.network.network_view import NetworkView

    view = NetworkView(xor)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    boundary = BoundaryView(xor)
    qtbot.addWidget(boundary)
    _move(view.viewport(), view.neuron_center(1, 1).toPoint())
    assert xor.hovered == (1, 1)
    np.testing.assert_array_equal(boundary.neuron_values, xor.plane_activations(GRID)[1][1])
    _move(view.viewport(), QPoint(3, view.viewport().height() // 2))  # empty space
    assert xor.hovered is None


@pytest.mark.parametrize("width", [260, 330, 700])
def test_a_narrow_dock_shrinks_the_maps_so_the_widest_layer_fits(qtbot, width):
    # Spiral's hidden layers have 8 neurons: at 44 px a map, a dock of 1280x720's bottom row scrolled
    from playground.session import Session
    from playground.views.plots.neuron_maps import MIN_TILE, TILE, rgba_pixmap
    from playground.views.plots.plane_colors import neuron_rgba

    session = Session(preset="Spiral")
    try:
        maps = NeuronMaps(session)
        qtbot.addWidget(maps)
        maps.resize(width, 220)
        maps.show()
        qtbot.waitExposed(maps)
        QApplication.processEvents()
        widest = max(maps.tiles, key=len)
        assert len(widest) == 8
        if width == 700:
            assert maps.side == TILE
        else:
            assert MIN_TILE <= maps.side < TILE
            assert widest[-1].geometry().right() <= maps.width()  # the whole row in sight, no scrolling
        tile = maps.tiles[1][3]
        assert tile.pixmap().width() == maps.side  # drawn at its size, from the engine's numbers
        values = session.plane_activations(GRID)[1][3]
        expected = rgba_pixmap(neuron_rgba(values.ravel(), "tanh").reshape(GRID, GRID, 4), maps.side)
        assert tile.pixmap().toImage() == expected.toImage()
    finally:
        session.shutdown()
