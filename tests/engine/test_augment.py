"""augment_digits: the identity when asked for no change, shifts move the ink by the asked amount,
turning turns, bolder strokes carry more ink, and every output is still a valid digit image."""

from __future__ import annotations

import numpy as np
import pytest

from engine.augment import augment_digits


def _centre_of_mass(img: np.ndarray) -> np.ndarray:
    img = img.reshape(28, 28)
    rows, cols = np.mgrid[0:28, 0:28]
    return np.array([np.sum(rows * img), np.sum(cols * img)]) / img.sum()


def _bar(horizontal: bool = True) -> np.ndarray:
    img = np.zeros((28, 28), np.float32)
    if horizontal:
        img[13:15, 6:22] = 1.0
    else:
        img[6:22, 13:15] = 1.0
    return img.reshape(1, 784)


NONE = {"max_shift": 0.0, "max_rotation": 0.0, "max_scale": 0.0, "thickness": 0.0}


def test_no_change_is_the_identity():
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    out = augment_digits(X, np.random.default_rng(1), **NONE)
    np.testing.assert_allclose(out, X, atol=1e-6)
    assert out.dtype == np.float32 and out.shape == X.shape


def test_a_shift_moves_the_centre_of_mass_by_up_to_max_shift():
    X = np.repeat(_bar(), 200, axis=0)
    out = augment_digits(X, np.random.default_rng(0), **{**NONE, "max_shift": 2.0})
    moves = np.array([_centre_of_mass(o) - _centre_of_mass(X[0]) for o in out])
    assert np.abs(moves).max() <= 2.0 + 1e-4
    assert np.abs(moves).max() > 1.5  # and it does use the range
    assert np.all(np.abs(out.sum(axis=1) - X[0].sum()) < 1e-3)  # sub-pixel shifts keep the ink


def test_rotation_turns_a_bar():
    X = np.repeat(_bar(horizontal=True), 100, axis=0)
    out = augment_digits(X, np.random.default_rng(0), **{**NONE, "max_rotation": 30.0})
    # a turned bar spreads over more rows than the flat one (2 rows)
    rows_with_ink = [(o.reshape(28, 28).max(axis=1) > 0.2).sum() for o in out]
    assert max(rows_with_ink) >= 6 and min(rows_with_ink) >= 2


def test_thickness_changes_the_amount_of_ink():
    X = np.repeat(_bar(), 50, axis=0)
    out = augment_digits(X, np.random.default_rng(0), **{**NONE, "thickness": 0.8})
    ink = out.sum(axis=1)
    assert ink.max() > 1.3 * X[0].sum()  # bolder
    assert ink.min() < 0.9 * X[0].sum()  # thinner
    assert ink.min() > 0.3 * X[0].sum()  # but never erased


def test_outputs_are_valid_images_and_reproducible():
    X = np.random.default_rng(0).random((16, 784), dtype=np.float32)
    a = augment_digits(X, np.random.default_rng(7))
    b = augment_digits(X, np.random.default_rng(7))
    c = augment_digits(X, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.min() >= 0.0 and a.max() <= 1.0
    assert np.all(np.isfinite(a))


def test_bad_shapes_are_refused_and_empty_batches_pass():
    with pytest.raises(ValueError, match="784"):
        augment_digits(np.zeros((2, 100)), np.random.default_rng(0))
    assert augment_digits(np.zeros((0, 784), np.float32), np.random.default_rng(0)).shape == (0, 784)
