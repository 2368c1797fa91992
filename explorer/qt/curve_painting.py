"""Curves painted in the screen's pixels rather than in their data's coordinates.

pyqtgraph paints a curve in the coordinates of its data, under the view's transform (a scaling
and a shift). Qt's raster engine draws a cosmetic pen wider than one pixel under a scaling by its
general route: the outline of every segment is worked out, transformed and filled. Given the
same lines in device pixels it takes its fast route, about six times quicker (ten curves of 60
points, 2 px wide and antialiased: 2.8 ms against 0.5 ms, measured here). Every data line of the
demos is 2 px wide (4 px in the projector theme), so this was most of what painting a control
change cost. The lines drawn are the same; only where the arithmetic happens moves.

:func:`install` makes every pyqtgraph curve paint this way where it can: a plain line (no fill,
no steps) with cosmetic pens, in a view that only scales and shifts, whose points land within
``DEVICE_LIMIT`` pixels. Anything else (a NaN in the data, a view zoomed far in) is left to
pyqtgraph's own painting, which clips and skips as it always did.

Either way a dashed or dotted pen draws its curve as one polyline. Curves are otherwise drawn as
separate segments (``segmentedLineMode``: thick antialiased polylines are many times slower),
and each segment starts the pen's pattern anew: a curve of short segments came out solid,
unlike its legend entry. Patterned curves are few and thin, and the polyline costs them a
fraction of a millisecond.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotCurveItem import arrayToLineSegments
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QTransform

DEVICE_LIMIT = 1e5  # pixels: points further out are left to Qt's own clipping
_SIMPLE = (QTransform.TransformationType.TxNone, QTransform.TransformationType.TxTranslate,
           QTransform.TransformationType.TxScale)


def device_points(painter: QPainter, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``x`` and ``y`` mapped by the painter's transform to device pixels, or None when that
    transform turns or shears, or a point is not finite or lands further out than DEVICE_LIMIT."""
    transform = painter.transform()
    if transform.type() not in _SIMPLE or len(x) == 0:
        return None
    xs = x * transform.m11() + transform.dx()
    ys = y * transform.m22() + transform.dy()
    # NaN fails both comparisons too.
    if not (np.abs(xs).max() < DEVICE_LIMIT and np.abs(ys).max() < DEVICE_LIMIT):
        return None
    return xs, ys


def draw_line(painter: QPainter, xs: np.ndarray, ys: np.ndarray, segmented: bool, buffer=None):
    """Draw the line through device points ``xs``, ``ys`` with the painter's pen, as separate
    segments or as one polyline (which keeps a dashed pen's pattern); returns the segment buffer
    to pass back next time."""
    if segmented:
        buffer = arrayToLineSegments(xs, ys, connect="all", finiteCheck=False, out=buffer)
        painter.drawLines(*buffer.drawargs())
    else:
        painter.drawPolyline(pg.functions.arrayToQPolygonF(xs, ys))
    return buffer


def _drawn_pens(curve: pg.PlotCurveItem) -> list | None:
    """The pens a plain curve draws with, or None if it is more than a plain line."""
    opts = curve.opts
    brush = opts["brush"]
    filled = opts["fillLevel"] is not None and not (brush is None or brush.style() == Qt.BrushStyle.NoBrush)
    if filled or opts["stepMode"] or opts["compositionMode"] is not None or opts["connect"] not in ("all", "finite"):
        return None
    pens = [opts[kind] for kind in ("shadowPen", "pen")
            if opts[kind] is not None and opts[kind].style() != Qt.PenStyle.NoPen]
    return pens if all(pen.isCosmetic() for pen in pens) else None


def _paint(curve: pg.PlotCurveItem, painter: QPainter, option, widget) -> None:
    pens = _drawn_pens(curve)
    x, y = curve.getData()
    points = None if pens is None or x is None or len(x) < 2 else device_points(painter, x, y)
    if points is None or (widget is not None and widget.inherits("QOpenGLWidget")):
        _ORIGINAL_PAINT(curve, painter, option, widget)
        return
    export = curve._exportOpts
    antialias = export.get("antialias", True) if export is not False else curve.opts["antialias"]
    painter.save()
    painter.resetTransform()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    for pen in pens:
        painter.setPen(pen)
        curve._device_segments = draw_line(painter, *points, curve._shouldUseDrawLineSegments(pen),
                                           getattr(curve, "_device_segments", None))
    painter.restore()


def _segmented(curve: pg.PlotCurveItem, pen) -> bool:
    """Whether ``curve`` draws with ``pen`` as separate segments: as pyqtgraph decides, but never
    for a dashed or dotted pen."""
    return pen.style() == Qt.PenStyle.SolidLine and _ORIGINAL_SEGMENTED(curve, pen)


_ORIGINAL_PAINT = pg.PlotCurveItem.paint
_ORIGINAL_SEGMENTED = pg.PlotCurveItem._shouldUseDrawLineSegments


def install() -> None:
    """Make every pyqtgraph curve paint in device pixels where it can, and keep the patterns of
    dashed and dotted pens (once per process)."""
    if pg.PlotCurveItem.paint is _ORIGINAL_PAINT:
        pg.PlotCurveItem.paint = pg.debug.warnOnException(_paint)  # as pyqtgraph guards its own
        pg.PlotCurveItem._shouldUseDrawLineSegments = _segmented
