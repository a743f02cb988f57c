"""MNIST digits redrawn as pen strokes on a canvas, as a user would draw them on the digit pad.

A digit is thinned to its centre line (Zhang & Suen's thinning, 1984), and every pair of neighbouring
centre-line pixels becomes a pen segment drawn with engine.preprocess.draw_stroke, at any size and with
any pen width. Shared by tests/engine/test_recognition.py and bench/preprocess.py.
"""

from __future__ import annotations

import numpy as np

from engine.preprocess import draw_stroke

SIDE = 28
PAD = 280  # the digit pad's canvas
PAD_PEN = PAD / 14  # the pad's pen (playground/views/digit_canvas.py: PEN_WIDTH = 1/14 of the side)


def skeletons(X: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """(n, 28, 28) bool centre lines of digits X (n, 784): Zhang-Suen thinning, all digits at once."""
    B = np.pad(X.reshape(-1, SIDE, SIDE) > threshold, ((0, 0), (1, 1), (1, 1)))
    while True:
        changed = False
        for first in (True, False):
            P = B.astype(np.int8)
            # neighbours clockwise from north: p2 (N), p3 (NE), p4 (E), ..., p9 (NW)
            nb = [P[:, :-2, 1:-1], P[:, :-2, 2:], P[:, 1:-1, 2:], P[:, 2:, 2:],
                  P[:, 2:, 1:-1], P[:, 2:, :-2], P[:, 1:-1, :-2], P[:, :-2, :-2]]
            p2, _, p4, _, p6, _, p8, _ = nb
            count = sum(nb)
            transitions = sum(((nb[i] == 0) & (nb[(i + 1) % 8] == 1)).astype(np.int8) for i in range(8))
            remove = B[:, 1:-1, 1:-1] & (count >= 2) & (count <= 6) & (transitions == 1)
            if first:
                remove &= (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                remove &= (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            if remove.any():
                B[:, 1:-1, 1:-1] &= ~remove
                changed = True
        if not changed:
            return B[:, 1:-1, 1:-1]


def segments(skeleton: np.ndarray) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Pen segments joining each centre-line pixel to its neighbours (a lone pixel: a dot)."""
    out = []
    rows, cols = np.nonzero(skeleton)
    on = set(zip(rows.tolist(), cols.tolist(), strict=True))
    for r, c in on:
        linked = False
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1), (0, -1), (-1, 0), (-1, -1), (-1, 1)):
            if (r + dr, c + dc) in on:
                linked = True
                if (dr, dc) in ((0, 1), (1, 0), (1, 1), (1, -1)):  # each pair once
                    out.append(((r, c), (r + dr, c + dc)))
        if not linked:
            out.append(((r, c), (r, c)))
    return out


def draw_digit(x28: np.ndarray, size: float, pen: float, centre: tuple[float, float] | None = None,
               canvas_side: int = PAD) -> np.ndarray:
    """The digit's centre line drawn with a round pen `pen` pixels wide, its longer side `size` canvas
    pixels (pen included), on a blank canvas_side × canvas_side canvas centred at `centre`."""
    skeleton = skeletons(np.asarray(x28)[None])[0]
    rows, cols = np.nonzero(skeleton)
    canvas = np.zeros((canvas_side, canvas_side))
    if rows.size == 0:
        return canvas
    extent = max(rows.max() - rows.min(), cols.max() - cols.min(), 1)
    scale = max(size - pen, 1.0) / extent  # canvas pixels per 28×28 pixel along the centre line
    mid = ((rows.max() + rows.min()) / 2, (cols.max() + cols.min()) / 2)
    cy, cx = centre if centre is not None else (canvas_side / 2, canvas_side / 2)
    for (r0, c0), (r1, c1) in segments(skeleton):
        a = (cy + (r0 - mid[0]) * scale, cx + (c0 - mid[1]) * scale)
        b = (cy + (r1 - mid[0]) * scale, cx + (c1 - mid[1]) * scale)
        draw_stroke(canvas, [a, b], pen)
    return canvas
