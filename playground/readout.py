"""What the views read from the Session, computed from its state and nothing else. Qt-free.

A mixin: the Session (a QObject) inherits these, so a view still asks `session.activations()`; they
need only `network`, `dataset`, `input` and `cost_name`, so a test can use them on a plain object too.
The forward pass of the shown input is cached until the network or the input changes (`_forward = None`).
"""

from __future__ import annotations

import numpy as np

from engine.datasets import Dataset
from engine.network import Network
from playground.data_catalog import neuron_names, probe_batch
from playground.state import parameter_value


class Readout:
    network: Network
    dataset: Dataset
    input: np.ndarray
    cost_name: str
    sample_index: int
    parameter: tuple[int, int, int | None] | None
    _forward: tuple[list[np.ndarray], list[np.ndarray]] | None = None  # z and a of the shown input
    _probe: tuple[Dataset, np.ndarray, np.ndarray] | None = None

    def _fit_input(self) -> None:
        """Show the test sample at sample_index (clipped to the data), silently: the caller signals."""
        X = self.dataset.X_test
        if not len(X):  # hand-made data without test points: show the origin of the plane
            self.sample_index, self.input_label, self.input_caption = 0, None, "no test samples"
            self.input = np.zeros(self.network.sizes[0], dtype=np.float32)
            self._forward = None
            return
        self.sample_index = index = int(np.clip(self.sample_index, 0, len(X) - 1))
        self.input = np.asarray(X[index], dtype=np.float32)
        self.input_label = int(self.dataset.labels_test[index])
        self.input_caption = f"test sample {index + 1} of {len(X)}"
        self._forward = None

    def _forward_pass(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        if self._forward is None:
            zs, acts = self.network.trace(self.input)
            self._forward = ([np.asarray(z) for z in zs], [np.asarray(a) for a in acts])
        return self._forward

    def activations(self) -> list[np.ndarray]:
        """Activations for the shown input, the input layer first."""
        return self._forward_pass()[1]

    def weighted_sums(self) -> list[np.ndarray]:
        """z of layers 1..L for the shown input."""
        return self._forward_pass()[0]

    def prediction(self) -> np.ndarray:
        return self.activations()[-1]

    def predicted_class(self, output: np.ndarray | None = None) -> int:
        out = self.prediction() if output is None else output
        if self.dataset.task == "regression":  # the "class" of a regression set is the target's sign
            return int(out[0] > 0)
        return int(out[0] > 0.5) if out.shape[-1] == 1 else int(np.argmax(out))

    def evaluate(self, split: str = "test") -> tuple[float, float]:
        """(cost, accuracy) of the shown network on a split, as the engine computes them."""
        X, Y, labels = self._split(split)
        if not len(X):
            return float("nan"), float("nan")
        net = self.network
        # one forward pass for both figures (the status bar asks after every edit and Step, and the test
        # set of a digits network is thousands of samples)
        out, cost = net.output_and_cost(X, Y, self.cost_name)
        if self.dataset.task == "regression":  # labels say "above 0": is the prediction on that side?
            predicted = out[:, 0] > 0
        else:  # as Network.predict: the largest output, or (one output) whether it exceeds 0.5
            predicted = (out[:, 0] > 0.5) if out.shape[1] == 1 else np.argmax(out, axis=1)
        return float(cost), float(np.mean(predicted == labels))

    def _split(self, split: str):
        d = self.dataset
        if split == "train":
            return d.X_train, d.Y_train, d.labels_train
        return d.X_test, d.Y_test, d.labels_test

    def input_labels(self, layer: int) -> list[str]:
        """Names of the neurons of `layer`, as the lab labels a neuron's inputs."""
        if layer == 0 and self.dataset.points_train is not None:  # features of 2-D points: x1², sin x2, ...
            return list(self.dataset.feature_names)
        return neuron_names(self.network.sizes, layer)

    def gradient_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The fixed probe batch the gradient views use: up to data_catalog.PROBE_SIZE training samples,
        the same arrays until the data changes, so a curve drawn on it does not jump with each batch."""
        if self._probe is None or self._probe[0] is not self.dataset:
            self._probe = (self.dataset, *probe_batch(self.dataset, self.network.dtype))
        return self._probe[1], self._probe[2]

    def parameter_value(self) -> float | None:
        """The current value of the selected parameter, or None."""
        return None if self.parameter is None else parameter_value(self.network, self.parameter)

    @property
    def hidden(self) -> list[int]:
        return list(self.network.sizes[1:-1])

    def _describe(self) -> str:
        sizes = "-".join(str(n) for n in self.network.sizes)
        return f"{self.dataset_name} data, a {sizes} network, {self.network.activation} hidden neurons"
