"""The cost along one weight: C as the selected parameter moves across its slider's range, all else fixed.

The curve is `engine.landscape.cost_along` on the Session's fixed probe batch (`gradient_batch()`), so
it does not jump with each mini-batch. Through the current value runs the tangent, whose slope is the
∂C/∂w backprop finds on that same batch; the arrow is the step −lr·∂C/∂w, the way gradient descent
moves this one weight. Where the tangent and the curve part, the first-order picture stops being true.

Plot items are made once and fed with setData. During Run the curve follows the snapshots at most
REFRESH_HZ times a second (tested with a fake clock, as the cost plot's throttling is).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from engine import landscape
from playground import theme
from playground.number_format import readable, significant
from playground.probe_gradients import parameter_gradient, probe_backprop
from playground.session import Session
from playground.views.fitting import longest_that_fits
from playground.views.inspector.sliders import DEFAULT_LIMIT, MANY_INPUTS, initial_limit
from playground.views.pacing import Paced
from playground.views.plots.empty_state import PlotHint, show_axis_numbers

REFRESH_HZ = 10
ARROW_HEAD = 14  # pixels
HEADROOM = 0.3  # share of the plot's height above the curve, where the legend's numbers sit (at least:
MAX_HEADROOM = 0.6  # a short plot gives the legend's three rows more, up to this; the curve keeps 40 %)
POINTS = 200  # along the slider's range; three more sit at the current value and just either side
NEIGHBOUR = 2e-3  # those two are this share of the range's half-width away (a finite difference)
HINT = ("Select a weight\nto see the cost along it:\nclick a line in the network,\n"
        "or a weight's name\nin the neuron inspector.")
TIP = ("The cost C on a fixed sample of the training data, if only the selected weight (or bias) took\n"
       "each value across its slider's range and everything else stayed as it is.\n"
       "The dot is its value now; the straight line is the tangent there, whose slope ∂C/∂w is what\n"
       "backpropagation computes. The arrow is the gradient-descent step −lr·∂C/∂w: downhill.\n"
       "The hollow dot is where that step lands on the curve; the tangent predicts less or more\n"
       "than the curve gives when the step is big. (A step shorter than the arrow's head is drawn\n"
       "a head long: its direction is what counts.)")
# What the arrow is, for each optimiser: honest about the ones whose step is not −lr·∂C/∂w
OPTIMIZER_NOTES = {  # each from long to short: the plot shows the longest that fits
    "sgd": ("arrow: SGD's step −lr·∂C/∂w on these samples", "arrow: SGD's step −lr·∂C/∂w",
            "arrow: SGD's step"),
    "momentum": ("arrow: −lr·∂C/∂w, the gradient's part of momentum's step",
                 "arrow: the gradient's part of momentum's step", "arrow: −lr·∂C/∂w"),
    "adam": ("arrow: plain SGD's step −lr·∂C/∂w; Adam's own step differs", "arrow: SGD's step, not Adam's",
             "arrow: not Adam's step"),
}
LEGEND_POINTS, TITLE_POINTS = 9.0, 8.0  # the legend's and the note's type sizes (pyqtgraph's and ours)
OPTIMIZER_TIPS = {
    "sgd": ("\n\nA Step computes the gradient on its own mini-batch, not on these samples: its step is\n"
            "close to the arrow, not equal to it (equal when the mini-batch is the whole training set)."),
    "momentum": ("\n\nWith momentum the next Step moves each weight by −lr·v, where the velocity v is this\n"
                 "gradient plus 0.9 times the last velocity: the arrow shows the gradient's part only."),
    "adam": ("\n\nAdam moves each weight by about lr per Step, dividing a running average of its gradient\n"
             "by a running average of its size: its step points the same way as the arrow when the\n"
             "gradient keeps its sign, but its length is Adam's own. The arrow is the plain-SGD step."),
}


def slider_limit(network, parameter: tuple[int, int, int | None]) -> float:
    """The half-width of the parameter's slider when its neuron is selected (the inspector's rule)."""
    layer, neuron, source = parameter
    if source is None:
        return initial_limit(network.biases[layer - 1][neuron])
    floor = 1.0 if network.sizes[layer - 1] >= MANY_INPUTS else DEFAULT_LIMIT
    return initial_limit(network.weights[layer - 1][neuron], floor)


def curve_values(value: float, limit: float, points: int = POINTS) -> np.ndarray:
    """Where the curve is computed: evenly across ±limit, plus the value itself and two close
    neighbours, so the plotted curve's slope at the dot can be read off it."""
    h = NEIGHBOUR * limit
    even = np.linspace(-limit, limit, points)
    even = even[np.abs(even - value) > 1.5 * h]  # the two neighbours are the dot's nearest points
    return np.unique(np.concatenate([even, [value - h, value, value + h]]))


