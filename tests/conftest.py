"""Shared test setup: every GUI test runs offscreen, so the suite needs no display.

Set before anything imports numpy or Qt:
* QT_QPA_PLATFORM=offscreen: GUI tests need no display.
* OPENBLAS_NUM_THREADS=1: numbers reproduce bit for bit whatever the machine's core count, and the
  GUI thread does not fight the training thread for cores.
* NN_PLAYGROUND_DATA: a fresh folder, so no test reads or writes the user's real data (full MNIST).
"""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ["NN_PLAYGROUND_DATA"] = tempfile.mkdtemp(prefix="nn-playground-test-data-")
