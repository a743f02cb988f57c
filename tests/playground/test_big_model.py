"""Opening a model that needs a lot of memory asks first, with the size read from the file's header."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine import save
from engine.io import model_info
from engine.network import Network
from playground.big_model import memory_warning, readable_bytes


def test_the_warning_names_the_network_and_its_memory(tmp_path):
    path = tmp_path / "wide.npz"
    save(Network([784, 300, 10], seed=1), path)
    info = model_info(path)
    assert memory_warning(path) is None  # 238,510 parameters: small
    text = memory_warning(path, limit=info.memory_bytes)
    assert "784-300-10" in text and f"{info.n_parameters:,} parameters" in text
    assert readable_bytes(info.memory_bytes) in text
    assert memory_warning(tmp_path / "missing.npz") is None  # not a model: load_model says why
    assert readable_bytes(1536) == "1.5 KB" and readable_bytes(3 * 2**30) == "3.0 GB"


def test_declining_the_warning_leaves_the_session_as_it_was(qtbot, monkeypatch, tmp_path):
    import playground.file_actions as file_actions
    from playground.main_window import MainWindow

    path = tmp_path / "wide.npz"
    save(Network([2, 300, 1], activation="tanh", output="sigmoid", seed=1), path)
    window = MainWindow(preset="XOR", remember=False)
    qtbot.addWidget(window)
    before = [w.copy() for w in window.session.network.weights]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(file_actions, "memory_warning", lambda p: memory_warning(p, limit=1))
    asked = []
    no = QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or no)
    window.open_model()
    assert asked and "2-300-1" in asked[0]
    assert window.session.network.sizes == [2, 2, 1]
    assert all(np.array_equal(a, b) for a, b in zip(before, window.session.network.weights, strict=True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.open_model()
    assert window.session.network.sizes == [2, 300, 1]
