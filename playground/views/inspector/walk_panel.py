"""The inspector's walkthrough panel: the phase's caption and the selected neuron's numbers in it.

Shown only while the step-by-step walkthrough runs (Session.walkthrough); it reads the same numbers as
the network view's tooltips (Walkthrough.neuron_report), which are the engine's backprop numbers.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from playground import theme
from playground.number_format import readable
from playground.walkthrough import format_report

SHOWN_GRADIENTS = 8  # a neuron with more inputs lists its 8 largest |∂C/∂w|


class WalkPanel(QLabel):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.setObjectName("walkthroughPanel")
        self._session = session
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(f"border: 1px solid {theme.HIGHLIGHT}; border-radius: 4px; padding: 6px;")
        self.setToolTip("One training step, shown in phases (Train ▸ Step slowly): → next phase, ← back, "
                        "Esc leaves.\nThe numbers are the engine's backprop for the mini-batch the next "
                        "Step uses.")
        for signal in (session.walkthroughChanged, session.selectionChanged, session.networkChanged):
            signal.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        self.setText(self.text_now())
        self.setVisible(self._session.walkthrough is not None)

    def text_now(self) -> str:
        walk = self._session.walkthrough
        if walk is None:
            return ""
        lines = [f"<b>Step by step · phase {walk.index + 1} of {len(walk.phases)}</b>",
                 f"<span style='color:{theme.HIGHLIGHT}'>{walk.phase.caption}</span>"]
        selected = self._session.selected
        if selected is None:
            lines.append("Click a neuron to see its numbers in this phase.")
            return "<br>".join(lines)
        layer, index = selected
        rows = walk.neuron_report(layer, index)
        lines.append(format_report(rows) if rows else "This neuron is not reached yet in this phase.")
        kind = walk.phase.kind
        lines_lit = (kind == "backward" and layer >= walk.phase.layer) or (kind == "update" and walk.applied)
        if layer >= 1 and lines_lit:
            values = walk.edge_values(layer)[index]  # ∂C/∂w, or the change Δw the update made
            order = np.argsort(-np.abs(values), kind="stable")[:SHOWN_GRADIENTS]
            names = self._session.input_labels(layer - 1)
            n = len(values)
            more = f" (the {SHOWN_GRADIENTS} largest of {n})" if n > SHOWN_GRADIENTS else ""
            lines.append(f"its incoming weights' {'∂C/∂w' if kind == 'backward' else 'change Δw'}{more}:")
            lines += [f"&nbsp;&nbsp;w ← {names[k]}: {readable(values[k], 4)}" for k in order]
        return "<br>".join(lines)
