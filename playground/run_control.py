"""Run/Pause bookkeeping, Qt-free: what the Session needs to merge training news into what it shows.

* Counting: the Trainer is rebuilt whenever a setting changes, and its step counter starts at 0 again;
  the cost plot's step axis must go on, so `steps` and `epoch_progress` count across rebuilds.
* Snapshots: during Run the worker owns the network and sends a `Snapshot` now and then.
  `merge` adds its costs to the history and copies its weights into the shown network.
* Edits made during Run: they land in the shown network at once and travel to the worker as queued
  commands, each with a sequence number. A snapshot taken before the worker applied an edit still
  holds the old value, so `merge` puts every edit the worker has not acknowledged back on top;
  without that, a dragged slider would jump back until the worker caught up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.network import Network
from engine.regularisation import make_regularised
from engine.training import EXPLODED, Trainer
from playground.history import History
from playground.lab2d import with_test_split

RESTORED = "The weights from before the explosion are restored."


@dataclass
class Snapshot:
    """Everything that happened in the worker since the GUI last looked."""

    network: Network | None = None  # a copy of the worker's network, or None if it did not change
    step_costs: list[float] = field(default_factory=list)
    # (steps done when the epoch ended, test cost, test accuracy, epochs completed)
    epoch_points: list[tuple[int, float, float, int]] = field(default_factory=list)
    steps: int = 0  # the trainer's step counter at the moment of the snapshot
    epoch_progress: float = 0.0  # the trainer's completed epochs, as a float
    applied_edit: int = 0  # sequence number of the last edit the worker has applied
    done_reason: str = ""  # "" while running; "paused", "epochs" or "diverged" at the end
    divergence: str = ""  # the Trainer's sentence, when done_reason is "diverged"
    note: str = ""  # what to tell the user when done_reason is "failed" (the training process died)

    @property
    def diverged(self) -> bool:
        return self.done_reason == "diverged"


def apply_edit(network: Network, edit: tuple) -> None:
    """Apply one user edit, as ('weight', layer, neuron, source, value) or ('bias', layer, neuron, value)."""
    kind = edit[0]
    if kind == "weight":
        _, layer, neuron, source, value = edit
        network.weights[layer - 1][neuron, source] = value
    elif kind == "bias":
        _, layer, neuron, value = edit
        network.biases[layer - 1][neuron] = value


def apply_to_trainer(trainer: Trainer, edit: tuple) -> None:
    """An edit reaching the network that learns: a learning rate goes to the optimiser (so Adam's memory
    is kept); a weight or bias to the network, and the divergence guard starts again from it (it must
    never restore weights from before the user's edit). Paused and during Run alike."""
    if edit[0] == "lr":
        trainer.lr = edit[1]
    else:
        apply_edit(trainer.network, edit)
        trainer.weights_edited()


def edit_problem(network: Network, edit: tuple) -> str | None:
    """Why an edit cannot be made, in a sentence; None if it can.

    Checked before anything changes, because numpy would quietly take layer 0 or a negative index as
    "from the end" and edit the wrong weight, and a NaN or infinite weight poisons every later step.
    """
    kind, layer, neuron = edit[0], edit[1], edit[2]
    sizes = network.sizes
    what = "weight" if kind == "weight" else "bias"
    if not 1 <= layer < len(sizes):
        return f"There is no {what} in layer {layer}: layers 1 to {len(sizes) - 1} have weights and biases."
    if not 0 <= neuron < sizes[layer]:
        return f"Layer {layer} has neurons 0 to {sizes[layer] - 1}, not {neuron}."
    if kind == "weight" and not 0 <= edit[3] < sizes[layer - 1]:
        return f"Neuron {neuron} of layer {layer} has weights 0 to {sizes[layer - 1] - 1}, not {edit[3]}."
    if not math.isfinite(edit[-1]):
        return f"A {what} must be a finite number, not {edit[-1]}."
    return None


def divergence_message(divergence: str) -> str:
    """What the user reads when the Trainer found an explosion (it has restored the weights already):
    its sentence, and that the weights from before the explosion are back, unless it says so itself."""
    text = divergence or EXPLODED
    return text if "restored" in text else f"{text} {RESTORED}"


def format_seconds(seconds: float) -> str:
    seconds = int(round(max(0.0, seconds)))
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours}:{m:02d}:{s:02d}" if hours else f"{m}:{s:02d}"


