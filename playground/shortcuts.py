"""The training keys (Space, S, →) work window-wide, also while a number box has the focus.

The actions use Qt's application shortcut context. A focused widget may still claim a key first (a
ShortcutOverride it accepts): a spin box claims letters, Space and the arrows, though none of them
means anything in a number. `NumberBoxKeys` declines those claims for number boxes only; a text field
(a line edit of its own) keeps every key, so typing a name or a path is never a training step.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QWidget

TRAINING_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_S, Qt.Key.Key_Right)


class NumberBoxKeys(QObject):
    """Event filter for number boxes: their claim to the training keys is declined."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        plain = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() in TRAINING_KEYS
                and event.modifiers() in plain):
            event.ignore()  # not claimed: the shortcut map goes on to the training action
            return True
        return False

    def guard(self, root: QWidget) -> None:
        """Filter every number box under `root` (again after new ones appear; Qt keeps one copy)."""
        for box in root.findChildren(QAbstractSpinBox):
            box.installEventFilter(self)
            line = box.findChild(QWidget, "qt_spinbox_lineedit")
            if line is not None:
                line.installEventFilter(self)
