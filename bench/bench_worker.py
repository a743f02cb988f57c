"""Training on the worker thread: throughput, snapshot rate and the GUI's longest stall.

    QT_QPA_PLATFORM=offscreen python bench/bench_worker.py [--seconds 3] [--busy]

For each preset it measures, in the same run:
  * steps/s of a plain loop calling Trainer.train_step (the comparison partner: no GUI, no thread),
  * steps/s of Run in the real main window (worker thread, snapshots, views redrawing),
  * snapshots per second the GUI received (the design caps it near 30),
  * the longest gap between ticks of a 10 ms QTimer during Run (an event-loop stall), and the 99th
    percentile of those gaps. The budget is STALL_LIMIT_MS; each row says whether Run kept to it
    (this was once an assertion in tests/playground/test_run.py: tests never assert time).
With --busy, each preset is measured twice: as is, and with another process keeping one core busy
(a plain Python loop), as a student's machine running something else would.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

STALL_LIMIT_MS = 100.0  # the longest the window may stop answering during Run


def wait(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def plain_steps_per_second(session, seconds: float) -> float:
    trainer = session.trainer
    saved = session.to_state()
    start = time.perf_counter()
    n = 0
    while time.perf_counter() - start < seconds:
        trainer.train_step()
        n += 1
    rate = n / (time.perf_counter() - start)
    session.from_state(saved)  # put the network back as it was
    return rate


def bench(preset: str, seconds: float) -> dict:
    from playground.main_window import MainWindow
    from playground.session import Session

    window = MainWindow(session=Session(preset=preset), remember=False)
    window.show()
    wait(0.3)
    session = window.session
    session.set_epochs(0)
    plain = plain_steps_per_second(session, min(seconds, 2.0))

    gaps = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    steps0 = session.steps
    session.run()
    last[0] = time.perf_counter()
    timer.start()
    started = time.perf_counter()
    wait(seconds)
    timer.stop()
    session.pause()
    elapsed = time.perf_counter() - started
    result = {
        "preset": preset,
        "sizes": "-".join(map(str, session.network.sizes)),
        "plain_steps_s": plain,
        "run_steps_s": (session.steps - steps0) / elapsed,
        "snapshots_s": session.last_snapshot_rate,
        "max_stall_ms": 1000 * max(gaps),
        "p99_stall_ms": 1000 * sorted(gaps)[int(0.99 * (len(gaps) - 1))],
        "mean_tick_ms": 1000 * sum(gaps) / len(gaps),
    }
    window.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--presets", nargs="*", default=["Accurate digits", "3Blue1Brown digits", "XOR",
                                                         "Spiral"])
    parser.add_argument("--busy", action="store_true", help="also measure with one core kept busy")
    args = parser.parse_args()
    import tempfile

    from playground.app import make_application

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    make_application()
    from engine.threads import set_blas_threads as blas_threads

    print(f"cores: {os.cpu_count()}; OpenBLAS threads outside Run: {blas_threads(None)} "
          "(Run uses one; set KEEP_BLAS_THREADS=1 to keep them all, for comparison)")
    if os.environ.get("KEEP_BLAS_THREADS"):
        import playground.worker

        playground.worker.set_blas_threads = lambda n: None  # the comparison: Run with every BLAS thread
    print(f"{'preset':20s} {'network':>14s} {'other core':>10s} {'plain steps/s':>14s} {'Run steps/s':>12s} "
          f"{'snapshots/s':>12s} {'max stall ms':>13s} {'p99 stall ms':>13s} {'mean tick ms':>13s} "
          f"{'stall <= ' + format(STALL_LIMIT_MS, 'g') + ' ms':>16s}")
    for preset in args.presets:
        for busy in (False, True) if args.busy else (False,):
            spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
            try:
                r = bench(preset, args.seconds)
            finally:
                if spinner is not None:
                    spinner.kill()
                    spinner.wait()
            print(f"{r['preset']:20s} {r['sizes']:>14s} {'busy' if busy else 'idle':>10s} "
                  f"{r['plain_steps_s']:14.0f} {r['run_steps_s']:12.0f} {r['snapshots_s']:12.1f} "
                  f"{r['max_stall_ms']:13.1f} {r['p99_stall_ms']:13.1f} {r['mean_tick_ms']:13.1f} "
                  f"{'yes' if r['max_stall_ms'] <= STALL_LIMIT_MS else 'NO':>16s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
