"""The prediction chart: the network's ten output values as bars, the winner highlighted.

With a softmax output the ten values are probabilities that add up to 1. With a sigmoid (or linear)
output each one is a separate score, so the percentage of the winner is its share of the total —
the axis label and the tooltip say which is shown. Items are built once and fed new heights.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from playground import theme

BAR_WIDTH = 0.72


def shares(values: np.ndarray, output: str) -> np.ndarray:
    """Each output's share of the answer, 0..1: the values themselves for softmax (they are already
    probabilities), else the values normalised by their sum (negative values count as 0)."""
    v = np.asarray(values, dtype=np.float64)
    if output == "softmax":
        return v
    v = np.clip(v, 0.0, None)
    total = v.sum()
    return v / total if total > 0 else np.zeros_like(v)


class PredictionChart(pg.PlotWidget):
    """Ten bars, one per digit; objectName "predictionChart"."""

    def __init__(self, parent=None):
        super().__init__(parent=parent, background=theme.BACKGROUND)
        self.setObjectName("predictionChart")
        self.setMinimumSize(280, 200)
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTextPen(theme.TEXT)
            axis.setPen(theme.TEXT_DIM)
            axis.enableAutoSIPrefix(False)
        plot.getAxis("bottom").setTicks([[(k, str(k)) for k in range(10)]])
        plot.setLabel("bottom", "digit", color=theme.TEXT_DIM)
        plot.setXRange(-0.6, 9.6, padding=0)
        self.output = ""
        self.values = np.zeros(10)
        self.top = -1
        self.top_share = 0.0
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=BAR_WIDTH,
                                    brush=theme.TEXT_DIM, pen=None)
        plot.addItem(self.bars)
        self._labels = []
        for _ in range(10):
            label = pg.TextItem("", color=theme.TEXT_DIM, anchor=(0.5, 1.0))
            plot.addItem(label, ignoreBounds=True)
            self._labels.append(label)
        self.set_output("softmax")
        self.show_values(np.zeros(10))

    # ------------------------------------------------------------------ reading (tests, other widgets)
    def heights(self) -> np.ndarray:
        return np.asarray(self.bars.opts["height"], dtype=float)

    def headline(self) -> str:
        return self.getPlotItem().titleLabel.text

    # ------------------------------------------------------------------ updating
    def set_output(self, output: str) -> None:
        """Say what the bars mean for this kind of output layer."""
        if output == self.output:
            return
        self.output = output
        plot = self.getPlotItem()
        if output == "softmax":
            plot.setLabel("left", "probability", color=theme.TEXT_DIM)
            plot.setYRange(-0.01, 1.08, padding=0)
            plot.enableAutoRange(axis="y", enable=False)
            self.setToolTip(
                "The network's answer: its softmax output layer gives a probability for each digit 0–9\n"
                "(they add up to 100%). The highlighted bar is the digit it picks."
            )
        elif output == "sigmoid":
            plot.setLabel("left", "output activation (% = share of the total)", color=theme.TEXT_DIM)
            plot.setYRange(-0.01, 1.08, padding=0)
            plot.enableAutoRange(axis="y", enable=False)
            self.setToolTip(
                "The network's answer: each of its ten sigmoid output neurons says 0..1 on its own how much\n"
                "the input looks like its digit. They need not add up to 1, so the percentage shown is each\n"
                "activation divided by the sum of all ten. The highlighted bar is the digit it picks."
            )
        else:
            plot.setLabel("left", f"output value ({output}; % = share of the positive total)",
                          color=theme.TEXT_DIM)
            plot.enableAutoRange(axis="y", enable=True)
            self.setToolTip(
                f"The network's answer: the raw values of its ten {output} output neurons.\n"
                "The percentage is each positive value divided by the sum of the positive ones.\n"
                "The highlighted bar is the digit it picks."
            )

    def show_values(self, values: np.ndarray, label: int | None = None) -> None:
        """New output values (ten of them); `label` is the true digit if known."""
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        self.values = values
        share = shares(values, self.output)
        blank = not np.any(values)
        self.top = -1 if blank else int(np.argmax(values))
        self.top_share = 0.0 if blank else float(share[self.top])
        brushes = [pg.mkBrush(theme.HIGHLIGHT if k == self.top else theme.TEXT_DIM) for k in range(10)]
        pens = [pg.mkPen(None)] * 10
        if label is not None and 0 <= label < 10:
            colour = theme.GOOD if label == self.top else theme.BAD
            pens[label] = pg.mkPen(colour, width=3)
        self.bars.setOpts(height=values, brushes=brushes, pens=pens)
        top_y = max(float(values.max()), 0.0) if values.size else 0.0
        for k, text_item in enumerate(self._labels):
            text_item.setText(f"{share[k]:.0%}" if share[k] >= 0.005 else "")
            text_item.setColor(theme.HIGHLIGHT if k == self.top else theme.TEXT_DIM)
            text_item.setPos(k, max(values[k], 0.0) + 0.01 * max(top_y, 1.0))
        self.getPlotItem().setTitle(self._headline(label), color=theme.HIGHLIGHT, size="15pt")

    def _headline(self, label: int | None) -> str:
        if self.top < 0:
            return "—"
        text = f"{self.top} — {self.top_share:.0%}"
        if label is not None:
            verdict = "right" if label == self.top else "wrong"
            style = f"font-size:11pt; color:{theme.TEXT_DIM}"
            text += f"  <span style='{style}'>(true digit {label}: {verdict})</span>"
        return text

    def blank(self, message: str) -> None:
        """No digits to predict: empty bars and a short note instead of a headline."""
        self.values = np.zeros(10)
        self.top, self.top_share = -1, 0.0
        self.bars.setOpts(height=np.zeros(10), brushes=[pg.mkBrush(theme.TEXT_DIM)] * 10)
        for text_item in self._labels:
            text_item.setText("")
        self.getPlotItem().setTitle(message, color=theme.TEXT_DIM, size="11pt")

