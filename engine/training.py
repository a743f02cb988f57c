"""Trainer: mini-batches, shuffling, epochs, history and evaluation. No threads, no Qt.

One `train_step()` takes the next mini-batch of the current shuffled epoch, computes the cost and its
gradients, and lets the optimiser change the network's arrays in place. An epoch is one pass over the
whole training split in a fresh random order (the Trainer's own seeded generator, so a run is
reproducible and does not disturb anyone else's random numbers).

If the cost or the weights stop being finite numbers (a learning rate too large makes them explode),
the step is undone: the weights go back to what they were before it, the optimiser forgets its memory,
and `train_step` returns the non-finite cost (`fit` and `run_epoch` raise `TrainingDiverged`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from engine import functions as F
from engine.network import Network
from engine.optim import Optimizer, make_optimizer
from engine.threads import blas_threads  # noqa: F401  (re-exported: older scripts import it from here)

EVAL_CHUNK = 4096  # samples per forward pass in evaluate(): bounds memory on the full MNIST set
# history["step_cost"] keeps the costs of the most recent steps only, so a long run in a notebook or
# the CLI does not fill the memory (a million steps would be 32 MB of Python floats). For the long
# view there is history["epoch_train_cost"], one mean per epoch.
STEP_COST_LIMIT = 100_000

EXPLODED = "The cost exploded — lower the learning rate."


class TrainingDiverged(ArithmeticError):
    """The cost became NaN or infinite; the weights from before that step were restored."""


class Trainer:
    """Trains `network` on `dataset` (anything with X_train, Y_train and optionally X_test, Y_test)."""

    def __init__(
        self,
        network: Network,
        dataset,
        cost: str = "mse",
        optimizer: str | Optimizer = "sgd",
        lr: float = 0.1,
        batch_size: int = 32,
        seed: int = 0,
        l2: float = 0.0,
        augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
        lr_decay: float = 1.0,
    ):
        F.check_pairing(cost, network.output)
        X, Y = np.asarray(dataset.X_train), np.asarray(dataset.Y_train)
        if X.ndim != 2 or X.shape[1] != network.sizes[0]:
            raise ValueError(
                f"the data has {X.shape[1] if X.ndim == 2 else '?'} features per sample but the "
                f"network takes {network.sizes[0]} inputs"
            )
        if Y.ndim != 2 or Y.shape != (len(X), network.sizes[-1]):
            raise ValueError(
                f"the data has targets of shape {Y.shape} but the network has "
                f"{network.sizes[-1]} outputs (need ({len(X)}, {network.sizes[-1]}))"
            )
        if len(X) == 0:
            raise ValueError("the training split is empty")
        if not 0 < lr_decay <= 1:
            raise ValueError(f"lr_decay must be in (0, 1], not {lr_decay}")
        if not (isinstance(batch_size, int | np.integer) and batch_size >= 1):
            raise ValueError(f"the batch size must be a whole number >= 1, not {batch_size!r}")
        self.network = network
        self.dataset = dataset
        self.cost_name = cost
        self.optimizer = optimizer if isinstance(optimizer, Optimizer) else make_optimizer(optimizer, lr, l2)
        self.batch_size = int(batch_size)
        self.seed = seed
        self.augment = augment
        self.lr_decay = float(lr_decay)  # the learning rate is multiplied by this after every epoch
        self._X = X.astype(network.dtype, copy=False)
        self._Y = Y.astype(network.dtype, copy=False)
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(X))
        self._pos = 0  # samples of the current epoch already used
        self.steps = 0
        self.epoch = 0  # completed epochs
        # Set by train_step when it finds the training has exploded. By then the network already holds
        # the weights from before the explosion and the optimiser has forgotten its memory: the
        # worker and the Session only report `divergence`, a sentence for the user.
        self.diverged = False
        self.divergence = ""
        self.history: dict[str, list[float]] = {
            "step_cost": [],  # the batch cost before each step; the last STEP_COST_LIMIT steps only
            "epoch_train_cost": [],  # mean of the step costs of each epoch (run_epoch / fit)
            "epoch_test_cost": [],  # test cost after each epoch (run_epoch / fit, if there is a test split)
            "epoch_test_accuracy": [],  # test accuracy after each epoch, 0..1
            "epoch_seconds": [],
        }

    # --- settings ------------------------------------------------------------------------------

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    @lr.setter
    def lr(self, value: float) -> None:
        self.optimizer.lr = value

    @property
    def n_train(self) -> int:
        return len(self._X)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.n_train / self.batch_size)

    @property
    def epoch_progress(self) -> float:
        """Completed epochs as a float: 2.5 is half-way through the third epoch."""
        return self.epoch + self._pos / self.n_train

    # --- training ------------------------------------------------------------------------------

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The next mini-batch of the current epoch (the last one of an epoch may be smaller)."""
        idx = self._order[self._pos : self._pos + self.batch_size]
        self._pos += len(idx)
        if self._pos >= self.n_train:  # the epoch is done: reshuffle for the next one
            self._pos = 0
            self.epoch += 1
            self._order = self._rng.permutation(self.n_train)
        X = self._X[idx]
        if self.augment is not None:
            X = np.asarray(self.augment(X, self._rng), dtype=self.network.dtype)
        return X, self._Y[idx]

    def train_step(self) -> float:
        """One mini-batch: returns its cost before the step. Non-finite: the step was undone."""
        epoch_before = self.epoch
        X, Y = self.next_batch()
        net = self.network
        params = net.weights + net.biases
        with np.errstate(all="ignore"):  # an explosion is caught by the finiteness checks
            cost, dW, db = net.gradients(X, Y, self.cost_name)
            grads = dW + db
            if not (math.isfinite(cost) and all(np.isfinite(g).all() for g in grads)):
                return self._diverged(cost, None)
            before = [p.copy() for p in params]
            self.optimizer.update(params, grads)
            if not all(np.isfinite(p).all() for p in params):
                return self._diverged(math.inf, before)
        self.steps += 1
        self._remember_step_cost(cost)
        if self.epoch != epoch_before and self.lr_decay != 1.0:
            self.optimizer.lr *= self.lr_decay
        return cost

    def _remember_step_cost(self, cost: float) -> None:
        costs = self.history["step_cost"]
        costs.append(cost)
        # Trimmed in blocks of a tenth: deleting from the front of a list moves all the rest, so doing
        # it at every step would cost more than a small network's step itself.
        if len(costs) > STEP_COST_LIMIT + STEP_COST_LIMIT // 10:
            del costs[: len(costs) - STEP_COST_LIMIT]

    def _diverged(self, cost: float, before: list[np.ndarray] | None) -> float:
        if before is not None:
            for p, saved in zip(self.network.weights + self.network.biases, before, strict=True):
                np.copyto(p, saved)
        self.optimizer.reset()  # its memory (velocity, moments) may be poisoned too
        self.diverged = True
        self.divergence = EXPLODED
        return cost if not math.isfinite(cost) else math.inf

    def run_epoch(self, progress: Callable[[dict], None] | None = None, *, _fit: dict | None = None) -> dict:
        """Train until the current epoch is complete; then evaluate on the test split (if any)."""
        start = time.perf_counter()
        fit = _fit or {"epochs": self.epoch + 1, "start": start, "first_epoch": self.epoch}
        epoch_now = self.epoch
        costs = []
        running = 0.0  # the sum of this epoch's costs, for the mean so far that progress reports
        last_report = 0.0
        while self.epoch == epoch_now:
            cost = self.train_step()
            if not math.isfinite(cost):
                raise TrainingDiverged(
                    f"{EXPLODED} (the cost became {cost} at step {self.steps + 1}; the "
                    f"weights from before that step were restored)"
                )
            costs.append(cost)
            running += cost
            now = time.perf_counter()
            if progress is not None and (now - last_report >= 0.05 or self.epoch != epoch_now):
                last_report = now
                info = self._progress_info("step", cost, fit, now)
                info["epoch_cost"] = running / len(costs)
                progress(info)
        seconds = time.perf_counter() - start
        result = {
            "epoch": self.epoch,
            "steps": self.steps,
            "train_cost": float(np.mean(costs)),
            "seconds": seconds,
        }
        self.history["epoch_train_cost"].append(result["train_cost"])
        self.history["epoch_seconds"].append(seconds)
        X_test = getattr(self.dataset, "X_test", None)
        Y_test = getattr(self.dataset, "Y_test", None)
        if X_test is not None and Y_test is not None and len(X_test):
            result["test_cost"], result["test_accuracy"] = self.evaluate(X_test, Y_test)
            self.history["epoch_test_cost"].append(result["test_cost"])
            self.history["epoch_test_accuracy"].append(result["test_accuracy"])
        if progress is not None:
            info = self._progress_info("epoch", result["train_cost"], fit, time.perf_counter())
            info.update({k: v for k, v in result.items() if k.startswith("test_")})
            progress(info)
        return result

    def fit(self, epochs: int, progress: Callable[[dict], None] | None = None) -> dict:
        """Train `epochs` more epochs. progress(info) gets event ("step"/"epoch"), epoch, epochs, step,
        cost (the last batch's; after an epoch, the epoch's mean), epoch_cost (steps only: the mean so
        far this epoch), eta (seconds), elapsed, and after each epoch test_cost / test_accuracy.

        Returns the last epoch's figures: epochs, steps, train_cost, test_cost, test_accuracy, seconds.
        """
        if not (isinstance(epochs, int | np.integer) and epochs >= 0):
            raise ValueError(f"epochs must be a whole number >= 0, not {epochs!r}")
        start = time.perf_counter()
        fit = {"epochs": self.epoch + epochs, "start": start, "first_epoch": self.epoch}
        result: dict = {"epoch": self.epoch, "steps": self.steps}
        for _ in range(epochs):
            result = self.run_epoch(progress, _fit=fit)
        result["seconds"] = time.perf_counter() - start
        result["epochs"] = result.pop("epoch")
        return result

    def _progress_info(self, event: str, cost: float, fit: dict, now: float) -> dict:
        elapsed = now - fit["start"]
        done = self.epoch_progress - fit["first_epoch"]
        total = fit["epochs"] - fit["first_epoch"]
        eta = elapsed / done * (total - done) if done > 0 else math.nan
        return {
            "event": event,
            "epoch": self.epoch,
            "epochs": fit["epochs"],
            "first_epoch": fit["first_epoch"],
            "epoch_progress": self.epoch_progress,
            "step": self.steps,
            "steps_per_epoch": self.steps_per_epoch,
            "cost": cost,
            "elapsed": elapsed,
            "eta": max(0.0, eta) if math.isfinite(eta) else math.nan,
        }

    # --- evaluation ----------------------------------------------------------------------------

    def evaluate(self, X, Y) -> tuple[float, float]:
        """(cost, accuracy) of the network on X, Y: the average cost and the fraction classified right."""
        return evaluate(self.network, X, Y, self.cost_name)


def evaluate(network: Network, X, Y, cost: str = "mse") -> tuple[float, float]:
    """(average cost, accuracy in 0..1) over all samples, in chunks so memory stays small."""
    X, Y = np.asarray(X), np.asarray(Y)
    if len(X) == 0:
        raise ValueError("nothing to evaluate: no samples")
    labels = (Y[:, 0] > 0.5).astype(np.int64) if Y.shape[1] == 1 else np.argmax(Y, axis=1)
    total_cost, correct = 0.0, 0
    with np.errstate(all="ignore"):  # a diverged network reports an inf/NaN cost, not warnings
        for i in range(0, len(X), EVAL_CHUNK):
            xs, ys = X[i : i + EVAL_CHUNK], Y[i : i + EVAL_CHUNK]
            total_cost += network.cost(xs, ys, cost) * len(xs)
            correct += int(np.sum(network.predict(xs) == labels[i : i + EVAL_CHUNK]))
    return total_cost / len(X), correct / len(X)
