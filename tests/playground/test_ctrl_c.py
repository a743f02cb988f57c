"""Ctrl-C in the terminal closes the window cleanly (issue 14), even while it trains."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# main.py as a user starts it, telling the test when its window is up and, once it is, starting Run
CHILD = r"""
import sys
from PySide6.QtCore import QTimer
from playground.main_window import MainWindow
shown = MainWindow.show
def show_and_say(self):
    shown(self)
    def up():
        self.session.run()
        print("shown", flush=True)
    QTimer.singleShot(0, up)
MainWindow.show = show_and_say
closed = MainWindow.closeEvent
def close_and_say(self, event):
    closed(self, event)
    print(f"closed running={self.session.running}", flush=True)
MainWindow.closeEvent = close_and_say
import main
sys.exit(main.main(["--preset", "XOR"]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is a POSIX idea")
def test_ctrl_c_closes_the_window_and_stops_training(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "shown"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert "closed running=False" in out  # closed through closeEvent: Run was stopped
    assert "Interrupted: closing the window." in err and "Traceback" not in err
