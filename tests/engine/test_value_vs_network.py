"""The vectorised Network's gradients equal those of the same small network built out of Values.

Two independent implementations of backprop: numpy matrices (engine.network) and the scalar
chain rule (engine.value). Every hidden activation × output × cost pairing the network accepts, in
float64, with non-zero biases so that their gradients are tested too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from engine import functions as F
from engine.network import Network
from engine.value import Value

SIZES = [3, 4, 3]
HIDDEN = list(F.HIDDEN_ACTIVATIONS)
OUTPUTS = list(F.OUTPUT_ACTIVATIONS)
COSTS = list(F.COSTS)
PAIRINGS = [(h, o, c) for h, o, c in itertools.product(HIDDEN, OUTPUTS, COSTS)
            if c == "mse" or o in ("softmax", "sigmoid")]  # cross-entropy needs probabilities


def activate(z: Value, name: str) -> Value:
    return {"sigmoid": z.sigmoid, "relu": z.relu, "tanh": z.tanh, "linear": lambda: z}[name]()


def value_network_cost(net: Network, X: np.ndarray, Y: np.ndarray, cost: str):
    """The cost of ``net`` on (X, Y), built from Values; returns (cost, weight Values, bias Values)."""
    W = [[[Value(float(w)) for w in row] for row in layer] for layer in net.weights]
    B = [[Value(float(b)) for b in layer] for layer in net.biases]
    n = X.shape[0]
    total = Value(0.0)
    for x, y in zip(X, Y, strict=True):
        a = [Value(float(v)) for v in x]
        for l, (layer_w, layer_b) in enumerate(zip(W, B, strict=True)):
            z = [sum((w * ai for w, ai in zip(row, a, strict=True)), b) for row, b in zip(layer_w, layer_b,
                                                                                          strict=True)]
            name = net.layer_activation(l + 1)
            if name == "softmax":
                # a constant shift: softmax is unchanged and exp cannot overflow
                shift = max(zi.data for zi in z)
                exps = [(zi - shift).exp() for zi in z]
                total_exp = sum(exps[1:], exps[0])
                log_a = [(zi - shift) - total_exp.log() for zi in z]
                a = [e / total_exp for e in exps]
            else:
                a = [activate(zi, name) for zi in z]
        if cost == "mse":
            sample = sum(((ai - float(yi)) ** 2 for ai, yi in zip(a, y, strict=True)), Value(0.0))
        elif net.output == "softmax":
            sample = -sum((float(yi) * la for la, yi in zip(log_a, y, strict=True)), Value(0.0))
        else:  # binary cross-entropy per sigmoid output, from z: softplus(z) − y·z
            sample = sum((((1 + zi.exp()).log() - float(yi) * zi) for zi, yi in zip(z, y, strict=True)),
                         Value(0.0))
        total = total + sample
    return total / n, W, B


@pytest.mark.parametrize(("hidden", "output", "cost"), PAIRINGS, ids=["-".join(p) for p in PAIRINGS])
def test_network_gradients_equal_value_gradients(hidden, output, cost):
    net = Network(SIZES, activation=hidden, output=output, seed=3, dtype=np.float64)
    rng = np.random.default_rng(7)
    for b in net.biases:
        b[...] = rng.normal(0, 0.3, size=b.shape)
    X = rng.normal(size=(5, SIZES[0]))
    Y = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], size=5)]
    expected_cost, dW, db = net.gradients(X, Y, cost=cost)

    total, W, B = value_network_cost(net, X, Y, cost)
    total.backward()

    assert total.data == pytest.approx(expected_cost, rel=1e-9)
    for l in range(len(SIZES) - 1):
        w_grads = np.array([[w.grad for w in row] for row in W[l]])
        b_grads = np.array([b.grad for b in B[l]])
        np.testing.assert_allclose(dW[l], w_grads, rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(db[l], b_grads, rtol=1e-6, atol=1e-12)
        assert np.abs(w_grads).max() > 0  # the comparison is not between two arrays of zeros
