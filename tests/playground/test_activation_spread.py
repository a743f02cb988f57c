"""The inspector's f(z) plot also draws f′(z), the factor backprop multiplies by, and where the selected
neuron's z falls over the probe batch: saturated sigmoids and dead ReLUs become visible."""

from __future__ import annotations

import numpy as np
import pytest

from engine.network import Network
from playground.session import Session
from tests.playground.test_inspector import _inspector


def _probe_z(session: Session, layer: int, index: int) -> np.ndarray:
    """The neuron's z for each probe sample, from a fresh engine Network's forward pass."""
    net = session.network
    ref = Network(list(net.sizes), activation=net.activation, output=net.output, seed=7, dtype=net.dtype)
    ref.copy_parameters_from(net)
    zs, _ = ref.trace(session.gradient_batch()[0])
    return np.asarray(zs[layer - 1][:, index], dtype=float)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_the_slope_curve_is_the_derivative_of_the_plotted_f(qtbot, xor, activation):
    xor.set_activation(activation)
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(1, 0)
    plot = inspector.activationPlot
    x, f = plot.curve()
    xs, slopes = (np.asarray(a, dtype=float) for a in plot._slope.getData())
    np.testing.assert_array_equal(xs, x)
    # a finite difference of the plotted f, away from ReLU's kink
    middle = (x[1:-1] - x[:-2] > 0) & (np.abs(x[1:-1]) > 0.2)
    numeric = (f[2:] - f[:-2]) / (x[2:] - x[:-2])
    np.testing.assert_allclose(slopes[1:-1][middle], numeric[middle], atol=2e-3)
    # and its marker sits at this neuron's z, on it
    h = 1e-4
    z = plot.z
    from engine import functions

    expected = (functions.activate(activation, z + h) - functions.activate(activation, z - h)) / (2 * h)
    assert plot.slope == pytest.approx(expected, abs=1e-4)
    mx, my = plot._slope_marker.getData()
    assert (mx[0], my[0]) == (pytest.approx(z), pytest.approx(plot.slope))
    assert "f′" in plot._readout.textItem.toPlainText()


def test_the_bars_count_the_neurons_z_over_the_probe_batch(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    xor.select_neuron(1, 1)
    plot = inspector.activationPlot
    z = _probe_z(xor, 1, 1)
    assert plot.counts.sum() == len(z) == len(xor.gradient_batch()[0])
    span = plot.edges[-1]
    np.testing.assert_array_equal(plot.counts, np.histogram(np.clip(z, -span, span), bins=plot.edges)[0])
    # the tallest bar reaches a fixed share of the plot; the others in proportion
    _, heights = plot._histogram.getData()
    lo, hi = plot._y_range
    assert np.max(heights) == pytest.approx(lo + 0.35 * (hi - lo))
    xor.step()  # it follows training
    np.testing.assert_array_equal(plot.counts, np.histogram(np.clip(_probe_z(xor, 1, 1), -span, span),
                                                            bins=plot.edges)[0])


def test_a_dead_relu_and_a_saturated_sigmoid_are_seen(qtbot, xor):
    inspector = _inspector(qtbot, xor)
    plot = inspector.activationPlot
    xor.set_activation("relu")
    xor.select_neuron(1, 0)
    xor.set_bias(1, 0, -9.0)  # far below every input's push: z < 0 for every sample
    z = _probe_z(xor, 1, 0)
    assert np.all(z < 0)
    assert plot.flat_share == 1.0
    assert "100% of" in plot.getPlotItem().titleLabel.text and "dead" in plot.getPlotItem().titleLabel.text
    xor.set_bias(1, 0, 0.0)
    share = float(np.mean(_probe_z(xor, 1, 0) <= 0))
    assert 0 < share < 1 and plot.flat_share == pytest.approx(share)
    xor.set_activation("sigmoid")
    xor.set_bias(1, 0, 12.0)  # sigmoid(z) ≈ 1 for every sample: its slope is ≈ 0, it cannot learn
    assert plot.flat_share == 1.0 and "flat" in plot.getPlotItem().titleLabel.text
    xor.set_bias(1, 0, 3.0)  # part of the samples on the flat shoulder
    z = _probe_z(xor, 1, 0)
    s = 1 / (1 + np.exp(-z))
    share = float(np.mean(s * (1 - s) <= 0.1 * 0.25))  # f′ below a tenth of its top, 1/4
    assert 0 < share < 1 and plot.flat_share == pytest.approx(share)
