"""A click on an input node of 2-D data switches that feature off, as in TensorFlow Playground."""

from __future__ import annotations

from PySide6.QtCore import Qt

from playground.main_window import MainWindow
from playground.session import Session


def click_input(qtbot, view, index: int) -> None:
    x, y = view.layout_.layers[0].centres[index]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(float(x), float(y)))


def test_a_click_on_an_input_switches_it_off_and_the_last_one_stays(qtbot):
    window = MainWindow(session=Session(preset="Circle"), remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    s = window.session
    assert s.set_features(["x1", "x2", "x1²", "x2²"]) and s.network.sizes[0] == 4
    view = window.networkView
    click_input(qtbot, view, 2)  # x1²
    assert s.active_features() == ["x1", "x2", "x2²"] and s.network.sizes[0] == 3
    click_input(qtbot, view, 0)
    click_input(qtbot, view, 0)
    assert s.active_features() == ["x2²"]
    click_input(qtbot, view, 0)  # the last input: a click selects it instead
    assert s.active_features() == ["x2²"] and s.selected == (0, 0)


def test_a_point_clicked_in_changes_the_training_cost_at_once(qtbot):
    window = MainWindow(session=Session(preset="XOR"), remember=False)
    qtbot.addWidget(window)
    s = window.session

    def shown_cost() -> str:
        return window.statusReadout.text().split("training cost ")[1].split(" on ")[0]

    n = len(s.dataset.X_train)
    assert f"on {n:,} points" in window.statusReadout.text()
    before = shown_cost()
    assert s.add_point(0.9, 0.9, 1)  # class 1 where XOR says 0: the cost goes up
    from playground.number_format import readable

    expected = s.network.cost(s.dataset.X_train, s.dataset.Y_train, s.cost_name)
    assert shown_cost() == readable(expected, 4) != before
    assert f"on {n + 1:,} points" in window.statusReadout.text()
