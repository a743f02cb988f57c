"""MNIST digits: the bundled 10,000, the IDX file format, and the optional download of all 70,000.

The bundled subset (engine/resources/digits/mnist-10k.npz, built by tools/build_bundled_digits.py)
makes the app work offline from the first launch. The full set is four gzipped IDX files that download_full
fetches once into the user's data folder, verified by checksum; load_full reads them from there.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import math
import os
import socket
import sys
import tempfile
import threading
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from engine.datasets.dataset import Dataset, targets
from engine.resources import BUNDLED_DIGITS

SIDE = 28
CLASSES = [str(d) for d in range(10)]
BUNDLED_PATH = BUNDLED_DIGITS  # engine/resources/digits/mnist-10k.npz, found by importlib.resources
BUNDLED_TEST = 1000  # the last 1,000 entries of the stored permutation: 100 of each digit

# The four files of the full set, with the md5 sums torchvision publishes for them
# (torchvision/datasets/mnist.py, MNIST.resources).
FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
# Their sizes in bytes, as every mirror serves them: for the download dialog's explanation, and for the
# progress total when a server does not announce one (Content-Length).
SIZES: dict[str, int] = {
    "train-images-idx3-ubyte.gz": 9_912_422,
    "train-labels-idx1-ubyte.gz": 28_881,
    "t10k-images-idx3-ubyte.gz": 1_648_877,
    "t10k-labels-idx1-ubyte.gz": 4_542,
}
# Tried in this order; a file that fails on one mirror is fetched from the next.
MIRRORS: list[str] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # PyTorch's mirror (torchvision)
    "https://storage.googleapis.com/cvdf-datasets/mnist/",  # Google CVDF mirror (TensorFlow)
    "http://yann.lecun.com/exdb/mnist/",  # the original home, often unavailable nowadays
]
CHUNK = 64 * 1024  # the most read at once; a slow server's pieces are passed on as they arrive
TIMEOUT = 30.0  # seconds without a byte before a mirror counts as unreachable
CANCEL_POLL = 0.1  # seconds between looks at cancel() while a connection waits for the server


class DownloadError(Exception):
    """The download failed; the message is one sentence a user can act on."""


class DownloadCancelled(DownloadError):
    """The user cancelled; nothing partial was kept."""


# --------------------------------------------------------------------------- bundled subset


def load_bundled(path: str | os.PathLike | None = None) -> Dataset:
    """The 10,000 bundled MNIST digits, split 9,000 train / 1,000 test (100 of each digit).

    The split is the permutation stored in the file, so it is the same on every machine and every
    numpy version; the default model's accuracy is measured on this test split.
    """
    path = Path(path) if path is not None else BUNDLED_PATH
    try:
        with np.load(path, allow_pickle=False) as data:
            images, labels, order = data["images"], data["labels"], data["order"]
    except (OSError, KeyError, ValueError) as exc:
        raise ValueError(f"The bundled digits file {path} cannot be read ({exc}); reinstall the app "
                         "or rebuild it with tools/build_bundled_digits.py.") from exc
    n = len(images)
    if (images.shape[1:] != (SIDE, SIDE) or labels.shape != (n,) or order.shape != (n,)
            or not np.array_equal(np.sort(order), np.arange(n))):
        raise ValueError(f"The bundled digits file {path} is not laid out as expected "
                         "(images (n, 28, 28), labels (n,), order a permutation of n).")
    order = order.astype(np.int64)
    train, test = order[:-BUNDLED_TEST], order[-BUNDLED_TEST:]
    return _digits_dataset(
        images[train], labels[train], images[test], labels[test],
        source=f"MNIST, bundled subset: {len(train):,} train / {len(test):,} test",
    )


def _digits_dataset(train_images: np.ndarray, train_labels: np.ndarray, test_images: np.ndarray,
                    test_labels: np.ndarray, source: str) -> Dataset:
    """uint8 images (ink 255 on 0, as MNIST stores them) -> float32 rows in [0, 1] and one-hot targets."""

    def rows(images: np.ndarray) -> np.ndarray:
        X = images.reshape(len(images), -1).astype(np.float32)
        X /= 255.0
        return X

    labels_train = train_labels.astype(np.int64)
    labels_test = test_labels.astype(np.int64)
    return Dataset(
        name="digits",
        X_train=rows(train_images), Y_train=targets(labels_train, 10),
        X_test=rows(test_images), Y_test=targets(labels_test, 10),
        labels_train=labels_train, labels_test=labels_test,
        classes=list(CLASSES), source=source,
    )


# --------------------------------------------------------------------------- IDX files

# The third byte of an IDX file's magic number names the element type.
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


MAX_IDX_BYTES = 256 * 1024 * 1024  # MNIST's largest file holds 47 MB; refuse files that claim far more


class IdxError(ValueError):
    """An IDX file that cannot be read; `path` is the file, the message names it and the problem."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path.name}: {problem}")
        self.path = path


