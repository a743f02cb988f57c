"""Value: the seed's neuron, deep graphs, accumulation, and every op against finite differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.value import Value, topological_order

SEED_B = 6.8813735870195432


def seed_neuron(through_exp: bool) -> tuple[Value, dict[str, Value]]:
    """The seed's neuron, written exactly as in the lecture."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(SEED_B, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    n = x1w1 + x2w2 + b
    if through_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


@pytest.mark.parametrize("through_exp", [False, True], ids=["tanh", "exp"])
def test_seed_neuron(through_exp):
    o, v = seed_neuron(through_exp)
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5), abs=1e-12)  # 0.7071...
    assert v["x1"].grad == pytest.approx(-1.5, abs=1e-9)
    assert v["w1"].grad == pytest.approx(1.0, abs=1e-9)
    assert v["x2"].grad == pytest.approx(0.5, abs=1e-9)
    assert v["w2"].grad == pytest.approx(0.0, abs=1e-9)
    assert v["b"].grad == pytest.approx(0.5, abs=1e-9)
    assert v["n"].grad == pytest.approx(0.5, abs=1e-9)  # 1 - tanh(n)^2 = 1 - 0.5


def test_value_remembers_operands_operator_and_label():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    assert c._prev == (a, b) and c._op == "*" and c.label == "c"
    assert (a + b)._op == "+" and (a**2)._op == "**2" and a.tanh()._op == "tanh"
    assert a.exp()._op == "exp" and a.log()._op == "log" and a.sigmoid()._op == "sigmoid"
    assert a.relu()._op == "ReLU"
    assert a._prev == () and a._op == "" and a.grad == 0.0
    assert repr(c) == "Value(label='c', data=-6, grad=0)"
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0)"


def test_reflected_and_composed_forms():
    a = Value(4.0)
    assert (2 * a).data == 8.0 and (a * 2).data == 8.0
    assert (1 - a).data == -3.0 and (a - 1).data == 3.0
    assert (1 / a).data == 0.25 and (a / 2).data == 2.0
    assert (3 + a).data == 7.0 and (-a).data == -4.0
    assert (a**0.5).data == 2.0
    d = 1 / a
    d.backward()
    assert a.grad == pytest.approx(-1 / 16)


def test_accumulation_value_used_twice():
    a = Value(3.0, label="a")
    b = a + a
    b.backward()
    assert a.grad == 2.0  # with "=" instead of "+=" it would be 1
    a2 = Value(-2.0)
    c = a2 * a2 + a2  # dc/da = 2a + 1
    c.backward()
    assert a2.grad == -3.0


def test_grads_accumulate_across_backward_calls_until_zero_grad():
    a = Value(3.0)
    b = a * a
    b.backward()
    b.backward()
    assert a.grad == 12.0  # 6 + 6: backward accumulates, as in micrograd
    b.zero_grad()
    assert a.grad == 0.0 and b.grad == 0.0
    b.backward()
    assert a.grad == 6.0


def test_deep_chain_has_no_recursion_limit():
    x = Value(0.5, label="x")
    y = x
    for _ in range(50_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    order = topological_order(y)
    assert order[0] is not y and order[-1] is y
    assert len(order) == 1 + 50_000 * 4  # x, and per step: constant 1, product, constant 0, sum


def test_topological_order_puts_operands_first_and_lists_each_value_once():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a  # a reached twice
    e = d * c
    order = topological_order(e)
    assert len(order) == len({id(v) for v in order}) == 5
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for child in v._prev:
            assert position[id(child)] < position[id(v)]


def test_numerically_stable_functions_and_clear_errors():
    assert Value(1e4).sigmoid().data == 1.0 and Value(-1e4).sigmoid().data == 0.0
    s = Value(-1e4).sigmoid()
    s.backward()
    assert math.isfinite(s._prev[0].grad)
    assert Value(800.0).tanh().data == 1.0 and Value(-800.0).tanh().data == -1.0
    assert Value(-745.0).exp().data >= 0.0
    with pytest.raises(ValueError, match="non-positive"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="non-positive"):
        Value(-1.0).log()
    with pytest.raises(OverflowError, match="largest float"):
        Value(1000.0).exp()
    with pytest.raises(ZeroDivisionError):
        1 / Value(0.0)
    with pytest.raises(ValueError, match="fractional"):
        Value(-2.0) ** 0.5
    with pytest.raises(TypeError):
        Value(2.0) ** Value(2.0)
    with pytest.raises(TypeError):
        Value(2.0) + "x"


# ---- every op against central finite differences ---------------------------------------------

H = 1e-6
finite = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)
positive = st.floats(min_value=0.1, max_value=5.0)

UNARY = {
    "exp": (lambda v: v.exp(), math.exp, finite),
    "log": (lambda v: v.log(), math.log, positive),
    "tanh": (lambda v: v.tanh(), math.tanh, finite),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x)), finite),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0), finite.filter(lambda x: abs(x) > 1e-3)),
    "neg": (lambda v: -v, lambda x: -x, finite),
    "pow3": (lambda v: v**3, lambda x: x**3, finite),
    "pow-1.5": (lambda v: v**-1.5, lambda x: x**-1.5, positive),
    "rsub": (lambda v: 1 - v, lambda x: 1 - x, finite),
    "rdiv": (lambda v: 1 / v, lambda x: 1 / x, positive),
    "rmul": (lambda v: 2.5 * v, lambda x: 2.5 * x, finite),
}

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
}


def assert_close_to_finite_difference(grad, f, x):
    numeric = (f(x + H) - f(x - H)) / (2 * H)
    assert grad == pytest.approx(numeric, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_op_matches_finite_differences(name):
    op, reference, domain = UNARY[name]

    @settings(max_examples=40, deadline=None)
    @given(domain)
    def check(x):
        v = Value(x)
        out = op(v)
        assert out.data == pytest.approx(reference(x), rel=1e-12, abs=1e-12)
        out.backward()
        assert_close_to_finite_difference(v.grad, reference, x)

    check()


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_op_matches_finite_differences(name):
    op, reference = BINARY[name]

    @settings(max_examples=40, deadline=None)
    @given(finite, finite.filter(lambda b: abs(b) > 0.1))
    def check(x, y):
        a, b = Value(x), Value(y)
        out = op(a, b)
        assert out.data == pytest.approx(reference(x, y), rel=1e-12, abs=1e-12)
        out.backward()
        assert_close_to_finite_difference(a.grad, lambda t: reference(t, y), x)
        assert_close_to_finite_difference(b.grad, lambda t: reference(x, t), y)

    check()


@settings(max_examples=40, deadline=None)
@given(finite, finite, finite)
def test_composite_expression_matches_finite_differences(x, y, z):
    def build(p, q, r):
        return ((p * q + r).tanh() * p - (q * r).sigmoid() + (p * p + 1).log() / (r**2 + 1)).relu() + p

    def f(p, q, r):
        return build(Value(p), Value(q), Value(r)).data

    a, b, c = Value(x), Value(y), Value(z)
    out = build(a, b, c)
    out.backward()
    # skip points sitting on the ReLU kink, where the derivative jumps
    inner = out._prev[0]._prev[0].data
    if abs(inner) < 1e-3:
        return
    assert_close_to_finite_difference(a.grad, lambda t: f(t, y, z), x)
    assert_close_to_finite_difference(b.grad, lambda t: f(x, t, z), y)
    assert_close_to_finite_difference(c.grad, lambda t: f(x, y, t), z)
