"""A drawn canvas -> a 28×28 digit that looks like MNIST's.

MNIST's own recipe (LeCun et al.): the digit is cropped to its ink, scaled so that it fits a 20×20
box keeping its aspect ratio, anti-aliased, then placed in a 28×28 field so that its centre of mass
sits at the centre. A network trained on MNIST has only ever seen digits made this way, so a digit
drawn small, big or in a corner must be made the same way before the network looks at it.

Resampling is an exact box filter (area averaging): every output pixel is the average ink over the
patch of canvas it covers. Cropping, scaling and placing are one affine map from the canvas to the
28×28 field, applied to rows, then columns — pure numpy, well under a millisecond for 280×280.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIDE = 28  # the MNIST field
BOX = 20  # the digit's longer side fits this box
CENTRE = 14.0  # where the centre of mass goes, in pixel indices (row, column) of the 28×28 field
INK_THRESHOLD = 0.5 / 255  # ink below half an 8-bit grey step does not widen the bounding box


def to_mnist(canvas: np.ndarray) -> np.ndarray:
    """A 2-D canvas (ink 1.0 on 0.0, any size) -> the (784,) float32 MNIST-style digit in [0, 1].

    An empty canvas gives all zeros.
    """
    img = np.asarray(canvas)
    if img.ndim != 2:
        raise ValueError(f"to_mnist wants a 2-D canvas, got an array of shape {img.shape}")
    ink = img > INK_THRESHOLD  # NaN is no ink; +inf is (it is cleaned below, in the crop only)
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return np.zeros(SIDE * SIDE, dtype=np.float32)
    crop = np.array(img[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], dtype=np.float64)
    if not np.isfinite(crop).all():
        np.nan_to_num(crop, copy=False, nan=0.0, posinf=1.0, neginf=0.0)
    np.clip(crop, 0.0, 1.0, out=crop)
    h, w = crop.shape
    scale = BOX / max(h, w)  # output pixels per canvas pixel

    # centre of mass of the crop's ink, in crop pixel indices; it maps to scaled coordinates exactly
    mass = crop.sum()
    com_row = float(crop.sum(axis=1) @ np.arange(h)) / mass
    com_col = float(crop.sum(axis=0) @ np.arange(w)) / mass
    top = _place(h * scale, (com_row + 0.5) * scale)
    left = _place(w * scale, (com_col + 0.5) * scale)
    out = _box_filter(_box_filter(crop, 0, scale, top), 1, scale, left)
    return np.clip(out, 0.0, 1.0).astype(np.float32).reshape(-1)


def _place(length: float, com: float) -> float:
    """Where the scaled digit starts along one axis (in output pixels) so that its centre of mass lands
    on CENTRE, without its ink covering more than BOX pixels or leaving the field.

    `length` is the scaled extent, `com` the scaled centre of mass measured from the digit's start.
    A sub-pixel start keeps the centre of mass exact; but a start between pixels spreads the ink over
    one more pixel, so when that would exceed BOX the start snaps to the nearest whole pixel (which is
    what MNIST itself did: it shifted by whole pixels).
    """
    wanted = CENTRE + 0.5 - com  # pixel i covers [i, i+1): its centre is at i + 0.5
    lo, hi = 0.0, SIDE - length
    candidates = [wanted, np.floor(wanted), np.ceil(wanted),
                  np.ceil(wanted + length) - length, np.floor(wanted + length) - length]
    best = None
    for start in candidates:
        start = float(np.clip(start, lo, hi))
        span = np.ceil(start + length - 1e-9) - np.floor(start + 1e-9)
        if span <= BOX and (best is None or abs(start - wanted) < abs(best - wanted)):
            best = start
    return float(np.round(np.clip(wanted, lo, hi))) if best is None else best


def _box_filter(img: np.ndarray, axis: int, scale: float, start: float) -> np.ndarray:
    """Resample one axis of `img` onto the SIDE output pixels by area averaging.

    Input pixel j covers [start + j*scale, start + (j+1)*scale) in output coordinates; output pixel
    i covers [i, i+1), i.e. [(i - start)/scale, (i + 1 - start)/scale) in input coordinates. Its value
    is the ink integrated over that interval (times `scale`, so full ink stays 1.0): a box filter,
    which is what anti-aliased downscaling means. The integral of piecewise-constant pixels is read
    off their running sum, interpolated at the fractional ends: exact, and no matrix product, so no
    BLAS threads fighting over the cores while training runs beside it.
    """
    f = np.moveaxis(img, axis, 0)
    n_in = f.shape[0]
    edges = (np.arange(SIDE + 1) - start) / scale
    whole = np.round(edges)
    # a digit edge that meets a pixel edge must not leak rounding dust (1e-16) into the next pixel
    edges = np.clip(np.where(np.abs(edges - whole) < 1e-9, whole, edges), 0.0, n_in)
    lo = np.minimum(edges.astype(np.int64), n_in - 1)
    frac = (edges - lo)[:, None]
    running = np.concatenate([np.zeros((1,) + f.shape[1:]), np.cumsum(f, axis=0)])
    integral = running[lo] + frac * f[lo]  # ink from the start to each output pixel edge
    return np.moveaxis(scale * np.diff(integral, axis=0), 0, axis)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) centre of mass of a 2-D image, in pixel indices."""
    img = np.asarray(image, dtype=np.float64)
    mass = img.sum()
    if mass <= 0:
        return (float("nan"), float("nan"))
    r = float(img.sum(axis=1) @ np.arange(img.shape[0])) / mass
    c = float(img.sum(axis=0) @ np.arange(img.shape[1])) / mass
    return r, c


def draw_stroke(canvas: np.ndarray, points: Sequence[tuple[float, float]], width: float) -> np.ndarray:
    """Draw a thick, round-capped, anti-aliased stroke through `points` ((row, column) pairs) into
    `canvas` in place, ink 1.0, and return it. The numpy twin of a marker on the digit pad, for tests,
    benchmarks and notebooks.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(pts) == 1:
        pts = np.vstack([pts, pts])
    radius = width / 2.0
    for a, b in zip(pts[:-1], pts[1:], strict=True):
        r0 = max(int(np.floor(min(a[0], b[0]) - radius - 1)), 0)
        r1 = min(int(np.ceil(max(a[0], b[0]) + radius + 2)), canvas.shape[0])
        c0 = max(int(np.floor(min(a[1], b[1]) - radius - 1)), 0)
        c1 = min(int(np.ceil(max(a[1], b[1]) + radius + 2)), canvas.shape[1])
        if r0 >= r1 or c0 >= c1:
            continue
        rr, cc = np.mgrid[r0:r1, c0:c1].astype(np.float64)
        d = b - a
        length2 = float(d @ d)
        # distance from each pixel to the segment: project onto it, clamp to its ends
        t = 0.0 if length2 == 0 else np.clip(((rr - a[0]) * d[0] + (cc - a[1]) * d[1]) / length2, 0.0, 1.0)
        dist = np.hypot(rr - (a[0] + t * d[0]), cc - (a[1] + t * d[1]))
        coverage = np.clip(radius + 0.5 - dist, 0.0, 1.0)  # one pixel of soft edge
        np.maximum(canvas[r0:r1, c0:c1], coverage, out=canvas[r0:r1, c0:c1])
    return canvas
