"""Where the network view puts things: plain geometry in viewport pixels, no Qt.

The scene is laid out in the viewport's own pixels (not scaled to fit), so text keeps a legible size
however large the window is; a resize only moves items. Layers go left to right; a layer too tall for
one column of circles folds into several columns; a 784-pixel input is a 28x28 grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TOP = 50.0  # room for the layer captions
BOTTOM = 84.0  # room for the legend and the note about hidden edges (the view measures its own)
LEFT = 24.0
RIGHT_LABELS = 140.0  # room for the output labels ("7  0.93 ✓", "5  0.61 (true)")
INPUT_LABELS = 70.0  # room for "x1 = 0.32" left of a 2-D input
MIN_SPACING = 7.0  # the closest two neurons' centres may be, in pixels
MAX_SPACING = 80.0
MAX_IMAGE_SIDE = 28 * 8.0


@dataclass
class LayerGeometry:
    x: float  # centre of the column
    centres: np.ndarray  # (n, 2) neuron centres (for an image layer: pixel centres)
    radius: float  # a circle's radius (for an image layer: half a pixel)
    width: float  # the column's width
    image: tuple[float, float, float] | None = None  # (left, top, side) when drawn as a square image

    @property
    def is_image(self) -> bool:
        return self.image is not None


@dataclass
class Layout:
    layers: list[LayerGeometry]
    width: float
    height: float
    weights_image: tuple[float, float, float] | None  # (left, top, side): a neuron's weights as a picture


def image_side(n: int) -> int | None:
    """28 for 784 inputs (a digit): the side of the square an input of n numbers is drawn as, else None."""
    side = int(round(math.sqrt(n)))
    return side if side * side == n and side >= 8 else None


def compute_layout(sizes: list[int], width: float, height: float, image_input: bool,
                   bottom_margin: float = BOTTOM) -> Layout:
    """Positions of every neuron for a viewport of width x height pixels; the lowest `bottom_margin`
    pixels are left to the legend."""
    width = max(width, 200.0)
    height = max(height, 160.0)
    top, bottom = TOP, height - bottom_margin
    avail_h = max(bottom - top, 40.0)
    left = LEFT + (0.0 if image_input else INPUT_LABELS)
    right = width - RIGHT_LABELS
    n_layers = len(sizes)
    side = image_side(sizes[0]) if image_input else None
    image_s = 0.0
    if side is not None:
        # the digit on top, room below it for a selected neuron's weights drawn the same way
        # (two screen pixels per digit pixel if there is room; in a short view one, so the weights
        # square below the digit stays above the legend)
        image_s = max(min(MAX_IMAGE_SIDE, (avail_h - 40) / 2, (right - left) * 0.28),
                      min(side * 2.0, max(float(side), (avail_h - 40) / 2)))
    step = (right - left - image_s) / max(n_layers - 1, 1)
    xs = [left + image_s + step * k for k in range(n_layers)]

    layers: list[LayerGeometry] = []
    weights_image = None
    for k, n in enumerate(sizes):
        if k == 0 and side is not None:
            s = image_s
            x0 = LEFT
            y0 = top + 4
            pixel = s / side
            r, c = np.divmod(np.arange(n), side)
            centres = np.column_stack([x0 + (c + 0.5) * pixel, y0 + (r + 0.5) * pixel])
            layers.append(LayerGeometry(x0 + s / 2, centres, pixel / 2, s, image=(x0, y0, s)))
            weights_image = (x0, y0 + s + 36, s)
            continue
        rows = max(1, int(avail_h // MIN_SPACING))
        columns = math.ceil(n / rows)
        per_column = math.ceil(n / columns)
        spacing = min(MAX_SPACING, avail_h / per_column)
        radius = max(1.5, min(spacing * 0.38, 18.0))
        index = np.arange(n)
        column, row = np.divmod(index, per_column)
        column_x = xs[k] + (column - (columns - 1) / 2) * spacing
        count_in_column = np.minimum(per_column, n - column * per_column)
        y_mid = top + avail_h / 2
        ys = y_mid + (row - (count_in_column - 1) / 2) * spacing
        layers.append(LayerGeometry(xs[k], np.column_stack([column_x, ys]).astype(float), radius,
                                    columns * spacing))
    return Layout(layers, width, height, weights_image)


def point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from point p (2,) to each segment a[i]-b[i] ((m, 2) each)."""
    ab = b - a
    length2 = np.einsum("ij,ij->i", ab, ab)
    t = np.einsum("ij,ij->i", p - a, ab) / np.where(length2 > 0, length2, 1.0)
    t = np.clip(t, 0.0, 1.0)
    nearest = a + t[:, None] * ab
    return np.hypot(*(nearest - p).T)
