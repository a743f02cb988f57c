"""Backprop, step by step: one training step of the whole network shown in phases. No Qt.

One ordinary Step (`Trainer.train_step`) does, all at once: take the next mini-batch, run it forward,
measure the cost, run backprop, and let the optimiser move every weight. The walkthrough shows the same
step in phases a student can follow, with the engine's own numbers (`Network.backprop`):

    forward 0 .. L   the batch goes in, then each layer lights up: a(l) = f(W·a(l−1) + b)
    error            the cost says how wrong: a − y at each output neuron
    backward L .. 1  δ = ∂C/∂z on each neuron of the layer, ∂C/∂w = δ·a on each of its incoming weights
    update           the optimiser's step, applied: the same one an ordinary Step would take

The batch is the one an ordinary Step would take next (the trainer is put back after peeking at it).
Nothing changes until the update phase; the update is a real Step (`RunControl.step`), so afterwards
the weights equal those of one ordinary Step from the same state. Going back from the update phase takes
it back exactly (weights, optimiser memory, batch position, step count and cost history).

With a batch, the neurons show batch figures: activations and a − y as the mean over the batch's
samples; δ summed over them, which is ∂C/∂b (the cost already averages over the samples, so δ carries
the 1/n); the edges show ∂C/∂w, itself a sum over the samples.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from engine.network import Backprop, BackwardStep, Network
from engine.training import Trainer
from playground.number_format import readable

KINDS = ("forward", "error", "backward", "update")
# what the network view colours by in each kind of phase (names in state.COLOR_SOURCES)
COLOR_SOURCE = {kind: f"walk-{kind}" for kind in KINDS}
SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "softmax": "softmax", "linear": ""}


@dataclass(frozen=True)
class Phase:
    kind: str  # one of KINDS
    layer: int  # forward: the layer just computed (0: the input); backward: the layer whose δ; else L
    caption: str  # one line in the seed's words

    @property
    def color_source(self) -> str:
        return COLOR_SOURCE[self.kind]


class TrainerMemento:
    """A trainer's whole state (weights, optimiser memory, batch position, random generator, guard,
    counters), kept so the trainer can be put back exactly. The data is shared, not copied."""

    def __init__(self, trainer: Trainer):
        self.trainer = trainer
        self._shared = [trainer.network, trainer.dataset, trainer._X, trainer._Y, trainer.augment]
        self._state = copy.deepcopy(trainer.__dict__, self._memo())
        net = trainer.network
        self._params = [p.copy() for p in net.weights + net.biases]

    def _memo(self) -> dict:
        return {id(x): x for x in self._shared}

    def restore(self) -> None:
        t = self.trainer
        t.__dict__.update(copy.deepcopy(self._state, self._memo()))  # a fresh copy: restorable again
        for dst, src in zip(t.network.weights + t.network.biases, self._params, strict=True):
            np.copyto(dst, src)


def peek_batch(trainer: Trainer) -> tuple[np.ndarray, np.ndarray]:
    """The mini-batch the trainer's next train_step will use, without moving the trainer on."""
    memento = TrainerMemento(trainer)
    X, Y = trainer.next_batch()
    X, Y = X.copy(), Y.copy()
    memento.restore()
    return X, Y


class StepUndo:
    """What one Step changes in a RunControl, kept so that it can be taken back exactly."""

    def __init__(self, run):
        self.run = run
        self.trainer = TrainerMemento(run.trainer)
        self.counts = (run.steps, run.epoch_progress, run._step_offset, run._epoch_offset)
        self.history = copy.deepcopy(run.history.__dict__)  # at most a few thousand points

    def restore(self, shown: Network) -> None:
        run = self.run
        run.trainer = self.trainer.trainer  # a divergence would have replaced it
        self.trainer.restore()
        run.steps, run.epoch_progress, run._step_offset, run._epoch_offset = self.counts
        run.history.__dict__.update(copy.deepcopy(self.history))
        shown.copy_parameters_from(run.trainer.network)


