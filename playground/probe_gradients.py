"""Backprop on the Session's probe batch, computed once per state of the network. Qt-free.

The gradient views (the cost along one weight, the nudge list, the gradient overlay) all need the
same numbers: ∂C/∂w, ∂C/∂b and each layer's δ on `session.gradient_batch()`. One backward pass serves
them all; it is done again only when a weight, the data or the cost changes.
"""

from __future__ import annotations

import weakref

import numpy as np

from engine.network import Backprop

_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # session -> (key, Backprop)


def _key(session) -> tuple:
    """What the probe batch's gradients depend on: the network's numbers, its shape, the data, the
    cost. Hashing the parameters' bytes costs far less than a backward pass (~1 ms for 784-256-128-10)."""
    net = session.network
    X, _ = session.gradient_batch()
    numbers = tuple(hash(a.tobytes()) for a in (*net.weights, *net.biases))
    return (id(net), tuple(net.sizes), net.activation, net.output, id(X), session.cost_name, numbers)


def probe_backprop(session) -> Backprop:
    """The engine's backprop (`Network.backprop`) of the shown network on the probe batch: its cost,
    each layer's δ (`steps`, output layer first) and the gradients `dW`, `db` in layer order."""
    key = _key(session)
    cached = _cache.get(session)
    if cached is not None and cached[0] == key:
        return cached[1]
    X, Y = session.gradient_batch()
    result = session.network.backprop(X, Y, session.cost_name)
    _cache[session] = (key, result)
    return result


def parameter_gradient(session, parameter: tuple[int, int, int | None]) -> float:
    """∂C/∂w of one parameter (layer, neuron, source; source None: the bias) on the probe batch."""
    layer, neuron, source = parameter
    bp = probe_backprop(session)
    if source is None:
        return float(bp.db[layer - 1][neuron])
    return float(bp.dW[layer - 1][neuron, source])


def neuron_deltas(session) -> list[np.ndarray]:
    """Each layer's δ = ∂C/∂z summed over the probe batch, layers 1..L (index 0 is layer 1).

    The cost averages over the samples, so each sample's δ already carries its 1/n: the sum is the
    whole batch's ∂C/∂z of that neuron, which is also ∂C/∂b of its bias."""
    steps = sorted(probe_backprop(session).steps, key=lambda s: s.layer)
    return [s.delta.sum(axis=0, dtype=np.float64) for s in steps]
