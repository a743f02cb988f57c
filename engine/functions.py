"""Activations and costs, each derivative right beside its function.

An activation turns a neuron's weighted sum z into its output a = f(z). Backprop needs da/dz; for the
elementwise ones it is written with both z and a at hand, because it is cheapest in terms of a
(sigmoid: a(1 - a), tanh: 1 - a²). Softmax is not elementwise: every output depends on every z of its
layer, so the network multiplies by its Jacobian instead (`softmax_backward`).

A cost compares the output layer a with the target y over a batch of n samples:

    mse            C = Σ (a − y)² / n        squared errors summed over the outputs, averaged over samples
    cross_entropy  C = −Σ y·log a / n        with a softmax output (one class per sample)
                   C = −Σ [y·log a + (1 − y)·log(1 − a)] / n     with sigmoid outputs (one yes/no each)

Numerical care, so nothing here overflows, underflows or warns even for z = ±1e4 or huge logits:
exponents are clipped to a range where exp stays a normal number of the array's dtype (beyond it the
result is already 0 or 1 to full precision), softmax subtracts the row's maximum first, and
cross-entropy is computed from z (log-softmax, softplus) instead of taking log of a saturated a.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# exp(±limit) is a normal (not denormal, not infinite) number of the dtype; beyond it sigmoid is
# already exactly 0 or 1, so clipping z there changes nothing visible and avoids every fp warning.
_EXP_LIMIT = {np.dtype(np.float32): 80.0, np.dtype(np.float64): 700.0}


_BIG = {dtype: float(np.finfo(dtype).max / 4) for dtype in _EXP_LIMIT}  # softmax clips logits here


def _limit(x: np.ndarray) -> float:
    return _EXP_LIMIT.get(x.dtype, 700.0)


def _clip(z: np.ndarray, low: float, high: float, out: np.ndarray | None = None) -> np.ndarray:
    """np.clip's numbers (NaN stays NaN), but at the speed of two ufuncs: np.clip's own dispatch costs
    ~10 µs a call, more than the whole softmax of a mini-batch."""
    if out is None:
        return np.minimum(np.maximum(z, low), high)  # (a 0-d z gives numpy scalars, which take no out=)
    np.maximum(z, low, out=out)
    return np.minimum(out, high, out=out)


def _as_float_array(z) -> np.ndarray:
    z = np.asarray(z)
    return z if z.dtype in _EXP_LIMIT else z.astype(np.float64)


# --- activations ----------------------------------------------------------------------------------


def sigmoid(z, out=None):
    z = _as_float_array(z)
    lim = _limit(z)
    a = np.asarray(_clip(z, -lim, lim, out=out))  # 1 / (1 + e^−z), each step over one array
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.reciprocal(a, out=a)
    return a if a.ndim else a[()]


def sigmoid_derivative(z, a):
    return a * (1.0 - a)


def relu(z, out=None):
    z = _as_float_array(z)
    return np.maximum(z, _zeros(z.shape[-1:], z.dtype), out=out)


@lru_cache(maxsize=32)
def _zeros(shape: tuple, dtype: np.dtype) -> np.ndarray:
    """A read-only row of zeros. relu takes its maximum with one, not with the number 0: numpy runs
    array-with-array in wide vector steps but array-with-scalar one number at a time (3x slower)."""
    zeros = np.zeros(shape, dtype)
    zeros.flags.writeable = False
    return zeros


def relu_derivative(z, a):
    # the kink at 0 gets slope 0, as in micrograd's `(out.data > 0) * out.grad`
    return (np.asarray(z) > 0).astype(np.asarray(a).dtype)


def tanh(z, out=None):
    return np.tanh(_as_float_array(z), out=out)


def tanh_derivative(z, a):
    return 1.0 - a * a


def linear(z, out=None):
    z = _as_float_array(z)
    if out is None:
        return z.copy()
    np.copyto(out, z)
    return out


def linear_derivative(z, a):
    return np.ones_like(a)


def softmax(z, out=None):
    """Row-wise softmax of a (n, k) array (or one (k,) row); rows sum to 1."""
    return _softmax(z, out)[0]


def softmax_cross_entropy(z, y, out=None) -> tuple[np.ndarray, float]:
    """softmax(z) (the same numbers, into `out` if given) and the cross-entropy of y against it, from
    one exp: −Σ y·log a / n with log a = (z − max z) − log Σ e^(z − max z), so no log of a saturated a.

    The row sums behind the cost run in float64, as in cross_entropy (so a tiny cost keeps its digits);
    the two agree to float32 rounding.
    """
    a, cost = _softmax(z, out, y)
    return a, float(cost)


def _softmax(z, out=None, y=None) -> tuple[np.ndarray, float | None]:
    """softmax(z), and with targets y the cross-entropy too: the one implementation of both.

    Each numpy call counts here, more than its arithmetic: in a training step this runs right after
    the big matrix products, which have pushed numpy's own code out of the CPU's caches."""
    z = _as_float_array(z)
    big = _BIG[z.dtype]  # so that z − max z cannot overflow, even for ±inf logits
    e = np.asarray(_clip(z, -big, big, out=out))
    e -= e.max(axis=-1, keepdims=True)  # z − max z, the log-softmax before its last term
    if y is not None:  # Σ y·(z − max z): every term ≤ 0 (targets are ≥ 0), so float32 keeps its digits
        y_dot_shifted = float(np.dot(np.ravel(y), e.ravel()))
    np.maximum(e, -_limit(z), out=e)
    np.exp(e, out=e)
    # Row sums as a product with a column of ones, in float64: numpy's sum along a short last axis
    # costs about 20 ns a row, four times the whole product for a mini-batch of ten classes.
    ones = _ones(e.shape[-1])
    sums = e @ ones
    np.divide(e, sums[..., None], out=e, casting="same_kind")
    if y is None:
        return e, None
    n = z.shape[0] if z.ndim > 1 else 1
    return e, (np.vdot(np.asarray(y) @ ones, np.log(sums)) - y_dot_shifted) / n


@lru_cache(maxsize=32)
def _ones(k: int) -> np.ndarray:
    """A read-only column of k float64 ones, for sums along the last axis (see _softmax)."""
    ones = np.ones(k)
    ones.flags.writeable = False
    return ones


def softmax_backward(a, grad_a):
    """dC/dz from dC/da for a softmax layer: the Jacobian (diag(a) − a aᵀ) times grad_a, row by row."""
    return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))


def softmax_derivative(z, a):
    """The diagonal of softmax's Jacobian, a(1 − a): what one output does to itself (for plots)."""
    return a * (1.0 - a)


