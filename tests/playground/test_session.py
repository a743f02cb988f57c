"""The Session: the one source of truth. Paused edits, Step, Reset, state, model files."""

from __future__ import annotations

import numpy as np
import pytest

from engine.network import Network
from playground.history import MAX_TRAINING_POINTS, Series
from playground.session import Session


def test_step_adds_one_point_and_matches_the_engine(xor):
    before = xor.network.copy()
    trainer_copy = xor.trainer.network.copy()
    cost = xor.step()
    assert len(xor.history.train) == 1
    assert xor.history.train.rows[1][0] == pytest.approx(cost)
    assert xor.steps == 1
    # the shown network is exactly the trainer's network after the step, and it moved
    for w, w_trained in zip(xor.network.weights, xor.trainer.network.weights, strict=True):
        np.testing.assert_array_equal(w, w_trained)
    assert any(not np.array_equal(a, b) for a, b in zip(xor.network.weights, before.weights, strict=True))
    assert trainer_copy.sizes == xor.network.sizes


def test_thirty_steps_lower_the_cost(xor):
    first = xor.evaluate("train")[0]
    for _ in range(30):
        xor.step()
    assert len(xor.history.train) == 30
    assert xor.evaluate("train")[0] < first


def test_set_bias_changes_activations_as_the_engine_computes(xor):
    xor.select_neuron(1, 0)
    xor.set_bias(1, 0, 1.5)
    reference = xor.network.copy()
    zs, acts = reference.trace(xor.input)
    np.testing.assert_allclose(xor.activations()[1], acts[1], rtol=0, atol=0)
    np.testing.assert_allclose(xor.prediction(), acts[-1], rtol=0, atol=0)
    assert xor.network.biases[0][0] == pytest.approx(1.5)
    # paused, the edit is in the trainer's network too, so the next step starts from it
    assert xor.trainer.network.biases[0][0] == pytest.approx(1.5)
    np.testing.assert_allclose(xor.weighted_sums()[0], zs[0])


def test_set_weight_emits_network_changed(xor, qtbot):
    with qtbot.waitSignal(xor.networkChanged, timeout=1000):
        xor.set_weight(1, 1, 0, -0.75)
    assert xor.network.weights[0][1, 0] == pytest.approx(-0.75)


def test_show_sample_sets_input_label_and_caption(xor, qtbot):
    with qtbot.waitSignal(xor.inputChanged, timeout=1000):
        xor.show_sample(3)
    np.testing.assert_array_equal(xor.input, xor.dataset.X_test[3])
    assert xor.input_label == int(xor.dataset.labels_test[3])
    assert xor.input_caption == f"test sample 4 of {len(xor.dataset.X_test)}"


def test_selection_signal_and_out_of_range(xor, qtbot):
    with qtbot.waitSignal(xor.selectionChanged, timeout=1000) as blocker:
        xor.select_neuron(1, 1)
    assert blocker.args == [1, 1]
    assert xor.selected == (1, 1)
    with qtbot.waitSignal(xor.selectionChanged, timeout=1000) as blocker:
        xor.select_neuron(5, 0)
    assert blocker.args == [-1, -1]
    assert xor.selected is None


def test_reset_with_the_same_seed_gives_the_same_network(xor):
    start = [w.copy() for w in xor.network.weights]
    for _ in range(5):
        xor.step()
    xor.reset()
    for w, w0 in zip(xor.network.weights, start, strict=True):
        np.testing.assert_array_equal(w, w0)
    assert len(xor.history.train) == 0 and xor.steps == 0


def test_reset_of_the_trained_model_says_how_to_get_it_back(qapp, qtbot):
    session = Session(preset="Accurate digits")
    trained = session.network.weights[0].copy()
    with qtbot.waitSignal(session.message) as said:
        session.reset()
    assert not np.array_equal(session.network.weights[0], trained)
    assert "Presets ▸ Accurate digits" in said.args[0]
    session.apply_preset("Accurate digits")
    np.testing.assert_array_equal(session.network.weights[0], trained)
    session.shutdown()


