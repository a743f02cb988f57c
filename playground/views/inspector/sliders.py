"""The inspector's slider rows: one number each, with its value beside it and a name that selects it.

A slider's range grows to fit its value; a page holds the rows for one fan-in and is pooled, so even
784 rows appear at once when another neuron with as many inputs is selected.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSlider, QWidget

from playground import theme
from playground.number_format import readable

STEPS_PER_UNIT = 100  # slider resolution: 0.01
DEFAULT_LIMIT = 5.0  # sliders start at [−5, 5] and grow to fit the values (see initial_limit) ...
MANY_INPUTS = 100  # ... except the weights of a neuron with this many inputs or more: [−1, 1], because
# each of its weights is small (~0.03 from a digit's 784 pixels) and 0.01 steps must still move them


def initial_limit(values, floor: float = DEFAULT_LIMIT) -> float:
    """A slider range for a neuron's numbers: room for them to grow 1.5-fold, rounded, at least ±floor.

    One range for all of a neuron's weight sliders keeps them comparable at a glance."""
    biggest = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return max(floor, theme.nice_limit(1.5 * biggest)) if math.isfinite(biggest) else floor


def three_decimals(x: float) -> str:
    """A number as the inspector writes it: 3 decimals, a true minus sign."""
    return readable(x, 3)  # one formatter for the whole window: huge and tiny numbers stay readable


class ValueSlider(QObject):
    """A slider for one number, with its value written beside it. Its range grows to fit the value.

    Not a widget itself: its slider and label go straight into the inspector's grid (one widget fewer
    per row, which counts with 784 rows)."""

    moved = Signal(float)

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName(name)
        self.slider.setSingleStep(1)
        self.slider.setPageStep(10)
        self.slider.setMinimumWidth(110)
        self.value_label = QLabel("0.000")
        self.value_label.setFixedSize(58, 18)  # fixed: a new text does not relayout hundreds of rows
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.limit = DEFAULT_LIMIT
        self.value = 0.0
        self.tip = ""
        self._apply_range(tip=False)
        self.slider.valueChanged.connect(self._on_slider)

    def _apply_range(self, tip: bool = True) -> None:
        n = int(round(self.limit * STEPS_PER_UNIT))
        self.slider.blockSignals(True)
        self.slider.setRange(-n, n)
        self.slider.blockSignals(False)
        if tip:
            self.slider.setToolTip(f"{self.tip}\n\nRange −{self.limit:g} … {self.limit:g}, in steps of 0.01; "
                                   "a value beyond it widens the range.")

    def set_tip(self, text: str) -> None:
        self.tip = text
        self._apply_range()

    def set_tip_and_limit(self, text: str, limit: float) -> None:
        """Both at once: one range update instead of two (it matters for 784 rows)."""
        self.tip = text
        self.limit = float(limit)
        self._apply_range()
        self.set_value(self.value)

    def set_value(self, value: float) -> None:
        """Show a value (without emitting moved). A value beyond the range grows the range."""
        value = float(value)
        if math.isfinite(value) and abs(value) > self.limit:
            self.limit = theme.nice_limit(abs(value))
            self._apply_range()
        self.value = value
        position = int(round(value * STEPS_PER_UNIT)) if math.isfinite(value) else 0
        if position != self.slider.value() and not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(position)
            self.slider.blockSignals(False)
        text = three_decimals(value)
        if text != self.value_label.text():
            self.value_label.setText(text)

    def set_limit(self, limit: float) -> None:
        """Set the range to [−limit, limit] (the value label keeps the exact value)."""
        if limit != self.limit:
            self.limit = float(limit)
            self._apply_range()
            self.set_value(self.value)

    def _on_slider(self, position: int) -> None:
        self.value = position / STEPS_PER_UNIT
        self.value_label.setText(three_decimals(self.value))
        self.moved.emit(self.value)


class ParameterLabel(QLabel):
    """A slider's name; a click on it selects that weight or bias (in every view, via the Session)."""

    clicked = Signal()

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.selected = False

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
            event.accept()
            return
        super().mousePressEvent(event)

    def set_selected(self, selected: bool) -> None:
        """The selected parameter's name is drawn in the highlight colour, as its line in the network."""
        if selected != self.selected:
            self.selected = selected
            self.setStyleSheet(f"color: {theme.BACKGROUND}; background: {theme.HIGHLIGHT}; font-weight: bold;"
                               if selected else "")


class SliderPage(QWidget):
    """The weight slider rows for neurons with n inputs. One page per fan-in, kept while the structure
    has neurons with that many inputs: switching between a 784-input and a 16-input neuron swaps pages
    (~50 ms) instead of showing or hiding hundreds of rows (~300 ms)."""

    def __init__(self, n: int, on_moved, on_name_clicked):
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 4, 0)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.rows: list[tuple[ParameterLabel, ValueSlider]] = []
        self.labelled_for: int | None = None  # the layer whose sources the row names describe
        self.named = False
        for k in range(n):
            name = ParameterLabel()
            name.clicked.connect(partial(on_name_clicked, k))
            name.setFixedSize(104, 18)  # fixed sizes: new texts do not relayout hundreds of rows
            slider = ValueSlider("", self)
            slider.moved.connect(partial(on_moved, k))
            grid.addWidget(name, k, 0)
            grid.addWidget(slider.slider, k, 1)
            grid.addWidget(slider.value_label, k, 2)
            self.rows.append((name, slider))

    def set_named(self, named: bool) -> None:
        """Only the shown page answers to weightSlider0..n-1; a page in reserve has nameless sliders."""
        if named == self.named:
            return
        self.named = named
        for k, (_, slider) in enumerate(self.rows):
            slider.slider.setObjectName(f"weightSlider{k}" if named else "")
