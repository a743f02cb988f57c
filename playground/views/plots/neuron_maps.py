"""A picture in every neuron (TensorFlow Playground): each input and hidden neuron's output over the plane.

One small map per neuron, a row per layer, in the boundary's colours (blue low, orange high). They come
from the Session's one forward pass of the grid (`plane_activations`), the same one the decision
boundary draws, and are redrawn at most REFRESH_HZ times a second during Run. Hovering a map shows it
large in the boundary view (through `Session.hover_neuron`, as hovering the neuron in the network does).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QStackedLayout, QVBoxLayout, QWidget

from playground import theme
from playground.lab2d import GRID
from playground.session import Session
from playground.views.pacing import Paced
from playground.views.plots.plane_colors import neuron_rgba

TILE = 44  # pixels per side of a map, where the dock is wide enough
MIN_TILE = 24  # a narrow dock shrinks the maps down to this before it scrolls
MAX_PER_LAYER = 12  # a wider layer shows its first ones and says how many more it has
REFRESH_HZ = 10

HELP = ("Each small square is one neuron's output at every point of the input plane (blue: low, orange: "
        "high), the same plane as the decision boundary.\nThe first row are the input features, then one "
        "row per hidden layer: watch each neuron draw its line, and the next layer combine them.\n"
        "Hover a square to see it large in the decision-boundary view.")


def rgba_pixmap(rgba: np.ndarray, side: int) -> QPixmap:
    """A (res, res, 4) uint8 map, row 0 at the bottom of the plane, as a side x side pixmap."""
    top_down = np.ascontiguousarray(rgba[::-1])
    h, w = top_down.shape[:2]
    image = QImage(top_down.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
    return QPixmap.fromImage(image.scaled(side, side, Qt.AspectRatioMode.IgnoreAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))


class MapTile(QLabel):
    """One neuron's map; tells the Session when the mouse is over it."""

    def __init__(self, session: Session, layer: int, index: int):
        super().__init__()
        self._session, self.layer, self.index = session, layer, index
        self.setObjectName(f"neuronMap{layer}_{index}")
        self.setFixedSize(TILE + 2, TILE + 2)  # (the maps' side follows the dock: NeuronMaps.fit_tiles)
        self.setStyleSheet(f"border: 1px solid {theme.NEURON_OUTLINE};")
        self.setMouseTracking(True)

    def enterEvent(self, event) -> None:
        self._session.hover_neuron(self.layer, self.index)
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        if self._session.hovered == (self.layer, self.index):
            self._session.hover_neuron(-1, -1)
        super().leaveEvent(event)


class NeuronMaps(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("neuronMaps")
        self.setToolTip(HELP)
        self._session = session
        self._stack = QStackedLayout(self)
        self._page = QWidget()
        self._grid = QGridLayout(self._page)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setSpacing(3)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.note = QLabel("Neuron maps show each neuron's output over the input plane: they apply to "
                           "2-D data (points x1, x2). Pick a 2-D dataset or preset.")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setStyleSheet(f"color: {theme.TEXT_DIM};")
        outer = QWidget()
        v = QVBoxLayout(outer)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self._page)
        v.addStretch(1)
        self._stack.addWidget(outer)
        self._stack.addWidget(self.note)
        self.tiles: list[list[MapTile]] = []
        self.maps: list[np.ndarray] = []  # per shown layer: (neurons shown, GRID, GRID), what is drawn
        self.side = TILE  # the maps' side now, in pixels
        self._colours: list[list[np.ndarray]] = []  # each map's RGBA, to redraw at another side
        self._paced = Paced(self, session, self.refresh, REFRESH_HZ)
        session.structureChanged.connect(self.rebuild)
        session.networkChanged.connect(self._network_changed)
        self.rebuild()

    def rebuild(self) -> None:
        s = self._session
        while self._grid.count():
            widget = self._grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.tiles = []
        self.maps = []
        self._colours = []
        if not s.is_plane:
            self._stack.setCurrentIndex(1)
            return
        self._stack.setCurrentIndex(0)
        sizes = s.network.sizes
        for layer in range(len(sizes) - 1):  # the output's map is the decision boundary itself
            name = "inputs" if layer == 0 else f"hidden {layer}"
            caption = QLabel(name)
            caption.setStyleSheet(f"color: {theme.TEXT_DIM};")
            self._grid.addWidget(caption, layer, 0)
            row = []
            names = s.input_labels(layer)
            for k in range(min(sizes[layer], MAX_PER_LAYER)):
                tile = MapTile(s, layer, k)
                tile.setToolTip(f"{names[k]}: its output over the plane. Hover to see it large in the "
                                "decision boundary.")
                self._grid.addWidget(tile, layer, k + 1)
                row.append(tile)
            if sizes[layer] > MAX_PER_LAYER:
                more = QLabel(f"+{sizes[layer] - MAX_PER_LAYER}")
                more.setStyleSheet(f"color: {theme.TEXT_DIM};")
                self._grid.addWidget(more, layer, MAX_PER_LAYER + 1)
            self.tiles.append(row)
        self.fit_tiles()
        self.refresh()

    def fit_tiles(self) -> None:
        """The maps as large as TILE, smaller in a narrow dock (down to MIN_TILE) so that the widest
        row fits without scrolling."""
        if not self.tiles:
            return
        columns = max(len(row) for row in self.tiles)
        beside = self._widest(0) + self._widest(MAX_PER_LAYER + 1)  # the rows' names; "+N" of a wide layer
        margins = self._grid.contentsMargins()
        spacing = self._grid.horizontalSpacing()
        room = self.width() - margins.left() - margins.right() - beside - spacing * (columns + 1)
        side = int(np.clip(room // columns - 2, MIN_TILE, TILE))  # (2: a tile's border)
        if side == self.side and self.tiles[0][0].width() == side + 2:
            return
        self.side = side
        for layer, row in enumerate(self.tiles):
            for k, tile in enumerate(row):
                tile.setFixedSize(side + 2, side + 2)
                if layer < len(self._colours) and k < len(self._colours[layer]):
                    tile.setPixmap(rgba_pixmap(self._colours[layer][k], side))

    def _widest(self, column: int) -> int:
        """The widest label in a column of the grid (0 if the column is empty)."""
        items = (self._grid.itemAtPosition(r, column) for r in range(len(self.tiles)))
        return max((i.widget().sizeHint().width() for i in items if i is not None), default=0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit_tiles()

    def _network_changed(self) -> None:
        """Redraw now if the last redraw is old enough, else once the interval has passed; during Run in
        a beat of its own (views/pacing.py)."""
        if self.tiles:
            self._paced.request_throttled()

    def refresh(self) -> None:
        s = self._session
        if not self.tiles or len(self.tiles) != len(s.network.sizes) - 1 or \
                s.network.sizes[0] != s.dataset.n_features:
            return  # a structure change is on its way: rebuild() follows
        self._paced.drawn()
        layers = s.plane_activations(GRID)
        self.maps = []
        self._colours = []
        for layer, row in enumerate(self.tiles):
            values = layers[layer][: len(row)]
            self.maps.append(values.copy())
            activation = "linear" if layer == 0 else s.network.activation
            self._colours.append([])
            for tile, v in zip(row, values, strict=True):
                rgba = neuron_rgba(v.ravel(), activation).reshape(GRID, GRID, 4)
                self._colours[-1].append(rgba)
                tile.setPixmap(rgba_pixmap(rgba, self.side))
