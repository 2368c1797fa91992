"""The demo panel: builds the current topic's demo from the registry and keeps it in step.

The registry (and with it pyqtgraph and numpy) is imported only when ``activate()`` is called,
after the window's first paint, so start-up shows the tree and the page first. A topic change
to a topic with the same demo keeps the widget and only applies the new parameters; a different
demo replaces it, and the old one is kept hidden (a few of them) or cleaned up.

Building a demo takes tens of milliseconds, more than a topic switch may. So a topic whose demo
is not kept shows its page first: the panel shows "loading" and builds the demo right after that
has been painted, or at once when anything asks for ``demo``.
"""

from __future__ import annotations

import logging
from typing import Mapping

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from explorer.core.i18n import tr
from explorer.core.state import ExplorerState
from explorer.qt.accessibility import name_widgets
from explorer.qt.eliding_combo import ElidingComboBox
from explorer.qt.scaled_label import ScaledLabel
from explorer.qt.theme import current_theme, zoomed_font

log = logging.getLogger(__name__)
HIGHLIGHT_MS = 1500
KEPT_DEMOS = 6  # built demos kept (hidden) besides the one on show
BUILD_AFTER_MS = 250  # a deferred build waits at most this long for the page to be painted


def _alive(widget: QWidget) -> bool:
    return isValid(widget)


