"""Browse the test samples as the shown input: its true label, and what the network answers.

"Only the ones it gets wrong" walks through the mistakes, which is where a network is most
instructive. `show_only(indices, what)` narrows the browsing to a chosen set (a confusion-matrix cell),
said on screen with a button back to all samples.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QSpinBox, QToolButton, QWidget

from playground import theme
from playground.number_format import readable
from playground.session import Session
from playground.views.fitting import first_that_fits
from playground.views.pacing import Paced

VERDICT_HZ = 10  # during Run the verdict on the shown sample follows the snapshots at most this often


class FittingLabel(QLabel):
    """A label with a long and shorter wordings: it shows the longest that fits (else the shortest)."""

    def __init__(self):
        super().__init__()
        self._texts: tuple[str, ...] = ("",)
        self._widths: list[int] = [0]
        self._probe = QLabel()  # lays rich text out as this label would, to measure it (never shown)

    def set_texts(self, *texts: str) -> None:
        if texts == self._texts:
            return
        self._texts = texts
        probe = self._probe
        probe.setFont(self.font())
        self._widths = []
        for text in texts:
            probe.setText(text)
            self._widths.append(probe.sizeHint().width())
        self._choose()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._choose()

    def _choose(self) -> None:
        text = first_that_fits(self._texts, self._widths, self.width())
        if text != self.text():
            self.setText(text)


class SampleBrowser(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("sampleBrowser")
        self._session = session
        self._wrong: np.ndarray | None = None  # indices of misclassified test samples, computed lazily
        self.only: np.ndarray | None = None  # show_only's test samples (browsed instead of all), or None
        self._only_what = ""
        h = QHBoxLayout(self)
        h.setContentsMargins(6, 2, 6, 2)
        self.previousButton = QToolButton()
        self.previousButton.setObjectName("previousSample")
        self.previousButton.setText("◀")
        self.previousButton.setToolTip("Show the previous test sample (Page Up).")
        self.previousButton.setShortcut("PgUp")
        self.nextButton = QToolButton()
        self.nextButton.setObjectName("nextSample")
        self.nextButton.setText("▶")
        self.nextButton.setToolTip("Show the next test sample (Page Down).")
        self.nextButton.setShortcut("PgDown")
        self.indexSpin = QSpinBox()
        self.indexSpin.setObjectName("sampleIndex")
        self.indexSpin.setKeyboardTracking(False)
        self.indexSpin.setToolTip("Which test sample the network is shown. Test samples are never used "
                                  "for training, so they show how well the network generalises.")
        self.countLabel = QLabel()
        self.verdict = FittingLabel()
        self.verdict.setObjectName("sampleVerdict")
        # may be squeezed in a narrow window rather than widen it
        self.verdict.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.verdict.setMinimumWidth(60)
        self.verdict.setToolTip("The right answer for this sample, and the network's answer with its "
                                "output value.")
        self.wrongOnly = QCheckBox("only wrong ones")
        self.wrongOnly.setObjectName("wrongOnly")
        self.wrongOnly.setToolTip("Only the ones it gets wrong: step only through the test samples the "
                                  "network answers wrongly.")
        h.addWidget(self.previousButton)
        h.addWidget(self.indexSpin)
        h.addWidget(self.countLabel)
        h.addWidget(self.nextButton)
        h.addSpacing(12)
        h.addWidget(self.verdict, 1)
        h.addWidget(self.wrongOnly)
        # "these samples" (a confusion-matrix cell): what they are, and the way back to all
        self.onlyLabel = QLabel()
        self.onlyLabel.setObjectName("sampleFilter")
        self.onlyLabel.setStyleSheet(f"color: {theme.HIGHLIGHT};")
        self.onlyLabel.setToolTip("◀ and ▶ step only through these test samples.")
        # squeezed rather than widen the window (the verdict beside it gives way the same)
        self.onlyLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.onlyLabel.setMinimumWidth(90)
        self.allButton = QToolButton()
        self.allButton.setObjectName("allSamples")
        self.allButton.setText("All samples")
        self.allButton.setToolTip("Browse all the test samples again.")
        self.allButton.clicked.connect(self.show_all)
        h.addWidget(self.onlyLabel, 1)
        h.addWidget(self.allButton)
        self.onlyLabel.hide()
        self.allButton.hide()

        self.previousButton.clicked.connect(lambda: self.move(-1))
        self.nextButton.clicked.connect(lambda: self.move(+1))
        self.indexSpin.valueChanged.connect(lambda v: session.show_sample(v - 1))
        self.wrongOnly.toggled.connect(self._on_filter)
        # the mistakes change as the network learns; recount at most a few times a second
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(300)
        self._recount.timeout.connect(self._update_wrong)
        session.networkChanged.connect(self._network_changed)
        session.structureChanged.connect(self._network_changed)
        session.structureChanged.connect(self._new_structure)
        session.inputChanged.connect(self.refresh)
        # the verdict on the shown sample: during Run at most VERDICT_HZ times a second (views/pacing.py)
        self._paced_verdict = Paced(self, session, self.refresh, VERDICT_HZ)
        session.networkChanged.connect(self._paced_verdict.request)
        self.refresh()

    def wrong_indices(self) -> np.ndarray:
        if self._wrong is None:
            d = self._session.dataset
            self._wrong = np.flatnonzero(self._session.network.predict(d.X_test) != d.labels_test)
        return self._wrong

    def move(self, delta: int) -> None:
        s = self._session
        n = len(s.dataset.X_test)
        if n == 0:  # hand-made points are all training points
            s.message.emit("There are no test samples to browse: every point you added trains.")
            return
        if self.only is not None:
            if len(self.only) == 0:
                s.message.emit("There are no test samples in this choice.")
                return
            target = self._next_of(self.only, delta)
        elif self.wrongOnly.isChecked():
            wrong = self.wrong_indices()
            if len(wrong) == 0:
                s.message.emit("The network gets every test sample right.")
                return
            target = self._next_of(wrong, delta)
        else:
            target = (s.sample_index + delta) % n
        s.show_sample(int(target))

    def _next_of(self, chosen: np.ndarray, delta: int) -> int:
        """The next (delta > 0) or previous of the chosen samples from the one shown, wrapping round."""
        current = self._session.sample_index
        if delta > 0:
            later = chosen[chosen > current]
            return int(later[0] if len(later) else chosen[0])
        earlier = chosen[chosen < current]
        return int(earlier[-1] if len(earlier) else chosen[-1])

    def show_only(self, indices, what: str) -> None:
        """Browse only these test samples (`what` says which, on screen); shows the first of them."""
        indices = np.unique(np.asarray(indices, dtype=np.int64))
        if self.wrongOnly.isChecked():  # one filter at a time
            self.wrongOnly.blockSignals(True)
            self.wrongOnly.setChecked(False)
            self.wrongOnly.blockSignals(False)
        self.only, self._only_what = indices, what
        if len(indices):
            self._session.show_sample(int(indices[0]))
        self.refresh()

    def show_all(self) -> None:
        """Back to browsing every test sample."""
        self.only = None
        self.refresh()

    def _on_filter(self, on: bool) -> None:
        self._wrong = None
        if on and self._session.input_label is not None:
            wrong = self.wrong_indices()
            if len(wrong) and self._session.sample_index not in set(wrong.tolist()):
                self.move(+1)
        self.refresh()

    def _new_structure(self) -> None:
        """A new preset or network: its mistakes are others, and the sample shown is test sample 1 or
        the one kept, right or wrong; "only wrong ones" starts unticked again."""
        if self.only is not None:  # those samples were chosen for another network or data
            self.show_all()
        if self.wrongOnly.isChecked():
            self.wrongOnly.blockSignals(True)
            self.wrongOnly.setChecked(False)
            self.wrongOnly.blockSignals(False)
            self._wrong = None
            self.refresh()

    def _network_changed(self) -> None:
        self._wrong = None
        if self.wrongOnly.isChecked() and not self._recount.isActive():
            self._recount.start()

    def _update_wrong(self) -> None:
        self.wrong_indices()
        self.refresh()

    def refresh(self) -> None:
        s = self._session
        n = len(s.dataset.X_test)
        self.indexSpin.blockSignals(True)
        self.indexSpin.setRange(1, n)
        self.indexSpin.setValue(s.sample_index + 1)
        self.indexSpin.blockSignals(False)
        counts = f"/ {n} test"
        if self.wrongOnly.isChecked() and self._wrong is not None:
            counts += f" ({len(self._wrong)} wrong)"
        self.countLabel.setText(counts)
        self.onlyLabel.setVisible(self.only is not None)
        self.wrongOnly.setVisible(self.only is None)  # one filter at a time: its room goes to the words
        self.allButton.setVisible(self.only is not None)
        if self.only is not None:
            k = len(self.only)
            place = np.flatnonzero(self.only == s.sample_index)
            where = f"{place[0] + 1} of {k}" if len(place) and s.input_label is not None else f"{k}"
            self.onlyLabel.setText(f"only {self._only_what}: {where}")
            self.onlyLabel.setToolTip(f"Only {self._only_what} ({k} test samples): ◀ and ▶ step through "
                                      "these alone; All samples goes back to every test sample.")
        out = s.prediction()
        guess = s.predicted_class(out)
        classes = s.dataset.classes
        score = float(out[0] if out.shape[-1] == 1 else out[guess])
        if s.input_label is None:
            says = f"<b>{classes[guess]}</b> ({readable(score, 2)})"
            self.verdict.set_texts(f"{s.input_caption} · says {says}", f"says {says}",  # the words below
                                   f"says <b>{classes[guess]}</b>", f"<b>{classes[guess]}</b>")
            return
        right = guess == s.input_label
        colour = theme.GOOD if right else theme.BAD
        mark = "✓" if right else "✗"
        says = f"<b style='color:{colour}'>{classes[guess]} {mark}</b>"
        self.verdict.set_texts(
            # one wording; where there is no room, the output value is left out, then the label
            f"label <b>{classes[s.input_label]}</b> · says {says} ({readable(score, 2)})",
            f"label <b>{classes[s.input_label]}</b> · says {says}",
            f"says {says}", says)
