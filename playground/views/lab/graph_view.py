"""The Neuron lab's canvas: a Value graph drawn the way micrograd's draw_dot draws it, but alive.

Each value is a box of three lines, label / data / grad (draw_dot puts them side by side; stacked,
the graph is half as wide, so it stays readable in a window), each operator a small round node between
its operands and its result, edges run operand -> operator -> result, columns follow the topological order
(left to right). Items are created once per graph shape; new numbers only change their text and colour.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from engine import graph
from engine.value import Value
from playground import theme
from playground.views.lab.expressions import fmt
from playground.views.lab.graph_layout import layout  # Qt-free columns and rows

LINE = 18.0  # one line of a value's box
BOX_HEIGHT = 3 * LINE  # label, data, grad
ROW = BOX_HEIGHT + 14.0  # vertical distance between rows: a box plus breathing room
COLUMN_GAP = 26.0
OP_RADIUS = 17.0
PAD = 8.0
MIN_ZOOM, MAX_ZOOM = 0.1, 4.0
LEGIBLE_ZOOM = 0.75  # below this the 10 pt box text is too small to read (under 8 px high): fit shows
# the output end at this zoom instead, and the rest is a drag away


def grad_colour(grad: float, largest: float) -> QColor:
    """Orange for a positive grad, blue for a negative one; stronger for a bigger |grad|."""
    if grad == 0.0 or largest == 0.0:
        return QColor(0, 0, 0, 0)
    colour = QColor(theme.POSITIVE if grad > 0 else theme.NEGATIVE)
    colour.setAlphaF(0.3 + 0.7 * min(abs(grad) / largest, 1.0))
    return colour


class ValueItem(QGraphicsRectItem):
    """A value's box: three lines, "label", "data …", "grad …"; the grad line coloured by the grad."""

    def __init__(self, value: Value, font: QFont, width: float) -> None:
        super().__init__(0, 0, width, BOX_HEIGHT)
        self.value = value
        self.setBrush(QColor(theme.PANEL))
        self.setPen(QPen(QColor(theme.TEXT_DIM), 1.2))
        self.gradField = QGraphicsRectItem(0, 2 * LINE, width, LINE, self)
        self.gradField.setPen(QPen(Qt.PenStyle.NoPen))
        self.fields: list[QGraphicsSimpleTextItem] = []
        label_font = QFont(font)
        label_font.setBold(True)
        for k in range(3):
            text = QGraphicsSimpleTextItem(self)
            text.setFont(label_font if k == 0 else font)
            text.setBrush(QColor(theme.TEXT))
            self.fields.append(text)
        divider = QGraphicsPathItem(self)  # under the label, as draw_dot's record separates its fields
        path = QPainterPath(QPointF(0, LINE))
        path.lineTo(width, LINE)
        divider.setPath(path)
        divider.setPen(QPen(QColor(theme.TEXT_DIM), 1))
        self.setToolTip("A value: its label, its data (computed by the forward pass) and its grad "
                        "(how much the output changes per unit change of this value).")

    def update_from(self, value: Value, largest_grad: float) -> None:
        self.value = value
        texts = (value.label, f"data {fmt(value.data)}", f"grad {fmt(value.grad)}")
        colour = grad_colour(value.grad, largest_grad)
        self.gradField.setBrush(colour)
        width = self.rect().width()
        for k, (item, text) in enumerate(zip(self.fields, texts, strict=True)):
            item.setText(text)
            bounds = item.boundingRect()
            item.setPos((width - bounds.width()) / 2, k * LINE + (LINE - bounds.height()) / 2)
        strong = colour.alphaF() > 0.6
        self.fields[2].setBrush(QColor("#15161a") if strong else QColor(theme.TEXT))

    def texts(self) -> tuple[str, str, str]:
        """What the box shows, read from its text items: (label, "data …", "grad …")."""
        return tuple(item.text() for item in self.fields)  # type: ignore[return-value]

    def set_lit(self, lit: bool) -> None:
        self.setPen(QPen(QColor(theme.HIGHLIGHT), 3) if lit else QPen(QColor(theme.TEXT_DIM), 1.2))


