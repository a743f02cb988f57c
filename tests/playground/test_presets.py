"""Each preset's recipe learns what it promises, measured with the engine's own Trainer."""

from __future__ import annotations

import dataclasses

import numpy as np

from engine import datasets
from engine.network import Network
from engine.training import Trainer
from playground.presets import DEFAULT_MODEL, FALLBACK_PRESET, PRESETS
from playground.session import Session


def _trainer(name: str) -> Trainer:
    p = PRESETS[name]
    data = p.make_data() if p.make_data is not None else datasets.load(p.dataset, seed=0)
    net = Network([data.n_features, *p.hidden, data.n_outputs], activation=p.activation, output=p.output,
                  seed=p.seed)
    return Trainer(net, data, cost=p.cost, optimizer=p.optimizer, lr=p.learning_rate,
                   batch_size=p.batch_size, seed=p.seed)


def _train_accuracy(trainer: Trainer) -> float:
    d = trainer.dataset
    return float(np.mean(trainer.network.predict(d.X_train) == d.labels_train))


def _steps_to(trainer: Trainer, accuracy: float, max_steps: int) -> int | None:
    for step in range(1, max_steps + 1):
        trainer.train_step()
        if step % 25 == 0 and _train_accuracy(trainer) >= accuracy:
            return step
    return None


def test_presets_are_consistent():
    assert list(PRESETS) == ["3Blue1Brown digits", "XOR", "Circle", "Spiral", "Accurate digits"]
    assert PRESETS["3Blue1Brown digits"].hidden == [16, 16]
    assert PRESETS["3Blue1Brown digits"].activation == "sigmoid"
    assert PRESETS["XOR"].hidden == [2]
    assert PRESETS["Circle"].hidden == [4, 4]
    assert PRESETS["Spiral"].hidden == [8, 8]
    for p in PRESETS.values():
        assert p.dataset in datasets.NAMES
        assert p.learning_rate > 0 and p.batch_size >= 1
        assert p.description


def test_xor_recipe_reaches_full_training_accuracy():
    steps = _steps_to(_trainer("XOR"), 1.0, 4000)
    assert steps is not None


def test_circle_recipe_learns_the_circle():
    assert _steps_to(_trainer("Circle"), 0.97, 4000) is not None


def test_spiral_recipe_learns_the_spiral():
    assert _steps_to(_trainer("Spiral"), 0.95, 4000) is not None


def test_3blue1brown_recipe_passes_90_percent_on_the_test_split():
    trainer = _trainer("3Blue1Brown digits")
    trainer.fit(PRESETS["3Blue1Brown digits"].epochs)
    d = trainer.dataset
    _, accuracy = trainer.evaluate(d.X_test, d.Y_test)
    assert accuracy > 0.90


def test_accurate_digits_loads_the_shipped_model(qapp):
    session = Session(preset="Accurate digits")
    assert session.preset_name == "Accurate digits"
    assert session.network.sizes[0] == 784 and session.network.sizes[-1] == 10
    assert session.evaluate("test")[1] >= 0.97


def test_a_missing_default_model_falls_back_and_says_so(qapp, monkeypatch, tmp_path):
    missing = dataclasses.replace(PRESETS["Accurate digits"], model=tmp_path / "gone.npz")
    monkeypatch.setitem(PRESETS, "Accurate digits", missing)
    session = Session(preset="Accurate digits")
    assert session.preset_name == FALLBACK_PRESET
    assert "gone.npz" in session.startup_notice or "could not be loaded" in session.startup_notice
    assert FALLBACK_PRESET in session.startup_notice


def test_default_model_path_is_in_resources():
    assert DEFAULT_MODEL.parent.name == "models" and DEFAULT_MODEL.name == "digits.npz"
