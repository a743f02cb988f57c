"""The headless command line, end to end: train on xor and digits with --json, clear errors with exit
code 2, an explosion with exit code 1, download-mnist's progress, errors and Ctrl-C; and the shipped
default digits model: its accuracy, its README, and (slow) that the defaults reproduce it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import cli, recipes
from engine.datasets import mnist
from engine.io import load
from engine.resources import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[2]
MODEL = DEFAULT_MODEL
MODEL_README = DEFAULT_MODEL.parent / "README.md"


def test_train_xor_end_to_end_with_json(tmp_path, capsys):
    out = tmp_path / "xor.npz"
    code = cli.main(["train", "--dataset", "xor", "--epochs", "150", "--out", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    metrics = json.loads(captured.out)  # stdout holds exactly one JSON object
    assert metrics["sizes"] == [2, 8, 8, 1] and metrics["epochs"] == 150 and metrics["output"] == "sigmoid"
    assert metrics["test_accuracy"] >= 0.9
    net = load(out)
    from engine.datasets import load as load_data

    data = load_data("xor", seed=0)
    assert np.mean(net.predict(data.X_test) == data.labels_test) == pytest.approx(metrics["test_accuracy"])
    assert "epoch 1/150" in captured.err and "ETA" in captured.err and "epoch 150/150" in captured.err
    assert f"test accuracy {metrics['test_accuracy']:.2%}" in captured.err.splitlines()[-1]


def test_a_small_mlp_beats_90_percent_on_digits_in_seconds(tmp_path):
    # the example `train --help` gives, run exactly as a user would type it
    example = next(line.split() for line in cli.TRAIN_EXAMPLES.splitlines() if "--hidden 32" in line)
    assert example[:3] == ["python", "main.py", "train"] and "--dataset" in example
    out = tmp_path / "small.npz"
    command = [sys.executable, *example[1:], "--out", str(out), "--json"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    metrics = json.loads(run.stdout)
    assert metrics["sizes"] == [784, 32, 10] and metrics["epochs"] == 3 and metrics["n_test"] == 1000
    assert metrics["test_accuracy"] > 0.9
    # the saved model really is that good on the bundled test split
    data = mnist.load_bundled()
    assert np.mean(load(out).predict(data.X_test) == data.labels_test) == metrics["test_accuracy"]


def test_train_help_reads_well(capsys):
    assert cli.main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    for heading in ("data:", "network:", "training:", "output:", "examples:"):
        assert f"\n{heading}\n" in text
    flat = " ".join(text.split())  # argparse wraps lines at the terminal's width
    d, t = recipes.DIGITS_RECIPE, recipes.TOY_RECIPE
    assert f"learning rate (digits: {d['lr']:g}; others: {t['lr']:g})" in flat
    assert f"(digits: {d['epochs']}; others: {t['epochs']})" in flat
    assert "(digits: 256 128; others: 8 8)" in flat and "(default: adam)" in flat
    assert "Progress (epoch, cost, ETA) goes to stderr" in flat and "Exit codes" in flat
    # every example is a command the parser accepts
    examples = [line.split()[2:] for line in text.splitlines() if line.strip().startswith("python main.py")]
    assert len(examples) == 4
    for argv in examples:
        cli.resolve_settings(cli.build_parser().parse_args(argv), n_outputs=10)


def test_the_live_progress_bar_shows_epoch_cost_and_eta():
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    bar = cli.ProgressBar(screen)
    info = {"event": "step", "epoch": 1, "epochs": 4, "first_epoch": 0, "epoch_progress": 1.5, "cost": 0.9,
            "epoch_cost": 0.61234, "eta": 75.0}
    bar.update(info)
    assert screen.getvalue() == "\r\x1b[2Kepoch 2/4 [#########...............] cost 0.6123 ETA 1:15"
    bar.update({**info, "event": "epoch", "epoch": 2, "epoch_progress": 2.0, "cost": 0.5, "eta": 60.0,
                "test_cost": 0.25, "test_accuracy": 0.875})
    assert screen.getvalue().endswith(
        "\r\x1b[2Kepoch 2/4: train cost 0.5000, test cost 0.2500, test accuracy 87.5%, ETA 1:00\n")
    bar.close()


def test_train_evaluates_on_one_blas_thread(monkeypatch, capsys):
    # The final test cost goes into the saved file, so it must not depend on the number of cores either.
    from engine.threads import blas_threads
    from engine.training import Trainer
    from tests.engine.test_training import blas_count

    if blas_count() is None:
        pytest.skip("numpy uses a BLAS without a thread control here")
    seen = []
    real = Trainer.evaluate

    def watched(self, X, Y):
        seen.append(blas_count())
        return real(self, X, Y)

    monkeypatch.setattr(Trainer, "evaluate", watched)
    with blas_threads(2):  # as in a shell where OpenBLAS may use two threads
        assert cli.main(["train", "--dataset", "gauss", "--epochs", "2"]) == 0
    assert seen and set(seen) == {1}


def test_without_json_the_last_line_gives_test_cost_and_accuracy(capsys):
    assert cli.main(["train", "--dataset", "gauss", "--epochs", "5"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.search(r"test cost \d+\.\d{4}, test accuracy \d+\.\d\d% on 80 samples", last), last


def test_digits_defaults_are_the_recipe_of_the_shipped_model():
    args = cli.build_parser().parse_args(["train"])
    recipe = cli.resolve_settings(args, n_outputs=10)
    assert recipe == {**recipes.DIGITS_RECIPE, "seed": 0}
    # any option overrides it
    args = cli.build_parser().parse_args(["train", "--hidden", "32", "--lr", "0.1", "--no-augment"])
    recipe = cli.resolve_settings(args, n_outputs=10)
    assert (recipe["hidden"], recipe["lr"], recipe["augment"], recipe["optimizer"]) == (
        [32],
        0.1,
        False,
        "adam",
    )


def test_toy_defaults_fit_the_data():
    args = cli.build_parser().parse_args(["train", "--dataset", "spiral"])
    assert cli.resolve_settings(args, n_outputs=1)["output"] == "sigmoid"
    assert cli.resolve_settings(args, n_outputs=3)["output"] == "softmax"
    args = cli.build_parser().parse_args(["train", "--dataset", "xor", "--output", "linear"])
    assert cli.resolve_settings(args, n_outputs=1)["cost"] == "mse"  # cross-entropy would not fit


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--dataset", "nope"], "unknown dataset 'nope'"),
        (["train", "--dataset", "missing.csv"], "no such file"),
        (
            ["train", "--dataset", "xor", "--output", "linear", "--cost", "cross_entropy"],
            "softmax or sigmoid",
        ),
        (["train", "--dataset", "xor", "--lr", "-1"], "learning rate"),
        (["train", "--dataset", "xor", "--hidden", "0"], "argument --hidden: must be a whole number >= 1"),
        (["train", "--lr", "fast"], "argument --lr: 'fast' is not a number"),
        (["train", "--dataset", "xor", "--l2", "nan"], "argument --l2: must be a finite number, not nan"),
        (["train", "--dataset", "xor", "--lr", "inf"], "argument --lr: must be a finite number"),
        (["train", "--dataset", "xor", "--seed", "-1"], "argument --seed: must be a whole number >= 0"),
        (["train", "--dataset", "xor", "--batch", "0"], "argument --batch: must be a whole number >= 1"),
        (["train", "--dataset", "xor", "--epochs", "-3"], "argument --epochs: must be a whole number >= 0"),
        (["train", "--dataset", "xor", "--n", "100000000"], "at most 1,000,000 points"),
        (["train", "--dataset", "xor", "--hidden", "100000", "100000"],
         "a 2-100000-100000-1 network has 10,000,500,001 parameters; training it needs about 280.0 GB"),
        (["train", "--activation", "swish"], "invalid choice"),
        (["fly"], "invalid choice"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_code_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "never.npz"
    assert cli.main([*argv, "--out", str(out)] if argv[0] == "train" else argv) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert message in err and "Traceback" not in err
    assert err.startswith("error: ") and err.count("\n") == 1  # one line
    assert captured.out == "" and list(tmp_path.iterdir()) == []  # nothing trained, nothing saved


def test_the_memory_estimate_refuses_what_this_machine_cannot_hold():
    cli.check_size([784, 256, 128, 10], memory=8 * 10**9)  # the default recipe: fine
    n = 784 * 4000 + 4000 + 4000 * 4000 + 4000 + 4000 * 10 + 10
    assert n * 4 * cli.TRAINING_COPIES == 537_152_280  # 7 float32 copies of every parameter
    with pytest.raises(cli.UsageError, match=r"a 784-4000-4000-10 network needs about 537.2 MB to train, "
                                             r"more than this machine's 500.0 MB"):
        cli.check_size([784, 4000, 4000, 10], memory=5 * 10**8)


def test_an_unreadable_csv_is_refused(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,a\n3,oops,b\n")
    assert cli.main(["train", "--dataset", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: bad.csv: line 3") and "'oops'" in err and "\n" not in err


def test_a_csv_trains(tmp_path, capsys):
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(120, 2))
    rows = [f"{x:.4f},{y:.4f},{'in' if x * x + y * y < 1 else 'out'}" for x, y in pts]
    path = tmp_path / "ring.csv"
    path.write_text("x,y,label\n" + "\n".join(rows) + "\n")
    assert cli.main(["train", "--dataset", str(path), "--epochs", "60", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["test_accuracy"] >= 0.8


def test_an_explosion_exits_with_1_and_a_clear_message(capsys, tmp_path):
    out = tmp_path / "never.npz"
    assert cli.main(["train", "--dataset", "xor", "--lr", "1e4", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: The training exploded — lower the learning rate.")
    assert "before the explosion began" in last and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []  # nothing was saved
    argv = [
        "train",
        "--dataset",
        "xor",
        "--output",
        "linear",
        "--optimizer",
        "sgd",
        "--lr",
        "1e6",
        "--epochs",
        "5",
    ]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "lower the learning rate" in err and "Traceback" not in err


def test_main_py_dispatches_headless_without_qt(tmp_path):
    code = (
        "import sys, main; rc = main.main(['train', '--dataset', 'gauss', '--epochs', '3', '--json']); "
        "print('PySide6' in sys.modules, file=sys.stderr); sys.exit(rc)"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["test_accuracy"] == 1.0
    assert run.stderr.strip().endswith("False")


# --- download-mnist --------------------------------------------------------------------------------------


def test_download_reports_progress_and_where_it_put_the_files(monkeypatch, tmp_path, capsys):
    def fake_download(cache_dir=None, mirrors=None, progress=None, cancel=None):
        for done in (0, 4_000_000, 9_912_422):
            progress(done, 9_912_422, "train-images-idx3-ubyte.gz")
        progress(28_881, 28_881, "train-labels-idx1-ubyte.gz")
        return Path(cache_dir)

    monkeypatch.setattr(mnist, "download_full", fake_download)
    assert cli.main(["download-mnist", "--cache-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert str(tmp_path) in captured.out
    assert "train-images-idx3-ubyte.gz" in captured.err and "train-labels-idx1-ubyte.gz" in captured.err


def test_a_failed_download_is_one_line_and_exit_code_1(monkeypatch, capsys):
    def fake_download(**kw):
        raise mnist.DownloadError(
            "Could not download train-images-idx3-ubyte.gz from any mirror (no network)."
        )

    monkeypatch.setattr(mnist, "download_full", fake_download)
    assert cli.main(["download-mnist"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: Could not download train-images-idx3-ubyte.gz from any mirror (no network)."


def test_ctrl_c_cancels_the_download_cleanly(monkeypatch, capsys):
    seen = {}

    def fake_download(cache_dir=None, mirrors=None, progress=None, cancel=None):
        progress(1000, 9_912_422, "train-images-idx3-ubyte.gz")
        signal.raise_signal(signal.SIGINT)  # the user presses Ctrl-C mid-download
        seen["cancel"] = cancel()
        if cancel():
            raise mnist.DownloadCancelled("Download cancelled; nothing half-downloaded was kept.")
        return Path(".")

    handler_before = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(mnist, "download_full", fake_download)
    assert cli.main(["download-mnist"]) == 130
    assert seen["cancel"] is True
    assert "Download cancelled" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is handler_before  # Ctrl-C behaves normally again


# --- the shipped default model ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    return mnist.load_bundled()


def test_the_shipped_model_reaches_97_percent_and_its_readme_says_so(bundled):
    net = load(MODEL)
    accuracy = float(np.mean(net.predict(bundled.X_test) == bundled.labels_test))
    assert accuracy >= 0.97
    readme = MODEL_README.read_text(encoding="utf-8")
    assert "python main.py train --dataset digits --out engine/resources/models/digits.npz" in readme
    assert f"{accuracy:.1%}" in readme  # the README states the measured accuracy
    assert net.sizes == [784, *recipes.DIGITS_RECIPE["hidden"], 10]
    r = recipes.DIGITS_RECIPE
    assert (net.activation, net.output) == (r["activation"], r["output"])


# How close a retrain comes to the shipped model. Bit for bit holds only on the same CPU kernels: OpenBLAS
# picks its kernels by CPU (OPENBLAS_CORETYPE), their roundings differ in the last bits, and over 8,460
# steps that grows into other weights of about the same quality (97.8-98.1% here, 98.1% shipped). Six of
# the 1,000 test digits is the spread seen between such runs; more would mean the recipe changed.
RETRAIN_TOLERANCE = 0.006


@pytest.mark.slow
def test_the_defaults_retrain_a_model_as_good_as_the_shipped_one(tmp_path, bundled):
    # as a user would run it, in a shell where OpenBLAS may use two threads (`train` pins it to one)
    out = tmp_path / "digits.npz"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2"}
    command = [sys.executable, "main.py", "train", "--dataset", "digits", "--out", str(out), "--json"]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    metrics = json.loads(run.stdout)
    shipped, retrained = load(MODEL), load(out)
    shipped_accuracy = float(np.mean(shipped.predict(bundled.X_test) == bundled.labels_test))
    accuracy = float(np.mean(retrained.predict(bundled.X_test) == bundled.labels_test))
    assert accuracy == metrics["test_accuracy"]  # the file holds what the run reported
    assert accuracy >= 0.975
    assert accuracy == pytest.approx(shipped_accuracy, abs=RETRAIN_TOLERANCE)
    assert (retrained.sizes, retrained.activation, retrained.output) == (
        shipped.sizes, shipped.activation, shipped.output)


SHORT_RECIPE = ["train", "--dataset", "digits", "--hidden", "48", "--epochs", "1", "--json"]


def test_a_short_recipe_is_reproducible_bit_for_bit_on_any_number_of_threads(tmp_path):
    # The same command on the same machine gives the very same file, whatever OpenBLAS is allowed to use
    # (and with the augmentation on, which draws from the trainer's own seeded generator).
    files = []
    for k, threads in enumerate(("1", "2", "2")):
        out = tmp_path / f"run{k}.npz"
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads}
        run = subprocess.run([sys.executable, "main.py", *SHORT_RECIPE, "--out", str(out)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["augment"] is True
        files.append(out.read_bytes())
    assert files[0] == files[1] == files[2]
    other_seed = tmp_path / "seed1.npz"
    run = subprocess.run([sys.executable, "main.py", *SHORT_RECIPE, "--seed", "1", "--out", str(other_seed)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and other_seed.read_bytes() != files[0]  # the comparison can fail


def test_a_second_ctrl_c_stops_a_stuck_download_at_once(monkeypatch, capsys):
    def stuck_download(cache_dir=None, mirrors=None, progress=None, cancel=None):
        signal.raise_signal(signal.SIGINT)  # first press: asks politely
        signal.raise_signal(signal.SIGINT)  # second press, before any chunk arrived: stops now
        raise AssertionError("not reached")

    monkeypatch.setattr(mnist, "download_full", stuck_download)
    assert cli.main(["download-mnist"]) == 130
    err = capsys.readouterr().err
    assert "Ctrl-C again" in err and "Download cancelled" in err and "Traceback" not in err


def test_a_damaged_full_mnist_cache_is_one_note_or_one_line(monkeypatch, tmp_path, capsys):
    from tests.engine.test_mnist import _flip_inside_gzip, write_fake_full

    monkeypatch.setenv("NN_PLAYGROUND_DATA", str(tmp_path))
    write_fake_full(tmp_path / "mnist", n_train=300)
    images = tmp_path / "mnist" / "train-images-idx3-ubyte.gz"
    _flip_inside_gzip(images)
    argv = ["train", "--dataset", "digits", "--hidden", "8", "--epochs", "1", "--no-augment"]
    assert cli.main([*argv, "--source", "auto"]) == 0  # trains on the bundled digits instead
    err = capsys.readouterr().err
    assert f"note: The downloaded MNIST set cannot be read ({images})" in err and "Traceback" not in err
    assert cli.main([*argv, "--source", "full"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: train-images-idx3-ubyte.gz: the file is damaged") and "\n" not in err
    assert "download-mnist" in err
