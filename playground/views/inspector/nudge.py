"""The nudge that matters most: the selected neuron's weights and bias ranked by |∂C/∂w|.

"The value with the greatest magnitude is very important, because nudging it slightly changes the
cost the most." The ranking is backprop's on the Session's probe batch; each row says which way
gradient descent would move the parameter (the sign of −∂C/∂w) and how hard (a bar). "Nudge the
biggest" moves only the top one by −lr·∂C/∂w, through the Session (so it works during Run too), and
shows the cost before and after beside the first-order prediction ∂C/∂w·Δw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground import theme
from playground.number_format import readable, significant
from playground.probe_gradients import probe_backprop
from playground.session import Session
from playground.views.pacing import Paced

SHOWN_ROWS = 6  # the biggest few; a 784-input neuron's list says how many more there are
REFRESH_HZ = 10  # during Run the list follows the snapshots at most this often


@dataclass(frozen=True)
class Push:
    """One parameter of the neuron and its gradient on the probe batch."""

    source: int | None  # the weight's input, or None for the bias
    gradient: float  # ∂C/∂w

    @property
    def direction(self) -> str:
        """Which way gradient descent moves it: against the gradient."""
        return "decrease" if self.gradient > 0 else "increase" if self.gradient < 0 else "stay"


def ranked(session: Session, layer: int, neuron: int) -> list[Push]:
    """The neuron's incoming weights and its bias, biggest |∂C/∂w| first (the engine's backprop)."""
    bp = probe_backprop(session)
    pushes = [Push(k, float(g)) for k, g in enumerate(bp.dW[layer - 1][neuron])]
    pushes.append(Push(None, float(bp.db[layer - 1][neuron])))
    return sorted(pushes, key=lambda p: -abs(p.gradient))  # stable: ties keep the weights' order


@dataclass(frozen=True)
class Nudge:
    """What one nudge did: the step, and the probe batch's cost before and after it."""

    parameter: tuple[int, int, int | None]
    gradient: float
    step: float  # Δw = −lr·∂C/∂w
    before: float
    after: float

    @property
    def predicted(self) -> float:
        """The first-order prediction of the change: ∂C/∂w · Δw (the tangent's)."""
        return self.gradient * self.step


def nudge_biggest(session: Session, layer: int, neuron: int) -> Nudge | None:
    """Move the neuron's parameter with the biggest |∂C/∂w| by −lr·∂C/∂w; nothing else changes."""
    top = ranked(session, layer, neuron)[0]
    if top.gradient == 0 or not np.isfinite(top.gradient):
        return None
    before = probe_backprop(session).cost
    step = -session.learning_rate * top.gradient
    if top.source is None:
        session.set_bias(layer, neuron, float(session.network.biases[layer - 1][neuron]) + step)
    else:
        value = float(session.network.weights[layer - 1][neuron, top.source])
        session.set_weight(layer, neuron, top.source, value + step)
    return Nudge((layer, neuron, top.source), top.gradient, step, before, probe_backprop(session).cost)


