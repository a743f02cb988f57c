"""File ▸ Download full MNIST…: fetch the 60,000 + 10,000 digits, with progress and a real Cancel.

The download itself is `engine.datasets.mnist.download_full`; it runs on a QThread so the window
stays alive. Its progress callback is called on that thread and only emits a signal (Qt queues it to
the GUI thread); its cancel callback reads a threading.Event that Cancel sets. The engine promises
checksums and no partial files; this dialog explains, shows progress and reports the outcome.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.datasets import mnist
from playground import theme


def megabytes(n: int | None) -> str:
    return "?" if n is None else f"{n / 1e6:.1f} MB"


class DownloadWorker(QObject):
    """Runs download_full on its own thread; talks to the dialog only through signals."""

    # done bytes, total bytes (-1: unknown), file name. Plain ints, not `object`: PySide6 on Python
    # 3.11 can lose a reference to None when an `object` argument crosses threads, and crash.
    progressed = Signal(int, int, str)
    succeeded = Signal(str)  # the folder the files are in
    failed = Signal(str, bool)  # message, cancelled?
    finished = Signal()  # after succeeded or failed: the thread may stop

    def __init__(self, options: dict[str, Any]):
        super().__init__()
        self._options = options
        self._stop = threading.Event()
        self._last_emit = 0.0

    def cancel(self) -> None:
        """Thread-safe: the download checks this whenever bytes arrive (or a server times out)."""
        self._stop.set()

    @Slot()
    def run(self) -> None:
        try:
            path = mnist.download_full(progress=self._progress, cancel=self._stop.is_set, **self._options)
        except mnist.DownloadCancelled as exc:
            self.failed.emit(str(exc) or "Download cancelled.", True)
        except mnist.DownloadError as exc:
            self.failed.emit(str(exc), False)
        except Exception as exc:  # anything unforeseen still reaches the user as a message
            self.failed.emit(f"The download failed unexpectedly: {exc}", False)
        else:
            self.succeeded.emit(str(path))
        finally:
            self.finished.emit()

    def _progress(self, done: int, total: int | None, file_name: str) -> None:
        # The engine reports every piece that arrives (hundreds a second on a fast line); the bar needs
        # at most ~20 updates a second, plus each file's start and end.
        now = time.monotonic()
        if done == 0 or done == total or now - self._last_emit >= 0.05:
            self._last_emit = now
            self.progressed.emit(int(done), -1 if total is None else int(total), str(file_name))


class DownloadDialog(QDialog):
    """Explains the download, runs it with progress, and reports success or the problem.

    exec() returns Accepted only after a successful download (the caller then reloads the data).
    Keyword options (cache_dir, mirrors, ...) go to download_full unchanged — tests use them to point
    at a local server.
    """

    def __init__(self, parent: QWidget | None = None, **options: Any):
        super().__init__(parent)
        self.setObjectName("downloadDialog")
        self.setWindowTitle("Download full MNIST")
        self.setMinimumWidth(520)
        self._options = options
        self._thread: QThread | None = None
        self._worker: DownloadWorker | None = None
        self.succeeded = False
        self.result_path: str | None = None
        self._close_when_done = False

        self.explanation = QLabel(self._explanation())
        self.explanation.setObjectName("downloadExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setOpenExternalLinks(True)
        self.fileLabel = QLabel("Not started.")
        self.fileLabel.setObjectName("downloadFile")
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("downloadProgress")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setValue(0)
        self.progressBar.setTextVisible(True)
        self.progressBar.setFormat("")
        self.status = QLabel("")
        self.status.setObjectName("downloadStatus")
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.startButton = QPushButton("Start download")
        self.startButton.setObjectName("downloadStart")
        self.startButton.setDefault(True)
        self.startButton.setToolTip("Fetch the four MNIST files, check them, and keep them for next time.")
        self.cancelButton = QPushButton("Cancel")
        self.cancelButton.setObjectName("downloadCancel")
        self.cancelButton.setToolTip("Stop the download (nothing half-downloaded is kept), or close.")
        self.buttons.addButton(self.startButton, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancelButton, QDialogButtonBox.ButtonRole.RejectRole)
        self.startButton.clicked.connect(self.start)
        self.cancelButton.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addSpacing(6)
        layout.addWidget(self.fileLabel)
        layout.addWidget(self.progressBar)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    # ------------------------------------------------------------------ text
    def _files(self) -> list[str]:
        checksums = self._options.get("checksums") or mnist.FILES
        return list(checksums)

    def _cache_dir(self) -> str:
        cache = self._options.get("cache_dir")
        if cache is not None:
            return str(cache)
        try:
            return str(mnist.full_dir())
        except OSError:  # only shown here; a strange environment must not break the dialog
            return "your user data folder"

    def _explanation(self) -> str:
        names = self._files()
        sizes = [mnist.SIZES.get(n) for n in names]
        size = f", about {sum(sizes) / 1e6:.0f} MB in {len(names)} files" if all(sizes) else ""
        mirrors = self._options.get("mirrors") or mnist.MIRRORS
        hosts = ", ".join(_host(m) for m in mirrors)
        cache = self._cache_dir()
        already = ""
        if mnist.full_available(cache):
            already = ("<p><b>The full set is already here.</b> Starting again checks each file and "
                       "fetches only what is missing or damaged.</p>")
        return (
            "<p>The app comes with a bundled part of MNIST: 10,000 handwritten digits (9,000 to train "
            "on, 1,000 to test). The full MNIST set has 60,000 training and 10,000 test digits"
            f"{size}. More examples make a network that generalises better.</p>"
            f"<p>The files come from {hosts} (if one mirror fails, the next is tried). Each file is "
            "checked against its published checksum, so a damaged file is refused, and nothing "
            "half-downloaded is ever kept.</p>"
            f"<p>They are kept in <code>{cache}</code>, so this is needed only once. Afterwards the "
            "digits dataset uses all 60,000 / 10,000 digits.</p>" + already
        )

    # ------------------------------------------------------------------ running
    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self.running:
            return
        self.succeeded = False
        self.status.setText("")
        self.status.setStyleSheet("")
        self.fileLabel.setText("Connecting…")
        self.progressBar.setRange(0, 0)  # busy until the first size is known
        self.startButton.setEnabled(False)
        self.cancelButton.setText("Cancel")
        worker = DownloadWorker(self._options)
        thread = QThread(self)
        thread.setObjectName("mnistDownload")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(self._on_progress)
        worker.succeeded.connect(self._on_success)
        worker.failed.connect(self._on_failure)
        # direct: quit() is thread-safe, and the GUI thread may be blocked in wait() for exactly this
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        self._worker, self._thread = worker, thread
        thread.start()

    def cancel(self) -> None:
        """Ask the download to stop; the dialog reports when it has."""
        if self._worker is not None:
            self._worker.cancel()
            self.fileLabel.setText("Cancelling…")
            self.cancelButton.setEnabled(False)

    def _finish(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.quit()
            thread.wait()
            worker.deleteLater()
            thread.deleteLater()
        self.startButton.setEnabled(True)
        self.cancelButton.setEnabled(True)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, file_name: str) -> None:
        if total > 0:
            self.progressBar.setRange(0, 1000)
            self.progressBar.setValue(int(1000 * min(done, total) / total))
            self.progressBar.setFormat(f"{megabytes(done)} of {megabytes(total)}")
        else:
            self.progressBar.setRange(0, 0)
        names = self._files()
        which = f"file {names.index(file_name) + 1} of {len(names)}: " if file_name in names else ""
        self.fileLabel.setText(f"Downloading {which}{file_name}…")

    @Slot(str)
    def _on_success(self, path: str) -> None:
        self._finish()
        self.succeeded = True
        self.result_path = path
        self.progressBar.setRange(0, 1000)
        self.progressBar.setValue(1000)
        self.progressBar.setFormat("done")
        self.fileLabel.setText("All files downloaded and verified.")
        self.status.setStyleSheet(f"color: {theme.GOOD};")
        self.status.setText(f"Full MNIST is ready in {path}. The digits dataset now uses the full "
                            "60,000 training and 10,000 test digits.")
        self.startButton.setVisible(False)
        self.cancelButton.setText("Close")
        self.cancelButton.clicked.disconnect()
        self.cancelButton.clicked.connect(self.accept)
        if self._close_when_done:
            self.accept()

    @Slot(str, bool)
    def _on_failure(self, message: str, cancelled: bool) -> None:
        self._finish()
        self.progressBar.setRange(0, 1000)
        self.progressBar.setValue(0)
        self.progressBar.setFormat("")
        self.startButton.setText("Try again")
        self.cancelButton.setText("Close")
        if cancelled:
            self.fileLabel.setText("Cancelled.")
            self.status.setStyleSheet(f"color: {theme.TEXT_DIM};")
            self.status.setText("The download was cancelled; nothing was kept.")
        else:
            self.fileLabel.setText("The download failed.")
            self.status.setStyleSheet(f"color: {theme.BAD};")
            self.status.setText(message)
        if self._close_when_done:
            self.reject()

    # ------------------------------------------------------------------ closing
    def reject(self) -> None:
        """Cancel while downloading (the dialog stays to say so); otherwise close."""
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        # Closing the window mid-download cancels it and closes once the thread has stopped; waiting
        # here instead could freeze the window for as long as a stalled connection takes to time out.
        if self.running:
            self._close_when_done = True
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def done(self, result: int) -> None:
        if self.running:
            self._close_when_done = True
            self.cancel()
            return
        super().done(result)


def _host(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(str(url)).netloc or str(url)


