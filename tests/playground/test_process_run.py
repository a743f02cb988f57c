"""Run in a process of its own: what travels, the pace, and a training process that dies."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from engine import datasets
from engine.network import Network
from engine.training import Trainer
from playground import training_process as child
from playground.session import Session
from playground.training_loop import Pace, TrainingLoop


def test_the_dataset_travels_by_shared_memory_and_comes_back_as_the_same_arrays():
    data = datasets.load("digits", seed=0)
    trainer = Trainer(Network([784, 16, 10], output="softmax", seed=0), data, cost="cross_entropy", seed=0)
    arrays = child.shared_arrays(trainer)
    assert any(a is data.X_train for a in arrays)
    places, size = child.layout(arrays)
    block = bytearray(size)
    child.fill(block, arrays, places)
    payload = child.dumps(trainer, arrays)
    assert len(payload) < data.X_train.nbytes / 50  # the pixels are not in the pickle
    # in the process: the arrays are read in place from the block
    views = child.views_of(block, places)
    there = child.loads(payload, views)
    assert there._X is there.dataset.X_train  # one array, as in the window
    np.testing.assert_array_equal(there.dataset.X_train, data.X_train)
    there.train_step()
    # and back: the window gets its own arrays again, not copies
    back = child.loads(child.dumps(there, views), arrays)
    assert back.dataset.X_train is data.X_train and back._X is data.X_train
    assert back.steps == 1
    np.testing.assert_array_equal(back.network.weights[0], there.network.weights[0])


def test_the_pace_spaces_steps_evenly_and_never_bursts_to_catch_up():
    pace = Pace(20.0)
    now, steps = 0.0, []
    while now < 2.0:  # a loop that steps whenever the pace allows, on a fake clock
        if pace.wait_time(now) == 0.0:
            pace.stepped(now)
            steps.append(now)
        now += 0.001
    assert len(steps) == 40  # 20 a second
    assert np.allclose(np.diff(steps), 0.05, atol=0.0011)
    # a long hiccup: the next steps come one interval apart again, not in a rush
    now = steps[-1] + 1.0
    pace.stepped(now)
    assert pace.wait_time(now) == pytest.approx(0.05)
    assert Pace(0.0).wait_time(123.0) == 0.0  # full speed: never waits


def test_a_training_process_that_dies_ends_the_run_with_its_last_snapshot_kept(qtbot):
    session = Session(preset="XOR")
    session.set_run_speed(0)
    session.set_epochs(0)
    messages = []
    session.message.connect(messages.append)
    start = session.network.weights[0].copy()
    session.run()
    run = session._training
    qtbot.waitUntil(lambda: session.steps > 100, timeout=10000)
    run.process.kill()
    qtbot.waitUntil(lambda: not session.running, timeout=10000)
    assert session.last_run_reason == "failed"
    assert any("stopped unexpectedly" in m for m in messages)
    assert not run.process.is_alive()
    # the shown network is the last snapshot's, and the next Step or Run goes on from it
    for shown, learning in zip(session.network.weights, session.trainer.network.weights, strict=True):
        np.testing.assert_array_equal(shown, learning)
    assert not np.array_equal(session.network.weights[0], start)  # trained, not the weights from before Run
    steps = session.steps
    assert steps > 100
    session.step()
    assert session.steps == steps + 1


def test_a_run_on_the_same_numbers_reuses_the_shared_dataset_and_one_on_changed_numbers_does_not():
    from playground.process_run import context, shared_data

    ctx = context()
    X, Y = np.arange(12, dtype=np.float32).reshape(6, 2), np.eye(2, dtype=np.float32)[[0, 1, 0, 1, 0, 1]]
    block, places = shared_data(ctx, [X, Y])
    again, _ = shared_data(ctx, [X.copy(), Y.copy()])  # other arrays, the same numbers: no new copy
    assert again is block
    X[3, 1] = -1.0  # changed in place (a point dragged, say): the next Run must see it
    changed, places = shared_data(ctx, [X, Y])
    assert changed is not block
    np.testing.assert_array_equal(child.views_of(changed, places)[0], X)
    np.testing.assert_array_equal(child.views_of(changed, places)[1], Y)


def _xor_trainer() -> Trainer:
    data = datasets.load("xor", seed=0)
    return Trainer(Network([2, 3, 1], activation="tanh", output="sigmoid", seed=0), data, cost="mse",
                   optimizer="sgd", lr=0.5, batch_size=80, seed=0)


def test_run_for_steps_until_its_time_is_up_and_keeps_every_cost_and_test_point():
    ticks = []

    def clock():  # each look at the clock is a millisecond later
        ticks.append(0.001)
        return sum(ticks)

    trainer, reference = _xor_trainer(), _xor_trainer()
    data = trainer.dataset
    loop = TrainingLoop(trainer, data.X_test, data.Y_test, clock=clock)
    assert loop.run_for(0.0105)  # the clock is read once before the steps and once after each
    assert loop.steps_done == trainer.steps == 11
    assert loop.run_for(0.0)  # however little time: one step
    assert loop.steps_done == 12
    # the same steps as Trainer.train_step in a plain loop: every cost, once, in order
    assert loop.costs == [float(reference.train_step()) for _ in range(12)]
    np.testing.assert_array_equal(trainer.network.weights[0], reference.network.weights[0])
    # a test point at each epoch's end (the training split has 320 points: 4 steps of 80)
    assert [p[0] for p in loop.epoch_points] == [4, 8, 12]
    assert loop.epoch_points[-1][1:] == pytest.approx((*reference.evaluate(data.X_test, data.Y_test), 3))


def test_run_for_ends_at_the_epoch_limit_with_time_to_spare():
    trainer = _xor_trainer()
    loop = TrainingLoop(trainer, trainer.dataset.X_test, trainer.dataset.Y_test, epochs=2)
    assert not loop.run_for(60.0)
    assert loop.reason == "epochs" and trainer.epoch == 2 and loop.steps_done == 8


# the end of an app script: its check runs every 20 ms, in the event loop, until it quits the app
WHEN_TRAINING = """
timer = QTimer()
timer.timeout.connect({check})
timer.start(20)
app.exec()
"""

APP_THAT_LOOKS_AT_ITS_TRAINING_PROCESS = r"""
import os
from PySide6.QtCore import QTimer
from playground.app import make_application
from playground.session import Session

