"""Run/Pause in the real window: training on a worker thread while the GUI stays responsive."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from playground.main_window import MainWindow
from playground.session import Session


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.session.shutdown()


@pytest.mark.parametrize("preset", [None, "XOR"], ids=["default preset", "XOR"])
def test_three_seconds_of_run_keep_adding_points(qtbot, preset):
    # how long the event loop may stall is measured by bench/bench_worker.py: tests never assert time
    # the default is the biggest network; XOR the smallest, whose Python-bound steps contend for the GIL
    window = MainWindow() if preset is None else MainWindow(session=Session(preset=preset), remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    session = window.session
    session.set_epochs(0)  # run until paused
    counts = []
    window.runAction.trigger()
    assert session.running and window.runAction.text() == "Pause"
    for _ in range(6):
        qtbot.wait(500)
        counts.append(session.steps)
    window.runAction.trigger()
    assert not session.running and window.runAction.text() == "Run"
    # points arrived in every half second, not in one lump at the end
    assert all(b > a for a, b in zip([0, *counts], counts, strict=False))
    assert window.costPlot.training_point_count > 0
    session.shutdown()


def test_pause_stops_training(window, qtbot):
    session = window.session
    session.set_epochs(0)
    window.runAction.trigger()
    qtbot.waitUntil(lambda: session.steps > 20, timeout=5000)
    window.runAction.trigger()
    steps, points = session.steps, window.costPlot.training_point_count
    weights = [w.copy() for w in session.network.weights]
    qtbot.wait(300)
    assert session.steps == steps
    assert window.costPlot.training_point_count == points
    for w, w0 in zip(session.network.weights, weights, strict=True):
        np.testing.assert_array_equal(w, w0)
    # paused, the shown network is the trained one: a Step continues from it
    assert np.array_equal(session.trainer.network.weights[0], session.network.weights[0])


def test_space_toggles_run(window, qtbot):
    window.session.set_epochs(0)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.networkView, Qt.Key.Key_Space)
    assert window.session.running
    assert window.runAction.isChecked() and window.runAction.text() == "Pause"
    qtbot.keyClick(window.networkView, Qt.Key.Key_Space)
    assert not window.session.running
    assert window.runAction.text() == "Run"


def test_closing_the_window_during_run_loses_nothing_and_leaves_no_process(qtbot):
    w = MainWindow(session=Session(preset="XOR"), remember=False)
    qtbot.addWidget(w)
    w.show()
    session = w.session
    session.set_run_speed(0)
    session.set_epochs(0)
    start = [p.copy() for p in session.network.weights + session.network.biases]
    w.runAction.trigger()
    run = session._training
    costs_received = []
    run.snapshot.connect(lambda snap: costs_received.append(len(snap.step_costs)))
    qtbot.waitUntil(lambda: session.steps > 200, timeout=10000)
    process = run.process
    assert process.is_alive()
    assert w.close()
    assert not session.running
    assert not process.is_alive() and process.exitcode == 0  # it ended by itself, cleanly
    # nothing lost: every step's cost arrived, and the Trainer has the state the process trained to
    assert sum(costs_received) == run.stats.steps_done == session.trainer.steps == session.steps
    for shown, trained, before in zip(session.network.weights + session.network.biases,
                                      session.trainer.network.weights + session.trainer.network.biases,
                                      start, strict=True):
        np.testing.assert_array_equal(shown, trained)
        assert not np.array_equal(shown, before)


def test_editing_a_weight_during_run_reaches_the_worker(qtbot):
    session = Session(preset="XOR")
    session.set_learning_rate(1e-4)
    session.set_optimizer("sgd")
    session.run()
    qtbot.waitUntil(lambda: session.steps > 10, timeout=5000)
    session.set_weight(1, 0, 1, 3.0)
    assert session.network.weights[0][0, 1] == pytest.approx(3.0)  # shown at once
    qtbot.wait(200)
    session.pause()
    # the worker trained from the edited value: it is still close to it (tiny learning rate)
    assert session.network.weights[0][0, 1] == pytest.approx(3.0, abs=0.05)
    assert session.trainer.network.weights[0][0, 1] == session.network.weights[0][0, 1]


def test_xor_preset_run_reaches_full_training_accuracy(qtbot):
    w = MainWindow(session=Session(preset="XOR"), remember=False)
    qtbot.addWidget(w)
    w.show()
    session = w.session
    w.runAction.trigger()
    qtbot.waitUntil(lambda: session.evaluate("train")[1] == 1.0, timeout=20000)
    w.runAction.trigger()
    assert session.evaluate("train")[1] == 1.0
    assert not session.running


def test_run_pauses_itself_after_the_epochs_asked_for(qtbot):
    session = Session(preset="XOR")
    session.set_epochs(2)
    messages = []
    session.message.connect(messages.append)
    with qtbot.waitSignal(session.runningChanged, timeout=2000):
        session.run()
    with qtbot.waitSignal(session.runningChanged, timeout=20000) as blocker:
        pass
    assert blocker.args == [False]
    assert session.epoch_progress == pytest.approx(2.0, abs=0.05)
    assert len(session.history.test) == 2
    assert any("Trained 2 epoch" in m for m in messages)


def test_an_exploding_run_pauses_and_shows_the_weights_from_before_the_explosion(qtbot, exploding_xor):
    from engine.training import Trainer

    session = exploding_xor
    # the reference: the same recipe stepped by hand, remembering the weights before each step
    d = session.dataset
    reference = Trainer(session.network.copy(), d, cost=session.cost_name, optimizer=session.optimizer_name,
                        lr=session.learning_rate, batch_size=session.batch_size, seed=session.seed)
    before = []
    for _ in range(10_000):
        before.append(reference.network.copy())
        reference.train_step()
        if reference.diverged:
            break
    assert reference.diverged
    messages = []
    session.message.connect(messages.append)
    session.run()
    qtbot.waitUntil(lambda: not session.running, timeout=10000)
    assert session.last_run_reason == "diverged"
    assert any("exploded" in m and "restored" in m for m in messages)
    shown = session.network
    assert shown.parameters_finite()
    # what the Trainer restored, and weights the network really had before the explosion
    matches = [k for k, net in enumerate(before)
               if all(np.allclose(a, b, rtol=1e-6, atol=1e-6)
                      for a, b in zip(shown.weights + shown.biases, net.weights + net.biases, strict=True))]
    assert matches, "the shown network is none of the networks from before the explosion"
    for a, b in zip(shown.weights + shown.biases, reference.network.weights + reference.network.biases,
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert np.isfinite(session.evaluate("train")[0])
    assert not session.trainer.diverged  # a fresh Trainer for the next Run


def test_run_uses_one_blas_thread_and_pause_gives_the_others_back(qtbot):
    from engine.threads import set_blas_threads
    from tests.engine.test_training import blas_count

    if blas_count() is None:
        pytest.skip("numpy is not using a BLAS threadpoolctl finds here")
    set_blas_threads(2)
    session = Session(preset="XOR")
    session.run()
    assert blas_count() == 1
    session.pause()
    assert blas_count() == 2


def test_3blue1brown_preset_trains_from_scratch_in_the_window_past_90_percent(qtbot):
    w = MainWindow(session=Session(preset="3Blue1Brown digits"), remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    session = w.session
    _, before = session.evaluate("test")
    assert before < 0.3  # it really starts from random weights
    shown: set[str] = set()
    sampler = QTimer()
    sampler.timeout.connect(lambda: shown.add(w.progressBar.format()))
    sampler.start(50)
    w.runAction.trigger()
    qtbot.waitUntil(lambda: session.running, timeout=2000)
    qtbot.waitUntil(lambda: not session.running, timeout=120000)  # it pauses itself after its epochs
    sampler.stop()
    assert len(session.history.test) == 8
    test_cost, accuracy = session.history.last_test
    assert accuracy > 0.90
    assert accuracy == pytest.approx(session.evaluate("test")[1])
    assert f"test accuracy {100 * accuracy:.1f}%" in w.statusReadout.text()
    # the progress bar told the epoch out of 8 while it ran (the time left it adds is tested with a fake
    # clock in test_run_control.py: here it would depend on how busy the machine is)
    assert any(text.startswith("epoch ") and " of 8" in text for text in shown)
    w.session.shutdown()
