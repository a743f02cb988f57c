"""The public API of ARCHITECTURE.md imports and works in a Python where Qt cannot be imported at all."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import sys, tempfile
    from pathlib import Path

    class NoQt:
        '''Any import of Qt or its plotting library fails, as on a machine without them.'''

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"):
                raise ImportError(f"{name} is not installed here")
            return None

    sys.meta_path.insert(0, NoQt())

    from engine import Value, Network, save, load, export_onnx, graph, preprocess
    import numpy as np

    x = Value(2.0, label="x")
    y = x * x + x
    y.backward()
    assert x.grad == 5.0
    g = graph.to_networkx(y)
    # x -> x*x (one edge for both uses), x*x -> y, x -> y
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 3
    net = Network([784, 16, 16, 10], activation="sigmoid", seed=0)
    canvas = np.zeros((280, 280))
    canvas[60:220, 130:150] = 1.0  # a "1"
    digit = preprocess.to_mnist(canvas)
    assert digit.shape == (784,) and digit.max() > 0.5
    with tempfile.TemporaryDirectory() as tmp:
        save(net, Path(tmp) / "m.npz")
        again = load(Path(tmp) / "m.npz")
        assert np.array_equal(again.forward(digit), net.forward(digit))
        export_onnx(net, Path(tmp) / "m.onnx")
        assert (Path(tmp) / "m.onnx").stat().st_size > 4 * net.n_parameters
    print(sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph")))
    """
)


def test_the_public_api_works_without_qt():
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_blocker_really_blocks():
    # guard: the test above only means something if the blocker makes a Qt import fail
    code = SCRIPT.split("from engine import")[0] + "import PySide6.QtCore\n"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "PySide6 is not installed here" in run.stderr
