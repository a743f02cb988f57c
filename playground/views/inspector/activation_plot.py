"""A small plot of a neuron's activation function f, with its current z and a = f(z) marked.

It shows why a sigmoid neuron stops learning when |z| is large (the curve is flat there) and why a
ReLU neuron with negative z is "dead". Softmax is not a function of one z: the plot shows it as a
function of this neuron's z with the other outputs' z held fixed, which is a sigmoid shifted by
log Σ e^(other z) — exactly what the neuron would do if only its own z moved.

Beside f it draws f′(z), the factor backprop multiplies by on its way through this neuron
(δ = ∂C/∂a · f′(z)), and, as bars along the bottom, where this neuron's z falls for the probe batch's
samples: bars under the flat ends of a sigmoid (f′ ≈ 0, saturated) or left of a ReLU's 0 (dead) are
samples this neuron cannot learn from.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from engine import functions
from playground import theme
from playground.number_format import readable, tick_strings

Z_SPAN = 6.0  # the plot shows at least z in [−6, 6]
SAMPLES = 241
MAX_SPAN = 60.0  # z of the probe samples beyond this go into the outermost bars
BINS = 48
HISTOGRAM_HEIGHT = 0.35  # the tallest bar's share of the plot's height
FLAT = 0.1  # f′ below this share of its largest value counts as flat: the neuron hardly learns there


def softmax_curve(z: np.ndarray, others: np.ndarray) -> np.ndarray:
    """softmax of this output as its own z varies, the other outputs' z fixed: sigmoid(z − logΣe^other)."""
    if len(others) == 0:
        return np.ones_like(z)
    m = float(np.max(others))
    shift = m + np.log(np.sum(np.exp(np.asarray(others, dtype=float) - m)))
    return functions.activate("sigmoid", np.asarray(z, dtype=float) - shift)


BOUNDED_TICKS = {"tanh": (-1.0, 0.0, 1.0), "sigmoid": (0.0, 0.5, 1.0), "softmax": (0.0, 0.5, 1.0)}


