"""My digits: the user's own labelled drawings, kept across restarts in the user's data folder.

Each entry is a 28×28 digit exactly as the network saw it (the output of preprocess.to_mnist, ink 1.0
on 0.0) and the digit the user said it is. The file is an .npz holding plain arrays only (loaded with
allow_pickle=False, so opening one never runs code):

    images   (n, 28, 28) float32 in [0, 1]
    labels   (n,)        int64 in 0..9
    version  ()          int, FORMAT_VERSION

Every change is saved at once and atomically: the new file is written beside the old one and renamed
over it, so a crash mid-save leaves the previous file whole. A file that cannot be read raises
ValueError and is never written over: `set_aside` renames it out of the way when the user agrees.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np

from engine.datasets.mnist import user_data_dir

SIDE = 28
FORMAT_VERSION = 1
FILE_NAME = "my-digits.npz"


def default_path() -> Path:
    """Where My digits live: my-digits.npz in the user's data folder (as the MNIST download)."""
    return user_data_dir() / FILE_NAME


class MyDigits:
    """The labelled drawings in one .npz file; opens it (or starts empty if there is none yet)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_path()
        self._images = np.zeros((0, SIDE, SIDE), np.float32)
        self._labels = np.zeros(0, np.int64)
        if self.path.exists():
            self._images, self._labels = read(self.path)

    def __len__(self) -> int:
        return len(self._labels)

    @property
    def images(self) -> np.ndarray:
        """(n, 28, 28) float32, a read-only view: change the store through add and delete."""
        view = self._images.view()
        view.flags.writeable = False
        return view

    @property
    def labels(self) -> np.ndarray:
        view = self._labels.view()
        view.flags.writeable = False
        return view

    def counts(self) -> np.ndarray:
        """How many drawings of each digit 0..9 there are."""
        return np.bincount(self._labels, minlength=10)

    def add(self, x, label: int) -> int:
        """Add a digit (784 values or 28×28, ink 1.0 on 0.0) labelled `label`; saves; returns its index."""
        image = _as_image(x)
        if isinstance(label, bool) or not isinstance(label, int | np.integer) or not 0 <= label <= 9:
            raise ValueError(f"the label must be a digit 0..9, not {label!r}")
        images = np.concatenate([self._images, image[None]])
        labels = np.append(self._labels, np.int64(label))
        _write(self.path, images, labels)
        self._images, self._labels = images, labels
        return len(labels) - 1

    def delete(self, index: int) -> None:
        """Remove entry `index` (as numbered by `images` / `labels`); saves."""
        if not -len(self) <= index < len(self):
            raise IndexError(f"there is no digit {index} (My digits holds {len(self)})")
        images = np.delete(self._images, index, axis=0)
        labels = np.delete(self._labels, index)
        _write(self.path, images, labels)
        self._images, self._labels = images, labels

    def load(self) -> tuple[np.ndarray, np.ndarray]:
        """(X, labels): X (n, 784) float32 rows a digits network takes, labels (n,) int64."""
        return self._images.reshape(len(self), SIDE * SIDE).copy(), self._labels.copy()


def load(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, 784) float32, labels (n,) int64) from a My digits file; ValueError if it cannot be read."""
    images, labels = read(Path(path))
    return images.reshape(len(images), SIDE * SIDE), labels


def read(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The images and labels of a My digits file, checked; ValueError with the reason otherwise."""
    try:
        with np.load(path, allow_pickle=False) as data:
            version = int(data["version"])
            images = np.asarray(data["images"])
            labels = np.asarray(data["labels"])
    except FileNotFoundError:
        raise
    except (OSError, KeyError, ValueError, TypeError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ValueError(f"My digits file {path} cannot be read ({exc}); it was left as it is.") from exc
    if version > FORMAT_VERSION:
        raise ValueError(f"My digits file {path} was written by a newer version of the app "
                         f"(format {version}); it was left as it is.")
    n = len(labels)
    if (labels.ndim != 1 or images.shape != (n, SIDE, SIDE) or images.dtype.kind != "f"
            or labels.dtype.kind not in "iu"):
        raise ValueError(f"My digits file {path} is not laid out as expected (images (n, 28, 28) "
                         f"floats, labels (n,) integers); it was left as it is.")
    if n and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"My digits file {path} has a label outside 0..9; it was left as it is.")
    if not np.isfinite(images).all() or (n and (images.min() < 0 or images.max() > 1)):
        raise ValueError(f"My digits file {path} has pixels outside 0..1; it was left as it is.")
    return images.astype(np.float32), labels.astype(np.int64)


def set_aside(path: str | os.PathLike) -> Path:
    """Rename an unreadable file to my-digits.unreadable-<time>.npz (nothing is deleted); returns
    the new name, so the user can start afresh and still send the old file to someone who can help."""
    path = Path(path)
    target = path.with_name(f"{path.stem}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}{path.suffix}")
    os.replace(path, target)
    return target


def _as_image(x) -> np.ndarray:
    image = np.asarray(x, dtype=np.float32)
    if image.size != SIDE * SIDE or image.ndim not in (1, 2):
        raise ValueError(f"a digit is 784 values (or 28×28); got an array of shape {image.shape}")
    image = image.reshape(SIDE, SIDE)
    if not np.isfinite(image).all() or image.min() < 0 or image.max() > 1:
        raise ValueError("a digit's pixels must lie in 0..1 (ink 1.0 on 0.0)")
    return image


def _write(path: Path, images: np.ndarray, labels: np.ndarray) -> None:
    """Write atomically: a temporary file beside `path`, flushed to disk, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".part",
                                         delete=False)
    temp = Path(handle.name)
    try:
        with handle:
            np.savez(handle, images=images, labels=labels, version=np.int64(FORMAT_VERSION))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
