"""Small helpers every demo's plots share: a quiet plot style and labels that never reflow."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QWidget

from explorer.qt.curve_painting import device_points, draw_line
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


GRID_ALPHA = 0.2  # the grid's strongest lines: this share of the axis colour's opacity


class GridLines(pg.GraphicsObject):
    """A plot's grid: a faint line at every tick of the bottom axis (vertical lines) and of the
    left axis (horizontal lines), behind the data.

    pyqtgraph draws its grid as part of the axes, which makes each axis as large as the plot: any
    change of a curve then repaints both axes too (from a cache the size of the plot, or their
    labels again), 1–4 ms of every control change measured on the busiest demos. Here the lines
    are one item of their own, one pixel wide and not antialiased, which Qt draws in a few
    microseconds, and the axes stay strips beside the plot. Tick positions are the axes' own, with
    pyqtgraph's fading for finer tick levels and for crowded ticks.
    """

    def __init__(self, plot: pg.PlotItem):
        super().__init__()
        self.plot = plot
        self.vertical = self.horizontal = True
        self._rect: QRectF | None = None
        self._ticks: dict[str, tuple] = {}  # axis side → (what the ticks depend on, tick levels)
        self._drawn: tuple | None = None  # (what the lines depend on, the lines): see _lines
        self.setZValue(-1e9)
        plot.vb.addItem(self, ignoreBounds=True)

    def show_lines(self, vertical: bool, horizontal: bool) -> None:
        self.vertical, self.horizontal = vertical, horizontal
        self.update()

    def viewTransformChanged(self) -> None:
        """pyqtgraph calls this when the view's range or size changes: the grid covers the view."""
        self._rect = None
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            view = self.getViewBox()
            self._rect = view.viewRect() if view is not None else QRectF()
        return QRectF(self._rect)

    def _levels(self, side: str, pixels: float) -> list[list[float]]:
        """Tick positions per level (coarsest first), as the axis on ``side`` places its ticks."""
        axis = self.plot.getAxis(side)
        key = (tuple(axis.range), round(pixels), axis.logMode, id(axis._tickLevels), axis.style["maxTickLevel"])
        known = self._ticks.get(side)
        if known is None or known[0] != key:
            if axis._tickLevels is not None:  # ticks the demo set itself
                levels = [[value for value, _label in level] for level in axis._tickLevels]
            else:
                levels = [list(values) for _spacing, values in axis.tickValues(axis.range[0], axis.range[1], pixels)]
            known = self._ticks[side] = (key, levels)
        return known[1]

    def _lines(self, view) -> list[tuple[QPen, list[QLineF]]]:
        """The grid as (pen, lines) pairs, worked out again only when the view's range or size,
        the ticks, the axes' colour or the lines shown change: the grid is painted again with
        every change of the data in front of it."""
        rect = view.viewRect()
        sides = []
        for side, shown, pixels in (("bottom", self.vertical, view.width()), ("left", self.horizontal, view.height())):
            if shown and pixels > 0:
                sides.append((side, pixels, self._levels(side, pixels), self.plot.getAxis(side).pen().color().rgba()))
        key = (rect.getRect(), [(side, self._ticks[side][0], ink) for side, _pixels, _levels, ink in sides])
        if self._drawn is not None and self._drawn[0] == key:
            return self._drawn[1]
        drawing = []
        for side, pixels, levels, ink in sides:
            low, high = (rect.left(), rect.right()) if side == "bottom" else (rect.top(), rect.bottom())
            for level, values in enumerate(levels):
                inside = [value for value in values if low <= value <= high]
                if not inside:
                    continue
                # pyqtgraph's own fading: finer levels fainter, and crowded ticks fainter still.
                fade = min(1.0, max(0.0, 0.05 * pixels / (len(values) + 1)))
                colour = QColor.fromRgba(ink)
                colour.setAlphaF(colour.alphaF() * GRID_ALPHA / (level + 1) * fade)
                pen = QPen(colour, 1)
                pen.setCosmetic(True)
                if side == "bottom":
                    drawing.append((pen, [QLineF(x, rect.top(), x, rect.bottom()) for x in inside]))
                else:
                    drawing.append((pen, [QLineF(rect.left(), y, rect.right(), y) for y in inside]))
        self._drawn = (key, drawing)
        return drawing

    def paint(self, painter: QPainter, *_args) -> None:
        view = self.getViewBox()
        if view is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for pen, lines in self._lines(view):
            painter.setPen(pen)
            painter.drawLines(lines)


