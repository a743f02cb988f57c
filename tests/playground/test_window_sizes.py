"""The window at every screen size: it fits, nothing overlaps, the pad is square, the legends are legible.

Offscreen, Qt's screen is a stand-in; `screen_fit.set_available_size` makes the window believe in a
screen of the size under test (its available area: the desktop less task bars).
"""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QRect, QRectF
from PySide6.QtWidgets import QDockWidget, QWidget

from playground import screen_fit
from playground.docks import default_size
from playground.main_window import MainWindow
from playground.session import Session

SIZES = [(1280, 720), (1366, 768), (1024, 600)]


@pytest.fixture
def screen():
    """Call with (width, height) to stand in a screen of that available size; undone afterwards."""
    yield screen_fit.set_available_size
    screen_fit.set_available_size(None)


def _geometry(w: MainWindow) -> list:
    return [w.geometry()] + [d.geometry() for d in w.docks.all()] + [w.centralWidget().geometry()]


def _settle(qtbot, w: MainWindow) -> None:
    """Wait until the queued layout requests and the ScreenFit's settling are over: nothing moves for
    a few event-loop turns (a loaded machine takes longer, never less)."""
    still, last = 0, None
    for _ in range(200):
        qtbot.wait(20)
        now = _geometry(w)
        still = still + 1 if now == last and not w.screenFit._pending else 0
        last = now
        if still >= 4:
            return


