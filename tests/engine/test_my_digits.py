"""My digits: labelled drawings kept in an .npz in the user's data folder; atomic, never pickled."""

from __future__ import annotations

import os

import numpy as np
import pytest

from engine.datasets import my_digits
from engine.datasets.my_digits import MyDigits


def digit(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, 784).astype(np.float32)


def test_lives_in_the_same_data_folder_as_the_mnist_download(tmp_path, monkeypatch):
    from engine.datasets.mnist import full_dir

    monkeypatch.setenv("NN_PLAYGROUND_DATA", str(tmp_path / "data"))
    assert my_digits.default_path() == tmp_path / "data" / "my-digits.npz"
    assert my_digits.default_path().parent == full_dir().parent
    store = MyDigits()
    store.add(digit(0), 4)
    assert (tmp_path / "data" / "my-digits.npz").is_file()


def test_add_delete_list_and_load_survive_a_restart(tmp_path):
    path = tmp_path / "sub" / "mine.npz"  # the folder does not exist yet
    store = MyDigits(path)
    assert len(store) == 0 and not path.exists()
    xs = [digit(i) for i in range(4)]
    for x, label in zip(xs, [3, 1, 4, 1], strict=True):
        store.add(x, label)
    store.delete(1)
    again = MyDigits(path)  # a restart: everything comes back from the file
    np.testing.assert_array_equal(again.labels, [3, 4, 1])
    np.testing.assert_array_equal(again.counts(), [0, 1, 0, 1, 1, 0, 0, 0, 0, 0])
    X, labels = again.load()
    assert X.shape == (3, 784) and X.dtype == np.float32 and labels.dtype == np.int64
    np.testing.assert_array_equal(X, np.stack([xs[0], xs[2], xs[3]]))  # exactly what was added
    np.testing.assert_array_equal(again.images[1], xs[2].reshape(28, 28))
    X2, labels2 = my_digits.load(path)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(labels2, labels)
    with pytest.raises(ValueError):  # the views are read-only: changes go through add / delete
        again.images[0, 0, 0] = 1.0
    with pytest.raises(IndexError):
        again.delete(3)


def test_bad_digits_and_labels_are_refused_and_nothing_is_written(tmp_path):
    store = MyDigits(tmp_path / "m.npz")
    for x, label in [(np.zeros(783), 1), (np.zeros(784), 10), (np.zeros(784), -1), (np.zeros(784), True),
                     (np.full(784, 2.0), 1), (np.full(784, np.nan), 1), (np.zeros(784), 1.5)]:
        with pytest.raises(ValueError):
            store.add(x, label)
    assert len(store) == 0 and not (tmp_path / "m.npz").exists()


def test_the_file_holds_plain_arrays_only(tmp_path):
    path = tmp_path / "m.npz"
    MyDigits(path).add(digit(1), 7)
    with np.load(path, allow_pickle=False) as data:  # would raise for any object array
        assert sorted(data.files) == ["images", "labels", "version"]
        assert data["images"].shape == (1, 28, 28) and int(data["labels"][0]) == 7


def test_a_failed_save_keeps_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    store = MyDigits(path)
    store.add(digit(0), 2)
    before = path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(my_digits.os, "replace", full_disk)
    with pytest.raises(OSError):
        store.add(digit(1), 5)
    assert path.read_bytes() == before  # the old file, untouched
    assert len(store) == 1  # and the store still says what the file says
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary file left behind


CORRUPTIONS = {
    "random bytes": lambda p: p.write_bytes(os.urandom(300)),
    "cut short": lambda p: p.write_bytes(p.read_bytes()[:200]),
    "pickled objects": lambda p: np.savez(p, images=np.array([object()]), labels=np.zeros(1), version=1),
    "missing labels": lambda p: np.savez(p, images=np.zeros((1, 28, 28)), version=1),
    "wrong shape": lambda p: np.savez(p, images=np.zeros((2, 20, 20)), labels=np.zeros(2, int), version=1),
    "label 12": lambda p: np.savez(p, images=np.zeros((1, 28, 28)), labels=np.array([12]), version=1),
    "pixels of 255": lambda p: np.savez(p, images=np.full((1, 28, 28), 255.0), labels=[1], version=1),
    "from the future": lambda p: np.savez(p, images=np.zeros((1, 28, 28)), labels=[1], version=99),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupt_file_gives_a_clear_error_and_is_never_overwritten(tmp_path, corruption):
    path = tmp_path / "m.npz"
    MyDigits(path).add(digit(0), 2)
    # np.savez adds ".npz" only to names without it, so these write `path` itself
    CORRUPTIONS[corruption](path)
    damaged = path.read_bytes()
    with pytest.raises(ValueError, match="My digits file .* left as it is") as error:
        MyDigits(path)
    if corruption == "pickled objects":  # refused by np.load itself: nothing is ever unpickled
        assert "allow_pickle" in str(error.value)
    with pytest.raises(ValueError, match="left as it is"):
        my_digits.load(path)
    assert path.read_bytes() == damaged
    # the user may set it aside and start afresh; the old bytes are kept under another name
    kept = my_digits.set_aside(path)
    assert kept.read_bytes() == damaged and not path.exists()
    fresh = MyDigits(path)
    fresh.add(digit(3), 9)
    assert len(MyDigits(path)) == 1
