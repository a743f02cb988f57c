"""Digits as pen strokes: a digit's centre line, and the digit drawn again along it with one even pen.

A digit drawn on the pad is one pen width all along a thin centre line; MNIST's were written with pens
of every width and pressure. The tests draw MNIST's digits the pad's way to see how well the pad's
digits are read (tests/engine/test_recognition.py), and a recipe can train on them (`train --strokes`,
engine/augment.py: StrokeStyle). Three steps, each for a whole batch of digits at once:

- skeletons(X): the centre lines, by Zhang & Suen's thinning (1984): peel off edge pixels whose removal
  keeps the shape connected, alternately from the south-east and the north-west, until none can go.
  Whether a pixel may go depends only on its 8 neighbours, so a table of the 256 cases decides it.
- segments(skeletons): a pen segment between every two neighbouring centre-line pixels (a dot for a
  lone one): the strokes a user would have drawn.
- redraw(X, pen): the strokes drawn as preprocess.strokes_to_mnist draws a pad's strokes (the same
  canvas, the same round anti-aliased pen as preprocess.draw_stroke, a pen `pen` pixels wide in the
  20×20 box) and placed in the 28×28 field by to_mnist's own crop and fit (its width step has nothing
  to do for a pen inside preprocess.WIDTH_RANGE).
"""

from __future__ import annotations

import numpy as np

from engine import preprocess as P

SIDE = 28
# Zhang-Suen's neighbours p2 .. p9, clockwise from north, as (row, column) offsets; bit i of a pixel's
# neighbourhood code is neighbour p(i+2)
NEIGHBOURS = ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))
# the pen segments from a pixel to its neighbours east, south, south-east and south-west (each pair once)
LINKS = ((0, 1), (1, 0), (1, 1), (1, -1))
CHUNK = 512  # digits drawn at once: the windows of a chunk's segments fit in a few megabytes
PIECE = 6.0  # longer segments are drawn in pieces of at most this many canvas pixels (smaller windows)


