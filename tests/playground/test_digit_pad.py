"""The digit pad, driven with real mouse events: drawing -> 28×28 input -> Session -> chart."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from engine.preprocess import centre_of_mass, draw_stroke, strokes_to_mnist, to_mnist
from playground.session import Session
from playground.views.digits.digit_pad import DRAWING, NOT_DIGITS, DigitPanel
from playground.views.digits.prediction_chart import shares


@pytest.fixture
def session(qapp):
    s = Session(preset="3Blue1Brown digits")  # random weights, sigmoid outputs; needs no model file
    yield s
    s.shutdown()


@pytest.fixture
def trained(qapp):
    s = Session(preset="Accurate digits")  # the shipped model: softmax outputs
    assert s.preset_name == "Accurate digits", "the default model did not load"
    yield s
    s.shutdown()


def make_panel(qtbot, session) -> DigitPanel:
    panel = DigitPanel(session)
    qtbot.addWidget(panel)
    panel.resize(400, 760)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def stroke(canvas, points, pause_ms=0):
    """Press at the first point, move through the others, release at the last."""
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[0]))
    for p in points[1:]:
        QTest.mouseMove(canvas, QPoint(*p))
        if pause_ms:
            QTest.qWait(pause_ms)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[-1]))


def line(a, b, n=20):
    return [(round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t)) for t in np.linspace(0, 1, n)]


def numpy_twin(canvas, strokes):
    """The same strokes drawn by the engine's numpy marker, at the canvas's size and pen width."""
    img = np.zeros((canvas.side, canvas.side))
    for points in strokes:
        draw_stroke(img, [(y, x) for x, y in points], canvas.pen_width())
    return to_mnist(img)


def agreement(a, b):
    """Correlation of two 28×28 inputs, allowing a one-pixel shift: a digit whose centre of mass is
    exactly between two pixels may be placed on either (MNIST shifts by whole pixels too)."""
    a, b = a.reshape(28, 28), b.reshape(28, 28)
    return max(np.corrcoef(np.roll(a, (dy, dx), axis=(0, 1)).ravel(), b.ravel())[0, 1]
               for dy in (-1, 0, 1) for dx in (-1, 0, 1))


def test_vertical_stroke_becomes_a_centred_one(qtbot, session):
    panel = make_panel(qtbot, session)
    canvas = panel.canvas
    assert canvas.side >= 280
    points = line((90, 40), (90, 240))  # left of centre: the pad must centre it
    stroke(canvas, points)
    x = session.input.reshape(28, 28)
    assert session.input_caption == DRAWING and session.input_label is None
    rows = np.flatnonzero(x.max(axis=1) > 0.05)
    cols = np.flatnonzero(x.max(axis=0) > 0.05)
    assert rows[-1] - rows[0] + 1 == 20  # fills the 20-pixel box top to bottom
    assert cols[-1] - cols[0] + 1 <= 4  # a thin column
    r, c = centre_of_mass(x)
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5
    assert x[6:22, 14].min() > 0.8
    # Qt's marker and the engine's numpy marker agree on what the network sees
    assert agreement(session.input, numpy_twin(canvas, [points])) > 0.97
    # the preview shows exactly the session's input
    np.testing.assert_array_equal(panel.preview.pixels, x)


def test_chart_follows_the_drawing_while_the_stroke_goes_on(qtbot, session):
    panel = make_panel(qtbot, session)
    before = panel.chart.heights().copy()
    np.testing.assert_allclose(before, session.prediction(), rtol=1e-6)
    canvas = panel.canvas
    # an arc, so the shape itself changes as it grows (a straight line is the same digit at any
    # length once it is scaled to MNIST's box)
    points = [(round(140 + 90 * np.cos(t)), round(140 + 90 * np.sin(t))) for t in np.linspace(0, 4.5, 12)]
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[0]))
    seen = []
    for p in points[1:]:
        QTest.mouseMove(canvas, QPoint(*p))
        QTest.qWait(40)  # slower than the 30 Hz throttle: every pause lets one update through
        seen.append(panel.chart.heights().copy())
    # still pressed: the chart has already changed, several times
    assert panel.updates_sent >= 5
    assert not np.allclose(seen[-1], before)
    assert len({tuple(np.round(h, 6)) for h in seen}) >= 3
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*points[-1]))
    # after the release the chart shows the session's prediction for the whole stroke
    np.testing.assert_allclose(panel.chart.heights(), session.prediction(), rtol=1e-6)
    assert agreement(session.input, numpy_twin(canvas, [points])) > 0.97


def test_fast_moves_are_throttled_but_the_last_one_arrives(qtbot, session):
    panel = make_panel(qtbot, session)
    canvas = panel.canvas
    points = line((140, 30), (140, 250), 150)
    started = time.perf_counter()
    stroke(canvas, points)  # no event loop between moves: as fast as the mouse can report
    elapsed = time.perf_counter() - started
    # at most one update per 1/30 s (plus the first move and the release), not one per move
    assert panel.updates_sent <= 2 + elapsed * 30 + 1
    assert panel.updates_sent < len(points) / 3
    np.testing.assert_allclose(session.input, strokes_to_mnist(canvas.stroke_points()), atol=0)


def three(centre, size):
    """A 3 as two mouse strokes (its two bowls), `size` pixels tall, around `centre` (x, y)."""
    cx, cy = centre
    bowl = np.linspace(-2.4, 1.6, 14)  # from upper left, round the right, back in to the waist
    top = [(round(cx + size / 4 * np.sin(t + 1.57)), round(cy - size / 4 - size / 4 * np.cos(t + 1.57)))
           for t in bowl]
    bottom = [(round(cx + size / 4 * np.sin(t + 1.57)), round(cy + size / 4 - size / 4 * np.cos(t + 1.57)))
              for t in -bowl[::-1]]
    return [top, bottom]


def test_a_small_three_reads_as_the_same_three_drawn_large(qtbot, session):
    # the screen's pen joins a small drawing's strokes into a blot; the pad reads the strokes, drawn
    # again with a pen of MNIST's width for the drawing's size, so a small 3 is the large one
    panel = make_panel(qtbot, session)
    canvas = panel.canvas
    seen = {}
    for size in (240, 80):
        canvas.clear()
        for points in three((140, 140), size):
            stroke(canvas, points)
        seen[size] = session.input.copy()
        blot = to_mnist(canvas.ink())  # what the canvas's pixels alone would give
        if size == 80:
            assert agreement(blot, seen[240]) < 0.9  # the screen's pen really makes a blot of it
    assert agreement(seen[80], seen[240]) > 0.97


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_headline_and_highlight_match_the_outputs(qtbot, session, output):
    session.set_output(output)
    panel = make_panel(qtbot, session)
    stroke(panel.canvas, line((60, 80), (200, 240)))
    out = session.prediction()
    top = int(np.argmax(out))
    assert panel.chart.top == top
    np.testing.assert_allclose(panel.chart.heights(), out, rtol=1e-6)
    axis = panel.chart.getPlotItem().getAxis("left").labelText
    if output == "softmax":
        share = out[top]  # probabilities already
        assert axis == "probability"
    else:
        share = out[top] / out.sum()  # each sigmoid's share of all ten
        assert "share" in axis and "probab" not in panel.chart.toolTip().split("\n")[0]
    assert panel.chart.headline().startswith(f"{top} — {share:.0%}")
    brushes = panel.chart.bars.opts["brushes"]
    colours = {b.color().name() for k, b in enumerate(brushes) if k != top}
    assert brushes[top].color().name() not in colours  # the winner stands out


def test_undo_and_clear(qtbot, session):
    panel = make_panel(qtbot, session)
    canvas = panel.canvas
    first = line((140, 40), (140, 240))
    stroke(canvas, first)
    one_stroke = session.input.copy()
    stroke(canvas, line((60, 140), (220, 140)))  # a cross now
    assert len(canvas.strokes) == 2
    assert not np.allclose(session.input, one_stroke)
    assert panel.undoButton.isEnabled() and panel.clearButton.isEnabled()

    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z
    assert len(canvas.strokes) == 1
    np.testing.assert_allclose(session.input, one_stroke, atol=0.02)  # redrawn, not stored
    assert agreement(session.input, numpy_twin(canvas, [first])) > 0.97

    stroke(canvas, first)
    panel.activateWindow()  # shortcuts only fire in the active window
    qtbot.waitUntil(panel.isActiveWindow, timeout=2000)
    panel.clearButton.setFocus()  # the keys work anywhere in the pad, not only on the canvas
    QTest.keyClick(panel.clearButton, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(canvas.strokes) == 1

    panel.undoButton.click()
    assert canvas.is_empty() and not session.input.any()
    assert not panel.undoButton.isEnabled()
    assert "empty" in panel.caption.text()

    stroke(canvas, first)
    panel.clearButton.click()
    assert canvas.is_empty() and not session.input.any() and not canvas.ink().any()

    stroke(canvas, first)
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert canvas.is_empty() and not session.input.any()

    stroke(canvas, first)
    QTest.mouseClick(canvas, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, QPoint(100, 100))
    assert canvas.is_empty() and not session.input.any()


def test_a_single_click_leaves_a_dot(qtbot, session):
    panel = make_panel(qtbot, session)
    QTest.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(50, 50))
    assert panel.canvas.ink().max() == 1.0
    assert session.input.any()


def test_browsed_test_sample_is_shown_with_its_prediction(qtbot, session):
    panel = make_panel(qtbot, session)
    stroke(panel.canvas, line((140, 40), (140, 240)))
    session.show_sample(7)
    x = session.dataset.X_test[7]
    np.testing.assert_array_equal(panel.preview.pixels.reshape(-1), x)
    np.testing.assert_allclose(panel.chart.heights(), session.network.forward(x[None])[0], rtol=1e-5)
    label = int(session.dataset.labels_test[7])
    assert f"true digit {label}" in panel.chart.headline()
    assert f"test sample 8 of {len(session.dataset.X_test)} (a {label})" in panel.caption.text()
    # drawing again makes the drawing the input once more
    stroke(panel.canvas, line((60, 60), (200, 200)))
    assert session.input_caption == DRAWING


def test_chart_follows_training(qtbot, session):
    panel = make_panel(qtbot, session)
    session.show_sample(0)
    before = panel.chart.heights().copy()
    for _ in range(5):
        session.step()
    assert not np.allclose(panel.chart.heights(), before)
    np.testing.assert_allclose(panel.chart.heights(), session.prediction(), rtol=1e-6)


def test_disabled_without_digits(qtbot, session):
    panel = make_panel(qtbot, session)
    assert panel.canvas.isEnabled() and not panel.note.isVisibleTo(panel)
    session.apply_preset("XOR")
    assert not panel.canvas.isEnabled()
    assert panel.note.isVisibleTo(panel) and NOT_DIGITS in panel.note.text()
    assert NOT_DIGITS in panel.chart.headline()
    assert not panel.chart.heights().any()
    before = session.input.copy()
    stroke(panel.canvas, line((60, 60), (200, 200)))  # a disabled widget gets no mouse events
    np.testing.assert_array_equal(session.input, before)
    session.apply_preset("3Blue1Brown digits")
    assert panel.canvas.isEnabled() and not panel.note.isVisibleTo(panel)
    np.testing.assert_allclose(panel.chart.heights(), session.prediction(), rtol=1e-6)


def test_drawn_digits_are_recognised_by_the_default_model(qtbot, trained):
    panel = make_panel(qtbot, trained)
    assert "probability" in panel.chart.getPlotItem().getAxis("left").labelText
    stroke(panel.canvas, line((150, 40), (130, 240)))  # a slightly slanted "1"
    assert panel.chart.top == 1
    panel.canvas.clear()
    # a "0": an ellipse
    t = np.linspace(0, 2 * np.pi, 40)
    stroke(panel.canvas, [(round(140 + 60 * np.sin(a)), round(140 - 95 * np.cos(a))) for a in t])
    assert panel.chart.top == 0
    probabilities = trained.prediction()
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert panel.chart.headline().startswith(f"0 — {probabilities[0]:.0%}")


def test_shares():
    np.testing.assert_allclose(shares(np.array([0.1, 0.9]), "softmax"), [0.1, 0.9])
    np.testing.assert_allclose(shares(np.array([0.2, 0.6]), "sigmoid"), [0.25, 0.75])
    np.testing.assert_allclose(shares(np.array([-1.0, 1.0, 3.0]), "linear"), [0.0, 0.25, 0.75])
    np.testing.assert_array_equal(shares(np.zeros(3), "sigmoid"), np.zeros(3))


def test_the_pad_fits_a_720_pixel_high_window_with_a_full_size_canvas(qtbot, session):
    panel = DigitPanel(session)
    qtbot.addWidget(panel)
    smallest = panel.minimumSizeHint()
    # 720 minus the title bar, menu, toolbar, dock title, tabs and status bar (about 160 pixels)
    assert smallest.height() <= 560 and smallest.width() <= 380
    panel.resize(smallest)
    panel.show()
    qtbot.waitExposed(panel)
    canvas = panel.canvas
    assert canvas.side >= 280 and canvas.width() >= 280 and canvas.height() >= 280
    # the 28×28 picture sits beside the chart, not above it
    preview = panel.preview.geometry().translated(panel.preview.parentWidget().mapTo(panel, QPoint(0, 0)))
    chart = panel.chart.geometry()
    assert preview.left() >= chart.right() and preview.top() < chart.bottom()
    assert panel.chart.width() >= 200 and panel.chart.height() >= 200


def test_new_weights_redraw_the_chart_but_not_the_unchanged_preview(qtbot, session):
    panel = make_panel(qtbot, session)
    session.show_sample(2)
    image = panel.preview._image
    session.step()
    assert panel.preview._image is image  # the same input: the picture was not rebuilt
    np.testing.assert_allclose(panel.chart.heights(), session.prediction(), rtol=1e-6)
    session.show_sample(3)
    assert panel.preview._image is not image
    np.testing.assert_array_equal(panel.preview.pixels.reshape(-1), session.dataset.X_test[3])
