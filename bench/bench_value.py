"""How fast is engine.value.Value, next to a micrograd-style Value (per-op closures, recursive sort)?

Run: python bench/bench_value.py

The comparison partner below is written the way micrograd's engine.py is (each op builds a
`_backward` closure; backward sorts the graph with a recursive function); it is measured in the same
run, on the same expressions. Figures are best-of-N wall times; no assertion is made on them.
"""

from __future__ import annotations

import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.value import Value  # noqa: E402


class ClosureValue:
    """micrograd-style: a closure per node, recursion in backward."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, ClosureValue) else ClosureValue(other)
        out = ClosureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, ClosureValue) else ClosureValue(other)
        out = ClosureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = ClosureValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def mlp_loss(cls, weights, xs, ys):
    """A 3-16-16-1 tanh MLP's squared-error loss over a batch, built from scalar values."""
    params = [[[cls(w) for w in row] for row in layer] for layer in weights]
    loss = cls(0.0)
    for x, y in zip(xs, ys, strict=True):
        a = [cls(v) for v in x]
        for layer in params:
            a = [sum((w * ai for w, ai in zip(row[:-1], a, strict=True)), row[-1]).tanh() for row in layer]
        d = a[0] + (-y)
        loss = loss + d * d
    return loss


def best_of(fn, repeat=9):
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def chain(cls, depth):
    x = cls(0.5)
    y = x
    for _ in range(depth):
        y = y * 1.0 + 0.0
    return y


def main() -> None:
    rng = random.Random(0)
    sizes = [3, 16, 16, 1]
    weights = [[[rng.uniform(-1, 1) for _ in range(n_in + 1)] for _ in range(n_out)]
               for n_in, n_out in zip(sizes, sizes[1:], strict=False)]
    xs = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(20)]
    ys = [rng.choice([-1.0, 1.0]) for _ in range(20)]

    print(f"Python {sys.version.split()[0]}; best of 9 runs (3 for the chains)\n")
    print("MLP 3-16-16-1 (tanh), batch of 20, squared error:")
    for name, cls in (("engine.value.Value (local derivatives, iterative)", Value),
                      ("micrograd-style (closures, recursive)", ClosureValue)):
        build = best_of(lambda cls=cls: mlp_loss(cls, weights, xs, ys))
        loss = mlp_loss(cls, weights, xs, ys)
        back = best_of(lambda loss=loss: loss.backward())
        print(f"  {name:52s} forward {build * 1e3:7.1f} ms   backward {back * 1e3:7.1f} ms")
    check_a, check_b = mlp_loss(Value, weights, xs, ys), mlp_loss(ClosureValue, weights, xs, ys)
    print(f"  same loss: {check_a.data:.12f} vs {check_b.data:.12f}\n")

    print("Chain y = y*1 + 0, repeated:")
    for depth in (400, 50_000):
        for name, cls in (("engine.value.Value", Value), ("micrograd-style", ClosureValue)):
            y = chain(cls, depth)
            try:
                t = best_of(y.backward, repeat=3)
                result = f"backward {t * 1e3:8.1f} ms"
            except RecursionError:
                result = f"RecursionError (Python's limit is {sys.getrecursionlimit()})"
            print(f"  depth {depth:6d}  {name:20s} {result}")


if __name__ == "__main__":
    main()
