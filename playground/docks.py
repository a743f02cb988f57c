"""Where the main window's docks go: the default layout, the floating neuron lab, the right column.

The window decides which views exist; this module decides their geometry. Everything here reads or
moves docks, nothing here knows what a view shows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QWidget

from playground.screen_fit import FitScroll, available_area

DEFAULT_SIZE = (1280, 800)
# The saved dock layout carries this number; bump it when the default layout changes, so a layout saved
# by an older version is ignored (the new default is used) instead of half-applied.
LAYOUT_VERSION = 3  # 3: My digits, the confusion matrix, neuron maps and the cost curve joined the default
BOTTOM_SHARE = 0.28  # the cost plot's share of the window height: the network view gets the most room
LAB_SIZE = (1000, 660)  # the neuron lab opens floating at this size (less in a smaller window) ...
LAB_READABLE = (700, 420)  # ... and floats again on "Explain" if it was docked somewhere smaller than this


def default_size() -> tuple[int, int]:
    """DEFAULT_SIZE, or less on a smaller screen (a 1366x768 laptop), leaving room for the frame."""
    room = available_area()  # None offscreen: its "screen" is a stand-in
    if room is None:
        return DEFAULT_SIZE
    return min(DEFAULT_SIZE[0], int(0.95 * room.width())), min(DEFAULT_SIZE[1], int(0.92 * room.height()))


def add_dock(window: QMainWindow, name: str, title: str, widget: QWidget | None, area) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    if widget is not None:
        dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


def scrolled(widget: QWidget, name: str) -> QScrollArea:
    """`widget` in a frameless scroll area: its controls then never set a minimum size on the window."""
    scroll = QScrollArea()
    scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll


def lab_rect(frame: QRect, screen: QRect) -> QRect:
    """Where the floating lab opens: LAB_SIZE (at most 90% of the window), over the lower middle of the
    window where the cost plot is, so the network stays in sight above; kept on the screen."""
    width = min(LAB_SIZE[0], int(0.9 * frame.width()))
    height = min(LAB_SIZE[1], int(0.9 * frame.height()))
    top_left = QPoint(frame.center().x() - width // 2, frame.bottom() - height - 40)
    if screen.width() >= width and screen.height() >= height:
        top_left.setX(max(screen.left(), min(top_left.x(), screen.right() - width)))
        top_left.setY(max(screen.top(), min(top_left.y(), screen.bottom() - height)))
    return QRect(top_left.x(), top_left.y(), width, height)


class MadeOnFirstShow:
    """A dock whose widget is made the first time the dock shows, or the widget is asked for (`get()`):
    a view hidden at start costs nothing until it is wanted. The dock never paints empty: it becomes
    visible (shown, or its tab raised) before its first paint, and a hidden dock's action is toggled on
    before it shows (so its widget is there for the layout too). A tab behind another is not hidden
    (`tab=True`): it is made only when it comes to the front."""

    def __init__(self, dock: QDockWidget, make: Callable[[], QWidget],
                 wrap: Callable[[QWidget], QWidget] | None = None, tab: bool = False):
        self.dock, self._make, self._wrap = dock, make, wrap
        self.widget: QWidget | None = None
        if not tab:
            dock.toggleViewAction().toggled.connect(lambda on: on and self.get())
        dock.visibilityChanged.connect(lambda shown: shown and self.get())

    @property
    def made(self) -> bool:
        return self.widget is not None

    def get(self) -> QWidget:
        if self.widget is None:
            self.widget = self._make()
            self.dock.setWidget(self.widget if self._wrap is None else self._wrap(self.widget))
        return self.widget


class DockLayout:
    """The window's docks and their geometry. Attributes name the docks (window.xxxDock aliases them)."""

    def __init__(self, window: QMainWindow, controls: QWidget, inspector: QWidget, digits: QWidget,
                 boundary: QWidget, cost: QWidget, make_lab: Callable[[], QWidget]):
        """`make_lab()` makes the neuron lab's widget: called once, the first time the lab is shown or
        asked for (`lab_widget()`). It is hidden at start and needs networkx (~0.1 s to import)."""
        self.window = window
        window.setDockNestingEnabled(True)
        # the right column (inspector or digit pad, and the decision boundary) runs the full height;
        # the cost plot runs under the controls and the network
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        window.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        area = Qt.DockWidgetArea
        self.controls = add_dock(window, "controlsDock", "Controls", controls, area.LeftDockWidgetArea)
        # in a scroll area: a neuron with many sliders never makes the window taller than the screen
        # (kept here too: their Python side, with its minimumSizeHint, must live as long as they do)
        self.scrolls = [FitScroll(inspector, "inspectorScroll"), FitScroll(digits, "digitsScroll")]
        self.inspector = add_dock(window, "inspectorDock", "Neuron inspector", self.scrolls[0],
                                  area.RightDockWidgetArea)
        self.digits = add_dock(window, "digitsDock", "Draw a digit", self.scrolls[1],
                               area.RightDockWidgetArea)
        # 2-D data: the boundary under the inspector, so a slider's effect on it is seen at once
        self.boundary = add_dock(window, "boundaryDock", "Decision boundary", boundary,
                                 area.RightDockWidgetArea)
        self.cost = add_dock(window, "costDock", "Cost", cost, area.BottomDockWidgetArea)
        # The lab needs room to be read: it opens as its own floating window (placed by show_lab), and
        # docks as a tab beside the cost if its title bar is double-clicked.
        self.lab = add_dock(window, "labDock", "Neuron lab", None, area.BottomDockWidgetArea)
        window.splitDockWidget(self.inspector, self.boundary, Qt.Orientation.Vertical)
        window.tabifyDockWidget(self.inspector, self.digits)
        window.tabifyDockWidget(self.cost, self.lab)
        self.lab.hide()
        self.lab.setFloating(True)
        self.lab_placed = False
        # made when its action is toggled on, before the dock shows (by the View menu, the toolbar, a
        # show() or a restored layout), so the dock opens with it laid out
        self.lab_part = MadeOnFirstShow(self.lab, make_lab, lambda lab: scrolled(lab, "labScroll"))
        self.lab.visibilityChanged.connect(self._lab_visibility)
        # docked (its title double-clicked): a row tall enough for the graph, not the cost plot's strip
        self.lab.topLevelChanged.connect(
            lambda floating: None if floating else QTimer.singleShot(0, self.roomy_lab))
        self.cost.raise_()

    def add_cost_curve(self, widget: QWidget) -> QDockWidget:
        """The cost along one weight, beside the cost plot under the network: both read at a glance,
        and at 1280x720 each still gets half of the bottom row."""
        dock = self.cost_curve = QDockWidget("Cost along one weight", self.window)
        dock.setObjectName("costCurveDock")
        dock.setWidget(widget)
        # (not splitDockWidget: the cost plot shares a tab group with the lab, and a split would only
        # add a tab to it)
        self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock, Qt.Orientation.Horizontal)
        return dock

    def all(self) -> list[QDockWidget]:
        """In the View menu's order."""
        return [self.controls, self.inspector, self.digits, self.lab, self.cost, self.boundary]

    # ------------------------------------------------------------------ the default layout
    def share_space(self) -> None:
        """The default layout: the network view in the middle gets most of the window."""
        w = self.window
        right = min(max(int(0.27 * w.width()), 400), 520)
        w.resizeDocks([self.controls, self.inspector], [300, right], Qt.Orientation.Horizontal)
        w.resizeDocks([self.cost], [int(BOTTOM_SHARE * w.height())], Qt.Orientation.Vertical)
        self.share_right_column()

    def share_right_column(self) -> None:
        """With 2-D data: the boundary about square under the inspector, at most half the column."""
        if self.boundary.isHidden() or self.boundary.isFloating():
            return
        column = self.inspector.height() + self.boundary.height()
        boundary = min(self.boundary.width(), column // 2)
        self.window.resizeDocks([self.inspector, self.boundary], [column - boundary, boundary],
                                Qt.Orientation.Vertical)

    def fit_data(self, image: bool, neuron_selected: bool) -> None:
        """Digits get the drawing pad; 2-D data gets the decision boundary."""
        boundary_appears = not image and self.boundary.isHidden()
        # a Reset or a new layer size keeps the inspector in front while a neuron is selected
        pad_to_front = image and (self.digits.isHidden() or not neuron_selected)
        # hide before showing: for a moment both in the right column would need more than the window's
        # height, and the window would grow to make room (and stay grown)
        shown, hidden = (self.digits, self.boundary) if image else (self.boundary, self.digits)
        hidden.hide()
        shown.show()
        if pad_to_front:
            self.digits.raise_()
        elif not image:
            self.inspector.raise_()
            if boundary_appears and self.window.isVisible():
                QTimer.singleShot(0, self.share_right_column)

    def inspector_to_front(self) -> None:
        # a click on a neuron brings its sliders to the front (they may be behind the digit pad's tab)
        self.inspector.show()
        self.inspector.raise_()

    # ------------------------------------------------------------------ the lab
    def lab_widget(self) -> QWidget:
        """The neuron lab's widget, made (and put in its dock) the first time it is needed."""
        return self.lab_part.get()

    def show_lab(self) -> None:
        """Show the neuron lab big enough to read: floating over the window unless docked roomily."""
        self.lab_widget()
        dock = self.lab
        if not dock.isFloating() and not dock.isHidden() and (
                dock.width() < LAB_READABLE[0] or dock.height() < LAB_READABLE[1]):
            self.lab_placed = False  # docked too small to read a graph: float it at a good size
            dock.setFloating(True)
        dock.show()
        dock.raise_()
        if dock.isFloating():
            self._place_lab()
            dock.activateWindow()

    def roomy_lab(self) -> None:
        """Give the docked lab LAB_READABLE's height (at most 60% of the window): its graph sits below
        its controls, and in the cost plot's short row it had about 10 pixels."""
        dock = self.lab
        if dock.isFloating() or dock.isHidden():
            return
        want = min(LAB_READABLE[1], int(0.6 * self.window.height()))
        if dock.height() < want:
            self.window.resizeDocks([dock], [want], Qt.Orientation.Vertical)
        # and the width: the bottom row also holds the cost curve and the neuron maps, which give way
        wide = min(LAB_READABLE[0], int(0.6 * self.window.width()))
        if dock.width() < wide:
            self.window.resizeDocks([dock], [wide], Qt.Orientation.Horizontal)
        QTimer.singleShot(0, self._graph_in_sight)

    def _graph_in_sight(self) -> None:
        """A docked lab shorter than its controls and graph: scroll its graph into sight."""
        scroll = self.lab.widget()
        graph = getattr(scroll.widget(), "graphView", None) if scroll is not None else None
        if graph is not None and not self.lab.isFloating():
            top = graph.mapTo(scroll.widget(), graph.rect().topLeft()).y()
            scroll.verticalScrollBar().setValue(top - 4)  # (as far as the bar goes)

    def _lab_visibility(self, visible: bool) -> None:
        if visible and self.lab.isFloating():
            self._place_lab()  # the first time it opens (View menu, toolbar): a readable size, over us

    def _place_lab(self) -> None:
        if self.lab_placed:
            return
        self.lab_placed = True
        w = self.window
        screen = (w.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        rect = lab_rect(w.frameGeometry(), screen)
        self.lab.resize(rect.width(), rect.height())
        self.lab.move(rect.topLeft())
