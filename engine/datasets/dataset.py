"""Dataset: a train split and a test split, as float32 arrays a Network can eat directly."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    """Inputs X (n, n_features) and targets Y (n, n_outputs), for training and for testing.

    Targets are one-hot rows for more than two classes and a single 0/1 column for two classes, so a
    network's output layer has as many neurons as Y has columns. labels_* hold the class index of
    every sample (what accuracy is measured against); classes names them. For a CSV file, name is
    the file's path, so load(dataset.name) reads it again.
    """

    name: str
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    labels_train: np.ndarray
    labels_test: np.ndarray
    classes: list[str]
    source: str
    feature_names: list[str] = field(default_factory=list)  # e.g. ["x1", "x2"]; empty for pixels
    task: str = "classification"  # or "regression": Y holds real targets, labels only their sign
    # For 2-D sets whose inputs are features of the points (x1², sin x1, ...): the points themselves,
    # (n, 2), where the plots draw them. None when X is the points (or not 2-D at all).
    points_train: np.ndarray | None = None
    points_test: np.ndarray | None = None

    def points(self, split: str = "train") -> np.ndarray:
        """Where each sample sits in the 2-D plane (its first two columns unless features were applied)."""
        own = self.points_train if split == "train" else self.points_test
        if own is not None:
            return own
        return (self.X_train if split == "train" else self.X_test)[:, :2]
    # Something the user should be told about how this data was chosen, e.g. that the downloaded
    # MNIST set is damaged and the bundled digits stand in for it; "" when there is nothing to say.
    notice: str = ""

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.Y_train.shape[1])

    @property
    def is_image(self) -> bool:
        """True for 28x28 digits (784 features), which the app shows as pictures."""
        return self.n_features == 28 * 28

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, {len(self.X_train)} train / {len(self.X_test)} test, "
                f"{self.n_features} features, {len(self.classes)} classes)")


def targets(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Training targets for class indices: a 0/1 column for two classes, else one-hot rows."""
    labels = np.asarray(labels, dtype=np.int64)
    if n_classes == 2:
        return labels.astype(np.float32).reshape(-1, 1)
    Y = np.zeros((len(labels), n_classes), dtype=np.float32)
    Y[np.arange(len(labels)), labels] = 1.0
    return Y
