"""augment_digits: the identity when asked for no change, shifts move the ink by the asked amount,
turning turns, bolder strokes carry more ink, and every output is still a valid digit image."""

from __future__ import annotations

import numpy as np
import pytest

from engine.augment import SIDE, augment_digits


def _centre_of_mass(img: np.ndarray) -> np.ndarray:
    img = img.reshape(28, 28)
    rows, cols = np.mgrid[0:28, 0:28]
    return np.array([np.sum(rows * img), np.sum(cols * img)]) / img.sum()


def _bar(horizontal: bool = True) -> np.ndarray:
    img = np.zeros((28, 28), np.float32)
    if horizontal:
        img[13:15, 6:22] = 1.0
    else:
        img[6:22, 13:15] = 1.0
    return img.reshape(1, 784)


NONE = {"max_shift": 0.0, "max_rotation": 0.0, "max_scale": 0.0, "thickness": 0.0}


def test_no_change_is_the_identity():
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    out = augment_digits(X, np.random.default_rng(1), **NONE)
    np.testing.assert_allclose(out, X, atol=1e-6)
    assert out.dtype == np.float32 and out.shape == X.shape


def test_a_shift_moves_the_centre_of_mass_by_up_to_max_shift():
    X = np.repeat(_bar(), 200, axis=0)
    out = augment_digits(X, np.random.default_rng(0), **{**NONE, "max_shift": 2.0})
    moves = np.array([_centre_of_mass(o) - _centre_of_mass(X[0]) for o in out])
    assert np.abs(moves).max() <= 2.0 + 1e-4
    assert np.abs(moves).max() > 1.5  # and it does use the range
    assert np.all(np.abs(out.sum(axis=1) - X[0].sum()) < 1e-3)  # sub-pixel shifts keep the ink


def test_rotation_turns_a_bar():
    X = np.repeat(_bar(horizontal=True), 100, axis=0)
    out = augment_digits(X, np.random.default_rng(0), **{**NONE, "max_rotation": 30.0})
    # a turned bar spreads over more rows than the flat one (2 rows)
    rows_with_ink = [(o.reshape(28, 28).max(axis=1) > 0.2).sum() for o in out]
    assert max(rows_with_ink) >= 6 and min(rows_with_ink) >= 2


def test_thickness_changes_the_amount_of_ink():
    X = np.repeat(_bar(), 50, axis=0)
    out = augment_digits(X, np.random.default_rng(0), **{**NONE, "thickness": 0.8})
    ink = out.sum(axis=1)
    assert ink.max() > 1.3 * X[0].sum()  # bolder
    assert ink.min() < 0.9 * X[0].sum()  # thinner
    assert ink.min() > 0.3 * X[0].sum()  # but never erased


