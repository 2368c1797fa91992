"""The epochs demo: training and validation loss per epoch, early stopping, and the fitted curve.

A control change re-trains (closed form, cached) and redraws. Play walks the epochs: the loss
curves grow, the fitted polynomial moves through the data, the best epoch so far is marked, and
with early stopping on the run ends at the stop. At the end the rest of the run that early
stopping skipped is drawn faintly, and with "restore best weights" the restored model is drawn
beside the last one.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import early_stopping as es
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.playback import Playback
from explorer.qt.demos.plotting import add_plot, legend_brush, log_ticks, set_log_mode, status_label, steady_log_range, style_plot

RUN_SECONDS = 6.0  # a run plays in about this long at 1×
LOSS_FLOOR = 1e-4  # the log axis ends here; a perfect fit is drawn at the floor
FIT_RANGE = (-2.0, 3.0)  # the data lie within ±2; the top is the legend's
TRAIN, VALIDATION, BEST = 0, 1, 2  # indices into the theme's data colours
GRID = np.linspace(0.0, 1.0, es.CURVE_POINTS)


class EpochsDemo(DemoWidget):
    """Polynomial regression trained epoch by epoch, with early stopping and restore best."""

    SPECS = es.PARAMS

    # -- building ---------------------------------------------------------------------------
    def build_view(self, layout: QVBoxLayout) -> None:
        self.experiment: es.Experiment | None = None
        self.playback = Playback(self, 1, 1.0, "ep.step", self._progress_text)
        self.playback.position_changed.connect(self._show)
        self.status = status_label("status", bold=True)
        self.detail = status_label("detail")
        layout.addWidget(self.status)
        layout.addWidget(self.detail)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(380)
        self.loss_plot = add_plot(self.plots, row=0, col=0)
        self.fit_plot = add_plot(self.plots, row=1, col=0)
        self.plots.ci.layout.setRowStretchFactor(0, 1)
        self.plots.ci.layout.setRowStretchFactor(1, 1)
        style_plot(self.loss_plot)
        style_plot(self.fit_plot)
        layout.addWidget(self.plots, 1)
        self._build_loss_plot()
        self._build_fit_plot()
        self._curve_keys: dict = {}  # curve → what it shows: (training, epoch, axis)
        self._fit_keys = None
        self._data = None
        self._ranges = None
        self._xscale = None
        self._loss_range: tuple[float, float] | None = None  # log10 bounds of the loss axis
        self._shown = None
        self._fit_legend_state = None

    def _build_loss_plot(self) -> None:
        width = self.theme.line_width
        plot = self.loss_plot
        set_log_mode(plot, False, True)
        plot.disableAutoRange()  # the ranges are set from the run; no bounds to search each frame
        self.loss_legend = plot.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6,
                                          brush=legend_brush(self.theme))
        self.train_curve = plot.plot(pen=pg.mkPen(self.theme.colour(TRAIN), width=width))
        self.val_curve = plot.plot(pen=pg.mkPen(self.theme.colour(VALIDATION), width=width))
        # What early stopping skipped: a line half as wide beyond the stop line. It was dotted and
        # as wide as the run, which Qt draws as thousands of tiny filled dashes: ten times the cost
        # of a solid curve (1.4 ms per curve per frame, measured), and the dots ran together anyway.
        thin = max(1.0, width / 2)
        self.train_rest = plot.plot(pen=pg.mkPen(self.theme.colour(TRAIN), width=thin))
        self.val_rest = plot.plot(pen=pg.mkPen(self.theme.colour(VALIDATION), width=thin))
        for item in (self.train_rest, self.val_rest):
            item.setOpacity(0.8)
        for item in (self.train_curve, self.val_curve, self.train_rest, self.val_rest):
            # Thousands of epochs on a few hundred pixels: draw about one point per pixel.
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        self.best_marker = plot.plot(pen=None, symbol="star", symbolSize=16, symbolBrush=self.theme.colour(BEST),
                                     symbolPen=pg.mkPen(self.theme.plot_background, width=1))
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(self.theme.muted, width=1))
        self.stop_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(self.theme.bad, width=2, style=Qt.PenStyle.DashLine),
                                         label="", labelOpts={"position": 0.92, "color": self.theme.bad,
                                                              "anchors": [(0, 0.5), (0, 0.5)]})
        self.best_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(self.theme.colour(BEST), width=1.5, style=Qt.PenStyle.DashLine))
        for line in (self.now_line, self.stop_line, self.best_line):
            plot.addItem(line, ignoreBounds=True)

    def _build_fit_plot(self) -> None:
        width = self.theme.line_width
        plot = self.fit_plot
        plot.setXRange(0.0, 1.0, padding=0.02)
        plot.setYRange(*FIT_RANGE, padding=0)
        self.fit_legend = plot.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6,
                                         brush=legend_brush(self.theme), colCount=2)
        self.truth = plot.plot(pen=pg.mkPen(self.theme.muted, width=1.5, style=Qt.PenStyle.DashLine))
        self.truth.setData(GRID, es.true_function(GRID))
        self.val_points = plot.plot(pen=None, symbol="o", symbolSize=6, symbolBrush=None,
                                    symbolPen=pg.mkPen(self.theme.colour(VALIDATION), width=1.2))
        self.train_points = plot.plot(pen=None, symbol="o", symbolSize=9, symbolBrush=self.theme.colour(TRAIN),
                                      symbolPen=pg.mkPen(self.theme.plot_background, width=1))
        self.restored_fit = plot.plot(pen=pg.mkPen(self.theme.colour(BEST), width=width + 1))
        self.fit = plot.plot(pen=pg.mkPen(self.theme.foreground, width=width))

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        layout.addLayout(self.playback.row)

    def retranslate(self) -> None:
        lang = self.lang
        self.loss_plot.setTitle(tr("ep.plot.loss", lang))
        self.loss_plot.setLabel("left", tr("ep.axis.mse", lang))
        self.fit_plot.setTitle(tr("ep.plot.fit", lang))
        self.fit_plot.setLabel("bottom", tr("ep.axis.x", lang))
        self.fit_plot.setLabel("left", tr("ep.axis.y", lang))
        self._label_epoch_axis()
        self.loss_legend.clear()
        self.loss_legend.addItem(self.train_curve, tr("ep.legend.train", lang))
        self.loss_legend.addItem(self.val_curve, tr("ep.legend.val", lang))
        self.loss_legend.addItem(self.best_marker, tr("ep.legend.best", lang))
        self._fit_legend_state = None
        if self.experiment is not None:
            self._shown = None
            self._show(self.playback.shown)

    def _label_epoch_axis(self) -> None:
        key = "ep.axis.epoch_log" if self.params["xscale"] == "log" else "ep.axis.epoch"
        self.loss_plot.setLabel("bottom", tr(key, self.lang))

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        experiment = es.simulate(self.params)
        self.experiment = experiment
        training = experiment.training
        if experiment.data is not self._data:  # the data sets are cached: same object, same points
            self._data = experiment.data
            self.train_points.setData(experiment.data.x_train, experiment.data.y_train)
            self.val_points.setData(experiment.data.x_val, experiment.data.y_val)
        self._epochs = np.arange(training.last_epoch + 1, dtype=float)
        self._train = np.maximum(training.train_loss, LOSS_FLOOR)
        self._val = np.maximum(training.val_loss, LOSS_FLOOR)
        self._set_ranges()
        end = experiment.end_epoch
        self.playback.units_per_second = max(end, 1) / RUN_SECONDS
        self.playback.set_total(end)
        self._shown = None
        self._show(self.playback.shown)

    def _x(self, epochs: np.ndarray) -> np.ndarray:
        """Epoch numbers on the plot: shifted by one on a log axis, where epoch 0 has no place."""
        return epochs + 1 if self.params["xscale"] == "log" else epochs

    def _set_ranges(self) -> None:
        log_x = self.params["xscale"] == "log"
        last = self.experiment.training.last_epoch
        low = float(min(self._train.min(), self._val.min()))
        high = float(max(self._train.max(), self._val.max()))
        ranges = (log_x, last, math.floor(4 * math.log10(low / 1.2)), math.ceil(4 * math.log10(high * 3.0)))
        if ranges == self._ranges:
            return
        self._ranges = ranges
        x_range = (0.0, math.log10(last + 1)) if log_x else (0.0, float(last))
        # A range of 0…1000 read as powers of ten overflows: switch to log after the new range
        # is set, and back to linear before it is.
        if log_x != self._xscale:
            # Points at epoch 0 have no place on a log axis: empty the curves before switching;
            # _show fills them again in the new coordinates.
            for item in (self.train_curve, self.val_curve, self.train_rest, self.val_rest, self.best_marker):
                item.setData([], [])
            self._curve_keys.clear()
        if log_x != self._xscale and not log_x:
            set_log_mode(self.loss_plot, False, True)
        self.loss_plot.setXRange(*x_range, padding=0.02)
        if log_x != self._xscale:
            self._xscale = log_x
            self._loss_range = None  # the switch may have moved the view: set the loss axis again
            set_log_mode(self.loss_plot, log_x, True)
            self._label_epoch_axis()
        # A small change of the data keeps the axis (and its cache) as it is.
        shown = steady_log_range(low / 1.2, high * 3.0, self._loss_range)  # room above for the legend
        if shown != self._loss_range:
            self._loss_range = shown
            self.loss_plot.setYRange(*shown, padding=0)
            self.loss_plot.getAxis("left").setTicks(log_ticks(10 ** shown[0], 10 ** shown[1]))

    def _show(self, position: float) -> None:
        """Draw the run as it stands after epoch ⌊position⌋."""
        experiment = self.experiment
        epoch = int(min(math.floor(position + 1e-9), experiment.end_epoch))
        finished = epoch >= experiment.end_epoch
        if (epoch, finished) == self._shown:
            return
        self._shown = (epoch, finished)
        xs = self._x(self._epochs)
        training = experiment.training
        self._set_curves((self.train_curve, self.val_curve), (id(training), epoch, self._xscale), slice(0, epoch + 1))
        best = experiment.best_until(epoch)
        self.best_marker.setData([xs[best]], [self._val[best]])
        self._place_line(self.now_line, xs[epoch], not finished)
        self._place_line(self.best_line, xs[best], True)
        stopped = experiment.early_stop and experiment.stop.stopped is not None
        self._place_line(self.stop_line, xs[experiment.end_epoch], finished and stopped)
        if finished and stopped:
            self.stop_line.label.setFormat(" " + tr("ep.line.stop", self.lang, epoch=experiment.end_epoch))
        rest_from = epoch if finished and stopped else None
        self._set_curves((self.train_rest, self.val_rest), (id(training), rest_from, self._xscale),
                         slice(epoch, None) if rest_from is not None else slice(0, 0))
        self._draw_fit(epoch, best, finished)
        self._describe(epoch, best, finished)

    def _set_curves(self, pair, key: tuple, part: slice) -> None:
        """Give a (training, validation) pair of curves their points, unless ``key`` says they have them."""
        if self._curve_keys.get(pair[0]) == key:
            return
        self._curve_keys[pair[0]] = key
        xs = self._x(self._epochs)[part]
        pair[0].setData(xs, self._train[part], skipFiniteCheck=True)
        pair[1].setData(xs, self._val[part], skipFiniteCheck=True)

    def _place_line(self, line: pg.InfiniteLine, x: float, visible: bool) -> None:
        if visible:
            line.setValue(math.log10(x) if self.params["xscale"] == "log" else x)
        line.setVisible(visible)

    def _draw_fit(self, epoch: int, best: int, finished: bool) -> None:
        experiment = self.experiment
        training = experiment.training
        restored = finished and experiment.restore_best and best != epoch
        keys = ((id(training), epoch), (id(training), best if restored else None))
        if keys != self._fit_keys:
            self._fit_keys = keys
            self.fit.setData(GRID, self._clipped(experiment.curve(epoch, GRID)), skipFiniteCheck=True)
            if restored:
                self.restored_fit.setData(GRID, self._clipped(experiment.curve(best, GRID)), skipFiniteCheck=True)
            else:
                self.restored_fit.setData([], [])
        self._fill_fit_legend(restored)

    def _fill_fit_legend(self, restored: bool) -> None:
        """The fit plot's legend: rebuilt when the language changes; when the restored model
        appears or goes, only its own row is added or removed (a legend row costs about a
        millisecond to build, and restore best weights is a toggle students flip)."""
        lang, legend = self.lang, self.fit_legend
        if self._fit_legend_state is None or self._fit_legend_state[0] != lang:
            legend.clear()
            legend.addItem(self.train_points, tr("ep.legend.train_points", lang))
            legend.addItem(self.val_points, tr("ep.legend.val_points", lang))
            legend.addItem(self.truth, tr("ep.legend.truth", lang))
            legend.addItem(self.fit, tr("ep.legend.fit", lang))
            self._fit_legend_state = (lang, False)
        if restored != self._fit_legend_state[1]:
            if restored:
                legend.addItem(self.restored_fit, tr("ep.legend.restored", lang))
            else:
                legend.removeItem(self.restored_fit)
            self._fit_legend_state = (lang, restored)

    @staticmethod
    def _clipped(values: np.ndarray) -> np.ndarray:
        """Keep a wild polynomial inside a drawable band just beyond the visible range."""
        return np.clip(values, FIT_RANGE[0] * 4, FIT_RANGE[1] * 4)

    def _describe(self, epoch: int, best: int, finished: bool) -> None:
        lang, experiment = self.lang, self.experiment
        training = experiment.training
        if training.diverged_epoch is not None and finished and experiment.end_epoch == training.diverged_epoch:
            status = tr("ep.status.diverged", lang, epoch=training.diverged_epoch, limit=training.stability_limit)
        elif finished and experiment.early_stop and experiment.stop.stopped is not None:
            key = "ep.status.stopped_restored" if experiment.restore_best else "ep.status.stopped"
            status = tr(key, lang, epoch=experiment.end_epoch, best=best, patience=int(self.params["patience"]),
                        val=training.val_loss[best], saved=training.last_epoch - experiment.end_epoch)
        elif finished:
            key = "ep.status.finished_restored" if experiment.restore_best and best != epoch else "ep.status.finished"
            status = tr(key, lang, epoch=epoch, best=best, val=training.val_loss[best])
        else:
            waited = epoch - best
            status = tr("ep.status.running", lang, epoch=epoch, best=best, waited=waited,
                        patience=int(self.params["patience"]))
        self.status.setText(status)
        self.detail.setText(tr("ep.detail", lang, epoch=epoch, train=training.train_loss[epoch],
                               val=training.val_loss[epoch], params=int(self.params["degree"]) + 1,
                               n=int(self.params["train_size"])))

    def _progress_text(self, epoch: float, total: float, lang: str) -> str:
        return tr("ep.progress", lang, epoch=int(math.floor(epoch + 1e-9)), total=int(total))
