"""The input plane of a 2-D problem: a grid over it and every neuron's output at each grid point. Qt-free.

TensorFlow Playground draws a picture in every neuron and a big one for the output; all of them come
from one forward pass of the grid through the network (`Network.activations`). `PlaneCache` keeps that
pass until the network or the data changes, so the decision boundary and the neuron maps share it.
The grid lies over where the data's points are (their coordinates, also when the inputs are features
of them such as x1² or sin x2: the grid points then go through the same feature transform).
"""

from __future__ import annotations

import numpy as np

from engine import features
from engine.datasets.dataset import Dataset
from engine.network import Network

PADDING = 0.1  # the plane shown extends 10% beyond the data on each side
EMPTY_EXTENT = (-1.0, 1.0, -1.0, 1.0)  # the plane of a set with no points yet (toy sets live in [-1, 1]²)


def is_plane(dataset: Dataset) -> bool:
    """Are the samples points of a plane (2 coordinates, or features computed from 2 coordinates)?"""
    return not dataset.is_image and (dataset.points_train is not None or dataset.n_features == 2)


def extent(dataset: Dataset) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the data's points of both splits, PADDING wider; at least [-1, 1]² when empty."""
    points = np.concatenate([dataset.points("train"), dataset.points("test")]).astype(float)
    if not len(points):
        return EMPTY_EXTENT
    lo, hi = points.min(axis=0), points.max(axis=0)
    if len(points) < 3:  # one or two points span no area: show the usual plane around them
        lo, hi = np.minimum(lo, -1.0), np.maximum(hi, 1.0)
    pad = PADDING * np.maximum(hi - lo, 1e-6)
    lo, hi = lo - pad, hi + pad
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def grid_points(span: tuple[float, float, float, float], resolution: int) -> np.ndarray:
    """(res*res, 2) points, row-major: row i is y = i-th of `resolution` values from y0 to y1."""
    x0, x1, y0, y1 = span
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)


def network_inputs(dataset: Dataset, points: np.ndarray) -> np.ndarray:
    """What the network is fed for these points: the points, or the data's features of them."""
    if dataset.points_train is not None and all(n in features.FEATURES for n in dataset.feature_names):
        return features.transform(points, dataset.feature_names)
    return np.asarray(points, dtype=np.float32)


def activations_on(network: Network, dataset: Dataset, span, resolution: int) -> list[np.ndarray]:
    """Every layer's activations over the grid, the input first, each (neurons, res, res)."""
    inputs = network_inputs(dataset, grid_points(span, resolution)).astype(network.dtype)
    return [np.ascontiguousarray(np.asarray(a, dtype=float).T.reshape(a.shape[1], resolution, resolution))
            for a in network.activations(inputs)]


class PlaneCache:
    """One forward pass of the grid per network state, shared by every view that draws the plane."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._layers: list[np.ndarray] = []
        self.passes = 0  # forward passes made (tests count them)

    def clear(self) -> None:
        """The weights or the data changed: the next request makes a new pass."""
        self._key = None

    def activations(self, network: Network, dataset: Dataset, resolution: int) -> list[np.ndarray]:
        key = (id(network), id(dataset), int(resolution))
        if self._key != key:
            self._layers = activations_on(network, dataset, extent(dataset), int(resolution))
            self._key = key
            self.passes += 1
        return self._layers
