"""Packaging: every file of engine/resources is package data of the wheel, and the code finds the data
through importlib.resources, not through paths relative to a source checkout. (.ci/run builds the wheel,
installs it into a fresh virtual environment and checks the default preset loads from there.)"""

from __future__ import annotations

import fnmatch
import tomllib
from importlib.resources import files
from pathlib import Path

from engine import resources
from engine.datasets import mnist

ROOT = Path(__file__).resolve().parents[2]


def test_every_resource_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["engine.resources"]
    folder = ROOT / "engine" / "resources"
    data = [p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {"digits/mnist-10k.npz", "models/digits.npz", "digits/README.md", "models/README.md"} <= set(data)
    missing = [f for f in data if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)]
    assert missing == []


def test_the_data_is_found_through_importlib_resources():
    root = files("engine.resources")
    assert Path(str(root)) == resources.RESOURCES
    assert resources.BUNDLED_DIGITS == mnist.BUNDLED_PATH and resources.BUNDLED_DIGITS.is_file()
    assert resources.DEFAULT_MODEL.is_file()
    assert (root / "digits" / "mnist-10k.npz").read_bytes()[:2] == b"PK"


def test_no_top_level_resources_package_is_shipped():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["packages"]["find"]["include"] == ["engine*", "playground*"]
    assert not (ROOT / "resources").exists()
