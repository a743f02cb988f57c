"""File ▸ Open model…, Save model…, Export ONNX…, Open data… and Download full MNIST… (a mixin of
MainWindow). Each asks the Session; a refusal is shown as the Session's message, and nothing changes.
Dialogs open in the folder last used (file_dialogs.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from playground.big_model import memory_warning
from playground.file_dialogs import remember, start_path


def settings():
    from playground.main_window import settings as window_settings  # one QSettings for the window

    return window_settings()


class FileActions:
    def open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", start_path(settings()),
                                              "Network models (*.npz)")
        remember(settings(), path)
        warning = memory_warning(path) if path else None
        yes = QMessageBox.StandardButton.Yes
        if warning and QMessageBox.question(self, "A very large model", warning) != yes:
            return
        if path and self.session.user_data and QMessageBox.question(
                self, "Replace your data?", "Opening a model brings its own data and replaces the data you "
                "made or loaded here. Open it anyway?") != QMessageBox.StandardButton.Yes:
            return
        if path and not self.session.load_model(path):
            QMessageBox.warning(self, "Could not open the model", self.statusBar().currentMessage())

    def save_model(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save model", start_path(settings(), "model.npz"),
                                              "Network models (*.npz)")
        remember(settings(), path)
        if path and not self.session.save_model(path):
            QMessageBox.warning(self, "Could not save the model", self.statusBar().currentMessage())

    def export_onnx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export ONNX", start_path(settings(), "model.onnx"),
                                              "ONNX models (*.onnx)")
        remember(settings(), path)
        if path and not self.session.export_onnx(path):
            QMessageBox.warning(self, "Could not export", self.statusBar().currentMessage())

    def open_data(self) -> None:
        """File ▸ Open data…: a CSV file as the data. A bad file changes nothing and says where it is bad."""
        path, _ = QFileDialog.getOpenFileName(self, "Open data", start_path(settings()),
                                              "CSV files (*.csv);;All files (*)")
        remember(settings(), path)
        if path and not self.session.load_csv(path):
            QMessageBox.warning(self, "Could not open the data", self.statusBar().currentMessage())

    def download_mnist(self) -> None:
        from playground.download_dialog import DownloadDialog  # imported when first used: start-up is faster

        dialog = DownloadDialog(self)
        dialog.exec()
        if getattr(dialog, "succeeded", False):
            self.session.reload_dataset("digits")

