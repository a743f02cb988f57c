"""engine/recipes.py: the recipes exist once, and the window never needs the command line for them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np

from engine import recipes
from engine.datasets import load

ROOT = Path(__file__).resolve().parents[2]


def test_make_trainer_builds_the_recipe():
    data = load("xor", seed=0)
    recipe = {**recipes.TOY_RECIPE, "output": "sigmoid", "cost": "cross_entropy", "seed": 3}
    trainer = recipes.make_trainer(recipe, data)
    net = trainer.network
    assert net.sizes == [2, 8, 8, 1] and (net.activation, net.output, net.seed) == ("tanh", "sigmoid", 3)
    assert (trainer.cost_name, trainer.batch_size, trainer.lr, trainer.augment) == (
        "cross_entropy", 32, 0.03, None)
    digits = recipes.make_trainer(recipes.DIGITS_RECIPE, load("digits", source="bundled"))
    assert digits.network.sizes == [784, 256, 128, 10] and digits.augment is not None
    assert digits.lr_decay == 0.95 and digits.network.seed == 0


def test_recipe_for_hands_out_copies():
    r = recipes.recipe_for("digits")
    assert r == recipes.DIGITS_RECIPE and r is not recipes.DIGITS_RECIPE
    r["lr"] = 1.0
    assert recipes.DIGITS_RECIPE["lr"] == 0.002
    assert recipes.recipe_for("spiral") == recipes.TOY_RECIPE


def test_the_same_recipe_trains_the_same_numbers():
    data = load("spiral", seed=0, n=200)
    recipe = {**recipes.TOY_RECIPE, "output": "sigmoid", "cost": "cross_entropy"}
    a, b = recipes.make_trainer(recipe, data), recipes.make_trainer(recipe, data)
    a.fit(2), b.fit(2)
    for x, y in zip(a.network.weights, b.network.weights, strict=True):
        assert np.array_equal(x, y)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_the_playground_imports_nothing_from_the_command_line():
    files = sorted((ROOT / "playground").rglob("*.py"))
    assert files
    offenders = [str(f.relative_to(ROOT)) for f in files if any(
        n == "engine.cli" or n.startswith("engine.cli.") for n in _imports(f))]
    assert offenders == []


def test_importing_the_recipes_does_not_load_the_command_line():
    code = "import sys, engine.recipes; print('engine.cli' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
