"""Load a classification dataset from a CSV file: numeric feature columns and one label column.

The label column is the one named "label", "class", "target" or "y" in the header (in that order
of priority; "y" only when there is no column "x", since x, y are then coordinates), else the last
column. Labels may be numbers or words; their distinct values become the classes (sorted, numbers
numerically). Two classes give a single 0/1 target column, more give one-hot rows.

Features are kept as they are in the file, not standardised: a student sees the same numbers the
file holds, and the network's first-layer weights are read in the file's units. (A network trains
best on features of about unit size; scale the file beforehand if its columns are in the thousands.)

Every problem raises CsvError (a ValueError) naming the line and, where it applies, the column.
"""

from __future__ import annotations

import csv as _csv
import math
import os
from pathlib import Path

import numpy as np

from engine.datasets.dataset import Dataset, targets

LABEL_NAMES = ("label", "class", "target", "y")  # by priority
TRAIN_FRACTION = 0.8
MAX_CLASSES = 50  # more distinct labels than this is a regression target, not classes


class CsvError(ValueError):
    """A CSV file that cannot be used; the message names the line and the problem."""


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _delimiter(first_line: str) -> str:
    """Comma, semicolon or tab: whichever the first line uses (comma if none)."""
    counts = {d: first_line.count(d) for d in ",;\t"}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def load_csv(path: str | os.PathLike, *, seed: int = 0) -> Dataset:
    """Read a CSV file into a Dataset with a fixed 80/20 train/test split (shuffled by seed).

    A first row whose cells are all non-numeric is a header. Blank lines and lines starting with
    "#" are skipped.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(f"{path.name}: not a UTF-8 text file (byte {exc.start} cannot be decoded).") from exc
    except OSError as exc:
        raise CsvError(f"{path.name}: cannot be read ({exc.strerror or exc}).") from exc

    lines = text.splitlines()
    rows: list[tuple[int, list[str]]] = []  # (line number, cells)
    delimiter = None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if delimiter is None:
            delimiter = _delimiter(line)
        cells = next(_csv.reader([line], delimiter=delimiter))
        rows.append((number, [c.strip() for c in cells]))
    if not rows:
        raise CsvError(f"{path.name}: the file is empty (no data lines).")

    header: list[str] | None = None
    first_line, first = rows[0]
    if all(_number(c) is None for c in first):
        header = first
        rows = rows[1:]
        if not rows:
            raise CsvError(f"{path.name}: line {first_line}: there is a header but no data lines after it.")
    width = len(header) if header is not None else len(rows[0][1])
    if width < 2:
        raise CsvError(f"{path.name}: line {first_line}: need at least one feature column and a label "
                       f"column, found {width} column.")

    label_col = width - 1
    if header is not None:
        lowered = [h.lower() for h in header]
        for name in LABEL_NAMES:
            # Beside a column "x", "y" is a coordinate (x, y, colour), not the label.
            if name == "y" and "x" in lowered:
                continue
            if name in lowered:
                label_col = lowered.index(name)
                break
    feature_cols = [c for c in range(width) if c != label_col]

    features = np.empty((len(rows), len(feature_cols)), dtype=np.float64)
    raw_labels: list[str] = []
    for r, (number, cells) in enumerate(rows):
        if len(cells) != width:
            raise CsvError(f"{path.name}: line {number}: expected {width} columns, found {len(cells)}.")
        for f, c in enumerate(feature_cols):
            cell = cells[c]
            value = _number(cell)
            if cell == "":
                raise CsvError(f"{path.name}: line {number}, column {c + 1}: the value is missing.")
            if value is None:
                raise CsvError(f"{path.name}: line {number}, column {c + 1}: {cell!r} is not a number.")
            if not math.isfinite(value):
                raise CsvError(f"{path.name}: line {number}, column {c + 1}: {cell!r} is not a finite "
                               "number.")
            features[r, f] = value
        if cells[label_col] == "":
            raise CsvError(f"{path.name}: line {number}, column {label_col + 1}: the label is missing.")
        raw_labels.append(cells[label_col])

    classes, labels = _classes(raw_labels)
    if len(classes) < 2:
        raise CsvError(f"{path.name}: the label column (column {label_col + 1}) holds only one class "
                       f"({classes[0]!r}); a classifier needs at least two.")
    if len(classes) > MAX_CLASSES:
        raise CsvError(f"{path.name}: the label column (column {label_col + 1}) has {len(classes)} distinct "
                       f"values; that looks like a quantity to predict, not classes (at most {MAX_CLASSES}).")
    n = len(rows)
    if n < 2:
        raise CsvError(f"{path.name}: only one data line; need at least two, for a training and a test "
                       "part.")

    order = np.random.default_rng(seed).permutation(n)
    X = features[order].astype(np.float32)
    labels = labels[order]
    cut = min(n - 1, max(1, int(round(TRAIN_FRACTION * n))))
    if header is not None:
        feature_names = [header[c] or f"x{i + 1}" for i, c in enumerate(feature_cols)]
    else:
        feature_names = [f"x{i + 1}" for i in range(len(feature_cols))]
    return Dataset(
        name=str(path),
        X_train=X[:cut], Y_train=targets(labels[:cut], len(classes)),
        X_test=X[cut:], Y_test=targets(labels[cut:], len(classes)),
        labels_train=labels[:cut], labels_test=labels[cut:],
        classes=classes,
        source=f"CSV file {path.name}: {cut:,} train / {n - cut:,} test rows, "
               f"{len(feature_cols)} features, {len(classes)} classes",
        feature_names=feature_names,
    )


def _classes(raw: list[str]) -> tuple[list[str], np.ndarray]:
    """Distinct labels, sorted (numerically if they are all numbers), and each row's class index."""
    values = [_number(s) for s in raw]
    if all(v is not None for v in values):
        # "1", "1.0" and "01" are the same class; show whole numbers without ".0".
        keys = values
        names = {v: (str(int(v)) if float(v).is_integer() else repr(v)) for v in set(values)}
        distinct = sorted(names)
        classes = [names[v] for v in distinct]
    else:
        keys = raw
        distinct = sorted(set(raw))
        classes = list(distinct)
    index = {k: i for i, k in enumerate(distinct)}
    return classes, np.array([index[k] for k in keys], dtype=np.int64)
