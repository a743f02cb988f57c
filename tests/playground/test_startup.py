"""Start-up (issue 13): what the first frame does not need is made, or imported, when first used, and
then works as if it had always been there; the user never sees an empty dock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QWidget

from playground.main_window import MainWindow
from playground.session import Session
from tests.playground.shown_window import shown_window

ROOT = Path(__file__).resolve().parents[2]

# `python main.py` up to its first shown frame, then: which modules are loaded, and after opening the lab
FIRST_FRAME = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import main

LATER = ["networkx", "engine.graph", "playground.views.lab.neuron_lab", "playground.download_dialog"]
real_exec = QApplication.exec

def first_frame(*_):
    app = QApplication.instance()
    window = next(w for w in app.topLevelWidgets() if w.objectName() == "mainWindow")
    def report():
        at_start = [m for m in LATER if m in sys.modules]
        window.labAction.trigger()  # the toolbar's Neuron lab
        print(json.dumps({"at_start": at_start, "after_lab": [m for m in LATER if m in sys.modules],
                          "graph": window.findChild(QWidget, "graphView") is not None}), flush=True)
        app.quit()
    QTimer.singleShot(0, report)
    return real_exec()

from PySide6.QtWidgets import QWidget
QApplication.exec = first_frame
sys.exit(main.main([]))
"""


def _window(qtbot, preset: str = "XOR") -> MainWindow:
    return shown_window(qtbot, preset)


def test_the_first_frame_comes_without_the_lab_and_networkx_which_come_when_the_lab_opens(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", FIRST_FRAME], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["at_start"] == []
    assert {"networkx", "playground.views.lab.neuron_lab"} <= set(report["after_lab"])
    assert report["graph"]


def test_the_lab_is_made_on_first_use_and_its_dock_never_shows_empty(qtbot):
    w = _window(qtbot)
    assert w.labDock.widget() is None  # hidden at start: not made
    seen = []
    w.labDock.visibilityChanged.connect(lambda shown: seen.append((shown, w.labDock.widget() is not None)))
    w.labAction.trigger()
    qtbot.waitExposed(w.labDock)
    assert seen and all(has_widget for shown, has_widget in seen if shown)
    assert w.labDock.widget().widget() is w.lab and w.lab.graphView.value_items  # the seed's graph


def test_a_lab_shown_by_the_dock_itself_is_made_before_it_paints(qtbot):
    w = _window(qtbot)
    seen = []
    w.labDock.visibilityChanged.connect(lambda shown: seen.append((shown, w.labDock.widget() is not None)))
    w.labDock.show()  # not through its action (a restored layout, a script)
    qtbot.waitExposed(w.labDock)
    assert seen and all(has_widget for shown, has_widget in seen if shown)


def test_the_labs_widgets_are_found_by_name_before_it_was_made(qtbot):
    w = _window(qtbot)
    assert w.findChild(QWidget, "graphView") is w.lab.graphView
    assert w.findChild(QWidget, "neuronLab") is w.lab


def test_a_lab_made_during_step_slowly_offers_the_whole_cost(qtbot):
    w = _window(qtbot)
    w.session.start_walkthrough()
    assert w.wholeCostAction.isEnabled()  # the Session says so, without the lab
    assert w.labDock.widget() is None
    assert w.lab.costButton.isEnabled() and not w.lab.costButton.isHidden()
    w.session.leave_walkthrough()
    assert not w.lab.costButton.isEnabled() and not w.wholeCostAction.isEnabled()


def test_a_layout_remembered_with_the_lab_open_opens_it_again_with_the_lab_made(qtbot):
    first = MainWindow(session=Session(preset="XOR"))
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.labAction.trigger()
    qtbot.waitExposed(first.labDock)
    first.close()  # saves the layout: the lab open
    again = MainWindow(session=Session(preset="XOR"))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    qtbot.waitUntil(again.labDock.isVisible)
    assert again.labDock.widget() is not None and again.labDock.widget().widget() is again.lab
    assert again.lab.graphView.value_items


def test_the_confusion_matrix_behind_the_pad_is_made_when_its_tab_first_comes_to_the_front(qtbot):
    w = _window(qtbot, "Accurate digits")
    assert w.confusionDock.widget() is None  # a tab behind the pad: not counted at start
    seen = []
    w.confusionDock.visibilityChanged.connect(
        lambda shown: seen.append((shown, w.confusionDock.widget() is not None)))
    w.confusionDock.raise_()
    assert seen and all(has_widget for shown, has_widget in seen if shown)
    view = w.confusionDock.widget().widget()
    assert view is w.confusionMatrix and view.geometry().size() == w.confusionDock.widget().size()
    data = w.session.dataset
    assert view.matrix.total == len(data.X_test)


def test_the_confusion_matrix_is_found_by_name_before_it_was_made(qtbot):
    w = _window(qtbot, "Accurate digits")
    assert w.findChild(QWidget, "confusionMatrix") is w.confusionMatrix

