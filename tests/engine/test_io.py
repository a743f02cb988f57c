"""Model files: a good one round-trips bit for bit; every kind of bad one is refused with a message that
names the problem, and nothing inside it runs. ONNX export gives what forward gives."""

from __future__ import annotations

import io
import json
import pathlib
import pickle
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

from engine import io as model_io
from engine.io import FORMAT, ModelFileError, clean_stale_saves, export_onnx, load, model_info, save
from engine.network import Network


@pytest.fixture
def net():
    n = Network([5, 4, 3], activation="tanh", output="softmax", seed=3)
    n.biases[0][...] = [0.1, -0.2, 0.3, np.float32(1) / 3]
    return n


def _npy(array, allow_pickle=False) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(array), allow_pickle=allow_pickle)
    return buf.getvalue()


def _header(**changes) -> np.ndarray:
    h = {
        "format": FORMAT,
        "version": 1,
        "sizes": [5, 4, 3],
        "activation": "tanh",
        "output": "softmax",
        "dtype": "float32",
        "seed": 0,
    }
    h.update(changes)
    return np.frombuffer(json.dumps(h).encode(), dtype=np.uint8)


def _good_members(net) -> dict[str, bytes]:
    members = {"header": _npy(_header())}
    for l, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        members[f"W{l}"], members[f"b{l}"] = _npy(w), _npy(b)
    return members


def _write(path, members: dict[str, bytes]) -> pathlib.Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name if "." in name else f"{name}.npy", data)
    return path


