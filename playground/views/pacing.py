"""During Run the views redraw one at a time, each at most so often; paused, at once.

Snapshots arrive some 55 times a second. If every view redrew on the same one, their work and then
their repaints would pile into one turn of the event loop: a stall the user feels as a window that
does not answer (bench/bench_worker.py measures the longest). So during Run a view's redraw is only
noted, and the Session's `Pacer` ticks every TICK_MS: each tick redraws the one waiting view that has
been due longest (its own interval passed since its last redraw). A tick's repaint then holds that
view, not the whole window. A redraw reads the Session as it is at that moment, so it shows the
newest snapshot, and snapshots that came in between cost nothing.

When Run stops, every waiting view redraws at once: what is shown is the final state. A view out of
sight in a shown window (a closed dock, a tab behind another) skips its redraws, paused or not, and
catches up the moment it is shown.

A view makes `Paced(owner, session, redraw, hz)` and calls `request()` where it called `redraw()`;
`request_throttled()` where even a paused redraw must wait out its interval (a slider drag asks on
every move, and a plane's maps cost a forward pass over a grid each).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

TICK_MS = 10  # the Pacer's beat during Run: at most one view's redraw per beat

_pacers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Pacer(QObject):
    """The one beat all views of a Session share during Run."""

    def __init__(self, session: QObject, clock: Callable[[], float] = time.monotonic):
        super().__init__(session)
        self._session = session
        self.clock = clock
        self._waiting: dict[Paced, None] = {}  # (a dict: ordered, and each view once)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        if hasattr(session, "runningChanged"):  # (a stand-in Session of a test may have no Run)
            session.runningChanged.connect(lambda running: None if running else self.flush())

    @property
    def waiting(self) -> list[Paced]:
        return list(self._waiting)

    def wait(self, paced: Paced) -> None:
        self._waiting[paced] = None
        if not self._timer.isActive():
            self._timer.start()

    def forget(self, paced: Paced) -> None:
        self._waiting.pop(paced, None)

    def tick(self) -> None:
        """Redraw one waiting view whose interval has passed: the one that has been due longest (so a
        view that follows at 30 a second is not starved by those at 10, when ticks come late)."""
        now = self.clock()
        due = [p for p in self._waiting if now - p.last >= p.period]
        if due:
            min(due, key=lambda p: p.last + p.period).redraw_now()
        if not self._waiting:
            self._timer.stop()

    def flush(self) -> None:
        """Redraw every waiting view now (Run has stopped: the final state must show)."""
        self._timer.stop()
        for paced in list(self._waiting):
            paced.redraw_now()


def pacer_for(session: QObject) -> Pacer:
    """The Session's Pacer, made the first time a view asks."""
    pacer = _pacers.get(session)
    if pacer is None:
        pacer = _pacers[session] = Pacer(session)
    return pacer


class Paced(QObject):
    """One view's redraw: at once while paused, through the Session's Pacer during Run; never while the
    view is out of sight in a shown window (a closed dock, a tab behind another): it catches up the
    moment it is shown again."""

    def __init__(self, owner: QWidget, session: QObject, redraw: Callable[[], None], hz: float):
        super().__init__(owner)
        self._owner = owner
        self._session = session
        self._redraw = redraw
        self.period = 1.0 / hz
        self.last = float("-inf")  # when it last redrew, on the Pacer's clock
        self.stale = False  # a redraw was skipped while out of sight
        self._pacer = pacer_for(session)
        self._later = QTimer(self)  # a paused, throttled redraw asked for too soon waits on this
        self._later.setSingleShot(True)
        self._later.timeout.connect(self.redraw_now)
        # a view that goes away must not be redrawn by a later tick
        owner.destroyed.connect(lambda *_: self._pacer.forget(self))
        owner.installEventFilter(self)

    @property
    def waiting(self) -> bool:
        return self in self._pacer.waiting

    def request(self) -> None:
        if getattr(self._session, "running", False):
            self._pacer.wait(self)
        else:
            self.redraw_now()

    def request_throttled(self) -> None:
        """As request(), and while paused at most hz times a second too: asked sooner, the redraw waits
        for the rest of its interval (then shows the state of that moment)."""
        if getattr(self._session, "running", False):
            self._pacer.wait(self)
            return
        wait = self.period - (self._pacer.clock() - self.last)
        if wait <= 0:
            self.redraw_now()
        elif not self._later.isActive():
            self._later.start(int(wait * 1000) + 1)

    def drawn(self) -> None:
        """Note a redraw the view made by itself (a hover, a rebuild): the interval counts from it."""
        self.last = self._pacer.clock()

    def redraw_now(self) -> None:
        self._later.stop()
        self._pacer.forget(self)
        owner = self._owner
        if not owner.isVisible() and owner.window().isVisible():
            self.stale = True
            return
        self.stale = False
        self.last = self._pacer.clock()
        self._redraw()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if self.stale and event.type() == QEvent.Type.Show:
            self.redraw_now()
        return False
