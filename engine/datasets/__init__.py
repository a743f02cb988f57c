"""Datasets by name: MNIST digits, 2-D toy sets, or a CSV file.

    from engine import datasets
    data = datasets.load("digits")          # full MNIST if downloaded, else the bundled 10,000
    data = datasets.load("spiral", n=300, noise=0.1, seed=2)
    data = datasets.load("flowers.csv")
"""

from __future__ import annotations

import os
from pathlib import Path

from engine.datasets import mnist, toy
from engine.datasets.csv import CsvError, load_csv
from engine.datasets.dataset import Dataset, targets
from engine.datasets.mnist import DownloadCancelled, DownloadError, IdxError, read_idx, user_data_dir

NAMES = ["digits", "xor", "circle", "spiral", "moons", "gauss", "spiral3", "reg-plane", "reg-gauss"]
SOURCES = ("auto", "bundled", "full")

__all__ = [
    "NAMES", "Dataset", "CsvError", "DownloadError", "DownloadCancelled", "IdxError", "damaged_cache_notice",
    "load", "load_csv", "read_idx", "targets", "user_data_dir",
]


def damaged_cache_notice(problem: Exception) -> str:
    """What to tell the user when the downloaded MNIST set cannot be read and the bundled digits stand in."""
    path = getattr(problem, "path", None) or getattr(problem, "filename", None)
    where = f" ({path})" if path else f" (in {mnist.full_dir()})"
    return (f"The downloaded MNIST set cannot be read{where}: {problem} Using the bundled 10,000 digits "
            "instead; download the full set again to use all 70,000.")


def load(name_or_csv_path: str | os.PathLike, *, seed: int = 0, n: int | None = None,
         noise: float | None = None, source: str = "auto", train_fraction: float | None = None) -> Dataset:
    """A dataset by name (one of NAMES) or the path of a CSV file.

    digits: source "auto" takes the full MNIST set if it has been downloaded into the user's data
    folder and reads cleanly, else the bundled subset (with a `notice` naming the damaged file, when
    the download is there but cannot be read: mnist.delete_full() then download_full() repairs it);
    "bundled" always the bundled subset (the default model's accuracy is measured on its test split);
    "full" the downloaded set or an error.
    2-D sets: n points (default 400), gaussian jitter `noise` (default 0.05), reproducible by seed,
    `train_fraction` of them for training (default 0.8).
    CSV: seed shuffles the 80/20 train/test split.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)} (got {source!r}).")
    name = os.fspath(name_or_csv_path)
    if name == "digits":
        if source == "bundled":
            return mnist.load_bundled()
        if source == "full":
            return mnist.load_full()
        if mnist.full_available():
            try:
                return mnist.load_full()
            except (OSError, ValueError) as exc:  # a damaged cache must not stop the app
                data = mnist.load_bundled()
                data.notice = damaged_cache_notice(exc)
                return data
        return mnist.load_bundled()
    if name in toy.GENERATORS:
        fraction = toy.TRAIN_FRACTION if train_fraction is None else train_fraction
        return toy.make(name, n=n, noise=noise, seed=seed, train_fraction=fraction)
    if name.lower().endswith(".csv") or Path(name).is_file():
        return load_csv(name, seed=seed)
    raise ValueError(f"Unknown dataset {name!r}: use one of {', '.join(NAMES)} or the path of a CSV file.")