# --- round trip ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("activation", "output"), [("tanh", "softmax"), ("relu", "linear"), ("sigmoid", "sigmoid")]
)
def test_round_trip_is_exact(tmp_path, dtype, activation, output):
    original = Network([6, 5, 4, 2], activation=activation, output=output, seed=11, dtype=dtype)
    for b in original.biases:
        b[...] = np.random.default_rng(0).normal(size=b.shape)
    path = tmp_path / "m.npz"
    save(original, path)
    back = load(path)
    assert (back.sizes, back.activation, back.output, back.seed, back.dtype) == (
        original.sizes,
        activation,
        output,
        11,
        np.dtype(dtype),
    )
    for a, b in zip(back.weights + back.biases, original.weights + original.biases, strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def test_saving_is_deterministic_and_does_not_leave_temporary_files(tmp_path, net):
    save(net, tmp_path / "a.npz")
    save(net, tmp_path / "b.npz", meta={"note": "same weights"})
    save(net, tmp_path / "c.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "c.npz").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npz", "b.npz", "c.npz"]
    assert np.array_equal(load(tmp_path / "b.npz").weights[0], net.weights[0])


def test_a_file_written_by_hand_in_the_documented_layout_loads(tmp_path, net):
    back = load(_write(tmp_path / "hand.npz", _good_members(net)))
    np.testing.assert_array_equal(back.weights[1], net.weights[1])


# --- bad files -------------------------------------------------------------------------------------------


class Boom:
    """Unpickling this would create a file: proof that the loader never unpickles."""

    marker: pathlib.Path

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def _bad_files(tmp_path, net):
    good = _good_members(net)
    save(net, tmp_path / "good.npz")
    whole = (tmp_path / "good.npz").read_bytes()
    save(Network([300, 64, 3], seed=1), tmp_path / "wide.npz")  # W0's data is far past its npy header
    wide = (tmp_path / "wide.npz").read_bytes()
    boom = Boom()
    boom.marker = tmp_path / "PWNED"
    nan_w = net.weights[0].copy()
    nan_w[1, 2] = np.nan
    cases = {
        "missing": (None, "no such file"),
        "empty": (b"", "empty"),
        "random": (np.random.default_rng(0).bytes(3000), "not a .npz archive"),
        "text": (b"this is not a model", "not a .npz archive"),
        "plain_npy": (_npy(net.weights[0]), "not a .npz archive"),
        "truncated": (whole[: len(whole) // 2], "damaged or cut short"),
        "truncated_tail": (whole[:-30], "damaged or cut short"),
        "object_array": ({**good, "W0": _npy(np.array([boom], dtype=object), allow_pickle=True)}, "pickle"),
        "pickled_header": (
            {**good, "header": _npy(np.array([boom], dtype=object), allow_pickle=True)},
            "pickle",
        ),
        "raw_pickle_member": ({**good, "W1": pickle.dumps(boom)}, "not a valid numpy array"),
        "pickle_file_inside": ({**good, "payload.pkl": pickle.dumps(boom)}, "unexpected entry 'payload.pkl'"),
        "no_header": ({k: v for k, v in good.items() if k != "header"}, "no header"),
        "header_not_json": (
            {**good, "header": _npy(np.frombuffer(b"{sizes: [", np.uint8))},
            "not valid JSON",
        ),
        "header_foreign": (
            {**good, "header": _npy(np.frombuffer(b'{"a": 1}', np.uint8))},
            "does not describe",
        ),
        "header_as_floats": ({**good, "header": _npy(np.zeros(3))}, "header has dtype float64"),
        "unknown_version": ({**good, "header": _npy(_header(version=99))}, "unknown format version 99"),
        "no_version": ({**good, "header": _npy(_header(version=None))}, "no format version"),
        "bad_sizes": ({**good, "header": _npy(_header(sizes=[5, -4, 3]))}, "layer sizes"),
        "huge_sizes": ({**good, "header": _npy(_header(sizes=[100000, 100000, 3]))}, "parameters"),
        "bad_activation": (
            {**good, "header": _npy(_header(activation="__import__('os')"))},
            "unknown hidden activation",
        ),
        "bad_output": ({**good, "header": _npy(_header(output="gelu"))}, "unknown output activation"),
        "bad_dtype_header": ({**good, "header": _npy(_header(dtype="int8"))}, "unsupported dtype"),
        "shapes_do_not_chain": ({**good, "W1": _npy(np.zeros((3, 6), np.float32))}, "do not chain"),
        "wrong_bias_shape": ({**good, "b0": _npy(np.zeros(5, np.float32))}, "do not chain"),
        "sizes_disagree": ({**good, "header": _npy(_header(sizes=[5, 4, 4, 3]))}, "W1 has shape (3, 4)"),
        "extra_layer": ({**good, "W2": _npy(np.zeros((3, 3), np.float32))}, "unexpected arrays W2"),
        "missing_layer": ({k: v for k, v in good.items() if k != "b1"}, "b1 is missing"),
        "wrong_dtype": (
            {**good, "W0": _npy(net.weights[0].astype(np.float16))},
            "dtype float16, expected float32",
        ),
        "int_weights": ({**good, "W0": _npy(np.zeros((4, 5), np.int32))}, "dtype int32"),
        "nan_weights": ({**good, "W0": _npy(nan_w)}, "NaN or infinite"),
        "inf_bias": ({**good, "b1": _npy(np.array([0, np.inf, 0], np.float32))}, "NaN or infinite"),
        "short_array": ({**good, "W0": _npy(net.weights[0])[:-8]}, "cut short"),
        # the findings: each gets a short message naming the file and the field
        "dtype_number": ({**good, "header": _npy(_header(dtype=5))}, "unsupported dtype 5"),
        "dtype_list": ({**good, "header": _npy(_header(dtype=["float32"]))}, "unsupported dtype ['float32']"),
        "dtype_null": ({**good, "header": _npy(_header(dtype=None))}, "unsupported dtype None"),
        "negative_seed": ({**good, "header": _npy(_header(seed=-1))}, "the header's seed -1"),
        "huge_seed": ({**good, "header": _npy(_header(seed=2**64))}, "seed 18446744073709551616"),
        "deep_json": ({**good, "header": _npy(np.frombuffer(
            json.dumps(json.loads(bytes(_header()))).encode()[:-1] + b', "meta": ' + b"[" * 100_000
            + b"]" * 100_000 + b"}", np.uint8))}, "nested too deeply"),
        "huge_number": ({**good, "header": _npy(np.frombuffer(
            bytes(_header(seed=0)).replace(b'"seed": 0', b'"seed": ' + b"9" * 5000), np.uint8))},
            "not valid JSON"),
        "long_activation": ({**good, "header": _npy(_header(activation="x" * 500_000))},
                            "unknown hidden activation 'xxx"),
        "long_sizes": ({**good, "header": _npy(_header(sizes=[1] * 100_000))}, "layer sizes [1, 1, 1"),
        "many_arrays": ({**good, **{f"W{k}": _npy(np.zeros(1, np.float32)) for k in range(2, 400)}},
                        "unexpected arrays W10, W100, W101, W102, W103 and 393 more"),
        "many_entries": (dict(good, **{f"x{k}": b"" for k in range(100_000)}), "holds 100,005 entries"),
        "corrupt_deflate": (_corrupt_deflate(whole, "W0.npy"), "W0 is damaged (cannot decompress"),
        "corrupt_deflate_late": (_corrupt_deflate(wide, "W0.npy"), "W0 is damaged (cannot decompress"),
    }
    return cases, boom.marker


def _corrupt_deflate(archive: bytes, member: str) -> bytes:
    """The archive with the middle of one member's deflate stream overwritten."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        info = zf.getinfo(member)
    local = archive[info.header_offset:info.header_offset + 30]
    name_len, extra_len = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    damaged = archive[:middle] + b"\xff" * 8 + archive[middle + 8:]
    stream = damaged[start:start + info.compress_size]
    with pytest.raises(zlib.error):  # the case tests what it says: a corrupt deflate stream
        zlib.decompress(stream, -15)
    return damaged


CASES = [
    "missing",
    "empty",
    "random",
    "text",
    "plain_npy",
    "truncated",
    "truncated_tail",
    "object_array",
    "pickled_header",
    "raw_pickle_member",
    "pickle_file_inside",
    "no_header",
    "header_not_json",
    "header_foreign",
    "header_as_floats",
    "unknown_version",
    "no_version",
    "bad_sizes",
    "huge_sizes",
    "bad_activation",
    "bad_output",
    "bad_dtype_header",
    "shapes_do_not_chain",
    "wrong_bias_shape",
    "sizes_disagree",
    "extra_layer",
    "missing_layer",
    "wrong_dtype",
    "int_weights",
    "nan_weights",
    "inf_bias",
    "short_array",
    "dtype_number",
    "dtype_null",
    "dtype_list",
    "negative_seed",
    "huge_seed",
    "deep_json",
    "huge_number",
    "long_activation",
    "long_sizes",
    "many_arrays",
    "many_entries",
    "corrupt_deflate",
    "corrupt_deflate_late",
]


@pytest.mark.parametrize("case", CASES)
def test_every_bad_file_is_refused_with_a_clear_message(tmp_path, net, case):
    cases, marker = _bad_files(tmp_path, net)
    content, expected = cases[case]
    path = tmp_path / f"{case}.npz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        _write(path, content)
    with pytest.raises(ModelFileError) as info:
        load(path)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert expected in message, message
    assert message.startswith(f"{case}.npz: ")  # names the file
    assert len(message) < 250 and "\n" not in message, len(message)  # one line a dialog can show
    assert not marker.exists(), "something inside the file was run"


def test_the_boom_object_really_would_run_if_unpickled(tmp_path):
    # guard: the pickle cases above are only meaningful if unpickling Boom has a visible effect
    boom = Boom()
    boom.marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(boom))
    assert boom.marker.exists()


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="is a folder"):
        load(tmp_path)


# --- ONNX ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("activation", "output"),
    [("sigmoid", "softmax"), ("relu", "sigmoid"), ("tanh", "linear"), ("relu", "relu"), ("linear", "tanh")],
)
def test_onnx_export_matches_forward(tmp_path, dtype, activation, output):
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    net = Network([7, 6, 5, 4], activation=activation, output=output, seed=2, dtype=dtype)
    for b in net.biases:
        b[...] = np.random.default_rng(1).normal(size=b.shape)
    path = tmp_path / "m.onnx"
    export_onnx(net, path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    X = np.random.default_rng(0).normal(size=(9, 7)).astype(dtype)
    (out,) = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"input": X})
    assert out.dtype == dtype and out.shape == (9, 4)
    np.testing.assert_allclose(out, net.forward(X), rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-7)


def test_onnx_export_of_a_digits_sized_network(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    net = Network([784, 32, 10], activation="relu", output="softmax", seed=0)
    export_onnx(net, tmp_path / "d.onnx")
    X = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    (out,) = ort.InferenceSession(str(tmp_path / "d.onnx"), providers=["CPUExecutionProvider"]).run(
        None, {"input": X}
    )
    np.testing.assert_allclose(out, net.forward(X), rtol=1e-5, atol=1e-7)


def test_the_engine_does_not_need_onnx_at_run_time():
    code = "import sys, engine.io, engine.network; print('onnx' in sys.modules, 'PySide6' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=pathlib.Path(__file__).resolve().parents[2],
    )
    assert out.stdout.split() == ["False", "False"]


# --- the header alone, before loading ---------------------------------------------------------------------


def test_model_info_reads_the_header_without_the_weights(tmp_path, net):
    path = tmp_path / "m.npz"
    save(net, path)
    info = model_info(path)
    assert (info.sizes, info.activation, info.output, info.dtype) == ([5, 4, 3], "tanh", "softmax",
                                                                        np.dtype(np.float32))
    assert info.n_parameters == net.n_parameters == 5 * 4 + 4 + 4 * 3 + 3
    assert info.parameter_bytes == 4 * net.n_parameters
    # a header promising 784-60000-10 over arrays that are not there: model_info answers all the same,
    # without reading (or needing) the arrays; load refuses
    big = _write(tmp_path / "big.npz", {"header": _npy(_header(sizes=[784, 60000, 10]))})
    info = model_info(big)
    assert info.n_parameters == 784 * 60000 + 60000 + 60000 * 10 + 10
    assert info.memory_bytes == model_io.LOAD_MEMORY_FACTOR * 4 * info.n_parameters > 500_000_000
    with pytest.raises(ModelFileError, match="W0 is missing"):
        load(big)
    cases, _ = _bad_files(tmp_path, net)
    for bad in ("dtype_number", "negative_seed", "deep_json"):
        target = _write(tmp_path / f"{bad}.npz", cases[bad][0])
        with pytest.raises(ModelFileError, match=cases[bad][1]):
            model_info(target)
    with pytest.raises(ModelFileError, match="no such file"):
        model_info(tmp_path / "gone.npz")


def test_memory_bytes_bounds_what_loading_takes(tmp_path):
    path = tmp_path / "wide.npz"
    save(Network([784, 2000, 10], activation="relu", output="softmax"), path)
    info = model_info(path)
    tracemalloc.start()
    try:
        load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.parameter_bytes < peak <= 1.1 * info.memory_bytes, (peak, info.memory_bytes)


# --- killed and failed saves -------------------------------------------------------------------------------

SLOW_SAVE = """
import sys, time, zipfile
from engine.io import save
from engine.network import Network
original = zipfile.ZipFile.writestr
def slow(self, *args, **kwargs):
    original(self, *args, **kwargs)
    print("writing", flush=True)
    time.sleep(60)
zipfile.ZipFile.writestr = slow
save(Network([5, 4, 3]), sys.argv[1])
"""


def _start_slow_save(target: pathlib.Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", SLOW_SAVE, str(target)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "writing"
    return proc


ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_a_killed_save_leaves_a_temporary_file_that_the_next_save_removes(tmp_path, net):
    killed = _start_slow_save(tmp_path / "killed.npz")
    killed.kill()
    killed.wait()
    leftovers = list(tmp_path.glob(".saving-*"))
    assert len(leftovers) == 1 and str(killed.pid) in leftovers[0].name  # what a kill leaves behind
    running = _start_slow_save(tmp_path / "running.npz")  # a save still going on in another process
    try:
        (live,) = [p for p in tmp_path.glob(".saving-*") if str(running.pid) in p.name]
        save(net, tmp_path / "next.npz")
        assert not leftovers[0].exists()  # the killed save's file is gone ...
        assert live.exists()  # ... the running one's is not touched
    finally:
        running.kill()
        running.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["next.npz", live.name])
    np.testing.assert_array_equal(load(tmp_path / "next.npz").weights[0], net.weights[0])
    assert not (tmp_path / "killed.npz").exists()  # the killed save never half-wrote the user's file


def test_old_temporary_files_without_a_live_maker_are_stale(tmp_path):
    old = tmp_path / ".saving-abc.npz"  # no process id in the name (an older version of the app)
    young = tmp_path / ".saving-def.npz"
    mine = tmp_path / f".saving-{model_io.os.getpid()}-x.npz"  # this process might be saving right now
    for p in (old, young, mine):
        p.write_bytes(b"PK")
    long_ago = time.time() - 2 * model_io.STALE_SECONDS
    model_io.os.utime(old, (long_ago, long_ago))
    assert clean_stale_saves(tmp_path) == [old]
    assert young.exists() and mine.exists()


def test_save_errors_name_the_users_file_and_leave_no_temporary_file(tmp_path, net, monkeypatch):
    target = tmp_path / "model.npz"
    target.mkdir()  # the name is taken by a folder: the final rename fails
    with pytest.raises(OSError) as info:
        save(net, target)
    assert str(target) in str(info.value) and ".saving-" not in str(info.value)
    assert list(tmp_path.glob(".saving-*")) == []

    def full_disk(src, dst):
        raise OSError(28, "No space left on device", src)

    monkeypatch.setattr(model_io.os, "replace", full_disk)
    before = (tmp_path / "keep.npz")
    monkeypatch.undo()
    save(net, before)
    original = before.read_bytes()
    monkeypatch.setattr(model_io.os, "replace", full_disk)
    other = Network([5, 4, 3], activation="tanh", output="softmax", seed=99)
    with pytest.raises(OSError) as info:
        save(other, before)
    assert info.value.errno == 28 and info.value.filename == str(before)
    assert "No space left on device" in str(info.value) and ".saving-" not in str(info.value)
    assert before.read_bytes() == original  # the existing file is untouched
    assert list(tmp_path.glob(".saving-*")) == []
    with pytest.raises(OSError) as info:
        save(net, tmp_path / "no" / "such" / "folder" / "m.npz")
    assert "m.npz" in str(info.value) and ".saving-" not in str(info.value)
