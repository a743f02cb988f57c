"""Model files: save/load as .npz with a JSON header, and ONNX export.

A model file is a zip archive (numpy's .npz layout) with these members:

    header.npy   uint8 bytes of a UTF-8 JSON object: {"format": "nn-playground-model", "version": 1,
                 "sizes": [...], "activation": ..., "output": ..., "dtype": "float32", "seed": 0, ...}
    W0.npy, b0.npy, W1.npy, ...   weights (n_out, n_in) and biases (n_out,) of layers 1, 2, ...

Loading trusts nothing in the file: every member's .npy header (dtype, shape) is checked before its
data is read, pickles are never unpickled (allow_pickle=False), and every problem raises ModelFileError
(a ValueError) whose short message names the file and the problem. A good file round-trips bit for bit.
`model_info` reads only the header, so a caller can say how much memory a file needs before loading it.

Saving writes a temporary `.saving-<pid>-*.npz` beside the target and renames it into place; a save that
was killed half-way leaves that temporary file behind, and the next save into the folder removes it
(`clean_stale_saves`). Errors name the user's file, never the temporary one.

`export_onnx` writes the network as an ONNX model — one Gemm per layer plus its activation — encoding
the protobuf by hand, so the app needs no onnx package (the tests check the file with onnx and
onnxruntime).
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine import functions as F
from engine.network import DTYPES, Network

FORMAT = "nn-playground-model"
VERSION = 1
MAX_HEADER_BYTES = 1 << 20
MAX_LAYER_SIZE = 1 << 20  # neurons per layer; anything larger is not a model this app made
MAX_PARAMETERS = 50_000_000  # refuse to allocate more than this, whatever the file claims
MAX_ENTRIES = 1 + 2 * 500  # the header and a weight and a bias per layer, for up to 500 layers
MAX_SEED = 2**63 - 1
TEMP_PREFIX = ".saving-"
STALE_SECONDS = 3600.0  # a temporary file this old is left over from a killed save, whoever made it
# Loading holds each array twice for a moment (as read from the file, and the network's own), and the
# new Network first fills its arrays with random numbers (float64 while drawing): about 3 times the
# parameters' bytes at the peak (tests/engine/test_io.py measures it with tracemalloc).
LOAD_MEMORY_FACTOR = 3
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same network always gives the same bytes


class ModelFileError(ValueError):
    """A model file that cannot be used; the message says why."""


def _short(value, limit: int = 40) -> str:
    """repr(value), cut to `limit` characters: a message must stay one readable line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit:,} more"


# --- save --------------------------------------------------------------------------------------------


def save(net: Network, path: str | os.PathLike, meta: dict | None = None) -> None:
    """Write `net` to `path` (.npz). `meta`: extra JSON-serialisable facts (accuracy, recipe, ...).

    The file is written to a temporary name first and then moved into place, so a failed save never
    destroys an existing file.
    """
    path = Path(path)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(net.sizes),
        "activation": net.activation,
        "output": net.output,
        "dtype": net.dtype.name,
        "seed": int(net.seed),
    }
    if meta:
        header["meta"] = meta
    members = {"header": np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8)}
    for l, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        members[f"W{l}"] = np.ascontiguousarray(w)
        members[f"b{l}"] = np.ascontiguousarray(b)

    def write(f) -> None:
        with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, array in members.items():
                buf = io.BytesIO()
                np.lib.format.write_array(buf, array, allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, buf.getvalue())

    _write_atomically(path, ".npz", write)