class OpItem(QGraphicsEllipseItem):
    """An operator node (+, *, tanh, exp, **-1 …) between its operands and its result."""

    def __init__(self, op: str, font: QFont) -> None:
        width = max(2 * OP_RADIUS, QFontMetricsF(font).horizontalAdvance(op) + 14)
        super().__init__(0, 0, width, 2 * OP_RADIUS)
        self.op = op
        self.setBrush(QColor("#34363f"))
        self.setPen(QPen(QColor(theme.TEXT_DIM), 1.2))
        self.text = QGraphicsSimpleTextItem(op, self)
        self.text.setFont(font)
        self.text.setBrush(QColor(theme.TEXT))
        bounds = self.text.boundingRect()
        self.text.setPos((width - bounds.width()) / 2, (2 * OP_RADIUS - bounds.height()) / 2)
        self.setToolTip(f"The operator “{op}”: it takes the values on its left and makes the value on "
                        "its right. In backward it multiplies the incoming grad by its local derivative.")

    def set_lit(self, lit: bool) -> None:
        self.setPen(QPen(QColor(theme.HIGHLIGHT), 3) if lit else QPen(QColor(theme.TEXT_DIM), 1.2))


class EdgeItem(QGraphicsPathItem):
    """A curved arrow from the right side of one node to the left side of another."""

    def __init__(self, start: QPointF, end: QPointF) -> None:
        super().__init__()
        path = QPainterPath(start)
        bend = max(20.0, (end.x() - start.x()) / 2)
        path.cubicTo(start + QPointF(bend, 0), end - QPointF(bend, 0), end)
        self.setPath(path)  # drawn with the pen only: a filled curve would shade the area under it
        arrow = QPolygonF([end, end + QPointF(-8, -4.5), end + QPointF(-8, 4.5)])
        self.head = QGraphicsPolygonItem(arrow, self)
        self.setZValue(-1)
        self.set_lit(False)

    def set_lit(self, lit: bool) -> None:
        colour = QColor(theme.HIGHLIGHT if lit else theme.TEXT_DIM)
        pen = QPen(colour, 2.5 if lit else 1.3)
        self.setPen(pen)
        self.head.setPen(pen)
        self.head.setBrush(colour)


