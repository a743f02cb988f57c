"""The cost plot: how wrong the network is, step by step, and how well it does on unseen data.

Plot items are created once and fed with setData (pyqtgraph's own advice); the Session keeps the
number of points bounded, so the plot costs the same after a minute of Run as after an hour.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer

from playground import theme
from playground.session import Session

REFRESH_HZ = 10
HEADROOM = 0.2  # share of the plot's height above the data, where the legend sits


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
        self._accuracy_view.setXLink(plot)
        # the top fifth of the plot is kept free for the legend: 100 % sits below it
        self._accuracy_view.setYRange(0, 100 / (1 - HEADROOM), padding=0)
        plot.getViewBox().sigResized.connect(self._sync_views)
        for name in ("left", "bottom", "right"):
            axis = plot.getAxis(name)
            axis.setTextPen(theme.TEXT_DIM)
            axis.setPen(theme.TEXT_DIM)
            axis.enableAutoSIPrefix(False)  # "cost (x0.001)" would puzzle a student

        self._legend = plot.addLegend(offset=(60, 1), labelTextColor=theme.TEXT, colCount=3,
                                      brush=(30, 31, 36, 200))
        self._train = plot.plot([], [], pen=pg.mkPen(theme.COST_TRAIN, width=1),
                                name="training cost")
        self._train.setClipToView(True)
        self._test = plot.plot([], [], pen=pg.mkPen(theme.COST_TEST, width=1, style=Qt.PenStyle.DashLine),
                               symbol="o", symbolSize=6, symbolBrush=theme.COST_TEST, symbolPen=None,
                               name="test cost (epoch)")
        self._accuracy = pg.PlotDataItem([], [],
                                         pen=pg.mkPen(theme.ACCURACY, width=1, style=Qt.PenStyle.DotLine),
                                         symbol="s", symbolSize=6, symbolBrush=theme.ACCURACY, symbolPen=None)
        self._accuracy_view.addItem(self._accuracy)
        self._legend.addItem(self._accuracy, "test accuracy (epoch)")
        self._empty = pg.TextItem("Press Step or Run: the cost of each training step appears here.",
                                  color=theme.TEXT_DIM, anchor=(0.5, 0.5))
        plot.addItem(self._empty, ignoreBounds=True)
        self._empty.setPos(0.5, 0.5)
        plot.setRange(xRange=(0, 1), yRange=(0, 1))

        # while Run is on, redraw at most REFRESH_HZ times a second; paused, at once (each Step shows)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(int(1000 / REFRESH_HZ))
        self._throttle.timeout.connect(self.refresh)
        session.historyChanged.connect(self._history_changed)
        session.runningChanged.connect(lambda running: None if running else self.refresh())
        self.refresh()

    def _history_changed(self) -> None:
        if not self._session.running:
            self.refresh()
        elif not self._throttle.isActive():
            self._throttle.start()

    def _sync_views(self) -> None:
        self._accuracy_view.setGeometry(self.getPlotItem().getViewBox().sceneBoundingRect())

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
        empty = len(train) == 0
        self._empty.setVisible(empty)
        if empty:
            self.getPlotItem().setRange(xRange=(0, 1), yRange=(0, 1))
        else:
            # x follows the data; y runs from 0 (no cost) to a little above the highest point
            plot = self.getPlotItem()
            plot.enableAutoRange(axis="x")
            top = max(float(np.nanmax(train.column(1))),
                      float(np.nanmax(test.column(1))) if len(test) else 0.0)
            plot.setYRange(0, max(top, 1e-6) / (1 - HEADROOM), padding=0)
