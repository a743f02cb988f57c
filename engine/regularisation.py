"""L1 regularisation, on top of any optimiser: weights that do not earn their keep become exactly zero.

L1 adds l1·Σ|w| to the cost. Its gradient, l1·sign(w), never lets a weight rest at 0: plain gradient
descent makes it hop from side to side. The proximal step does what the cost asks for instead: after
the optimiser's own update, every weight moves lr·l1 towards 0 and stops there if it would cross it
("soft thresholding"). A weight whose gradient cannot pull harder than l1 then stays at exactly 0, so
a sparse network can be seen: the window draws such weights dashed. Like L2 (optim.py), it applies to
weight matrices only, not to biases.
"""

from __future__ import annotations

import numpy as np

from engine.optim import Optimizer, make_optimizer


def soft_threshold(w: np.ndarray, amount: float) -> None:
    """In place: w moves `amount` towards 0, and is 0 where |w| <= amount."""
    np.copyto(w, np.sign(w) * np.maximum(np.abs(w) - amount, 0.0))


class L1(Optimizer):
    """`inner`'s update followed by the L1 proximal step of size lr·l1 on each weight matrix."""

    def __init__(self, inner: Optimizer, l1: float):
        if not np.isfinite(l1) or l1 < 0:
            raise ValueError(f"the L1 strength must be 0 or positive, not {l1}")
        self.inner = inner
        self.l1 = float(l1)
        self.name = inner.name

    # the learning rate, L2 and step count are the inner optimiser's (a Trainer sets lr through here)
    lr = property(lambda self: self.inner.lr, lambda self, value: setattr(self.inner, "lr", value))
    l2 = property(lambda self: self.inner.l2, lambda self, value: setattr(self.inner, "l2", value))
    t = property(lambda self: self.inner.t, lambda self, value: setattr(self.inner, "t", value))

    def reset(self) -> None:
        self.inner.reset()

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        self.inner.update(params, grads)
        if self.l1:
            amount = self.lr * self.l1
            for p in params:
                if p.ndim >= 2:
                    soft_threshold(p, amount)

    def __repr__(self) -> str:
        return f"L1({self.inner!r}, l1={self.l1:g})"


def make_regularised(name: str, lr: float, l1: float = 0.0, l2: float = 0.0) -> Optimizer:
    """An optimiser by name with L2 (its own) and L1 (the proximal step above) regularisation."""
    inner = make_optimizer(name, lr, l2)
    return L1(inner, l1) if l1 else inner
