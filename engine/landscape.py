"""The cost along one parameter: the curve whose tangent at the current value has slope ∂C/∂w.

`cost_along(net, X, Y, cost, layer, neuron, source, values)` answers "what would the cost on this batch
be if weight `weights[layer-1][neuron, source]` (or, with source=None, bias `biases[layer-1][neuron]`)
had each of these values, all else unchanged?" — the same numbers as setting the parameter and calling
`net.cost` once per value, but in one vectorised pass that does not touch the network.

Why it is cheap:

* The layers below the parameter's do not change: one forward pass gives their activations.
* In the parameter's own layer only one neuron's weighted sum changes, and linearly in the value:
  z(v) = z + (v − v₀)·a_source (a bias: slope 1). So only that column is recomputed, for every value.
* The next layer sees a rank-one change: z(l+1)(v) = z(l+1) + (a(v) − a)·W(l+1)[:, neuron]; only
  from there on do whole layers run again (`Network.forward_from` does the rest).
* Where the changed neuron's activation stays what it is (a pixel that is 0 under a first-layer
  weight, a ReLU that stays off for that value) the sample keeps its present cost: only the
  (value, sample) pairs where something changes are run through the layers above.
"""

from __future__ import annotations

import numpy as np

from engine import functions as F
from engine.network import Network

# values × samples × neurons of the next layer computed at a time: big enough that numpy's per-call
# overhead vanishes, small enough that the working set stays in the cache
_CHUNK_ELEMENTS = 1 << 18


