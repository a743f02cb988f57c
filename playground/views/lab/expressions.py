"""What the Neuron lab shows, without Qt: the expressions it builds and backward one node at a time.

The expressions are built from ``engine.value.Value`` exactly as the seed writes them. The step-by-step
backward pass computes each node's grad from the local derivatives the Values stored, in reverse
topological order, and ends with exactly the grads ``Value.backward()`` gives (the tests check that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.value import Value, topological_order

SEED_VALUES = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
SHOWN_INPUTS = 8  # a neuron with more inputs than this shows its 8 largest |w·x| and folds the rest


def fmt(x: float) -> str:
    """Numbers as the boxes show them: draw_dot's four decimals (-0.0000 shown as 0.0000), and
    scientific notation from 10,000 on, where four decimals would only make the box wider."""
    if abs(x) >= 1e4:
        return f"{x:.3e}"
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


@dataclass
class Expression:
    """A built expression: its output, the named values a learner can point at, and a note."""

    root: Value
    named: dict[str, Value]
    note: str = ""
    weights: list[Value] = field(default_factory=list)  # explained neuron: the shown weights
    shown_inputs: list[int] = field(default_factory=list)  # their indices in the full input vector
    folded: int = 0  # how many inputs were folded into one summed node


def _name(v: Value, label: str) -> Value:
    v.label = label
    return v


def seed_neuron(params: dict[str, float] | None = None, activation: str = "tanh",
                through_exp: bool = False) -> Expression:
    """The seed's neuron: n = x1·w1 + x2·w2 + b, o = activation(n), labelled as in the lecture.

    ``through_exp`` writes the activation with ``exp`` as the seed does: tanh as e = exp(2n),
    o = (e − 1)/(e + 1); sigmoid as o = 1/(1 + exp(−n)). ReLU has no exp form.
    """
    p = {**SEED_VALUES, **(params or {})}
    x1, x2 = Value(p["x1"], label="x1"), Value(p["x2"], label="x2")
    w1, w2 = Value(p["w1"], label="w1"), Value(p["w2"], label="w2")
    b = Value(p["b"], label="b")
    x1w1 = _name(x1 * w1, "x1*w1")
    x2w2 = _name(x2 * w2, "x2*w2")
    x1w1x2w2 = _name(x1w1 + x2w2, "x1*w1 + x2*w2")
    n = _name(x1w1x2w2 + b, "n")
    named = {v.label: v for v in (x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n)}
    if activation == "tanh" and through_exp:
        e = _name(_name(2 * n, "2n").exp(), "e")
        o = _name(e - 1, "e - 1") / _name(e + 1, "e + 1")
        named["e"] = e
    elif activation == "sigmoid" and through_exp:
        e = _name(_name(-n, "-n").exp(), "e")
        o = 1 / _name(1 + e, "1 + e")
        named["e"] = e
    else:
        o = _activate(n, activation)
    named["o"] = _name(o, "o")
    return Expression(o, named)


def accumulation_example(a: float = 3.0) -> Expression:
    """The bug the seed records: a value used twice, ``b = a + a``; a.grad must be 2."""
    va = Value(a, label="a")
    b = _name(va + va, "b")
    return Expression(b, {"a": va, "b": b})


def _activate(z: Value, activation: str) -> Value:
    if activation == "tanh":
        return z.tanh()
    if activation == "sigmoid":
        return z.sigmoid()
    if activation == "relu":
        return z.relu()
    if activation == "linear":
        return z
    raise ValueError(f"unknown activation {activation!r}: use tanh, sigmoid, relu or linear")


def neuron_expression(weights: Sequence[float], bias: float, inputs: Sequence[float], activation: str,
                      input_labels: Sequence[str] | None = None, shown: int = SHOWN_INPUTS) -> Expression:
    """One neuron, a = f(Σ wᵢ·xᵢ + b), built from Values.

    With more than ``shown`` inputs only the ``shown`` largest contributions |wᵢ·xᵢ| get their own
    x, w and product; the rest are added up (in float64) into one leaf "rest", and the note says so.
    The products and the bias are summed pairwise, so the graph stays a few columns deep.
    """
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    x = np.asarray(inputs, dtype=np.float64).reshape(-1)
    if w.shape != x.shape:
        raise ValueError(f"{w.size} weights but {x.size} inputs: a neuron needs one weight per input")
    if not np.all(np.isfinite(w)) or not np.all(np.isfinite(x)) or not np.isfinite(bias):
        raise ValueError("the neuron's weights, bias and inputs must be finite numbers")
    labels = list(input_labels) if input_labels is not None else [f"x{k + 1}" for k in range(x.size)]
    if len(labels) != x.size:
        raise ValueError(f"{len(labels)} input labels for {x.size} inputs")
    note = ""
    if activation == "softmax":
        note = ("This is a softmax output: its activation depends on every output's weighted sum, so the lab "
                "shows this neuron's weighted sum z (softmax's input).")
        activation = "linear"
    contributions = w * x
    if x.size > shown:
        # stable: ties keep input order, so the same neuron always shows the same inputs
        keep = np.sort(np.argsort(-np.abs(contributions), kind="stable")[:shown])
    else:
        keep = np.arange(x.size)
    xs = [Value(x[k], label=labels[k]) for k in keep]
    ws = [Value(w[k], label=f"w[{labels[k]}]") for k in keep]
    terms = [_name(wv * xv, f"w·{xv.label}") for wv, xv in zip(ws, xs, strict=True)]
    folded = x.size - keep.size
    if folded:
        rest_mask = np.ones(x.size, dtype=bool)
        rest_mask[keep] = False
        rest = Value(float(np.sum(contributions[rest_mask])), label=f"rest: Σ of {folded} more w·x")
        terms.append(rest)
        note = (f"{x.size} inputs: the {keep.size} largest contributions |w·x| are shown; the other {folded} "
                f"are added up into the one node “rest”. " + note).strip()
    terms.append(Value(float(bias), label="b"))
    z = _name(_pairwise_sum(terms), "z")
    a = _name(_activate(z, activation), "a") if activation != "linear" else z
    named = {v.label: v for v in topological_order(a) if v.label}
    return Expression(a, named, note, weights=ws, shown_inputs=[int(k) for k in keep], folded=folded)


def _pairwise_sum(terms: list[Value]) -> Value:
    """t0 + t1 + … as a balanced tree of +, labelled "sum", so depth grows like log2 of the count."""
    level = list(terms)
    while len(level) > 1:
        nxt = [_name(level[i] + level[i + 1], "sum") for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


# ---- backward, one node at a time ---------------------------------------------------------------

LOCAL_FORMULAS = {
    "+": "1",
    "tanh": "1 − tanh²",
    "exp": "exp(x)",
    "sigmoid": "σ·(1 − σ)",
    "ReLU": "[x > 0]",
    "log": "1/x",
}


def value_name(v: Value) -> str:
    """How captions call a value: its label, or its number for an unlabelled constant."""
    return v.label or f"{v.data:g}"


def local_formula(consumer: Value, operand_index: int) -> str:
    """The local derivative ∂consumer/∂operand in words a learner recognises."""
    op = consumer._op
    if op == "*":
        return value_name(consumer._prev[1 - operand_index])
    if op.startswith("**"):
        k = op[2:]
        return f"{k}·x^({k}−1)"
    return LOCAL_FORMULAS.get(op, "local")


@dataclass
class Term:
    """One use of a value: ``local`` (∂consumer/∂value) times ``incoming`` (∂root/∂consumer)."""

    consumer: Value
    operand_index: int
    local: float
    incoming: float

    @property
    def product(self) -> float:
        return self.local * self.incoming


@dataclass
class Step:
    node: Value
    terms: list[Term]
    grad: float
    caption: str


class BackwardStepper:
    """Backward pass, one node per ``step()``, in reverse topological order.

    A node's turn comes after every value that uses it, so its grad is complete then:
    grad = Σ over its uses of (local derivative × the user's grad), which is what micrograd's
    ``+=`` accumulates. With ``accumulate=False`` it shows the bug of writing ``=``: the last use
    overwrites the others.
    """

    def __init__(self, root: Value, accumulate: bool = True) -> None:
        self.root = root
        self.accumulate = accumulate
        order = topological_order(root)
        self.order = list(reversed(order))
        self.uses: dict[int, list[tuple[Value, int]]] = {id(v): [] for v in order}
        # uses listed in the order micrograd's backward would push them: users in reverse
        # topological order, each user's operands left to right
        for user in self.order:
            for i, child in enumerate(user._prev):
                self.uses[id(child)].append((user, i))
        self.position = 0
        for v in order:
            v.grad = 0.0

    @property
    def done(self) -> bool:
        return self.position >= len(self.order)

    def step(self) -> Step | None:
        if self.done:
            return None
        node = self.order[self.position]
        self.position += 1
        root_name = value_name(self.root)
        if node is self.root:
            node.grad = 1.0
            return Step(node, [], 1.0, f"∂{root_name}/∂{root_name} = 1: backward starts at the output")
        terms = [Term(user, i, user._local[i], user.grad) for user, i in self.uses[id(node)]]
        if self.accumulate:
            node.grad = sum(t.product for t in terms)
        else:
            node.grad = terms[-1].product
        return Step(node, terms, node.grad, self._caption(node, terms))

    def run(self) -> None:
        while not self.done:
            self.step()

    def _caption(self, node: Value, terms: list[Term]) -> str:
        root = value_name(self.root)
        name = _wrap(value_name(node))
        symbolic = " + ".join(f"{_wrap(local_formula(t.consumer, t.operand_index))} × "
                              f"∂{root}/∂{_wrap(value_name(t.consumer))}" for t in terms)
        numeric = " + ".join(f"{fmt(t.local)} × {fmt(t.incoming)}" for t in terms)
        if self.accumulate or len(terms) == 1:
            return f"∂{root}/∂{name} = {symbolic} = {numeric} = {fmt(node.grad)}"
        right = sum(t.product for t in terms)
        return (f"∂{root}/∂{name}: {len(terms)} uses, but with = each one overwrites the last: "
                f"grad = {fmt(terms[-1].local)} × {fmt(terms[-1].incoming)} = {fmt(node.grad)} "
                f"(+= would give {numeric} = {fmt(right)})")


def _wrap(text: str) -> str:
    """Parenthesise a name or formula with spaces in it, so "∂o/∂(x1*w1 + x2*w2)" reads unambiguously."""
    if text.startswith("[") or not any(ch in text for ch in " *+/-·"):
        return text
    return f"({text})"
