"""Axis ranges that hold the data and stay put for small changes."""

import math

import pytest

from explorer.qt.demos.plotting import log_ticks, steady_log_range, steady_top


def test_log_range_snaps_outward_to_quarter_decades():
    assert steady_log_range(0.012, 3.0) == (math.floor(4 * math.log10(0.012)) / 4, math.ceil(4 * math.log10(3.0)) / 4)


@pytest.mark.parametrize("low, high", [(1e-9, 1e3), (0.5, 0.6), (2.0, 2.0), (1e-16, 1e-15)])
def test_log_range_holds_the_data(low, high):
    bottom, top = steady_log_range(low, high)
    assert bottom <= math.log10(low) and math.log10(high) <= top


def test_log_range_is_kept_while_the_data_fits_with_at_most_two_decades_to_spare():
    shown = steady_log_range(0.01, 10.0)
    assert steady_log_range(0.02, 8.0, shown) == shown
    assert steady_log_range(0.1, 5.0, shown) == shown
    assert steady_log_range(1.0, 5.0, shown) == (0.0, 0.75)  # almost three decades to spare: shrink


def test_log_range_moves_a_decade_further_than_needed_on_the_side_the_data_left():
    shown = steady_log_range(0.01, 10.0)
    moved = steady_log_range(0.005, 10.0, shown)
    assert moved == (-4.0, shown[1])
    for low in (0.004, 0.002, 0.0011):  # the next steps of a slider fit without a change
        assert steady_log_range(low, 10.0, moved) == moved
    assert steady_log_range(0.01, 200.0, shown) == (shown[0], 4.0)


def test_linear_top_is_round_holds_the_data_and_is_kept_while_more_than_half_full():
    assert steady_top(0.93) == 1.0 and steady_top(1.2) == 1.5 and steady_top(7.1) == 8.0 and steady_top(0.031) == 0.04
    assert steady_top(1.0) == 1.0
    assert steady_top(0.6, shown=1.0) == 1.0
    assert steady_top(0.4, shown=1.0) == 0.4
    assert steady_top(1.1, shown=1.0) == 1.5


def test_log_ticks_label_few_decades_on_a_long_axis():
    major, minor = log_ticks(1e-16, 1e3)
    assert 3 <= len(major) <= 6
    assert all(label == "" for _, label in minor)
    assert all(float(label) > 0 for _, label in major)


def test_log_ticks_label_two_and_five_on_a_short_axis():
    major, minor = log_ticks(0.1, 10.0)
    assert [label for _, label in major] == ["0.1", "1", "10"]
    assert {"0.2", "0.5", "2", "5"} <= {label for _, label in minor}


def test_the_grid_is_one_item_behind_the_data_at_the_axes_ticks(qtbot):
    import pyqtgraph as pg

    from explorer.qt.demos.plotting import add_plot, show_grid, style_plot

    figure = pg.GraphicsLayoutWidget()
    qtbot.addWidget(figure)
    plot = add_plot(figure, row=0, col=0)
    style_plot(plot)
    plot.disableAutoRange()
    plot.setXRange(0, 30, padding=0)
    plot.setYRange(0, 1, padding=0)
    figure.resize(600, 400)
    figure.show()
    qtbot.waitExposed(figure)
    grid = plot.grid_lines
    assert not plot.getAxis("bottom").grid and not plot.getAxis("left").grid  # the axes stay strips
    curve = plot.plot([0, 30], [0, 1])
    assert grid.zValue() < curve.zValue() and grid.parentItem() is curve.parentItem()  # behind the data
    axis = plot.getAxis("bottom")
    ticks = [list(values) for _spacing, values in axis.tickValues(0, 30, plot.vb.width())]
    assert grid._levels("bottom", plot.vb.width()) == ticks and 10.0 in ticks[0]  # the axis's own ticks
    assert grid.boundingRect() == plot.vb.viewRect()
    plot.setXRange(0, 5, padding=0)  # the grid follows the view
    assert grid.boundingRect() == plot.vb.viewRect()
    plot.getAxis("bottom").setTicks([[(1.0, "one"), (4.0, "four")]])
    assert grid._levels("bottom", plot.vb.width()) == [[1.0, 4.0]]  # ticks a demo sets itself
    # Drawn: a pixel on the tick at x = 1 differs from one between ticks, and not when hidden.
    from PySide6.QtCore import QPointF

    def lightness(x: float) -> int:
        qtbot.wait(10)
        point = plot.vb.mapViewToScene(QPointF(x, 0.95)).toPoint()  # off the horizontal lines
        return figure.grab().toImage().pixelColor(point).lightness()

    assert lightness(1.0) != lightness(2.5)
    show_grid(plot, x=False, y=True)
    assert not grid.vertical and grid.horizontal
    assert lightness(1.0) == lightness(2.5)


def bare_white_plot(qtbot):
    """A figure with one plot on white, without axes: what is drawn is all that is dark."""
    import pyqtgraph as pg

    from explorer.qt.demos.plotting import add_plot

    figure = pg.GraphicsLayoutWidget()
    figure.setBackground("w")
    qtbot.addWidget(figure)
    plot = add_plot(figure, row=0, col=0)
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    return figure, plot


