"""Presentation mode: F5 in, Esc out, clicker keys walk lesson steps and then the topics."""

import pytest
from PySide6.QtCore import Qt

from explorer.qt import main_window


@pytest.fixture
def presenting(qtbot, open_window):
    window, state = open_window("learning-rate")
    press(qtbot, window, Qt.Key.Key_F5)
    return window, state


def press(qtbot, window, key):
    """As a keyboard or a clicker does: through the window, so that its shortcuts and whatever
    watches its keys see the key before the widget with the focus does."""
    qtbot.keyClick(window.windowHandle(), key)


def test_f5_enters_and_esc_leaves(qtbot, presenting):
    window, _state = presenting
    assert window.presenting and window.isFullScreen()
    assert not window.tree_view.isVisible() and not window.menuBar().isVisible()
    press(qtbot, window, Qt.Key.Key_F6)  # the tree comes back on request
    assert window.tree_view.isVisible()
    press(qtbot, window, Qt.Key.Key_F6)
    assert not window.tree_view.isVisible()
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not window.presenting and not window.isFullScreen()
    assert window.tree_view.isVisible() and window.menuBar().isVisible()


def test_text_scales_with_the_window(qtbot, presenting, monkeypatch):
    window, _state = presenting
    # The test screen is 800 pixels tall: a lower base height leaves room to grow within it.
    monkeypatch.setattr(main_window, "PRESENTATION_BASE_HEIGHT", 600)
    window.showNormal()
    window.resize(1200, 750)
    qtbot.waitUntil(lambda: window.presentation_scale == pytest.approx(750 / 600, abs=0.02), timeout=3000)
    page_size = window.page.document().defaultFont().pointSizeF()
    # Not down to 600: larger text raises the window's minimum height past that, and the window
    # would settle at its minimum (a scale it reaches only through a passing 1.0).
    window.resize(1200, 660)
    qtbot.waitUntil(lambda: window.presentation_scale == pytest.approx(660 / 600, abs=0.02), timeout=3000)
    qtbot.wait(100)
    assert window.height() == 660 and window.presentation_scale == pytest.approx(660 / 600, abs=0.02)
    assert window.page.document().defaultFont().pointSizeF() < page_size


def test_large_text_never_grows_the_window_past_the_screen_and_itself_on(qtbot, presenting):
    # Larger text makes the window's minimum size larger; were the scale to follow a window that
    # this pushed past the screen, text and window would grow each other without end.
    window, state = presenting
    window.set_theme("projector")
    window.set_zoom(3.0)
    screen = window.screen().geometry().height()
    for topic in ("langchain", "preference-optimization", "hmm", "rag", "distillation"):
        state.go(topic)
        window.demo_panel.demo  # noqa: B018 (built now)
        qtbot.wait(20)
        assert window.presentation_scale <= max(1.0, screen / main_window.PRESENTATION_BASE_HEIGHT) + 0.01
    assert window.height() < 3 * screen


def test_clicker_keys_walk_topics_in_reading_order(qtbot, presenting):
    window, state = presenting
    tree = state.tree
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert state.topic_id == tree.next_id("learning-rate")
    press(qtbot, window, Qt.Key.Key_Space)
    assert state.topic_id == tree.next_id(tree.next_id("learning-rate"))
    press(qtbot, window, Qt.Key.Key_PageUp)
    press(qtbot, window, Qt.Key.Key_Left)
    assert state.topic_id == "learning-rate"


def test_a_lesson_is_walked_first_with_number_keys_for_predictions(qtbot, presenting):
    window, state = presenting
    bar = window.lesson_bar
    state.go("training")
    press(qtbot, window, Qt.Key.Key_PageDown)  # starts the lesson
    assert bar.run.index == 0 and state.topic_id == "learning-rate"
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert bar.run.waiting
    press(qtbot, window, Qt.Key.Key_PageDown)  # no skipping the prediction
    assert bar.run.index == 2 and bar.run.waiting
    press(qtbot, window, Qt.Key.Key_2)  # "振荡但收敛"
    assert not bar.run.waiting and bar.run.prediction_held()
    while not bar.run.at_end:
        if bar.run.waiting:
            press(qtbot, window, Qt.Key.Key_1)
        press(qtbot, window, Qt.Key.Key_PageDown)
    if bar.run.waiting:
        press(qtbot, window, Qt.Key.Key_1)
    press(qtbot, window, Qt.Key.Key_PageDown)  # past the last step: on to the next topic
    assert bar.run is None or not bar.run.started
    assert state.topic_id == state.tree.next_id("training")


def test_typing_into_a_control_is_not_a_step(qtbot, presenting):
    window, state = presenting
    spin = window.demo_panel.demo.controls["lr"].spin
    spin.setFocus()
    press(qtbot, window, Qt.Key.Key_Right)
    assert state.topic_id == "learning-rate"
