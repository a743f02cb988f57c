"""Fine-tune on my digits: train a copy of the network on My digits mixed with the training digits, off
the GUI thread, with progress, and show the accuracy on my digits and on the test split before and
after (engine.finetune). The session's network is not touched: `tuned(network, result)` hands the
fine-tuned copy over, for the session to take (or not).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from engine.finetune import FINE_TUNE, STEPS, FineTuneCancelled, fine_tune
from engine.training import TrainingDiverged
from playground import theme
from playground.views.digits.picture import SIDE

if TYPE_CHECKING:
    from playground.session import Session
    from playground.views.digits.my_digits_view import MyDigitsBrowser

PROGRESS_INTERVAL = 0.05  # seconds between progress reports to the GUI
START_TIP = ("Train the network a little on your digits, mixed with the training digits so that it does "
             "not forget the rest. It learns your handwriting and stays as good on the test digits.")


class FineTuneJob(QObject):
    """fine_tune on its own thread; reports through signals only."""

    progressed = Signal(int, int)  # step, steps
    done = Signal(object, object)  # the fine-tuned network, its FineTuneResult
    failed = Signal(str)

    def __init__(self, network, extra_X, extra_labels, dataset, steps: int):
        super().__init__()
        self._args = (network, extra_X, extra_labels, dataset)
        self._steps = steps
        self._cancel = threading.Event()
        self._last = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, info: dict) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL or info["step"] == info["steps"]:
            self._last = now
            self.progressed.emit(info["step"], info["steps"])

    @Slot()
    def run(self) -> None:
        network = self._args[0]
        try:
            result = fine_tune(*self._args, self._steps, progress=self._progress, cancel=self._cancel.is_set)
        except (FineTuneCancelled, TrainingDiverged, ValueError) as exc:
            self.failed.emit(str(exc))
            return
        self.done.emit(network, result)


class FineTunePanel(QWidget):
    tuned = Signal(object, object)  # the fine-tuned copy of the network, and its FineTuneResult

    def __init__(self, session: Session, browser: MyDigitsBrowser, steps: int = STEPS,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fineTunePanel")
        self._session = session
        self._browser = browser
        self._steps = steps
        self._thread: QThread | None = None
        self._job: FineTuneJob | None = None
        self.result = None  # the last FineTuneResult

        self.startButton = QPushButton("Fine-tune on my digits")
        self.startButton.setObjectName("fineTuneButton")
        self.startButton.setToolTip(START_TIP)
        self.cancelButton = QPushButton("Cancel")
        self.cancelButton.setObjectName("fineTuneCancel")
        self.cancelButton.setToolTip("Stop fine-tuning; the network stays as it was.")
        self.progress = QProgressBar()
        self.progress.setObjectName("fineTuneProgress")
        self.progress.setRange(0, steps)
        self.progress.setFormat("step %v of %m")
        self.setting = QLabel(FINE_TUNE.describe())
        self.setting.setObjectName("fineTuneSetting")
        self.setting.setWordWrap(True)
        self.setting.setStyleSheet(f"color: {theme.TEXT_DIM};")
        self.outcome = QLabel()
        self.outcome.setObjectName("fineTuneResult")
        self.outcome.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(self.startButton)
        row.addWidget(self.cancelButton)
        row.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.setting)
        layout.addWidget(self.outcome)

        self.startButton.clicked.connect(self.start)
        self.cancelButton.clicked.connect(self.cancel)
        browser.changed.connect(self._enable)
        session.runningChanged.connect(self._enable)
        if hasattr(session, "structureChanged"):
            session.structureChanged.connect(self._enable)
        self._enable()

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def why_not(self) -> str:
        """Why fine-tuning cannot start now ("" if it can)."""
        net, store = self._session.network, self._browser.store
        if net.sizes[0] != SIDE * SIDE or net.sizes[-1] != 10 or not self._session.dataset.is_image:
            return "Fine-tuning on your digits needs a digits network."
        if store is None or len(store) == 0:
            return "Label a few drawings with “This is a …” first."
        if self._session.running:
            return "Pause the training first."
        return ""

    def start(self) -> bool:
        reason = self.why_not()
        if reason or self.busy:
            self.outcome.setText(reason)
            return False
        extra_X, extra_labels = self._browser.store.load()
        job = FineTuneJob(self._session.network.copy(), extra_X, extra_labels, self._session.dataset,
                          self._steps)
        thread = QThread(self)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progressed.connect(self._on_progress)
        job.done.connect(self._on_done)
        job.failed.connect(self._on_failed)
        job.done.connect(thread.quit)
        job.failed.connect(thread.quit)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._job = thread, job
        self.progress.setValue(0)
        self.outcome.setText(f"Fine-tuning on {len(extra_X)} of your digits …")
        self._enable()
        thread.start()
        return True

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def shutdown(self) -> None:
        """Stop a fine-tune in progress and wait for its thread (before the window goes away)."""
        if self._thread is not None:
            self._job.cancel()
            self._thread.quit()
            self._thread.wait()
            self._on_thread_finished()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.shutdown()
        super().closeEvent(event)

    # --- reports from the job (queued onto the GUI thread) ---------------------------------------

    def _on_progress(self, step: int, steps: int) -> None:
        self.progress.setValue(step)

    def _on_done(self, network, result) -> None:
        self.result = result
        self.progress.setValue(self.progress.maximum())
        self.outcome.setText(
            f"Your digits: {result.extra_before:.1%} → <b>{result.extra_after:.1%}</b>; test digits: "
            f"{result.test_before:.1%} → <b>{result.test_after:.1%}</b> ({result.steps} steps, "
            f"{result.seconds:.1f} s).")
        self.tuned.emit(network, result)

    def _on_failed(self, message: str) -> None:
        self.outcome.setText(message)

    def _on_thread_finished(self) -> None:
        if self._thread is not None:
            self._thread.deleteLater()
        self._thread, self._job = None, None
        self._enable()

    def _enable(self) -> None:
        reason = self.why_not()
        self.startButton.setEnabled(not reason and not self.busy)
        self.startButton.setToolTip(reason or START_TIP)
        self.cancelButton.setEnabled(self.busy)
