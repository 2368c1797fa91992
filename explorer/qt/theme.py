"""Colours and fonts shared by the window, the page (CSS) and the plots (pyqtgraph options)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# Okabe–Ito: distinguishable for colour-blind viewers and on washed-out projectors.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
# Chinese fallbacks, most wanted first; a bundled font's family is appended at start if registered.
CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback"]


@dataclass(frozen=True)
class Theme:
    """One colour scheme for the window, the page (CSS) and the plots, switched together.

    ``scale`` enlarges text and markers (the projector theme reads from the back of a room);
    ``line_width`` is the width of every data line.
    """

    name: str
    background: str
    foreground: str
    muted: str
    link: str
    plot_background: str
    plot_foreground: str
    good: str
    warn: str
    bad: str
    line_width: float = 2.0
    panel: str = "#f3f3f3"  # window and button backgrounds
    table_header: str = "#eef2f7"
    code_background: str = "#f4f5f7"
    highlight: str = "#0b57d0"
    mark: str = "#fff2a8"  # search matches in the page
    grid_alpha: float = 0.2
    scale: float = 1.0
    dark: bool = False
    series: tuple[str, ...] = OKABE_ITO  # data colours, in order

    def colour(self, index: int) -> str:
        """The ``index``-th data colour (wrapping round)."""
        return self.series[index % len(self.series)]

    @property
    def marker_scale(self) -> float:
        return self.scale


LIGHT = Theme("light", "#ffffff", "#1b1b1b", "#5f6368", "#0b57d0", "#ffffff", "#202020",
              "#007a4d", "#a15c00", "#c0392b")
DARK = Theme("dark", "#1e1f22", "#e6e6e6", "#a0a4ab", "#8ab4f8", "#17181a", "#d8d8d8",
             "#4cc38a", "#e8a33d", "#ff6b5e", panel="#2b2d31", table_header="#2f3338",
             code_background="#2a2c30", highlight="#3d7be0", mark="#6b5a00", dark=True,
             # Okabe–Ito hues, lightened to stand out on a dark background.
             series=("#56B4E9", "#FF8A4C", "#2CC79A", "#E08FC0", "#F2B134", "#9AD0F5", "#F0E442", "#F0F0F0"))
# High contrast on a washed-out projector: black on white, thick lines, large text and markers.
PROJECTOR = Theme("projector", "#ffffff", "#000000", "#333333", "#0040c0", "#ffffff", "#000000",
                  "#006b3f", "#8a4b00", "#b00020", line_width=4.0, panel="#ececec", table_header="#dde5f0",
                  code_background="#eeeeee", highlight="#0040c0", grid_alpha=0.35, scale=1.35)
THEMES = {theme.name: theme for theme in (LIGHT, DARK, PROJECTOR)}
THEME_CHOICES = ("auto", *THEMES)  # "auto" follows the system's light or dark mode

_current = LIGHT


def current_theme() -> Theme:
    """The theme everything is drawn in now."""
    return _current


def resolve_theme(name: str | None) -> Theme:
    """A theme by name; "auto" (or anything unknown) follows the system's colour scheme."""
    if name in THEMES:
        return THEMES[name]
    hints = QGuiApplication.styleHints() if QGuiApplication.instance() else None
    if hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark:
        return DARK
    return LIGHT


def apply_theme(theme: Theme) -> None:
    """Make ``theme`` current: the application palette and pyqtgraph's defaults.

    The page's CSS and the plots already built are the callers' to refresh (the window
    re-renders the page and rebuilds the demo).
    """
    global _current
    _current = theme
    app = QApplication.instance()
    if app is not None:
        if theme.dark and app.style().name().lower() != "fusion":
            app.setStyle("Fusion")  # native styles may ignore a dark palette
        app.setPalette(palette(theme))
    if "pyqtgraph" in sys.modules:  # else the demo panel configures it after the first paint
        configure_pyqtgraph(theme)


