"""The lesson bar: walks a topic's lesson with Next / Previous, Page Down / Page Up and Space.

The bar appears when the shown topic has lesson steps. Once started, it stays while the lesson
moves through other topics, until it is ended. A step that asks for a prediction shows its
question and choices; the demo is set only after the class has chosen, and the bar then says
whether the prediction held. Presentation clickers send Page Down / Page Up, so they work too.

In presentation mode (``presenting``) the same keys go on past the lesson: with no lesson, or at
its last step, they move to the next (or previous) topic in reading order; number keys choose a
prediction, so a teacher never needs the mouse.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from explorer.core.i18n import tr
from explorer.core.lesson import LessonRun
from explorer.core.state import ExplorerState
from explorer.qt.theme import current_theme

NEXT_KEYS = (Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Right)
PREVIOUS_KEYS = (Qt.Key.Key_PageUp, Qt.Key.Key_Left)
TEXT_INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox)


class LessonBar(QWidget):
    """A strip above the page that runs the lesson of the current topic.

    ``step_run`` is emitted when a step has set its demo, so an animated demo can play from
    the start: the class sees the run unfold after it has predicted.
    """

    step_run = Signal()

    def __init__(self, state: ExplorerState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setObjectName("lesson-bar")
        self.run: LessonRun | None = None
        self._presenting = False
        self._key_window: QWindow | None = None  # the window whose key presses are watched
        self._moving = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 4)
        row = QHBoxLayout()
        self.previous_button = QPushButton(objectName="lesson-previous")
        self.next_button = QPushButton(objectName="lesson-next")
        self.end_button = QPushButton(objectName="lesson-end")
        self.label = QLabel(objectName="lesson-label")
        self.label.setWordWrap(True)
        row.addWidget(self.previous_button)
        row.addWidget(self.label, 1)
        row.addWidget(self.next_button)
        row.addWidget(self.end_button)
        outer.addLayout(row)
        self.prediction_row = QHBoxLayout()
        outer.addLayout(self.prediction_row)
        self.verdict = QLabel(objectName="lesson-verdict")
        self.verdict.setWordWrap(True)
        outer.addWidget(self.verdict)
        self.choice_buttons: list[QPushButton] = []
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.end_button.clicked.connect(self.end)
        self.apply_theme()
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        state.subscribe(self._state_changed)
        self._offer_lesson()

    @property
    def presenting(self) -> bool:
        return self._presenting

    @presenting.setter
    def presenting(self, on: bool) -> None:
        self._presenting = on
        self._watch_keys()

    def _watch_keys(self) -> None:
        """Watch the key presses that reach this window, before any widget in it sees them, only
        while a lesson is offered or the window presents. The filter sits on the window itself, not
        on the whole application: that one is called for every event of every object (every paint
        of every frame), and the first of those events made Qt's Python bindings build the types of
        hundreds of classes (20–40 ms, measured here) before the window's first paint."""
        wanted = self._presenting or self.run is not None
        window = self.window().windowHandle() if wanted else None  # None until the window is shown
        if window is not self._key_window:
            if self._key_window is not None:
                self._key_window.removeEventFilter(self)
                self._key_window.destroyed.disconnect(self._key_window_destroyed)
            if window is not None:
                window.installEventFilter(self)
                window.destroyed.connect(self._key_window_destroyed)
            self._key_window = window

    def _key_window_destroyed(self) -> None:
        self._key_window = None

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._watch_keys()  # the window may have been created just now

    # -- following the state ----------------------------------------------------------------
    def _state_changed(self, change: str) -> None:
        if change == "topic" and not self._moving and not (self.run and self.run.started):
            self._offer_lesson()
        elif change == "lang":
            if self.run and self.run.started:
                owner = self.state.tree.get(self.run.owner)
                self.run = self.run.in_language(owner.page(self.state.lang).steps)
                self.refresh()
            else:
                self._offer_lesson()

    def _offer_lesson(self) -> None:
        """Show the bar, not yet started, when the shown topic has a lesson."""
        topic = self.state.tree.get(self.state.topic_id) if self.state.topic_id else None
        steps = topic.page(self.state.lang).steps if topic else ()
        self.run = LessonRun(topic.id, steps) if steps else None
        self.refresh()

    # -- walking ---------------------------------------------------------------------------
    def next(self) -> bool:
        if self.run is None or not self.run.next():
            return False
        self._show_step()
        return True

    def previous(self) -> bool:
        if self.run is None or not self.run.previous():
            return False
        self._show_step()
        return True

    def end(self) -> None:
        owner = self.run.owner if self.run else None
        self.run = None
        if owner and owner in self.state.tree:
            self._go(owner, None)
        self._offer_lesson()

    def predict(self, choice: str) -> None:
        if self.run is None or self.run.predict(choice) is None:
            return
        self._go(self.run.step.topic, self.run.step.params)
        self.refresh()

    def _show_step(self) -> None:
        step = self.run.step
        # A prediction step shows its topic as it is; the demo is set once the class has chosen.
        self._go(step.topic, None if self.run.waiting else step.params)
        self.refresh()

    def _go(self, topic_id: str, params) -> None:
        self._moving = True
        try:
            self.state.go(topic_id)
            if params is not None:
                self.state.set_params(dict(params), replace=True)
        finally:
            self._moving = False
        if params is not None:
            self.step_run.emit()

    # -- drawing -----------------------------------------------------------------------------
    def apply_theme(self) -> None:
        theme = current_theme()
        self.setStyleSheet(f"#lesson-bar {{ background: {theme.table_header}; border-bottom: 1px solid {theme.muted}; }}")
        if self.run is not None:
            self.refresh()

    def refresh(self) -> None:
        lang = self.state.lang
        run = self.run
        self.setVisible(run is not None)
        self._watch_keys()
        if run is None:
            return
        for button in self.choice_buttons:
            self.prediction_row.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.choice_buttons = []
        self.previous_button.setText(tr("lesson.previous", lang))
        self.end_button.setText(tr("lesson.end", lang))
        self.previous_button.setEnabled(run.index > 0)
        self.end_button.setVisible(run.started)
        if not run.started:
            self.label.setText(tr("lesson.offer_one", lang) if len(run.steps) == 1
                               else tr("lesson.offer", lang, steps=len(run.steps)))
            self.next_button.setText(tr("lesson.start", lang))
            self.next_button.setEnabled(True)
            self.verdict.hide()
            return
        step = run.step
        text = tr("lesson.step", lang, number=run.index + 1, total=len(run.steps), note=step.note)
        if step.asks_prediction:
            text += "\n" + tr("lesson.predict", lang, question=step.predict)
        self.label.setText(text)
        self.next_button.setText(tr("lesson.next", lang))
        self.next_button.setEnabled(not run.waiting and not run.at_end)
        if run.waiting:
            for choice in step.choices:
                button = QPushButton(choice, self)
                button.setObjectName("lesson-choice")
                button.clicked.connect(lambda _checked=False, choice=choice: self.predict(choice))
                self.prediction_row.addWidget(button)
                self.choice_buttons.append(button)
        held = run.prediction_held()
        if held is None:
            self.verdict.hide()
        else:
            key = "lesson.held" if held else "lesson.missed"
            self.verdict.setText(tr(key, lang, choice=run.chosen(), answer=step.answer))
            theme = current_theme()
            self.verdict.setStyleSheet(f"color: {theme.good if held else theme.bad}; font-weight: bold;")
            self.verdict.show()

    # -- keys and clickers -------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # isinstance first: it costs far less than building the event's type enum for every
        # paint and timer event that passes through here.
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress \
                or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if isinstance(QApplication.focusWidget(), TEXT_INPUTS):
            return False  # typing a value into a control is not a lesson step
        key = event.key()
        if self.presenting:
            return self._presenting_key(key)
        if self.run is None or not self.isVisible():
            return False
        if not (self.run.started or key == Qt.Key.Key_PageDown):
            return False
        if key in NEXT_KEYS:
            self.next()
            return True
        if key in PREVIOUS_KEYS and self.run.started:
            self.previous()
            return True
        return False

    def _presenting_key(self, key: int) -> bool:
        """Clicker keys in presentation mode: lesson steps first, then the topics in reading order."""
        run = self.run
        if run is not None and run.waiting and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            index = key - Qt.Key.Key_1
            if index < len(run.step.choices):
                self.predict(run.step.choices[index])
            return True
        if key in NEXT_KEYS:
            if run is not None and run.waiting:
                return True  # the class has to predict first
            if run is not None and not run.at_end:
                self.next()
            elif self._here() is not None:
                self._leave_lesson_to(self.state.tree.next_id(self._here()))
            return True
        if key in PREVIOUS_KEYS:
            if run is not None and run.started and run.index > 0:
                self.previous()
            elif self._here() is not None:
                self._leave_lesson_to(self.state.tree.previous_id(self._here()))
            return True
        return False

    def _here(self) -> str | None:
        """Where reading order continues from: the lesson's own topic while one runs."""
        if self.run is not None and self.run.started:
            return self.run.owner
        return self.state.topic_id

    def _leave_lesson_to(self, topic_id: str | None) -> None:
        if topic_id is None:
            return
        self.run = None
        self.state.go(topic_id)
        self._offer_lesson()
