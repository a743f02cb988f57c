"""MNIST test digits, drawn big, small or off-centre on a 280×280 canvas, are recognised by the default
model as well as the plain test digits are (within 2 points): to_mnist undoes the placement."""

from __future__ import annotations

import numpy as np
import pytest

from engine.datasets.mnist import load_bundled
from engine.io import load
from engine.preprocess import to_mnist
from engine.resources import DEFAULT_MODEL

MODEL = DEFAULT_MODEL  # engine/resources/models/digits.npz
CANVAS = 280

# (name, long side of the digit on the canvas in pixels, (top, left) of its box; None = centred)
PLACEMENTS = [
    ("×10, centred (MNIST's own 20-of-28)", 200, None),
    ("large, fills the canvas", 270, None),
    ("small, centred", 60, None),
    ("small, top-left corner", 70, (4, 4)),
    ("medium, bottom-right corner", 130, (CANVAS - 134, CANVAS - 134)),
    ("medium, off-centre top", 110, (10, 120)),
]


def enlarge(img: np.ndarray, n_out: int, axis: int) -> np.ndarray:
    """Bilinear enlargement of one axis (pixel centres aligned), as a photo would be enlarged.
    Gathers and blends instead of a matrix product, so no BLAS threads are involved."""
    n_in = img.shape[axis]
    pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    shape = [1, 1]
    shape[axis] = n_out
    frac = (pos - lo).reshape(shape)
    return img.take(lo, axis=axis) * (1 - frac) + img.take(hi, axis=axis) * frac


def place_on_canvas(x28: np.ndarray, size: int, corner: tuple[int, int] | None) -> np.ndarray:
    """The digit cropped to its ink, enlarged so its longer side is `size` pixels, on a blank canvas."""
    img = x28.reshape(28, 28)
    rows = np.flatnonzero(img.any(axis=1))
    cols = np.flatnonzero(img.any(axis=0))
    crop = img[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = size / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    big = enlarge(enlarge(crop, h, 0), w, 1)
    top, left = corner if corner is not None else ((CANVAS - h) // 2, (CANVAS - w) // 2)
    canvas = np.zeros((CANVAS, CANVAS))
    canvas[top : top + h, left : left + w] = big
    return canvas


@pytest.fixture(scope="module")
def model_and_data():
    return load(MODEL), load_bundled()


def test_placed_digits_are_recognised_as_well_as_plain_ones(model_and_data, record_property):
    net, data = model_and_data
    plain_all = float(np.mean(net.predict(data.X_test) == data.labels_test))
    assert plain_all >= 0.97
    # a fixed half of the test split per placement keeps this test to seconds (every other digit:
    # the split is a fixed permutation with 100 of each digit, so this holds about 50 of each)
    X, labels = data.X_test[::2], data.labels_test[::2]
    plain = float(np.mean(net.predict(X) == labels))
    report = [f"plain test split: {plain_all:.1%} of {len(data.X_test)}; {plain:.1%} of the {len(X)} used"]
    for name, size, corner in PLACEMENTS:
        drawn = np.stack([to_mnist(place_on_canvas(x, size, corner)) for x in X])
        accuracy = float(np.mean(net.predict(drawn) == labels))
        report.append(f"{name}: {accuracy:.1%}")
        record_property(name, accuracy)
        assert abs(accuracy - plain) <= 0.02, f"{name}: {accuracy:.1%} vs {plain:.1%} plain"
    print("\n".join(report))


def test_placement_really_moves_and_scales_the_digit(model_and_data):
    # guard against a test that cannot fail: the canvases differ a lot, to_mnist makes them agree
    _, data = model_and_data
    x = data.X_test[0]
    small = place_on_canvas(x, 60, (4, 4))
    large = place_on_canvas(x, 270, None)
    assert np.corrcoef(small.ravel(), large.ravel())[0, 1] < 0.2
    assert np.corrcoef(to_mnist(small), to_mnist(large))[0, 1] > 0.9
    assert np.corrcoef(to_mnist(large), x)[0, 1] > 0.9
