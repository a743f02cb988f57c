"""The data catalogue: datasets loaded once, one rule for digits networks, which data fits a network."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.data_catalog import (
    PROBE_SIZE,
    DataCatalog,
    is_digits_network,
    neuron_names,
    preset_key,
    probe_batch,
)
from playground.presets import PRESETS


def test_the_one_digits_rule():
    assert is_digits_network([784, 16, 16, 10])
    assert is_digits_network([784])  # asked of data: its feature count
    assert not is_digits_network([2, 4, 1])


def test_a_dataset_is_loaded_once_until_forgotten():
    catalog = DataCatalog()
    first = catalog.load("circle")
    assert catalog.load("circle") is first
    catalog.forget("circle")
    again = catalog.load("circle")
    assert again is not first
    np.testing.assert_array_equal(again.X_train, first.X_train)  # the same seed, the same points


def test_a_preset_with_its_own_data_has_its_own_key():
    assert preset_key(PRESETS["XOR"]) == "preset:XOR"
    assert preset_key(PRESETS["Circle"]) == "circle"
    assert len(DataCatalog().load("preset:XOR").X_train) == 320
    with pytest.raises(ValueError):
        DataCatalog().load("preset:Circle")  # Circle has no data of its own


def test_the_dataset_that_fits_a_network():
    catalog = DataCatalog()
    assert catalog.dataset_for([2, 3, 1], prefer="preset:XOR") == "preset:XOR"
    assert catalog.dataset_for([2, 3, 1], prefer="spiral") == "spiral"
    assert catalog.dataset_for([2, 3, 1]) == "xor"  # the first two-class plane set
    assert catalog.dataset_for([784, 10]) == "digits"
    assert catalog.dataset_for([3, 1]) is None
    assert catalog.dataset_for([784, 5]) is None


def test_a_preset_model_that_is_missing_or_does_not_fit_is_explained(tmp_path):
    catalog = DataCatalog()
    net, data, key = catalog.preset_model(PRESETS["Spiral"])
    assert net.sizes == [2, 8, 8, 1] and key == "spiral" and data is catalog.load("spiral")
    missing = dataclasses.replace(PRESETS["Accurate digits"], model=tmp_path / "gone.npz")
    with pytest.raises(ValueError, match="could not be loaded"):
        catalog.preset_model(missing)
    wrong = dataclasses.replace(PRESETS["Accurate digits"], dataset="circle")
    with pytest.raises(ValueError, match="the circle data needs 2"):
        catalog.preset_model(wrong)


def test_neuron_names():
    assert neuron_names([2, 3, 1], 0) == ["x1", "x2"]
    assert neuron_names([2, 3, 1], 1) == ["h1_0", "h1_1", "h1_2"]
    assert neuron_names([2, 3, 1], 2) == ["out0"]
    names = neuron_names([784, 10], 0)
    assert names[0] == "px0_0" and names[29] == "px1_1" and len(names) == 784


def test_the_probe_batch_is_fixed_and_from_the_training_split():
    data = DataCatalog().load("spiral")
    X, Y = probe_batch(data, np.float32)
    X2, _ = probe_batch(data, np.float32)
    assert len(X) == min(PROBE_SIZE, len(data.X_train)) and X.dtype == np.float32
    np.testing.assert_array_equal(X, X2)
    rows = {tuple(r) for r in data.X_train.tolist()}
    assert all(tuple(r) in rows for r in X.tolist())
