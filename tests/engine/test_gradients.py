"""Backprop is exact: for every hidden activation × output × cost pairing, Network.gradients equals
central finite differences of Network.cost (float64, relative error < 1e-5). (That it also equals the
gradients of the same network built out of scalar `Value`s is tests/engine/test_value_vs_network.py.)"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from engine import functions as F
from engine.network import Network

HIDDEN = ["sigmoid", "relu", "tanh", "linear"]
OUTPUTS = ["sigmoid", "softmax", "linear", "relu", "tanh"]
COSTS = ["mse", "cross_entropy"]
PAIRINGS = list(itertools.product(HIDDEN, OUTPUTS, COSTS))
VALID = [p for p in PAIRINGS if p[2] == "mse" or p[1] in ("softmax", "sigmoid")]
INVALID = [p for p in PAIRINGS if p not in VALID]


def _problem(hidden: str, output: str, cost: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    net = Network([3, 5, 4, 3], activation=hidden, output=output, seed=seed, dtype=np.float64)
    for b in net.biases:  # non-zero biases, so they matter; small, so relu units are mostly away from 0
        b[...] = rng.normal(0, 0.3, size=b.shape)
    X = rng.normal(size=(6, 3))
    if output == "softmax":
        Y = np.eye(3)[rng.integers(0, 3, size=6)]
    elif output == "sigmoid" or cost == "cross_entropy":
        Y = (rng.random((6, 3)) > 0.5).astype(float)
    else:
        Y = rng.normal(size=(6, 3))
    return net, X, Y


def _numeric_gradients(net: Network, X, Y, cost: str, h: float = 1e-6):
    grads = []
    for p in net.weights + net.biases:
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            plus = net.cost(X, Y, cost)
            p[i] = old - h
            minus = net.cost(X, Y, cost)
            p[i] = old
            g[i] = (plus - minus) / (2 * h)
        grads.append(g)
    return grads


def _relative_error(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    a = np.concatenate([x.ravel() for x in a])
    b = np.concatenate([x.ravel() for x in b])
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


@pytest.mark.parametrize(("hidden", "output", "cost"), VALID)
def test_backprop_equals_finite_differences(hidden, output, cost):
    net, X, Y = _problem(hidden, output, cost)
    value, dW, db = net.gradients(X, Y, cost)
    assert value == pytest.approx(net.cost(X, Y, cost), rel=1e-12)
    numeric = _numeric_gradients(net, X, Y, cost)
    analytic = dW + db
    assert _relative_error(analytic, numeric) < 1e-5
    assert np.linalg.norm(np.concatenate([g.ravel() for g in analytic])) > 1e-3  # not trivially zero
    for g, p in zip(analytic, net.weights + net.biases, strict=True):
        assert g.shape == p.shape and g.dtype == np.float64


@pytest.mark.parametrize(("hidden", "output", "cost"), INVALID)
def test_cross_entropy_without_probabilities_is_refused(hidden, output, cost):
    net, X, Y = _problem(hidden, output, "mse")
    with pytest.raises(ValueError, match="softmax or sigmoid"):
        net.gradients(X, Y, cost)
    with pytest.raises(ValueError, match="softmax or sigmoid"):
        net.cost(X, Y, cost)


def test_softmax_with_mse_uses_the_full_jacobian():
    # the diagonal alone (a(1 − a)) would be a plausible-looking but wrong gradient: make sure it differs
    net, X, Y = _problem("tanh", "softmax", "mse")
    _, dW, _ = net.gradients(X, Y, "mse")
    zs, acts = net.trace(X)
    a = acts[-1]
    wrong_delta = F.mse_grad(a, Y) * a * (1 - a)
    assert not np.allclose(wrong_delta.T @ acts[-2], dW[-1], rtol=1e-3)


def test_float32_gradients_agree_with_float64():
    net64, X, Y = _problem("tanh", "softmax", "cross_entropy")
    net32 = Network(net64.sizes, "tanh", "softmax", dtype=np.float32)
    for a, b in zip(net32.weights + net32.biases, net64.weights + net64.biases, strict=True):
        a[...] = b
    c32, dW32, db32 = net32.gradients(X, Y, "cross_entropy")
    c64, dW64, db64 = net64.gradients(X, Y, "cross_entropy")
    assert all(g.dtype == np.float32 for g in dW32 + db32)
    assert c32 == pytest.approx(c64, rel=1e-5)
    assert _relative_error(dW32 + db32, dW64 + db64) < 1e-5
