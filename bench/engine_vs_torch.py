"""Network training against PyTorch on the CPU, same MLPs, same batches. Prints figures; asserts nothing.

    pip install torch==2.13.0     # benchmark-only (the CPU build): never an app or test dependency
    python bench/engine_vs_torch.py [--threads 1 2] [--repeats 3]

For 784-32-10 (batch 16), 784-128-10 (batch 64) and 784-512-10 (batch 256), ReLU hidden layer,
softmax output, cross-entropy, plain SGD (lr 0.05), float32, on batches of the bundled digits:

* engine: `Network.step(X, Y, lr, "cross_entropy")` (what a Step does);
* PyTorch: `nn.Sequential(Linear, ReLU, Linear)`, `CrossEntropyLoss` on the logits, `optim.SGD`,
  `zero_grad(); loss.backward(); step()`, starting from the same weights;
* the limit: the matrix products one step needs, alone, at the same shapes with numpy's BLAS
  (forward a·Wᵀ per layer; backward δᵀ·a per layer and δ·W for every layer but the first, which no
  one needs for the input), written into preallocated arrays. "of limit" = products / full step.
  These are exactly the five products PyTorch computes for the same step (torch.profiler: two addmm
  forward, then mm for dW2, for δ2·W2 and for dW1; none for the input, which needs no gradient).
* the same five products through PyTorch's own BLAS, alone ("torch prod."), and the "ceiling": PyTorch's
  step over numpy's products, the speed-up an engine step made of nothing but its products would have.
  When both sides sit on BLAS (the largest size), the two libraries' matrix products set the ratio.

BLAS threads are pinned on both sides (engine.threads.blas_threads, torch.set_num_threads) and printed
as each library reports them. The machine is shared: each figure is the median of several rounds, the
two sides alternating within a round; "best-of" is the speed-up of the two fastest rounds (the figure
least disturbed by other programs when the cores are busy); with --repeats the whole table runs again
and a last table gives the medians of the repeats. The load average is printed before and after.
Both sides are checked to compute the same costs (they train the same weights the same way).

The header names each side's BLAS and the kernels it runs: numpy's OpenBLAS picks its kernels from
the CPU (OPENBLAS_CORETYPE overrides that choice), PyTorch's CPU build brings MKL/oneDNN.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.datasets import load as load_dataset  # noqa: E402
from engine.network import Network  # noqa: E402
from engine.threads import blas_threads  # noqa: E402

try:
    import torch
except ImportError:
    sys.exit("PyTorch is a benchmark-only partner: pip install torch==2.13.0 (the CPU build)")

LR = 0.05
SIZES = [(32, 16), (128, 64), (512, 256)]  # hidden width, batch
N_BATCHES = 30  # 30 × 256 samples still fit in the bundled training set


def batches(batch: int):
    data = load_dataset("digits", source="bundled")
    X = np.ascontiguousarray(data.X_train[: batch * N_BATCHES], dtype=np.float32)
    Y = np.ascontiguousarray(data.Y_train[: batch * N_BATCHES], dtype=np.float32)
    return [(X[i : i + batch], Y[i : i + batch]) for i in range(0, len(X), batch)]


def torch_model(net: Network):
    n_in, hidden, n_out = net.sizes
    nn = torch.nn
    model = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))
    with torch.no_grad():
        for layer, w, b in zip((model[0], model[2]), net.weights, net.biases, strict=True):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    return model


def engine_run(net: Network, data) -> list[float]:
    return [net.step(X, Y, LR, "cross_entropy") for X, Y in data]


def torch_run(model, opt, loss_fn, data) -> list[float]:
    costs = []
    for X, labels in data:
        opt.zero_grad()
        loss = loss_fn(model(X), labels)
        loss.backward()
        opt.step()
        costs.append(loss.item())
    return costs


def product_arrays(net: Network, batch: int) -> tuple[np.ndarray, ...]:
    W1, W2 = (w.copy() for w in net.weights)
    z1, z2 = np.empty((batch, W1.shape[0]), np.float32), np.empty((batch, W2.shape[0]), np.float32)
    return W1, W2, z1, z2, np.empty_like(z1), np.empty_like(W1), np.empty_like(W2)


def torch_product_arrays(arrays) -> tuple:
    """The same arrays for PyTorch's own products (its BLAS is another library: MKL, not OpenBLAS)."""
    return tuple(torch.from_numpy(a.copy()) for a in arrays)


def torch_matmul_run(arrays, data) -> None:
    """The same five products through PyTorch's BLAS, alone: the limit of PyTorch's own step."""
    W1, W2, z1, z2, d1, g1, g2 = arrays
    for X, _ in data:
        torch.mm(X, W1.t(), out=z1)
        torch.mm(z1, W2.t(), out=z2)
        torch.mm(z2.t(), z1, out=g2)
        torch.mm(z2, W2, out=d1)
        torch.mm(d1.t(), X, out=g1)


def matmul_run(arrays, data) -> None:
    """The products of one step per batch, alone, into preallocated arrays (the BLAS limit)."""
    W1, W2, z1, z2, d1, g1, g2 = arrays
    for X, _ in data:
        np.matmul(X, W1.T, out=z1)  # forward, layer 1
        np.matmul(z1, W2.T, out=z2)  # forward, layer 2
        np.matmul(z2.T, z1, out=g2)  # dW2 = δ2ᵀ·a1
        np.matmul(z2, W2, out=d1)  # δ2·W2 (then ⊙ f'(z1))
        np.matmul(d1.T, X, out=g1)  # dW1 = δ1ᵀ·x


