"""Scalar autograd: a micrograd-compatible ``Value``.

A ``Value`` holds one number (``data``), remembers the operands it was made from (``_prev``) and the
operator that made it (``_op``), and after ``backward()`` holds ``grad``: d(root)/d(this value).

It speaks micrograd: ``Value(data, _children=(), _op='', label='')`` in micrograd's order (so
``Value(x, (a, b), '+')`` as in micrograd's engine.py works), the attributes ``.data .grad .label
._prev ._op``, ``_backward()`` on a node passes its grad to its operands (as in the lecture), and
micrograd's nn.py runs on it unchanged. It reads like micrograd's ``engine.py``, with deliberate
differences:

* Every operation stores its *local derivatives* (d result / d operand, ``_local``) right when it
  computes its result, instead of building a closure. The derivative still sits on the line beside
  the forward formula; no closure, and no reference cycle, is made per node; and the Neuron lab can
  show "local derivative × incoming grad" because the local derivative is a plain number. Like
  ``data``, local derivatives belong to the forward pass that made them: change an input, build again.
  (So a micrograd-style op cannot assign ``out._backward = closure``: give ``_local`` instead.)
* The operands and their local derivatives sit in four slots of the Value itself (``_a``, ``_b``,
  ``_da``, ``_db``; ``_prev`` and ``_local`` read them as tuples). A node is then one object for the
  garbage collector instead of micrograd's six (object, dict, set, closure, cells), which is most of
  the time a graph of ~65,000 nodes costs: Python's collector runs after every ~700 new objects.
* ``backward`` orders the graph with a plain loop over an explicit stack instead of recursion, so a
  50,000-deep chain works (micrograd's recursive ``build_topo`` overflows Python's stack near 1,000).

Where it is faster, and where not (bench/value_vs_micrograd.py, micrograd 0.1.0 running its own
nn.py code on both, same run, medians; a 2-core machine heavily shared with other work, load 8-12,
so absolute times are inflated and vary by 2x between runs, the ratios less):

* forward + backward of a 2-16-16-1 MLP on 100 points: 17x (38 ms against 673 ms; in a busier run
  151 against 2,576 ms), the same loss and gradients to 1e-13;
* micrograd's moons demo (100 steps of SGD, SVM loss + L2): 18.5x (43 s against 802 s), the same
  final loss to 1e-16 (0.037700703467, 98% accuracy on both);
* not by as much where the collector is not involved: with Python's garbage collector off on both
  sides, forward + backward is 3.2x (123 ms against 390 ms). Most of micrograd's time is the
  collector's: each of its nodes is six objects tied in a reference cycle (the closure refers to the
  node that holds it), so its graphs are freed only by the collector, which it also triggers six
  times as often. A leaf ``Value(x)`` alone costs about what micrograd's does (``float(data)`` makes
  ours a little slower); the gain is in the ops, ``backward`` and the collector.

``_prev`` is a tuple, not a set as in micrograd: order matters for ``_local``, and ``a + a`` lists
``a`` twice so that ``a`` receives both contributions (``a.grad == 2``).
"""

from __future__ import annotations

import math
from numbers import Real

Number = int | float


