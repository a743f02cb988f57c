"""Your handwriting and why the network answers as it does: where those views go in the window.

* On the pad: "This is a 0 … 9" under the canvas (label the drawing, keep it in My digits) and the
  saliency picture beside "What the network sees" (on a screen narrower than BESIDE_WIDTH the pad has
  no room for it: it is then a tab of its own, "Why this digit").
* "My digits", a tab beside the pad: the browser (show, delete) and "Fine-tune on my digits", whose
  tuned network replaces the shown one through Session.adopt_network, whole or not at all.
* "Confusion matrix", a tab beside them: a click on a cell narrows the sample browser to its samples.

Like the pad, these docks are shown with digits and hidden with 2-D data, unless the user closed them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from playground.docks import DockLayout, MadeOnFirstShow, add_dock, scrolled
from playground.screen_fit import available_area
from playground.session import Session
from playground.views.digits.confusion_view import ConfusionMatrixView
from playground.views.digits.digit_pad import DigitPanel
from playground.views.digits.fine_tune_view import FineTunePanel
from playground.views.digits.my_digits_view import MyDigitsBrowser, ThisIsButtons
from playground.views.digits.picture import SIDE
from playground.views.digits.saliency_view import SaliencyView
from playground.views.sample_browser import SampleBrowser

BESIDE_WIDTH = 1200  # screens at least this wide have room for the saliency column in the pad
FINE_TUNED = "fine-tuned on my digits"  # the mark in the cost plot's history


def cell_words(true: str, predicted: str) -> str:
    """What the sample browser says it shows after a click on a confusion-matrix cell."""
    return f"{true}s read right" if true == predicted else f"{true}s read as {predicted}"


class DigitDocks:
    def __init__(self, window: QMainWindow, docks: DockLayout, session: Session, pad: DigitPanel,
                 samples: SampleBrowser):
        self._session, self._samples = session, samples
        self.browser = MyDigitsBrowser(session)
        self.fineTune = FineTunePanel(session, self.browser)
        self.thisIs = ThisIsButtons(session, self.browser)
        self.saliency = SaliencyView(session)
        self.saliency.setFixedWidth(SIDE * 4 + 24)  # a column like "What the network sees"
        pad.add_under_canvas(self.thisIs)
        area = Qt.DockWidgetArea.RightDockWidgetArea
        room = available_area()
        self.saliencyDock: QDockWidget | None = None
        if room is None or room.width() >= BESIDE_WIDTH:
            pad.add_beside_seen(self.saliency)
        else:
            self.saliencyDock = add_dock(window, "saliencyDock", "Why this digit", self.saliency, area)

        mine = QWidget()
        mine.setObjectName("myDigitsPanel")
        column = QVBoxLayout(mine)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.browser, 1)
        column.addWidget(self.fineTune)
        self.mine = add_dock(window, "myDigitsDock", "My digits", scrolled(mine, "myDigitsScroll"), area)
        # a tab behind the pad at start: its view (a pass over the test set) is made when it first shows
        self.confusionDock = add_dock(window, "confusionDock", "Confusion matrix", None, area)
        self.confusion_part = MadeOnFirstShow(self.confusionDock, self._make_confusion,
                                              lambda view: scrolled(view, "confusionScroll"), tab=True)
        window.tabifyDockWidget(docks.digits, self.mine)
        window.tabifyDockWidget(self.mine, self.confusionDock)
        if self.saliencyDock is not None:
            window.tabifyDockWidget(docks.digits, self.saliencyDock)
        docks.digits.raise_()
        self._closed: set[str] = set()  # docks the user closed: they stay closed
        for dock in self.all():
            dock.toggleViewAction().triggered.connect(
                lambda on, d=dock: (self._closed.discard if on else self._closed.add)(d.objectName()))

        # a tab behind another is "visible" to Qt; its dock says when it comes to the front
        self.confusionDock.visibilityChanged.connect(lambda shown: shown and self.confusion.catch_up())
        self.fineTune.tuned.connect(self.adopt)
        session.structureChanged.connect(lambda: self.fit_data(session.dataset.is_image))
        self.fit_data(session.dataset.is_image)

    @property
    def confusion(self) -> ConfusionMatrixView:
        """The confusion matrix, made the first time it is shown or asked for."""
        return self.confusion_part.get()

    def _make_confusion(self) -> ConfusionMatrixView:
        view = ConfusionMatrixView(self._session)
        view.cellClicked.connect(self.show_cell)
        return view

    def all(self) -> list[QDockWidget]:
        """In the View menu's order."""
        return [self.mine, self.confusionDock] + ([self.saliencyDock] if self.saliencyDock else [])

    def fit_data(self, image: bool) -> None:
        for dock in self.all():
            if image and dock.objectName() not in self._closed:
                dock.show()
            elif not image:
                dock.hide()

    def show_cell(self, true: int, predicted: int, indices) -> None:
        """A confusion-matrix cell was clicked: browse only its test samples."""
        name = self.confusion.class_name
        self._samples.show_only(indices, cell_words(name(true), name(predicted)))

    def adopt(self, network, result) -> None:
        """The fine-tune is done: its network becomes the shown one (or, if it cannot, nothing changes)."""
        if self._session.adopt_network(network, FINE_TUNED):
            self._session.message.emit(f"Fine-tuned on your digits: {result.summary()}.")

    def shutdown(self) -> None:
        """Stop a fine-tune in progress (before the window goes away)."""
        self.fineTune.shutdown()
