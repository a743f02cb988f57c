"""engine.strokes: the centre lines are Zhang & Suen's (checked against the paper's rules applied pixel by
pixel), the segments join exactly the neighbouring centre-line pixels, and redraw gives what
preprocess.strokes_to_mnist gives for those segments (which draws them one by one with draw_stroke)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine import preprocess, strokes
from engine.datasets.mnist import load_bundled


@pytest.fixture(scope="module")
def digits():
    return load_bundled().X_train[:120]


def reference_skeleton(x: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Zhang & Suen (1984), "A fast parallel algorithm for thinning digital patterns", pixel by pixel."""
    B = np.pad(x.reshape(28, 28) > threshold, 1)
    while True:
        changed = False
        for step in (1, 2):
            remove = []
            for r in range(1, 29):
                for c in range(1, 29):
                    if not B[r, c]:
                        continue
                    p = [B[r - 1, c], B[r - 1, c + 1], B[r, c + 1], B[r + 1, c + 1],
                         B[r + 1, c], B[r + 1, c - 1], B[r, c - 1], B[r - 1, c - 1]]  # p2 .. p9
                    count = sum(p)
                    transitions = sum(1 for i in range(8) if not p[i] and p[(i + 1) % 8])
                    p2, p4, p6, p8 = p[0], p[2], p[4], p[6]
                    if step == 1:
                        rule = not (p2 and p4 and p6) and not (p4 and p6 and p8)
                    else:
                        rule = not (p2 and p4 and p8) and not (p2 and p6 and p8)
                    if 2 <= count <= 6 and transitions == 1 and rule:
                        remove.append((r, c))
            for r, c in remove:  # all at once: the decisions of a sub-step see the same picture
                B[r, c] = False
            changed |= bool(remove)
        if not changed:
            return B[1:-1, 1:-1]


def test_skeletons_are_zhang_and_suens(digits):
    X = digits[:40]
    fast = strokes.skeletons(X)
    for x, skeleton in zip(X, fast, strict=True):
        assert np.array_equal(skeleton, reference_skeleton(x))
    # thin: a centre line has far fewer pixels than the digit, but never loses a digit entirely
    ink = (X > 0.5).reshape(-1, 28, 28).sum(axis=(1, 2))
    kept = fast.sum(axis=(1, 2))
    assert (kept > 0).all() and (kept < 0.75 * ink).all() and np.median(kept / ink) < 0.5


def test_a_bar_thins_to_its_middle_row():
    bar = np.zeros((28, 28))
    bar[10:15, 4:24] = 1.0
    skeleton = strokes.skeletons(bar.reshape(1, -1))[0]
    rows, cols = np.nonzero(skeleton)
    assert set(rows.tolist()) == {12} and cols.min() == 6 and cols.max() == 20


