"""The training worker: a loop on a QThread that applies queued edits and hands out snapshots."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PySide6.QtCore import QObject, QThread, Signal

from engine import datasets
from engine.network import Network
from engine.training import Trainer
from playground.worker import Snapshot, TrainingWorker


@pytest.fixture
def xor_data():
    return datasets.load("xor", seed=0)


def _start(worker: TrainingWorker) -> QThread:
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    thread.start()
    return thread


def _stop(worker: TrainingWorker, thread: QThread) -> None:
    worker.stop()
    thread.quit()
    assert thread.wait(5000)


def _collect(worker: TrainingWorker, snaps: list[Snapshot]) -> None:
    snap = worker.take()
    if snap is not None:
        snaps.append(snap)


def test_every_step_cost_arrives_exactly_once(qtbot, xor_data):
    trainer = Trainer(Network([2, 3, 1], activation="tanh", output="sigmoid", seed=0), xor_data,
                      cost="cross_entropy", optimizer="adam", lr=0.01, batch_size=8, seed=0)
    worker = TrainingWorker(trainer, xor_data.X_test, xor_data.Y_test)
    snaps: list[Snapshot] = []
    worker.snapshotReady.connect(lambda: _collect(worker, snaps))
    thread = _start(worker)
    qtbot.waitUntil(lambda: sum(len(s.step_costs) for s in snaps) > 500, timeout=10000)
    _stop(worker, thread)
    _collect(worker, snaps)
    assert sum(len(s.step_costs) for s in snaps) == trainer.steps == worker.steps_done
    assert snaps[-1].done_reason == "paused"
    # the Trainer's own list of step costs is emptied at each snapshot: a long Run keeps no growing list
    assert trainer.history["step_cost"] == []
    # the last snapshot is the network as the worker left it
    for w, w_snap in zip(trainer.network.weights, snaps[-1].network.weights, strict=True):
        np.testing.assert_array_equal(w, w_snap)
    # epochs ended on the way and were evaluated on the test split
    points = [p for s in snaps for p in s.epoch_points]
    assert len(points) == trainer.epoch
    cost, accuracy = trainer.evaluate(xor_data.X_test, xor_data.Y_test)
    assert 0.0 <= points[-1][2] <= 1.0


def test_queued_edits_land_between_steps(qtbot, xor_data):
    trainer = Trainer(Network([2, 2, 1], activation="tanh", output="sigmoid", seed=0), xor_data,
                      cost="mse", optimizer="sgd", lr=1e-12, batch_size=4, seed=0)
    worker = TrainingWorker(trainer, xor_data.X_test, xor_data.Y_test)
    snaps: list[Snapshot] = []
    worker.snapshotReady.connect(lambda: _collect(worker, snaps))
    thread = _start(worker)
    qtbot.waitUntil(lambda: len(snaps) >= 1, timeout=5000)
    worker.post(1, ("weight", 1, 0, 1, 2.5))
    worker.post(2, ("bias", 2, 0, -1.25))
    qtbot.waitUntil(lambda: any(s.applied_edit == 2 for s in snaps), timeout=5000)
    worker.post(3, ("lr", 0.5))
    qtbot.waitUntil(lambda: any(s.applied_edit == 3 for s in snaps), timeout=5000)
    _stop(worker, thread)
    _collect(worker, snaps)
    landed = next(s for s in snaps if s.applied_edit == 2)
    # the learning rate was 1e-12 until the edits: the edited values are visible in the snapshot
    assert landed.network.weights[0][0, 1] == pytest.approx(2.5, abs=1e-3)
    assert landed.network.biases[1][0] == pytest.approx(-1.25, abs=1e-3)
    assert trainer.optimizer.lr == pytest.approx(0.5)


def test_the_epoch_limit_pauses_by_itself(qtbot, xor_data):
    trainer = Trainer(Network([2, 2, 1], seed=0), xor_data, batch_size=32, seed=0)
    worker = TrainingWorker(trainer, xor_data.X_test, xor_data.Y_test, epochs=3)
    # listen before starting: a worker that ends in a few milliseconds must not finish unheard
    with qtbot.waitSignal(worker.finished, timeout=10000):
        thread = _start(worker)
    thread.quit()
    assert thread.wait(5000)
    snap = worker.take()
    assert snap.done_reason == "epochs"
    assert trainer.epoch == 3


def test_divergence_ends_the_loop_with_the_trainers_sentence_and_weights(qtbot, xor_data):
    net = Network([2, 8, 1], activation="relu", output="linear", seed=0)
    trainer = Trainer(net, xor_data, cost="mse", optimizer="sgd", lr=50.0, batch_size=8, seed=0)
    worker = TrainingWorker(trainer, xor_data.X_test, xor_data.Y_test)
    # listen before starting: a worker that ends in a few milliseconds must not finish unheard
    with qtbot.waitSignal(worker.finished, timeout=10000):
        thread = _start(worker)
    thread.quit()
    assert thread.wait(5000)
    snap = worker.take()
    assert trainer.diverged  # the Trainer decided; the worker only stopped and reported
    assert snap.diverged and snap.done_reason == "diverged" and snap.divergence == trainer.divergence
    assert net.parameters_finite()
    for a, b in zip(snap.network.weights, net.weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_many_emits_and_void_calls_leave_the_singletons_alive(qapp):
    """PySide6 6.12.0 on Python 3.11 loses a reference to None/True per call. With a fixed PySide6 the
    counts stay put; with 6.12.0 the repair has lifted them so high that 200,000 lost references (far
    more than None's natural count) leave them with references to spare. Either way: no abort.
    (tests/conftest.py applied the guard, as make_application does for the app.)"""
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)

    class Emitter(QObject):
        ping = Signal(int)

    e = Emitter()
    for k in range(100_000):
        e.ping.emit(k)
        e.setObjectName("x")
    assert sys.getrefcount(None) >= min(none_before - 1000, 1 << 39)
    assert sys.getrefcount(True) >= min(true_before - 1000, 1 << 39)
