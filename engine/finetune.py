"""Fine-tuning: go on training a network that is already trained, without making it worse.

Training from scratch wants big steps; a trained network sits near a good minimum, where big steps
throw it out again. Adam with the usual rate (0.001) is the worst case: it starts with fresh moment
estimates, so its first steps are as large as the rate allows in every weight at once — 30 such steps
took the shipped digits model from 98.1% to 96.9% on the bundled test split. FINE_TUNE is the setting
for a trained network: plain gradient descent (nothing to warm up) with a rate small enough that 100
steps on the bundled training digits keep the test accuracy within 0.3 points
(tests/engine/test_finetune.py measures it).

fine_tune teaches a trained digits network some extra digits (the user's own handwriting, say). It
trains on them mixed with the original training digits, so the network does not forget the rest
while it learns them: the extra digits are oversampled (each appears many times, each copy shifted
and scaled a little, as a hand would place it) until they make up EXTRA_SHARE of what it trains on.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.augment import augment_digits
from engine.datasets.dataset import Dataset, targets
from engine.network import Network
from engine.training import EXPLODED, Trainer, TrainingDiverged

EXTRA_SHARE = 0.2  # of the mixed training data that is the extra digits
STEPS = 300  # mini-batches of a fine-tune: a few seconds for the default digits model
# Each oversampled copy of an extra digit is moved and resized a little (as a hand would place it),
# but neither turned nor made bolder or thinner: the slant and the pen are what the user teaches.
JITTER = {"max_shift": 1.5, "max_rotation": 0.0, "max_scale": 0.05, "thickness": 0.0}


OPTIMIZER_NAMES = {"sgd": "plain gradient descent (SGD)", "momentum": "momentum", "adam": "Adam"}


@dataclass(frozen=True)
class FineTuneSetting:
    """The optimiser, learning rate and batch size for training an already trained network."""

    optimizer: str
    lr: float
    batch_size: int

    def describe(self) -> str:
        """One sentence for the screen: which setting Step, Run and Fine-tune use, and why."""
        name = OPTIMIZER_NAMES.get(self.optimizer, self.optimizer)
        return (f"Fine-tuning: {name}, learning rate {self.lr:g}, batches of "
                f"{self.batch_size} — small steps suit a network that is already trained.")


# Measured on the shipped model (tests/engine/test_finetune.py): 100 steps of plain SGD at 0.03 change
# its bundled test accuracy by at most 0.2 points, and it has no memory that starts from zero (Adam at
# 1e-4 and 5e-5 were as safe, but forgot a little more while fine-tuning on a new style).
FINE_TUNE = FineTuneSetting(optimizer="sgd", lr=0.03, batch_size=64)


def cost_for(net: Network) -> str:
    """The cost a classifier is trained with: cross-entropy for sigmoid/softmax outputs, else MSE."""
    return "cross_entropy" if net.output in ("softmax", "sigmoid") else "mse"


def make_trainer(net: Network, dataset, setting: FineTuneSetting = FINE_TUNE, seed: int = 0,
                 cost: str | None = None) -> Trainer:
    """A Trainer that continues training `net` with the fine-tuning setting (for Step and Run on a
    trained model)."""
    return Trainer(net, dataset, cost=cost or cost_for(net), optimizer=setting.optimizer, lr=setting.lr,
                   batch_size=setting.batch_size, seed=seed)


@dataclass(frozen=True)
class FineTuneResult:
    """Accuracies (0..1) on the extra digits and on the base test split, before and after."""

    extra_before: float
    extra_after: float
    test_before: float
    test_after: float
    steps: int
    seconds: float
    setting: FineTuneSetting

    def summary(self) -> str:
        return (f"my digits {self.extra_before:.1%} → {self.extra_after:.1%}, bundled test "
                f"{self.test_before:.1%} → {self.test_after:.1%} ({self.steps} steps)")


class FineTuneCancelled(Exception):
    """cancel() said stop; the network holds the weights it had before the fine-tune."""


def mixed_dataset(extra_X: np.ndarray, extra_labels: np.ndarray, base: Dataset, share: float = EXTRA_SHARE,
                  seed: int = 0) -> Dataset:
    """base's training digits plus the extra digits, oversampled to `share` of the total.

    The test split stays base's, so the accuracy the Trainer reports is still the one on base.
    """
    n_base, n_extra = len(base.X_train), len(extra_X)
    copies = max(1, math.ceil(share * n_base / ((1.0 - share) * n_extra)))
    X = np.repeat(np.asarray(extra_X, dtype=np.float32), copies, axis=0)
    if base.is_image:
        X = augment_digits(X, np.random.default_rng(seed), **JITTER)
    labels = np.concatenate([base.labels_train, np.repeat(extra_labels, copies)])
    n_classes = base.n_outputs if base.n_outputs > 1 else 2
    return Dataset(
        name=base.name, X_train=np.concatenate([base.X_train, X]), Y_train=targets(labels, n_classes),
        X_test=base.X_test, Y_test=base.Y_test, labels_train=labels, labels_test=base.labels_test,
        classes=list(base.classes), feature_names=list(base.feature_names),
        source=f"{base.source} + {n_extra} extra digits ×{copies}",
    )


def fine_tune(
    net: Network,
    extra_X,
    extra_labels,
    base_dataset: Dataset,
    steps: int | None = None,
    *,
    epochs: float | None = None,
    progress: Callable[[dict], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    setting: FineTuneSetting = FINE_TUNE,
    seed: int = 0,
) -> FineTuneResult:
    """Train `net` (in place) on the extra digits mixed with base_dataset's training split.

    The length is `steps` mini-batches (default STEPS) or `epochs` passes over the mixed data.
    progress(info) is called after every step with step, steps, cost; cancel() is polled before each
    step, and True restores the weights from before and raises FineTuneCancelled. A cost that explodes
    restores them too and raises TrainingDiverged.
    """
    extra_X = np.asarray(extra_X, dtype=np.float32)
    extra_labels = np.asarray(extra_labels, dtype=np.int64).reshape(-1)
    if extra_X.ndim != 2 or extra_X.shape[1] != net.sizes[0]:
        raise ValueError(f"the extra digits must be (n, {net.sizes[0]}) rows; got shape {extra_X.shape}")
    if len(extra_X) == 0 or len(extra_X) != len(extra_labels):
        raise ValueError(f"need at least one extra digit and one label each ({len(extra_X)} digits, "
                         f"{len(extra_labels)} labels)")
    n_classes = max(net.sizes[-1], 2)
    if extra_labels.min() < 0 or extra_labels.max() >= n_classes:
        raise ValueError(f"the extra labels must lie in 0..{n_classes - 1}")
    if steps is not None and epochs is not None:
        raise ValueError("give steps or epochs, not both")

    start = time.perf_counter()
    data = mixed_dataset(extra_X, extra_labels, base_dataset, seed=seed)
    trainer = make_trainer(net, data, setting, seed=seed)
    if epochs is not None:
        if not epochs > 0:
            raise ValueError(f"epochs must be positive, not {epochs!r}")
        steps = math.ceil(epochs * trainer.steps_per_epoch)
    steps = STEPS if steps is None else int(steps)
    if steps < 0:
        raise ValueError(f"steps must be 0 or more, not {steps}")

    extra_before = _accuracy(net, extra_X, extra_labels)
    test_before = _accuracy(net, base_dataset.X_test, base_dataset.labels_test)
    original = net.copy()
    for step in range(1, steps + 1):
        if cancel is not None and cancel():
            net.copy_parameters_from(original)
            raise FineTuneCancelled(f"Fine-tuning cancelled after {step - 1} of {steps} steps; the "
                                    "network is as it was before.")
        cost = trainer.train_step()
        if not math.isfinite(cost):
            net.copy_parameters_from(original)
            raise TrainingDiverged(f"{EXPLODED} The network is as it was before the fine-tune.")
        if progress is not None:
            progress({"event": "step", "step": step, "steps": steps, "cost": cost})
    return FineTuneResult(
        extra_before=extra_before, extra_after=_accuracy(net, extra_X, extra_labels),
        test_before=test_before, test_after=_accuracy(net, base_dataset.X_test, base_dataset.labels_test),
        steps=steps, seconds=time.perf_counter() - start, setting=setting,
    )


def _accuracy(net: Network, X: np.ndarray, labels: np.ndarray) -> float:
    if len(X) == 0:
        return float("nan")
    return float(np.mean(np.atleast_1d(net.predict(X)) == labels))


def fine_tune_files(
    model_path: str | os.PathLike,
    extra_path: str | os.PathLike,
    out_path: str | os.PathLike,
    *,
    source: str = "bundled",
    steps: int | None = None,
    epochs: float | None = None,
    seed: int = 0,
    progress: Callable[[dict], None] | None = None,
) -> FineTuneResult:
    """What `python main.py train --dataset digits --extra my-digits.npz --from MODEL --out PATH` does:
    load the model and the My digits file, fine-tune on them mixed with the digits dataset (`source`:
    bundled, full or auto), and save the result with the before/after figures in its meta.

    A model or My digits file that cannot be read raises ValueError before anything is written.
    """
    from engine import datasets
    from engine.datasets import my_digits
    from engine.io import load, save

    net = load(model_path)
    extra_X, extra_labels = my_digits.load(extra_path)
    base = datasets.load("digits", source=source)
    result = fine_tune(net, extra_X, extra_labels, base, steps, epochs=epochs, progress=progress, seed=seed)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    save(net, out_path, meta={
        "fine_tuned_from": Path(model_path).name,
        "extra_digits": len(extra_X),
        "data_source": base.source,
        "optimizer": result.setting.optimizer,
        "lr": result.setting.lr,
        "batch": result.setting.batch_size,
        "steps": result.steps,
        "seed": seed,
        "extra_accuracy_before": result.extra_before,
        "extra_accuracy_after": result.extra_after,
        "test_accuracy_before": result.test_before,
        "test_accuracy": result.test_after,
    })
    return result
