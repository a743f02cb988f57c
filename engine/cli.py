"""The headless command line: `python main.py train ...` and `python main.py download-mnist`.

`train --dataset digits` with no other options is exactly the recipe that made the shipped default
model (engine/resources/models/digits.npz): engine.recipes.DIGITS_RECIPE. Other datasets get
TOY_RECIPE. Any option given on the command line overrides the recipe. This module is argparse and the
terminal only; the recipes and `make_trainer` live in engine/recipes.py.

Progress goes to stderr (a live bar on a terminal, one line per epoch otherwise); the final line gives
the test cost and accuracy; `--json` prints the metrics as one JSON object on stdout. Bad input (an
unknown dataset, an unreadable CSV, a cost that does not fit the output) is one clear line and exit
code 2; a run whose cost explodes, or a download that fails, exits with 1; Ctrl-C exits with 130.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time
from pathlib import Path

from engine import functions as F
from engine.optim import OPTIMIZERS
from engine.recipes import DIGITS_RECIPE, TOY_RECIPE, make_trainer, recipe_for

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad input from the user: one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line naming the option (and where help is), not usage + error."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"error: {message} (see: {self.prog} --help)\n")


# A model the app cannot open again is not worth training: the same limit as engine.io's loader.
MAX_PARAMETERS = 50_000_000
# What training holds per parameter: the weights, their gradients, Adam's two moments, the divergence
# guard's two checkpoints, and the optimiser's temporaries: about 7 float32 copies.
TRAINING_COPIES = 7


def _whole(minimum: int):
    """An argparse type: a whole number >= minimum (argparse names the option in its message)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}, not {value}")
        return value

    return parse


def _number(text: str) -> float:
    """An argparse type: a finite number (nan and inf are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, not {text}")
    return value


TRAIN_EXAMPLES = """\
examples:
  python main.py train --dataset digits --out my-digits.npz
      the shipped model's recipe: 784-256-128-10, 60 epochs, about 98 % (under a minute)
  python main.py train --dataset digits --hidden 32 --epochs 3 --no-augment
      a small network in a few seconds, about 91 %
  python main.py train --dataset spiral --hidden 16 16 --json
      a 2-D set; the metrics as one JSON object on stdout
  python main.py train --dataset points.csv --out points.npz
      your own data: numeric columns and a label column ("label", "class", ... or the last)

