"""Model files: a good one round-trips bit for bit; every kind of bad one is refused with a message that
names the problem, and nothing inside it runs. ONNX export gives what forward gives."""

from __future__ import annotations

import io
import json
import pathlib
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from engine.io import FORMAT, ModelFileError, export_onnx, load, save
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
    }
    return cases, boom.marker


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
