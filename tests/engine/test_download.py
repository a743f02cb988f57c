"""download_full against local HTTP servers on 127.0.0.1 (ephemeral ports) serving small fake IDX files.

Every test also checks that the cache holds nothing partial: only complete, verified files.
"""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from engine.datasets import mnist
from engine.datasets.mnist import DownloadCancelled, DownloadError
from tests.fake_mnist import Server, fake_files

N_TRAIN, N_TEST = 50, 20
TIMEOUT = 2.0  # seconds; the servers are local, so anything slower is a failure


FILES = fake_files(N_TRAIN, N_TEST, seed=3)
SHA256 = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}
MD5 = {name: hashlib.md5(data).hexdigest() for name, data in FILES.items()}


@pytest.fixture
def server():
    s = Server(FILES)
    yield s
    s.stop()


def cache_files(folder: Path) -> list[str]:
    """Every file in the cache, hidden temporary ones included."""
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def dead_url() -> str:
    """A URL on a port nobody listens on: bind a socket to get a free port, then close it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


def test_success_verifies_and_reports_progress(tmp_path, server):
    calls = []
    folder = mnist.download_full(tmp_path / "cache", mirrors=[server.url], checksums=SHA256,
                                 progress=lambda d, t, n: calls.append((d, t, n)), timeout=TIMEOUT)
    assert folder == tmp_path / "cache"
    assert cache_files(folder) == sorted(FILES)
    for name, data in FILES.items():
        assert (folder / name).read_bytes() == data
    # progress: per file, from 0 up to the full size, never backwards, with the size known
    for name, data in FILES.items():
        mine = [(d, t) for d, t, n in calls if n == name]
        assert mine[0][0] == 0 and mine[-1] == (len(data), len(data))
        assert all(b[0] >= a[0] for a, b in zip(mine, mine[1:], strict=False))
    # the files load as the full set
    d = mnist.load_full(folder)
    assert d.X_train.shape == (N_TRAIN, 784) and d.X_test.shape == (N_TEST, 784)


def test_md5_checksums_as_torchvision_publishes_them(tmp_path, server):
    folder = mnist.download_full(tmp_path, mirrors=[server.url], checksums=MD5, timeout=TIMEOUT)
    assert cache_files(folder) == sorted(FILES)
    # the real defaults are torchvision's md5 sums, one per standard file
    assert sorted(mnist.FILES) == sorted(FILES) and all(len(v) == 32 for v in mnist.FILES.values())


def test_cached_files_are_not_fetched_again(tmp_path, server):
    mnist.download_full(tmp_path, mirrors=[server.url], checksums=SHA256, timeout=TIMEOUT)
    server.requests.clear()
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"damaged")  # a bad cached file is replaced
    mnist.download_full(tmp_path, mirrors=[server.url], checksums=SHA256, timeout=TIMEOUT)
    assert server.requests == ["t10k-labels-idx1-ubyte.gz"]
    assert (tmp_path / "t10k-labels-idx1-ubyte.gz").read_bytes() == FILES["t10k-labels-idx1-ubyte.gz"]


def test_bad_checksum_everywhere_keeps_nothing_of_that_file(tmp_path, server):
    server.files["t10k-images-idx3-ubyte.gz"] = FILES["t10k-images-idx3-ubyte.gz"][:-4] + b"oops"
    with pytest.raises(DownloadError, match="t10k-images-idx3-ubyte.gz failed its checksum on every mirror"):
        mnist.download_full(tmp_path, mirrors=[server.url], checksums=SHA256, timeout=TIMEOUT)
    # the files before it are complete and verified, so they stay; the bad one left no trace
    assert cache_files(tmp_path) == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]


def test_bad_checksum_on_one_mirror_uses_the_next(tmp_path, server):
    bad = Server({name: b"x" + data for name, data in FILES.items()})
    try:
        mnist.download_full(tmp_path, mirrors=[bad.url, server.url], checksums=SHA256, timeout=TIMEOUT)
    finally:
        bad.stop()
    assert cache_files(tmp_path) == sorted(FILES)
    assert (tmp_path / "train-images-idx3-ubyte.gz").read_bytes() == FILES["train-images-idx3-ubyte.gz"]


def test_server_gone(tmp_path):
    with pytest.raises(DownloadError) as info:
        mnist.download_full(tmp_path, mirrors=[dead_url(), dead_url()], checksums=SHA256, timeout=TIMEOUT)
    message = str(info.value)
    assert "Could not download train-images-idx3-ubyte.gz from any mirror" in message
    assert "refused" in message.lower() and "\n" not in message
    assert cache_files(tmp_path) == []


def test_404_then_a_mirror_that_works(tmp_path, server):
    empty = Server({})
    try:
        mnist.download_full(tmp_path, mirrors=[empty.url, server.url], checksums=SHA256, timeout=TIMEOUT)
    finally:
        empty.stop()
    assert sorted(empty.requests) == sorted(FILES)  # each file was asked of the first mirror first
    assert cache_files(tmp_path) == sorted(FILES)


def test_a_malformed_mirror_is_skipped(tmp_path, server):
    mnist.download_full(tmp_path, mirrors=["not a url", server.url], checksums=SHA256, timeout=TIMEOUT)
    assert cache_files(tmp_path) == sorted(FILES)
    with pytest.raises(DownloadError, match="not a valid download address"):
        mnist.download_full(tmp_path / "b", mirrors=["not a url"], checksums=SHA256, timeout=TIMEOUT)
    with pytest.raises(DownloadError, match="No download mirrors"):
        mnist.download_full(tmp_path / "c", mirrors=[], checksums=SHA256)


def test_404_everywhere_says_so(tmp_path):
    empty = Server({})
    try:
        with pytest.raises(DownloadError, match="HTTP 404"):
            mnist.download_full(tmp_path, mirrors=[empty.url], checksums=SHA256, timeout=TIMEOUT)
    finally:
        empty.stop()
    assert cache_files(tmp_path) == []


def test_a_transfer_cut_short_is_not_kept(tmp_path, server):
    short = Server(FILES, short=True)
    try:
        with pytest.raises(DownloadError, match="stopped after|connection broke"):
            mnist.download_full(tmp_path, mirrors=[short.url], checksums=SHA256, timeout=TIMEOUT)
        assert cache_files(tmp_path) == []
        # with a good mirror behind it, the download still succeeds
        mnist.download_full(tmp_path, mirrors=[short.url, server.url], checksums=SHA256, timeout=TIMEOUT)
    finally:
        short.stop()
    assert cache_files(tmp_path) == sorted(FILES)


def test_a_silent_server_times_out(tmp_path):
    # accepts connections but never answers
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        with pytest.raises(DownloadError, match="timed out"):
            mnist.download_full(tmp_path, mirrors=[url], checksums=SHA256, timeout=0.3)
    assert cache_files(tmp_path) == []


def test_cancel_stops_between_chunks_and_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "CHUNK", 512)  # many chunks even for a small file
    slow = Server(FILES, slow=True)
    seen: list[tuple[int, int | None, str]] = []
    try:
        with pytest.raises(DownloadCancelled):
            mnist.download_full(tmp_path, mirrors=[slow.url], checksums=SHA256, timeout=TIMEOUT,
                                progress=lambda d, t, n: seen.append((d, t, n)),
                                cancel=lambda: len(seen) >= 4)
    finally:
        slow.stop()
    assert isinstance(DownloadCancelled("x"), DownloadError)
    total = len(FILES["train-images-idx3-ubyte.gz"])
    assert seen[-1][2] == "train-images-idx3-ubyte.gz" and 0 < seen[-1][0] < total  # really mid-file
    assert slow.requests == ["train-images-idx3-ubyte.gz"]  # nothing after it was asked for
    assert cache_files(tmp_path) == []


def test_a_full_disk_is_one_clear_error(tmp_path, server, monkeypatch):
    real = mnist.tempfile.NamedTemporaryFile

    class FullDisk:
        """A temporary file whose writes fail as on a full disk (the file itself is real)."""

        def __init__(self, **kwargs):
            self._f = real(**kwargs)
            self.name = self._f.name

        def write(self, data):
            raise OSError(28, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._f.close()

    monkeypatch.setattr(mnist.tempfile, "NamedTemporaryFile", FullDisk)
    with pytest.raises(DownloadError, match="No space left on device") as info:
        mnist.download_full(tmp_path, mirrors=[server.url, server.url], checksums=SHA256, timeout=TIMEOUT)
    assert "Cannot write train-images-idx3-ubyte.gz" in str(info.value)
    assert server.requests == ["train-images-idx3-ubyte.gz"]  # another mirror would not help
    assert cache_files(tmp_path) == []


def test_an_unwritable_cache_folder_is_one_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DownloadError, match="Cannot create the folder"):
        mnist.download_full(blocker / "cache", mirrors=["http://127.0.0.1:9/"], checksums=SHA256)


def test_cancel_mid_file_does_not_wait_for_a_slow_server(tmp_path):
    # The server sends 3,000 bytes of the first file and then nothing more until the test ends. The
    # download must pass those bytes on as they arrive and notice Cancel right after them: reading
    # fixed 64 KiB chunks would sit waiting for the rest instead (here 15 s, until the server goes on).
    held = 3000
    stalled = Server(FILES, hold=held)
    seen: list[int] = []
    try:
        with pytest.raises(DownloadCancelled, match="nothing half-downloaded was kept"):
            mnist.download_full(tmp_path, mirrors=[stalled.url], checksums=SHA256, timeout=30.0,
                                progress=lambda d, t, n: seen.append(d), cancel=lambda: sum(seen) > 0)
        assert not stalled.release.is_set() and stalled.finished == []  # the server was still holding
    finally:
        stalled.stop()
    assert mnist.CHUNK > held  # the default chunk size: nothing was shrunk to make this pass
    assert 0 < seen[-1] <= held
    assert cache_files(tmp_path) == []


def test_no_network_is_one_clear_error(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", offline)  # as on a machine with no network at all
    with pytest.raises(DownloadError) as info:
        mnist.download_full(tmp_path, mirrors=["https://mirror-a.example/", "https://mirror-b.example/"],
                            checksums=SHA256, timeout=TIMEOUT)
    message = str(info.value)
    assert message == ("Could not download train-images-idx3-ubyte.gz from any mirror (last problem: "
                       "mirror-b.example: Temporary failure in name resolution); check the internet "
                       "connection and try again.")
    assert cache_files(tmp_path) == []


def test_a_full_disk_on_the_last_flush_is_one_clear_error(tmp_path, server, monkeypatch):
    # Writes are buffered, so a full disk may only show when the file is closed and the buffer flushed.
    real = mnist.tempfile.NamedTemporaryFile

    class FullOnClose:
        def __init__(self, **kwargs):
            self._f = real(**kwargs)
            self.name = self._f.name
            self.write = self._f.write

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._f.close()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(mnist.tempfile, "NamedTemporaryFile", FullOnClose)
    with pytest.raises(DownloadError, match=r"^Cannot write train-images-idx3-ubyte.gz into .*"
                                            r"\(No space left on device\)\.$"):
        mnist.download_full(tmp_path, mirrors=[server.url], checksums=SHA256, timeout=TIMEOUT)
    assert cache_files(tmp_path) == []


def test_sizes_are_the_published_files_and_stand_in_for_a_missing_content_length(tmp_path, monkeypatch):
    assert sorted(mnist.SIZES) == sorted(mnist.FILES)
    assert sum(mnist.SIZES.values()) == 11_594_722  # the four gzipped files, as every mirror serves them
    # a server that does not say how long the file is: the known size of the published file is the total
    monkeypatch.setattr(mnist, "FILES", MD5)
    monkeypatch.setattr(mnist, "SIZES", {name: len(data) for name, data in FILES.items()})
    quiet = Server(FILES, no_length=True)
    calls = []
    try:
        mnist.download_full(tmp_path, mirrors=[quiet.url], progress=lambda d, t, n: calls.append((d, t, n)),
                            timeout=TIMEOUT)
    finally:
        quiet.stop()
    assert cache_files(tmp_path) == sorted(FILES)
    for name, data in FILES.items():
        totals = [t for d, t, n in calls if n == name]
        assert totals and set(totals) == {len(data)}
    # other files (other checksums) get no made-up total
    other = Server(FILES, no_length=True)
    calls.clear()
    try:
        mnist.download_full(tmp_path / "b", mirrors=[other.url], checksums=SHA256, timeout=TIMEOUT,
                            progress=lambda d, t, n: calls.append((d, t, n)))
    finally:
        other.stop()
    assert calls and all(t is None for d, t, n in calls)


# --- Cancel on a stalled connection; mirrors that send too much ---------------------------------------------


def _cancel_after(seconds: float):
    """A cancel() that turns True `seconds` from now (as a user pressing Cancel), and when that was."""
    import threading
    import time

    pressed = threading.Event()
    at = {}

    def press():
        at["t"] = time.monotonic()
        pressed.set()

    threading.Timer(seconds, press).start()
    return pressed.is_set, at


def test_cancel_interrupts_a_connection_that_sends_nothing(tmp_path):
    import time

    stalled = Server(FILES, hold=0)  # headers, then not a byte until the test ends (15 s at most)
    seen: list[int] = []
    cancel, at = _cancel_after(0.3)
    try:
        with pytest.raises(DownloadCancelled) as info:
            mnist.download_full(tmp_path, mirrors=[stalled.url], checksums=SHA256, timeout=60.0,
                                progress=lambda d, t, n: seen.append(d), cancel=cancel)
        waited = time.monotonic() - at["t"]
        assert not stalled.release.is_set() and stalled.finished == []  # the server was still stalling
    finally:
        stalled.stop()
    assert str(info.value) == "Cancelled: nothing half-downloaded was kept."
    assert seen == [0]  # not one byte of data ever came
    assert waited < 5.0  # not the 15 s the server holds, nor the 60 s timeout: about CANCEL_POLL
    assert cache_files(tmp_path) == []


def test_cancel_interrupts_a_server_that_never_answers_the_request(tmp_path):
    import time

    with socket.socket() as listener:  # the kernel accepts the connection; nobody ever answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        cancel, at = _cancel_after(0.3)
        with pytest.raises(DownloadCancelled, match="^Cancelled"):
            mnist.download_full(tmp_path, mirrors=[url], checksums=SHA256, timeout=60.0, cancel=cancel)
        assert time.monotonic() - at["t"] < 5.0
    assert cache_files(tmp_path) == []


def _published(monkeypatch, sizes: dict[str, int]) -> None:
    """Make the fake files the 'published' ones, whose sizes are known in advance."""
    monkeypatch.setattr(mnist, "FILES", MD5)
    monkeypatch.setattr(mnist, "SIZES", sizes)


def test_a_mirror_sending_more_than_the_known_size_is_cut_off_at_once(tmp_path, monkeypatch, server):
    name = "train-images-idx3-ubyte.gz"
    _published(monkeypatch, {n: len(d) for n, d in FILES.items()})
    padded = {**FILES, name: FILES[name] + bytes(20_000_000)}  # 20 MB more than the file has
    greedy = Server(padded, no_length=True)  # and it does not say how much it will send
    seen: list[int] = []
    try:
        with pytest.raises(DownloadError) as info:
            mnist.download_full(tmp_path, mirrors=[greedy.url], timeout=TIMEOUT,
                                progress=lambda d, t, n: seen.append(d))
        assert greedy.finished == []  # it never got to send its 20 MB
    finally:
        greedy.stop()
    assert f"sent more than the {len(FILES[name]):,} bytes of {name}; stopped" in str(info.value)
    assert max(seen) <= len(FILES[name])  # not a byte past the known size was taken
    assert cache_files(tmp_path) == []
    # a mirror that announces too much is not even read; the next mirror delivers
    announcing = Server(padded)
    try:
        mnist.download_full(tmp_path, mirrors=[announcing.url, server.url], timeout=TIMEOUT)
    finally:
        announcing.stop()
    assert cache_files(tmp_path) == sorted(FILES)
    assert server.requests == [name]  # only the file the first mirror oversold came from the second
    assert name not in announcing.finished


def test_an_announced_oversize_is_named(tmp_path, monkeypatch):
    name = "train-images-idx3-ubyte.gz"
    _published(monkeypatch, {n: len(d) for n, d in FILES.items()})
    announcing = Server({**FILES, name: FILES[name] + b"x" * 5000})
    try:
        with pytest.raises(DownloadError, match=rf"announces {len(FILES[name]) + 5000:,} bytes for {name}"):
            mnist.download_full(tmp_path, mirrors=[announcing.url], timeout=TIMEOUT)
    finally:
        announcing.stop()
    assert cache_files(tmp_path) == []
