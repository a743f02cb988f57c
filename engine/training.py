"""Trainer: mini-batches, shuffling, epochs, history and evaluation. No threads, no Qt.

One `train_step()` takes the next mini-batch of the current shuffled epoch, computes the cost and its
gradients, and lets the optimiser change the network's arrays in place. An epoch is one pass over the
whole training split in a fresh random order (the Trainer's own seeded generator, so a run is
reproducible and does not disturb anyone else's random numbers).

The divergence guard (the one in the app: the worker and the window only report what it decides). A
learning rate too large makes training explode, often while every number is still finite: the cost
climbs to thousands, the weights to 1e4 and beyond. train_step calls it an explosion when

- the cost is not finite, or (after the first WARMUP steps, whose costs fall fast and vary a lot)
  more than COST_FACTOR times its recent level: the running median of the last WINDOW step costs, or
  the cost of a network that knows nothing (it predicts the average target) if that is larger, so the
  noise of a well-trained network's tiny costs never trips it; or
- the largest weight or bias becomes more than RUNAWAY_FACTOR times what it was at the checkpoint
  (or than RUNAWAY_FACTOR, if that was below 1), or not finite.

Every CHECK_EVERY steps the guard copies the weights (a candidate checkpoint); a candidate becomes the
checkpoint it restores only after the next CHECK_EVERY steps stayed calm (their median cost at most
CALM times the one before the candidate). So the restored weights are from before the explosion began,
not merely from the last step whose numbers were finite (which can themselves be 1e37). On an explosion
the network gets those weights back, the optimiser forgets its memory, `diverged` is set and
`divergence` says what happened; train_step returns inf, and `fit` / `run_epoch` raise
TrainingDiverged with that sentence. Whoever changes the weights outside train_step (a slider, a
loaded model) calls `weights_edited()`, so the guard starts again from them.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import deque
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

EXPLODED = "The training exploded — lower the learning rate."  # how every divergence sentence begins

# The divergence guard (see the module's docstring). Measured on every preset and the digits recipe
# (tests/engine/test_divergence.py): normal training stays below a fifth of these limits.
COST_FACTOR = 10.0  # an explosion: a step cost this many times its recent level
RUNAWAY_FACTOR = 100.0  # an explosion: the largest |weight| this many times the checkpoint's
WINDOW = 64  # step costs in the running median
WARMUP = 32  # steps before the cost is compared with its recent level (only NaN/inf count before)
CHECK_EVERY = 16  # steps between candidate checkpoints (and between updates of the limits)
CALM = 1.5  # a candidate is kept if the next steps' median cost is at most this times the one before it
MIN_COST_LEVEL = 1e-3  # costs below this are noise: no explosion is measured relative to them


class TrainingDiverged(ArithmeticError):
    """The training exploded; the weights from before the explosion began were restored."""


def largest_magnitude(arrays: list[np.ndarray]) -> float:
    """The largest |value| over all arrays: NaN if any is NaN (so `not m <= limit` catches it too)."""
    m = 0.0
    for a in arrays:
        if a.size:
            hi, lo = float(a.max()), float(a.min())  # two passes, no temporary array like abs() would make
            m = max(m, hi, -lo) if hi == hi and lo == lo else math.nan
            if m != m:
                return m
    return m


def knowing_nothing_cost(Y: np.ndarray, cost: str, output: str) -> float:
    """The cost of a network that predicts the average target for every sample, i.e. has learned nothing."""
    Y = np.asarray(Y, dtype=np.float64)
    if len(Y) == 0:
        return 0.0
    p = Y.mean(axis=0)
    if cost != "cross_entropy":
        return float(np.sum(Y.var(axis=0)))  # Σ over the outputs of the squared error around the mean
    q = np.clip(p, 1e-12, 1 - 1e-12)
    if output == "softmax":
        return float(-np.sum(p * np.log(q)))  # the entropy of the class frequencies
    return float(-np.sum(p * np.log(q) + (1 - p) * np.log(1 - q)))  # per output, a coin of bias p


class DivergenceGuard:
    """Watches the step costs and the weights; keeps the checkpoint from before an explosion began."""

    def __init__(self, params: list[np.ndarray], floor: float):
        self.floor = max(float(floor), MIN_COST_LEVEL)
        self._safe = [p.copy() for p in params]
        self._candidate = [np.empty_like(p) for p in params]
        self.restart(params, steps=0)

    def restart(self, params: list[np.ndarray], steps: int) -> None:
        """Take `params` as the checkpoint and forget the cost level (after an edit or a restore)."""
        for dst, src in zip(self._safe, params, strict=True):
            np.copyto(dst, src)
        self.safe_step = steps
        self.safe_magnitude = largest_magnitude(params)
        self.weight_limit = RUNAWAY_FACTOR * max(self.safe_magnitude, 1.0)
        self.level = math.nan  # the recent cost level (median); NaN during the warm-up
        self.cost_limit = math.inf
        self._costs: deque[float] = deque(maxlen=WINDOW)
        self._seen = 0
        self._candidate_step: int | None = None
        self._candidate_level = math.nan

    def cost_explodes(self, cost: float) -> bool:
        return not cost <= self.cost_limit  # NaN compares False: caught too

    def weights_explode(self, magnitude: float) -> bool:
        return not magnitude <= self.weight_limit

    def record(self, cost: float, params: list[np.ndarray], steps: int) -> None:
        """A step went well: remember its cost; every CHECK_EVERY steps, update limits and checkpoints."""
        self._costs.append(cost)
        self._seen += 1
        if self._seen % CHECK_EVERY:
            return
        recent = statistics.median(list(self._costs)[-CHECK_EVERY:])
        if self._candidate_step is not None and recent <= CALM * max(self._candidate_level, MIN_COST_LEVEL):
            self._safe, self._candidate = self._candidate, self._safe  # the candidate is confirmed
            self.safe_step = self._candidate_step
            self.safe_magnitude = self._candidate_magnitude
            self.weight_limit = RUNAWAY_FACTOR * max(self.safe_magnitude, 1.0)
        for dst, src in zip(self._candidate, params, strict=True):
            np.copyto(dst, src)
        self._candidate_step, self._candidate_level = steps, recent
        self._candidate_magnitude = largest_magnitude(params)
        if self._seen >= WARMUP:
            self._set_level(statistics.median(self._costs))

    def _set_level(self, level: float) -> None:
        self.level = level
        self.cost_limit = COST_FACTOR * max(level, self.floor)

    def restore(self, params: list[np.ndarray]) -> None:
        for dst, src in zip(params, self._safe, strict=True):
            np.copyto(dst, src)


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
        # Set by train_step when it finds the training has exploded (cleared by the next train_step). By
        # then the network already holds the weights from before the explosion began and the optimiser
        # has forgotten its memory: the worker and the Session only report `divergence`, a sentence.
        self.diverged = False
        self.divergence = ""
        self._guard = DivergenceGuard(
            network.weights + network.biases, knowing_nothing_cost(self._Y, cost, network.output)
        )
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
        """One mini-batch: returns its cost before the step; inf if the training exploded (see above)."""
        self.diverged, self.divergence = False, ""
        epoch_before = self.epoch
        X, Y = self.next_batch()
        net = self.network
        params = net.weights + net.biases
        guard = self._guard
        with np.errstate(all="ignore"):  # an explosion is caught by the guard, not by warnings
            cost, dW, db = net.gradients(X, Y, self.cost_name)
            if guard.cost_explodes(cost):
                return self._diverged(self._cost_sentence(cost))
            # non-finite gradients make the weights non-finite, which the next check catches
            self.optimizer.update(params, dW + db)
            magnitude = largest_magnitude(params)
            if guard.weights_explode(magnitude):
                return self._diverged(self._weights_sentence(magnitude))
        self.steps += 1
        self._remember_step_cost(cost)
        guard.record(cost, params, self.steps)
        if self.epoch != epoch_before and self.lr_decay != 1.0:
            self.optimizer.lr *= self.lr_decay
        return cost

    def weights_edited(self) -> None:
        """The network's weights were changed outside train_step: the guard starts again from them."""
        self._guard.restart(self.network.weights + self.network.biases, self.steps)

    def _cost_sentence(self, cost: float) -> str:
        step, level = self.steps + 1, self._guard.level
        if not math.isfinite(cost):
            what = f"At step {step:,} the cost became {cost}"
        else:
            what = f"At step {step:,} the cost reached {cost:,.4g}, from a recent level of {level:.4g}"
        return f"{EXPLODED} ({what}.) {self._restored()}"

    def _weights_sentence(self, magnitude: float) -> str:
        step, before = self.steps + 1, self._guard.safe_magnitude
        value = f"{magnitude:,.4g}" if math.isfinite(magnitude) else str(magnitude)
        return (f"{EXPLODED} (At step {step:,} the largest weight became {value}; it was "
                f"{before:.4g} at step {self._guard.safe_step:,}.) {self._restored()}")

    def _restored(self) -> str:
        return f"The weights from step {self._guard.safe_step:,}, before the explosion began, are restored."

    def _remember_step_cost(self, cost: float) -> None:
        costs = self.history["step_cost"]
        costs.append(cost)
        # Trimmed in blocks of a tenth: deleting from the front of a list moves all the rest, so doing
        # it at every step would cost more than a small network's step itself.
        if len(costs) > STEP_COST_LIMIT + STEP_COST_LIMIT // 10:
            del costs[: len(costs) - STEP_COST_LIMIT]

    def _diverged(self, sentence: str) -> float:
        params = self.network.weights + self.network.biases
        self._guard.restore(params)
        self._guard.restart(params, self._guard.safe_step)
        self.optimizer.reset()  # its memory (velocity, moments) is poisoned too
        self.diverged = True
        self.divergence = sentence
        return math.inf

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
            if self.diverged:
                raise TrainingDiverged(self.divergence)
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
        """(cost, accuracy) of the network on X, Y: the average cost and the fraction classified right
        (for a regression set: the fraction on the right side of zero)."""
        regression = getattr(self.dataset, "task", "") == "regression"
        return evaluate(self.network, X, Y, self.cost_name, threshold=0.0 if regression else 0.5)


