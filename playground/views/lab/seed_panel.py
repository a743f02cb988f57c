"""The seed neuron's five numbers (x1, x2, w1, w2, b) as sliders with spin boxes, for the lab."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QLabel, QPushButton, QSlider, QWidget

from playground.views.lab.texts import SLIDER_TIPS

SLIDER_RANGES = {"x1": 5.0, "x2": 5.0, "w1": 5.0, "w2": 5.0, "b": 10.0}  # each slider runs -r..r
SLIDER_STEPS_PER_UNIT = 100


def seed_panel(on_slider: Callable[[str, int], None], on_spin: Callable[[str, float], None]
               ) -> tuple[QWidget, dict[str, QSlider], dict[str, QDoubleSpinBox], QPushButton]:
    """(panel, sliders by name, spin boxes by name, the "Seed values" button)."""
    sliders: dict[str, QSlider] = {}
    spins: dict[str, QDoubleSpinBox] = {}
    panel = QWidget()
    grid = QGridLayout(panel)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setVerticalSpacing(2)
    for k, (name, r) in enumerate(SLIDER_RANGES.items()):
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName(f"labSlider_{name}")
        slider.setRange(int(-r * SLIDER_STEPS_PER_UNIT), int(r * SLIDER_STEPS_PER_UNIT))
        slider.setToolTip(SLIDER_TIPS[name])
        spin = QDoubleSpinBox()
        spin.setObjectName(f"labSpin_{name}")
        spin.setRange(-r, r)
        spin.setDecimals(4)
        spin.setSingleStep(0.1)
        spin.setToolTip(SLIDER_TIPS[name])
        spin.setKeyboardTracking(False)
        label = QLabel(name)
        label.setToolTip(SLIDER_TIPS[name])
        row, col = divmod(k, 2) if name != "b" else (2, 0)
        grid.addWidget(label, row, 3 * col)
        grid.addWidget(slider, row, 3 * col + 1)
        grid.addWidget(spin, row, 3 * col + 2)
        slider.valueChanged.connect(lambda v, n=name: on_slider(n, v))
        spin.valueChanged.connect(lambda v, n=name: on_spin(n, v))
        sliders[name] = slider
        spins[name] = spin
    reset = QPushButton("Seed values")
    reset.setObjectName("labResetValues")
    reset.setToolTip("Put x1, x2, w1, w2 and b back to the seed's numbers (o = 0.7071).")
    grid.addWidget(reset, 2, 3, 1, 3)
    return panel, sliders, spins, reset
