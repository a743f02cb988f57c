"""Your own data: File ▸ Open data… loads a CSV; a bad one changes nothing and says where it is bad."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from playground.views.plots.boundary import BoundaryView


def _write(path, rows):
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def two_columns(tmp_path):
    rng = np.random.default_rng(3)
    rows = ["a,b,label"]
    for p in rng.uniform(-1, 1, (60, 2)):
        rows.append(f"{p[0]:.4f},{p[1]:.4f},{'in' if np.hypot(*p) < 0.6 else 'out'}")
    return _write(tmp_path / "ring.csv", rows)


def test_a_two_column_file_is_shown_in_the_plane(qtbot, xor, two_columns):
    view = BoundaryView(xor)
    qtbot.addWidget(view)
    assert xor.load_csv(two_columns)
    d = xor.dataset
    assert xor.network.sizes[0] == 2 and xor.network.sizes[-1] == 1 and d.classes == ["in", "out"]
    assert len(d.X_train) + len(d.X_test) == 60 and xor.user_data == "csv"
    assert xor.settings.data_file == str(two_columns) and len(xor.settings.data_checksum) == 64
    assert view.applies and len(view._train.data) == len(d.X_train)
    assert xor.set_features(["x1", "x2", "x1²", "x2²"]) and xor.network.sizes[0] == 4  # features of a file


def test_a_file_with_more_columns_feeds_the_general_network(qtbot, xor, tmp_path):
    rng = np.random.default_rng(0)
    rows = ["p,q,r,s,t,class"] + [",".join(f"{v:.3f}" for v in rng.normal(size=5)) + f",{k % 3}"
                                  for k in range(40)]
    assert xor.load_csv(_write(tmp_path / "five.csv", rows))
    assert xor.network.sizes[0] == 5 and xor.network.sizes[-1] == 3 and xor.network.output == "softmax"
    assert not xor.is_plane
    view = BoundaryView(xor)
    qtbot.addWidget(view)
    assert not view.applies and "5 inputs" in view.note.text()
    assert xor.step() is not None


@pytest.mark.parametrize("rows, where", [
    (["x1,x2,label", "0.1,0.2,a", "0.3,oops,b"], "line 3, column 2"),
    (["x1,x2,label", "0.1,0.2,a", "0.3,,b"], "line 3, column 2"),
    (["x1,x2,label", "0.1,0.2,a", "0.5,0.6,b", "0.3,0.4,"], "line 4, column 3"),
])
def test_a_bad_file_changes_nothing_and_names_line_and_column(xor, tmp_path, rows, where):
    for _ in range(5):
        xor.step()
    data, network, weights = xor.dataset, xor.network, [w.copy() for w in xor.network.weights]
    history = xor.history.train.column(1).copy()  # (step, cost) rows
    steps, key, trainer = xor.steps, xor.data_key, xor.trainer
    messages = []
    xor.message.connect(messages.append)
    assert not xor.load_csv(_write(tmp_path / "bad.csv", rows))
    assert where in messages[-1] and "bad.csv" in messages[-1]
    assert xor.dataset is data and xor.network is network and xor.trainer is trainer
    assert xor.steps == steps and xor.data_key == key and xor.user_data == ""
    for a, b in zip(xor.network.weights, weights, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(xor.history.train.column(1), history)
    assert len(history) == 5
    assert xor.settings.data_file == ""


def test_open_data_in_the_window_shows_a_dialog_for_a_bad_file(qtbot, tmp_path, monkeypatch):
    from playground.main_window import MainWindow

    w = MainWindow(preset="XOR", remember=False)
    qtbot.addWidget(w)
    try:
        action = w.findChild(type(w.openDataAction), "openDataAction")
        assert action is w.openDataAction and action.text() == "Open data…"
        bad = _write(tmp_path / "bad.csv", ["x1,x2,label", "0.1,0.2,a", "0.3,oops,b"])
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
        warnings = []
        monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
        before = w.session.dataset
        action.trigger()
        assert len(warnings) == 1 and "line 3, column 2" in warnings[0]
        assert w.session.dataset is before
        good = _write(tmp_path / "good.csv", ["x1,x2,label"] + [f"{k / 10:.1f},{k % 3 / 3:.2f},{k % 2}"
                                                                 for k in range(20)])
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
        action.trigger()
        assert len(warnings) == 1 and w.session.dataset_name == "good.csv"
        assert len(w.boundary._train.data) == len(w.session.dataset.X_train)
    finally:
        w.session.shutdown()
