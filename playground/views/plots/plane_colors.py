"""Colours of the input plane, Qt-free: the network's answer and each neuron's output at every grid point.

One colour language for the big boundary and the small neuron maps (as TensorFlow Playground): blue
for "low" (class 0, a neuron off, a negative target), orange for "high", dark in between; a three-class
answer takes the winning class's colour. Regression gets the diverging map, so a target of 0 is dark.
"""

from __future__ import annotations

import numpy as np

from playground import theme


def _opaque(rgb: np.ndarray) -> np.ndarray:
    """An (n, 3 or 4) colour table as opaque RGBA: a lookup is then one indexing, no copying after."""
    table = np.full((len(rgb), 4), 255, np.uint8)
    table[:, :3] = rgb[:, :3]
    return table


_BINARY = _opaque(theme.boundary_lut())
# a regression's prediction from −1 (light blue) through 0 (dark) to 1 (light orange), faded like the
# boundary so the points on top stand out
_REGRESSION = _opaque(np.round((1 - theme.BOUNDARY_FADE) * theme.DIVERGING_LUT[:, :3].astype(float)
                               + theme.BOUNDARY_FADE * np.array(theme.rgb(theme.BACKGROUND))))
REGRESSION_LIMIT = 1.0  # the toy regression targets lie in [-1, 1]


def _lut(table: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The colours of t in 0..1 (NaN: the middle's) from an opaque table. (Cheap: the neuron maps look
    up some twenty maps of 10,000 points each time they redraw during Run.)"""
    top = len(table) - 1
    index = np.rint(np.nan_to_num(np.asarray(t, dtype=float), nan=0.5) * top)
    return table[np.clip(index, 0, top).astype(np.intp)]


def regression_rgba(values: np.ndarray, limit: float = REGRESSION_LIMIT) -> np.ndarray:
    """Colours of real values on the diverging map, ±limit at its ends."""
    return _lut(_REGRESSION, 0.5 + 0.5 * np.asarray(values, dtype=float) / limit)


def answer(out: np.ndarray, task: str, discretize: bool) -> np.ndarray:
    """What the boundary's `values` hold for outputs (n, k): P(class 1) for one output (0/1 when
    discretized), the class index for several, the prediction itself for regression (its sign when
    discretized)."""
    out = np.asarray(out, dtype=float)
    if task == "regression":
        return np.sign(out[:, 0]) if discretize else out[:, 0]
    if out.shape[1] == 1:
        p = np.clip(out[:, 0], 0.0, 1.0)
        return (p > 0.5).astype(float) if discretize else p
    return out.argmax(axis=1).astype(float)


def output_rgba(out: np.ndarray, task: str, discretize: bool = False) -> np.ndarray:
    """(n, 4) uint8 colours of the network's outputs (n, k) at n points of the plane."""
    out = np.asarray(out, dtype=float)
    values = answer(out, task, discretize)
    if task == "regression":
        return regression_rgba(values)
    if out.shape[1] == 1:
        return _lut(_BINARY, values)
    # several classes: the winning class's colour, faded where the network is unsure
    palette = np.array([theme.rgb(c) for c in theme.CLASS_COLORS], dtype=float)
    rgb = palette[values.astype(int) % len(palette)]
    confidence = np.ones(len(out)) if discretize else np.clip(out.max(axis=1), 0.0, 1.0)
    fade = (1 - theme.BOUNDARY_FADE) * confidence[:, None]
    rgb = fade * rgb + (1 - fade) * np.array(theme.rgb(theme.BACKGROUND))
    return np.concatenate([rgb, np.full((len(rgb), 1), 255.0)], axis=1).round().astype(np.uint8)


def neuron_rgba(values: np.ndarray, activation: str) -> np.ndarray:
    """Colours of one neuron's outputs: the bottom of its activation's range blue, the top orange.

    Bounded activations use their own range (sigmoid 0..1, tanh −1..1); ReLU and linear ones one wide
    enough for the values shown, so a map does not flicker as they grow.
    """
    values = np.asarray(values, dtype=float)
    _kind, lo, hi = theme.activation_scale(activation, values)
    if activation in ("relu", "linear"):
        lo = 0.0 if activation == "relu" else lo
    return _lut(_BINARY, (values - lo) / (hi - lo if hi > lo else 1.0))
