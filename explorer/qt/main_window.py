"""The main window: topic tree | page | demo, menus, and what is remembered between runs."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from explorer import __version__
from explorer.core.content import ContentSet
from explorer.core.i18n import LANGUAGE_NAMES, tr
from explorer.core.state import ExplorerState
from explorer.core.topics import LANGUAGES
from explorer.qt.accessibility import name_widgets
from explorer.qt.bookmarks import Bookmarks
from explorer.qt.demo_panel import DemoPanel
from explorer.qt.idle_queue import IdleQueue
from explorer.qt.page_view import PageView
from explorer.qt.presenter import LessonBar
from explorer.qt.qt_translations import use_qt_language
from explorer.qt.search_box import SearchPanel
from explorer.qt.settings import load_demo_memory, save_demo_memory
from explorer.qt.theme import THEME_CHOICES, apply_theme, current_theme, resolve_theme, zoomed_font
from explorer.qt.topic_tree import TopicTreeView

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

# Dialogs (QMessageBox, the shortcuts table) are imported where they open: making their Python
# types, and QStyle's behind them, costs milliseconds that the first paint should not wait for.

ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0)
DEFAULT_SIZE = (1280, 800)
PRESENTATION_BASE_HEIGHT = 800  # presentation text grows with the screen beyond this height


def _set_start_up_objects_aside():
    """Python's full garbage collection looks at every object there is, and the window's own
    (modules, content, widgets, pages: some 80 000) made each one stop the window for 50–60 ms.
    Collected once here, in idle time after start-up, and set aside as permanent (``gc.freeze``),
    they are not looked at again: later collections see only what is newer. Once per process:
    a window opened later (tests open hundreds) is collected as usual when it goes."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
    yield


