"""How long the network view, the inspector and the boundary take per frame.

    QT_QPA_PLATFORM=offscreen python bench/bench_network_view.py [--frames 60]

For 784-16-16-10 and 784-256-128-10 (digits) it measures, in the same run:
  * a recolour: new weights land (as a Run snapshot does) and the view recolours neurons and edges,
    with and without the repaint that follows;
  * the comparison partner: rebuilding the whole scene for each frame (what we avoid), with repaint;
  * a new input (a drawn digit, a browsed sample) and the repaint that follows: only the neurons are
    drawn, over the edges kept in the view's cached background; the comparison partner is the same
    view with that cache switched off, so that every repaint draws the edges again.
Run delivers at most ~30 snapshots a second, so a frame must stay well under 33 ms.

Also: the inspector's slider rows for a 784-input neuron (built the first time, then swapped back in,
then moved to another neuron with as many inputs), its refresh per frame, and the boundary heatmap
(one 100x100 forward pass and the image) for the Spiral preset.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsView  # noqa: E402


def median_ms(fn, frames: int) -> float:
    times = []
    for k in range(frames):
        start = time.perf_counter()
        fn(k)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def snapshots(session, frames: int) -> list[list[np.ndarray]]:
    """Weights that differ frame to frame, as training would make them."""
    rng = np.random.default_rng(0)
    base = [w.copy() for w in session.network.weights]
    return [[w + rng.normal(0, 0.05, w.shape).astype(w.dtype) for w in base] for _ in range(frames)]


def land(session, weights) -> None:
    """Put a snapshot's weights in the shown network and announce it, as the Session does for Run."""
    for w, new in zip(session.network.weights, weights, strict=True):
        np.copyto(w, new)
    # a public edit: invalidates the Session's cached activations and emits networkChanged
    session.set_bias(1, 0, float(session.network.biases[0][0]))


def bench_view(app, hidden: list[int], frames: int) -> None:
    from playground.session import Session
    from playground.views.network.network_view import NetworkView

    session = Session(preset="3Blue1Brown digits")
    session.set_hidden(hidden)
    view = NetworkView(session)
    view.resize(1200, 760)
    view.show()
    app.processEvents()
    snaps = snapshots(session, frames)

    def recolour(k):
        land(session, snaps[k])

    def recolour_and_paint(k):
        land(session, snaps[k])
        view.viewport().repaint()

    def rebuild(k):
        for w, new in zip(session.network.weights, snaps[k], strict=True):
            np.copyto(w, new)
        view.rebuild()

    def rebuild_and_paint(k):
        for w, new in zip(session.network.weights, snaps[k], strict=True):
            np.copyto(w, new)
        view.rebuild()
        view.viewport().repaint()

    inputs = session.dataset.X_test

    def new_input(k, cached=True):
        view.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground if cached
                          else QGraphicsView.CacheModeFlag.CacheNone)
        view.viewport().repaint()  # (not timed: the switch itself repaints everything)
        start = time.perf_counter()
        session.set_input(inputs[k % len(inputs)])
        view.viewport().repaint()
        return (time.perf_counter() - start) * 1000

    shape = "-".join(str(n) for n in session.network.sizes)
    edges = sum(len(fan.weights) for fan in view._edge_fans)
    # interleaved, frame by frame, so a busy machine slows both sides alike
    times: dict[str, list[float]] = {"r": [], "rp": [], "b": [], "bp": [], "i": [], "in": []}
    for k in range(frames):
        steps = (("r", recolour), ("rp", recolour_and_paint), ("b", rebuild), ("bp", rebuild_and_paint))
        for key, fn in steps:
            start = time.perf_counter()
            fn(k)
            times[key].append((time.perf_counter() - start) * 1000)
        times["i"].append(new_input(k))
        times["in"].append(new_input(k, cached=False))
    r, rp, b, rb, i, i_nc = (float(np.median(times[key])) for key in ("r", "rp", "b", "bp", "i", "in"))
    print(f"{shape:>16} ({edges:>4} edges drawn): recolour {r:6.2f} ms, with paint {rp:6.2f} ms  |  "
          f"full scene rebuild {b:6.2f} ms ({b / r:4.1f}x), with paint {rb:6.2f} ms ({rb / rp:4.1f}x)")
    print(f"{'':>16} new input, with paint: {i:6.2f} ms (edges from the cache)  |  "
          f"{i_nc:6.2f} ms ({i_nc / i:4.1f}x) with the cache off")
    session.shutdown()


def bench_inspector(app, frames: int) -> None:
    from playground.session import Session
    from playground.views.inspector.inspector import RUN_REFRESH_HZ, NeuronInspector

    session = Session(preset="3Blue1Brown digits")
    inspector = NeuronInspector(session)
    inspector.resize(420, 900)
    inspector.show()
    app.processEvents()

    def timed(action) -> float:
        start = time.perf_counter()
        action()
        app.processEvents()  # includes the layout and paint that the change causes
        return (time.perf_counter() - start) * 1000

    out = len(session.network.sizes) - 1
    t_small = timed(lambda: session.select_neuron(out, 0))
    t_first = timed(lambda: session.select_neuron(1, 3))
    t_back = timed(lambda: session.select_neuron(out, 1))
    t_again = timed(lambda: session.select_neuron(1, 5))
    t_same = timed(lambda: session.select_neuron(1, 6))
    snaps = snapshots(session, frames)
    refresh = median_ms(lambda k: (land(session, snaps[k]), app.processEvents()), frames)
    print(f"inspector, 784-input neuron: first 784 slider rows {t_first:6.1f} ms "
          f"(16 rows: {t_small:5.1f} ms); back to 16 rows {t_back:5.1f} ms;\n"
          f"  784 rows again (pooled page) {t_again:6.1f} ms; another 784-input neuron {t_same:6.1f} ms; "
          f"refresh+paint per edit {refresh:5.2f} ms (during Run at most {RUN_REFRESH_HZ} per second)")
    session.shutdown()


def bench_boundary(app, frames: int) -> None:
    from playground.session import Session
    from playground.views.plots.boundary import GRID, BoundaryView

    session = Session(preset="Spiral")
    view = BoundaryView(session)
    view.resize(460, 420)
    view.show()
    app.processEvents()
    forward = median_ms(lambda k: session.network.forward(view._grid), frames)
    refresh = median_ms(lambda k: (view.refresh(), view.plot.viewport().repaint()), frames)
    shape = "-".join(str(n) for n in session.network.sizes)
    print(f"boundary {GRID}x{GRID} for {shape}: forward pass alone {forward:5.2f} ms; "
          f"heatmap refresh+paint {refresh:5.2f} ms")
    session.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from playground.app import style_application

    style_application(app)
    print(f"median over {args.frames} frames (1200x760 view, offscreen software rendering)")
    for hidden in ([16, 16], [256, 128]):
        bench_view(app, hidden, args.frames)
    bench_inspector(app, min(args.frames, 30))
    bench_boundary(app, args.frames)


if __name__ == "__main__":
    main()
