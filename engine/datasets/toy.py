"""Two-dimensional toy sets (as in TensorFlow Playground): points in about [-1, 1]², two classes.

Each generator makes n points, half of each class, from a seeded random generator, adds gaussian
jitter of standard deviation `noise` to both coordinates, shuffles them and keeps the first 80% for
training and the rest for testing. The same seed with another noise gives the same points, jittered
differently, in the same splits. Targets are a single 0/1 column, so a network for these sets
ends in one neuron.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.datasets.dataset import Dataset, targets

N_DEFAULT = 400
NOISE_DEFAULT = 0.05
TRAIN_FRACTION = 0.8

Generator = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]


def _xor(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 where the signs of x and y differ (quadrants II and IV): no single line separates them."""
    n0 = n // 2
    labels = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    # A margin of 0.05 around the axes keeps the noiseless set cleanly separable.
    magnitude = rng.uniform(0.05, 1.0, size=(n, 2))
    sign_x = rng.choice([-1.0, 1.0], size=n)
    sign_y = np.where(labels == 1, -sign_x, sign_x)
    points = magnitude * np.column_stack([sign_x, sign_y])
    return points, labels


def _circle(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 inside a disc of radius 0.5, class 0 on a ring from 0.7 to 1.0 around it."""
    n_in = n // 2
    radius = np.concatenate([0.5 * np.sqrt(rng.uniform(0, 1, n_in)),  # sqrt: uniform over the area
                             rng.uniform(0.7, 1.0, n - n_in)])
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    labels = np.concatenate([np.ones(n_in, np.int64), np.zeros(n - n_in, np.int64)])
    return points, labels


def _spiral(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, 1.75 turns each, half a turn apart."""
    n0 = n // 2
    labels = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    radius = rng.uniform(0.05, 1.0, n)
    angle = radius * 1.75 * 2 * np.pi + np.pi * labels
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return points, labels


def _moons(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interlocking half circles (scikit-learn's make_moons), scaled into [-1, 1] x [-0.5, 0.5]."""
    n0 = n // 2
    t = rng.uniform(0, np.pi, n)
    labels = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    x = np.where(labels == 0, np.cos(t), 1 - np.cos(t))
    y = np.where(labels == 0, np.sin(t), 0.5 - np.sin(t))
    # The moons span x in [-1, 2] and y in [-0.5, 1]; centre them and shrink by 1.5.
    points = np.column_stack([(x - 0.5) / 1.5, (y - 0.25) / 1.5])
    return points, labels


def _gauss(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two round gaussian clusters (standard deviation 0.2) centred at (0.5, 0.5) and (-0.5, -0.5)."""
    n1 = n // 2
    labels = np.concatenate([np.ones(n1, np.int64), np.zeros(n - n1, np.int64)])
    centres = np.where(labels[:, None] == 1, 0.5, -0.5)
    points = centres + rng.normal(0, 0.2, size=(n, 2))
    return points, labels


GENERATORS: dict[str, Generator] = {
    "xor": _xor,
    "circle": _circle,
    "spiral": _spiral,
    "moons": _moons,
    "gauss": _gauss,
}
TITLES = {"xor": "XOR", "circle": "Circle", "spiral": "Spiral", "moons": "Two moons",
          "gauss": "Two gaussian clusters"}


MAX_POINTS = 1_000_000  # a million points already take seconds to draw in the window


def make(name: str, n: int | None = None, noise: float | None = None, seed: int = 0) -> Dataset:
    """A toy set by name ("xor", "circle", "spiral", "moons", "gauss"): n points, 80% train / 20% test.

    The same name, n, noise and seed always give the same points.
    """
    if name not in GENERATORS:
        raise ValueError(f"Unknown 2-D dataset {name!r}; choose one of {', '.join(GENERATORS)}.")
    n = N_DEFAULT if n is None else int(n)
    noise = NOISE_DEFAULT if noise is None else float(noise)
    if n < 10:
        raise ValueError(f"A 2-D dataset needs at least 10 points (got {n}).")
    if n > MAX_POINTS:
        raise ValueError(f"A 2-D dataset has at most {MAX_POINTS:,} points (got {n:,}).")
    if not (isinstance(seed, int | np.integer) and seed >= 0):
        raise ValueError(f"The seed must be a whole number >= 0 (got {seed!r}).")
    if not 0 <= noise <= 1:
        raise ValueError(f"Noise must be between 0 and 1 (got {noise}).")
    # Separate random streams for the points, the jitter and the split, so that changing the noise
    # moves the same points by a little and keeps every point in its split.
    points_rng, noise_rng, split_rng = (np.random.default_rng(s)
                                        for s in np.random.SeedSequence(seed).spawn(3))
    points, labels = GENERATORS[name](points_rng, n)
    if noise:
        points = points + noise_rng.normal(0, noise, size=points.shape)
    order = split_rng.permutation(n)
    X = points[order].astype(np.float32)
    labels = labels[order]
    cut = int(round(TRAIN_FRACTION * n))
    return Dataset(
        name=name,
        X_train=X[:cut], Y_train=targets(labels[:cut], 2),
        X_test=X[cut:], Y_test=targets(labels[cut:], 2),
        labels_train=labels[:cut], labels_test=labels[cut:],
        classes=["0", "1"],
        source=f"{TITLES[name]}: {cut:,} train / {n - cut:,} test points, noise {noise:g}, seed {seed}",
        feature_names=["x1", "x2"],
    )
