"""Optimisers: turn gradients into weight changes, in place.

`update(params, grads)` takes the network's own arrays (weights and biases, in any fixed order) and
their gradients, and changes the arrays in place, so sliders and views holding them stay live.

L2 regularisation ("weight decay") adds (l2 / 2)·Σ w² to the cost, i.e. l2·w to each weight's gradient,
which pulls weights towards 0. It applies to weight matrices only (arrays with 2 dimensions), not to
biases: a bias only shifts a neuron, it does not make the network more wiggly.

The memory an optimiser keeps (momentum's velocity, Adam's moment estimates) is matched to the arrays
by position; `reset()` forgets it (after a divergence, say, or when the network changes shape).

Speed: each update writes its intermediate results into scratch arrays made once (`out=`), in the
order the formulas below are written, so the numbers are the ones the plain expressions give, bit for
bit. A fresh temporary array of a big layer's size costs more than the arithmetic in it (the memory
is new to the process every time), and the caller's gradients are never written over.
"""

from __future__ import annotations

import numpy as np


class Optimizer:
    name = "optimizer"

    def __init__(self, lr: float = 0.1, l2: float = 0.0):
        self.lr = lr
        self.l2 = l2
        self.t = 0  # updates done
        self._kept_scratch: list[tuple[np.ndarray, ...]] | None = None

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        value = float(value)
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"the learning rate must be a positive number, not {value}")
        self._lr = value

    @property
    def l2(self) -> float:
        return self._l2

    @l2.setter
    def l2(self, value: float) -> None:
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"the L2 strength must be 0 or positive, not {value}")
        self._l2 = value

    def reset(self) -> None:
        self.t = 0

    def _grad(self, p: np.ndarray, g: np.ndarray, out: np.ndarray) -> np.ndarray:
        """g + l2·p for weight matrices (into `out`), g itself for biases or without L2."""
        if self._l2 and p.ndim >= 2:
            np.multiply(p, self._l2, out=out)
            return np.add(g, out, out=out)
        return g

    def _scratch(self, params: list[np.ndarray], count: int) -> list[tuple[np.ndarray, ...]]:
        """`count` arrays shaped like each parameter array, made once (again if the shapes change)."""
        kept = self._kept_scratch
        if kept is None or len(kept) != len(params) or len(kept[0]) != count or any(
            k[0].shape != p.shape or k[0].dtype != p.dtype for k, p in zip(kept, params, strict=True)
        ):
            kept = self._kept_scratch = [tuple(np.empty_like(p) for _ in range(count)) for p in params]
        return kept

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if len(params) != len(grads):
            raise ValueError(f"{len(params)} parameter arrays but {len(grads)} gradients")
        for p, g in zip(params, grads, strict=True):
            if p.shape != g.shape:
                raise ValueError(f"a gradient of shape {g.shape} cannot update an array of shape {p.shape}")
        self.t += 1
        self._update(params, grads)

    def _update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g}, l2={self.l2:g})"


class SGD(Optimizer):
    """Plain gradient descent: w ← w − lr·g."""

    name = "sgd"

    def _update(self, params, grads):
        for p, g, (s,) in zip(params, grads, self._scratch(params, 1), strict=True):
            step = np.multiply(self._grad(p, g, out=s), self.lr, out=s)  # p −= lr · g
            p -= step


class Momentum(Optimizer):
    """A heavy ball rolling downhill: v ← μ·v + g, w ← w − lr·v. Rides through small bumps, speeds up in
    long valleys."""

    name = "momentum"

    def __init__(self, lr: float = 0.1, l2: float = 0.0, momentum: float = 0.9):
        super().__init__(lr, l2)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), not {momentum}")
        self.momentum = float(momentum)
        self._v: list[np.ndarray] | None = None

    def reset(self) -> None:
        super().reset()
        self._v = None

    def _update(self, params, grads):
        if self._v is None or [v.shape for v in self._v] != [p.shape for p in params]:
            self._v = [np.zeros_like(p) for p in params]
        for p, g, v, (s,) in zip(params, grads, self._v, self._scratch(params, 1), strict=True):
            v *= self.momentum
            v += self._grad(p, g, out=s)
            p -= np.multiply(v, self.lr, out=s)  # p −= lr · v


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): momentum on the gradient (m) and a per-weight step size from the running
    size of the gradient (v), so every weight moves about lr per step whatever its gradient's scale."""

    name = "adam"

    def __init__(
        self, lr: float = 0.001, l2: float = 0.0, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ):
        super().__init__(lr, l2)
        for label, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{label} must be in [0, 1), not {beta}")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self._m: list[np.ndarray] | None = None
        self._v: list[np.ndarray] | None = None

    def reset(self) -> None:
        super().reset()
        self._m = self._v = None

    def _update(self, params, grads):
        if self._m is None or [m.shape for m in self._m] != [p.shape for p in params]:
            self._m = [np.zeros_like(p) for p in params]
            self._v = [np.zeros_like(p) for p in params]
            self.t = 1
        b1, b2 = self.beta1, self.beta2
        # the bias corrections: m and v start at 0, so early averages are too small by (1 − β^t)
        c1 = 1.0 - b1**self.t
        c2 = 1.0 - b2**self.t
        for p, g, m, v, (s, r) in zip(params, grads, self._m, self._v, self._scratch(params, 2), strict=True):
            g = self._grad(p, g, out=r)
            m *= b1
            m += np.multiply(g, 1.0 - b1, out=s)  # m ← β1·m + (1 − β1)·g
            v *= b2
            step = np.multiply(g, g, out=s)
            step *= 1.0 - b2
            v += step  # v ← β2·v + (1 − β2)·g²
            step = np.multiply(m, self.lr / c1, out=s)
            root = np.divide(v, c2, out=r)
            np.sqrt(root, out=root)
            root += self.eps
            step /= root
            p -= step  # p ← p − (lr / c1)·m / (√(v / c2) + eps)


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, lr: float, l2: float = 0.0, **kw) -> Optimizer:
    """An optimiser by name: "sgd", "momentum" (kw: momentum=0.9) or "adam" (kw: beta1, beta2, eps)."""
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}") from None
    return cls(lr=lr, l2=l2, **kw)
