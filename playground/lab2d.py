"""The 2-D lab's side of the Session: the plane, the data controls, features, points, CSV files, L1/L2.

A mixin, like Readout: the Session inherits these methods, so they are called `session.set_features`
and keep session.py short. The work is done by Qt-free pieces (engine.datasets, engine.features,
engine.datasets.points, plane.py, model_file.py); these methods only decide what changes, rebuild the
network when its input or output layer has to follow, and emit the Session's signals.
Every setting lives in `Settings` (state.py), so it is saved with a model and restored with it.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path

import numpy as np

from engine import datasets, features
from engine import io as model_io
from engine.datasets import points as hand
from engine.datasets import toy
from engine.datasets.dataset import Dataset
from engine.network import Network
from playground import model_file, plane
from playground.data_catalog import fits
from playground.state import _TYPES, Settings

GRID = 100  # grid points per side of the plane: the boundary's resolution, shared with the neuron maps
MAX_NOISE = 0.5  # the noise control's 50%
HAND_MADE = "hand-made"  # the user_data of points clicked in; "csv" for a loaded file


def fitting_output(data: Dataset, output: str, cost: str) -> tuple[str, str]:
    """The output layer and cost a network needs for this data: a linear output and MSE for regression,
    a softmax and cross-entropy for several classes in a plane, a sigmoid for two (from another kind)."""
    if data.task == "regression":
        return "linear", "mse"
    if output == "linear" or (data.n_outputs > 1 and output == "sigmoid" and not data.is_image):
        return ("softmax" if data.n_outputs > 1 else "sigmoid"), "cross_entropy"
    if data.n_outputs == 1 and output == "softmax":
        return "sigmoid", "cross_entropy"
    return output, cost


def with_test_split(data: Dataset) -> Dataset:
    """Data for a Trainer: hand-made points are all training points, so with no test points yet the
    training points are what the epoch-end evaluation measures (better than none)."""
    if len(data.X_test) or not len(data.X_train):
        return data
    return Dataset(name=data.name, X_train=data.X_train, Y_train=data.Y_train, X_test=data.X_train,
                   Y_test=data.Y_train, labels_train=data.labels_train, labels_test=data.labels_train,
                   classes=data.classes, source=data.source, feature_names=data.feature_names,
                   task=data.task)


def points_state(data: Dataset) -> dict:
    """Hand-made points as plain data (for the model file)."""
    def values(split: str) -> list:
        if data.task == "regression":
            return (data.Y_train if split == "train" else data.Y_test)[:, 0].tolist()
        return (data.labels_train if split == "train" else data.labels_test).tolist()
    return {"train": data.points("train").tolist(), "test": data.points("test").tolist(),
            "train_values": values("train"), "test_values": values("test"), "classes": len(data.classes)}


def points_from_state(name: str, state: dict) -> Dataset:
    """The inverse of points_state; ValueError for a bad one."""
    try:
        train = np.asarray(state["train"], float).reshape(-1, 2)
        test = np.asarray(state["test"], float).reshape(-1, 2)
        values = np.concatenate([np.asarray(state[f"{split}_values"], float) for split in ("train", "test")])
        n_classes = None if name in toy.REGRESSION else int(state["classes"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"the saved points cannot be read ({exc})") from None
    if len(values) != len(train) + len(test) or not np.all(np.isfinite(values)):
        raise ValueError("the saved points and their classes do not match")
    return toy.from_points(name, np.concatenate([train, test]), values, len(train),
                           f"{len(train):,} train / {len(test):,} test points, edited by hand", n_classes)


class Lab2D:
    """Mixin for the Session (which provides network, dataset, settings, signals, _build, pause, ...)."""

    def _init_lab2d(self) -> None:
        self._plane = plane.PlaneCache()
        self.hovered: tuple[int, int] | None = None  # the neuron whose map the boundary shows large
        self.user_data = ""  # HAND_MADE or "csv": data a model file must not silently replace
        self.networkChanged.connect(self._plane.clear)  # connected first: before any view redraws
        self.structureChanged.connect(self._plane.clear)

    def can_train(self) -> bool:
        """False (with a message) while the data has no training points (emptied by Clear data)."""
        if self.trainer is None:
            self.message.emit("There are no training points: click on the decision boundary to add some.")
            self.runningChanged.emit(False)  # a Run button pressed for nothing springs back
            return False
        return True

    # ------------------------------------------------------------------ the plane
    @property
    def is_plane(self) -> bool:
        return plane.is_plane(self.dataset)

    def plane_extent(self) -> tuple[float, float, float, float]:
        return plane.extent(self.dataset)

    def plane_activations(self, resolution: int = GRID) -> list[np.ndarray]:
        """Every layer's output over the input plane, the input first, each (neurons, res, res): one
        forward pass of a res x res grid, shared by every view until the network or the data changes."""
        return self._plane.activations(self.network, self.dataset, resolution)

    def hover_neuron(self, layer: int, index: int) -> None:
        """The neuron under the mouse ((-1, -1): none); the boundary shows its map large meanwhile."""
        hovered = (int(layer), int(index))
        sizes = self.network.sizes
        if not (0 <= hovered[0] < len(sizes) - 1 and 0 <= hovered[1] < sizes[hovered[0]]):
            hovered = None
        if hovered != self.hovered:
            self.hovered = hovered
            self.hoverChanged.emit(*(hovered or (-1, -1)))

    # ------------------------------------------------------------------ data controls
    def _is_toy(self) -> bool:
        return self.data_key in toy.GENERATORS and not self.user_data

    def set_noise(self, noise: float) -> None:
        """Jitter of the points (0..MAX_NOISE); a toy set is made again with the same seed."""
        self._remake(noise=float(np.clip(noise, 0.0, MAX_NOISE)))

    def set_train_fraction(self, fraction: float) -> None:
        """The share of the points used for training (0.1..0.9); the rest are test points."""
        self._remake(train_fraction=float(np.clip(fraction, 0.1, 0.9)))

    def regenerate(self) -> None:
        """New points: the same set with a new seed."""
        self._remake(data_seed=self.settings.data_seed + 1)

    def _remake(self, **change) -> None:
        if all(getattr(self.settings, k) == v for k, v in change.items()):
            return
        if not self._is_toy():
            self.message.emit("Noise, ratio and Regenerate apply to the generated 2-D sets (xor, circle, "
                              "spiral, …); pick one in the Data box.")
            self.settingsChanged.emit()  # the controls show what is still in use
            return
        for k, v in change.items():
            setattr(self.settings, k, v)
        self._use_data(self.make_data(self.data_key), self.data_key, keep_history=False)

    def set_show_test(self, on: bool) -> None:
        self.settings.show_test = bool(on)
        self.settingsChanged.emit()

    def set_discretize(self, on: bool) -> None:
        self.settings.discretize = bool(on)
        self.settingsChanged.emit()

    def make_data(self, name: str) -> Dataset:
        """A dataset by name: a toy set made with the noise, ratio and seed of the settings and fed the
        chosen features; any other through the catalogue. Raises ValueError/OSError."""
        s = self.settings
        if name in toy.GENERATORS:
            data = toy.make(name, noise=s.noise, seed=s.data_seed, train_fraction=s.train_fraction)
        else:
            data = self.catalog.load(name)
        return self._featured(data)

    def _featured(self, data: Dataset) -> Dataset:
        if plane.is_plane(data) and list(self.settings.features) != list(features.DEFAULT):
            return features.apply(data, self.settings.features)
        return data

    # ------------------------------------------------------------------ features
    def set_features(self, names) -> bool:
        """Feed the network exactly these features of the points (see engine.features); the input layer
        follows. False (and a message) for an unknown name, an empty choice or data that is no plane."""
        try:
            names = features.check(names)
        except ValueError as exc:
            self.message.emit(f"Not possible: {exc}.")
            self.settingsChanged.emit()
            return False
        if not self.is_plane:
            self.message.emit("Features are functions of the two coordinates of 2-D data.")
            return False
        if names == self.active_features():
            return True
        self.settings.features = names
        self._use_data(features.apply(self.dataset, names), self.data_key, keep_history=False)
        return True

    def active_features(self) -> list[str]:
        """The features the input layer is fed ([] for data that is no plane)."""
        if not self.is_plane:
            return []
        return list(self.dataset.feature_names) if self.dataset.points_train is not None else ["x1", "x2"]

    def toggle_feature(self, name: str) -> bool:
        """Switch one feature on or off (a click on its input node)."""
        on = self.active_features()
        return self.set_features([n for n in on if n != name] if name in on else [*on, name])

    # ------------------------------------------------------------------ points by hand
    point_class = 1  # the class a click on the boundary adds (for regression: 1 is +1, 0 is −1)

    def set_point_class(self, k: int) -> None:
        self.point_class = int(k)
        self.settingsChanged.emit()

    def point_label(self, other: bool = False) -> float:
        """The class (a target for regression) a click adds; `other`: the next class (Shift-click)."""
        if self.dataset.task == "regression":
            return -1.0 if (self.point_class == 1) == other else 1.0
        n = max(len(self.dataset.classes), 1)
        return float((self.point_class + (1 if other else 0)) % n)

    def add_point(self, x: float, y: float, label: float) -> bool:
        """Add a training point of class `label` (a target for regression) at (x, y) of the plane."""
        if not self.is_plane:
            return False
        try:
            data = hand.add_point(self.dataset, float(x), float(y), label)
        except ValueError as exc:
            self.message.emit(f"Not possible: {exc}.")
            return False
        self.user_data = HAND_MADE
        self._use_data(data, self.data_key, keep_history=True)
        return True

    def remove_point(self, x: float, y: float) -> bool:
        """Remove the point (of either split) nearest to (x, y). False if there is none."""
        if not self.is_plane or not len(self.dataset.X_train) + len(self.dataset.X_test):
            return False
        self.user_data = HAND_MADE
        fewer = hand.remove_nearest(self.dataset, float(x), float(y))
        self._use_data(fewer, self.data_key, keep_history=True)
        return True

    def clear_data(self) -> None:
        """Empty the set, to click one in from scratch; the classes (or regression) stay."""
        if not self.is_plane:
            return
        empty = hand.empty(self.dataset.name, len(self.dataset.classes))
        if self.dataset.task == "regression":
            empty = toy.from_points(self.dataset.name, np.zeros((0, 2)), np.zeros(0), 0, "no points yet")
        self.user_data = HAND_MADE
        self._use_data(self._featured(empty), self.data_key, keep_history=False)
        self.message.emit("The data is empty: click on the decision boundary to add points "
                          "(Shift-click: the other class; right-click removes one).")

    # ------------------------------------------------------------------ CSV files
    def load_csv(self, path) -> bool:
        """Use a CSV file as the data. A bad file leaves everything as it was; the message names the
        line and column of the problem."""
        path = Path(path)
        try:
            data = datasets.load_csv(path, seed=self.settings.data_seed)
            digest = model_file.checksum(path)
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not use {path.name}: {exc}")
            return False
        self.pause()
        self.settings.data_file, self.settings.data_checksum = str(path), digest
        self.user_data = "csv"
        self.catalog.remember(str(path), data)  # set_dataset(path) finds it there
        self._use_data(self._featured(data), str(path), keep_history=False)
        self.message.emit(f"Data: {data.source}")
        return True

    # ------------------------------------------------------------------ regularisation
    def set_l1(self, rate: float) -> None:
        if float(rate) >= 0 and float(rate) != self.settings.l1:
            self._retrain(l1=float(rate))

    def set_l2(self, rate: float) -> None:
        if float(rate) >= 0 and float(rate) != self.settings.l2:
            self._retrain(l2=float(rate))

    # ------------------------------------------------------------------ using new data
    def _use_data(self, data: Dataset, key: str, keep_history: bool) -> None:
        """Show `data`; the network keeps its weights if it fits, else gets a new input or output layer."""
        was_running = self.running
        self.pause()
        self.dataset, self.data_key = data, key
        from_file = bool(self.settings.data_file) and key == self.settings.data_file
        self.dataset_name = Path(key).name if from_file else key
        if not from_file:
            self.settings.data_file = self.settings.data_checksum = ""
        output, cost = fitting_output(data, self.network.output, self.cost_name)
        self.preset_name = ""
        if fits(data, self.network.sizes) and output == self.network.output and cost == self.cost_name:
            self._build(self.network, keep_history=keep_history)
        else:
            self.cost_name = cost
            sizes = [data.n_features, *self.hidden, data.n_outputs]
            self._build(Network(sizes, activation=self.network.activation, output=output, seed=self.seed))
        if was_running and self.trainer is not None:
            self.run()

    # ------------------------------------------------------------------ model files
    def model_meta(self) -> dict:
        """What a saved model remembers besides its weights (model_file.META_KEY in its header)."""
        meta = asdict(self.settings)
        if self.user_data == HAND_MADE:
            meta["points"] = points_state(self.dataset)
        return meta

    def save_model_with_meta(self, net: Network, path: Path) -> None:
        model_io.save(net, path, meta={model_file.META_KEY: self.model_meta()})

    def export_onnx_with_meta(self, net: Network, path: Path) -> None:
        model_io.export_onnx(net, path)
        names = self.dataset.feature_names if self.is_plane else []
        model_file.add_onnx_metadata(path, {"features": ",".join(names or [f"x{k + 1}" for k in
                                                                   range(net.sizes[0])]),
                                            "dataset": self.dataset_name, "task": self.dataset.task})

    def restore_from_meta(self, net: Network, meta: dict, path: Path) -> bool:
        """Open a model with the data and settings it was saved with. False (and a message, nothing
        changed) if they cannot be had: a missing or changed CSV, or data the network does not fit."""
        try:
            settings = self._settings_from_meta(meta)
            data, key, user = self._data_from_meta(settings, meta)
            if not fits(data, net.sizes):
                raise ValueError(f"the network has {net.sizes[0]} inputs and {net.sizes[-1]} outputs, the "
                                 f"saved data needs {data.n_features} and {data.n_outputs}")
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not open {path.name}: {exc}")
            return False
        self.pause()
        settings.cost = fitting_output(data, net.output, settings.cost)[1]
        self.settings = settings
        self.dataset, self.data_key, self.user_data = data, key, user
        self._build(net)
        self.message.emit(f"Opened {path.name} with its data and settings: {self._describe()}")
        return True

    @staticmethod
    def _settings_from_meta(meta: dict) -> Settings:
        values = {}
        known = {f.name for f in fields(Settings)}
        for name, value in meta.items():
            if name in known:
                kind = _TYPES.get(name, str)
                try:
                    values[name] = kind(value)
                except (TypeError, ValueError):
                    raise ValueError(f"the saved setting {name} is not a {kind.__name__}") from None
        settings = Settings(**values)
        settings.check()
        features.check(settings.features)
        return settings

    def _data_from_meta(self, settings: Settings, meta: dict) -> tuple[Dataset, str, str]:
        previous, self.settings = self.settings, settings  # make_data reads the saved settings
        try:
            if settings.data_file:
                path = Path(settings.data_file)
                if not path.is_file():
                    raise ValueError(f"its data file {path} is not there any more")
                if model_file.checksum(path) != settings.data_checksum:
                    raise ValueError(f"its data file {path.name} has changed since the model was saved")
                data = datasets.load_csv(path, seed=settings.data_seed)
                self.catalog.remember(str(path), data)
                return self._featured(data), str(path), "csv"
            if "points" in meta:
                return (self._featured(points_from_state(settings.data or settings.dataset, meta["points"])),
                        settings.data or settings.dataset, HAND_MADE)
            key = settings.data or settings.dataset
            return self.make_data(key), key, ""
        finally:
            self.settings = previous