class Value:
    """One scalar in an expression graph, with its gradient."""

    # micrograd's .data .grad .label first; then the operands (_prev reads _a, _b), the operator, and
    # d(self)/d(_a), d(self)/d(_b) (_local reads them). A leaf has _a = _b = None.
    __slots__ = ("data", "grad", "label", "_a", "_b", "_op", "_da", "_db")

    def __init__(self, data: Number, _children: tuple = (), _op: str = "", label: str = "",
                 _local: tuple = ()) -> None:
        children, local = tuple(_children), tuple(_local)
        if len(children) > 2 or len(local) > len(children):
            raise ValueError(
                f"a Value has at most two operands, each with at most one local derivative; got "
                f"{len(children)} operands and {len(local)} local derivatives"
            )
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._a = children[0] if children else None
        self._b = children[1] if len(children) == 2 else None
        self._op = _op
        # A value made by hand, micrograd-style, without local derivatives passes no gradient (as a
        # micrograd Value whose _backward was never set).
        self._da = float(local[0]) if local else 0.0
        self._db = float(local[1]) if len(local) == 2 else 0.0

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The operands, in order: () for a leaf, (a,) for a unary op, (a, b) for a binary one."""
        a = self._a
        if a is None:
            return ()
        b = self._b
        return (a,) if b is None else (a, b)

    @property
    def _local(self) -> tuple[float, ...]:
        """d(self)/d(operand) for each operand in _prev, evaluated when self was computed."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ---- operations: result, and d result / d operand right beside it ----------------------------

    def __add__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _as_value(other)
        # d(a + b)/da = 1, d(a + b)/db = 1
        return _result(self.data + other.data, "+", self, 1.0, other, 1.0)

    def __mul__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _as_value(other)
        # d(a * b)/da = b, d(a * b)/db = a
        return _result(self.data * other.data, "*", self, other.data, other, self.data)

    def __pow__(self, exponent: Number) -> Value:
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise TypeError("Value ** supports a plain number exponent only (int or float)")
        k = int(exponent) if float(exponent).is_integer() else float(exponent)
        if self.data == 0.0 and k < 0:
            raise ZeroDivisionError(f"0 ** {k}: dividing by a Value that is zero")
        if self.data < 0.0 and isinstance(k, float):
            raise ValueError(f"({self.data:g}) ** {k}: a negative number to a fractional power is not real")
        # d(a ** k)/da = k * a ** (k - 1)
        return _result(self.data**k, f"**{k}", self, k * self.data ** (k - 1))

    def exp(self) -> Value:
        x = self.data
        if x > _EXP_MAX:
            raise OverflowError(f"exp({x:g}) is larger than the largest float (inputs above {_EXP_MAX:.0f})")
        e = math.exp(x)
        # d(e^a)/da = e^a
        return _result(e, "exp", self, e)

    def log(self) -> Value:
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log of a non-positive number ({x:g}): log is defined only for numbers > 0")
        # d(ln a)/da = 1 / a
        return _result(math.log(x), "log", self, 1.0 / x)

    def tanh(self) -> Value:
        t = math.tanh(self.data)  # math.tanh saturates to ±1 without overflow
        # d(tanh a)/da = 1 - tanh(a)^2
        return _result(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self) -> Value:
        x = self.data
        # Only ever exponentiate a non-positive number, so huge |x| cannot overflow.
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        # d(sigmoid a)/da = sigmoid(a) * (1 - sigmoid(a))
        return _result(s, "sigmoid", self, s * (1.0 - s))

    def relu(self) -> Value:
        x = self.data
        # d(relu a)/da = 1 where a > 0, else 0 (we take 0 at the kink, as micrograd does)
        return _result(x if x > 0.0 else 0.0, "ReLU", self, 1.0 if x > 0.0 else 0.0)

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
        a = self._a
        if a is not None:
            grad = self.grad
            a.grad += self._da * grad
            b = self._b
            if b is not None:
                b.grad += self._db * grad

    def backward(self) -> None:
        """Fill ``grad`` of every value this one depends on with d(self)/d(value).

        Grads accumulate (``+=``) as in micrograd: call ``zero_grad`` between two backward passes.
        """
        order = topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this value and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


_EXP_MAX = math.log(1.7976931348623157e308)  # ~709.78: math.exp overflows above this


_new = object.__new__


def _result(data: float, op: str, a: Value, da: float, b: Value | None = None, db: float = 0.0) -> Value:
    """The Value an operation makes: `data` = op(a, b), with d data/da and d data/db beside it.

    What __init__ does, minus its checks and conversions (every operand here is a Value and every
    number a float already): building a graph is mostly this.
    """
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._a = a
    out._b = b
    out._op = op
    out._da = da
    out._db = db
    return out


def _as_value(x: Value | Number) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, Real):  # int, float, bool, numpy scalars
        return Value(x)
    raise TypeError(f"a Value can only be combined with a number or a Value, not {type(x).__name__}")


def topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, operands before results, ``root`` last. No recursion.

    A depth-first walk with an explicit stack (the path from root down): the value on top descends into
    its first operand not yet seen; when it has none left, it is finished and goes into the order.
    """
    order: list[Value] = []
    seen = {root}  # Values hash by identity (Value defines no __eq__), as in micrograd
    path = [root]
    while path:
        node = path[-1]
        a = node._a
        if a is not None and a not in seen:
            seen.add(a)
            path.append(a)
            continue
        b = node._b
        if b is not None and b not in seen:
            seen.add(b)
            path.append(b)
            continue
        order.append(path.pop())  # both operands are in the order already
    return order
