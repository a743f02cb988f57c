"""One Run's training loop, Qt-free: the steps, edits made during Run, the pace, and the news.

Two hosts drive it: the training process (playground.training_process, what Run uses) and the worker
thread (playground.worker.TrainingWorker, the fallback and the comparison in bench/bench_worker.py).
Each calls `run_for(seconds)` (full speed) or `step()` (one step, when the Run speed is limited and
`wait_time()` says it is due) in its own loop, hands edits to `apply()` in between, and now and then
sends `news()` to the window.
Explosions are the Trainer's to find: the loop stops on `trainer.diverged` and passes on
`trainer.divergence` (the Trainer has restored the weights itself).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from playground.run_control import Snapshot, apply_to_trainer

FULL_SPEED = 0.0  # a Run speed of 0 steps per second: as fast as it goes


class Pace:
    """At most `speed` steps a second, evenly spaced (0: no limit).

    The steps keep to a grid of 1/speed seconds. A step that comes late (the machine was busy) keeps the
    grid only if it is less than one interval late; later than that, the grid starts again from it, so
    the loop never races through a burst of steps to catch up.
    """

    def __init__(self, speed: float = FULL_SPEED):
        self.set(speed)

    def set(self, speed: float) -> None:
        self.speed = max(0.0, float(speed))
        self._due: float | None = None  # when the next step may start

    def wait_time(self, now: float) -> float:
        """Seconds to wait before the next step (0: take it now)."""
        if not self.speed or self._due is None:
            return 0.0
        return max(0.0, self._due - now)

    def stepped(self, now: float) -> None:
        """A step was taken at `now`."""
        if not self.speed:
            return
        interval = 1.0 / self.speed
        on_grid = self._due is not None and now - self._due < interval
        self._due = (self._due if on_grid else now) + interval


class TrainingLoop:
    """Trainer.train_step with the bookkeeping a Run needs: costs, test points, edits, pace, the end."""

    def __init__(self, trainer, X_test, Y_test, epochs: int = 0, speed: float = FULL_SPEED,
                 clock: Callable[[], float] = time.monotonic):
        self.trainer = trainer
        self._X_test, self._Y_test = X_test, Y_test
        self._epoch_limit = epochs  # 0: until stopped
        self._start_epoch = self._last_epoch = trainer.epoch
        self._clock = clock
        self.pace = Pace(speed)
        self.costs: list[float] = []  # step costs not yet sent
        self.epoch_points: list[tuple[int, float, float, int]] = []  # test points not yet sent
        self.applied_edit = 0  # sequence number of the last edit applied
        self.steps_done = 0
        self.test_seconds = 0.0  # CPU time spent on the test points (bench/bench_worker.py: "test %")
        self.reason = ""  # why the loop ended by itself: "epochs" or "diverged"

    def apply(self, seq: int, edit: tuple) -> None:
        """An edit made during Run: a weight, a bias (see apply_edit), ("lr", rate), ("speed", steps/s)."""
        if edit[0] == "speed":
            self.pace.set(edit[1])
        else:
            apply_to_trainer(self.trainer, edit)
        self.applied_edit = seq

    def wait_time(self) -> float:
        """Seconds until the next step is due at the Run speed (0 at full speed)."""
        return self.pace.wait_time(self._clock())

    def step(self) -> bool:
        """One training step; False when the loop must end (`reason` says why)."""
        self.pace.stepped(self._clock())
        return self._step()

    def run_for(self, seconds: float) -> bool:
        """Steps at full speed for about `seconds` (at least one); False when the loop must end.

        The host looks at its messages between two calls, not between two steps: a small network's step
        takes ~60 us, so even a few microseconds of bookkeeping per step would cost several percent.
        """
        clock, step = self._clock, self._step
        end = clock() + seconds
        while step():
            if clock() >= end:
                return True
        return False

    def _step(self) -> bool:
        trainer = self.trainer
        cost = trainer.train_step()
        self.steps_done += 1
        if trainer.diverged:
            self.reason = "diverged"
            return False
        self.costs.append(float(cost))
        if trainer.epoch != self._last_epoch:
            return self._epoch_ended()
        return True

    def _epoch_ended(self) -> bool:
        """A test point for the epoch just completed; False if it was the last of the Run."""
        trainer = self.trainer
        self._last_epoch = trainer.epoch
        cpu = time.process_time()
        test_cost, test_acc = trainer.evaluate(self._X_test, self._Y_test)
        self.test_seconds += time.process_time() - cpu
        self.epoch_points.append((trainer.steps, float(test_cost), float(test_acc), int(trainer.epoch)))
        if self._epoch_limit and trainer.epoch - self._start_epoch >= self._epoch_limit:
            self.reason = "epochs"
            return False
        return True

    @property
    def has_news(self) -> bool:
        return bool(self.costs or self.epoch_points)

    def news(self, reason: str = "") -> Snapshot:
        """What happened since the last call, without the network (each host sends that its own way).
        `reason` is "" while the loop goes on, else why it ended ("paused", "epochs", "diverged")."""
        trainer = self.trainer
        trainer.history["step_cost"].clear()  # the Session keeps its own bounded copy (History)
        snap = Snapshot(step_costs=self.costs, epoch_points=self.epoch_points, steps=trainer.steps,
                        epoch_progress=trainer.epoch_progress, applied_edit=self.applied_edit,
                        done_reason=reason, divergence=trainer.divergence if reason == "diverged" else "")
        self.costs, self.epoch_points = [], []
        return snap
