"""The batch-size demo: minibatch SGD curves for several batch sizes, and the gradient noise.

A control change recomputes the runs (each batch size is cached) and redraws. A long run is
computed a few epochs at a time: the first frame after a change shows at least the default run's
length of every curve (more if time is left within the frame), and the curves grow to their end
in the next frames, so a slider moves at the frame rate whatever the number of epochs. Play
reveals the curves epoch by epoch: a frame only decides how many points of each curve to show,
from a QElapsedTimer times the speed, so the pace does not depend on the frame rate.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import minibatch as mb
from explorer.qt.demos.base import DemoWidget, advance_within
from explorer.qt.demos.playback import Playback
from explorer.qt.demos.plotting import add_plot, legend_brush, set_log_mode, status_label, style_plot
from explorer.qt.theme import Theme

GAP_RANGE = (1e-5, 1000.0)  # fixed y range; the top three decades keep the legend clear
REACH_TARGET = 1e-2
EPOCHS_PER_SECOND = 1.0  # at speed 1×
BATCH_COLOUR_INDEX = dict(zip(mb.BATCH_SIZES, (1, 4, 2, 0, 3)))  # into the theme's data colours
REFERENCE_POINTS = 160
FIRST_EPOCHS = 3  # computed before the first frame after a change, however long it takes
SLICE_SECONDS = 0.005  # a slice computes further epochs while another would end within this


class CurveView:
    """One batch size's curve, with the arrays it shows and how many points are revealed."""

    def __init__(self, plot: pg.PlotItem, batch: int, theme: Theme):
        colour = theme.colour(BATCH_COLOUR_INDEX[batch])
        self.batch = batch
        self.curve = plot.plot(pen=pg.mkPen(colour, width=theme.line_width))
        if batch >= mb.N_EXAMPLES:
            # One step per epoch: its short curve would hide under the other curves' first
            # steps, which it matches closely. (Dots at its steps cost a learning-rate change
            # 1–1.5 ms more, for pyqtgraph's scatter.)
            self.curve.setZValue(1)
        # PlotDataItems (not bare scatter items) follow the plot's log mode.
        self.marker = plot.plot(pen=None, symbol="x", symbolSize=14, symbolBrush=colour,
                                symbolPen=pg.mkPen(colour, width=2))
        self.xs = self.ys = self.epochs = np.zeros(0)
        self.diverged = False
        self.shown = -1
        self.key = None

    def load(self, key: object, xs: np.ndarray, ys: np.ndarray, epochs: np.ndarray, diverged: bool) -> None:
        """Take new arrays, unless ``key`` says they are the ones already loaded."""
        if key == self.key and key is not None:
            return
        self.key = key
        self.xs, self.ys, self.epochs, self.diverged = xs, ys, epochs, diverged
        self.shown = -1

    def reveal(self, epoch: float) -> None:
        count = int(np.searchsorted(self.epochs, epoch + 1e-9, side="right"))
        if count == self.shown:
            return
        self.shown = count
        self.curve.setData(self.xs[:count], self.ys[:count], skipFiniteCheck=True)
        if self.diverged and count == len(self.xs) and count:
            self.marker.setData([self.xs[-1]], [self.ys[-1]])
        else:
            self.marker.setData([], [])

    def clear(self) -> None:
        """Show nothing until the next :meth:`reveal`."""
        self.curve.setData([], [])
        self.marker.setData([], [])
        self.shown = -1

    def hide(self) -> None:
        if self.key is None and not self.curve.isVisible():
            return
        self.load(None, np.zeros(0), np.zeros(0), np.zeros(0), False)
        self.clear()
        self.curve.hide()

    def show(self) -> None:
        self.curve.show()