class MainWindow(QMainWindow):
    """The explorer's one window, following one :class:`ExplorerState`."""

    ready = Signal()  # the first paint has happened and the demo is built

    def __init__(self, state: ExplorerState, content: ContentSet, settings=None, parent: QWidget | None = None,
                 theme_choice: str = "auto"):
        super().__init__(parent)
        self.state = state
        self.content = content
        self.settings = settings
        self.zoom = 1.0
        self.theme_choice = theme_choice  # as chosen: "auto" follows the system
        self.presenting = False
        self.presentation_scale = 1.0
        self.demo_memory: dict[str, dict] = load_demo_memory(settings)
        self.idle_work = IdleQueue(self)
        self._started = False
        self._painted = False  # accessible names wait for the first paint (_finish_after_first_paint)
        self._before_presenting: dict = {}
        self.setObjectName("main-window")
        self.resize(*DEFAULT_SIZE)
        self.tree_view = TopicTreeView(state)
        self.page = PageView(state)
        self.lesson_bar = LessonBar(state)
        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.lesson_bar)
        column.addWidget(self.page, 1)
        self.demo_panel = DemoPanel(state)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("splitter")
        self.search_panel = SearchPanel(state, self.tree_view)
        self.search_panel.opened.connect(lambda _topic, words: self.page.highlight(words))
        for widget in (self.search_panel, middle, self.demo_panel):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([230, 500, 550])
        self.setCentralWidget(self.splitter)
        # Tab goes search → tree → page → lesson bar → demo, left to right as they are on screen.
        QWidget.setTabOrder(self.search_panel.field, self.tree_view)
        QWidget.setTabOrder(self.tree_view, self.page)
        QWidget.setTabOrder(self.page, self.lesson_bar)
        QWidget.setTabOrder(self.lesson_bar, self.demo_panel)
        self._build_actions()
        self._build_menus()
        self.page.demo_link_clicked.connect(self._demo_link)
        self.page.status_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.page.first_painted.connect(self._first_painted)
        self.demo_panel.demo_ready.connect(self.ready)
        self.ready.connect(lambda: QTimer.singleShot(0, self._after_ready), Qt.ConnectionType.SingleShotConnection)
        self.lesson_bar.step_run.connect(self.demo_panel.replay)
        self.demo_panel.copy_link_requested.connect(self.copy_link)
        self.demo_panel.export_requested.connect(self.export_plot)
        state.subscribe(self._state_changed)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_colours_changed)
        self.retranslate()

    # -- start-up -------------------------------------------------------------------------
    def _first_painted(self) -> None:
        if self.focusWidget() in (None, self.search_panel.field):
            self.page.setFocus()  # arrow and clicker keys go to the page, not the empty search box
        QTimer.singleShot(0, self._finish_after_first_paint)
        QTimer.singleShot(0, self.demo_panel.activate)
        QTimer.singleShot(0, self._warm_formulas)

    def _finish_after_first_paint(self) -> None:
        """What nobody sees in the first frame, done right after it: naming every widget for
        screen readers walked them all, and the search field's clear button (shown once something
        is typed) made its icon; the two took 8 ms before the first paint."""
        self._painted = True
        name_widgets(self, self.state.lang)
        self.search_panel.add_clear_button()

    def _after_ready(self) -> None:
        """Once the window is ready: load Markdown, so that the first page not yet in the
        rendered-page cache does not pay for the import (a start-up that found its page there never
        loaded it), give the local language model the pages already loaded (numpy, which it needs,
        is loaded by now with the demos), and start the work done ahead in idle time."""
        import explorer.core.markdown_render  # noqa: F401
        from explorer.core import ngram, render

        ngram.use_content(self.content)
        # Every page rendered ahead in idle time, this language first: the first visit to a page
        # then only lays it out (a formula-heavy page's Markdown alone is 10–20 ms).
        others = [lang for lang in LANGUAGES if lang != self.state.lang]
        self.idle_work.add(render.render_ahead(self.state.tree, [self.state.lang, *others]))
        # The local language model too (about 0.2 s), which the pipeline and self-consistency
        # demos would otherwise train the first time they are asked to write.
        self.idle_work.add(ngram.train_ahead(self.state.lang))
        self.idle_work.add(_set_start_up_objects_aside())
        self._started = True

    @property
    def warming_up(self) -> bool:
        """True until start-up's work ahead (formulas typeset and drawn, pages rendered) is done."""
        return not self._started or self.page.formula_images.busy or self.idle_work.busy

    def _warm_formulas(self) -> None:
        """Typeset every page's formulas in the background, so no page waits for them."""
        files = list(self.content.files)

        def every_formula():
            for file in files:
                for latex, display, _line in file.formulas():
                    yield latex.strip(), display

        self.page.formula_images.warm(later=every_formula)

    def restore(self) -> None:
        """Restore geometry, splitter sizes and zoom from the settings."""
        if self.settings is None:
            return
        from explorer.qt.settings import read_float

        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        zoom = read_float(self.settings, "view/zoom", ZOOM_STEPS[0], ZOOM_STEPS[-1])
        if zoom:
            self.set_zoom(zoom)


    def closeEvent(self, event: QCloseEvent) -> None:
        self.save()
        self.demo_panel.close_demo()
        super().closeEvent(event)

    def save(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("view/zoom", self.zoom)
        self.settings.setValue("view/theme", self.theme_choice)
        save_demo_memory(self.settings, self.demo_memory)
        self.settings.setValue("view/lang", self.state.lang)
        if self.state.topic_id:
            self.settings.setValue("topic/last", self.state.topic_id)
        self.settings.sync()

    # -- actions and menus ----------------------------------------------------------------
    def _action(self, key: str, slot, shortcuts=()) -> QAction:
        action = QAction(self)
        action.setObjectName(key)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions_by_key[key] = action
        return action

    def _build_actions(self) -> None:
        self.actions_by_key: dict[str, QAction] = {}
        self._action("action.search", self.focus_search, ["Ctrl+F", "Ctrl+K"])
        self._action("action.back", self.state.back, ["Alt+Left"])
        self._action("action.forward", self.state.forward, ["Alt+Right"])
        self._action("action.previous_topic", self.state.go_previous, ["Ctrl+PgUp"])
        self._action("action.next_topic", self.state.go_next, ["Ctrl+PgDown"])
        self._action("action.zoom_in", lambda: self.step_zoom(+1), ["Ctrl+=", "Ctrl++"])
        self._action("action.zoom_out", lambda: self.step_zoom(-1), ["Ctrl+-"])
        self._action("action.zoom_reset", lambda: self.set_zoom(1.0), ["Ctrl+0"])
        full = self._action("action.full_screen", self.toggle_full_screen, ["F11"])
        full.setCheckable(True)
        present = self._action("action.present", self.toggle_presenting, ["F5"])
        present.setCheckable(True)
        leave = self._action("action.leave_presentation", lambda: self.set_presenting(False), ["Esc"])
        leave.setEnabled(False)
        topics = self._action("action.show_topics", self.toggle_topics, ["F6"])
        topics.setCheckable(True)
        topics.setChecked(True)
        self._action("action.copy_link", self.copy_link, ["Ctrl+Shift+C"])
        self._action("action.handout", self.export_handout, ["Ctrl+P"])
        self._action("action.export_plot", lambda: self.export_plot("png"))
        self._action("action.content_problems", self.show_problems)
        self._action("action.quit", self.close, ["Ctrl+Q"])
        self._action("action.about", self.show_about)
        self._action("action.shortcuts", self.show_shortcuts, ["F1", "?"])
        self._action("action.bookmark", self.toggle_bookmark, ["Ctrl+D"])
        self._action("action.reset_settings", self.reset_settings)
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for name in THEME_CHOICES:
            action = QAction(self, checkable=True)
            action.setObjectName(f"theme-{name}")
            action.triggered.connect(lambda _checked=False, name=name: self.set_theme(name))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.language_group = QActionGroup(self)
        self.language_actions = {}
        for lang in LANGUAGES:
            action = QAction(LANGUAGE_NAMES[lang], self, checkable=True)
            action.setObjectName(f"language-{lang}")
            action.triggered.connect(lambda _checked=False, lang=lang: self.state.set_lang(lang))
            self.language_group.addAction(action)
            self.language_actions[lang] = action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        a = self.actions_by_key
        self.menus = {
            "menu.file": bar.addMenu(""),
            "menu.go": bar.addMenu(""),
            "menu.view": bar.addMenu(""),
            "menu.help": bar.addMenu(""),
        }
        self.menus["menu.file"].addActions([a["action.copy_link"], a["action.handout"], a["action.export_plot"]])
        self.menus["menu.file"].addSeparator()
        self.menus["menu.file"].addAction(a["action.content_problems"])
        self.menus["menu.file"].addSeparator()
        self.menus["menu.file"].addAction(a["action.quit"])
        self.menus["menu.go"].addAction(a["action.search"])
        self.menus["menu.go"].addActions([a["action.back"], a["action.forward"]])
        self.menus["menu.go"].addSeparator()
        self.menus["menu.go"].addActions([a["action.previous_topic"], a["action.next_topic"]])
        self.menus["menu.go"].addSeparator()
        self.menus["menu.go"].addAction(a["action.bookmark"])
        self.bookmarks = Bookmarks(self.state, self.menus["menu.go"].addMenu(""), self.settings)
        view = self.menus["menu.view"]
        view.addActions([a["action.zoom_in"], a["action.zoom_out"], a["action.zoom_reset"]])
        view.addSeparator()
        view.addActions([a["action.present"], a["action.full_screen"], a["action.show_topics"]])
        view.addSeparator()
        self.theme_menu = view.addMenu("")
        self.theme_menu.addActions(list(self.theme_actions.values()))
        self.language_menu = view.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))
        view.addSeparator()
        view.addAction(a["action.reset_settings"])
        self.menus["menu.help"].addActions([a["action.shortcuts"], a["action.about"]])

    def retranslate(self) -> None:
        lang = self.state.lang
        use_qt_language(lang)
        for key, menu in self.menus.items():
            menu.setTitle(tr(key, lang))
        for key, action in self.actions_by_key.items():
            action.setText(tr(key, lang))
        self.language_menu.setTitle(tr("menu.language", lang))
        self.language_actions[lang].setChecked(True)
        self.theme_menu.setTitle(tr("menu.theme", lang))
        for name, action in self.theme_actions.items():
            action.setText(tr(f"theme.{name}", lang))
        self.theme_actions[self.theme_choice].setChecked(True)
        self.bookmarks.fill_menu()
        self._update_title()
        if self._painted:
            name_widgets(self, lang)
        self._update_history_actions()

    def _update_title(self) -> None:
        name = tr("app.name", self.state.lang)
        if self.state.topic_id:
            self.setWindowTitle(f"{self.state.tree.get(self.state.topic_id).title(self.state.lang)} — {name}")
        else:
            self.setWindowTitle(name)

    def _update_history_actions(self) -> None:
        a = self.actions_by_key
        a["action.back"].setEnabled(self.state.can_go_back)
        a["action.forward"].setEnabled(self.state.can_go_forward)
        current = self.state.topic_id
        a["action.previous_topic"].setEnabled(bool(current and self.state.tree.previous_id(current)))
        a["action.next_topic"].setEnabled(bool(current and self.state.tree.next_id(current)))

    def _state_changed(self, change: str) -> None:
        if change == "lang":
            self.retranslate()
        elif change == "topic":
            self._update_title()
            self._update_history_actions()
            self._recall_demo_params()
        elif change == "params":
            demo = self._current_demo_id()
            if demo is not None:
                self.demo_memory[demo] = dict(self.state.params)

    def _current_demo_id(self) -> str | None:
        return self.state.tree.get(self.state.topic_id).demo if self.state.topic_id else None

    def _recall_demo_params(self) -> None:
        """A topic opened without parameters shows its demo as it was left last time."""
        demo = self._current_demo_id()
        if self.settings is not None and demo and not self.state.params and self.demo_memory.get(demo):
            self.state.set_params(self.demo_memory[demo], replace=True)

    # -- commands -------------------------------------------------------------------------
    def _demo_link(self, demo_id: str, params: dict) -> None:
        if not self.demo_panel.apply_link(demo_id, params):
            self.statusBar().showMessage(tr("demo.unavailable", self.state.lang, demo=demo_id), 5000)

    def set_theme(self, choice: str) -> None:
        """Switch the window, page and plots to a theme ("auto" follows the system) at run time."""
        self.theme_choice = choice if choice in THEME_CHOICES else "auto"
        self.theme_actions[self.theme_choice].setChecked(True)
        theme = resolve_theme(self.theme_choice)
        changed = theme != current_theme()
        apply_theme(theme)
        if changed:
            self.page.apply_theme()
            self.lesson_bar.apply_theme()
            self.demo_panel.rebuild()
            self.set_zoom(self.zoom)  # the projector theme enlarges everything

    def _system_colours_changed(self, *_args) -> None:
        if self.theme_choice == "auto":
            self.set_theme("auto")

    def step_zoom(self, direction: int) -> None:
        steps = list(ZOOM_STEPS)
        nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - self.zoom))
        self.set_zoom(steps[max(0, min(len(steps) - 1, nearest + direction))])

    def set_zoom(self, factor: float) -> None:
        """Zoom the page, the demo (its plots too) and the tree; the theme's scale comes on top."""
        self.zoom = factor
        effective = factor * current_theme().scale * self.presentation_scale
        self.page.set_zoom(effective)
        self.demo_panel.set_zoom(effective)
        self.search_panel.setFont(zoomed_font(effective))
        self.lesson_bar.setFont(zoomed_font(effective))

    def toggle_presenting(self) -> None:
        self.set_presenting(not self.presenting)

    def set_presenting(self, on: bool) -> None:
        """Presentation mode: full screen, no tree or menu bar, larger text, clicker keys walk on.

        Page Down / Page Up / Space / arrows step through the lesson and then the topics in
        reading order; F6 brings the tree back; Esc (or F5) leaves and restores the window.
        """
        if on == self.presenting:
            return
        a = self.actions_by_key
        self.presenting = on
        self.lesson_bar.presenting = on
        a["action.present"].setChecked(on)
        a["action.leave_presentation"].setEnabled(on)
        if on:
            self._before_presenting = {"full": self.isFullScreen(), "tree": self.search_panel.isVisible()}
            self.menuBar().hide()
            self.statusBar().hide()
            self.set_topics_visible(False)
            self.showFullScreen()
            self.page.setFocus()
        else:
            before = self._before_presenting
            self.menuBar().show()
            self.statusBar().show()
            self.set_topics_visible(before.get("tree", True))
            if not before.get("full", False):
                self.showNormal()
        a["action.full_screen"].setChecked(self.isFullScreen())
        if not self._fit_presentation_scale():
            self.set_zoom(self.zoom)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.presenting:
            self._fit_presentation_scale()

    def _fit_presentation_scale(self) -> bool:
        """Text grows with the window while presenting; True if the zoom was applied again. Only
        up to the screen's height: larger text makes the window's minimum size larger, and a
        window pushed past the screen by it would make the text larger still, without end."""
        height = self.height()
        if self.screen() is not None:
            height = min(height, self.screen().geometry().height())
        scale = round(max(1.0, height / PRESENTATION_BASE_HEIGHT), 2) if self.presenting else 1.0
        if scale == self.presentation_scale:
            return False
        self.presentation_scale = scale
        self.set_zoom(self.zoom)
        return True

    def focus_search(self) -> None:
        if not self.search_panel.isVisible():
            self.set_topics_visible(True)
        self.search_panel.focus()

    def toggle_topics(self) -> None:
        self.set_topics_visible(not self.search_panel.isVisible())

    def set_topics_visible(self, visible: bool) -> None:
        self.search_panel.setVisible(visible)
        self.actions_by_key["action.show_topics"].setChecked(visible)

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()
        self.actions_by_key["action.full_screen"].setChecked(self.isFullScreen())

    def copy_link(self) -> None:
        link = self.state.deep_link()
        QGuiApplication.clipboard().setText(link)
        self.statusBar().showMessage(tr("status.copied", self.state.lang, url=link), 5000)

    # -- export -----------------------------------------------------------------------------
    def _ask_path(self, title_key: str, filter_key: str, suggested: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        lang = self.state.lang
        folder = Path.home() / "Documents" if (Path.home() / "Documents").is_dir() else Path.home()
        path, _chosen = QFileDialog.getSaveFileName(self, tr(title_key, lang), str(folder / suggested),
                                                     tr(filter_key, lang))
        return Path(path) if path else None

    def export_plot(self, kind: str = "png") -> None:
        demo = self.demo_panel.demo
        if demo is None or not self.demo_panel.isVisible():
            self.statusBar().showMessage(tr("demo.none", self.state.lang), 5000)
            return
        path = self._ask_path("action.export_plot", f"export.filter.{kind}", f"{self.state.topic_id}.{kind}")
        if path is not None:
            self.save_plot(path, kind)

    def save_plot(self, path: Path, kind: str) -> bool:
        from explorer.qt import export

        demo = self.demo_panel.demo
        demo.settle()  # what a long run left for the next frames belongs in the file
        return self._report_saved(path, lambda: export.save_figure(demo.figure(), path, kind))

    def export_handout(self) -> None:
        if self.state.topic_id is None:
            return
        path = self._ask_path("action.handout", "export.filter.handout", f"{self.state.topic_id}-{self.state.lang}.pdf")
        if path is not None:
            if not path.suffix:
                path = path.with_suffix(".pdf")
            self.save_handout(path)

    def save_handout(self, path: Path) -> bool:
        """The current topic as a PDF or HTML handout, with the demo as it is on screen."""
        from explorer.qt import export

        topic = self.state.tree.get(self.state.topic_id)
        demo = self.demo_panel.demo if self.demo_panel.isVisible() else None
        entry = self.demo_panel.registry.get(self.demo_panel.demo_id) if demo is not None and self.demo_panel.registry else None
        title = tr(entry.title_key, self.state.lang) if entry else ""
        if demo is not None:
            demo.settle()
        return self._report_saved(path, lambda: export.save_handout(
            topic, self.state.lang, self.state.tree, path, demo.figure() if demo else None, title,
            demo.summary() if demo else ""))

    def _report_saved(self, path: Path, write) -> bool:
        lang = self.state.lang
        try:
            write()
        except OSError as error:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, tr("action.handout", lang), tr("export.failed", lang, path=path, error=error))
            return False
        self.statusBar().showMessage(tr("export.saved", lang, path=path), 8000)
        return True

    def show_problems(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        lang = self.state.lang
        problems = self.content.problems
        if not problems:
            QMessageBox.information(self, tr("problems.title", lang), tr("problems.none", lang))
            return
        box = QMessageBox(QMessageBox.Icon.Warning, tr("problems.title", lang),
                          tr("problems.summary", lang, errors=len(self.content.errors), warnings=len(self.content.warnings)),
                          QMessageBox.StandardButton.Ok, self)
        box.setDetailedText("\n".join(str(p) for p in problems))
        box.open()

    def show_shortcuts(self) -> None:
        from explorer.qt.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.state.lang, self)
        dialog.open()

    def toggle_bookmark(self) -> None:
        added = self.bookmarks.toggle()
        topic = self.state.tree.get(self.state.topic_id)
        key = "status.bookmarked" if added else "status.unbookmarked"
        self.statusBar().showMessage(tr(key, self.state.lang, title=topic.title(self.state.lang)), 5000)

    def reset_settings(self) -> None:
        """Back to the defaults: theme, zoom, window layout and remembered demo settings."""
        from PySide6.QtWidgets import QMessageBox

        lang = self.state.lang
        answer = QMessageBox.question(self, tr("action.reset_settings", lang), tr("reset.confirm", lang))
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.settings is not None:
            for group in ("window", "view", "demo_params"):
                self.settings.remove(group)
            self.settings.sync()
        self.demo_memory.clear()
        self.set_topics_visible(True)
        self.splitter.setSizes([230, 500, 550])
        self.set_theme("auto")
        self.set_zoom(1.0)
        self.state.set_params({}, replace=True)

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, tr("action.about", self.state.lang), tr("about.text", self.state.lang, version=__version__))
