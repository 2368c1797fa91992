"""Widgets under test: a real main window on the built-in content, offscreen."""

import gc

import pytest

from explorer.core.content import load_content
from explorer.core.state import ExplorerState


@pytest.fixture(scope="session")
def content():
    return load_content()


@pytest.fixture(autouse=True)
def _light_theme_after():
    """The theme is the application's: a test that switches to the projector theme (larger text)
    must not leave the next test's window in it."""
    yield
    from explorer.qt.theme import LIGHT, apply_theme, current_theme

    if current_theme() is not LIGHT:
        apply_theme(LIGHT)


@pytest.fixture(autouse=True)
def _earlier_garbage_collected():
    """Collect what earlier tests left (closed windows, demos and plots, often in reference
    cycles) before each test starts. A full collection that fell inside a test took up to 4 s,
    destroying those Qt objects, and the test missed a timer it was waiting for."""
    gc.collect()


@pytest.fixture
def state(content):
    return ExplorerState(content.tree, "learning-rate", "zh")


@pytest.fixture
def open_window(qtbot, content):
    """Open a window on ``topic`` and wait until its demo is built; returns (window, state)."""
    from explorer.qt.main_window import MainWindow

    opened = []

    def open_on(topic: str = "learning-rate", lang: str = "zh"):
        state = ExplorerState(content.tree, topic, lang)
        window = MainWindow(state, content)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.ready, timeout=10000):
            window.show()
        window.activateWindow()
        window.page.setFocus()
        opened.append(window)
        return window, state

    yield open_on
    for window in opened:
        window.demo_panel.close_demo()


@pytest.fixture
def window(qtbot, state, content):
    from explorer.qt.main_window import MainWindow

    window = MainWindow(state, content)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=10000):
        window.show()
    yield window
    window.demo_panel.close_demo()


@pytest.fixture
def make_demo(qtbot):
    """Build a demo widget at a typical panel size, shown, with whatever its first drawing left
    for the next frames drawn too (``settle=False`` keeps that waiting); cleaned up after the test."""
    built = []

    def make(widget_class, lang: str = "zh", params=None, settle: bool = True):
        demo = widget_class(lang, params or {})
        qtbot.addWidget(demo)
        demo.resize(640, 820)
        demo.show()
        if settle:
            demo.settle()
        built.append(demo)
        return demo

    yield make
    for demo in built:
        demo.cleanup()
