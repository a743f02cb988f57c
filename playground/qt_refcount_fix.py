"""A guard against a reference-count bug of PySide6 6.12.0 on Python 3.11.

Its bindings hand back None, True and False without taking a reference: every call of a method that
returns nothing (`setText`, `update`, ...) and every `Signal.emit()` lowers the count of None or True
by one, and after some thousands of calls the interpreter aborts ("Fatal Python error: none_dealloc"
/ "bool_dealloc"). Python 3.12 made these singletons immortal, which hides the bug there.

pyproject.toml excludes 6.12.0, but an environment may already hold it. `apply_guard()` is called
where the application starts (`playground.app.make_application`) and by the test suite's conftest,
never as a side effect of an import. Only for the affected version, and only if one probe shows the
leak, it does what 3.12 does: gives the singletons a reference count so large that no number of lost
references can bring it to zero; and it says so in one line on stderr.
"""

from __future__ import annotations

import ctypes
import sys

AFFECTED_PYSIDE = "6.12.0"
NOTICE = (f"nn-playground: PySide6 {AFFECTED_PYSIDE} loses references to None and True on this Python; "
          "they were made immortal (as Python 3.12 does) so the app does not abort. "
          "Install another PySide6 version to avoid this.")
_SINGLETONS = (None, True, False, Ellipsis, NotImplemented)
_applied = False


def pyside_version() -> str:
    import PySide6

    return PySide6.__version__


def affected(version: str, python: tuple[int, ...] = tuple(sys.version_info)) -> bool:
    """Is this PySide6 version on this Python one the bug can reach? (3.12+: immortal singletons)"""
    return version == AFFECTED_PYSIDE and tuple(python[:2]) < (3, 12) and sys.implementation.name == "cpython"


def loses_references() -> bool:
    """The probe: do a few void calls and emits lower the reference count of None or True?"""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(4):
        probe.setObjectName("probe")
        probe.ping.emit()
    return sys.getrefcount(None) < none_before or sys.getrefcount(True) < true_before


def immortalise_singletons() -> None:
    for singleton in _SINGLETONS:
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40  # ob_refcnt: every object's first field


def apply_guard(stream=None) -> bool:
    """Repair the singletons if this is the affected PySide6 and the probe shows the leak. True if
    the repair is in place (applied now or before); then one line on stderr (or `stream`) says why."""
    global _applied
    if _applied:
        return True
    if not affected(pyside_version()) or not loses_references():
        return False
    immortalise_singletons()
    _applied = True
    print(NOTICE, file=stream if stream is not None else sys.stderr)
    return True
