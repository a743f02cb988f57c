"""The window's handle on one Run trained in a process of its own (see playground.training_process).

`ProcessRun` has the interface of worker.TrainingRun: `start()`, `post(seq, edit)`, `stop()`, the
signals `snapshot(Snapshot)` and `ended`, and `stats` afterwards. The pipe is watched by a socket
notifier, so a snapshot is handled by the event loop like a click, and nothing in this process waits
for the training. The snapshot's network is a view of the shared snapshot buffer: valid until the
acknowledgement this handle sends right after the `snapshot` signal returns.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QSocketNotifier, Signal

from engine.threads import set_blas_threads
from playground import training_process as child
from playground.run_control import Snapshot
from playground.training_loop import FULL_SPEED
from playground.training_process import dumps, loads

STOP_TIMEOUT = 10.0  # seconds the window waits for the training process to hand its Trainer back
PRELOAD = ["playground.training_process"]  # what the forkserver imports once, for every Run after
# read once, when a BLAS library loads: OpenBLAS, OpenMP-based builds (BLIS, ...), MKL
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class RunStats:
    """What bench/ and Session.last_steps_per_second read after a Run."""

    snapshots_sent: int = 0  # snapshots that reached the window
    steps_done: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the training process's own CPU time (bench/bench_worker.py)
    test_seconds: float = 0.0  # of which on the test point at each epoch's end


def context():
    """forkserver where there is one (POSIX): a Run's process is forked from a clean server that has
    imported numpy and the engine already, so it starts in milliseconds. Else spawn (a fresh
    interpreter per Run). Never fork: a fork of a process running Qt's threads is unsafe."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def warm_up() -> None:
    """Start the forkserver now, so the first Run does not wait for its imports (~0.5 s). Cheap:
    it starts the server's interpreter and returns; the server imports in the background."""
    ctx = context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with one_blas_thread_inherited():
            forkserver.ensure_running()


@contextmanager
def one_blas_thread_inherited() -> Iterator[None]:
    """A process started inside this block (the forkserver, or a spawned Run) loads its BLAS with one
    thread. Setting one thread only later, in the Run's process, is too late: OpenBLAS then starts a
    worker thread anyway, which spins on the other core for its first ~0.1-0.2 s of CPU (measured:
    the first 0.2 s of a Run at half the steps per CPU-second), taking it from the window."""
    saved = {k: os.environ.get(k) for k in BLAS_THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(BLAS_THREAD_VARIABLES, "1"))
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def main_script_hidden() -> Iterator[None]:
    """multiprocessing imports the main script again in each new process (for functions defined there).
    The training process needs nothing from it, and a script without the `if __name__ == "__main__":`
    guard would run again there, so it is hidden while a process starts."""
    main = sys.modules["__main__"]
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class ProcessRun(QObject):
    snapshot = Signal(object)
    ended = Signal()

    def __init__(self, trainer, X_test, Y_test, epochs: int = 0, speed: float = FULL_SPEED,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._trainer = trainer
        self._job = {"X_test": X_test, "Y_test": Y_test, "epochs": epochs, "speed": speed, "edits": [],
                     "own_session": os.environ.get("PLAYGROUND_TRAINING_SESSION") != "window"}
        self.stats = RunStats()
        self.process = None
        self._conn = None
        self._last = Snapshot()

    @property
    def running(self) -> bool:
        return self._conn is not None

    def start(self) -> None:
        """Start the process and hand it the Trainer. Raises (and leaves nothing running) if it can't."""
        ctx = context()
        trainer = self._trainer
        self._arrays = child.shared_arrays(trainer)
        data_block, places = shared_data(ctx, self._arrays)
        snapshot_block = ctx.RawArray("b", max(child.parameter_bytes(trainer.network), 1))
        self._mirror = trainer.network.copy()
        views = child.parameter_views(snapshot_block, trainer.network)
        n = len(trainer.network.weights)
        self._mirror.weights, self._mirror.biases = views[:n], views[n:]
        payload = dumps({"trainer": trainer, **self._job}, self._arrays)  # before the process: fails early
        # the job goes by shared memory too: through the pipe, this thread would wait for the new
        # process to read it (megabytes for the digits models, past the pipe's 64 kB buffer)
        job_block = ctx.RawArray("b", len(payload))
        memoryview(job_block).cast("B")[:] = payload
        conn, child_conn = ctx.Pipe()
        self.process = ctx.Process(target=child.serve, name="training", daemon=True,
                                   args=(child_conn, job_block, data_block, places, snapshot_block))
        with main_script_hidden(), one_blas_thread_inherited():  # (a forkserver may start here)
            self.process.start()
        child_conn.close()
        self._conn = conn
        # one BLAS thread here too: the window's own products must not spin against the training's
        self._blas_threads_before = set_blas_threads(1)
        self._notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)

    def post(self, seq: int, edit: tuple) -> None:
        if self._conn is not None:
            self._send(("edit", seq, edit))

    def stop(self) -> None:
        """Stop the training and wait for its Trainer: afterwards nothing trains, every point has arrived,
        and the process has exited."""
        if self._conn is None:
            return
        self._send(("stop",))
        deadline = time.monotonic() + STOP_TIMEOUT
        while self._conn is not None:  # snapshots sent before the stop arrived come first
            left = deadline - time.monotonic()
            if left <= 0 or not self._conn.poll(left):
                self._lost()  # it does not answer: it is ended, and what arrived is kept
                return
            self._read_one()

    # --- receiving ------------------------------------------------------------------------------
    def _send(self, message: tuple) -> None:
        try:
            self._conn.send(message)
        except OSError:  # the process is gone; the notifier reports it
            pass

    def _read(self) -> None:
        while self._conn is not None and self._conn.poll():
            self._read_one()

    def _read_one(self) -> None:
        try:
            message = loads(self._conn.recv_bytes(), self._arrays)
        except (EOFError, OSError):
            self._lost()
            return
        if message[0] == "snap":
            snap = self._last = message[1]
            snap.network = self._mirror
            self.stats.snapshots_sent += 1
            self.snapshot.emit(snap)
            if self._conn is not None:  # (a handler may have stopped the Run)
                self._send(("ack",))  # the weights are copied out: the buffer may be written again
        else:  # "done"
            _, snap, trained, stats = message
            adopt(self._trainer, trained)
            snap.network = self._trainer.network
            self.stats.snapshots_sent += 1
            self.stats.steps_done, self.stats.seconds = stats["steps_done"], stats["seconds"]
            self.stats.cpu_seconds, self.stats.test_seconds = stats["cpu_seconds"], stats["test_seconds"]
            self._end(snap)

    def _lost(self) -> None:
        """The process died (killed, out of memory) or stopped answering: end the Run with what arrived."""
        self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        last = self._last
        note = (f"The training process stopped unexpectedly (exit code {self.process.exitcode}). "
                f"The weights of its last snapshot, step {last.steps:,}, are kept.")
        self._end(Snapshot(steps=last.steps, epoch_progress=last.epoch_progress,
                           applied_edit=last.applied_edit, done_reason="failed", note=note))

    def _end(self, snap: Snapshot) -> None:
        self._notifier.setEnabled(False)
        self._notifier.deleteLater()
        self._conn.close()
        self._conn = None
        self.process.join(STOP_TIMEOUT)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        set_blas_threads(self._blas_threads_before)
        self.snapshot.emit(snap)
        self.ended.emit()


