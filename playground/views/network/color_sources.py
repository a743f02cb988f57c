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
from playground.probe_gradients import neuron_deltas, probe_backprop

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


class GradientColors:
    """The gradient overlay: edges by −∂C/∂w, neurons by −δ, both on the Session's probe batch.

    −∂C/∂w is the way (hue) and the strength (width, brightness) the next gradient-descent step pushes
    each weight. A neuron's δ = ∂C/∂z says how the cost changes if its weighted sum moves; its −δ, summed
    over the probe batch (= −∂C/∂b), is the way the step pushes the neuron. Input neurons have no δ:
    nothing there is learned (a digit's pixels still show the digit)."""

    name = "gradients"
    edge_legend = "lines: −∂C/∂w: orange = the step raises the weight, blue = lowers it; thicker = harder"

    def legend(self, network, image_input: bool) -> list[LegendSpec]:
        pixels = LegendSpec("pixels", "input pixels (no δ: not learned)", "sequential")
        specs = [pixels] if image_input else []
        inputs = "" if image_input else "; grey inputs have none"
        return specs + [LegendSpec("delta", f"neurons: −δ = −∂C/∂z on the probe batch{inputs}", "diverging")]

    def neurons(self, session, image_input: bool) -> NeuronColors:
        pushes = [-d for d in neuron_deltas(session)]  # layers 1..L
        biggest = max((float(np.max(np.abs(p))) for p in pushes if p.size), default=0.0)
        limit = theme.nice_limit(biggest) if np.isfinite(biggest) and biggest > 0 else 1.0
        x = np.asarray(session.activations()[0], dtype=float)
        if image_input:
            first, first_colors = x.copy(), theme.sequential(x)
        else:
            first = np.full(len(x), np.nan)  # an input neuron has no δ
            first_colors = np.tile(np.array([*theme.rgb(theme.ZERO), 255], np.uint8), (len(x), 1))
        ranges = {"delta": (f"−{limit:g}", f"+{limit:g}")}
        if image_input:
            ranges["pixels"] = ("0", "1")
        return NeuronColors([first, *pushes], [first_colors, *(theme.diverging(p, limit) for p in pushes)],
                            ranges)

    def edge_values(self, session, layer: int) -> np.ndarray:
        return -probe_backprop(session).dW[layer - 1]


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


# ---- the step-by-step walkthrough's phases (playground/walkthrough.py holds the numbers) ----------


class _ShownBatch:
    """What ActivationColors reads from a Session, with the batch means of the walkthrough instead."""

    def __init__(self, network, activations: list[np.ndarray]):
        self.network = network
        self._activations = activations

    def activations(self) -> list[np.ndarray]:
        return self._activations


def _dark_unlit(shown: NeuronColors, lit: list[bool]) -> NeuronColors:
    """Neurons the phase has not reached yet are drawn dark, their value 0."""
    zero = np.array([*theme.rgb(theme.ZERO), 255], np.uint8)
    for layer, on in enumerate(lit):
        if not on:
            shown.colors[layer] = np.tile(zero, (len(shown.colors[layer]), 1))
            shown.values[layer] = np.zeros(len(shown.colors[layer]))
    return shown


class WalkForwardColors(ActivationColors):
    """Forward phases: the layers computed so far light up with the batch's mean activation."""

    name = "walk-forward"
    edge_legend = ("step by step, forward: lit lines carry the weights used so far (orange = positive, "
                   "blue = negative); neurons show the batch's mean activation")

    def neurons(self, session, image_input: bool) -> NeuronColors:
        walk = session.walkthrough
        values = [walk.neuron_values(layer) for layer in range(len(session.network.sizes))]
        means = [np.zeros(n) if v is None else v for v, n in zip(values, session.network.sizes, strict=True)]
        shown = super().neurons(_ShownBatch(session.network, means), image_input)
        return _dark_unlit(shown, [v is not None for v in values])

    def edge_values(self, session, layer: int) -> np.ndarray:
        return _edges(session, layer)


def _edges(session, layer: int) -> np.ndarray:
    values = session.walkthrough.edge_values(layer)
    return np.zeros_like(session.network.weights[layer - 1]) if values is None else values


class _WalkSignedColors:
    """A phase whose neurons show a signed number (blue < 0 < orange), one scale for all lit layers."""

    name = key = title = edge_legend = ""

    def legend(self, network, image_input: bool) -> list[LegendSpec]:
        return [LegendSpec(self.key, self.title, "diverging")]

    def neurons(self, session, image_input: bool) -> NeuronColors:
        walk = session.walkthrough
        values = [walk.neuron_values(layer) for layer in range(len(session.network.sizes))]
        lit = [np.asarray(v, dtype=float) for v in values if v is not None]
        biggest = max((float(np.max(np.abs(v))) for v in lit if v.size), default=0.0)
        limit = theme.nice_limit(biggest) if biggest > 0 else 1.0
        shown = [np.zeros(n) if v is None else np.asarray(v, dtype=float)
                 for v, n in zip(values, session.network.sizes, strict=True)]
        colors = [theme.diverging(v, limit) for v in shown]
        result = NeuronColors(shown, colors, {self.key: (f"{-limit:g}", f"{limit:g}")})
        return _dark_unlit(result, [v is not None for v in values])

    def edge_values(self, session, layer: int) -> np.ndarray:
        return _edges(session, layer)


class WalkErrorColors(_WalkSignedColors):
    name, key = "walk-error", "error"
    title = "a − y at each output (batch mean): orange = too high, blue = too low"
    edge_legend = "step by step, the cost: how far each output is from its target"


class WalkBackwardColors(_WalkSignedColors):
    name, key = "walk-backward", "delta"
    title = "δ = ∂C/∂z, summed over the batch (= ∂C/∂b)"
    edge_legend = "lines: ∂C/∂w (orange > 0: lowering this weight lowers the cost; blue < 0: raising it)"


class WalkUpdateColors(_WalkSignedColors):
    name, key = "walk-update", "change"
    title = "Δb: how much each bias moved"
    edge_legend = ("step by step, the update: lines show Δw, how much each weight moved "
                   "(orange = up, blue = down)")


SOURCES: dict[str, ColorSource] = {"activations": ActivationColors()}
SOURCES["gradients"] = GradientColors()
SOURCES.update({source.name: source for source in (WalkForwardColors(), WalkErrorColors(),
                                                   WalkBackwardColors(), WalkUpdateColors())})


def color_source(name: str) -> ColorSource:
    """The object for one of the Session's colour sources. One not built yet shows the activations."""
    return SOURCES.get(name, SOURCES["activations"])
