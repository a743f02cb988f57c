"""File dialogs open in the folder used last (kept in the app's QSettings), not in the app's folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "files/lastFolder"


def start_path(store: QSettings, file_name: str = "") -> str:
    """Where a dialog opens: the last folder used (with `file_name` in it, for a Save dialog)."""
    folder = str(store.value(KEY, "") or "")
    if folder and not Path(folder).is_dir():
        folder = ""  # gone since (a removed USB stick): Qt's default then
    if not folder:
        return file_name
    return str(Path(folder) / file_name) if file_name else folder


def remember(store: QSettings, chosen: str) -> None:
    """Keep the folder of a chosen file for the next dialog."""
    if chosen:
        store.setValue(KEY, str(Path(chosen).resolve().parent))