def times_derivative(name: str, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """grad ⊙ f'(z), written over grad (backprop's δ(l) = (δ(l+1)·W) ⊙ f'(z(l)) without another array).

    For the elementwise activations; the same numbers as grad * ACTIVATIONS[name].df(z, a).
    """
    if name == "relu":
        return np.multiply(grad, z > 0, out=grad)
    if name == "linear":
        return grad
    if name == "sigmoid":
        slope = 1.0 - a
        slope *= a
    elif name == "tanh":
        slope = a * a
        np.subtract(1.0, slope, out=slope)
    else:
        slope = get_activation(name).df(z, a)
    grad *= slope
    return grad


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable  # f(z, out=None) -> a; with out, a is written there
    df: Callable  # df(z, a) -> da/dz, elementwise (softmax: the Jacobian's diagonal; see softmax_backward)
    elementwise: bool = True
    description: str = ""


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, True, "1 / (1 + e^−z), squashes to (0, 1)"),
    "relu": Activation("relu", relu, relu_derivative, True, "max(0, z): passes positives, blocks negatives"),
    "tanh": Activation("tanh", tanh, tanh_derivative, True, "tanh z, squashes to (−1, 1)"),
    "linear": Activation("linear", linear, linear_derivative, True, "z unchanged"),
    "softmax": Activation("softmax", softmax, softmax_derivative, False, "e^z / Σ e^z: outputs sum to 1"),
}
HIDDEN_ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "linear", "relu", "tanh")


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None


def activate(name: str, z):
    """f(z) for one number or an array (softmax: over the last axis). Floats in, floats out."""
    out = get_activation(name).f(z)
    return float(out) if np.ndim(out) == 0 else out


