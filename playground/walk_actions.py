"""The window's side of Backprop, step by step (a mixin of MainWindow): Step slowly and the keys that
move through its phases, in the Training menu and the toolbar. The walkthrough itself is the Session's
(walk_steps.py, walkthrough.py); these actions only start, move and leave it, and say where it is.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QToolBar

from playground.icons import step_slowly_icon
from playground.views.lab.cost_graph import fits as cost_graph_fits


class WalkthroughActions:
    def _build_walkthrough(self, menu) -> None:
        """Step slowly, and the keys that move through its phases (→ / ←, Esc), in the Training menu and
        the toolbar, after Reset."""
        menu.addSeparator()
        style = self.style()
        specs = (
            ("stepSlowlyAction", "Step slowly", step_slowly_icon(), "Shift+S", self._toggle_walkthrough,
             "Step slowly (Shift+S): one training step shown in phases, on the mini-batch the next Step "
             "uses —\nthe forward pass layer by layer, the cost, backprop layer by layer (δ on the neurons, "
             "∂C/∂w on the lines), then the update.\n→ next phase, ← back (nothing changes until the "
             "update), Esc leaves."),
            ("previousPhaseAction", "Back", style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack),
             Qt.Key.Key_Left, self.session.previous_phase,
             "Previous phase (←): back one phase; the network does not change (going back from the update "
             "takes the step back)."),
            ("nextPhaseAction", "Next", style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward),
             Qt.Key.Key_Right, self.session.next_phase,
             "Next phase (→): on through the step; entering the update phase takes the real step, and "
             "after it the walkthrough ends."),
            ("leaveWalkthroughAction", "Leave step by step", None, Qt.Key.Key_Escape,
             self.session.leave_walkthrough,
             "Leave the walkthrough (Esc): an update already applied stays, otherwise nothing changes."),
        )
        bar = self.findChild(QToolBar, "trainingToolbar")
        after_reset = bar.actions()[bar.actions().index(self.resetAction) + 1]
        for name, text, icon, key, slot, tip in specs:
            action = QAction(text, self) if icon is None else QAction(icon, text, self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(tip)
            action.triggered.connect(slot)
            menu.addAction(action)
            if icon is not None:
                bar.insertAction(after_reset, action)
            setattr(self, name, action)
        self.stepSlowlyAction.setCheckable(True)
        self.wholeCostAction = self._add(menu, "Whole cost in the lab", self.show_whole_cost, None,
                                         "wholeCostAction")
        self.wholeCostAction.setToolTip("During Step slowly (small networks only): the step's whole cost "
                                        "as one graph in the neuron lab, with its backward done.")
        self.session.walkthroughChanged.connect(self._on_walkthrough)
        self._on_walkthrough()

    def show_whole_cost(self) -> None:
        """The walkthrough's step as one Value graph in the neuron lab (small networks only)."""
        try:
            self.lab.show_whole_cost()
        except ValueError as exc:
            self.statusBar().showMessage(f"The lab cannot show the whole cost: {exc}.", 10000)
            return
        self.show_lab()

    def _toggle_walkthrough(self, on: bool) -> None:
        if on:
            self.session.start_walkthrough()
        else:
            self.session.leave_walkthrough()

    def _on_walkthrough(self) -> None:
        """Phases move only during the walkthrough; Step and Run wait until it is over."""
        walk = self.session.walkthrough
        active = walk is not None
        for action in (self.nextPhaseAction, self.previousPhaseAction, self.leaveWalkthroughAction):
            action.setEnabled(active)
        self.stepSlowlyAction.setChecked(active)
        # as the lab's own Whole cost button (asked here without the lab, which is made on first use)
        self.wholeCostAction.setEnabled(active and cost_graph_fits(self.session.network))
        self.stepAction.setEnabled(not active and not self.session.running)
        self.runAction.setEnabled(not active)
        if active:
            self.statusBar().showMessage(f"Step by step {walk.index + 1}/{len(walk.phases)}: "
                                         f"{walk.phase.caption}")
        elif self.statusBar().currentMessage().startswith("Step by step"):
            self.statusBar().showMessage("Left the step-by-step walkthrough.", 5000)

