"""Presets: a dataset, a network shape and a training recipe that learns visibly.

A preset is plain data (no Qt): the Session applies it. Each recipe was chosen by measurement
(tests/playground/test_presets.py trains each one headless and checks it learns).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine import resources
from engine.datasets.dataset import Dataset, targets
from engine.finetune import FINE_TUNE

RESOURCES = resources.RESOURCES  # package data (engine/resources), found wherever the app is installed
DEFAULT_MODEL = RESOURCES / "models" / "digits.npz"


def xor_truth_table(n: int = 400, spread: float = 0.12, seed: int = 0) -> Dataset:
    """XOR as in the textbooks: the four corners of its truth table, each a small cloud of points.

    Class 1 where exactly one coordinate is "on" (+0.5), class 0 where both or neither are. Unlike
    the quadrant XOR of the dataset list, whose points reach the axes, these clouds leave room for
    the two straight lines that two hidden neurons draw, so a 2-2-1 network can get every point right.
    """
    rng = np.random.default_rng(seed)
    corner = rng.integers(0, 2, size=(n, 2))
    labels = (corner[:, 0] != corner[:, 1]).astype(np.int64)
    X = ((corner * 2 - 1) * 0.5 + rng.normal(0.0, spread, size=(n, 2))).astype(np.float32)
    cut = int(0.8 * n)
    return Dataset(
        name="xor", X_train=X[:cut], Y_train=targets(labels[:cut], 2), X_test=X[cut:],
        Y_test=targets(labels[cut:], 2), labels_train=labels[:cut], labels_test=labels[cut:],
        classes=["0", "1"],
        source=f"XOR truth table: four clouds of points (spread {spread:g}), {cut} train / {n - cut} test, "
               f"seed {seed}",
    )


@dataclass(frozen=True)
class Preset:
    name: str
    dataset: str
    hidden: list[int] = field(default_factory=list)
    activation: str = "sigmoid"
    output: str = "sigmoid"
    cost: str = "mse"
    optimizer: str = "sgd"
    learning_rate: float = 0.1
    batch_size: int = 32
    seed: int = 0
    epochs: int = 0  # how many epochs Run trains before it pauses itself; 0 = until paused
    # Run's steps per second at first; 0 = as fast as it goes. The small 2-D problems learn in a few hundred
    # steps (XOR: 100% after ~100), so at full speed they are done before anyone can look.
    run_speed: float = 0.0
    model: Path | None = None  # a trained model file to start from instead of random weights
    make_data: Callable[[], Dataset] | None = None  # the preset's own data instead of datasets.load
    description: str = ""


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            name="3Blue1Brown digits",
            dataset="digits",
            hidden=[16, 16],
            activation="sigmoid",
            output="softmax",
            cost="cross_entropy",
            optimizer="momentum",
            learning_rate=0.1,
            batch_size=32,
            seed=0,
            epochs=8,
            description="The network from 3Blue1Brown's videos: 784 pixels, two hidden layers of 16 "
            "sigmoid neurons, 10 outputs. It starts random; press Run: in 8 epochs it passes 90% "
            "on test digits it never trained on.",
        ),
        Preset(
            name="XOR",
            dataset="xor",
            hidden=[2],
            activation="tanh",
            output="sigmoid",
            cost="cross_entropy",
            optimizer="adam",
            learning_rate=0.05,
            batch_size=16,
            seed=6,
            run_speed=20,
            make_data=xor_truth_table,
            description="The smallest problem a single neuron cannot solve: output 1 when exactly one "
            "input is on. Two hidden neurons are just enough: each draws a line, and the output "
            "neuron keeps the band between them.",
        ),
        Preset(
            name="Circle",
            dataset="circle",
            hidden=[4, 4],
            activation="tanh",
            output="sigmoid",
            cost="cross_entropy",
            optimizer="adam",
            learning_rate=0.03,
            batch_size=16,
            seed=0,
            run_speed=30,
            description="Points inside a circle versus outside: the hidden neurons each draw a line, "
            "and the next layer combines the lines into a closed curve.",
        ),
        Preset(
            name="Spiral",
            dataset="spiral",
            hidden=[8, 8],
            activation="tanh",
            output="sigmoid",
            cost="cross_entropy",
            optimizer="adam",
            learning_rate=0.03,
            batch_size=32,
            seed=0,
            run_speed=200,
            description="Two interleaved spirals: a hard one. Watch the boundary wind itself around "
            "the arms as training goes on.",
        ),
        Preset(
            name="Accurate digits",
            dataset="digits",
            hidden=[],  # taken from the shipped model file
            activation="relu",
            output="softmax",
            cost="cross_entropy",
            # Step and Run go on training a trained network: engine.finetune's setting, which keeps
            # its accuracy (Adam from fresh moments at 0.001 took 98.1% to 96.9% in 30 steps)
            optimizer=FINE_TUNE.optimizer,
            learning_rate=FINE_TUNE.lr,
            batch_size=FINE_TUNE.batch_size,
            seed=0,
            model=DEFAULT_MODEL,
            description="The shipped, already trained digits model. Draw a digit on the pad and it "
            "is recognised at once. " + FINE_TUNE.describe(),
        ),
    ]
}

DEFAULT_PRESET = "Accurate digits"
FALLBACK_PRESET = "3Blue1Brown digits"  # when the shipped model is missing or unreadable


def reset_note(preset_name: str, seed: int) -> str:
    """What Reset tells the user; after resetting a trained model, how to get it back."""
    preset = PRESETS.get(preset_name)
    if preset is not None and preset.model is not None:
        return (f"Weights re-initialised at random (seed {seed}); the trained model is set aside. "
                f"Presets ▸ {preset_name} loads it again.")
    return f"Weights re-initialised (seed {seed})."
