"""Faults never lose a lesson: an unexpected error is logged, told once, the demo that raised is
reset, and the window goes on working; closing during an animation or an export is clean."""

import sys
import threading

import pytest
from PySide6.QtWidgets import QApplication

from explorer.qt import fault_handler


@pytest.fixture
def faults(open_window, tmp_path, monkeypatch):
    monkeypatch.setenv(fault_handler.ENV_VAR, str(tmp_path / "logs"))
    window, state = open_window("learning-rate", "en")
    handler = fault_handler.FaultHandler(window, show_dialogs=False)
    told = []
    handler.reported.connect(told.append)
    handler.install()
    yield window, state, handler, told
    handler.uninstall()


def break_redraw(demo, monkeypatch):
    def broken():
        raise ValueError("a broken frame")

    monkeypatch.setattr(demo, "redraw", broken)


def test_an_error_in_a_demo_is_logged_told_once_and_the_demo_is_reset(faults, qtbot, monkeypatch):
    window, state, handler, told = faults
    state.set_params({"lr": 1.5})
    broken_demo = window.demo_panel.demo
    break_redraw(broken_demo, monkeypatch)
    for value in (0.2, 0.3, 0.4):  # PySide hands each escaping exception to sys.excepthook
        try:
            broken_demo.set_param("lr", value)
        except ValueError:
            sys.excepthook(*sys.exc_info())
    qtbot.waitUntil(lambda: window.demo_panel.demo is not None and window.demo_panel.demo is not broken_demo)
    assert len(told) == 1
    assert "a broken frame" in told[0] and "Learning-rate demo" in told[0] and "reset to its defaults" in told[0]
    assert str(handler.log_file) in told[0]
    log = handler.log_file.read_text(encoding="utf-8")
    assert log.count("Traceback") == 1 and "ValueError: a broken frame" in log and "demo=learning-rate" in log
    assert "the same error again (2 times so far)" in log
    assert state.params == {}  # back to the defaults
    assert window.demo_panel.demo.params["lr"] == 0.1
    state.go("hmm")  # the window still works
    qtbot.waitUntil(lambda: window.demo_panel.demo_id == "hmm")


def test_the_message_is_in_the_interface_language(faults):
    window, state, handler, told = faults
    state.set_lang("zh")
    try:
        raise KeyError("x")
    except KeyError:
        sys.excepthook(*sys.exc_info())
    assert told and "出现了意外错误" in told[0] and "日志文件" in told[0] and "学习率" in told[0]


def test_an_error_in_a_worker_thread_is_reported_from_the_window_thread(faults, qtbot):
    window, state, handler, told = faults
    seen_in = []
    handler.reported.connect(lambda _text: seen_in.append(threading.current_thread() is threading.main_thread()))

    def work():
        raise RuntimeError("worker failed")

    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(told))
    assert "worker failed" in told[0] and seen_in == [True]
    assert "in thread worker" in handler.log_file.read_text(encoding="utf-8")


def test_the_log_rotates(faults, monkeypatch):
    window, state, handler, told = faults
    monkeypatch.setattr(fault_handler, "LOG_BYTES", 2000)
    fault_handler.close_log()
    for number in range(30):
        try:
            raise OSError(f"disk {number} " + "x" * 200)
        except OSError:
            sys.excepthook(*sys.exc_info())
    files = sorted(handler.folder.glob(fault_handler.LOG_NAME + "*"))
    assert 2 <= len(files) <= fault_handler.LOG_BACKUPS + 1
    assert all(file.stat().st_size < 4000 for file in files)


def test_the_dialog_is_shown_once_and_does_not_block(open_window, tmp_path, monkeypatch, qtbot):
    monkeypatch.setenv(fault_handler.ENV_VAR, str(tmp_path))
    window, state = open_window("learning-rate", "en")
    handler = fault_handler.install(window)
    try:
        for _ in range(3):
            try:
                raise ZeroDivisionError("division by zero")
            except ZeroDivisionError:
                sys.excepthook(*sys.exc_info())
        dialog = handler.dialog
        assert dialog is not None and dialog.isVisible() and not dialog.isModal()
        assert "ZeroDivisionError" in dialog.text() and str(tmp_path) in dialog.informativeText()
        assert sorted(button.text() for button in dialog.buttons()) == ["OK", "Open log folder"]
        assert len([w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]) == 1
        dialog.close()
    finally:
        handler.uninstall()


@pytest.mark.parametrize("topic", ["batch-size", "hmm", "epoch"])
def test_closing_the_window_during_an_animation_is_clean(open_window, qtbot, topic):
    window, state = open_window(topic, "en")
    playback = window.demo_panel.demo.playback
    playback.play()
    qtbot.wait(120)
    assert playback.frames_drawn > 0
    window.close()
    qtbot.wait(60)  # the stopped timer fires no more frames on the closed window


def test_closing_the_window_after_an_export_is_clean(open_window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window, state = open_window("batch-size", "en")
    window.demo_panel.demo.playback.play()
    target = tmp_path / "plot.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.demo_panel.export_requested.emit("png")
    window.close()
    qtbot.wait(60)
    assert target.is_file() and target.stat().st_size > 1000


@pytest.mark.parametrize("lang, words", [("zh", "没有找到任何主题"), ("en", "No topics were found")])
def test_missing_built_in_pages_are_explained_in_place_of_the_page(qtbot, tmp_path, monkeypatch, lang, words):
    from explorer.core import resources
    from explorer.core.content import ContentFolder, load_folders
    from explorer.core.state import ExplorerState
    from explorer.qt.page_view import PageView

    missing = tmp_path / "topics"
    monkeypatch.setattr(resources, "builtin_topics_dir", lambda: missing)
    content = load_folders([ContentFolder(missing, builtin=True)])
    assert len(content.tree) == 0 and content.errors  # the loader says the folder is missing
    view = PageView(ExplorerState(content.tree, None, lang))
    qtbot.addWidget(view)
    view.show_topic()
    text = view.toPlainText()
    assert words in text and str(missing) in text
