"""Scalar autograd: a micrograd-compatible ``Value``.

A ``Value`` holds one number (``data``), remembers the operands it was made from (``_prev``) and the
operator that made it (``_op``), and after ``backward()`` holds ``grad``: d(root)/d(this value).

It reads like micrograd's ``engine.py``, with two deliberate differences:

* Every operation stores its *local derivatives* (d result / d operand, one per operand, in
  ``_local``) right when it computes its result, instead of building a closure. The derivative still
  sits on the line beside the forward formula, ``backward`` becomes one short loop, no closure (and no
  reference cycle for the garbage collector) is made per node, so building a graph is several times
  faster (bench/bench_value.py), and the Neuron lab can show "local derivative × incoming grad" for
  each node because the local derivative is a plain number it can read. Like every value's ``data``,
  the local derivatives belong to the forward pass that made them: change an input, build again.
* ``backward`` orders the graph with an explicit stack instead of recursion, so a 50,000-deep chain
  works (micrograd's recursive ``build_topo`` overflows Python's stack at about 1,000).

``_prev`` is a tuple, not a set as in micrograd: order matters for ``_local``, and ``a + a`` must list
``a`` twice so that ``a`` receives both contributions (``a.grad == 2``).
"""

from __future__ import annotations

import math
from numbers import Real

Number = int | float


class Value:
    """One scalar in an expression graph, with its gradient."""

    __slots__ = ("data", "grad", "label", "_prev", "_op", "_local")

    def __init__(self, data: Number, label: str = "", _children: tuple = (), _op: str = "",
                 _local: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._prev: tuple[Value, ...] = tuple(_children)
        self._op = _op
        # _local[i] is d(self)/d(_prev[i]), evaluated at the operands' data when self was computed.
        self._local: tuple[float, ...] = tuple(_local)

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ---- operations: result, and d result / d operand right beside it ----------------------------

    def __add__(self, other: Value | Number) -> Value:
        other = _as_value(other)
        # d(a + b)/da = 1, d(a + b)/db = 1
        return Value(self.data + other.data, "", (self, other), "+", (1.0, 1.0))

    def __mul__(self, other: Value | Number) -> Value:
        other = _as_value(other)
        # d(a * b)/da = b, d(a * b)/db = a
        return Value(self.data * other.data, "", (self, other), "*", (other.data, self.data))

    def __pow__(self, exponent: Number) -> Value:
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise TypeError("Value ** supports a plain number exponent only (int or float)")
        k = int(exponent) if float(exponent).is_integer() else float(exponent)
        if self.data == 0.0 and k < 0:
            raise ZeroDivisionError(f"0 ** {k}: dividing by a Value that is zero")
        if self.data < 0.0 and isinstance(k, float):
            raise ValueError(f"({self.data:g}) ** {k}: a negative number to a fractional power is not real")
        # d(a ** k)/da = k * a ** (k - 1)
        return Value(self.data**k, "", (self,), f"**{k}", (k * self.data ** (k - 1),))

    def exp(self) -> Value:
        x = self.data
        if x > _EXP_MAX:
            raise OverflowError(f"exp({x:g}) is larger than the largest float (inputs above {_EXP_MAX:.0f})")
        e = math.exp(x)
        # d(e^a)/da = e^a
        return Value(e, "", (self,), "exp", (e,))

    def log(self) -> Value:
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log of a non-positive number ({x:g}): log is defined only for numbers > 0")
        # d(ln a)/da = 1 / a
        return Value(math.log(x), "", (self,), "log", (1.0 / x,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)  # math.tanh saturates to ±1 without overflow
        # d(tanh a)/da = 1 - tanh(a)^2
        return Value(t, "", (self,), "tanh", (1.0 - t * t,))

    def sigmoid(self) -> Value:
        x = self.data
        # Only ever exponentiate a non-positive number, so huge |x| cannot overflow.
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        # d(sigmoid a)/da = sigmoid(a) * (1 - sigmoid(a))
        return Value(s, "", (self,), "sigmoid", (s * (1.0 - s),))

    def relu(self) -> Value:
        x = self.data
        # d(relu a)/da = 1 where a > 0, else 0 (we take 0 at the kink, as micrograd does)
        return Value(x if x > 0.0 else 0.0, "", (self,), "ReLU", (1.0 if x > 0.0 else 0.0,))

    # ---- composed operations (as micrograd writes them, so graphs look like the lecture's) -------

    def __neg__(self) -> Value:  # -a
        return self * -1

    def __sub__(self, other: Value | Number) -> Value:  # a - b
        return self + (-_as_value(other))

    def __truediv__(self, other: Value | Number) -> Value:  # a / b
        return self * _as_value(other) ** -1

    def __radd__(self, other: Number) -> Value:  # 2 + a
        return self + other

    def __rmul__(self, other: Number) -> Value:  # 2 * a
        return self * other

    def __rsub__(self, other: Number) -> Value:  # 1 - a
        return _as_value(other) + (-self)

    def __rtruediv__(self, other: Number) -> Value:  # 1 / a
        return _as_value(other) * self**-1

    # ---- the chain rule -------------------------------------------------------------------------

    def _backward(self) -> None:
        """Pass this node's grad to its operands: operand.grad += local derivative × self.grad."""
        for child, local in zip(self._prev, self._local, strict=False):  # same length by construction
            child.grad += local * self.grad

    def backward(self) -> None:
        """Fill ``grad`` of every value this one depends on with d(self)/d(value).

        Grads accumulate (``+=``) as in micrograd: call ``zero_grad`` between two backward passes.
        """
        order = topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            # node._backward(), written out: this loop runs once per node of what may be a big graph
            grad = node.grad
            for child, local in zip(node._prev, node._local, strict=False):
                child.grad += local * grad

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this value and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


_EXP_MAX = math.log(1.7976931348623157e308)  # ~709.78: math.exp overflows above this


def _as_value(x: Value | Number) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, Real):  # int, float, bool, numpy scalars
        return Value(x)
    raise TypeError(f"a Value can only be combined with a number or a Value, not {type(x).__name__}")


def topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, operands before results, ``root`` last. No recursion.

    A depth-first walk with an explicit stack: a value is pushed once to expand its operands and once
    more, beneath them, to be emitted after all of them.
    """
    order: list[Value] = []
    visited: set[Value] = set()  # Values hash by identity (Value defines no __eq__), as in micrograd
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, operands_done = stack.pop()
        if operands_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node._prev) if child not in visited)
    return order
