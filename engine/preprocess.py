"""A drawn canvas -> a 28×28 digit that looks like MNIST's.

MNIST's own recipe (LeCun et al.): the digit is cropped to its ink, scaled so that it fits a 20×20
box keeping its aspect ratio, anti-aliased, then placed in a 28×28 field so that its centre of mass
sits at the centre. A network trained on MNIST has only ever seen digits made this way, so a digit
drawn small, big or in a corner must be made the same way before the network looks at it.

Resampling is an exact box filter (area averaging): every output pixel is the average ink over the
patch of canvas it covers. Cropping, scaling and placing are one affine map from the canvas to the
28×28 field, applied to rows, then columns — pure numpy, well under a millisecond for 280×280.

The stroke width is MNIST's too. A pen of fixed width makes a small drawing bold once it is scaled up
to the 20×20 box (a 3 drawn in a corner of the pad becomes a blot that reads as an 8) and a large one,
or one drawn with a fine pen, hair-thin. So the width of the strokes is measured and, if it lies
outside the range of most MNIST digits (WIDTH_RANGE, in 28×28 pixels), the drawing is thinned or
thickened to the nearest end of that range before it is placed. The width is measured two ways on a
copy FINE times finer than the output, and the smaller one is taken:

- from area and outline: a stroke of length L and width w has area A = L·w and outline P = 2(L + w),
  so w is the smaller root of t² − (P/2)·t + A = 0. Exact for a lone stroke; too wide where strokes
  touch, because the outline between them is gone.
- from erosion: peeling one pixel off every edge takes 2 pixels off the width, so a stroke has lost
  half its ink after w/4 peelings. Strokes that touch do not change this much.

Thinning and thickening are grey-scale erosion and dilation (the darkest / brightest pixel around),
alternating 4- and 8-neighbourhoods so that they grow round rather than square.
"""


from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIDE = 28  # the MNIST field
BOX = 20  # the digit's longer side fits this box
CENTRE = 14.0  # where the centre of mass goes, in pixel indices (row, column) of the 28×28 field
INK_THRESHOLD = 0.5 / 255  # ink below half an 8-bit grey step does not widen the bounding box
# Stroke widths (28×28 pixels) left as they are: most of MNIST (its widths, measured as below on the
# bundled test digits: 10th percentile 1.6, median 2.2, 90th 3.1). Narrower than the range of the
# whole set, because hand-drawn strokes keep one width all along, where MNIST's pens varied.
WIDTH_RANGE = (2.2, 3.0)
BLOT = 8.0  # wider than this (40 % of the box), it is a filled shape, not a stroke: left as it is
FINE = 4  # the width is measured and changed on a copy this many times finer than the output
MARGIN = 6  # blank pixels around that copy, room for thickening


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
    return _fit(_normalise_width(crop))


def stroke_width(crop: np.ndarray) -> float:
    """The width of the strokes of a cropped drawing, in 28×28 pixels once it is scaled to the box."""
    return _width(_finer(crop)) / FINE


def _finer(crop: np.ndarray) -> np.ndarray:
    """The crop resampled so that its longer side is FINE·BOX pixels, with MARGIN blank pixels around."""
    h, w = crop.shape
    scale = FINE * BOX / max(h, w)
    rows, cols = int(np.ceil(h * scale)) + 2 * MARGIN, int(np.ceil(w * scale)) + 2 * MARGIN
    return _box_filter(_box_filter(crop, 0, scale, MARGIN, rows), 1, scale, MARGIN, cols)


def _width(img: np.ndarray) -> float:
    """Stroke width in pixels of `img`: the smaller of the outline and the erosion estimates."""
    area = float(img.sum())
    if area <= 0:
        return 0.0
    grad_rows, grad_cols = np.diff(img, axis=0), np.diff(img, axis=1)
    outline = float(np.hypot(grad_rows[:, :-1], grad_cols[:-1, :]).sum())
    if outline <= 0:
        return 0.0
    disc = 1.0 - 16.0 * area / outline**2
    from_outline = outline / 4 * (1.0 - np.sqrt(disc)) if disc > 0 else outline / 4  # a square: side
    # erosion: count the peelings until half the ink is gone (interpolated between two peelings);
    # no need to look further than the outline estimate already allows
    before, eroded, k = area, img, 0
    while 2 * k < from_outline:
        eroded = _neighbourhood(eroded, np.minimum, square=k % 2 == 1)
        k += 1
        left = float(eroded.sum())
        if left <= area / 2:
            peelings = k - 1 + (before - area / 2) / (before - left)
            return min(from_outline, 4.0 * peelings)
        before = left
    return from_outline


