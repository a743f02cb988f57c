"""The data catalogue: every dataset the Session can show, loaded once, and which one fits a network.

Qt-free. A dataset is named by a key: one of `engine.datasets.NAMES`, or "preset:NAME" for a preset's own
data (XOR's truth table). Loading the digits costs a second, so a dataset is loaded once and kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine import datasets
from engine import io as model_io
from engine.datasets.dataset import Dataset
from engine.network import Network
from playground.presets import PRESETS, Preset

DIGIT_PIXELS = 28 * 28
PRESET_PREFIX = "preset:"
PROBE_SIZE = 512  # samples in a probe batch: enough for a smooth cost curve, small enough to be live


def is_digits_network(sizes: Sequence[int]) -> bool:
    """The one rule for "is this a digits network": its inputs are the pixels of a 28x28 digit.

    Pass a network's sizes, or `[dataset.n_features]` to ask the same of data.
    """
    return int(sizes[0]) == DIGIT_PIXELS


def fits(data: Dataset, sizes: Sequence[int]) -> bool:
    """Can a network of these layer sizes learn this data (inputs and outputs agree)?"""
    return data.n_features == sizes[0] and data.n_outputs == sizes[-1]


def preset_key(preset: Preset) -> str:
    """The catalogue key of a preset's data: its own data if it makes some, else its named dataset."""
    return PRESET_PREFIX + preset.name if preset.make_data is not None else preset.dataset


class DataCatalog:
    """A cache of datasets by key; loads on first use."""

    def __init__(self) -> None:
        self._cache: dict[str, Dataset] = {}

    def load(self, key: str) -> Dataset:
        """A dataset by name, or "preset:NAME" for a preset's own data. Raises ValueError/OSError."""
        if key not in self._cache:
            if key.startswith(PRESET_PREFIX):
                preset = PRESETS.get(key.removeprefix(PRESET_PREFIX))
                if preset is None or preset.make_data is None:
                    raise ValueError(f"no preset data called {key!r}")
                self._cache[key] = preset.make_data()
            else:
                self._cache[key] = datasets.load(key, seed=0)
        return self._cache[key]

    def remember(self, key: str, data: Dataset) -> None:
        """Keep data loaded elsewhere (a CSV file read by the Session) under this key."""
        self._cache[key] = data

    def forget(self, key: str) -> None:
        """Read this dataset again next time (e.g. after the full MNIST was downloaded)."""
        self._cache.pop(key, None)

    def dataset_for(self, sizes: Sequence[int], prefer: str = "") -> str | None:
        """The key of a dataset a network of these sizes fits, `prefer` first; None if none does."""
        for key in dict.fromkeys([prefer, *datasets.NAMES]):
            if not key:
                continue
            if key == "digits" and not is_digits_network(sizes):
                continue  # don't load the digits just to find that they do not fit
            if key != "digits" and not key.startswith(PRESET_PREFIX) and is_digits_network(sizes):
                continue  # the other named sets are points in a plane
            try:
                data = self.load(key)
            except (ValueError, OSError):
                continue
            if fits(data, sizes):
                return key
        return None

    # Both below raise ValueError with a sentence for the user, and change nothing.
    def preset_model(self, preset: Preset) -> tuple[Network, Dataset, str]:
        """A preset's network (its trained model, or fresh seeded weights), its data and the data's key."""
        net = None
        if preset.model is not None:
            try:
                net = model_io.load(preset.model)
            except (ValueError, OSError) as exc:
                raise ValueError(f"The model of “{preset.name}” could not be loaded ({exc}).") from None
        key = preset_key(preset)
        try:
            data = self.load(key)
        except (ValueError, OSError) as exc:
            raise ValueError(f"Could not load the {preset.dataset} data: {exc}") from None
        if net is None:
            net = Network([data.n_features, *preset.hidden, data.n_outputs], activation=preset.activation,
                          output=preset.output, seed=preset.seed)
        elif not fits(data, net.sizes):
            raise ValueError(f"The model of “{preset.name}” has {net.sizes[0]} inputs and {net.sizes[-1]} "
                             f"outputs; the {preset.dataset} data needs {data.n_features} and "
                             f"{data.n_outputs}.")
        return net, data, key

    def model_file(self, path: Path, prefer: str = "") -> tuple[Network, Dataset, str]:
        """A model file's network, and the data it fits (`prefer` first) with its key."""
        try:
            net = model_io.load(path)
        except (ValueError, OSError) as exc:
            raise ValueError(f"Could not open {path.name}: {exc}") from None
        key = self.dataset_for(net.sizes, prefer)
        if key is None:
            raise ValueError(f"{path.name} has {net.sizes[0]} inputs and {net.sizes[-1]} outputs: "
                             "no dataset here fits it.")
        return net, self.load(key), key


def neuron_names(sizes: Sequence[int], layer: int) -> list[str]:
    """Names of the neurons of `layer`, as the lab labels a neuron's inputs (px3_4 for a digit's pixel)."""
    n = sizes[layer]
    if layer == 0:
        if is_digits_network(sizes):
            side = int(round(math.sqrt(n)))
            return [f"px{r}_{c}" for r in range(side) for c in range(side)]
        return [f"x{k + 1}" for k in range(n)]
    if layer == len(sizes) - 1:
        return [f"out{k}" for k in range(n)]
    return [f"h{layer}_{k}" for k in range(n)]


def probe_batch(data: Dataset, dtype, size: int = PROBE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Up to `size` training samples, chosen with a fixed seed and spread over the whole split."""
    idx = np.sort(np.random.default_rng(0).permutation(len(data.X_train))[:size])
    return (np.ascontiguousarray(data.X_train[idx], dtype=dtype),
            np.ascontiguousarray(data.Y_train[idx], dtype=dtype))
