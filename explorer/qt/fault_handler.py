"""Unexpected errors: written to a rotating log file, told once in a dialog, and the app goes on.

``sys.excepthook`` sees every exception a slot, a timer or an event handler lets escape (PySide
hands them to it and carries on); ``threading.excepthook`` sees those of worker threads, which
are passed to the window's thread by a queued signal, so no widget is touched from a worker.
An error that passed through a demo's code resets that demo to its defaults, so a broken frame
does not repeat at sixty frames a second. The same error again is counted in the log, not shown.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import QWidget

from explorer.core.i18n import tr

ENV_VAR = "CONCEPT_EXPLORER_LOG_DIR"
LOG_NAME = "concept-explorer.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
DEMO_CODE = (os.path.join("explorer", "qt", "demos"), os.path.join("explorer", "core", "sims"))


def log_dir() -> Path:
    """``CONCEPT_EXPLORER_LOG_DIR``, else the user's application data folder."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def _logger(folder: Path) -> logging.Logger:
    import logging.handlers  # only once something has gone wrong: it costs start-up time

    logger = logging.getLogger("explorer.faults")
    logger.propagate = False
    file = folder / LOG_NAME
    if not any(getattr(handler, "baseFilename", None) == str(file) for handler in logger.handlers):
        close_log()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(file, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return logger


def close_log() -> None:
    """Close the log file (it is opened again at the next error)."""
    logger = logging.getLogger("explorer.faults")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


class FaultHandler(QObject):
    """Installs the exception hooks for a window: log, tell once, reset the demo, keep running."""

    reported = Signal(str)  # the text of a dialog that was (or, without dialogs, would have been) shown
    _from_thread = Signal(str, str, str, str, bool)

    def __init__(self, window, show_dialogs: bool = True, folder: Path | None = None):
        super().__init__(window)
        self.window = window
        self.show_dialogs = show_dialogs
        self.folder = folder or log_dir()
        self.log_file = self.folder / LOG_NAME
        self.counts: dict[tuple[str, str, str], int] = {}
        self.dialog: QWidget | None = None  # the message box on show
        self._previous: tuple[Callable, Callable] | None = None
        self._from_thread.connect(self._report, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self._main_thread_hook
            threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None
        close_log()

    # -- the hooks ----------------------------------------------------------------------------
    def _main_thread_hook(self, kind, value, trace) -> None:
        if issubclass(kind, KeyboardInterrupt) and self._previous is not None:
            self._previous[0](kind, value, trace)
            return
        report = _describe(kind, value, trace)
        if threading.current_thread() is threading.main_thread():
            self._report(*report)
        else:  # sys.excepthook called from a worker: hand over to the window's thread
            self._from_thread.emit(*report)

    def _thread_hook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        self._from_thread.emit(*_describe(args.exc_type, args.exc_value, args.exc_traceback, thread=name))

    # -- in the window's thread ---------------------------------------------------------------
    def _report(self, text: str, kind: str, message: str, where: str, in_demo: bool) -> None:
        key = (kind, message, where)
        count = self.counts.get(key, 0) + 1
        self.counts[key] = count
        state = self.window.state
        context = f"topic={state.topic_id} demo={self.window.demo_panel.demo_id} lang={state.lang}"
        try:
            logger = _logger(self.folder)
            if count == 1:
                logger.error("%s\n%s", context, text.rstrip())
            elif count & (count - 1) == 0:  # 2, 4, 8, …: a repeating error leaves a trace, not a flood
                logger.error("the same error again (%d times so far): %s: %s at %s", count, kind, message, where)
        except OSError:
            pass  # a log that cannot be written must not add a second error
        if in_demo and self.window.demo_panel.demo is not None:
            QTimer.singleShot(0, self.window.demo_panel.recover)  # not inside the failing call
        if count == 1:
            self._tell(kind, message, in_demo)

    def _tell(self, kind: str, message: str, demo_reset: bool) -> None:
        lang = self.window.state.lang
        panel = self.window.demo_panel
        entry = panel.registry.get(panel.demo_id) if panel.registry and panel.demo_id else None
        if demo_reset:
            where = tr("fault.in_demo", lang, demo=tr(entry.title_key, lang) if entry else panel.demo_id)
        else:
            topic_id = self.window.state.topic_id
            title = self.window.state.tree.get(topic_id).title(lang) if topic_id in self.window.state.tree else ""
            where = tr("fault.in_topic", lang, topic=title)
        text = tr("fault.text", lang, where=where, error=f"{kind}: {message}",
                  reset=tr("fault.demo_reset", lang) if demo_reset else "").strip()
        details = tr("fault.log", lang, path=str(self.log_file))
        self.reported.emit(f"{text}\n{details}")
        if not self.show_dialogs:
            return
        if self.dialog is not None:
            self.dialog.close()
        from PySide6.QtGui import QDesktopServices  # imported when needed: not before the first paint
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, tr("fault.title", lang), text, parent=self.window)
        box.setInformativeText(details)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        open_folder = box.addButton(tr("fault.open_folder", lang), QMessageBox.ButtonRole.ActionRole)
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder))))
        box.addButton(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._dialog_closed)
        self.dialog = box
        box.show()

    def _dialog_closed(self, *_) -> None:
        self.dialog = None


def _describe(kind, value, trace, thread: str | None = None) -> tuple[str, str, str, str, bool]:
    """(traceback text, type name, message, innermost file:line, whether it passed through a demo)."""
    frames = traceback.extract_tb(trace)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    text = "".join(traceback.format_exception(kind, value, trace))
    if thread:
        text = f"in thread {thread}\n{text}"
    in_demo = any(part in frame.filename for frame in frames for part in DEMO_CODE)
    return text, kind.__name__, str(value), where, in_demo


def install(window: QWidget, show_dialogs: bool = True) -> FaultHandler:
    """Install a :class:`FaultHandler` for ``window`` and return it."""
    handler = FaultHandler(window, show_dialogs)
    handler.install()
    return handler
