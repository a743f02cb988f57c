"""The Dataset container, targets(), and load() by name."""

from __future__ import annotations

import numpy as np
import pytest

from engine import datasets
from engine.datasets import Dataset, targets


def test_targets_two_classes_is_one_column_else_one_hot():
    assert targets(np.array([0, 1, 1]), 2).tolist() == [[0.0], [1.0], [1.0]]
    Y = targets(np.array([2, 0, 1]), 3)
    assert Y.dtype == np.float32
    assert Y.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]


def test_dataset_properties():
    X = np.zeros((4, 3), np.float32)
    d = Dataset("tiny", X, targets(np.array([0, 1, 2, 0]), 3), X[:1], targets(np.array([1]), 3),
                np.array([0, 1, 2, 0]), np.array([1]), ["a", "b", "c"], "made by hand")
    assert d.n_features == 3 and d.n_outputs == 3 and not d.is_image and d.feature_names == []
    assert repr(d) == "Dataset('tiny', 4 train / 1 test, 3 features, 3 classes)"


def test_every_name_loads():
    for name in datasets.NAMES:
        d = datasets.load(name, source="bundled")
        assert len(d.X_train) > len(d.X_test) > 0
        assert d.n_outputs == {"digits": 10, "spiral3": 3}.get(name, 1)
        assert d.is_image == (name == "digits")


def test_unknown_name():
    with pytest.raises(ValueError, match="use one of digits, xor"):
        datasets.load("nothing-like-this")
