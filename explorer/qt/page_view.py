"""The topic page: rendered Markdown in a QTextBrowser that routes the explorer's own links.

``topic:ID`` navigates, ``demo:ID?k=v`` sets the demo's parameters, ``answer:N`` shows or hides
a self-check answer, and http(s) links open in the system browser only when clicked. Resources
(images) load only from inside the topic's own folder: a page never reads other files or the
network.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from explorer.core.content import parse_demo_target
from explorer.core.frontmatter import MAX_IMAGE_BYTES
from explorer.core.i18n import tr
from explorer.core.render import render_topic
from explorer.core.selfcheck import SCHEMES as SELFCHECK_SCHEMES
from explorer.core.selfcheck import SelfCheck
from explorer.core.state import ExplorerState
from explorer.qt.formula_images import FormulaImages
from explorer.qt.theme import current_theme, page_css, ui_font

BASE_POINT_SIZE = 12.0


class PageView(QTextBrowser):
    """Shows the current topic's page and follows the state."""

    demo_link_clicked = Signal(str, dict)  # demo id, parameters
    status_message = Signal(str)
    first_painted = Signal()

    def __init__(self, state: ExplorerState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setObjectName("page")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.zoom = 1.0
        self.selfcheck = SelfCheck()
        self._painted = False
        self._folder: Path | None = None
        self.formula_images = FormulaImages(self)
        self.formula_images.ready.connect(self._formulas_ready)
        self.document().setDefaultStyleSheet(page_css())
        self.formula_images.set_ink(current_theme().foreground)
        self.anchorClicked.connect(self._link_clicked)
        state.subscribe(self._state_changed)
        self.set_zoom(1.0)

    def paintEvent(self, event) -> None:
        # A scroll area's paint handler paints its viewport. Not an event filter on the viewport:
        # asking for viewport() made Qt's Python bindings build a hundred classes' types first
        # (10 ms before the first paint, measured here). Told as the paint begins, as the
        # benchmark's bare window tells its own (what follows is queued, so it runs after).
        if not self._painted:
            self._painted = True
            self.first_painted.emit()
        super().paintEvent(event)

    def _state_changed(self, change: str) -> None:
        if change == "topic":
            self.setExtraSelections([])
            self.selfcheck.clear()
            self.show_topic(keep_scroll=False)
        elif change == "lang":
            self.show_topic(keep_scroll=False)

    def show_topic(self, keep_scroll: bool = False) -> None:
        """Render the current topic in the current language."""
        if self.state.topic_id is None:
            self._show_no_content()
            return
        topic = self.state.tree.get(self.state.topic_id)
        self._folder = topic.folder.resolve()
        position = self.verticalScrollBar().value()
        self.setHtml(render_topic(topic, self.state.lang, self.state.tree, self.selfcheck))
        if keep_scroll:
            self.verticalScrollBar().setValue(position)

    def _show_no_content(self) -> None:
        """In place of a page when no topic could be loaded (the built-in pages are missing)."""
        self._folder = None
        if len(self.state.tree):
            self.clear()
            return
        from explorer.core.resources import builtin_topics_dir

        lang = self.state.lang
        self.setHtml(f"<h1>{html.escape(tr('page.no_content.title', lang))}</h1>"
                     f"<p>{html.escape(tr('page.no_content.text', lang, folder=builtin_topics_dir()))}</p>")

    def _formulas_ready(self) -> None:
        """The typesetter has loaded: lay the page out again with its formulas drawn."""
        self.show_topic(keep_scroll=True)

    def highlight(self, words: list[str]) -> None:
        """Mark every occurrence of ``words`` (a search's terms) and scroll to the first one."""
        from PySide6.QtGui import QTextCharFormat, QTextCursor  # after the first paint: see app.py

        selections = []
        mark = QTextCharFormat()
        mark.setBackground(QColor(current_theme().mark))
        first = None
        for word in words:
            cursor = self.document().find(word)
            while not cursor.isNull():
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format = mark
                selections.append(selection)
                if first is None or cursor.position() < first.position():
                    first = QTextCursor(cursor)
                cursor = self.document().find(word, cursor)
        self.setExtraSelections(selections)
        if first is not None:
            first.clearSelection()
            self.setTextCursor(first)
            self.ensureCursorVisible()

    def apply_theme(self) -> None:
        """Re-render the page in the current theme's colours (CSS and formula ink)."""
        self.document().setDefaultStyleSheet(page_css())
        self.formula_images.set_ink(current_theme().foreground)
        self.show_topic(keep_scroll=True)

    def set_zoom(self, factor: float) -> None:
        self.zoom = factor
        self.document().setDefaultFont(ui_font(BASE_POINT_SIZE * factor))
        self.show_topic(keep_scroll=True)

    def loadResource(self, kind: int, url: QUrl):
        """Serve formulas, and images that lie inside the topic's folder; nothing from the network."""
        if kind != QTextDocument.ResourceType.ImageResource or self._folder is None:
            return None
        if url.scheme() == "formula":
            font = self.document().defaultFont()
            return self.formula_images.image(url.path(), font.pointSizeF() * self.logicalDpiY() / 72,
                                             max(2.0, self.devicePixelRatioF() * 2))
        if url.scheme() not in ("", "file") or url.host():
            return None
        path = (self._folder / url.path()).resolve()
        if not path.is_relative_to(self._folder) or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
            return None
        return super().loadResource(kind, QUrl.fromLocalFile(str(path)))

    def _link_clicked(self, url: QUrl) -> None:
        scheme = url.scheme()
        if scheme == "topic":
            target = url.path()
            if target in self.state.tree:
                self.state.go(target)
                if url.fragment():
                    self.scrollToAnchor(url.fragment())
            else:
                self.status_message.emit(f"topic:{target}")
        elif scheme == "demo":
            demo_id, params = parse_demo_target(f"{url.path()}?{url.query()}")
            self.demo_link_clicked.emit(demo_id, params)
        elif scheme in SELFCHECK_SCHEMES:
            if self.selfcheck.follow(scheme, url.path()):
                self.show_topic(keep_scroll=True)
        elif scheme in ("http", "https", "mailto"):
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)
            self.status_message.emit(url.toString())
        elif not scheme and url.fragment():
            self.scrollToAnchor(url.fragment())
