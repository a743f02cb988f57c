"""Which edges the network view draws: at most EDGE_BUDGET in all, each neuron's strongest ones.

A 784-input network has far more weights than a frame can paint cheaply (or a student can read), so
the view draws only a budget of them. How that budget is shared between the layers, and which weights
win a neuron's places, is one rule kept here, apart from the drawing.
"""

from __future__ import annotations

import numpy as np

EDGE_BUDGET = 2000  # at most this many edges drawn in all (the strongest ones), so frames stay cheap
MIN_EDGES_PER_GAP = 300
IMAGE_EDGES_PER_NEURON = 8  # from a 784-pixel input, each neuron's 8 strongest weights are drawn
SELECTED_EDGES = 32  # a selected neuron with more inputs shows this many of its strongest ones


def edges_per_neuron(sizes: list[int], image_input: bool) -> list[int]:
    """For each gap between layers, how many incoming edges of each neuron are drawn."""
    n_gaps = len(sizes) - 1
    budget = max(MIN_EDGES_PER_GAP, EDGE_BUDGET // max(n_gaps, 1))
    counts = []
    for l in range(1, len(sizes)):
        n_in, n_out = sizes[l - 1], sizes[l]
        k = n_in if n_in * n_out <= budget else max(1, min(n_in, budget // n_out))
        if l == 1 and image_input:
            k = min(k, IMAGE_EDGES_PER_NEURON)
        counts.append(k)
    return counts


def strongest_edges(W: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(sources, targets) of each neuron's k strongest incoming weights of W (all of them if k covers it)."""
    n_out, n_in = W.shape
    if k < n_in:
        # sorted, so the same strongest set gives the same edges (their lines are then reused)
        sources = np.sort(np.argpartition(-np.abs(W), k - 1, axis=1)[:, :k], axis=1).ravel()
        targets = np.repeat(np.arange(n_out), k)
    else:
        targets, sources = np.divmod(np.arange(n_out * n_in), n_in)
    return sources, targets
