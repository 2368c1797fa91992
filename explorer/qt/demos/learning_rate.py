"""The learning-rate demo: gradient descent drawn on its landscape, loss and rate per step.

Everything is recomputed on every control change (a run is at most 500 cheap steps), and the
plots update their existing items with ``setData`` so a slider move repaints within a frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import gradient_descent as gd
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.plotting import add_plot, log_ticks, set_log_mode, steady_log_range, steady_top, style_plot
from explorer.qt.scaled_label import ScaledLabel

MIN_LOG_LOSS = 1e-16
GRID_SIZE = 160
CONTOUR_LEVELS = (0.05, 0.2, 0.5, 1.0, 2.0, 3.5, 5.0)


class LearningRateDemo(DemoWidget):
    """Gradient descent with a learning rate, schedule and momentum on three landscapes."""

    SPECS = gd.PARAMS
    SUMMARY_LABEL = "regime"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.regime_label = ScaledLabel("regime", bold=True, ratio=1.3)
        self.detail_label = QLabel(objectName="detail")
        self.detail_label.setWordWrap(True)
        layout.addWidget(self.regime_label)
        layout.addWidget(self.detail_label)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(360)
        self.path_plot = add_plot(self.plots, row=0, col=0, colspan=2)
        self.loss_plot = add_plot(self.plots, row=1, col=0)
        self.rate_plot = add_plot(self.plots, row=1, col=1)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        style_plot(self.path_plot)
        style_plot(self.loss_plot, mouse=True)
        style_plot(self.rate_plot, mouse=True)
        set_log_mode(self.loss_plot, False, True)
        for plot in (self.loss_plot, self.rate_plot):
            plot.disableAutoRange()  # set from each run, and kept while a new run still fits
        self._loss_range: tuple[float, float] | None = None  # log10 bounds
        self._steps_shown: int | None = None
        self._rate_top: float | None = None
        layout.addWidget(self.plots, 1)

        width = self.theme.line_width
        self.heatmap = pg.ImageItem()
        self.heatmap.setColorMap(pg.colormap.get("CET-L18"))
        self.heatmap.setOpacity(0.35)
        self.path_plot.addItem(self.heatmap)
        self.curve = self.path_plot.plot(pen=pg.mkPen(self.theme.muted, width=width))
        self.contours = [self.path_plot.plot(pen=pg.mkPen(self.theme.muted, width=1)) for _ in CONTOUR_LEVELS]
        ghost_pen = pg.mkPen(self.theme.colour(0), width=width, style=Qt.PenStyle.DashLine)
        self.ghost_path = self.path_plot.plot(pen=ghost_pen)
        self.ghost_path.setOpacity(0.35)
        self.path = self.path_plot.plot(pen=pg.mkPen(self.theme.colour(1), width=width), symbol="o", symbolSize=6,
                                        symbolBrush=self.theme.colour(1), symbolPen=None)
        self.end_marker = pg.ScatterPlotItem(size=14, symbol="x", pen=pg.mkPen(self.theme.bad, width=3))
        self.path_plot.addItem(self.end_marker)
        self.start = pg.TargetItem(movable=True, size=16, pen=pg.mkPen(self.theme.colour(2), width=2))
        self.path_plot.addItem(self.start)
        self.start.sigPositionChangeFinished.connect(self._start_dragged)
        self.start.sigPositionChanged.connect(self._start_dragging)
        self._placing_start = False

        self.ghost_loss = self.loss_plot.plot(pen=ghost_pen)
        self.ghost_loss.setOpacity(0.35)
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen(self.theme.colour(1), width=width))
        self.ghost_rate = self.rate_plot.plot(pen=ghost_pen)
        self.ghost_rate.setOpacity(0.35)
        self.rate_curve = self.rate_plot.plot(pen=pg.mkPen(self.theme.colour(0), width=width))
        self.limit_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(self.theme.bad, width=1, style=Qt.PenStyle.DotLine))
        self.rate_plot.addItem(self.limit_line)
        self._landscape_key = None
        self.run: gd.Run | None = None

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        self.pin_button = QPushButton(objectName="pin")
        self.unpin_button = QPushButton(objectName="unpin")
        self.pin_button.clicked.connect(self.pin_run)
        self.unpin_button.clicked.connect(self.clear_pinned)
        row.addWidget(self.pin_button)
        row.addWidget(self.unpin_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.unpin_button.setEnabled(False)

    def retranslate(self) -> None:
        lang = self.lang
        self.path_plot.setTitle(tr("lr.plot.trajectory", lang))
        self.loss_plot.setTitle(tr("lr.plot.loss", lang))
        self.rate_plot.setTitle(tr("lr.plot.rate", lang))
        self.path_plot.setLabel("bottom", tr("lr.axis.x", lang))
        self.loss_plot.setLabel("bottom", tr("lr.axis.step", lang))
        self.loss_plot.setLabel("left", tr("lr.axis.loss", lang))
        self.rate_plot.setLabel("bottom", tr("lr.axis.step", lang))
        self.rate_plot.setLabel("left", tr("lr.axis.lr", lang))
        self.pin_button.setText(tr("lr.pin", lang))
        self.pin_button.setToolTip(tr("lr.pin.tip", lang))
        self.unpin_button.setText(tr("lr.unpin", lang))
        if self.run is not None:
            self._describe(self.run)
            self._label_path_axes(self.run.landscape)

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        run = gd.simulate(self.params)
        self.run = run
        self._draw_landscape(run.landscape)
        xs, ys = self._path_xy(run.landscape, run.positions)
        self.path.setData(xs, ys)
        if run.diverged:
            self.end_marker.setData([xs[-1]], [ys[-1]])
        else:
            self.end_marker.setData([], [])
        self._placing_start = True
        self.start.setPos(xs[0], ys[0])
        self._placing_start = False
        steps = np.arange(len(run.losses))
        gaps = np.maximum(run.losses - self._loss_floor(run.landscape), MIN_LOG_LOSS)
        self.loss_curve.setData(steps, gaps)
        self.rate_curve.setData(np.arange(1, len(run.rates) + 1), run.rates)
        if run.stable_limit is not None:
            self.limit_line.setValue(run.stable_limit)
            self.limit_line.show()
        else:
            self.limit_line.hide()
        self._set_ranges(int(self.params["steps"]), gaps, max(float(run.rates.max()), run.stable_limit or 0))
        self._describe(run)
        unused = gd.UNUSED_PARAMS[run.landscape.name]
        for name, control in self.controls.items():
            control.setEnabled(name not in unused)
            self.control_labels[name].setEnabled(name not in unused)

    def _set_ranges(self, last_step: int, gaps: np.ndarray, top_rate: float) -> None:
        """Axes that hold this run and the pinned one, changed only when they no longer fit: an
        axis left as it is keeps its drawn ticks, and a slider step is repainted within a frame."""
        ghost = self.ghost_loss.yData
        steps = max(last_step, (len(ghost) - 1) if ghost is not None else 0, 1)
        if steps != self._steps_shown:
            self._steps_shown = steps
            for plot in (self.loss_plot, self.rate_plot):
                plot.setXRange(0, steps, padding=0.02)
        values = [gaps[np.isfinite(gaps)]]
        if ghost is not None and len(ghost):
            values.append(ghost[np.isfinite(ghost)])
        finite = np.concatenate(values)
        if len(finite):
            shown = steady_log_range(float(finite.min()), float(finite.max()) * 1.5, self._loss_range)
            if shown != self._loss_range:
                self._loss_range = shown
                self.loss_plot.setYRange(*shown, padding=0.02)
                self.loss_plot.getAxis("left").setTicks(log_ticks(10 ** shown[0], 10 ** shown[1]))
        ghost_rates = self.ghost_rate.yData
        if ghost_rates is not None and len(ghost_rates):
            top_rate = max(top_rate, float(np.nanmax(ghost_rates)))
        top = steady_top(top_rate * 1.1 if top_rate > 0 else 1.0, self._rate_top)
        if top != self._rate_top:
            self._rate_top = top
            self.rate_plot.setYRange(0, top, padding=0)

    def _loss_floor(self, landscape: gd.Landscape) -> float:
        """The loss at the global minimum, so that the log plot shows the gap to it."""
        return float(landscape.loss(landscape.minimum)) if landscape.name == "nonconvex" else 0.0

    def _path_xy(self, landscape: gd.Landscape, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if landscape.dim == 2:
            return positions[:, 0], positions[:, 1]
        return positions[:, 0], landscape.loss(positions)

    def _draw_landscape(self, landscape: gd.Landscape) -> None:
        key = (landscape.name, landscape.max_curvature, self.params["condition"] if landscape.dim == 2 else None)
        if key == self._landscape_key:
            return
        self._landscape_key = key
        (x0, x1), (y0, y1) = landscape.x_range, landscape.y_range
        xs = np.linspace(x0, x1, GRID_SIZE)
        if landscape.dim == 1:
            self.curve.setData(xs, landscape.loss(xs[:, None]))
            self.heatmap.hide()
            for contour in self.contours:
                contour.setData([], [])
        else:
            self.curve.setData([], [])
            ys = np.linspace(y0, y1, GRID_SIZE)
            grid = landscape.loss_grid(xs, ys)
            self.heatmap.setImage(np.log1p(grid), autoLevels=True)
            self.heatmap.setRect(x0, y0, x1 - x0, y1 - y0)
            self.heatmap.show()
            weights = landscape.gradient(np.ones(2))  # the diagonal of the Hessian
            angle = np.linspace(0, 2 * np.pi, 120)
            for contour, level in zip(self.contours, CONTOUR_LEVELS):
                contour.setData(np.sqrt(2 * level / weights[0]) * np.cos(angle), np.sqrt(2 * level / weights[1]) * np.sin(angle))
        self.path_plot.setXRange(x0, x1, padding=0)
        self.path_plot.setYRange(y0, y1, padding=0.02)
        self._label_path_axes(landscape)

    def _label_path_axes(self, landscape: gd.Landscape) -> None:
        self.path_plot.setLabel("left", tr("lr.axis.y" if landscape.dim == 2 else "lr.axis.loss", self.lang))

    def _describe(self, run: gd.Run) -> None:
        lang = self.lang
        if run.diverged:
            text, colour = tr("lr.diverged_at", lang, step=run.diverged_step), self.theme.bad
        elif run.regime == "oscillating" and run.final_loss < 1e-3 * max(run.losses[0], 1e-12):
            text, colour = tr("lr.regime.oscillating_converging", lang), self.theme.warn
        else:
            text = tr(f"lr.regime.{run.regime}", lang)
            colour = {"converging": self.theme.good, "slow": self.theme.warn, "oscillating": self.theme.warn}.get(run.regime, self.theme.bad)
        self.regime_label.setText(text)
        self.regime_label.setStyleSheet(f"color: {colour};")
        if run.stable_limit is not None:
            peak = float(run.rates.max())
            detail = tr("lr.limit", lang, lr=peak, limit=run.stable_limit, ratio=peak / run.stable_limit)
        else:
            detail = tr("lr.no_limit", lang)
        self.detail_label.setText(detail + " · " + tr("lr.final", lang, loss=run.final_loss, steps=run.steps_taken))

    # -- start point dragging ---------------------------------------------------------------
    def _start_dragging(self) -> None:
        if self._placing_start or self.run is None or self.run.landscape.dim == 2:
            return
        x = float(np.clip(self.start.pos().x(), -3, 3))  # keep the 1-D start on the curve
        self._placing_start = True
        self.start.setPos(x, float(self.run.landscape.loss(np.array([x]))))
        self._placing_start = False

    def _start_dragged(self) -> None:
        if self._placing_start:
            return
        position = self.start.pos()
        changes = {"x0": round(float(np.clip(position.x(), -3, 3)), 2)}
        if self.run is not None and self.run.landscape.dim == 2:
            changes["y0"] = round(float(np.clip(position.y(), -3, 3)), 2)
        for name, value in changes.items():
            self.set_param(name, value)

    # -- pinning -------------------------------------------------------------------------------
    def pin_run(self) -> None:
        """Keep the current run as a faded ghost."""
        for source, ghost in ((self.path, self.ghost_path), (self.loss_curve, self.ghost_loss),
                              (self.rate_curve, self.ghost_rate)):
            ghost.setData(source.xData, source.yData)  # the data itself: getData() is log10 on a log axis
        self.unpin_button.setEnabled(True)

    def clear_pinned(self) -> None:
        for ghost in (self.ghost_path, self.ghost_loss, self.ghost_rate):
            ghost.setData([], [])
        self.unpin_button.setEnabled(False)
        if self.run is not None:
            self.redraw()  # the axes may shrink back to the current run
