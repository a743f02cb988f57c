"""Which network neuron the lab explains, and its numbers now, read from the Session. No Qt.

The lab owns one of these. It decides what the lab follows; the lab (a widget) only draws it:

* "Explain this neuron" picks a neuron (`explain`), which must have weights (layer >= 1);
* a neuron selected anywhere afterwards (a click in the network view, a weight in the inspector)
  becomes the explained one too, as long as the lab explains a network neuron at all;
* a new structure forgets it (its neuron belonged to the network that was replaced).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class NeuronSource(Protocol):
    """What the follower reads: the Session's network, its activations and the shown input's caption."""

    network: object
    input_caption: str
    parameter: tuple[int, int, int | None] | None

    def activations(self) -> list[np.ndarray]: ...
    def input_labels(self, layer: int) -> list[str]: ...


@dataclass
class NeuronNumbers:
    """One neuron's numbers for the shown input, as the lab builds its expression from them."""

    weights: np.ndarray
    bias: float
    inputs: np.ndarray
    activation: str
    title: str
    input_labels: list[str]


class ExplainedNeuron:
    def __init__(self, session: NeuronSource):
        self._session = session
        self.neuron: tuple[int, int] | None = None  # (layer, index), layer >= 1

    def explain(self, layer: int, index: int) -> NeuronNumbers:
        """Explain this neuron from now on. Raises ValueError (and keeps the old one) for a neuron the
        network does not have or one without weights."""
        sizes = self._session.network.sizes
        if layer < 1:
            raise ValueError("an input neuron has no weights, it just holds the input value")
        if layer >= len(sizes) or not 0 <= index < sizes[layer]:
            raise ValueError(f"the network has no neuron {index} in layer {layer}")
        numbers = self.numbers_of(layer, index)
        self.neuron = (int(layer), int(index))
        return numbers

    def follow_selection(self, layer: int, index: int) -> NeuronNumbers | None:
        """A neuron was selected: the numbers to show if the lab should switch to it, else None."""
        if self.neuron is None or layer < 1 or (layer, index) == self.neuron:
            return None
        try:
            return self.explain(layer, index)
        except ValueError:
            return None

    def numbers(self) -> NeuronNumbers | None:
        """The explained neuron's numbers now (after a slider, a step, a new input), or None."""
        return None if self.neuron is None else self.numbers_of(*self.neuron)

    def forget(self) -> None:
        self.neuron = None

    def selected_parameter(self) -> tuple[int, int, int | None] | None:
        """The Session's selected parameter (layer, neuron, source) if it is one of the explained
        neuron's weights or its bias (source None), else None."""
        p = self._session.parameter
        if p is None or self.neuron is None or (p[0], p[1]) != self.neuron:
            return None
        return p

    def numbers_of(self, layer: int, index: int) -> NeuronNumbers:
        s = self._session
        net = s.network
        role = "the output" if layer == len(net.sizes) - 1 else f"hidden layer {layer}"  # as the inspector
        return NeuronNumbers(
            weights=net.weights[layer - 1][index].astype(float),
            bias=float(net.biases[layer - 1][index]),
            inputs=s.activations()[layer - 1].astype(float),
            activation=net.layer_activation(layer),
            title=f"Neuron {index} of {role} ({s.input_caption})",
            input_labels=s.input_labels(layer - 1),
        )
