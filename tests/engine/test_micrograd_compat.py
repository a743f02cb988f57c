"""Code written for micrograd runs on engine.Value unchanged: values built positionally as micrograd's
engine.py builds them, and a Neuron / Layer / MLP written line for line as micrograd's nn.py, checked
against numbers worked out by hand."""

from __future__ import annotations

import pytest

from engine.value import Value
from tests.micrograd_nn import MLP


def _hand_mlp() -> MLP:
    """MLP(2, [2, 1]) with weights chosen so every number below can be worked out on paper."""
    model = MLP(2, [2, 1])
    (n1, n2), out = model.layers[0].neurons, model.layers[1].neurons[0]
    for neuron, w, b in ((n1, (1.0, -2.0), 0.5), (n2, (-1.0, 1.0), 0.0), (out, (3.0, -1.0), 0.25)):
        for wi, v in zip(neuron.w, w, strict=True):
            wi.data = v
        neuron.b.data = b
    return model


def test_values_built_positionally_as_in_micrograds_engine():
    a, b = Value(2.0), Value(-3.0)
    out = Value(a.data + b.data, (a, b), "+")  # micrograd: Value(data, _children, _op)
    assert out.data == -1.0 and out._prev == (a, b) and out._op == "+" and out.label == ""
    labelled = Value(4.0, (), "", "x")  # label fourth, as micrograd's lecture version has it
    assert labelled.label == "x" and labelled._prev == () and labelled._op == ""
    assert Value(5, (a,), "ReLU")._prev == (a,)
    # micrograd's Value passes no gradient until its op sets _backward; a hand-made one likewise
    out.backward()
    assert out.grad == 1.0 and a.grad == 0.0 and b.grad == 0.0
    # with its local derivatives it does: d(a·b)/da = b, d(a·b)/db = a
    prod = Value(a.data * b.data, (a, b), "*", "", (b.data, a.data))
    prod.backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)
    with pytest.raises(ValueError, match="at most two operands"):
        Value(1.0, (a, b, out), "+")


def test_micrograd_attributes_and_their_order():
    assert Value.__slots__[:3] == ("data", "grad", "label")
    v = Value(3, label="v")
    assert (v.data, v.grad, v.label, v._prev, v._op) == (3.0, 0.0, "v", (), "")
    w = v * v
    assert w._prev == (v, v) and w._op == "*" and w._local == (3.0, 3.0)


def test_micrograds_nn_runs_unchanged_and_gives_the_hand_worked_numbers():
    # x = (2, 1). Neuron 1: 1·2 − 2·1 + 0.5 = 0.5 → ReLU 0.5. Neuron 2: −2 + 1 + 0 = −1 → ReLU 0.
    # Output (linear): 3·0.5 − 1·0 + 0.25 = 1.75. Loss (1.75 − 1)² = 0.5625, dL/dout = 1.5.
    model = _hand_mlp()
    x = [Value(2.0), Value(1.0)]
    out = model(x)
    loss = (out - 1) ** 2
    assert out.data == 1.75 and loss.data == 0.5625
    model.zero_grad()
    loss.backward()
    (n1, n2), last = model.layers[0].neurons, model.layers[1].neurons[0]
    assert [p.grad for p in last.parameters()] == [0.75, 0.0, 1.5]  # 1.5·(0.5, 0), bias 1.5
    assert [p.grad for p in n1.parameters()] == [9.0, 4.5, 4.5]  # 1.5·3 = 4.5 through an open ReLU
    assert [p.grad for p in n2.parameters()] == [0.0, 0.0, 0.0]  # its ReLU is off
    assert [xi.grad for xi in x] == [4.5, -9.0]
    assert len(model.parameters()) == 9
    # one step of SGD as micrograd's demo writes it
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    assert [p.data for p in n1.parameters()] == pytest.approx([0.1, -2.45, 0.05])
    # neuron 1 now gives 0.2 − 2.45 + 0.05 < 0 → 0, neuron 2 still 0: the output is its new bias 0.1
    assert model(x).data == pytest.approx(0.1)


def test_micrograds_demo_loss_is_built_the_same_way():
    # demo.ipynb: SVM max-margin loss, averaged, plus L2; labels are ints, as there
    model = _hand_mlp()
    X, y = [[2.0, 1.0], [0.0, 1.0]], [1, -1]
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))  # 1.75, and for (0, 1): n1 = −1.5 → 0, n2 = 1 → 1; −1 + 0.25
    assert [s.data for s in scores] == [1.75, -0.75]
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
    assert [v.data for v in losses] == [0.0, 0.25]  # 1 − 1.75 < 0; 1 − 0.75
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())  # Σw² = 1 + 4 + .25 + 1 + 1 + 9 + 1 + .0625
    total_loss = data_loss + reg_loss
    assert total_loss.data == pytest.approx(0.125 + 1e-4 * 17.3125, abs=1e-15)
    model.zero_grad()
    total_loss.backward()
    # only sample 2's margin is active: dL/dscore2 = −(−1)·0.5 = 0.5; its path runs through neuron 2
    last = model.layers[1].neurons[0]
    assert last.w[1].grad == pytest.approx(0.5 * 1.0 + 2e-4 * -1.0)
    assert last.b.grad == pytest.approx(0.5 + 2e-4 * 0.25)
    assert model.layers[0].neurons[1].b.grad == pytest.approx(0.5 * -1.0)  # w2 = −1, bias 0: no L2
    assert model.layers[0].neurons[0].b.grad == pytest.approx(2e-4 * 0.5)  # ReLU off for both samples


def test_the_lecture_calls_backward_node_by_node():
    # the lecture fills the grads by hand: o.grad = 1, then o._backward(), n._backward(), ...
    x1, w1, b = Value(2.0, label="x1"), Value(-3.0, label="w1"), Value(6.5, label="b")
    x1w1 = x1 * w1
    n = x1w1 + b
    o = n.tanh()
    o.grad = 1.0
    for node in (o, n, x1w1):
        node._backward()
    by_hand = [x1.grad, w1.grad, b.grad, n.grad]
    for v in (x1, w1, b, n, x1w1, o):
        v.grad = 0.0
    o.backward()
    assert [x1.grad, w1.grad, b.grad, n.grad] == by_hand
    t = 1 - o.data**2  # d tanh(n)/dn
    assert n.grad == pytest.approx(t) and x1.grad == pytest.approx(-3.0 * t)
    assert w1.grad == pytest.approx(2.0 * t) and b.grad == pytest.approx(t)
