"""The 2-D toy sets: shapes, reproducibility, and that each set has the shape its name promises."""

from __future__ import annotations

import numpy as np
import pytest

from engine import datasets
from engine.datasets import toy

TOYS = ["xor", "circle", "spiral", "moons", "gauss"]


def everything(d):
    return np.concatenate([d.X_train, d.X_test]), np.concatenate([d.labels_train, d.labels_test])


def test_names_are_the_contract():
    # the 3-class and regression sets are listed since the Session handles them (issue 10)
    assert datasets.NAMES == ["digits", *TOYS, "spiral3", "reg-plane", "reg-gauss"]
    assert list(toy.GENERATORS) == [*TOYS, "spiral3", "reg-plane", "reg-gauss"]


@pytest.mark.parametrize("name", TOYS)
def test_shapes_split_and_types(name):
    d = datasets.load(name, n=250, seed=1)
    assert d.name == name and d.classes == ["0", "1"]
    assert d.X_train.shape == (200, 2) and d.X_test.shape == (50, 2)
    assert d.Y_train.shape == (200, 1) and d.Y_test.shape == (50, 1)
    assert d.X_train.dtype == d.Y_train.dtype == np.float32
    assert np.array_equal(d.Y_train[:, 0], d.labels_train) and np.array_equal(d.Y_test[:, 0], d.labels_test)
    assert d.n_features == 2 and d.n_outputs == 1 and not d.is_image
    assert d.feature_names == ["x1", "x2"]
    X, labels = everything(d)
    assert np.bincount(labels).tolist() == [125, 125]  # balanced
    assert np.abs(X).max() < 1.5 and np.abs(X).max() > 0.6  # roughly [-1, 1]
    # both classes in both splits
    assert set(d.labels_train.tolist()) == set(d.labels_test.tolist()) == {0, 1}
    assert "200 train / 50 test" in d.source


@pytest.mark.parametrize("name", TOYS)
def test_reproducible_by_seed(name):
    a, b, c = datasets.load(name, seed=5), datasets.load(name, seed=5), datasets.load(name, seed=6)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.labels_test, b.labels_test)
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", TOYS)
def test_noise_jitters_the_points(name):
    clean = datasets.load(name, noise=0.0, seed=2)
    noisy = datasets.load(name, noise=0.3, seed=2)
    # same underlying points and labels (the jitter is drawn after them), moved by about 0.3
    assert np.array_equal(clean.labels_train, noisy.labels_train)
    shift = noisy.X_train - clean.X_train
    assert 0.25 < shift.std() < 0.35


def test_default_size():
    d = datasets.load("xor")
    assert len(d.X_train) + len(d.X_test) == toy.N_DEFAULT
    assert str(toy.NOISE_DEFAULT) in d.source


def test_xor_labels_follow_the_signs():
    X, labels = everything(datasets.load("xor", noise=0.0, n=500))
    assert np.array_equal(labels, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))
    assert np.abs(X).min() >= 0.05  # the margin around the axes


def test_circle_inside_and_ring():
    X, labels = everything(datasets.load("circle", noise=0.0, n=500))
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[labels == 1].max() <= 0.5 + 1e-6
    assert r[labels == 0].min() >= 0.7 - 1e-6 and r[labels == 0].max() <= 1.0 + 1e-6


def test_spiral_arms_are_half_a_turn_apart():
    X, labels = everything(datasets.load("spiral", noise=0.0, n=400))
    r = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 1], X[:, 0])
    # the angle of arm k at radius r is r * 3.5 pi + k pi (mod 2 pi)
    expected = r * 3.5 * np.pi + np.pi * labels
    diff = np.angle(np.exp(1j * (angle - expected)))
    assert np.abs(diff).max() < 1e-4
    # not linearly separable: the best single line misclassifies a lot (checked against least squares)
    A = np.column_stack([X, np.ones(len(X))])
    w, *_ = np.linalg.lstsq(A, labels * 2.0 - 1, rcond=None)
    assert ((A @ w > 0) == labels).mean() < 0.75


def test_moons_are_two_half_circles():
    X, labels = everything(datasets.load("moons", noise=0.0, n=300))
    # undo the scaling: the upper moon is the unit circle's top half, the lower one is shifted to (1, 0.5)
    x, y = X[:, 0] * 1.5 + 0.5, X[:, 1] * 1.5 + 0.25
    upper, lower = labels == 0, labels == 1
    assert np.allclose(np.hypot(x[upper], y[upper]), 1, atol=1e-5) and np.all(y[upper] >= -1e-6)
    assert np.allclose(np.hypot(x[lower] - 1, y[lower] - 0.5), 1, atol=1e-5)
    assert np.all(y[lower] <= 0.5 + 1e-6)


def test_gauss_clusters():
    X, labels = everything(datasets.load("gauss", noise=0.0, n=2000))
    assert np.allclose(X[labels == 1].mean(0), [0.5, 0.5], atol=0.03)
    assert np.allclose(X[labels == 0].mean(0), [-0.5, -0.5], atol=0.03)
    assert np.allclose(X[labels == 1].std(0), 0.2, atol=0.02)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="Unknown dataset 'swirl'"):
        datasets.load("swirl")
    with pytest.raises(ValueError, match="Unknown 2-D dataset"):
        toy.make("swirl")
    with pytest.raises(ValueError, match="at least 10 points"):
        datasets.load("xor", n=3)
    with pytest.raises(ValueError, match="Noise must be between 0 and 1"):
        datasets.load("xor", noise=-0.1)


def test_too_many_points_and_a_negative_seed_get_our_messages():
    import pytest

    from engine.datasets import toy

    with pytest.raises(ValueError, match="at most 1,000,000 points"):
        toy.make("xor", n=10**12)  # refused before anything is allocated
    with pytest.raises(ValueError, match=r"seed must be a whole number >= 0 \(got -1\)"):
        toy.make("xor", seed=-1)
