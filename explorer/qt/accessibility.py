"""Accessible names for every interactive widget, in the current language.

Screen readers announce a widget by its accessible name. Most of ours already show a text that
says what they are: a button's caption, or the label beside a control (its buddy). ``name_widgets``
walks a window or a demo after each language switch and copies that text into the accessible
name; widgets without a visible caption get theirs from ``FIXED_NAMES`` or from the caller.
"""

from __future__ import annotations

import re
import sys

from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QComboBox,
                               QLabel, QLineEdit, QPlainTextEdit, QTabWidget, QTextEdit, QWidget)

from explorer.core.i18n import tr

INTERACTIVE = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit, QAbstractItemView,
               QTextEdit, QPlainTextEdit, QTabWidget)
# Widgets identified by their object name, with the text key of their accessible name.
FIXED_NAMES = {
    "topic-tree": "a11y.tree",
    "page": "a11y.page",
    "presets": "demo.presets",
    "speed": "demo.speed",
    "sequence": "hmm.sequence",
    "hmm-tabs": "a11y.hmm_tabs",
}
_DECORATION = re.compile(r"^[\W_]+|[\W_]+$")


def _graphics_view_type():
    """pyqtgraph's view class, once pyqtgraph is loaded (it is imported after the first paint)."""
    module = sys.modules.get("pyqtgraph")
    return module.GraphicsView if module is not None else None


def is_interactive(widget: QWidget) -> bool:
    view = _graphics_view_type()
    return isinstance(widget, INTERACTIVE) or (view is not None and isinstance(widget, view))


def _clean(text: str) -> str:
    """A caption without its mnemonic ampersand or leading symbols (▶, ◀) and trailing colon."""
    return _DECORATION.sub("", text.replace("&", "")).strip()


def name_widgets(root: QWidget, lang: str) -> None:
    """Set the accessible name of every interactive widget under ``root`` (and ``root`` itself)."""
    buddies: dict[int, str] = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text():
            buddies[id(buddy)] = _clean(label.text())
            for part in buddy.findChildren(QWidget):  # a slider and spin box that form one control
                buddies.setdefault(id(part), _clean(label.text()))
    for widget in [root, *root.findChildren(QWidget)]:
        if not is_interactive(widget):
            continue
        key = FIXED_NAMES.get(widget.objectName())
        if key is not None:
            name = _clean(tr(key, lang))
        elif id(widget) in buddies:
            name = buddies[id(widget)]
        elif isinstance(widget, QAbstractButton) and widget.text():
            name = _clean(widget.text())
        elif not isinstance(widget, INTERACTIVE):
            name = _plot_name(widget) or widget.accessibleName()
        else:
            # A part of a bigger control follows its owner (so it changes language with it).
            name = _owner_name(widget, root) or widget.accessibleName() or _clean(widget.toolTip())
        if name and name != widget.accessibleName():
            widget.setAccessibleName(name)


def _owner_name(widget: QWidget, root: QWidget) -> str:
    """A part of a bigger control (a combo box's list, a spin box's editor) takes its owner's name."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root.parentWidget():
        if is_interactive(parent) and parent.accessibleName():
            return parent.accessibleName()
        parent = parent.parentWidget()
    return ""


def _plot_name(view) -> str:
    """The titles of the plots a view holds, e.g. "Loss (log scale); Learning rate per step"."""
    titles = []
    plot_item = sys.modules["pyqtgraph"].PlotItem
    for item in view.scene().items():
        if isinstance(item, plot_item) and item.titleLabel.text:
            titles.append(re.sub(r"<[^>]+>", "", item.titleLabel.text))
    return "; ".join(reversed(titles))
