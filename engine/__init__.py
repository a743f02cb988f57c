"""The engine: pure numpy (and networkx for graphs). Never imports Qt; usable from a notebook.

    from engine import Value, Network, save, load, export_onnx
    from engine import graph, preprocess, datasets, landscape, features, saliency
"""

from engine import datasets, features, landscape, preprocess
from engine.explain import confusion_matrix, saliency
from engine.io import ModelFileError, export_onnx, load, save
from engine.network import Network
from engine.training import Trainer, TrainingDiverged
from engine.value import Value

__all__ = [
    "Value", "Network", "Trainer", "TrainingDiverged",
    "save", "load", "export_onnx", "ModelFileError",
    "graph", "preprocess", "datasets", "landscape", "features", "saliency", "confusion_matrix",
]


def __getattr__(name: str):
    # `engine.graph` needs networkx, which takes 0.1-0.4 s to import: it is loaded on first use, so the
    # window (and a script that never draws a graph) starts without it. `from engine import graph` works.
    if name == "graph":
        import importlib

        return importlib.import_module("engine.graph")
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
