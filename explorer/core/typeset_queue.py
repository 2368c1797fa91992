"""A background thread that typesets formulas ahead of time, the ones a page asks for first.

The thread never touches a Qt object: it only fills explorer.core.formulas' cache and leaves news
("ready": the asked-for formulas are typeset; "all": every formula is) for the window's thread to
collect with :meth:`TypesetQueue.take_news`. So a window closed while it runs, or the interpreter
shutting down, cannot leave it calling into a destroyed object. Every queue still running is
stopped (and briefly waited for) when the interpreter exits.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections import deque
from typing import Callable, Iterable

from explorer.core import formulas

Formula = tuple[str, bool]
READY = "ready"
ALL_TYPESET = "all"
YIELD_SECONDS = 0.002  # a pause between formulas hands the interpreter back to the window's thread

_queues: "weakref.WeakSet[TypesetQueue]" = weakref.WeakSet()


class TypesetQueue:
    """Typesets formulas in one background thread: asked-for ones first, then every other one."""

    def __init__(self, size: float):
        self.size = size
        self.loaded = threading.Event()  # the typesetter has been imported (or failed to be)
        self.everything: list[Formula] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._later: Callable[[], Iterable[Formula]] | None = None
        self._urgent: deque[Formula] = deque()
        self._urgent_left = 0  # asked for and not typeset yet (queued or under way)
        self._queue: deque[Formula] = deque()
        self._news: set[str] = set()
        _queues.add(self)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, first: Iterable[Formula] = (), later: Callable[[], Iterable[Formula]] | None = None) -> None:
        """Load the typesetter and typeset ``first``, then what ``later()`` lists. A call while the
        thread runs hands it the work instead of starting another thread."""
        with self._lock:
            if self._stop.is_set():
                return
            for formula in first:
                self._queue_urgent(formula)
            if later is not None:
                self._later = later
            if self.running:
                return
            self._thread = threading.Thread(target=self._work, name="formula-typesetting", daemon=True)
            self._thread.start()

    def ask_for(self, formula: Formula) -> None:
        """Typeset ``formula`` before anything else; news "ready" follows once it is."""
        self.start([formula])

    def _queue_urgent(self, formula: Formula) -> None:
        if formula not in self._urgent:
            self._urgent.append(formula)
            self._urgent_left += 1

    def take_news(self) -> set[str]:
        """What happened since the last call (READY, ALL_TYPESET); empties it."""
        with self._lock:
            news, self._news = self._news, set()
        return news

    def settle(self, timeout: float = 60.0) -> bool:
        """Block until the typesetter is loaded and every asked-for formula is typeset."""
        deadline = time.perf_counter() + timeout
        if not self.loaded.wait(timeout):
            return False
        while time.perf_counter() < deadline:
            with self._lock:
                if not self._urgent_left:
                    return True
            time.sleep(0.01)
        return False

    def stop(self, timeout: float = 0.0) -> None:
        """Stop after the formula under way; wait up to ``timeout`` seconds for the thread."""
        self._stop.set()
        thread = self._thread
        if timeout > 0 and thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    # -- the thread ------------------------------------------------------------------------
    def _work(self) -> None:
        if not self.loaded.is_set():
            try:
                formulas.warm([("x", False)], self.size)  # imports the typesetter
            finally:  # even a broken typesetter must not leave the page waiting
                self.loaded.set()
                self._tell(READY)
        worked_through = False
        while not self._stop.is_set():
            with self._lock:
                if self._urgent:
                    item, urgent = self._urgent.popleft(), True
                elif self._later is not None:
                    later, self._later = self._later, None
                    self.everything = list(dict.fromkeys(later()))
                    self._queue.extend(self.everything)
                    worked_through = False
                    continue
                elif self._queue:
                    item, urgent = self._queue.popleft(), False
                else:
                    break
            formulas.warm([item], self.size)
            time.sleep(YIELD_SECONDS)
            worked_through = worked_through or not urgent
            if urgent:
                with self._lock:
                    self._urgent_left -= 1
                    if not self._urgent_left:
                        self._news.add(READY)
        if worked_through and self.everything and not self._stop.is_set():
            self._tell(ALL_TYPESET)

    def _tell(self, news: str) -> None:
        with self._lock:
            self._news.add(news)


@atexit.register
def stop_all() -> None:
    """Stop every queue and wait briefly for its thread (at exit: no thread may still be
    typesetting while the interpreter is taken down)."""
    queues = list(_queues)
    for queue in queues:
        queue.stop()
    for queue in queues:
        queue.stop(timeout=2.0)