def _removable() -> tuple[np.ndarray, np.ndarray]:
    """For each of the 256 neighbourhoods: may the pixel go in Zhang-Suen's first / second sub-step?"""
    bits = (np.arange(256)[:, None] >> np.arange(8)) & 1  # (256, 8): p2 .. p9
    count = bits.sum(axis=1)
    transitions = ((bits == 0) & (np.roll(bits, -1, axis=1) == 1)).sum(axis=1)  # 0 -> 1 going round
    p2, p4, p6, p8 = bits[:, 0], bits[:, 2], bits[:, 4], bits[:, 6]
    ok = (count >= 2) & (count <= 6) & (transitions == 1)
    first = ok & (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
    second = ok & (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
    return first, second


_FIRST, _SECOND = _removable()


def skeletons(X: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """(n, 28, 28) bool centre lines of digits X (n, 784): the pixels above `threshold`, thinned."""
    X = np.asarray(X)
    B = np.pad(X.reshape(-1, SIDE, SIDE) > threshold, ((0, 0), (1, 1), (1, 1)))
    active = np.arange(len(B))  # digits still being thinned
    while active.size:
        part = B[active]
        changed = np.zeros(len(active), dtype=bool)
        for table in (_FIRST, _SECOND):
            code = _codes(part)
            remove = part[:, 1:-1, 1:-1] & table[code]
            gone = remove.any(axis=(1, 2))
            part[:, 1:-1, 1:-1] &= ~remove
            changed |= gone
        B[active] = part
        active = active[changed]
    return B[:, 1:-1, 1:-1]


def _codes(B: np.ndarray) -> np.ndarray:
    """Each inner pixel's neighbourhood code (0..255) in padded (n, 30, 30) bool pictures."""
    code = np.zeros((len(B), SIDE, SIDE), dtype=np.uint8)
    for i, (dr, dc) in enumerate(NEIGHBOURS):
        code |= B[:, 1 + dr : 1 + dr + SIDE, 1 + dc : 1 + dc + SIDE].astype(np.uint8) << i
    return code


def segments(skeleton: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pen segments of (n, 28, 28) centre lines: (owner, start, end), the digit each belongs to
    and its (row, column) ends, grouped by digit. A pixel with no neighbour is a dot (start == end)."""
    S = np.asarray(skeleton, dtype=bool).reshape(-1, SIDE, SIDE)
    padded = np.pad(S, ((0, 0), (1, 1), (1, 1)))

    def neighbour(dr: int, dc: int) -> np.ndarray:
        return padded[:, 1 + dr : 1 + dr + SIDE, 1 + dc : 1 + dc + SIDE]

    owners, starts, ends = [], [], []
    alone = S.copy()
    for dr, dc in NEIGHBOURS:
        alone &= ~neighbour(dr, dc)
    for (dr, dc), pairs in [*(((dr, dc), S & neighbour(dr, dc)) for dr, dc in LINKS), ((0, 0), alone)]:
        k, r, c = np.nonzero(pairs)
        owners.append(k)
        starts.append(np.stack([r, c], axis=1))
        ends.append(np.stack([r + dr, c + dc], axis=1))
    owner = np.concatenate(owners)
    order = np.argsort(owner, kind="stable")
    start, end = (np.concatenate(v)[order].astype(float) for v in (starts, ends))
    return owner[order], start, end


def redraw(X: np.ndarray, pen: float | np.ndarray = P.PEN_WIDTH) -> np.ndarray:
    """Digits X (n, 784) redrawn along their centre lines with a round pen `pen` pixels wide in the 20×20
    box (one width, or one per digit): (n, 784) float32, as the pad would give them. A digit without
    ink stays blank."""
    X = np.asarray(X)
    n = len(X.reshape(-1, SIDE * SIDE))
    pens = np.broadcast_to(np.asarray(pen, dtype=float), (n,))
    out = np.zeros((n, SIDE * SIDE), dtype=np.float32)
    for lo in range(0, n, CHUNK):
        chunk = slice(lo, min(lo + CHUNK, n))
        out[chunk] = _redraw(X.reshape(n, -1)[chunk], pens[chunk])
    return out


def _redraw(X: np.ndarray, pens: np.ndarray) -> np.ndarray:
    skeleton = skeletons(X)
    owner, start, end = segments(skeleton)
    out = np.zeros((len(X), SIDE * SIDE), dtype=np.float32)
    drawn = np.unique(owner)
    if drawn.size == 0:
        return out
    # strokes_to_mnist's canvas: the centre lines scaled to span FINE·BOX less one pen, a margin of
    # half a pen and a pixel around them
    ends = np.concatenate([start, end])
    who = np.concatenate([owner, owner])
    low = np.full((len(X), 2), np.inf)
    high = np.full((len(X), 2), -np.inf)
    np.minimum.at(low, who, ends)
    np.maximum.at(high, who, ends)
    low[~np.isfinite(low)], high[~np.isfinite(high)] = 0.0, 0.0
    extent = (high - low).max(axis=1)
    span = P.FINE * P.BOX - pens * P.FINE
    width = span * pens / (P.BOX - pens)  # the pen in canvas pixels
    scale = np.where(extent > 0, span / np.where(extent > 0, extent, 1.0), 1.0)
    offset = width[:, None] / 2 + 1 - low * scale[:, None]
    size = np.ceil((high - low) * scale[:, None] + width[:, None] + 2).astype(int)  # (rows, cols)
    a = start * scale[owner, None] + offset[owner]
    b = end * scale[owner, None] + offset[owner]
    canvases = draw_segments(owner, a, b, width[owner] / 2, len(X), size.max(axis=0))
    for k in drawn:  # to_mnist's crop, width step (the width is known: the pen's) and placement
        canvas = canvases[k, : size[k, 0], : size[k, 1]]
        ink = canvas > P.INK_THRESHOLD
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        crop = canvas[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        if not P.WIDTH_RANGE[0] <= pens[k] <= P.WIDTH_RANGE[1]:
            crop = P._normalise_width(crop.astype(np.float64), width=float(pens[k]))
        out[k] = P._fit(crop.astype(np.float64, copy=False))
    return out


def draw_segments(owner: np.ndarray, a: np.ndarray, b: np.ndarray, radius: np.ndarray, n: int,
                  shape: tuple[int, int]) -> np.ndarray:
    """n blank canvases of `shape`, segment i drawn from a[i] to b[i] on canvas owner[i] with a round
    pen of radius[i]: preprocess.draw_stroke's pen (one pixel of soft edge, strokes joined by their
    maximum), all segments at once. Each segment is drawn in a window around it; long ones in pieces."""
    lengths = np.hypot(*(b - a).T)
    pieces = np.maximum(np.ceil(lengths / PIECE), 1).astype(int)
    if (pieces > 1).any():  # a straight segment is the union of its pieces
        which = np.repeat(np.arange(len(a)), pieces)
        first = np.repeat(np.cumsum(pieces) - pieces, pieces)
        k = np.arange(len(which)) - first
        f0, f1 = (k / pieces[which])[:, None], ((k + 1) / pieces[which])[:, None]
        d = (b - a)[which]
        a, b = a[which] + f0 * d, a[which] + f1 * d
        owner, radius = owner[which], radius[which]
    rows, cols = int(shape[0]), int(shape[1])
    reach = float(radius.max()) + 2.0
    window = int(np.ceil(PIECE + 2 * reach)) + 1
    frame = window + 1  # room beyond the canvas for windows that stick out (they draw nothing there)
    canvas = np.zeros((n, rows + frame, cols + frame), dtype=np.float32)
    corner = np.floor(np.minimum(a, b) - radius[:, None] - 1).astype(int)  # draw_stroke's window start
    corner = np.maximum(corner, 0)
    steps = np.arange(window)
    r_index = corner[:, 0, None] + steps  # (m, window)
    c_index = corner[:, 1, None] + steps
    # the distances in float32, relative to each segment's start (small numbers: no precision lost)
    d = (b - a).astype(np.float32)
    ur = (r_index - a[:, :1]).astype(np.float32)[:, :, None]  # (m, window, 1)
    uc = (c_index - a[:, 1:]).astype(np.float32)[:, None, :]  # (m, 1, window)
    length2 = (d * d).sum(axis=1)
    inverse = np.where(length2 > 0, 1 / np.where(length2 > 0, length2, 1), 0).astype(np.float32)
    dr, dc = d[:, 0, None, None], d[:, 1, None, None]
    t = (ur * dr + uc * dc) * inverse[:, None, None]
    np.clip(t, 0.0, 1.0, out=t)
    dist = np.hypot(ur - t * dr, uc - t * dc)
    coverage = (radius[:, None, None] + 0.5).astype(np.float32) - dist
    np.clip(coverage, 0.0, 1.0, out=coverage)
    index = ((owner[:, None] * (rows + frame) + r_index) * (cols + frame))[:, :, None] + c_index[:, None, :]
    np.maximum.at(canvas.reshape(-1), index.reshape(-1), coverage.reshape(-1))
    return canvas[:, :rows, :cols]
