"""The one divergence guard (engine/training.py): explosions that stay finite are caught, the weights
restored are those from before the explosion began, and normal training on every preset's own settings
never comes near the limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import datasets
from engine import training as T
from engine.datasets.dataset import Dataset
from engine.io import load
from engine.network import Network
from engine.training import EXPLODED, Trainer, TrainingDiverged, knowing_nothing_cost, largest_magnitude

PRESETS = pytest.importorskip("playground.presets")


def preset_trainer(name: str, lr: float | None = None) -> Trainer:
    p = PRESETS.PRESETS[name]
    data = p.make_data() if p.make_data else datasets.load(
        p.dataset, source="bundled" if p.dataset == "digits" else "auto")
    if p.model is not None:
        net = load(p.model)
    else:
        net = Network([data.n_features, *p.hidden, data.n_outputs], activation=p.activation,
                      output=p.output, seed=p.seed)
    return Trainer(net, data, cost=p.cost, optimizer=p.optimizer, lr=p.learning_rate if lr is None else lr,
                   batch_size=p.batch_size, seed=p.seed)


def parameters(net: Network) -> list[np.ndarray]:
    return [p.copy() for p in net.weights + net.biases]


def assert_parameters_equal(net: Network, expected: list[np.ndarray]) -> None:
    for p, e in zip(net.weights + net.biases, expected, strict=True):
        np.testing.assert_array_equal(p, e)


@pytest.mark.parametrize("preset", ["XOR", "3Blue1Brown digits"])
def test_a_learning_rate_of_1e4_is_caught_at_once_and_the_weights_restored(preset):
    # The issue: XOR at 1e4 climbed to a cost of 3,132 with |w| ~ 6e4 and kept running; the 784-16-16-10
    # sigmoid digits net reached ~4e4. Every number stayed finite, so a NaN/inf check never fired.
    trainer = preset_trainer(preset, lr=1e4)
    net = trainer.network
    start = parameters(net)
    with np.errstate(all="raise"):  # no floating-point warning escapes the trainer
        cost = trainer.train_step()
    assert cost == math.inf and trainer.diverged
    assert trainer.divergence.startswith(EXPLODED) and "the largest weight became" in trainer.divergence
    assert "The weights from step 0, before the explosion began, are restored." in trainer.divergence
    assert_parameters_equal(net, start)
    assert trainer.steps == 0 and trainer.history["step_cost"] == []  # the exploded step is not counted
    opt = trainer.optimizer
    assert opt.t == 0  # the optimiser forgot its poisoned memory
    assert all(getattr(opt, memory, None) is None for memory in ("_m", "_v"))
    # with a sane rate the same trainer goes on from the restored weights
    trainer.lr = PRESETS.PRESETS[preset].learning_rate
    assert math.isfinite(trainer.train_step()) and not trainer.diverged and trainer.divergence == ""


def test_fit_and_run_epoch_raise_the_sentence():
    for method in ("fit", "run_epoch"):
        trainer = preset_trainer("XOR", lr=1e4)
        start = parameters(trainer.network)
        with pytest.raises(TrainingDiverged) as info:
            trainer.fit(5) if method == "fit" else trainer.run_epoch()
        assert str(info.value) == trainer.divergence
        assert str(info.value).startswith(EXPLODED)
        assert_parameters_equal(trainer.network, start)


def _noisy_line(n=512, seed=0) -> Dataset:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + rng.normal(0, 0.3, (n, 1))).astype(np.float32)
    labels = (Y[:, 0] > 0).astype(np.int64)
    return Dataset("line", X, Y, X, Y, labels, labels, ["-", "+"], "a noisy line")


def test_a_slowly_growing_explosion_restores_the_weights_from_before_it_began():
    # Linear regression, plain SGD: stable at lr 0.05; at lr 1.1 every step overshoots a little more
    # (about x1.2 a step), so the cost grows for a few dozen finite steps before anything is caught.
    data = _noisy_line()
    net = Network([3, 1], output="linear", seed=0)
    trainer = Trainer(net, data, cost="mse", optimizer="sgd", lr=0.05, batch_size=64, seed=0)
    for _ in range(200):
        trainer.train_step()
    assert not trainer.diverged
    calm = parameters(net)
    calm_cost = net.cost(data.X_train, data.Y_train, "mse")
    calm_step = trainer.steps
    trainer.lr = 1.1
    costs = []
    while not trainer.diverged and len(costs) < 500:
        costs.append(trainer.train_step())
    assert trainer.diverged and costs[-1] == math.inf
    growing = costs[:-1]
    assert len(growing) > 10 and max(growing) > 10 * calm_cost  # it grew for a while, finite
    assert "the cost reached" in trainer.divergence  # caught by the cost, before the weights ran away
    restored_cost = net.cost(data.X_train, data.Y_train, "mse")
    assert restored_cost <= 1.5 * calm_cost  # from before the growth began, not the last finite step
    safe_step = trainer._guard.safe_step
    assert calm_step - 2 * T.CHECK_EVERY <= safe_step <= calm_step  # the last checkpoint before the rise
    assert f"The weights from step {safe_step:,}, before the explosion began" in trainer.divergence
    # the restored weights are one of the checkpoints of the calm phase: close to the calm weights
    for p, c in zip(net.weights + net.biases, calm, strict=True):
        np.testing.assert_allclose(p, c, atol=0.2)


def test_a_sudden_finite_jump_of_the_cost_is_caught_and_an_announced_edit_is_not():
    for edit_announced in (False, True):
        trainer = preset_trainer("XOR")
        for _ in range(300):
            trainer.train_step()
        net = trainer.network
        assert math.isfinite(trainer._guard.cost_limit)  # past the warm-up: the cost is watched
        net.weights[-1] *= 40  # confidently wrong: the cost jumps far above its level, weights < 100x
        if edit_announced:
            trainer.weights_edited()  # what the worker and the Session call after changing weights
        assert largest_magnitude(net.weights + net.biases) < trainer._guard.weight_limit
        edited = parameters(net)
        cost = trainer.train_step()
        if edit_announced:
            assert math.isfinite(cost) and not trainer.diverged  # the user's edit is kept and trained on
        else:
            assert cost == math.inf and trainer.diverged and "the cost reached" in trainer.divergence
            last = len(net.weights) - 1
            assert not np.array_equal(net.weights[last], edited[last])  # back to before the jump
            assert trainer.network.cost(trainer._X, trainer._Y, trainer.cost_name) < 0.5


def test_nan_and_inf_are_still_caught():
    X = np.abs(np.random.default_rng(0).normal(size=(16, 2))).astype(np.float32) * 1e30
    Y = np.zeros((16, 1), np.float32)
    net = Network([2, 8, 1], activation="relu", output="linear", seed=0)
    data = Dataset("big", X, Y, X, Y, np.zeros(16, np.int64), np.zeros(16, np.int64), ["a", "b"],
                   "inputs so large that float32 overflows")
    trainer = Trainer(net, data, cost="mse", optimizer="sgd", lr=0.1, batch_size=16)
    start = parameters(net)
    with np.errstate(all="raise"):
        cost = trainer.train_step()
    assert cost == math.inf and trainer.diverged and "became inf" in trainer.divergence
    assert_parameters_equal(net, start)


def test_the_cost_of_knowing_nothing():
    Y2 = np.array([[1.0], [0.0], [0.0], [0.0]])  # p = 1/4
    assert knowing_nothing_cost(Y2, "cross_entropy", "sigmoid") == pytest.approx(
        -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)))
    Y3 = np.eye(4)[[0, 1, 2, 3, 3, 3]]  # frequencies 1/6, 1/6, 1/6, 1/2
    expected = -(3 * (1 / 6) * math.log(1 / 6) + 0.5 * math.log(0.5))
    assert knowing_nothing_cost(Y3, "cross_entropy", "softmax") == pytest.approx(expected)
    assert knowing_nothing_cost(Y2, "mse", "sigmoid") == pytest.approx(0.25 * 0.75)  # the variance
    assert largest_magnitude([np.array([1.0, -3.0]), np.array([[2.0]])]) == 3.0
    assert math.isnan(largest_magnitude([np.array([1.0, np.nan])]))


NORMAL_RUNS = [  # (preset, learning rate or None for the preset's own, steps)
    ("XOR", None, 3000),
    ("Circle", None, 3000),
    ("Spiral", None, 3000),
    ("3Blue1Brown digits", None, 1200),
    ("Accurate digits", None, 300),
    ("Spiral", 0.3, 3000),  # ten times the preset's rate: wild, but not an explosion
    ("3Blue1Brown digits", 1.0, 600),
]


@pytest.mark.parametrize(("preset", "lr", "steps"), NORMAL_RUNS)
def test_normal_training_stays_far_from_the_limits(preset, lr, steps):
    trainer = preset_trainer(preset, lr)
    guard = trainer._guard
    worst_cost = worst_weight = 0.0
    for _ in range(steps):
        cost = trainer.train_step()
        assert not trainer.diverged, trainer.divergence
        if math.isfinite(guard.cost_limit):
            worst_cost = max(worst_cost, cost / guard.cost_limit)
        worst_weight = max(worst_weight, largest_magnitude(trainer.network.weights) / guard.weight_limit)
    assert math.isfinite(guard.cost_limit)  # past the warm-up: the cost test was on
    assert worst_cost < 0.5 and worst_weight < 0.2, (worst_cost, worst_weight)


def test_the_digits_recipe_stays_far_from_the_limits():
    from engine.recipes import DIGITS_RECIPE, make_trainer

    trainer = make_trainer(DIGITS_RECIPE, datasets.load("digits", source="bundled"))
    trainer.fit(2)
    assert not trainer.diverged
    guard = trainer._guard
    assert max(trainer.history["step_cost"][T.WARMUP:]) < 0.5 * guard.cost_limit
