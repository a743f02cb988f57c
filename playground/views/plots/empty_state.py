"""What a plot shows while it has nothing to plot: a hint, and axes without numbers.

The hint is centred in the plot and wrapped to its width, so a narrow dock never cuts it off at both
ends; the axes keep their lines and titles but drop their numbers, which would mean nothing yet.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption

from playground import theme

MARGIN = 12  # px kept free between the hint and the plot's sides


class PlotHint(pg.TextItem):
    """A dim, centred hint at `pos` (data coordinates) of `plot`, wrapped to the plot's width."""

    def __init__(self, plot: pg.PlotItem, text: str, pos: tuple[float, float]):
        super().__init__(text, color=theme.TEXT_DIM, anchor=(0.5, 0.5))
        option = QTextOption(Qt.AlignmentFlag.AlignCenter)
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        self.textItem.document().setDefaultTextOption(option)
        plot.addItem(self, ignoreBounds=True)
        self.setPos(*pos)
        self._view = plot.getViewBox()
        self._view.sigResized.connect(self.fit)

    def fit(self) -> None:
        """Its natural lines where they fit in the plot, else wrapped to the plot's width; each line
        centred (which takes a set width: at its natural one the lines all start at the left)."""
        self.textItem.setTextWidth(-1)
        room = max(self._view.width() - 2 * MARGIN, 40.0)
        self.setTextWidth(min(self.textItem.boundingRect().width(), room))


def show_axis_numbers(plot: pg.PlotItem, shown: bool, names: tuple[str, ...] = ("left", "bottom")) -> None:
    """Numbers on these axes of the plot, or none (an empty plot), changed only if they differ."""
    for name in names:
        axis = plot.getAxis(name)
        if axis.style["showValues"] != shown:
            axis.setStyle(showValues=shown)


def axis_numbers_shown(plot: pg.PlotItem) -> bool:
    return bool(plot.getAxis("left").style["showValues"])
