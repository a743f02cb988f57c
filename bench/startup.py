"""Time from `python main.py` to the first shown window, offscreen (issue 13: target <= 1 s).

Each run starts a fresh interpreter, as a user's launch does, and stops the clock when the window's
first paint has been processed. The partner, measured in the same run, is the floor: a fresh
interpreter that imports Qt and shows an empty QMainWindow. A breakdown shows where the rest goes.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The app as main.py starts it, stopping at the first processed paint of the main window.
APP = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import main

real_exec = QApplication.exec
def exec_until_first_frame(*_):
    app = QApplication.instance()  # the window is shown; the first queued call runs after its paint
    QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    return real_exec()
QApplication.exec = exec_until_first_frame
sys.exit(main.main([]))
"""

FLOOR = r"""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1200, 800); w.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""

BREAKDOWN = r"""
import time
t = time.perf_counter()
def lap(name):
    global t
    now = time.perf_counter(); print(f"{name:32s} {1000 * (now - t):7.1f} ms"); t = now
import numpy; lap("import numpy")
import PySide6.QtWidgets; lap("import PySide6.QtWidgets")
import pyqtgraph; lap("import pyqtgraph")
import networkx; lap("import networkx (engine/__init__: graph)")
import urllib.request; lap("import urllib.request (datasets.mnist)")
import engine; lap("import engine (the rest)")
from playground.app import make_application; app = make_application(); lap("QApplication + style")
from playground.session import Session; lap("import playground.session")
from playground.main_window import MainWindow; lap("import playground.main_window")
import sys; lap(f"  (lazy until used: networkx {'no' if 'networkx' in sys.modules else 'yes'}, "
                f"download dialog {'no' if 'playground.download_dialog' in sys.modules else 'yes'})")
s = Session(); lap("Session() (default preset)")
w = MainWindow(session=s, remember=False); lap("MainWindow(session)")
w.show(); app.processEvents(); lap("show + first events")
"""


def launch(code: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    elapsed = time.perf_counter() - start
    if "shown" not in out.stdout:
        raise SystemExit(f"the window did not show:\n{out.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    launch(FLOOR)  # warm the file cache, so the first measured run is not the disk's
    app, floor = [], []
    for _ in range(args.runs):
        app.append(launch(APP))
        floor.append(launch(FLOOR))
    a, f = statistics.median(app), statistics.median(floor)
    print(f"python main.py to the first shown window: median {a * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(app) * 1000:.0f}, max {max(app) * 1000:.0f}); target <= 1000 ms")
    print(f"floor, an empty QMainWindow in a fresh interpreter:  median {f * 1000:.0f} ms")
    print(f"the app's own share: {(a - f) * 1000:.0f} ms\n\nwhere it goes (one run):")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    print(subprocess.run([sys.executable, "-c", BREAKDOWN], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120).stdout)


if __name__ == "__main__":
    main()
