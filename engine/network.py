"""A layered network: a list of weight matrices and a list of bias vectors.

Layer 0 is the input. Layer l >= 1 computes, for a whole batch X at once (one sample per row),

    z(l) = a(l−1) · W(l−1)ᵀ + b(l−1)        the weighted sums   (3Blue1Brown's  a(l) = σ(W a(l−1) + b))
    a(l) = f(z(l))                          the activations

`weights[l-1]` has shape (n_out, n_in): row i holds the incoming weights of neuron i, so a slider for
"weight j of neuron i in layer l" is simply `net.weights[l-1][i, j]`. The arrays are plain numpy arrays,
edited in place by sliders and optimisers; nothing here replaces them (so a view holding one stays live).

Speed: `gradients` and `step` write the forward pass and the δs (and `step` its gradients) into
arrays made once per thread and batch size and reused on every call, so a training step allocates
next to nothing; what they return is always fresh. `backprop` and `backward_steps` return everything
they compute, so they use new arrays. The numbers are the same either way, bit for bit. A softmax
output with cross-entropy computes its cost from the softmax's own exp (F.softmax_cross_entropy).
`step` starts the backward pass from lr·δ(L), so every gradient comes out already times lr and the
update is one subtraction per array (the same numbers as `update` to float rounding). The matrix
products are the ones a step needs and no more: none for dC/d(input).

Backprop (`backward_steps`, the one implementation; `gradients`, `backprop` and `step` build on it)
walks the same layers backwards with δ(l) = dC/dz(l):

    δ(L)   = dC/da(L) ⊙ f'(z(L))            (softmax: its Jacobian times dC/da; with cross-entropy: a − y)
    dW(l)  = δ(l)ᵀ · a(l−1)                 db(l) = Σ over the batch of δ(l)
    δ(l−1) = (δ(l) · W(l)) ⊙ f'(z(l−1))
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from engine import functions as F

DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class BackwardStep(NamedTuple):
    """One layer of the backward pass, as `Network.backward_steps` yields it (output layer first)."""

    layer: int  # 1 .. n_layers, counted as everywhere in the engine: its weights are weights[layer-1]
    delta: np.ndarray  # δ = dC/dz of this layer's neurons, (n samples, size of layer)
    dW: np.ndarray  # dC/dW, the shape of weights[layer-1]: δᵀ · a(layer−1)
    db: np.ndarray  # dC/db, the shape of biases[layer-1]: δ summed over the samples


class _Workspace:
    """Arrays one batch size needs on the way through the network, made once and written over by every
    call (`out=`): each layer's z, a and δ, and, for `step`, the gradients."""

    def __init__(self, sizes: list[int], n: int, dtype: np.dtype):
        self.z = [np.empty((n, s), dtype) for s in sizes[1:]]
        self.a = [np.empty((n, s), dtype) for s in sizes[1:]]
        self.delta = [np.empty((n, s), dtype) for s in sizes[1:]]
        self.dW = [np.empty((n_out, n_in), dtype) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        self.db = [np.empty(s, dtype) for s in sizes[1:]]
        self.ones = np.ones(n, dtype)  # db = ones · δ: a matrix-vector product, faster than np.sum


@dataclass(frozen=True)
class Backprop:
    """Everything one step of learning computes, for a walkthrough (`Network.backprop`)."""

    zs: list[np.ndarray]  # forward pass: zs[l-1] = layer l's weighted sums, (n, size)
    activations: list[np.ndarray]  # forward pass: the input first, then each layer's a = f(z)
    cost: float  # the cost of this batch before the update
    output_error: np.ndarray  # a(L) − y at each output, (n, n_out): what the backward pass starts from
    steps: tuple[BackwardStep, ...]  # the backward pass, output layer first (steps[0].layer == n_layers)

    @property
    def dW(self) -> list[np.ndarray]:
        """The weight gradients in layer order: dW[l-1] belongs to weights[l-1]."""
        return [s.dW for s in reversed(self.steps)]

    @property
    def db(self) -> list[np.ndarray]:
        return [s.db for s in reversed(self.steps)]


class Network:
    """A fully connected feed-forward network (a multi-layer perceptron)."""

    def __init__(
        self, sizes, activation: str = "sigmoid", output: str | None = None, seed: int = 0, dtype=np.float32
    ):
        self.sizes = _check_sizes(sizes)
        if activation not in F.HIDDEN_ACTIVATIONS:
            raise ValueError(
                f"unknown hidden activation {activation!r}; choose one of {', '.join(F.HIDDEN_ACTIVATIONS)}"
            )
        output = activation if output is None else output
        if output not in F.OUTPUT_ACTIVATIONS:
            raise ValueError(
                f"unknown output activation {output!r}; choose one of {', '.join(F.OUTPUT_ACTIVATIONS)}"
            )
        dtype = np.dtype(dtype)
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be float32 or float64, not {dtype}")
        self.activation = activation
        self.output = output
        self.seed = int(seed)
        self.dtype = dtype
        self.weights: list[np.ndarray] = [
            np.zeros((n_out, n_in), dtype)
            for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True)
        ]
        self.biases: list[np.ndarray] = [np.zeros(n_out, dtype) for n_out in self.sizes[1:]]
        self._work: dict[tuple[int, int], _Workspace] = {}  # (thread, batch size) -> arrays to reuse
        self.reset()

    # --- structure -----------------------------------------------------------------------------

    @property
    def n_layers(self) -> int:
        """Number of layers with weights (the input layer does not count)."""
        return len(self.sizes) - 1

    @property
    def n_parameters(self) -> int:
        return sum(w.size for w in self.weights) + sum(b.size for b in self.biases)

    def layer_activation(self, l: int) -> str:
        """Name of the activation of layer l (1 .. n_layers); the last layer uses `output`."""
        if not 1 <= l <= self.n_layers:
            raise ValueError(f"layer {l} has no activation; layers 1..{self.n_layers} do (0 is the input)")
        return self.output if l == self.n_layers else self.activation

    def reset(self, seed: int | None = None) -> None:
        """Re-initialise the weights in place: the same seed always gives the same weights.

        Xavier/Glorot (std √(2 / (n_in + n_out))) for sigmoid, tanh and linear layers keeps the variance
        of the signal roughly constant through the layers; He (std √(2 / n_in)) does the same for ReLU,
        which zeroes half its inputs. Biases start at 0. Drawn in float64, then rounded to the dtype, so a
        float32 and a float64 network with the same seed start from the same numbers.
        """
        if seed is not None:
            self.seed = int(seed)
        rng = np.random.default_rng(self.seed)
        for l, (w, b) in enumerate(zip(self.weights, self.biases, strict=True), start=1):
            n_out, n_in = w.shape
            if self.layer_activation(l) == "relu":
                std = np.sqrt(2.0 / n_in)
            else:
                std = np.sqrt(2.0 / (n_in + n_out))
            w[...] = rng.normal(0.0, std, size=w.shape)
            b[...] = 0.0

    def copy(self) -> Network:
        twin = Network.__new__(Network)
        twin.sizes = list(self.sizes)
        twin.activation, twin.output, twin.seed, twin.dtype = (
            self.activation,
            self.output,
            self.seed,
            self.dtype,
        )
        twin.weights = [w.copy() for w in self.weights]
        twin.biases = [b.copy() for b in self.biases]
        twin._work = {}
        return twin

    def copy_parameters_from(self, other: Network) -> None:
        """Write `other`'s weights and biases into this network's arrays (views holding them stay live)."""
        for dst, src in zip(self.weights + self.biases, other.weights + other.biases, strict=True):
            np.copyto(dst, src)

    def parameters_finite(self) -> bool:
        """True while every weight and bias is a finite number (an explosion makes them inf or NaN)."""
        return all(np.isfinite(p).all() for p in self.weights + self.biases)

    def __repr__(self) -> str:
        return (
            f"Network({self.sizes}, activation={self.activation!r}, output={self.output!r}, "
            f"seed={self.seed}, dtype={self.dtype.name})"
        )

    # --- forward -------------------------------------------------------------------------------

    def _inputs(self, X) -> tuple[np.ndarray, bool]:
        X = np.asarray(X)
        single = X.ndim == 1
        if single:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"the network takes {self.sizes[0]} inputs per sample; got an array of shape "
                f"{np.shape(X) if not single else X.shape[1:]}"
            )
        return X.astype(self.dtype, copy=False), single

    def _targets(self, Y, n: int) -> np.ndarray:
        Y = np.asarray(Y)
        if Y.ndim == 1 and n == 1 and Y.shape[0] == self.sizes[-1]:
            Y = Y[None, :]
        elif Y.ndim == 1 and self.sizes[-1] == 1 and Y.shape[0] == n:
            Y = Y[:, None]  # one target per sample for a one-output network
        if Y.shape != (n, self.sizes[-1]):
            raise ValueError(
                f"targets must have shape ({n}, {self.sizes[-1]}) for {n} samples and "
                f"{self.sizes[-1]} outputs; got {Y.shape}"
            )
        return Y.astype(self.dtype, copy=False)

    def trace(self, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(zs, activations): zs[l-1] are layer l's weighted sums; activations start with the input.

        A single sample (n_in,) gives 1-D arrays; a batch (n, n_in) gives (n, size) arrays.
        """
        X, single = self._inputs(X)
        zs, acts = self._trace(X)
        if single:
            return [z[0] for z in zs], [a[0] for a in acts]
        return zs, acts

    def _weighted_sum(self, l: int, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """z(l) = a(l−1)·W(l−1)ᵀ + b(l−1): every neuron, every sample (Wᵀ is a view: BLAS reads W as is)."""
        z = np.matmul(a, self.weights[l - 1].T, out=out)
        z += self.biases[l - 1]
        return z

    def _trace(
        self, X: np.ndarray, work: _Workspace | None = None, last: int | None = None
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The forward pass up to layer `last` (default: the output layer); with `work`, written into its
        arrays instead of new ones."""
        zs: list[np.ndarray] = []
        acts = [X]
        a = X
        for l in range(1, (self.n_layers if last is None else last) + 1):
            z = self._weighted_sum(l, a, None if work is None else work.z[l - 1])
            a = F.ACTIVATIONS[self.layer_activation(l)].f(z, out=None if work is None else work.a[l - 1])
            zs.append(z)
            acts.append(a)
        return zs, acts

    def _trace_and_cost(
        self, X: np.ndarray, Y: np.ndarray, cost: str, work: _Workspace | None = None
    ) -> tuple[list[np.ndarray], list[np.ndarray], float]:
        """The forward pass and the cost of the batch. A softmax output with cross-entropy shares one
        exp between the two (the softmax's numbers are the same as without)."""
        if cost != "cross_entropy" or self.output != "softmax":
            zs, acts = self._trace(X, work)
            return zs, acts, self._cost_from(zs[-1], acts[-1], Y, cost)
        L = self.n_layers
        zs, acts = self._trace(X, work, last=L - 1)
        z = self._weighted_sum(L, acts[-1], None if work is None else work.z[L - 1])
        a, value = F.softmax_cross_entropy(z, Y, out=None if work is None else work.a[L - 1])
        return zs + [z], acts + [a], value

    def _workspace(self, n: int) -> _Workspace:
        """This thread's arrays for batches of n samples (a thread of its own: the window may compute
        a gradient on a network while nothing else does, but never shares arrays with a worker)."""
        cache = self.__dict__.setdefault("_work", {})  # (also for a network made without __init__)
        key = (threading.get_ident(), n)
        work = cache.get(key)
        if work is None:
            if len(cache) >= 4:  # batch sizes come and go (the last batch of an epoch, a probe)
                cache.clear()
            work = cache[key] = _Workspace(self.sizes, n, self.dtype)
        return work

    def forward(self, X) -> np.ndarray:
        """The output layer: (n, n_in) -> (n, n_out), or (n_in,) -> (n_out,)."""
        X, single = self._inputs(X)
        a = self._forward_from(0, X)
        return a[0] if single else a

    def forward_from(self, layer: int, a) -> np.ndarray:
        """The output layer computed from the activations `a` of `layer` (0 is the input): only the
        layers above it run. `a` is one sample (size of that layer,) or a batch (n, size)."""
        whole = isinstance(layer, int | np.integer) and not isinstance(layer, bool)
        if not whole or not 0 <= layer <= self.n_layers:
            raise ValueError(f"layer must be one of 0..{self.n_layers} (0 is the input); got {layer!r}")
        a = np.asarray(a)
        single = a.ndim == 1
        if single:
            a = a[None, :]
        if a.ndim != 2 or a.shape[1] != self.sizes[layer]:
            raise ValueError(
                f"layer {layer} has {self.sizes[layer]} neurons; got activations of shape {np.shape(a)}"
            )
        out = self._forward_from(int(layer), a.astype(self.dtype, copy=False))
        return out[0] if single else out

    def _forward_from(self, layer: int, a: np.ndarray, last: int | None = None) -> np.ndarray:
        """Layers layer+1 .. last (default: the output layer) on a batch already checked."""
        for l in range(layer + 1, (self.n_layers if last is None else last) + 1):
            a = F.ACTIVATIONS[self.layer_activation(l)].f(a @ self.weights[l - 1].T + self.biases[l - 1])
        return a

    def activations(self, X) -> list[np.ndarray]:
        """Every layer's activations, the input first."""
        return self.trace(X)[1]

    def predict(self, X):
        """The class of each sample: the largest output, or (one output) whether it exceeds 0.5."""
        a = self.forward(X)
        if a.shape[-1] == 1:
            cls = (a[..., 0] > 0.5).astype(np.int64)
        else:
            cls = np.argmax(a, axis=-1)
        return int(cls) if np.ndim(cls) == 0 else cls

    # --- cost and gradients --------------------------------------------------------------------

    def _cost_from(self, z_out: np.ndarray, a_out: np.ndarray, Y: np.ndarray, cost: str) -> float:
        if cost == "mse":
            return F.mse(a_out, Y)
        return F.cross_entropy(z_out, Y, self.output)

    def _batch(self, X, Y, cost: str) -> tuple[np.ndarray, np.ndarray]:
        F.check_pairing(cost, self.output)
        X, _ = self._inputs(X)
        return X, self._targets(Y, X.shape[0])

    def cost(self, X, Y, cost: str = "mse") -> float:
        """The average cost over the samples (see engine.functions for the formulas)."""
        X, Y = self._batch(X, Y, cost)
        return self._trace_and_cost(X, Y, cost)[2]

    def output_and_cost(self, X, Y, cost: str = "mse") -> tuple[np.ndarray, float]:
        """The output layer's activations (n, n_out) and the average cost, from one forward pass: a
        report on a whole set (its cost and its accuracy) need not run the network twice."""
        X, Y = self._batch(X, Y, cost)
        _, acts, value = self._trace_and_cost(X, Y, cost)
        return acts[-1], value

    def _output_delta(
        self, z_out: np.ndarray, a_out: np.ndarray, Y: np.ndarray, cost: str, out: np.ndarray | None = None,
        scale: float = 1.0,
    ) -> np.ndarray:
        """δ(L) = dC/dz of the output layer (into `out` if given), times `scale`."""
        if cost == "cross_entropy":
            return F.cross_entropy_grad_z(a_out, Y, out=out, scale=scale)  # softmax, sigmoid: (a − y) / n
        grad_a = F.mse_grad(a_out, Y, out=out, scale=scale)
        if F.ACTIVATIONS[self.output].elementwise:
            return F.times_derivative(self.output, grad_a, z_out, a_out)
        delta = F.softmax_backward(a_out, grad_a)  # exact: the full Jacobian, not its diagonal
        if out is None:
            return delta
        np.copyto(out, delta)
        return out

    def _backward(
        self, zs: list[np.ndarray], acts: list[np.ndarray], delta: np.ndarray,
        work: _Workspace | None = None, into_work: bool = False,
    ) -> Iterator[BackwardStep]:
        """Backprop, the one implementation: from δ(L) down to layer 1, one BackwardStep per layer.

        With `work`, the δs go into its arrays; with into_work as well, dW and db too."""
        grads = work if into_work else None
        ones = np.ones(delta.shape[0], delta.dtype) if work is None else work.ones
        for l in range(self.n_layers, 0, -1):
            # δᵀ is a view, as Wᵀ above: BLAS multiplies transposed without copying
            dW = np.matmul(delta.T, acts[l - 1], out=None if grads is None else grads.dW[l - 1])
            db = np.matmul(ones, delta, out=None if grads is None else grads.db[l - 1])
            yield BackwardStep(l, delta, dW, db)
            if l > 1:  # δ(l−1) = (δ(l) · W(l)) ⊙ f'(z(l−1)); the input layer needs no δ
                delta = np.matmul(delta, self.weights[l - 1], out=None if work is None else work.delta[l - 2])
                F.times_derivative(self.activation, delta, zs[l - 2], acts[l - 1])

    def backward_steps(self, X, Y, cost: str = "mse") -> Iterator[BackwardStep]:
        """The backward pass, from the output layer back: one `BackwardStep(layer, delta, dW, db)` per
        layer, layer = n_layers .. 1 (its parameters are weights[layer-1] and biases[layer-1]).

        delta is dC/dz(layer), shape (n, size of layer), one row per sample; dW and db have the shapes
        of weights[layer-1] and biases[layer-1]. The forward pass runs at once (so bad input raises
        here); each layer's step is computed when it is asked for. `backprop` adds the forward pass
        and the cost around it; `gradients` collects dW and db.
        """
        X, Y = self._batch(X, Y, cost)
        zs, acts = self._trace(X)
        return self._backward(zs, acts, self._output_delta(zs[-1], acts[-1], Y, cost))

    def backprop(self, X, Y, cost: str = "mse") -> Backprop:
        """One step of learning laid open: the forward pass (zs, activations), the cost, the output error
        a − y, and the backward pass (`steps`, output layer first). `update(bp.dW, bp.db, lr)` then does
        what `step(X, Y, lr, cost)` does (to float rounding: step multiplies by lr before the products)."""
        X, Y = self._batch(X, Y, cost)
        zs, acts, value = self._trace_and_cost(X, Y, cost)
        delta = self._output_delta(zs[-1], acts[-1], Y, cost)
        return Backprop(
            zs=zs,
            activations=acts,
            cost=value,
            output_error=acts[-1] - Y,
            steps=tuple(self._backward(zs, acts, delta)),
        )

    def gradients(self, X, Y, cost: str = "mse") -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """(cost, dW, db): the cost and its gradient with respect to every weight and bias (backprop).

        dW[l] has the shape of weights[l], db[l] that of biases[l], in the network's dtype.
        """
        X, Y = self._batch(X, Y, cost)
        value, steps = self._learn(X, Y, cost, into_work=False)
        return value, [s.dW for s in reversed(steps)], [s.db for s in reversed(steps)]

    def _learn(
        self, X: np.ndarray, Y: np.ndarray, cost: str, into_work: bool, scale: float = 1.0
    ) -> tuple[float, list]:
        """Forward, cost and backward on this thread's reused arrays (into_work: the gradients too).

        The gradients come out times `scale` (backprop is linear in δ(L), so scaling it scales them all)."""
        work = self._workspace(X.shape[0])
        zs, acts, value = self._trace_and_cost(X, Y, cost, work)
        delta = self._output_delta(zs[-1], acts[-1], Y, cost, out=work.delta[-1], scale=scale)
        return value, list(self._backward(zs, acts, delta, work, into_work))

    def update(self, dW: list[np.ndarray], db: list[np.ndarray], lr: float) -> None:
        """W ← W − lr·dW and b ← b − lr·db, in place (the arrays stay the same objects)."""
        for w, g in zip(self.weights, dW, strict=True):
            w -= lr * g
        for b, g in zip(self.biases, db, strict=True):
            b -= lr * g

    def step(self, X, Y, lr: float = 0.1, cost: str = "mse") -> float:
        """One plain gradient-descent step, W ← W − lr·dC/dW (in place). Returns the cost before it."""
        X, Y = self._batch(X, Y, cost)
        value, steps = self._learn(X, Y, cost, into_work=True, scale=lr)
        # what update() does; the gradients are already lr·dW and lr·db, so one pass over each array
        for s in steps:
            self.weights[s.layer - 1] -= s.dW
            self.biases[s.layer - 1] -= s.db
        return value

    # --- state ---------------------------------------------------------------------------------

    def to_state(self) -> dict:
        """A plain dict of lists, numbers and strings (JSON-serialisable); from_state rebuilds the network.

        float32 values become Python floats exactly, so the round trip is exact.
        """
        return {
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output": self.output,
            "seed": self.seed,
            "dtype": self.dtype.name,
            "weights": [w.tolist() for w in self.weights],
            "biases": [b.tolist() for b in self.biases],
        }

    @classmethod
    def from_state(cls, state: dict) -> Network:
        if not isinstance(state, dict):
            raise ValueError("a network state must be a dict (as made by Network.to_state)")
        try:
            net = cls(
                state["sizes"],
                activation=state.get("activation", "sigmoid"),
                output=state.get("output"),
                seed=state.get("seed", 0),
                dtype=state.get("dtype", "float32"),
            )
        except KeyError as e:
            raise ValueError(f"a network state needs {e.args[0]!r}") from None
        for kind, arrays in (("weights", net.weights), ("biases", net.biases)):
            if kind not in state:
                continue  # no values saved: keep the seeded initialisation
            values = state[kind]
            if not isinstance(values, list | tuple) or len(values) != len(arrays):
                raise ValueError(f"state[{kind!r}] must hold {len(arrays)} arrays, one per layer")
            for l, (target, v) in enumerate(zip(arrays, values, strict=True)):
                try:
                    v = np.asarray(v, dtype=net.dtype)
                except (TypeError, ValueError):
                    raise ValueError(f"state[{kind!r}][{l}] is not an array of numbers") from None
                if v.shape != target.shape:
                    raise ValueError(
                        f"state[{kind!r}][{l}] has shape {v.shape}; layer {l + 1} needs {target.shape}"
                    )
                target[...] = v
        return net


def _check_sizes(sizes) -> list[int]:
    try:
        values = list(sizes)
    except TypeError:
        raise ValueError(
            f"sizes must be a list of layer sizes like [784, 16, 16, 10], not {sizes!r}"
        ) from None
    if len(values) < 2:
        raise ValueError(f"a network needs at least an input and an output layer; got sizes {values}")
    out = []
    for s in values:
        if isinstance(s, bool) or not isinstance(s, int | np.integer) or s < 1:
            raise ValueError(f"every layer size must be a whole number >= 1; got {s!r} in {values}")
        out.append(int(s))
    return out
