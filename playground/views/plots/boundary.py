"""The decision boundary: the network's answer over the whole input plane, with the data on top.

For 2-D data (TensorFlow Playground style): a grid of GRID x GRID points goes through the network in
one forward call (`Session.plane_activations`, shared with the neuron maps), and each grid cell is
coloured by the answer there (plane_colors.py). Redrawn at most REFRESH_HZ times a second, so it keeps
pace with Run without taking the event loop from the other views. While the mouse is over a neuron
(in the network view or the neuron maps) its own output over the plane is shown here, large.

A click adds a training point of the chosen class (`Session.point_class`; Shift: the other class), a
right-click removes the nearest point: the Session edits the data and every view follows.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from playground import theme
from playground.lab2d import GRID
from playground.number_format import use_readable_ticks
from playground.plane import PADDING  # noqa: F401 (kept for older imports)
from playground.session import Session
from playground.views.pacing import Paced
from playground.views.plots import plane_colors

REFRESH_HZ = 30

HELP = ("The colour at each point of the plane is the network's answer for an input there:\n"
        "orange = class 1, blue = class 0, dark = unsure. Where the colours meet is the decision\n"
        "boundary. Filled dots are training data, dots with a white ring are test data the network\n"
        "never trains on; the yellow ring is the input shown in the network view.\n"
        "Click to add a training point of the chosen class (Shift-click: the other class);\n"
        "right-click removes the nearest point.")


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
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 0, 0, 2)
        v.setSpacing(2)
        v.addWidget(self.plot, 1)
        v.addWidget(self.legend)
        self._page = page
        self._stack.addWidget(page)
        self._stack.addWidget(self.note)
        self.setMinimumSize(220, 200)

        self.values: np.ndarray | None = None  # (GRID, GRID): P(class 1), or the class index for 3+ classes
        self.extent = (-1.0, 1.0, -1.0, 1.0)  # x0, x1, y0, y1 of the grid
        self._ready = False  # the extent and points of the current data are set
        self.neuron_values: np.ndarray | None = None  # the hovered neuron's map, (GRID, GRID)
        self._rect = QRectF(-1, -1, 2, 2)
        self._paced = Paced(self, session, self.refresh, REFRESH_HZ)
        session.structureChanged.connect(self.rebuild)
        session.networkChanged.connect(self._network_changed)
        session.inputChanged.connect(self._show_input)
        session.hoverChanged.connect(lambda *_: self.refresh())
        session.settingsChanged.connect(self._settings_changed)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self._shows = (True, False)  # (show_test, discretize) drawn now
        self.rebuild()

    @property
    def applies(self) -> bool:
        return self._session.is_plane

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
        self.extent = x0, x1, y0, y1 = s.plane_extent()
        self._ready = True  # the grid itself is the Session's (plane.grid_points over plane_extent)
        cell_x, cell_y = (x1 - x0) / (GRID - 1), (y1 - y0) / (GRID - 1)
        # each sample of the grid is the centre of one image pixel (row 0 at the bottom: y0)
        self._rect = QRectF(x0 - cell_x / 2, y0 - cell_y / 2, cell_x * GRID, cell_y * GRID)
        self._draw_points()
        self.plot.getPlotItem().setRange(xRange=self.extent[:2], yRange=self.extent[2:], padding=0)
        self._legend()
        self.refresh()
        self._show_input()

    def _brushes(self, split: str) -> list:
        d = self._session.dataset
        if d.task == "regression":
            values = (d.Y_train if split == "train" else d.Y_test)[:, 0]
            # the targets in full colour over the faded map of the prediction
            targets = theme.diverging(values, plane_colors.REGRESSION_LIMIT)
            return [pg.mkBrush(*rgba[:3]) for rgba in targets.tolist()]
        colors = [pg.mkBrush(*theme.rgb(theme.CLASS_COLORS[k % len(theme.CLASS_COLORS)]))
                  for k in range(max(len(d.classes), 1))]
        return [colors[k] for k in (d.labels_train if split == "train" else d.labels_test)]

    def _draw_points(self) -> None:
        s = self._session
        d = s.dataset
        train, test = d.points("train"), d.points("test")
        self._train.setData(train[:, 0], train[:, 1], brush=self._brushes("train"))
        self._test.setData(test[:, 0], test[:, 1], brush=self._brushes("test"))
        self._test.setVisible(s.settings.show_test)
        self._shows = (s.settings.show_test, s.settings.discretize)

    def _legend(self) -> None:
        s = self._session
        d = s.dataset
        if s.hovered is not None:
            layer, index = s.hovered
            name = s.input_labels(layer)[index]
            what = f"input {name}" if layer == 0 else f"neuron {name}"
            self.legend.setText(f"<span style='color:{theme.HIGHLIGHT}'>{what}</span> over the plane: "
                                f"<span style='color:{theme.NEGATIVE}'>low</span> … "
                                f"<span style='color:{theme.POSITIVE}'>high</span>")
            return
        if d.task == "regression":
            entries = [f"<span style='color:{theme.NEGATIVE}'>■</span> −1 … "
                       f"<span style='color:{theme.POSITIVE}'>■</span> +1 predicted"]
        else:
            entries = [f"<span style='color:{theme.CLASS_COLORS[k % len(theme.CLASS_COLORS)]}'>●</span> "
                       f"class {name}" for k, name in enumerate(d.classes)]
        if s.settings.show_test:
            entries.append("<span style='color:#ffffff'>◯</span> test point")
        entries.append(f"<span style='color:{theme.HIGHLIGHT}'>◯</span> shown input")
        # a narrow dock wraps the legend between its entries, never inside one
        self.legend.setText("&nbsp;&nbsp; ".join(f"<span style='white-space:nowrap'>{e}</span>"
                                                 for e in entries))

    def _settings_changed(self) -> None:
        s = self._session
        if self.applies and self._shows != (s.settings.show_test, s.settings.discretize):
            self._draw_points()
            self._legend()
            self.refresh()

    def _network_changed(self) -> None:
        """Redraw now if the last redraw is old enough, else once the interval has passed; during Run in
        a beat of its own (views/pacing.py)."""
        if self.applies:
            self._paced.request_throttled()

    def refresh(self) -> None:
        """Colour the heatmap from the network's outputs on the grid (the Session's one forward pass),
        or from the hovered neuron's outputs."""
        s = self._session
        if not self.applies or not self._ready or s.network.sizes[0] != s.dataset.n_features:
            return  # (a structure change is on its way: rebuild() follows)
        self._paced.drawn()
        layers = s.plane_activations(GRID)
        self._legend()
        if s.hovered is not None:
            layer, index = s.hovered
            activation = "linear" if layer == 0 else s.network.activation
            self.neuron_values = layers[layer][index]
            rgba = plane_colors.neuron_rgba(self.neuron_values.ravel(), activation)
        else:
            out = layers[-1].reshape(len(layers[-1]), -1).T  # (GRID*GRID, outputs)
            task, discretize = s.dataset.task, s.settings.discretize
            self.values = plane_colors.answer(out, task, discretize).reshape(GRID, GRID)
            rgba = plane_colors.output_rgba(out, task, discretize)
        self.image.setImage(rgba.reshape(GRID, GRID, 4), autoLevels=False, lut=None, levels=None)
        self.image.setRect(self._rect)  # (the rect scales the image's pixels, so it follows setImage)

    def _show_input(self) -> None:
        s = self._session
        d = s.dataset
        x = s.input
        if self.applies and d.points_train is None and len(x) == 2 and len(d.X_test):
            self._shown.setData([float(x[0])], [float(x[1])])
        elif self.applies and len(d.X_test) and s.input_label is not None:  # inputs are features: the point
            point = d.points("test")[int(np.clip(s.sample_index, 0, len(d.X_test) - 1))]
            self._shown.setData([float(point[0])], [float(point[1])])
        else:
            self._shown.setData([], [])

    # ------------------------------------------------------------------ points by hand
    def data_point(self, scene_pos) -> tuple[float, float]:
        """The data coordinates under a point of the plot's scene."""
        p = self.plot.getPlotItem().getViewBox().mapSceneToView(scene_pos)
        return float(p.x()), float(p.y())

    def _clicked(self, event) -> None:
        s = self._session
        if not self.applies or not self.plot.getPlotItem().getViewBox().sceneBoundingRect().contains(
                event.scenePos()):
            return
        x, y = self.data_point(event.scenePos())
        if event.button() == Qt.MouseButton.RightButton:
            s.remove_point(x, y)
        elif event.button() == Qt.MouseButton.LeftButton:
            other = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            s.add_point(x, y, s.point_label(other))
        event.accept()

    # ------------------------------------------------------------------ reading the picture (tests, tools)
    def value_at(self, x: float, y: float) -> float:
        """The heatmap's value at the grid point nearest to (x, y)."""
        x0, x1, y0, y1 = self.extent
        col = int(np.clip(round((x - x0) / (x1 - x0) * (GRID - 1)), 0, GRID - 1))
        row = int(np.clip(round((y - y0) / (y1 - y0) * (GRID - 1)), 0, GRID - 1))
        return float(self.values[row, col])

    def rgba_at(self, x: float, y: float) -> np.ndarray:
        """The colour the heatmap shows at (x, y), as RGBA."""
        x0, x1, y0, y1 = self.extent
        col = int(np.clip(round((x - x0) / (x1 - x0) * (GRID - 1)), 0, GRID - 1))
        row = int(np.clip(round((y - y0) / (y1 - y0) * (GRID - 1)), 0, GRID - 1))
        return np.asarray(self.image.image[row, col])
