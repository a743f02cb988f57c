"""The Session's settings as plain data: a dataclass <-> a JSON-safe dict (TensorFlow Playground's state.ts).

Qt-free. `Settings` is where the Session keeps its recipe and what it shows; `SessionState` adds the
network, which serialises itself (`Network.to_state` / `from_state`), so weights are parsed in one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from engine import functions
from engine.network import Network
from playground.presets import Preset

STATE_VERSION = 2  # 1 kept the network's fields flat beside the settings; from_dict still reads it
# What the network view can colour by. The walkthrough's phases will join these.
COLOR_SOURCES = ("activations", "gradients", "walk-forward", "walk-error", "walk-backward", "walk-update")


@dataclass
class Settings:
    preset: str = ""  # the preset the settings came from; "" once anything was changed by hand
    dataset: str = ""
    data: str = ""  # the data catalogue's key: the dataset's name, or "preset:NAME" for a preset's own data
    cost: str = "mse"
    optimizer: str = "sgd"
    learning_rate: float = 0.1
    batch_size: int = 32
    seed: int = 0  # of the starting weights; takes effect at the next Reset
    epochs: int = 0  # Run pauses itself after this many epochs; 0 = never
    sample_index: int = 0  # the test sample shown
    # the 2-D lab (issue 10): how a toy set is made and fed to the network, and the regularisation
    noise: float = 0.05  # standard deviation of the jitter added to each coordinate (shown as a percentage)
    train_fraction: float = 0.8  # of the points, for training; the rest test
    data_seed: int = 0  # of the points (Regenerate draws a new one)
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])  # the input neurons of a 2-D net
    show_test: bool = True  # draw the test points on the boundary
    discretize: bool = False  # draw the boundary as flat class colours
    l1: float = 0.0  # L1 regularisation rate (drives weights to exactly zero)
    l2: float = 0.0  # L2 regularisation rate (weight decay)
    data_file: str = ""  # a CSV the data came from, and its SHA-256, to find it (and notice a change)
    data_checksum: str = ""

    @classmethod
    def from_preset(cls, preset: Preset, data_key: str) -> Settings:
        return cls(preset=preset.name, dataset=preset.dataset, data=data_key, cost=preset.cost,
                   optimizer=preset.optimizer, learning_rate=preset.learning_rate,
                   batch_size=preset.batch_size, seed=preset.seed, epochs=preset.epochs)

    def check(self) -> None:
        """Raise ValueError for settings no Trainer accepts."""
        if self.batch_size < 1 or not self.learning_rate > 0:
            raise ValueError("batch size and learning rate must be positive")
        if self.epochs < 0:
            raise ValueError("the number of epochs cannot be negative")
        if not (0 <= self.noise <= 1 and 0.05 <= self.train_fraction <= 0.95):
            raise ValueError("the noise must be in 0..1 and the training fraction in 0.05..0.95")
        if self.l1 < 0 or self.l2 < 0:
            raise ValueError("regularisation rates cannot be negative")


def parameter_fits(parameter: tuple[int, int, int | None], sizes: list[int], neuron_only: bool = False
                   ) -> bool:
    """Does a network of these sizes have weights[layer-1][neuron, source] (source None: the bias)?

    neuron_only: is (layer, neuron) a neuron of it, the input layer's included (a neuron selection).
    """
    layer, neuron, source = parameter
    if not ((0 if neuron_only else 1) <= layer < len(sizes) and 0 <= neuron < sizes[layer]):
        return False
    return neuron_only or source is None or 0 <= source < sizes[layer - 1]


def parameter_value(network: Network, parameter: tuple[int, int, int | None]) -> float:
    layer, neuron, source = parameter
    if source is None:
        return float(network.biases[layer - 1][neuron])
    return float(network.weights[layer - 1][neuron, source])


@dataclass
class ViewState:
    """What the views show besides the network: the selection and the colour source.

    Each change returns the names of the fields it changed, so the Session emits each signal once and
    only after the whole change is made.
    """

    selected: tuple[int, int] | None = None  # a neuron (layer, index); layer 0 is the input
    # (layer, neuron, source): weights[layer-1][neuron, source]; source None is the bias. Its neuron is
    # `selected` too, so the inspector and the lab follow a weight's click.
    parameter: tuple[int, int, int | None] | None = None
    color_source: str = "activations"  # one of COLOR_SOURCES

    def select_neuron(self, layer: int, index: int, sizes: list[int]) -> set[str]:
        neuron = (int(layer), int(index))
        fits = parameter_fits((*neuron, None), sizes, neuron_only=True)
        return self._set(selected=neuron if fits else None, parameter=None)

    def select_weight(self, layer: int, neuron: int, source: int | None, sizes: list[int]) -> set[str] | None:
        """None (and no change) for a parameter a network of these sizes does not have."""
        parameter = (int(layer), int(neuron), None if source is None else int(source))
        if not parameter_fits(parameter, sizes):
            return None
        return self._set(selected=parameter[:2], parameter=parameter)

    def fit(self, sizes: list[int]) -> set[str]:
        """Forget what a network of these (new) sizes no longer has."""
        gone = {}
        if self.selected is not None and not parameter_fits((*self.selected, None), sizes, neuron_only=True):
            gone["selected"] = None
        if self.parameter is not None and not parameter_fits(self.parameter, sizes):
            gone["parameter"] = None
        return self._set(**gone)

    def set_color_source(self, name: str) -> set[str]:
        if name not in COLOR_SOURCES:
            raise ValueError(f"unknown colour source {name!r}; choose one of {', '.join(COLOR_SOURCES)}")
        return self._set(color_source=name)

    def _set(self, **values) -> set[str]:
        changed = {name for name, value in values.items() if getattr(self, name) != value}
        for name in changed:
            setattr(self, name, values[name])
        return changed


def flag(value) -> bool:
    if isinstance(value, bool | int):
        return bool(value)
    raise ValueError(f"not true or false: {value!r}")


def names(value) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"not a list of names: {value!r}")
    return list(value)


_TYPES = {"learning_rate": float, "batch_size": int, "seed": int, "epochs": int, "sample_index": int,
          "noise": float, "train_fraction": float, "data_seed": int, "l1": float, "l2": float,
          "show_test": flag, "discretize": flag, "features": names}


@dataclass
class SessionState:
    settings: Settings
    network: Network

    def to_dict(self, weights: bool = True) -> dict:
        network = self.network.to_state()
        if not weights:
            del network["weights"], network["biases"]  # from_dict then re-draws them from the seed
        return {"version": STATE_VERSION, **asdict(self.settings), "network": network}

    @classmethod
    def from_dict(cls, state: dict) -> SessionState:
        """Rebuild a state made by to_dict. Raises ValueError (with the reason) for a bad one."""
        if not isinstance(state, dict):
            raise ValueError("a session state must be a dict")
        version = state.get("version")
        if version == 1:
            network = {k: state[k] for k in ("sizes", "activation", "output", "seed", "weights", "biases")
                       if k in state}
        elif version == STATE_VERSION:
            network = state.get("network")
        else:
            raise ValueError(f"unknown state version {version!r}")
        values = {}
        for f in fields(Settings):
            if f.name in state:
                kind = _TYPES.get(f.name, str)
                try:
                    values[f.name] = kind(state[f.name])
                except (TypeError, ValueError):
                    raise ValueError(f"{f.name} must be a {kind.__name__}, not {state[f.name]!r}") from None
            elif f.name in ("dataset", "cost", "optimizer", "learning_rate", "batch_size", "seed"):
                raise ValueError(f"the state has no {f.name!r}")
        settings = Settings(**values)
        settings.data = settings.data or settings.dataset
        settings.check()
        try:
            net = Network.from_state(network)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"a bad network: {exc}") from None
        return cls(settings, net)


def cost_for(output: str, current: str) -> tuple[str, str]:
    """The cost to train a network with this output, and a note for the user if it had to change.

    A softmax output is trained with cross-entropy and a linear one with MSE; any other output keeps
    the current cost if the two pair (engine.functions.check_pairing), else MSE, which pairs with all.
    """
    preferred = {"softmax": "cross_entropy", "linear": "mse"}.get(output, current)
    try:
        functions.check_pairing(preferred, output)
        return preferred, ""
    except ValueError:
        return "mse", f". Its {output} output does not give probabilities, so the cost is now MSE."


def setting(name: str) -> property:
    """A Session attribute kept in its Settings (under the names the views have always read)."""
    return property(lambda self: getattr(self.settings, name),
                    lambda self, value: setattr(self.settings, name, value))


def kept_by(part: str, name: str) -> property:
    """A read-only Session attribute kept by one of its parts (`_run`, `view`)."""
    return property(lambda self: getattr(getattr(self, part), name))