def phases_for(network: Network, bp: Backprop, optimizer: str, lr: float, n: int) -> list[Phase]:
    L = network.n_layers
    samples = f"{n} sample{'s' if n != 1 else ''}"
    phases = [Phase("forward", 0, f"a(0) = the input: the next mini-batch, {samples} (neurons show the "
                                  "batch mean)")]
    for l in range(1, L + 1):
        f = SYMBOL.get(network.layer_activation(l), network.layer_activation(l))
        formula = f"a({l}) = {f}(W·a({l - 1}) + b)" if f else f"a({l}) = W·a({l - 1}) + b"
        what = "the output" if l == L else f"hidden layer {l}"
        phases.append(Phase("forward", l, f"{formula}: {what} weighs the layer before, adds its bias "
                                          "and squashes the sum"))
    phases.append(Phase("error", L, f"the cost says how wrong: C = {readable(bp.cost, 4)}; each output "
                                    "neuron shows a − y, its miss (batch mean)"))
    for l in range(L, 0, -1):
        if l == L:
            head = "δ tells how much each neuron's weighted sum should change: δ = ∂C/∂z at the output"
        else:
            head = f"δ({l}) = (Wᵀ·δ({l + 1})) ⊙ f′(z({l})): the blame passed back to layer {l}"
        phases.append(Phase("backward", l, f"{head}; each incoming weight gets ∂C/∂w = δ·a (summed over "
                                           "the batch)"))
    if optimizer == "sgd":
        update = f"nudge every weight by −lr·∂C/∂w (lr = {lr:g}): the step is taken"
    else:
        update = (f"{optimizer} turns each ∂C/∂w into that weight's nudge (lr = {lr:g}): the step is "
                  "taken; lines show the change")
    phases.append(Phase("update", L, update))
    return phases


