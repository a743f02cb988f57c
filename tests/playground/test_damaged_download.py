"""A damaged full-MNIST download: the window starts on the bundled digits, says why, and offers to
delete the damaged files and download again (issue 14)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from engine.datasets import mnist
from tests.engine.test_mnist import _flip_inside_gzip, write_fake_full


def damaged_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("NN_PLAYGROUND_DATA", str(tmp_path))
    write_fake_full(tmp_path / "mnist", n_train=300)
    images = tmp_path / "mnist" / "train-images-idx3-ubyte.gz"
    _flip_inside_gzip(images)
    return images


def the_offer(qtbot, window) -> QMessageBox:
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "damagedDownloadBox") is not None, timeout=3000)
    return window.findChild(QMessageBox, "damagedDownloadBox")


def test_the_window_starts_on_the_bundled_digits_and_offers_the_repair(qtbot, monkeypatch, tmp_path):
    from playground.damaged_download import REPAIR
    from playground.main_window import MainWindow

    images = damaged_cache(monkeypatch, tmp_path)
    window = MainWindow(preset="3Blue1Brown digits", remember=False)
    qtbot.addWidget(window)
    downloads = []
    monkeypatch.setattr(window, "download_mnist", lambda: downloads.append(1))
    assert len(window.session.dataset.X_train) == 9000  # the bundled digits
    assert str(images) in window.statusBar().currentMessage()
    box = the_offer(qtbot, window)
    assert str(images) in box.text()
    repair = next(b for b in box.buttons() if b.text() == REPAIR)
    repair.click()
    assert not images.exists() and not mnist.full_available()
    assert downloads == [1]  # then the download dialog opens


def test_declining_keeps_the_damaged_files(qtbot, monkeypatch, tmp_path):
    from playground.damaged_download import KEEP
    from playground.main_window import MainWindow

    images = damaged_cache(monkeypatch, tmp_path)
    before = images.read_bytes()
    window = MainWindow(preset="3Blue1Brown digits", remember=False)
    qtbot.addWidget(window)
    box = the_offer(qtbot, window)
    next(b for b in box.buttons() if b.text() == KEEP).click()
    assert images.read_bytes() == before
