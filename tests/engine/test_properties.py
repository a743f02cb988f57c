"""Property-based tests (hypothesis): random Value expressions, and Network.gradients over random
shapes, activations and costs, all against central finite differences (float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import functions as F
from engine.network import Network
from engine.value import Value, topological_order
from tests.engine.test_gradients import _numeric_gradients

# --- random expressions of Values ------------------------------------------------------------------

# each op takes one or two earlier nodes; all are smooth and defined everywhere (no kinks, no poles)
UNARY = {
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "exp∘tanh": (lambda v: v.tanh().exp(), lambda x: math.exp(math.tanh(x))),
    "log(1+x²)": (lambda v: (v * v + 1).log(), lambda x: math.log(1 + x * x)),
    "square": (lambda v: v**2, lambda x: x**2),
    "neg": (lambda v: -v, lambda x: -x),
    "1/(1+x²)": (lambda v: 1 / (1 + v * v), lambda x: 1 / (1 + x * x)),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "rsub": (lambda a, b: 2.0 - a * b, lambda a, b: 2.0 - a * b),
}

instruction = st.one_of(
    st.tuples(st.sampled_from(sorted(UNARY)), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.sampled_from(sorted(BINARY)), st.integers(0, 10**6), st.integers(0, 10**6)),
)


def _run(program, leaves, on_values: bool):
    """The program's nodes in order (leaves first); operands index earlier nodes modulo their count,
    so any list of instructions is a valid graph, and nodes get reused (fan-out)."""
    nodes = list(leaves)
    for name, i, j in program:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if name in UNARY:
            op = UNARY[name][0 if on_values else 1]
            nodes.append(op(a))
        else:
            op = BINARY[name][0 if on_values else 1]
            nodes.append(op(a, b))
    # the root sums the last three nodes, so the answer depends on more than one chain
    if on_values:
        return sum(nodes[-3:], Value(0.0))
    return sum(nodes[-3:])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=1, max_size=4),
    st.lists(instruction, min_size=1, max_size=25),
)
def test_random_expressions_have_the_gradients_of_finite_differences(xs, program):
    leaves = [Value(x) for x in xs]
    root = _run(program, leaves, on_values=True)
    assert root.data == pytest.approx(_run(program, xs, on_values=False), rel=1e-12, abs=1e-12)
    assume(math.isfinite(root.data) and abs(root.data) < 1e6)
    root.backward()
    h = 1e-6
    for k, x in enumerate(xs):
        up, down = list(xs), list(xs)
        up[k], down[k] = x + h, x - h
        numeric = (_run(program, up, False) - _run(program, down, False)) / (2 * h)
        assert leaves[k].grad == pytest.approx(numeric, rel=1e-5, abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(st.lists(instruction, min_size=1, max_size=25), st.floats(-2.0, 2.0))
def test_zero_grad_resets_every_node_and_backward_again_gives_the_same_grads(program, x):
    leaf = Value(x)
    root = _run(program, [leaf], on_values=True)
    root.backward()
    once = leaf.grad
    root.zero_grad()
    assert all(v.grad == 0.0 for v in topological_order(root))
    root.backward()
    assert leaf.grad == once


# --- Network.gradients over random networks --------------------------------------------------------

def _fits(cost: str, output: str) -> bool:
    try:
        F.check_pairing(cost, output)
    except ValueError:
        return False
    return True


PAIRINGS = [
    (hidden, output, cost)
    for hidden in F.HIDDEN_ACTIVATIONS
    for output in F.OUTPUT_ACTIVATIONS
    for cost in F.COSTS
    if _fits(cost, output)
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=2, max_size=4),  # layer sizes
    st.sampled_from(PAIRINGS),
    st.integers(1, 4),  # batch size
    st.integers(0, 2**32 - 1),  # the numbers themselves come from a seeded generator
)
def test_network_gradients_equal_finite_differences(sizes, pairing, batch, seed):
    hidden, output, cost = pairing
    rng = np.random.default_rng(seed)
    net = Network(sizes, activation=hidden, output=output, seed=seed % 1000, dtype=np.float64)
    for b in net.biases:
        b[...] = rng.normal(0, 0.5, size=b.shape)
    X = rng.normal(size=(batch, sizes[0]))
    if output == "softmax":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=batch)]
    elif cost == "cross_entropy":
        Y = (rng.random((batch, sizes[-1])) > 0.5).astype(float)
    else:
        Y = rng.normal(size=(batch, sizes[-1]))
    zs, _ = net.trace(X)
    # a ReLU right at its kink has no derivative: finite differences there measure nothing
    for l, z in enumerate(zs, start=1):
        assume(net.layer_activation(l) != "relu" or np.min(np.abs(z)) > 1e-4)

    value, dW, db = net.gradients(X, Y, cost)
    assert value == pytest.approx(net.cost(X, Y, cost), rel=1e-12)
    numeric = _numeric_gradients(net, X, Y, cost)
    for g, p, fd in zip(dW + db, net.weights + net.biases, numeric, strict=True):
        assert g.shape == p.shape and g.dtype == np.float64
        np.testing.assert_allclose(g, fd, rtol=1e-4, atol=1e-6)
    # and the backward steps hold the same numbers, with db = Σ δ over the batch
    for step in net.backward_steps(X, Y, cost):
        np.testing.assert_array_equal(step.dW, dW[step.layer - 1])
        np.testing.assert_allclose(step.delta.sum(axis=0), db[step.layer - 1], rtol=1e-12, atol=1e-15)
