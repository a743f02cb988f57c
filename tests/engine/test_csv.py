"""The CSV loader: good files of several shapes, and bad ones whose message names the line."""

from __future__ import annotations

import numpy as np
import pytest

from engine import datasets
from engine.datasets.csv import CsvError, load_csv


def write(tmp_path, text: str, name: str = "data.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(d):
    """All rows as {tuple(features): class name}, whatever the split."""
    X = np.concatenate([d.X_train, d.X_test])
    labels = np.concatenate([d.labels_train, d.labels_test])
    return {tuple(x.tolist()): d.classes[k] for x, k in zip(X, labels, strict=True)}


def test_header_and_two_numeric_classes(tmp_path):
    lines = ["x1,x2,label"] + [f"{i},{i / 10},{i % 2}" for i in range(10)]
    d = load_csv(write(tmp_path, "\n".join(lines) + "\n"))
    assert d.classes == ["0", "1"]
    assert d.X_train.shape == (8, 2) and d.X_test.shape == (2, 2)
    assert d.Y_train.shape == (8, 1) and d.Y_train.dtype == np.float32
    assert np.array_equal(d.Y_train[:, 0], d.labels_train)
    assert d.feature_names == ["x1", "x2"]
    # every row kept, raw (not standardised), with its own label
    expected = {(float(i), np.float32(i / 10).item()): str(i % 2) for i in range(10)}
    assert rows_of(d) == expected
    assert "8 train / 2 test rows, 2 features, 2 classes" in d.source


def test_no_header_label_last_and_many_classes_one_hot(tmp_path):
    text = "".join(f"{i}.5,{-i}, {i % 3}\n" for i in range(9))
    d = load_csv(write(tmp_path, text))
    assert d.classes == ["0", "1", "2"]
    assert d.Y_train.shape[1] == 3 and np.all(d.Y_train.sum(1) == 1)
    assert np.array_equal(d.Y_train.argmax(1), d.labels_train)
    assert rows_of(d)[(4.5, -4.0)] == "1"
    assert d.feature_names == ["x1", "x2"]


def test_named_label_column_anywhere_and_word_labels(tmp_path):
    text = "Class,width,height\ncat,1,2\ndog,3,4\ncat,5,6\nbird,7,8\ndog,9,10\n"
    d = load_csv(write(tmp_path, text))
    assert d.classes == ["bird", "cat", "dog"]  # sorted
    assert d.feature_names == ["width", "height"]
    assert rows_of(d) == {(1.0, 2.0): "cat", (3.0, 4.0): "dog", (5.0, 6.0): "cat", (7.0, 8.0): "bird",
                          (9.0, 10.0): "dog"}


def test_y_is_the_label_unless_it_is_a_coordinate(tmp_path):
    d = load_csv(write(tmp_path, "y,f1,f2\n1,0.5,0.25\n0,1.5,2.5\n1,3,4\n"))
    assert d.feature_names == ["f1", "f2"] and rows_of(d)[(0.5, 0.25)] == "1"
    d = load_csv(write(tmp_path, "x,y,colour\n1,2,red\n3,4,blue\n5,6,red\n"))
    assert d.feature_names == ["x", "y"] and d.classes == ["blue", "red"]
    d = load_csv(write(tmp_path, "x,y,target\n1,2,0\n3,4,1\n"))
    assert d.feature_names == ["x", "y"]


def test_numeric_labels_sort_numerically_and_merge_spellings(tmp_path):
    text = "a,b,y\n" + "".join(f"{i},{i},{lab}\n" for i, lab in enumerate(["10", "2", "2.0", "10", "02"]))
    d = load_csv(write(tmp_path, text))
    assert d.classes == ["2", "10"]
    assert sorted(rows_of(d).values()) == ["10", "10", "2", "2", "2"]


def test_semicolons_comments_blank_lines_bom(tmp_path):
    text = "\ufeff# measured in June\nx;y;target\n\n1;2;a\n3;4;b\n  \n5;6;a\n"
    d = load_csv(write(tmp_path, text))
    assert d.classes == ["a", "b"] and len(d.X_train) + len(d.X_test) == 3


def test_split_is_fixed_by_seed(tmp_path):
    path = write(tmp_path, "".join(f"{i},{i % 2}\n" for i in range(20)))
    a, b, c = load_csv(path), load_csv(path), load_csv(path, seed=1)
    assert np.array_equal(a.X_test, b.X_test)
    assert not np.array_equal(a.X_test, c.X_test)
    assert sorted(np.concatenate([a.X_train, a.X_test])[:, 0].tolist()) == list(range(20))


def test_load_dispatches_on_a_csv_path(tmp_path):
    path = write(tmp_path, "1,0\n2,1\n3,0\n")
    d = datasets.load(str(path))
    assert d.name == str(path) and datasets.load(d.name).classes == ["0", "1"]
    assert datasets.load(path).n_features == 1  # a Path works too


@pytest.mark.parametrize("text, message", [
    ("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,x,1\n", r"line 7, column 2: 'x' is not a number"),
    ("1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,12,1\n13,14,abc\n15,nope,1\n", r"line 8, column 2: 'nope'"),
    ("1,2,3,0\n3,4,5,1\n5,6,7,0\n7,8,9,1\n9,10,11,0\n11,12,oops,1\n1,1,1,1\n",
     r"line 6, column 3: 'oops' is not a number"),
    ("a,b,label\n1,2,0\n3,4\n", r"line 3: expected 3 columns, found 2"),
    ("1,2,0\n3,4,1,5\n", r"line 2: expected 3 columns, found 4"),
    ("", "the file is empty"),
    ("\n\n# only a comment\n", "the file is empty"),
    ("x,y,label\n", "line 1: there is a header but no data lines"),
    ("a,b,label\n1,2,7\n3,4,7\n", r"only one class \('7'\)"),
    ("1,,0\n2,3,1\n", r"line 1, column 2: the value is missing"),
    ("1,2,0\n2,3,\n", r"line 2, column 3: the label is missing"),
    ("1,nan,0\n2,3,1\n", r"line 1, column 2: 'nan' is not a finite number"),
    ("1,2,0\n2,inf,1\n", r"line 2, column 2: 'inf' is not a finite number"),
    ("label\n1\n2\n", "at least one feature column"),
    ("1,0\n", "only one class"),
    ("".join(f"{i},{i * 0.37}\n" for i in range(60)), "60 distinct values"),
    # float32 holds up to about 3.4e38: anything larger would silently become inf
    ("1,2,0\n3,1e308,1\n", r"line 2, column 2: '1e308' is too large for a 32-bit float \(at most ±3.4e\+38"),
    ("a,b,label\n1,-3.5e38,0\n2,3,1\n", r"line 2, column 2: '-3.5e38' is too large for a 32-bit float"),
    ("1,1e39,0\n2,3,1\n", r"line 1, column 2: '1e39' is too large"),
    # the first problem in the file is the one reported, whatever its kind
    ("1,x,0\n1,2,3,4\n", r"line 1, column 2: 'x' is not a number"),
    ("1,2,0\n1,x,0\n2,3,\n", r"line 2, column 2: 'x' is not a number"),
])
def test_bad_files_name_the_line_and_the_problem(tmp_path, text, message):
    with pytest.raises(CsvError, match=message) as info:
        load_csv(write(tmp_path, text, name="mine.csv"))
    assert str(info.value).startswith("mine.csv: ")
    assert isinstance(info.value, ValueError)


def test_two_rows_two_classes_is_the_minimum(tmp_path):
    d = load_csv(write(tmp_path, "1,a\n2,b\n"))
    assert len(d.X_train) == 1 and len(d.X_test) == 1


def test_unreadable_files(tmp_path):
    with pytest.raises(CsvError, match="missing.csv: cannot be read"):
        load_csv(tmp_path / "missing.csv")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\x00\xff\xfe\x80abc")
    with pytest.raises(CsvError, match="bin.csv: not a UTF-8 text file"):
        load_csv(binary)


def test_the_largest_float32_values_are_kept(tmp_path):
    d = load_csv(write(tmp_path, "x,label\n3.4e38,0\n-3.4e38,1\n1e-3,0\n2,1\n"))
    values = np.sort(np.concatenate([d.X_train[:, 0], d.X_test[:, 0]]))
    assert np.isfinite(values).all() and values.dtype == np.float32
    np.testing.assert_array_equal(values, np.array([-3.4e38, 1e-3, 2, 3.4e38], np.float32))


@pytest.mark.parametrize("chunk_rows", [1, 3, 4096])
def test_line_numbers_hold_across_chunks_comments_and_blank_lines(tmp_path, monkeypatch, chunk_rows):
    import engine.datasets.csv as csv_module

    monkeypatch.setattr(csv_module, "CHUNK_ROWS", chunk_rows)
    lines = ["x,y,label"]
    for i in range(20):
        lines.append(f"{i},{i * 2},{i % 2}")
        if i % 4 == 0:
            lines += ["", "# a comment"]
    good = write(tmp_path, "\n".join(lines) + "\n", name="good.csv")
    d = load_csv(good, seed=1)
    assert len(d.X_train) + len(d.X_test) == 20
    rows = np.concatenate([d.X_train, d.X_test])
    assert sorted(rows[:, 0].tolist()) == list(range(20)) and (rows[:, 1] == 2 * rows[:, 0]).all()
    labels = np.concatenate([d.labels_train, d.labels_test])
    assert (labels == rows[:, 0].astype(int) % 2).all()  # each row kept its own label
    bad_line = lines.index("17,34,1") + 1
    lines[bad_line - 1] = "17,3e39,1"
    with pytest.raises(CsvError, match=rf"^bad.csv: line {bad_line}, column 2: '3e39' is too large"):
        load_csv(write(tmp_path, "\n".join(lines) + "\n", name="bad.csv"))
