"""The offer to repair a damaged full-MNIST download (issue 14).

The engine falls back to the bundled digits and says why (`Dataset.notice`); the window then offers,
without blocking, to delete the damaged files and download the set again. Declining keeps the bundled
digits and the damaged files, so nothing is deleted behind the user's back.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from engine.datasets import mnist

REPAIR = "Delete and download again"
KEEP = "Keep the bundled digits"


def offer_repair(window: QWidget, notice: str, download) -> QMessageBox:
    """Show the offer beside `window`; `download()` runs after the damaged files are deleted."""
    box = QMessageBox(QMessageBox.Icon.Warning, "The downloaded MNIST set is damaged", notice,
                      QMessageBox.StandardButton.NoButton, window)
    box.setObjectName("damagedDownloadBox")
    repair = box.addButton(REPAIR, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(KEEP, QMessageBox.ButtonRole.RejectRole)

    def answered(button) -> None:
        if button is not repair:
            return
        try:
            mnist.delete_full()
        except OSError as exc:
            QMessageBox.warning(window, "Could not delete the damaged files", str(exc))
            return
        download()

    box.buttonClicked.connect(answered)
    box.open()  # not modal for the whole app: the window stays usable with the bundled digits
    return box
