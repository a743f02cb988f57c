"""File ▸ Download full MNIST…, against a local HTTP server on 127.0.0.1 that serves small fake IDX files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from engine.datasets import mnist
from playground.download_dialog import DownloadDialog
from tests.fake_mnist import Server, fake_files

N_TRAIN, N_TEST = 60, 20


@pytest.fixture
def files():
    return fake_files(N_TRAIN, N_TEST)


@pytest.fixture
def checksums(files):
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


@pytest.fixture
def server(files):
    s = Server(files)
    yield s
    s.stop()


def make_dialog(qtbot, tmp_path, url, checksums) -> DownloadDialog:
    dialog = DownloadDialog(None, cache_dir=tmp_path / "cache", mirrors=[url], checksums=checksums)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_explains_what_and_where(qtbot, tmp_path, server, checksums):
    dialog = make_dialog(qtbot, tmp_path, server.url, checksums)
    text = dialog.explanation.text()
    assert "60,000" in text and "10,000" in text
    assert "127.0.0.1" in text  # the mirror it will use
    assert "checksum" in text
    assert str(tmp_path / "cache") in text
    assert "about 12 MB in 4 files" in text  # the sizes of the published files (11.6 MB)
    assert dialog.startButton.isEnabled()


def test_the_sizes_shown_are_the_engines(qtbot, tmp_path, server, checksums, monkeypatch):
    # one table of sizes, in engine.datasets.mnist: the dialog has no copy of its own to drift
    monkeypatch.setattr(mnist, "SIZES", {name: 25_000_000 for name in mnist.FILES})
    dialog = make_dialog(qtbot, tmp_path, server.url, checksums)
    assert "about 100 MB in 4 files" in dialog.explanation.text()


def test_success(qtbot, tmp_path, server, files, checksums):
    dialog = make_dialog(qtbot, tmp_path, server.url, checksums)
    seen = []
    dialog.progressBar.valueChanged.connect(seen.append)
    dialog.startButton.click()
    assert dialog.running and not dialog.startButton.isEnabled()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
    assert dialog.succeeded, dialog.status.text()
    assert "60,000" in dialog.status.text()
    assert dialog.progressBar.value() == dialog.progressBar.maximum()
    assert seen, "the progress bar never moved"
    # every file is there and verified; the data loads
    cache = tmp_path / "cache"
    assert sorted(server.requests) == sorted(files)
    for name in files:
        found = list(cache.rglob(name)) + list(cache.rglob(name.removesuffix(".gz")))
        assert found, f"{name} is not in the cache"
    # Close now accepts: the window reloads the digits after exec() returns Accepted
    dialog.cancelButton.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_bad_checksum_is_refused_and_leaves_nothing(qtbot, tmp_path, server, files, checksums):
    server.files["t10k-images-idx3-ubyte.gz"] = files["t10k-images-idx3-ubyte.gz"][:-10] + b"0123456789"
    dialog = make_dialog(qtbot, tmp_path, server.url, checksums)
    dialog.startButton.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
    assert not dialog.succeeded
    assert "checksum" in dialog.status.text().lower()
    assert dialog.startButton.isEnabled() and dialog.startButton.text() == "Try again"
    assert "t10k-images" not in " ".join(leftovers(tmp_path / "cache"))
    assert not [n for n in leftovers(tmp_path / "cache") if "part" in n or "tmp" in n]


def test_server_gone(qtbot, tmp_path, server, checksums):
    url = server.url
    server.stop()
    dialog = make_dialog(qtbot, tmp_path, url, checksums)
    dialog.startButton.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20000)
    assert not dialog.succeeded
    message = dialog.status.text()
    assert message and "unexpectedly" not in message  # a clear, expected error
    assert leftovers(tmp_path / "cache") == []


def test_cancel_really_cancels(qtbot, tmp_path, files, checksums):
    slow = Server(files, slow=True)
    try:
        dialog = make_dialog(qtbot, tmp_path, slow.url, checksums)
        dialog.startButton.click()
        qtbot.waitUntil(lambda: dialog.progressBar.value() > 0 or "Downloading" in dialog.fileLabel.text(),
                        timeout=10000)
        dialog.cancelButton.click()  # while running, Cancel stops the download (the dialog stays)
        qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
        assert not dialog.succeeded
        assert "cancelled" in dialog.status.text().lower()
        assert dialog.isVisible()
        # it stopped early: not every file was even asked for
        assert len(slow.requests) < len(files)
        assert not [n for n in leftovers(tmp_path / "cache") if n.startswith("train-images")]
        # and Close then closes, rejected (nothing to reload)
        dialog.cancelButton.click()
        assert dialog.result() == QDialog.DialogCode.Rejected
    finally:
        slow.stop()


def test_closing_the_window_mid_download_stops_the_thread(qtbot, tmp_path, files, checksums):
    slow = Server(files, slow=True)
    try:
        dialog = make_dialog(qtbot, tmp_path, slow.url, checksums)
        dialog.startButton.click()
        qtbot.waitUntil(lambda: "Downloading" in dialog.fileLabel.text(), timeout=10000)
        dialog.close()  # cancels, and closes as soon as the download thread has stopped
        qtbot.waitUntil(lambda: not dialog.running and not dialog.isVisible(), timeout=10000)
        assert not dialog.succeeded and dialog.result() == QDialog.DialogCode.Rejected
        assert not [n for n in leftovers(tmp_path / "cache") if n.startswith("train-images")]
    finally:
        slow.stop()


def test_user_data_dir_is_where_it_caches_by_default(qtbot):
    dialog = DownloadDialog(None)
    qtbot.addWidget(dialog)
    assert str(mnist.user_data_dir()) in dialog.explanation.text()


def test_a_folder_it_cannot_write_is_a_clear_message(qtbot, tmp_path, server, checksums):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    dialog = make_dialog(qtbot, tmp_path, server.url, checksums)
    dialog.startButton.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
    assert not dialog.succeeded
    assert str(blocker) in dialog.status.text()
    assert server.requests == []  # it failed before fetching anything


def test_progress_reaches_the_bar_at_most_20_times_a_second_plus_each_files_ends(monkeypatch):
    from types import SimpleNamespace

    from playground import download_dialog
    from playground.download_dialog import DownloadWorker

    clock = [0.0]
    monkeypatch.setattr(download_dialog, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    worker = DownloadWorker({})
    sent = []
    worker.progressed.connect(lambda done, total, name: sent.append((done, total, name)))
    for k in range(102):  # 101 pieces of 1,000 bytes, one every 1/64 s (exact in binary)
        clock[0] = k / 64
        worker._progress(k * 1000, 101_000, "a.gz")
    worker._progress(0, None, "b.gz")  # the next file starts at once, its size unknown
    # a.gz: its start, one piece in four (4/64 s >= 0.05 s > 3/64 s), and its end
    assert [done for done, total, name in sent if name == "a.gz"] == [*range(0, 100_001, 4000), 101_000]
    assert sent[-1] == (0, -1, "b.gz")
