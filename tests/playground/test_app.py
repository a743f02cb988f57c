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


# The PySide6 6.12.0 guard (playground/qt_refcount_fix.py). This machine's PySide6 is not the affected
# one, so the patch path runs in a subprocess with a faked version and a faked probe; there the bug
# itself is re-enacted: references to None are lost, then their owners let go.
GUARD_SCRIPT = """
import ctypes, sys
from playground import qt_refcount_fix as fix
fix.pyside_version = lambda: "6.12.0"
fix.loses_references = lambda: True  # the probe, as it answers on the affected PySide6
natural = sys.getrefcount(None)
applied = fix.apply_guard()
owners = [None] * 100_000
# what 6.12.0 does, call after call: None loses references it never took
ctypes.c_ssize_t.from_address(id(None)).value -= natural + 50_000
del owners  # without the guard, None's count reaches zero here: "Fatal Python error: none_dealloc"
print("alive", applied, fix.apply_guard())
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12+ has immortal singletons: no guard needed")
def test_the_guard_keeps_the_interpreter_alive_on_the_affected_pyside6(tmp_path):
    result = subprocess.run([sys.executable, "-c", GUARD_SCRIPT], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["alive", "True", "True"]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "PySide6 6.12.0" in lines[0]  # once, though asked twice


def test_the_guard_is_only_for_pyside6_6_12_0_before_python_3_12(monkeypatch):
    from playground import qt_refcount_fix as fix

    assert fix.affected("6.12.0", (3, 11, 7)) == (sys.implementation.name == "cpython")
    assert not fix.affected("6.12.0", (3, 12, 0))
    assert not fix.affected("6.11.3", (3, 11, 7))
    probed = []
    monkeypatch.setattr(fix, "pyside_version", lambda: "6.11.3")
    monkeypatch.setattr(fix, "loses_references", lambda: probed.append(1) or True)
    monkeypatch.setattr(fix, "_applied", False)
    none_before = sys.getrefcount(None)
    assert fix.apply_guard() is False
    assert probed == [] and abs(sys.getrefcount(None) - none_before) < 100  # nothing probed, nothing patched


def test_importing_playground_patches_nothing_and_the_probe_sees_no_leak_here():
    code = ("import sys; n = sys.getrefcount(None); import playground, playground.session; "
            "from playground import qt_refcount_fix as fix; "
            "print(abs(sys.getrefcount(None) - n) < 1 << 30, fix._applied)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
    assert result.stderr == ""


def test_make_application_applies_the_guard(qapp, monkeypatch):
    from playground import app, qt_refcount_fix

    calls = []
    monkeypatch.setattr(qt_refcount_fix, "apply_guard", lambda: calls.append(1) or False)
    assert app.make_application() is qapp
    assert calls == [1]
