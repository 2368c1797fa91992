"""Themes: light, dark and projector switch the window, the page and the plots together at run time."""

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from explorer.qt import theme as themes


@pytest.fixture(autouse=True)
def back_to_light():
    yield
    themes.apply_theme(themes.LIGHT)


def plot_views(demo):
    return demo.findChildren(pg.GraphicsView)


def test_dark_theme_reaches_window_page_formulas_and_plots(window):
    first_demo = window.demo_panel.demo
    window.set_theme("dark")
    assert themes.current_theme() is themes.DARK
    palette = QApplication.instance().palette()
    assert palette.color(QPalette.ColorRole.Window).name() == themes.DARK.panel
    assert palette.color(QPalette.ColorRole.Base).name() == themes.DARK.background
    assert themes.DARK.background in window.page.document().defaultStyleSheet()
    assert window.page.formula_images.ink == themes.DARK.foreground
    demo = window.demo_panel.demo
    assert demo is not first_demo and demo.theme is themes.DARK  # rebuilt in the new colours
    assert demo.params == first_demo.params or demo.params == window.state.params
    for view in plot_views(demo):
        assert view.backgroundBrush().color().name() == themes.DARK.plot_background
    assert window.theme_actions["dark"].isChecked()


def test_projector_theme_enlarges_page_and_plot_text(window):
    demo = window.demo_panel.demo
    tick_before = demo.loss_plot.getAxis("bottom").style["tickFont"]
    size_before = tick_before.pointSizeF() if tick_before else QApplication.font().pointSizeF()
    page_before = window.page.document().defaultFont().pointSizeF()
    window.set_theme("projector")
    demo = window.demo_panel.demo
    assert window.page.document().defaultFont().pointSizeF() == pytest.approx(page_before * 1.35, rel=0.02)
    tick_after = demo.loss_plot.getAxis("bottom").style["tickFont"].pointSizeF()
    assert tick_after > size_before * 1.2
    assert demo.theme.line_width == 4.0


def test_zoom_reaches_the_plots_too(window):
    demo = window.demo_panel.demo
    window.set_zoom(1.0)
    small = demo.loss_plot.getAxis("left").style["tickFont"].pointSizeF()
    window.set_zoom(1.5)
    large = demo.loss_plot.getAxis("left").style["tickFont"].pointSizeF()
    assert large == pytest.approx(small * 1.5, rel=0.05)
    assert "font-size" in demo.loss_plot.getAxis("left").labelStyle


def test_switching_back_to_light_restores_everything(window):
    window.set_theme("dark")
    window.set_theme("light")
    assert themes.current_theme() is themes.LIGHT
    assert window.page.formula_images.ink == themes.LIGHT.foreground
    for view in plot_views(window.demo_panel.demo):
        assert view.backgroundBrush().color().name() == themes.LIGHT.plot_background


def test_auto_follows_the_system_scheme(window):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    expected = themes.DARK if QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark else themes.LIGHT
    assert themes.resolve_theme("auto") is expected
    assert themes.resolve_theme("no-such-theme") is expected
    window.set_theme("auto")
    assert window.theme_actions["auto"].isChecked() and themes.current_theme() is expected


def test_theme_menu_is_translated(window, state):
    assert window.theme_menu.title() == "主题配色"
    assert window.theme_actions["projector"].text().startswith("投影仪")
    state.set_lang("en")
    assert window.theme_menu.title() == "Theme"
    assert window.theme_actions["dark"].text() == "Dark"


def test_every_demo_builds_in_every_theme(qtbot):
    from explorer.qt.demos import REGISTRY

    for theme in themes.THEMES.values():
        themes.apply_theme(theme)
        for entry in REGISTRY.values():
            demo = entry.widget("en")
            qtbot.addWidget(demo)
            demo.resize(640, 800)
            demo.grab()
            assert demo.theme is theme
            demo.cleanup()


def test_choosing_a_theme_at_start_does_not_import_pyqtgraph():
    import subprocess
    import sys

    code = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
            "from explorer.qt import theme; theme.apply_theme(theme.DARK); print('pyqtgraph' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
