"""engine.explain: saliency against central finite differences; the confusion matrix against predict."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import Network, saliency
from engine.datasets.mnist import load_bundled
from engine.explain import confusion_matrix
from engine.resources import DEFAULT_MODEL

MODEL = DEFAULT_MODEL
H = 1e-6  # finite-difference step


def as_float64(net: Network) -> Network:
    twin = Network(net.sizes, activation=net.activation, output=net.output, dtype=np.float64)
    for dst, src in zip(twin.weights + twin.biases, net.weights + net.biases, strict=True):
        dst[...] = src
    return twin


def finite_differences(net: Network, x: np.ndarray, digit: int, pixels=None, h: float = H) -> np.ndarray:
    """(p(x + h e_i) − p(x − h e_i)) / 2h for each pixel i, on a float64 copy of the network."""
    ref = as_float64(net)
    pixels = np.arange(x.size) if pixels is None else np.asarray(pixels)
    bump = np.zeros((len(pixels), x.size))
    bump[np.arange(len(pixels)), pixels] = h
    x = x.astype(np.float64)
    return (ref.forward(x + bump)[:, digit] - ref.forward(x - bump)[:, digit]) / (2 * h)


@pytest.fixture(scope="module")
def digits():
    return load_bundled()


def test_saliency_is_exported_as_a_function():
    assert engine.saliency is saliency and callable(saliency)


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_saliency_equals_central_finite_differences(digits, output, activation, dtype):
    net = Network([784, 20, 12, 10], activation=activation, output=output, seed=3, dtype=dtype)
    rng = np.random.default_rng(1)
    for b in net.biases:  # non-zero biases, so no unit sits exactly on a ReLU kink
        b[...] = rng.normal(0, 0.3, b.shape)
    x = digits.X_test[7]
    for digit in (0, 3, int(net.predict(x)), 9):
        s = saliency(net, x, digit)
        assert s.shape == (784,) and s.dtype == np.float64
        fd = finite_differences(net, x, digit)
        scale = np.abs(fd).max()
        assert scale > 0
        np.testing.assert_allclose(s, fd, atol=1e-6 * scale, rtol=1e-5)


def test_saliency_of_the_shipped_model_matches_finite_differences(digits):
    net = engine.load(MODEL)
    x = digits.X_test[0]
    predicted = int(net.predict(x))
    pixels = np.random.default_rng(0).choice(784, 150, replace=False)
    for digit in (predicted, (predicted + 3) % 10):
        s = saliency(net, x, digit)
        # p is near 1 (or 0) here and its slopes are small: a larger step keeps rounding (1e-16 / h)
        # far below them; ReLU layers are piecewise linear, so the step costs no accuracy
        fd = finite_differences(net, x, digit, pixels, h=1e-4)
        np.testing.assert_allclose(s[pixels], fd, atol=1e-5 * np.abs(fd).max(), rtol=1e-4)


def test_saliency_of_the_predicted_digit_rewards_its_own_ink(digits):
    # a sanity reading, not a proof: for a confidently read digit, making the whole image a little
    # stronger (more of its own ink) must change p by the saliency's dot product with the image
    net = engine.load(MODEL)
    x = digits.X_test[1].astype(np.float64)
    d = int(net.predict(x))
    s = saliency(net, x, d)
    ref = as_float64(net)
    eps = 1e-5
    change = (ref.forward(x * (1 + eps))[d] - ref.forward(x * (1 - eps))[d]) / (2 * eps)
    assert float(s @ x) == pytest.approx(change, rel=1e-4, abs=1e-9)


def test_saliency_refuses_bad_input():
    net = Network([4, 3, 2], output="softmax")
    with pytest.raises(ValueError, match="inputs"):
        saliency(net, np.zeros(5), 0)
    with pytest.raises(ValueError, match="digit"):
        saliency(net, np.zeros(4), 2)


def test_confusion_matrix_sums_to_the_test_set_and_agrees_with_predict(digits):
    net = engine.load(MODEL)
    cm = confusion_matrix(net, digits.X_test, digits.labels_test, 10)
    predicted = net.predict(digits.X_test)
    assert cm.counts.shape == (10, 10) and cm.total == len(digits.X_test) == 1000
    # every cell counted independently from predict: a plain double loop
    for t in range(10):
        for p in range(10):
            n = int(np.sum((digits.labels_test == t) & (predicted == p)))
            assert cm.counts[t, p] == n, (t, p)
            np.testing.assert_array_equal(cm.samples(t, p),
                                          np.flatnonzero((digits.labels_test == t) & (predicted == p)))
    np.testing.assert_array_equal(cm.counts.sum(axis=1), np.bincount(digits.labels_test, minlength=10))
    assert cm.accuracy == pytest.approx(np.mean(predicted == digits.labels_test))
    for t in range(10):
        mine = digits.labels_test == t
        assert cm.per_class_accuracy[t] == pytest.approx(np.mean(predicted[mine] == t))
    assert cm.counts[0].sum() == 100  # the split holds 100 of each digit


def test_confusion_matrix_is_not_symmetric_by_construction():
    # rows are the truth, columns the answer: a network that always says 2 fills column 2
    net = Network([3, 3], activation="linear", output="softmax", seed=0)
    for w in net.weights:
        w[...] = 0.0
    net.biases[0][...] = [0.0, 0.0, 5.0]
    labels = np.array([0, 0, 1, 2, 2, 2])
    cm = confusion_matrix(net, np.zeros((6, 3)), labels, 3)
    np.testing.assert_array_equal(cm.counts, [[0, 0, 2], [0, 0, 1], [0, 0, 3]])
    np.testing.assert_array_equal(cm.per_class_accuracy, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(cm.samples(0, 2), [0, 1])
    empty = confusion_matrix(net, np.zeros((0, 3)), np.zeros(0, np.int64), 3)
    assert empty.total == 0 and np.isnan(empty.per_class_accuracy).all()
