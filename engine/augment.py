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


def _neighbours(img: np.ndarray, pick) -> np.ndarray:
    """Elementwise pick (np.maximum or np.minimum) of each pixel and its 4 neighbours; (b, 28, 28)."""
    fill = 0.0 if pick is np.maximum else 1.0  # outside the picture: no ink for max, ignore for min
    p = np.pad(img, ((0, 0), (1, 1), (1, 1)), constant_values=fill)
    out = img
    for dy, dx in ((0, 1), (2, 1), (1, 0), (1, 2)):
        out = pick(out, p[:, dy : dy + SIDE, dx : dx + SIDE])
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
    imgs = X.reshape(n, SIDE, SIDE).astype(np.float32)

    # stroke thickness: t > 0 bolder, t < 0 thinner (eroding less, or thin strokes would vanish)
    t = rng.uniform(-0.5 * thickness, thickness, size=(n, 1, 1)).astype(np.float32)
    bold = _neighbours(imgs, np.maximum)
    thin = _neighbours(imgs, np.minimum)
    imgs = np.where(t > 0, imgs + t * (bold - imgs), imgs - t * (thin - imgs))

    # affine map, applied backwards: for every output pixel, where in the source does it come from?
    angle = np.deg2rad(rng.uniform(-max_rotation, max_rotation, size=(n, 1, 1)))
    scale = rng.uniform(1.0 - max_scale, 1.0 + max_scale, size=(n, 1, 1))
    shift = rng.uniform(-max_shift, max_shift, size=(2, n, 1, 1))
    centre = (SIDE - 1) / 2.0
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float64) - centre
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    ux, uy = xx - shift[0], yy - shift[1]
    src_x = cos * ux + sin * uy + centre
    src_y = -sin * ux + cos * uy + centre

    # bilinear interpolation; a one-pixel zero frame makes everything outside the picture blank
    padded = np.pad(imgs, ((0, 0), (1, 1), (1, 1)))
    src_x = np.clip(src_x, -1.0, SIDE)  # beyond the frame on every side: blank
    src_y = np.clip(src_y, -1.0, SIDE)
    x0 = np.floor(src_x)
    y0 = np.floor(src_y)
    fx = (src_x - x0).astype(np.float32)
    fy = (src_y - y0).astype(np.float32)
    x0 = x0.astype(np.int64) + 1  # + 1: the frame
    y0 = y0.astype(np.int64) + 1
    x1 = np.minimum(x0 + 1, SIDE + 1)
    y1 = np.minimum(y0 + 1, SIDE + 1)
    b = np.arange(n)[:, None, None]
    out = (1 - fy) * ((1 - fx) * padded[b, y0, x0] + fx * padded[b, y0, x1]) + fy * (
        (1 - fx) * padded[b, y1, x0] + fx * padded[b, y1, x1]
    )
    return np.clip(out, 0.0, 1.0).reshape(n, SIDE * SIDE).astype(X.dtype, copy=False)