class GraphView(QGraphicsView):
    """The lab's canvas (objectName "graphView"): pan by dragging, zoom with the wheel or +/-."""

    fitted = Signal(bool)  # after each fit: True when the whole graph is in view
    valueClicked = Signal(object)  # the Value whose box was clicked (dragging still pans)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("graphView")
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor(theme.BACKGROUND))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(120)  # a docked lab still shows a few rows of boxes
        self.setToolTip("The expression graph. Drag to pan, scroll or press +/− to zoom, 0 to fit.")
        self.box_font = QFont()
        self.box_font.setPointSizeF(10)
        self.op_font = QFont(self.box_font)
        self.op_font.setPointSizeF(12)
        self.op_font.setBold(True)
        self.value_items: dict[str, ValueItem] = {}
        self.op_items: dict[str, OpItem] = {}
        self.edge_items: dict[tuple[str, str], list[EdgeItem]] = {}
        self.names: dict[int, str] = {}  # id(Value) -> node name
        self._shape: tuple = ()
        self._callout = QGraphicsSimpleTextItem()
        self._callout_box = QGraphicsRectItem()
        self._lit: list = []
        self._mark: QGraphicsRectItem | None = None  # the frame around the selected parameter's box
        self.marked: Value | None = None
        self._graph_rect = QRectF()  # the nodes and arrows, without the backward callout
        self._auto_fit = True
        self._root_name = ""
        # Scroll bars stay hidden (dragging still pans): showing and hiding them as the graph is fitted
        # would resize the viewport, refit, and so on without end.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def sizeHint(self) -> QSize:
        # ask for little: the graph is fitted to whatever room the lab gets (Qt's default asks for the
        # whole scene, which made a scrolled lab scroll for nothing)
        return QSize(640, 240)

    # ---- content -------------------------------------------------------------------------------
    def set_expression(self, root: Value) -> None:
        """Show the graph of ``root``. Same shape as before: only numbers change; else redraw."""
        g = graph.to_networkx(root, operator_nodes=True)
        shape = tuple((n, a["kind"], a.get("op"), a.get("label")) for n, a in g.nodes(data=True))
        shape += tuple(g.edges)
        self.names = graph.value_ids(root)
        if shape != self._shape:
            self._shape = shape
            self._build(g)
            self.fit()
        else:
            for node, attrs in g.nodes(data=True):
                if attrs["kind"] == "value":
                    self.value_items[node].value = attrs["value"]
        self.refresh()

    def refresh(self) -> None:
        """Re-read every value's data and grad into its box."""
        largest = max((abs(item.value.grad) for item in self.value_items.values()), default=0.0)
        for item in self.value_items.values():
            item.update_from(item.value, largest)

    def item_for(self, value: Value) -> ValueItem:
        return self.value_items[self.names[id(value)]]

    def boxes_by_label(self) -> dict[str, tuple[str, str, str]]:
        """The displayed text of every labelled box, keyed by its displayed label."""
        return {item.texts()[0]: item.texts() for item in self.value_items.values() if item.texts()[0]}

    def to_op_texts(self) -> list[str]:
        """The text of every operator node, as drawn."""
        return [item.text.text() for item in self.op_items.values()]

    def lit_value(self) -> Value | None:
        """The value whose box is lit up (during backward), if any."""
        return next((item.value for item in self._lit if isinstance(item, ValueItem)), None)

    def callout_text(self) -> str:
        return self._callout.text() if self._callout.isVisible() else ""

    def no_overlaps(self) -> bool:
        """True when no two nodes' drawn shapes intersect."""
        rects = [item.sceneBoundingRect() for item in [*self.value_items.values(), *self.op_items.values()]]
        return not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])

    def _build(self, g: nx.DiGraph) -> None:
        scene = self.scene()
        scene.clear()
        self.value_items.clear()
        self.op_items.clear()
        self.edge_items.clear()
        self._lit = []
        self._mark = None
        label_font = QFont(self.box_font)
        label_font.setBold(True)
        number_width = QFontMetricsF(self.box_font).horizontalAdvance("grad -000.0000") + 2 * PAD
        items: dict[str, QGraphicsItem] = {}
        for node, attrs in g.nodes(data=True):
            if attrs["kind"] == "value":
                label_width = QFontMetricsF(label_font).horizontalAdvance(attrs["label"]) + 2 * PAD
                item = ValueItem(attrs["value"], self.box_font, max(number_width, label_width))
                self.value_items[node] = item
            else:
                item = OpItem(attrs["op"], self.op_font)
                self.op_items[node] = item
            scene.addItem(item)
            items[node] = item

        positions = layout(g)
        n_columns = max(c for c, _ in positions.values()) + 1
        widths = [0.0] * n_columns
        for node, (c, _) in positions.items():
            widths[c] = max(widths[c], items[node].rect().width())
        lefts = [0.0]
        for w in widths[:-1]:
            lefts.append(lefts[-1] + w + COLUMN_GAP)
        for node, (c, r) in positions.items():
            rect = items[node].rect()
            x = lefts[c] + (widths[c] - rect.width()) / 2
            items[node].setPos(x, r * ROW + (BOX_HEIGHT - rect.height()) / 2)

        for source, target, count in g.edges(data="count"):
            a = items[source].sceneBoundingRect()
            b = items[target].sceneBoundingRect()
            edges = []
            for k in range(count):
                offset = (k - (count - 1) / 2) * 9.0  # a value used twice gets two visible arrows
                start = QPointF(a.right(), a.center().y() + offset)
                end = QPointF(b.left(), b.center().y() + offset)
                edge = EdgeItem(start, end)
                scene.addItem(edge)
                edges.append(edge)
            self.edge_items[(source, target)] = edges

        self._graph_rect = scene.itemsBoundingRect()
        self._root_name = next(n for n in g.nodes if g.out_degree(n) == 0)
        self._callout = QGraphicsSimpleTextItem()
        font = QFont(self.box_font)
        font.setBold(True)
        self._callout.setFont(font)
        self._callout.setBrush(QColor(theme.HIGHLIGHT))
        self._callout_box = QGraphicsRectItem()
        self._callout_box.setBrush(QColor(theme.BACKGROUND))
        self._callout_box.setPen(QPen(QColor(theme.HIGHLIGHT), 1))
        for item in (self._callout_box, self._callout):
            item.setZValue(10)
            item.setVisible(False)
            scene.addItem(item)
        # room to pan a little past the graph's edges
        scene.setSceneRect(self._graph_rect.adjusted(-400, -300, 400, 300))

    def mark(self, value: Value | None) -> None:
        """Frame ``value``'s box: the weight or bias selected in the network view or the inspector."""
        self.marked = value if value is not None and id(value) in self.names else None
        if self.marked is None:
            if self._mark is not None:
                self._mark.hide()
            return
        if self._mark is None:
            self._mark = QGraphicsRectItem()
            self._mark.setPen(QPen(QColor(theme.HIGHLIGHT), 2.5, Qt.PenStyle.DashLine))
            self._mark.setZValue(9)
            self.scene().addItem(self._mark)
        box = self.item_for(self.marked).sceneBoundingRect()
        self._mark.setRect(box.adjusted(-4, -4, 4, 4))
        self._mark.show()

    # ---- backward animation ----------------------------------------------------------------------
    def light(self, value: Value | None, callout: str = "") -> None:
        """Light up ``value``'s box and the arrows its grad came along; show ``callout`` above it."""
        for item in self._lit:
            item.set_lit(False)
        self._lit = []
        self._callout.setVisible(False)
        self._callout_box.setVisible(False)
        if value is None or id(value) not in self.names:
            return
        name = self.names[id(value)]
        box = self.value_items[name]
        self._lit.append(box)
        for (source, target), edges in self.edge_items.items():
            if source == name:  # the arrows to the operators that used this value
                self._lit.extend(edges)
                self._lit.append(self.op_items[target])
        for item in self._lit:
            item.set_lit(True)
        if callout:
            self._callout.setText(callout)
            r = self._callout.boundingRect()
            top_left = box.sceneBoundingRect().topLeft() + QPointF(0, -r.height() - 8)
            self._callout.setPos(top_left)
            self._callout_box.setRect(QRectF(top_left, r.size()).adjusted(-4, -2, 4, 2))
            self._callout.setVisible(True)
            self._callout_box.setVisible(True)
        # scroll only to bring a box out of sight into view: ensureVisible's margins moved a graph
        # that was wholly in view sideways with each backward step
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        if not visible.contains(box.sceneBoundingRect()):
            self.ensureVisible(box, 40, 40)

    # ---- pan and zoom ----------------------------------------------------------------------------
    def zoom(self, factor: float) -> None:
        self._auto_fit = False
        current = self.transform().m11()
        factor = min(max(current * factor, MIN_ZOOM), MAX_ZOOM) / current
        self.scale(factor, factor)

    def fit(self) -> None:
        """Show the whole graph, at most 1.3× enlarged. If that would make the text too small to read
        (a wide graph in a small panel), zoom to a legible size and show the output end instead:
        the rest is a drag away."""
        self._auto_fit = True
        rect = self._graph_rect.adjusted(-20, -40, 20, 20)
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        scale = self.transform().m11()
        if LEGIBLE_ZOOM <= scale <= 1.3:
            self.fitted.emit(True)
            return
        scale = min(max(scale, LEGIBLE_ZOOM), 1.3)
        self.resetTransform()
        self.scale(scale, scale)
        visible_width = self.viewport().width() / scale
        centre_x = max(rect.center().x(), rect.right() - visible_width / 2)
        output = self.value_items.get(self._root_name)
        centre_y = output.sceneBoundingRect().center().y() if output is not None else rect.center().y()
        self.centerOn(QPointF(centre_x, centre_y))
        self.fitted.emit(self.whole_graph_visible())

    def whole_graph_visible(self) -> bool:
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        return visible.contains(self._graph_rect)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.itemAt(event.position().toPoint())
            while item is not None and not isinstance(item, ValueItem):
                item = item.parentItem()  # a click on a box's text is a click on its box
            if item is not None:
                self.valueClicked.emit(item.value)
        super().mousePressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.15 ** (event.angleDelta().y() / 120))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._auto_fit:  # until the user zooms, the whole graph follows the window's size
            self.fit()

    # ---- export ----------------------------------------------------------------------------------
    def export_image(self, path: str | Path) -> None:
        """The whole graph as a PNG (twice the screen resolution) or an SVG, chosen by the extension."""
        path = Path(path)
        self.light(None)
        rect = self._graph_rect.adjusted(-20, -20, 20, 20)
        if path.suffix.lower() == ".svg":
            from PySide6.QtSvg import QSvgGenerator  # QtSvg ships with PySide6-Essentials

            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(QSize(int(rect.width()), int(rect.height())))
            generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
            generator.setTitle("Expression graph")
            painter = QPainter(generator)
            painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), QColor(theme.BACKGROUND))
            self.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
            painter.end()
            return
        image = QImage(int(rect.width() * 2), int(rect.height() * 2), QImage.Format.Format_ARGB32)
        image.fill(QColor(theme.BACKGROUND))
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.scene().render(painter, QRectF(0, 0, image.width(), image.height()), rect)
        painter.end()
        if not image.save(str(path)):
            raise OSError(f"could not write the image to {path}")
