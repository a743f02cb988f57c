"""The whole cost of a step as a Value graph: its C is the engine's cost, its grads are backprop's."""

import numpy as np
import pytest

from engine.network import Network
from playground.presets import xor_truth_table
from playground.views.lab.cost_graph import MAX_PARAMETERS, cost_expression


@pytest.mark.parametrize("sizes, activation, output, cost", [
    ([2, 2, 1], "tanh", "sigmoid", "cross_entropy"),  # XOR
    ([2, 4, 4, 1], "tanh", "sigmoid", "cross_entropy"),  # Circle
    ([2, 3, 2], "relu", "linear", "mse"),
    ([2, 3, 3], "sigmoid", "softmax", "cross_entropy"),
])
def test_every_weights_grad_is_backprops_dC_dw(sizes, activation, output, cost):
    data = xor_truth_table()
    X = data.X_train[:12]
    labels = data.labels_train[:12]
    Y = np.eye(sizes[-1])[labels % sizes[-1]] if sizes[-1] > 1 else labels[:, None].astype(float)
    net = Network(sizes, activation=activation, output=output, seed=3, dtype=np.float64)
    net.biases[0][:] = 0.1  # not all zero, so a bias's grad is a real test
    bp = net.backprop(X, Y, cost)
    graph = cost_expression(net, X, Y, cost)
    assert graph.root.label == "C"
    assert graph.root.data == pytest.approx(bp.cost, rel=1e-10)
    graph.root.backward()
    for (layer, neuron, source), value in graph.parameters.items():
        expected = bp.db[layer - 1][neuron] if source is None else bp.dW[layer - 1][neuron, source]
        assert value.grad == pytest.approx(float(expected), rel=1e-9, abs=1e-12), (layer, neuron, source)
    assert len(graph.parameters) == net.n_parameters
    # each neuron's activation, per sample, is the forward pass's
    for (layer, index), values in graph.neurons.items():
        np.testing.assert_allclose([v.data for v in values], bp.activations[layer][:, index], rtol=1e-12)


def test_a_big_network_is_refused():
    net = Network([2, 8, 8, 1], seed=0)
    assert net.n_parameters > MAX_PARAMETERS
    with pytest.raises(ValueError, match="up to 64"):
        cost_expression(net, np.zeros((1, 2)), np.zeros((1, 1)), "mse")
