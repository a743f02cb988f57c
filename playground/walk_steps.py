"""Backprop, step by step: the Session's side of the walkthrough (a mixin of Session).

playground/walkthrough.py holds the numbers of one training step shown in phases; these methods start
it, move it and end it, colour the network view by the phase, and end it when something else changes
the network (an edit, a Step, new settings), because its numbers would then be stale.
"""

from __future__ import annotations

from playground.walkthrough import Walkthrough


class WalkSteps:
    def _init_walkthrough(self) -> None:
        self.walkthrough: Walkthrough | None = None  # one training step shown in phases
        self._walk_busy, self._walk_return = False, "activations"
        # an edit, a Step, a new network or new settings (another batch, another update): it is over
        for signal in (self.networkChanged, self.structureChanged, self.settingsChanged):
            signal.connect(self._walk_interrupted)

    def start_walkthrough(self) -> None:
        """Show the next training step in phases (Run pauses first); see playground/walkthrough.py."""
        self.pause()
        self.leave_walkthrough()
        self._walk_return = self.color_source
        self.walkthrough = Walkthrough(self.network, self._run, self.cost_name, self.optimizer_name,
                                       self.learning_rate)
        self._walk_show()

    def next_phase(self) -> None:
        """The next phase; entering the update takes the real Step; after the last one it is over."""
        what = self.walkthrough.next() if self.walkthrough is not None else "none"
        if what == "end":
            self.leave_walkthrough()
            return
        if what.startswith("applied"):
            self._walk_network_changed(what.partition(":")[2])
        if what != "none":
            self._walk_show()

    def previous_phase(self) -> None:
        """Back one phase: nothing changes, except that leaving the update takes the Step back."""
        what = self.walkthrough.previous() if self.walkthrough is not None else ""
        if what == "undone":
            self._walk_network_changed("")
        if what:
            self._walk_show()

    def leave_walkthrough(self) -> None:
        """Stop the walkthrough: an update already applied stays, otherwise nothing has changed."""
        if self.walkthrough is not None:
            self.walkthrough = None
            self.set_color_source(self._walk_return)
            self.walkthroughChanged.emit()

    def _walk_show(self) -> None:
        self.set_color_source(self.walkthrough.phase.color_source)
        self.walkthroughChanged.emit()

    def _walk_network_changed(self, divergence: str) -> None:
        self._walk_busy = True  # the walkthrough's own Step (or its undo) does not end it
        if divergence:
            self.message.emit(divergence)
        self._network_changed()
        self.historyChanged.emit()
        self._walk_busy = False

    def _walk_interrupted(self) -> None:
        if not self._walk_busy:
            self.leave_walkthrough()
