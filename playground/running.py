"""Step's partner during Run: the Session's side of continuous training (a mixin of Session).

The Trainer learns in a process (or thread) of its own (worker.start_run); these methods start and
stop it, merge its snapshots into the shown network (run_control.RunControl does the bookkeeping) and
report how it ended. Paused, the shown network is the truth and goes to the Trainer first.
"""

from __future__ import annotations

import time

from playground.run_control import Snapshot
from playground.worker import start_run


class Running:
    def run(self) -> None:
        """Train continuously on a worker thread until pause() (or the epoch limit, or a divergence)."""
        if self.running or not self.can_train():
            return
        if self.walkthrough is not None:
            self.message.emit("Leave the step-by-step walkthrough (Esc) before you Run.")
            return
        self.trainer.network.copy_parameters_from(self.network)  # paused, the shown network is the truth
        self.trainer.weights_edited()
        test = self.trainer.dataset  # the Trainer's: hand-made points without a test split use their own
        self._training = start_run(self.trainer, test.X_test, test.Y_test, self.epochs, speed=self.run_speed)
        self._training.snapshot.connect(self._take_snapshot)
        self._training.ended.connect(self._finish_run)
        self._run.start(time.monotonic(), self._training.post)
        self.runningChanged.emit(True)

    def pause(self) -> None:
        """Stop Run and wait for the worker: afterwards nothing trains and every point has arrived."""
        if self._training is not None:
            self._training.stop()

    def _take_snapshot(self, snap: Snapshot) -> None:
        self._run.merge(snap, self.network)
        self._network_changed()
        self.historyChanged.emit()

    def _finish_run(self) -> None:
        stats, self._training = self._training.stats, None
        note = self._run.finish(self.network, stats, self.epochs)  # e.g. a divergence, reported
        if note:
            self.message.emit(note)
        self._network_changed()
        self.historyChanged.emit()
        self.runningChanged.emit(False)

    def set_run_speed(self, steps_per_second: float) -> None:
        """At most this many steps a second during Run (0: as fast as it goes); a running Run follows."""
        self._run.set_speed(steps_per_second)
        self.runSpeedChanged.emit(self.run_speed)

    def progress(self) -> tuple[float, float | None, str]:
        """(fraction 0..1, ETA in seconds or None, one line of text) for the progress bar."""
        return self._run.progress(self.epochs, time.monotonic())

