"""What is under the mouse in the network view: a neuron (or input pixel), or an edge. No Qt.

Points are scene coordinates as (x, y) numpy arrays; the geometry is the view's Layout and its fans.
"""

from __future__ import annotations

import numpy as np

from playground.views.network.layout import Layout, point_segment_distance

HIT_SLOP = 3.0  # pixels of tolerance around a neuron or an edge for hover and click


def neuron_at(layout: Layout, p: np.ndarray, image_side: int | None) -> tuple[int, int] | None:
    """(layer, index) of the neuron (or input pixel) under p, or None."""
    for l, geo in enumerate(layout.layers):
        if geo.is_image:
            x0, y0, side = geo.image
            if x0 <= p[0] < x0 + side and y0 <= p[1] < y0 + side:
                cell = side / image_side
                row, col = int((p[1] - y0) // cell), int((p[0] - x0) // cell)
                return 0, row * image_side + col
            continue
        d = np.hypot(*(geo.centres - p).T)
        i = int(np.argmin(d))
        if d[i] <= max(geo.radius, 3.0) + HIT_SLOP:
            return l, i
    return None


def edge_at(fans: list[tuple[object, int]], p: np.ndarray) -> tuple[int, int, int] | None:
    """(layer, neuron, source) of the edge under p, or None. `fans` are (EdgeFan, layer) pairs in the
    order they are painted from the top down; where lines cross, the top fan's strongest one wins."""
    for fan, layer in fans:
        if not len(fan.weights):
            continue
        near = np.flatnonzero(point_segment_distance(p, fan.starts, fan.ends) <= HIT_SLOP)
        if len(near):
            i = near[np.argmax(np.abs(fan.weights[near]))]
            return layer, int(fan.targets[i]), int(fan.sources[i])
    return None
