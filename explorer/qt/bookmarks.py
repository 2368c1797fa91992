"""Bookmarks: topics a student marks with Ctrl+D, listed in Go → Bookmarks, kept in the settings."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from explorer.core.i18n import tr
from explorer.core.state import ExplorerState

SETTINGS_KEY = "bookmarks/topics"


class Bookmarks(QObject):
    """An ordered list of topic ids, with a menu that follows it and the language."""

    changed = Signal()

    def __init__(self, state: ExplorerState, menu: QMenu, settings=None):
        super().__init__(menu)
        self.state = state
        self.menu = menu
        self.settings = settings
        self.ids: list[str] = self._load()
        self.changed.connect(self.fill_menu)

    def _load(self) -> list[str]:
        if self.settings is None:
            return []
        raw = self.settings.value(SETTINGS_KEY)
        values = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) and raw else []
        return [value for value in dict.fromkeys(values) if isinstance(value, str) and value in self.state.tree]

    def save(self) -> None:
        if self.settings is not None:
            self.settings.setValue(SETTINGS_KEY, list(self.ids))

    def toggle(self, topic_id: str | None = None) -> bool:
        """Add the topic (the current one by default), or remove it if it is there; True if added."""
        topic_id = topic_id or self.state.topic_id
        if topic_id is None:
            return False
        added = topic_id not in self.ids
        if added:
            self.ids.append(topic_id)
        else:
            self.ids.remove(topic_id)
        self.save()
        self.changed.emit()
        return added

    def clear(self) -> None:
        self.ids.clear()
        self.save()
        self.changed.emit()

    def fill_menu(self) -> None:
        lang = self.state.lang
        self.menu.setTitle(tr("menu.bookmarks", lang))
        self.menu.clear()
        if not self.ids:
            empty = QAction(tr("bookmarks.none", lang), self.menu)
            empty.setEnabled(False)
            self.menu.addAction(empty)
            return
        for topic_id in self.ids:
            action = QAction(self.state.tree.get(topic_id).title(lang), self.menu)
            action.setObjectName(f"bookmark-{topic_id}")
            action.triggered.connect(lambda _checked=False, topic_id=topic_id: self.state.go(topic_id))
            self.menu.addAction(action)
        self.menu.addSeparator()
        clear = QAction(tr("bookmarks.clear", lang), self.menu)
        clear.triggered.connect(self.clear)
        self.menu.addAction(clear)
