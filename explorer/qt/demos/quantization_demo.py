"""The quantization demo: a layer's weights on an integer grid, and what one outlier does to it.

Top: the shown channel's weights as a histogram, with every value its grid can represent drawn
as a thin line and the values its weights actually land on drawn bold; outliers are marked
under the axis. Bottom left: the mean squared error for every bit width from 2 to 8 with the
same scheme, scale and outlier handling (log scale, the chosen width highlighted). Bottom right:
the layer's outputs y = W·x on sample inputs, exact against quantized, so the error is seen
where it matters. The status lines give the numbers and say what the outliers cost.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import quantization
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.plotting import add_plot, log_ticks, steady_top, style_plot

BINS = 120


class QuantizationDemo(DemoWidget):
    """Quantize a seeded weight matrix with outliers; see the grid, the error and the memory."""

    SPECS = quantization.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.experiment: quantization.Experiment | None = None
        self.add_status_labels(layout)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(380)
        self.histogram_plot = add_plot(self.plots, row=0, col=0, colspan=2)
        self.error_plot = add_plot(self.plots, row=1, col=0)
        self.output_plot = add_plot(self.plots, row=1, col=1)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.histogram_plot, self.error_plot, self.output_plot):
            style_plot(plot)
            plot.disableAutoRange()
        layout.addWidget(self.plots, 1)
        theme, width = self.theme, self.theme.line_width
        self.grid_lines = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(theme.muted, width=1))
        self.used_lines = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(theme.colour(1), width=width))
        self.histogram = pg.PlotCurveItem(x=[0.0, 1.0], y=[0.0], stepMode="center", fillLevel=0, pen=pg.mkPen(theme.colour(0), width=1),
                                          brush=pg.mkBrush(theme.colour(0) + "90"))
        self.outlier_marks = pg.ScatterPlotItem(symbol="t1", size=12 * theme.marker_scale, pen=None,
                                                brush=pg.mkBrush(theme.colour(5)))
        for item in (self.grid_lines, self.histogram, self.used_lines, self.outlier_marks):
            self.histogram_plot.addItem(item)
        self.histogram_legend = self.histogram_plot.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6)
        self.legend_samples = (pg.PlotDataItem(pen=pg.mkPen(theme.muted, width=1)),
                               pg.PlotDataItem(pen=pg.mkPen(theme.colour(1), width=width)))

        bits = np.array(quantization.BIT_RANGE, dtype=float)
        self.error_bars = pg.BarGraphItem(x=bits, height=np.ones_like(bits), width=0.7, brushes=[theme.muted] * len(bits))
        self.error_plot.addItem(self.error_bars)
        self.error_plot.setXRange(bits[0] - 0.6, bits[-1] + 0.6, padding=0)
        self.error_plot.getAxis("bottom").setTicks([[(b, f"{int(b)}") for b in bits]])

        self.diagonal = pg.PlotCurveItem(pen=pg.mkPen(theme.muted, width=1))
        self.output_points = pg.ScatterPlotItem(size=5 * theme.marker_scale, pen=None,
                                                brush=pg.mkBrush(theme.colour(0) + "b0"))
        self.output_plot.addItem(self.diagonal)
        self.output_plot.addItem(self.output_points)
        # The bottom plots change only with the quantization setting, not with the channel shown:
        # cached, they are a blit when the histogram above is redrawn.
        for item in (self.error_bars, self.output_points):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._weight_range: float | None = None
        self._count_top: float | None = None
        self._error_floor: float | None = None
        self._output_range: float | None = None

    def retranslate(self) -> None:
        lang = self.lang
        self.histogram_plot.setLabel("bottom", tr("quant.axis.weight", lang))
        self.histogram_plot.setLabel("left", tr("quant.axis.count", lang))
        self.error_plot.setTitle(tr("quant.plot.error", lang))
        self.error_plot.setLabel("bottom", tr("quant.axis.bits", lang))
        self.error_plot.setLabel("left", tr("quant.axis.mse", lang))
        self.output_plot.setTitle(tr("quant.plot.output", lang, samples=quantization.SAMPLES))
        self.output_plot.setLabel("bottom", tr("quant.axis.exact", lang))
        self.output_plot.setLabel("left", tr("quant.axis.quantized", lang))
        self.histogram_legend.clear()
        self.histogram_legend.addItem(self.histogram, tr("quant.legend.weights", lang))
        self.histogram_legend.addItem(self.legend_samples[0], tr("quant.legend.grid", lang))
        self.histogram_legend.addItem(self.legend_samples[1], tr("quant.legend.used", lang))
        self.histogram_legend.addItem(self.outlier_marks, tr("quant.legend.outlier", lang))
        if self.experiment is not None:
            self._draw_histogram(self.experiment)  # its title holds numbers
            self._describe()

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        self.experiment = experiment = quantization.simulate(self.params)
        self._draw_histogram(experiment)
        self._draw_errors(experiment)
        self._draw_outputs(experiment)
        self._describe()

    def _channel(self) -> int:
        return int(self.params["channel"]) - 1

    def _draw_histogram(self, experiment: quantization.Experiment) -> None:
        channel = self._channel()
        row = experiment.weights[channel]
        largest = float(np.max(np.abs(experiment.weights)))
        reach = steady_top(largest * 1.08, self._weight_range)
        if reach != self._weight_range:
            self._weight_range = reach
            self.histogram_plot.setXRange(-reach, reach, padding=0)
        counts, edges = np.histogram(row, bins=BINS, range=(-reach, reach))
        # One count axis for every channel, so that showing another channel leaves it in place.
        tallest = max(float(np.histogram(other, bins=BINS, range=(-reach, reach))[0].max())
                      for other in experiment.weights)
        top = steady_top(tallest * 1.35, self._count_top)  # room above for the legend
        if top != self._count_top:
            self._count_top = top
            self.histogram_plot.setYRange(-0.06 * top, top, padding=0)
        self.histogram.setData(edges, counts)

        chosen = experiment.chosen
        grid = chosen.grids[channel]
        levels = grid.levels()
        levels = levels[np.abs(levels) <= reach]
        self.grid_lines.setData(np.repeat(levels, 2), np.tile([0.0, top], len(levels)))
        kept = ~chosen.aside[channel]
        used = np.unique(chosen.restored[channel][kept])
        self.used_lines.setData(np.repeat(used, 2), np.tile([0.0, 0.55 * top], len(used)))
        outliers = [column for r, column in experiment.outlier_positions if r == channel]
        self.outlier_marks.setData(row[outliers], np.full(len(outliers), -0.03 * top))
        self.histogram_plot.setTitle(tr("quant.plot.histogram", self.lang, channel=channel + 1,
                                        bits=chosen.bits, levels=grid.q_max - grid.q_min + 1,
                                        used=chosen.codes_used[channel]))

    def _draw_errors(self, experiment: quantization.Experiment) -> None:
        logs = np.log10(np.maximum(experiment.mse_by_bits, 1e-12))
        floor = math.floor(float(logs.min())) - 0.5
        if self._error_floor is None or floor < self._error_floor or floor > self._error_floor + 2:
            self._error_floor = floor
            ceiling = 0.5
            self.error_plot.setYRange(floor, ceiling, padding=0)
            self.error_plot.getAxis("left").setTicks(log_ticks(10 ** floor, 10 ** ceiling, most_labels=4))
        chosen = quantization.BIT_RANGE.index(experiment.chosen.bits)
        brushes = [self.theme.colour(0) if index == chosen else self.theme.muted for index in range(len(logs))]
        self.error_bars.setOpts(y0=self._error_floor, height=logs - self._error_floor, brushes=brushes)

    def _draw_outputs(self, experiment: quantization.Experiment) -> None:
        exact, quantized = experiment.outputs.ravel(), experiment.quantized_outputs.ravel()
        reach = math.ceil(float(np.max(np.abs(np.concatenate([exact, quantized])))) / 5.0) * 5.0
        if self._output_range is None or reach > self._output_range or reach < 0.5 * self._output_range:
            self._output_range = reach
            for setter in (self.output_plot.setXRange, self.output_plot.setYRange):
                setter(-reach, reach, padding=0.02)
            self.diagonal.setData([-reach, reach], [-reach, reach])
        self.output_points.setData(exact, quantized)

    def _describe(self) -> None:
        experiment, lang = self.experiment, self.lang
        chosen = experiment.chosen
        setting = tr("quant.setting", lang, bits=chosen.bits, scheme=tr(f"quant.scheme.{chosen.scheme}", lang),
                     scale=tr(f"quant.per.{chosen.granularity}", lang))
        self.summary_label.setText(tr("quant.summary", lang, setting=setting, mse=experiment.mse,
                                      max=experiment.max_error, output=experiment.output_error,
                                      memory=experiment.memory_ratio))
        channel = self._channel()
        grid = chosen.grids[channel]
        aside = int(chosen.aside.sum())
        in_channel = [column for r, column in experiment.outlier_positions if r == channel]
        if aside:
            detail = tr("quant.detail.aside", lang, count=aside, scale=grid.scale, half=grid.scale / 2)
        elif experiment.outlier_positions and (chosen.granularity == "tensor" or in_channel):
            detail = tr("quant.detail.stretched", lang, channel=channel + 1, stretch=experiment.stretch(channel),
                        used=chosen.codes_used[channel], levels=grid.q_max - grid.q_min + 1)
        else:
            detail = tr("quant.detail.plain", lang, scale=grid.scale, zero=grid.zero, half=grid.scale / 2)
        memory = quantization.format_bytes(chosen.bytes)
        full = quantization.format_bytes(experiment.weights.size * quantization.FLOAT16_BYTES)
        self.detail_label.setText(detail + " " + tr("quant.detail.memory", lang, memory=memory, full=full))
