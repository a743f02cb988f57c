"""The PySide6 front end. It observes the engine through a Session; the engine never imports it."""

from playground.qt_refcount_fix import repair_refcounts

# Before any view makes its thousands of Qt calls (see qt_refcount_fix).
repair_refcounts()
