"""The search box above the topic tree: results as you type, matches in bold, Enter opens.

While the box holds a query, a result list takes the tree's place; Esc or an empty box brings
the tree back. The search module is imported and its index built the first time the box is
used, so start-up pays for neither. Opening a result highlights the query's words in the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QStackedWidget, QVBoxLayout, QWidget

from explorer.core.i18n import tr
from explorer.core.state import ExplorerState

if TYPE_CHECKING:
    from explorer.core import search

RESULTS_SHOWN = 30


class SearchPanel(QWidget):
    """A query field over a stack of the topic tree and the result list."""

    opened = Signal(str, list)  # topic id, words to highlight

    def __init__(self, state: ExplorerState, tree: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.index: search.SearchIndex | None = None
        self.hits: list[search.Hit] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.field = QLineEdit(objectName="search")
        self.field.textChanged.connect(self._query_changed)
        self.field.returnPressed.connect(self.open_current)
        self.field.installEventFilter(self)
        self.results = QListWidget(objectName="search-results")
        self.results.setWordWrap(True)
        self.results.itemActivated.connect(lambda _item: self.open_current())
        self.results.itemClicked.connect(lambda _item: self.open_current())
        self.results.installEventFilter(self)
        self.empty = QLabel(objectName="search-empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(tree)
        self.stack.addWidget(self.results)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.field)
        layout.addWidget(self.stack, 1)
        self.tree = tree
        state.subscribe(self._state_changed)
        self.retranslate()

    def add_clear_button(self) -> None:
        """The field's clear button, which shows once something is typed. The window adds it after
        its first paint: making the button's icon took 4 ms before it."""
        self.field.setClearButtonEnabled(True)

    # -- index and query --------------------------------------------------------------------
    def ensure_index(self) -> search.SearchIndex:
        from explorer.core import search

        if self.index is None:
            self.index = search.SearchIndex.build(self.state.tree)
        return self.index

    def focus(self) -> None:
        """Ctrl+F / Ctrl+K: put the cursor in the box with its text selected."""
        self.ensure_index()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def _query_changed(self, text: str) -> None:
        from explorer.core import search

        query = text.strip()
        if not query:
            self.hits = []
            self.stack.setCurrentWidget(self.tree)
            return
        hits = self.ensure_index().search(query, limit=RESULTS_SHOWN * 2)
        self.hits = search.one_per_topic(hits, self.state.lang)[:RESULTS_SHOWN]
        self._fill()

    def _fill(self) -> None:
        from explorer.core import search

        self.results.clear()
        if not self.hits:
            self.empty.setText(tr("search.none", self.state.lang, query=self.field.text().strip()))
            self.stack.setCurrentWidget(self.empty)
            return
        for hit in self.hits:
            item = QListWidgetItem(self.results)
            label = QLabel(_hit_html(hit, self.state))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setContentsMargins(4, 3, 4, 3)
            item.setSizeHint(label.sizeHint())
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{hit.title}: {search.unmarked(hit.snippet)}")
            self.results.setItemWidget(item, label)
        self.results.setCurrentRow(0)
        self.stack.setCurrentWidget(self.results)

    def open_current(self) -> None:
        from explorer.core import search

        row = self.results.currentRow()
        if not self.hits or row < 0:
            return
        hit = self.hits[row]
        words = search.query_words(self.field.text())
        self.state.go(hit.id)
        self.opened.emit(hit.id, words)

    def close_results(self) -> None:
        self.field.clear()
        self.stack.setCurrentWidget(self.tree)

    # -- keys -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if key == Qt.Key.Key_Escape and (self.field.text() or watched is self.results):
            self.close_results()
            self.field.setFocus()
            return True
        if watched is self.field and key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.hits:
            step = 1 if key == Qt.Key.Key_Down else -1
            self.results.setCurrentRow(max(0, min(len(self.hits) - 1, self.results.currentRow() + step)))
            return True
        return False

    # -- language ---------------------------------------------------------------------------
    def _state_changed(self, change: str) -> None:
        if change == "lang":
            self.retranslate()
            if self.field.text().strip():
                self._query_changed(self.field.text())

    def retranslate(self) -> None:
        lang = self.state.lang
        self.field.setPlaceholderText(tr("search.placeholder", lang))
        self.field.setAccessibleName(tr("search.name", lang))
        self.results.setAccessibleName(tr("search.results", lang))


def _hit_html(hit: search.Hit, state: ExplorerState) -> str:
    from explorer.core import search

    title = state.tree.get(hit.id).title(state.lang)
    heading = f" · {search.snippet_html(hit.heading)}" if hit.heading else ""
    other = "" if hit.lang == state.lang else f" <i>({tr(f'search.lang.{hit.lang}', state.lang)})</i>"
    snippet = search.snippet_html(hit.snippet)
    return f"<b>{search.snippet_html(title)}</b>{heading}{other}<br><small>{snippet}</small>"
