"""The training toolbar on a narrow window: some buttons drop their words before any drop out of sight.

QToolBar hides what does not fit behind a "»" menu: at 1024 px the progress bar, Neuron lab and
Gradient went there. Instead, buttons whose icons speak for themselves (Back, Next, then the rest, in
`ORDER`) show their icon alone, one after another, until the toolbar fits; their tooltips still say
what they do. Step and Run keep their words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar, QToolButton

ORDER = ("previousPhaseAction", "nextPhaseAction", "resetAction", "stepSlowlyAction",
         "gradientOverlayAction", "labAction")


def fit_toolbar(bar: QToolBar, width: int) -> None:
    """Words beside the icons where the toolbar has `width` px for them; icons alone where it has not."""
    if bar.orientation() != Qt.Orientation.Horizontal:
        return
    named = {action.objectName(): action for action in bar.actions()}
    buttons = [bar.widgetForAction(named[name]) for name in ORDER if name in named]
    buttons = [b for b in buttons if isinstance(b, QToolButton)]
    for button in buttons:
        button.setToolButtonStyle(bar.toolButtonStyle())
    for button in buttons:
        if needed_width(bar) <= width:
            return
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)


def needed_width(bar: QToolBar) -> int:
    """The toolbar's width with every item in sight, as its buttons are now (its layout would answer
    with the widths from before the last change until it next runs, before the window is first shown)."""
    bar.layout().invalidate()
    return bar.sizeHint().width()


def words_shown(bar: QToolBar, name: str) -> bool:
    """Whether the toolbar's button for the action called `name` shows its words now."""
    action = next(a for a in bar.actions() if a.objectName() == name)
    return bar.widgetForAction(action).toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonIconOnly
