"""A shown main window on a preset, for the tests that need a whole window."""

from __future__ import annotations

from playground.main_window import MainWindow
from playground.session import Session


def shown_window(qtbot, preset: str) -> MainWindow:
    w = MainWindow(session=Session(preset=preset), remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w
