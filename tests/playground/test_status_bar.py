"""The status bar: a long message ends in "…" before the readout, never cut off mid-word against it."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from playground.views.status_bar import GAP, StatusBar

LONG = "Preset “XOR”. Press Step (S) or Run (Space) to train; click a neuron to inspect it."


def _window(qtbot, width: int) -> tuple[QMainWindow, StatusBar, QLabel]:
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = StatusBar(window)
    window.setStatusBar(bar)
    readout = QLabel("training cost 0.4584 on 320 points   test accuracy 95.0% on 80 test samples")
    bar.addPermanentWidget(readout)
    window.resize(width, 200)
    window.show()
    qtbot.waitExposed(window)
    bar.showMessage(LONG)
    QApplication.processEvents()
    return window, bar, readout


def _inked_columns(bar: StatusBar) -> np.ndarray:
    """The x of every pixel column of the bar that differs from its background (the text's ink)."""
    image = bar.grab().toImage()
    background = image.pixel(1, 1)
    return np.array([x for x in range(image.width())
                     if any(image.pixel(x, y) != background for y in range(image.height()))])


def test_a_long_message_ends_in_an_ellipsis_with_a_gap_before_the_readout(qtbot):
    window, bar, readout = _window(qtbot, 800)
    shown = bar.shown_message()
    assert shown.endswith("…") and LONG.startswith(shown[:-1])
    assert bar.currentMessage() == LONG  # the whole message, for whoever reads it
    assert bar.toolTip() == LONG
    # no ink of the message in the gap before the readout (QStatusBar's own cut runs right up to it)
    ink = _inked_columns(bar)
    left_of_readout = ink[ink < readout.geometry().left()]
    assert left_of_readout.max() <= readout.geometry().left() - GAP
    assert left_of_readout.min() < 20  # the message is drawn, from the left


def test_a_message_that_fits_is_shown_whole_without_a_tooltip(qtbot):
    window, bar, _readout = _window(qtbot, 1600)
    assert bar.shown_message() == LONG and bar.toolTip() == ""
    bar.clearMessage()
    assert bar.toolTip() == ""
