"""`python main.py train --dataset digits --extra my-digits.npz --from MODEL --out PATH`: fine-tunes a
model file on a My digits file (engine.finetune.fine_tune_files); bad options are one line and exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine import cli
from engine.datasets.mnist import load_bundled
from engine.datasets.my_digits import MyDigits
from engine.io import load
from engine.resources import DEFAULT_MODEL
from tests.engine.test_finetune import my_style


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


@pytest.fixture
def extra(tmp_path, bundled):
    """A small My digits file: 20 bundled test digits in a slanted, bold hand."""
    store = MyDigits(tmp_path / "my-digits.npz")
    for x, label in zip(my_style(bundled.X_test[:20]), bundled.labels_test[:20], strict=True):
        store.add(x, int(label))
    return store


def test_train_extra_fine_tunes_the_model_and_saves_it_with_its_figures(tmp_path, extra, bundled, capsys):
    out = tmp_path / "tuned" / "model.npz"
    code = cli.main(["train", "--dataset", "digits", "--extra", str(extra.path), "--from", str(DEFAULT_MODEL),
                     "--out", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == cli.EXIT_OK, captured.err
    metrics = json.loads(captured.out)
    tuned, base = load(out), load(DEFAULT_MODEL)
    X, labels = extra.load()
    assert metrics["extra_accuracy_after"] == pytest.approx(np.mean(tuned.predict(X) == labels))
    assert metrics["extra_accuracy_before"] == pytest.approx(np.mean(base.predict(X) == labels))
    test = np.mean(tuned.predict(bundled.X_test) == bundled.labels_test)
    assert metrics["test_accuracy"] == pytest.approx(test)
    assert metrics["extra_accuracy_after"] > metrics["extra_accuracy_before"]
    assert "my digits" in captured.err and "saved to" in captured.err


@pytest.mark.parametrize("argv, message", [
    (["--extra", "{extra}", "--out", "{out}"], "--from MODEL go together"),
    (["--from", "{model}", "--out", "{out}"], "go together"),
    (["--extra", "{extra}", "--from", "{model}"], "needs --out"),
    (["--extra", "{extra}", "--from", "{model}", "--out", "{out}", "--lr", "0.1"], "--lr cannot be used"),
    (["--extra", "{extra}", "--from", "{model}", "--out", "{out}", "--dataset", "xor"], "--dataset digits"),
    (["--extra", "{tmp}/none.npz", "--from", "{model}", "--out", "{out}"], "no such file"),
    (["--extra", "{tmp}/broken.npz", "--from", "{model}", "--out", "{out}"], "cannot be read"),
    (["--extra", "{extra}", "--from", "{tmp}/broken.npz", "--out", "{out}"], "broken.npz"),
])
def test_bad_fine_tune_options_are_one_line_and_exit_2(argv, message, tmp_path, extra, capsys):
    (tmp_path / "broken.npz").write_bytes(b"not a zip file")
    names = {"extra": extra.path, "out": tmp_path / "out.npz", "model": DEFAULT_MODEL, "tmp": tmp_path}
    argv = ["train", *[a.format(**names) for a in argv]]
    assert cli.main(argv) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and message in err[0], err
    assert not (tmp_path / "out.npz").exists()
