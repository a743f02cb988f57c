"""The Run speed control (runSpeed): steps per second of Run, from 1 to as fast as it goes."""

from __future__ import annotations

import time

import pytest

from playground.main_window import MainWindow
from playground.session import Session
from playground.views.run_speed import SPEEDS, in_words, notch_for


def _window(qtbot, preset: str) -> MainWindow:
    w = MainWindow(session=Session(preset=preset), remember=False)
    qtbot.addWidget(w)
    w.show()
    return w


def _steps_per_second(qtbot, session, seconds: float) -> float:
    """Steps of Run over a wall-clock interval, counted from the first snapshot on."""
    qtbot.waitUntil(lambda: session.steps > 0, timeout=10000)
    t0, s0 = time.monotonic(), session.steps
    qtbot.wait(int(seconds * 1000))
    return (session.steps - s0) / (time.monotonic() - t0)


def test_small_2d_presets_start_slow_enough_to_watch_and_digits_at_full_speed(qtbot):
    w = _window(qtbot, "XOR")
    assert w.session.run_speed == 20
    assert SPEEDS[w.runSpeed.value()] == 20 and w.runSpeedControl.label.text() == "20 steps/s"
    w.session.apply_preset("3Blue1Brown digits")
    assert w.session.run_speed == 0
    assert w.runSpeed.value() == w.runSpeed.maximum() and w.runSpeedControl.label.text() == "full speed"


def test_the_ladder_finds_the_nearest_notch():
    assert SPEEDS[notch_for(20)] == 20 and SPEEDS[notch_for(23)] == 20 and SPEEDS[notch_for(27)] == 30
    assert notch_for(0) == len(SPEEDS) - 1 and in_words(0) == "full speed"


@pytest.mark.parametrize("host", ["process", "thread"])
def test_run_speed_20_gives_20_steps_a_second_and_full_speed_many_more(qtbot, monkeypatch, host):
    monkeypatch.setenv("PLAYGROUND_RUN_HOST", host)
    w = _window(qtbot, "3Blue1Brown digits")
    session = w.session
    session.set_epochs(0)
    w.runSpeedControl.set_steps_per_second(20)  # as a user moving the slider to 20 does
    assert session.run_speed == 20
    w.runAction.trigger()
    rate = _steps_per_second(qtbot, session, 2.5)
    assert 15 <= rate <= 25
    # during Run the speed follows the slider at once
    w.runSpeed.setValue(w.runSpeed.maximum())
    assert session.run_speed == 0
    assert _steps_per_second(qtbot, session, 1.0) > 60
    w.runAction.trigger()
    assert not session.running