class Walkthrough:
    """One training step in phases, on `network` (the shown one, equal to the trainer's while paused).

    `run` is the Session's RunControl: its trainer gives the batch; `apply` / `undo` take and take back
    the real Step at the update phase. Moving between the other phases never changes the network.
    """

    def __init__(self, network: Network, run, cost: str, optimizer: str, lr: float):
        self.network = network
        self.run = run
        self.X, self.Y = peek_batch(run.trainer)
        self.before = network.copy()  # the weights the step starts from
        self.bp: Backprop = network.backprop(self.X, self.Y, cost)
        self.after: Network | None = None  # the weights after the update, once it is applied
        self._undo: StepUndo | None = None
        self.phases = phases_for(network, self.bp, optimizer, lr, len(self.X))
        self.index = 0
        self.step_cost: float | None = None  # the cost the real Step reported

    # ---- moving ----------------------------------------------------------------------------------
    @property
    def phase(self) -> Phase:
        return self.phases[self.index]

    @property
    def applied(self) -> bool:
        return self.after is not None

    @property
    def at_end(self) -> bool:
        return self.index == len(self.phases) - 1

    def next(self) -> str:
        """Move on one phase. Returns what happened: "moved", "applied" (the update was taken, with the
        trainer's divergence sentence after a colon if it found one) or "end" (nothing left)."""
        if self.at_end:
            return "end"
        self.index += 1
        if self.phase.kind == "update":
            return self._apply()
        return "moved"

    def previous(self) -> str:
        """Back one phase: "moved", "undone" (it left the update phase: the Step is taken back) or ""
        (nothing: this is the first phase)."""
        if self.index == 0:
            return ""
        self.index -= 1
        if self.phases[self.index + 1].kind == "update" and self.applied:
            self._undo.restore(self.network)
            self.after = self._undo = None
            self.step_cost = None
            return "undone"
        return "moved"

    def _apply(self) -> str:
        self._undo = StepUndo(self.run)
        self.step_cost, divergence = self.run.step(self.network)  # exactly what an ordinary Step does
        self.after = self.network.copy()
        return f"applied:{divergence}" if divergence else "applied"

    # ---- what a phase shows ------------------------------------------------------------------------
    def step(self, layer: int) -> BackwardStep:
        """The backward pass's step for a layer (1 .. L)."""
        return self.bp.steps[self.network.n_layers - layer]

    def neuron_values(self, layer: int) -> np.ndarray | None:
        """What the neurons of `layer` stand for in this phase (a batch figure), or None: not lit."""
        p, L = self.phase, self.network.n_layers
        if p.kind == "forward":
            return self.bp.activations[layer].mean(axis=0) if layer <= p.layer else None
        if p.kind == "error":
            return self.bp.output_error.mean(axis=0) if layer == L else None
        if p.kind == "backward":
            return self.step(layer).db.copy() if layer >= max(p.layer, 1) else None
        if layer == 0 or self.after is None:
            return None
        return (self.after.biases[layer - 1] - self.before.biases[layer - 1]).astype(float)

    def edge_values(self, layer: int) -> np.ndarray | None:
        """What the weights into `layer` stand for in this phase, or None: not lit."""
        p = self.phase
        if p.kind == "forward":
            return self.before.weights[layer - 1] if layer <= p.layer else None
        if p.kind == "error":
            return self.before.weights[layer - 1]
        if p.kind == "backward":
            return self.step(layer).dW if layer >= p.layer else None
        if self.after is None:
            return None
        return self.after.weights[layer - 1] - self.before.weights[layer - 1]

    def neuron_report(self, layer: int, index: int) -> list[tuple[str, float]]:
        """A neuron's numbers in this phase, (words, value) pairs, for its tooltip and the inspector."""
        p, bp, n = self.phase, self.bp, len(self.X)
        rows: list[tuple[str, float]] = []
        if p.kind == "forward" and layer <= p.layer:
            if layer >= 1:
                rows.append((f"z, mean over the {n} samples", float(bp.zs[layer - 1][:, index].mean())))
            rows.append((f"a, mean over the {n} samples", float(bp.activations[layer][:, index].mean())))
        elif p.kind == "error" and layer == self.network.n_layers:
            rows.append(("a, batch mean", float(bp.activations[layer][:, index].mean())))
            rows.append(("y (the target), batch mean", float(self.Y[:, index].mean())))
            rows.append(("a − y, batch mean", float(bp.output_error[:, index].mean())))
        elif p.kind == "backward" and layer >= max(p.layer, 1):
            s = self.step(layer)
            rows.append((f"δ = ∂C/∂z, summed over the {n} samples = ∂C/∂b", float(s.db[index])))
            rows.append(("δ of the first sample", float(s.delta[0, index])))
        elif p.kind == "update" and layer >= 1 and self.after is not None:
            rows.append(("b before", float(self.before.biases[layer - 1][index])))
            rows.append(("b after", float(self.after.biases[layer - 1][index])))
            rows.append(("Δb", rows[1][1] - rows[0][1]))
        return rows

    def edge_report(self, layer: int, neuron: int, source: int) -> list[tuple[str, float]]:
        """The numbers of weights[layer-1][neuron, source] in this phase."""
        p = self.phase
        w = float(self.before.weights[layer - 1][neuron, source])
        if p.kind == "backward" and layer >= p.layer:
            return [("w", w), ("∂C/∂w = Σ δ·a over the batch", float(self.step(layer).dW[neuron, source]))]
        if p.kind == "update" and self.after is not None:
            after = float(self.after.weights[layer - 1][neuron, source])
            return [("w before", w), ("w after", after), ("Δw", after - w)]
        if self.edge_values(layer) is not None:
            return [("w", w)]
        return []


def format_report(rows: list[tuple[str, float]]) -> str:
    return "<br>".join(f"{words} = {readable(value, 4)}" for words, value in rows)
