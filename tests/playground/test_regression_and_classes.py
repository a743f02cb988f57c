"""Regression (a linear output, MSE, a diverging heatmap) and three classes (softmax, three colours)."""

from __future__ import annotations

import numpy as np
import pytest

from playground import theme
from playground.lab2d import GRID
from playground.number_format import readable
from playground.session import Session
from playground.views.plots import plane_colors
from playground.views.plots.boundary import BoundaryView


@pytest.fixture
def circle(qapp):
    session = Session(preset="Circle")  # 2-4-4-1, tanh, Adam at 0.03, batches of 16
    yield session
    session.shutdown()


def test_a_regression_set_gets_a_linear_output_and_mse(circle):
    circle.set_dataset("reg-plane")
    assert circle.network.output == "linear" and circle.cost_name == "mse"
    assert circle.dataset.task == "regression" and circle.network.sizes == [2, 4, 4, 1]
    circle.set_dataset("circle")  # back to classes: a sigmoid and cross-entropy again
    assert circle.network.output == "sigmoid" and circle.cost_name == "cross_entropy"


def test_reg_plane_trains_to_a_small_test_mse(circle):
    circle.set_dataset("reg-plane")
    before, _ = circle.evaluate("test")
    for _ in range(400):
        circle.step()
    mse, right_side = circle.evaluate("test")
    d = circle.dataset
    # an independent reference: Σ(a − y)² / n on the test split, from the network's own outputs
    reference = float(np.mean(np.sum((circle.network.forward(d.X_test) - d.Y_test) ** 2, axis=1)))
    assert mse == pytest.approx(reference, rel=1e-5)
    assert before > 0.3 and mse < 0.01  # measured: 0.67 before, 0.0025 after 400 steps
    assert right_side > 0.95  # the sign of the prediction is the sign of the target


def test_the_prediction_is_a_diverging_heatmap(qtbot, circle):
    circle.set_dataset("reg-plane")
    for _ in range(400):
        circle.step()
    view = BoundaryView(circle)
    qtbot.addWidget(view)
    view.refresh()
    out = circle.plane_activations(GRID)[-1][0]
    np.testing.assert_allclose(view.values, out, atol=1e-7)  # the prediction itself, not clipped to 0..1
    assert view.values.min() < -0.8 and view.values.max() > 0.8
    expected = plane_colors.regression_rgba(out.ravel()).reshape(GRID, GRID, 4)
    np.testing.assert_array_equal(view.image.image, expected)
    low, high = view.rgba_at(-0.8, -0.8), view.rgba_at(0.8, 0.8)  # plane 0.6(x1 + x2): −0.96 and 0.96
    assert low[2] > low[0] and high[0] > high[2]  # blue below zero, orange above
    zero = view.rgba_at(0.5, -0.5)
    assert np.abs(zero[:3].astype(int) - plane_colors.regression_rgba(np.array([0.0]))[0, :3]).max() < 25
    assert "predicted" in view.legend.text()


def test_three_spirals_train_past_90_percent_with_a_three_colour_boundary(qtbot, qapp):
    session = Session(preset="Spiral")  # 2-8-8-1, tanh, Adam at 0.03
    try:
        session.set_dataset("spiral3")
        assert session.network.sizes == [2, 8, 8, 3]
        assert session.network.output == "softmax" and session.cost_name == "cross_entropy"
        for _ in range(2000):
            session.step()
        _, accuracy = session.evaluate("test")
        d = session.dataset
        winners = session.network.forward(d.X_test).argmax(1)
        assert accuracy == pytest.approx(float(np.mean(winners == d.labels_test)))
        assert accuracy > 0.9  # measured: 96%
        view = BoundaryView(session)
        qtbot.addWidget(view)
        view.refresh()
        assert set(np.unique(view.values)) == {0.0, 1.0, 2.0}
        out = session.plane_activations(GRID)[-1]
        for k in range(3):  # each class's region in its own colour (where the network is surest of it)
            row, col = np.unravel_index(np.argmax(out[k]), out[k].shape)
            assert view.values[row, col] == k
            colour = view.image.image[row, col, :3].astype(float)
            background = np.array(theme.rgb(theme.BACKGROUND), dtype=float)
            faded = [(1 - theme.BOUNDARY_FADE) * np.array(theme.rgb(c), dtype=float)
                     + theme.BOUNDARY_FADE * background for c in theme.CLASS_COLORS[:3]]
            assert int(np.argmin([np.linalg.norm(colour - f) for f in faded])) == k
    finally:
        session.shutdown()


def test_a_regression_prediction_is_read_by_its_sign(qtbot, circle):
    from playground.views.network.network_view import NetworkView

    circle.set_dataset("reg-plane")
    out = len(circle.network.sizes) - 1
    view = NetworkView(circle)
    qtbot.addWidget(view)
    for bias, side in ((0.3, "above 0"), (-0.3, "below 0")):
        for j in range(circle.network.sizes[-2]):
            circle.set_weight(out, 0, j, 0.0)
        circle.set_bias(out, 0, bias)  # the prediction is this bias everywhere
        assert circle.prediction()[0] == pytest.approx(bias)
        assert circle.dataset.classes[circle.predicted_class()] == side
        assert view._output_labels[0].text().startswith(f"{readable(bias, 2)}\n→ {side}")
