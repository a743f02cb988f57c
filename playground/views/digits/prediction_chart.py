"""The prediction chart: the network's ten output values as bars, the winner highlighted.

With a softmax output the ten values are probabilities that add up to 1. With a sigmoid (or linear)
output each one is a separate score, so the percentage of the winner is its share of the total —
the axis label and the tooltip say which is shown. Items are built once and fed new heights.

The chart follows every drawn stroke and every Run snapshot, so an update touches only what changed:
the axes (with the grid) are cached pictures that stay put, and a label or the headline is set only
when its text changes (a new headline is an HTML layout).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem

from playground import theme

BAR_WIDTH = 0.72
# a probability's axis ends at 1.0 (and its grid with it)
UNIT_TICKS = [[(0.0, "0"), (0.5, "0.5"), (1.0, "1.0")], [(v, "") for v in (0.25, 0.75)]]
LABEL_ROOM = 1.15  # the top of the y axis: room above a full bar for its "100%"


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
        self.setMinimumSize(200, 200)
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
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # redrawn only when it changes
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
        self._label_state: list[tuple | None] = [None] * 10  # (text, colour, position) each label shows
        self._headline_args: tuple | None = None
        for _ in range(10):
            label = pg.TextItem("", color=theme.TEXT_DIM, anchor=(0.5, 1.0))
            plot.addItem(label, ignoreBounds=True)
            self._labels.append(label)
        self.set_output("softmax")
        self.show_values(np.zeros(10))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # "13%" over each bar: a smaller font when the bars are narrow, so neighbours do not touch
        font = QFont()
        font.setPixelSize(11 if self.width() >= 340 else 9)
        for label in getattr(self, "_labels", []):  # (pyqtgraph resizes before __init__ made them)
            label.setFont(font)

    def sizeHint(self) -> QSize:
        return QSize(260, 240)  # (pyqtgraph asks for 600×480: too much for a dock beside the network)

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
        if output in ("softmax", "sigmoid"):  # both 0..1: a fixed axis, with room above 1.0 for labels
            plot.setYRange(-0.01, LABEL_ROOM, padding=0)
            plot.enableAutoRange(axis="y", enable=False)
            plot.getAxis("left").setTicks(UNIT_TICKS)  # the room above 1.0 is for the labels, not a tick
        if output == "softmax":
            plot.setLabel("left", "probability", color=theme.TEXT_DIM)
            self.setToolTip(
                "The network's answer: its softmax output layer gives a probability for each digit 0–9\n"
                "(they add up to 100%). The highlighted bar is the digit it picks."
            )
        elif output == "sigmoid":
            plot.setLabel("left", "output activation (% = share of the total)", color=theme.TEXT_DIM)
            self.setToolTip(
                "The network's answer: each of its ten sigmoid output neurons says 0..1 on its own how much\n"
                "the input looks like its digit. They need not add up to 1, so the percentage shown is each\n"
                "activation divided by the sum of all ten. The highlighted bar is the digit it picks."
            )
        else:
            plot.setLabel("left", f"output value ({output}; % = share of the positive total)",
                          color=theme.TEXT_DIM)
            plot.enableAutoRange(axis="y", enable=True)
            plot.getAxis("left").setTicks(None)
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
            text = f"{share[k]:.0%}" if share[k] >= 0.005 else ""
            colour = theme.HIGHLIGHT if k == self.top else theme.TEXT_DIM
            y = round(max(values[k], 0.0) + 0.01 * max(top_y, 1.0), 4)
            if self._label_state[k] != (text, colour, y):
                self._label_state[k] = (text, colour, y)
                text_item.setText(text)
                text_item.setColor(colour)
                text_item.setPos(k, y)
        self._set_title(self._headline(label), theme.HIGHLIGHT, "15pt")

    def _set_title(self, text: str, color: str, size: str) -> None:
        if self._headline_args != (text, color, size):
            self._headline_args = (text, color, size)
            self.getPlotItem().setTitle(text, color=color, size=size)

    def _headline(self, label: int | None) -> str:
        if self.top < 0:
            return "—"
        text = f"{self.top} — {self.top_share:.0%}"
        if label is not None:
            verdict = "right" if label == self.top else "wrong"
            style = f"font-size:11pt; color:{theme.TEXT_DIM}"
            text += f"<br><span style='{style}'>true digit {label}: {verdict}</span>"
        return text

    def blank(self, message: str) -> None:
        """No digits to predict: empty bars and a short note instead of a headline."""
        self.values = np.zeros(10)
        self.top, self.top_share = -1, 0.0
        self.bars.setOpts(height=np.zeros(10), brushes=[pg.mkBrush(theme.TEXT_DIM)] * 10)
        for k, text_item in enumerate(self._labels):
            self._label_state[k] = None
            text_item.setText("")
        self._set_title(message, theme.TEXT_DIM, "11pt")