@pytest.mark.parametrize("far", [False, True])
def test_a_dense_dashed_curve_shows_its_dashes(qtbot, monkeypatch, far):
    """Many short segments (a smooth curve): drawn as one polyline, the dashes leave gaps, even
    with segments asked for, and also when a point far outside the view leaves the painting to
    pyqtgraph. (Drawn segment by segment, as pyqtgraph 0.14 on Qt 6.11 does by default here, the
    same row of pixels is all ink.)"""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor

    from explorer.qt import curve_painting

    curve_painting.install()
    left_to_pyqtgraph = []
    original = curve_painting._ORIGINAL_PAINT
    monkeypatch.setattr(curve_painting, "_ORIGINAL_PAINT",
                        lambda *args: left_to_pyqtgraph.append(True) or original(*args))
    figure, plot = bare_white_plot(qtbot)
    plot.setXRange(0, 1, padding=0)
    plot.setYRange(-1, 1, padding=0)
    xs = np.linspace(0, 1, 400)  # segments of about one pixel
    ys = np.zeros_like(xs)
    if far:
        xs, ys = np.append(xs, 1e9), np.append(ys, 0.0)
    curve = plot.plot(xs, ys, pen=pg.mkPen("k", width=3, style=Qt.PenStyle.DashLine))
    curve.curve.setSegmentedLineMode("on")
    figure.resize(420, 200)
    image = figure.grab().toImage()
    middle = image.height() // 2
    ink = [QColor(image.pixel(x, middle)).lightness() < 128 for x in range(40, image.width() - 40)]
    assert 0.3 < sum(ink) / len(ink) < 0.9  # ink and gaps
    assert bool(left_to_pyqtgraph) == far  # which painting drew it


def test_plot_texts_sit_at_their_points_and_keep_their_size_when_the_view_zooms(qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QFont
    from PySide6.QtWidgets import QWidget

    from explorer.qt.demos.plotting import PlotTexts, scale_plot_text

    figure, plot = bare_white_plot(qtbot)
    texts = PlotTexts()
    font = QFont()
    font.setPixelSize(20)
    texts.setFont(font)
    plot.addItem(texts)
    texts.set_texts([(2.0, 3.0, "88", QColor("black"))])
    figure.resize(400, 300)

    def ink_box():
        """The centre and size of the dark pixels, and where (2, 3) is in the view."""
        image = figure.grab().toImage()
        dark = [(x, y) for y in range(image.height()) for x in range(image.width())
                if QColor(image.pixel(x, y)).lightness() < 100]
        xs, ys = [x for x, _ in dark], [y for _, y in dark]
        point = plot.vb.mapViewToDevice(QPointF(2.0, 3.0))
        return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2), (max(xs) - min(xs), max(ys) - min(ys)), point

    plot.setRange(xRange=(0, 4), yRange=(0, 6), padding=0)
    centre, size, point = ink_box()
    assert abs(centre[0] - point.x()) < 3 and abs(centre[1] - point.y()) < 4  # centred on its point
    assert 11 < size[1] < 20  # digits of a 20-pixel font (about 0.7 of it tall)
    plot.setRange(xRange=(1, 3), yRange=(2, 4), padding=0)  # zoomed in twice over
    zoomed_centre, zoomed_size, zoomed_point = ink_box()
    assert abs(zoomed_centre[0] - zoomed_point.x()) < 3 and abs(zoomed_centre[1] - zoomed_point.y()) < 4
    assert zoomed_size == size  # the same pixels wherever the view is
    assert texts.boundingRect().contains(QPointF(2.0, 3.0))

    holder = QWidget()
    qtbot.addWidget(holder)
    figure.setParent(holder)
    scale_plot_text(holder, 24.0)  # Ctrl+= and the projector theme reach these texts too
    assert texts.font().pointSizeF() == 24.0
    texts.set_texts([])
    assert texts.boundingRect().isEmpty()


def test_a_curve_set_draws_each_curve_with_its_pen_and_keeps_dashes(qtbot):
    """A solid curve is ink all along; a dashed one, dense in points, leaves gaps; a curve set to
    None is not drawn; the item's rectangle holds the curves and follows them."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor

    from explorer.qt.demos.plotting import CurveSet

    figure, plot = bare_white_plot(qtbot)
    plot.setRange(xRange=(0, 1), yRange=(0, 3), padding=0)
    curves = CurveSet([pg.mkPen("k", width=3), pg.mkPen("k", width=3, style=Qt.PenStyle.DashLine),
                       pg.mkPen("k", width=3)])
    plot.addItem(curves)
    xs = np.linspace(0, 1, 400)  # segments of about one pixel
    curves.set_curves({0: (xs, np.full_like(xs, 1.0)), 1: (xs, np.full_like(xs, 2.0)), 2: (xs, np.full_like(xs, 0.5))})
    curves.set_curves({2: None})
    figure.resize(420, 300)

    def ink(y: float) -> float:
        image = figure.grab().toImage()
        row = round(plot.vb.mapViewToDevice(QPointF(0.5, y)).y())
        dark = [QColor(image.pixel(x, row)).lightness() < 128 for x in range(40, image.width() - 40)]
        return sum(dark) / len(dark)

    assert ink(1.0) == 1.0  # solid
    assert 0.3 < ink(2.0) < 0.9  # dashes and gaps
    assert ink(0.5) == 0.0  # taken away
    assert curves.curve(2) is None and np.array_equal(curves.curve(0)[1], np.full_like(xs, 1.0))
    rect = curves.boundingRect()
    assert rect.contains(QPointF(0.5, 1.0)) and rect.contains(QPointF(0.5, 2.0)) and rect.bottom() < 2.2
    assert curves.dataBounds(1) == (1.0, 2.0)
    with pytest.raises(ValueError):
        curves.set_curves({0: (xs, np.full_like(xs, np.nan))})