def test_activation_switch_keeps_the_weights(xor, qtbot):
    weights = [w.copy() for w in xor.network.weights]
    with qtbot.waitSignal(xor.structureChanged, timeout=1000):
        xor.set_activation("relu")
    assert xor.network.activation == "relu"
    for w, w0 in zip(xor.network.weights, weights, strict=True):
        np.testing.assert_array_equal(w, w0)
    expected = Network(xor.network.sizes, activation="relu", output=xor.network.output)
    expected.weights = [w.copy() for w in xor.network.weights]
    expected.biases = [b.copy() for b in xor.network.biases]
    np.testing.assert_allclose(xor.prediction(), expected.forward(xor.input))


def test_architecture_and_dataset_changes_rebuild(xor):
    xor.set_hidden([3, 5])
    assert xor.network.sizes == [2, 3, 5, 1]
    xor.set_dataset("circle")
    assert xor.dataset_name == "circle"
    assert xor.network.sizes == [2, 3, 5, 1]
    assert xor.preset_name == ""


def test_training_settings_rebuild_the_trainer_but_keep_weights(xor):
    for _ in range(3):
        xor.step()
    weights = [w.copy() for w in xor.network.weights]
    xor.set_optimizer("momentum")
    xor.set_batch_size(8)
    xor.set_cost("mse")
    xor.set_learning_rate(0.2)
    settings = (xor.optimizer_name, xor.batch_size, xor.cost_name, xor.learning_rate)
    assert settings == ("momentum", 8, "mse", 0.2)
    for w, w0 in zip(xor.trainer.network.weights, weights, strict=True):
        np.testing.assert_array_equal(w, w0)
    xor.step()
    assert xor.steps == 4  # the step counter goes on across Trainer rebuilds
    assert xor.history.train.rows[0] == [1, 2, 3, 4]


def test_state_round_trip(xor, qapp):
    for _ in range(4):
        xor.step()
    xor.set_learning_rate(0.02)
    state = xor.to_state()
    other = Session(preset="Circle")
    assert other.from_state(state)
    assert other.to_state() == state
    np.testing.assert_allclose(other.prediction(), xor.prediction())


def test_bad_state_changes_nothing(xor, qtbot):
    before = xor.to_state()
    bad = dict(before, network=dict(before["network"], sizes=[3, 2, 1]))
    with qtbot.waitSignal(xor.message, timeout=1000) as blocker:
        assert not xor.from_state(bad)
    assert "restore" in blocker.args[0]
    assert xor.to_state() == before


def test_bad_model_file_is_refused_with_a_message(xor, qtbot, tmp_path):
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"this is not a model")
    before = xor.to_state()
    with qtbot.waitSignal(xor.message, timeout=1000) as blocker:
        assert not xor.load_model(bad)
    assert "broken.npz" in blocker.args[0]
    assert xor.to_state() == before


def test_model_save_and_load_round_trip(xor, tmp_path):
    for _ in range(10):
        xor.step()
    path = tmp_path / "xor.npz"
    assert xor.save_model(path)
    expected = xor.prediction().copy()
    xor.reset()
    assert xor.load_model(path)
    assert xor.dataset_name == "xor"
    np.testing.assert_allclose(xor.prediction(), expected, rtol=1e-6)


def _is_one_of(net, earlier) -> bool:
    return any(all(np.array_equal(a, b) for a, b in zip(net.weights + net.biases, e.weights + e.biases,
                                                          strict=True)) for e in earlier)


def test_a_huge_learning_rate_is_caught_and_the_weights_from_before_are_shown(qtbot, exploding_xor):
    session = exploding_xor
    messages = []
    session.message.connect(messages.append)
    shown_before = []  # the network before each Step
    for _ in range(200):
        shown_before.append(session.network.copy())
        session.step()
        if messages:
            break
    assert any("exploded" in m and "restored" in m for m in messages)
    assert session.network.parameters_finite()
    # weights the network really had before the explosion (the Trainer chooses which), not the exploded ones
    assert _is_one_of(session.network, shown_before)
    # the next Step starts from there, on a Trainer that has not diverged
    assert not session.trainer.diverged
    np.testing.assert_array_equal(session.trainer.network.weights[0], session.network.weights[0])


SIGNALS = ["networkChanged", "structureChanged", "inputChanged", "selectionChanged", "parameterChanged",
           "colorSourceChanged", "historyChanged", "runningChanged", "message", "settingsChanged"]


def _count_signals(session) -> dict[str, int]:
    counts = dict.fromkeys(SIGNALS, 0)
    for name in SIGNALS:
        getattr(session, name).connect(lambda *args, name=name: counts.__setitem__(name, counts[name] + 1))
    return counts


