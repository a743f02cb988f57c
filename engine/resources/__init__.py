"""The data shipped with the app: the bundled MNIST digits and the default digits model.

They live inside the `engine` package, so `pip install .`, a wheel or pipx installs them along with
the code (a top-level package named `resources` would clash with other projects' in site-packages).
importlib.resources finds them wherever the package is installed; a wheel is always unpacked onto the
file system, so the folder is a real directory and its files real paths.

    digits/mnist-10k.npz   10,000 MNIST digits (tools/build_bundled_digits.py; licence in digits/README.md)
    models/digits.npz      the default digits model (its recipe and accuracy in models/README.md)
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_ROOT = files(__name__)
RESOURCES: Path = _ROOT if isinstance(_ROOT, Path) else Path(str(_ROOT))
BUNDLED_DIGITS: Path = RESOURCES / "digits" / "mnist-10k.npz"
DEFAULT_MODEL: Path = RESOURCES / "models" / "digits.npz"
