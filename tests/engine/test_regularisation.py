"""L1 regularisation as a proximal step after any optimiser: small weights become exactly zero."""

from __future__ import annotations

import numpy as np
import pytest

from engine import datasets
from engine.network import Network
from engine.optim import SGD, Adam
from engine.regularisation import L1, make_regularised, soft_threshold
from engine.training import Trainer


def test_soft_threshold_moves_towards_zero_and_stops_there():
    w = np.array([[0.5, -0.5, 0.05, -0.05, 0.0]])
    soft_threshold(w, 0.1)
    np.testing.assert_allclose(w, [[0.4, -0.4, 0.0, 0.0, 0.0]])


def test_an_l1_step_is_the_optimisers_step_then_the_shrink_by_lr_times_l1():
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    gW, gb = rng.normal(size=(3, 4)), rng.normal(size=3)
    lr, l1 = 0.1, 0.5
    expected_W = W - lr * gW
    expected_W = np.sign(expected_W) * np.maximum(np.abs(expected_W) - lr * l1, 0)  # by hand
    expected_b = b - lr * gb  # biases are not regularised
    opt = L1(SGD(lr=lr), l1)
    opt.update([W, b], [gW, gb])
    np.testing.assert_allclose(W, expected_W)
    np.testing.assert_allclose(b, expected_b)
    assert opt.t == 1 and opt.lr == lr
    opt.lr = 0.2  # the Trainer sets the learning rate through the wrapper
    assert opt.inner.lr == 0.2


def test_make_regularised_gives_l2_to_the_optimiser_and_wraps_only_for_l1():
    plain = make_regularised("adam", 0.01, 0.0, 0.001)
    assert isinstance(plain, Adam) and plain.l2 == 0.001
    wrapped = make_regularised("sgd", 0.1, 0.01, 0.002)
    assert isinstance(wrapped, L1) and wrapped.l1 == 0.01 and wrapped.l2 == 0.002
    with pytest.raises(ValueError, match="L1"):
        L1(SGD(), -1.0)


def test_l1_training_drives_useless_weights_to_exactly_zero():
    # x2 carries no information about this set (labels depend on x1 only): L1 cuts it off
    data = datasets.load("gauss", n=200, seed=0)
    rng = np.random.default_rng(1)
    data.X_train[:, 1] = rng.normal(size=len(data.X_train))
    data.X_train[:, 0] = np.where(data.labels_train == 1, 0.5, -0.5) + rng.normal(0, 0.1, len(data.X_train))
    for l1 in (0.0, 0.01):
        net = Network([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
        trainer = Trainer(net, data, cost="cross_entropy", optimizer=make_regularised("sgd", 0.3, l1),
                          batch_size=16)
        for _ in range(600):
            trainer.train_step()
        assert np.mean(net.predict(data.X_train) == data.labels_train) == 1.0  # measured: 100% both
        from_x2 = net.weights[0][:, 1]
        if l1:
            assert np.all(from_x2 == 0) and np.all(net.weights[0][:, 0] != 0)  # x2 cut off, x1 kept
        else:
            assert np.all(from_x2 != 0) and not any(np.any(W == 0) for W in net.weights)