def _write_atomically(path: Path, suffix: str, write) -> None:
    """write(file) into a temporary file beside `path`, then rename it into place; OSError names `path`."""
    folder = path.parent if str(path.parent) else Path(".")
    clean_stale_saves(folder)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=suffix, dir=folder)
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a model file is an ordinary file
        os.replace(tmp, path)
    except OSError as e:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if e.errno is None:
            raise OSError(f"cannot save {path} ({e})") from e
        # the same kind of error (PermissionError, ...), but about the user's file, not the temporary one
        raise OSError(e.errno, e.strerror, str(path)) from e
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def clean_stale_saves(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporary files that killed saves left in `folder`; returns those deleted.

    A temporary file is stale when the process that made it (its name holds the process id) is gone,
    or when it is older than STALE_SECONDS. A save still running in another process is left alone.
    """
    removed = []
    try:
        candidates = list(Path(folder).glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return removed
    now = time.time()
    for tmp in candidates:
        try:
            old = now - tmp.stat().st_mtime > STALE_SECONDS
            if old or _maker_is_gone(tmp.name):
                tmp.unlink()
                removed.append(tmp)
        except OSError:  # gone already, or not ours to delete: leave it
            continue
    return removed


def _maker_is_gone(file_name: str) -> bool:
    """True if the name says which process made the file and that process no longer runs (POSIX)."""
    pid_text = file_name[len(TEMP_PREFIX):].split("-", 1)[0]
    if not pid_text.isdigit() or sys.platform == "win32":  # on Windows only the age tells
        return False
    try:
        os.kill(int(pid_text), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, OSError):
        return False
    return False


# --- load --------------------------------------------------------------------------------------------


def load(path: str | os.PathLike) -> Network:
    """Read a model file written by save(). Any problem raises ModelFileError naming it."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise ModelFileError(f"{name}: no such file ({path})")
    if path.is_dir():
        raise ModelFileError(f"{name}: is a folder, not a model file")
    try:
        size = path.stat().st_size
        if size == 0:
            raise ModelFileError(f"{name}: the file is empty")
        with open(path, "rb") as f:
            if f.read(4) != b"PK\x03\x04":
                raise ModelFileError(f"{name}: not a model file (not a .npz archive)")
            f.seek(0)
            return _with_archive(f, name, _read_archive)
    except OSError as e:
        raise ModelFileError(f"{name}: cannot be read ({e.strerror or e})") from None


@dataclass(frozen=True)
class ModelInfo:
    """What a model file's header says, read without loading its arrays."""

    sizes: list[int]
    activation: str
    output: str
    dtype: np.dtype
    n_parameters: int

    @property
    def parameter_bytes(self) -> int:
        return self.n_parameters * self.dtype.itemsize

    @property
    def memory_bytes(self) -> int:
        """About the most memory load() takes at once for this file (see LOAD_MEMORY_FACTOR)."""
        return LOAD_MEMORY_FACTOR * self.parameter_bytes


def model_info(path: str | os.PathLike) -> ModelInfo:
    """The header of a model file, checked as load() checks it, without reading the weights.

    A window can warn before opening a file whose network needs gigabytes: `model_info(p).memory_bytes`.
    Raises ModelFileError as load() does for a file that is not a model.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ModelFileError(f"{name}: no such file ({path})" if not path.exists() else
                             f"{name}: is a folder, not a model file")
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"PK\x03\x04":
                raise ModelFileError(f"{name}: not a model file (not a .npz archive)")
            f.seek(0)

            def header_only(zf: zipfile.ZipFile, name: str) -> ModelInfo:
                h = _read_header(zf, _entries(zf, name), name)
                return ModelInfo(h["sizes"], h["activation"], h["output"], h["dtype"], h["n_params"])

            return _with_archive(f, name, header_only)
    except OSError as e:
        raise ModelFileError(f"{name}: cannot be read ({e.strerror or e})") from None


def _with_archive(f, name: str, read):
    """read(zipfile, name), with every way a damaged archive fails turned into one ModelFileError."""
    try:
        with zipfile.ZipFile(f) as zf:
            return read(zf, name)
    except zipfile.BadZipFile as e:
        raise ModelFileError(f"{name}: the archive is damaged or cut short ({_short(str(e), 80)})") from None
    except (EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as e:
        raise ModelFileError(f"{name}: the archive cannot be read ({_short(str(e), 80)})") from None


def _entries(zf: zipfile.ZipFile, name: str) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ModelFileError(
            f"{name}: the archive holds {len(infos):,} entries; a model file holds at most {MAX_ENTRIES:,}"
        )
    members = {}
    for info in infos:
        if not info.filename.endswith(".npy") or "/" in info.filename:
            raise ModelFileError(
                f"{name}: unexpected entry {_short(info.filename)} (a model file holds only .npy arrays)"
            )
        members[info.filename[:-4]] = info
    if "header" not in members:
        raise ModelFileError(f"{name}: no header (not a model saved by this app)")
    return members


def _read_archive(zf: zipfile.ZipFile, name: str) -> Network:
    members = _entries(zf, name)
    header = _read_header(zf, members, name)
    sizes, dtype = header["sizes"], header["dtype"]

    # every member's own header first, so nothing is allocated for a file that is wrong anyway
    expected = {"header"}
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=False)):
        for kind, shape in ((f"W{l}", (n_out, n_in)), (f"b{l}", (n_out,))):
            expected.add(kind)
            if kind not in members:
                raise ModelFileError(f"{name}: {kind} is missing (layer {l + 1} needs it)")
            _check_member(zf, members[kind], name, kind, expect_dtype=dtype, expect_shape=shape, layer=l + 1)
    extra = sorted(set(members) - expected)
    if extra:
        raise ModelFileError(
            f"{name}: unexpected arrays {_names(extra)} for a {len(sizes) - 1}-layer network "
            f"(the shapes do not chain with the header's sizes {_short(sizes, 80)})"
        )

    net = Network(sizes, activation=header["activation"], output=header["output"], seed=header["seed"],
                  dtype=dtype)
    for l in range(len(sizes) - 1):
        for kind, target in ((f"W{l}", net.weights[l]), (f"b{l}", net.biases[l])):
            array = _read_member(zf, members[kind], name, kind, expect_dtype=dtype, expect_shape=target.shape)
            if not np.isfinite(array).all():
                raise ModelFileError(f"{name}: {kind} contains NaN or infinite values")
            target[...] = array
            del array  # one layer's file copy at a time
    return net


def _read_header(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str) -> dict:
    """The header's fields, each checked: sizes, activation, output, dtype (np.dtype), seed, n_params."""
    header_info = members["header"]
    _check_member(
        zf, header_info, name, "header", expect_dtype=np.dtype(np.uint8), max_items=MAX_HEADER_BYTES
    )
    raw = _read_member(zf, header_info, name, "header", expect_dtype=np.dtype(np.uint8))
    try:
        header = json.loads(bytes(raw).decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{name}: the header is not valid JSON (not UTF-8 text: {e.reason})") from None
    except RecursionError:
        raise ModelFileError(f"{name}: the header is nested too deeply to be a model's header") from None
    except ValueError as e:  # JSONDecodeError, or a number with thousands of digits
        raise ModelFileError(f"{name}: the header is not valid JSON ({_short(str(e), 80)})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{name}: the header does not describe a {FORMAT} file")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelFileError(f"{name}: the header has no format version")
    if version != VERSION:
        newer = " (made by a newer version of the app?)" if version > VERSION else ""
        raise ModelFileError(
            f"{name}: unknown format version {_short(version)}{newer}; this app reads version {VERSION}"
        )

    sizes = header.get("sizes")
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or len(sizes) > (MAX_ENTRIES - 1) // 2 + 1
        or not all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= MAX_LAYER_SIZE for s in sizes)
    ):
        raise ModelFileError(
            f"{name}: the header's layer sizes {_short(sizes)} are not a list of at least two "
            f"positive whole numbers"
        )
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    if n_params > MAX_PARAMETERS:
        raise ModelFileError(f"{name}: the header claims {n_params:,} parameters, more than this app handles")
    activation, output = header.get("activation"), header.get("output")
    if not isinstance(activation, str) or activation not in F.HIDDEN_ACTIVATIONS:
        raise ModelFileError(f"{name}: unknown hidden activation {_short(activation)}")
    if not isinstance(output, str) or output not in F.OUTPUT_ACTIVATIONS:
        raise ModelFileError(f"{name}: unknown output activation {_short(output)}")
    dtype_name = header.get("dtype", "float32")
    # only the names: np.dtype(None) is float64 and numpy's dtypes compare equal to many odd things
    if not isinstance(dtype_name, str) or dtype_name not in {d.name for d in DTYPES}:
        raise ModelFileError(f"{name}: unsupported dtype {_short(dtype_name)} (float32 or float64 only)")
    seed = header.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise ModelFileError(
            f"{name}: the header's seed {_short(seed)} is not a whole number from 0 to 2^63-1"
        )
    return {"sizes": sizes, "activation": activation, "output": output, "dtype": np.dtype(dtype_name),
            "seed": seed, "n_params": n_params}


