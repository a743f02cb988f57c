"""The default digits recipe end to end: wall time and test accuracy. Prints figures; asserts nothing.

    python bench/digits.py              # the recipe; with stroke redrawings; with the plain augmentation
    python bench/digits.py --only-fast  # the recipe, and the recipe with stroke redrawings

Each run is `python main.py train --dataset digits --json` in a fresh process, exactly as a user types
it (data loading, 60 epochs of 784-256-128-10 with augmentation, the final test evaluation): wall time
from start to exit, the CPU time the process used, and the test accuracy it reports. The comparison
partner is the same command with engine.augment.augment_digits swapped for the plain version it
replaced (tests/engine/test_augment.py: reference_augment_digits), measured in the same run, so the
ratio is what the faster augmentation gained at equal quality. A second partner is the recipe with
`--strokes 0.25`, a quarter of each batch redrawn as pen strokes (engine.augment.StrokeStyle, which
redraws every training digit once before the first epoch; the shipped recipe has none): what the
redrawings cost in time and in test accuracy. The machine is shared: read the CPU time beside the wall
time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

PLAIN = """
import sys
sys.path.insert(0, sys.argv[1])
import engine.augment
from tests.engine.test_augment import reference_augment_digits
engine.augment.augment_digits = reference_augment_digits  # make_trainer imports it at call time
from engine.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run(plain: bool, out: Path, extra: tuple[str, ...] = ()) -> dict:
    argv = ["train", "--dataset", "digits", "--json", "--out", str(out), *extra]
    command = ([sys.executable, "-c", PLAIN, str(ROOT), *argv] if plain
               else [sys.executable, "main.py", *argv])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    metrics = json.loads(done.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "train": metrics["seconds"], "accuracy": metrics["test_accuracy"],
            "test_cost": metrics["test_cost"]}


def show(label: str, m: dict) -> None:
    print(f"  {label:<34} wall {m['wall']:5.1f} s (training {m['train']:5.1f} s, CPU {m['cpu']:5.1f} s)"
          f"   test accuracy {m['accuracy']:.1%}, test cost {m['test_cost']:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only-fast", action="store_true", help="skip the plain-augmentation partner")
    args = parser.parse_args()
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"numpy {np.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs{load}")
    print("python main.py train --dataset digits (the default recipe), end to end:")
    with tempfile.TemporaryDirectory() as tmp:
        fast = run(False, Path(tmp) / "fast.npz")
        show("engine.augment (vectorised, float32)", fast)
        strokes = run(False, Path(tmp) / "strokes.npz", ("--strokes", "0.25"))
        show("the recipe with --strokes 0.25", strokes)
        print(f"  the stroke redrawings cost {strokes['wall'] - fast['wall']:+.1f} s wall, "
              f"{strokes['cpu'] - fast['cpu']:+.1f} s CPU; "
              f"accuracy {strokes['accuracy'] - fast['accuracy']:+.1%}")
        if args.only_fast:
            return
        plain = run(True, Path(tmp) / "plain.npz")
        show("the plain augmentation it replaced", plain)
    print(f"  ratio: {plain['wall'] / fast['wall']:.2f}x faster wall time, "
          f"{plain['cpu'] / fast['cpu']:.2f}x less CPU; accuracy {fast['accuracy'] - plain['accuracy']:+.1%}")


if __name__ == "__main__":
    main()
