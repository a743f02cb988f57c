"""Wordings from long to short: show the longest that fits the room there is.

A narrow dock gets "C = 0.3350" rather than "cost C = 0.3350 at w = 1.199" cut off after "at": every
number shown stays whole. Used by labels (`FittingLabel`) and by plot texts (the cost along a weight).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QFont, QFontMetricsF


def first_that_fits(texts: Sequence[str], widths: Sequence[float], room: float) -> str:
    """The first of `texts` (longest first) whose width fits in `room`, else the last (the shortest)."""
    return next((text for text, width in zip(texts, widths, strict=True) if width <= room), texts[-1])


def longest_that_fits(texts: Sequence[str], points: float, room: float) -> str:
    """The longest of the wordings that fits `room` px in the application's font at `points` pt (for
    texts a plot draws itself, where no label can measure them)."""
    font = QFont()
    font.setPointSizeF(points)
    metrics = QFontMetricsF(font)
    return first_that_fits(texts, [metrics.horizontalAdvance(t) for t in texts], room)