def _check_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    kind: str,
    *,
    expect_dtype: np.dtype,
    expect_shape: tuple | None = None,
    layer: int = 0,
    max_items: int | None = None,
) -> None:
    """Check one .npy member's own header (dtype, shape) without reading its data."""
    with zf.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version in ((2, 0), (3, 0)):
                shape, _fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ValueError(f"npy version {version}")
        except (zlib.error, zipfile.BadZipFile) as e:
            raise ModelFileError(f"{name}: {kind} is damaged (cannot decompress: {e})") from None
        except (ValueError, EOFError, SyntaxError, TypeError) as e:
            problem = _short(str(e), 80)
            raise ModelFileError(f"{name}: {kind} is not a valid numpy array ({problem})") from None
    if dtype.hasobject:
        raise ModelFileError(f"{name}: {kind} holds Python objects (a pickle); refused, nothing was run")
    if dtype != expect_dtype:
        raise ModelFileError(f"{name}: {kind} has dtype {dtype}, expected {expect_dtype}")
    if expect_shape is not None and tuple(shape) != tuple(expect_shape):
        what = "weights" if kind.startswith("W") else "biases"
        raise ModelFileError(
            f"{name}: {kind} has shape {tuple(shape)} but layer {layer}'s {what} must be "
            f"{tuple(expect_shape)}: the layer shapes do not chain with the sizes in the header"
        )
    if max_items is not None and (len(shape) != 1 or shape[0] > max_items):
        raise ModelFileError(f"{name}: {kind} has an unexpected shape {tuple(shape)}")
    if info.file_size < int(np.prod(shape)) * dtype.itemsize:
        raise ModelFileError(
            f"{name}: {kind} is cut short ({info.file_size} bytes for a {tuple(shape)} array)"
        )


