"""The sampling demo: one next-token distribution, reshaped by temperature, top-k and top-p.

Left: the candidates for the next token, most likely at the top (bars lie on their side so that
every token's name reads in full, in either language). Coloured bars are what decoding draws
from after temperature, top-k and top-p (renormalised): the right answer, marked ✓, in one colour
and with an outline, wrong answers in another. Faint bars are the probabilities at this
temperature before cutting, so the candidates that were cut off stay visible, and dashed outlines
are the model's original distribution (T = 1, nothing cut). The top candidates are shown one by
one and the rest as one "other" row. Right: the answers of 100 draws, once "Sample 100 times" has
been pressed; they are drawn again with the same seed whenever a control moves.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import sampling
from explorer.qt.demos.base import PLOT_TEXT_RATIO, DemoWidget
from explorer.qt.demos.plotting import add_plot, show_grid, style_plot

SHOWN = 12  # candidates with a row of their own; the rest share the "other" row
ROWS = SHOWN + 1
DRAWS = 100
BAR = 0.72  # bar thickness, in rows
FAINT_ALPHA = 70
MARK = " ✓"


class SamplingDemo(DemoWidget):
    """Temperature, top-k, top-p and greedy decoding on a factual prompt, and how often it is wrong."""

    SPECS = sampling.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.result: sampling.Decoding | None = None
        self.counts: np.ndarray | None = None
        self.sampled = False
        self._ticks_key: tuple | None = None
        self.add_status_labels(layout)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(360)
        # The prompt spans both plots: as a plot title it would hold the first plot at its width.
        self.prompt_label = self.plots.addLabel("", row=0, col=0, colspan=2)
        self.dist_plot = add_plot(self.plots, row=1, col=0)
        self.sample_plot = add_plot(self.plots, row=1, col=1)
        self.plots.ci.layout.setColumnStretchFactor(0, 3)
        self.plots.ci.layout.setColumnStretchFactor(1, 2)
        rows = np.arange(ROWS, dtype=float)
        # A little room past the largest value, so that the end tick labels (1, 100) are drawn.
        for plot, top in ((self.dist_plot, 1.0), (self.sample_plot, float(DRAWS))):
            style_plot(plot)
            show_grid(plot, x=True, y=False)
            plot.disableAutoRange()
            plot.invertY(True)
            plot.setXRange(-0.04 * top, 1.09 * top, padding=0.0)
            plot.setYRange(-0.5, ROWS - 0.5, padding=0.01)
        self.sample_plot.setYLink(self.dist_plot)
        self.sample_plot.getAxis("left").setStyle(showValues=False)
        self.sample_plot.getAxis("left").setWidth(6)
        layout.addWidget(self.plots, 1)

        theme = self.theme
        self.right_brush = pg.mkBrush(theme.colour(2))
        self.wrong_brush = pg.mkBrush(theme.colour(1))
        self.right_pen = pg.mkPen(theme.foreground, width=max(1.5, theme.line_width - 0.5))
        faint = QColor(theme.muted)
        faint.setAlpha(FAINT_ALPHA)
        zeros = np.zeros(ROWS)
        self.faint_bars = pg.BarGraphItem(x0=0.0, y=rows, height=BAR, width=zeros, brush=pg.mkBrush(faint), pen=None)
        self.kept_bars = pg.BarGraphItem(x0=0.0, y=rows, height=BAR, width=zeros, brush=self.wrong_brush, pen=None)
        ghost_pen = pg.mkPen(theme.foreground, width=1, style=Qt.PenStyle.DashLine)
        self.ghost_bars = pg.BarGraphItem(x0=0.0, y=rows, height=BAR, width=zeros, brush=None, pen=ghost_pen)
        for item in (self.faint_bars, self.kept_bars, self.ghost_bars):
            self.dist_plot.addItem(item)
        self.count_bars = pg.BarGraphItem(x0=0.0, y=rows, height=BAR, width=zeros, brush=self.wrong_brush, pen=None)
        self.sample_plot.addItem(self.count_bars)
        self.hint = pg.TextItem("", color=theme.muted, anchor=(0.5, 0.5))
        self.hint.setPos(DRAWS / 2, ROWS / 2)
        self.sample_plot.addItem(self.hint)

        # Samples for the legend (never added to a plot): what each kind of bar means.
        self.legend_samples = (
            pg.BarGraphItem(x0=[0], y=[0], height=1, width=1, brush=self.right_brush, pen=self.right_pen),
            pg.BarGraphItem(x0=[0], y=[0], height=1, width=1, brush=self.wrong_brush, pen=None),
            pg.BarGraphItem(x0=[0], y=[0], height=1, width=1, brush=pg.mkBrush(faint), pen=None),
            pg.BarGraphItem(x0=[0], y=[0], height=1, width=1, brush=None, pen=ghost_pen),
        )
        # Below both plots, in two columns: inside a plot it would cover the bars of some setting.
        self.legend = pg.LegendItem(offset=None, labelTextSize="8pt", colCount=2)
        self.plots.addItem(self.legend, row=2, col=0, colspan=2)

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        self.sample_button = QPushButton(objectName="sample")
        self.sample_button.clicked.connect(self.draw_samples)
        row.addWidget(self.sample_button)
        row.addStretch(1)
        layout.addLayout(row)

    def retranslate(self) -> None:
        lang = self.lang
        self.dist_plot.setTitle(tr("sampling.plot.distribution", lang))
        self.dist_plot.setLabel("bottom", tr("sampling.axis.probability", lang))
        self.dist_plot.setLabel("left", tr("sampling.axis.token", lang))
        self.sample_plot.setTitle(tr("sampling.plot.samples", lang, n=DRAWS))
        self.sample_plot.setLabel("bottom", tr("sampling.axis.count", lang))
        self.sample_button.setText(tr("sampling.sample", lang, n=DRAWS))
        self.sample_button.setToolTip(tr("sampling.sample.tip", lang))
        self.hint.setText(tr("sampling.hint", lang))
        self.legend.clear()
        for item, key in zip(self.legend_samples, ("sampling.legend.right", "sampling.legend.wrong",
                                                   "sampling.legend.cut", "sampling.legend.original")):
            self.legend.addItem(item, tr(key, lang))
        if self.result is not None:
            self._label_rows(self.result)
            self._describe(self.result)

    # -- drawing ----------------------------------------------------------------------------
    def draw_samples(self) -> None:
        """Draw 100 answers now, and again (same seed) whenever a control moves."""
        self.sampled = True
        self.redraw()

    def redraw(self) -> None:
        self.result = result = sampling.simulate(self.params)
        order = result.order
        self._label_rows(result)
        kept = self._rows(result.probs, order)
        correct = result.correct[order[:SHOWN]]
        right_kept = correct & (kept[:SHOWN] > 0)
        self.faint_bars.setOpts(width=self._rows(result.scaled, order))
        self.ghost_bars.setOpts(width=self._rows(result.original, order))
        brushes = [self.right_brush if right else self.wrong_brush for right in correct] + [self.wrong_brush]
        pens = [self.right_pen if mark else None for mark in right_kept] + [None]
        self.kept_bars.setOpts(width=kept, brushes=brushes, pens=pens)
        if self.sampled:
            self.counts = result.sample(DRAWS)
            self.count_bars.setOpts(width=self._rows(self.counts.astype(float), order), brushes=brushes)
            self.hint.hide()
        else:
            self.counts = None
            self.hint.show()
        self._describe(result)

    @staticmethod
    def _rows(values: np.ndarray, order: np.ndarray) -> np.ndarray:
        """The first SHOWN candidates in ``order`` one by one, then the rest added up."""
        ranked = values[order]
        return np.append(ranked[:SHOWN], ranked[SHOWN:].sum())

    def _label_rows(self, result: sampling.Decoding) -> None:
        """Token names down the left axis (only when the prompt or the language changes)."""
        key = (id(result.prompt), self.lang)
        if key == self._ticks_key:
            return
        self._ticks_key = key
        tokens = result.prompt.tokens
        order = result.order
        names = [tokens[i].text(self.lang) + (MARK if tokens[i].correct else "") for i in order[:SHOWN]]
        names.append(tr("sampling.other", self.lang, n=len(tokens) - SHOWN))
        self.dist_plot.getAxis("left").setTicks([list(enumerate(names))])
        self.sample_plot.getAxis("left").setTicks([list(enumerate([""] * ROWS))])
        self._show_prompt()

    def _show_prompt(self) -> None:
        """The prompt above the plots, in the plots' text size (which follows zoom and theme)."""
        if self.result is None:
            return
        size = self.font().pointSizeF() * PLOT_TEXT_RATIO
        self.prompt_label.setText(tr("sampling.plot.prompt", self.lang, prompt=self.result.prompt.text[self.lang]),
                                  size=f"{size:.1f}pt", bold=True)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._show_prompt()

    def _describe(self, result: sampling.Decoding) -> None:
        lang = self.lang
        p = self.params
        if result.greedy:
            settings = tr("sampling.greedy", lang)
        else:
            parts = [f"T {result.temperature:.2f}"]
            if int(p["top_k"]) < sampling.CANDIDATES:
                parts.append(f"top-k {int(p['top_k'])}")
            if float(p["top_p"]) < 1.0:
                parts.append(f"top-p {float(p['top_p']):.2f}")
            settings = ", ".join(parts)
        total = len(result.prompt.tokens)
        text = tr("sampling.summary", lang, settings=settings, kept=result.kept_count, total=total,
                  wrong=result.p_wrong)
        if self.counts is not None:
            text += tr("sampling.summary.samples", lang, n=DRAWS, bad=result.wrong_count(self.counts))
        self.summary_label.setText(text)
        self.detail_label.setText(self._detail(result))

    def _detail(self, result: sampling.Decoding) -> str:
        lang = self.lang
        tokens = result.prompt.tokens
        if result.greedy:
            pick = int(np.flatnonzero(result.kept)[0])
            key = "sampling.detail.greedy_right" if tokens[pick].correct else "sampling.detail.greedy_wrong"
            return tr(key, lang, token=tokens[pick].text(lang))
        right = int(np.flatnonzero(result.correct)[0])
        wrong = next(int(i) for i in result.order if not tokens[i].correct)
        return tr("sampling.detail", lang, right=tokens[right].text(lang), q=float(result.probs[right]),
                  wrong=tokens[wrong].text(lang), w=float(result.probs[wrong]))
