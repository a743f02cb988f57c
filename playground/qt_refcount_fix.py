"""A guard against a reference-count bug in PySide6 6.12.0 on Python 3.11.

pyproject.toml excludes 6.12.0, but an environment may already hold it; this keeps the app alive there.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_REPAIRED = False


def repair_refcounts() -> bool:
    """Work around a reference-count bug of PySide6 6.12.0 on Python 3.11.

    Its bindings hand back None, True and False without taking a reference: every call of a method
    that returns nothing (`setText`, `update`, ...) and every `Signal.emit()` lowers the count of None
    or True by one, and after some thousands of calls the interpreter aborts ("Fatal Python error:
    none_dealloc" / "bool_dealloc"). Python 3.12 made these singletons immortal, which hides the bug
    there. We detect it with one probe call and, only if it is present, do what 3.12 does: give the
    singletons a reference count so large that no number of lost references can bring it to zero.
    Returns True if the repair was applied.
    """
    global _REPAIRED
    if _REPAIRED:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(4):
        probe.setObjectName("probe")
        probe.ping.emit()
    if sys.getrefcount(None) >= none_before and sys.getrefcount(True) >= true_before:
        return False
    for singleton in (None, True, False, Ellipsis, NotImplemented):
        # ob_refcnt is the first field of every CPython object
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
    _REPAIRED = True
    return True
