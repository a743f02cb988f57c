"""What the network view paints: a whole layer of neurons, or a whole fan of edges, at a time.

One object per layer (not one per neuron or per edge) keeps a recolour cheap: it only swaps arrays and
asks for a repaint. Edges are painted in a few bins of equal pen (sign x strength), so a frame is a
handful of drawLines calls however many edges there are.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem

from playground import theme

STRENGTH_BINS = 6


class NeuronLayerItem(QGraphicsItem):
    """A layer of neurons as filled circles.

    Circles are painted as round points of a wide pen, one drawPoints call per distinct colour (the
    colour maps are lookup tables, so neighbours often share one), instead of two calls per neuron:
    a frame then costs a handful of calls even for a 256-neuron layer."""

    def __init__(self, centres: np.ndarray, radius: float):
        super().__init__()
        self._groups: list[tuple[QColor, list[QPointF]]] = []
        self._colors: dict[tuple[int, int, int], QColor] = {}
        self.set_geometry(centres, radius)

    def set_geometry(self, centres: np.ndarray, radius: float) -> None:
        self.prepareGeometryChange()
        self.centres = np.asarray(centres, dtype=float)
        self.radius = float(radius)
        self._points = [QPointF(x, y) for x, y in self.centres]
        lo = self.centres.min(axis=0) - radius - 2
        hi = self.centres.max(axis=0) + radius + 2
        self._bounds = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        self._outline = QPen(QColor(theme.NEURON_OUTLINE), 2 * self.radius + 2.0)
        self._outline.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._fill = QPen(QColor(theme.ZERO), 2 * self.radius)
        self._fill.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.set_colors(np.tile(np.array([*theme.rgb(theme.ZERO), 255], np.uint8), (len(self._points), 1)))

    def set_colors(self, rgba: np.ndarray) -> None:
        unique, which = np.unique(np.asarray(rgba)[:, :3], axis=0, return_inverse=True)
        which = np.ravel(which)
        ordered = [self._points[i] for i in np.argsort(which, kind="stable").tolist()]
        groups = []
        first = 0
        for (r, g, b), count in zip(unique.tolist(), np.bincount(which).tolist(), strict=True):
            color = self._colors.get((r, g, b))
            if color is None:
                color = self._colors[r, g, b] = QColor(r, g, b)
            groups.append((color, ordered[first:first + count]))
            first += count
        self._groups = groups
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self.radius >= 3:
            painter.setPen(self._outline)  # a ring, so a dark ("off") neuron is still visible
            painter.drawPoints(self._points)
        pen = self._fill
        for color, points in self._groups:
            pen.setColor(color)
            painter.setPen(pen)
            painter.drawPoints(points)


class EdgeFan:
    """The edges between two layers, coloured by the weight's sign, thick and bright when it is big.

    A plain object, not a scene item: the view paints the fans between layers into its cached
    background (see NetworkView.drawBackground), so a frame that only recolours neurons — a drawn
    digit, a new sample — blits that picture instead of drawing thousands of lines again. The fans
    are drawn afresh only when the weights change. The selected neuron's edges are an EdgeLayerItem.

    Colours are opaque, blended with the background beforehand instead of drawn with alpha: software
    rendering of ~2,000 translucent antialiased lines costs tens of milliseconds a frame, opaque flat-
    capped ones a few (bench/bench_network_view.py). Big fans are drawn without antialiasing."""

    ANTIALIAS_LIMIT = 300  # more edges than this in one fan: draw them without antialiasing

    def __init__(self, highlight: bool = False):
        self._highlight = highlight
        self.dimmed = False
        self.bounds = QRectF()
        self._bins: list[tuple[tuple[bool, int], list[QLineF]]] = []
        self.starts = np.zeros((0, 2))
        self.ends = np.zeros((0, 2))
        self.weights = np.zeros(0)
        self.sources = np.zeros(0, dtype=np.intp)
        self.targets = np.zeros(0, dtype=np.intp)
        self._density = 1.0
        self._coords: np.ndarray | None = None
        self._lines: list[QLineF] = []
        self._pen_cache: dict[tuple[bool, float], dict[tuple[bool, int], QPen]] = {}

    def _pens(self) -> dict[tuple[bool, int], QPen]:
        key = (self.dimmed, self._density)
        if key not in self._pen_cache:
            self._pen_cache[key] = self._make_pens(self._highlight, self.dimmed, self._density)
        return self._pen_cache[key]

    @staticmethod
    def density_for(n_edges: int) -> float:
        """Fainter, thinner lines for a crowded fan, so it stays a texture rather than a wall of colour."""
        for limit, density in ((300, 1.0), (600, 0.75), (1200, 0.55)):
            if n_edges <= limit:
                return density
        return 0.4

    @staticmethod
    def _make_pens(highlight: bool, dimmed: bool, density: float = 1.0) -> dict[tuple[bool, int], QPen]:
        pens = {}
        for positive in (True, False):
            sign = 1.0 if positive else -1.0
            for level in range(STRENGTH_BINS):
                strength = (level + 1) / STRENGTH_BINS
                shown = 1.0 if highlight else strength  # a highlighted edge gets its full colour
                fade = (1.0 if highlight else density) * (0.3 if dimmed else 1.0)
                r, g, b = (int(c) for c in theme.edge_rgb(sign * shown, 1.0, fade))
                width = (1.2 + 3.0 * strength) if highlight else (0.5 + 2.5 * strength) * density
                pen = QPen(QColor(r, g, b), width)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                pens[positive, level] = pen
        return pens

    def set_edges(self, starts: np.ndarray, ends: np.ndarray, weights: np.ndarray, limit: float,
                  sources: np.ndarray, targets: np.ndarray) -> None:
        """Edges from starts[i] to ends[i] with weights[i]; sources/targets are the neuron indices."""
        self.starts, self.ends = starts, ends
        self.weights = np.asarray(weights, dtype=float)
        self.sources, self.targets = sources, targets
        self._density = 1.0 if self._highlight else self.density_for(len(self.weights))
        if len(weights):
            pts = np.vstack([starts, ends])
            lo, hi = pts.min(axis=0) - 4, pts.max(axis=0) + 4
            self.bounds = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        else:
            self.bounds = QRectF()
        strength = np.abs(self.weights) / (limit if limit > 0 else 1.0)
        level = np.clip((strength * STRENGTH_BINS).astype(np.intp), 0, STRENGTH_BINS - 1)
        # bin = 2 * level + (0 for positive, 1 for negative); weak bins first, strong ones painted on top
        bins = 2 * level + (self.weights < 0)
        order = np.argsort(bins, kind="stable")
        counts = np.bincount(bins, minlength=2 * STRENGTH_BINS)
        lines = self._lines_for(starts, ends)
        ordered = [lines[i] for i in order.tolist()]
        self._bins = []
        first = 0
        for b, count in enumerate(counts.tolist()):
            if count:
                self._bins.append(((b % 2 == 0, b // 2), ordered[first:first + count]))
                first += count

    def _lines_for(self, starts: np.ndarray, ends: np.ndarray) -> list[QLineF]:
        """QLineF objects for the edges, reused where the endpoints stay the same. During Run they mostly
        do (only colours change, and now and then one neuron's strongest set), so a frame creates few
        Python objects — which matters while the training thread competes for the interpreter."""
        coords = np.hstack([starts, ends])
        if self._coords is None or self._coords.shape != coords.shape:
            self._lines = [QLineF(*row) for row in coords.tolist()]
        else:
            for i in np.flatnonzero((self._coords != coords).any(axis=1)).tolist():
                self._lines[i] = QLineF(*coords[i].tolist())
        self._coords = coords
        return self._lines

    def paint(self, painter: QPainter) -> None:
        pens = self._pens()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(self.weights) <= self.ANTIALIAS_LIMIT)
        for key, lines in self._bins:
            painter.setPen(pens[key])
            painter.drawLines(lines)  # (opaque, flat-capped pens: a batch is as fast as single lines)


class EdgeLayerItem(QGraphicsItem):
    """A fan of edges as a scene item: the selected neuron's highlighted inputs, drawn above the rest."""

    def __init__(self, fan: EdgeFan):
        super().__init__()
        self.fan = fan

    def set_edges(self, *args) -> None:
        self.prepareGeometryChange()
        self.fan.set_edges(*args)
        self.update()

    def boundingRect(self) -> QRectF:
        return self.fan.bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        self.fan.paint(painter)


def rgba_pixmap(rgba: np.ndarray) -> QPixmap:
    """An (h, w, 4) uint8 array as a QPixmap (copied, so the array may change afterwards)."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w = rgba.shape[:2]
    image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
    return QPixmap.fromImage(image.copy())


def gradient_brush(stops: np.ndarray, rect: QRectF) -> QBrush:
    """A left-to-right brush through the colours of a lookup table, for a legend's colour bar."""
    from PySide6.QtGui import QLinearGradient

    gradient = QLinearGradient(rect.topLeft(), rect.topRight())
    for k in np.linspace(0, len(stops) - 1, 9).astype(int):
        r, g, b, a = (int(v) for v in stops[k])
        gradient.setColorAt(k / (len(stops) - 1), QColor(r, g, b, a))
    return QBrush(gradient)
