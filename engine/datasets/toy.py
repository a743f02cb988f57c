"""Two-dimensional toy sets (as in TensorFlow Playground): points in about [-1, 1]².

Each generator makes n points from a seeded random generator, adds gaussian jitter of standard
deviation `noise` to both coordinates, shuffles them and keeps the first `train_fraction` (80% by
default) for training and the rest for testing. The same seed with another noise gives the same
points, jittered differently, in the same splits.

Classification sets have two classes (a single 0/1 target column, so the network ends in one neuron)
except "spiral3", three interleaved arms with one-hot targets (a softmax output). The regression sets
"reg-plane" and "reg-gauss" (TensorFlow Playground's plane and Gaussian bumps) have one real-valued
target in [-1, 1], for a linear output and MSE; their labels are the target's sign (1 where it is
positive), so "accuracy" there means "on the right side of zero" and `task` says "regression".
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


def _spiral3(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Three interleaved spiral arms, a third of a turn apart: a problem for three classes."""
    labels = np.arange(n, dtype=np.int64) * 3 // n  # n/3 of each class, in order
    radius = rng.uniform(0.05, 1.0, n)
    angle = radius * 1.25 * 2 * np.pi + 2 * np.pi / 3 * labels
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return points, labels


# Regression sets return real targets instead of class labels. TensorFlow Playground draws them on
# [-6, 6]²; ours live on [-1, 1]², so its lengths are divided by 6.
def _reg_plane(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A tilted plane: the target is 0.6·(x1 + x2), from about −1 to 1 (its label = (x + y) / 10)."""
    points = rng.uniform(-1, 1, size=(n, 2))
    return points, 0.6 * (points[:, 0] + points[:, 1])


BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def reg_gauss_target(points: np.ndarray) -> np.ndarray:
    """Six bumps, alternately up and down; each point takes the bump strongest at it (as TF Playground)."""
    target = np.zeros(len(points))
    for cx, cy, sign in BUMPS:
        distance = np.hypot(points[:, 0] - cx / 6, points[:, 1] - cy / 6)
        value = sign * np.clip(1 - distance / (2 / 6), 0, 1)  # 1 at the centre, 0 from 2/6 away
        target = np.where(np.abs(value) > np.abs(target), value, target)
    return target


def _reg_gauss(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    points = rng.uniform(-1, 1, size=(n, 2))
    return points, reg_gauss_target(points)


GENERATORS: dict[str, Generator] = {
    "xor": _xor,
    "circle": _circle,
    "spiral": _spiral,
    "moons": _moons,
    "gauss": _gauss,
    "spiral3": _spiral3,
    "reg-plane": _reg_plane,
    "reg-gauss": _reg_gauss,
}
REGRESSION = ("reg-plane", "reg-gauss")
N_CLASSES = {"spiral3": 3}  # the others have two classes (or are regression sets)
TITLES = {"xor": "XOR", "circle": "Circle", "spiral": "Spiral", "moons": "Two moons",
          "gauss": "Two gaussian clusters", "spiral3": "Three spirals", "reg-plane": "Plane (regression)",
          "reg-gauss": "Gaussian bumps (regression)"}


MAX_POINTS = 1_000_000  # a million points already take seconds to draw in the window


def make(name: str, n: int | None = None, noise: float | None = None, seed: int = 0,
         train_fraction: float = TRAIN_FRACTION) -> Dataset:
    """A toy set by name (one of GENERATORS): n points, `train_fraction` of them for training.

    The same name, n, noise, seed and fraction always give the same points.
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
    if not 0.05 <= train_fraction <= 0.95:
        raise ValueError(f"The training fraction must be between 0.05 and 0.95 (got {train_fraction}).")
    # Separate random streams for the points, the jitter and the split, so that changing the noise
    # moves the same points by a little and keeps every point in its split.
    points_rng, noise_rng, split_rng = (np.random.default_rng(s)
                                        for s in np.random.SeedSequence(seed).spawn(3))
    points, labels = GENERATORS[name](points_rng, n)
    if noise:
        points = points + noise_rng.normal(0, noise, size=points.shape)
    order = split_rng.permutation(n)
    cut = int(round(train_fraction * n))
    source = (f"{TITLES[name]}: {cut:,} train / {n - cut:,} test points, noise {noise:g}, seed {seed}")
    return from_points(name, points[order], labels[order], cut, source)


def from_points(name: str, points: np.ndarray, labels_or_targets: np.ndarray, n_train: int,
                source: str, n_classes: int | None = None) -> Dataset:
    """A 2-D Dataset from points and their labels (or real targets for a regression set).

    The first n_train points train, the rest test. Used for the generated sets and for points a user
    clicks in, so both follow one rule for targets, labels and classes.
    """
    X = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if name in REGRESSION:
        y = np.asarray(labels_or_targets, dtype=np.float32).reshape(-1, 1)
        labels = (y[:, 0] > 0).astype(np.int64)
        return Dataset(name=name, X_train=X[:n_train], Y_train=y[:n_train], X_test=X[n_train:],
                       Y_test=y[n_train:], labels_train=labels[:n_train], labels_test=labels[n_train:],
                       classes=["below 0", "above 0"], source=source, feature_names=["x1", "x2"],
                       task="regression")
    k = n_classes or N_CLASSES.get(name, 2)
    labels = np.asarray(labels_or_targets, dtype=np.int64).reshape(-1)
    return Dataset(
        name=name,
        X_train=X[:n_train], Y_train=targets(labels[:n_train], k),
        X_test=X[n_train:], Y_test=targets(labels[n_train:], k),
        labels_train=labels[:n_train], labels_test=labels[n_train:],
        classes=[str(c) for c in range(k)],
        source=source,
        feature_names=["x1", "x2"],
    )
