"""The Run speed control: how many steps a second Run takes, from 1 to as fast as it goes.

A slider over a 1-2-3-5 ladder of speeds (the last notch: full speed), and the speed in words beside
it. It shows and sets `Session.run_speed` (0 means full speed); a running Run follows at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QWidget

FULL = 0.0  # Session.run_speed for "as fast as it goes"
SPEEDS = [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000, FULL]  # steps per second


def notch_for(steps_per_second: float) -> int:
    """The ladder's notch closest to a speed (full speed: the last notch)."""
    if not steps_per_second:
        return len(SPEEDS) - 1
    ratios = [max(s, steps_per_second) / min(s, steps_per_second) for s in SPEEDS[:-1]]
    return ratios.index(min(ratios))


def in_words(steps_per_second: float) -> str:
    return "full speed" if not steps_per_second else f"{steps_per_second:g} steps/s"


class RunSpeedControl(QWidget):
    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("runSpeed")
        self.slider.setRange(0, len(SPEEDS) - 1)
        self.slider.setPageStep(3)
        self.slider.setFixedWidth(110)
        self.slider.setToolTip(
            "Run speed: how many training steps a second Run takes, from 1 to as fast as the machine goes "
            "(right end).\nSlow, you watch the decision boundary form step by step; fast, the network "
            "learns in seconds.")
        self.label = QLabel()
        self.label.setObjectName("runSpeedLabel")
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("5000 steps/s") + 6)
        self.label.setToolTip(self.slider.toolTip())
        self.setToolTip(self.slider.toolTip())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Speed"))
        layout.addWidget(self.slider)
        layout.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)  # no gaps in the toolbar
        self.slider.valueChanged.connect(lambda notch: session.set_run_speed(SPEEDS[notch]))
        session.runSpeedChanged.connect(self.sync)
        self.sync()

    def sync(self, *_) -> None:
        speed = self._session.run_speed
        self.slider.blockSignals(True)
        self.slider.setValue(notch_for(speed))
        self.slider.blockSignals(False)
        self.label.setText(in_words(speed))

    def set_steps_per_second(self, steps_per_second: float) -> None:
        """As a user moving the slider to that speed's notch does."""
        self.slider.setValue(notch_for(steps_per_second))
