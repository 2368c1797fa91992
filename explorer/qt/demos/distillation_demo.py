"""The distillation demo: a teacher's probabilities softened by temperature, and what a small
student gains from them.

Top: the teacher's probabilities over the ten classes for one training example, at T = 1
(grey) and at the chosen T (coloured), the example's true class marked; the title gives the
entropy of each. Bottom: two linear students trained on the same few examples, one on the
distillation loss α·T²·KL + (1 − α)·CE and one on the hard labels only, as test accuracy
(with the teacher's as a dashed line) and test cross-entropy per epoch. A long run on many
examples is trained a slice at a time: the first frame after a change shows the students as far
as the default run's work takes them (more if time is left in the frame), the curves grow to
their end in the next frames, and the summary says "training" until they are there.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from explorer.core.i18n import tr
from explorer.core.sims import distillation
from explorer.qt.demos.base import DemoWidget, advance_within
from explorer.qt.demos.plotting import add_plot, legend_brush, steady_top, style_plot

BAR_WIDTH = 0.38
FIRST_WORK = 100 * 2 * distillation.CLASSES  # example-epochs before the first frame: the default run's
CHUNK_WORK = 3000  # example-epochs between looks at the clock
SLICE_SECONDS = 0.005  # a slice trains on while another chunk would end within this


class DistillationDemo(DemoWidget):
    """Temperature-softened teacher outputs and a distilled student against a hard-label one."""

    SPECS = distillation.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.result: distillation.Distillation | None = None
        self.add_status_labels(layout)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(380)
        self.teacher_plot = add_plot(self.plots, row=0, col=0, colspan=2)
        self.accuracy_plot = add_plot(self.plots, row=1, col=0)
        self.loss_plot = add_plot(self.plots, row=1, col=1)
        for plot in (self.teacher_plot, self.accuracy_plot, self.loss_plot):
            style_plot(plot)
            plot.disableAutoRange()
        layout.addWidget(self.plots, 1)
        theme, width = self.theme, self.theme.line_width
        classes = np.arange(distillation.CLASSES, dtype=float)
        self.cold_bars = pg.BarGraphItem(x=classes - BAR_WIDTH / 2, height=np.zeros_like(classes), width=BAR_WIDTH,
                                         brush=theme.muted, pen=None)
        self.warm_bars = pg.BarGraphItem(x=classes + BAR_WIDTH / 2, height=np.zeros_like(classes), width=BAR_WIDTH,
                                         brush=theme.colour(0), pen=None)
        self.true_mark = pg.ScatterPlotItem(symbol="t1", size=13 * theme.marker_scale, pen=None,
                                            brush=pg.mkBrush(theme.colour(5)))
        for item in (self.cold_bars, self.warm_bars, self.true_mark):
            self.teacher_plot.addItem(item)
        self.teacher_plot.setXRange(-0.6, distillation.CLASSES - 0.4, padding=0)
        self.teacher_plot.setYRange(-0.06, 1.4, padding=0)  # room above the bars for the legend
        self.teacher_plot.getAxis("left").setTicks([[(v / 5, f"{v / 5:g}") for v in range(6)]])
        self.teacher_plot.getAxis("bottom").setTicks([[(c, str(int(c))) for c in classes]])
        # One row across the top, in the room above probability 1, so that no bar goes behind it.
        self.teacher_legend = self.teacher_plot.addLegend(offset=(-4, 2), labelTextSize="8pt", verSpacing=-6,
                                                          colCount=3, brush=legend_brush(theme))

        self.curves = {}
        for plot_name, plot in (("accuracy", self.accuracy_plot), ("loss", self.loss_plot)):
            self.curves[plot_name] = (plot.plot(pen=pg.mkPen(theme.colour(0), width=width)),
                                      plot.plot(pen=pg.mkPen(theme.colour(1), width=width)))
        self.teacher_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(theme.foreground, width=1,
                                                                  style=Qt.PenStyle.DashLine))
        self.accuracy_plot.addItem(self.teacher_line)
        self.accuracy_plot.setYRange(0.0, 1.0, padding=0.02)
        self.accuracy_legend = self.accuracy_plot.addLegend(offset=(-4, -4), labelTextSize="8pt", verSpacing=-6,
                                                            brush=legend_brush(theme))
        self.teacher_sample = pg.PlotDataItem(pen=pg.mkPen(theme.foreground, width=1, style=Qt.PenStyle.DashLine))
        self._epochs_shown: float | None = None
        self._loss_top: float | None = None
        # What is on screen, so that a redraw touches only what changed (a T or α move leaves the
        # hard-label student's curves as they are, an epochs move the teacher panel, and so on).
        self._teacher_shown: tuple | None = None
        self._title_lang: str | None = None
        self._runs_shown: list[distillation.Training | None] = [None, None]

    def retranslate(self) -> None:
        lang = self.lang
        self.teacher_plot.setLabel("bottom", tr("distil.axis.class", lang))
        self.teacher_plot.setLabel("left", tr("distil.axis.probability", lang))
        self.accuracy_plot.setTitle(tr("distil.plot.accuracy", lang))
        self.loss_plot.setTitle(tr("distil.plot.loss", lang))
        for plot, key in ((self.accuracy_plot, "distil.axis.accuracy"), (self.loss_plot, "distil.axis.loss")):
            plot.setLabel("bottom", tr("distil.axis.epoch", lang))
            plot.setLabel("left", tr(key, lang))
        self.teacher_legend.clear()
        self.teacher_legend.addItem(self.cold_bars, tr("distil.legend.cold", lang))
        self.teacher_legend.addItem(self.warm_bars, tr("distil.legend.warm", lang))
        self.teacher_legend.addItem(self.true_mark, tr("distil.legend.true", lang))
        self.accuracy_legend.clear()
        distilled, hard = self.curves["accuracy"]
        self.accuracy_legend.addItem(distilled, tr("distil.legend.distilled", lang))
        self.accuracy_legend.addItem(hard, tr("distil.legend.hard", lang))
        self.accuracy_legend.addItem(self.teacher_sample, tr("distil.legend.teacher", lang))
        if self.result is not None:
            self._draw_teacher()
            self._describe()

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        self.continue_later(None if self._draw_epochs(FIRST_WORK) else lambda: self._draw_epochs(0))

    def _draw_epochs(self, least_work: int) -> bool:
        """Train the students ``least_work`` example-epochs on (at least one epoch), and on while
        another chunk would still end within the slice's time (judged by the last one); draw what
        is trained. True when the run is whole."""
        epochs = int(self.params["epochs"])
        examples = int(self.params["per_class"]) * distillation.CLASSES
        ready = distillation.epochs_trained(self.params)
        least, chunk = ready + max(1, -(-least_work // examples)), max(1, CHUNK_WORK // examples)
        ready = advance_within(ready, epochs, least, chunk, lambda epoch: distillation.advance(self.params, epoch),
                               SLICE_SECONDS)
        self._draw(distillation.simulate(self.params, ready))
        return self.result.complete

    def _draw(self, result: distillation.Distillation) -> None:
        self.result = result
        self._draw_teacher()
        epochs = result.epochs
        # A round number held while it fits, from the run's length: a run drawn in slices grows into it.
        right = steady_top(float(self.params["epochs"]), self._epochs_shown)
        if right != self._epochs_shown:
            self._epochs_shown = right
            for plot in (self.accuracy_plot, self.loss_plot):
                plot.setXRange(0, right, padding=0.02)
        # A run the simulation handed back unchanged (it caches them) is the one on screen.
        for index, run in enumerate((result.distilled, result.hard_only)):
            if self._runs_shown[index] is run:
                continue
            self._runs_shown[index] = run
            # The simulation's curves are finite (its tests check every extreme).
            self.curves["accuracy"][index].setData(epochs, run.accuracy, skipFiniteCheck=True)
            self.curves["loss"][index].setData(epochs, run.test_loss, skipFiniteCheck=True)
        self.teacher_line.setValue(result.teacher_accuracy)
        top = steady_top(float(max(result.distilled.test_loss.max(), result.hard_only.test_loss.max())), self._loss_top)
        if top != self._loss_top:
            self._loss_top = top
            self.loss_plot.setYRange(0.0, top, padding=0.02)
        self._describe()

    def _example(self) -> int:
        return distillation.shown_example(self.params, self.result)

    def _draw_teacher(self) -> None:
        result, example = self.result, self._example()
        temperature = float(self.params["temperature"])
        shown = self._teacher_shown  # (teacher logits, example, temperature) on screen
        same_example = shown is not None and shown[0] is result.teacher and shown[1] == example
        if same_example and shown[2] == temperature and self._title_lang == self.lang:
            return
        self._teacher_shown = (result.teacher, example, temperature)
        self._title_lang = self.lang
        logits = result.teacher[example]
        cold, warm = distillation.softmax(logits), distillation.softmax(logits, temperature)
        label = int(result.labels[example])
        if not same_example:  # the T = 1 bars and the true-class mark move only with the example
            self.cold_bars.setOpts(height=cold)
            self.true_mark.setData([label], [-0.03])
        self.warm_bars.setOpts(height=warm)
        rank = min(int(self.params["example"]), len(result.labels))
        self.teacher_plot.setTitle(tr("distil.plot.teacher", self.lang, example=rank,
                                      total=len(result.labels), label=label,
                                      cold=distillation.entropy_bits(cold), warm=distillation.entropy_bits(warm),
                                      t=temperature))

    def _describe(self) -> None:
        result, lang = self.result, self.lang
        temperature, alpha = float(self.params["temperature"]), float(self.params["alpha"])
        if result.complete:
            self.summary_label.setText(tr("distil.summary", lang, t=temperature, alpha=alpha,
                                          distilled=result.distilled.accuracy[-1], hard=result.hard_only.accuracy[-1],
                                          teacher=result.teacher_accuracy, n=len(result.labels)))
        else:
            self.summary_label.setText(tr("distil.summary.training", lang, t=temperature, alpha=alpha,
                                          epoch=distillation.epochs_trained(self.params), epochs=int(self.params["epochs"]),
                                          n=len(result.labels)))
        example = self._example()
        self.detail_label.setText(tr("distil.detail", lang, t=temperature,
                                     warm=result.dark_knowledge(example, temperature),
                                     cold=result.dark_knowledge(example, 1.0)))
