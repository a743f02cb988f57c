"""Behaviour a learner trips over (issue 12, "Behaviour" and "Small"), each checked by its state or text."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit

from playground import theme
from playground.main_window import settings
from playground.status_words import activation_switch_note
from tests.playground.shown_window import shown_window

_window = shown_window


def _draw(canvas) -> None:
    side = canvas.side
    canvas.strokes.append([QPointF(0.3, 0.2), QPointF(0.5, 0.8)])
    canvas._repaint_image()
    canvas.strokeFinished.emit()
    assert side and not canvas.is_empty()


def test_choosing_a_preset_clears_the_pad_so_it_agrees_with_the_network(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")
    pad, s = w.digitPanel, w.session
    _draw(pad.canvas)
    assert s.input_caption == "your drawing" and pad.undoButton.isEnabled()
    s.apply_preset("3Blue1Brown digits")
    assert pad.canvas.is_empty()
    assert not pad.undoButton.isEnabled() and not pad.clearButton.isEnabled()
    np.testing.assert_array_equal(s.input, s.dataset.X_test[s.sample_index])  # the network's input ...
    np.testing.assert_array_equal(pad.preview.pixels.reshape(-1), s.input)  # ... is what the pad shows


def test_the_toolbar_lab_button_opens_the_seeds_neuron(qtbot):
    w = _window(qtbot, "XOR")
    w.explain_neuron(1, 0)
    assert w.lab.preset == "explained"
    w.labAction.trigger()  # close
    assert w.labDock.isHidden()
    w.labAction.trigger()  # the toolbar's Neuron lab again
    qtbot.waitUntil(lambda: w.labDock.isVisible())
    assert w.lab.preset == "seed"


def test_a_learning_rate_of_100_is_allowed_and_the_batch_limit_is_said(qtbot):
    w = _window(qtbot, "XOR")
    c = w.controls
    c.learningRate.setValue(100.0)
    assert w.session.learning_rate == pytest.approx(100.0)
    with qtbot.waitSignal(w.session.message) as said:
        c.batchSize.setValue(10**6)  # a spin box clamps: it must say where
    assert c.batchSize.value() == c.batchSize.maximum()
    assert f"{c.batchSize.maximum():,}" in said.args[0]


@pytest.mark.parametrize("key", [Qt.Key.Key_S, Qt.Key.Key_Right])
def test_step_keys_work_while_a_number_box_has_the_focus(qtbot, key):
    w = _window(qtbot, "XOR")
    w.activateWindow()
    box = w.controls.learningRate
    box.setFocus()
    qtbot.waitUntil(lambda: box.hasFocus())
    before = w.session.steps
    qtbot.keyClick(box, key)
    assert w.session.steps == before + 1
    assert box.value() == pytest.approx(w.session.learning_rate)  # the key was not typed into the box


def test_space_runs_from_a_number_box_but_typing_in_a_text_field_does_not_train(qtbot):
    w = _window(qtbot, "XOR")
    w.activateWindow()
    box = w.controls.batchSize
    box.setFocus()
    qtbot.waitUntil(lambda: box.hasFocus())
    qtbot.keyClick(box, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.session.running)
    w.session.pause()
    assert not w.session.running
    field = QLineEdit(w.controls)  # a text field (a file name, a path)
    field.show()
    field.setFocus()
    qtbot.waitUntil(lambda: field.hasFocus())
    steps = w.session.steps
    qtbot.keyClicks(field, "S s")
    qtbot.keyClick(field, Qt.Key.Key_Right)
    assert field.text() == "S s" and w.session.steps == steps and not w.session.running


def test_a_change_of_cost_is_marked_on_the_cost_plot(qtbot):
    w = _window(qtbot, "XOR")
    s = w.session
    for _ in range(5):
        s.step()
    assert s.cost_name == "cross_entropy"
    s.set_output("linear")  # the cost becomes MSE: the curve goes on in other units
    assert s.cost_name == "mse"
    assert s.history.marks == [(5, "cost: MSE")]
    w.costPlot.refresh()
    assert w.costPlot.mark_texts() == [(5.0, "cost: MSE")]
    s.reset()  # a fresh curve has no marks
    w.costPlot.refresh()
    assert s.history.marks == [] and w.costPlot.mark_texts() == []


def test_switching_a_trained_network_to_relu_says_the_weights_were_kept(qtbot):
    w = _window(qtbot, "XOR")
    s = w.session
    for _ in range(20):
        s.step()
    with qtbot.waitSignal(s.message) as said:
        s.set_activation("relu")
    assert said.args[0] == activation_switch_note("tanh", "relu", True)
    assert "kept" in said.args[0] and "Reset starts from fresh weights" in said.args[0]
    assert "kept" in w.statusBar().currentMessage()


def test_the_relu_legend_runs_from_0_without_blue(qtbot):
    w = _window(qtbot, "XOR")
    w.session.set_activation("relu")
    entry = w.networkView.legend.entries["relu"]
    assert entry.kind == "sequential" and entry.lo.text() == "0"
    assert not entry.hi.text().startswith("−")
    # a ReLU neuron at 0 is dark, the colour a sigmoid's 0 has, not blue
    kind, lo, hi = theme.activation_scale("relu", np.array([0.0, 2.0]))
    assert (kind, lo) == ("sequential", 0.0)
    np.testing.assert_array_equal(theme.colorize(kind, lo, hi, np.array([0.0])), theme.sequential([0.0]))


def test_file_dialogs_open_in_the_last_folder_used(qtbot, monkeypatch, tmp_path):
    w = _window(qtbot, "XOR")
    folder = tmp_path / "models"
    folder.mkdir()
    asked: list[str] = []

    def save(_parent, _title, start, _filter):
        asked.append(start)
        return str(folder / "mine.npz"), ""

    def open_(_parent, _title, start, _filter):
        asked.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_))
    w.save_model()
    assert (folder / "mine.npz").exists()
    w.open_model()
    w.export_onnx()
    assert asked[1] == str(folder.resolve())  # Open starts where the model was saved
    assert asked[2].startswith(str(folder.resolve()))
    assert settings().value("files/lastFolder") == str(folder.resolve())


# ---------------------------------------------------------------------- small ones
def test_the_digit_charts_axis_ends_at_1(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")
    axis = w.digitPanel.chart.getPlotItem().getAxis("left")
    major = [value for value, _ in axis._tickLevels[0]]
    assert max(major) == 1.0 and "1.1" not in [text for _, text in axis._tickLevels[0]]


def test_the_tanh_plot_has_its_bounds_as_ticks(qtbot):
    w = _window(qtbot, "XOR")
    w.select_neuron(1, 0)
    axis = w.inspector.findChild(type(w.costPlot).__mro__[1], "activationPlot").getPlotItem().getAxis("left")
    assert [value for value, _ in axis._tickLevels[0]] == [-1.0, 0.0, 1.0]
    assert [text for _, text in axis._tickLevels[0]] == ["−1", "0", "1"]


def test_the_edge_tooltip_keeps_its_sentences_whole(qtbot):
    w = _window(qtbot, "XOR")
    text = w.networkView.words.edge_tooltip(1, 0, 0)
    assert "white-space:pre" in text  # Qt does not re-wrap it
    lines = re.sub(r"<(?!br)[^>]+>", "", text).split("<br>")
    assert max(len(line) for line in lines) <= 72
    assert lines[-1].startswith("Click") and lines[-1].endswith(".")


def test_the_sample_header_uses_one_wording(qtbot):
    w = _window(qtbot, "XOR")
    words = [re.sub(r"<[^>]+>", "", t) for t in w.sampleBrowser.verdict._texts]
    assert words[0].startswith(words[1])  # the shorter one is the long one, cut before its number
    assert words[1].startswith("label ") and " · says " in words[1]
    assert words[1].endswith(words[2]) and words[2].startswith("says ")  # then the verdict alone
    assert words[3] == words[2].removeprefix("says ")  # and in the narrowest view, its answer and mark


def test_the_sample_header_shows_the_longest_wording_that_fits(qtbot):
    # a narrow network view (a small screen, the pad beside it): the verdict is shortened, never cut
    from PySide6.QtWidgets import QLabel

    from playground.views.sample_browser import FittingLabel

    texts = ("label <b>5</b> · says <b>5 ✓</b> (1.00)", "label <b>5</b> · says <b>5 ✓</b>", "says <b>5 ✓</b>")
    widths = []
    for text in texts:
        probe = QLabel(text)
        widths.append(probe.sizeHint().width())
    label = FittingLabel()
    qtbot.addWidget(label)
    label.set_texts(*texts)
    label.show()
    for room, expected in ((widths[0] + 5, 0), (widths[0] - 5, 1), (widths[1] - 5, 2), (widths[2] - 5, 2)):
        label.resize(room, 20)
        assert label.text() == texts[expected], room


def test_the_labs_graph_stays_put_between_backward_steps(qtbot):
    w = _window(qtbot, "XOR")
    w.labAction.trigger()
    qtbot.waitUntil(lambda: w.labDock.isVisible())
    view = w.lab.graphView
    qtbot.waitUntil(lambda: view.whole_graph_visible())
    where = view.mapToScene(view.viewport().rect().center())
    for _ in range(len(w.lab.graphView.value_items)):
        w.lab.step()
        assert view.mapToScene(view.viewport().rect().center()) == where  # no sideways shift


def test_a_docked_lab_shows_its_graph_and_a_whole_hint(qtbot):
    w = _window(qtbot, "XOR")
    w.labDock.setFloating(False)  # its title double-clicked: back beside the cost plot
    w.labDock.show()
    w.labDock.raise_()
    scroll, graph, hint = w.labDock.widget(), w.lab.graphView, w.lab.panHint

    def graph_in_sight() -> int:
        top = graph.mapTo(scroll.viewport(), graph.rect().topLeft()).y()
        return min(scroll.viewport().height(), top + graph.height()) - max(0, top)

    qtbot.waitUntil(lambda: graph_in_sight() >= 150)  # it had about 10 pixels
    qtbot.waitUntil(lambda: hint.text() == ""
                    or hint.fontMetrics().horizontalAdvance(hint.text()) <= hint.width())
