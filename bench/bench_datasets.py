"""How long the datasets take to load, each beside a comparison partner measured in the same run.

    python bench/bench_datasets.py

  * load_bundled (unzip, split, scale to float32, one-hot) vs. a bare np.load of the same arrays;
  * read_idx of a gzipped 9,000-image IDX file vs. gzip.decompress + np.frombuffer alone;
  * load_csv of a 10,000-row, 5-column file vs. np.loadtxt of the same file;
  * load_csv of a 100 MB file (10 feature columns and a label): seconds, peak memory (tracemalloc, and
    the process's peak RSS growth) against the size of the float32 numbers it holds, beside
    np.loadtxt of the same file; each in a fresh process (`--csv-mb N` changes the size);
  * each 2-D set at 400 and 10,000 points;
  * download_full's Cancel latency on a slow local server (1 KB every 20 ms): reading what has arrived
    (read1, as download_full does) vs. waiting for whole 64 KiB chunks (read, as it once did).
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import http.server
import json
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.datasets import load, mnist, toy  # noqa: E402
from engine.datasets.csv import load_csv  # noqa: E402


def best(fn, repeat: int = 5) -> float:
    """Best of a few runs, in milliseconds (the least disturbed by other processes)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def row(what: str, ms: float, partner: str, partner_ms: float) -> None:
    print(f"  {what:<38} {ms:8.1f} ms    {partner:<34} {partner_ms:8.1f} ms   x{ms / partner_ms:.1f}")


CSV_MEASURE = """
import json, resource, sys, time, tracemalloc
import numpy as np
sys.path.insert(0, sys.argv[3])
from engine.datasets.csv import load_csv
path, how = sys.argv[1], sys.argv[2]
read = (lambda: load_csv(path)) if how == "load_csv" else (
    lambda: np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32))
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
result = read()
seconds = time.perf_counter() - start
rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
del result
tracemalloc.start()
read()
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": seconds, "rss_growth": rss_growth, "tracemalloc_peak": peak}))
"""


def big_csv(folder: Path, megabytes: float) -> tuple[Path, int]:
    """A CSV of about `megabytes` MB: 10 feature columns (6 significant digits) and a 3-class label."""
    path = folder / "big.csv"
    rng = np.random.default_rng(0)
    block, labels = rng.normal(size=(20000, 10)), rng.integers(0, 3, 20000)
    text = "".join(",".join(f"{v:.6g}" for v in r) + f",{k}\n" for r, k in zip(block, labels, strict=True))
    rows = 0
    with open(path, "w") as f:
        f.write(",".join(f"x{i}" for i in range(10)) + ",label\n")
        while f.tell() < megabytes * 1e6:  # the same 20,000 rows again and again: parsing does not care
            f.write(text)
            rows += len(block)
    return path, rows


def measure_big_csv(megabytes: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, rows = big_csv(Path(tmp), megabytes)
        size = path.stat().st_size
        numbers = rows * 11 * 4  # every value (the label too) as float32
        print(f"load_csv of a {size / 1e6:.0f} MB CSV: {rows:,} rows x 11 columns, "
              f"{numbers / 1e6:.0f} MB as float32")
        root = str(Path(__file__).resolve().parents[1])
        for how in ("load_csv", "np.loadtxt"):
            run = subprocess.run([sys.executable, "-c", CSV_MEASURE, str(path), how, root],
                                 capture_output=True, text=True, check=True)
            m = json.loads(run.stdout)
            peak, rss = m["tracemalloc_peak"], m["rss_growth"]
            print(f"  {how:<11} {m['seconds']:6.1f} s   peak (tracemalloc) {peak / 1e6:7.0f} MB"
                  f" = {peak / numbers:4.1f}x the numbers   peak RSS growth {rss / 1e6:7.0f} MB"
                  f" = {rss / numbers:4.1f}x")


def main() -> None:
    if "--csv-mb" in sys.argv:
        measure_big_csv(float(sys.argv[sys.argv.index("--csv-mb") + 1]))
        return
    print(f"bundled file: {mnist.BUNDLED_PATH.stat().st_size:,} bytes")

    def bare_npz():
        with np.load(mnist.BUNDLED_PATH) as f:
            return f["images"], f["labels"], f["order"]

    row("load_bundled()", best(mnist.load_bundled), "np.load of the three arrays", best(bare_npz))

    with tempfile.TemporaryDirectory() as tmp:
        images = mnist.load_bundled().X_train[:10000]
        array = (images.reshape(-1, 28, 28) * 255).astype(np.uint8)
        raw = struct.pack(">BBBB", 0, 0, 8, 3) + struct.pack(">3I", *array.shape) + array.tobytes()
        path = Path(tmp) / "images-idx3-ubyte.gz"
        path.write_bytes(gzip.compress(raw))
        row(f"read_idx ({len(array):,} images, gz)", best(lambda: mnist.read_idx(path)),
            "gzip.decompress + frombuffer",
            best(lambda: np.frombuffer(gzip.decompress(path.read_bytes()), np.uint8, offset=16)))

        rng = np.random.default_rng(0)
        table = rng.normal(size=(10000, 4)).round(4)
        labels = rng.integers(0, 3, 10000)
        csv_path = Path(tmp) / "table.csv"
        csv_path.write_text("a,b,c,d,label\n" + "".join(
            f"{r[0]},{r[1]},{r[2]},{r[3]},{k}\n" for r, k in zip(table, labels, strict=True)))
        row("load_csv (10,000 rows x 5)", best(lambda: load_csv(csv_path)),
            "np.loadtxt of the same file",
            best(lambda: np.loadtxt(csv_path, delimiter=",", skiprows=1)))

    measure_big_csv(100)

    for name in toy.GENERATORS:
        small = best(lambda name=name: load(name, n=400))
        big = best(lambda name=name: load(name, n=10000))
        print(f"  {name:<8} 400 points {small:6.2f} ms    10,000 points {big:6.2f} ms")


    print("download_full: Cancel pressed mid-file on a slow server (1 KB every 20 ms), until it stops")
    read1 = [cancel_latency() for _ in range(3)]
    original = http.client.HTTPResponse.read1
    http.client.HTTPResponse.read1 = lambda self, n=-1: self.read(n)  # the old way: wait for a full chunk
    try:
        whole = [cancel_latency() for _ in range(3)]
    finally:
        http.client.HTTPResponse.read1 = original
    print(f"  read1 (what has arrived), worst of 3 {max(read1):8.1f} ms    "
          f"read(64 KiB), worst of 3 {max(whole):8.1f} ms   ({max(whole) / max(read1):.0f}x longer)")


def cancel_latency() -> float:
    """Milliseconds from cancel() turning True (0.3 s into a slow download) to DownloadCancelled."""
    data = bytes(2_000_000)

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server wants)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                for k in range(0, len(data), 1000):
                    self.wfile.write(data[k : k + 1000])
                    self.wfile.flush()
                    time.sleep(0.02)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    stop = threading.Event()
    pressed = {}

    def press() -> None:
        pressed["at"] = time.perf_counter()
        stop.set()

    threading.Timer(0.3, press).start()
    name = "t10k-labels-idx1-ubyte.gz"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                mnist.download_full(tmp, mirrors=[f"http://127.0.0.1:{httpd.server_address[1]}/"],
                                    cancel=stop.is_set, checksums={name: hashlib.sha256(data).hexdigest()})
            except mnist.DownloadCancelled:
                return (time.perf_counter() - pressed["at"]) * 1000
            raise RuntimeError("the download finished before Cancel was pressed")
    finally:
        httpd.shutdown()
        httpd.server_close()


if __name__ == "__main__":
    main()
