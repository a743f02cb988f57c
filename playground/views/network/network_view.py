"""The network drawn as a graph: neurons coloured by their activation, edges by their weight.

Items are created once per structure (sizes, activation, dataset) and then only recoloured, so a
frame during Run costs a few array operations and one repaint. Geometry is in viewport pixels (see
layout.py), so text stays legible at any window size and a resize only moves items.

The edges between layers are painted into the view's cached background: a new input (a drawn digit,
a browsed sample) only repaints the neurons over that picture. The picture is drawn again only when
the weights change (a Step, a Run snapshot, an edit) or the selection dims it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QMenu,
    QToolTip,
)

from playground import theme
from playground.session import Session
from playground.views.network.color_sources import color_source
from playground.views.network.context_menu import neuron_menu
from playground.views.network.edge_budget import (  # noqa: F401  (EDGE_BUDGET: imported from here too)
    EDGE_BUDGET,
    SELECTED_EDGES,
    edges_per_neuron,
    strongest_edges,
)
from playground.views.network.hit_testing import edge_at, neuron_at
from playground.views.network.items import EdgeFan, EdgeLayerItem, NeuronLayerItem, rgba_pixmap
from playground.views.network.layout import Layout, compute_layout, image_side
from playground.views.network.legend import Legend, font
from playground.views.network.node_labels import make_labels, show_input_labels, show_output_labels
from playground.views.network.weights_picture import WeightsPicture
from playground.views.network.words import VIEW_HELP, WEIGHTS_PICTURE_TIP, NetworkWords
from playground.views.network.zero_weights import ZeroWeights
from playground.views.pacing import Paced

RECOLOUR_HZ = 30  # during Run the network follows the snapshots at most this often (views/pacing.py)


class NetworkView(QGraphicsView):
    """The shown network for the shown input. Reads the Session; changes it only via select_neuron."""

    explainRequested = Signal(int, int)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("networkView")
        self._session = session
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setBackgroundBrush(QColor(theme.BACKGROUND))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        # the edges live in the background (drawBackground): cached, so recolouring neurons is cheap
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMouseTracking(True)
        self.setMinimumSize(420, 300)
        self.setAccessibleName("Network view")
        self.setAccessibleDescription(VIEW_HELP)
        self.displayed_activations: list[np.ndarray] = []  # what the colours show (for tests, tooltips)
        self.layout_: Layout | None = None
        self.rebuild()
        session.structureChanged.connect(self.rebuild)
        self._paced_recolour = Paced(self, session, self.recolour, RECOLOUR_HZ)
        session.networkChanged.connect(self._paced_recolour.request)
        session.inputChanged.connect(self._recolour_neurons)  # the weights, and so the edges, stay
        session.selectionChanged.connect(self._on_selection)
        session.parameterChanged.connect(self._show_parameter)
        session.colorSourceChanged.connect(self.rebuild)  # other legend bars, other numbers
        session.walkthroughChanged.connect(self._on_walkthrough)

    # ------------------------------------------------------------------ building (once per structure)
    def rebuild(self) -> None:
        """Create the items for the current structure. Called when sizes, activation or data change."""
        s = self._session
        net = s.network
        self._sizes = list(net.sizes)
        self._image_side = image_side(self._sizes[0]) if s.dataset.is_image else None
        self.color_source = color_source(s.color_source)
        self.words = NetworkWords(s, self._image_side)
        self._scene.clear()
        self._neuron_items: dict[int, NeuronLayerItem] = {}
        self._edge_fans: list[EdgeFan] = []  # painted by drawBackground, not scene items
        self._input_image: QGraphicsPixmapItem | None = None
        self.weights_picture: WeightsPicture | None = None  # a first-layer neuron's 784 weights

        self._edges_per_neuron = edges_per_neuron(self._sizes, bool(self._image_side))
        self._edge_fans = [EdgeFan() for _ in self._edges_per_neuron]

        for l, n in enumerate(self._sizes):
            if l == 0 and self._image_side:
                self._input_image = self._scene.addPixmap(rgba_pixmap(np.zeros((1, 1, 4), np.uint8)))
                self._input_image.setTransformationMode(Qt.TransformationMode.FastTransformation)
                self._input_image.setZValue(2)
                self._input_frame = self._scene.addRect(QRectF(), QPen(QColor(theme.NEURON_OUTLINE)))
                self._input_frame.setZValue(2)
                self.weights_picture = WeightsPicture(self._scene)
                continue
            item = NeuronLayerItem(np.zeros((n, 2)), 4.0)
            item.setZValue(3)
            self._scene.addItem(item)
            self._neuron_items[l] = item

        self._selected_edges = EdgeFan(highlight=True)
        self._selected_item = EdgeLayerItem(self._selected_edges)
        self._selected_item.setZValue(4)
        self._scene.addItem(self._selected_item)
        self._ring = QGraphicsEllipseItem()
        self._ring.setPen(QPen(QColor(theme.HIGHLIGHT), 2.5))
        self._ring.setZValue(5)
        self._scene.addItem(self._ring)
        self._pixel_ring = QGraphicsRectItem()
        self._pixel_ring.setPen(QPen(QColor(theme.HIGHLIGHT), 2.0))
        self._pixel_ring.setZValue(5)
        self._scene.addItem(self._pixel_ring)
        # the selected parameter: its line drawn over everything else, or a dashed ring for a bias
        self._weight_line = QGraphicsLineItem()
        pen = QPen(QColor(theme.HIGHLIGHT), 3.5)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._weight_line.setPen(pen)
        self._weight_line.setZValue(4.5)
        self._weight_line.hide()
        self._scene.addItem(self._weight_line)
        self._bias_ring = QGraphicsEllipseItem()
        self._bias_ring.setPen(QPen(QColor(theme.HIGHLIGHT), 2.0, Qt.PenStyle.DashLine))
        self._bias_ring.setZValue(5)
        self._bias_ring.hide()
        self._scene.addItem(self._bias_ring)
        self.zero_weights = ZeroWeights()  # weights L1 has driven to exactly 0: dashed
        self.zero_weights.setZValue(2.5)
        self._scene.addItem(self.zero_weights)

        self._captions = []
        for l in range(len(self._sizes)):
            caption = self._scene.addSimpleText(self.words.caption(l), font(12))
            caption.setBrush(QColor(theme.TEXT))
            self._captions.append(caption)

        self._output_labels, self._input_labels = make_labels(self._scene, self._sizes,
                                                              bool(self._image_side))

        self.legend = Legend(self._scene, self.color_source.legend(net, bool(self._image_side)),
                             self.color_source.edge_legend, self.words.note(self._edges_per_neuron))

        self.relayout()

    # ------------------------------------------------------------------ geometry (on resize)
    def relayout(self) -> None:
        size = self.viewport().size()
        w, h = float(size.width()), float(size.height())
        self._scene.setSceneRect(0, 0, w, h)
        bottom = self.legend.place(w, h)
        layout = compute_layout(self._sizes, w, h, bool(self._image_side), bottom)
        self.layout_ = layout
        for l, item in self._neuron_items.items():
            item.set_geometry(layout.layers[l].centres, layout.layers[l].radius)
        if self._input_image is not None:
            x0, y0, side = layout.layers[0].image
            self._input_image.setPos(x0, y0)
            self._input_image.setScale(side / self._image_side)
            self._input_frame.setRect(QRectF(x0 - 1, y0 - 1, side + 2, side + 2))
            self.weights_picture.place(layout, self._image_side)
        xs = [geo.x for geo in layout.layers]
        room = min(np.diff(xs)) - 8 if len(xs) > 1 else w
        for l, caption in enumerate(self._captions):
            geo = layout.layers[l]
            caption.setText(self.words.caption(l))
            if caption.boundingRect().width() > room:
                caption.setText(self.words.caption(l).replace(" · ", "\n"))  # three short lines
            bounds = caption.boundingRect()
            x = geo.image[0] if geo.is_image else geo.x - bounds.width() / 2
            caption.setPos(max(2.0, x), 4)
        self.recolour()
        self._on_selection(*(self._session.selected or (-1, -1)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.layout_ is not None:
            self.relayout()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.relayout()

    # ------------------------------------------------------------------ recolouring (every frame)
    def recolour(self) -> None:
        """Colour every neuron and edge for the current weights and the shown input."""
        if not self._recolour_neurons():
            return
        self._update_edges()
        s = self._session
        if s.selected is not None:
            self._show_selection(*s.selected)

    def _recolour_neurons(self) -> bool:
        """Colour the neurons and the output labels for the shown input; the edges stay as they are.
        Returns False (doing nothing) while a structure change is on its way."""
        s = self._session
        if list(s.network.sizes) != self._sizes or self.layout_ is None:
            return False  # rebuild() follows
        shown = self.color_source.neurons(s, bool(self._image_side))
        self.displayed_activations = shown.values  # what the colours show (for tests, tooltips)
        for l, colors in enumerate(shown.colors):
            if l == 0 and self._input_image is not None:
                side = self._image_side
                self._input_image.setPixmap(rgba_pixmap(colors.reshape(side, side, 4)))
            else:
                self._neuron_items[l].set_colors(colors)
        self.legend.set_ranges(shown.ranges)
        acts = s.activations()
        self._update_labels(acts)
        return True

    def _update_edges(self) -> None:
        layers = self.layout_.layers
        for l, fan in enumerate(self._edge_fans, start=1):
            W = self.color_source.edge_values(self._session, l)
            sources, targets = strongest_edges(W, self._edges_per_neuron[l - 1])
            w = W[targets, sources]
            limit = float(np.max(np.abs(W))) if W.size else 1.0
            fan.set_edges(layers[l - 1].centres[sources], layers[l].centres[targets], w, limit,
                          sources, targets)
        self._show_zero_weights()
        self._redraw_edges()

    def _show_zero_weights(self) -> None:
        starts, ends = [np.zeros((0, 2))], [np.zeros((0, 2))]
        if not self._image_side:
            layers = self.layout_.layers
            for l, W in enumerate(self._session.network.weights, start=1):
                targets, sources = np.nonzero(W == 0)
                starts.append(layers[l - 1].centres[sources])
                ends.append(layers[l].centres[targets])
        self.zero_weights.set_lines(np.concatenate(starts), np.concatenate(ends))

    def _redraw_edges(self) -> None:
        """The cached background (the edges) is out of date: draw it again at the next paint."""
        self.invalidateScene(self._scene.sceneRect(), QGraphicsScene.SceneLayer.BackgroundLayer)

    def _dim_edges(self, dimmed: bool) -> None:
        """Fade the edges while a neuron is selected, so its own highlighted ones stand out."""
        if any(fan.dimmed != dimmed for fan in self._edge_fans):
            for fan in self._edge_fans:
                fan.dimmed = dimmed
            self._redraw_edges()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, self.backgroundBrush())
        for fan in self._edge_fans:
            fan.paint(painter)

    def _update_labels(self, acts: list[np.ndarray]) -> None:
        show_output_labels(self._output_labels, self.layout_.layers[-1], self._session, self.words, acts[-1])
        show_input_labels(self._input_labels, self.layout_.layers[0], self._session, acts[0])

    def _on_walkthrough(self) -> None:
        """A phase of the step-by-step walkthrough: its caption in the note, its numbers in the colours."""
        walk = self._session.walkthrough
        if walk is None:
            self.legend.set_note(self.words.note(self._edges_per_neuron))
        else:
            self.legend.set_note(f"Step by step, phase {walk.index + 1} of {len(walk.phases)}: "
                                 f"{walk.phase.caption}.   → next · ← back · Esc leaves", highlight=True)
        self.relayout()  # the note may take another line; recolours too

    # ------------------------------------------------------------------ selection
    def _on_selection(self, layer: int, index: int) -> None:
        if self.layout_ is None:
            return
        if layer < 0 or layer >= len(self._sizes) or index >= self._sizes[layer]:
            self._ring.hide()
            self._pixel_ring.hide()
            self._selected_item.set_edges(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0), 1.0,
                                          np.zeros(0, np.intp), np.zeros(0, np.intp))
            self._dim_edges(False)
            self._show_weights_image(None)
            self._show_parameter()
            return
        self._show_selection(layer, index)

    def _show_selection(self, layer: int, index: int) -> None:
        geo = self.layout_.layers[layer]
        x, y = geo.centres[index]
        if geo.is_image:
            self._ring.hide()
            r = geo.radius
            self._pixel_ring.setRect(QRectF(x - r - 1, y - r - 1, 2 * r + 2, 2 * r + 2))
            self._pixel_ring.show()
        else:
            self._pixel_ring.hide()
            r = geo.radius + 4
            self._ring.setRect(QRectF(x - r, y - r, 2 * r, 2 * r))
            self._ring.show()
        # over a digit the highlighted lines would hide it: they go under the image (the weights are
        # drawn as a picture below it instead)
        self._selected_item.setZValue(1 if (layer == 1 and self._image_side) else 4)
        self._dim_edges(True)
        if layer >= 1:
            w = self.color_source.edge_values(self._session, layer)[index]
            n_in = len(w)
            sources = np.arange(n_in) if n_in <= 48 else np.argsort(-np.abs(w))[:SELECTED_EDGES]
            starts = self.layout_.layers[layer - 1].centres[sources]
            ends = np.repeat(geo.centres[index][None], len(sources), axis=0)
            limit = float(np.max(np.abs(w))) if n_in else 1.0
            self._selected_item.set_edges(starts, ends, w[sources], limit, sources,
                                          np.full(len(sources), index))
        else:
            self._selected_item.set_edges(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0), 1.0,
                                          np.zeros(0, np.intp), np.zeros(0, np.intp))
        self._show_weights_image((layer, index) if layer == 1 else None)
        self._show_parameter()

    def _show_weights_image(self, selected: tuple[int, int] | None) -> None:
        if self.weights_picture is not None:
            w = None if selected is None else self._session.network.weights[0][selected[1]]
            name = "" if selected is None else f"{self.words.layer_name(1)} neuron {selected[1]}"
            self.weights_picture.show(self.layout_, self._image_side, w, name)

    def _show_parameter(self) -> None:
        """Highlight the selected weight's line (drawn even when it is not among the strongest shown),
        or ring the neuron whose bias is selected."""
        p = self._session.parameter
        self._weight_line.hide()
        self._bias_ring.hide()
        if self.layout_ is None or p is None or p[0] >= len(self._sizes) or p[1] >= self._sizes[p[0]]:
            return
        layer, neuron, source = p
        geo = self.layout_.layers[layer]
        x, y = geo.centres[neuron]
        if source is None:
            r = geo.radius + 8
            self._bias_ring.setRect(QRectF(x - r, y - r, 2 * r, 2 * r))
            self._bias_ring.show()
        elif source < self._sizes[layer - 1]:
            sx, sy = self.layout_.layers[layer - 1].centres[source]
            self._weight_line.setLine(float(sx), float(sy), float(x), float(y))
            self._weight_line.setZValue(self._selected_item.zValue() + 0.5)  # under a digit, as its fan
            self._weight_line.show()

    # ------------------------------------------------------------------ hit testing
    def neuron_at(self, point: QPointF) -> tuple[int, int] | None:
        """(layer, index) of the neuron (or input pixel) under a scene point, or None."""
        if self.layout_ is None:
            return None
        return neuron_at(self.layout_, np.array([point.x(), point.y()]), self._image_side)

    def edge_at(self, point: QPointF) -> tuple[int, int, int] | None:
        """(layer, neuron, source) of the drawn edge under a scene point, or None.

        Where lines cross, the one painted on top wins: a highlighted one, else the strongest."""
        if self.weights_picture is not None and self.weights_picture.covers(point):
            return None  # the lines there are hidden under the picture's panel
        sel = self._session.selected
        fans = [(self._selected_edges, sel[0] if sel else 0)]
        fans += [(fan, l) for l, fan in enumerate(self._edge_fans, start=1)]
        return edge_at(fans, np.array([point.x(), point.y()]))

    def neuron_center(self, layer: int, index: int) -> QPointF:
        """Where a neuron is drawn, in viewport coordinates (for tests and tools)."""
        x, y = self.layout_.layers[layer].centres[index]
        return QPointF(self.mapFromScene(QPointF(x, y)))

    def edge_midpoint(self, layer: int, neuron: int, source: int) -> QPointF:
        """The middle of the line of weights[layer-1][neuron, source], in viewport coordinates."""
        a = self.layout_.layers[layer - 1].centres[source]
        b = self.layout_.layers[layer].centres[neuron]
        return QPointF(self.mapFromScene(QPointF(*((a + b) / 2))))

    # ------------------------------------------------------------------ words for a student
    def neuron_name(self, layer: int, index: int) -> str:
        return self.words.neuron_name(layer, index)

    def tooltip_at(self, point: QPointF) -> str:
        """The tooltip for a scene point: a neuron's numbers, an edge's weight, or what the view shows."""
        walk = self.words.walk_tooltip(self.neuron_at(point), self.edge_at(point))
        if walk:
            return walk  # during the walkthrough: the phase's numbers
        hit = self.neuron_at(point)
        if hit is not None:
            return self.words.neuron_tooltip(*hit)
        edge = self.edge_at(point)
        if edge is not None:
            return self.words.edge_tooltip(*edge)
        if self.weights_picture is not None and self.weights_picture.contains(point):
            return WEIGHTS_PICTURE_TIP
        for l, caption in enumerate(self._captions):
            if caption.sceneBoundingRect().contains(point):
                return self.words.caption_tooltip(l)
        return VIEW_HELP.replace("\n", "<br>")

    # ------------------------------------------------------------------ mouse and menu
    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(self.mapToScene(event.pos()))
            QToolTip.showText(event.globalPos(), text, self.viewport())
            return True
        return super().viewportEvent(event)

    def mouseMoveEvent(self, event) -> None:
        point = self.mapToScene(event.position().toPoint())
        neuron = self.neuron_at(point)
        if self._session.is_plane:  # its map, large, in the decision boundary (lab2d)
            self._session.hover_neuron(*(neuron or (-1, -1)))
        hit = neuron or self.edge_at(point)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            point = self.mapToScene(event.position().toPoint())
            hit = self.neuron_at(point)
            edge = None if hit else self.edge_at(point)
            if edge is not None:
                self._session.select_weight(*edge)  # a line: that one weight
            elif hit and hit[0] == 0 and self._session.is_plane and len(self._session.active_features()) > 1:
                # an input of 2-D data is a feature, as in TensorFlow Playground: a click switches it off
                # (the data panel's feature buttons switch it on again)
                self._session.toggle_feature(self._session.active_features()[hit[1]])
            else:
                self._session.select_neuron(*(hit or (-1, -1)))
            event.accept()
            return
        super().mousePressEvent(event)

    def leaveEvent(self, event) -> None:
        self._session.hover_neuron(-1, -1)
        super().leaveEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._session.select_neuron(-1, -1)
            return
        event.ignore()  # let the window's shortcuts (Space, S, →, R) have every other key

    def context_menu(self, layer: int, index: int) -> QMenu:
        """The right-click menu of a neuron: inspect it, or explain it in the neuron lab."""
        return neuron_menu(self, self._session, layer, index, self.explainRequested.emit)

    def contextMenuEvent(self, event) -> None:
        hit = self.neuron_at(self.mapToScene(event.pos()))
        if hit is None:
            return
        self._session.select_neuron(*hit)
        self.context_menu(*hit).exec(event.globalPos())

