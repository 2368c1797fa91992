"""Work done ahead in the event loop's idle time, one small step at a time.

A step is one ``next()`` of a generator the queue was given (rendering one page, say). Steps run
from a zero-interval timer, so input and painting that are waiting go first, and a step that
raises ends its generator without stopping the others: work done ahead is never worth an error
in front of a class.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Iterator

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)


class IdleQueue(QObject):
    """Runs generators a step per idle moment, in the order they were added."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._work: deque[Iterator[object]] = deque()
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._step)

    @property
    def busy(self) -> bool:
        return bool(self._work)

    def add(self, steps: Iterator[object]) -> None:
        """Run ``steps`` (an iterator; each ``next`` is one step) after the work already queued."""
        self._work.append(steps)
        self._timer.start()

    def _step(self) -> None:
        if not self._work:
            self._timer.stop()
            return
        try:
            next(self._work[0])
        except StopIteration:
            self._work.popleft()
        except Exception:  # noqa: BLE001 - see the module docstring
            log.exception("work done ahead failed; the rest goes on")
            self._work.popleft()
        if not self._work:
            self._timer.stop()
