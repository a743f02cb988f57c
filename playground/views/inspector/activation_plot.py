"""A small plot of a neuron's activation function f, with its current z and a = f(z) marked.

It shows why a sigmoid neuron stops learning when |z| is large (the curve is flat there) and why a
ReLU neuron with negative z is "dead". Softmax is not a function of one z: the plot shows it as a
function of this neuron's z with the other outputs' z held fixed, which is a sigmoid shifted by
log Σ e^(other z) — exactly what the neuron would do if only its own z moved.
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
        self._key: tuple | None = None
        self._y_range = (0.0, 1.0)
        self.name = ""
        self.z = 0.0
        self.a = 0.0
        self.setToolTip("The activation function f turns the weighted sum z into the neuron's output a.\n"
                        "The yellow dot is this neuron for the shown input. Where the curve is flat, a\n"
                        "small change of z (a weight, the bias) hardly changes a: it learns slowly there.")

    def show_neuron(self, name: str, z: float, a: float, others: np.ndarray | None = None) -> None:
        """Plot f for activation `name` and mark (z, a). `others`: the other outputs' z (softmax)."""
        self.name, self.z, self.a = name, float(z), float(a)
        span = max(Z_SPAN, float(np.ceil(abs(self.z) * 1.15 + 1.0)))
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
                title = "softmax of this output (the other outputs fixed)"
            else:
                ys = np.asarray(functions.activate(name, zs), dtype=float)
                title = f"the {name} function"
            self._curve.setData(zs, ys)
            lo, hi = float(ys.min()), float(ys.max())
            pad = 0.08 * (hi - lo or 1.0)
            self._y_range = (lo - pad, hi + pad)
            plot = self.getPlotItem()
            plot.setTitle(title, color=theme.TEXT_DIM, size="9pt")
            plot.setRange(xRange=(-span, span), yRange=self._y_range, padding=0)
            # a bounded function gets its bounds and middle as ticks: a short plot showed only "0"
            ticks = BOUNDED_TICKS.get(name)
            plot.getAxis("left").setTicks(
                None if ticks is None else [list(zip(ticks, tick_strings(list(ticks)), strict=True))])
        self._z_line.setValue(self.z)
        self._marker.setData([self.z], [self.a])
        self._readout.setText(f"z = {readable(self.z, 2)}\na = {readable(self.a, 3)}")
        # top-left corner, or top-right when the dot is on the left: never on top of the dot
        left = self.z > 0
        self._readout.setAnchor((0, 0) if left else (1, 0))
        self._readout.setPos(-span if left else span, self._y_range[1])

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._curve.getData()
        return np.asarray(x), np.asarray(y)
