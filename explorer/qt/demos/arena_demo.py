"""The arena demo: online Elo and Bradley–Terry ratings of simulated models, battle by battle.

Top: every model's rating as the votes come in, online Elo as solid lines and the Bradley–Terry
fit on the votes so far as dotted lines, with each model's hidden true strength dashed. Bottom:
the ratings at the current point, strongest model first, with 95 % bootstrap intervals on the
Bradley–Terry fit once every vote is in. The status line says how many model pairs each method
orders correctly and spells out the Elo arithmetic of the last battle.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import arena
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.playback import Playback
from explorer.qt.demos.plotting import CurveSet, PlotTexts, add_plot, legend_brush, steady_top, style_plot

CHECKPOINTS_PER_SECOND = 20.0
NAMES = "ABCDEFGHIJ"
LEGEND_COLUMNS = 2.2  # model columns' worth of room for the final plot's legend
RATING_STEP = 50.0  # rating axes are set in whole steps of this, so they rarely move
TRUE, BT, ELO = range(3)  # a model's three lines, in drawing order


class ArenaDemo(DemoWidget):
    """Simulated pairwise battles rated by online Elo and by a Bradley–Terry fit."""

    SPECS = arena.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.result: arena.Arena | None = None
        self.playback = Playback(self, 1, CHECKPOINTS_PER_SECOND, "arena.step", self._progress)
        self.playback.position_changed.connect(self._show)
        self.add_status_labels(layout)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(380)
        self.history_plot = add_plot(self.plots, row=0, col=0)
        self.final_plot = add_plot(self.plots, row=1, col=0)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.history_plot, self.final_plot):
            style_plot(plot)
            plot.disableAutoRange()
        layout.addWidget(self.plots, 1)
        width = self.theme.line_width
        self.name_colours = [QColor(self.theme.colour(index)) for index in range(int(arena.PARAMS[0].max))]
        # Per model, in drawing order: its true strength (dashed), its Bradley–Terry history
        # (dotted) and its Elo history (solid); curve 3·model + TRUE, BT or ELO.
        self.lines = CurveSet([pen for colour in self.name_colours for pen in (
            pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine),
            pg.mkPen(colour, width=max(1.0, width - 1), style=Qt.PenStyle.DotLine),
            pg.mkPen(colour, width=width))])
        self.history_plot.addItem(self.lines)
        self.name_labels = PlotTexts(anchor=(0.0, 0.5))  # each model's name at the end of its line
        self.history_plot.addItem(self.name_labels)
        self.history_legend = self.history_plot.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6,
                                                          brush=legend_brush(self.theme))
        muted = self.theme.muted
        self.legend_samples = (pg.PlotDataItem(pen=pg.mkPen(muted, width=width)),
                               pg.PlotDataItem(pen=pg.mkPen(muted, width=max(1.0, width - 1), style=Qt.PenStyle.DotLine)),
                               pg.PlotDataItem(pen=pg.mkPen(muted, width=1, style=Qt.PenStyle.DashLine)))
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(muted, width=1))
        self.history_plot.addItem(self.now_line)

        scale = self.theme.marker_scale
        self.bt_points = pg.ScatterPlotItem(size=11 * scale, symbol="s", pen=None, brush=pg.mkBrush(self.theme.colour(0)))
        self.elo_points = pg.ScatterPlotItem(size=10 * scale, symbol="o", pen=pg.mkPen(self.theme.colour(1), width=2),
                                             brush=None)
        self.true_points = pg.ScatterPlotItem(size=13 * scale, symbol="x", pen=pg.mkPen(self.theme.foreground, width=2))
        self.error_bars = pg.ErrorBarItem(beam=0.25, pen=pg.mkPen(self.theme.colour(0), width=2))
        for item in (self.error_bars, self.true_points, self.bt_points, self.elo_points):
            self.final_plot.addItem(item)
        self.final_legend = self.final_plot.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6,
                                                      brush=legend_brush(self.theme))
        self._ranges: tuple | None = None
        self._models_shown: int | None = None
        # What each group of items was last drawn from (the arrays themselves, so that identity
        # means "unchanged"; the simulation caches its pieces): a control that leaves a piece
        # alone (K leaves the Bradley–Terry fit) does not make its items set up and repaint again.
        self._drawn: dict[str, tuple] = {}

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        layout.addLayout(self.playback.row)

    def _progress(self, position: float, total: float, lang: str) -> str:
        if self.result is None:
            return ""
        index = min(int(position), len(self.result.steps) - 1)
        return tr("arena.progress", lang, battles=int(self.result.steps[index]), total=int(self.result.steps[-1]))

    def retranslate(self) -> None:
        lang = self.lang
        self.history_plot.setTitle(tr("arena.plot.history", lang))
        self.history_plot.setLabel("bottom", tr("arena.axis.battles", lang))
        self.history_plot.setLabel("left", tr("arena.axis.rating", lang))
        self.final_plot.setTitle(tr("arena.plot.final", lang))
        self.final_plot.setLabel("bottom", tr("arena.axis.model", lang))
        self.final_plot.setLabel("left", tr("arena.axis.rating", lang))
        self.history_legend.clear()
        for item, key in zip(self.legend_samples, ("arena.legend.elo", "arena.legend.bt", "arena.legend.true")):
            self.history_legend.addItem(item, tr(key, lang))
        self.final_legend.clear()
        self.final_legend.addItem(self.bt_points, tr("arena.legend.bt", lang))
        self.final_legend.addItem(self.elo_points, tr("arena.legend.elo", lang))
        self.final_legend.addItem(self.true_points, tr("arena.legend.true", lang))
        if self.result is not None:
            self._show(self.playback.shown)

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        # New bootstrap intervals (a hundred refits) come a frame after the ratings they belong to.
        later = not arena.intervals_known(self.params)
        self._draw(arena.simulate(self.params, intervals=not later))
        self.continue_later(self._draw_intervals if later else None)

    def _draw_intervals(self) -> bool:
        self._draw(arena.simulate(self.params))
        return True

    def _draw(self, result: arena.Arena) -> None:
        self.result = result
        models = result.models
        if models != self._models_shown:
            self.lines.set_curves({3 * model + line: None for model in range(models, len(self.name_colours))
                                   for line in (TRUE, BT, ELO)})
        battles = int(result.steps[-1])
        if self._changed("truth", result.truth, battles):
            self.lines.set_curves({3 * model + TRUE: (np.array([0.0, battles]), np.full(2, result.truth[model]))
                                   for model in range(models)})
        self._set_ranges(result)
        if models != self._models_shown:
            self._models_shown = models
            self.final_plot.getAxis("bottom").setTicks([[(i, NAMES[i]) for i in range(models)]])
        self.playback.set_total(len(result.steps) - 1)
        self._show(self.playback.shown)

    def _changed(self, key: str, *sources) -> bool:
        """Whether ``sources`` (arrays compared by identity, other values by equality) differ from
        what the items under ``key`` were last drawn from; remembers them if so."""
        drawn = self._drawn.get(key)
        if drawn is not None and len(drawn) == len(sources) and all(
                old is new if isinstance(new, np.ndarray) else old == new for old, new in zip(drawn, sources)):
            return False
        self._drawn[key] = sources
        return True

    def _set_ranges(self, result: arena.Arena) -> None:
        """Rating axes in whole RATING_STEPs, kept while they hold the data with at most two steps
        to spare at either end: a slider step then rarely moves them."""
        # The Bradley–Terry fit on the first handful of votes can sit hundreds of points out (a model
        # that has only won); it may leave the plot for a moment rather than set the scale, which
        # would then change with every shuffle of the battle order.
        values = np.concatenate([result.truth, result.elo.ravel(), result.bradley_terry[-1]]
                                + ([result.intervals.ravel()] if result.intervals is not None else []))
        low, high = float(values.min()), float(values.max())
        if self._ranges is not None:
            _, shown_low, shown_high, _ = self._ranges
            fits = shown_low <= low and high <= shown_high
            if fits and low - shown_low <= 2 * RATING_STEP and shown_high - high <= 2 * RATING_STEP:
                low, high = shown_low, shown_high
        low = math.floor(low / RATING_STEP) * RATING_STEP
        high = math.ceil(high / RATING_STEP) * RATING_STEP
        # The battle axis ends on a round number with room on the right for the model names, kept
        # while the run fills more than half of it.
        right = steady_top(int(result.steps[-1]) * 1.06, (self._ranges or (None,))[0])
        ranges = (right, low, high, result.models)
        if ranges == self._ranges:
            return
        previous = self._ranges or (None,) * 4
        if ranges[0] != previous[0]:
            self.history_plot.setXRange(0, right, padding=0)
        if ranges[3] != previous[3]:
            # Room on the right of the last model for the legend, so it never covers a marker.
            self.final_plot.setXRange(-0.6, result.models + LEGEND_COLUMNS - 0.4, padding=0)
        if ranges[1:3] != previous[1:3]:
            self.history_plot.setYRange(low, high + 0.3 * (high - low), padding=0.02)  # the legend sits above
            self.final_plot.setYRange(low, high, padding=0.02)
        self._ranges = ranges

    def _show(self, position: float) -> None:
        result = self.result
        if result is None:
            return
        last = len(result.steps) - 1
        index = min(last, max(0, int(position))) if math.isfinite(position) else last
        steps = result.steps[: index + 1]
        models = result.models
        battles = int(result.steps[-1])
        if self._changed("elo", result.elo, index):
            self.lines.set_curves({3 * model + ELO: (steps, result.elo[: index + 1, model]) for model in range(models)})
            self.name_labels.set_texts([(steps[-1] + battles * 0.01, float(result.elo[index, model]), NAMES[model],
                                         self.name_colours[model]) for model in range(models)])
            self.elo_points.setData(np.arange(models, dtype=float), result.elo[index])
        if self._changed("bt", result.bradley_terry, index):
            self.lines.set_curves({3 * model + BT: (steps, result.bradley_terry[: index + 1, model])
                                   for model in range(models)})
            self.bt_points.setData(np.arange(models, dtype=float), result.bradley_terry[index])
        self.now_line.setValue(int(steps[-1]))
        if self._changed("true_points", result.truth):
            self.true_points.setData(np.arange(models, dtype=float), result.truth)
        intervals = result.intervals if index == last else None
        if intervals is not None:
            if self._changed("intervals", intervals, result.bradley_terry):
                centre = result.bradley_terry[index]
                self.error_bars.setData(x=np.arange(models, dtype=float), y=centre, top=intervals[1] - centre,
                                        bottom=centre - intervals[0])
            self.error_bars.show()
        else:
            self.error_bars.hide()
        self._describe(index)

    def _describe(self, index: int) -> None:
        result, lang = self.result, self.lang
        battles = int(result.steps[index])
        if battles == 0:
            self.summary_label.setText(tr("arena.start", lang))
            self.detail_label.setText(tr("arena.order_note", lang))
            return
        self.summary_label.setText(tr("arena.summary", lang, battles=battles,
                                      elo=result.correct_pairs(result.elo[index]),
                                      bt=result.correct_pairs(result.bradley_terry[index])))
        self.detail_label.setText(self._last_battle(index))

    def _last_battle(self, index: int) -> str:
        """The Elo arithmetic of the last battle up to checkpoint ``index``, as the page's worked
        example does it."""
        result, lang = self.result, self.lang
        battles = int(result.steps[index])
        before = result.elo_before[index]
        a, b = int(result.votes.first[battles - 1]), int(result.votes.second[battles - 1])
        score = float(result.votes.score[battles - 1])
        expected = float(arena.expected_score(before[a], before[b]))
        change = float(self.params["k"]) * (score - expected)
        names = {"a": NAMES[a], "b": NAMES[b]}
        outcome = tr("arena.outcome.tie" if score == 0.5 else "arena.outcome.win" if score == 1 else "arena.outcome.loss",
                     lang, **names)
        return tr("arena.last", lang, n=battles, ra=before[a], rb=before[b], e=expected, outcome=outcome,
                  change=change, other=-change, **names)
