"""Curves painted in device pixels look as pyqtgraph's own painting does, and anything but a plain
line in a plain view is left to pyqtgraph."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from explorer.qt import curve_painting
from explorer.qt.theme import configure_pyqtgraph


@pytest.fixture
def figure(qtbot):
    configure_pyqtgraph()
    figure = pg.GraphicsLayoutWidget()
    figure.setBackground("w")
    qtbot.addWidget(figure)
    plot = figure.addPlot(row=0, col=0)
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.setRange(xRange=(0, 10), yRange=(-1.5, 1.5), padding=0)
    figure.resize(500, 300)
    figure.show()
    return figure, plot


def picture(figure, original: bool, monkeypatch) -> np.ndarray:
    """The figure's pixels (lightness), painted by our route or by pyqtgraph's own."""
    with monkeypatch.context() as patch:
        if original:
            patch.setattr(pg.PlotCurveItem, "paint", curve_painting._ORIGINAL_PAINT)
        image = figure.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    rows = [[QColor(image.pixel(x, y)).lightness() for x in range(image.width())] for y in range(image.height())]
    return np.array(rows, dtype=int)


def test_thick_solid_and_dashed_curves_look_as_pyqtgraph_paints_them(figure, monkeypatch):
    figure, plot = figure
    xs = np.linspace(0, 10, 200)
    plot.plot(xs, np.sin(xs), pen=pg.mkPen("k", width=3))
    dashed = plot.plot(xs, np.cos(xs) * 0.8, pen=pg.mkPen("k", width=2, style=Qt.PenStyle.DashLine))
    dashed.curve.setSegmentedLineMode("off")
    ours, theirs = picture(figure, False, monkeypatch), picture(figure, True, monkeypatch)
    assert (ours < 128).sum() > 2000  # the lines are there
    assert (np.abs(ours - theirs) > 96).mean() < 0.005  # the same lines, up to antialiasing
    assert plot.listDataItems()[0].curve._device_segments is not None  # by the quick route


def test_a_curve_with_gaps_or_far_out_points_is_left_to_pyqtgraph(figure, monkeypatch):
    figure, plot = figure
    xs = np.linspace(0, 10, 50)
    ys = np.sin(xs)
    ys[20] = np.nan
    with_gap = plot.plot(xs, ys, pen=pg.mkPen("k", width=2), connect="finite")
    far = plot.plot([0.0, 5.0, 10.0], [0.0, 1e12, 0.0], pen=pg.mkPen("k", width=2))
    ours, theirs = picture(figure, False, monkeypatch), picture(figure, True, monkeypatch)
    assert np.array_equal(ours, theirs)
    assert getattr(with_gap.curve, "_device_segments", None) is None
    assert getattr(far.curve, "_device_segments", None) is None


def test_device_points_only_for_a_view_that_scales_and_shifts():
    image = QImage(20, 20, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        painter.setTransform(QTransform(2, 0, 0, -3, 5, 7))
        xs, ys = curve_painting.device_points(painter, np.array([0.0, 1.0]), np.array([0.0, 1.0]))
        assert xs.tolist() == [5.0, 7.0] and ys.tolist() == [7.0, 4.0]
        painter.setTransform(QTransform().rotate(30))
        assert curve_painting.device_points(painter, np.array([0.0, 1.0]), np.array([0.0, 1.0])) is None
    finally:
        painter.end()