def test_segments_join_exactly_the_neighbouring_pixels(digits):
    made = np.zeros((1, 28, 28), dtype=bool)
    made[0, 3, 3] = True  # a dot
    made[0, 10, 10] = made[0, 11, 9] = made[0, 11, 10] = True  # a little triangle: three segments
    skeleton = np.concatenate([strokes.skeletons(digits[:10]), made])
    owner, start, end = strokes.segments(skeleton)
    assert np.all(np.diff(owner) >= 0)  # grouped by digit
    assert (owner == 10).sum() == 4
    for k in range(11):
        on = set(zip(*np.nonzero(skeleton[k]), strict=True))
        mine = {(tuple(a), tuple(b)) for a, b in zip(start[owner == k].astype(int).tolist(),
                                                   end[owner == k].astype(int).tolist(), strict=True)}
        expected = set()
        for r, c in on:
            near = [(r + dr, c + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                    if (dr, dc) != (0, 0) and (r + dr, c + dc) in on]
            if not near:
                expected.add(((r, c), (r, c)))
            expected.update(((r, c), q) for q in near if q > (r, c) or (q[0] == r + 1 and q[1] == c - 1))
        # each neighbouring pair once (from the upper, or for a south-west pair the right-hand, pixel)
        expected = {(a, b) for a, b in expected if a == b or b[0] > a[0] or (b[0] == a[0] and b[1] > a[1])}
        assert mine == expected


def as_strokes(start, end):
    return [[tuple(a), tuple(b)] for a, b in zip(start.tolist(), end.tolist(), strict=True)]


@pytest.mark.parametrize("pen", [preprocess.WIDTH_RANGE[0], 2.6, preprocess.WIDTH_RANGE[1]])
def test_redraw_is_strokes_to_mnist_of_the_centre_line(digits, pen, monkeypatch):
    X = digits[:30]
    owner, start, end = strokes.segments(strokes.skeletons(X))
    fast = strokes.redraw(X, pen)
    monkeypatch.setattr(preprocess, "PEN_WIDTH", pen)
    monkeypatch.setattr(preprocess, "WIDTH_RANGE", (0.0, np.inf))  # to_mnist's width step off
    for k in range(len(X)):
        slow = preprocess.strokes_to_mnist(as_strokes(start[owner == k], end[owner == k]))
        np.testing.assert_allclose(fast[k], slow, atol=1e-5)
    # with the width step on, to_mnist leaves a pen inside its range (almost always) as it is
    monkeypatch.undo()
    monkeypatch.setattr(preprocess, "PEN_WIDTH", 2.6)
    same = [np.abs(preprocess.strokes_to_mnist(as_strokes(start[owner == k], end[owner == k]))
                   - strokes.redraw(X[k : k + 1], 2.6)[0]).max() < 1e-5 for k in range(len(X))]
    assert np.mean(same) >= 0.9


def test_redraw_takes_a_pen_per_digit_and_keeps_blank_digits_blank(digits):
    X = np.concatenate([digits[:3], np.zeros((1, 784), np.float32)])
    thin, thick = strokes.redraw(X, 2.2), strokes.redraw(X, 3.0)
    mixed = strokes.redraw(X, np.array([2.2, 3.0, 2.2, 2.6]))
    np.testing.assert_array_equal(mixed[[0, 2]], thin[[0, 2]])
    np.testing.assert_array_equal(mixed[1], thick[1])
    assert not mixed[3].any() and mixed.dtype == np.float32 and mixed.shape == (4, 784)
    assert (thick[:3].sum(axis=1) > 1.15 * thin[:3].sum(axis=1)).all()  # a wider pen, more ink
    # the redrawing is the digit: it sits where MNIST's digits sit and looks like its original more
    # than like the others
    similar = np.corrcoef(X[:3], thin[:3])[:3, 3:]  # original i, redrawing j
    assert (np.diag(similar) > 0.5).all()
    assert (np.argmax(similar, axis=0) == np.arange(3)).all()
    for y in thin[:3]:
        assert preprocess.centre_of_mass(y.reshape(28, 28)) == pytest.approx((14.0, 14.0), abs=0.6)


def test_the_recipe_and_the_command_line_take_a_fraction_of_stroke_redrawings(capsys):
    from engine import cli, recipes
    from engine.augment import StrokeStyle, augment_digits
    from engine.datasets.mnist import load_bundled

    args = cli.build_parser().parse_args(["train", "--strokes", "0.3"])
    assert cli.resolve_settings(args, n_outputs=10)["strokes"] == 0.3
    assert recipes.DIGITS_RECIPE["strokes"] == 0.0  # the shipped model's recipe has none
    assert cli.main(["train", "--strokes", "1.5"]) == cli.EXIT_USAGE
    assert "--strokes must be a fraction in [0, 1]" in capsys.readouterr().err
    full = load_bundled()
    data = dataclasses.replace(full, X_train=full.X_train[:50], Y_train=full.Y_train[:50],
                               labels_train=full.labels_train[:50])
    trainer = recipes.make_trainer({**recipes.DIGITS_RECIPE, "strokes": 0.3}, data)
    assert isinstance(trainer.augment, StrokeStyle) and trainer.augment.fraction == 0.3
    assert recipes.make_trainer(recipes.DIGITS_RECIPE, data).augment is augment_digits
    off = {**recipes.DIGITS_RECIPE, "augment": False, "strokes": 0.3}
    assert recipes.make_trainer(off, data).augment is None


def test_a_pen_outside_to_mnists_range_is_brought_into_it_as_to_mnist_would(digits, monkeypatch):
    def widths(images):
        out = []
        for img in images.reshape(-1, 28, 28):
            rows, cols = np.flatnonzero(img.any(axis=1)), np.flatnonzero(img.any(axis=0))
            out.append(preprocess.stroke_width(img[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]))
        return np.array(out)

    X = digits[:8]
    low, high = preprocess.WIDTH_RANGE
    bold, fine = widths(strokes.redraw(X, 4.5)), widths(strokes.redraw(X, 1.2))
    monkeypatch.setattr(preprocess, "WIDTH_RANGE", (0.0, np.inf))
    bold_as_drawn, fine_as_drawn = widths(strokes.redraw(X, 4.5)), widths(strokes.redraw(X, 1.2))
    assert np.median(bold) == pytest.approx(high, abs=0.35) and np.median(bold_as_drawn) > high + 0.8
    assert np.median(fine) == pytest.approx(low, abs=0.35) and np.median(fine_as_drawn) < low - 0.6
