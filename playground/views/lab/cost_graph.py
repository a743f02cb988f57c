"""The whole cost of one training step as a Value graph, for the Neuron lab. No Qt.

For a small network (up to MAX_PARAMETERS weights and biases, e.g. XOR and Circle) every weight and
bias becomes one leaf Value, shared by all the samples of the batch; each sample's forward pass and cost
are built from them, and the batch's cost C (the mean of the samples' costs) is the node at the end.
`C.backward()` then fills every grad with ∂C/∂(that value): a weight's grad is exactly the ∂C/∂w that
backprop (`Network.backprop`, the walkthrough's numbers) finds, summed over the samples as there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.network import Network
from engine.value import Value, topological_order
from playground.views.lab.expressions import Expression, _activate, _name, _pairwise_sum

MAX_PARAMETERS = 64  # beyond this the graph is too big to read (and to lay out quickly)


@dataclass
class CostExpression:
    """The graph and where the network's things are in it."""

    expression: Expression
    parameters: dict[tuple[int, int, int | None], Value]  # (layer, neuron, source); source None: bias
    neurons: dict[tuple[int, int], list[Value]]  # (layer, index) -> its activation in each sample
    owner: dict[int, tuple] = field(default_factory=dict)  # id(Value) -> ("neuron", l, i) / ("parameter", …)

    @property
    def root(self) -> Value:
        return self.expression.root


def fits(network: Network) -> bool:
    return network.n_parameters <= MAX_PARAMETERS


def cost_expression(network: Network, X, Y, cost: str) -> CostExpression:
    """C of the batch (X, Y) under `cost` ("mse" or "cross_entropy"), built from Values.

    Raises ValueError for a network with more than MAX_PARAMETERS parameters.
    """
    if not fits(network):
        raise ValueError(f"the network has {network.n_parameters} weights and biases; the whole cost graph "
                         f"is shown for up to {MAX_PARAMETERS}")
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64).reshape(len(X), -1)
    params: dict[tuple[int, int, int | None], Value] = {}
    for l in range(1, network.n_layers + 1):
        W, b = network.weights[l - 1], network.biases[l - 1]
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                params[l, i, j] = Value(float(W[i, j]), label=f"w{l}[{i},{j}]")
            params[l, i, None] = Value(float(b[i]), label=f"b{l}[{i}]")
    neurons: dict[tuple[int, int], list[Value]] = {}
    sample_costs = []
    for s, (x, y) in enumerate(zip(X, Y, strict=True)):
        tag = f" #{s + 1}"
        a = [Value(float(v), label=f"x{k + 1}{tag}") for k, v in enumerate(x)]
        for k, v in enumerate(a):
            neurons.setdefault((0, k), []).append(v)
        zs: list[Value] = []
        for l in range(1, network.n_layers + 1):
            terms = [[params[l, i, j] * a[j] for j in range(len(a))] + [params[l, i, None]]
                     for i in range(network.sizes[l])]
            zs = [_name(_pairwise_sum(t), f"z{l}[{i}]{tag}") for i, t in enumerate(terms)]
            name = network.layer_activation(l)
            if name == "softmax":
                exps = [z.exp() for z in zs]
                total = _pairwise_sum(exps)
                a = [_name(e / total, f"a{l}[{i}]{tag}") for i, e in enumerate(exps)]
            elif name == "linear":
                a = zs
            else:
                a = [_name(_activate(z, name), f"a{l}[{i}]{tag}") for i, z in enumerate(zs)]
            for i, v in enumerate(a):
                neurons.setdefault((l, i), []).append(v)
        sample_costs.append(_name(_sample_cost(a, y, cost, network.output), f"C{tag}"))
    root = _name(_pairwise_sum(sample_costs) * (1.0 / len(X)), "C")
    named = {v.label: v for v in topological_order(root) if v.label}
    note = (f"The whole cost of the step: the batch's {len(X)} samples, each through the whole network, "
            f"and C = their mean cost at the end. Every weight and bias is one value shared by all the "
            f"samples, so Backward adds up its share from each: its grad is ∂C/∂w, the same number the "
            f"walkthrough shows on its line.")
    owner: dict[int, tuple] = {id(v): ("parameter", *key) for key, v in params.items()}
    for key, values in neurons.items():
        for v in values:
            owner.setdefault(id(v), ("neuron", *key))
    return CostExpression(Expression(root, named, note), params, neurons, owner)


def _sample_cost(a: list[Value], y: np.ndarray, cost: str, output: str) -> Value:
    """One sample's cost, as the engine defines it (engine/functions.py), in the textbook form."""
    if cost == "mse":
        return _pairwise_sum([(ak - float(yk)) ** 2 for ak, yk in zip(a, y, strict=True)])
    if output == "softmax":  # −Σ y log a
        return -_pairwise_sum([float(yk) * ak.log() for ak, yk in zip(a, y, strict=True) if yk != 0])
    # one coin per output: −[y log a + (1 − y) log(1 − a)]
    terms = []
    for ak, yk in zip(a, y, strict=True):
        yk = float(yk)
        if yk != 0:
            terms.append(yk * ak.log())
        if yk != 1:
            terms.append((1.0 - yk) * (1 - ak).log())
    return -_pairwise_sum(terms)
