"""How fast is the engine? Prints figures; asserts nothing.

    python bench/bench_network.py            # ~1 minute
    python bench/bench_network.py --full     # also trains the default digits recipe to the end

1. forward + backward (Network.gradients), samples per second, for 784-16-16-10 and 784-256-128-10 at
   batch sizes 1, 32 and 256 — against its comparison partner, the textbook per-sample loop (one
   sample at a time through the same layers in Python, gradients summed), measured in the same run;
2. Trainer.train_step on small 2-D networks (what Run in the window does), steps per second, against
   bare Network.gradients + SGD (the trainer's bookkeeping and explosion guard are its overhead);
3. the default digits recipe (engine.cli.DIGITS_RECIPE): seconds per epoch and the projected (or, with
   --full, the measured) total training time.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import functions as F  # noqa: E402
from engine.augment import augment_digits  # noqa: E402
from engine.datasets import load as load_dataset  # noqa: E402
from engine.network import Network  # noqa: E402
from engine.recipes import DIGITS_RECIPE, make_trainer  # noqa: E402
from engine.training import Trainer, blas_threads  # noqa: E402


def per_sample_gradients(net: Network, X: np.ndarray, Y: np.ndarray):
    """The comparison partner: backprop one sample at a time (column vectors, as in most textbooks)."""
    dW = [np.zeros_like(w) for w in net.weights]
    db = [np.zeros_like(b) for b in net.biases]
    n = len(X)
    for x, y in zip(X, Y, strict=True):
        a = x[:, None]
        acts, zs = [a], []
        for l, (w, b) in enumerate(zip(net.weights, net.biases, strict=True), start=1):
            z = w @ a + b[:, None]
            a = F.ACTIVATIONS[net.layer_activation(l)].f(z.T).T
            zs.append(z)
            acts.append(a)
        delta = (a - y[:, None]) / n  # softmax + cross-entropy
        for l in range(net.n_layers - 1, -1, -1):
            dW[l] += delta @ acts[l].T
            db[l] += delta[:, 0]
            if l > 0:
                delta = (net.weights[l].T @ delta) * F.ACTIVATIONS[net.activation].df(zs[l - 1], acts[l])
    return dW, db


def rate(fn, n_samples: int, min_seconds: float = 0.5) -> float:
    fn()  # warm up
    count, start = 0, time.perf_counter()
    while True:
        fn()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return count * n_samples / elapsed


def bench_gradients() -> None:
    print("1. forward + backward, samples/s: vectorised Network.gradients (numpy's BLAS on 1 thread, and on")
    print("   all cores) vs the per-sample Python loop (1 thread)")
    print(
        f"   {'network':<16}{'batch':>6}{'vectorised':>12}{'all cores':>12}{'per-sample':>12}{'speed-up':>10}"
    )
    rng = np.random.default_rng(0)
    for sizes in ([784, 16, 16, 10], [784, 256, 128, 10]):
        net = Network(sizes, activation="relu", output="softmax", seed=0)
        for batch in (1, 32, 256):
            X = rng.random((batch, 784), dtype=np.float32)
            Y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, batch)]
            all_cores = rate(lambda X=X, Y=Y, net=net: net.gradients(X, Y, "cross_entropy"), batch)
            with blas_threads(1):
                fast = rate(lambda X=X, Y=Y, net=net: net.gradients(X, Y, "cross_entropy"), batch)
                slow = rate(lambda X=X, Y=Y, net=net: per_sample_gradients(net, X, Y), batch)
            name = "-".join(map(str, sizes))
            print(
                f"   {name:<16}{batch:>6}{fast:>12,.0f}{all_cores:>12,.0f}{slow:>12,.0f}{fast / slow:>9.1f}x"
            )
    # the two must agree, or the comparison means nothing
    net = Network([784, 16, 16, 10], activation="relu", output="softmax", seed=0, dtype=np.float64)
    X = rng.random((8, 784))
    Y = np.eye(10)[rng.integers(0, 10, 8)]
    _, dW, _ = net.gradients(X, Y, "cross_entropy")
    dW2, _ = per_sample_gradients(net, X, Y)
    assert all(np.allclose(a, b) for a, b in zip(dW, dW2, strict=True))


def bench_trainer() -> None:
    print("\n2. training steps/s on 2-D sets (batch 32): Trainer.train_step vs bare gradients + SGD")
    for name, sizes, act in (("xor", [2, 4, 1], "tanh"), ("spiral", [2, 8, 8, 1], "tanh")):
        data = load_dataset(name, seed=0)
        net = Network(sizes, activation=act, output="sigmoid", seed=0)
        trainer = Trainer(net, data, cost="cross_entropy", optimizer="sgd", lr=0.1, batch_size=32)
        with_trainer = rate(trainer.train_step, 1)
        bare_net = Network(sizes, activation=act, output="sigmoid", seed=0)
        Xb, Yb = data.X_train[:32], data.Y_train[:32]
        bare = rate(lambda bare_net=bare_net, Xb=Xb, Yb=Yb: bare_net.step(Xb, Yb, 0.1, "cross_entropy"), 1)
        print(
            f"   {name:<7}{'-'.join(map(str, sizes)):<10} Trainer {with_trainer:>8,.0f} steps/s"
            f"   bare step {bare:>8,.0f} steps/s"
        )


def bench_recipe(full: bool) -> None:
    r = DIGITS_RECIPE
    print(
        f"\n3. the default digits recipe: 784-{'-'.join(map(str, r['hidden']))}-10 "
        f"{r['activation']}/{r['output']}, "
        f"{r['optimizer']} lr {r['lr']}, batch {r['batch']}, {r['epochs']} epochs, augment {r['augment']}"
    )
    data = load_dataset("digits", source="bundled")
    trainer = make_trainer(r, data)  # exactly what `python main.py train --dataset digits` builds
    epochs = r["epochs"] if full else 2
    start = time.perf_counter()
    with blas_threads(1):  # as `python main.py train` does
        result = trainer.fit(epochs)
    seconds = time.perf_counter() - start
    per_epoch = seconds / epochs
    X = data.X_train[: r["batch"]]
    aug = rate(lambda: augment_digits(X, np.random.default_rng(0)), r["batch"])
    print(
        f"   {per_epoch:.2f} s per epoch ({len(data.X_train) / per_epoch:,.0f} samples/s incl. augmentation; "
        f"augmentation alone {aug:,.0f} samples/s)"
    )
    if full:
        print(
            f"   measured: {seconds:.1f} s for {epochs} epochs, test accuracy {result['test_accuracy']:.1%}"
        )
    else:
        print(
            f"   projected: {per_epoch * r['epochs']:.0f} s for {r['epochs']} epochs "
            "(run with --full to measure)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="train the whole default recipe")
    args = parser.parse_args()
    print(
        f"numpy {np.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
        if hasattr(os, "getloadavg")
        else ""
    )
    bench_gradients()
    bench_trainer()
    bench_recipe(args.full)


if __name__ == "__main__":
    main()