def read_idx(path: str | os.PathLike, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read an IDX file (MNIST's format), gzipped or not, into a numpy array of its shape.

    The format: two zero bytes, a type byte, the number of dimensions, each size as a big-endian
    uint32, then the elements. The header is read first and the data only as far as it announces (at
    most max_bytes), so a small .gz that inflates to gigabytes is refused before it is inflated. Any
    problem (a damaged gzip stream too) raises IdxError, a ValueError naming the file and the problem.
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw_file:
            gzipped = raw_file.read(2) == b"\x1f\x8b"  # the gzip magic number
            raw_file.seek(0)
            f = gzip.GzipFile(fileobj=raw_file, mode="rb") if gzipped else raw_file
            return _read_idx_stream(f, path, max_bytes)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise IdxError(path, f"the file is damaged: its gzip stream cannot be decompressed ({exc}).") from exc
    except EOFError as exc:
        raise IdxError(path, f"cannot read the file: it is cut short ({exc}).") from exc
    except OSError as exc:
        raise IdxError(path, f"cannot read the file ({exc.strerror or exc}).") from exc


def _read_idx_stream(f, path: Path, max_bytes: int) -> np.ndarray:
    start = f.read(4)
    if len(start) < 4:
        raise IdxError(path, f"too short to be an IDX file ({len(start)} bytes).")
    if start[0] != 0 or start[1] != 0:
        raise IdxError(path, "not an IDX file (the magic number must start with two zero bytes).")
    type_code, ndim = start[2], start[3]
    if type_code not in IDX_TYPES:
        raise IdxError(path, f"unknown IDX element type 0x{type_code:02x}.")
    if ndim == 0:
        raise IdxError(path, "an IDX file needs at least one dimension.")
    sizes = f.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise IdxError(path, f"the header is cut short ({ndim} dimensions announced).")
    shape = tuple(int.from_bytes(sizes[4 * k : 4 * k + 4], "big") for k in range(ndim))
    dtype = np.dtype(IDX_TYPES[type_code])
    expected = math.prod(shape) * dtype.itemsize  # Python integers: no overflow, however large
    if expected > max_bytes:
        raise IdxError(path, f"the header announces shape {shape}, {expected:,} bytes of data: more than "
                             f"the {max_bytes:,} an MNIST file can need.")
    data = f.read(expected + 1)  # one byte more than announced tells that the file is too long
    if len(data) != expected:
        more = "" if len(data) < expected else " or more"
        raise IdxError(path, f"shape {shape} needs {expected:,} bytes of data, "
                             f"the file has {len(data):,}{more}.")
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # native byte order, and a writable copy


# --------------------------------------------------------------------------- the full set


def user_data_dir() -> Path:
    """Where the app keeps downloaded data: $NN_PLAYGROUND_DATA if set, else the platform's place.

    Linux and other Unix: $XDG_DATA_HOME/nn-playground (default ~/.local/share/nn-playground);
    macOS: ~/Library/Application Support/nn-playground; Windows: %LOCALAPPDATA%\\nn-playground.
    """
    override = os.environ.get("NN_PLAYGROUND_DATA")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "nn-playground"


def full_dir() -> Path:
    """The folder the full MNIST files are cached in by default."""
    return user_data_dir() / "mnist"


def full_available(cache_dir: str | os.PathLike | None = None) -> bool:
    """True if all four files of the full set are in the cache (download_full verified them)."""
    folder = Path(cache_dir) if cache_dir is not None else full_dir()
    return all((folder / name).is_file() for name in FILES)


def load_full(cache_dir: str | os.PathLike | None = None) -> Dataset:
    """The full MNIST set from the cache: 60,000 train / 10,000 test (MNIST's own split)."""
    folder = Path(cache_dir) if cache_dir is not None else full_dir()
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"The full MNIST set is not downloaded (missing {', '.join(missing)} "
                                f"in {folder}).")
    train_images = read_idx(folder / "train-images-idx3-ubyte.gz")
    train_labels = read_idx(folder / "train-labels-idx1-ubyte.gz")
    test_images = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    test_labels = read_idx(folder / "t10k-labels-idx1-ubyte.gz")
    splits = (("train", "train-images-idx3-ubyte.gz", train_images, train_labels),
              ("test", "t10k-images-idx3-ubyte.gz", test_images, test_labels))
    for split, image_file, images, labels in splits:
        if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE) or images.dtype != np.uint8:
            raise IdxError(folder / image_file,
                           f"the {split} images are not 28x28 bytes (shape {images.shape}).")
        if len(images) == 0:
            raise IdxError(folder / image_file, f"the file holds no {split} images.")
        label_file = image_file.replace("images-idx3", "labels-idx1")
        if labels.shape != (len(images),) or labels.max() > 9:
            raise IdxError(folder / label_file, f"the {split} labels do not match the images ({labels.shape} "
                                                f"for {len(images)} images, or a label above 9).")
    return _digits_dataset(
        train_images, train_labels, test_images, test_labels,
        source=f"MNIST, full set: {len(train_images):,} train / {len(test_images):,} test",
    )