class GradientBar(QWidget):
    """A bar as long as a gradient's share of the biggest one: orange where the step raises the
    parameter, blue where it lowers it (the overlay's colours)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFixedHeight(12)
        self.setMinimumWidth(60)
        self.fraction = 0.0
        self.color = QColor(theme.POSITIVE)

    def set_bar(self, fraction: float, raises: bool) -> None:
        self.fraction = float(np.clip(fraction, 0.0, 1.0))
        self.color = QColor(theme.POSITIVE if raises else theme.NEGATIVE)
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.ZERO))
        p.fillRect(QRectF(0, 0, self.fraction * self.width(), self.height()), self.color)
        p.end()


class NudgePanel(QWidget):
    """The inspector's ranking of the selected neuron's parameters by |∂C/∂w|, and its Nudge button."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("nudgePanel")
        self._session = session
        self._neuron: tuple[int, int] | None = None
        self._sources: list[str] = []
        self.pushes: list[Push] = []  # what the rows show, biggest first
        self.last: Nudge | None = None
        self._paced = Paced(self, session, self.refresh, REFRESH_HZ)
        self._stale = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.setSpacing(2)
        header = QHBoxLayout()
        self.expandButton = QToolButton()
        self.expandButton.setObjectName("nudgeExpand")
        self.expandButton.setCheckable(True)
        self.expandButton.setArrowType(Qt.ArrowType.RightArrow)
        self.expandButton.setAutoRaise(True)
        self.expandButton.setToolTip("Show every parameter of this neuron ranked by |∂C/∂w|")
        self.expandButton.toggled.connect(self._expand)
        self.summary = QLabel()
        self.summary.setObjectName("nudgeSummary")
        self.summary.setToolTip(
            "“The value with the greatest magnitude is very important, because nudging it slightly changes "
            "the cost the most.”\nThe gradient ∂C/∂w of each of this neuron's weights and its bias, by "
            "backpropagation on a fixed sample of the training data.")
        self.nudgeButton = QPushButton("Nudge the biggest")
        self.nudgeButton.setObjectName("nudgeButton")
        self.nudgeButton.setToolTip("Move only the parameter at the top of the list by −lr·∂C/∂w (one "
                                    "gradient-descent step for it alone),\nand compare the cost's real "
                                    "change with the tangent's prediction ∂C/∂w·Δw.")
        self.nudgeButton.clicked.connect(self.nudge)
        header.addWidget(self.expandButton)
        header.addWidget(self.summary, 1)
        header.addWidget(self.nudgeButton)
        outer.addLayout(header)

        self.table = QWidget()
        grid = QGridLayout(self.table)
        grid.setContentsMargins(22, 0, 0, 0)
        grid.setVerticalSpacing(1)
        grid.setColumnStretch(2, 1)
        self.rows: list[tuple[QLabel, QLabel, GradientBar, QLabel]] = []
        for k in range(SHOWN_ROWS):
            name, direction, bar, value = QLabel(), QLabel(), GradientBar(), QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(70)
            for column, widget in enumerate((name, direction, bar, value)):
                grid.addWidget(widget, k, column)
            self.rows.append((name, direction, bar, value))
        self.moreLabel = QLabel()
        self.moreLabel.setStyleSheet(f"color: {theme.TEXT_DIM};")
        grid.addWidget(self.moreLabel, SHOWN_ROWS, 0, 1, 4)
        self.table.hide()
        outer.addWidget(self.table)
        self.resultLabel = QLabel()
        self.resultLabel.setObjectName("nudgeResult")
        self.resultLabel.setToolTip("The cost on the fixed sample of training data before and after the "
                                    "nudge, and the change the tangent predicted:\n∂C/∂w·Δw. They agree "
                                    "while the step is small; where the cost curves, they part.")
        self.resultLabel.setTextFormat(Qt.TextFormat.RichText)
        self.resultLabel.hide()
        outer.addWidget(self.resultLabel)

        session.selectionChanged.connect(self._on_selection)
        session.structureChanged.connect(lambda: self._on_selection(*(session.selected or (-1, -1))))
        session.settingsChanged.connect(self.refresh)  # the cost; the learning rate of the next nudge
        session.networkChanged.connect(self._network_changed)
        session.runningChanged.connect(lambda running: None if running else self.refresh())
        self._on_selection(*(session.selected or (-1, -1)))

    # ------------------------------------------------------------------ showing
    def _on_selection(self, layer: int, index: int) -> None:
        sizes = self._session.network.sizes
        fits = 1 <= layer < len(sizes) and 0 <= index < sizes[layer]
        neuron = (layer, index) if fits else None
        if neuron != self._neuron:
            self.last = None
            self.resultLabel.hide()
        self._neuron = neuron
        self._sources = self._session.input_labels(layer - 1) if fits else []  # the weights' inputs
        self.refresh()

    def _network_changed(self) -> None:
        # during Run at most REFRESH_HZ times a second, in a beat of its own (views/pacing.py); paused at once
        self._paced.request()

    def _expand(self, shown: bool) -> None:
        self.expandButton.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.table.setVisible(shown)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        if not self.isVisible():
            self._stale = True  # behind another tab, or no neuron selected: catch up when shown
            return
        self._stale = False
        if self._neuron is None:
            self.pushes = []
            return
        layer, neuron = self._neuron
        self.pushes = ranked(self._session, layer, neuron)
        top = self.pushes[0]
        self.summary.setText(f"top |∂C/∂w|: <b>{self._name(top.source)}</b>, {top.direction}")
        biggest = abs(top.gradient)
        for (name, direction, bar, value), push in zip(self.rows, self.pushes, strict=False):
            name.setText(self._name(push.source))
            direction.setText(push.direction)
            bar.set_bar(abs(push.gradient) / biggest if biggest > 0 else 0.0, push.gradient < 0)
            value.setText(significant(push.gradient, 3, sign=True))
        for k, row in enumerate(self.rows):
            for widget in row:
                widget.setVisible(k < len(self.pushes))
        more = len(self.pushes) - SHOWN_ROWS
        self.moreLabel.setText(f"… and {more} smaller" if more > 0 else "")
        self.moreLabel.setVisible(more > 0)
        self.nudgeButton.setEnabled(biggest > 0)

    def _name(self, source: int | None) -> str:
        if source is None:
            return "bias b"
        return f"w{source} ← {self._sources[source]}"

    @staticmethod
    def _symbol(source: int | None) -> str:
        return "b" if source is None else "w"

    # ------------------------------------------------------------------ nudging
    def nudge(self) -> Nudge | None:
        if self._neuron is None:
            return None
        done = nudge_biggest(self._session, *self._neuron)
        if done is None:
            return None
        self.last = done
        w = self._symbol(done.parameter[2])
        change = done.after - done.before
        self.resultLabel.setText(
            f"<b>{self._name(done.parameter[2])}</b> moved by Δ{w} = −lr·∂C/∂{w} = "
            f"{significant(done.step, 4, sign=True)}<br>"
            f"cost {readable(done.before, 6)} → {readable(done.after, 6)}<br>"
            f"change <b>{significant(change, 3, sign=True)}</b> · predicted ∂C/∂{w}·Δ{w} = "
            f"<b>{significant(done.predicted, 3, sign=True)}</b>")
        self.resultLabel.show()
        self.refresh()
        return done