app = make_application()
session = Session(preset="XOR")
session.set_run_speed(0)
session.set_epochs(0)
session.run()

def look_when_training():
    if session.steps < 50:
        return
    pid = session._training.process.pid
    print("threads", len(os.listdir(f"/proc/{pid}/task")), "session", os.getsid(pid) == pid != os.getsid(0))
    session.pause()
    app.quit()

""" + WHEN_TRAINING.format(check="look_when_training")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_training_process_has_one_thread_and_a_session_of_its_own():
    root = Path(__file__).resolve().parents[2]
    # as a user starts the app: the BLAS may use every core (the tests' conftest pins one thread)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)})
    out = subprocess.run([sys.executable, "-c", APP_THAT_LOOKS_AT_ITS_TRAINING_PROCESS], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    # one BLAS thread from the start: no BLAS worker thread spinning on the window's core; and its own
    # session (on Linux its own scheduler group), not the window's
    assert "threads 1 session True" in out.stdout, out.stdout


APP_THAT_CLOSES_DURING_RUN = r"""
import multiprocessing.forkserver as fs
from PySide6.QtCore import QTimer
from playground.app import make_application
from playground.main_window import MainWindow
from playground.session import Session

app = make_application()
w = MainWindow(session=Session(preset="XOR"), remember=False)
w.session.set_run_speed(0)
w.show()
w.runAction.trigger()

def close_when_training():
    if w.session.steps < 50:
        return
    print("pids", w.session._training.process.pid, fs._forkserver._forkserver_pid or 0, flush=True)
    w.close()
    app.quit()

""" + WHEN_TRAINING.format(check="close_when_training")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone in all but name
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_closing_the_window_during_run_leaves_no_process_behind():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", APP_THAT_CLOSES_DURING_RUN], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    pids = [int(p) for p in out.stdout.split("pids", 1)[1].split()]
    assert pids[0] > 0
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids if p) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids if p), "a training process outlived the window"


def test_the_shared_dataset_goes_when_its_data_does():
    # the block copies the data for the training process (190 MB for the full MNIST): once the window
    # has dropped that data, the block must not stay behind until some later Run
    import gc

    from playground import process_run

    ctx = process_run.context()
    X, Y = np.ones((50, 4), np.float32), np.zeros((50, 2), np.float32)
    block, _ = process_run.shared_data(ctx, [X, Y])
    X2 = X.copy()  # the same numbers in other arrays (data loaded again): the block serves them
    assert process_run.shared_data(ctx, [X2, Y])[0] is block
    X = None
    gc.collect()
    assert process_run._last_data[1] is block  # the data of its last Run is still alive
    X2 = None  # and now gone
    gc.collect()
    assert process_run._last_data is None


def test_showing_other_data_drops_the_last_runs_shared_copy(qtbot):
    # the window's catalog keeps every dataset it loaded; the Run's shared copy of one need not wait
    # beside it once other data is shown: a preset switch lets it go
    from playground import process_run
    from playground.session import Session

    session = Session(preset="3Blue1Brown digits")
    digits = session.dataset
    block, _ = process_run.shared_data(process_run.context(), child.shared_arrays(session._run.trainer))
    process_run.keep_shared_data_only_for(digits)  # the same data: kept for its next Run
    assert process_run._last_data[1] is block
    session.apply_preset("3Blue1Brown digits")  # the same data again (a reset of the preset)
    assert process_run._last_data is not None and process_run._last_data[1] is block
    session.apply_preset("XOR")
    assert process_run._last_data is None
    session.shutdown()
