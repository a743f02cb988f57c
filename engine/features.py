"""Feature inputs for 2-D data, as in TensorFlow Playground: what the input layer is fed.

A network on points (x1, x2) can be given other functions of them instead of, or beside, the
coordinates: x1² and x2² make a circle a straight cut, x1·x2 makes XOR one. Each feature is one input
neuron; `transform` turns points into the columns for the features a user switched on.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.datasets.dataset import Dataset

# name -> function of the two coordinates. The order is the order of the input neurons.
FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1²": lambda x1, x2: x1 * x1,
    "x2²": lambda x1, x2: x2 * x2,
    "x1·x2": lambda x1, x2: x1 * x2,
    "sin x1": lambda x1, x2: np.sin(x1),
    "sin x2": lambda x1, x2: np.sin(x2),
}
DEFAULT = ("x1", "x2")


def check(names) -> list[str]:
    """The names as a list in FEATURES' order; a clear ValueError for an unknown or empty choice."""
    names = list(names)
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}")
    if not names:
        raise ValueError("at least one feature must be switched on")
    return [n for n in FEATURES if n in names]


def transform(points: np.ndarray, names) -> np.ndarray:
    """Points (n, 2) -> (n, len(names)) float32, one column per feature, in FEATURES' order."""
    names = check(names)
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    columns = [FEATURES[n](p[:, 0], p[:, 1]) for n in names]
    return np.column_stack(columns).astype(np.float32)


def apply(dataset: Dataset, names) -> Dataset:
    """The same data with the chosen features as its inputs; the points stay where the plots draw them."""
    names = check(names)
    train, test = dataset.points("train"), dataset.points("test")
    return Dataset(
        name=dataset.name,
        X_train=transform(train, names), Y_train=dataset.Y_train,
        X_test=transform(test, names), Y_test=dataset.Y_test,
        labels_train=dataset.labels_train, labels_test=dataset.labels_test,
        classes=list(dataset.classes), source=dataset.source, feature_names=names,
        task=dataset.task,
        points_train=np.asarray(train, np.float32), points_test=np.asarray(test, np.float32),
    )
