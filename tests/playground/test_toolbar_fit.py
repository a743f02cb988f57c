"""A narrow window: the toolbar's buttons drop their words, one after another, before any drops out of
sight behind the "»" menu."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QToolButton

from playground.views.toolbar_fit import ORDER, words_shown


def _hidden_behind_the_menu(bar) -> list[str]:
    return [a.objectName() or type(bar.widgetForAction(a)).__name__ for a in bar.actions()
            if not a.isSeparator() and bar.widgetForAction(a) is not None
            and not bar.widgetForAction(a).isVisible()]


@pytest.fixture
def screen():
    """Call with (width, height) to stand in a screen of that available size; undone afterwards."""
    from playground import screen_fit

    yield screen_fit.set_available_size
    screen_fit.set_available_size(None)


@pytest.mark.parametrize("width", [1024, 1280, 1600])
@pytest.mark.parametrize("preset", ["XOR", "3Blue1Brown digits"])
def test_every_tool_stays_in_sight_and_step_and_run_keep_their_words(qtbot, screen, width, preset):
    from playground.main_window import MainWindow
    from playground.session import Session

    screen((width, 720))
    w = MainWindow(session=Session(preset=preset), remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(100)  # the window settles to the screen
    bar = w.trainingToolbar
    assert w.frameGeometry().width() <= width
    assert _hidden_behind_the_menu(bar) == []
    extension = [b for b in bar.findChildren(QToolButton) if b.objectName() == "qt_toolbar_ext_button"]
    assert not any(b.isVisible() for b in extension)
    last = bar.widgetForAction(bar.actions()[-1])
    assert last.geometry().right() < bar.width()  # the last tool whole, inside the window
    assert words_shown(bar, "stepAction") and words_shown(bar, "runAction")
    compact = [name for name in ORDER if not words_shown(bar, name)]
    if width == 1600:
        assert compact == []  # room for every word
    if width == 1024:
        assert compact and compact == list(ORDER[: len(compact)])  # in the order given
    w.session.shutdown()


def test_a_window_first_shown_narrow_drops_only_the_words_it_must(qtbot):
    # before the window is first shown the toolbar's layout answers with old widths: measured so, every
    # button lost its words at 1216 px, where Back and Next alone make room
    from PySide6.QtCore import Qt

    from playground.main_window import MainWindow
    from playground.session import Session
    from playground.views.toolbar_fit import needed_width

    w = MainWindow(session=Session(preset="XOR"), remember=False)
    qtbot.addWidget(w)
    w.resize(1216, 690)
    w.show()
    qtbot.waitExposed(w)
    bar = w.trainingToolbar
    compact = [name for name in ORDER if not words_shown(bar, name)]
    assert 0 < len(compact) < len(ORDER) and compact == list(ORDER[: len(compact)])
    last = bar.widgetForAction(next(a for a in bar.actions() if a.objectName() == compact[-1]))
    last.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    assert needed_width(bar) > w.width()  # one word more would not fit: no more went than had to
    w.session.shutdown()
