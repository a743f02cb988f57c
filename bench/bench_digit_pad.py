"""How long from a mouse move on the digit pad to the new prediction on screen?

Budget: 30 ms (the pad updates at most 30 times a second while drawing, so an update must fit in a
frame). Measured in the same run, for comparison: the bare forward pass of the network on one
input, and `to_mnist` on its own. The full update is: paint the segment, read the canvas, to_mnist,
Session.set_input (the network's trace), the preview and the chart, and Qt repainting the panel —
and, in the main window, every other view that follows the input (the network view). The main window
is measured twice, alternating stroke by stroke: as it is (the network view repaints its neurons over
the edges kept in its cached background), and with that cache switched off, so that every repaint
draws the edges again.

    QT_QPA_PLATFORM=offscreen python bench/bench_digit_pad.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsView  # noqa: E402

from engine.preprocess import draw_stroke, to_mnist  # noqa: E402

BUDGET_MS = 30.0
LEFT, NO_KEYS = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
REPEATS = 3


def stroke_points(n: int = 120) -> list[tuple[int, int]]:
    """A "2"-like path across a 280-pixel canvas, one point every few pixels as a mouse reports."""
    t = np.linspace(0, 1, n)
    x = 80 + 120 * np.sin(np.pi * np.minimum(t * 1.6, 1.0))
    y = 50 + 190 * t
    return [(int(a), int(b)) for a, b in zip(x, y, strict=True)]


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def summary(name: str, ms: list[float], budget: float | None = BUDGET_MS) -> None:
    med = statistics.median(ms)
    p95 = sorted(ms)[int(0.95 * (len(ms) - 1))]
    verdict = "" if budget is None else ("  within budget" if p95 <= budget else "  OVER BUDGET")
    print(f"  {name:<46} median {med:7.3f} ms   p95 {p95:7.3f} ms{verdict}")


def measure_panel(panel, session, before_stroke=None, repeats: int = REPEATS) -> list[float]:
    """Per mouse move: the move event (paints the segment) + the update the throttle would send."""
    app = QApplication.instance()
    canvas = panel.canvas
    points = stroke_points()
    times = []
    for _ in range(repeats):
        if before_stroke is not None:
            before_stroke()
        canvas.clear()
        app.processEvents()
        QTest.mousePress(canvas, LEFT, NO_KEYS, QPoint(*points[0]))
        for p in points[1:]:
            t0 = time.perf_counter()
            QTest.mouseMove(canvas, QPoint(*p))
            panel.push_drawing()  # what the throttle does at most 30×/s
            app.processEvents()  # repaint canvas, preview, chart (and the other views)
            times.append((time.perf_counter() - t0) * 1000)
        QTest.mouseRelease(canvas, LEFT, NO_KEYS, QPoint(*points[-1]))
    assert session.input.any()
    return times


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    from playground.session import Session
    from playground.views.digits.digit_pad import DigitPanel

    session = Session()  # the default preset: the shipped digits model
    net = session.network
    print(f"network {'-'.join(map(str, net.sizes))} ({net.activation}, {net.output} output), "
          f"preset “{session.preset_name}”")

    canvas = np.zeros((280, 280))
    draw_stroke(canvas, [(50, 80), (60, 200), (240, 80), (240, 200)], 20)
    x = to_mnist(canvas)
    forward = timed(lambda: net.forward(x[None]), 2000)
    prep = timed(lambda: to_mnist(canvas), 500)
    print("\nparts (280×280 canvas):")
    summary("bare forward pass, one input", forward, None)
    summary("to_mnist (crop, 20×20 box filter, centre)", prep, None)

    panel = DigitPanel(session)
    panel.resize(420, 760)
    panel.show()
    app.processEvents()
    print("\ndrawing -> prediction, per update (budget 30 ms):")
    panel_ms = measure_panel(panel, session)
    summary("digit pad alone", panel_ms)
    panel.close()

    try:
        from playground.main_window import MainWindow
    except ImportError as exc:  # the window is assembled by another module; measure it when it exists
        print(f"  (main window not measured: {exc})")
        return 0
    window = MainWindow(preset=session.preset_name, remember=False)  # same network; leave user settings be
    window.resize(1600, 1000)
    window.show()
    window.digitsDock.show()
    window.digitsDock.raise_()
    app.processEvents()
    view = window.networkView
    cache = QGraphicsView.CacheModeFlag
    window_ms, no_cache_ms = [], []
    for _ in range(REPEATS):  # alternating, so a busy machine slows both alike
        window_ms += measure_panel(window.digitPanel, window.session,
                                   lambda: view.setCacheMode(cache.CacheBackground), repeats=1)
        no_cache_ms += measure_panel(window.digitPanel, window.session,
                                     lambda: view.setCacheMode(cache.CacheNone), repeats=1)
    view.setCacheMode(cache.CacheBackground)
    print(f"  (window {window.width()}×{window.height()}: preset “{window.session.preset_name}”, "
          f"{len(window.session.network.sizes)} layers)")
    summary("in the main window (network view follows)", window_ms)
    summary("  the same, network view's edge cache off", no_cache_ms)
    ratio = statistics.median(panel_ms) / statistics.median(forward)
    print(f"\nthe pad's update costs {ratio:.0f}× a bare forward pass; "
          f"{statistics.median(window_ms) / BUDGET_MS:.0%} of the 30 ms budget in the window")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