def palette(theme: Theme) -> QPalette:
    """A window palette in the theme's colours."""
    colours = QPalette()
    role = QPalette.ColorRole
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        colours.setColor(group, role.Window, QColor(theme.panel))
        colours.setColor(group, role.WindowText, QColor(theme.foreground))
        colours.setColor(group, role.Base, QColor(theme.background))
        colours.setColor(group, role.AlternateBase, QColor(theme.table_header))
        colours.setColor(group, role.Text, QColor(theme.foreground))
        colours.setColor(group, role.Button, QColor(theme.panel))
        colours.setColor(group, role.ButtonText, QColor(theme.foreground))
        colours.setColor(group, role.Highlight, QColor(theme.highlight))
        colours.setColor(group, role.HighlightedText, QColor("#ffffff"))
        colours.setColor(group, role.ToolTipBase, QColor(theme.background))
        colours.setColor(group, role.ToolTipText, QColor(theme.foreground))
        colours.setColor(group, role.Link, QColor(theme.link))
        colours.setColor(group, role.PlaceholderText, QColor(theme.muted))
    disabled = QColor(theme.muted)
    for item in (role.WindowText, role.Text, role.ButtonText):
        colours.setColor(QPalette.ColorGroup.Disabled, item, disabled)
    colours.setColor(QPalette.ColorGroup.Disabled, role.Base, QColor(theme.panel))
    colours.setColor(QPalette.ColorGroup.Disabled, role.Window, QColor(theme.panel))
    colours.setColor(QPalette.ColorGroup.Disabled, role.Button, QColor(theme.panel))
    return colours


def ui_font(point_size: float | None = None) -> QFont:
    """The application font, with Chinese fallbacks so that no text renders as boxes."""
    font = QFont(QGuiApplication.font())
    # An alias such as "Sans Serif" is not a family name, and a family list skips it: resolve
    # it to the real system font first, or the Chinese fallback would set every Latin letter.
    families = [QFontInfo(font).family(), *CJK_FAMILIES]
    font.setFamilies(list(dict.fromkeys(families)))
    if point_size:
        font.setPointSizeF(point_size)
    return font


def zoomed_font(factor: float) -> QFont:
    """The application font enlarged by ``factor`` (never below 6 pt)."""
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(max(6.0, QGuiApplication.font().pointSizeF() * factor))
    return font


def page_css(theme: Theme | None = None) -> str:
    """The default style sheet of the rendered topic pages."""
    theme = theme or current_theme()
    return f"""
    body {{ color: {theme.foreground}; background-color: {theme.background}; }}
    h1 {{ font-size: x-large; margin-top: 4px; }}
    h2 {{ font-size: large; margin-top: 18px; }}
    h3 {{ font-size: medium; }}
    a {{ color: {theme.link}; text-decoration: none; }}
    a.broken-link {{ color: {theme.bad}; text-decoration: line-through; }}
    a.demo-link {{ color: {theme.good}; font-weight: bold; }}
    a.external-link {{ text-decoration: underline; }}
    p.breadcrumb {{ color: {theme.muted}; }}
    p.notice {{ color: {theme.warn}; }}
    p.answer {{ color: {theme.good}; }}
    p.explanation {{ color: {theme.muted}; }}
    span.missing-image {{ color: {theme.muted}; }}
    table {{ border-collapse: collapse; border-color: {theme.muted}; margin: 6px 0; }}
    th {{ background-color: {theme.table_header}; font-weight: bold; }}
    pre {{ background-color: {theme.code_background}; font-family: monospace; white-space: pre-wrap; }}
    code {{ font-family: monospace; background-color: {theme.code_background}; }}
    span.search-hit {{ background-color: {theme.mark}; }}
    div.question {{ margin-bottom: 10px; }}
    a.choice {{ color: {theme.foreground}; }}
    a.check {{ font-weight: bold; }}
    span.right {{ color: {theme.good}; font-weight: bold; }}
    span.wrong {{ color: {theme.bad}; }}
    p.hint {{ color: {theme.muted}; }}
    """


def configure_pyqtgraph(theme: Theme | None = None) -> None:
    """Global pyqtgraph options for plots built from now on (after QApplication exists), and
    curves painted in device pixels (:mod:`explorer.qt.curve_painting`)."""
    import pyqtgraph as pg

    from explorer.qt import curve_painting

    curve_painting.install()

    theme = theme or current_theme()
    pg.setConfigOptions(
        background=theme.plot_background,
        foreground=theme.plot_foreground,
        antialias=True,
        # Thick antialiased polylines are 5–30× slower unless drawn as segments.
        segmentedLineMode="on",
    )
