"""An unattended classroom: thousands of random clicks, keys, slider drags, typed text, topic,
language and theme switches and resizes, seeded. Fails on any exception, any Qt warning (the
suite's qt_log_level_fail), a NaN or infinity reaching a plot, or a step that takes over a second.

CI runs a short version; FUZZ_EVENTS=20000 (and FUZZ_SEED) run a long one on demand.
"""

import math
import os
import random
import sys
import time

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox,
                               QDialog, QFileDialog, QLineEdit, QMessageBox, QPlainTextEdit, QTabWidget, QWidget)

from explorer.core.content import load_content
from explorer.qt import theme as themes
from explorer.qt.demos import REGISTRY
from explorer.qt.demos.plotting import CurveSet

EVENTS = int(os.environ.get("FUZZ_EVENTS", "600"))
SEED = int(os.environ.get("FUZZ_SEED", "7"))
# Buttons whose job is to open a blocking dialog or leave the app: a real user would answer them.
# Every topic whose demo exists (so a new demo is fuzzed as soon as a page names it), an overview
# with a lesson, and the long glossary table.
FUZZ_TOPICS = sorted({topic.id for topic in load_content().tree if topic.demo in REGISTRY} | {"training", "glossary"})
SKIPPED_BUTTONS = {"export"}
KEYS = [Qt.Key.Key_PageDown, Qt.Key.Key_PageUp, Qt.Key.Key_Space, Qt.Key.Key_Left, Qt.Key.Key_Right,
        Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_F5,
        Qt.Key.Key_F6, Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_Home, Qt.Key.Key_End]
TEXTS = ["早停", "learning rate", "dizzy dizzy normal", "正常 发冷", "0.5", "-3", "abc", "", "1e308", "∞", "9999",
         "  ", "BM25 检索", "nan"]
MAX_STEP_SECONDS = 1.0


@pytest.fixture
def errors(monkeypatch):
    caught = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, trace: caught.append(value))
    yield caught
    themes.apply_theme(themes.LIGHT)


@pytest.fixture
def answered_dialogs(monkeypatch, tmp_path):
    """Dialogs a user would answer: a file dialog gets a name in a scratch folder (or is
    cancelled), any other modal dialog is shown without waiting and then counts as cancelled.
    Without this a click on "Export plot" would wait for an answer for ever."""
    answers = iter(range(10**9))

    def save_name(*args, **kwargs):
        number = next(answers)
        if number % 3 == 2:
            return "", ""
        suffix = "svg" if number % 2 else "png"
        return str(tmp_path / f"export-{number}.{suffix}"), ""

    def run_without_waiting(dialog, *args):
        dialog.show()
        dialog.reject()
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    monkeypatch.setattr(QDialog, "exec", run_without_waiting)
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Yes if next(answers) % 2 else QMessageBox.StandardButton.No))
    return tmp_path


def visible(window, kind):
    return [w for w in window.findChildren(kind) if w.isVisible() and w.isEnabled()]


def plots_are_finite(window):
    for view in window.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, (pg.PlotDataItem, pg.PlotCurveItem)):  # a bare curve, or one a PlotDataItem holds
                arrays = [item.xData, item.yData]
            elif isinstance(item, CurveSet):
                arrays = [data for index in range(len(item.pens)) for data in item.curve(index) or ()]
            else:
                continue
            if any(data is not None and len(data) and not np.all(np.isfinite(data)) for data in arrays):
                return False
    return True


