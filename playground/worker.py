"""Training off the GUI thread, so the window never waits for the maths.

`start_run` starts a Run: in a process of its own (process_run.ProcessRun, the default), or on a QThread
of this process (TrainingRun, below). The rest of this docstring is about the thread.

The worker owns its network while it runs. The GUI talks to it in two thread-safe ways only:
`post()` puts an edit (a weight, a bias, the learning rate) on a queue that the loop applies between
two steps, and `take()` collects what the loop has put in its outbox since the last call. The
`snapshotReady` signal merely says "the outbox has something"; it is emitted again only after the
GUI has taken the last one, so a busy GUI is never flooded and no cost point is ever dropped.
Explosions are the Trainer's to find: the loop stops on `trainer.diverged` and passes on
`trainer.divergence`. `TrainingRun` is the GUI thread's handle on one Run (thread, BLAS, delivery).
"""

from __future__ import annotations

import os
import pickle
import queue
import sys
import threading
import time

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from engine.threads import set_blas_threads
from playground.process_run import ProcessRun, keep_shared_data_only_for, warm_up  # noqa: F401 (for the Session)
from playground.run_control import Snapshot
from playground.training_loop import FULL_SPEED, TrainingLoop

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
    """Runs a TrainingLoop on its own thread until stopped (the fallback host; see ProcessRun)."""

    snapshotReady = Signal()
    finished = Signal()

    def __init__(self, trainer, X_test, Y_test, epochs: int = 0, speed: float = FULL_SPEED):
        super().__init__()
        self._trainer = trainer
        self._loop = TrainingLoop(trainer, X_test, Y_test, epochs=epochs, speed=speed)
        self._edits: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._ack = threading.Event()
        self._lock = threading.Lock()
        self._outbox = Snapshot()
        self._notified = False
        self.snapshots_sent = 0
        self.seconds = 0.0

    @property
    def steps_done(self) -> int:
        return self._loop.steps_done

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
        loop = self._loop
        interval = 1.0 / SNAPSHOTS_PER_SECOND
        started = last_sent = last_breath = time.monotonic()
        reason = "paused"
        while not self._stop.is_set():
            self._apply_edits()
            wait = loop.wait_time()
            if wait > 0:  # the Run speed is limited: sleep, but answer a stop or an edit soon
                self._stop.wait(min(wait, 0.005))
                continue
            if not loop.step():
                reason = loop.reason
                break
            now = time.monotonic()
            if now - last_breath >= BREATHE_EVERY:
                time.sleep(BREATHE_SECONDS)  # let the GUI thread have the interpreter (see BREATHE_EVERY)
                last_breath = time.monotonic()
            if now - last_sent >= interval or loop.pace.speed:
                self._ack.clear()
                if self._publish(""):
                    self._ack.wait(ACK_TIMEOUT_SECONDS)
                last_sent = time.monotonic()
        self._apply_edits()
        self.seconds = time.monotonic() - started
        self._publish(reason)
        self.finished.emit()

    def _apply_edits(self) -> None:
        while True:
            try:
                seq, edit = self._edits.get_nowait()
            except queue.Empty:
                return
            self._loop.apply(seq, edit)

    def _publish(self, reason: str) -> bool:
        """Put the news in the outbox; True if the GUI was notified (it will acknowledge)."""
        news = self._loop.news(reason)
        network = self._trainer.network.copy()
        with self._lock:
            box = self._outbox
            box.network = network
            box.step_costs.extend(news.step_costs)
            box.epoch_points.extend(news.epoch_points)
            box.steps, box.epoch_progress = news.steps, news.epoch_progress
            box.applied_edit = news.applied_edit
            box.done_reason, box.divergence = news.done_reason, news.divergence
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

    def __init__(self, trainer, X_test, Y_test, epochs: int = 0, speed: float = FULL_SPEED,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.worker = TrainingWorker(trainer, X_test, Y_test, epochs=epochs, speed=speed)
        self.worker.snapshotReady.connect(self._deliver)  # queued: the worker lives on its own thread
        self.worker.finished.connect(self._end)
        self.thread: QThread | None = None
        self._blas_threads_before: int | None = None

    def start(self) -> None:
        # one BLAS thread: the GUI thread must not fight the training thread for the cores
        self._blas_threads_before = set_blas_threads(1)
        self.thread = start_thread(self.worker)

    @property
    def stats(self) -> TrainingWorker:
        """snapshots_sent, steps_done and seconds of the Run (the worker counts them)."""
        return self.worker

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


def start_run(trainer, X_test, Y_test, epochs: int = 0, speed: float = FULL_SPEED, host: str = "",
              parent: QObject | None = None) -> ProcessRun | TrainingRun:
    """Start one Run and return its handle. host "process" (the default, see training_process) trains
    in a process of its own; "thread" on a thread of this one: where no process can be started, and
    in bench/bench_worker.py for comparison. PLAYGROUND_RUN_HOST=thread chooses it from outside."""
    host = host or os.environ.get("PLAYGROUND_RUN_HOST", "process")
    if host == "process":
        run = ProcessRun(trainer, X_test, Y_test, epochs=epochs, speed=speed, parent=parent)
        try:
            run.start()
            return run
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            # e.g. no shared memory in a sandbox, or a Trainer holding something unpicklable
            print(f"Run: training on a thread, the training process could not start ({exc})", file=sys.stderr)
    run = TrainingRun(trainer, X_test, Y_test, epochs=epochs, speed=speed, parent=parent)
    run.start()
    return run
