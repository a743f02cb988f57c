"""The window's status bar: a message that ends in "…" where the readout on the right begins.

QStatusBar cuts a long message off mid-word where its permanent widgets start ("click a neuron to
inspec"), with no gap before them. This one draws the message shortened with an ellipsis, a gap before
the readout, and puts the whole message in the tooltip; `currentMessage()` is the whole text as ever.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStatusBar, QStyle, QStyleOption, QWidget

GAP = 16  # px between the message's end and the readout
MARGIN = 6  # px before the message: where QStatusBar itself starts it


class StatusBar(QStatusBar):
    """QStatusBar with its temporary message shortened to fit (see the module's note)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.messageChanged.connect(self._update_tooltip)  # (a method: Qt drops it with the bar)

    def message_width(self) -> int:
        """The width the message may take: up to the first permanent widget on the right, less a gap."""
        right = self.width()
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and child.geometry().left() > 0:
                right = min(right, child.geometry().left())
        return max(0, right - GAP - MARGIN)

    def shown_message(self) -> str:
        """The message as drawn now: whole, or shortened with "…" to fit before the readout."""
        return self.fontMetrics().elidedText(self.currentMessage(), Qt.TextElideMode.ElideRight,
                                             self.message_width())

    def _update_tooltip(self, _message: str = "") -> None:
        message = self.currentMessage()
        self.setToolTip(message if message and self.shown_message() != message else "")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        painter.setPen(self.palette().windowText().color())
        rect = QRect(MARGIN, 0, self.message_width(), self.height())
        shown = self.shown_message()
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
                         | Qt.TextFlag.TextSingleLine, shown)
        painter.end()
        whole = self.currentMessage()
        tip = whole if shown != whole else ""  # (the readout's text may have grown since the message came)
        if self.toolTip() != tip:
            self.setToolTip(tip)
