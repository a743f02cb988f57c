"""The Session: the one source of truth the window observes, and its signal hub.

It owns the network, the dataset, the shown input, the selection and the settings; views read from it,
redraw when it signals, and change the model only by calling its methods. Qt-free parts do the work:
`state` (settings and view state), `data_catalog` (datasets, presets, model files: what fits what),
`run_control` (the Trainer, step counts, snapshots, edits made during Run), `readout` (what views
compute from the state); `worker` trains off the GUI thread. Mixins hold whole features: `running`
(Run), `walk_steps` (backprop step by step), `lab2d` (the 2-D lab). `network` is what every view draws (its
identity changes only with the structure); the Trainer's copy is what learns, and reaches `network`
after each Step, or as snapshots during Run.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from engine import functions
from engine.network import Network
from playground.data_catalog import DataCatalog, fits, is_digits_network
from playground.lab2d import Lab2D, fitting_output
from playground.model_files import ModelFiles
from playground.presets import DEFAULT_PRESET, FALLBACK_PRESET, PRESETS, reset_note
from playground.readout import Readout
from playground.run_control import RunControl, apply_edit, edit_problem
from playground.running import Running
from playground.state import COLOR_SOURCES, SessionState, Settings, ViewState, cost_for  # noqa: F401 (COLOR_SOURCES)
from playground.state import kept_by as _kept_by
from playground.state import setting as _setting
from playground.status_words import COST_WORDS, PRESETS_WITH_MODELS, activation_switch_note
from playground.walk_steps import WalkSteps
from playground.worker import keep_shared_data_only_for, warm_up

WARM_UP_AFTER_MS = 1000  # the training process's server starts this long after the Session (worker.warm_up)


class Session(Lab2D, WalkSteps, Running, ModelFiles, Readout, QObject):
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
    walkthroughChanged = Signal()  # the step-by-step walkthrough started, moved a phase, or ended
    hoverChanged = Signal(int, int)  # the neuron under the mouse, whose map the boundary shows; (-1, -1)
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
        self._init_walkthrough()  # backprop step by step (walk_steps.py)
        self._init_lab2d()  # the plane, hand-made data (lab2d.py)
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
            self.startup_notice = " ".join(filter(None, [self.dataset.notice, self.startup_notice]))
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
    def set_weight(self, layer: int, neuron: int, source: int, value: float) -> bool:
        """weights[layer-1][neuron, source] = value. False (and a message) for a weight the network lacks."""
        return self._edit(("weight", int(layer), int(neuron), int(source), float(value)))

    def set_bias(self, layer: int, neuron: int, value: float) -> bool:
        return self._edit(("bias", int(layer), int(neuron), float(value)))

    def _edit(self, edit: tuple) -> bool:
        problem = edit_problem(self.network, edit)
        if problem:
            self.message.emit(problem)
            return False
        apply_edit(self.network, edit)  # shown at once; the learning network gets it through run_control
        self._run.send(edit)
        self._network_changed()
        return True

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
        if "cost" in change:
            self.history.mark(self.steps, f"cost: {COST_WORDS.get(change['cost'], change['cost'])}")
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
            data = self.make_data(name)  # a toy set with the noise, ratio and features chosen
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not load the {name} data: {exc}")
            return
        self.user_data, self.settings.data_file, self.settings.data_checksum = "", "", ""
        output = self.network.output
        if is_digits_network([data.n_features]) != is_digits_network(self.network.sizes):
            # digits want a softmax over ten classes; a 2-D set one sigmoid "is it class 1?"
            output = "softmax" if data.n_outputs > 1 else "sigmoid"
            self.cost_name = "cross_entropy"
        output, self.cost_name = fitting_output(data, output, self.cost_name)  # regression, 3 classes
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
            old, trained = self.network.activation, self.steps > 0 or self.preset_name in PRESETS_WITH_MODELS
            self._rebuild_keeping_weights(activation=name, output=self.network.output)
            self.message.emit(activation_switch_note(old, name, trained))

    def set_output(self, name: str) -> None:
        if name == self.network.output:
            return
        try:
            functions.check_pairing(self.cost_name, name)
        except ValueError:
            # cross-entropy needs probabilities: with a linear output the squared error is the cost
            self.cost_name = "mse"
            self.history.mark(self.steps, "cost: MSE")  # the curve goes on in other units: say where
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
        keep_shared_data_only_for(self.dataset)  # (a Run's copy of other data goes)
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
        self.user_data = ""
        self._build(net)
        self.set_run_speed(PRESETS[name].run_speed)
        self.message.emit(f"Preset “{name}”: {self._describe()}")
        return True

    def to_state(self, weights: bool = True) -> dict:
        """The whole session as plain data (JSON-safe), TensorFlow-Playground style (see state.py)."""
        return SessionState(self.settings, self.network).to_dict(weights)

    def from_state(self, state: dict) -> bool:
        """Restore a state made by to_state. A bad state says why and changes nothing."""
        try:
            restored = SessionState.from_dict(state)
            settings, net = restored.settings, restored.network
            data, _key, user = self._data_from_meta(settings, state)  # noise, features, a CSV (lab2d)
            if not fits(data, net.sizes):
                raise ValueError(f"sizes {net.sizes} do not fit the {settings.dataset} data")
        except (ValueError, OSError) as exc:
            self.message.emit(f"Could not restore the session: {exc}")
            return False
        self.pause()
        self.dataset, self.settings, self.user_data = data, settings, user
        self._build(net)
        return True

    # ------------------------------------------------------------------ training
    def step(self) -> float | None:
        """One gradient-descent step on one mini-batch (paused only). Returns the batch cost."""
        if self.running or not self.can_train():
            return None
        cost, divergence = self._run.step(self.network)
        if divergence:  # found by the Trainer, which has restored the weights: report it
            self.message.emit(divergence)
        self._network_changed()
        self.historyChanged.emit()
        return cost

    def reset(self) -> None:
        """Re-initialise the weights (the same seed gives the same network) and clear the history."""
        self.pause()
        note = reset_note(self.preset_name, self.seed)
        preset = PRESETS.get(self.preset_name)
        if preset is not None and preset.model is not None:
            self.preset_name = ""  # its trained weights are set aside: no longer "the shipped model"
        self.network.reset(self.seed)
        self._build(self.network)
        self.message.emit(note)

    def shutdown(self) -> None:
        """Stop training before the window goes away."""
        self.pause()
