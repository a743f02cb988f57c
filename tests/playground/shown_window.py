"""A shown main window on a preset, for the issue-12 tests (test_current_numbers, test_behaviour_fixes)."""

from __future__ import annotations

from playground.main_window import MainWindow
from playground.session import Session


def shown_window(qtbot, preset: str) -> MainWindow:
    w = MainWindow(session=Session(preset=preset), remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w
