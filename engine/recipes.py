"""Training recipes: the settings that made the shipped default digits model, and the toy sets' ones.

A recipe is plain data (a dict) plus `make_trainer`, which turns one into a fresh network and its
Trainer. The command line (`python main.py train`), the window and the benchmarks all build from here,
so "the default digits recipe" exists once.

    from engine.recipes import DIGITS_RECIPE, make_trainer
    trainer = make_trainer(DIGITS_RECIPE, engine.datasets.load("digits", source="bundled"))
    trainer.fit(DIGITS_RECIPE["epochs"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing a recipe must stay cheap: numpy-heavy modules load in make_trainer
    from engine.training import Trainer

# The recipe of engine/resources/models/digits.npz (README there: the command, its accuracy, its time).
DIGITS_RECIPE = {
    "hidden": [256, 128],
    "activation": "relu",
    "output": "softmax",
    "cost": "cross_entropy",
    "optimizer": "adam",
    "lr": 0.002,
    "lr_decay": 0.95,
    "batch": 64,
    "epochs": 60,
    "l2": 0.0,
    "augment": True,
    # With augment: the fraction of each batch swapped for the same digits redrawn as pen strokes, the
    # digit pad's style (engine.augment.StrokeStyle). 0.25 reads held-out digits drawn on the pad about
    # half a point to a point better, within the spread of retrains: the shipped model has none.
    "strokes": 0.0,
    "source": "bundled",
}
# 2-D toy sets and CSV files: small, quick, and good at curved boundaries.
TOY_RECIPE = {
    "hidden": [8, 8],
    "activation": "tanh",
    "output": None,  # sigmoid for one output (two classes), softmax for more
    "cost": None,  # cross-entropy for sigmoid/softmax outputs, else mse
    "optimizer": "adam",
    "lr": 0.03,
    "lr_decay": 1.0,
    "batch": 32,
    "epochs": 300,
    "l2": 0.0,
    "augment": False,
    "strokes": 0.0,
    "source": "auto",
}


def recipe_for(dataset: str) -> dict:
    """A copy of the recipe a dataset trains with by default: DIGITS_RECIPE for "digits", else TOY_RECIPE."""
    return dict(DIGITS_RECIPE if dataset == "digits" else TOY_RECIPE)


def make_trainer(recipe: dict, data) -> Trainer:
    """A fresh network shaped for `data` and the Trainer of `recipe` (e.g. DIGITS_RECIPE, seed 0 if unset)."""
    from engine.augment import StrokeStyle, augment_digits
    from engine.network import Network
    from engine.training import Trainer

    seed = recipe.get("seed", 0)
    sizes = [data.n_features, *recipe["hidden"], data.n_outputs]
    augment = None
    if recipe["augment"]:
        strokes = recipe.get("strokes", 0.0)
        augment = StrokeStyle(data.X_train, strokes, seed=seed) if strokes > 0 else augment_digits
    net = Network(sizes, activation=recipe["activation"], output=recipe["output"], seed=seed)
    return Trainer(net, data, cost=recipe["cost"], optimizer=recipe["optimizer"], lr=recipe["lr"],
                   batch_size=recipe["batch"], seed=seed, l2=recipe["l2"],
                   augment=augment, lr_decay=recipe["lr_decay"])