class DemoPanel(QWidget):
    """Right-hand panel: a header (title, presets, reset) above the topic's demo widget."""

    demo_ready = Signal()
    deferred_build_started = Signal()  # the page is on screen; the demo is being built now
    copy_link_requested = Signal()
    export_requested = Signal(str)  # "png" or "svg"

    def __init__(self, state: ExplorerState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setObjectName("demo-panel")
        self.registry = None
        self._demo = None
        self.demo_id: str | None = None
        self._pending = False  # demo_id's widget is still to be built
        self._build_posted = False
        # In case nothing gets painted (a minimised window), a deferred build starts anyway.
        self._build_timer = QTimer(self, singleShot=True, interval=BUILD_AFTER_MS)
        self._build_timer.timeout.connect(self._build_pending)
        self._kept: dict = {}  # demo id → a built demo widget, hidden
        self.zoom = 1.0
        self._applying_own_change = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QGridLayout()
        header.setContentsMargins(0, 0, 0, 0)
        self.title = ScaledLabel("demo-title", bold=True, ratio=1.15)
        # As narrow as "Choose a preset…": the title beside it keeps its room (a box as wide as the
        # longest preset wrapped the English learning-rate title onto four lines); the open list
        # shows the presets in full.
        self.presets = ElidingComboBox(objectName="presets")
        self.presets.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.presets.setMinimumContentsLength(14)  # "Choose a preset…" whole, and the Chinese title beside it
        self.presets.activated.connect(self._preset_chosen)
        self.reset_button = QPushButton(objectName="reset")
        self.reset_button.clicked.connect(self.reset)
        self.link_button = QPushButton(objectName="copy-link")
        self.link_button.clicked.connect(self.copy_link_requested)
        self.export_button = QPushButton(objectName="export")
        self.export_menu = QMenu(self.export_button)
        self.export_png = self.export_menu.addAction("")
        self.export_svg = self.export_menu.addAction("")
        self.export_png.triggered.connect(lambda: self.export_requested.emit("png"))
        self.export_svg.triggered.connect(lambda: self.export_requested.emit("svg"))
        self.export_button.setMenu(self.export_menu)
        self.header_buttons = (self.presets, self.link_button, self.export_button, self.reset_button)
        self.header = header
        self._title_above: bool | None = None
        self._arrange_header()
        layout.addLayout(header)
        self.message = QLabel(objectName="demo-message")  # shown while no demo is built
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.installEventFilter(self)  # its first paint after a switch starts the build
        layout.addWidget(self.message, 1)
        self.body = layout
        state.subscribe(self._state_changed)
        self._show_message(tr("demo.loading", state.lang))
        self.retranslate()
        # Before the registry is loaded, a topic that names a demo keeps the panel's space, so
        # the demo appears after the first paint without the page jumping sideways.
        topic = state.tree.get(state.topic_id) if state.topic_id else None
        self.setVisible(bool(topic and topic.demo))

    # -- building ---------------------------------------------------------------------------
    @property
    def demo(self):
        """The demo on show (None if the topic has none), built now if it was still waiting."""
        if self._pending:
            self._build_pending()
        return self._demo

    @property
    def building(self) -> bool:
        """True while the current topic's demo waits to be built after the page's paint."""
        return self._pending

    def activate(self) -> None:
        """Import the registry and build the current topic's demo (call after the first paint)."""
        failure = None
        if self.registry is None:
            try:
                from explorer.qt import demos
                from explorer.qt.theme import configure_pyqtgraph

                configure_pyqtgraph()
                self.registry = demos.REGISTRY
            except Exception as error:  # a broken demo module must not keep the window from starting
                self.registry = {}
                failure = error
        self.sync(defer=False)  # the first paint is over: build now
        self.demo_ready.emit()
        if failure is not None:
            raise failure  # to the fault handler: logged and told, with every page still readable

    def sync(self, defer: bool = True) -> None:
        """Make the panel show the current topic's demo with the state's parameters; a demo that
        must be built waits for the page's paint if ``defer`` and the window is on screen."""
        if self.registry is None or self.state.topic_id is None:
            return
        topic = self.state.tree.get(self.state.topic_id)
        wanted = topic.demo if topic.demo in self.registry else None
        if wanted is not None and (wanted != self.demo_id or (self._demo is None and not self._pending)):
            self._replace(wanted, defer=defer and self.window().isVisible())
        elif wanted is not None:
            if self._demo is not None:
                self._demo.set_params(self.state.params)
            elif not defer:  # it was waiting for a paint: build it now
                self._build_pending()
        else:
            # Keep the last demo (hidden with the panel): coming back to it is then instant. A
            # demo still waiting to be built is not built.
            self._pending = False
            self._build_timer.stop()
            key = "demo.none" if topic.demo is None else "demo.unavailable"
            self._show_message(tr(key, self.state.lang, demo=topic.demo))
        # A topic without a demo gives the page the whole width.
        self.setVisible(wanted is not None)
        self._fill_presets()
        self.retranslate()

    def _replace(self, demo_id: str | None, defer: bool = False) -> None:
        """Show ``demo_id``'s widget: the one built before if it is kept, else a new one, built
        after the next paint when ``defer`` is set (the panel is on screen and the page first)."""
        self._put_away()
        self.demo_id = demo_id
        if demo_id is None:
            return
        kept = self._kept.pop(demo_id, None)
        if kept is not None:
            self._demo = kept
            if kept.lang != self.state.lang:
                kept.set_lang(self.state.lang)
            kept.set_params(self.state.params)
            kept.show()
            self.message.hide()
            return
        if defer:
            self._pending = True
            self._show_message(tr("demo.loading", self.state.lang))
            self._build_timer.start()
            return
        self._build(demo_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.message and event.type() == QEvent.Type.Paint and self._pending and not self._build_posted:
            # The page and this message are on screen: build in the next turn of the event loop.
            self._build_posted = True
            QTimer.singleShot(0, self, self._build_pending)
        return super().eventFilter(watched, event)

    def _build_pending(self) -> None:
        self._build_posted = False
        self._build_timer.stop()
        if self._pending and self.demo_id is not None:
            self._pending = False
            self.deferred_build_started.emit()
            self._build(self.demo_id)
            self._fill_presets()
            self.demo_ready.emit()

    def _build(self, demo_id: str) -> None:
        entry = self.registry[demo_id]
        try:
            self._demo = entry.widget(self.state.lang, self.state.params, self)
        except Exception as error:  # a broken demo must not take the window down
            log.exception("demo %s failed to build", demo_id)
            self._demo = None
            self._show_message(tr("demo.failed", self.state.lang, error=error))
            return
        self._demo.params_changed.connect(self._demo_changed)
        self._demo.topic_requested.connect(self._open_topic)
        self.message.hide()
        self.body.addWidget(self._demo, 1)
        self._demo.show()  # now, not when the layout gets round to it: it may be exported at once

    def _open_topic(self, topic_id: str) -> None:
        if topic_id in self.state.tree:
            self.state.go(topic_id)

    def _put_away(self) -> None:
        """Hide the current demo and keep it, so coming back to its topic costs no rebuild."""
        self._pending = False  # a demo not built yet is simply not built
        self._build_timer.stop()
        if self._demo is None:
            return
        self._demo.hide()  # pauses its animation
        self._kept[self.demo_id] = self._demo
        self._demo = None
        while len(self._kept) > KEPT_DEMOS:
            self._discard(self._kept.pop(next(iter(self._kept))))

    def _discard(self, demo) -> None:
        demo.cleanup()
        self.body.removeWidget(demo)
        demo.setParent(None)
        demo.deleteLater()

    def rebuild(self) -> None:
        """Build the current demo again (after a theme switch), with the same parameters."""
        for demo in self._kept.values():  # built in the old colours
            self._discard(demo)
        self._kept.clear()
        if (self._demo is not None or self._pending) and self.demo_id is not None:
            demo_id = self.demo_id
            self.close_demo()
            self._replace(demo_id)
            self.retranslate()

    def close_demo(self) -> None:
        """Clean up and remove the current demo widget and the ones kept."""
        for demo in [self._demo, *self._kept.values()]:
            if demo is not None:
                self._discard(demo)
        self._kept.clear()
        self._demo = None
        self._pending = False
        self.demo_id = None

    # -- the header --------------------------------------------------------------------------
    def _arrange_header(self) -> None:
        """The title beside the buttons when it fits on one line there, else on a row of its own
        above them: a long title (the English learning-rate one) was wrapped onto several lines."""
        if self.title.text():
            spacing = max(0, self.header.horizontalSpacing())
            shown = [button for button in self.header_buttons if not button.isHidden()]
            room = self.width() - sum(button.sizeHint().width() + spacing for button in shown)
            above = self.title.fontMetrics().horizontalAdvance(self.title.text()) > room
        else:  # no demo yet (start-up): nothing to measure, and the buttons' sizes cost milliseconds
            above = False
        if above == self._title_above:
            return
        self._title_above = above
        for widget in (self.title, *self.header_buttons):
            self.header.removeWidget(widget)
        # Column 0 takes the spare width: beside the buttons it is the title's, above them it
        # pushes them to the right.
        self.header.addWidget(self.title, 0, 0, 1, 1 if not above else len(self.header_buttons) + 1)
        for column, button in enumerate(self.header_buttons, start=1):
            self.header.addWidget(button, 1 if above else 0, column)
        self.header.setColumnStretch(0, 1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange_header()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(self._demo is None)

    # -- presets and parameters -------------------------------------------------------------
    def _fill_presets(self) -> None:
        self.presets.clear()
        topic = self.state.tree.get(self.state.topic_id) if self.state.topic_id else None
        has_demo = self._demo is not None or self._pending
        presets = topic.page(self.state.lang).presets if topic and has_demo else ()
        self.presets.addItem(tr("demo.choose_preset", self.state.lang), None)
        for preset in presets:
            self.presets.addItem(preset.label, dict(preset.params))
        self.presets.setVisible(bool(presets))
        self._arrange_header()
        for button in (self.reset_button, self.link_button, self.export_button):
            button.setVisible(has_demo)

    def _preset_chosen(self, index: int) -> None:
        params = self.presets.itemData(index)
        if params:
            self.state.set_params(params, replace=True)
        self.presets.setCurrentIndex(0)

    def replay(self) -> None:
        """Play an animated demo from its start (a lesson step has just set it)."""
        playback = self.demo.playback if self.demo is not None else None
        if playback is not None:
            playback.reset()
            playback.play()

    def apply_link(self, demo_id: str, params: Mapping[str, object]) -> bool:
        """Follow a ``demo:`` link: set this demo's parameters, or go to a topic that has the demo."""
        topic = self.state.tree.get(self.state.topic_id)
        if topic.demo == demo_id:
            self.state.set_params(params, replace=True)
            self.highlight(params)
            return True
        owner = next((t for t in self.state.tree if t.demo == demo_id), None)
        if owner is None:
            return False
        self.state.go(owner.id, params)
        self.highlight(params)
        return True

    def highlight(self, params: Mapping[str, object]) -> None:
        """Flash the controls a link has just set, so the class sees what changed."""
        if self.demo is None:
            return
        colour = current_theme().mark
        flashed = [self.demo.controls[name] for name in params if name in self.demo.controls]
        for control in flashed:
            control.setStyleSheet(f"#{control.objectName()} {{ background-color: {colour}; border-radius: 3px; }}")
            control.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        if flashed:
            QTimer.singleShot(HIGHLIGHT_MS, lambda: [c.setStyleSheet("") for c in flashed if _alive(c)])

    def recover(self) -> None:
        """After an unexpected error in the demo: throw its widget away (stopping any animation)
        and build it again from its defaults."""
        if self._demo is None:
            return
        demo, self._demo = self._demo, None
        self._discard(demo)
        if self.state.params:
            self.state.set_params({}, replace=True)  # the panel syncs: a new widget is built
        else:
            self.sync()

    def reset(self) -> None:
        self.state.set_params({}, replace=True)

    def _demo_changed(self, changes: dict) -> None:
        self._applying_own_change = True
        try:
            self.state.set_params(changes)
        finally:
            self._applying_own_change = False

    def _state_changed(self, change: str) -> None:
        if change == "params" and self._applying_own_change:
            return
        if change in ("topic", "params"):
            self.sync()
        elif change == "lang":
            if self._demo is not None:
                self._demo.set_lang(self.state.lang)
            self.sync()

    # -- language and zoom ------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.state.lang
        entry = self.registry.get(self.demo_id) if self.registry and self.demo_id else None
        self.title.setText(tr(entry.title_key, lang) if entry else "")
        self.title.setVisible(entry is not None)
        self.reset_button.setText(tr("demo.reset", lang))
        self.link_button.setText(tr("demo.copy_link", lang))
        self.link_button.setToolTip(tr("demo.copy_link.tip", lang))
        self.export_button.setText(tr("demo.export", lang))
        self.export_png.setText(tr("demo.export.png", lang))
        self.export_svg.setText(tr("demo.export.svg", lang))
        # The header only: a demo names its own controls (and kept demos need nothing while hidden).
        for widget in (self.presets, self.link_button, self.export_button, self.reset_button):
            name_widgets(widget, lang)
        if self.presets.count():
            self.presets.setItemText(0, tr("demo.choose_preset", lang))
        self._arrange_header()

    def set_zoom(self, factor: float) -> None:
        """Zoom the whole panel: its title and buttons, and the demo, which inherits the font."""
        self.zoom = factor
        self.setFont(zoomed_font(factor))
        self.title.follow(self.font())
        self._arrange_header()
