"""L1 and L2 regularisation rates, for the Training box of the controls.

L2 (weight decay) pulls every weight towards 0 in proportion to its size; L1 by the same amount
whatever its size, so small weights land on exactly 0 (the network view draws those dashed).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox

from playground.session import Session

TIPS = {
    "l1": "L1 regularisation rate: adds rate × Σ|w| to the cost. Every step moves each weight "
          "learning rate × rate towards 0,\nso weights the data does not need become exactly 0 "
          "(drawn dashed): a sparse network. 0 switches it off.",
    "l2": "L2 regularisation rate (weight decay): adds rate/2 × Σw² to the cost, pulling big weights "
          "back hardest.\nSmoother boundaries, less overfitting. 0 switches it off.",
}


def _rate(name: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(f"{name}Rate")
    spin.setDecimals(4)
    spin.setRange(0.0, 1.0)
    spin.setSingleStep(0.001)
    spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    spin.setKeyboardTracking(False)
    spin.setSpecialValueText("off")
    spin.setToolTip(TIPS[name])
    return spin


class Regularisation(QObject):
    """The two rate boxes (`l1Rate`, `l2Rate`) and their wiring; the controls lay them out as form rows."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self._session = session
        self.l1Rate, self.l2Rate = _rate("l1"), _rate("l2")
        self.l1Rate.valueChanged.connect(session.set_l1)
        self.l2Rate.valueChanged.connect(session.set_l2)
        session.settingsChanged.connect(self.sync)
        session.structureChanged.connect(self.sync)
        self.sync()

    def sync(self) -> None:
        settings = self._session.settings
        for spin, value in ((self.l1Rate, settings.l1), (self.l2Rate, settings.l2)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
