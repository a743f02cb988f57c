"""Points a user adds or removes by hand on a 2-D set. Each edit gives a new Dataset (data is values).

Added points join the training split, so the network learns them at once; removing takes the point
nearest to a place, from either split. Classes keep the dataset's own encoding (0/1 column or one-hot).
"""

from __future__ import annotations

import numpy as np

from engine.datasets import toy
from engine.datasets.dataset import Dataset

CUSTOM = "custom"  # the name of a set that started empty: points only from the user


def _rebuild(dataset: Dataset, train: np.ndarray, values_train: np.ndarray, test: np.ndarray,
             values_test: np.ndarray) -> Dataset:
    points = np.concatenate([train, test]).reshape(-1, 2)
    values = np.concatenate([values_train, values_test])
    n_classes = None if dataset.task == "regression" else len(dataset.classes)
    source = f"{len(train):,} train / {len(test):,} test points, edited by hand"
    edited = toy.from_points(dataset.name, points, values, len(train), source, n_classes=n_classes)
    if dataset.points_train is not None:  # the inputs were features of the points: keep them so
        from engine import features

        edited = features.apply(edited, dataset.feature_names)
    return edited


def _values(dataset: Dataset, split: str) -> np.ndarray:
    if dataset.task == "regression":
        return (dataset.Y_train if split == "train" else dataset.Y_test)[:, 0]
    return dataset.labels_train if split == "train" else dataset.labels_test


def empty(name: str = CUSTOM, n_classes: int = 2) -> Dataset:
    """A 2-D set with no points yet, for a user to click in."""
    return toy.from_points(name, np.zeros((0, 2)), np.zeros(0, np.int64), 0, "no points yet",
                           n_classes=n_classes)


def add_point(dataset: Dataset, x: float, y: float, label: float) -> Dataset:
    """The set with one more training point at (x, y) of class `label` (a target, for regression)."""
    if not (np.isfinite(x) and np.isfinite(y)):
        raise ValueError("a point needs finite coordinates")
    if dataset.task != "regression" and not 0 <= int(label) < len(dataset.classes):
        raise ValueError(f"class {label} is not one of {', '.join(dataset.classes)}")
    train = np.concatenate([dataset.points("train"), [[x, y]]])
    values = np.concatenate([_values(dataset, "train"), [label]])
    return _rebuild(dataset, train, values, dataset.points("test"), _values(dataset, "test"))


def remove_nearest(dataset: Dataset, x: float, y: float) -> Dataset:
    """The set without the point (of either split) nearest to (x, y); unchanged if it has none."""
    train, test = dataset.points("train"), dataset.points("test")
    everything = np.concatenate([train, test])
    if not len(everything):
        return dataset
    k = int(np.argmin(np.hypot(everything[:, 0] - x, everything[:, 1] - y)))
    vt, vs = _values(dataset, "train"), _values(dataset, "test")
    if k < len(train):
        return _rebuild(dataset, np.delete(train, k, 0), np.delete(vt, k), test, vs)
    k -= len(train)
    return _rebuild(dataset, train, vt, np.delete(test, k, 0), np.delete(vs, k))
