"""How long does the cost-along-one-weight dock take to follow one slider move? Prints figures.

    QT_QPA_PLATFORM=offscreen python bench/bench_cost_curve.py

The "Accurate digits" preset (the shipped 784-256-128-10 model), the probe batch of 512 training
samples, about 200 values across the slider's range. One update is what a slider drag costs the GUI
thread: `session.set_weight` -> networkChanged -> CostCurve.refresh (the curve by
`landscape.cost_along`, the tangent by one backward pass on the probe batch, the items' setData).
Its comparison partner, measured in the same run on the same numbers: the same curve by setting the
weight and calling `net.cost` once per value, plus the same backward pass. BLAS on 1 thread; medians.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a benchmark needs no display

from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.threads import blas_threads  # noqa: E402
from playground.probe_gradients import probe_backprop  # noqa: E402


def median_ms(repeats: int, fn) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def slider_step(session, parameter, start: float, count: list[int]) -> None:
    """A slider step: a new value each time (so nothing cached is reused), which the dock follows."""
    layer, neuron, source = parameter
    count[0] += 1
    value = start + 0.01 * (count[0] % 2)
    if source is None:
        session.set_bias(layer, neuron, value)
    else:
        session.set_weight(layer, neuron, source, value)


def partner(session, curve, parameter) -> None:
    """The same curve one net.cost at a time, and the same backward pass."""
    layer, neuron, source = parameter
    net, cost = session.network, session.cost_name
    X, Y = session.gradient_batch()
    array = net.biases[layer - 1] if source is None else net.weights[layer - 1]
    index = (neuron,) if source is None else (neuron, source)
    old = array[index]
    for v in curve.item("cost").getData()[0]:
        array[index] = v
        net.cost(X, Y, cost)
    array[index] = old
    net.gradients(X, Y, cost)


def fresh_backprop(session, count: list[int]) -> None:
    """The probe batch's backward pass for a network state seen for the first time."""
    count[0] += 1
    session.network.biases[0][0] += 1e-3 * (1 if count[0] % 2 else -1)  # nothing cached is reused
    probe_backprop(session)


def main() -> None:
    app = QApplication.instance() or QApplication([])  # noqa: F841 (the widget needs it)
    from playground.session import Session
    from playground.views.plots.cost_curve import CostCurve

    session = Session(preset="Accurate digits")
    curve = CostCurve(session)
    curve.resize(600, 300)
    curve.show()
    net, cost = session.network, session.cost_name
    X, Y = session.gradient_batch()
    print(f"{net}, {len(X)} probe samples, cost {cost}; medians of 15, BLAS on 1 thread\n")
    print(f"{'parameter':<42}{'points':>7}{'dock update':>13}{'net.cost loop':>15}{'speed-up':>10}")
    cases = [("layer 1, neuron 5, pixel 406", 1, 5, 406), ("layer 2, neuron 4, weight 10", 2, 4, 10),
             ("output layer, neuron 3, weight 7", 3, 3, 7), ("output layer, neuron 3, bias", 3, 3, None)]
    with blas_threads(1):
        for name, layer, neuron, source in cases:
            session.select_weight(layer, neuron, source)
            parameter = (layer, neuron, source)
            fast = median_ms(15, partial(slider_step, session, parameter, session.parameter_value(), [0]))
            slow = median_ms(3, partial(partner, session, curve, parameter))
            points = len(curve.item("cost").getData()[0])
            print(f"{name:<42}{points:>7}{fast:>11.1f}ms{slow:>13.0f}ms{slow / fast:>9.0f}x")
        # what the gradient overlay, the nudge list and the f′ bars share per new network state
        once = median_ms(15, partial(fresh_backprop, session, [0]))
        print(f"\none backward pass on the probe batch (shared by the overlay, the nudge list and the "
              f"f′ bars): {once:.1f} ms")
    print(f"{os.cpu_count()} cores (shared); the issue's target for the curve alone: <= 30 ms")
    session.shutdown()


if __name__ == "__main__":
    main()