def test_apply_preset_emits_each_signal_once(xor):
    xor.select_weight(2, 0, 1)  # fits Spiral's 2-8-8-1 network too: the selection stays
    counts = _count_signals(xor)
    assert xor.apply_preset("Spiral")
    assert counts == dict.fromkeys(SIGNALS, 1) | {"selectionChanged": 0, "parameterChanged": 0,
                                                   "colorSourceChanged": 0, "runningChanged": 0}
    xor.select_neuron(2, 7)
    counts = _count_signals(xor)
    assert xor.selected == (2, 7)
    assert xor.apply_preset("XOR")  # 2-2-1: neuron 7 of layer 2 is gone
    assert counts["selectionChanged"] == 1 and xor.selected is None
    assert all(counts[name] == 1 for name in ("networkChanged", "structureChanged", "inputChanged",
                                              "settingsChanged", "historyChanged", "message"))


def test_series_stays_bounded_and_keeps_the_mean():
    series = Series(2, MAX_TRAINING_POINTS)
    n = 10_000
    for k in range(n):
        series.add(k, float(k % 10))
    assert MAX_TRAINING_POINTS // 2 <= len(series) <= MAX_TRAINING_POINTS
    assert series.stride == 8
    # merged points are averages: the mean of a periodic signal over whole periods survives
    assert np.mean(series.column(1)) == pytest.approx(4.5, abs=0.05)
    assert np.all(np.diff(series.column(0)) > 0)


def test_series_keeps_every_point_below_the_limit():
    series = Series(2, 2000)
    for k in range(30):
        series.add(k, k * 0.5)
    assert len(series) == 30
    assert series.column(1).tolist() == [k * 0.5 for k in range(30)]


def test_onnx_export_writes_a_file_and_a_bad_path_says_why(xor, tmp_path, qtbot):
    path = tmp_path / "xor.onnx"
    assert xor.export_onnx(path)
    assert path.stat().st_size > 100
    with qtbot.waitSignal(xor.message, timeout=1000) as blocker:
        assert not xor.export_onnx(tmp_path / "no-such-folder" / "x.onnx")
    assert "x.onnx" in blocker.args[0]


def test_progress_reports_the_epoch_in_words(xor):
    steps_per_epoch = int(np.ceil(len(xor.dataset.X_train) / xor.batch_size))
    for _ in range(steps_per_epoch + 2):
        xor.step()
    fraction, eta, text = xor.progress()
    assert text == "epoch 2"
    assert 0 < fraction < 0.5
    assert eta is None  # no rate is known while paused


def test_select_weight_selects_the_parameter_and_its_neuron(qtbot, xor):
    with qtbot.waitSignal(xor.parameterChanged, timeout=1000):
        assert xor.select_weight(2, 0, 1)
    assert xor.parameter == (2, 0, 1) and xor.selected == (2, 0)
    assert xor.parameter_value() == float(xor.network.weights[1][0, 1])
    assert xor.select_weight(1, 1, None)  # the bias of neuron 1 of layer 1
    assert xor.parameter_value() == float(xor.network.biases[0][1])
    assert not xor.select_weight(0, 0, 0)  # the input layer has no incoming weights
    assert not xor.select_weight(1, 0, 7)
    assert xor.parameter == (1, 1, None)
    xor.select_neuron(2, 0)  # choosing a neuron clears the parameter
    assert xor.parameter is None


def test_gradient_batch_is_fixed_until_the_data_changes(xor):
    X, Y = xor.gradient_batch()
    assert len(X) == min(512, len(xor.dataset.X_train)) and X.shape[1] == 2
    rows = {tuple(r) for r in xor.dataset.X_train.tolist()}
    assert all(tuple(r) in rows for r in X.tolist())  # training samples, not test ones
    xor.step()
    assert xor.gradient_batch()[0] is X
    xor.set_dataset("circle")
    assert xor.gradient_batch()[0] is not X


def test_color_source_is_session_state(qtbot, xor):
    assert xor.color_source == "activations"
    with qtbot.waitSignal(xor.colorSourceChanged, timeout=1000) as blocker:
        xor.set_color_source("gradients")
    assert blocker.args == ["gradients"]
    with pytest.raises(ValueError):
        xor.set_color_source("rainbow")
