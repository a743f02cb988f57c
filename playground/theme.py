"""Colours and colour maps, in one place, so every view speaks the same visual language.

Positive numbers are warm (orange), negative ones cool (blue), everywhere: weights, grads, z.
An activation that lives in [0, 1] (sigmoid, softmax) goes from dark (0, "off") to bright (1, "on"),
as in 3Blue1Brown's videos; a signed one (tanh, ReLU, linear) uses the diverging map, dark at zero.

The maps are plain numpy: numbers in, an (n, 4) uint8 RGBA array out, so any view (or a test) can
use them without Qt.
"""

from __future__ import annotations

import math

import numpy as np

BACKGROUND = "#1e1f24"
PANEL = "#26282f"
TEXT = "#e6e6e6"
TEXT_DIM = "#9a9ca5"
POSITIVE = "#f39c3d"  # positive weights / grads
NEGATIVE = "#3d9cf3"  # negative weights / grads
HIGHLIGHT = "#ffe14d"  # the selected neuron, the top prediction
GOOD = "#5fd38d"
BAD = "#ef5f5f"

NEURON_OUTLINE = "#6c6f7a"  # a ring around every neuron, so an "off" (dark) neuron is still visible
ZERO = "#2b2d34"  # the diverging map's centre: zero is dark, big numbers of either sign glow
SEQUENTIAL_STOPS = ((0.0, "#0b0c0f"), (0.35, "#3a4150"), (0.7, "#9fb0c6"), (1.0, "#ffffff"))
DIVERGING_STOPS = ((0.0, "#9fd0ff"), (0.2, NEGATIVE), (0.5, ZERO), (0.8, POSITIVE), (1.0, "#ffd9a8"))
CLASS_COLORS = (NEGATIVE, POSITIVE, GOOD, "#c77dff", BAD, "#ffe14d", "#4dd6d6", "#ff8fb1", "#b8b8b8",
                "#8fbf5a")  # class 0, 1, ... (two-class data: blue for 0, orange for 1)
BOUNDARY_FADE = 0.6  # how far the decision-boundary heatmap is faded towards the background


def rgb(color: str) -> tuple[int, int, int]:
    """'#rrggbb' -> (r, g, b)."""
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def ramp(stops, n: int = 256) -> np.ndarray:
    """A lookup table of n RGBA colours (uint8) blending linearly between (position, '#colour') stops."""
    positions = np.array([p for p, _ in stops], dtype=float)
    colours = np.array([rgb(c) for _, c in stops], dtype=float)
    t = np.linspace(0.0, 1.0, n)
    table = np.empty((n, 4), dtype=np.uint8)
    for channel in range(3):
        table[:, channel] = np.round(np.interp(t, positions, colours[:, channel]))
    table[:, 3] = 255
    return table


SEQUENTIAL_LUT = ramp(SEQUENTIAL_STOPS)
DIVERGING_LUT = ramp(DIVERGING_STOPS, 257)  # odd: zero falls exactly on the middle entry


def _lookup(table: np.ndarray, t) -> np.ndarray:
    t = np.nan_to_num(np.asarray(t, dtype=float), nan=0.5)
    index = np.clip(np.round(t * (len(table) - 1)), 0, len(table) - 1).astype(np.intp)
    return table[index]


def sequential(values, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    """Dark (lo) to bright (hi): for numbers that are never negative, like a sigmoid's output."""
    span = hi - lo if hi > lo else 1.0
    return _lookup(SEQUENTIAL_LUT, (np.asarray(values, dtype=float) - lo) / span)


def diverging(values, limit: float = 1.0) -> np.ndarray:
    """Blue (−limit) through dark (0) to orange (+limit): for signed numbers. Beyond ±limit: clipped."""
    limit = limit if limit > 0 else 1.0
    return _lookup(DIVERGING_LUT, 0.5 + 0.5 * np.asarray(values, dtype=float) / limit)


def nice_limit(x: float) -> float:
    """Round a positive number up to 1, 2 or 5 times a power of ten (a legend that does not jitter)."""
    if not math.isfinite(x) or x <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    for step in (1.0, 2.0, 5.0, 10.0):
        if x <= step * power * (1 + 1e-9):
            return step * power
    return 10.0 * power


BOUNDED = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def activation_scale(activation: str, values=None) -> tuple[str, float, float]:
    """How to colour the outputs of an activation function: (kind, lo, hi).

    kind is "sequential" for outputs that are never negative ([0, 1], ReLU's [0, ∞)), "diverging" (centred
    on zero, lo = −hi) otherwise. Unbounded activations (ReLU, linear) get a range wide enough for
    `values`, rounded to a nice number.
    """
    if activation in ("sigmoid", "softmax"):
        return "sequential", 0.0, 1.0
    if activation == "tanh":
        return "diverging", -1.0, 1.0
    biggest = float(np.max(np.abs(values))) if values is not None and np.size(values) else 1.0
    limit = nice_limit(max(biggest, 1.0))
    if activation == "relu":  # never negative: dark at 0 to bright, no blue half for values it never has
        return "sequential", 0.0, limit
    return "diverging", -limit, limit


def colorize(kind: str, lo: float, hi: float, values) -> np.ndarray:
    """Colours for values under a scale made by activation_scale."""
    if kind == "sequential":
        return sequential(values, lo, hi)
    return diverging(values, hi)


def edge_rgb(weights, limit: float, fade: float = 1.0) -> np.ndarray:
    """An edge's colour: its hue says the weight's sign, its brightness how big it is (vs limit).

    Opaque: the edge colour is blended onto the background here, because translucent lines are slow to
    draw in software. `fade` (0..1) dims every edge, e.g. when another neuron's edges are highlighted."""
    w = np.asarray(weights, dtype=float)
    strength = np.clip(np.abs(w) / (limit if limit > 0 else 1.0), 0.0, 1.0)
    opacity = ((0.15 + 0.85 * strength) * fade)[..., None]
    hue = np.where((w >= 0)[..., None], rgb(POSITIVE), rgb(NEGATIVE))
    return np.round(opacity * hue + (1 - opacity) * np.array(rgb(BACKGROUND))).astype(np.uint8)


def boundary_lut(n: int = 256) -> np.ndarray:
    """The decision-boundary heatmap: class 0 (blue) at 0, unsure (dark) at 0.5, class 1 (orange) at 1,
    faded towards the background so the data points drawn on top stand out."""
    table = ramp(((0.0, NEGATIVE), (0.5, ZERO), (1.0, POSITIVE)), n).astype(float)
    table[:, :3] = (1 - BOUNDARY_FADE) * table[:, :3] + BOUNDARY_FADE * np.array(rgb(BACKGROUND))
    return np.round(table).astype(np.uint8)


# Cost plot (SHELL helper): training cost per step, test cost and accuracy per epoch
COST_TRAIN = "#a98bff"
COST_TEST = "#ff8fb1"
ACCURACY = GOOD
