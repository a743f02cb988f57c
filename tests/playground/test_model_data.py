"""Saved models remember their data and settings; opening restores them; older files still open."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine import io as model_io
from engine.network import Network
from playground.model_file import read_meta
from playground.session import Session


@pytest.fixture
def fresh(qapp):
    made = []

    def make(preset="Spiral"):
        made.append(Session(preset=preset))
        return made[-1]
    yield make
    for s in made:
        s.shutdown()


def _same_data(a, b) -> None:
    for split in ("train", "test"):
        np.testing.assert_array_equal(a.points(split), b.points(split))
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.labels_train, b.labels_train)
    assert a.feature_names == b.feature_names


def test_save_then_open_restores_dataset_features_and_settings(fresh, tmp_path):
    s = fresh("Circle")
    s.set_noise(0.2)
    s.set_train_fraction(0.6)
    s.regenerate()
    s.set_features(["x1", "x2", "x1²"])
    s.set_learning_rate(0.05)
    s.set_batch_size(8)
    s.set_l2(0.001)
    s.set_l1(0.0005)
    s.set_discretize(True)
    for _ in range(20):
        s.step()
    path = tmp_path / "circle.npz"
    assert s.save_model(path)
    meta = read_meta(path)
    assert meta["features"] == ["x1", "x2", "x1²"] and meta["noise"] == 0.2 and meta["data_seed"] == 1

    other = fresh("XOR")  # a different problem is shown: the model brings its own back
    assert other.load_model(path)
    assert other.dataset_name == "circle" and other.network.sizes == [3, 4, 4, 1]
    assert asdict(other.settings) == asdict(s.settings)
    _same_data(other.dataset, s.dataset)
    for a, b in zip(other.network.weights, s.network.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert other.trainer.optimizer.l1 == 0.0005 and other.trainer.optimizer.l2 == 0.001
    assert other.trainer.batch_size == 8 and other.learning_rate == 0.05
    assert other.evaluate("test") == pytest.approx(s.evaluate("test"))


def test_hand_made_points_travel_in_the_model_file(fresh, tmp_path):
    s = fresh("XOR")
    s.clear_data()
    for k, (x, y) in enumerate([(-0.5, -0.5), (0.5, 0.5), (-0.5, 0.5), (0.5, -0.5), (0.1, 0.1)]):
        s.add_point(x, y, k // 2 % 2)
    path = tmp_path / "mine.npz"
    assert s.save_model(path)
    other = fresh("Circle")
    assert other.load_model(path)
    _same_data(other.dataset, s.dataset)
    assert other.user_data == "hand-made" and other.dataset.labels_train.tolist() == [0, 0, 1, 1, 0]


def test_a_loaded_csv_is_found_again_and_a_changed_one_refused(fresh, tmp_path):
    csv = tmp_path / "pts.csv"
    rows = "".join(f"{k / 20:.2f},{(k * 7 % 20) / 20:.2f},{k % 2}\n" for k in range(40))
    csv.write_text("x,y,label\n" + rows)
    s = fresh("XOR")
    assert s.load_csv(csv)
    path = tmp_path / "csvmodel.npz"
    assert s.save_model(path)
    other = fresh("Circle")
    assert other.load_model(path)
    assert other.user_data == "csv" and other.settings.data_file == str(csv)
    _same_data(other.dataset, s.dataset)
    csv.write_text(csv.read_text() + "0.5,0.5,1\n")  # the file changed since
    third = fresh("Circle")
    before, net = third.dataset, third.network
    messages = []
    third.message.connect(messages.append)
    assert not third.load_model(path)
    assert "changed" in messages[-1] and third.dataset is before and third.network is net


def test_a_file_from_before_this_change_still_opens(fresh, tmp_path):
    net = Network([2, 3, 1], activation="tanh", output="sigmoid", seed=2)
    path = tmp_path / "old.npz"
    model_io.save(net, path)  # no meta: as every model file was saved until now
    assert read_meta(path) is None
    s = fresh("Spiral")
    assert s.load_model(path)
    assert s.network.sizes == [2, 3, 1] and s.dataset_name == "spiral"  # the data shown, as before
    np.testing.assert_array_equal(s.network.weights[0], net.weights[0])
    shipped = fresh("Spiral")
    from playground.presets import DEFAULT_MODEL
    assert shipped.load_model(DEFAULT_MODEL) and shipped.dataset_name == "digits"


def test_the_window_asks_before_a_model_replaces_hand_made_data(qtbot, tmp_path, monkeypatch):
    from playground.main_window import MainWindow

    w = MainWindow(preset="XOR", remember=False)
    qtbot.addWidget(w)
    try:
        path = tmp_path / "m.npz"
        assert w.session.save_model(path)
        w.session.add_point(0.2, 0.2, 1)
        mine = w.session.dataset
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
        asked = []
        answer = [QMessageBox.StandardButton.No]
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer[0])
        w.open_model()
        assert len(asked) == 1 and "replaces the data" in asked[0] and w.session.dataset is mine
        answer[0] = QMessageBox.StandardButton.Yes
        w.open_model()
        assert len(asked) == 2 and w.session.dataset is not mine and w.session.user_data == ""
        w.open_model()  # nothing of the user's is shown now: no question
        assert len(asked) == 2
    finally:
        w.session.shutdown()


def test_onnx_export_says_which_features_the_model_expects(fresh, tmp_path):
    onnx = pytest.importorskip("onnx")
    s = fresh("Circle")
    s.set_features(["x1", "x2", "x1·x2", "sin x2"])
    path = tmp_path / "m.onnx"
    assert s.export_onnx(path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    props = {p.key: p.value for p in model.metadata_props}
    assert props["features"] == "x1,x2,x1·x2,sin x2" and props["dataset"] == "circle"
    assert model.graph.input[0].type.tensor_type.shape.dim[1].dim_value == 4


def test_a_session_state_round_trips_the_lab_settings(fresh):
    import json

    s = fresh("Circle")
    s.set_noise(0.1)
    s.set_features(["x1", "x2", "x2²"])
    state = json.loads(json.dumps(s.to_state()))
    assert state["features"] == ["x1", "x2", "x2²"] and state["noise"] == 0.1
    other = fresh("XOR")
    assert other.from_state(state)
    assert other.network.sizes == [3, 4, 4, 1] and other.to_state() == state
    _same_data(other.dataset, s.dataset)