def _window(qtbot, screen, size, preset: str) -> MainWindow:
    screen(size)
    w = MainWindow(session=Session(preset=preset), remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    _settle(qtbot, w)
    return w


def _fits(w: MainWindow, size) -> bool:
    frame = w.frameGeometry()
    return frame.width() <= size[0] and frame.height() <= size[1]


def _in_window(widget: QWidget, w: MainWindow) -> QRect:
    return QRect(widget.mapTo(w, widget.rect().topLeft()), widget.size())


def _shown_panels(w: MainWindow) -> list[tuple[str, QRect]]:
    """The central widget and every docked dock the user can see (a tab behind another is not)."""
    panels = [("centre", _in_window(w.centralWidget(), w))]
    for dock in w.findChildren(QDockWidget):
        if dock.isVisible() and not dock.isFloating() and not dock.visibleRegion().isEmpty():
            panels.append((dock.objectName(), _in_window(dock, w)))
    return panels


def _assert_no_overlaps(w: MainWindow) -> None:
    panels = _shown_panels(w)
    inside = w.rect()
    for name, rect in panels:
        assert inside.contains(rect), (name, rect, inside)
    for (a, ra), (b, rb) in itertools.combinations(panels, 2):
        assert not ra.intersects(rb), (a, ra, b, rb)


def _legend_rects(w: MainWindow) -> list[QRectF]:
    legend = w.networkView.legend
    rects = []
    for entry in legend.entries.values():
        for item in (entry.title, entry.lo, entry.bar, entry.hi):
            if item.isVisible() and item.boundingRect().width() > 0:
                rects.append(item.sceneBoundingRect())
    for item in (legend.edge_text, legend.note):
        rects.append(item.sceneBoundingRect())
    return rects


def _assert_legend_legible(w: MainWindow) -> None:
    rects = _legend_rects(w)
    scene = w.networkView.sceneRect()
    for r in rects:
        assert scene.contains(r), (r, scene)  # nothing runs off the view's edge
    for a, b in itertools.combinations(rects, 2):
        assert not a.intersects(b), (a, b)
    picture = w.networkView.weights_picture
    if picture is not None:  # the digit's weights square and its words stay above the legend
        panel = picture.panel.sceneBoundingRect()
        words = picture.caption.sceneBoundingRect()
        assert not picture.caption.text() or panel.contains(words)
        assert all(not panel.intersects(r) for r in rects), panel
        hidden = w.networkView.layout_.layers[1]
        assert panel.right() < hidden.centres[:, 0].min() - hidden.radius  # clear of hidden layer 1


def _assert_pad_square_and_visible(w: MainWindow) -> None:
    pad = w.digitPanel
    canvas = pad.canvas
    side = canvas.side
    drawn = QRect(canvas.mapTo(w, canvas.rect().topLeft()), canvas.rect().size())
    drawn.setWidth(side)  # the drawing square sits at the canvas's top left
    drawn.setHeight(side)
    assert side <= canvas.width() and side <= canvas.height()  # the whole square is on the canvas
    dock = _in_window(w.digitsDock, w)
    assert dock.contains(drawn) and w.rect().contains(drawn)
    scroll = w.digitsDock.widget()  # the pad scrolls only when another dock squeezes it
    assert scroll.verticalScrollBar().maximum() == 0 and scroll.horizontalScrollBar().maximum() == 0
    for part in (pad.chart, pad.preview, pad.undoButton, pad.clearButton):
        assert dock.contains(_in_window(part, w)), part.objectName()
    for other in (pad.chart, pad.preview, pad.undoButton, pad.clearButton, pad.caption):
        if other.isVisible():
            assert not drawn.intersects(_in_window(other, w)), other.objectName()


@pytest.mark.parametrize("size", SIZES)
def test_digits_fit_each_screen_with_a_square_pad_and_legible_legends(qtbot, screen, size):
    w = _window(qtbot, screen, size, "3Blue1Brown digits")
    assert default_size()[0] <= size[0] and default_size()[1] <= size[1]
    assert _fits(w, size)
    _assert_no_overlaps(w)
    _assert_pad_square_and_visible(w)
    _assert_legend_legible(w)
    w.select_neuron(1, 3)  # the inspector comes to the front: its sliders and pictures
    _settle(qtbot, w)
    assert _fits(w, size)
    _assert_no_overlaps(w)
    _assert_legend_legible(w)  # the neuron's weights picture and its words too


@pytest.mark.parametrize("size", SIZES)
def test_xor_with_a_neuron_selected_fits_each_screen(qtbot, screen, size):
    w = _window(qtbot, screen, size, "XOR")
    w.select_neuron(1, 0)
    _settle(qtbot, w)
    assert _fits(w, size)
    _assert_no_overlaps(w)
    _assert_legend_legible(w)
    assert w.statusBar().geometry().bottom() < w.height()  # the status bar stays on the screen
    # every weight's value is written whole (it was cut to "6" at 1024x600)
    labels = [w.inspector.bias.value_label] + [row[1].value_label for row in w.inspector._rows]
    for label in labels:
        width = label.fontMetrics().horizontalAdvance(label.text())
        assert width <= label.contentsRect().width(), label.text()
    scroll = w.inspectorDock.widget()
    for label in labels:  # and in sight, or a scroll away (never under another panel)
        right = label.mapTo(scroll.viewport(), label.rect().topRight()).x()
        assert right <= scroll.viewport().rect().right() or scroll.horizontalScrollBar().maximum() > 0
    inner = w.inspector.scroll.viewport()  # the list of weights: its rows are not cut at the right
    for label in labels[1:]:
        assert label.mapTo(inner, label.rect().topRight()).x() <= inner.rect().right()


@pytest.mark.parametrize("size", SIZES)
def test_showing_or_hiding_any_dock_never_makes_the_window_larger_than_the_screen(qtbot, screen, size):
    w = _window(qtbot, screen, size, "XOR")
    w.select_neuron(1, 0)
    _settle(qtbot, w)
    for dock in w.docks.all():
        action = dock.toggleViewAction()
        for _ in range(2):
            action.trigger()
            _settle(qtbot, w)
            assert _fits(w, size), (dock.objectName(), w.size())


def test_a_dock_that_grew_the_window_gives_the_room_back_when_hidden(qtbot, screen):
    screen((1920, 1080))
    w = MainWindow(session=Session(preset="3Blue1Brown digits"), remember=False)
    qtbot.addWidget(w)
    w.resize(1100, 560)
    w.show()
    qtbot.waitExposed(w)
    _settle(qtbot, w)
    before = w.size()
    w.boundaryDock.toggleViewAction().trigger()  # View ▸ Decision boundary on digits
    _settle(qtbot, w)
    w.boundaryDock.toggleViewAction().trigger()
    _settle(qtbot, w)
    qtbot.waitUntil(lambda: w.size() == before)


def test_the_window_is_kept_inside_a_small_screen_even_when_asked_for_more(qtbot, screen):
    w = _window(qtbot, screen, (1024, 600), "XOR")
    w.resize(1400, 900)
    _settle(qtbot, w)
    qtbot.waitUntil(lambda: _fits(w, (1024, 600)))


def test_screenshot_sizes_run_from_1024x600_and_an_absurd_one_is_refused(tmp_path, capsys):
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtGui import QImage

    from playground.app import main

    assert main(["--screenshot", str(tmp_path / "x.png"), "--size", "100000x100000"]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "7680x4320" in said[0]  # one line, with the largest allowed
    out = tmp_path / "small.png"
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run([sys.executable, "main.py", "--screenshot", str(out), "--preset", "XOR",
                             "--size", "1024x600", "--steps", "0"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() <= 1024 and image.height() <= 600  # the window at a 1024x600 screen
    assert image.width() >= 1000 and image.height() >= 580


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_a_wider_number_at_a_bars_end_pushes_its_neighbours_along(qtbot, screen, size):
    w = _window(qtbot, screen, size, "XOR")
    s = w.session
    s.set_activation("relu")  # its bar's right end follows the biggest activation
    entry = w.networkView.legend.entries["relu"]
    narrow = entry.hi.text()
    s.set_bias(1, 0, 4000.0)  # a ReLU neuron far up: the number at the bar's end gets much wider
    qtbot.waitUntil(lambda: entry.hi.text() != narrow)
    assert len(entry.hi.text()) > len(narrow)
    _assert_legend_legible(w)
