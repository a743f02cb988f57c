"""Fake MNIST for the tests: hand-made IDX files, and a local HTTP server on 127.0.0.1 that serves them."""

from __future__ import annotations

import gzip
import http.server
import struct
import threading
import time

import numpy as np

from engine.datasets import mnist


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """Hand-made IDX: 0, 0, type, ndim, big-endian uint32 sizes, big-endian elements."""
    dtype = mnist.IDX_TYPES[type_code]
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.asarray(array).astype(dtype).tobytes()


def fake_files(n_train: int, n_test: int, seed: int = 0) -> dict[str, bytes]:
    """The four gzipped MNIST files of random digits; mtime=0: the same bytes (and checksums) every run."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28)),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28)),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test),
    }
    return {f"{name}.gz": gzip.compress(idx_bytes(a), mtime=0) for name, a in arrays.items()}


class Server:
    """An HTTP server in a thread. files: name -> bytes (missing names get 404).

    slow: send in 256-byte pieces with pauses; short: announce more bytes than are sent, then hang up;
    hold: send this many bytes, then wait (up to 15 s) until `release` is set; no_length: announce no
    Content-Length (the end of the file is where the server hangs up, as HTTP/1.0 allows).
    """

    def __init__(self, files: dict[str, bytes], slow: bool = False, short: bool = False,
                 hold: int | None = None, no_length: bool = False):
        self.files = dict(files)
        self.requests: list[str] = []
        self.release = threading.Event()
        self.finished: list[str] = []  # files the handler sent to the end
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server wants)
                name = self.path.rsplit("/", 1)[-1]
                outer.requests.append(name)
                data = outer.files.get(name)
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                if no_length:
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(data) + (100 if short else 0)))
                self.end_headers()
                try:
                    if hold is not None:
                        self.wfile.write(data[:hold])
                        self.wfile.flush()
                        outer.release.wait(15)
                        self.wfile.write(data[hold:])
                    elif slow:
                        for k in range(0, len(data), 256):
                            self.wfile.write(data[k:k + 256])
                            self.wfile.flush()
                            time.sleep(0.01)
                    else:
                        self.wfile.write(data)
                    outer.finished.append(name)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if short:
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mnist/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
