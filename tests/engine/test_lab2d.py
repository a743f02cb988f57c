"""The 2-D lab's engine side: the new sets, the train/test ratio, feature inputs and hand-made points."""

from __future__ import annotations

import numpy as np
import pytest

from engine import datasets, features
from engine.datasets import points, toy
from engine.network import Network
from engine.training import Trainer


def test_three_spirals_have_three_balanced_classes_and_one_hot_targets():
    d = datasets.load("spiral3", n=300, seed=1)
    assert d.classes == ["0", "1", "2"] and d.n_outputs == 3
    labels = np.concatenate([d.labels_train, d.labels_test])
    assert np.bincount(labels).tolist() == [100, 100, 100]
    assert np.array_equal(d.Y_train.argmax(1), d.labels_train) and np.all(d.Y_train.sum(1) == 1)


def test_reg_plane_targets_are_the_plane_and_labels_their_sign():
    d = datasets.load("reg-plane", n=200, noise=0.0, seed=3)
    assert d.task == "regression" and d.n_outputs == 1
    expected = 0.6 * (d.X_train[:, 0] + d.X_train[:, 1])
    assert np.allclose(d.Y_train[:, 0], expected, atol=1e-6)
    assert np.array_equal(d.labels_train, (d.Y_train[:, 0] > 0).astype(int))
    assert -1.3 < d.Y_train.min() < -0.8 and 0.8 < d.Y_train.max() < 1.3


def test_reg_gauss_is_one_at_an_up_bump_minus_one_at_a_down_bump_and_zero_between():
    centres = np.array([[-4 / 6, 2.5 / 6], [0, 2.5 / 6], [0.0, 0.0]])
    assert np.allclose(toy.reg_gauss_target(centres), [1.0, -1.0, 0.0])
    d = datasets.load("reg-gauss", n=400, seed=0)
    assert d.task == "regression" and d.Y_train.min() >= -1 and d.Y_train.max() <= 1


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_the_ratio_of_training_to_test_points(fraction):
    d = datasets.load("circle", n=200, train_fraction=fraction)
    assert len(d.X_train) == round(200 * fraction) and len(d.X_test) == 200 - round(200 * fraction)
    with pytest.raises(ValueError, match="training fraction"):
        datasets.load("circle", train_fraction=1.0)


def test_features_are_the_functions_their_names_say():
    p = np.array([[0.5, -2.0]])
    row = features.transform(p, list(features.FEATURES))[0]
    assert np.allclose(row, [0.5, -2.0, 0.25, 4.0, -1.0, np.sin(0.5), np.sin(-2.0)], atol=1e-6)
    # the order is FEATURES' order, whatever order they were asked in
    assert features.transform(p, ["x2²", "x1"]).tolist() == [[0.5, 4.0]]
    with pytest.raises(ValueError, match="unknown feature"):
        features.transform(p, ["x3"])
    with pytest.raises(ValueError, match="at least one"):
        features.check([])


def test_applying_features_keeps_the_points_and_targets():
    d = datasets.load("circle", n=100)
    f = features.apply(d, ["x1²", "x2²"])
    assert f.feature_names == ["x1²", "x2²"] and f.n_features == 2
    assert np.allclose(f.X_train, d.X_train ** 2, atol=1e-6)
    assert np.array_equal(f.points("train"), d.X_train) and np.array_equal(f.Y_test, d.Y_test)
    g = features.apply(f, ["x1", "x2", "x1·x2"])  # re-applied from the points, not from x1²
    assert np.allclose(g.X_train[:, 2], d.X_train[:, 0] * d.X_train[:, 1], atol=1e-6)


def steps_to_learn(data, target: float = 0.95, limit: int = 3000) -> int:
    """Steps of plain training until the whole training split is classified at `target` accuracy."""
    net = Network([data.n_features, 1], activation="sigmoid", seed=0)
    trainer = Trainer(net, data, cost="cross_entropy", optimizer="sgd", lr=1.0, batch_size=32, seed=0)
    for step in range(1, limit + 1):
        trainer.train_step()
        if step % 10 == 0 and np.mean(net.predict(data.X_train) == data.labels_train) >= target:
            return step
    return limit + 1


def test_squares_make_the_circle_learnable_by_one_neuron():
    circle = datasets.load("circle", n=400, seed=0)
    squared = features.apply(circle, ["x1", "x2", "x1²", "x2²"])
    assert steps_to_learn(squared) < 1000
    assert steps_to_learn(circle) > 3000  # a single neuron on x1, x2 draws a line: never a circle


def test_a_point_added_by_hand_joins_the_training_split_with_its_class():
    d = datasets.load("xor", n=40)
    more = points.add_point(d, 0.25, -0.5, 1)
    assert len(more.X_train) == len(d.X_train) + 1 and np.array_equal(more.X_test, d.X_test)
    assert more.X_train[-1].tolist() == [0.25, -0.5] and more.labels_train[-1] == 1
    assert more.Y_train[-1].tolist() == [1.0]
    with pytest.raises(ValueError, match="class 2"):
        points.add_point(d, 0, 0, 2)


def test_remove_nearest_takes_the_closest_point_of_either_split():
    d = datasets.load("gauss", n=40)
    target = d.X_test[3]
    fewer = points.remove_nearest(d, float(target[0]) + 1e-4, float(target[1]))
    assert len(fewer.X_test) == len(d.X_test) - 1 and len(fewer.X_train) == len(d.X_train)
    assert not any(np.array_equal(target, p) for p in fewer.X_test)


def test_an_empty_set_takes_points_of_three_classes():
    d = points.empty(n_classes=3)
    assert len(d.X_train) == 0 and d.n_outputs == 3
    for k, (x, y) in enumerate([(0, 0), (0.5, 0.5), (-0.5, 0.5)]):
        d = points.add_point(d, x, y, k)
    assert d.labels_train.tolist() == [0, 1, 2] and d.Y_train.shape == (3, 3)
    assert points.remove_nearest(points.empty(), 0, 0).X_train.shape == (0, 2)


def test_hand_made_points_on_features_keep_the_features():
    f = features.apply(datasets.load("circle", n=50), ["x1²", "x2²"])
    more = points.add_point(f, 0.5, 0.5, 0)
    assert more.feature_names == ["x1²", "x2²"] and more.points("train")[-1].tolist() == [0.5, 0.5]
    assert more.X_train[-1].tolist() == pytest.approx([0.25, 0.25])
    fewer = points.remove_nearest(more, 0.5, 0.5)
    assert fewer.feature_names == ["x1²", "x2²"] and np.allclose(fewer.X_train, f.X_train)


def test_a_regression_counts_as_right_on_the_right_side_of_zero():
    # targets 0.2 and -0.2; a linear 2-1 network that answers 0.3 and -0.1: both on the right side of 0,
    # though 0.3 and 0.2 are both below the 0/1 threshold of 0.5
    data = toy.from_points("reg-plane", np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]),
                           np.array([0.2, -0.2, 0.2, -0.2]), 2, "by hand")
    net = Network([2, 1], activation="linear", output="linear")
    net.weights[0][...] = [[0.3, -0.1]]
    trainer = Trainer(net, data, cost="mse")
    cost, accuracy = trainer.evaluate(data.X_test, data.Y_test)
    assert accuracy == 1.0 and cost == pytest.approx(((0.3 - 0.2) ** 2 + (-0.1 + 0.2) ** 2) / 2)
    net.weights[0][...] = [[-0.3, 0.1]]  # both on the wrong side
    assert trainer.evaluate(data.X_test, data.Y_test)[1] == 0.0
