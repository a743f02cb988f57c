"""The window never grows past the screen's available area, and shrinks back when a dock goes away.

Qt grows a top-level window when the docks shown need more than its size (a dock appears, a neuron
with many sliders is selected) and never shrinks it again. `ScreenFit` watches the window: a growth
the layout forced is undone as soon as the layout allows it, and the window's frame is kept inside the
available area of its screen (the desktop less task bars).

`available_area` is the one place that reads the screen, so a test can stand in a screen of any size
with `set_available_size` (offscreen, Qt's "screen" is a fixed stand-in).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QScrollArea, QWidget

_stand_in: QSize | None = None  # set by tests: the available area's size
# Smaller minimums for the views that set the window's minimum size, used only when the window would
# not fit the screen with their usual ones (a 1024x600 netbook): by object name, (width, height).
COMPACT_MINIMUMS = {
    "networkView": (330, 210),
    "sampleVerdict": (30, None),
    "costPlot": (None, 110),
    "digitCanvas": (196, 196),
    "predictionChart": (180, 168),
}


def set_available_size(size: tuple[int, int] | None) -> None:
    """Pretend the screen's available area is `size` (width, height); None: ask the screen again."""
    global _stand_in
    _stand_in = None if size is None else QSize(*size)


def available_area(widget: QWidget | None = None) -> QRect | None:
    """The available geometry of `widget`'s screen (the primary one without a widget), or the size a
    test set; None offscreen without a stand-in (the offscreen "screen" says nothing about a real one)."""
    if _stand_in is not None:
        return QRect(0, 0, _stand_in.width(), _stand_in.height())
    if QGuiApplication.platformName() == "offscreen":
        return None
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return None if screen is None else screen.availableGeometry()


class FitScroll(QScrollArea):
    """A frameless scroll area that asks for its widget's whole minimum size, until the screen is too
    small for that (`squeeze`): then it is content to scroll, and the window still fits."""

    def __init__(self, widget: QWidget, name: str):
        super().__init__()
        self.setObjectName(name)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(widget)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.squeezed = self.squeezed_wide = False

    def minimumSizeHint(self) -> QSize:
        if self.widget() is None:
            return super().minimumSizeHint()
        whole = self.widget().minimumSizeHint()
        if not self.squeezed:
            return whole
        if self.squeezed_wide:
            return super().minimumSizeHint()
        # squeezed it scrolls up and down, not sideways while the width can be spared
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(whole.width() + bar, super().minimumSizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest and not self.squeezed:
            self.updateGeometry()  # the widget's minimum is ours: the dock must hear that it changed
        return super().eventFilter(watched, event)

    def squeeze(self) -> None:
        """First call: scroll up and down; a second: sideways too (a narrow screen)."""
        if self.squeezed:
            self.squeezed_wide = True
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.squeezed = True
        self.updateGeometry()


def compact(window: QWidget) -> None:
    """Give the views in COMPACT_MINIMUMS their smaller minimum sizes."""
    for name, (width, height) in COMPACT_MINIMUMS.items():
        widget = window.findChild(QWidget, name)
        if widget is not None:
            widget.setMinimumSize(widget.minimumWidth() if width is None else width,
                                  widget.minimumHeight() if height is None else height)


def frame_margins(window: QWidget) -> QSize:
    """How much the window manager's frame adds to the window's size (0 before it is shown)."""
    frame, inner = window.frameGeometry(), window.geometry()
    return QSize(max(0, frame.width() - inner.width()), max(0, frame.height() - inner.height()))


def room_for(window: QWidget) -> QSize | None:
    """The largest size (without the frame) the window may have, or None if no screen is known."""
    area = available_area(window)
    if area is None:
        return None
    margins = frame_margins(window)
    return QSize(area.width() - margins.width(), area.height() - margins.height())


def _relayout(window: QWidget) -> None:
    """Each layout level hears of a new minimum through a posted event: let them all pass, so that
    the window's minimum size can be read again at once."""
    for _ in range(8):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    window.layout().activate()


def fits(size: QSize, room: QSize) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


class ScreenFit(QObject):
    """Keeps `window` inside the screen; undoes the growth a dock forced once the dock is gone."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.wanted: QSize | None = None  # the size before the layout forced the window to grow
        self.compact = False  # the views' smaller minimums are in use (see COMPACT_MINIMUMS)
        self._pending = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize:
            old, new = event.oldSize(), event.size()
            minimum = self.window.minimumSize()
            forced = old.isValid() and (
                (new.height() > old.height() and new.height() == minimum.height())
                or (new.width() > old.width() and new.width() == minimum.width()))
            if forced and self.wanted is None:
                self.wanted = QSize(old)
            self._later()
        elif kind in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            self._later()  # (not on a Move: a window dragged partly off the screen is the user's wish)
        return False

    def _later(self) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.settle)

    def settle(self) -> None:
        """Resize the window to what it should be now: the wanted size (no smaller than the layout's
        minimum) or its size, either way no larger than the room the screen has."""
        self._pending = False
        w = self.window
        room = room_for(w)
        if room is not None and not self.compact and not fits(w.minimumSizeHint(), room):
            self.compact = True
            compact(w)
            _relayout(w)
        for _ in range(2):  # still too big (a dock shown beside the others): the panels that can scroll, do
            if room is None or fits(w.minimumSizeHint(), room):
                break
            for scroll in getattr(getattr(w, "docks", None), "scrolls", []):
                scroll.squeeze()
            _relayout(w)
        target = QSize(self.wanted) if self.wanted is not None else w.size()
        target = target.expandedTo(w.minimumSize())
        if room is not None:
            target = target.boundedTo(room)
        if self.wanted is not None and target == self.wanted:
            self.wanted = None
        if target != w.size():
            w.resize(target)
            if room is not None:
                self._keep_on_screen()  # a window we made smaller or larger stays on the screen

    def _keep_on_screen(self) -> None:
        area = available_area(self.window)
        frame = self.window.frameGeometry()
        if area is None or area.contains(frame):
            return
        x = max(area.left(), min(frame.left(), area.right() - frame.width() + 1))
        y = max(area.top(), min(frame.top(), area.bottom() - frame.height() + 1))
        if (x, y) != (frame.left(), frame.top()):
            self.window.move(x, y)
