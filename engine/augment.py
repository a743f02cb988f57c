"""Data augmentation for 28×28 digits: every batch sees slightly moved, turned, resized, bolder or
thinner versions of the training digits, so the network learns "a 3" rather than "these 9,000 pictures"
and recognises digits drawn by hand on the digit pad, which never sit exactly where MNIST's do.

numpy only, vectorised over the batch: each image gets its own random affine map (rotation, scale,
shift), applied by bilinear interpolation, and a random stroke-thickness change (a blend towards the
image's dilation or erosion by one pixel).
"""

from __future__ import annotations

import numpy as np

SIDE = 28
FRAMED = SIDE + 3  # one blank pixel before the picture, two after: every bilinear corner lands inside
_CENTRE = (SIDE - 1) / 2.0
_YY, _XX = (g.astype(np.float32) - np.float32(_CENTRE) for g in np.mgrid[0:SIDE, 0:SIDE])
# Why it is fast (bench/digits.py): float32 throughout, each image's affine map folded into four numbers
# so a pixel's source is two multiply-adds, one flat gather per bilinear corner instead of 3-index fancy
# indexing, and the stroke change computed only in the direction each image needs (no np.pad).


def _spread(img: np.ndarray, pick) -> np.ndarray:
    """pick (np.maximum or np.minimum) of each pixel and its 4 neighbours, for (b, 28, 28) images.

    At the border the missing neighbours are left out, which is what a frame of 0 (for maximum: no
    ink) or 1 (for minimum: no effect) around ink values in [0, 1] would give.
    """
    out = img.copy()
    pick(out[:, 1:, :], img[:, :-1, :], out=out[:, 1:, :])
    pick(out[:, :-1, :], img[:, 1:, :], out=out[:, :-1, :])
    pick(out[:, :, 1:], img[:, :, :-1], out=out[:, :, 1:])
    pick(out[:, :, :-1], img[:, :, 1:], out=out[:, :, :-1])
    return out


def augment_digits(
    X: np.ndarray,
    rng: np.random.Generator,
    *,
    max_shift: float = 2.0,
    max_rotation: float = 12.0,
    max_scale: float = 0.12,
    thickness: float = 0.5,
) -> np.ndarray:
    """A randomly distorted copy of a batch of digits X (n, 784), ink 1.0 on 0.0; same shape and dtype.

    max_shift in pixels, max_rotation in degrees, max_scale as a fraction (0.12: 88 % .. 112 %),
    thickness: the largest blend towards a bolder (dilated) or thinner (eroded) stroke.
    """
    X = np.asarray(X)
    n = len(X)
    if n == 0:
        return X.copy()
    if X.ndim != 2 or X.shape[1] != SIDE * SIDE:
        raise ValueError(f"augment_digits expects (n, 784) digits, got shape {X.shape}")
    imgs = X.reshape(n, SIDE, SIDE).astype(np.float32)  # a copy, changed in place below
    f32 = np.float32

    # the random draws, in a fixed order (a seeded run is reproducible)
    t = rng.uniform(-0.5 * thickness, thickness, size=n).astype(f32)
    angle = np.deg2rad(rng.uniform(-max_rotation, max_rotation, size=n))
    scale = rng.uniform(1.0 - max_scale, 1.0 + max_scale, size=n)
    shift = rng.uniform(-max_shift, max_shift, size=(2, n))

    # stroke thickness: t > 0 bolder, t < 0 thinner (eroding less, or thin strokes would vanish):
    # a blend of |t| towards the dilation or the erosion, each computed only for the images that use it
    for chosen, pick in ((t > 0, np.maximum), (t < 0, np.minimum)):
        if chosen.any():
            part = imgs[chosen]
            part += np.abs(t[chosen])[:, None, None] * (_spread(part, pick) - part)
            imgs[chosen] = part

    # affine map, applied backwards: output pixel (x, y) comes from source (a x + b y + c, -b x + a y + d),
    # coordinates relative to the centre; rotation and scale in a, b, the shift in c, d
    a = (np.cos(angle) / scale).astype(f32)[:, None, None]
    b = (np.sin(angle) / scale).astype(f32)[:, None, None]
    sx, sy = shift.astype(f32)
    c = (_CENTRE - a[:, 0, 0] * sx - b[:, 0, 0] * sy)[:, None, None]
    d = (_CENTRE + b[:, 0, 0] * sx - a[:, 0, 0] * sy)[:, None, None]
    src_x = a * _XX + b * _YY + c
    src_y = a * _YY - b * _XX + d
    np.clip(src_x, -1.0, SIDE, out=src_x)  # beyond the frame on every side: blank
    np.clip(src_y, -1.0, SIDE, out=src_y)

    # bilinear interpolation from a zero-framed copy, by flat indices (one gather per corner)
    framed = np.zeros((n, FRAMED, FRAMED), f32)
    framed[:, 1 : SIDE + 1, 1 : SIDE + 1] = imgs
    flat = framed.reshape(-1)
    x0, y0 = np.floor(src_x), np.floor(src_y)
    fx, fy = src_x - x0, src_y - y0
    corner = (y0.astype(np.intp) + 1) * FRAMED + (x0.astype(np.intp) + 1)  # + 1: the frame
    corner += (np.arange(n, dtype=np.intp) * (FRAMED * FRAMED))[:, None, None]
    top_left = flat[corner]
    top = top_left + fx * (flat[corner + 1] - top_left)
    bottom_left = flat[corner + FRAMED]
    bottom = bottom_left + fx * (flat[corner + FRAMED + 1] - bottom_left)
    out = top + fy * (bottom - top)
    np.clip(out, 0.0, 1.0, out=out)
    return out.reshape(n, SIDE * SIDE).astype(X.dtype, copy=False)


