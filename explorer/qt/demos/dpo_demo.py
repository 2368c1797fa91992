"""The DPO demo: a toy policy over six answers to one prompt, trained on one preference pair.

Top left: the DPO loss −log σ(β·Δ) against the margin Δ for the current β, with the gradient
weight σ(−β·Δ) beside it and the policy's Δ at the shown step marked on both. Top right: the
implied rewards β·log(π_θ/π_ref) of y_w and y_l and KL(π_θ ‖ π_ref) as training goes on. Bottom:
π_θ as filled bars over the reference π_ref as dashed outlines, y_w and y_l marked. Play / One
step / Back to start walk the gradient steps of a run computed in full (and cached) from the
parameters, so a slider move only redraws.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import dpo
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.playback import Playback
from explorer.qt.demos.plotting import add_plot, legend_brush, steady_top, style_plot
from explorer.qt.scaled_label import ScaledLabel

RUN_SECONDS = 8.0  # a run plays in about this long at 1×
LOSS_TOP = 2.0  # the loss axis is fixed; the loss beyond it (badly ordered pairs) runs off the top
LEFT_SHARE = 0.3  # the margin axis shows this share of its right end to the left of 0
CURVE_POINTS = 400
KEY_RATIO = 0.9  # the answers' key is set a little smaller than the status lines
PROB_TOP = 1.16  # room above the bars for the y_w / y_l marks
PREFERRED, REJECTED, LOSS, WEIGHT, KL = 2, 1, 0, 4, 3  # indices into the theme's data colours


class DpoDemo(DemoWidget):
    """Gradient descent on the DPO loss of one preference pair, step by step."""

    SPECS = dpo.PARAMS
    SUMMARY_LABEL = "summary"

    # -- building ---------------------------------------------------------------------------
    def build_view(self, layout: QVBoxLayout) -> None:
        self.result: dpo.Training | None = None
        self._margin_top: float | None = None
        self._value_range: tuple[float, float] | None = None
        self._curve_key: tuple | None = None
        self._steps_shown: int | None = None
        self._pair: tuple[int, int] | None = None
        self.playback = Playback(self, 1, 10.0, "dpo.step", self._progress)
        self.playback.position_changed.connect(self._show)
        # The rewards, then a note on what the step shows; large text (projector) needs a line more.
        self.add_status_labels(layout, detail_lines=3 if self.theme.scale <= 1 else 4)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(360)
        self.loss_plot = add_plot(self.plots, row=0, col=0)
        self.training_plot = add_plot(self.plots, row=0, col=1)
        self.policy_plot = add_plot(self.plots, row=1, col=0, colspan=2)
        self.plots.ci.layout.setRowStretchFactor(0, 1)
        self.plots.ci.layout.setRowStretchFactor(1, 1)
        for plot in (self.loss_plot, self.training_plot, self.policy_plot):
            style_plot(plot)
            plot.disableAutoRange()
        layout.addWidget(self.plots, 1)
        self.key_label = ScaledLabel("key", lines=3, ratio=KEY_RATIO)
        self.key_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.key_label)
        self._build_loss_plot()
        self._build_training_plot()
        self._build_policy_plot()

    def _build_loss_plot(self) -> None:
        theme, width, scale = self.theme, self.theme.line_width, self.theme.marker_scale
        plot = self.loss_plot
        plot.setYRange(0.0, LOSS_TOP, padding=0)
        self.loss_legend = plot.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6,
                                          brush=legend_brush(theme))
        self.loss_curve = plot.plot(pen=pg.mkPen(theme.colour(LOSS), width=width))
        self.weight_curve = plot.plot(pen=pg.mkPen(theme.colour(WEIGHT), width=width, style=Qt.PenStyle.DashLine))
        self.zero_line = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(theme.muted, width=1, style=Qt.PenStyle.DotLine))
        plot.addItem(self.zero_line)
        self.loss_point = pg.ScatterPlotItem(size=11 * scale, pen=pg.mkPen(theme.foreground, width=1.5),
                                            brush=pg.mkBrush(theme.colour(LOSS)))
        self.weight_point = pg.ScatterPlotItem(size=10 * scale, pen=pg.mkPen(theme.colour(WEIGHT), width=2),
                                              brush=pg.mkBrush(theme.plot_background))
        plot.addItem(self.loss_point)
        plot.addItem(self.weight_point)

    def _build_training_plot(self) -> None:
        theme, width = self.theme, self.theme.line_width
        plot = self.training_plot
        self.training_legend = plot.addLegend(offset=(4, 2), labelTextSize="8pt", verSpacing=-6,
                                              brush=legend_brush(theme), colCount=2)
        self.reward_w_curve = plot.plot(pen=pg.mkPen(theme.colour(PREFERRED), width=width))
        self.reward_l_curve = plot.plot(pen=pg.mkPen(theme.colour(REJECTED), width=width))
        self.kl_curve = plot.plot(pen=pg.mkPen(theme.colour(KL), width=width, style=Qt.PenStyle.DashLine))
        self.now_line = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(theme.muted, width=1))
        plot.addItem(self.now_line)

    def _build_policy_plot(self) -> None:
        theme = self.theme
        plot = self.policy_plot
        count = len(dpo.NAMES)
        xs = np.arange(count, dtype=float)
        plot.setXRange(-0.6, count - 0.4, padding=0)
        plot.setYRange(0.0, PROB_TOP, padding=0)
        plot.getAxis("bottom").setTicks([[(i, name) for i, name in enumerate(dpo.NAMES)]])
        plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in (0.0, 0.25, 0.5, 0.75, 1.0)]])
        self.policy_bars = pg.BarGraphItem(x=xs, height=np.zeros(count), width=0.56, pen=pg.mkPen(None),
                                           brushes=[pg.mkBrush(theme.muted)] * count)
        self.reference_bars = pg.BarGraphItem(x=xs, height=np.zeros(count), width=0.76, brush=None,
                                              pen=pg.mkPen(theme.foreground, width=1.5, style=Qt.PenStyle.DashLine))
        plot.addItem(self.policy_bars)
        plot.addItem(self.reference_bars)
        # No legend: the title says which bars are which, and a legend would cover a tall bar.
        self.mark_w = pg.TextItem(html=self._mark_html("w", PREFERRED), anchor=(0.5, 1.0))
        self.mark_l = pg.TextItem(html=self._mark_html("l", REJECTED), anchor=(0.5, 1.0))
        for mark in (self.mark_w, self.mark_l):
            plot.addItem(mark)

    def _mark_html(self, which: str, colour_index: int) -> str:
        return f'<span style="color:{self.theme.colour(colour_index)}; font-weight:bold">y<sub>{which}</sub></span>'

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        layout.addLayout(self.playback.row)

    # -- language ---------------------------------------------------------------------------
    def _progress(self, position: float, total: float, lang: str) -> str:
        if self.result is None:
            return ""
        return tr("dpo.progress", lang, step=self._index(position), total=self.result.steps)

    def retranslate(self) -> None:
        lang = self.lang
        self.loss_plot.setTitle(tr("dpo.plot.loss", lang))
        self.loss_plot.setLabel("bottom", tr("dpo.axis.margin", lang))
        self.loss_plot.setLabel("left", tr("dpo.axis.loss", lang))
        self.training_plot.setTitle(tr("dpo.plot.training", lang))
        self.training_plot.setLabel("bottom", tr("dpo.axis.step", lang))
        self.training_plot.setLabel("left", tr("dpo.axis.value", lang))
        self.policy_plot.setTitle(tr("dpo.plot.policy", lang))
        self.policy_plot.setLabel("bottom", tr("dpo.axis.answer", lang))
        self.policy_plot.setLabel("left", tr("dpo.axis.prob", lang))
        self.loss_legend.clear()
        self.loss_legend.addItem(self.loss_curve, tr("dpo.legend.loss", lang))
        self.loss_legend.addItem(self.weight_curve, tr("dpo.legend.weight", lang))
        self.training_legend.clear()
        self.training_legend.addItem(self.reward_w_curve, tr("dpo.legend.reward_w", lang))
        self.training_legend.addItem(self.reward_l_curve, tr("dpo.legend.reward_l", lang))
        self.training_legend.addItem(self.kl_curve, tr("dpo.legend.kl", lang))
        if self.result is not None:
            self._write_key()
            self._show(self.playback.shown)

    def _write_key(self) -> None:
        """The prompt and every answer's text, y_w and y_l in their bars' colours."""
        lang, result = self.lang, self.result
        parts = [html.escape(tr("dpo.key", lang, prompt=dpo.PROMPT[lang]))]
        for index, (name, text) in enumerate(zip(dpo.NAMES, dpo.RESPONSES)):
            entry = f"<b>{name}</b> {html.escape(text[lang])}"
            if index == result.preferred:
                entry = f'<span style="color:{self.theme.colour(PREFERRED)}">{entry}</span>'
            elif index == result.rejected:
                entry = f'<span style="color:{self.theme.colour(REJECTED)}">{entry}</span>'
            parts.append(entry)
        self.key_label.setText("&nbsp;&nbsp;".join(parts))

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        self.result = result = dpo.simulate(self.params)
        self._set_ranges(result)
        curve_key = (result.beta, self._margin_top)
        if curve_key != self._curve_key:
            self._curve_key = curve_key
            grid = np.linspace(-LEFT_SHARE * self._margin_top, self._margin_top, CURVE_POINTS)
            # Values past the top are clipped by the view; capping them keeps the path short.
            self.loss_curve.setData(grid, np.minimum(dpo.dpo_loss(grid, result.beta), 2 * LOSS_TOP))
            self.weight_curve.setData(grid, dpo.gradient_weight(grid, result.beta))
        pair = (result.preferred, result.rejected)
        if pair != self._pair:
            self._pair = pair
            self._colour_bars(result)
            self._write_key()
        self.reference_bars.setOpts(height=result.reference_probs)
        self.playback.units_per_second = max(1.0, result.steps / RUN_SECONDS)
        self.playback.set_total(result.steps)
        self._show(self.playback.shown)

    def _colour_bars(self, result: dpo.Training) -> None:
        brushes = [pg.mkBrush(self.theme.muted) for _ in dpo.NAMES]
        brushes[result.rejected] = pg.mkBrush(self.theme.colour(REJECTED))
        brushes[result.preferred] = pg.mkBrush(self.theme.colour(PREFERRED))
        self.policy_bars.setOpts(brushes=brushes)
        same = result.same_pair
        self.mark_l.setVisible(not same)

    def _set_ranges(self, result: dpo.Training) -> None:
        """Axes from the whole run, snapped to round numbers and kept while the data still fill
        more than half of them: a slider step rarely moves an axis."""
        top = steady_top(max(float(result.delta.max()) * 1.05, 3.0), self._margin_top)
        if top != self._margin_top:
            self._margin_top = top
            self.loss_plot.setXRange(-LEFT_SHARE * top, top, padding=0)
        high = steady_top(max(float(result.reward_preferred.max()), float(result.kl.max()), 0.1),
                          self._value_range[1] if self._value_range else None)
        low = -steady_top(max(-float(result.reward_rejected.min()), 0.1),
                          -self._value_range[0] if self._value_range else None)
        if (low, high) != self._value_range:
            self._value_range = (low, high)
            # The top is the legend's: two rows above the data.
            self.training_plot.setYRange(low, high + 0.45 * (high - low), padding=0.02)
        if result.steps != self._steps_shown:
            self._steps_shown = result.steps
            self.training_plot.setXRange(0, result.steps, padding=0.02)

    def _index(self, position: float) -> int:
        last = self.result.steps
        return min(last, max(0, int(position))) if math.isfinite(position) else last

    def _show(self, position: float) -> None:
        result = self.result
        if result is None:
            return
        index = self._index(position)
        delta = float(result.delta[index])
        self.loss_point.setData([delta], [min(float(result.loss[index]), LOSS_TOP)])
        self.weight_point.setData([delta], [float(result.weight[index])])
        steps = np.arange(index + 1)
        self.reward_w_curve.setData(steps, result.reward_preferred[: index + 1])
        self.reward_l_curve.setData(steps, result.reward_rejected[: index + 1])
        self.kl_curve.setData(steps, result.kl[: index + 1])
        self.now_line.setValue(index)
        probs = np.exp(result.log_probs[index])
        self.policy_bars.setOpts(height=probs)
        reference = result.reference_probs
        for mark, answer in ((self.mark_w, result.preferred), (self.mark_l, result.rejected)):
            mark.setPos(answer, max(probs[answer], reference[answer]) + 0.02)
        self._describe(index)

    def _describe(self, index: int) -> None:
        result, lang = self.result, self.lang
        start = float(np.exp(result.log_probs[0, result.preferred]))
        if index == 0:
            self.summary_label.setText(tr("dpo.start", lang, start=start))
        else:
            self.summary_label.setText(tr("dpo.summary", lang, step=index, delta=float(result.delta[index]),
                                          loss=float(result.loss[index]), start=start,
                                          now=float(np.exp(result.log_probs[index, result.preferred])),
                                          kl=float(result.kl[index])))
        detail = tr("dpo.detail", lang, rw=float(result.reward_preferred[index]),
                    rl=float(result.reward_rejected[index]), gap=result.beta * float(result.delta[index]),
                    weight=float(result.weight[index]))
        self.detail_label.setText(f"{detail}\n{tr(self._note_key(index), lang)}")

    def _note_key(self, index: int) -> str:
        result = self.result
        if result.same_pair:
            return "dpo.note.same"
        if result.collapsed_step is not None and index >= result.collapsed_step:
            return "dpo.note.collapsed"
        if result.faded_step is not None and index >= result.faded_step:
            return "dpo.note.faded"
        if index == 0:
            return "dpo.note.start"
        return "dpo.note.beta"
