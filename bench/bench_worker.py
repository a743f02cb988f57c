"""Run in the window: throughput, snapshot rate and the GUI's longest stall, per preset and host.

    QT_QPA_PLATFORM=offscreen python bench/bench_worker.py [--seconds 3] [--repeats 3] [--busy]
        [--hosts process thread] [--presets XOR ...]

For each preset it measures, in the same run, repeated (medians are printed):
  * steps/s of a plain loop calling Trainer.train_step with one BLAS thread, as `python main.py train`
    trains (the comparison partner: no GUI, no thread, no process),
  * steps/s of Run in the real main window at full speed, for each host: "process" (the training in a
    process of its own, what Run uses) and "thread" (a worker thread of the window's process, the
    fallback), counted from the moment Run is pressed, so a Run's start-up is in the figure,
  * their ratio, per repetition (target >= 80%),
  * snapshots per second the GUI received (target >= 50),
  * the longest gap between ticks of a 10 ms QTimer during Run (an event-loop stall; target <= 50 ms,
    aim 25), and the 99th percentile of those gaps,
  * how long after pressing Run the first snapshot arrived,
  * CPU time, which the load of a shared machine does not distort: the training process's steps per
    CPU-second against the plain loop's ("train/CPU", process host only), and the window's own CPU time
    per snapshot ("GUI ms/snap"; on the thread host it includes the training thread). "test %" is the
    share of the training process's CPU time spent on the test point at each epoch's end, work the
    plain loop does not do (python main.py train does it too, in Trainer.fit).
    On Linux with autogroup scheduling a busy machine is shared out by session: the plain loop gets
    the bench's share; the training process is a session of its own (so it gets a share as the plain
    loop does), and the window keeps the bench's. With --window-session the training process stays in
    the window's session and splits its share with the window's painting (the app before round 3).
With --busy, each preset is also measured with another process keeping one core busy (a plain Python
loop), as a student's machine running something else would. The load average is printed: on a shared
machine every figure drops; the ratios, measured back to back, are what to compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Qt is imported inside the functions: a Run's process imports this file again (as __mp_main__), and
# should not load Qt for nothing.
STALL_LIMIT_MS = 50.0  # the longest the window may stop answering during Run (issue 13)
PROFILE_GUI = 0  # --profile-gui N: print the window's N costliest functions of each Run (cProfile)
PRESETS = ["XOR", "Circle", "Spiral", "3Blue1Brown digits", "Accurate digits"]


def wait(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def plain_steps_per_second(session, seconds: float) -> float:
    """The partner: Trainer.train_step in a plain loop, one BLAS thread; the network is put back after."""
    from engine.threads import blas_threads

    trainer = session.trainer
    saved = session.to_state()
    with blas_threads(1):
        start, cpu = time.perf_counter(), time.process_time()
        n = 0
        while time.perf_counter() - start < seconds:
            trainer.train_step()
            n += 1
        rate, cpu_rate = n / (time.perf_counter() - start), n / (time.process_time() - cpu)
    session.from_state(saved)
    return rate, cpu_rate


def run_in_window(preset: str, host: str, seconds: float) -> dict:
    from PySide6.QtCore import QTimer

    from playground.main_window import MainWindow
    from playground.session import Session

    window = MainWindow(session=Session(preset=preset), remember=False)
    window.show()
    wait(0.3)
    session = window.session
    session.set_epochs(0)
    session.set_run_speed(0)  # full speed
    plain, plain_cpu = plain_steps_per_second(session, min(seconds, 2.0))
    result = {"plain": plain}

    gaps: list[float] = []
    last = [time.perf_counter()]
    first = []

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    steps0 = session.steps
    os.environ["PLAYGROUND_RUN_HOST"] = host  # read by playground.worker.start_run
    started = time.perf_counter()
    session.historyChanged.connect(lambda: first or first.append(time.perf_counter() - started))
    session.run()
    run = session._training
    last[0] = time.perf_counter()
    gui_cpu = time.process_time()
    timer.start()
    profiler = None
    if PROFILE_GUI:  # (its own cost slows the window: the figures of a profiled run are not the real ones)
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    wait(seconds)
    if profiler is not None:
        import pstats

        profiler.disable()
        print(f"--- {preset}, {host}: the window's costliest functions during Run, by their own time")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(PROFILE_GUI)
    timer.stop()
    session.pause()
    gui_cpu = time.process_time() - gui_cpu
    elapsed = time.perf_counter() - started
    stats = run.stats
    train_cpu = getattr(stats, "cpu_seconds", 0.0)
    result.update({
        "sizes": "-".join(map(str, session.network.sizes)),
        "run": (session.steps - steps0) / elapsed,
        "snapshots": session.last_snapshot_rate,
        "max_stall": 1000 * max(gaps),
        "p99_stall": 1000 * sorted(gaps)[int(0.99 * (len(gaps) - 1))],
        "first_ms": 1000 * first[0] if first else float("nan"),
        "train_cpu": stats.steps_done / train_cpu / plain_cpu if train_cpu else float("nan"),
        "test_share": getattr(stats, "test_seconds", 0.0) / train_cpu if train_cpu else float("nan"),
        "gui_ms": 1000 * gui_cpu / max(stats.snapshots_sent, 1),
    })
    result["ratio"] = result["run"] / result["plain"]
    window.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--presets", nargs="*", default=PRESETS)
    parser.add_argument("--hosts", nargs="*", default=["process", "thread"], choices=["process", "thread"])
    parser.add_argument("--busy", action="store_true", help="also measure with one core kept busy")
    parser.add_argument("--window-session", action="store_true",
                        help="the training process in the window's session, as before it had one of its "
                             "own (Linux autogroup: it then splits the window's CPU share on a busy "
                             "machine; see training_process.py)")
    parser.add_argument("--profile-gui", type=int, default=0, metavar="N",
                        help="profile the window during each Run and print its N costliest functions "
                             "(slows the window: for finding what a stall is made of, not for figures)")
    args = parser.parse_args()
    global PROFILE_GUI
    PROFILE_GUI = args.profile_gui
    if args.window_session:
        os.environ["PLAYGROUND_TRAINING_SESSION"] = "window"  # read by ProcessRun.start
    import tempfile

    from PySide6.QtCore import QSettings

    from playground.app import make_application
    from playground.process_run import warm_up

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    make_application()
    warm_up()
    print(f"cores: {os.cpu_count()}; load average at the start: {os.getloadavg()[0]:.1f}; "
          f"{args.repeats} repetition(s) of {args.seconds:g} s, medians; the training process in "
          + ("the window's session" if args.window_session else "a session of its own"))
    header = (f"{'preset':19s} {'network':>14s} {'host':>8s} {'other core':>10s} {'plain steps/s':>13s} "
              f"{'Run steps/s':>11s} {'Run/plain':>9s} {'snapshots/s':>11s} {'max stall ms':>12s} "
              f"{'p99 stall ms':>12s} {'1st snap ms':>11s} {'train/CPU':>9s} {'test %':>6s} "
              f"{'GUI ms/snap':>11s}")
    print(header)
    for preset in args.presets:
        for busy in (False, True) if args.busy else (False,):
            rows: dict[str, list[dict]] = {h: [] for h in args.hosts}
            for _ in range(args.repeats):
                for host in args.hosts:  # back to back, so both see the same load
                    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
                    try:
                        rows[host].append(run_in_window(preset, host, args.seconds))
                    finally:
                        if spinner is not None:
                            spinner.kill()
                            spinner.wait()
            for host, results in rows.items():
                def med(key: str, results=results) -> float:
                    return statistics.median(r[key] for r in results)

                print(f"{preset:19s} {results[0]['sizes']:>14s} {host:>8s} {'busy' if busy else 'idle':>10s} "
                      f"{med('plain'):13.0f} {med('run'):11.0f} {100 * med('ratio'):8.0f}% "
                      f"{med('snapshots'):11.1f} {med('max_stall'):12.1f} {med('p99_stall'):12.1f} "
                      f"{med('first_ms'):11.0f} {100 * med('train_cpu'):8.0f}% "
                      f"{100 * med('test_share'):5.1f}% {med('gui_ms'):11.1f}",
                      flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}; stall budget {STALL_LIMIT_MS:g} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
