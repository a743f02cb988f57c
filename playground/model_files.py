"""Networks in and out of the Session (a mixin of Session): open a model file, save it, export it to
ONNX, and adopt weights trained elsewhere (fine-tuning on My digits). Each is all or nothing: what
would not fit is refused with a sentence before anything changes.
"""

from __future__ import annotations

from pathlib import Path

from engine import io as model_io
from engine.network import Network
from playground.adopt import adoption_problem
from playground.model_file import read_meta
from playground.state import cost_for


class ModelFiles:
    def load_model(self, path: str | Path) -> bool:
        """Open a model file. A bad file leaves everything as it was and says why."""
        path = Path(path)
        meta = read_meta(path) if path.is_file() else None
        if meta is not None:  # saved with its data and settings (lab2d.py); older files have none
            try:
                return self.restore_from_meta(model_io.load(path), meta, path)
            except ValueError as exc:
                self.message.emit(f"Could not open {path.name}: {exc}")
                return False
        try:
            net, data, key = self.catalog.model_file(path, prefer=self.data_key)
        except ValueError as exc:
            self.message.emit(str(exc))
            return False
        cost, note = cost_for(net.output, self.cost_name)  # decided before anything changes: all or nothing
        self.pause()
        self.user_data = ""
        self.dataset_name, self.dataset, self.data_key = data.name, data, key
        self.cost_name = cost
        self.preset_name = ""
        self._build(net)
        self.message.emit(f"Opened {path.name}: {self._describe()}{note}")
        return True

    def save_model(self, path: str | Path) -> bool:
        return self._write(self.save_model_with_meta, Path(path), "save", "Saved the model to")

    def export_onnx(self, path: str | Path) -> bool:
        return self._write(self.export_onnx_with_meta, Path(path), "export", "Exported ONNX to")

    def _write(self, write, path: Path, verb: str, done: str) -> bool:
        try:
            write(self.network, path)
        except (ValueError, OSError, ImportError) as exc:
            self.message.emit(f"Could not {verb} {path.name}: {exc}")
            return False
        self.message.emit(f"{done} {path}")
        return True

    def adopt_network(self, net: Network, note: str = "new weights") -> bool:
        """Take `net`'s weights (e.g. fine-tuned on My digits), all or nothing: the shown network keeps
        its identity, the history goes on with `note` marked, the Trainer starts afresh on them."""
        problem = adoption_problem(self.network, net, self.running)
        if problem:
            self.message.emit(problem)
            return False
        self.network.copy_parameters_from(net)
        self.history.mark(self.steps, note)
        self.preset_name = ""  # no longer the shipped model: choosing the preset again brings it back
        self._run.make_trainer(self.network, self.dataset, self.settings)
        self._network_changed()
        self.historyChanged.emit()
        self.settingsChanged.emit()
        return True

