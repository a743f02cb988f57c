"""How long does one update of the cost curve take? Prints figures; asserts nothing.

    python bench/landscape.py

The default digits model (engine/resources/models/digits.npz, 784-256-128-10, ReLU/softmax, cross-entropy),
512 training samples (the probe batch `Session.gradient_batch()` uses), 200 values across [-3, 3]:
`landscape.cost_along` (one vectorised call) against its comparison partner, setting the parameter and
calling `net.cost` once per value, measured in the same run. Target: <= 30 ms per update for a
weight in layer 1 and a weight in the last layer. BLAS on 1 thread (as the worker uses it); medians.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import landscape, load  # noqa: E402
from engine.datasets import load as load_dataset  # noqa: E402
from engine.resources import DEFAULT_MODEL  # noqa: E402
from engine.threads import blas_threads  # noqa: E402

COST = "cross_entropy"


def median_ms(repeats: int, fn, *args) -> float:
    fn(*args)  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def naive(net, X, Y, layer, neuron, source, values) -> np.ndarray:
    """The partner: one full forward pass per value (what a plain loop over net.cost does)."""
    array = net.biases[layer - 1] if source is None else net.weights[layer - 1]
    index = (neuron,) if source is None else (neuron, source)
    old = array[index]
    out = []
    for v in values:
        array[index] = v
        out.append(net.cost(X, Y, COST))
    array[index] = old
    return np.array(out)


def main() -> None:
    net = load(DEFAULT_MODEL)
    data = load_dataset("digits", source="bundled")
    X, Y = data.X_train[:512], data.Y_train[:512]
    values = np.linspace(-3.0, 3.0, 200)
    ink = (X > 0).mean(axis=0)
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}")
    print(f"{net}, {len(X)} samples, {len(values)} values, cost {COST}; medians, BLAS on 1 thread\n")
    print(f"{'parameter':<50}{'cost_along':>12}{'net.cost loop':>15}{'speed-up':>10}{'max rel. diff':>15}")
    cases = [
        ("layer 1, neuron 5, pixel 406 (centre)", 1, 5, 406),
        ("layer 1, neuron 5, pixel 300", 1, 5, 300),
        ("layer 1, neuron 5, bias", 1, 5, None),
        ("layer 2, neuron 4, weight 10", 2, 4, 10),
        ("layer 3 (output), neuron 3, weight 7", 3, 3, 7),
        ("layer 3 (output), neuron 3, bias", 3, 3, None),
    ]
    with blas_threads(1):
        for name, layer, neuron, source in cases:
            parameter = (layer, neuron, source, values)
            fast = median_ms(21, landscape.cost_along, net, X, Y, COST, *parameter)
            slow = median_ms(3, naive, net, X, Y, *parameter)
            a = landscape.cost_along(net, X, Y, COST, layer, neuron, source, values)
            b = naive(net, X, Y, layer, neuron, source, values)
            diff = float(np.max(np.abs(a - b) / np.abs(b)))
            if source is not None and layer == 1:
                name += f" ({ink[source]:.0%} ink)"
            print(f"{name:<50}{fast:>10.1f}ms{slow:>13.0f}ms{slow / fast:>9.0f}x{diff:>15.1e}")
    print("\ntarget: <= 30 ms for a weight in layer 1 and in the last layer")


if __name__ == "__main__":
    main()
