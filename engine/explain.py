"""Why the network said what it said: saliency maps and the confusion matrix.

saliency(net, x, digit) answers "which pixels make this look like a `digit`?": the derivative of the
network's output for `digit` (its probability, with a softmax or sigmoid output) with respect to every
input pixel. A positive value says "more ink here would make it more of a `digit`", a negative one
"ink here argues against it". It is backprop, carried one layer further than training needs, down to
the input:

    δ(L) = e_digit ⊙ f'(z(L))         (softmax: the Jacobian's row for `digit`, a_d (e_d − a))
    δ(l−1) = (δ(l) · W(l)) ⊙ f'(z(l−1))
    ∂p/∂x = δ(1) · W(0)

The confusion matrix counts, for a labelled set, how often each true digit (row) was read as each
digit (column): the diagonal holds the right answers, the rest shows which digits get mixed up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import functions as F
from engine.network import Network

CHUNK = 4096  # samples per forward pass in confusion_matrix: bounds memory on the full MNIST set


def saliency(net: Network, x, digit: int) -> np.ndarray:
    """∂ output[digit] / ∂ pixel for one input x (n_in,): an (n_in,) float64 array.

    Computed in float64 whatever the network's dtype, so it matches finite differences closely.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if x.shape[0] != net.sizes[0]:
        raise ValueError(f"the network takes {net.sizes[0]} inputs; got {x.shape[0]} values")
    n_out = net.sizes[-1]
    if not (isinstance(digit, int | np.integer) and 0 <= digit < n_out):
        raise ValueError(f"digit must be an output index 0..{n_out - 1}, not {digit!r}")
    weights = [w.astype(np.float64) for w in net.weights]
    biases = [b.astype(np.float64) for b in net.biases]

    # forward, keeping every layer's weighted sums and activations (the input first)
    zs, acts = [], [x]
    for l, (w, b) in enumerate(zip(weights, biases, strict=True), start=1):
        z = acts[-1] @ w.T + b
        zs.append(z)
        acts.append(F.ACTIVATIONS[net.layer_activation(l)].f(z))

    # δ of the output layer: ∂ output[digit] / ∂ z(L)
    out, a = F.ACTIVATIONS[net.output], acts[-1]
    chosen = np.zeros(n_out)
    chosen[digit] = 1.0
    if out.elementwise:
        delta = chosen * out.df(zs[-1], a)
    else:
        delta = F.softmax_backward(a, chosen)  # a_d (e_d − a): every logit moves p(digit)
    hidden = F.ACTIVATIONS[net.activation]
    for l in range(net.n_layers - 1, 0, -1):
        delta = (delta @ weights[l]) * hidden.df(zs[l - 1], acts[l])
    return delta @ weights[0]


@dataclass(frozen=True)
class ConfusionMatrix:
    """counts[t, p]: how many samples of true class t the network read as class p."""

    counts: np.ndarray  # (n_classes, n_classes) int64; rows = true label, columns = predicted
    labels: np.ndarray  # (n,) the true class of every sample
    predicted: np.ndarray  # (n,) what the network said for every sample

    @property
    def n_classes(self) -> int:
        return int(self.counts.shape[0])

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def accuracy(self) -> float:
        """The fraction of all samples read right (NaN for no samples)."""
        return float(np.trace(self.counts) / self.total) if self.total else float("nan")

    @property
    def per_class_accuracy(self) -> np.ndarray:
        """For each true class, the fraction of its samples read right (NaN for a class with none)."""
        per_row = self.counts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(per_row > 0, np.diag(self.counts) / per_row, np.nan)

    def samples(self, true: int, predicted: int) -> np.ndarray:
        """The indices of the samples in cell (true, predicted), in data order."""
        return np.flatnonzero((self.labels == true) & (self.predicted == predicted))


def confusion_matrix(net: Network, X, labels, n_classes: int) -> ConfusionMatrix:
    """The confusion matrix of `net` on samples X (n, n_in) with true class `labels` (n,)."""
    X = np.asarray(X)
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if len(X) != len(labels):
        raise ValueError(f"{len(X)} samples but {len(labels)} labels")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1}")
    predicted = np.concatenate(
        [np.atleast_1d(net.predict(X[i : i + CHUNK])) for i in range(0, len(X), CHUNK)]
        or [np.zeros(0, np.int64)]
    ).astype(np.int64)
    if predicted.size and predicted.max() >= n_classes:
        raise ValueError(f"the network predicts class {predicted.max()}, beyond the {n_classes} classes")
    counts = np.bincount(labels * n_classes + predicted, minlength=n_classes * n_classes)
    return ConfusionMatrix(counts.reshape(n_classes, n_classes).astype(np.int64), labels, predicted)