def evaluate(network: Network, X, Y, cost: str = "mse", threshold: float = 0.5) -> tuple[float, float]:
    """(average cost, accuracy in 0..1) over all samples, in chunks so memory stays small.

    With one output, a sample counts as right when output and target are on the same side of
    `threshold`: 0.5 for a 0/1 class, 0 for the sign of a regression target. Else the largest output
    must be the target's class.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    if len(X) == 0:
        raise ValueError("nothing to evaluate: no samples")
    single = Y.shape[1] == 1
    labels = (Y[:, 0] > threshold).astype(np.int64) if single else np.argmax(Y, axis=1)
    total_cost, correct = 0.0, 0
    with np.errstate(all="ignore"):  # a diverged network reports an inf/NaN cost, not warnings
        for i in range(0, len(X), EVAL_CHUNK):
            xs, ys = X[i : i + EVAL_CHUNK], Y[i : i + EVAL_CHUNK]
            out, chunk_cost = network.output_and_cost(xs, ys, cost)  # one forward pass for both
            total_cost += chunk_cost * len(xs)
            predicted = (out[:, 0] > threshold).astype(np.int64) if single else np.argmax(out, axis=1)
            correct += int(np.sum(predicted == labels[i : i + EVAL_CHUNK]))
    return total_cost / len(X), correct / len(X)