def _normalise_width(crop: np.ndarray, width: float | None = None) -> np.ndarray:
    """The crop thinned or thickened so that, in the box, its strokes are within WIDTH_RANGE wide
    (unchanged if they are, or if it is a blot rather than strokes). `width`: the strokes' width in the
    box when it is known (engine.strokes drew them), else it is measured."""
    fine = _finer(crop)
    width = _width(fine) / FINE if width is None else width
    target = min(max(width, WIDTH_RANGE[0]), WIDTH_RANGE[1])
    if abs(target - width) < 0.05 or width > BLOT:
        return crop
    # Thickening by r (fine pixels) also lengthens the digit by 2r, and the box then scales it down
    # again: solve (w + 2r) / (FINE·BOX + 2r) = target / BOX for r (target / BOX is the width wanted).
    fine_width, fine_box = width * FINE, FINE * BOX
    radius = (target * fine_box - BOX * fine_width) / (2.0 * (BOX - target))
    radius = min(radius, MARGIN - 1.0)  # the margin holds all the growth there can be
    changed = _morph(fine, radius)
    if radius > 0:  # a hair-thin line is grey even at its centre; thickened, it is as dark as the pen
        changed *= float(crop.max()) / max(float(changed.max()), 1e-12)
    ink = changed > INK_THRESHOLD
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return crop
    return changed[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _morph(img: np.ndarray, radius: float) -> np.ndarray:
    """Grey-scale dilation (radius > 0) or erosion (radius < 0) by |radius| pixels; a fractional part
    blends towards one more step, so the width changes smoothly."""
    pick = np.maximum if radius > 0 else np.minimum
    steps, frac = divmod(abs(radius), 1.0)
    out = img
    for k in range(int(steps)):
        out = _neighbourhood(out, pick, square=k % 2 == 1)
    if frac > 0:
        out = out + frac * (_neighbourhood(out, pick, square=int(steps) % 2 == 1) - out)
    return out


def _neighbourhood(img: np.ndarray, pick, square: bool) -> np.ndarray:
    """Elementwise pick (np.maximum or np.minimum) over each pixel and its 4 (or 8) neighbours."""
    h, w = img.shape
    padded = np.pad(img, 1)  # outside the picture: no ink
    out = img
    offsets = ((0, 1), (2, 1), (1, 0), (1, 2)) + (((0, 0), (0, 2), (2, 0), (2, 2)) if square else ())
    for dy, dx in offsets:
        out = pick(out, padded[dy : dy + h, dx : dx + w])
    return out


def _fit(crop: np.ndarray) -> np.ndarray:
    """MNIST's placement of an ink crop: its longer side scaled to BOX, its centre of mass at CENTRE."""
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


def _box_filter(img: np.ndarray, axis: int, scale: float, start: float, n_out: int = SIDE) -> np.ndarray:
    """Resample one axis of `img` onto n_out output pixels by area averaging.

    Input pixel j covers [start + j*scale, start + (j+1)*scale) in output coordinates; output pixel
    i covers [i, i+1), i.e. [(i - start)/scale, (i + 1 - start)/scale) in input coordinates. Its value
    is the ink integrated over that interval (times `scale`, so full ink stays 1.0): a box filter,
    which is what anti-aliased downscaling means. The integral of piecewise-constant pixels is read
    off their running sum, interpolated at the fractional ends: exact, and no matrix product, so no
    BLAS threads fighting over the cores while training runs beside it.
    """
    f = np.moveaxis(img, axis, 0)
    n_in = f.shape[0]
    edges = (np.arange(n_out + 1) - start) / scale
    whole = np.round(edges)
    # a digit edge that meets a pixel edge must not leak rounding dust (1e-16) into the next pixel
    edges = np.clip(np.where(np.abs(edges - whole) < 1e-9, whole, edges), 0.0, n_in)
    lo = np.minimum(edges.astype(np.int64), n_in - 1)
    frac = (edges - lo)[:, None]
    running = np.concatenate([np.zeros((1,) + f.shape[1:]), np.cumsum(f, axis=0)])
    integral = running[lo] + frac * f[lo]  # ink from the start to each output pixel edge
    return np.moveaxis(scale * np.diff(integral, axis=0), 0, axis)


PEN_WIDTH = 2.2  # strokes_to_mnist's pen in 28×28 pixels: MNIST's median stroke width


def strokes_to_mnist(strokes: Sequence[Sequence[tuple[float, float]]]) -> np.ndarray:
    """A drawing given as its pen strokes ((row, column) points, any units) -> the (784,) MNIST digit.

    The pen is chosen for the drawing, not for the screen: the strokes are drawn again with a pen of
    PEN_WIDTH in the 20×20 box, whatever their size. A pad whose pen joins the strokes of a small
    drawing into a blot (a small 3 that looks like an 8) still gives the network a clean 3.
    """
    lines = [np.asarray(stroke, dtype=np.float64).reshape(-1, 2) for stroke in strokes if len(stroke)]
    if not lines:
        return np.zeros(SIDE * SIDE, dtype=np.float32)
    points = np.concatenate(lines)
    if not np.isfinite(points).all():
        raise ValueError("stroke points must be finite numbers")
    low, high = points.min(axis=0), points.max(axis=0)
    extent = float((high - low).max())
    # on a canvas where the centre lines span `span` pixels, a pen of `pen` pixels gives a digit
    # span + pen long; in the box that pen is BOX·pen/(span + pen) = PEN_WIDTH wide
    span = FINE * BOX - PEN_WIDTH * FINE
    pen = span * PEN_WIDTH / (BOX - PEN_WIDTH)
    scale = span / extent if extent > 0 else 1.0
    offset = pen / 2 + 1 - low * scale
    rows, cols = np.ceil((high - low) * scale + pen + 2).astype(int)
    canvas = np.zeros((rows, cols))
    for line in lines:
        draw_stroke(canvas, _thin_out(line * scale + offset, pen / 2), pen)
    return to_mnist(canvas)


def _thin_out(line: np.ndarray, step: float) -> np.ndarray:
    """The polyline with a point about every `step` along it, and its ends. The mouse reports many
    tiny moves, each a segment to draw; half the pen's width apart, the round pen draws the
    same line."""
    if len(line) <= 2:
        return line
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(line, axis=0).T))])
    keep = np.flatnonzero(np.diff(np.floor(along / step), prepend=-1.0) > 0)
    return np.vstack([line[keep], line[-1:]])


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