_last_data: tuple | None = None  # (places, block, owner): the last Run's dataset in shared memory


def shared_data(ctx, arrays: list) -> tuple:
    """(block, places): `arrays` in a shared block. The last Run's block serves again if it holds the
    same numbers, as after a Pause on the same data: no allocating and copying 30 MB for the digits
    (~60 ms of the Run's start, measured). A block is only ever read once filled, so two Runs (two
    windows) may share one. It stays while the data it copies is alive, and until a Run on other data
    replaces it."""
    global _last_data
    places, size = child.layout(arrays)
    if _last_data is not None and _last_data[0] == places:
        block = _last_data[1]
        if all(np.array_equal(v, a) for v, a in zip(child.views_of(block, places), arrays, strict=True)):
            _last_data = (places, block, _owner(arrays))
            return block, places
    block = ctx.RawArray("b", max(size, 1))
    child.fill(block, arrays, places)
    _last_data = (places, block, _owner(arrays))
    return block, places


def _owner(arrays: list) -> weakref.ref | None:
    """A weak reference to the data's first array: once the data is gone (other data shown, the old
    dropped), its block goes too instead of holding up to 190 MB (the full MNIST) until the next Run."""
    return weakref.ref(arrays[0], _data_gone) if arrays else None


def keep_shared_data_only_for(data) -> None:
    """Drop the last Run's shared copy of its data unless `data` (now shown) is that data: a copy of
    other data would only wait, holding its memory (190 MB for the full MNIST), for a Run that may
    never come. Back on that data, its next Run copies it again (about 0.1 s)."""
    global _last_data
    if _last_data is None:
        return
    arrays = child.dataset_arrays(data)
    if not arrays or _last_data[2] is None or _last_data[2]() is not arrays[0]:
        _last_data = None


def _data_gone(owner: weakref.ref) -> None:
    global _last_data
    if _last_data is not None and _last_data[2] is owner:
        _last_data = None


def adopt(trainer, trained) -> None:
    """The window's Trainer takes the state the process trained on to (the dataset stays its own)."""
    state = dict(vars(trained))
    state.pop("dataset", None)
    trainer.__dict__.update(state)
