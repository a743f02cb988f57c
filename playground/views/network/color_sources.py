"""What the network view colours by, as small Qt-free objects: Session state in, numbers and colours out.

The Session names the source (`session.color_source`); the view asks `color_source(name)` for the
object and draws what it returns: each neuron's value and colour, each edge's value (its sign gives
the hue, its size the width and brightness), and the legend's words. To colour by something new (a
gradient, a phase of the walkthrough), write one class with these three methods and add it to SOURCES.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from playground import theme

# An activation's words in the legend and the captions: (name, low end, high end)
ACTIVATION_WORDS = {
    "sigmoid": ("sigmoid", "0 = off", "1 = on"),
    "softmax": ("softmax (share of belief)", "0", "1"),
    "tanh": ("tanh", "−1", "+1"),
    "relu": ("ReLU", "", ""),
    "linear": ("linear (a = z)", "", ""),
}


@dataclass(frozen=True)
class LegendSpec:
    """One colour bar of the legend: its key (a scale several layers may share), words and map."""

    key: str
    title: str
    kind: str  # "sequential" (dark to bright) or "diverging" (blue, dark at zero, orange)


@dataclass
class NeuronColors:
    values: list[np.ndarray]  # the number each neuron stands for, per layer, the input first
    colors: list[np.ndarray]  # (n, 4) uint8 RGBA per layer
    ranges: dict[str, tuple[str, str]]  # legend key -> the words at the bar's two ends


class ColorSource(Protocol):
    name: str
    edge_legend: str  # the line explaining what an edge's colour and width mean

    def legend(self, network, image_input: bool) -> list[LegendSpec]: ...
    def neurons(self, session, image_input: bool) -> NeuronColors: ...
    def edge_values(self, session, layer: int) -> np.ndarray: ...


class ActivationColors:
    """Neurons by their activation for the shown input, edges by their weight."""

    name = "activations"
    edge_legend = "lines: orange = positive weight (excites), blue = negative (inhibits); thicker = bigger"

    def scale_keys(self, network, image_input: bool) -> list[str]:
        """One key per distinct colour scale: the input's, then each activation function's."""
        keys = ["pixels" if image_input else "inputs"]
        for layer in range(1, len(network.sizes)):
            name = network.layer_activation(layer)
            if name not in keys:
                keys.append(name)
        return keys

    def legend(self, network, image_input: bool) -> list[LegendSpec]:
        specs = []
        for key in self.scale_keys(network, image_input):
            kind = "sequential" if key in NEVER_NEGATIVE else "diverging"
            specs.append(LegendSpec(key, _title(key), kind))
        return specs

    def neurons(self, session, image_input: bool) -> NeuronColors:
        net = session.network
        acts = session.activations()
        first = self.scale_keys(net, image_input)[0]
        scales: dict[str, tuple[str, float, float]] = {}
        colors = []
        for layer, a in enumerate(acts):
            key = first if layer == 0 else net.layer_activation(layer)
            if layer == 0:
                if image_input:
                    scale = ("sequential", 0.0, 1.0)
                else:
                    limit = theme.nice_limit(max(float(np.max(np.abs(a))) if a.size else 1.0, 1.0))
                    scale = ("diverging", -limit, limit)
            else:
                # layers with the same activation share one scale (and one legend bar)
                same = [acts[k] for k in range(1, len(acts)) if net.layer_activation(k) == key]
                scale = theme.activation_scale(key, np.concatenate([np.ravel(x) for x in same]))
            scales[key] = scale
            colors.append(theme.colorize(*scale, a))
        values = [np.array(a, dtype=float, copy=True) for a in acts]
        return NeuronColors(values, colors, {key: _range_words(key, scale) for key, scale in scales.items()})

    def edge_values(self, session, layer: int) -> np.ndarray:
        return session.network.weights[layer - 1]


NEVER_NEGATIVE = ("sigmoid", "softmax", "pixels", "relu")  # their legend bar runs dark to bright


def _title(key: str) -> str:
    if key == "pixels":
        return "input pixels: blank → ink"
    if key == "inputs":
        return "input values"
    words = ACTIVATION_WORDS.get(key, (key, "", ""))[0].split(" (")
    return f"{words[0]} activation" + (f" ({words[1]}" if len(words) > 1 else "")


def _range_words(key: str, scale: tuple[str, float, float]) -> tuple[str, str]:
    words = ACTIVATION_WORDS.get(key)
    if words and words[1]:
        return words[1], words[2]
    if key == "pixels":
        return "0", "1"
    return f"{scale[1]:g}", f"{scale[2]:g}"


SOURCES: dict[str, ColorSource] = {"activations": ActivationColors()}


def color_source(name: str) -> ColorSource:
    """The object for one of the Session's colour sources. One not built yet shows the activations."""
    return SOURCES.get(name, SOURCES["activations"])