def cost_along(
    net: Network, X, Y, cost: str, layer: int, neuron: int, source: int | None, values
) -> np.ndarray:
    """One cost per value (float64, the shape of `values` flattened) for parameter
    `weights[layer-1][neuron, source]`, or `biases[layer-1][neuron]` when source is None.

    layer counts as everywhere in the engine (1 .. n_layers; 0 is the input and has no parameters).
    The network is not modified.
    """
    X, Y = net._batch(X, Y, cost)
    _check_parameter(net, layer, neuron, source)
    values = np.asarray(values, dtype=np.float64).ravel().astype(net.dtype)  # what a slider would store
    zs, acts = net._trace(X)
    base = F.sample_costs(cost, zs[-1], acts[-1], Y, net.output)  # each sample's cost as it is now

    # the changed neuron's weighted sum for every value: (values, samples)
    if source is None:
        old, slope = net.biases[layer - 1][neuron], np.ones(X.shape[0], net.dtype)
    else:
        old, slope = net.weights[layer - 1][neuron, source], acts[layer - 1][:, source]
    z = zs[layer - 1][:, neuron] + (values - old)[:, None] * slope

    # Only (value, sample) pairs where the changed neuron's output differs from now need any work:
    # every other pair keeps the sample's present cost.
    if layer == net.n_layers:  # the parameter feeds an output directly: its z is what changes
        changed = z != zs[-1][:, neuron]
    else:  # a hidden neuron: what the layers above see is its activation
        a = F.ACTIVATIONS[net.layer_activation(layer)].f(z)
        d = a - acts[layer][:, neuron]
        changed = d != 0
    pairs = np.flatnonzero(changed)  # index into the (values, samples) grid
    n = X.shape[0]
    totals = np.full(len(values), base.sum())
    width = net.sizes[min(layer + 1, net.n_layers)]
    step = max(1, _CHUNK_ELEMENTS // width)
    for start in range(0, len(pairs), step):
        chunk = pairs[start : start + step]
        value_of, sample_of = np.divmod(chunk, n)
        if layer == net.n_layers and not (net.output == "softmax" and cost == "mse"):
            costs = _one_output_changed(net, cost, zs[-1], acts[-1], Y, neuron, sample_of, z.ravel()[chunk])
        else:
            if layer == net.n_layers:
                z_out = zs[-1][sample_of]
                z_out[:, neuron] = z.ravel()[chunk]
            else:
                z_out = _output_sums(net, layer, neuron, zs[layer][sample_of], d.ravel()[chunk])
            a_out = F.ACTIVATIONS[net.output].f(z_out) if cost == "mse" else None  # CE reads z only
            costs = F.sample_costs(cost, z_out, a_out, Y[sample_of], net.output)
        totals += np.bincount(value_of, weights=costs - base[sample_of], minlength=len(values))
    return totals / n


def _output_sums(net: Network, layer: int, neuron: int, z_next: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The output layer's z for each (value, sample) pair (one per row) when neuron `neuron` of `layer`
    changes its activation by d: layer+1 gets a rank-one change (z_next, a fresh copy, is updated in
    place), the layers above it run as usual."""
    column = net.weights[layer][:, neuron]  # how layer+1 listens to the changed neuron
    z_next += d[:, None] * column
    if layer + 1 == net.n_layers:
        return z_next
    a = _activate_in_place(net.layer_activation(layer + 1), z_next)
    a = net._forward_from(layer + 1, a, last=net.n_layers - 1)  # up to the layer below the output
    return a @ net.weights[-1].T + net.biases[-1]  # z, not just a: cross-entropy is computed from z


def _one_output_changed(
    net: Network, cost: str, z_out: np.ndarray, a_out: np.ndarray, Y: np.ndarray, neuron: int,
    sample_of: np.ndarray, z_new: np.ndarray,
) -> np.ndarray:
    """The cost of sample sample_of[k] when only output `neuron`'s z becomes z_new[k]: the other
    outputs' share is worked out once per sample, the changed output's term once per pair.
    (Softmax couples the outputs, but only through log Σ e^z = logaddexp(the others' part, z_new).)"""
    others = np.delete(np.arange(z_out.shape[1]), neuron)
    y = Y[sample_of, neuron].astype(np.float64)
    if net.output == "softmax":  # cross-entropy: −Σ y·log softmax(z) = Σy · log Σ e^z − Σ y·z
        z_rest, y_rest = z_out[:, others].astype(np.float64), Y[:, others].astype(np.float64)
        if len(others):
            top = z_rest.max(axis=1)
            log_rest = top + np.log(np.exp(z_rest - top[:, None]).sum(axis=1))
        else:
            log_rest = np.full(len(z_out), -np.inf)
        yz_rest = np.einsum("nk,nk->n", y_rest, z_rest)
        z_new = z_new.astype(np.float64)
        sum_y = Y.sum(axis=1, dtype=np.float64)[sample_of]
        return np.logaddexp(log_rest[sample_of], z_new) * sum_y - yz_rest[sample_of] - y * z_new
    rest = F.sample_costs(cost, z_out[:, others], a_out[:, others], Y[:, others], net.output)[sample_of]
    if cost == "mse":
        a = F.ACTIVATIONS[net.output].f(z_new).astype(np.float64)
        return rest + (a - y) ** 2
    z_new = z_new.astype(np.float64)
    return rest + F.softplus(z_new) - y * z_new  # sigmoid: the binary cross-entropy of that output


def _activate_in_place(name: str, z: np.ndarray) -> np.ndarray:
    """f(z) written over z (a temporary here): saves a pass over the largest array of the update."""
    if name == "relu":
        return np.maximum(z, 0.0, out=z)
    if name == "tanh":
        return np.tanh(z, out=z)
    return F.ACTIVATIONS[name].f(z)


def _check_parameter(net: Network, layer: int, neuron: int, source: int | None) -> None:
    def whole(x) -> bool:
        return isinstance(x, int | np.integer) and not isinstance(x, bool)

    if not whole(layer) or not 1 <= layer <= net.n_layers:
        raise ValueError(f"layer must be one of 1..{net.n_layers} (layer 0, the input, has no parameters)")
    if not whole(neuron) or not 0 <= neuron < net.sizes[layer]:
        raise ValueError(f"layer {layer} has neurons 0..{net.sizes[layer] - 1}; got neuron {neuron!r}")
    if source is not None and (not whole(source) or not 0 <= source < net.sizes[layer - 1]):
        raise ValueError(
            f"neuron {neuron} of layer {layer} has weights 0..{net.sizes[layer - 1] - 1} (None: the bias); "
            f"got source {source!r}"
        )
