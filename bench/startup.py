"""Time from `python main.py` to the first shown window, offscreen (issue 13: target <= 1 s).

Each run starts a fresh interpreter, as a user's launch does, and stops the clock when the window's
first paint has been processed (the child then prints "shown"; its exit after that is timed apart, as
this bench once timed it, exit included). The partner, measured in the same run, is the floor: a
fresh interpreter that imports Qt and shows an empty QMainWindow. A breakdown shows where the rest goes.

What a launch here is: a first start with the default preset (fresh, empty settings and data folders,
so neither a layout remembered by another run nor a downloaded MNIST changes what is measured), and
Python's bytecode cache as Python keeps it by default (written once, read on every later launch; kept
in a folder of its own under the temp folder). Where the environment turns the cache off
(PYTHONDONTWRITEBYTECODE, as some sandboxes do), every launch compiles the app's ~120 modules again:
that is measured too, and printed beside it.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BYTECODE = Path(tempfile.gettempdir()) / "nn-playground-bench-bytecode"

# The app as main.py starts it, stopping at the first processed paint of the main window. The hook is
# playground.app's last step before the event loop, so Qt is imported by the app itself, as in a real
# launch (the order matters: PySide6 inspects the source of every module imported after it).
APP = r"""
import sys
import time
import main
import playground.app

real_close_on_ctrl_c = playground.app.close_on_ctrl_c
def until_first_frame(window):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    real_close_on_ctrl_c(window)
    app = QApplication.instance()  # the window is shown; the first queued call runs after its paint
    QTimer.singleShot(0, lambda: (print("shown", time.process_time(), flush=True), app.quit()))
playground.app.close_on_ctrl_c = until_first_frame
sys.exit(main.main([]))
"""

FLOOR = r"""
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1200, 800); w.show()
QTimer.singleShot(0, lambda: (print("shown", time.process_time(), flush=True), app.quit()))
app.exec()
"""

# In the order main.py meets them; each line is what that step adds.
BREAKDOWN = r"""
import time
t = time.perf_counter()
def lap(name):
    global t
    now = time.perf_counter(); print(f"{name:34s} {1000 * (now - t):7.1f} ms"); t = now
import numpy; lap("import numpy")
import PySide6.QtWidgets; lap("import PySide6.QtWidgets")
import engine; lap("import engine")
import pyqtgraph; lap("import pyqtgraph")
from playground.app import make_application; app = make_application(); lap("QApplication + style + icon")
from playground.session import Session; lap("import playground.session")
from playground.main_window import MainWindow; lap("import playground.main_window (the views)")
s = Session(); lap("Session() (default preset, its data)")
w = MainWindow(session=s, remember=False); lap("MainWindow(session)")
w.show(); app.processEvents(); lap("show + first events")
import sys
lazy = ["networkx", "engine.graph", "playground.views.lab.neuron_lab", "playground.download_dialog",
        "urllib.request", "onnx"]
print("not imported at start (loaded when first used):",
      ", ".join(m for m in lazy if m not in sys.modules) or "none")
print("imported at start after all:", ", ".join(m for m in lazy if m in sys.modules) or "none")
"""


def environment(home: Path, bytecode: bool) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data")}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def launch(code: str, env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds until the first frame was shown, seconds until the process had exited, the child's CPU
    seconds until shown: all its threads, interpreter start included). The clock stops when the child
    says "shown"; its exit (Python tearing down a few thousand Qt objects) comes after. The CPU time
    varies far less than the wall time when other work shares the cores."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    shown = cpu = None
    for line in child.stdout:
        if line.startswith("shown"):
            shown, cpu = time.perf_counter() - start, float(line.split()[1])
    _, err = child.communicate(timeout=120)
    exited = time.perf_counter() - start
    if shown is None:
        raise SystemExit(f"the window did not show:\n{err[-2000:]}")
    return shown, exited, cpu


def summary(name: str, times: list[float]) -> str:
    return (f"{name}: median {statistics.median(times) * 1000:.0f} ms over {len(times)} runs "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cached, uncached = environment(Path(tmp), True), environment(Path(tmp), False)
        launch(APP, cached)  # writes the bytecode cache (once) and warms the file cache
        launch(FLOOR, cached)
        app, exits, app_cpu, floor, floor_cpu, compiled = [], [], [], [], [], []
        for _ in range(args.runs):
            shown, exited, cpu = launch(APP, cached)
            app.append(shown)
            exits.append(exited)
            app_cpu.append(cpu)
            shown, _, cpu = launch(FLOOR, cached)
            floor.append(shown)
            floor_cpu.append(cpu)
            compiled.append(launch(APP, uncached)[0])
        breakdown = subprocess.run([sys.executable, "-c", BREAKDOWN], cwd=ROOT, env=cached,
                                   capture_output=True, text=True, timeout=120)
    a, f = statistics.median(app), statistics.median(floor)
    print(summary("python main.py to the first shown window", app) + "; target <= 1000 ms")
    print(summary("floor, an empty QMainWindow in a fresh interpreter", floor))
    print(f"the app's own share: {(a - f) * 1000:.0f} ms")
    print(summary("the same launch without a bytecode cache (every module compiled)", compiled))
    print(summary("launch until the process had exited again (its exit included)", exits))
    print(summary("CPU time until shown, the app", app_cpu))
    print(summary("CPU time until shown, the floor", floor_cpu))
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n\nwhere it goes (one run):")
    print(breakdown.stdout or breakdown.stderr[-2000:])


if __name__ == "__main__":
    main()