def delete_full(cache_dir: str | os.PathLike | None = None) -> list[Path]:
    """Delete the downloaded full set (the four files, and any half-downloaded ones); returns what went.

    For a damaged cache: delete it, then download_full() fetches it again. The folder itself is
    removed too if nothing else is left in it. Raises OSError (naming the file) if one cannot be deleted.
    """
    folder = Path(cache_dir) if cache_dir is not None else full_dir()
    removed = []
    if not folder.is_dir():
        return removed
    partial = [p for name in FILES for p in folder.glob(f".{name}.*.part")]
    for path in [folder / name for name in FILES] + partial:
        if path.is_file():
            path.unlink()
            removed.append(path)
    try:
        folder.rmdir()  # only if empty
    except OSError:
        pass
    return removed


ProgressFn = Callable[[int, "int | None", str], None]


def download_full(cache_dir: str | os.PathLike | None = None, mirrors: Sequence[str] | None = None,
                  progress: ProgressFn | None = None, cancel: Callable[[], bool] | None = None, *,
                  checksums: dict[str, str] | None = None, timeout: float = TIMEOUT) -> Path:
    """Fetch the four MNIST files into cache_dir (default: user_data_dir()/mnist) and return that folder.

    Each file is streamed into a temporary file beside its final place, its checksum checked (md5 or
    sha256, told apart by length), and only then renamed into place, so the cache never holds a
    partial or corrupt file. A file already cached with the right checksum is not fetched again. A
    mirror that fails (unreachable, HTTP error, wrong checksum) hands over to the next one.

    progress(done_bytes, total_bytes or None, file_name) is called as bytes arrive; cancel() is
    polled each time some arrive (however few), and also every CANCEL_POLL seconds on a helper thread
    while the connection waits for a server that sends nothing: True shuts the connection down and
    stops the download with DownloadCancelled within a fraction of a second. A server that sends
    nothing at all holds the download for at most `timeout` seconds. The four published files have
    known sizes (SIZES): a mirror that announces or sends more is cut off at once. Every failure raises
    DownloadError with one sentence saying what went wrong.
    """
    folder = Path(cache_dir) if cache_dir is not None else full_dir()
    mirrors = list(MIRRORS if mirrors is None else mirrors)
    checksums = dict(FILES if checksums is None else checksums)
    if not mirrors:
        raise DownloadError("No download mirrors were given.")
    for name, value in checksums.items():
        if len(value) not in (32, 64):  # a programming error, not a download problem
            raise ValueError(f"The checksum for {name} must be an md5 (32 hex digits) or sha256 (64).")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"Cannot create the folder {folder} ({exc.strerror or exc}).") from exc

    interrupter = _Interrupter(cancel)
    try:
        for name, expected in checksums.items():
            target = folder / name
            if target.is_file() and _digest_file(target, expected) == expected.lower():
                if progress is not None:
                    size = target.stat().st_size
                    progress(size, size, name)
                continue
            _fetch_one(name, expected.lower(), target, mirrors, progress, cancel, timeout, interrupter)
    finally:
        interrupter.close()
    return folder


