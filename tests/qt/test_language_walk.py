"""Walk every widget of the window and of every demo, in both languages.

Fails on a string of the other language left behind after a switch, an empty caption, or an
interactive widget without an accessible name.
"""

import re

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QLabel, QLineEdit, QPlainTextEdit,
                               QTableWidget, QTabWidget, QWidget)

from explorer.core.content import load_content
from explorer.core.i18n import LANGUAGE_NAMES, STRINGS
from explorer.qt.accessibility import is_interactive
from explorer.qt.demos import REGISTRY

HAN = re.compile(r"[\u3400-\u9fff]")
TAGS = re.compile(r"<[^>]+>")
ENGLISH_ONLY = {entry["en"] for entry in STRINGS.values() if entry["en"] != entry["zh"] and not HAN.search(entry["en"])}
# Every built-in topic whose demo exists: a new demo is walked as soon as its page names it.
DEMO_TOPICS = tuple(sorted(topic.id for topic in load_content().tree if topic.demo in REGISTRY))


def _menu_texts(menu, found):
    for action in menu.actions():
        if action.text() in LANGUAGE_NAMES.values():
            continue  # each language is named in its own script on purpose
        found.append(("menu", action.text()))
        if action.menu() is not None:
            _menu_texts(action.menu(), found)


def _plot_texts(view, found):
    for item in view.scene().items():
        if isinstance(item, pg.PlotItem):
            found.append(("plot title", TAGS.sub("", item.titleLabel.text)))
        elif isinstance(item, pg.AxisItem):
            found.append(("axis", item.labelText))
        elif isinstance(item, pg.LegendItem):
            found.extend(("legend", label.text) for _sample, label in item.items)
        elif isinstance(item, pg.TextItem):
            found.append(("plot text", item.toPlainText()))


def visible_texts(window):
    found = [("title", window.windowTitle())]
    _menu_texts(window.menuBar(), found)
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        found.append(("tooltip", widget.toolTip()))
        found.append(("accessible name", widget.accessibleName()))
        if isinstance(widget, QLabel):
            found.append(("label", TAGS.sub("", widget.text())))
        elif isinstance(widget, QAbstractButton):
            found.append(("button", widget.text()))
        elif isinstance(widget, QComboBox):
            found.extend(("choice", widget.itemText(i)) for i in range(widget.count()))
        elif isinstance(widget, QTabWidget):
            found.extend(("tab", widget.tabText(i)) for i in range(widget.count()))
        elif isinstance(widget, QLineEdit):
            found.append(("field", widget.placeholderText()))
        elif isinstance(widget, QTableWidget):
            found.extend(("header", widget.horizontalHeaderItem(c).text()) for c in range(widget.columnCount()))
        elif isinstance(widget, pg.GraphicsView):
            _plot_texts(widget, found)
    tree = window.tree_view.model()
    found.extend(("tree", tree.index(row, 0).data()) for row in range(tree.rowCount()))
    return [(kind, text) for kind, text in found if text]


def check_language(window, lang):
    problems = []
    for kind, text in visible_texts(window):
        if lang == "en" and HAN.search(text):
            problems.append(f"Chinese in English {kind}: {text!r}")
        if lang == "zh" and text in ENGLISH_ONLY:
            problems.append(f"English left in Chinese {kind}: {text!r}")
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if is_interactive(widget) and not widget.accessibleName():
            problems.append(f"no accessible name: {type(widget).__name__} {widget.objectName()!r}")
        if isinstance(widget, QAbstractButton) and not (widget.text() or not widget.icon().isNull()):
            problems.append(f"empty button {widget.objectName()!r}")
        if isinstance(widget, QLabel) and widget.buddy() is not None and not widget.text():
            problems.append(f"empty label for {widget.buddy().objectName()!r}")
    return problems


@pytest.mark.parametrize("topic", DEMO_TOPICS)
def test_every_widget_follows_the_language_and_has_a_name(window, state, topic):
    state.go(topic)
    for lang in ("zh", "en", "zh", "en"):
        state.set_lang(lang)
        assert window.demo_panel.demo is not None
        problems = check_language(window, lang)
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize("view", ["forward", "viterbi", "learn"])
def test_every_hmm_view_and_the_model_tab(window, state, view):
    state.go("hmm", {"view": view})
    demo = window.demo_panel.demo
    for lang in ("en", "zh"):
        state.set_lang(lang)
        for tab in (0, 1):
            demo.tabs.setCurrentIndex(tab)
            problems = check_language(window, lang)
            assert not problems, "\n".join(problems)


def test_a_lesson_in_progress_follows_the_language(window, state):
    state.go("training")
    bar = window.lesson_bar
    bar.next(), bar.next(), bar.next()
    for lang in ("en", "zh"):
        state.set_lang(lang)
        problems = check_language(window, lang)
        assert not problems, "\n".join(problems)


def test_interactive_widgets_are_recognised(qapp):
    assert is_interactive(QLineEdit()) and is_interactive(QPlainTextEdit()) and not is_interactive(QLabel())
    assert is_interactive(pg.PlotWidget()) and issubclass(QAbstractItemView, QWidget)
