"""The Session: the one source of truth the window observes, and its signal hub.

It owns the network, the dataset, the shown input, the selection and the settings; views read from it,
redraw when it signals, and change the model only by calling its methods. Qt-free parts do the work:
`state` (settings and view state), `data_catalog` (datasets, presets, model files: what fits what),
`run_control` (the Trainer, step counts, snapshots, edits made during Run), `readout` (what views
compute from the state); `worker` trains off the GUI thread. `network` is what every view draws (its
identity changes only with the structure); the Trainer's copy is what learns, and reaches `network`
after each Step, or as snapshots during Run.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from engine import functions
from engine import io as model_io
from engine.network import Network
from playground.data_catalog import DataCatalog, fits, is_digits_network
from playground.presets import DEFAULT_PRESET, FALLBACK_PRESET, PRESETS, reset_note
from playground.readout import Readout
from playground.run_control import RunControl, Snapshot, apply_edit
from playground.state import COLOR_SOURCES, SessionState, Settings, ViewState  # noqa: F401 (COLOR_SOURCES)
from playground.worker import start_run, warm_up

WARM_UP_AFTER_MS = 1000  # the training process's server starts this long after the Session (worker.warm_up)


def _setting(name: str) -> property:
    """A Session attribute kept in its Settings (under the names the views have always read)."""
    return property(lambda self: getattr(self.settings, name),
                    lambda self, value: setattr(self.settings, name, value))


def _kept_by(part: str, name: str) -> property:
    """A read-only Session attribute kept by one of its parts (`_run`, `view`)."""
    return property(lambda self: getattr(getattr(self, part), name))


class Session(Readout, QObject):
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
    runSpeedChanged = Signal(float)  # steps per second of Run; 0: as fast as it goes

    preset_name, dataset_name, data_key = _setting("preset"), _setting("dataset"), _setting("data")
    cost_name, optimizer_name = _setting("cost"), _setting("optimizer")
    learning_rate, batch_size = _setting("learning_rate"), _setting("batch_size")
    seed, epochs, sample_index = _setting("seed"), _setting("epochs"), _setting("sample_index")
    # the step counts go on across Trainer rebuilds
    history, steps, epoch_progress, trainer, last_run_reason, last_snapshot_rate, last_steps_per_second = (
        _kept_by("_run", n) for n in ("history", "steps", "epoch_progress", "trainer", "last_run_reason",
                                      "last_snapshot_rate", "last_steps_per_second"))
    run_speed = _kept_by("_run", "speed")  # steps per second of Run; 0: as fast as it goes
    selected, parameter, color_source = (_kept_by("view", n)
                                         for n in ("selected", "parameter", "color_source"))

    def __init__(self, preset: str | None = DEFAULT_PRESET, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = Settings()
        self.catalog = DataCatalog()
        self._run = RunControl()
        self.view = ViewState()
        self.input, self.input_label, self.input_caption = np.zeros(0, dtype=np.float32), None, ""
        self._forward = self._probe = None  # caches of Readout
        self._training = None  # during Run: its handle, a ProcessRun or a TrainingRun (worker.start_run)
        self.startup_notice = ""  # why the session did not start as asked, for the status bar
        if QCoreApplication.instance() is not None:  # once the window is up: the first Run starts at once
            QTimer.singleShot(WARM_UP_AFTER_MS, warm_up)
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

    # ------------------------------------------------------------------ reading (the rest: Readout)
    @property
    def running(self) -> bool:
        return self._training is not None

    # ------------------------------------------------------------------ input and selection
    def set_input(self, x, label: int | None = None, caption: str = "") -> None:
        x = np.asarray(x, dtype=np.float32).reshape(-1)
        if x.shape[0] != self.network.sizes[0]:
            self.message.emit(f"An input of {x.shape[0]} numbers does not fit a network with "
                              f"{self.network.sizes[0]} inputs.")
            return
        self.input, self.input_label, self.input_caption = x, label, caption
        self._forward = None
        self.inputChanged.emit()

    def show_sample(self, index: int, split: str = "test") -> None:
        X, _, labels = self._split(split)
        self.sample_index = index = int(np.clip(index, 0, len(X) - 1))
        self.set_input(X[index], int(labels[index]), f"{split} sample {index + 1} of {len(X)}")

    def select_neuron(self, layer: int, index: int) -> None:
        """Select a neuron (layer 0 is the input); out of range selects nothing. Clears the parameter."""
        self._view_changed(self.view.select_neuron(layer, index, self.network.sizes))

    def select_weight(self, layer: int, neuron: int, source: int | None) -> bool:
        """Select weights[layer-1][neuron, source] (source None: the bias), layers counted as in
        select_neuron, and its neuron. False (and no change) for a parameter the network lacks."""
        changed = self.view.select_weight(layer, neuron, source, self.network.sizes)
        self._view_changed(changed or set())
        return changed is not None

    def set_color_source(self, name: str) -> None:
        """What the network view colours by: one of COLOR_SOURCES."""
        self._view_changed(self.view.set_color_source(name))

    def _view_changed(self, changed: set[str]) -> None:
        if "selected" in changed:
            self.selectionChanged.emit(*(self.selected or (-1, -1)))
        if "parameter" in changed:
            self.parameterChanged.emit()
        if "color_source" in changed:
            self.colorSourceChanged.emit(self.color_source)

    # ------------------------------------------------------------------ editing and settings
    def set_weight(self, layer: int, neuron: int, source: int, value: float) -> None:
        self._edit(("weight", int(layer), int(neuron), int(source), float(value)))

    def set_bias(self, layer: int, neuron: int, value: float) -> None:
        self._edit(("bias", int(layer), int(neuron), float(value)))

    def _edit(self, edit: tuple) -> None:
        apply_edit(self.network, edit)  # shown at once; the learning network gets it through run_control
        self._run.send(edit)
        self._network_changed()

    def _network_changed(self) -> None:
        self._forward = None
        self.networkChanged.emit()

    def set_learning_rate(self, lr: float) -> None:
        lr = float(lr)
        if not lr > 0 or lr == self.learning_rate:
            return
        self.learning_rate = lr
        self._run.send(("lr", lr))
        self.settingsChanged.emit()

    def set_batch_size(self, n: int) -> None:
        if int(n) != self.batch_size and n >= 1:
            self._retrain(batch_size=int(n))

    def set_cost(self, name: str) -> None:
        if name == self.cost_name:
            return
        try:
            functions.check_pairing(name, self.network.output)
        except ValueError as exc:
            self.message.emit(f"Not possible: {exc}.")
            self.settingsChanged.emit()  # the controls show the cost that is still in use
            return
        self._retrain(cost=name)

    def set_optimizer(self, name: str) -> None:
        if name != self.optimizer_name:
            self._retrain(optimizer=name)

    def set_seed(self, seed: int) -> None:
        """The seed of the starting weights; it takes effect at the next Reset."""
        self.seed = int(seed)
        self.settingsChanged.emit()

    def set_epochs(self, n: int) -> None:
        self.epochs = max(0, int(n))
        self.settingsChanged.emit()

    def _retrain(self, **change) -> None:
        """Change training settings: the Trainer is rebuilt (weights kept); Run goes on if it was on."""
        was_running = self.running
        self.pause()
        for name, value in change.items():
            setattr(self.settings, name, value)
        self.preset_name = ""
        self._run.make_trainer(self.network, self.dataset, self.settings)
        self.settingsChanged.emit()
        if was_running:
            self.run()

    # ------------------------------------------------------------------ structure
    def set_dataset(self, name: str) -> None:
        if name == self.data_key:
            return
        self.pause()
        try:
            data = self.catalog.load(name)
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not load the {name} data: {exc}")
            return
        output = self.network.output
        if is_digits_network([data.n_features]) != is_digits_network(self.network.sizes):
            # digits want a softmax over ten classes; a 2-D set one sigmoid "is it class 1?"
            output = "softmax" if data.n_outputs > 1 else "sigmoid"
            self.cost_name = "cross_entropy"
        self.dataset_name, self.dataset, self.data_key = name, data, name
        self._new_network([data.n_features, *self.hidden, data.n_outputs], output)

    def set_hidden(self, hidden: list[int]) -> None:
        """Set the hidden layer sizes, e.g. [16, 16]; the network is re-initialised."""
        hidden = [int(n) for n in hidden]
        if all(n >= 1 for n in hidden) and hidden != self.hidden:
            self.pause()
            self._new_network([self.network.sizes[0], *hidden, self.network.sizes[-1]], self.network.output)

    def _new_network(self, sizes: list[int], output: str) -> None:
        self.preset_name = ""
        self._build(Network(sizes, activation=self.network.activation, output=output, seed=self.seed))

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
        net = Network(list(old.sizes), activation=activation, output=output, seed=self.seed, dtype=old.dtype)
        net.copy_parameters_from(old)
        self.preset_name = ""
        self._build(net, keep_history=True)
        if was_running:
            self.run()

    def _build(self, net: Network, keep_history: bool = False) -> None:
        """Make `net` the shown network, with a fresh Trainer on its own copy; each signal once."""
        self.network = net
        self._view_changed(self.view.fit(net.sizes))
        if not keep_history:
            self._run.clear()
        self._run.make_trainer(self.network, self.dataset, self.settings)
        self._fit_input()  # the shown input must fit the new network before any view hears of it
        for signal in (self.structureChanged, self.inputChanged, self.networkChanged, self.historyChanged,
                       self.settingsChanged):
            signal.emit()

    def reload_dataset(self, name: str) -> None:
        """Forget a loaded dataset so it is read again (e.g. after the full MNIST was downloaded)."""
        self.catalog.forget(name)
        if name != self.data_key:
            return
        self.pause()
        try:
            self.dataset = self.catalog.load(name)
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not load the {name} data: {exc}")
            return
        self._build(self.network)
        self.message.emit(f"Data: {self.dataset.source}")

    # ------------------------------------------------------------------ presets, models, state
    def apply_preset(self, name: str) -> bool:
        """Set data, shape and recipe from a preset. False (and a message) if its model won't load."""
        self.pause()
        try:
            net, self.dataset, key = self.catalog.preset_model(PRESETS[name])
        except ValueError as exc:
            self.message.emit(str(exc))
            return False
        self.settings = Settings.from_preset(PRESETS[name], key)  # the dataset's name and key too
        self._build(net)
        self.set_run_speed(PRESETS[name].run_speed)
        self.message.emit(f"Preset “{name}”: {self._describe()}")
        return True

    def load_model(self, path: str | Path) -> bool:
        """Open a model file. A bad file leaves everything as it was and says why."""
        path = Path(path)
        try:
            net, data, key = self.catalog.model_file(path, prefer=self.data_key)
        except ValueError as exc:
            self.message.emit(str(exc))
            return False
        self.pause()
        self.dataset_name, self.dataset, self.data_key = data.name, data, key
        self.cost_name = {"softmax": "cross_entropy", "linear": "mse"}.get(net.output, self.cost_name)
        self.preset_name = ""
        self._build(net)
        self.message.emit(f"Opened {path.name}: {self._describe()}")
        return True

    def save_model(self, path: str | Path) -> bool:
        return self._write(model_io.save, Path(path), "save", "Saved the model to")

    def export_onnx(self, path: str | Path) -> bool:
        return self._write(model_io.export_onnx, Path(path), "export", "Exported ONNX to")

    def _write(self, write, path: Path, verb: str, done: str) -> bool:
        try:
            write(self.network, path)
        except (ValueError, OSError, ImportError) as exc:
            self.message.emit(f"Could not {verb} {path.name}: {exc}")
            return False
        self.message.emit(f"{done} {path}")
        return True

    def to_state(self, weights: bool = True) -> dict:
        """The whole session as plain data (JSON-safe), TensorFlow-Playground style (see state.py)."""
        return SessionState(self.settings, self.network).to_dict(weights)

    def from_state(self, state: dict) -> bool:
        """Restore a state made by to_state. A bad state says why and changes nothing."""
        try:
            restored = SessionState.from_dict(state)
            settings, net = restored.settings, restored.network
            data = self.catalog.load(settings.data)
            if not fits(data, net.sizes):
                raise ValueError(f"sizes {net.sizes} do not fit the {settings.dataset} data")
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not restore the session: {exc}")
            return False
        self.pause()
        self.dataset, self.settings = data, settings
        self._build(net)
        return True

    # ------------------------------------------------------------------ training
    def step(self) -> float | None:
        """One gradient-descent step on one mini-batch (paused only). Returns the batch cost."""
        if self.running:
            return None
        cost, divergence = self._run.step(self.network)
        if divergence:  # found by the Trainer, which has restored the weights: report it
            self.message.emit(divergence)
        self._network_changed()
        self.historyChanged.emit()
        return cost

    def run(self) -> None:
        """Train continuously on a worker thread until pause() (or the epoch limit, or a divergence)."""
        if self.running:
            return
        self.trainer.network.copy_parameters_from(self.network)  # paused, the shown network is the truth
        self._training = start_run(self.trainer, self.dataset.X_test, self.dataset.Y_test, self.epochs,
                                   speed=self.run_speed)
        self._training.snapshot.connect(self._take_snapshot)
        self._training.ended.connect(self._finish_run)
        self._run.start(time.monotonic(), self._training.post)
        self.runningChanged.emit(True)

    def pause(self) -> None:
        """Stop Run and wait for the worker: afterwards nothing trains and every point has arrived."""
        if self._training is not None:
            self._training.stop()

    def _take_snapshot(self, snap: Snapshot) -> None:
        self._run.merge(snap, self.network)
        self._network_changed()
        self.historyChanged.emit()

    def _finish_run(self) -> None:
        stats, self._training = self._training.stats, None
        note = self._run.finish(self.network, stats, self.epochs)  # e.g. a divergence, reported
        if note:
            self.message.emit(note)
        self._network_changed()
        self.historyChanged.emit()
        self.runningChanged.emit(False)

    def set_run_speed(self, steps_per_second: float) -> None:
        """At most this many steps a second during Run (0: as fast as it goes); a running Run follows."""
        self._run.set_speed(steps_per_second)
        self.runSpeedChanged.emit(self.run_speed)

    def progress(self) -> tuple[float, float | None, str]:
        """(fraction 0..1, ETA in seconds or None, one line of text) for the progress bar."""
        return self._run.progress(self.epochs, time.monotonic())

    def reset(self) -> None:
        """Re-initialise the weights (the same seed gives the same network) and clear the history."""
        self.pause()
        self.network.reset(self.seed)
        self._build(self.network)
        self.message.emit(reset_note(self.preset_name, self.seed))

    def shutdown(self) -> None:
        """Stop training before the window goes away."""
        self.pause()