class ActivationPlot(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent=parent, background=theme.PANEL)
        self.setObjectName("activationPlot")
        self.setMinimumHeight(130)
        self.setMaximumHeight(170)
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setLabel("bottom", "weighted sum z", color=theme.TEXT_DIM)
        plot.setLabel("left", "a = f(z)", color=theme.TEXT_DIM)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTextPen(theme.TEXT_DIM)
            axis.setPen(theme.TEXT_DIM)
        self._curve = plot.plot([], [], pen=pg.mkPen(theme.TEXT, width=2))
        self._zero = pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen(theme.NEURON_OUTLINE, width=1))
        plot.addItem(self._zero)
        self._z_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.HIGHLIGHT, width=1,
                                                              style=Qt.PenStyle.DashLine))
        plot.addItem(self._z_line)
        self._marker = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(theme.HIGHLIGHT), pen=pg.mkPen("k"))
        plot.addItem(self._marker)
        self._readout = pg.TextItem(color=theme.HIGHLIGHT)
        plot.addItem(self._readout)
        # where the probe batch's z fall (drawn under the curves), f′, and f′ at this neuron's z
        self._histogram = pg.PlotDataItem([], [], stepMode="center", fillLevel=0.0, pen=None,
                                          brush=pg.mkBrush(*theme.rgb(theme.NEGATIVE), 90))
        self._histogram.setZValue(-1)
        plot.addItem(self._histogram)
        self._slope = plot.plot([], [], pen=pg.mkPen(theme.GOOD, width=1.5, style=Qt.PenStyle.DashLine))
        self._slope_marker = pg.ScatterPlotItem(size=8, brush=pg.mkBrush(theme.GOOD), pen=pg.mkPen("k"))
        plot.addItem(self._slope_marker)
        self._title = ""
        self._spread_note = ""  # what the bars say, e.g. "40% of 320 samples: dead (z ≤ 0)"
        self.slope = 0.0  # f′(z) at this neuron's z
        self.spread = np.zeros(0)  # z of the probe samples
        self.counts = np.zeros(0, dtype=int)  # the bars: how many of them in each bin
        self.edges = np.zeros(0)
        self.flat_share = 0.0  # the share of them where f′ is flat (saturated, or a dead ReLU)
        self._key: tuple | None = None
        self._y_range = (0.0, 1.0)
        self.name = ""
        self.z = 0.0
        self.a = 0.0
        self.setToolTip("The activation function f turns the weighted sum z into the neuron's output a.\n"
                        "The yellow dot is this neuron for the shown input. Where the curve is flat, a\n"
                        "small change of z (a weight, the bias) hardly changes a: it learns slowly there.\n"
                        "The green dashed curve is f′(z), the factor backpropagation multiplies by here:\n"
                        "δ = ∂C/∂a · f′(z). The blue bars show where z falls for a fixed sample of the\n"
                        "training data: bars where f′ is about 0 (a saturated sigmoid, a dead ReLU) are\n"
                        "samples this neuron cannot learn from.")

    def show_neuron(self, name: str, z: float, a: float, others: np.ndarray | None = None,
                    spread: np.ndarray | None = None) -> None:
        """Plot f for activation `name` and mark (z, a). `others`: the other outputs' z (softmax).
        `spread`: this neuron's z for each sample of the probe batch (drawn as bars), if given."""
        self.name, self.z, self.a = name, float(z), float(a)
        span = max(Z_SPAN, float(np.ceil(abs(self.z) * 1.15 + 1.0)))
        if spread is not None and len(spread):
            self.spread = np.asarray(spread, dtype=float)
            reach = float(np.max(np.abs(self.spread[np.isfinite(self.spread)]), initial=0.0))
            span = max(span, min(MAX_SPAN, float(np.ceil(reach * 1.05))))
        shift = None
        if name == "softmax" and others is not None and len(others):
            shift = round(float(np.log(np.sum(np.exp(np.asarray(others, float) - np.max(others))))
                                + np.max(others)), 6)
        # the curve, its title and the axes change only with the function or the z range: during a
        # slider drag only the marker moves, which keeps the plot cheap to redraw
        key = (name, span, shift)
        if key != self._key:
            self._key = key
            zs = np.linspace(-span, span, SAMPLES)
            if name == "softmax":
                ys = softmax_curve(zs, np.asarray(others if others is not None else [], dtype=float))
                title = "softmax of this output (others fixed)"
            else:
                ys = np.asarray(functions.activate(name, zs), dtype=float)
                title = f"{name}"
            self._curve.setData(zs, ys)
            # f′: the softmax curve is a shifted sigmoid, whose slope is a(1 − a)
            slopes = ys * (1 - ys) if name == "softmax" else np.asarray(functions.derivative(name, zs), float)
            self._slope.setData(zs, slopes)
            ys = np.concatenate([ys, slopes])
            lo, hi = float(ys.min()), float(ys.max())
            pad = 0.08 * (hi - lo or 1.0)
            self._y_range = (lo - pad, hi + pad)
            plot = self.getPlotItem()
            self._title = title
            plot.setRange(xRange=(-span, span), yRange=self._y_range, padding=0)
            # a bounded function gets its bounds and middle as ticks: a short plot showed only "0"
            ticks = BOUNDED_TICKS.get(name)
            plot.getAxis("left").setTicks(
                None if ticks is None else [list(zip(ticks, tick_strings(list(ticks)), strict=True))])
        self._z_line.setValue(self.z)
        self._marker.setData([self.z], [self.a])
        # (softmax: the diagonal of its Jacobian, a(1 − a), what this output's z does to its own a)
        self.slope = self.a * (1 - self.a) if name == "softmax" else float(functions.derivative(name, self.z))
        self._slope_marker.setData([self.z], [self.slope])
        self._readout.setText(f"z = {readable(self.z, 2)}\na = {readable(self.a, 3)}\n"
                              f"f′ = {readable(self.slope, 3)}")
        self._show_spread(spread is not None and len(spread) > 0, span)
        # top-left corner, or top-right when the dot is on the left: never on top of the dot
        left = self.z > 0
        self._readout.setAnchor((0, 0) if left else (1, 0))
        self._readout.setPos(-span if left else span, self._y_range[1])

    def _show_spread(self, shown: bool, span: float) -> None:
        """Bars along the bottom: how many probe samples have their z in each bin, and the share of
        them where f′ is flat."""
        if not shown:
            self._histogram.setData([], [])
            self._spread_note = ""
            self._set_title(f"{self._title} and its slope f′ (dashed)")
            self.counts, self.edges, self.flat_share = np.zeros(0, dtype=int), np.zeros(0), 0.0
            return
        z = np.clip(self.spread, -span, span)  # beyond the plot: into the outermost bars
        self.edges = np.linspace(-span, span, BINS + 1)
        self.counts = np.histogram(z, bins=self.edges)[0]
        lo, hi = self._y_range
        top = max(int(self.counts.max()), 1)
        heights = lo + HISTOGRAM_HEIGHT * (hi - lo) * self.counts / top
        self._histogram.setData(self.edges, heights)
        self._histogram.setFillLevel(lo)
        self.flat_share = 0.0
        note = f"z of {len(self.spread)} samples"
        if self.name != "softmax":  # (softmax's slope depends on the other outputs of each sample)
            slopes = np.asarray(functions.derivative(self.name, self.spread), float)
            biggest = float(np.max(self._slope.getData()[1]))
            self.flat_share = float(np.mean(slopes <= FLAT * biggest)) if biggest > 0 else 0.0
            word = "dead (z ≤ 0)" if self.name == "relu" else "flat (f′ ≈ 0)"
            note = f"{100 * self.flat_share:.0f}% of {len(self.spread)} {word}"
        self._spread_note = note
        self._set_title(f"{self._title}, f′ dashed · bars: z, {note}")

    def _set_title(self, text: str) -> None:
        plot = self.getPlotItem()
        if plot.titleLabel.text != text:
            plot.setTitle(text, color=theme.TEXT_DIM, size="9pt")
            plot.titleLabel.setMinimumWidth(1)  # a narrow inspector cuts the title, not the plot
            plot.titleLabel.setPreferredWidth(1)

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._curve.getData()
        return np.asarray(x), np.asarray(y)
