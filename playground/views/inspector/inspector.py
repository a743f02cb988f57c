"""The neuron inspector: the selected neuron's weights and bias as sliders, and its sum written out.

A slider moves one number; the Session applies it to the network (also during Run), and every view
redraws from the Session. Slider rows are pooled: selecting another neuron with as many inputs
reuses the rows and only sets their values, so even 784 sliders appear at once.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from playground import theme
from playground.probe_gradients import probe_backprop
from playground.session import Session
from playground.views.inspector.activation_plot import ActivationPlot
from playground.views.inspector.nudge import NudgePanel
from playground.views.inspector.sliders import (
    DEFAULT_LIMIT,
    MANY_INPUTS,
    ParameterLabel,
    SliderPage,
    ValueSlider,
    initial_limit,
    three_decimals,
)
from playground.views.inspector.walk_panel import WalkPanel
from playground.views.network.items import rgba_pixmap
from playground.views.network.layout import image_side
from playground.views.pacing import Paced

SHOWN_TERMS = 4  # a neuron with more inputs has its z written with its biggest terms and "… more"
IMAGE_SCALE = 5  # a 28x28 weight picture is drawn 140 pixels wide
RUN_REFRESH_HZ = 10  # during Run the inspector follows the snapshots at most this often

WEIGHT_TIP = ("A weight says how much this neuron listens to one input: the input's activation is\n"
              "multiplied by it. Positive weights push the neuron up, negative ones push it down.")
BIAS_TIP = ("The bias is added to the weighted sum: it says how easily the neuron lights up,\n"
            "even before any input pushes it. A big negative bias makes it hard to activate.")
HINT = "Click a neuron in the network to inspect it: its weights and bias become sliders you can move."


class NeuronInspector(QWidget):
    """Sliders and numbers for the neuron selected in the Session."""

    explainRequested = Signal(int, int)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("neuronInspector")
        self._session = session
        self._selected: tuple[int, int] | None = None
        self._pages: dict[int, SliderPage] = {}  # fan-in -> its slider rows
        self._page: SliderPage | None = None  # the page on show
        self._weight_limit = DEFAULT_LIMIT

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.titleLabel = QLabel()
        self.titleLabel.setObjectName("inspectorTitle")
        title_font = QFont()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.titleLabel.setFont(title_font)
        self.titleLabel.setWordWrap(True)
        outer.addWidget(self.titleLabel)
        self.hintLabel = QLabel(HINT)
        self.hintLabel.setObjectName("inspectorHint")
        self.hintLabel.setWordWrap(True)
        self.hintLabel.setStyleSheet(f"color: {theme.TEXT_DIM};")
        outer.addWidget(self.hintLabel)
        self.walkPanel = WalkPanel(session)  # the step-by-step walkthrough's numbers, while it runs
        outer.addWidget(self.walkPanel)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        self.formulaLabel = QLabel()
        self.formulaLabel.setObjectName("formulaLabel")
        self.formulaLabel.setWordWrap(True)
        self.formulaLabel.setTextFormat(Qt.TextFormat.RichText)
        self.formulaLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formulaLabel.setToolTip(
            "The neuron's weighted sum z: each input's activation times its weight, all added up, plus the\n"
            "bias. The activation function f then turns z into the neuron's output a = f(z).")
        body.addWidget(self.formulaLabel)
        self.activationPlot = ActivationPlot()
        body.addWidget(self.activationPlot)

        self.imageRow = QWidget()
        images = QHBoxLayout(self.imageRow)
        images.setContentsMargins(0, 0, 0, 0)
        self.weightsImage, weights_box = self._picture(
            "its weights: what it looks for",
            "Each pixel is the weight from that pixel of the digit. Orange: ink there pushes the neuron up;\n"
            "blue: ink there pushes it down. The pattern is what this neuron has learned to look for.")
        self.contributionImage, contribution_box = self._picture(
            "weight × pixel: what it sees now",
            "Each pixel's ink times its weight, for the shown digit: what each pixel adds to z right now.\n"
            "Their sum (plus the bias) is the weighted sum z.")
        images.addWidget(weights_box)
        images.addWidget(contribution_box)
        images.addStretch(1)
        body.addWidget(self.imageRow)

        bias_row = QHBoxLayout()
        bias_name = self.biasName = ParameterLabel("bias b")
        bias_name.setObjectName("biasName")
        bias_name.setToolTip(BIAS_TIP + "\nClick the name to select the bias (it is ringed in the network).")
        bias_name.clicked.connect(lambda: self._name_clicked(None))
        self.bias = ValueSlider("biasSlider", self)
        self.bias.set_tip(BIAS_TIP)
        self.bias.moved.connect(self._bias_moved)
        bias_row.addWidget(bias_name)
        bias_row.addWidget(self.bias.slider, 1)
        bias_row.addWidget(self.bias.value_label)
        body.addLayout(bias_row)

        self.weightsHeader = QLabel()
        self.weightsHeader.setToolTip(WEIGHT_TIP)
        body.addWidget(self.weightsHeader)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("weightScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body.addWidget(self.scroll, 1)
        self.nudgePanel = NudgePanel(session)  # its weights and bias ranked by |∂C/∂w|, and a nudge
        body.addWidget(self.nudgePanel)

        self.explainButton = QPushButton("Explain this neuron")
        self.explainButton.setObjectName("explainButton")
        self.explainButton.setToolTip("Build this neuron's weighted sum and activation as a micrograd "
                                      "expression graph in the neuron lab, with its real numbers, and\n"
                                      "step through how backpropagation finds each weight's gradient.")
        self.explainButton.clicked.connect(self._explain)
        body.addWidget(self.explainButton)
        outer.addWidget(self.body, 1)
        self._spacer = QWidget()
        self._spacer.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        outer.addWidget(self._spacer)

        session.selectionChanged.connect(self._on_selection)
        session.parameterChanged.connect(self._show_parameter)
        session.structureChanged.connect(self._on_structure)
        # during Run, snapshots come ~55 times a second; hundreds of sliders need not follow that fast,
        # and they redraw in a beat of their own, not on the same turn as the other views (views/pacing.py)
        self._paced = Paced(self, session, self.refresh, RUN_REFRESH_HZ)
        session.networkChanged.connect(self._network_changed)
        session.inputChanged.connect(self.refresh)
        session.runningChanged.connect(lambda running: None if running else self.refresh())
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._on_selection(*(session.selected or (-1, -1)))

    def _picture(self, caption: str, tip: str) -> tuple[QLabel, QWidget]:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        picture = QLabel()
        picture.setFixedSize(28 * IMAGE_SCALE, 28 * IMAGE_SCALE)
        picture.setToolTip(tip)
        words = QLabel(caption)
        words.setStyleSheet(f"color: {theme.TEXT_DIM};")
        words.setToolTip(tip)
        v.addWidget(picture)
        v.addWidget(words)
        return picture, box

    # ------------------------------------------------------------------ selection
    def _on_structure(self) -> None:
        # the same (layer, index) may now have another number of inputs, or another activation
        self._selected = None
        self._drop_unused_pages()
        self._on_selection(*(self._session.selected or (-1, -1)))

    def _on_selection(self, layer: int, index: int) -> None:
        sizes = self._session.network.sizes
        if layer < 0 or layer >= len(sizes) or index < 0 or index >= sizes[layer]:
            self._selected = None
            self.titleLabel.setText("Neuron inspector")
            self.hintLabel.setText(HINT)
            self._show_body(False)
            return
        if layer == 0:
            self._selected = None
            a = float(self._session.activations()[0][index])
            self.titleLabel.setText(f"Input neuron {self._source_name(0, index)}")
            self.hintLabel.setText(
                f"Input neurons have no weights and no bias: this one just holds one number of the input "
                f"({three_decimals(a)} for the shown input). Click a neuron in a later layer to see its "
                "sliders.")
            self._show_body(False)
            return
        self._selected = (layer, index)
        self.hintLabel.setText("")
        self.hintLabel.hide()
        n_in = sizes[layer - 1]
        net = self._session.network
        floor = 1.0 if n_in >= MANY_INPUTS else DEFAULT_LIMIT
        self._weight_limit = initial_limit(net.weights[layer - 1][index], floor)
        self._ensure_rows(n_in, layer, self._weight_limit)
        self.bias.set_limit(initial_limit(net.biases[layer - 1][index]))
        self.weightsHeader.setText(f"{n_in} incoming weight{'s' if n_in != 1 else ''} "
                                   f"(one slider per input)")
        self.imageRow.setVisible(self._session.dataset.is_image and image_side(n_in) is not None
                                 and layer == 1)
        self._show_body(True)
        self.refresh()
        self._show_parameter()

    def _show_body(self, shown: bool) -> None:
        if not shown and self._page is not None:
            self._page.set_named(False)  # no neuron with weights selected: no weightSlider answers
        self.body.setVisible(shown)
        self._spacer.setVisible(not shown)
        self.hintLabel.setVisible(not shown)

    def _source_name(self, layer: int, k: int) -> str:
        """The name of neuron k of `layer`, as a weight's source."""
        sizes = self._session.network.sizes
        if layer == 0:
            side = image_side(sizes[0]) if self._session.dataset.is_image else None
            if side:
                row, col = divmod(k, side)
                return f"pixel {row},{col}"
            return f"x{k + 1}"
        return f"h{layer}·{k}" if layer < len(sizes) - 1 else f"out {k}"

    @property
    def _rows(self) -> list[tuple[ParameterLabel, ValueSlider]]:
        return self._page.rows if self._page is not None else []

    @property
    def _n_rows(self) -> int:
        return len(self._rows)

    def _ensure_rows(self, n: int, layer: int, limit: float) -> None:
        """Show the page of n slider rows, named weightSlider0..n-1 with range ±limit."""
        page = self._pages.get(n)
        if page is None:
            page = self._pages[n] = SliderPage(n, self._weight_moved, self._name_clicked)
        if page is not self._page:
            if self._page is not None:
                self._page.set_named(False)
                self.scroll.takeWidget()  # keep it (takeWidget does not delete) for the next time
            self.scroll.setWidget(page)
            self._page = page
        page.set_named(True)
        relabel = page.labelled_for != layer
        for k, (name, slider) in enumerate(page.rows):
            if relabel:
                source = self._source_name(layer - 1, k)
                name.setText(f"w{k} ← {source}")
                slider.set_tip_and_limit(f"Weight {k}, from {source}.\n{WEIGHT_TIP}", limit)
                name.setToolTip(f"Weight {k}, from {source}. Click to select it: its line in the network "
                                "lights up.")
            else:
                slider.set_limit(limit)
        page.labelled_for = layer
        # the list is at least as wide as its rows and its scroll bar: a value is never cut ("6")
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        self.scroll.setMinimumWidth(page.minimumSizeHint().width() + bar + 2 * self.scroll.frameWidth())

    def _drop_unused_pages(self) -> None:
        """Forget the pages of fan-ins the current structure no longer has."""
        fan_ins = set(self._session.network.sizes[:-1])
        for n in [n for n in self._pages if n not in fan_ins]:
            page = self._pages.pop(n)
            if page is self._page:
                self.scroll.takeWidget()
                self._page = None
            page.deleteLater()
        for page in self._pages.values():
            page.labelled_for = None  # names may differ now (e.g. image vs 2-D input)

    def weight_sliders(self) -> list[QSlider]:
        """The sliders in use, weightSlider0..n-1."""
        return [slider.slider for _, slider in self._rows] if self._selected else []

    # ------------------------------------------------------------------ showing numbers
    def _network_changed(self) -> None:
        self._paced.request()  # paused: a slider, a Step — shown at once

    def refresh(self) -> None:
        """Show the selected neuron's current numbers (after an edit, a step, a snapshot, a new input)."""
        if self._selected is None:
            if self._session.selected is not None and self._session.selected[0] == 0:
                self._on_selection(*self._session.selected)
            return
        s = self._session
        layer, index = self._selected
        net = s.network
        if layer >= len(net.sizes) or index >= net.sizes[layer]:
            return
        w = net.weights[layer - 1][index]
        b = float(net.biases[layer - 1][index])
        inputs = s.activations()[layer - 1]
        z = float(s.weighted_sums()[layer - 1][index])
        a = float(s.activations()[layer][index])
        name = net.layer_activation(layer)
        biggest = float(np.max(np.abs(w))) if len(w) else 0.0
        if math.isfinite(biggest) and biggest > self._weight_limit:
            self._weight_limit = theme.nice_limit(biggest)  # grow all together: they stay comparable
            for _, slider in self._rows:
                slider.set_limit(self._weight_limit)
        # during Run only the rows in sight follow each snapshot; the rest catch up when scrolled into
        # view or when Run pauses (hundreds of off-screen sliders would cost the GUI thread for nothing)
        self._sync_rows(w, self._visible_rows() if s.running else range(len(self._rows)))
        self.bias.set_value(b)
        role = "output" if layer == len(net.sizes) - 1 else f"hidden layer {layer}"
        self.titleLabel.setText(f"Neuron {index} of the {role} · {name}")
        formula = self._formula(w, inputs, b, z, a, name)
        if formula != self.formulaLabel.text():
            self.formulaLabel.setText(formula)
            # its wrapped height is its minimum: a short dock must not squeeze the rows below over it
            label = self.formulaLabel
            label.setMinimumHeight(label.heightForWidth(max(label.width(), 250)))
        others = None
        if name == "softmax":
            zs = s.weighted_sums()[layer - 1]
            others = np.delete(np.asarray(zs, dtype=float), index)
        # where this neuron's z falls for the probe batch (f′ there: saturated? dead?)
        spread = probe_backprop(s).zs[layer - 1][:, index]
        self.activationPlot.show_neuron(name, z, a, others, spread)
        if not self.imageRow.isHidden():
            self._show_pictures(w, inputs)

    def _sync_rows(self, w, rows: range) -> None:
        for k in rows:
            self._rows[k][1].set_value(float(w[k]))

    def _visible_rows(self) -> range:
        """The slider rows inside the scroll area's viewport (with a small margin)."""
        rows = self._rows
        n = len(rows)
        if n < 2:
            return range(n)
        pitch = max((rows[-1][0].y() - rows[0][0].y()) / (n - 1), 1.0)
        top = self.scroll.verticalScrollBar().value()
        first = max(0, int((top - rows[0][0].y()) / pitch) - 2)
        last = min(n, int((top + self.scroll.viewport().height()) / pitch) + 3)
        return range(first, last)

    def _scrolled(self) -> None:
        if self._selected is not None and self._session.running:
            layer, index = self._selected
            self._sync_rows(self._session.network.weights[layer - 1][index], self._visible_rows())

    def _formula(self, w, inputs, b: float, z: float, a: float, name: str) -> str:
        """z = w·a + b written out with the neuron's own numbers, then a = f(z)."""
        terms = np.asarray(w, dtype=float) * np.asarray(inputs, dtype=float)
        n = len(terms)
        pos, neg = theme.POSITIVE, theme.NEGATIVE

        def coloured(x: float) -> str:
            return f"<span style='color:{pos if x >= 0 else neg}'>{three_decimals(x)}</span>"

        if n <= SHOWN_TERMS + 1:
            shown = range(n)
            rest = None
        else:
            shown = sorted(np.argsort(-np.abs(terms))[:SHOWN_TERMS])
            rest_index = np.setdiff1d(np.arange(n), shown)
            rest = (len(rest_index), float(terms[rest_index].sum()))
        parts = [f"{coloured(float(w[k]))}×{three_decimals(float(inputs[k]))}" for k in shown]
        line = " + ".join(parts)
        if rest is not None:
            line += f" + <i>({rest[0]} smaller terms: {three_decimals(rest[1])})</i>"
        line += f" + b {coloured(b)}"
        if name == "softmax":
            squash = (f"<b>a = e<sup>z</sup> / Σ e<sup>z of every output</sup></b> = "
                      f"<b>{three_decimals(a)}</b>")
        else:
            squash = f"<b>a = {name}(z)</b> = {name}({three_decimals(z)}) = <b>{three_decimals(a)}</b>"
        return f"<b>z = Σ w×a + b</b> = {line}<br><b>z = {three_decimals(z)}</b><br>{squash}"

    def _show_pictures(self, w, inputs) -> None:
        side = image_side(len(w))
        if side is None:
            return
        w = np.asarray(w, dtype=float)
        limit = float(np.max(np.abs(w))) or 1.0
        self.weightsImage.setPixmap(self._scaled(theme.diverging(w, limit).reshape(side, side, 4)))
        contribution = w * np.asarray(inputs, dtype=float)
        c_limit = float(np.max(np.abs(contribution))) or 1.0
        self.contributionImage.setPixmap(
            self._scaled(theme.diverging(contribution, c_limit).reshape(side, side, 4)))

    @staticmethod
    def _scaled(rgba: np.ndarray) -> QPixmap:
        pixmap = rgba_pixmap(rgba)
        return pixmap.scaled(pixmap.width() * IMAGE_SCALE, pixmap.height() * IMAGE_SCALE,
                             Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)

    # ------------------------------------------------------------------ edits
    def _weight_moved(self, k: int, value: float) -> None:
        if self._selected is not None and k < self._n_rows:
            layer, index = self._selected
            self._session.set_weight(layer, index, k, value)

    def _bias_moved(self, value: float) -> None:
        if self._selected is not None:
            layer, index = self._selected
            self._session.set_bias(layer, index, value)

    def _name_clicked(self, source: int | None) -> None:
        if self._selected is not None:
            self._session.select_weight(*self._selected, source)

    def _show_parameter(self) -> None:
        """Highlight the selected weight's (or the bias's) name, and scroll its row into view."""
        p = self._session.parameter
        mine = p is not None and self._selected == (p[0], p[1])
        source = p[2] if mine else -1
        self.biasName.set_selected(mine and source is None)
        for k, (name, _) in enumerate(self._rows):
            if name.selected or k == source:
                name.set_selected(k == source)
        if mine and source is not None and source < self._n_rows:
            self.scroll.ensureWidgetVisible(self._rows[source][0])

    def _explain(self) -> None:
        if self._selected is not None:
            self.explainRequested.emit(*self._selected)