class _MarginedItem(pg.GraphicsObject):
    """An item whose rectangle is its data's extent (in the plot's units) widened by a margin in
    pixels, worked out once per change of the data or of the view. Subclasses say what the
    extent is (``_data_extent``) and how far they reach beyond it (``_margin``), and set
    ``_rect`` to None (and call ``prepareGeometryChange``) when their data changes."""

    _rect: QRectF | None = None

    def _data_extent(self) -> QRectF | None:
        raise NotImplementedError

    def _margin(self) -> tuple[float, float]:
        raise NotImplementedError

    def viewTransformChanged(self) -> None:
        """pyqtgraph calls this when the view's range or size changes: the margin in the plot's
        units changes with it."""
        self._rect = None
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            extent = self._data_extent()
            if extent is None:
                self._rect = QRectF()
            else:
                across, up = self._margin()
                reach_x, reach_y = (self.pixelWidth() or 0.0) * across, (self.pixelHeight() or 0.0) * up
                self._rect = extent.adjusted(-reach_x, -reach_y, reach_x, reach_y)
        return QRectF(self._rect)


class CurveSet(_MarginedItem):
    """Many curves of one plot, each with its own pen, as one item.

    A pyqtgraph curve is an item of its own: every change of its data signals, invalidates and
    works out its bounds, and every frame asks it for them again before it paints. Here the
    curves share one item, one bounding rectangle and one paint. They are drawn in the order of
    their pens, in device pixels (see :mod:`explorer.qt.curve_painting`), a solid pen as separate
    segments (thick antialiased polylines are several times slower) and a dashed or dotted one as
    one polyline (segments would each start its pattern again and come out solid). The data
    must be finite: :meth:`set_curves` refuses it otherwise.
    """

    def __init__(self, pens):
        super().__init__()
        self.pens = [pg.mkPen(pen) for pen in pens]
        self._solid = [pen.style() == Qt.PenStyle.SolidLine for pen in self.pens]
        self._data: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(self.pens)
        self._extents: list[tuple[float, float, float, float] | None] = [None] * len(self.pens)
        self._buffers: list = [None] * len(self.pens)  # each curve's segments, reused
        self._antialias = bool(pg.getConfigOption("antialias"))
        self._padding = max((pen.widthF() for pen in self.pens), default=1.0) / 2 + 1  # pixels

    def curve(self, index: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The (x, y) of curve ``index``, None when it is not drawn."""
        return self._data[index]

    def set_curves(self, changes) -> None:
        """``changes`` maps a curve's index to its new (x, y), or to None to stop drawing it."""
        changes = dict(changes)
        if not changes:
            return
        for index, data in changes.items():
            if data is None or len(data[0]) == 0:
                self._data[index] = self._extents[index] = None
                continue
            x, y = np.asarray(data[0], dtype=float), np.asarray(data[1], dtype=float)
            if x.shape != y.shape or not (np.isfinite(x).all() and np.isfinite(y).all()):
                raise ValueError("a curve needs as many finite x as y values")
            self._data[index] = (x, y)
            self._extents[index] = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
        self.prepareGeometryChange()
        self._rect = None
        self.update()

    def _extent(self) -> tuple[float, float, float, float] | None:
        extents = [extent for extent in self._extents if extent is not None]
        if not extents:
            return None
        return (min(e[0] for e in extents), max(e[1] for e in extents),
                min(e[2] for e in extents), max(e[3] for e in extents))

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):
        """The data's extent along ``axis`` (0: x, 1: y), for a view that ranges itself on it."""
        extent = self._extent()
        if extent is None:
            return None, None
        return extent[:2] if axis == 0 else extent[2:]

    def pixelPadding(self) -> float:
        return self._padding

    def _data_extent(self) -> QRectF | None:
        extent = self._extent()
        if extent is None:
            return None
        left, right, bottom, top = extent
        return QRectF(left, bottom, right - left, top - bottom)

    def _margin(self) -> tuple[float, float]:
        return self._padding, self._padding

    def paint(self, painter: QPainter, *_args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias)
        for index, (pen, solid, data) in enumerate(zip(self.pens, self._solid, self._data)):
            if data is None:
                continue
            painter.setPen(pen)
            points = device_points(painter, *data)
            if points is None:  # far outside the view: in data coordinates, which Qt clips
                draw_line(painter, *data, solid)
                continue
            painter.save()
            painter.resetTransform()
            self._buffers[index] = draw_line(painter, *points, solid, self._buffers[index])
            painter.restore()