class RunControl:
    """The Trainer, step counts across its rebuilds, pending edits, snapshot merging and progress."""

    def __init__(self, history: History | None = None) -> None:
        self.history = history if history is not None else History()
        self.trainer: Trainer | None = None
        self._recipe: tuple = ()  # (data, settings) the Trainer was made with, to make a fresh one
        self.steps = 0  # steps since the last reset, across Trainer rebuilds
        self.epoch_progress = 0.0
        self._step_offset = 0  # steps and epochs done before the current Trainer was made
        self._epoch_offset = 0.0
        self._edit_seq = 0
        self.pending_edits: list[tuple[int, tuple]] = []  # (seq, edit) the worker has not applied yet
        self._post = None  # the worker's post(seq, edit) during Run
        self.last_run_reason = ""
        self._last_run_note = ""
        self.speed = 0.0  # the Run speed in steps per second; 0: as fast as it goes
        self.last_snapshot_rate = self.last_steps_per_second = 0.0  # of the last Run, for bench/
        self._run_started = 0.0
        self._run_start_epoch = 0.0

    # --- counting ---------------------------------------------------------------------------
    def clear(self) -> None:
        """A new network: the history and the counters start again."""
        self.history.clear()
        self.steps = 0
        self.epoch_progress = 0.0

    def make_trainer(self, network: Network, data, settings) -> Trainer:
        """A fresh Trainer on a copy of `network` (settings: a state.Settings). It counts from 0, so
        remember where the counting stood."""
        self._recipe = (data, settings)
        if not len(data.X_train):  # a set emptied by hand: nothing to train on until points are added
            self.trainer = None
            return None
        optimizer = make_regularised(settings.optimizer, settings.learning_rate, getattr(settings, "l1", 0.0),
                                     getattr(settings, "l2", 0.0))
        self.trainer = Trainer(network.copy(), with_test_split(data), cost=settings.cost, optimizer=optimizer,
                               lr=settings.learning_rate, batch_size=settings.batch_size, seed=settings.seed)
        self._step_offset = self.steps
        self._epoch_offset = self.epoch_progress
        return self.trainer

    def step(self, shown: Network) -> tuple[float, str]:
        """One paused Step, copied into `shown`: (the batch cost, the Trainer's divergence sentence or "").

        The Trainer decides about explosions; after one, its network holds the weights from before.
        """
        trainer = self.trainer
        epoch_before = trainer.epoch
        cost = float(trainer.train_step())
        shown.copy_parameters_from(trainer.network)
        if trainer.diverged:
            return cost, self._diverged()
        trainer.history["step_cost"].clear()  # History keeps a bounded copy; this list would grow
        self._add_costs([cost], trainer.steps)
        self.epoch_progress = self._epoch_offset + trainer.epoch_progress
        if trainer.epoch != epoch_before:
            d = trainer.dataset
            self.add_epoch_point(trainer.steps, *trainer.evaluate(d.X_test, d.Y_test), trainer.epoch_progress)
        return cost, ""

    def add_epoch_point(self, trainer_steps: int, test_cost: float, test_acc: float,
                        trainer_epochs: float) -> None:
        self.history.test.add(self._step_offset + trainer_steps, float(test_cost), float(test_acc),
                              round(self._epoch_offset + trainer_epochs))

    def _add_costs(self, costs: list[float], trainer_steps: int) -> None:
        first = self._step_offset + trainer_steps - len(costs) + 1
        for k, c in enumerate(costs):
            self.history.train.add(first + k, c)
        self.steps = self._step_offset + trainer_steps

    # --- Run --------------------------------------------------------------------------------
    def start(self, now: float, post) -> None:
        """Run begins (`now` on the clock progress() is given); `post(seq, edit)` reaches the worker."""
        self._post = post
        self.pending_edits = []
        self.last_run_reason = ""
        self._run_started = now
        self._run_start_epoch = self.epoch_progress

    def stop(self) -> None:
        self._post = None
        self.pending_edits = []  # the worker applied every edit before it ended

    @property
    def running(self) -> bool:
        return self._post is not None

    def send(self, edit: tuple) -> None:
        """An edit for the network that learns: a weight, a bias (see apply_edit), ("lr", rate) or
        ("speed", steps per second).

        Paused it is applied at once. During Run it is queued to the worker with a sequence number and
        kept until a snapshot says the worker has applied it (see merge).
        """
        if self._post is None:
            self._apply_paused(edit)
            return
        self._edit_seq += 1
        self.pending_edits.append((self._edit_seq, edit))
        self._post(self._edit_seq, edit)

    def _apply_paused(self, edit: tuple) -> None:
        if self.trainer is None:  # no data to train on (hand-made data emptied): nothing learns yet
            return
        if edit[0] != "speed":  # the speed is self.speed, handed to the next Run
            apply_to_trainer(self.trainer, edit)

    def set_speed(self, steps_per_second: float) -> None:
        """The Run speed: at most this many steps a second (0: as fast as it goes); during Run too."""
        self.speed = max(0.0, float(steps_per_second))
        if self.running:
            self.send(("speed", self.speed))

    def finish(self, shown: Network, stats, epochs: int) -> str:
        """Run has ended: `shown` becomes the trained network. Returns what to tell the user, or "".

        `stats` has the Run's snapshots_sent, steps_done and seconds.
        """
        reason = self.last_run_reason
        if reason == "failed":  # the process died: the shown network has its last snapshot and every edit
            self.trainer.network.copy_parameters_from(shown)
        else:
            for _, edit in self.pending_edits:  # sent after the worker's last look: they land now
                self._apply_paused(edit)
            shown.copy_parameters_from(self.trainer.network)
        self.stop()
        self.last_snapshot_rate = stats.snapshots_sent / max(stats.seconds, 1e-9)
        self.last_steps_per_second = stats.steps_done / max(stats.seconds, 1e-9)
        if reason == "diverged":
            return self._diverged()
        if reason == "failed":
            self.make_trainer(self.trainer.network, *self._recipe)  # counting goes on from the last snapshot
            return self._last_run_note
        return f"Trained {epochs} epoch(s); paused." if reason == "epochs" else ""

    def _diverged(self) -> str:
        """The Trainer found an explosion and restored the weights; a fresh one carries on."""
        divergence = self.trainer.divergence
        self.make_trainer(self.trainer.network, *self._recipe)
        return divergence_message(divergence)

    def merge(self, snap: Snapshot, shown: Network) -> None:
        """Take a snapshot's news: costs into the history, weights into `shown`, pending edits on top."""
        if snap.step_costs:
            self._add_costs(snap.step_costs, snap.steps)
        for steps, test_cost, test_acc, epochs in snap.epoch_points:
            self.add_epoch_point(steps, test_cost, test_acc, epochs)
        self.steps = self._step_offset + snap.steps
        self.epoch_progress = self._epoch_offset + snap.epoch_progress
        if snap.done_reason:
            self.last_run_reason, self._last_run_note = snap.done_reason, snap.note
        if snap.network is not None:
            shown.copy_parameters_from(snap.network)
            self.pending_edits = [(s, e) for s, e in self.pending_edits if s > snap.applied_edit]
            for _, edit in self.pending_edits:
                apply_edit(shown, edit)

    def progress(self, epochs: int, now: float) -> tuple[float, float | None, str]:
        """(fraction 0..1, ETA in seconds or None, one line of text) for the progress bar.

        `epochs` is the Run's epoch limit (0: none); `now` the same clock `start` was given.
        """
        done = self.epoch_progress
        epoch_now = int(math.floor(done))
        rate = None
        if self.running:
            elapsed = now - self._run_started
            if elapsed > 0.3 and done > self._run_start_epoch:
                rate = (done - self._run_start_epoch) / elapsed  # epochs per second
        if self.running and epochs:
            target = self._run_start_epoch + epochs
            fraction = min(1.0, (done - self._run_start_epoch) / epochs)
            eta = (target - done) / rate if rate else None
            text = f"epoch {min(epoch_now - math.floor(self._run_start_epoch) + 1, epochs)} of {epochs}"
        elif not self.running and done > 0 and done == epoch_now:
            # paused on an epoch's end (a Run of N epochs has finished): that epoch is done, the next
            # has not begun, so say so rather than "epoch N+1" over an empty bar
            fraction, eta = 1.0, None
            text = f"{epoch_now} epoch{'s' if epoch_now != 1 else ''} done"
        else:
            fraction = done - epoch_now
            # a Run with no epoch limit has no end: no time left to tell
            eta = None
            text = f"epoch {epoch_now + 1}"
        if eta is not None:
            text += f" · ETA {format_seconds(eta)}"
        return fraction, eta, text
