"""Where the 2-D lab's docks go: the data panel under the controls, the neuron maps beside the cost.

Both only make sense for data in a plane: they are shown with 2-D data and hidden with digits, as
the decision boundary is (docks.py), unless the user has closed them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from playground.docks import DockLayout, add_dock, scrolled


class PlaneDocks:
    def __init__(self, window: QMainWindow, docks: DockLayout, maps: QWidget, panel: QWidget):
        area = Qt.DockWidgetArea
        self.data = add_dock(window, "dataPanelDock", "2-D data", scrolled(panel, "dataPanelScroll"),
                             area.LeftDockWidgetArea)
        self.maps = QDockWidget("Neuron maps", window)
        self.maps.setObjectName("neuronMapsDock")
        self.maps.setWidget(scrolled(maps, "neuronMapsScroll"))
        # beside the cost plot (a split would make it a tab of the cost's group, which holds the lab)
        window.addDockWidget(area.BottomDockWidgetArea, self.maps, Qt.Orientation.Horizontal)
        window.splitDockWidget(docks.controls, self.data, Qt.Orientation.Vertical)
        self._closed: set[str] = set()  # docks the user closed: they stay closed
        for dock in (self.data, self.maps):
            dock.toggleViewAction().triggered.connect(
                lambda on, d=dock: (self._closed.discard if on else self._closed.add)(d.objectName()))

    def share_space(self, window: QMainWindow, maps: QWidget) -> None:
        """The neuron maps as wide as their widest row needs, at most half of the bottom."""
        wanted = maps.sizeHint().width() + 64  # and the dock's frame, the scroll bar, some air
        total = window.width() - (window.width() - window.centralWidget().width()) // 2
        window.resizeDocks([self.maps], [min(wanted, total // 2)], Qt.Orientation.Horizontal)

    def all(self) -> list[QDockWidget]:
        return [self.data, self.maps]

    def fit_data(self, is_plane: bool) -> None:
        for dock in self.all():
            if is_plane and dock.objectName() not in self._closed:
                dock.show()
            elif not is_plane:
                dock.hide()
