"""The digits views of issue 11: saliency picture, confusion matrix, My digits browser."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from engine import saliency
from engine.datasets.my_digits import MyDigits
from engine.explain import confusion_matrix
from playground import theme
from playground.session import Session
from playground.views.digits.confusion_view import ConfusionMatrixView, cell_color
from playground.views.digits.my_digits_view import MyDigitsBrowser, ThisIsButtons
from playground.views.digits.saliency_view import SaliencyView


@pytest.fixture
def accurate(qapp):
    """The shipped model on the bundled digits."""
    session = Session(preset="Accurate digits")
    yield session
    session.shutdown()


def expected_picture(net, x, digit) -> np.ndarray:
    values = saliency(net, x, digit)
    return theme.diverging(values, float(np.abs(values).max())).reshape(28, 28, 4)


# --- saliency ----------------------------------------------------------------------------------------


def test_saliency_picture_shows_the_engines_saliency_for_the_answer(qtbot, accurate):
    accurate.show_sample(11)
    view = SaliencyView(accurate)
    qtbot.addWidget(view)
    answer = int(np.argmax(accurate.network.forward(accurate.input)))
    assert view.digit == answer
    picture = expected_picture(accurate.network, accurate.input, answer)
    np.testing.assert_array_equal(view.picture.rgba, picture)
    # for and against: the strongest pixel takes its sign's brightest colour, and the strongest of
    # the other sign is of the other hue
    values = view.values.reshape(28, 28)
    top = np.unravel_index(values.argmax(), values.shape)
    bottom = np.unravel_index(values.argmin(), values.shape)
    strongest, other = (top, bottom) if values[top] >= -values[bottom] else (bottom, top)
    brightest = theme.DIVERGING_STOPS[-1 if strongest == top else 0][1]
    assert tuple(view.picture.rgba[strongest][:3]) == theme.rgb(brightest)
    r, _, b = view.picture.rgba[other][:3].astype(int)
    assert (b > r) if other == bottom else (r > b)  # blue against, orange for
    assert f"p({answer})" in view.caption.text()


def test_the_chooser_explains_any_digit_and_follows_input_and_weights(qtbot, accurate):
    accurate.show_sample(0)
    view = SaliencyView(accurate)
    qtbot.addWidget(view)
    view.digitChooser.setCurrentIndex(1 + 3)  # "3"
    assert view.digit == 3
    np.testing.assert_array_equal(view.values, saliency(accurate.network, accurate.input, 3))
    assert "p(3)" in view.caption.text() and "it says" in view.caption.text()
    accurate.show_sample(5)  # a new input
    np.testing.assert_array_equal(view.values, saliency(accurate.network, accurate.input, 3))
    before = view.values.copy()
    accurate.set_bias(accurate.network.n_layers, 3, 4.0)  # an edit: networkChanged
    np.testing.assert_array_equal(view.values, saliency(accurate.network, accurate.input, 3))
    assert not np.array_equal(before, view.values)
    view.digitChooser.setCurrentIndex(0)  # back to the answer
    assert view.digit == int(np.argmax(accurate.network.forward(accurate.input)))


def test_saliency_needs_a_digit(qtbot, accurate, xor):
    accurate.set_input(np.zeros(784))
    view = SaliencyView(accurate)
    qtbot.addWidget(view)
    assert view.values is None and "Draw a digit" in view.caption.text()
    other = SaliencyView(xor)
    qtbot.addWidget(other)
    assert other.values is None and "digits network" in other.caption.text()


# --- confusion matrix --------------------------------------------------------------------------------


def test_confusion_matrix_counts_the_test_split_and_a_click_gives_its_samples(qtbot, accurate):
    view = ConfusionMatrixView(accurate)
    qtbot.addWidget(view)
    view.resize(420, 360)
    view.show()
    qtbot.waitExposed(view)
    data = accurate.dataset
    reference = confusion_matrix(accurate.network, data.X_test, data.labels_test, 10)
    np.testing.assert_array_equal(view.matrix.counts, reference.counts)
    assert view.matrix.total == len(data.X_test)
    # a mix-up cell: the test samples of `true` that the network reads as `predicted`
    off = reference.counts - np.diag(np.diag(reference.counts))
    true, predicted = np.unravel_index(off.argmax(), off.shape)
    rect = view.cell_rect(true, predicted)
    with qtbot.waitSignal(view.cellClicked) as signal:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()),
                                                                       int(rect.center().y())))
    t, p, indices = signal.args
    assert (t, p) == (true, predicted)
    predictions = accurate.network.predict(data.X_test)
    in_cell = (data.labels_test == true) & (predictions == predicted)
    np.testing.assert_array_equal(indices, np.flatnonzero(in_cell))
    assert accurate.sample_index == indices[0] and accurate.input_label == true  # the first is shown


def test_confusion_matrix_cells_are_painted_in_their_colours(qtbot, accurate):
    view = ConfusionMatrixView(accurate)
    qtbot.addWidget(view)
    view.resize(420, 360)
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    ratio = image.devicePixelRatio()
    counts = view.matrix.counts
    for true, predicted in [(0, 0), (8, 8), (8, 1), (0, 5)]:
        rect = view.cell_rect(true, predicted)
        corner = QPoint(int((rect.left() + 2) * ratio), int((rect.top() + 2) * ratio))  # away from the text
        colour = image.pixelColor(corner)
        want = cell_color(counts, true, predicted)
        assert (colour.red(), colour.green(), colour.blue()) == (want.red(), want.green(), want.blue())
    assert cell_color(counts, 0, 0).green() > cell_color(counts, 0, 0).red()  # right answers: green
    assert counts[8, 1] > 0 and cell_color(counts, 8, 1).red() > cell_color(counts, 8, 1).green()


def test_confusion_matrix_follows_the_network(qtbot, accurate):
    view = ConfusionMatrixView(accurate)
    qtbot.addWidget(view)
    assert view.matrix.per_class_accuracy[0] > 0.9
    accurate.set_bias(accurate.network.n_layers, 4, 1e3)  # now it says 4 to everything
    qtbot.waitUntil(lambda: view.matrix.counts[:, 4].sum() == len(accurate.dataset.X_test), timeout=3000)
    np.testing.assert_array_equal(view.matrix.per_class_accuracy[[0, 4]], [0.0, 1.0])


# --- My digits -----------------------------------------------------------------------------------------


def test_this_is_a_keeps_the_drawing_and_the_browser_shows_and_deletes_it(qtbot, accurate, tmp_path):
    path = tmp_path / "mine.npz"
    browser = MyDigitsBrowser(accurate, path)
    buttons = ThisIsButtons(accurate, browser)
    qtbot.addWidget(browser)
    qtbot.addWidget(buttons)
    accurate.set_input(np.zeros(784))
    assert not buttons.buttons[7].isEnabled()  # nothing drawn: nothing to label
    drawings = []
    for index, label in [(0, 7), (1, 2), (2, 1)]:
        accurate.show_sample(index)
        drawings.append(accurate.input.copy())
        assert buttons.buttons[label].isEnabled()
        button = buttons.findChild(type(buttons.buttons[0]), f"thisIs{label}")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert browser.list.count() == 3 and "3 of your digits" in browser.countLabel.text()
    assert [browser.list.item(k).text() for k in range(3)] == ["7", "2", "1"]
    again = MyDigits(path)  # it is on disk
    np.testing.assert_array_equal(again.labels, [7, 2, 1])
    np.testing.assert_array_equal(again.load()[0], np.stack(drawings))

    accurate.show_sample(50)
    browser.list.setCurrentRow(1)
    qtbot.mouseClick(browser.showButton, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(accurate.input, drawings[1])
    assert accurate.input_label == 2 and "my digit 2 of 3" in accurate.input_caption

    qtbot.mouseClick(browser.deleteButton, Qt.MouseButton.LeftButton)
    assert browser.list.count() == 2
    np.testing.assert_array_equal(MyDigits(path).labels, [7, 1])
    restarted = MyDigitsBrowser(accurate, path)
    qtbot.addWidget(restarted)
    assert restarted.list.count() == 2


def test_an_unreadable_file_is_reported_kept_and_can_be_set_aside(qtbot, accurate, tmp_path):
    path = tmp_path / "mine.npz"
    path.write_bytes(b"this is not a zip file")
    browser = MyDigitsBrowser(accurate, path)
    buttons = ThisIsButtons(accurate, browser)
    qtbot.addWidget(browser)
    qtbot.addWidget(buttons)
    accurate.show_sample(0)
    assert browser.store is None and "cannot be read" in browser.countLabel.text()
    assert not browser.setAsideButton.isHidden() and not buttons.buttons[3].isEnabled()
    assert not browser.add(accurate.input, 3)
    assert path.read_bytes() == b"this is not a zip file"  # untouched
    qtbot.mouseClick(browser.setAsideButton, Qt.MouseButton.LeftButton)
    assert browser.store is not None and len(browser.store) == 0 and browser.setAsideButton.isHidden()
    kept = [p for p in tmp_path.iterdir() if p.name != "mine.npz"]
    assert len(kept) == 1 and kept[0].read_bytes() == b"this is not a zip file"
    assert kept[0].name in browser.countLabel.text()
    assert browser.add(accurate.input, 3) and MyDigits(path).labels.tolist() == [3]


# --- fine-tuning ---------------------------------------------------------------------------------------


def test_fine_tune_panel_trains_a_copy_off_the_gui_thread_and_reports_before_and_after(qtbot, accurate,
                                                                                      tmp_path):
    from engine.finetune import FINE_TUNE
    from playground.views.digits.fine_tune_view import FineTunePanel

    browser = MyDigitsBrowser(accurate, tmp_path / "mine.npz")
    panel = FineTunePanel(accurate, browser, steps=40)
    qtbot.addWidget(browser)
    qtbot.addWidget(panel)
    assert not panel.startButton.isEnabled() and "This is a" in panel.startButton.toolTip()
    assert panel.setting.text() == FINE_TUNE.describe()  # the setting is said on screen
    for index in range(12):
        accurate.show_sample(index)
        browser.add(accurate.input, int(accurate.input_label))
    assert panel.startButton.isEnabled()
    weights_before = [w.copy() for w in accurate.network.weights]
    seen_steps = []
    panel.progress.valueChanged.connect(seen_steps.append)
    with qtbot.waitSignal(panel.tuned, timeout=60000) as signal:
        qtbot.mouseClick(panel.startButton, Qt.MouseButton.LeftButton)
        assert panel.busy and not panel.startButton.isEnabled() and panel.cancelButton.isEnabled()
    tuned, result = signal.args
    assert result.steps == 40 and seen_steps[-1] == 40
    data = accurate.dataset
    assert result.test_after == pytest.approx(np.mean(tuned.predict(data.X_test) == data.labels_test))
    assert result.test_before == pytest.approx(accurate.evaluate("test")[1])
    assert f"{result.test_after:.1%}" in panel.outcome.text()
    assert f"{result.extra_after:.1%}" in panel.outcome.text()
    for w, w0 in zip(accurate.network.weights, weights_before, strict=True):  # the session's is untouched
        np.testing.assert_array_equal(w, w0)
    assert not all(np.array_equal(a, b) for a, b in zip(tuned.weights, weights_before, strict=True))
    qtbot.waitUntil(lambda: not panel.busy)
    assert panel.startButton.isEnabled()


def test_fine_tune_can_be_cancelled_and_closing_mid_way_stops_it(qtbot, accurate, tmp_path):
    from playground.views.digits.fine_tune_view import FineTunePanel

    browser = MyDigitsBrowser(accurate, tmp_path / "mine.npz")
    qtbot.addWidget(browser)
    accurate.show_sample(0)
    browser.add(accurate.input, int(accurate.input_label))
    panel = FineTunePanel(accurate, browser, steps=100_000)  # would take many minutes
    qtbot.addWidget(panel)
    tuned = []
    panel.tuned.connect(lambda *args: tuned.append(args))
    assert panel.start()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=20000)
    qtbot.mouseClick(panel.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=20000)
    assert "cancelled" in panel.outcome.text() and not tuned
    assert panel.start()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=20000)
    panel.close()  # the window goes away mid-way: the thread is stopped and waited for
    assert not panel.busy and not tuned


def test_confusion_matrix_of_a_two_class_set_and_of_a_mismatched_network(qtbot, xor):
    view = ConfusionMatrixView(xor)
    qtbot.addWidget(view)
    data = xor.dataset
    assert view.matrix.counts.shape == (2, 2) and view.matrix.total == len(data.X_test)
    np.testing.assert_array_equal(view.matrix.counts.sum(axis=1), np.bincount(data.labels_test, minlength=2))
    saved = data.labels_test[0]
    data.labels_test[0] = 7  # a class the network has no output for: nothing shown, no exception
    try:
        view.refresh()
        assert view.matrix is None
        view.grab()  # and it paints
    finally:
        data.labels_test[0] = saved