def short_parameter_name(session: Session, parameter: tuple[int, int, int | None]) -> str:
    """parameter_name for a narrow plot: "w1 of neuron 0 (← x2)", "bias b of neuron 3"."""
    layer, neuron, source = parameter
    if source is None:
        return f"bias b of neuron {neuron}"
    return f"w{source} of neuron {neuron} (← {session.input_labels(layer - 1)[source]})"


def parameter_name(session: Session, parameter: tuple[int, int, int | None]) -> str:
    layer, neuron, source = parameter
    sizes = session.network.sizes
    where = "output" if layer == len(sizes) - 1 else f"hidden {layer}" if len(sizes) > 3 else "hidden"
    if source is None:
        return f"bias b of {where} neuron {neuron}"
    return f"weight w{source} of {where} neuron {neuron} (← {session.input_labels(layer - 1)[source]})"


class CostCurve(pg.PlotWidget):
    """C(w) for the Session's selected parameter, its tangent, and the next step as an arrow."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent=parent, background=theme.BACKGROUND)
        self.setObjectName("costCurve")
        self.setToolTip(TIP)
        self.setMinimumHeight(150)
        self._session = session
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(x=True, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTextPen(theme.TEXT_DIM)
            axis.setPen(theme.TEXT_DIM)
            axis.enableAutoSIPrefix(False)
        self._legend = plot.addLegend(offset=(-4, 1), labelTextColor=theme.TEXT, brush=(30, 31, 36, 200),
                                      verSpacing=-6)
        self._curve = plot.plot([], [], pen=pg.mkPen(theme.COST_TRAIN, width=2), name="cost")
        dashed = pg.mkPen(theme.HIGHLIGHT, width=1.5, style=Qt.PenStyle.DashLine)
        self._tangent = plot.plot([], [], pen=dashed, name="tangent")
        self._step = plot.plot([], [], pen=pg.mkPen(theme.GOOD, width=2.5), name="step")
        self._arrow = pg.ArrowItem(headLen=ARROW_HEAD, tipAngle=35, tailLen=0, pen=None, brush=theme.GOOD)
        plot.addItem(self._arrow)
        self._landing = pg.ScatterPlotItem(size=9, brush=None, pen=pg.mkPen(theme.GOOD, width=2))
        plot.addItem(self._landing)
        self._point = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(theme.HIGHLIGHT), pen=pg.mkPen("k"))
        plot.addItem(self._point)
        self._hint = PlotHint(plot, HINT, (0.0, 0.5))
        plot.enableAutoRange(enable=False)
        self._words: dict[str, tuple[str, ...]] | None = None  # the texts shown, each long to short
        self._costs: np.ndarray | None = None  # the curve's costs now shown
        plot.getViewBox().sigResized.connect(self._resized)

        self.parameter: tuple[int, int, int | None] | None = None  # what the plot shows now
        self.limit = DEFAULT_LIMIT
        self.value = self.cost = self.gradient = self.step = 0.0
        self._paced = Paced(self, session, self.refresh, REFRESH_HZ)
        self._hint_drawn = False  # the hint is up, titles and all: nothing to redraw until a weight is chosen
        self._stale = False  # hidden when news came: drawn when shown again
        session.parameterChanged.connect(self.refresh)
        session.structureChanged.connect(self.refresh)
        session.settingsChanged.connect(self.refresh)  # the learning rate, the cost, the optimiser
        session.networkChanged.connect(self._network_changed)
        session.runningChanged.connect(lambda running: None if running else self.refresh())
        self.refresh()

    def _network_changed(self) -> None:
        # During Run, redraw at most REFRESH_HZ times a second, in a beat of its own (views/pacing.py);
        # pausing redraws at once. Paused, a slider drag or a Step shows at once.
        self._paced.request()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        s = self._session
        if not self.isVisible():
            self._stale = True  # a hidden dock costs nothing; it catches up when shown
            return
        self._stale = False
        p = s.parameter
        if p is None:
            self._show_hint()
            return
        net = s.network
        if p != self.parameter:
            self.parameter = p
            self.limit = slider_limit(net, p)
        layer, neuron, source = p
        value = s.parameter_value()
        # the slider's range grows to fit its values (as the inspector's does)
        row = net.biases[layer - 1][neuron] if source is None else net.weights[layer - 1][neuron]
        biggest = float(np.max(np.abs(row)))
        if np.isfinite(biggest) and biggest > self.limit:
            self.limit = theme.nice_limit(biggest)
        X, Y = s.gradient_batch()
        xs = curve_values(value, self.limit)
        costs = landscape.cost_along(net, X, Y, s.cost_name, layer, neuron, source, xs)
        # the parameter's own value, as the network stores it: the dot and the tangent sit there
        self.value, self.cost = value, probe_backprop(s).cost
        self.gradient = parameter_gradient(s, p)
        self.step = -s.learning_rate * self.gradient
        self._hint_drawn = False
        self._hint.hide()
        self._legend.show()
        show_axis_numbers(self.getPlotItem(), True)
        self._curve.setData(xs, costs)
        ends = np.array([-self.limit, self.limit])
        self._tangent.setData(ends, self.cost + self.gradient * (ends - value))
        self._point.setData([value], [self.cost])
        after = float(np.interp(value + self.step, xs, costs))
        self._landing.setData([value + self.step], [after])
        self._show_words(s, p, len(X), after)  # first: the legend's size decides the room above the curve
        self._costs = costs
        self._show_range(costs)
        self._show_step(value, self.cost, self.step)

    def _resized(self) -> None:
        """Texts that fit the new width, and the room above the curve their legend now needs."""
        self._fit_words()
        if self.parameter is not None and self._costs is not None:
            self._show_range(self._costs)
            self._show_step(self.value, self.cost, self.step)

    def _show_hint(self) -> None:
        if self._hint_drawn:  # (during Run it would relayout the title and the axes ten times a second)
            return
        self._hint_drawn = True
        self.parameter = None
        for item in (self._curve, self._tangent, self._point, self._landing, self._step):
            item.setData([], [])
        self._arrow.hide()
        self._hint.show()
        self._legend.hide()
        show_axis_numbers(self.getPlotItem(), False)  # no weight, no values, no costs: no numbers
        plot = self.getPlotItem()
        # the dock's title already names the plot: the title row stays (so showing a weight's optimiser
        # note does not move the axes) but says nothing until there is a note
        plot.setTitle(" ", color=theme.TEXT_DIM, size="8pt")
        for name in ("cost", "tangent", "step"):
            self._label(name, name)
        plot.setLabel("bottom", "")
        plot.setLabel("left", "cost")
        plot.setRange(xRange=(-1, 1), yRange=(0, 1), padding=0)

    def _show_step(self, value: float, cost: float, step: float) -> None:
        """A horizontal arrow from the value to value + step (the weight moves; the rest stays). A step
        shorter than the arrow's head is drawn a head long, so its direction is still seen."""
        if step == 0 or not np.isfinite(step):
            self._step.setData([], [])
            self._arrow.hide()
            return
        pixel = self.getPlotItem().getViewBox().viewPixelSize()[0]  # data units per screen pixel
        tip = value + np.sign(step) * max(abs(step), ARROW_HEAD * pixel)
        self._step.setData([value, tip], [cost, cost])
        self._arrow.setStyle(angle=0 if step < 0 else 180)  # 0: pointing left
        self._arrow.setPos(tip, cost)
        self._arrow.show()

    def _show_range(self, costs: np.ndarray) -> None:
        finite = costs[np.isfinite(costs)]
        lo = float(min(finite.min(), self.cost)) if finite.size else 0.0
        hi = float(max(finite.max(), self.cost)) if finite.size else 1.0
        pad = 0.08 * (hi - lo) if hi > lo else max(0.05 * abs(hi), 1e-3)
        room = self.headroom()
        top = hi + pad + room / (1 - room) * (hi + 2 * pad - lo)
        self.getPlotItem().setRange(xRange=(-self.limit, self.limit), yRange=(lo - pad, top), padding=0)

    def headroom(self) -> float:
        """The share of the plot's height kept above the curve: what the legend's rows need there."""
        view = self.getPlotItem().getViewBox().height()
        needed = (self._legend.boundingRect().height() + 6) / max(view, 1.0)
        return float(np.clip(needed, HEADROOM, MAX_HEADROOM))

    def _show_words(self, s: Session, p: tuple[int, int, int | None], n: int, after: float) -> None:
        w = "b" if p[2] is None else "w"
        cost, value, landing = (readable(x, 4) for x in (self.cost, self.value, after))
        slope, move = significant(self.gradient, 4), significant(self.step, 3, sign=True)
        # the numbers go in the legend, beside what they belong to; each text from long to short
        self._words = {
            "cost": (f"cost C = {cost} at {w} = {value}", f"C = {cost} at {w} = {value}", f"C = {cost}"),
            "tangent": (f"tangent: slope ∂C/∂{w} = {slope}", f"slope ∂C/∂{w} = {slope}",
                        f"slope {significant(self.gradient, 2)}"),
            "step": (f"step −lr·∂C/∂{w} = {move} → C = {landing}", f"step {move} → C = {landing}",
                     f"step {significant(self.step, 2, sign=True)}"),
            "title": OPTIMIZER_NOTES.get(s.optimizer_name, ("",)),
            "bottom": (parameter_name(s, p), short_parameter_name(s, p)),
        }
        self.getPlotItem().setLabel("left", f"cost C ({n} training samples)", color=theme.TEXT_DIM)
        self._fit_words()
        self.setToolTip(TIP + OPTIMIZER_TIPS.get(s.optimizer_name, ""))

    def _fit_words(self) -> None:
        """The longest wording of each text that fits the plot's width now (a narrow dock gets the short
        ones, every number whole, rather than long ones cut off)."""
        words = self._words
        if words is None or self.parameter is None:
            return
        plot = self.getPlotItem()
        view = plot.getViewBox().width()
        legend_room = view - 60  # the legend's line samples, its margins, the text's own and the edge
        for name in ("cost", "tangent", "step"):
            self._label(name, longest_that_fits(words[name], LEGEND_POINTS, legend_room))
        self._legend.updateSize()  # (a legend sizes itself only as entries come, not as their texts change)
        # (the title's column is the view box's)
        title = longest_that_fits(words["title"], TITLE_POINTS, view - 12)
        if plot.titleLabel.text != title:
            plot.setTitle(title, color=theme.TEXT_DIM, size=f"{TITLE_POINTS:g}pt")
            plot.titleLabel.setMinimumWidth(1)  # the note never widens the plot
            plot.titleLabel.setPreferredWidth(1)
        bottom = longest_that_fits(words["bottom"], self.font().pointSizeF(), view - 12)
        if plot.getAxis("bottom").labelText != bottom:
            plot.setLabel("bottom", bottom, color=theme.TEXT_DIM)

    def _label(self, name: str, text: str) -> None:
        label = self._legend.getLabel(self.item(name))
        if label.text != text:
            label.setText(text)
            # its own size at once, for the legend's: a label grows with a longer text but keeps its
            # old width for a shorter one until the layout next runs
            label.resize(label.effectiveSizeHint(Qt.SizeHint.PreferredSize))

    # ------------------------------------------------------------------ for tests and tools
    def item(self, name: str) -> pg.PlotDataItem:
        """The plot item with this legend name ("cost", "tangent" or "step")."""
        return next(i for i in self.getPlotItem().listDataItems() if i.name() == name)

    def tangent_slope(self) -> float:
        x, y = self._tangent.getData()
        return float((y[1] - y[0]) / (x[1] - x[0]))

    def hint_shown(self) -> bool:
        return self._hint.isVisible()