class _Interrupter:
    """Polls cancel() on a thread while a connection may block, and shuts the connections down once it
    turns True, so a read waiting on a silent server returns at once instead of after `timeout`.

    (A connection still being set up, a server that never answers the TCP handshake, cannot be
    interrupted this way; it ends after `timeout` seconds.)
    """

    def __init__(self, cancel: Callable[[], bool] | None):
        self._cancel = cancel
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self.fired = False
        self._thread = None
        if cancel is not None:
            self._thread = threading.Thread(target=self._watch, name="download-cancel", daemon=True)
            self._thread.start()

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shut(sock)

    def _watch(self) -> None:
        while not self._done.wait(CANCEL_POLL):
            try:
                pressed = bool(self._cancel())
            except Exception:  # a broken callback must not kill the download from behind
                pressed = False
            if pressed:
                with self._lock:
                    self.fired = True
                    for sock in self._sockets:
                        _shut(sock)
                return

    def close(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a recv() blocked in another thread; close() would not
    except OSError:
        pass  # already closed


def _opener(interrupter: _Interrupter) -> urllib.request.OpenerDirector:
    """urllib's opener, with every connection it makes (redirects too) handed to the interrupter."""

    class Connection(http.client.HTTPConnection):
        def connect(self):
            super().connect()
            interrupter.attach(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self):
            super().connect()
            interrupter.attach(self.sock)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(SecureConnection, req, context=self._context)

    return urllib.request.build_opener(Handler, SecureHandler)


def _fetch_one(name: str, expected: str, target: Path, mirrors: list[str], progress: ProgressFn | None,
               cancel: Callable[[], bool] | None, timeout: float, interrupter: _Interrupter) -> None:
    """Try each mirror in turn until one delivers the file with the right checksum."""
    problems: list[str] = []
    bad_checksum = 0
    for mirror in mirrors:
        _check_cancel(cancel)
        url = mirror.rstrip("/") + "/" + name
        try:
            digest = _stream(url, name, expected, target, progress, cancel, timeout, _opener(interrupter))
        except _MirrorFailed as exc:
            _check_cancel(cancel)  # a connection shut down by Cancel fails too: that is a cancel
            problems.append(str(exc))
            continue
        if digest == expected:
            return
        _check_cancel(cancel)
        bad_checksum += 1
        problems.append(f"{urlsplit(url).netloc or url}: wrong checksum")
    if bad_checksum == len(mirrors):
        raise DownloadError(f"{name} failed its checksum on every mirror ({len(mirrors)} tried); "
                            "nothing was kept.")
    raise DownloadError(f"Could not download {name} from any mirror (last problem: {problems[-1]}); "
                        "check the internet connection and try again.")


class _MirrorFailed(Exception):
    """This mirror did not deliver (network, HTTP); the next one may."""


def _stream(url: str, name: str, expected: str, target: Path, progress: ProgressFn | None,
            cancel: Callable[[], bool] | None, timeout: float, opener: urllib.request.OpenerDirector) -> str:
    """Download url into a temporary file; rename it to target if its digest matches. Returns the digest."""
    host = urlsplit(url).netloc or url  # messages name the mirror, not the whole address
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "nn-playground"})
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise _MirrorFailed(f"{host}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise _MirrorFailed(f"{host}: {_reason(exc.reason)}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _MirrorFailed(f"{host}: {_reason(exc)}") from exc
    except ValueError as exc:  # not an http(s) address at all
        raise _MirrorFailed(f"{url!r} is not a valid download address") from exc

    with response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        known = SIZES.get(name) if FILES.get(name, "").lower() == expected else None  # the published file
        if known is not None and total is not None and total > known:
            raise _MirrorFailed(f"{host}: announces {total:,} bytes for {name}, which has {known:,}")
        if total is None:
            total = known  # its size is known even if the server does not say it
        limit = known if known is not None else total  # never take more than this
        try:
            handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{name}.", suffix=".part",
                                                 delete=False)
        except OSError as exc:
            raise DownloadError(f"Cannot write into {target.parent} ({exc.strerror or exc}).") from exc
        temp = Path(handle.name)
        try:
            hasher = hashlib.md5() if len(expected) == 32 else hashlib.sha256()
            try:
                with handle:  # closing flushes the last buffered bytes: that can fail on a full disk too
                    done = _copy(response, handle, hasher, name, host, total, limit, progress, cancel)
            except OSError as exc:  # disk full, quota, ...: no other mirror will help
                raise DownloadError(f"Cannot write {name} into {target.parent} "
                                    f"({exc.strerror or exc}).") from exc
            if total is not None and done != total:
                raise _MirrorFailed(f"{host}: the transfer stopped after {done:,} of {total:,} bytes")
            digest = hasher.hexdigest()
            if digest == expected:
                try:
                    os.replace(temp, target)  # atomic: the file appears complete or not at all
                except OSError as exc:
                    raise DownloadError(f"Cannot save {name} into {target.parent} "
                                        f"({exc.strerror or exc}).") from exc
            return digest
        finally:
            temp.unlink(missing_ok=True)


