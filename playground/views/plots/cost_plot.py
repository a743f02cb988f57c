"""The cost plot: how wrong the network is, step by step, and how well it does on unseen data.

Plot items are created once and fed with setData (pyqtgraph's own advice); the Session keeps the
number of points bounded, so the plot costs the same after a minute of Run as after an hour.

The axes are ranged by hand, in steps of "nice" numbers: a new point mostly lands inside the range
already shown, so a refresh repaints the lines but not the axes and grid (pyqtgraph's auto-range
would move the x axis with every point and paint the plot twice: once for the data, once more for
the axis that followed it). Each axis, with its share of the grid, is also kept as a cached picture
that Qt redraws only when the axis changes: most of a repaint is then one line and a few markers.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from playground import theme
from playground.number_format import use_readable_ticks
from playground.session import Session
from playground.views.pacing import Paced
from playground.views.plots.empty_state import PlotHint, show_axis_numbers

REFRESH_HZ = 10
ABOVE_HIGHEST = 1.05  # the cost axis reaches a little above the highest point, then up to a nice number
ACCURACY_TOP = 110.0  # and the accuracy axis above 100 %: a 100 % marker shows whole, its "100" fits
NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # for the top of the cost
# the step axis grows by half or more at a time: early in a Run it grows fast, and each new range
# redraws the axis
STEP_RANGES = (1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0)


def nice_ceiling(x: float, steps: tuple[float, ...] = NICE_STEPS) -> float:
    """The smallest of `steps` (1, 1.2, 1.5, 2, ... times a power of ten) that is >= x > 0."""
    if not np.isfinite(x) or x <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(x))
    return next(step * power for step in steps if step * power >= x * (1 - 1e-9))


class CostPlot(pg.PlotWidget):
    """Training cost per step (line), test cost and test accuracy per epoch (markers)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent=parent, background=theme.BACKGROUND)
        self.setObjectName("costPlot")
        self.setToolTip(
            "The cost measures how wrong the network is: 0 means every answer is right.\n"
            "The line is the cost of each mini-batch as it trains; the dots are measured once per epoch\n"
            "on test data the network never trains on. Accuracy (right axis) is the share it gets right."
        )
        self._session = session
        plot = self.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setLabel("bottom", "training step", color=theme.TEXT_DIM)
        plot.setLabel("left", "cost", color=theme.TEXT_DIM)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.setMinimumHeight(160)

        # accuracy lives on its own y axis on the right, 0..100 %, sharing the x axis
        self._accuracy_view = pg.ViewBox(enableMouse=False)
        plot.showAxis("right")
        plot.scene().addItem(self._accuracy_view)
        plot.getAxis("right").linkToView(self._accuracy_view)
        plot.getAxis("right").setLabel("test accuracy (%)", color=theme.ACCURACY)
        plot.getAxis("right").setTicks([[(v, str(v)) for v in (0, 25, 50, 75, 100)]])
        use_readable_ticks(plot.getAxis("left"))  # an exploded cost: 1.0×10⁴⁰, not 40 digits
        self._accuracy_view.setXLink(plot)
        self._accuracy_view.setYRange(0, ACCURACY_TOP, padding=0)
        plot.getViewBox().sigResized.connect(self._sync_views)
        for name in ("left", "bottom", "right"):
            axis = plot.getAxis(name)
            axis.setTextPen(theme.TEXT_DIM)
            axis.setPen(theme.TEXT_DIM)
            axis.enableAutoSIPrefix(False)  # "cost (x0.001)" would puzzle a student
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # ticks, labels and grid

        # The legend sits in a row of its own above the data (the plot item's title row), never over
        # the curves: in a narrow plot its entries wrap into more rows and the data area gives way.
        self._legend = plot.addLegend(offset=(4, 1), labelTextColor=theme.TEXT, colCount=3)
        self._legend.setParentItem(plot)  # anchored to the whole plot item, not inside its view box
        self._train = plot.plot([], [], pen=pg.mkPen(theme.COST_TRAIN, width=1),
                                name="training cost")
        self._train.setClipToView(True)
        self._test = plot.plot([], [], pen=pg.mkPen(theme.COST_TEST, width=1, style=Qt.PenStyle.DashLine),
                               symbol="o", symbolSize=6, symbolBrush=theme.COST_TEST, symbolPen=None,
                               name="test cost")
        self._accuracy = pg.PlotDataItem([], [],
                                         pen=pg.mkPen(theme.ACCURACY, width=1, style=Qt.PenStyle.DotLine),
                                         symbol="s", symbolSize=6, symbolBrush=theme.ACCURACY, symbolPen=None)
        self._accuracy_view.addItem(self._accuracy)
        self._legend.addItem(self._accuracy, "test accuracy")
        self._empty = PlotHint(plot, "Press Step or Run:\nthe cost of each training step\nappears here.",
                               (0.5, 0.5))
        plot.enableAutoRange(enable=False)
        self._range: tuple[float, float] | None = None  # (right end of x, top of y) now shown
        self._marks: list[pg.InfiniteLine] = []  # where the cost function changed (History.marks)
        self._show_range(1.0, 1.0)

        self._paced = Paced(self, session, self.refresh, REFRESH_HZ)
        session.historyChanged.connect(self._history_changed)
        session.runningChanged.connect(lambda running: None if running else self.refresh())
        self.refresh()

    def _history_changed(self) -> None:
        # While Run is on, redraw at most REFRESH_HZ times a second, in a beat of its own (views/pacing.py:
        # not on the same turn as the other views); pausing redraws at once. Paused, every Step shows at once.
        self._paced.request()

    def _sync_views(self) -> None:
        plot = self.getPlotItem()
        self._accuracy_view.setGeometry(plot.getViewBox().sceneBoundingRect())
        if not hasattr(self, "_legend"):
            return
        legend = self._legend
        # as many entries side by side as the plot's width holds (never cut off), and a row above the
        # data exactly as tall as the legend then is (none while it is hidden)
        width = plot.boundingRect().width() - 8
        for columns in (3, 2, 1):
            if legend.columnCount != columns:
                legend.setColumnCount(columns)
            if legend.boundingRect().width() <= width:
                break
        height = round(legend.boundingRect().height()) if legend.isVisible() else 0
        if plot.layout.rowMaximumHeight(0) != height:
            plot.layout.setRowFixedHeight(0, height)

    @property
    def legend_rows(self) -> int:
        """How many rows the legend's entries take now (1 where the plot is wide enough)."""
        return self._legend.layout.rowCount()

    @property
    def training_point_count(self) -> int:
        """How many training-cost points the plot shows now."""
        x = self._train.xData  # the data given, not what clipping to the view leaves
        return 0 if x is None else len(x)

    @property
    def test_point_count(self) -> int:
        x = self._test.xData
        return 0 if x is None else len(x)

    def training_costs(self) -> np.ndarray:
        y = self._train.yData
        return np.zeros(0) if y is None else np.asarray(y)

    def refresh(self) -> None:
        history = self._session.history
        train, test = history.train, history.test
        self._train.setData(train.column(0), train.column(1))
        self._test.setData(test.column(0), test.column(1))
        self._accuracy.setData(test.column(0), 100.0 * test.column(2))
        self._show_marks(history.marks)
        empty = len(train) == 0
        self._empty.setVisible(empty)
        show_axis_numbers(self.getPlotItem(), not empty, ("left", "bottom", "right"))  # none while empty
        if self._legend.isVisible() == empty:  # nothing to explain yet: the "Press Step or Run" hint alone
            self._legend.setVisible(not empty)
            self._sync_views()  # the room kept for the legend goes with it
        if empty:
            self._show_range(1.0, 1.0)
        else:
            # x runs from the start to a little past the last step; y from 0 (no cost) to a little above
            # the highest point
            costs = np.concatenate([train.column(1), test.column(1)])
            top = float(np.max(costs[np.isfinite(costs)], initial=0.0))
            last = float(train.rows[0][-1])
            right = nice_ceiling(max(1.05 * last, 1.0), STEP_RANGES)  # (the last marker stays whole)
            self._show_range(right, nice_ceiling(ABOVE_HIGHEST * max(top, 1e-6)))

    def mark_texts(self) -> list[tuple[float, str]]:
        """The marks drawn: (step, words), e.g. (120, "cost: MSE")."""
        return [(line.value(), line.label.format) for line in self._marks]

    def _show_marks(self, marks: list[tuple[int, str]]) -> None:
        if [(float(s), w) for s, w in marks] == self.mark_texts():
            return
        plot = self.getPlotItem()
        for line in self._marks:
            plot.removeItem(line)
        self._marks = []
        for step, words in marks:
            line = pg.InfiniteLine(pos=float(step), angle=90, movable=False, label=words,
                                   pen=pg.mkPen(theme.HIGHLIGHT, width=1, style=Qt.PenStyle.DashLine),
                                   labelOpts={"position": 0.7, "color": theme.HIGHLIGHT,
                                              "anchors": [(0, 0.5), (0, 0.5)]})
            line.setToolTip("The cost function changed here: after this line the curve measures "
                            "another cost.")
            plot.addItem(line, ignoreBounds=True)
            self._marks.append(line)

    def _show_range(self, right: float, top: float) -> None:
        if self._range != (right, top):
            self._range = (right, top)
            # (a sliver left of 0, so that the first tick's "0" fits under the axis)
            self.getPlotItem().setRange(xRange=(-0.015 * right, right), yRange=(0, top), padding=0)