def numpy_blas(detail: bool = True) -> str:
    """numpy's BLAS as threadpoolctl finds it now: library, version, kernels, threads."""
    found = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not found:
        return "numpy BLAS unknown"
    info = found[0]
    arch = f", {info['architecture']} kernels" if detail and info.get("architecture") else ""
    name = f"{info.get('internal_api', '?')} {info.get('version', '?')}"
    return f"{name}{arch}, {info['num_threads']} thread(s)"


def torch_blas() -> str:
    mkl = "MKL" if torch.backends.mkl.is_available() else "no MKL"
    return f"{mkl}, {torch.backends.cpu.get_cpu_capability()} kernels, {torch.get_num_threads()} thread(s)"


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(hidden: int, batch: int, threads: int, rounds: int) -> dict:
    data = batches(batch)
    torch_data = [(torch.from_numpy(X), torch.from_numpy(Y.argmax(axis=1))) for X, Y in data]
    net = Network([784, hidden, 10], activation="relu", output="softmax", seed=0)
    model = torch_model(net)
    arrays = product_arrays(net, batch)
    torch_arrays = torch_product_arrays(arrays)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = {"engine": [], "torch": [], "matmul": [], "torch matmul": []}
    torch.set_num_threads(threads)
    with blas_threads(threads):
        pinned = (numpy_blas(detail=False), torch_blas())
        engine_costs = engine_run(net, data)  # warm up, and the same first steps on both sides
        torch_costs = torch_run(model, opt, loss_fn, torch_data)
        for _ in range(rounds):
            for name, run in (
                ("engine", lambda: engine_run(net, data)),
                ("torch", lambda: torch_run(model, opt, loss_fn, torch_data)),
                ("matmul", lambda: matmul_run(arrays, data)),
                ("torch matmul", lambda: torch_matmul_run(torch_arrays, torch_data)),
            ):
                start = time.perf_counter()
                run()
                times[name].append((time.perf_counter() - start) / len(data))
    diff = max(abs(a - b) / b for a, b in zip(engine_costs, torch_costs, strict=True))
    best = {f"best {name}": min(t) for name, t in times.items()}
    return {name: statistics.median(t) for name, t in times.items()} | best | {"diff": diff, "pinned": pinned}


def print_table(results: dict) -> None:
    print(f"{'network':<12}{'batch':>6}{'threads':>8}{'engine':>10}{'torch':>10}{'speed-up':>10}"
          f"{'products':>10}{'of limit':>10}{'best-of':>9}{'same costs':>12}"
          f"{'torch prod.':>13}{'ceiling':>9}")
    for (threads, hidden, batch), r in results.items():
        print(
            f"784-{hidden}-10{'':<{5 - len(str(hidden))}}{batch:>6}{threads:>8}"
            f"{r['engine'] * 1e6:>8.0f}µs{r['torch'] * 1e6:>8.0f}µs{r['torch'] / r['engine']:>9.2f}x"
            f"{r['matmul'] * 1e6:>8.0f}µs{r['matmul'] / r['engine']:>10.0%}"
            f"{r['best torch'] / r['best engine']:>8.2f}x{r['diff']:>12.1e}"
            f"{r['torch matmul'] * 1e6:>11.0f}µs{r['torch'] / r['matmul']:>8.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=1, help="run the whole table this many times")
    args = parser.parse_args()
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
          f"torch {torch.__version__}")
    print(f"numpy's BLAS: {numpy_blas()}; torch: {torch_blas()} (outside the runs)")
    print(f"float32, SGD lr {LR}, cross-entropy, {N_BATCHES} batches of bundled digits; "
          f"medians of {args.rounds} rounds")
    print("products = the five matrix products of a step alone (2 forward, dW2, δ2·W2, dW1; none for the "
          "input),\n           the same five PyTorch computes; of limit = products / engine step;\n"
          "torch prod. = those five through PyTorch's BLAS, alone; ceiling = torch step / products:\n"
          "           the speed-up an engine step with nothing but its products would have")
    repeats: list[dict] = []
    for repeat in range(1, args.repeats + 1):
        print(f"\nrepeat {repeat}/{args.repeats}, {load()}")
        results = {}
        for threads in args.threads:
            for hidden, batch in SIZES:
                results[threads, hidden, batch] = r = measure(hidden, batch, threads, args.rounds)
                if hidden == SIZES[0][0]:
                    print(f"  {threads} thread(s) pinned: numpy {r['pinned'][0]}; torch {r['pinned'][1]}")
        print_table(results)
        repeats.append(results)
    print(f"\n{load()}")
    if args.repeats > 1:
        print(f"\nmedians of the {args.repeats} repeats:")
        print_table({key: {name: statistics.median(rep[key][name] for rep in repeats)
                           for name in repeats[0][key] if name != "pinned"} for key in repeats[0]})
    print("\ntargets: engine >= 1.3x torch at every size (aim 1.5x); "
          "the largest size >= 95% of its products' time")


if __name__ == "__main__":
    main()
