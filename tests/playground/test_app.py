"""The command line: a headless screenshot, and a clear message (not a Qt abort) with no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def _env_without_display(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["HOME"] = str(tmp_path)  # keep the user's settings out of it
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return env


def test_no_display_prints_a_hint_and_exits_2(tmp_path):
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=_env_without_display(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--screenshot" in result.stderr
    assert "display" in result.stderr
    assert "Aborted" not in result.stderr and "qt.qpa" not in result.stderr


def test_screenshot_writes_a_big_png_and_exits_0(tmp_path):
    out = tmp_path / "window.png"
    result = subprocess.run([sys.executable, "main.py", "--screenshot", str(out), "--preset", "XOR",
                             "--steps", "50"], cwd=ROOT, env=_env_without_display(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() >= 1200 and image.height() >= 800
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8)
    assert pixels.std() > 10  # a drawn window, not a blank sheet
    assert "50 steps" in result.stdout


def test_unknown_preset_is_refused_by_argparse(tmp_path):
    result = subprocess.run([sys.executable, "main.py", "--screenshot", str(tmp_path / "x.png"),
                             "--preset", "Nonsense"], cwd=ROOT, env=_env_without_display(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert not (tmp_path / "x.png").exists()


def _rgb(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.width(), 4)
    return data.copy()


def test_screenshot_show_lab_draws_the_floating_lab_over_the_window(qapp, tmp_path):
    from playground.app import screenshot
    from playground.main_window import LAB_SIZE

    plain, lab = tmp_path / "plain.png", tmp_path / "lab.png"
    assert screenshot(str(plain), "XOR", 0, (1400, 900), (1, 0)) == 0
    assert screenshot(str(lab), "XOR", 0, (1400, 900), (1, 0), show="lab") == 0
    a, b = _rgb(plain), _rgb(lab)
    assert a.shape == b.shape == (900, 1400, 4)
    changed = (a != b).any(axis=2)
    changed[:60] = False  # the menu and the toolbar (whose "Neuron lab" button is now checked)
    rows, cols = np.nonzero(changed)
    # a lab-sized window, with its edge, drawn over the window; much of it differs from what is beneath
    assert rows.max() - rows.min() == pytest.approx(LAB_SIZE[1], abs=3)
    assert cols.max() - cols.min() == pytest.approx(LAB_SIZE[0], abs=3)
    assert changed[rows.min():rows.max(), cols.min():cols.max()].mean() > 0.3