Progress (epoch, cost, ETA) goes to stderr; the last line gives the test cost and accuracy.
Exit codes: 0 done, 1 the cost exploded or saving failed, 2 bad input, 130 interrupted (Ctrl-C).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python main.py", description="Neural Network Playground, headless.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{train,download-mnist}")

    train = sub.add_parser(
        "train",
        help="train a network and save it",
        description="Train a network without the window, and save it.\n\n"
        "With --dataset digits and no other options this is exactly the recipe of the shipped\n"
        "default digits model (engine/resources/models/digits.npz). Every option you give overrides\n"
        "the recipe; \"others\" below means the 2-D sets and CSV files.",
        epilog=TRAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = train.add_argument_group("data")
    data.add_argument(
        "--dataset", default="digits", metavar="NAME",
        help="digits, xor, circle, spiral, moons, gauss, or the path of a CSV file (default: digits)",
    )
    data.add_argument(
        "--source", choices=("auto", "bundled", "full"),
        help="digits only: the bundled 10,000 (default), full MNIST (after download-mnist), or auto "
        "(full if downloaded, else bundled)",
    )
    data.add_argument("--n", type=_whole(10), metavar="N", help="2-D sets: number of points (default: 400)")
    data.add_argument("--noise", type=_number, metavar="SD", help="2-D sets: noise level (default: 0.05)")

    net = train.add_argument_group("network")
    net.add_argument(
        "--hidden", type=_whole(1), nargs="*", metavar="N",
        help=f"hidden layer sizes, e.g. --hidden 128 64; none: no hidden layer ({_defaults('hidden')})",
    )
    net.add_argument(
        "--activation", choices=F.HIDDEN_ACTIVATIONS,
        help=f"the hidden layers' activation ({_defaults('activation')})",
    )
    net.add_argument(
        "--output", choices=F.OUTPUT_ACTIVATIONS,
        help="the output layer's activation (default: softmax for several classes, sigmoid for two)",
    )
    net.add_argument(
        "--seed", type=_whole(0), default=0, help="seed for the weights and the shuffling (default: 0)"
    )

    fit = train.add_argument_group("training")
    fit.add_argument(
        "--cost", choices=F.COSTS,
        help="the cost (default: cross_entropy with a sigmoid or softmax output, else mse)",
    )
    fit.add_argument(
        "--optimizer", choices=tuple(OPTIMIZERS), help=f"how the steps are taken ({_defaults('optimizer')})"
    )
    fit.add_argument("--lr", type=_number, metavar="RATE", help=f"learning rate ({_defaults('lr')})")
    fit.add_argument(
        "--lr-decay", type=_number, metavar="FACTOR",
        help=f"multiply the learning rate by this after every epoch ({_defaults('lr_decay')})",
    )
    fit.add_argument("--l2", type=_number, metavar="STRENGTH", help=f"L2 weight decay ({_defaults('l2')})")
    fit.add_argument("--batch", type=_whole(1), metavar="N", help=f"mini-batch size ({_defaults('batch')})")
    fit.add_argument(
        "--epochs", type=_whole(0), metavar="N",
        help=f"passes over the training split ({_defaults('epochs')})",
    )
    fit.add_argument(
        "--augment", action=argparse.BooleanOptionalAction, default=None,
        help="digits: randomly shift, turn, scale and thicken the training digits; helps long runs, "
        "slows the first epochs (default: on for digits)",
    )

    fit.add_argument(
        "--strokes", type=_number, metavar="FRACTION",
        help="digits, with --augment: this fraction of each batch redrawn as pen strokes, the digit pad's "
        f"style (engine.augment.StrokeStyle; {_defaults('strokes')})",
    )

    tune = train.add_argument_group("fine-tuning (digits)")
    tune.add_argument(
        "--extra", type=Path, metavar="FILE",
        help="a My digits file (my-digits.npz, from the app's \"This is a …\" buttons): fine-tune the "
        "--from model on these digits mixed with the training digits, with engine.finetune's setting "
        "(--epochs: passes over the mix; default: a fixed number of steps)",
    )
    tune.add_argument("--from", dest="from_model", type=Path, metavar="MODEL",
                      help="with --extra: the trained model (.npz) to fine-tune")

    out = train.add_argument_group("output")
    out.add_argument("--out", type=Path, metavar="PATH", help="save the trained model here (.npz)")
    out.add_argument("--json", action="store_true", help="print the metrics as one JSON object on stdout")

    dl = sub.add_parser("download-mnist", help="download the full MNIST set (60,000 + 10,000 digits)")
    dl.add_argument("--cache-dir", type=Path, help="where to keep it (default: the user's data folder)")
    return parser


def _defaults(key: str) -> str:
    """The recipes' default for one setting, e.g. 'digits: 0.002; others: 0.03' (or 'default: adam')."""

    def text(value) -> str:
        if isinstance(value, list):  # hidden layer sizes
            return " ".join(map(str, value))
        return f"{value:g}" if isinstance(value, float) else str(value)

    digits, others = text(DIGITS_RECIPE[key]), text(TOY_RECIPE[key])
    return f"default: {digits}" if digits == others else f"digits: {digits}; others: {others}"


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse has printed its message (or --help)
        return int(e.code or 0)
    try:
        if args.command == "train" and (args.extra is not None or args.from_model is not None):
            return fine_tune(args)
        if args.command == "train":
            return train(args)
        return download_mnist(args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE


# --- train ---------------------------------------------------------------------------------------------


def resolve_settings(args: argparse.Namespace, n_outputs: int | None = None) -> dict:
    """The full recipe: the dataset's defaults, overridden by whatever was given on the command line."""
    recipe = recipe_for(args.dataset)
    for key in (
        "hidden",
        "activation",
        "output",
        "cost",
        "optimizer",
        "lr",
        "lr_decay",
        "l2",
        "batch",
        "epochs",
    ):
        value = getattr(args, key)
        if value is not None:
            recipe[key] = value
    if args.augment is not None:
        recipe["augment"] = args.augment
    if args.strokes is not None:
        if not 0 <= args.strokes <= 1:
            raise UsageError(f"--strokes must be a fraction in [0, 1], not {args.strokes:g}")
        recipe["strokes"] = args.strokes
    if args.source is not None:
        recipe["source"] = args.source
    if recipe["output"] is None:
        recipe["output"] = "sigmoid" if (n_outputs or 1) == 1 else "softmax"
    if recipe["cost"] is None:
        recipe["cost"] = "cross_entropy" if recipe["output"] in ("sigmoid", "softmax") else "mse"
    recipe["seed"] = args.seed
    if any(h < 1 for h in recipe["hidden"]):
        raise UsageError(f"hidden layer sizes must be >= 1, not {recipe['hidden']}")
    if not (recipe["lr"] > 0 and math.isfinite(recipe["lr"])):
        raise UsageError(f"the learning rate must be a positive number, not {recipe['lr']}")
    if recipe["batch"] < 1 or recipe["epochs"] < 0:
        raise UsageError("--batch must be >= 1 and --epochs >= 0")
    if not 0 < recipe["lr_decay"] <= 1:
        raise UsageError(f"--lr-decay must be in (0, 1], not {recipe['lr_decay']}")
    if not (recipe["l2"] >= 0 and math.isfinite(recipe["l2"])):
        raise UsageError(f"--l2 must be 0 or positive, not {recipe['l2']}")
    try:
        F.check_pairing(recipe["cost"], recipe["output"])
    except ValueError as e:
        raise UsageError(str(e)) from None
    return recipe


def check_size(sizes: list[int], memory: int | None = None) -> None:
    """Refuse a network too large to train here (UsageError with the estimate) before allocating it."""
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    need = n_params * 4 * TRAINING_COPIES
    memory = _physical_memory() if memory is None else memory
    shape = "-".join(map(str, sizes))
    if n_params > MAX_PARAMETERS:
        raise UsageError(f"a {shape} network has {n_params:,} parameters; training it needs about "
                         f"{_bytes(need)} and the app opens models of at most {MAX_PARAMETERS:,} "
                         "parameters: choose smaller --hidden sizes")
    if memory and need > 0.8 * memory:
        raise UsageError(f"a {shape} network needs about {_bytes(need)} to train, more than this "
                         f"machine's {_bytes(memory)} of memory: choose smaller --hidden sizes")


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not on this platform: only the parameter limit
        return None


def _bytes(n: int) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n / 1e3:.0f} kB"


def _load_dataset(args: argparse.Namespace, source: str):
    from engine import datasets

    name = args.dataset
    if name not in datasets.NAMES and not Path(name).is_file():
        if name.lower().endswith(".csv"):
            raise UsageError(f"cannot read {name}: no such file")
        raise UsageError(
            f"unknown dataset {name!r}: use one of {', '.join(datasets.NAMES)} or the path of a CSV file"
        )
    try:
        data = datasets.load(name, seed=args.seed, n=args.n, noise=args.noise, source=source)
    except (ValueError, OSError) as e:
        damaged = isinstance(e, datasets.IdxError)
        again = "; `python main.py download-mnist` fetches it again" if damaged else ""
        raise UsageError(str(e).rstrip(".") + again) from None
    if data.notice:
        print(f"note: {data.notice}", file=sys.stderr)
    return data


def train(args: argparse.Namespace) -> int:
    from engine.io import save
    from engine.training import TrainingDiverged, blas_threads

    source = args.source or (DIGITS_RECIPE["source"] if args.dataset == "digits" else "auto")
    data = _load_dataset(args, source)
    recipe = resolve_settings(args, data.n_outputs)
    check_size([data.n_features, *recipe["hidden"], data.n_outputs])
    if recipe["augment"] and not data.is_image:
        recipe["augment"] = False  # shifting and turning only makes sense for pictures
    trainer = make_trainer(recipe, data)
    net = trainer.network
    sizes = list(net.sizes)
    bar = ProgressBar(sys.stderr)
    print(
        f"training a {'-'.join(map(str, sizes))} network ({recipe['activation']} / {recipe['output']}, "
        f"{recipe['cost']}, {recipe['optimizer']} lr {recipe['lr']:g}) on {data.source}",
        file=sys.stderr,
    )
    try:
        # One BLAS thread for the final evaluation too: its test cost goes into the saved file, and
        # how a product is split between threads changes its last bits (and so the file's bytes).
        with blas_threads(1):  # reproducible on any number of cores, and fast on a busy machine
            result = trainer.fit(recipe["epochs"], progress=bar.update)
            test_cost, test_accuracy = trainer.evaluate(data.X_test, data.Y_test)
    except TrainingDiverged as e:
        bar.close()
        print(f"error: {e}{' Nothing was saved.' if args.out else ''}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        bar.close()
        print(f"interrupted after {trainer.epoch} epoch(s); nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    bar.close()
    metrics = {
        "dataset": args.dataset,
        "data_source": data.source,
        "n_train": len(data.X_train),
        "n_test": len(data.X_test),
        "sizes": sizes,
        **{
            k: recipe[k]
            for k in ("activation", "output", "cost", "optimizer", "lr", "lr_decay", "l2", "batch")
        },
        "epochs": recipe["epochs"],
        "seed": recipe["seed"],
        "augment": recipe["augment"],
        "strokes": recipe["strokes"] if recipe["augment"] else 0.0,
        "steps": trainer.steps,
        "train_cost": result.get("train_cost"),
        "test_cost": test_cost,
        "test_accuracy": test_accuracy,
        "seconds": round(result["seconds"], 2),
        "out": str(args.out) if args.out else None,
    }
    if args.out:
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            # no timing and no path in the file: the same recipe gives the same bytes
            save(net, args.out, meta={k: v for k, v in metrics.items() if k not in ("out", "seconds")})
        except OSError as e:
            print(f"error: cannot save the model to {args.out} ({e.strerror or e})", file=sys.stderr)
            return EXIT_FAILED
    saved = f"; saved to {args.out}" if args.out else " (not saved: give --out PATH)"
    final = (
        f"test cost {test_cost:.4f}, test accuracy {test_accuracy:.2%} on {len(data.X_test)} samples — "
        f"{recipe['epochs']} epochs in {_duration(result['seconds'])}{saved}"
    )
    if args.json:
        print(final, file=sys.stderr)
        print(json.dumps(metrics))
    else:
        print(final)
    return EXIT_OK


# the recipe options fine-tuning does not take: it uses engine.finetune.FINE_TUNE
NOT_WITH_EXTRA = ("hidden", "activation", "output", "cost", "optimizer", "lr", "lr_decay", "l2", "batch",
                  "augment", "strokes", "n", "noise")


def fine_tune(args: argparse.Namespace) -> int:
    """train --extra FILE --from MODEL --out PATH: engine.finetune.fine_tune_files, with its figures."""
    from engine.datasets import my_digits
    from engine.finetune import FINE_TUNE, fine_tune_files
    from engine.io import load
    from engine.training import TrainingDiverged

    if args.extra is None or args.from_model is None:
        raise UsageError("--extra FILE and --from MODEL go together: fine-tune MODEL on the digits in FILE")
    if args.dataset != "digits":
        raise UsageError(f"--extra fine-tunes a digits model: use --dataset digits, not {args.dataset!r}")
    if args.out is None:
        raise UsageError("--extra needs --out PATH: where to save the fine-tuned model")
    given = [f"--{name.replace('_', '-')}" for name in NOT_WITH_EXTRA if getattr(args, name) is not None]
    if given:
        setting = f"{FINE_TUNE.optimizer}, lr {FINE_TUNE.lr:g}, batch {FINE_TUNE.batch_size}"
        raise UsageError(f"{', '.join(given)} cannot be used with --extra: fine-tuning uses its own "
                         f"setting ({setting})")
    for path, what in ((args.from_model, "model"), (args.extra, "My digits file")):
        if not path.is_file():
            raise UsageError(f"cannot read the {what} {path}: no such file")
    try:  # both readable before a word of progress: a bad file is the one line
        net, _ = load(args.from_model), my_digits.load(args.extra)
    except ValueError as e:
        raise UsageError(str(e).rstrip(".")) from None
    print(f"fine-tuning the {'-'.join(map(str, net.sizes))} network of {args.from_model} on {args.extra} "
          f"({FINE_TUNE.describe()})", file=sys.stderr)
    try:
        result = fine_tune_files(args.from_model, args.extra, args.out, source=args.source or "bundled",
                                 epochs=args.epochs or None, seed=args.seed)
    except ValueError as e:
        raise UsageError(str(e).rstrip(".")) from None
    except TrainingDiverged as e:
        print(f"error: {e} Nothing was saved.", file=sys.stderr)
        return EXIT_FAILED
    except OSError as e:
        print(f"error: cannot save the model to {args.out} ({e.strerror or e})", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted; nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    final = f"{result.summary()} in {_duration(result.seconds)}; saved to {args.out}"
    if args.json:
        print(final, file=sys.stderr)
        print(json.dumps({
            "extra_accuracy_before": result.extra_before, "extra_accuracy_after": result.extra_after,
            "test_accuracy_before": result.test_before, "test_accuracy": result.test_after,
            "steps": result.steps, "out": str(args.out),
        }))
    else:
        print(final)
    return EXIT_OK


class ProgressBar:
    """A one-line bar (epoch, cost, ETA) redrawn in place on a terminal; one line per epoch otherwise."""

    WIDTH = 24

    def __init__(self, stream):
        self.stream = stream
        self.live = hasattr(stream, "isatty") and stream.isatty()
        self._last = 0.0
        self._drawn = False

    def update(self, info: dict) -> None:
        first = info.get("first_epoch", 0)
        done = min(1.0, max(0.0, (info["epoch_progress"] - first) / max(1, info["epochs"] - first)))
        filled = int(done * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        eta = _clock(info["eta"])
        epoch = min(info["epoch"] + 1, info["epochs"])
        cost = info.get("epoch_cost", info["cost"])  # the epoch's mean so far: steadier than one batch's
        line = f"epoch {epoch}/{info['epochs']} [{bar}] cost {cost:.4f} ETA {eta}"
        if info["event"] == "epoch":
            test = ""
            if "test_accuracy" in info:
                test = f", test cost {info['test_cost']:.4f}, test accuracy {info['test_accuracy']:.1%}"
            summary = (
                f"epoch {info['epoch']}/{info['epochs']}: train cost {info['cost']:.4f}{test}, ETA {eta}"
            )
            if self._worth_a_line(info):
                self.stream.write(("\r\x1b[2K" if self.live else "") + summary + "\n")
                self.stream.flush()
                self._drawn = False
        elif self.live and time.monotonic() - self._last > 0.1:
            self._last = time.monotonic()
            self.stream.write("\r\x1b[2K" + line)
            self.stream.flush()
            self._drawn = True

    @staticmethod
    def _worth_a_line(info: dict) -> bool:
        """In a log (not a terminal): about ten lines per run — the first epoch, every tenth, the last."""
        first = info.get("first_epoch", 0)
        done, total = info["epoch"] - first, info["epochs"] - first
        return done == 1 or done == total or done % max(1, total // 10) == 0

    def close(self) -> None:
        if self.live and self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


# --- download-mnist --------------------------------------------------------------------------------------


def download_mnist(args: argparse.Namespace) -> int:
    from engine.datasets import mnist

    cancelled = False

    def on_interrupt(signum, frame):
        nonlocal cancelled
        if cancelled:  # pressed again while a slow server keeps us waiting: stop right now
            raise KeyboardInterrupt
        cancelled = True  # download_full polls cancel() between chunks and cleans up after itself
        sys.stderr.write("\ncancelling… (Ctrl-C again to stop at once)\n")

    previous = None
    try:
        previous = signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread: Ctrl-C then arrives as KeyboardInterrupt instead
        previous = None
    stream = sys.stderr
    live = stream.isatty()
    state = {"last": 0.0, "file": None}

    def progress(done: int, total: int | None, file_name: str) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if file_name != state["file"]:
            if state["file"] is not None and live:
                stream.write("\n")
            state["file"] = file_name
            if not live:
                stream.write(f"downloading {file_name}\n")
        if not live or (now - state["last"] < 0.1 and not finished):
            return
        state["last"] = now
        if total:
            filled = int(done / total * ProgressBar.WIDTH)
            bar = "#" * filled + "." * (ProgressBar.WIDTH - filled)
            stream.write(f"\r\x1b[2K{file_name} [{bar}] {done / 1e6:.1f}/{total / 1e6:.1f} MB")
        else:
            stream.write(f"\r\x1b[2K{file_name} {done / 1e6:.1f} MB")
        stream.flush()

    try:
        folder = mnist.download_full(cache_dir=args.cache_dir, progress=progress, cancel=lambda: cancelled)
    except mnist.DownloadCancelled as e:
        _end_line(stream, live, state)
        print(str(e), file=stream)
        return EXIT_INTERRUPTED
    except mnist.DownloadError as e:
        _end_line(stream, live, state)
        print(f"error: {e}", file=stream)
        return EXIT_FAILED
    except KeyboardInterrupt:
        _end_line(stream, live, state)
        print("Download cancelled.", file=stream)
        return EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    _end_line(stream, live, state)
    print(f"The full MNIST set is ready in {folder}")
    return EXIT_OK


def _end_line(stream, live: bool, state: dict) -> None:
    if live and state["file"] is not None:
        stream.write("\n")
        stream.flush()