def one_event(rng, window, state, qtbot) -> str:
    """Do one random thing a class might do; return what it was (for the failure message)."""
    choice = rng.random()
    if choice < 0.22:
        sliders = visible(window, QAbstractSlider)
        if sliders:
            slider = rng.choice(sliders)
            value = rng.randint(slider.minimum(), slider.maximum())
            slider.setValue(value)
            return f"slider {slider.parentWidget().objectName()} = {value}"
    elif choice < 0.34:
        combos = [c for c in visible(window, QComboBox) if c.count()]
        if combos:
            combo = rng.choice(combos)
            combo.setCurrentIndex(rng.randrange(combo.count()))
            combo.activated.emit(combo.currentIndex())
            return f"choice {combo.parentWidget().objectName()} = {combo.currentText()}"
    elif choice < 0.46:
        buttons = [b for b in visible(window, QAbstractButton) if b.objectName() not in SKIPPED_BUTTONS
                   and not getattr(b, "menu", lambda: None)()]
        if buttons:
            button = rng.choice(buttons)
            button.click()
            return f"button {button.objectName()} {button.text()!r}"
    elif choice < 0.56:
        fields = visible(window, QLineEdit) + visible(window, QAbstractSpinBox) + visible(window, QPlainTextEdit)
        if fields:
            field = rng.choice(fields)
            text = rng.choice(TEXTS)
            if isinstance(field, QLineEdit) and not field.isReadOnly():
                field.setText(text)
                field.returnPressed.emit()
            elif isinstance(field, QPlainTextEdit) and not field.isReadOnly():
                field.insertPlainText(text if rng.random() < 0.7 else "\n" + text)
            elif isinstance(field, QAbstractSpinBox):
                field.lineEdit().setText(text)
                field.interpretText()
            return f"typed {text!r} into {field.objectName() or field.parentWidget().objectName()}"
    elif choice < 0.70:
        target = QApplication.focusWidget() or window.page
        key = rng.choice(KEYS)
        qtbot.keyClick(target, key)
        return f"key {key} on {type(target).__name__}"
    elif choice < 0.78:
        topic = rng.choice(FUZZ_TOPICS)
        state.go(topic)
        return f"topic {topic}"
    elif choice < 0.82:
        lang = rng.choice(["zh", "en"])
        state.set_lang(lang)
        return f"language {lang}"
    elif choice < 0.85:
        name = rng.choice(["light", "dark", "projector"])
        window.set_theme(name)
        return f"theme {name}"
    elif choice < 0.88:
        size = (rng.randint(640, 1920), rng.randint(480, 1080))
        window.resize(*size)
        return f"resize {size}"
    elif choice < 0.92:
        tabs = visible(window, QTabWidget)
        if tabs:
            tab = rng.choice(tabs)
            tab.setCurrentIndex(rng.randrange(tab.count()))
            return f"tab {tab.currentIndex()}"
    elif choice < 0.96:
        zoom = rng.choice([0.8, 1.0, 1.3, 2.0])
        window.set_zoom(zoom)
        return f"zoom {zoom}"
    else:
        widgets = [w for w in visible(window, QWidget) if w.width() > 4 and w.height() > 4]
        widget = rng.choice(widgets)
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())
        return f"click {type(widget).__name__} {widget.objectName()}"
    return "nothing to do"


def test_random_classroom_session(qtbot, window, state, errors, answered_dialogs):
    # A class meets the app after its first minute: the one-off typesetting of every formula
    # (seconds, once per machine) is over.
    qtbot.waitUntil(lambda: not window.page.formula_images.busy, timeout=120_000)
    rng = random.Random(SEED)
    slowest = 0.0
    for number in range(EVENTS):
        started = time.perf_counter()
        what = one_event(rng, window, state, qtbot)
        QApplication.processEvents()
        # What the application's event loop does between events, and processEvents() alone does
        # not: delete the widgets given to deleteLater() (replaced demos). Without it a long run
        # keeps tens of thousands of dead widgets, and every theme or language switch visits them.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        # And it builds a demo that waits for its page to be painted, within a frame: whether
        # it is built yet would otherwise depend on timing, and the seed no longer fix the run.
        if window.demo_panel.building:
            window.demo_panel.demo  # noqa: B018 (asking for it builds it)
        elapsed = time.perf_counter() - started
        slowest = max(slowest, elapsed)
        assert not errors, f"event {number} ({what}): {errors[0]!r}"
        assert elapsed < MAX_STEP_SECONDS, f"event {number} ({what}) took {elapsed:.2f} s"
        if number % 25 == 0:
            assert plots_are_finite(window), f"a NaN or infinity reached a plot by event {number}"
    window.set_presenting(False)
    assert math.isfinite(slowest)