def test_outputs_are_valid_images_and_reproducible():
    X = np.random.default_rng(0).random((16, 784), dtype=np.float32)
    a = augment_digits(X, np.random.default_rng(7))
    b = augment_digits(X, np.random.default_rng(7))
    c = augment_digits(X, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.min() >= 0.0 and a.max() <= 1.0
    assert np.all(np.isfinite(a))


def test_bad_shapes_are_refused_and_empty_batches_pass():
    with pytest.raises(ValueError, match="784"):
        augment_digits(np.zeros((2, 100)), np.random.default_rng(0))
    assert augment_digits(np.zeros((0, 784), np.float32), np.random.default_rng(0)).shape == (0, 784)


# --- the fast version against the plain one it replaced ------------------------------------------------


def _reference_neighbours(img: np.ndarray, pick) -> np.ndarray:
    """Elementwise pick (np.maximum or np.minimum) of each pixel and its 4 neighbours; (b, 28, 28)."""
    fill = 0.0 if pick is np.maximum else 1.0  # outside the picture: no ink for max, ignore for min
    p = np.pad(img, ((0, 0), (1, 1), (1, 1)), constant_values=fill)
    out = img
    for dy, dx in ((0, 1), (2, 1), (1, 0), (1, 2)):
        out = pick(out, p[:, dy : dy + SIDE, dx : dx + SIDE])
    return out


def reference_augment_digits(X, rng, *, max_shift=2.0, max_rotation=12.0, max_scale=0.12, thickness=0.5):
    """The plain version engine.augment replaced (np.pad, float64 coordinates, 3-index gathers)."""
    n = len(X)
    imgs = np.asarray(X).reshape(n, SIDE, SIDE).astype(np.float32)

    # stroke thickness: t > 0 bolder, t < 0 thinner (eroding less, or thin strokes would vanish)
    t = rng.uniform(-0.5 * thickness, thickness, size=(n, 1, 1)).astype(np.float32)
    bold = _reference_neighbours(imgs, np.maximum)
    thin = _reference_neighbours(imgs, np.minimum)
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


@pytest.mark.parametrize("settings", [
    {},  # the recipe's defaults
    {"max_shift": 4.0, "max_rotation": 40.0, "max_scale": 0.3, "thickness": 0.9},
    {**NONE, "thickness": 0.8},
    {**NONE, "max_rotation": 90.0},
])
def test_the_fast_augmentation_gives_what_the_plain_one_gives(settings):
    from engine.datasets import mnist

    digits = mnist.load_bundled().X_train[:300]
    noise = np.random.default_rng(7).random((20, 784), dtype=np.float32)  # ink right up to the border
    for X in (digits, noise):
        fast = augment_digits(X, np.random.default_rng(3), **settings)
        plain = reference_augment_digits(X, np.random.default_rng(3), **settings)
        np.testing.assert_allclose(fast, plain, atol=2e-5)
        assert fast.dtype == X.dtype


# --- StrokeStyle: a fraction of each batch swapped for its stroke redrawings ------------------------------


@pytest.fixture(scope="module")
def style():
    from engine.augment import StrokeStyle
    from engine.datasets import mnist

    X = mnist.load_bundled().X_train[:200]
    return X, StrokeStyle(X, fraction=0.5, seed=4)


def test_the_redrawings_are_made_once_with_a_pen_per_digit_inside_to_mnists_range(style):
    from engine import preprocess, strokes
    from engine.augment import PENS

    X, s = style
    assert PENS == preprocess.WIDTH_RANGE
    pens = np.random.default_rng(4).uniform(*PENS, size=len(X))
    np.testing.assert_array_equal(s.redrawn(X[[5, 0, 5]]), strokes.redraw(X[[5, 0, 5]], pens[[5, 0, 5]]))
    # a digit it was not given is redrawn on the spot, with a pen in the same range
    other = np.random.default_rng(0).permutation(X[:3].reshape(3, 28, 28), axis=2).reshape(3, 784)
    fresh = s.redrawn(other)
    thin, thick = strokes.redraw(other, PENS[0]), strokes.redraw(other, PENS[1])
    ink = fresh.sum(axis=1)
    assert (thin.sum(axis=1) <= ink + 1e-3).all() and (ink <= thick.sum(axis=1) + 1e-3).all()


def test_a_batch_has_the_fraction_swapped_then_the_usual_augmentation(style, monkeypatch):
    import engine.augment as A

    X, s = style
    out = s(X, np.random.default_rng(9))
    rng = np.random.default_rng(9)
    swap = rng.random(len(X)) < 0.5
    expected = X.copy()
    expected[swap] = s.redrawn(X[swap])
    np.testing.assert_array_equal(out, augment_digits(expected, rng))  # the same draws, in the same order
    assert 0.35 < swap.mean() < 0.65 and out.dtype == X.dtype
    monkeypatch.setattr(A, "augment_digits", lambda X, rng: X)  # only the swap left
    plain = s(X, np.random.default_rng(9))
    np.testing.assert_array_equal(plain[~swap], X[~swap])
    np.testing.assert_array_equal(plain[swap], s.redrawn(X[swap]))
    assert not np.allclose(plain[swap], X[swap], atol=0.1)


def test_a_fraction_of_zero_swaps_nothing_and_a_bad_fraction_is_refused():
    from engine.augment import StrokeStyle

    X = np.random.default_rng(1).random((6, 784), dtype=np.float32)
    none = StrokeStyle(X, fraction=0.0)
    rng = np.random.default_rng(2)
    rng.random(len(X))
    np.testing.assert_array_equal(none(X, np.random.default_rng(2)), augment_digits(X, rng))
    with pytest.raises(ValueError, match="fraction"):
        StrokeStyle(X, fraction=1.5)
