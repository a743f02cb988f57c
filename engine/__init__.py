"""The engine: pure numpy (and networkx for graphs). Never imports Qt; usable from a notebook.

    from engine import Value, Network, save, load, export_onnx
    from engine import graph, preprocess, datasets, landscape, features, saliency
"""

from engine import datasets, features, graph, landscape, preprocess
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
