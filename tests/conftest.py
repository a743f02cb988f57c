"""Shared test setup: every GUI test runs offscreen, so the suite needs no display.

Set before anything imports numpy or Qt:
* QT_QPA_PLATFORM=offscreen: GUI tests need no display.
* OPENBLAS_NUM_THREADS=1: numbers reproduce bit for bit whatever the machine's core count, and the
  GUI thread does not fight the training thread for cores.
* NN_PLAYGROUND_DATA: a fresh folder, so no test reads or writes the user's real data (full MNIST).
Then, before any test makes Qt calls, the PySide6 6.12.0 guard (playground/qt_refcount_fix.py), as
make_application applies it for the app.
"""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ["NN_PLAYGROUND_DATA"] = tempfile.mkdtemp(prefix="nn-playground-test-data-")


def pytest_configure(config):
    from playground.qt_refcount_fix import apply_guard

    try:
        apply_guard()
    except ImportError:  # an engine-only environment, without PySide6
        pass