def _read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    kind: str,
    *,
    expect_dtype: np.dtype,
    expect_shape: tuple | None = None,
) -> np.ndarray:
    """One .npy member whose header _check_member has accepted; never unpickles."""
    with zf.open(info) as f:
        try:
            array = np.lib.format.read_array(f, allow_pickle=False)
        except (zlib.error, zipfile.BadZipFile) as e:  # a corrupt deflate stream, or a wrong checksum
            raise ModelFileError(f"{name}: {kind} is damaged (cannot decompress: {e})") from None
        except (ValueError, EOFError, OSError) as e:
            raise ModelFileError(f"{name}: {kind} is cut short or damaged ({_short(str(e), 80)})") from None
    if array.dtype != expect_dtype or (expect_shape is not None and array.shape != tuple(expect_shape)):
        raise ModelFileError(f"{name}: {kind} does not match its own header")
    return array


# --- ONNX export -----------------------------------------------------------------------------------
# Protobuf wire format, just enough of it: a message is a sequence of (field number, wire type, value);
# varints for integers, length-prefixed bytes for strings and nested messages, fixed32 for floats.


def _varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1  # negative int64 is sent as its two's complement
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _int(field: int, n: int) -> bytes:
    return _varint(field << 3 | 0) + _varint(n)


def _bytes(field: int, data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _varint(field << 3 | 2) + _varint(len(data)) + data


# ONNX enums (onnx.proto): TensorProto.DataType and AttributeProto.AttributeType
_ONNX_DTYPE = {np.dtype(np.float32): 1, np.dtype(np.float64): 11}
_ATTR_INT = 2
_ONNX_OPS = {"sigmoid": "Sigmoid", "relu": "Relu", "tanh": "Tanh", "softmax": "Softmax", "linear": None}
OPSET = 13
IR_VERSION = 7


def _tensor(name: str, array: np.ndarray) -> bytes:  # TensorProto
    dims = b"".join(_int(1, d) for d in array.shape)
    raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return dims + _int(2, _ONNX_DTYPE[array.dtype]) + _bytes(8, name) + _bytes(9, raw)


def _value_info(name: str, elem_type: int, dims: list) -> bytes:  # ValueInfoProto
    shape = b"".join(_bytes(1, _bytes(2, d) if isinstance(d, str) else _int(1, d)) for d in dims)
    tensor_type = _int(1, elem_type) + _bytes(2, shape)
    return _bytes(1, name) + _bytes(2, _bytes(1, tensor_type))


def _node(
    op: str, inputs: list[str], outputs: list[str], name: str, attrs: dict[str, int] | None = None
) -> bytes:
    body = b"".join(_bytes(1, i) for i in inputs) + b"".join(_bytes(2, o) for o in outputs)
    body += _bytes(3, name) + _bytes(4, op)
    for key, value in (attrs or {}).items():  # AttributeProto: name = 1, i = 3, type = 20
        body += _bytes(5, _bytes(1, key) + _int(3, value) + _int(20, _ATTR_INT))
    return body


def export_onnx(net: Network, path: str | os.PathLike) -> None:
    """Write `net` as an ONNX model: input "input" (batch, n_in) -> output "output" (batch, n_out)."""
    elem = _ONNX_DTYPE[net.dtype]
    nodes, inits = [], []
    current = "input"
    for l, (w, b) in enumerate(zip(net.weights, net.biases, strict=True), start=1):
        act = net.layer_activation(l)
        last = l == net.n_layers
        op = _ONNX_OPS[act]
        z_name = "output" if last and op is None else f"z{l}"
        inits += [_tensor(f"W{l}", w), _tensor(f"b{l}", b)]
        # Gemm with transB=1 computes input · Wᵀ + b, exactly our weighted sums
        nodes.append(
            _node("Gemm", [current, f"W{l}", f"b{l}"], [z_name], f"layer{l}_weighted_sum", {"transB": 1})
        )
        current = z_name
        if op is not None:
            a_name = "output" if last else f"a{l}"
            attrs = {"axis": 1} if op == "Softmax" else None
            nodes.append(_node(op, [current], [a_name], f"layer{l}_{act}", attrs))
            current = a_name
    graph = b"".join(_bytes(1, n) for n in nodes) + _bytes(2, "nn_playground_network")
    graph += b"".join(_bytes(5, t) for t in inits)
    graph += _bytes(11, _value_info("input", elem, ["batch", net.sizes[0]]))
    graph += _bytes(12, _value_info("output", elem, ["batch", net.sizes[-1]]))
    model = (
        _int(1, IR_VERSION)
        + _bytes(2, "nn-playground")
        + _bytes(3, "1")
        + _bytes(7, graph)
        + _bytes(8, _bytes(1, "") + _int(2, OPSET))
    )
    _write_atomically(Path(path), ".onnx", lambda f: f.write(model))
