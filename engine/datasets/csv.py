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
import itertools
import math
import os
from pathlib import Path

import numpy as np

from engine.datasets.dataset import Dataset, targets

LABEL_NAMES = ("label", "class", "target", "y")  # by priority
TRAIN_FRACTION = 0.8
MAX_CLASSES = 50  # more distinct labels than this is a regression target, not classes
MAX_LABEL_TEXTS = 10_000  # distinct label spellings ("1", "1.0", ...) kept while reading, at most
CHUNK_ROWS = 4096  # rows converted to numbers at once
FLOAT32_MAX = float(np.finfo(np.float32).max)  # about 3.4e38: larger values would become inf


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
    "#" are skipped. The file is read as a stream, CHUNK_ROWS rows at a time, each chunk's numbers
    converted at once into float32, so memory stays within a few times that of the numbers themselves
    (bench/bench_datasets.py measures a 100 MB file). Values beyond float32's range are refused.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return _parse(path, f, seed)
    except UnicodeDecodeError as exc:
        raise CsvError(f"{path.name}: not a UTF-8 text file (byte {exc.start} of a block cannot be "
                       "decoded).") from exc
    except OSError as exc:
        raise CsvError(f"{path.name}: cannot be read ({exc.strerror or exc}).") from exc


def _parse(path: Path, f, seed: int) -> Dataset:
    line_number = [0]

    def useful_lines():
        for number, line in enumerate(f, start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                line_number[0] = number
                yield line

    lines = useful_lines()
    first_text = next(lines, None)
    if first_text is None:
        raise CsvError(f"{path.name}: the file is empty (no data lines).")
    rows = _csv.reader(itertools.chain([first_text], lines), delimiter=_delimiter(first_text))
    first = [c.strip() for c in next(rows)]
    first_line = line_number[0]

    header: list[str] | None = None
    pending: list[tuple[int, list[str]]] = []
    if all(_number(c) is None for c in first):
        header = first
    else:
        pending.append((first_line, first))
    width = len(first)
    if width < 2:
        raise CsvError(f"{path.name}: line {first_line}: need at least one feature column and a label "
                       f"column, found {width} column.")
    label_col = _label_column(header, width)
    feature_cols = [c for c in range(width) if c != label_col]

    chunks = _Chunks(path.name, feature_cols, label_col)
    for number, cells in pending:
        chunks.add(number, cells)
    for row in rows:
        number = line_number[0]
        if len(row) != width:
            chunks.flush()  # an earlier line's problem is reported first
            raise CsvError(f"{path.name}: line {number}: expected {width} columns, found {len(row)}.")
        chunks.add(number, [c.strip() for c in row])
    chunks.flush()
    n = chunks.n_rows
    if n == 0:
        raise CsvError(f"{path.name}: line {first_line}: there is a header but no data lines after it.")

    distinct = list(chunks.labels)  # in the order first seen; raw codes index this list
    classes, index = _classes(distinct)
    if len(classes) < 2:
        raise CsvError(f"{path.name}: the label column (column {label_col + 1}) holds only one class "
                       f"({classes[0]!r}); a classifier needs at least two.")
    if len(classes) > MAX_CLASSES:
        raise CsvError(f"{path.name}: the label column (column {label_col + 1}) has {len(classes)} distinct "
                       f"values; that looks like a quantity to predict, not classes (at most {MAX_CLASSES}).")
    if n < 2:
        raise CsvError(f"{path.name}: only one data line; need at least two, for a training and a test "
                       "part.")
    labels = index[np.concatenate(chunks.codes)]
    features = np.concatenate(chunks.features) if len(chunks.features) > 1 else chunks.features[0]
    chunks.features.clear()  # let the pieces go before the shuffled copy is made

    order = np.random.default_rng(seed).permutation(n)
    X = features[order]
    del features
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


def _label_column(header: list[str] | None, width: int) -> int:
    if header is not None:
        lowered = [h.lower() for h in header]
        for name in LABEL_NAMES:
            # Beside a column "x", "y" is a coordinate (x, y, colour), not the label.
            if name == "y" and "x" in lowered:
                continue
            if name in lowered:
                return lowered.index(name)
    return width - 1


class _Chunks:
    """Rows gathered CHUNK_ROWS at a time and converted together: float32 features, label codes."""

    def __init__(self, file_name: str, feature_cols: list[int], label_col: int):
        self.file_name = file_name
        self.feature_cols = feature_cols
        self.label_col = label_col
        self.labels: dict[str, int] = {}  # each distinct label text -> its code, in the order first seen
        self.features: list[np.ndarray] = []
        self.codes: list[np.ndarray] = []
        self.n_rows = 0
        self._cells: list[list[str]] = []
        self._numbers: list[int] = []
        self._codes: list[int] = []

    def add(self, number: int, cells: list[str]) -> None:
        label = cells[self.label_col]
        if label == "":
            self.flush()
            raise CsvError(f"{self.file_name}: line {number}, column {self.label_col + 1}: the label is "
                           "missing.")
        code = self.labels.get(label)
        if code is None:
            if len(self.labels) >= MAX_LABEL_TEXTS:
                self.flush()
                raise CsvError(f"{self.file_name}: line {number}, column {self.label_col + 1}: more than "
                               f"{MAX_LABEL_TEXTS:,} distinct labels; that looks like a quantity to "
                               f"predict, not classes (at most {MAX_CLASSES}).")
            code = self.labels[label] = len(self.labels)
        self._cells.append([cells[c] for c in self.feature_cols])
        self._numbers.append(number)
        self._codes.append(code)
        if len(self._cells) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        """Convert the gathered rows; the first bad value (in file order) raises CsvError naming it."""
        if not self._cells:
            return
        try:
            values = np.array(self._cells, dtype=np.float64)
            bad = ~(np.abs(values) <= FLOAT32_MAX)  # NaN, inf, and what float32 cannot hold
        except ValueError:  # some cell is not a number: find the first one
            values, bad = None, None
        if values is None or bad.any():
            self._raise_first_bad(values, bad)
        self.features.append(values.astype(np.float32))
        self.codes.append(np.array(self._codes, dtype=np.int64))
        self.n_rows += len(self._cells)
        self._cells, self._numbers, self._codes = [], [], []

    def _raise_first_bad(self, values: np.ndarray | None, bad: np.ndarray | None) -> None:
        name = self.file_name
        for r, (number, row) in enumerate(zip(self._numbers, self._cells, strict=True)):
            for f, cell in enumerate(row):
                where = f"{name}: line {number}, column {self.feature_cols[f] + 1}"
                if values is not None and not bad[r, f]:
                    continue
                value = _number(cell)
                if cell == "":
                    raise CsvError(f"{where}: the value is missing.")
                if value is None:
                    raise CsvError(f"{where}: {cell!r} is not a number.")
                if not math.isfinite(value):
                    raise CsvError(f"{where}: {cell!r} is not a finite number.")
                if abs(value) > FLOAT32_MAX:
                    raise CsvError(f"{where}: {cell!r} is too large for a 32-bit float (at most "
                                   f"±{FLOAT32_MAX:.3g}).")
        first, last = self._numbers[0], self._numbers[-1]  # numpy and float() disagreed on some spelling
        raise CsvError(f"{name}: lines {first}-{last}: a value there cannot be read as a number.")


def _classes(raw: list[str]) -> tuple[list[str], np.ndarray]:
    """Distinct labels, sorted (numerically if they are all numbers), and each raw label's class index."""
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
