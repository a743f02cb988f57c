"""The Session: the one source of truth the window observes.

It owns the network, the dataset, the shown input, the selected neuron, the training settings and
the Trainer. Views read from it and redraw when it signals; they change the model only by calling its
methods. Two networks live here:

* `network` is what every view draws. Its identity only changes when the structure does.
* the Trainer's own network is what learns. Paused, each Step copies it into `network`; during Run
  it belongs to the worker thread and reaches `network` as snapshots, at most ~30 times a second.

Edits (a weight, a bias) land in `network` at once, so the views answer immediately; paused they are
written to the Trainer's network too, during Run they travel to the worker as queued commands.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal

from engine import datasets, functions
from engine import io as model_io
from engine.network import Network
from engine.threads import set_blas_threads
from engine.training import Trainer
from playground.history import History
from playground.presets import DEFAULT_PRESET, FALLBACK_PRESET, PRESETS, Preset
from playground.worker import (
    TrainingWorker,
    apply_edit,
    epoch_progress,
    forget_step_costs,
    set_trainer_learning_rate,
)

STATE_VERSION = 1
PROBE_SIZE = 512  # samples in gradient_batch(): enough for a smooth cost curve, small enough to be live
# What the network view can colour by. The walkthrough's phases will join these.
COLOR_SOURCES = ("activations", "gradients")

class Session(QObject):
    networkChanged = Signal()
    structureChanged = Signal()
    inputChanged = Signal()
    selectionChanged = Signal(int, int)  # the selected neuron (layer, index); (-1, -1): none
    parameterChanged = Signal()  # the selected parameter (one weight or a bias), see `parameter`
    colorSourceChanged = Signal(str)  # what the network view colours by, see COLOR_SOURCES
    historyChanged = Signal()
    runningChanged = Signal(bool)
    message = Signal(str)
    settingsChanged = Signal()  # preset, cost, optimiser, learning rate, batch size, epochs

    def __init__(self, preset: str | None = DEFAULT_PRESET, parent: QObject | None = None):
        super().__init__(parent)
        self._datasets: dict[str, datasets.Dataset] = {}
        self.preset_name = ""
        self.dataset_name = ""
        self.data_key = ""  # the dataset's name, or "preset:NAME" for a preset's own data
        self.cost_name = "mse"
        self.optimizer_name = "sgd"
        self.learning_rate = 0.1
        self.batch_size = 32
        self.seed = 0
        self.epochs = 0  # Run pauses itself after this many epochs; 0 = never
        self.selected: tuple[int, int] | None = None
        # (layer, neuron, source): weights[layer-1][neuron, source]; source None is the bias. The
        # neuron it belongs to is `selected` too, so the inspector and the lab follow a weight's click.
        self.parameter: tuple[int, int, int | None] | None = None
        self.color_source = "activations"
        self._probe: tuple[object, np.ndarray, np.ndarray] | None = None
        self.input = np.zeros(0, dtype=np.float32)
        self.input_label: int | None = None
        self.input_caption = ""
        self.sample_index = 0
        self.history = History()
        self.steps = 0  # steps since the last reset, across Trainer rebuilds
        self.epoch_progress = 0.0
        self.last_run_reason = ""
        self._trace: tuple[list[np.ndarray], list[np.ndarray]] | None = None
        self._trainer: Trainer | None = None
        self._step_offset = 0
        self._epoch_offset = 0.0
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self._edit_seq = 0
        self._pending_edits: list[tuple[int, tuple]] = []
        self._run_started = 0.0
        self._run_start_epoch = 0.0
        self._blas_threads_before: int | None = None
        self.network: Network
        self.dataset: datasets.Dataset
        self.startup_notice = ""  # why the session did not start as asked, for the status bar
        if preset is not None:
            name = preset if preset in PRESETS else DEFAULT_PRESET
            problems: list[str] = []
            self.message.connect(problems.append)
            # the shipped model or the digits may be missing; XOR needs no file at all
            for candidate in dict.fromkeys([name, FALLBACK_PRESET, "XOR"]):
                if self.apply_preset(candidate):
                    break
            if self.preset_name != name:
                self.startup_notice = f"{problems[0]} Showing “{self.preset_name}” instead."
            self.message.disconnect(problems.append)

    # ------------------------------------------------------------------ reading
    @property
    def running(self) -> bool:
        return self._worker is not None

    @property
    def trainer(self) -> Trainer:
        return self._trainer

    def _traced(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        if self._trace is None:
            zs, acts = self.network.trace(self.input)
            self._trace = ([np.asarray(z) for z in zs], [np.asarray(a) for a in acts])
        return self._trace

    def activations(self) -> list[np.ndarray]:
        """Activations for the shown input, the input layer first."""
        return self._traced()[1]

    def weighted_sums(self) -> list[np.ndarray]:
        """z of layers 1..L for the shown input."""
        return self._traced()[0]

    def prediction(self) -> np.ndarray:
        return self.activations()[-1]

    def predicted_class(self, output: np.ndarray | None = None) -> int:
        out = self.prediction() if output is None else output
        return int(out[0] > 0.5) if out.shape[-1] == 1 else int(np.argmax(out))

    def evaluate(self, split: str = "test") -> tuple[float, float]:
        """(cost, accuracy) of the shown network on a split, as the engine computes them."""
        X, Y = self._split(split)[:2]
        labels = self._split(split)[2]
        cost = float(self.network.cost(X, Y, cost=self.cost_name))
        accuracy = float(np.mean(self.network.predict(X) == labels))
        return cost, accuracy

    def _split(self, split: str):
        d = self.dataset
        if split == "train":
            return d.X_train, d.Y_train, d.labels_train
        return d.X_test, d.Y_test, d.labels_test

    def input_labels(self, layer: int) -> list[str]:
        """Names of the neurons of `layer`, as the lab labels a neuron's inputs."""
        n = self.network.sizes[layer]
        if layer == 0:
            if self.dataset.is_image:
                side = int(round(math.sqrt(n)))
                return [f"px{r}_{c}" for r in range(side) for c in range(side)]
            return [f"x{k + 1}" for k in range(n)]
        if layer == len(self.network.sizes) - 1:
            return [f"out{k}" for k in range(n)]
        return [f"h{layer}_{k}" for k in range(n)]

    # ------------------------------------------------------------------ input and selection
    def set_input(self, x, label: int | None = None, caption: str = "") -> None:
        x = np.asarray(x, dtype=np.float32).reshape(-1)
        if x.shape[0] != self.network.sizes[0]:
            self.message.emit(f"An input of {x.shape[0]} numbers does not fit a network with "
                              f"{self.network.sizes[0]} inputs.")
            return
        self.input = x
        self.input_label = label
        self.input_caption = caption
        self._trace = None
        self.inputChanged.emit()

    def show_sample(self, index: int, split: str = "test") -> None:
        X, _, labels = self._split(split)
        index = int(np.clip(index, 0, len(X) - 1))
        self.sample_index = index
        self.set_input(X[index], int(labels[index]), f"{split} sample {index + 1} of {len(X)}")

    def select_neuron(self, layer: int, index: int) -> None:
        """Select a neuron (layer 0 is the input); out of range selects nothing. Clears the parameter."""
        sizes = self.network.sizes
        if layer < 0 or layer >= len(sizes) or index < 0 or index >= sizes[layer]:
            new = None
        else:
            new = (int(layer), int(index))
        self._set_parameter(None)
        if new == self.selected:
            return
        self.selected = new
        self.selectionChanged.emit(*(new or (-1, -1)))

    def select_weight(self, layer: int, neuron: int, source: int | None) -> bool:
        """Select weights[layer-1][neuron, source] (source None: the bias of that neuron).

        Layers count as in select_neuron, so layer >= 1. The neuron becomes the selected neuron too.
        Returns False (and changes nothing) for a parameter the network does not have.
        """
        sizes = self.network.sizes
        ok = 1 <= layer < len(sizes) and 0 <= neuron < sizes[layer]
        ok = ok and (source is None or 0 <= source < sizes[layer - 1])
        if not ok:
            return False
        src = None if source is None else int(source)
        new = (int(layer), int(neuron))
        if new != self.selected:
            self.selected = new
            self.selectionChanged.emit(*new)
        self._set_parameter((int(layer), int(neuron), src))
        return True

    def _set_parameter(self, parameter: tuple[int, int, int | None] | None) -> None:
        if parameter != self.parameter:
            self.parameter = parameter
            self.parameterChanged.emit()

    def parameter_value(self) -> float | None:
        """The current value of the selected parameter, or None."""
        if self.parameter is None:
            return None
        layer, neuron, source = self.parameter
        if source is None:
            return float(self.network.biases[layer - 1][neuron])
        return float(self.network.weights[layer - 1][neuron, source])

    def set_color_source(self, name: str) -> None:
        """What the network view colours by: one of COLOR_SOURCES."""
        if name not in COLOR_SOURCES:
            raise ValueError(f"unknown colour source {name!r}; choose one of {', '.join(COLOR_SOURCES)}")
        if name != self.color_source:
            self.color_source = name
            self.colorSourceChanged.emit(name)

    def gradient_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The fixed probe batch the gradient views use: up to PROBE_SIZE training samples.

        The same arrays until the data changes, so a curve drawn on it does not jump with every
        mini-batch. Chosen with a fixed seed, spread over the whole training split.
        """
        d = self.dataset
        if self._probe is None or self._probe[0] is not d:
            n = len(d.X_train)
            idx = np.sort(np.random.default_rng(0).permutation(n)[:PROBE_SIZE])
            X = np.ascontiguousarray(d.X_train[idx], dtype=self.network.dtype)
            Y = np.ascontiguousarray(d.Y_train[idx], dtype=self.network.dtype)
            self._probe = (d, X, Y)
        return self._probe[1], self._probe[2]

    # ------------------------------------------------------------------ editing
    def set_weight(self, layer: int, neuron: int, source: int, value: float) -> None:
        self._edit(("weight", int(layer), int(neuron), int(source), float(value)))

    def set_bias(self, layer: int, neuron: int, value: float) -> None:
        self._edit(("bias", int(layer), int(neuron), float(value)))

    def _edit(self, edit: tuple) -> None:
        apply_edit(self.network, edit)
        if self._worker is not None:
            self._edit_seq += 1
            self._pending_edits.append((self._edit_seq, edit))
            self._worker.post(self._edit_seq, edit)
        else:
            apply_edit(self._trainer.network, edit)
        self._network_changed()

    def _network_changed(self) -> None:
        self._trace = None
        self.networkChanged.emit()

    # ------------------------------------------------------------------ settings
    def set_learning_rate(self, lr: float) -> None:
        lr = float(lr)
        if not lr > 0 or lr == self.learning_rate:
            return
        self.learning_rate = lr
        if self._worker is not None:
            self._edit_seq += 1
            self._worker.post(self._edit_seq, ("lr", lr))
        else:
            set_trainer_learning_rate(self._trainer, lr)
        self.settingsChanged.emit()

    def set_batch_size(self, n: int) -> None:
        if int(n) != self.batch_size and n >= 1:
            self._retrain(lambda: setattr(self, "batch_size", int(n)))

    def set_cost(self, name: str) -> None:
        if name == self.cost_name:
            return
        try:
            functions.check_pairing(name, self.network.output)
        except ValueError as exc:
            self.message.emit(f"Not possible: {exc}.")
            self.settingsChanged.emit()  # the controls show the cost that is still in use
            return
        self._retrain(lambda: setattr(self, "cost_name", name))

    def set_optimizer(self, name: str) -> None:
        if name != self.optimizer_name:
            self._retrain(lambda: setattr(self, "optimizer_name", name))

    def set_seed(self, seed: int) -> None:
        """The seed of the starting weights; it takes effect at the next Reset."""
        self.seed = int(seed)
        self.settingsChanged.emit()

    def set_epochs(self, n: int) -> None:
        self.epochs = max(0, int(n))
        self.settingsChanged.emit()

    def _retrain(self, change) -> None:
        """Change a training setting: the Trainer is rebuilt (weights kept); Run goes on if it was on."""
        was_running = self.running
        self.pause()
        change()
        self.preset_name = ""
        self._make_trainer()
        self.settingsChanged.emit()
        if was_running:
            self.run()

    # ------------------------------------------------------------------ structure
    def set_dataset(self, name: str) -> None:
        if name == self.data_key:
            return
        self.pause()
        try:
            data = self._load_dataset(name)
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not load the {name} data: {exc}")
            return
        old = self.dataset.is_image if hasattr(self, "dataset") else None
        hidden = self.hidden
        output = self.network.output
        if data.is_image != old:
            # digits want a softmax over ten classes; a 2-D set one sigmoid "is it class 1?"
            output = "softmax" if data.n_outputs > 1 else "sigmoid"
            self.cost_name = "cross_entropy"
        self.dataset_name, self.dataset, self.data_key = name, data, name
        self.preset_name = ""
        self._build(Network([data.n_features, *hidden, data.n_outputs], activation=self.network.activation,
                            output=output, seed=self.seed))

    def set_hidden(self, hidden: list[int]) -> None:
        """Set the hidden layer sizes, e.g. [16, 16]; the network is re-initialised."""
        hidden = [int(n) for n in hidden]
        if any(n < 1 for n in hidden) or hidden == self.hidden:
            return
        self.pause()
        self.preset_name = ""
        sizes = [self.network.sizes[0], *hidden, self.network.sizes[-1]]
        self._build(Network(sizes, activation=self.network.activation, output=self.network.output,
                            seed=self.seed))

    @property
    def hidden(self) -> list[int]:
        return list(self.network.sizes[1:-1])

    def set_activation(self, name: str) -> None:
        """Switch the hidden activation, keeping every weight: only the squashing function changes."""
        if name != self.network.activation:
            self._rebuild_keeping_weights(activation=name, output=self.network.output)

    def set_output(self, name: str) -> None:
        if name == self.network.output:
            return
        try:
            functions.check_pairing(self.cost_name, name)
        except ValueError:
            # cross-entropy needs probabilities: with a linear output the squared error is the cost
            self.cost_name = "mse"
            self.message.emit(f"A {name} output does not give probabilities: the cost is now MSE.")
        self._rebuild_keeping_weights(activation=self.network.activation, output=name)

    def _rebuild_keeping_weights(self, activation: str, output: str) -> None:
        was_running = self.running
        self.pause()
        old = self.network
        net = Network(list(old.sizes), activation=activation, output=output, seed=self.seed,
                      dtype=old.weights[0].dtype)
        for w, w_old in zip(net.weights, old.weights, strict=True):
            np.copyto(w, w_old)
        for b, b_old in zip(net.biases, old.biases, strict=True):
            np.copyto(b, b_old)
        self.preset_name = ""
        self._build(net, keep_history=True)
        if was_running:
            self.run()

    def _build(self, net: Network, keep_history: bool = False) -> None:
        """Make `net` the shown network, with a fresh Trainer on its own copy."""
        self.network = net
        layer, index = self.selected or (0, 0)
        if self.selected and (layer >= len(net.sizes) or index >= net.sizes[layer]):
            self.selected = None
            self.selectionChanged.emit(-1, -1)
        if self.parameter is not None and not self._parameter_fits(net):
            self._set_parameter(None)
        if not keep_history:
            self.history.clear()
            self.steps = 0
            self.epoch_progress = 0.0
        self._make_trainer()
        # the shown input must fit the new network before any view hears of the change
        index = int(np.clip(self.sample_index, 0, len(self.dataset.X_test) - 1))
        self.sample_index = index
        self.input = np.asarray(self.dataset.X_test[index], dtype=np.float32)
        self.input_label = int(self.dataset.labels_test[index])
        self.input_caption = f"test sample {index + 1} of {len(self.dataset.X_test)}"
        self._trace = None
        self.structureChanged.emit()
        self.inputChanged.emit()
        self._network_changed()
        self.historyChanged.emit()
        self.settingsChanged.emit()

    def _parameter_fits(self, net: Network) -> bool:
        layer, neuron, source = self.parameter
        return (layer < len(net.sizes) and neuron < net.sizes[layer]
                and (source is None or source < net.sizes[layer - 1]))

    def _make_trainer(self) -> None:
        self._trainer = Trainer(self.network.copy(), self.dataset, cost=self.cost_name,
                                optimizer=self.optimizer_name, lr=self.learning_rate,
                                batch_size=self.batch_size, seed=self.seed)
        self._step_offset = self.steps
        self._epoch_offset = self.epoch_progress

    def _load_dataset(self, key: str) -> datasets.Dataset:
        """A dataset by name, or "preset:NAME" for a preset's own data; loaded once, then cached."""
        if key not in self._datasets:
            if key.startswith("preset:"):
                preset = PRESETS.get(key.removeprefix("preset:"))
                if preset is None or preset.make_data is None:
                    raise ValueError(f"no preset data called {key!r}")
                self._datasets[key] = preset.make_data()
            else:
                self._datasets[key] = datasets.load(key, seed=0)
        return self._datasets[key]

    def reload_dataset(self, name: str) -> None:
        """Forget a loaded dataset so it is read again (e.g. after the full MNIST was downloaded)."""
        self._datasets.pop(name, None)
        if name != self.data_key:
            return
        self.pause()
        try:
            self.dataset = self._load_dataset(name)
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not load the {name} data: {exc}")
            return
        self._build(self.network)
        self.message.emit(f"Data: {self.dataset.source}")

    # ------------------------------------------------------------------ presets, models, state
    def apply_preset(self, name: str) -> bool:
        """Set data, shape and recipe from a preset. False (and a message) if its model won't load."""
        preset: Preset = PRESETS[name]
        self.pause()
        net = None
        if preset.model is not None:
            try:
                net = model_io.load(preset.model)
            except (ValueError, OSError) as exc:
                self.message.emit(f"The model of “{name}” could not be loaded ({exc}).")
                return False
        key = f"preset:{name}" if preset.make_data is not None else preset.dataset
        try:
            data = self._load_dataset(key)
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not load the {preset.dataset} data: {exc}")
            return False
        if net is None:
            net = Network([data.n_features, *preset.hidden, data.n_outputs], activation=preset.activation,
                          output=preset.output, seed=preset.seed)
        elif net.sizes[0] != data.n_features or net.sizes[-1] != data.n_outputs:
            self.message.emit(f"The model of “{name}” has {net.sizes[0]} inputs and {net.sizes[-1]} outputs; "
                              f"the {preset.dataset} data needs {data.n_features} and {data.n_outputs}.")
            return False
        self.dataset_name, self.dataset, self.data_key = preset.dataset, data, key
        self.cost_name = preset.cost
        self.optimizer_name = preset.optimizer
        self.learning_rate = preset.learning_rate
        self.batch_size = preset.batch_size
        self.seed = preset.seed
        self.epochs = preset.epochs
        self.sample_index = 0
        self._build(net)
        self.preset_name = name
        self.settingsChanged.emit()
        self.message.emit(f"Preset “{name}”: {self._describe()}")
        return True

    def _describe(self) -> str:
        sizes = "-".join(str(n) for n in self.network.sizes)
        return f"{self.dataset_name} data, a {sizes} network, {self.network.activation} hidden neurons"

    def load_model(self, path: str | Path) -> bool:
        """Open a model file. A bad file leaves everything as it was and says why."""
        path = Path(path)
        try:
            net = model_io.load(path)
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not open {path.name}: {exc}")
            return False
        name = self._dataset_for(net)
        if name is None:
            self.message.emit(f"{path.name} has {net.sizes[0]} inputs and {net.sizes[-1]} outputs: "
                              "no dataset here fits it.")
            return False
        self.pause()
        data = self._load_dataset(name)
        self.dataset_name, self.dataset, self.data_key = data.name, data, name
        if net.output == "softmax":
            self.cost_name = "cross_entropy"
        elif net.output == "linear":
            self.cost_name = "mse"
        self.preset_name = ""
        self._build(net)
        self.message.emit(f"Opened {path.name}: {self._describe()}")
        return True

    def _dataset_for(self, net: Network) -> str | None:
        candidates = [self.data_key] + [n for n in datasets.NAMES if n != self.data_key]
        for name in candidates:
            if (name == "digits") != (net.sizes[0] == 784) or (name != "digits" and net.sizes[0] != 2):
                continue  # don't load a dataset just to find that it does not fit
            data = self._load_dataset(name)
            if data.n_features == net.sizes[0] and data.n_outputs == net.sizes[-1]:
                return name
        return None

    def save_model(self, path: str | Path) -> bool:
        path = Path(path)
        try:
            model_io.save(self.network, path)
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not save {path.name}: {exc}")
            return False
        self.message.emit(f"Saved the model to {path}")
        return True

    def export_onnx(self, path: str | Path) -> bool:
        path = Path(path)
        try:
            model_io.export_onnx(self.network, path)
        except (ValueError, OSError, ImportError) as exc:
            self.message.emit(f"Could not export {path.name}: {exc}")
            return False
        self.message.emit(f"Exported ONNX to {path}")
        return True

    def to_state(self, weights: bool = True) -> dict:
        """The whole session as plain data (JSON-safe), TensorFlow-Playground style."""
        state = {
            "version": STATE_VERSION,
            "preset": self.preset_name,
            "dataset": self.dataset_name,
            "data": self.data_key,
            "sizes": list(self.network.sizes),
            "activation": self.network.activation,
            "output": self.network.output,
            "cost": self.cost_name,
            "optimizer": self.optimizer_name,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "seed": self.seed,
            "epochs": self.epochs,
            "sample_index": self.sample_index,
        }
        if weights:
            state["weights"] = [w.tolist() for w in self.network.weights]
            state["biases"] = [b.tolist() for b in self.network.biases]
        return state

    def from_state(self, state: dict) -> bool:
        """Restore a state made by to_state. A bad state says why and changes nothing."""
        try:
            if state.get("version") != STATE_VERSION:
                raise ValueError(f"unknown state version {state.get('version')!r}")
            key = str(state.get("data", state["dataset"]))
            data = self._load_dataset(key)
            sizes = [int(n) for n in state["sizes"]]
            if sizes[0] != data.n_features or sizes[-1] != data.n_outputs:
                raise ValueError(f"sizes {sizes} do not fit the {state['dataset']} data")
            net = Network(sizes, activation=str(state["activation"]), output=str(state["output"]),
                          seed=int(state["seed"]))
            if "weights" in state:
                for w, saved in zip(net.weights, state["weights"], strict=True):
                    w[...] = np.asarray(saved, dtype=w.dtype).reshape(w.shape)
                for b, saved in zip(net.biases, state["biases"], strict=True):
                    b[...] = np.asarray(saved, dtype=b.dtype).reshape(b.shape)
            batch = int(state["batch_size"])
            lr = float(state["learning_rate"])
            if batch < 1 or not lr > 0:
                raise ValueError("batch size and learning rate must be positive")
        except (KeyError, TypeError, ValueError, OSError) as exc:
            self.message.emit(f"Could not restore the session: {exc}")
            return False
        self.pause()
        self.dataset_name, self.dataset, self.data_key = str(state["dataset"]), data, key
        self.cost_name = str(state["cost"])
        self.optimizer_name = str(state["optimizer"])
        self.learning_rate, self.batch_size = lr, batch
        self.seed = int(state["seed"])
        self.epochs = int(state.get("epochs", 0))
        self.sample_index = int(state.get("sample_index", 0))
        self._build(net)
        self.preset_name = str(state.get("preset", ""))
        self.settingsChanged.emit()
        return True

    # ------------------------------------------------------------------ training
    def step(self) -> float | None:
        """One gradient-descent step on one mini-batch (paused only). Returns the batch cost."""
        if self.running:
            return None
        trainer = self._trainer
        epoch_before = trainer.epoch
        cost = float(trainer.train_step())
        if not math.isfinite(cost) or not _finite(trainer.network):
            self._copy_into(trainer.network, self.network)  # undo: the shown network is the last good one
            self._make_trainer()
            self.message.emit("The cost exploded — lower the learning rate.")
            return cost
        self._add_step_costs([cost], trainer.steps)
        forget_step_costs(trainer)
        if trainer.epoch != epoch_before:
            test_cost, test_acc = trainer.evaluate(self.dataset.X_test, self.dataset.Y_test)
            self._add_epoch_point(trainer.steps, test_cost, test_acc)
        self.epoch_progress = self._epoch_offset + epoch_progress(trainer, len(self.dataset.X_train))
        self._copy_into(self.network, trainer.network)
        self._network_changed()
        self.historyChanged.emit()
        return cost

    def _add_step_costs(self, costs: list[float], trainer_steps: int) -> None:
        first = self._step_offset + trainer_steps - len(costs) + 1
        for k, c in enumerate(costs):
            self.history.train.add(first + k, c)
        self.steps = self._step_offset + trainer_steps

    def _add_epoch_point(self, trainer_steps: int, test_cost: float, test_acc: float) -> None:
        epoch = self._epoch_offset + epoch_progress(self._trainer, len(self.dataset.X_train))
        self.history.test.add(self._step_offset + trainer_steps, float(test_cost), float(test_acc),
                              round(epoch))

    @staticmethod
    def _copy_into(dst: Network, src: Network) -> None:
        for a, b in zip(dst.weights, src.weights, strict=True):
            np.copyto(a, b)
        for a, b in zip(dst.biases, src.biases, strict=True):
            np.copyto(a, b)

    def run(self) -> None:
        """Train continuously on a worker thread until pause() (or the epoch limit, or a divergence)."""
        if self.running:
            return
        self._copy_into(self._trainer.network, self.network)  # the shown network is the truth when paused
        self._blas_threads_before = set_blas_threads(1)
        worker = TrainingWorker(self._trainer, self.dataset.X_test, self.dataset.Y_test, epochs=self.epochs,
                                n_train=len(self.dataset.X_train))
        thread = QThread()
        thread.setObjectName("training")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.snapshotReady.connect(self._take_snapshot)
        worker.finished.connect(self._on_worker_finished)
        self._worker, self._thread = worker, thread
        self._pending_edits = []
        self._run_started = time.monotonic()
        self._run_start_epoch = self.epoch_progress
        self.last_run_reason = ""
        thread.start()
        self.runningChanged.emit(True)

    def pause(self) -> None:
        """Stop Run and wait for the worker: afterwards nothing trains and every point has arrived."""
        if self._worker is None:
            return
        self._worker.stop()
        self._thread.quit()
        self._thread.wait()
        self._finish_run()

    def _on_worker_finished(self) -> None:
        if self._worker is not None and self.sender() is self._worker:
            self._thread.quit()
            self._thread.wait()
            self._finish_run()

    def _finish_run(self) -> None:
        worker, thread = self._worker, self._thread
        self._take_snapshot()
        self._worker = self._thread = None
        worker.snapshotReady.disconnect(self._take_snapshot)
        worker.finished.disconnect(self._on_worker_finished)
        self._copy_into(self.network, self._trainer.network)
        if self._blas_threads_before is not None:
            set_blas_threads(self._blas_threads_before)
        self._pending_edits = []
        self.last_snapshot_rate = worker.snapshots_sent / max(worker.seconds, 1e-9)
        self.last_steps_per_second = worker.steps_done / max(worker.seconds, 1e-9)
        reason = self.last_run_reason
        if reason == "diverged":
            self._make_trainer()  # the optimiser's memory is poisoned too
            self.message.emit("The cost exploded — lower the learning rate. "
                              "The weights from before the explosion are restored.")
        elif reason == "epochs":
            self.message.emit(f"Trained {self.epochs} epoch(s); paused.")
        thread.deleteLater()
        worker.deleteLater()
        self._network_changed()
        self.historyChanged.emit()
        self.runningChanged.emit(False)

    def _take_snapshot(self) -> None:
        worker = self._worker
        if worker is None:
            return
        snap = worker.take()
        if snap is None:
            return
        n_train = len(self.dataset.X_train)
        if snap.step_costs:
            self._add_step_costs(snap.step_costs, snap.steps)
        for steps, test_cost, test_acc, _epoch in snap.epoch_points:
            self.history.test.add(self._step_offset + steps, test_cost, test_acc,
                                  round(self._epoch_offset + _epoch))
        self.steps = self._step_offset + snap.steps
        self.epoch_progress = self._epoch_offset + (snap.epoch_progress if n_train else 0.0)
        if snap.done_reason:
            self.last_run_reason = snap.done_reason
        if snap.weights is not None:
            for a, b in zip(self.network.weights, snap.weights, strict=True):
                np.copyto(a, b)
            for a, b in zip(self.network.biases, snap.biases, strict=True):
                np.copyto(a, b)
            # edits the worker has not applied yet stay visible: put them back on top
            self._pending_edits = [(s, e) for s, e in self._pending_edits if s > snap.applied_edit]
            for _, edit in self._pending_edits:
                apply_edit(self.network, edit)
        self._network_changed()
        self.historyChanged.emit()
        # acknowledge once the event loop is back, i.e. after the repaints this snapshot caused
        # (a plain callable, so it runs here: the worker's own event loop is busy training)
        QTimer.singleShot(0, lambda: worker.acknowledge())

    def progress(self) -> tuple[float, float | None, str]:
        """(fraction 0..1, ETA in seconds or None, one line of text) for the progress bar."""
        done = self.epoch_progress
        epoch_now = int(math.floor(done))
        rate = None
        if self.running:
            elapsed = time.monotonic() - self._run_started
            if elapsed > 0.3 and done > self._run_start_epoch:
                rate = (done - self._run_start_epoch) / elapsed  # epochs per second
        if self.running and self.epochs:
            target = self._run_start_epoch + self.epochs
            total = self.epochs
            fraction = min(1.0, (done - self._run_start_epoch) / total)
            eta = (target - done) / rate if rate else None
            text = f"epoch {min(epoch_now - math.floor(self._run_start_epoch) + 1, total)} of {total}"
        else:
            fraction = done - epoch_now
            eta = (epoch_now + 1 - done) / rate if rate else None
            text = f"epoch {epoch_now + 1}"
        if eta is not None:
            text += f" · ETA {format_seconds(eta)}"
        return fraction, eta, text

    def reset(self) -> None:
        """Re-initialise the weights (the same seed gives the same network) and clear the history."""
        self.pause()
        self.network.reset(self.seed)
        self._build(self.network)
        preset = PRESETS.get(self.preset_name)
        if preset is not None and preset.model is not None:
            # a student who pressed R on the trained model must learn how to get it back
            self.message.emit(f"Weights re-initialised at random (seed {self.seed}); the trained model is "
                              f"set aside. Presets ▸ {self.preset_name} loads it again.")
        else:
            self.message.emit(f"Weights re-initialised (seed {self.seed}).")

    def shutdown(self) -> None:
        """Stop training before the window goes away."""
        self.pause()


def _finite(net: Network) -> bool:
    return all(np.isfinite(w).all() for w in net.weights) and all(np.isfinite(b).all() for b in net.biases)


def format_seconds(seconds: float) -> str:
    seconds = int(round(max(0.0, seconds)))
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours}:{m:02d}:{s:02d}" if hours else f"{m}:{s:02d}"