class BatchSizeDemo(DemoWidget):
    """Minibatch SGD on logistic regression with batch sizes 1 to the full batch."""

    SPECS = mb.PARAMS
    SUMMARY_LABEL = "reach"

    # -- building ---------------------------------------------------------------------------
    def build_view(self, layout: QVBoxLayout) -> None:
        self.experiment: mb.Experiment | None = None
        self.playback = Playback(self, int(self.params["epochs"]), EPOCHS_PER_SECOND, "bs.step",
                                 lambda epoch, total, lang: tr("bs.progress", lang, epoch=epoch, total=int(total)))
        self.playback.position_changed.connect(self._show)
        self.reach_label = status_label("reach", bold=True)
        self.detail_label = status_label("detail")
        layout.addWidget(self.reach_label)
        layout.addWidget(self.detail_label)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(380)
        self.loss_plot = add_plot(self.plots, row=0, col=0, colspan=2)
        self.noise_plot = add_plot(self.plots, row=1, col=0)
        self.scatter_plot = add_plot(self.plots, row=1, col=1)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.loss_plot, self.noise_plot, self.scatter_plot):
            style_plot(plot)
        layout.addWidget(self.plots, 1)
        self._build_loss_plot()
        self._build_noise_plots()
        self._x_mode = None
        self._x_range = None
        self._legend_batches = None
        self._noise_seed = None
        self._chosen_noise = None

    def _build_loss_plot(self) -> None:
        set_log_mode(self.loss_plot, True, True)
        self.loss_plot.setYRange(math.log10(GAP_RANGE[0]), math.log10(GAP_RANGE[1]), padding=0)
        self.legend = self.loss_plot.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6,
                                              brush=legend_brush(self.theme))
        self.curves = {batch: CurveView(self.loss_plot, batch, self.theme) for batch in mb.BATCH_SIZES}

    def _build_noise_plots(self) -> None:
        width = self.theme.line_width
        set_log_mode(self.noise_plot, True, True)
        self.noise_legend = self.noise_plot.addLegend(offset=(4, -4), labelTextSize="7pt", verSpacing=-8)
        self.plain_line = self.noise_plot.plot(pen=pg.mkPen(self.theme.muted, width=width, style=Qt.PenStyle.DashLine))
        self.expected_line = self.noise_plot.plot(pen=pg.mkPen(self.theme.colour(0), width=width))
        self.measured_points = self.noise_plot.plot(pen=None, symbol="o", symbolSize=7,
                                                    symbolBrush=self.theme.colour(1), symbolPen=None)
        self.zero_marker = self.noise_plot.plot(pen=None, symbol="t", symbolSize=11,
                                                symbolBrush=self.theme.colour(1), symbolPen=None)
        self.zero_text = pg.TextItem(anchor=(1.0, 0.5), color=self.theme.muted)
        self.noise_plot.addItem(self.zero_text)
        self.chosen_marker = self.noise_plot.plot(pen=None, symbol="o", symbolSize=17, symbolBrush=None,
                                                  symbolPen=pg.mkPen(self.theme.bad, width=2.5))

        self.gradient_points = pg.ScatterPlotItem(size=5, symbol="o", brush=pg.mkBrush(0, 114, 178, 90), pen=None)
        self.scatter_plot.addItem(self.gradient_points)
        self.full_gradient = pg.ScatterPlotItem(size=16, symbol="+", pen=pg.mkPen(self.theme.bad, width=3))
        self.scatter_plot.addItem(self.full_gradient)

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        layout.addLayout(self.playback.row)

    def retranslate(self) -> None:
        lang = self.lang
        self.loss_plot.setTitle(tr("bs.plot.loss", lang))
        self.loss_plot.setLabel("left", tr("bs.axis.gap", lang))
        self.noise_plot.setTitle(tr("bs.plot.noise", lang))
        self.noise_plot.setLabel("bottom", tr("bs.axis.batch", lang))
        self.noise_plot.setLabel("left", tr("bs.axis.noise", lang))
        self.scatter_plot.setLabel("bottom", tr("bs.axis.g1", lang))
        self.scatter_plot.setLabel("left", tr("bs.axis.g2", lang))
        self.noise_legend.clear()
        self.noise_legend.addItem(self.measured_points, tr("bs.legend.measured", lang))
        self.noise_legend.addItem(self.expected_line, tr("bs.legend.expected", lang))
        self.noise_legend.addItem(self.plain_line, tr("bs.legend.plain", lang))
        self.zero_text.setText(tr("bs.zero", lang))
        if self.experiment is not None:
            self._label_x_axis()
            self._fill_legend()
            self._describe()

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        self._ready = 0
        self.continue_later(None if self._draw_epochs(FIRST_EPOCHS) else lambda: self._draw_epochs(1))

    def _draw_epochs(self, at_least: int) -> bool:
        """Compute ``at_least`` more epochs of every run, and more while another would still end
        within the slice's time (judged by the last one); draw what is ready. True when the runs
        are whole."""
        epochs = int(self.params["epochs"])
        ready = max(self._ready, min(mb.kept_epochs(self.params), epochs))
        ready = advance_within(ready, epochs, self._ready + at_least, 1,
                               lambda epoch: mb.advance(self.params, epoch), SLICE_SECONDS)
        self._ready = ready
        self._draw(mb.simulate(self.params, ready))
        return self.experiment.complete

    def _draw(self, experiment: mb.Experiment) -> None:
        self.experiment = experiment
        self._load_curves(experiment)
        self._fill_legend()
        self._draw_noise(experiment.noise)
        self._describe()
        self.playback.set_total(int(self.params["epochs"]))
        self._show(self.playback.shown)

    def _x_values(self, run: mb.Run) -> np.ndarray:
        mode = self.params["xaxis"]
        if mode == "epochs":
            return run.epochs
        if mode == "time":
            return run.steps * mb.step_time(run.batch, int(self.params["lanes"]), float(self.params["overhead"]))
        return run.steps.astype(float)

    def _load_curves(self, experiment: mb.Experiment) -> None:
        mode = self.params["xaxis"]
        log_x = mode != "epochs"
        first = 1 if log_x else 0  # a log axis cannot show step 0
        for batch, view in self.curves.items():
            run = experiment.run_for(batch)
            if run is None:
                view.hide()
                continue
            key = (id(run), mode, self.params["lanes"], self.params["overhead"])
            if key != view.key:
                xs = self._x_values(run)[first:]
                view.load(key, xs, np.clip(run.gaps[first:], *GAP_RANGE), run.epochs[first:], run.diverged)
            view.show()
        if mode != self._x_mode:
            self._x_mode = mode
            # What the curves show now belongs to the old axis (epoch 0 has no place on a log
            # one, where it would become NaN): empty them first; _show fills them again.
            for view in self.curves.values():
                view.clear()
            set_log_mode(self.loss_plot, log_x, True)
            self._label_x_axis()
        x_range = self._log_x_range(mode) if log_x else (0, int(self.params["epochs"]))
        if x_range != self._x_range:  # an unchanged range keeps the cached axis
            self._x_range = x_range
            self.loss_plot.setXRange(*x_range, padding=0.02)

    def _log_x_range(self, mode: str) -> tuple[float, float]:
        """log10 bounds holding every batch size's run, shown or not: choosing which batch sizes
        to show then leaves the axis (and its cached drawing) as it is."""
        lanes, overhead, epochs = int(self.params["lanes"]), float(self.params["overhead"]), int(self.params["epochs"])
        per_step = [mb.step_time(batch, lanes, overhead) if mode == "time" else 1.0 for batch in mb.BATCH_SIZES]
        totals = [per * epochs * mb.steps_per_epoch(batch) for per, batch in zip(per_step, mb.BATCH_SIZES)]
        return math.log10(min(per_step)), math.log10(max(totals))

    def _label_x_axis(self) -> None:
        self.loss_plot.setLabel("bottom", tr(f"bs.axis.{self.params['xaxis']}", self.lang))

    def _fill_legend(self) -> None:
        batches = [run.batch for run in self.experiment.runs]
        if batches != self._legend_batches:
            self._legend_batches = batches
            self.legend.clear()
            for batch in batches:
                self.legend.addItem(self.curves[batch].curve, "")
        for run, (_, label) in zip(self.experiment.runs, self.legend.items):
            text = self._legend_text(run)
            if label.text != text:
                label.setText(text)

    def _legend_text(self, run: mb.Run) -> str:
        lanes, overhead = int(self.params["lanes"]), float(self.params["overhead"])
        if run.diverged:
            return tr("bs.legend.diverged", self.lang, batch=run.batch, step=run.diverged_step)
        if self.params["xaxis"] == "time":
            ms = run.steps_per_epoch * mb.step_time(run.batch, lanes, overhead)
            return tr("bs.legend.time", self.lang, batch=run.batch, ms=ms)
        if run.steps_per_epoch == 1:  # full batch: "1 step", not "1 steps"
            return tr("bs.legend.one_step", self.lang, batch=run.batch)
        return tr("bs.legend.steps", self.lang, batch=run.batch, steps=run.steps_per_epoch)

    def _draw_noise(self, noise: mb.GradientNoise) -> None:
        seed = int(self.params["seed"])
        sigma = noise.single_std
        floor = sigma * 3e-4  # room below the lines for the legend
        if seed != self._noise_seed:
            self._noise_seed = seed
            partial = noise.batches < mb.N_EXAMPLES
            self.measured_points.setData(noise.batches[partial], noise.measured[partial])
            reference_b = np.geomspace(1, mb.N_EXAMPLES - 1, REFERENCE_POINTS)
            self.expected_line.setData(reference_b, np.maximum(mb.expected_noise(sigma, reference_b), floor))
            self.plain_line.setData(reference_b, sigma / np.sqrt(reference_b))
            self.zero_marker.setData([mb.N_EXAMPLES], [floor * 1.25])
            self.zero_text.setPos(math.log10(mb.N_EXAMPLES / 1.5), math.log10(floor * 2.0))
            self.noise_plot.setXRange(0, math.log10(mb.N_EXAMPLES), padding=0.04)
            self.noise_plot.setYRange(math.log10(floor), math.log10(sigma * 1.6), padding=0)
            single = noise.samples[1][:, :2]
            low, high = single.min(axis=0), single.max(axis=0)
            pad = 0.08 * (high - low)
            self.scatter_plot.setXRange(low[0] - pad[0], high[0] + pad[0], padding=0)
            self.scatter_plot.setYRange(low[1] - pad[1], high[1] + pad[1], padding=0)
            self.full_gradient.setData([noise.full_gradient[0]], [noise.full_gradient[1]])
        batch = int(self.params["noise_batch"])
        if (seed, batch) == self._chosen_noise:
            return
        self._chosen_noise = (seed, batch)
        index = mb.NOISE_BATCHES.index(batch)
        shown = max(noise.measured[index], floor * 1.25)
        self.chosen_marker.setData([batch], [shown])
        samples = noise.samples[batch]
        self.gradient_points.setData(samples[:, 0], samples[:, 1])

    def _describe(self) -> None:
        lang, experiment = self.lang, self.experiment
        mode = self.params["xaxis"]
        parts = []
        for run in experiment.runs:
            if run.diverged:
                parts.append(tr("bs.reach.diverged", lang, batch=run.batch))
                continue
            hit = mb.gap_reached(run, REACH_TARGET)
            if hit is None:
                parts.append(tr("bs.reach.never" if run.complete else "bs.reach.pending", lang, batch=run.batch))
            else:
                value = float(self._x_values(run)[hit])
                parts.append(tr(f"bs.reach.{mode}", lang, batch=run.batch, value=value))
        self.reach_label.setText(tr("bs.reach", lang, target=REACH_TARGET) + " " + " · ".join(parts))
        noise = experiment.noise
        batch = int(self.params["noise_batch"])
        index = mb.NOISE_BATCHES.index(batch)
        noise_text = tr("bs.noise", lang, batch=batch, measured=noise.measured[index],
                        expected=noise.expected[index], ratio=noise.measured[index] / noise.measured[0])
        time_text = tr("bs.time_model", lang, overhead=float(self.params["overhead"]), lanes=int(self.params["lanes"]))
        self.detail_label.setText(noise_text + "\n" + time_text)
        title = tr("bs.plot.scatter", lang, batch=batch)
        if title != self.scatter_plot.titleLabel.text:
            self.scatter_plot.setTitle(title)

    # -- animation --------------------------------------------------------------------------
    def _show(self, epoch: float) -> None:
        """Reveal every curve up to ``epoch``."""
        for run in self.experiment.runs:
            self.curves[run.batch].reveal(epoch)
