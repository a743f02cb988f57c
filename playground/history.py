"""What the cost plot draws: training cost per step, test cost and accuracy per epoch, kept bounded.

Qt-free, like the engine: plain lists that grow to a limit, then merge neighbours so that a Run of any
length keeps a fixed number of points.
"""

from __future__ import annotations

import numpy as np

MAX_TRAINING_POINTS = 2000
MAX_EPOCH_POINTS = 500


class Series:
    """Columns of plotted points, kept to at most `limit` rows however long training goes.

    When full, neighbouring rows are merged pairwise (averaged) and from then on new rows are first
    averaged in groups of the same size, so every plotted point stands for the same number of steps.
    """

    def __init__(self, columns: int, limit: int):
        self.limit = limit
        self.rows: list[list[float]] = [[] for _ in range(columns)]
        self.stride = 1  # how many raw rows each kept row averages
        self._pending: list[list[float]] = []
        self.latest: tuple[float, ...] | None = None  # the last row added, as it was (not averaged)

    def __len__(self) -> int:
        return len(self.rows[0])

    def add(self, *values: float) -> None:
        self.latest = tuple(float(v) for v in values)
        if self.stride == 1:
            for column, value in zip(self.rows, values, strict=True):
                column.append(float(value))
        else:
            self._pending.append(values)
            if len(self._pending) < self.stride:
                return
            n = len(self._pending)
            for column, group in zip(self.rows, zip(*self._pending, strict=True), strict=True):
                column.append(sum(group) / n)
            self._pending = []
        if len(self) > self.limit:
            self._halve()

    def _halve(self) -> None:
        for k, column in enumerate(self.rows):
            pairs = len(column) // 2
            a = np.asarray(column[: 2 * pairs], dtype=float).reshape(pairs, 2).mean(axis=1)
            self.rows[k] = a.tolist() + column[2 * pairs :]
        self.stride *= 2

    def clear(self) -> None:
        self.rows = [[] for _ in self.rows]
        self.stride = 1
        self._pending = []
        self.latest = None

    def column(self, k: int) -> np.ndarray:
        return np.asarray(self.rows[k], dtype=float)


class History:
    """Training cost per step and test cost/accuracy per epoch, for the cost plot."""

    def __init__(self) -> None:
        self.train = Series(2, MAX_TRAINING_POINTS)  # step, cost
        self.test = Series(4, MAX_EPOCH_POINTS)  # step, test cost, test accuracy (0..1), epoch
        # (step, words): where the cost function changed, so one curve does not silently mix two costs
        self.marks: list[tuple[int, str]] = []

    def clear(self) -> None:
        self.train.clear()
        self.test.clear()
        self.marks = []

    def mark(self, step: int, words: str) -> None:
        """The costs after `step` are another function's; nothing to mark before the first step."""
        if len(self.train):
            self.marks.append((int(step), words))

    @property
    def last_cost(self) -> float | None:
        """The cost of the latest step (a plotted point may average several)."""
        return self.train.latest[1] if self.train.latest is not None else None

    @property
    def last_test(self) -> tuple[float, float] | None:
        """(test cost, test accuracy) of the latest evaluation, not an average of the thinned points."""
        if self.test.latest is None:
            return None
        return self.test.latest[1], self.test.latest[2]