class PlotTexts(_MarginedItem):
    """Short texts at points of a plot, each in its own colour, drawn as one item.

    pyqtgraph's TextItem is a whole text document per label: it works out its own transform
    whenever the view moves and lays out its text to paint it. The consistency heatmap writes up
    to 64 values, and they cost a question change 3–4 ms. Here the texts are drawn in one paint,
    at their points but in the view's pixels, so they keep their size however the plot is
    scaled. ``anchor`` is TextItem's: (0.5, 0.5) centres each text on its point.
    """

    def __init__(self, anchor: tuple[float, float] = (0.5, 0.5)):
        super().__init__()
        self.anchor = anchor
        self.texts: list[tuple[float, float, str, QColor]] = []
        self._widths: list[float] = []
        self._font = QFont()
        self._extent = QRectF()

    def font(self) -> QFont:
        return QFont(self._font)

    def setFont(self, font: QFont) -> None:
        self._font = QFont(font)
        self.set_texts(self.texts, force=True)

    def set_texts(self, texts: list[tuple[float, float, str, QColor]], force: bool = False) -> None:
        """``texts``: (x, y, text, colour), x and y in the plot's coordinates."""
        texts = list(texts)
        if texts == self.texts and not force:
            return
        self.prepareGeometryChange()
        self.texts = texts
        metrics = QFontMetricsF(self._font)
        self._widths = [metrics.horizontalAdvance(text) for _x, _y, text, _colour in texts]
        if texts:
            xs, ys = [x for x, *_ in texts], [y for _x, y, *_ in texts]
            self._extent = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        else:
            self._extent = QRectF()
        self._rect = None
        self.update()

    def _data_extent(self) -> QRectF | None:
        return QRectF(self._extent) if self.texts else None

    def _margin(self) -> tuple[float, float]:
        """As far as a text reaches from its point, in pixels."""
        return max(self._widths), QFontMetricsF(self._font).height()

    def paint(self, painter: QPainter, *_args) -> None:
        if not self.texts:
            return
        to_view = painter.transform()
        metrics = QFontMetricsF(self._font)
        across, down = self.anchor
        baseline = metrics.ascent() - down * metrics.height()  # below the point, for the anchor
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        for (x, y, text, colour), width in zip(self.texts, self._widths):
            point = to_view.map(QPointF(x, y))
            painter.setPen(colour)
            painter.drawText(QPointF(point.x() - across * width, point.y() + baseline), text)
        painter.restore()


def show_grid(plot: pg.PlotItem, x: bool = True, y: bool = True) -> None:
    """Which grid lines a plot styled by :func:`style_plot` shows: vertical (``x``), horizontal (``y``)."""
    plot.grid_lines.show_lines(x, y)


def style_plot(plot: pg.PlotItem, mouse: bool = False) -> None:
    """A light grid, no context menu or auto-range button, and cached axes.

    Axis text is the costliest part of a frame; with a device-coordinate cache an axis that did
    not change is a blit. ``mouse`` keeps pan and zoom for plots where they help.
    """
    plot.grid_lines = GridLines(plot)
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
        # Two levels of ticks (and grid lines), not three: a third crowds the axis with unlabelled
        # ticks and costs a third more to draw when the axis moves.
        axis.setStyle(maxTickLevel=1)
    # The space for tick labels grows when they need it and never shrinks: a narrower label
    # would otherwise resize the plot, and every axis of the figure would be drawn again.
    plot.getAxis("left").setStyle(autoReduceTextSpace=False)
    reserve_tick_text(plot.getAxis("left"))


TYPICAL_WIDE_TICK = "0.0001"  # as wide as the demos' tick labels get ("1e+03", "-1000", "0.05")


def reserve_tick_text(axis: pg.AxisItem, font: QFont | None = None) -> None:
    """Room beside a vertical axis for tick labels as wide as TYPICAL_WIDE_TICK from the start.

    pyqtgraph widens an axis when a wider label first appears, while painting: the plot then
    moves aside and the whole figure is painted a second time (and the student sees it jump).
    """
    metrics = QFontMetrics(font or axis.style["tickFont"] or QFont())
    needed = metrics.horizontalAdvance(TYPICAL_WIDE_TICK) + 2
    if needed > axis.textWidth:
        axis.textWidth = needed  # what pyqtgraph keeps as the widest label seen
        axis.setWidth(None)  # an automatic width, worked out again from it


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
                if item.orientation in ("left", "right"):
                    reserve_tick_text(item, font)
                item.setLabel(item.labelText, item.labelUnits, item.labelUnitPrefix, **{"font-size": size})
                item.showLabel(bool(item.labelText or item.labelUnits))
            elif isinstance(item, pg.PlotItem):
                item.titleLabel.setText(item.titleLabel.text, size=size)
            elif isinstance(item, pg.LegendItem):
                item.opts["labelTextSize"] = legend_size
                for _sample, label in item.items:
                    label.setText(label.text, size=legend_size)
            elif isinstance(item, (pg.TextItem, PlotTexts)):
                item.setFont(font)
