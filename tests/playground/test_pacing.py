"""During Run the views redraw one at a time, each at most so often, and the final state always shows
(playground/views/pacing.py). Driven by a fake clock and by calling the Pacer's tick by hand."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from playground.views.pacing import Paced, pacer_for


class Counting:
    """A stand-in view's redraw: counts, and remembers what it saw of the network."""

    def __init__(self, session):
        self.session, self.seen = session, []

    def __call__(self):
        self.seen.append(float(self.session.network.biases[0][0]))


@pytest.fixture
def paced(qtbot, xor, monkeypatch):
    """Three views (10, 10 and 30 redraws a second) on one Session that Runs, with a fake clock."""
    now = [1000.0]
    pacer = pacer_for(xor)
    monkeypatch.setattr(pacer, "clock", lambda: now[0])
    monkeypatch.setattr(type(xor), "running", property(lambda s: True))
    views = []
    for hz in (10, 10, 30):
        owner = QWidget()
        qtbot.addWidget(owner)
        redraw = Counting(xor)
        views.append((Paced(owner, xor, redraw, hz), redraw))
    return xor, pacer, now, views


def test_paused_a_request_redraws_at_once(qtbot, xor):
    owner = QWidget()
    qtbot.addWidget(owner)
    redraw = Counting(xor)
    view = Paced(owner, xor, redraw, 10)
    for k in range(3):
        xor.network.biases[0][0] = k
        view.request()
    assert redraw.seen == [0.0, 1.0, 2.0]  # every edit and Step shows at once, unthrottled


def test_paused_a_throttled_request_waits_out_its_interval_then_shows_the_newest(qtbot, xor):
    # a slider dragged across its range asks on every move: at most hz redraws a second, the last
    # state always shown
    owner = QWidget()
    qtbot.addWidget(owner)
    redraw = Counting(xor)
    view = Paced(owner, xor, redraw, 10)
    view.request_throttled()
    assert redraw.seen == [0.0]  # the first at once
    for k in range(1, 4):  # three moves within the tenth of a second
        xor.network.biases[0][0] = k
        view.request_throttled()
    assert redraw.seen == [0.0]
    qtbot.waitUntil(lambda: len(redraw.seen) == 2, timeout=1000)
    assert redraw.seen == [0.0, 3.0]  # one redraw when the interval has passed, of the newest
    qtbot.wait(150)
    assert redraw.seen == [0.0, 3.0]  # and no more than asked for


def test_during_run_a_request_waits_for_a_tick_and_shows_the_newest(paced):
    session, pacer, now, [(view, redraw), *_] = paced
    for k in range(5):  # five snapshots before the next tick
        session.network.biases[0][0] = k
        view.request()
    assert redraw.seen == [] and view.waiting
    pacer.tick()
    assert redraw.seen == [4.0]  # one redraw, of the newest state
    pacer.tick()
    assert redraw.seen == [4.0]  # nothing new asked for


def test_one_view_per_tick_the_one_due_longest_first(paced):
    session, pacer, now, views = paced
    for view, _ in views:
        view.request()
    drawn = []
    for _ in range(3):
        pacer.tick()
        drawn.append([len(redraw.seen) for _, redraw in views])
        now[0] += 0.01
    assert drawn == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]  # never two in one turn of the event loop
    # all three ask again, and later all are due: the 30-a-second one, though drawn last, has been due
    # longest (since 1/30 s after its redraw), then the others in the order they became due
    for view, _ in views:
        view.request()
    now[0] += 0.09
    order = []
    for _ in range(3):
        pacer.tick()
        order.append([len(r.seen) for _, r in views])
    assert order == [[1, 1, 2], [2, 1, 2], [2, 2, 2]]


def test_a_view_redraws_at_most_at_its_own_rate(paced):
    session, pacer, now, [_, _, (fast, redraw)] = paced
    times = []
    for _ in range(100):  # one second of ticks, a snapshot before each
        fast.request()
        before = len(redraw.seen)
        pacer.tick()
        if len(redraw.seen) > before:
            times.append(now[0])
        now[0] += 0.01
    assert 25 <= len(times) <= 30  # 30 a second at most (the 10 ms beat rounds 1/30 s up)
    assert min(np.diff(times)) >= 1 / 30 - 1e-9


def test_when_run_stops_every_waiting_view_shows_the_final_state(paced, monkeypatch):
    session, pacer, now, views = paced
    session.network.biases[0][0] = 7.0
    for view, _ in views:
        view.request()
    pacer.tick()  # one of them is drawn; the others still wait
    session.network.biases[0][0] = 8.0  # the final snapshot
    for view, _ in views:
        view.request()
    monkeypatch.setattr(type(session), "running", property(lambda s: False))
    session.runningChanged.emit(False)
    assert [r.seen[-1] for _, r in views] == [8.0, 8.0, 8.0]
    assert pacer.waiting == []


def test_a_view_out_of_sight_skips_its_redraws_and_catches_up_when_shown(qtbot, xor):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    front, behind = QWidget(), QWidget()
    tabs.addTab(front, "front")
    tabs.addTab(behind, "behind")
    tabs.show()
    qtbot.waitExposed(tabs)
    redraw = Counting(xor)
    view = Paced(behind, xor, redraw, 10)
    xor.network.biases[0][0] = 3.0
    view.request()
    assert redraw.seen == [] and view.stale  # a tab behind another costs nothing
    tabs.setCurrentWidget(behind)
    QApplication.processEvents()
    assert redraw.seen == [3.0] and not view.stale  # in sight: the current state at once


def test_a_view_that_went_away_is_forgotten(qtbot, paced):
    session, pacer, now, _ = paced
    owner = QWidget()  # (not qtbot's: it is deleted here)
    view = Paced(owner, session, Counting(session), 10)
    view.request()
    assert view in pacer.waiting
    owner.deleteLater()
    qtbot.waitUntil(lambda: view not in pacer.waiting, timeout=2000)
    pacer.tick()  # the others are drawn; nothing touches the deleted view


def test_a_real_run_ends_with_every_view_showing_the_final_state(qtbot, xor):
    from playground.lab2d import GRID
    from playground.views.network.network_view import NetworkView
    from playground.views.plots import plane_colors
    from playground.views.plots.boundary import BoundaryView
    from playground.views.plots.cost_plot import CostPlot

    network, plot, boundary = NetworkView(xor), CostPlot(xor), BoundaryView(xor)
    for widget in (network, plot, boundary):
        qtbot.addWidget(widget)
        widget.show()
    xor.set_run_speed(0)
    xor.run()
    try:
        qtbot.waitUntil(lambda: xor.steps > 300 and plot.training_point_count > 0, timeout=20000)
    finally:
        xor.pause()
    assert not xor.running
    for shown, current in zip(network.displayed_activations, xor.activations(), strict=True):
        np.testing.assert_allclose(shown, current)
    assert plot.training_point_count == len(xor.history.train)
    np.testing.assert_array_equal(plot.training_costs(), xor.history.train.column(1))
    out = xor.plane_activations(GRID)[-1].reshape(1, -1).T
    expected = plane_colors.output_rgba(out, xor.dataset.task, xor.settings.discretize).reshape(GRID, GRID, 4)
    np.testing.assert_array_equal(boundary.image.image, expected)