# The pens StrokeStyle redraws with, as widths in the 20×20 box: preprocess.WIDTH_RANGE, the widths
# to_mnist gives a drawing (thinner strokes are thickened to 2.2, bolder ones thinned to 3.0). Wider
# pens, thinned as to_mnist thins a digit drawn small with the pad's pen, were tried: no better on such
# drawings, and 1.6 times the time.
PENS = (2.2, 3.0)


class StrokeStyle:
    """An augmentation for the digits recipe (`train --strokes FRACTION`): augment_digits, after swapping
    a `fraction` of each batch for the same digits redrawn as pen strokes (engine.strokes.redraw), the
    style of the digit pad.

    A drawing on the pad is one even pen width along a thin centre line, a style MNIST rarely has.
    Measured on 1,000 training digits held out of training (two seeds), a quarter of each batch
    redrawn reads those digits' drawings 0.3 to 1.1 points better and their pictures as well; most of
    what drawings still lose is bold digits whose centre line is another shape. Each training digit's
    redrawing is made once, up front, all at once (with a pen between the narrowest and the widest
    stroke preprocess.to_mnist leaves alone, one per digit), and found again by the digit's pixels, so
    the Trainer need not say which digits a batch holds. A digit it has not seen is redrawn there and then.
    """

    def __init__(self, X_train: np.ndarray, fraction: float = 0.25, seed: int = 0):
        from engine import strokes

        if not 0 <= fraction <= 1:
            raise ValueError(f"the fraction of redrawn digits must be in [0, 1], not {fraction}")
        self.fraction = float(fraction)
        X = np.asarray(X_train, dtype=np.float32).reshape(-1, SIDE * SIDE)
        self._rng = np.random.default_rng(seed)  # the pens; the batches use the Trainer's generator
        self._redraw = strokes.redraw
        pens = self._rng.uniform(*PENS, size=len(X))
        self._redrawn = self._redraw(X, pens) if self.fraction > 0 else X[:0]
        self._index = {row.tobytes(): i for i, row in enumerate(X)} if self.fraction > 0 else {}

    def redrawn(self, X: np.ndarray) -> np.ndarray:
        """The stroke redrawings of digits X (n, 784), float32."""
        X = np.asarray(X, dtype=np.float32).reshape(-1, SIDE * SIDE)
        found = np.array([self._index.get(row.tobytes(), -1) for row in X], dtype=np.intp)
        out = self._redrawn[np.maximum(found, 0)] if len(self._redrawn) else np.zeros_like(X)
        new = found < 0
        if new.any():
            out[new] = self._redraw(X[new], self._rng.uniform(*PENS, size=int(new.sum())))
        return out

    def __call__(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        X = np.asarray(X)
        swap = rng.random(len(X)) < self.fraction
        if swap.any():
            X = X.copy()
            X[swap] = self.redrawn(X[swap]).astype(X.dtype, copy=False)
        return augment_digits(X, rng)
