"""The lab's pan hint: "drag to see the rest", shown only while part of the graph is out of sight.

It sits in the button row (so showing it never resizes the canvas, which would refit, and so on) and
picks the longest of its texts that fits the room the row leaves it: docked, the lab's row is narrow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from playground import theme

PAN_HINTS = ("drag to see the rest · scroll to zoom", "drag · scroll to zoom", "drag")


class PanHint(QLabel):
    """Told by the graph view's ``fitted(whole)``; a resize picks a shorter or longer text again."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("labPanHint")
        self.setStyleSheet(f"color: {theme.TEXT_DIM};")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens
        self.setToolTip("The graph is bigger than this panel at a readable size: drag it to see the "
                        "rest, scroll or press +/− to zoom, Fit or 0 to see it all.")
        self.whole = True  # whether the last fit showed the whole graph (then there is no hint)

    def show_for(self, whole: bool) -> None:
        """The hint, shorter where the row has little room for it (it is never cut off)."""
        self.whole = whole
        text = ""
        if not whole:
            room = self.width()
            # no room even for the shortest: none (the label's tooltip still says it) rather than cut
            text = next((t for t in PAN_HINTS if self.fontMetrics().horizontalAdvance(t) <= room), "")
        self.setText(text)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.show_for(self.whole)  # a narrower row (the lab docked) picks a shorter hint
