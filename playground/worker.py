"""Training on a QThread, so the window never waits for the maths.

The worker owns its network while it runs. The GUI talks to it in two thread-safe ways only:
`post()` puts an edit (a weight, a bias, the learning rate) on a queue that the loop applies between
two steps, and `take()` collects what the loop has put in its outbox since the last call. The
`snapshotReady` signal merely says "the outbox has something"; it is emitted again only after the
GUI has taken the last one, so a busy GUI is never flooded and no cost point is ever dropped.
Explosions are the Trainer's to find: the loop stops on `trainer.diverged` and passes on
`trainer.divergence`. `TrainingRun` is the GUI thread's handle on one Run (thread, BLAS, delivery).
"""

from __future__ import annotations

import queue
import threading
import time

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from engine.threads import set_blas_threads
from playground.run_control import Snapshot, apply_edit

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


class TrainingWorker(QObject):
    """Runs Trainer.train_step in a loop on its own thread until stopped."""

    snapshotReady = Signal()
    finished = Signal()

    def __init__(self, trainer, X_test, Y_test, epochs: int = 0):
        super().__init__()
        self._trainer = trainer
        self._X_test, self._Y_test = X_test, Y_test
        self._epoch_limit = epochs  # 0: until stopped
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
        if snap.network is None and not snap.step_costs and not snap.done_reason:
            return None
        return snap

    # --- the loop, on the worker thread -----------------------------------------------------
    @Slot()
    def run(self) -> None:
        # Explosions are the Trainer's to find: it restores the weights from before the exploding step
        # and sets `diverged`; the loop only stops and reports its sentence.
        trainer = self._trainer
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
            if trainer.diverged:
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
                self._ack.clear()
                if self._publish(costs, epochs, ""):
                    self._ack.wait(ACK_TIMEOUT_SECONDS)
                costs, epochs = [], []
                last_sent = time.monotonic()
        self._apply_edits()
        self.seconds = time.monotonic() - started
        self._publish(costs, epochs, reason)
        self.finished.emit()

    def _apply_edits(self) -> None:
        while True:
            try:
                seq, edit = self._edits.get_nowait()
            except queue.Empty:
                return
            if edit[0] == "lr":
                self._trainer.lr = edit[1]  # on the optimiser, so Adam's memory is kept
            else:
                apply_edit(self._trainer.network, edit)
                self._trainer.weights_edited()  # the divergence guard must not restore from before it
            self._applied_edit = seq

    def _publish(self, costs: list[float], epochs: list, reason: str) -> bool:
        """Put the news in the outbox; True if the GUI was notified (it will acknowledge)."""
        trainer = self._trainer
        trainer.history["step_cost"].clear()  # the Session keeps its own bounded copy (History)
        network = trainer.network.copy()
        with self._lock:
            box = self._outbox
            box.network = network
            box.step_costs.extend(costs)
            box.epoch_points.extend(epochs)
            box.steps = trainer.steps
            box.epoch_progress = trainer.epoch_progress
            box.applied_edit = self._applied_edit
            box.done_reason = reason
            box.divergence = trainer.divergence if reason == "diverged" else ""
            notify = not self._notified
            self._notified = True
        if notify:
            self.snapshots_sent += 1
            self.snapshotReady.emit()
        return notify


def start_thread(worker: TrainingWorker) -> QThread:
    """Move the worker onto a new thread (named "training", for debuggers) and start its loop there."""
    thread = QThread()
    thread.setObjectName("training")
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    thread.start()
    return thread


class TrainingRun(QObject):
    """The GUI thread's handle on one Run: a TrainingWorker on its own thread, BLAS on one thread.

    `snapshot(Snapshot)` arrives on the GUI thread; the worker is acknowledged once the event loop is
    back, i.e. after the repaints the snapshot caused. `ended` comes once, after the last snapshot,
    whether the loop stopped by itself (epoch limit, divergence) or stop() was called.
    """

    snapshot = Signal(object)
    ended = Signal()

    def __init__(self, trainer, X_test, Y_test, epochs: int = 0, parent: QObject | None = None):
        super().__init__(parent)
        self.worker = TrainingWorker(trainer, X_test, Y_test, epochs=epochs)
        self.worker.snapshotReady.connect(self._deliver)  # queued: the worker lives on its own thread
        self.worker.finished.connect(self._end)
        self.thread: QThread | None = None
        self._blas_threads_before: int | None = None

    def start(self) -> None:
        # one BLAS thread: the GUI thread must not fight the training thread for the cores
        self._blas_threads_before = set_blas_threads(1)
        self.thread = start_thread(self.worker)

    def post(self, seq: int, edit: tuple) -> None:
        self.worker.post(seq, edit)

    def stop(self) -> None:
        """Stop the loop and wait for it: afterwards nothing trains and every point has arrived."""
        self.worker.stop()
        self._end()

    def _end(self) -> None:
        thread, self.thread = self.thread, None
        if thread is None:
            return  # a finished() queued before stop() had already ended the Run
        thread.quit()
        thread.wait()
        self._deliver(last=True)
        set_blas_threads(self._blas_threads_before)
        self.worker.snapshotReady.disconnect(self._deliver)
        self.worker.finished.disconnect(self._end)
        thread.deleteLater()
        self.worker.deleteLater()
        self.ended.emit()

    def _deliver(self, last: bool = False) -> None:
        if self.thread is None and not last:
            return
        snap = self.worker.take()
        if snap is not None:
            self.snapshot.emit(snap)
        if not last:
            # a plain callable, so it runs here: the worker's own event loop is busy training
            worker = self.worker
            QTimer.singleShot(0, lambda: worker.acknowledge())
