"""Small helpers every demo's plots share: a quiet plot style and labels that never reflow."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QGraphicsItem, QWidget

from explorer.qt.scaled_label import ScaledLabel


def style_plot(plot: pg.PlotItem, mouse: bool = False) -> None:
    """A light grid, no context menu or auto-range button, and cached axes.

    Axis text is the costliest part of a frame; with a device-coordinate cache an axis that did
    not change is a blit. ``mouse`` keeps pan and zoom for plots where they help.
    """
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=mouse, y=mouse)
    for side in ("left", "bottom"):
        plot.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def legend_brush(theme) -> QBrush:
    """A legend's background: the plot's own colour, nearly opaque, so curves behind stay faint."""
    colour = QColor(theme.plot_background)
    colour.setAlpha(215)
    return QBrush(colour)


def status_label(name: str, lines: int = 2, bold: bool = False) -> ScaledLabel:
    """A word-wrapped label of a fixed number of lines: new text never re-lays out the plots."""
    return ScaledLabel(name, lines=lines, bold=bold)


def log_ticks(low: float, high: float) -> list[list[tuple[float, str]]]:
    """Ticks for a log axis from ``low`` to ``high`` (data values), as ``AxisItem.setTicks`` takes.

    Decades are labelled; 2 and 5 within each decade are labelled too when the axis spans less
    than 2.5 decades, so a short axis never shows a column of crowded minor labels.
    """
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    label_minor = math.log10(high / low) < 2.5
    major, minor = [], []
    for exponent in range(first, last + 1):
        decade = 10.0 ** exponent
        if low <= decade <= high:
            major.append((math.log10(decade), f"{decade:g}"))
        for factor in (2, 5):
            value = factor * decade
            if low <= value <= high:
                minor.append((math.log10(value), f"{value:g}" if label_minor else ""))
    return [major, minor]


def scale_plot_text(root: QWidget, point_size: float) -> None:
    """Set every plot's tick labels, axis labels, titles and legends under ``root`` to ``point_size``.

    pyqtgraph draws its text in fonts of its own, so zooming a demo's font alone would leave the
    plots small; this is what makes Ctrl+= (and the projector theme) reach the plots too.
    """
    font = QFont(root.font())
    font.setPointSizeF(point_size)
    size = f"{point_size:.1f}pt"
    legend_size = f"{point_size * 0.9:.1f}pt"
    for view in root.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setStyle(tickFont=font)
                item.setLabel(item.labelText, item.labelUnits, item.labelUnitPrefix, **{"font-size": size})
                item.showLabel(bool(item.labelText or item.labelUnits))
            elif isinstance(item, pg.PlotItem):
                item.titleLabel.setText(item.titleLabel.text, size=size)
            elif isinstance(item, pg.LegendItem):
                item.opts["labelTextSize"] = legend_size
                for _sample, label in item.items:
                    label.setText(label.text, size=legend_size)
            elif isinstance(item, pg.TextItem):
                item.setFont(font)
