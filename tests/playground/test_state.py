"""The Session's state as plain data (state.py): a dict that survives JSON and rebuilds the same thing."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.network import Network
from playground.state import STATE_VERSION, SessionState, Settings, ViewState, parameter_fits


def _state() -> SessionState:
    net = Network([2, 3, 1], activation="tanh", output="sigmoid", seed=4)
    net.weights[0][1, 0] = 0.1 + 2**-20  # a float32 value that a decimal round trip could lose
    settings = Settings(preset="", dataset="circle", data="circle", cost="cross_entropy", optimizer="adam",
                        learning_rate=0.03, batch_size=16, seed=4, epochs=3, sample_index=7)
    return SessionState(settings, net)


def test_round_trip_through_json_is_exact():
    state = _state()
    data = json.loads(json.dumps(state.to_dict()))
    back = SessionState.from_dict(data)
    assert back.settings == state.settings
    assert back.network.sizes == [2, 3, 1] and back.network.activation == "tanh"
    for a, b in zip(back.network.weights + back.network.biases,
                    state.network.weights + state.network.biases, strict=True):
        np.testing.assert_array_equal(a, b)
    assert back.to_dict() == data


def test_without_weights_the_seed_draws_them_again():
    data = _state().to_dict(weights=False)
    assert "weights" not in data["network"]
    back = SessionState.from_dict(data)
    fresh = Network([2, 3, 1], activation="tanh", output="sigmoid", seed=4)
    np.testing.assert_array_equal(back.network.weights[0], fresh.weights[0])


def test_version_1_states_still_load():
    net = _state().network
    old = {"version": 1, "preset": "", "dataset": "circle", "data": "circle", "sizes": [2, 3, 1],
           "activation": "tanh", "output": "sigmoid", "cost": "mse", "optimizer": "sgd",
           "learning_rate": 0.1, "batch_size": 8, "seed": 4, "epochs": 0, "sample_index": 0,
           "weights": [w.tolist() for w in net.weights], "biases": [b.tolist() for b in net.biases]}
    back = SessionState.from_dict(old)
    assert back.settings.batch_size == 8 and STATE_VERSION == 2
    np.testing.assert_array_equal(back.network.weights[0], net.weights[0])


@pytest.mark.parametrize("change, words", [
    ({"version": 99}, "version"),
    ({"batch_size": 0}, "positive"),
    ({"learning_rate": "fast"}, "learning_rate"),
    ({"network": {"sizes": [2, 1], "weights": [[[1.0, 2.0, 3.0]]]}}, "shape"),
    ({"network": "not a network"}, "dict"),
])
def test_a_bad_state_is_refused_with_the_reason(change, words):
    data = dict(_state().to_dict(), **change)
    with pytest.raises(ValueError, match=words):
        SessionState.from_dict(data)


def test_a_missing_setting_is_named():
    data = _state().to_dict()
    del data["cost"]
    with pytest.raises(ValueError, match="cost"):
        SessionState.from_dict(data)


def test_view_state_reports_exactly_what_changed():
    view = ViewState()
    sizes = [2, 2, 1]
    assert view.select_weight(2, 0, 1, sizes) == {"selected", "parameter"}
    assert view.selected == (2, 0) and view.parameter == (2, 0, 1)
    assert view.select_weight(2, 0, None, sizes) == {"parameter"}  # the same neuron, its bias now
    assert view.select_weight(0, 0, 0, sizes) is None  # the input layer has no incoming weights
    assert view.select_neuron(2, 0, sizes) == {"parameter"}
    assert view.select_neuron(9, 0, sizes) == {"selected"} and view.selected is None
    view.select_weight(1, 1, 1, sizes)
    assert view.fit([2, 1, 1]) == {"selected", "parameter"}  # layer 1 has one neuron now
    assert view.set_color_source("gradients") == {"color_source"}
    assert view.set_color_source("gradients") == set()
    with pytest.raises(ValueError):
        view.set_color_source("rainbow")


def test_parameter_fits_counts_layers_as_select_neuron():
    assert parameter_fits((1, 2, 1), [2, 3, 1]) and not parameter_fits((1, 3, 0), [2, 3, 1])
    assert parameter_fits((0, 1, None), [2, 3, 1], neuron_only=True)
    assert not parameter_fits((0, 1, None), [2, 3, 1])
