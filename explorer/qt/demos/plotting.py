"""Small helpers every demo's plots share: a quiet plot style and labels that never reflow."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QGraphicsItem, QWidget

from explorer.qt.scaled_label import ScaledLabel


def add_plot(figure: pg.GraphicsLayoutWidget, **place) -> pg.PlotItem:
    """A plot in ``figure`` at ``place`` (row, col, rowspan, colspan), built without pyqtgraph's
    context menus: they are English-only, offer options (log axes, FFT) that would undo a demo's
    fixed view, and building them is a quarter of a plot's cost."""
    return figure.addPlot(enableMenu=False, **place)


def set_log_mode(plot: pg.PlotItem, x: bool, y: bool) -> None:
    """Log or linear axes, as ``PlotItem.setLogMode`` sets them, but without what else it does:
    it turns auto-range back on for both axes (a demo's fixed view would then follow the data
    and its axes be redrawn at every change) and redraws all four axes. Here only an axis whose
    mode changes is redrawn, and the view range stays as the demo sets it."""
    controls = plot.ctrl
    changed = (controls.logXCheck.isChecked() != x, controls.logYCheck.isChecked() != y)
    if not any(changed):
        return
    for box, on in ((controls.logXCheck, x), (controls.logYCheck, y)):
        box.blockSignals(True)  # the boxes keep the mode that items added later take
        box.setChecked(on)
        box.blockSignals(False)
    for item in plot.items:
        if hasattr(item, "setLogMode"):
            item.setLogMode(x, y)
    for side, axis_changed in (("bottom", changed[0]), ("top", changed[0]), ("left", changed[1]), ("right", changed[1])):
        if axis_changed:
            plot.getAxis(side).setLogMode(x, y)


def style_plot(plot: pg.PlotItem, mouse: bool = False) -> None:
    """A light grid, no context menu or auto-range button, and cached axes.

    Axis text is the costliest part of a frame; with a device-coordinate cache an axis that did
    not change is a blit. ``mouse`` keeps pan and zoom for plots where they help.
    """
    plot.showGrid(x=True, y=True, alpha=0.2)
    # pyqtgraph moves the plotted items to a new range only while the frame is painted, and
    # moving them then asks for a second frame: move them when the range is set, one frame.
    plot.vb.sigRangeChanged.connect(_move_items_now)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=mouse, y=mouse)
    for side in ("left", "bottom", "top", "right"):
        # No demo axis has a unit, so a prefix can only mislead ("learning rate (x0.001)" over
        # ticks of 100 for η = 0.1), and working it out relays out each title at every range change.
        plot.getAxis(side).enableAutoSIPrefix(False)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # The grid is drawn by the axes, one line per tick: without the third, finest level of
        # ticks an axis that moves is redrawn in about 4 ms instead of 6 (measured at 560×300).
        axis.setStyle(maxTickLevel=1)
    # The space for tick labels grows when they need it and never shrinks: a narrower label
    # would otherwise resize the plot, and every axis of the figure would be drawn again.
    plot.getAxis("left").setStyle(autoReduceTextSpace=False)


def _move_items_now(view: pg.ViewBox, *_changed) -> None:
    view.updateMatrix()


def legend_brush(theme) -> QBrush:
    """A legend's background: the plot's own colour, nearly opaque, so curves behind stay faint."""
    colour = QColor(theme.plot_background)
    colour.setAlpha(215)
    return QBrush(colour)


def status_label(name: str, lines: int = 2, bold: bool = False) -> ScaledLabel:
    """A word-wrapped label of a fixed number of lines: new text never re-lays out the plots."""
    return ScaledLabel(name, lines=lines, bold=bold)


def log_ticks(low: float, high: float, most_labels: int = 6) -> list[list[tuple[float, str]]]:
    """Ticks for a log axis from ``low`` to ``high`` (data values), as ``AxisItem.setTicks`` takes.

    Decades are labelled (every second, third … decade when there are more than ``most_labels``);
    2 and 5 within each decade are labelled too when the axis spans less than 2.5 decades, and
    left out when it spans more than ``most_labels``. A short axis never shows a column of crowded
    minor labels, and a long one costs few labels to lay out.
    """
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    span = math.log10(high / low)
    label_minor = span < 2.5
    every = max(1, math.ceil((last - first + 1) / most_labels))
    major, minor = [], []
    for exponent in range(first, last + 1):
        decade = 10.0 ** exponent
        if low <= decade <= high:
            (major if exponent % every == 0 else minor).append((math.log10(decade), f"{decade:g}" if exponent % every == 0 else ""))
        if span > most_labels:
            continue
        for factor in (2, 5):
            value = factor * decade
            if low <= value <= high:
                minor.append((math.log10(value), f"{value:g}" if label_minor else ""))
    return [major, minor]


def steady_log_range(low: float, high: float, shown: tuple[float, float] | None = None,
                     per_decade: int = 4) -> tuple[float, float]:
    """log10 bounds for a log axis holding data from ``low`` to ``high`` (both > 0).

    Snapped outward to 1/``per_decade`` of a decade. ``shown`` (the bounds on screen) is kept while
    it holds the data with at most two decades to spare; when the data moves past one of its ends,
    that end moves a decade further than needed. A slider step then mostly leaves the axis, and
    the tick labels pyqtgraph has drawn for it, as they are.
    """
    needed = (math.log10(low), math.log10(high))
    bottom = math.floor(per_decade * needed[0]) / per_decade
    top = math.ceil(per_decade * needed[1]) / per_decade
    if shown is None:
        return bottom, top
    if shown[0] <= needed[0] and needed[1] <= shown[1]:
        if (shown[1] - shown[0]) - (needed[1] - needed[0]) <= 2.0:
            return shown
        return bottom, top
    return (min(shown[0], math.floor(needed[0]) - 1.0) if needed[0] < shown[0] else bottom,
            max(shown[1], math.ceil(needed[1]) + 1.0) if needed[1] > shown[1] else top)


_NICE = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def steady_top(high: float, shown: float | None = None) -> float:
    """The top of a linear axis from 0 holding ``high`` (> 0): a round number, and ``shown`` kept
    while the data still fills more than half of it (see :func:`steady_log_range`)."""
    if shown is not None and 0.5 * shown < high <= shown:
        return shown
    scale = 10.0 ** math.floor(math.log10(high))
    return next(step * scale for step in _NICE if step * scale >= high * (1 - 1e-12))


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
