"""engine.Value against micrograd 0.1.0 (from PyPI), the same code on both. Prints figures; asserts nothing.

    pip install micrograd==0.1.0      # benchmark-only: never an app or test dependency
    python bench/value_vs_micrograd.py [--runs 3]      # ~5 minutes: micrograd's demo takes ~1 min a run

1. forward + backward of a 2-16-16-1 ReLU MLP (micrograd's nn.py) on 100 points, squared error;
2. micrograd's own moons demo (demo.ipynb): MLP 2-16-16-1, SVM max-margin loss + L2 (alpha 1e-4),
   100 steps of SGD with learning rate 1.0 - 0.9·k/100, on the same 100 points; both final losses.

Both sides run micrograd's nn.py code: micrograd's own module for micrograd, and the same lines
(tests/micrograd_nn.py, unchanged but for the import) on engine.Value, which is what "speaks
micrograd" means. The same seed gives both the same initial weights. Each figure is the median of
several runs, the two sides alternating, so a busy machine slows both alike. Before each run the
garbage collector clears what the previous one left (micrograd's per-op closures form reference
cycles, so its graphs outlive their run and would otherwise be collected during the next one): each
side is charged for building and differentiating its graph, not for the other's garbage (nor for
freeing its own).
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.value import Value  # noqa: E402
from tests.micrograd_nn import MLP  # noqa: E402  (micrograd's nn.py on engine.Value)

try:
    import micrograd
    from micrograd import nn as micrograd_nn
except ImportError:
    sys.exit("micrograd is a benchmark-only partner: pip install micrograd==0.1.0")


SIDES = {"engine.Value": (Value, MLP), "micrograd": (micrograd.engine.Value, micrograd_nn.MLP)}


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[list[list[float]], list[int]]:
    """scikit-learn's make_moons (two interleaving half circles), labels -1 / +1 as in the demo."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i < n // 2:
            x0, x1, label = math.cos(t), math.sin(t), -1
        else:
            x0, x1, label = 1 - math.cos(t), 0.5 - math.sin(t), 1
        X.append([x0 + rng.gauss(0, noise), x1 + rng.gauss(0, noise)])
        y.append(label)
    return X, y


def forward_backward(side: str, X, y) -> float:
    V, Net = SIDES[side]
    random.seed(1337)
    model = Net(2, [16, 16, 1])
    gc.collect()  # start clean: micrograd's closures make cycles that only the collector frees
    start = time.perf_counter()
    scores = [model([V(a), V(b)]) for a, b in X]
    loss = sum(((s - yi) * (s - yi) for s, yi in zip(scores, y, strict=True)), V(0))
    loss.backward()
    return time.perf_counter() - start, loss.data, [p.grad for p in model.parameters()]


def moons_demo(side: str, X, y, steps: int = 100) -> tuple[float, float]:
    """demo.ipynb's training loop, as written there (full batch)."""
    V, Net = SIDES[side]
    random.seed(1337)
    model = Net(2, [16, 16, 1])  # 2-layer neural network
    gc.collect()

    def loss():
        inputs = [list(map(V, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores, strict=True)]
        return total_loss, sum(accuracy) / len(accuracy)

    start = time.perf_counter()
    for k in range(steps):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    return time.perf_counter() - start, total_loss.data, acc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="moons demo runs per side (0: skip)")
    args = parser.parse_args()
    X, y = make_moons()
    machine = platform.processor() or platform.machine()
    print(f"{machine}, Python {platform.python_version()}, micrograd 0.1.0")
    print("medians, the two sides alternating\n")

    (ours, theirs), results = alternate(15, forward_backward, X, y)
    (_, loss_a, grads_a), (_, loss_b, grads_b) = results
    grad_diff = max(abs(a - b) for a, b in zip(grads_a, grads_b, strict=True))
    print("1. forward + backward, MLP 2-16-16-1 (ReLU), 100 points, squared error")
    print(f"   engine.Value {ours * 1e3:7.2f} ms   micrograd {theirs * 1e3:7.2f} ms   "
          f"speed-up {theirs / ours:4.2f}x   (target >= 3x, aim 5x)")
    print(f"   loss {loss_a:.12f} vs {loss_b:.12f}; largest gradient difference {grad_diff:.1e}")
    # the same with Python's garbage collector off on both sides: the ops and backward alone. Most of
    # the gap above is the collector's: micrograd feeds it ~6 objects per node, engine.Value 1.
    (ours, theirs), _ = alternate(15, forward_backward, X, y, collector=False)
    print(f"   collector off: engine.Value {ours * 1e3:6.2f} ms   micrograd {theirs * 1e3:6.2f} ms   "
          f"speed-up {theirs / ours:4.2f}x\n")

    if args.runs < 1:
        return
    (ours, theirs), results = alternate(args.runs, moons_demo, X, y)
    (_, loss_a, acc_a), (_, loss_b, acc_b) = results
    print("2. micrograd's moons demo: MLP 2-16-16-1, SVM loss + L2 1e-4, 100 SGD steps")
    print(f"   engine.Value {ours:6.3f} s   micrograd {theirs:6.3f} s   speed-up {theirs / ours:4.2f}x   "
          "(target >= 5x)")
    print(f"   final loss {loss_a:.12f} vs {loss_b:.12f} (difference {abs(loss_a - loss_b):.1e}; "
          f"target <= 1e-9), accuracy {acc_a:.0%} vs {acc_b:.0%}")


def alternate(runs: int, workload, X, y, collector: bool = True) -> tuple[tuple[float, float], list]:
    """Median seconds of each side over `runs` rounds (the sides alternating), and each side's last
    result; workload(side, X, y) returns (seconds, ...)."""
    times = {side: [] for side in SIDES}
    last = {}
    for _ in range(runs):
        for side in SIDES:
            if not collector:
                gc.disable()
            try:
                last[side] = workload(side, X, y)
            finally:
                gc.enable()
            times[side].append(last[side][0])
    return tuple(statistics.median(times[s]) for s in SIDES), [last[s] for s in SIDES]


if __name__ == "__main__":
    main()
