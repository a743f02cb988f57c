"""Every number the window shows is current, and readable at any size (issue 12, "numbers that go stale")."""

from __future__ import annotations

import numpy as np
import pytest

from playground.history import History
from playground.number_format import percent, readable, tick_strings
from playground.run_control import RunControl
from playground.session import Session
from playground.status_words import describes_another_network
from tests.playground.shown_window import shown_window

_window = shown_window


def _accuracy_text(session: Session) -> str:
    """The test accuracy as the engine computes it for the network now, in the status bar's words."""
    _, accuracy = session.evaluate("test")
    labels = session.dataset.labels_test
    by_hand = float(np.mean(session.network.predict(session.dataset.X_test) == labels))
    assert accuracy == pytest.approx(by_hand)
    return f"test accuracy {100 * accuracy:.1f}%"


# ---------------------------------------------------------------------- the formatter
def test_one_formatter_writes_ordinary_huge_and_tiny_numbers_readably():
    assert readable(0.745) == "0.745" and readable(-0.606) == "−0.606"  # a true minus sign
    assert readable(-0.0) == "0.000" and readable(-1e-9, 3) == "−1.00×10⁻⁹"
    assert readable(1.234e40, 4) == "1.23×10⁴⁰"  # not a 40-digit number
    assert readable(3.1e-7) == "3.10×10⁻⁷"
    assert readable(0.0031, 2) == "0.0031"  # not "0.00"
    assert readable(123.456, 2) == "123.46"
    assert readable(float("nan")) == "NaN" and readable(float("-inf")) == "−∞"
    assert percent(0.003) == "0.3%" and percent(0.0000001) == "<0.01%" and percent(0.988) == "98.8%"
    assert tick_strings([-500.0, 0.0, 500.0]) == ["−500", "0", "500"]
    assert tick_strings([0.0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"]
    assert tick_strings([0.0, 5e39, 1e40]) == ["0", "5.0×10³⁹", "1.0×10⁴⁰"]


def test_an_exploded_cost_reads_as_a_power_of_ten_in_the_status_bar_and_on_the_plot(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")  # (paused on a plane the readout shows the cost now)
    s = w.session
    s.history.train.add(1, 1.234e40)
    w._update_counters()
    assert "training cost 1.23×10⁴⁰" in w.statusReadout.text()
    assert max(len(part) for part in w.statusReadout.text().split()) < 15
    axis = w.costPlot.getPlotItem().getAxis("left")
    assert axis.tickStrings([0.0, 5e39, 1e40], 1.0, 5e39) == ["0", "5.0×10³⁹", "1.0×10⁴⁰"]


def test_the_boundary_axes_never_switch_to_a_scale_factor(qtbot):
    w = _window(qtbot, "XOR")
    for name in ("left", "bottom"):
        axis = w.boundary.plot.getPlotItem().getAxis(name)
        assert not axis.autoSIPrefix  # "(x0.001)" with ticks 500 / 0 / −500 is gone
        assert axis.tickStrings([-0.5, 0.0, 0.5], 1.0, 0.5) == ["−0.5", "0.0", "0.5"]


def test_small_probabilities_are_not_written_as_zero(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")
    s = w.session
    labels = w.networkView._output_labels
    s.network.biases[-1][:] = -12.0  # every output far below 1%
    s.network.biases[-1][3] = 5.0
    s._network_changed()
    qtbot.wait(20)
    out = s.prediction()
    tiny = [k for k in range(10) if out[k] < 0.005]
    assert tiny
    for k in tiny:
        assert "0.00" != labels[k].text().split()[-1]
        assert readable(float(out[k]), 2) in labels[k].text()


# ---------------------------------------------------------------------- the status bar
def test_the_status_bar_follows_a_slider_edit_and_an_activation_switch(qtbot):
    w = _window(qtbot, "XOR")
    s = w.session
    for _ in range(60):
        s.step()
    assert _accuracy_text(s) in w.statusReadout.text()
    s.set_weight(2, 0, 0, -8.0)  # the output neuron's first weight dragged far: accuracy drops
    assert _accuracy_text(s) in w.statusReadout.text()
    s.set_activation("relu")
    assert _accuracy_text(s) in w.statusReadout.text()
    before = w.statusReadout.text()
    s.set_weight(2, 0, 0, 8.0)
    assert w.statusReadout.text() != before and _accuracy_text(s) in w.statusReadout.text()


def test_history_reports_the_latest_evaluation_not_an_average_of_thinned_points():
    history = History()
    limit = history.test.limit
    for k in range(limit + 3):  # past the limit: the kept points are averages of pairs
        history.test.add(k, 1.0 / (k + 1), 0.5 if k % 2 else 1.0, k)
    assert history.test.rows[2][-1] not in (0.5, 1.0) or len(history.test) <= limit
    last = limit + 2
    assert history.last_test == (1.0 / (last + 1), 0.5 if last % 2 else 1.0)
    for k in range(3 * 2000):
        history.train.add(k, float(k))
    assert history.last_cost == float(3 * 2000 - 1)
    history.clear()
    assert history.last_test is None and history.last_cost is None


# ---------------------------------------------------------------------- the progress bar
def test_the_progress_bar_says_the_epochs_are_done_after_a_run_of_eight(xor):
    control = RunControl()
    control.epoch_progress = 8.0  # a Run of 8 epochs has ended; paused
    fraction, eta, text = control.progress(8, 100.0)
    assert (fraction, eta, text) == (1.0, None, "8 epochs done")
    control.epoch_progress = 8.5
    assert control.progress(8, 100.0) == (0.5, None, "epoch 9")


def test_an_endless_run_shows_no_eta():
    control = RunControl()
    control.epoch_progress = 888.5
    control.start(10.0, lambda seq, edit: None)
    control.epoch_progress = 889.5  # one epoch a second
    fraction, eta, text = control.progress(0, 11.0)
    assert eta is None and "ETA" not in text and text == "epoch 890"
    assert fraction == pytest.approx(0.5)
    # with an end, the time left is still told
    _, eta, text = control.progress(4, 11.0)
    assert eta == pytest.approx(3.0) and "ETA 0:03" in text


# ---------------------------------------------------------------------- words that go stale
def test_a_message_about_a_2_2_1_network_is_cleared_when_the_layers_change(qtbot):
    w = _window(qtbot, "XOR")
    w.session.apply_preset("XOR")
    assert "2-2-1 network" in w.statusBar().currentMessage()
    w.session.set_hidden([3])
    assert "2-2-1" not in w.statusBar().currentMessage()
    assert describes_another_network("Preset “XOR”: XOR data, a 2-2-1 network", [2, 3, 1])
    assert not describes_another_network("Preset “XOR”: XOR data, a 2-3-1 network", [2, 3, 1])
    assert not describes_another_network("A linear output does not give probabilities", [2, 3, 1])


def test_only_wrong_ones_is_unticked_by_a_new_preset(qtbot):
    w = _window(qtbot, "XOR")
    browser = w.sampleBrowser
    browser.wrongOnly.setChecked(True)
    w.session.apply_preset("Circle")
    assert not browser.wrongOnly.isChecked()
    assert "wrong)" not in browser.countLabel.text()


def test_after_reset_the_preset_box_no_longer_promises_the_trained_model(qtbot):
    w = _window(qtbot, "3Blue1Brown digits")
    if not w.session.apply_preset("Accurate digits"):
        pytest.skip("the shipped model is not available")
    controls = w.controls
    assert "already trained" in controls.presetNote.text()
    w.session.reset()
    assert "already trained" not in controls.presetNote.text()
    assert controls.presetCombo.currentText() == "(custom)"
    assert "Presets ▸ Accurate digits" in w.statusBar().currentMessage()  # how to get it back


def test_during_run_the_status_bar_shows_the_trainers_epoch_figures_and_measures_nothing(qtbot, monkeypatch):
    # a test set of 10,000 digits took the window 36 ms to measure, four times a second: during Run the
    # readout quotes the trainer's own figure at the last epoch's end instead; paused, it measures again
    w = _window(qtbot, "XOR")
    s = w.session
    measured = []
    real_evaluate = type(s).evaluate
    monkeypatch.setattr(type(s), "evaluate", lambda self, split="test": measured.append(split)
                        or real_evaluate(self, split))
    w.runAction.trigger()
    qtbot.waitUntil(lambda: s.running, timeout=2000)
    measured.clear()
    qtbot.waitUntil(lambda: " at epoch " in w.statusReadout.text(), timeout=10000)
    qtbot.wait(600)  # more than two beats of the readout's timer
    text = w.statusReadout.text()
    assert measured == []  # not one pass over the test set by the window while it ran
    step, cost, accuracy, epoch = s.history.test.latest
    assert f"test accuracy {100 * accuracy:.1f}%" in text and f"at epoch {epoch:.0f}" in text
    w.runAction.trigger()
    qtbot.waitUntil(lambda: not s.running, timeout=5000)
    assert " at epoch " not in w.statusReadout.text()  # paused: the network as it is now
    assert _accuracy_text(s) in w.statusReadout.text()
    w.session.shutdown()


def test_significant_digits_are_written_in_the_formatters_style():
    from playground.number_format import significant

    assert significant(0.012345) == "0.0123" and significant(-0.012345, 3, sign=True) == "−0.0123"
    assert significant(2.64e-6, 3, sign=True) == "+2.64×10⁻⁶" and significant(-8.8e-5, 2) == "−8.8×10⁻⁵"
    assert significant(float("nan")) == "NaN"


def test_during_run_on_hand_made_points_the_status_bar_does_not_claim_a_test_set(qtbot):
    # clicked-in points are all training points: the trainer's epoch figure measures those, so the
    # readout keeps saying there are no test points rather than "on 0 test samples"
    w = _window(qtbot, "XOR")
    s = w.session
    s.clear_data()
    rng = np.random.default_rng(0)
    for k in range(40):
        x, y = rng.uniform(-1, 1, 2)
        s.add_point(x, y, float(k % 2))
    assert len(s.dataset.X_test) == 0 and "no test points" in w.statusReadout.text()
    w.runAction.trigger()
    qtbot.waitUntil(lambda: s.running, timeout=2000)
    qtbot.waitUntil(lambda: s.history.test.latest is not None and s.history.test.latest[0] > 0, timeout=10000)
    qtbot.wait(600)
    assert "no test points" in w.statusReadout.text() and "0 test samples" not in w.statusReadout.text()
    w.runAction.trigger()
    qtbot.waitUntil(lambda: not s.running, timeout=5000)
    w.session.shutdown()
