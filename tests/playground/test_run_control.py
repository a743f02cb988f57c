"""Run/Pause bookkeeping without Qt: snapshots, edits made during Run, counting, the paused Step."""

from __future__ import annotations

import numpy as np
import pytest

from engine import datasets
from engine.network import Network
from playground.run_control import RESTORED, RunControl, Snapshot, divergence_message
from playground.state import Settings


@pytest.fixture
def xor_data():
    return datasets.load("xor", seed=0)


def _control(net, data, **recipe) -> RunControl:
    control = RunControl()
    settings = Settings(**{"cost": "cross_entropy", "optimizer": "sgd", "learning_rate": 0.1, **recipe})
    control.make_trainer(net, data, settings)
    return control


def test_edits_the_worker_has_not_applied_stay_on_top_of_a_snapshot(xor_data):
    shown = Network([2, 2, 1], activation="tanh", output="sigmoid", seed=0)
    control = _control(shown, xor_data)
    posted = []
    control.start(0.0, lambda seq, edit: posted.append((seq, edit)))
    shown.weights[0][0, 1] = 3.0  # the Session shows the edit at once ...
    control.send(("weight", 1, 0, 1, 3.0))  # ... and sends it to the worker
    control.send(("lr", 0.5))
    assert posted == [(1, ("weight", 1, 0, 1, 3.0)), (2, ("lr", 0.5))]
    # the worker trained on before it took the edit: its snapshot still has the old value
    worker_net = shown.copy()
    worker_net.weights[0][0, 1] = -0.25
    worker_net.weights[1][0, 0] = 1.75
    control.merge(Snapshot(network=worker_net, steps=5, applied_edit=0), shown)
    assert shown.weights[0][0, 1] == 3.0  # the edit, not the stale value
    assert shown.weights[1][0, 0] == 1.75  # everything else comes from the snapshot
    # once the worker has applied it, its own (trained-on) value is shown
    worker_net.weights[0][0, 1] = 2.9
    control.merge(Snapshot(network=worker_net, steps=9, applied_edit=2), shown)
    assert shown.weights[0][0, 1] == pytest.approx(2.9)
    assert control.pending_edits == []


def test_paused_edits_go_straight_into_the_learning_network(xor_data):
    shown = Network([2, 2, 1], activation="tanh", output="sigmoid", seed=0)
    control = _control(shown, xor_data)
    control.send(("bias", 2, 0, -1.5))
    control.send(("lr", 0.02))
    assert control.trainer.network.biases[1][0] == -1.5
    assert control.trainer.optimizer.lr == pytest.approx(0.02)


def test_counting_goes_on_across_trainer_rebuilds_and_snapshots(xor_data):
    shown = Network([2, 2, 1], activation="tanh", output="sigmoid", seed=0)
    control = _control(shown, xor_data, batch_size=16)
    for _ in range(3):
        control.step(shown)
    control.make_trainer(shown, xor_data, Settings(cost="cross_entropy", batch_size=16))
    control.step(shown)
    assert control.steps == 4
    assert control.history.train.rows[0] == [1, 2, 3, 4]
    control.start(0.0, lambda seq, edit: None)
    # the new Trainer has taken 1 step; the worker took 2 more (its counter says 3)
    control.merge(Snapshot(step_costs=[0.5, 0.4], steps=3, epoch_progress=0.25,
                           epoch_points=[(3, 0.3, 0.9, 1)]), shown)
    assert control.steps == 6 and control.history.train.rows[0][-2:] == [5, 6]
    assert control.history.train.rows[1][-2:] == [0.5, 0.4]
    assert control.history.test.rows[0] == [6] and control.history.test.rows[2] == [0.9]


def test_progress_in_words():
    control = RunControl()
    control.epoch_progress = 2.25
    assert control.progress(0, 0.0) == (0.25, None, "epoch 3")
    control.start(10.0, lambda seq, edit: None)
    control.epoch_progress = 3.25  # one epoch in 2 s
    fraction, eta, text = control.progress(4, 12.0)
    assert fraction == pytest.approx(0.25) and eta == pytest.approx(6.0)
    assert text == "epoch 2 of 4 · ETA 0:06"


def test_an_exploding_step_shows_the_weights_from_before_it(xor_data):
    shown = Network([2, 8, 1], activation="relu", output="linear", seed=0)
    control = _control(shown, xor_data, cost="mse", learning_rate=50.0, batch_size=8)
    before = []
    for _ in range(200):
        before.append(shown.copy())
        cost, divergence = control.step(shown)
        if divergence:
            break
    assert "exploded" in divergence and "restored" in divergence
    assert shown.parameters_finite()
    assert any(all(np.array_equal(a, b) for a, b in zip(shown.weights + shown.biases, e.weights + e.biases,
                                                          strict=True)) for e in before)
    # a fresh Trainer carries on from there
    assert not control.trainer.diverged
    np.testing.assert_array_equal(control.trainer.network.weights[0], shown.weights[0])


def test_the_divergence_message_says_the_weights_are_restored_once():
    assert divergence_message("The cost exploded.") == f"The cost exploded. {RESTORED}"
    told = "It exploded. The weights from step 7, before the explosion began, are restored."
    assert divergence_message(told) == told
