"""Training on a QThread, so the window never waits for the maths.

The worker owns its network while it runs. The GUI talks to it in two thread-safe ways only:
`post()` puts an edit (a weight, a bias, the learning rate) on a queue that the loop applies between
two steps, and `take()` collects what the loop has put in its outbox since the last call. The
`snapshotReady` signal merely says "the outbox has something"; it is emitted again only after the
GUI has taken the last one, so a busy GUI is never flooded and no cost point is ever dropped.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

SNAPSHOTS_PER_SECOND = 30
# Python runs one thread's bytecode at a time (the GIL). While the GUI handles a snapshot (copies it,
# redraws the views) the loop waits for its acknowledgement, so the GUI has the interpreter to itself
# then; between snapshots the GUI only has to answer timers and input, which it gets promptly.
# If the GUI does not answer in this time (a modal dialog, say), training goes on anyway.
ACK_TIMEOUT_SECONDS = 0.1
# A small network's step is mostly Python, so the loop holds the GIL almost all the time and the GUI's
# timers and paints queue for it. A short sleep every few milliseconds hands the interpreter over.
# Measured on XOR (bench/bench_worker.py): the GUI's mean 10 ms tick went from 21 to 11 ms and its
# longest stall from 73 to 39 ms, for 7-9% fewer steps per second.
BREATHE_EVERY = 0.010
BREATHE_SECONDS = 0.001


@dataclass
class Snapshot:
    """Everything that happened in the worker since the GUI last looked."""

    weights: list[np.ndarray] | None = None
    biases: list[np.ndarray] | None = None
    step_costs: list[float] = field(default_factory=list)
    # (steps done when the epoch ended, test cost, test accuracy, epochs completed)
    epoch_points: list[tuple[int, float, float, int]] = field(default_factory=list)
    steps: int = 0  # the trainer's step counter at the moment of the snapshot
    epoch_progress: float = 0.0
    applied_edit: int = 0  # sequence number of the last edit the worker has applied
    diverged: bool = False
    done_reason: str = ""  # "" while running; "paused", "epochs" or "diverged" at the end


def epoch_progress(trainer, n_train: int) -> float:
    """Completed epochs as a float: 2.5 is half-way through the third epoch."""
    value = getattr(trainer, "epoch_progress", None)
    if value is not None:
        return float(value() if callable(value) else value)
    return trainer.steps * trainer.batch_size / max(1, n_train)


def set_trainer_learning_rate(trainer, lr: float) -> None:
    """The Trainer keeps the rate on its optimiser; change it there so Adam's memory is kept."""
    optimizer = getattr(trainer, "optimizer", None)
    if optimizer is not None and hasattr(optimizer, "lr"):
        optimizer.lr = lr
    if hasattr(trainer, "lr"):
        trainer.lr = lr


def forget_step_costs(trainer) -> None:
    """The Trainer keeps every step's cost in its history; the Session keeps its own bounded copy,
    so drop the Trainer's list, which would otherwise grow without end during a long Run."""
    history = getattr(trainer, "history", None)
    if isinstance(history, dict) and isinstance(history.get("step_cost"), list):
        history["step_cost"].clear()


def apply_edit(network, edit: tuple) -> None:
    """Apply one user edit, as ('weight', layer, neuron, source, value) or ('bias', layer, neuron, value)."""
    kind = edit[0]
    if kind == "weight":
        _, layer, neuron, source, value = edit
        network.weights[layer - 1][neuron, source] = value
    elif kind == "bias":
        _, layer, neuron, value = edit
        network.biases[layer - 1][neuron] = value