def derivative(name: str, z):
    """df/dz at z for one number or an array (softmax: the diagonal of its Jacobian)."""
    act = get_activation(name)
    a = act.f(z)
    out = act.df(_as_float_array(z), a)
    return float(out) if np.ndim(out) == 0 else out


# --- costs ----------------------------------------------------------------------------------------


def softplus(z):
    """log(1 + e^z) without overflow: max(z, 0) + log(1 + e^−|z|)."""
    z = _as_float_array(z)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.minimum(np.abs(z), _limit(z))))


def log_softmax(z):
    z = _as_float_array(z)
    big = np.finfo(z.dtype).max / 4
    z = _clip(z, -big, big)
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(np.maximum(shifted, -_limit(z)))
    return shifted - np.log(e.sum(axis=-1, keepdims=True))


def mse(a, y) -> float:
    """Σ (a − y)² / n: summed over the outputs, averaged over the n samples (rows)."""
    n = a.shape[0] if a.ndim > 1 else 1
    return float(np.sum(mse_per_sample(a, y)) / n)


def mse_per_sample(a, y) -> np.ndarray:
    """Each sample's Σ (a − y)² over its outputs (the last axis), in float64 so a float32 net's cost
    does not overflow early."""
    d = (a - y).astype(np.float64)
    return np.einsum("...k,...k->...", d, d)


def mse_grad(a, y, out=None, scale: float = 1.0):
    """dC/da of mse (times `scale`: Network.step passes the learning rate, so every gradient behind it
    comes out already multiplied by it)."""
    n = a.shape[0] if a.ndim > 1 else 1
    d = np.subtract(a, y, out=out)
    d *= 2.0 * scale / n
    return d


def cross_entropy(z, y, output: str) -> float:
    """Cross-entropy from the output layer's weighted sums z (exact even when a is saturated)."""
    check_pairing("cross_entropy", output)
    n = z.shape[0] if z.ndim > 1 else 1
    return float(np.sum(cross_entropy_per_sample(z, y, output)) / n)


def cross_entropy_per_sample(z, y, output: str) -> np.ndarray:
    """Each sample's cross-entropy, summed over its outputs (the last axis), in float64."""
    z = z.astype(np.float64)
    y = np.asarray(y, dtype=np.float64)
    if output == "softmax":
        return -np.einsum("...k,...k->...", y, log_softmax(z))
    # −[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus(z) − y·z
    return np.sum(softplus(z) - y * z, axis=-1)


def sample_costs(cost: str, z, a, y, output: str) -> np.ndarray:
    """Each sample's cost (z and a: the output layer's weighted sums and activations); the cost of a
    batch is their mean. Any leading axes are kept: (..., n_out) -> (...)."""
    check_pairing(cost, output)
    if cost == "mse":
        return mse_per_sample(a, y)
    return cross_entropy_per_sample(z, y, output)


def cross_entropy_grad_z(a, y, out=None, scale: float = 1.0):
    """dC/dz of cross-entropy for softmax and for sigmoid outputs alike: (a − y) / n (times `scale`,
    as in mse_grad).

    The output's own derivative cancels against the log's, which is why these pairs are the usual ones
    (and why the network never forms softmax's Jacobian for them: this is the fused gradient).
    """
    n = a.shape[0] if a.ndim > 1 else 1
    d = np.subtract(a, y, out=out)
    d *= scale / n
    return d


COSTS = ("mse", "cross_entropy")


def check_cost(name: str) -> str:
    if name not in COSTS:
        raise ValueError(f"unknown cost {name!r}; choose one of {', '.join(COSTS)}")
    return name


def check_pairing(cost: str, output: str) -> None:
    """Cross-entropy needs outputs that are probabilities: softmax (categorical) or sigmoid (binary)."""
    check_cost(cost)
    if cost == "cross_entropy" and output not in ("softmax", "sigmoid"):
        raise ValueError(
            f"cross-entropy needs a softmax or sigmoid output layer (its outputs are probabilities); "
            f"this network's output is {output!r} — use mse, or change the output to softmax or sigmoid"
        )
