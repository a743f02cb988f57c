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
from playground.training_loop import Pace


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

timer = QTimer()
timer.timeout.connect(close_when_training)
timer.start(20)
app.exec()
"""


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
