"""Your handwriting and why the network answers, in the window (issue 11): This is a … into My digits,
kept across windows; the saliency picture beside the pad; a confusion-matrix cell narrows the sample
browser; fine-tuning from the window; Step on the shipped model keeps its accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import saliency
from engine.datasets import my_digits
from engine.datasets.my_digits import MyDigits
from engine.finetune import FINE_TUNE
from engine.network import Network
from playground.digit_docks import FINE_TUNED
from playground.main_window import MainWindow
from playground.presets import PRESETS
from playground.session import Session
from playground.views.digits.digit_pad import DRAWING
from tests.engine.test_finetune import my_style
from tests.playground.shown_window import shown_window
from tests.playground.test_digit_pad import line, stroke
from tests.playground.test_digits_extra import expected_picture


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    """A user data folder of the test's own: My digits start empty and stay between its windows."""
    folder = tmp_path / "data"
    monkeypatch.setenv("NN_PLAYGROUND_DATA", str(folder))
    return folder


def window(qtbot, preset: str = "Accurate digits") -> MainWindow:
    return shown_window(qtbot, preset)


def draw_a_one(qtbot, w: MainWindow) -> None:
    canvas = w.digitPanel.canvas
    w.digitsDock.raise_()
    side = canvas.side
    stroke(canvas, line((side // 2, side // 5), (side // 2 - 10, 4 * side // 5)))
    qtbot.waitUntil(lambda: w.session.input_caption == DRAWING and w.session.input.any())


# --- Step on the shipped model ---------------------------------------------------------------------------


def test_100_steps_on_accurate_digits_keep_the_test_accuracy_within_0_3_points(qapp):
    preset = PRESETS["Accurate digits"]
    assert (preset.optimizer, preset.learning_rate, preset.batch_size) == (
        FINE_TUNE.optimizer, FINE_TUNE.lr, FINE_TUNE.batch_size)
    assert FINE_TUNE.describe() in preset.description  # said on screen (the Controls show it)
    session = Session(preset="Accurate digits")
    assert (session.trainer.optimizer.name, session.trainer.lr) == (FINE_TUNE.optimizer, FINE_TUNE.lr)
    n = len(session.dataset.X_test)
    before = session.evaluate("test")[1]
    for _ in range(100):
        session.step()
    assert session.steps == 100
    after = session.evaluate("test")[1]
    assert abs(after - before) * n <= 0.003 * n + 1e-9, f"{before:.3f} -> {after:.3f}"
    session.shutdown()


# --- This is a … and My digits -------------------------------------------------------------------------


def test_a_labelled_drawing_is_kept_survives_a_new_window_and_can_be_deleted(qtbot, data_folder):
    w = window(qtbot)
    draw_a_one(qtbot, w)
    drawn = w.session.input.copy()
    buttons = w.digitDocks.thisIs.buttons
    assert buttons[1].isVisible() and buttons[1].isEnabled()
    qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    store = MyDigits(my_digits.default_path())
    assert store.path.parent == data_folder
    assert store.labels.tolist() == [1]
    np.testing.assert_array_equal(store.images[0].reshape(-1), drawn)
    assert w.digitDocks.browser.list.count() == 1 and w.digitDocks.browser.list.item(0).text() == "1"
    w.close()

    again = window(qtbot)  # a new Session and window, the same data folder
    browser = again.digitDocks.browser
    assert browser.list.count() == 1 and browser.store.labels.tolist() == [1]
    again.myDigitsDock.raise_()
    browser.list.setCurrentRow(0)
    qtbot.mouseClick(browser.deleteButton, Qt.MouseButton.LeftButton)
    assert browser.list.count() == 0 and len(MyDigits(my_digits.default_path())) == 0


# --- saliency beside the pad ---------------------------------------------------------------------------


def test_the_saliency_picture_beside_the_pad_shows_the_engines_saliency_of_the_drawing(qtbot, data_folder):
    w = window(qtbot)
    view = w.digitDocks.saliency
    assert view.parent() is not None and w.digitPanel.isAncestorOf(view)  # beside "What the network sees"
    draw_a_one(qtbot, w)
    net, x = w.session.network, w.session.input
    answer = int(np.argmax(net.forward(x)))
    np.testing.assert_allclose(view.values, saliency(net, x, answer))
    expected = expected_picture(net, x, answer)
    np.testing.assert_array_equal(view.picture.rgba, expected)
    image = view.picture.grab().toImage()  # the pixels on screen: one 4×4 square per input pixel
    scale = (view.picture.width() - 2) // 28
    for r, c in [(0, 0), (14, 14), *np.argwhere(np.abs(view.values.reshape(28, 28)) > 0)[::97]]:
        colour = image.pixelColor(1 + scale * int(c) + scale // 2, 1 + scale * int(r) + scale // 2)
        assert (colour.red(), colour.green(), colour.blue()) == tuple(int(v) for v in expected[r, c, :3])
    view.digitChooser.setCurrentIndex(1 + 3)  # what would make this a 3
    np.testing.assert_allclose(view.values, saliency(net, x, 3))


# --- the confusion matrix and the sample browser --------------------------------------------------------


def test_a_confusion_cell_click_filters_the_sample_browser_to_exactly_its_samples(qtbot, data_folder):
    w = window(qtbot)
    w.confusionDock.show()
    w.confusionDock.raise_()
    view = w.confusionMatrix
    qtbot.waitUntil(view.isVisible)
    data, net = w.session.dataset, w.session.network
    cm = view.matrix
    assert cm.total == len(data.X_test)
    predicted = net.predict(data.X_test)
    off = np.argwhere((cm.counts > 0) & ~np.eye(10, dtype=bool))
    true, said = (int(v) for v in off[0])
    expected = np.flatnonzero((data.labels_test == true) & (predicted == said))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.cell_rect(true, said).center().toPoint())
    browser = w.sampleBrowser
    np.testing.assert_array_equal(browser.only, expected)
    assert browser.onlyLabel.isVisible() and browser.allButton.isVisible()
    assert f"{true}s read as {said}" in browser.onlyLabel.text()
    seen = []
    for _ in range(len(expected) + 1):  # ▶ steps through those samples only, and round again
        seen.append(w.session.sample_index)
        qtbot.mouseClick(browser.nextButton, Qt.MouseButton.LeftButton)
    assert seen == [*expected.tolist(), int(expected[0])]
    qtbot.mouseClick(browser.allButton, Qt.MouseButton.LeftButton)
    assert browser.only is None and not browser.onlyLabel.isVisible()
    start = w.session.sample_index
    qtbot.mouseClick(browser.nextButton, Qt.MouseButton.LeftButton)
    assert w.session.sample_index == (start + 1) % len(data.X_test)


# --- fine-tuning from the window ------------------------------------------------------------------------


def test_fine_tune_from_the_window_learns_my_style_and_keeps_the_bundled_accuracy(qtbot, data_folder):
    w = window(qtbot)
    session, data = w.session, w.session.dataset
    styled, labels = my_style(data.X_test), data.labels_test
    mine = np.concatenate([np.flatnonzero(labels == d)[:5] for d in range(10)])  # 50 digits, 5 of each
    others = np.setdiff1d(np.arange(len(labels)), mine)
    browser = w.digitDocks.browser
    for k in mine:
        session.set_input(styled[k], None, DRAWING)
        assert w.digitDocks.thisIs.label_as(int(labels[k]))
    shown = session.network
    others_before = int(np.sum(shown.predict(styled[others]) == labels[others]))
    test_before = session.evaluate("test")[1]
    panel = w.digitDocks.fineTune
    assert panel.startButton.isEnabled() and len(browser.store) == 50
    with qtbot.waitSignal(session.historyChanged, timeout=120000):
        qtbot.mouseClick(panel.startButton, Qt.MouseButton.LeftButton)
    assert session.network is shown  # the same network object, its weights replaced
    others_after = int(np.sum(shown.predict(styled[others]) == labels[others]))
    test_after = session.evaluate("test")[1]
    assert others_after >= others_before + 10, (others_before, others_after)
    assert abs(test_after - test_before) <= 0.005
    assert panel.result.test_after == pytest.approx(test_after)
    # the Trainer learns from the tuned weights, and the preset is no longer "the shipped model"
    for a, b in zip(session.trainer.network.weights, shown.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert session.preset_name == ""
    assert "Fine-tuned on your digits" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not panel.busy)


def test_adopt_network_takes_all_or_nothing(qapp):
    session = Session(preset="Accurate digits")
    session.step()
    weights = [a.copy() for a in session.network.weights]
    wrong = Network([784, 10], activation="relu", output="softmax")
    assert not session.adopt_network(wrong)
    for a, b in zip(session.network.weights, weights, strict=True):
        np.testing.assert_array_equal(a, b)
    broken = session.network.copy()
    broken.biases[-1][0] = np.nan
    assert not session.adopt_network(broken)
    assert session.network.parameters_finite()
    tuned = session.network.copy()
    tuned.weights[0] *= 0.5
    steps = session.steps
    assert session.adopt_network(tuned, FINE_TUNED)
    np.testing.assert_array_equal(session.network.weights[0], tuned.weights[0])
    assert session.steps == steps and (steps, FINE_TUNED) in session.history.marks  # history goes on
    session.shutdown()


def test_the_confusion_matrix_follows_run_and_waits_behind_another_tab(qtbot, data_folder):
    w = window(qtbot)
    view, session = w.confusionMatrix, w.session
    w.confusionDock.raise_()
    qtbot.waitUntil(view.isVisible)
    session.set_bias(session.network.n_layers, 4, 1e3)  # now it says 4 to everything
    for _ in range(30):  # edits keep coming (as Run's snapshots do): it is recounted all the same
        session.set_bias(session.network.n_layers, 4, 1e3)
        qtbot.wait(30)
        if view.matrix.counts[:, 4].sum() == len(session.dataset.X_test):
            break
    assert view.matrix.counts[:, 4].sum() == len(session.dataset.X_test)
    w.digitsDock.raise_()  # out of sight: not counted ...
    qtbot.waitUntil(lambda: view.visibleRegion().isEmpty())
    session.set_bias(session.network.n_layers, 4, 0.0)
    qtbot.wait(2 * 500)
    assert view.matrix.counts[:, 4].sum() == len(session.dataset.X_test)
    w.confusionDock.raise_()  # ... until it is in sight again
    qtbot.waitUntil(lambda: not view.visibleRegion().isEmpty())
    expected = np.bincount(session.dataset.labels_test * 10 + session.network.predict(session.dataset.X_test),
                           minlength=100).reshape(10, 10)
    np.testing.assert_array_equal(view.matrix.counts, expected)
