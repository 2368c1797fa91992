"""An orderly end: background typesetting stopped and every window deleted before Python exits.

Left to the interpreter's own teardown, Qt objects die in whatever order Python's garbage goes,
some after the QApplication they belong to, and PySide can crash on the way out (pyqtgraph's
own notes say the same). Deleting the windows while the application still exists avoids that.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from explorer.core import typeset_queue


def tear_down() -> None:
    """Stop background work, then close and delete every top-level widget."""
    typeset_queue.stop_all()
    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    # Only the deletions: processing other events now would run timers queued for the
    # windows just deleted (a start-up step due after the first paint, say).
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if "pyqtgraph" in sys.modules:
        sys.modules["pyqtgraph"].cleanup()  # tells its views not to unregister one by one
    gc.collect()
