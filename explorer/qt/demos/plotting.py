"""Small helpers every demo's plots share: a quiet plot style and labels that never reflow."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QLabel


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


def status_label(name: str, lines: int = 2, bold: bool = False) -> QLabel:
    """A word-wrapped label of a fixed number of lines: new text never re-lays out the plots."""
    label = QLabel(objectName=name)
    label.setWordWrap(True)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    label.setFixedHeight(lines * label.fontMetrics().lineSpacing() + 4)
    return label
