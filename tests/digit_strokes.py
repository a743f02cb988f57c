"""MNIST digits redrawn as pen strokes on a canvas, as a user would draw them on the digit pad.

A digit is thinned to its centre line (engine.strokes.skeletons: Zhang & Suen's thinning, 1984), and
every pair of neighbouring centre-line pixels becomes a pen segment drawn with
engine.preprocess.draw_stroke, at any size and with any pen width. Shared by
tests/engine/test_recognition.py and bench/preprocess.py.
"""

from __future__ import annotations

import numpy as np

from engine import strokes
from engine.preprocess import draw_stroke
from engine.strokes import skeletons

SIDE = 28
PAD = 280  # the digit pad's canvas
PAD_PEN = PAD / 14  # the pad's pen (playground/views/digit_canvas.py: PEN_WIDTH = 1/14 of the side)
__all__ = ["PAD", "PAD_PEN", "draw_digit", "drawing_strokes", "farthest_ink", "segments", "skeletons"]


def segments(skeleton: np.ndarray) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Pen segments joining each centre-line pixel of one (28, 28) skeleton to its neighbours (a lone
    pixel: a dot), as ((row, column), (row, column)) pairs."""
    _, start, end = strokes.segments(np.asarray(skeleton)[None])
    return [((int(r0), int(c0)), (int(r1), int(c1))) for (r0, c0), (r1, c1) in zip(start, end, strict=True)]


def drawing_strokes(x28: np.ndarray, size: float, pen: float, centre: tuple[float, float] | None = None,
                    canvas_side: int = PAD) -> list[list[tuple[float, float]]]:
    """The pen strokes ((row, column) canvas pixels) of the digit's centre line, placed so that drawn
    with a round pen `pen` pixels wide its longer side is `size` canvas pixels (pen included), centred
    at `centre` of a canvas_side × canvas_side canvas."""
    skeleton = skeletons(np.asarray(x28)[None])[0]
    rows, cols = np.nonzero(skeleton)
    if rows.size == 0:
        return []
    extent = max(rows.max() - rows.min(), cols.max() - cols.min(), 1)
    scale = max(size - pen, 1.0) / extent  # canvas pixels per 28×28 pixel along the centre line
    mid = ((rows.max() + rows.min()) / 2, (cols.max() + cols.min()) / 2)
    cy, cx = centre if centre is not None else (canvas_side / 2, canvas_side / 2)
    return [[(cy + (r0 - mid[0]) * scale, cx + (c0 - mid[1]) * scale),
             (cy + (r1 - mid[0]) * scale, cx + (c1 - mid[1]) * scale)]
            for (r0, c0), (r1, c1) in segments(skeleton)]


def draw_digit(x28: np.ndarray, size: float, pen: float, centre: tuple[float, float] | None = None,
               canvas_side: int = PAD) -> np.ndarray:
    """The digit's centre line drawn with a round pen `pen` pixels wide, its longer side `size` canvas
    pixels (pen included), on a blank canvas_side × canvas_side canvas centred at `centre`."""
    canvas = np.zeros((canvas_side, canvas_side))
    for stroke in drawing_strokes(x28, size, pen, centre, canvas_side):
        draw_stroke(canvas, stroke, pen)
    return canvas


def farthest_ink(X: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """For each digit of X (n, 784): how far (in pixels) its farthest ink pixel lies from its centre
    line. Small for a digit made of strokes; large where a part is filled in."""
    out = np.zeros(len(X))
    for k, (x, skeleton) in enumerate(zip(np.asarray(X), skeletons(X, threshold), strict=True)):
        ink, line = np.argwhere(x.reshape(SIDE, SIDE) > threshold), np.argwhere(skeleton)
        if len(ink) and len(line):
            out[k] = np.sqrt(((ink[:, None, :] - line[None, :, :]) ** 2).sum(axis=2)).min(axis=1).max()
    return out
