"""Saving the lab's graph: as graphviz DOT text (micrograd's draw_dot) or as a PNG / SVG picture.

The file dialogs, the suffix rules and the failure message are one small idea apart from the lab's
forward/backward core; a mixin of NeuronLab (it uses the lab's root, graphView and caption).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine import graph


class ExportMixin:
    """NeuronLab's export part: needs root, graphView and caption."""

    def export_dot(self, path: str | Path) -> None:
        Path(path).write_text(graph.to_dot(self.root), encoding="utf-8")

    def export_image(self, path: str | Path) -> None:
        self.graphView.export_image(path)

    def _ask_export_dot(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the graph as DOT", "expression.dot",
                                              "Graphviz DOT (*.dot *.gv)")
        if path:
            self._export(self.export_dot, path)

    def _ask_export_image(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, "Export the graph as an image", "expression.png",
                                                   "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg"):
            path += ".svg" if "svg" in chosen.lower() else ".png"
        self._export(self.export_image, path)

    def _export(self, write, path: str) -> None:
        try:
            write(path)
        except OSError as error:
            QMessageBox.warning(self, "Export failed", f"Could not write {path}:\n{error}")
        else:
            self.caption.setText(f"Saved {path}")
