"""landscape.cost_along equals setting the parameter and calling net.cost, one value at a time."""

from __future__ import annotations

import numpy as np
import pytest

from engine import landscape
from engine.network import Network

CASES = [  # hidden, output, cost
    ("relu", "softmax", "cross_entropy"),
    ("tanh", "sigmoid", "cross_entropy"),
    ("sigmoid", "linear", "mse"),
    ("relu", "softmax", "mse"),
    ("tanh", "sigmoid", "mse"),
    ("linear", "tanh", "mse"),
]


def _problem(hidden: str, output: str, cost: str, dtype=np.float64, seed: int = 0):
    rng = np.random.default_rng(seed)
    net = Network([6, 5, 4, 3], activation=hidden, output=output, seed=seed, dtype=dtype)
    for b in net.biases:
        b[...] = rng.normal(0, 0.5, size=b.shape)
    X = rng.normal(size=(9, 6))
    X[:4, 2] = 0.0  # an input that is 0 for some samples: their cost does not depend on its weights
    X[:, 5] = 0.0  # and one that is 0 for all
    if output == "softmax":
        Y = np.eye(3)[rng.integers(0, 3, size=9)]
    elif output == "sigmoid":
        Y = (rng.random((9, 3)) > 0.5).astype(float)
    else:
        Y = rng.normal(size=(9, 3))
    return net, X, Y


def _one_at_a_time(net: Network, X, Y, cost, layer, neuron, source, values) -> np.ndarray:
    array = net.biases[layer - 1] if source is None else net.weights[layer - 1]
    index = (neuron,) if source is None else (neuron, source)
    old = array[index]
    out = []
    for v in values:
        array[index] = v
        out.append(net.cost(X, Y, cost))
    array[index] = old
    return np.array(out)


PARAMETERS = [  # layer, neuron, source (None: the bias)
    (1, 0, 2), (1, 3, None), (1, 1, 5), (2, 2, 4), (2, 0, None), (3, 1, 0), (3, 2, None),
]


@pytest.mark.parametrize(("hidden", "output", "cost"), CASES)
@pytest.mark.parametrize(("layer", "neuron", "source"), PARAMETERS)
def test_cost_along_equals_the_cost_one_value_at_a_time(hidden, output, cost, layer, neuron, source):
    net, X, Y = _problem(hidden, output, cost)
    values = np.linspace(-4.0, 4.0, 41)
    got = landscape.cost_along(net, X, Y, cost, layer, neuron, source, values)
    expected = _one_at_a_time(net, X, Y, cost, layer, neuron, source, values)
    assert got.shape == (41,) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    if (layer, source) != (1, 5):  # (input 5 is 0 everywhere: its weights cannot matter)
        assert np.ptp(expected) > 1e-3  # the curve is not flat, so the comparison means something


@pytest.mark.parametrize(("layer", "neuron", "source"), [(1, 2, 0), (1, 4, None), (3, 0, 3), (3, 1, None)])
def test_float32_networks_agree_too(layer, neuron, source):
    net, X, Y = _problem("relu", "softmax", "cross_entropy", dtype=np.float32, seed=2)
    values = np.linspace(-3.0, 3.0, 25)
    got = landscape.cost_along(net, X, Y, "cross_entropy", layer, neuron, source, values)
    expected = _one_at_a_time(net, X, Y, "cross_entropy", layer, neuron, source, values.astype(np.float32))
    np.testing.assert_allclose(got, expected, rtol=2e-5)


def test_the_current_value_gives_the_current_cost_and_the_network_is_untouched():
    net, X, Y = _problem("sigmoid", "softmax", "cross_entropy")
    before = [p.copy() for p in net.weights + net.biases]
    arrays = net.weights + net.biases
    for layer, neuron, source in PARAMETERS:
        if source is None:
            array, index = net.biases[layer - 1], neuron
        else:
            array, index = net.weights[layer - 1], (neuron, source)
        current = array[index]
        c = landscape.cost_along(net, X, Y, "cross_entropy", layer, neuron, source, [current, current + 1.0])
        assert c[0] == pytest.approx(net.cost(X, Y, "cross_entropy"), rel=1e-12)
    for a, b, same in zip(net.weights + net.biases, before, arrays, strict=True):
        assert a is same
        np.testing.assert_array_equal(a, b)


def test_many_values_are_worked_in_chunks_with_the_same_result(monkeypatch):
    net, X, Y = _problem("relu", "softmax", "cross_entropy")
    values = np.linspace(-2.0, 2.0, 30)
    whole = landscape.cost_along(net, X, Y, "cross_entropy", 1, 1, 0, values)
    monkeypatch.setattr(landscape, "_CHUNK_ELEMENTS", 7)  # a few pairs at a time
    np.testing.assert_allclose(landscape.cost_along(net, X, Y, "cross_entropy", 1, 1, 0, values), whole)
    np.testing.assert_allclose(
        whole, _one_at_a_time(net, X, Y, "cross_entropy", 1, 1, 0, values), rtol=1e-10
    )


def test_a_one_output_softmax_and_a_single_sample_work():
    net = Network([2, 3, 1], activation="tanh", output="sigmoid", seed=1, dtype=np.float64)
    values = np.linspace(-1, 1, 5)
    for layer, neuron, source in [(2, 0, 1), (1, 2, None)]:
        got = landscape.cost_along(net, [0.3, -0.7], [1.0], "cross_entropy", layer, neuron, source, values)
        expected = _one_at_a_time(net, [[0.3, -0.7]], [[1.0]], "cross_entropy", layer, neuron, source, values)
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_bad_parameters_are_refused_with_the_valid_range():
    net, X, Y = _problem("relu", "softmax", "cross_entropy")
    with pytest.raises(ValueError, match="one of 1..3"):
        landscape.cost_along(net, X, Y, "cross_entropy", 0, 0, 0, [0.0])
    with pytest.raises(ValueError, match="neurons 0..4"):
        landscape.cost_along(net, X, Y, "cross_entropy", 1, 5, 0, [0.0])
    with pytest.raises(ValueError, match="weights 0..5"):
        landscape.cost_along(net, X, Y, "cross_entropy", 1, 0, 6, [0.0])
    with pytest.raises(ValueError, match="softmax or sigmoid"):
        landscape.cost_along(Network([6, 3], output="linear"), X, Y, "cross_entropy", 1, 0, 0, [0.0])


def test_softmax_targets_that_are_not_one_hot_are_costed_like_net_cost():
    net, X, _ = _problem("relu", "softmax", "cross_entropy", seed=4)
    Y = np.random.default_rng(4).random((9, 3)) * 2  # rows not summing to 1: Σy weighs log Σ e^z
    values = np.linspace(-2.0, 2.0, 9)
    for layer, neuron, source in [(3, 1, 2), (3, 0, None), (2, 1, 0)]:
        got = landscape.cost_along(net, X, Y, "cross_entropy", layer, neuron, source, values)
        expected = _one_at_a_time(net, X, Y, "cross_entropy", layer, neuron, source, values)
        np.testing.assert_allclose(got, expected, rtol=1e-10)