def _copy(response, handle, hasher, name: str, host: str, total: int | None, limit: int | None,
          progress: ProgressFn | None, cancel: Callable[[], bool] | None) -> int:
    """Copy the response body into handle as it arrives, polling cancel(); returns the bytes copied.

    More than `limit` bytes (if given) stops the transfer at once. Read errors become _MirrorFailed
    (another mirror may work); write errors stay OSError.
    """
    done = 0
    if progress is not None:
        progress(0, total, name)
    while True:
        _check_cancel(cancel)
        try:
            # read1 returns whatever has arrived (up to CHUNK bytes). read(CHUNK) would wait until all
            # CHUNK bytes are there, so on a slow server Cancel would wait for them as well.
            # (at most one byte past the limit: enough to tell that the mirror sends too much)
            chunk = response.read1(CHUNK if limit is None else max(1, min(CHUNK, limit + 1 - done)))
        except (OSError, http.client.HTTPException) as exc:
            _check_cancel(cancel)
            raise _MirrorFailed(f"{host}: the connection broke ({_reason(exc)})") from exc
        if not chunk:
            _check_cancel(cancel)
            return done
        if limit is not None and done + len(chunk) > limit:
            raise _MirrorFailed(f"{host}: sent more than the {limit:,} bytes of {name}; stopped")
        handle.write(chunk)
        hasher.update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total, name)


def _check_cancel(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise DownloadCancelled("Cancelled: nothing half-downloaded was kept.")


def _digest_file(path: Path, expected: str) -> str:
    hasher = hashlib.md5() if len(expected) == 32 else hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def _reason(reason: object) -> str:
    """A short human reason for a network error (socket errors carry a strerror)."""
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
