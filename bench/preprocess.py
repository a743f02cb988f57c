"""How long does to_mnist take per drawing, with and without the stroke-width normalisation?

to_mnist runs while the user draws (up to 30 times a second, inside a 30 ms budget shared with the
network and the repaint; bench/bench_digit_pad.py measures the whole update). Measured in the same
run, alternating call by call: `before`, MNIST's placement alone (crop, scale to the box, centre the
mass: to_mnist as it was before the width normalisation) and `after`, to_mnist as it is now, on
bundled test digits redrawn with a pen on the 280×280 pad (small, large, fine pen, and at MNIST's own
proportions, where nothing needs changing). Then strokes_to_mnist, which draws the strokes again
with a pen scaled to the drawing, beside to_mnist on the same drawing's canvas.

    python bench/preprocess.py [--digits 60] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from engine import preprocess  # noqa: E402
from engine.datasets.mnist import load_bundled  # noqa: E402
from tests.digit_strokes import PAD_PEN, draw_digit, segments, skeletons  # noqa: E402

DRAWINGS = {
    "small (99 px, pad pen)": (99, PAD_PEN),
    "smaller (70 px, pad pen)": (70, PAD_PEN),
    "large (260 px, pad pen)": (260, PAD_PEN),
    "fine pen (200 px, 5 px)": (200, 5.0),
    "MNIST's proportions (180 px)": (180, PAD_PEN),
}


def placement_only(canvas: np.ndarray) -> np.ndarray:
    """to_mnist before the width normalisation: crop to the ink, clean, place."""
    img = np.asarray(canvas)
    ink = img > preprocess.INK_THRESHOLD
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = np.clip(np.array(img[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], dtype=np.float64), 0, 1)
    return preprocess._fit(crop)


def time_per_call(fn, canvases) -> float:
    start = time.perf_counter()
    for canvas in canvases:
        fn(canvas)
    return (time.perf_counter() - start) / len(canvases) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    X = load_bundled().X_test[: args.digits]
    print(f"to_mnist, ms per call (median of {args.repeats} runs over {len(X)} drawings each)")
    print(f"{'drawing':32s} {'before':>8s} {'after':>8s}")
    for name, (size, pen) in DRAWINGS.items():
        canvases = [draw_digit(x, size, pen) for x in X]
        before, after = [], []
        for _ in range(args.repeats):  # alternating, so load from other processes hits both alike
            before.append(time_per_call(placement_only, canvases))
            after.append(time_per_call(preprocess.to_mnist, canvases))
        print(f"{name:32s} {statistics.median(before):8.2f} {statistics.median(after):8.2f}")

    print("\nstrokes_to_mnist vs to_mnist on the same drawing's canvas (99 px, pad pen), ms per call")
    strokes = [[list(segment) for segment in segments(skeleton)] for skeleton in skeletons(X)]
    t = np.linspace(0, 2 * np.pi, 400)
    circle = [[list(zip(0.5 + 0.1 * np.sin(t), 0.5 + 0.1 * np.cos(t), strict=True))]] * len(X)
    canvases = [draw_digit(x, 99, PAD_PEN) for x in X]
    rows = {"digit centre lines (~47 segments)": strokes, "one 400-point mouse stroke": circle}
    for name, drawings in rows.items():
        mine, theirs = [], []
        for _ in range(args.repeats):
            mine.append(time_per_call(preprocess.strokes_to_mnist, drawings))
            theirs.append(time_per_call(preprocess.to_mnist, canvases))
        print(f"{name:36s} strokes_to_mnist {statistics.median(mine):6.2f}   "
              f"to_mnist {statistics.median(theirs):6.2f}")


if __name__ == "__main__":
    main()
