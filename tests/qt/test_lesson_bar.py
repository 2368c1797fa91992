"""The lesson bar walks the training lesson with the keys a presentation clicker sends."""

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def lesson_window(open_window):
    return open_window("training")


def press(qtbot, window, key):
    """As a keyboard or a clicker does: through the window, so that its shortcuts and whatever
    watches its keys see the key before the widget with the focus does."""
    qtbot.keyClick(window.windowHandle(), key)


def test_the_lesson_walks_forward_and_back_with_the_keys(qtbot, lesson_window):
    window, state = lesson_window
    bar = window.lesson_bar
    assert bar.isVisible() and "12" in bar.label.text()
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert bar.run.index == 0 and state.topic_id == "learning-rate"
    assert window.demo_panel.demo.params["lr"] == 0.1
    press(qtbot, window, Qt.Key.Key_Space)
    assert bar.run.index == 1 and window.demo_panel.demo.params["lr"] == 1.0
    press(qtbot, window, Qt.Key.Key_PageDown)  # a prediction step: the demo waits
    assert bar.run.waiting and window.demo_panel.demo.params["lr"] == 1.0
    assert [b.text() for b in bar.choice_buttons] == ["单调收敛", "振荡但收敛", "发散"]
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert bar.run.index == 2  # cannot skip the prediction
    bar.choice_buttons[2].click()
    assert window.demo_panel.demo.params["lr"] == 1.9
    assert "实际结果是“振荡但收敛”" in bar.verdict.text()
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert bar.run.index == 1 and window.demo_panel.demo.params["lr"] == 1.0


def test_the_lesson_follows_the_language_and_ends(qtbot, lesson_window):
    window, state = lesson_window
    bar = window.lesson_bar
    bar.next(), bar.next(), bar.next()
    bar.choice_buttons[1].click()
    window.language_actions["en"].trigger()
    assert bar.label.text().startswith("Step 3 of 12")
    assert "“Oscillate but converge” held" in bar.verdict.text()
    bar.end_button.click()
    assert state.topic_id == "training" and not bar.run.started


def test_page_down_scrolls_normally_where_there_is_no_lesson(qtbot, window, state):
    assert state.topic_id == "learning-rate" and not window.lesson_bar.isVisible()
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert state.topic_id == "learning-rate"


def test_training_steps_set_and_replay_the_animated_demos(qtbot, lesson_window):
    window, state = lesson_window
    bar = window.lesson_bar
    while bar.run.index < 6:  # to step 7, answering the learning-rate predictions on the way
        if bar.run.waiting:
            bar.choice_buttons[0].click()
        bar.next()
    assert state.topic_id == "batch-size" and bar.run.waiting  # step 7 asks first
    demo = window.demo_panel.demo
    assert demo.params["xaxis"] == "steps"  # step 6's setting, until the class has chosen
    bar.choice_buttons[1].click()  # B = 32
    demo = window.demo_panel.demo
    assert demo.params["xaxis"] == "epochs" and demo.playback.is_playing()
    assert "“B = 32”" in bar.verdict.text()
    for _ in range(3):
        bar.next()
    assert state.topic_id == "epoch" and bar.run.waiting
    bar.choice_buttons[1].click()
    demo = window.demo_panel.demo
    assert demo.params["degree"] == 9 and demo.params["early_stop"] == "off"
    assert demo.playback.is_playing() and demo.playback.position < demo.playback.total
    bar.next()
    assert window.demo_panel.demo.params["early_stop"] == "on"
    qtbot.waitUntil(lambda: not demo.playback.is_playing(), timeout=10000)
    assert demo.playback.position == demo.experiment.stop.stopped
