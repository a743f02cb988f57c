"""Trainer: epochs see every sample once in a seeded order, costs fall, XOR is solved, digits are
learned, an explosion is caught with the weights restored, and progress reports make sense."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from engine.datasets.mnist import load_bundled
from engine.network import Network
from engine.training import EXPLODED, Trainer, TrainingDiverged, evaluate

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


def _data(X, Y, X_test=None, Y_test=None):
    return SimpleNamespace(
        X_train=X, Y_train=Y, X_test=X if X_test is None else X_test, Y_test=Y if Y_test is None else Y_test
    )


def _index_data(n=10):
    """Samples whose single feature is their own index, so a batch tells which samples it holds."""
    X = np.arange(n, dtype=np.float32)[:, None]
    return _data(X, np.zeros((n, 1), np.float32))


class Recorder:
    def __init__(self):
        self.batches = []

    def __call__(self, X, rng):
        self.batches.append(X[:, 0].astype(int).tolist())
        return X


@pytest.fixture(scope="module")
def digits():
    return load_bundled()


def test_an_epoch_sees_every_sample_once_in_a_seeded_order():
    rec = Recorder()
    trainer = Trainer(Network([1, 1], output="linear"), _index_data(10), batch_size=4, seed=3, augment=rec)
    assert trainer.steps_per_epoch == 3
    for _ in range(3):
        trainer.train_step()
    assert trainer.epoch == 1 and trainer.steps == 3
    assert [len(b) for b in rec.batches] == [4, 4, 2]  # the last batch of an epoch is the remainder
    assert sorted(sum(rec.batches, [])) == list(range(10))
    first_epoch = sum(rec.batches, [])
    for _ in range(3):
        trainer.train_step()
    assert trainer.epoch == 2
    assert sum(rec.batches[3:], []) != first_epoch  # reshuffled every epoch
    again = Recorder()
    twin = Trainer(Network([1, 1], output="linear"), _index_data(10), batch_size=4, seed=3, augment=again)
    for _ in range(6):
        twin.train_step()
    assert again.batches == rec.batches  # same seed, same order
    other = Recorder()
    Trainer(
        Network([1, 1], output="linear"), _index_data(10), batch_size=4, seed=4, augment=other
    ).train_step()
    assert other.batches[0] != rec.batches[0]


def test_epoch_progress_is_fractional():
    trainer = Trainer(Network([1, 1], output="linear"), _index_data(10), batch_size=4)
    trainer.train_step()
    assert trainer.epoch_progress == pytest.approx(0.4)


def test_train_step_returns_the_batch_cost_before_the_step():
    rec = Recorder()
    X = np.random.default_rng(0).normal(size=(8, 1)).astype(np.float32)
    X[:, 0] = np.arange(8)  # indices double as inputs
    Y = (X > 3).astype(np.float32)
    net = Network([1, 3, 1], activation="tanh", output="sigmoid", seed=0)
    before = net.copy()
    trainer = Trainer(net, _data(X, Y), cost="cross_entropy", lr=0.5, batch_size=4, augment=rec)
    cost = trainer.train_step()
    idx = rec.batches[0]
    assert cost == pytest.approx(before.cost(X[idx], Y[idx], "cross_entropy"), rel=1e-6)
    assert trainer.history["step_cost"] == [cost]
    assert not np.array_equal(net.weights[0], before.weights[0])


def test_xor_is_learned_to_100_percent():
    net = Network([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    trainer = Trainer(net, _data(XOR_X, XOR_Y), cost="cross_entropy", optimizer="adam", lr=0.05, batch_size=4)
    first = trainer.train_step()
    result = trainer.fit(300)
    assert result["test_accuracy"] == 1.0
    assert list(net.predict(XOR_X)) == [0, 1, 1, 0]
    assert trainer.history["step_cost"][-1] < 0.05 < first
    assert len(trainer.history["epoch_test_accuracy"]) == 300 and trainer.epoch == 301


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_plain_gradient_descent_lowers_the_cost_on_xor(activation):
    net = Network([2, 4, 1], activation=activation, output="sigmoid", seed=1, dtype=np.float64)
    costs = [net.step(XOR_X, XOR_Y, lr=0.5, cost="mse") for _ in range(50)]
    assert costs[-1] < costs[0]
    assert all(b <= a + 1e-12 for a, b in zip(costs, costs[1:], strict=False))  # small steps: downhill always


def test_plain_gradient_descent_lowers_the_cost_on_digits(digits):
    X, Y = digits.X_train[:500], digits.Y_train[:500]
    net = Network([784, 16, 16, 10], activation="sigmoid", output="softmax", seed=0)
    costs = [net.step(X, Y, lr=2.0, cost="cross_entropy") for _ in range(20)]
    assert costs[-1] < 0.9 * costs[0]
    assert all(b < a for a, b in zip(costs, costs[1:], strict=False))


def test_a_small_mlp_learns_digits_in_one_epoch(digits):
    # (the CLI test trains a slightly bigger one past 90 %; this one checks the Trainer's own figures)
    net = Network([784, 32, 10], activation="relu", output="softmax", seed=0)
    trainer = Trainer(net, digits, cost="cross_entropy", optimizer="adam", lr=0.003, batch_size=64, seed=0)
    result = trainer.fit(1)
    assert result["test_accuracy"] > 0.85
    cost, accuracy = trainer.evaluate(digits.X_test, digits.Y_test)
    assert accuracy == result["test_accuracy"] == trainer.history["epoch_test_accuracy"][-1]
    assert np.mean(net.predict(digits.X_test) == digits.labels_test) == pytest.approx(accuracy)
    assert cost == pytest.approx(net.cost(digits.X_test, digits.Y_test, "cross_entropy"), rel=1e-5)


def test_evaluate_in_chunks_equals_one_pass(monkeypatch):
    import engine.training as training

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 50)]
    net = Network([3, 4, 3], activation="tanh", output="softmax")
    whole = evaluate(net, X, Y, "cross_entropy")
    monkeypatch.setattr(training, "EVAL_CHUNK", 7)
    chunked = evaluate(net, X, Y, "cross_entropy")
    assert chunked[0] == pytest.approx(whole[0], rel=1e-6) and chunked[1] == whole[1]
    assert whole[1] == np.mean(net.predict(X) == Y.argmax(1))


def test_an_exploding_cost_is_caught_and_the_weights_restored():
    X = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32) * 10
    Y = X[:, :1] * 100
    net = Network([2, 8, 1], activation="relu", output="linear", seed=0)
    trainer = Trainer(net, _data(X, Y), cost="mse", optimizer="sgd", lr=1e4, batch_size=16)
    with np.errstate(all="raise"):  # no floating-point warning escapes the trainer
        costs = []
        for _ in range(20):
            saved = [p.copy() for p in net.weights + net.biases]
            costs.append(trainer.train_step())
            if not math.isfinite(costs[-1]):
                break
    assert not math.isfinite(costs[-1]), costs
    assert trainer.diverged
    for p, s in zip(net.weights + net.biases, saved, strict=True):
        np.testing.assert_array_equal(p, s)  # the exploding step was undone
        assert np.isfinite(p).all()
    assert len(trainer.history["step_cost"]) == len(costs) - 1  # the bad cost is not in the history


def test_fit_raises_a_clear_divergence_error():
    X = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32) * 10
    net = Network([2, 8, 1], activation="relu", output="linear", seed=0)
    trainer = Trainer(net, _data(X, X[:, :1] * 100), cost="mse", optimizer="sgd", lr=1e4, batch_size=16)
    with pytest.raises(TrainingDiverged, match="lower the learning rate") as info:
        trainer.fit(50)
    assert EXPLODED in str(info.value) and "restored" in str(info.value)
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)


def test_progress_reports_epoch_step_cost_and_eta():
    reports = []
    net = Network([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    trainer = Trainer(net, _data(XOR_X, XOR_Y), cost="cross_entropy", lr=0.5, batch_size=2)
    trainer.fit(3, progress=reports.append)
    epochs = [r for r in reports if r["event"] == "epoch"]
    assert [r["epoch"] for r in epochs] == [1, 2, 3]
    assert all(r["epochs"] == 3 and "test_accuracy" in r and "test_cost" in r for r in epochs)
    assert epochs[-1]["eta"] == 0.0 and epochs[-1]["step"] == 6
    steps = [r for r in reports if r["event"] == "step"]
    assert steps and all(math.isfinite(r["cost"]) and r["elapsed"] >= 0 for r in steps)
    assert all(r["eta"] >= 0 for r in reports if math.isfinite(r["eta"]))


def test_progress_gives_the_mean_cost_of_the_epoch_so_far(monkeypatch):
    import engine.training as training

    ticks = iter(range(10**6))
    monkeypatch.setattr(training.time, "perf_counter", lambda: float(next(ticks)))  # every step reports
    reports = []
    trainer = Trainer(Network([1, 1], output="linear"), _index_data(8), lr=0.01, batch_size=2)
    trainer.fit(2, progress=reports.append)
    costs = trainer.history["step_cost"]
    steps = [r for r in reports if r["event"] == "step"]
    assert [r["cost"] for r in steps] == costs
    assert [r["epoch_cost"] for r in steps] == pytest.approx(
        [np.mean(costs[:k]) for k in range(1, 5)] + [np.mean(costs[4:k]) for k in range(5, 9)])


def test_the_step_cost_history_is_bounded(monkeypatch):
    import engine.training as training

    monkeypatch.setattr(training, "STEP_COST_LIMIT", 50)
    trainer = Trainer(Network([1, 1], output="linear"), _index_data(10), lr=0.01, batch_size=5)
    costs = [trainer.train_step() for _ in range(1000)]
    kept = trainer.history["step_cost"]
    assert 50 <= len(kept) <= 55  # trimmed in blocks of a tenth of the limit
    assert kept == costs[-len(kept):]  # the most recent ones, in order
    assert trainer.steps == 1000
    # a notebook's fit over many epochs stays bounded too, and keeps one mean per epoch
    trainer.fit(300)
    assert len(trainer.history["step_cost"]) <= 55 and len(trainer.history["epoch_train_cost"]) == 300
    last_epoch = trainer.history["step_cost"][-2:]  # 10 samples in batches of 5: two steps an epoch
    assert trainer.history["epoch_train_cost"][-1] == pytest.approx(np.mean(last_epoch))


def test_lr_decay_and_settable_learning_rate():
    trainer = Trainer(Network([1, 1], output="linear"), _index_data(4), lr=0.1, batch_size=4, lr_decay=0.5)
    trainer.fit(2)
    assert trainer.lr == pytest.approx(0.025)
    trainer.lr = 0.3
    assert trainer.optimizer.lr == 0.3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cost": "cross_entropy"}, "softmax or sigmoid"),
        ({"optimizer": "lbfgs"}, "unknown optimizer"),
        ({"batch_size": 0}, "batch size"),
        ({"lr_decay": 1.5}, "lr_decay"),
    ],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Trainer(Network([1, 1], output="linear"), _index_data(4), **kwargs)


def test_data_that_does_not_fit_the_network_is_refused():
    with pytest.raises(ValueError, match="network takes 3 inputs"):
        Trainer(Network([3, 1]), _index_data(4))
    with pytest.raises(ValueError, match="2 outputs"):
        Trainer(Network([1, 2]), _index_data(4))


def blas_count() -> int | None:
    """The BLAS thread count as threadpoolctl reads it afresh (not through engine.threads' cache)."""
    from threadpoolctl import threadpool_info

    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    return blas[0]["num_threads"] if blas else None


def test_blas_threads_pins_and_restores_the_thread_count():
    import sys

    from engine.threads import blas_threads, set_blas_threads

    if sys.platform == "linux":
        assert blas_count() is not None  # numpy's Linux wheels bundle OpenBLAS
    if blas_count() is None:
        pytest.skip("numpy uses a BLAS threadpoolctl cannot find here")
    set_blas_threads(2)
    with blas_threads(1) as pinned:
        assert pinned and blas_count() == 1
        a = np.ones((64, 64), np.float32)
        assert (a @ a)[0, 0] == 64
    assert blas_count() == 2
    assert set_blas_threads(None) == 2  # None reads without changing
