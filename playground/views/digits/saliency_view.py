"""Why this digit: which pixels make the network say it (saliency), for the answer or any digit.

The picture is ∂p(digit)/∂pixel for the shown input (engine.saliency): orange pixels argue for the
digit (more ink there would make it more of one), blue ones against it, dark ones do not matter. The
colour scale is the map's own largest value, so the picture shows where, not how much; the caption
gives the probability. The chooser asks "what would make this a 3?" for any digit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine import saliency
from playground import theme
from playground.views.digits.picture import SIDE, Picture
from playground.views.pacing import Paced

if TYPE_CHECKING:
    from playground.session import Session

REFRESH_HZ = 10  # during Run the picture follows the snapshots at most this often (views/pacing.py)
ANSWER = "its answer"  # the chooser's first entry: follow whatever the network says


class SaliencyView(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("saliencyView")
        self._session = session
        self.values: np.ndarray | None = None  # the saliency shown (784,), None when there is none
        self.digit: int | None = None  # the digit it is for
        self.picture = Picture()
        self.picture.setObjectName("saliencyPicture")
        self.picture.setToolTip(
            "Why the network says this digit: each pixel's ∂p(digit)/∂pixel, by backprop to the input.\n"
            "Orange: ink here makes it more of that digit. Blue: ink here argues against it.\n"
            "Dark: this pixel hardly matters.")
        self.digitChooser = QComboBox()
        self.digitChooser.setObjectName("saliencyDigit")
        self.digitChooser.addItems([ANSWER] + [str(d) for d in range(10)])
        self.digitChooser.setToolTip("Which digit to explain: the network's answer, or any digit "
                                     "(\"what would make this a 3?\").")
        self.caption = QLabel()
        self.caption.setObjectName("saliencyCaption")
        # not word-wrapped (its lines are broken by hand): a wrapping label beside the pad's chart gives
        # the pad a height-for-width, and on a short screen the canvas was then laid over the chart
        self.caption.setStyleSheet(f"color: {theme.TEXT_DIM};")

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Why"))
        chooser.addWidget(self.digitChooser)
        chooser.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(chooser)
        layout.addWidget(self.picture)
        layout.addWidget(self.caption)
        layout.addStretch(1)

        self.digitChooser.currentIndexChanged.connect(self.refresh)
        session.inputChanged.connect(self.refresh)
        self._paced = Paced(self, session, self.refresh, REFRESH_HZ)
        session.networkChanged.connect(self._paced.request)
        if hasattr(session, "structureChanged"):  # a new network shape or dataset
            session.structureChanged.connect(self.refresh)
        self.refresh()

    def chosen_digit(self) -> int | None:
        """The digit picked in the chooser; None: the network's answer."""
        index = self.digitChooser.currentIndex()
        return None if index <= 0 else index - 1

    def refresh(self) -> None:
        net, x = self._session.network, np.asarray(self._session.input)
        n_out = net.sizes[-1]
        if net.sizes[0] != SIDE * SIDE or n_out < 2 or x.shape != (SIDE * SIDE,):
            self._show_nothing("A saliency picture\nneeds a digits network\nand a digit to look at.")
            return
        if not x.any():
            self._show_nothing("Draw a digit (or show\na test sample) to see\nwhich pixels decide.")
            return
        output = net.forward(x)
        answer = int(np.argmax(output))
        digit = answer if self.chosen_digit() is None else min(self.chosen_digit(), n_out - 1)
        values = saliency(net, x, digit)
        limit = float(np.abs(values).max())
        self.values, self.digit = values, digit
        self.picture.set_rgba(theme.diverging(values, limit if limit > 0 else 1.0).reshape(SIDE, SIDE, 4))
        said = "its answer" if digit == answer else f"it says {answer}"
        # short: the column sits beside "What the network sees" and must not make the pad taller
        self.caption.setText(
            f"p({digit}) = {float(output[digit]):.2f}<br>{said}<br><span style='color:{theme.POSITIVE}'>"
            f"for</span> · <span style='color:{theme.NEGATIVE}'>against</span> a {digit}")
        self.caption.setToolTip(f"Orange: ink there makes it more of a {digit}; blue: less of one.")

    def _show_nothing(self, reason: str) -> None:
        self.values, self.digit = None, None
        blank = np.zeros((SIDE, SIDE, 4), np.uint8)
        blank[..., :3] = theme.rgb(theme.ZERO)
        blank[..., 3] = 255
        self.picture.set_rgba(blank)
        self.caption.setText(reason)