class TrainingWorker(QObject):
    """Runs Trainer.train_step in a loop on its own thread until stopped."""

    snapshotReady = Signal()
    finished = Signal()

    def __init__(self, trainer, X_test, Y_test, epochs: int = 0, n_train: int | None = None):
        super().__init__()
        self._trainer = trainer
        self._X_test, self._Y_test = X_test, Y_test
        self._epoch_limit = epochs  # 0: until stopped
        self._n_train = n_train or 1
        self._edits: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._ack = threading.Event()
        self._lock = threading.Lock()
        self._outbox = Snapshot()
        self._notified = False
        self._applied_edit = 0
        self.snapshots_sent = 0
        self.steps_done = 0
        self.seconds = 0.0

    # --- called from the GUI thread ---------------------------------------------------------
    def post(self, seq: int, edit: tuple) -> None:
        """Queue an edit; `seq` increases with every edit so the GUI knows which ones have landed."""
        self._edits.put((seq, edit))

    def stop(self) -> None:
        self._stop.set()
        self._ack.set()

    def acknowledge(self) -> None:
        """The GUI has handled the last snapshot: training may use the interpreter again."""
        self._ack.set()

    def take(self) -> Snapshot | None:
        """Everything since the last call (None if nothing happened)."""
        with self._lock:
            snap, self._outbox = self._outbox, Snapshot()
            self._notified = False
        if snap.weights is None and not snap.step_costs and not snap.done_reason:
            return None
        return snap

    # --- the loop, on the worker thread -----------------------------------------------------
    @Slot()
    def run(self) -> None:
        trainer = self._trainer
        net = trainer.network
        good = ([w.copy() for w in net.weights], [b.copy() for b in net.biases])
        costs: list[float] = []
        epochs: list[tuple[int, float, float, int]] = []
        start_epoch = trainer.epoch
        last_epoch = trainer.epoch
        interval = 1.0 / SNAPSHOTS_PER_SECOND
        started = last_sent = last_breath = time.monotonic()
        reason = "paused"
        while not self._stop.is_set():
            self._apply_edits()
            cost = float(trainer.train_step())
            self.steps_done += 1
            if not math.isfinite(cost):
                self._restore(net, good)
                reason = "diverged"
                break
            costs.append(cost)
            if trainer.epoch != last_epoch:
                last_epoch = trainer.epoch
                test_cost, test_acc = trainer.evaluate(self._X_test, self._Y_test)
                epochs.append((trainer.steps, float(test_cost), float(test_acc), int(trainer.epoch)))
                if self._epoch_limit and trainer.epoch - start_epoch >= self._epoch_limit:
                    reason = "epochs"
                    break
            now = time.monotonic()
            if now - last_breath >= BREATHE_EVERY:
                time.sleep(BREATHE_SECONDS)  # let the GUI thread have the interpreter (see BREATHE_EVERY)
                last_breath = time.monotonic()
            if now - last_sent >= interval:
                if not _all_finite(net):
                    self._restore(net, good)
                    reason = "diverged"
                    break
                good = ([w.copy() for w in net.weights], [b.copy() for b in net.biases])
                self._ack.clear()
                if self._publish(costs, epochs, ""):
                    self._ack.wait(ACK_TIMEOUT_SECONDS)
                costs, epochs = [], []
                last_sent = time.monotonic()
        self._apply_edits()
        if reason != "diverged" and not _all_finite(net):
            self._restore(net, good)
            reason = "diverged"
        self.seconds = time.monotonic() - started
        self._publish(costs, epochs, reason)
        self.finished.emit()

    def _apply_edits(self) -> None:
        net = self._trainer.network
        while True:
            try:
                seq, edit = self._edits.get_nowait()
            except queue.Empty:
                return
            if edit[0] == "lr":
                set_trainer_learning_rate(self._trainer, edit[1])
            else:
                apply_edit(net, edit)
            self._applied_edit = seq

    @staticmethod
    def _restore(net, good) -> None:
        for w, saved in zip(net.weights, good[0], strict=True):
            np.copyto(w, saved)
        for b, saved in zip(net.biases, good[1], strict=True):
            np.copyto(b, saved)

    def _publish(self, costs: list[float], epochs: list, reason: str) -> bool:
        """Put the news in the outbox; True if the GUI was notified (it will acknowledge)."""
        forget_step_costs(self._trainer)
        net = self._trainer.network
        weights = [w.copy() for w in net.weights]
        biases = [b.copy() for b in net.biases]
        with self._lock:
            box = self._outbox
            box.weights, box.biases = weights, biases
            box.step_costs.extend(costs)
            box.epoch_points.extend(epochs)
            box.steps = self._trainer.steps
            box.epoch_progress = epoch_progress(self._trainer, self._n_train)
            box.applied_edit = self._applied_edit
            box.done_reason = reason
            box.diverged = reason == "diverged"
            notify = not self._notified
            self._notified = True
        if notify:
            self.snapshots_sent += 1
            self.snapshotReady.emit()
        return notify


def _all_finite(net) -> bool:
    return all(np.isfinite(w).all() for w in net.weights) and all(np.isfinite(b).all() for b in net.biases)
