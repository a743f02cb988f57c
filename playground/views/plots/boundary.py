"""The decision boundary: the network's answer over the whole input plane, with the data on top.

For 2-D data (TensorFlow Playground style): a grid of GRID x GRID points goes through the network in
one forward call, and each grid cell is coloured by the answer there. Redrawn at most REFRESH_HZ times
a second, so it keeps pace with Run without taking the event loop from the other views.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from playground import theme
from playground.number_format import use_readable_ticks
from playground.session import Session

GRID = 100
REFRESH_HZ = 30
PADDING = 0.1  # the plane shown extends 10% beyond the data on each side

HELP = ("The colour at each point of the plane is the network's answer for an input there:\n"
        "orange = class 1, blue = class 0, dark = unsure. Where the colours meet is the decision\n"
        "boundary. Filled dots are training data, dots with a white ring are test data the network\n"
        "never trains on; the yellow ring is the input shown in the network view.")


class BoundaryView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("boundaryView")
        self._session = session
        self._stack = QStackedLayout(self)
        self.plot = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot.setObjectName("boundaryPlot")
        self.plot.setToolTip(HELP)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.setAspectLocked(True)
        item.setLabel("bottom", "x1 (first input)", color=theme.TEXT_DIM)
        item.setLabel("left", "x2 (second input)", color=theme.TEXT_DIM)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTextPen(theme.TEXT_DIM)
            axis.setPen(theme.TEXT_DIM)
            use_readable_ticks(axis)  # a short panel must not switch to "(x0.001)" with ticks of 500
        self.image = pg.ImageItem(axisOrder="row-major")
        self._lut = theme.boundary_lut()
        item.addItem(self.image)
        self._train = pg.ScatterPlotItem(size=7, pen=pg.mkPen(theme.BACKGROUND, width=1))
        self._test = pg.ScatterPlotItem(size=8, pen=pg.mkPen("#ffffff", width=1.5))
        self._shown = pg.ScatterPlotItem(size=18, brush=None, pen=pg.mkPen(theme.HIGHLIGHT, width=2.5))
        for scatter in (self._train, self._test, self._shown):
            item.addItem(scatter)
        self.note = QLabel()
        self.note.setObjectName("boundaryNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setMargin(16)
        self.note.setStyleSheet(f"color: {theme.TEXT_DIM};")
        self.legend = QLabel()
        self.legend.setObjectName("boundaryLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setToolTip(HELP)
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 0, 0, 2)
        v.setSpacing(2)
        v.addWidget(self.plot, 1)
        v.addWidget(self.legend, 0, Qt.AlignmentFlag.AlignHCenter)
        self._page = page
        self._stack.addWidget(page)
        self._stack.addWidget(self.note)
        self.setMinimumSize(220, 200)

        self.values: np.ndarray | None = None  # (GRID, GRID): P(class 1), or the class index for 3+ classes
        self.extent = (-1.0, 1.0, -1.0, 1.0)  # x0, x1, y0, y1 of the grid
        self._grid: np.ndarray | None = None
        self._rect = QRectF(-1, -1, 2, 2)
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)
        session.structureChanged.connect(self.rebuild)
        session.networkChanged.connect(self._network_changed)
        session.inputChanged.connect(self._show_input)
        self.rebuild()

    @property
    def applies(self) -> bool:
        return self._session.network.sizes[0] == 2

    def rebuild(self) -> None:
        """New data or a new network shape: new grid, new points."""
        s = self._session
        if not self.applies:
            n = s.network.sizes[0]
            what = "a 28×28 digit" if s.dataset.is_image else f"{n} numbers"
            self.note.setText(
                "The decision boundary applies to 2-D data: inputs of two numbers (x1, x2), like XOR, "
                f"circle, spiral, moons or gauss, where every point of the plane can be coloured by the "
                f"network's answer.\n\nThe {s.dataset_name} data has {n} inputs per sample ({what}). "
                "Pick a 2-D dataset or preset to see the boundary.")
            self._stack.setCurrentWidget(self.note)
            self.values = None
            return
        self._stack.setCurrentWidget(self._page)
        d = s.dataset
        points = np.vstack([d.X_train, d.X_test]).astype(float)
        lo, hi = points.min(axis=0), points.max(axis=0)
        pad = PADDING * np.maximum(hi - lo, 1e-6)
        lo, hi = lo - pad, hi + pad
        self.extent = (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))
        xs = np.linspace(lo[0], hi[0], GRID)
        ys = np.linspace(lo[1], hi[1], GRID)
        gx, gy = np.meshgrid(xs, ys)  # row i is y = ys[i]: row-major image, row 0 at the bottom
        self._grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
        cell_x, cell_y = (hi - lo) / (GRID - 1)
        # each sample of the grid is the centre of one image pixel
        self._rect = QRectF(lo[0] - cell_x / 2, lo[1] - cell_y / 2, cell_x * GRID, cell_y * GRID)
        colors = [pg.mkBrush(*theme.rgb(theme.CLASS_COLORS[k % len(theme.CLASS_COLORS)]))
                  for k in range(max(len(d.classes), 1))]
        self._train.setData(d.X_train[:, 0], d.X_train[:, 1], brush=[colors[k] for k in d.labels_train])
        self._test.setData(d.X_test[:, 0], d.X_test[:, 1], brush=[colors[k] for k in d.labels_test])
        self.plot.getPlotItem().setRange(xRange=self.extent[:2], yRange=self.extent[2:], padding=0)
        dots = "   ".join(f"<span style='color:{theme.CLASS_COLORS[k % len(theme.CLASS_COLORS)]}'>●</span> "
                           f"class {name}" for k, name in enumerate(d.classes))
        self.legend.setText(f"{dots}   <span style='color:#ffffff'>◯</span> test point   "
                            f"<span style='color:{theme.HIGHLIGHT}'>◯</span> shown input")
        self.refresh()
        self._show_input()

    def _network_changed(self) -> None:
        """Redraw now if the last redraw is old enough, else once the interval has passed."""
        if not self.applies:
            return
        wait = 1.0 / REFRESH_HZ - (time.monotonic() - self._last)
        if wait <= 0:
            self.refresh()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def refresh(self) -> None:
        """Evaluate the network on the grid (one forward call) and colour the heatmap."""
        s = self._session
        if not self.applies or self._grid is None or len(self._grid) != GRID * GRID:
            return
        self._last = time.monotonic()
        out = np.asarray(s.network.forward(self._grid), dtype=float)
        if out.shape[1] == 1:
            self.values = np.clip(out[:, 0], 0.0, 1.0).reshape(GRID, GRID)
            self.image.setImage(self.values, autoLevels=False, levels=(0.0, 1.0), lut=self._lut)
        else:
            # several classes: the winning class's colour, faded where the network is unsure
            winner = out.argmax(axis=1)
            confidence = np.clip(out.max(axis=1), 0.0, 1.0)
            palette = np.array([theme.rgb(c) for c in theme.CLASS_COLORS], dtype=float)
            rgb = palette[winner % len(palette)]
            fade = (1 - theme.BOUNDARY_FADE) * confidence[:, None]
            rgb = fade * rgb + (1 - fade) * np.array(theme.rgb(theme.BACKGROUND))
            self.values = winner.reshape(GRID, GRID).astype(float)
            rgba = np.concatenate([rgb, np.full((len(rgb), 1), 255.0)], axis=1).astype(np.uint8)
            self.image.setImage(rgba.reshape(GRID, GRID, 4), autoLevels=False, lut=None, levels=None)
        self.image.setRect(self._rect)  # (the rect scales the image's pixels, so it follows setImage)

    def _show_input(self) -> None:
        x = self._session.input
        if self.applies and len(x) == 2:
            self._shown.setData([float(x[0])], [float(x[1])])
        else:
            self._shown.setData([], [])

    # ------------------------------------------------------------------ reading the picture (tests, tools)
    def value_at(self, x: float, y: float) -> float:
        """The heatmap's value at the grid point nearest to (x, y)."""
        x0, x1, y0, y1 = self.extent
        col = int(np.clip(round((x - x0) / (x1 - x0) * (GRID - 1)), 0, GRID - 1))
        row = int(np.clip(round((y - y0) / (y1 - y0) * (GRID - 1)), 0, GRID - 1))
        return float(self.values[row, col])

    def rgba_at(self, x: float, y: float) -> np.ndarray:
        """The colour the heatmap shows at (x, y), as RGBA (through the lookup table for 2 classes)."""
        value = self.value_at(x, y)
        if self.values is not None and self._session.network.sizes[-1] == 1:
            return theme.boundary_lut()[int(round(value * 255))]
        x0, x1, y0, y1 = self.extent
        col = int(np.clip(round((x - x0) / (x1 - x0) * (GRID - 1)), 0, GRID - 1))
        row = int(np.clip(round((y - y0) / (y1 - y0) * (GRID - 1)), 0, GRID - 1))
        return np.asarray(self.image.image[row, col])
