"""The consistency demo: how alike are repeated answers to one question, and which ones stand out?

Top left: the pairwise similarity of the answers as a heatmap (TF-IDF cosine, 1 on the diagonal),
with its colour bar. Top right: each answer's consistency score, its mean similarity to the
others (SelfCheckGPT's idea); answers below the threshold (the dashed line, which can be dragged)
are flagged as likely hallucinations, in another colour here and in the answer list. Bottom: for
answers sampled from the explorer's n-gram model, their agreement at six temperatures with the
same seeds, and where the current temperature sits. Below the plots, the answers, one per line:
written ones can be edited (each key press redraws), sampled ones are read-only.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QTextFormat
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QTextEdit, QVBoxLayout, QWidget

from explorer.core import consistency
from explorer.core.i18n import tr
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.plotting import PlotTexts, add_plot, legend_brush, show_grid, status_label, style_plot

BAR_WIDTH = 0.7
LABELLED_CELLS = 8  # similarity values are written in the cells up to this many answers
EDITOR_LINES = 7.8  # the answer list shows this many lines without scrolling
FLAG_ALPHA = 70  # the flagged lines' background in the list
MIN_AXIS = 3  # the answer axes hold at least this many answers, so one or two do not fill the plot
SAMPLE_ONLY = ("samples", "temperature", "seed")


class _Gutter(QWidget):
    """The strip left of the answers where their numbers are painted (by the editor)."""

    def __init__(self, editor: "AnswerEditor"):
        super().__init__(editor)
        self.editor = editor

    def paintEvent(self, event) -> None:
        self.editor.paint_gutter(event)


class AnswerEditor(QPlainTextEdit):
    """A plain-text editor with a gutter that numbers the answers (non-blank lines) and marks the
    flagged ones in the flag colour."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.gutter = _Gutter(self)
        self.flagged: set[int] = set()
        self._marked: tuple | None = None
        self.flag_colour = QColor("#D55E00")
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self._fit_gutter()

    def gutter_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("00") + 12

    def _fit_gutter(self, *_args) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self.gutter.setGeometry(area.left(), area.top(), self.gutter_width(), area.height())

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_gutter()
        super().changeEvent(event)

    def paint_gutter(self, event) -> None:
        painter = QPainter(self.gutter)
        painter.fillRect(event.rect(), self.palette().alternateBase())
        number = 0
        block = self.document().firstBlock()
        first = self.firstVisibleBlock().blockNumber()
        offset = self.contentOffset()
        width, height = self.gutter.width() - 5, self.fontMetrics().height()
        while block.isValid():
            if block.text().strip():
                number += 1
                if block.blockNumber() >= first and block.isVisible():
                    top = self.blockBoundingGeometry(block).translated(offset).top()
                    if top > event.rect().bottom():
                        break
                    flagged = number - 1 in self.flagged
                    painter.setPen(self.flag_colour if flagged else self.palette().placeholderText().color())
                    font = painter.font()
                    font.setBold(flagged)
                    painter.setFont(font)
                    painter.drawText(0, round(top), width, height, Qt.AlignmentFlag.AlignRight, str(number))
            block = block.next()
        painter.end()

    def mark(self, flagged: set[int]) -> None:
        """Number the answers again and give the flagged ones (0-based) a coloured background
        (nothing to do when neither the flags nor the text changed)."""
        marked = (self.toPlainText(), frozenset(flagged))
        if marked == self._marked:
            return
        self._marked = marked
        self.flagged = flagged
        selections = []
        background = QColor(self.flag_colour)
        background.setAlpha(FLAG_ALPHA)
        number = 0
        block = self.document().firstBlock()
        while block.isValid():
            if block.text().strip():
                if number in flagged:
                    selection = QTextEdit.ExtraSelection()
                    selection.format.setBackground(background)
                    selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                    selection.cursor = self.textCursor()
                    selection.cursor.setPosition(block.position())
                    selection.cursor.clearSelection()
                    selections.append(selection)
                number += 1
            block = block.next()
        self.setExtraSelections(selections)
        self.gutter.update()


class ConsistencyDemo(DemoWidget):
    """Pairwise similarity of repeated answers, consistency scores and flags, and temperature."""

    SPECS = consistency.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.result: consistency.Run | None = None
        self._question = str(self.params["question"])
        self._written = consistency.preset_text(self._question, self.lang)
        self._edited = False
        self._shown_n: int | None = None
        self._setting_text = False
        # What the plots show, so that a change which leaves a part as it is does not redraw it.
        self._image_shown: np.ndarray | None = None
        self._cells_shown: tuple | None = None
        self._curve_shown: np.ndarray | None = None
        self._now_shown: tuple[float, float] | None = None
        theme = self.theme
        self.add_status_labels(layout)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(330)
        self.heat_plot = add_plot(self.plots, row=0, col=0)
        self.score_plot = add_plot(self.plots, row=0, col=1)
        self.curve_plot = add_plot(self.plots, row=1, col=0, colspan=2)
        self.legend = pg.LegendItem(offset=None, labelTextSize="8pt", colCount=3)
        self.plots.addItem(self.legend, row=2, col=0, colspan=2)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        self.plots.ci.layout.setColumnStretchFactor(0, 3)
        self.plots.ci.layout.setColumnStretchFactor(1, 2)
        self.plots.ci.layout.setHorizontalSpacing(18)
        for plot in (self.heat_plot, self.score_plot, self.curve_plot):
            style_plot(plot)
            plot.disableAutoRange()
        show_grid(self.heat_plot, x=False, y=False)
        self.heat_plot.invertY(True)
        layout.addWidget(self.plots, 1)

        # The heatmap: one cell per pair, the colour bar beside it, the values written in.
        self.image = pg.ImageItem(np.zeros((1, 1)), levels=(0.0, 1.0))
        self.heat_plot.addItem(self.image)
        colours = pg.colormap.get("viridis")
        self.image.setColorMap(colours)
        self.colour_bar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=colours, interactive=False, width=14,
                                          colorMapMenu=False)
        self.colour_bar.setImageItem(self.image, insert_in=self.heat_plot)
        self.heat_plot.getViewBox().sigResized.connect(lambda _box: self._label_cells())
        self.cell_values = PlotTexts()
        self._dark_ink, self._light_ink = QColor("#000000"), QColor("#ffffff")
        self.heat_plot.addItem(self.cell_values)

        # The scores: bars, flagged ones in the second colour, and the threshold (draggable).
        self.plain_brush = pg.mkBrush(theme.colour(0))
        self.flag_brush = pg.mkBrush(theme.colour(1))
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, brush=self.plain_brush, pen=None)
        self.score_plot.addItem(self.bars)
        threshold_pen = pg.mkPen(theme.foreground, width=max(1.5, theme.line_width - 0.5), style=Qt.PenStyle.DashLine)
        self.threshold_line = pg.InfiniteLine(angle=0, movable=True, pen=threshold_pen, bounds=(0.0, 1.0),
                                              hoverPen=pg.mkPen(theme.colour(1), width=theme.line_width + 1))
        self.threshold_line.sigPositionChanged.connect(self._threshold_dragged)
        self.score_plot.addItem(self.threshold_line)
        self.score_plot.setYRange(0.0, 1.0, padding=0.02)

        # Agreement against temperature, for sampled answers.
        scale = theme.marker_scale
        self.curve = pg.PlotDataItem(pen=pg.mkPen(theme.colour(2), width=theme.line_width), symbol="o",
                                     symbolSize=7 * scale, symbolBrush=theme.colour(2), symbolPen=None)
        self.now_point = pg.ScatterPlotItem(size=13 * scale, symbol="d", pen=pg.mkPen(theme.foreground, width=1.5),
                                            brush=pg.mkBrush(theme.colour(4)))
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.muted, width=1, style=Qt.PenStyle.DotLine))
        for item in (self.now_line, self.curve, self.now_point):
            self.curve_plot.addItem(item)
        self.curve_plot.setXRange(0.0, 2.1, padding=0.0)
        self.curve_plot.setYRange(0.0, 1.0, padding=0.08)
        self.hint = pg.TextItem("", color=theme.muted, anchor=(0.5, 0.5))
        self.hint.setPos(1.05, 0.5)
        self.curve_plot.addItem(self.hint)
        self.curve_plot.getViewBox().sigResized.connect(self._wrap_hint)
        self.curve_legend = self.curve_plot.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6,
                                                      brush=legend_brush(theme))
        self.legend_samples = (
            pg.BarGraphItem(x=[0], height=[1], width=1, brush=self.plain_brush, pen=None),
            pg.BarGraphItem(x=[0], height=[1], width=1, brush=self.flag_brush, pen=None),
            pg.PlotDataItem(pen=threshold_pen),
        )

        # The answers, one per line.
        row = QHBoxLayout()
        self.answers_label = status_label("answers-label")
        self.reset_button = QPushButton(objectName="reset-answers")
        self.reset_button.clicked.connect(self.reset_answers)
        row.addWidget(self.answers_label, 1)
        row.addWidget(self.reset_button)
        layout.addLayout(row)
        self.editor = AnswerEditor(self)
        self.editor.setObjectName("answers")
        self.editor.flag_colour = QColor(theme.colour(1))
        self.answers_label.setBuddy(self.editor)
        self.editor.textChanged.connect(self._text_changed)
        layout.addWidget(self.editor)
        self._fit_editor()
        self.typing_field = self.editor

    def _wrap_hint(self, box: pg.ViewBox) -> None:
        """The hint wraps inside the plot rather than running past its edges."""
        self.hint.setTextWidth(max(80.0, 0.9 * box.width()))

    def _fit_editor(self) -> None:
        lines = self.editor.fontMetrics().lineSpacing() * EDITOR_LINES
        margins = 2 * (self.editor.document().documentMargin() + self.editor.frameWidth())
        self.editor.setFixedHeight(round(lines + margins + 2))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "editor"):
            self._fit_editor()

    def sizeHint(self) -> QSize:
        return QSize(620, 820)

    # -- language -------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.lang
        self.heat_plot.setTitle(tr("consistency.plot.similarity", lang))
        self.heat_plot.setLabel("bottom", tr("consistency.axis.answer", lang))
        self.heat_plot.setLabel("left", tr("consistency.axis.answer", lang))
        self.score_plot.setTitle(tr("consistency.plot.scores", lang))
        self.score_plot.setLabel("bottom", tr("consistency.axis.answer", lang))
        self.score_plot.setLabel("left", tr("consistency.axis.score", lang))
        self.curve_plot.setTitle(tr("consistency.plot.temperature", lang))
        self.curve_plot.setLabel("bottom", tr("consistency.axis.temperature", lang))
        self.curve_plot.setLabel("left", tr("consistency.axis.agreement", lang))
        self.hint.setHtml(f'<div style="text-align: center">{html.escape(tr("consistency.hint", lang))}</div>')
        self.legend.clear()
        for item, key in zip(self.legend_samples, ("consistency.legend.score", "consistency.legend.flagged",
                                                   "consistency.legend.threshold")):
            self.legend.addItem(item, tr(key, lang))
        self.curve_legend.clear()
        self.curve_legend.addItem(self.curve, tr("consistency.legend.curve", lang))
        self.curve_legend.addItem(self.now_point, tr("consistency.legend.now", lang))
        self.reset_button.setText(tr("consistency.reset", lang))
        self.reset_button.setToolTip(tr("consistency.reset.tip", lang))
        self.editor.setPlaceholderText(tr("consistency.placeholder", lang))
        self.threshold_line.setToolTip(tr("consistency.threshold.tip", lang))
        if not self._edited:  # the preset follows the language until the user changes it
            self._written = consistency.preset_text(self._question, lang)
        if self.result is not None:
            self.redraw()

    # -- the answers ------------------------------------------------------------------------
    def reset_answers(self) -> None:
        """Put back the written answers of the current question in the current language."""
        self._written = consistency.preset_text(self._question, self.lang)
        self._edited = False
        self.redraw()

    def _text_changed(self) -> None:
        if self._setting_text or self.params["source"] != "written":
            return
        self._written = self.editor.toPlainText()
        self._edited = self._written != consistency.preset_text(self._question, self.lang)
        self.result = consistency.run(self.params, self.lang, self._written)
        self._draw(self.result)

    def _show_text(self, text: str, read_only: bool) -> None:
        self.editor.setReadOnly(read_only)
        if self.editor.toPlainText() != text:
            self._setting_text = True
            self.editor.setPlainText(text)
            self._setting_text = False

    def _threshold_dragged(self, line: pg.InfiniteLine) -> None:
        value = round(min(1.0, max(0.0, float(line.value()))), 2)
        if value != self.params["threshold"]:
            self.set_param("threshold", value)

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        params = self.params
        if params["question"] != self._question:
            self._question = str(params["question"])
            self._written = consistency.preset_text(self._question, self.lang)
            self._edited = False
        sampled = params["source"] == "ngram"
        self.result = result = consistency.run(params, self.lang, None if sampled else self._written)
        if sampled:
            empty = tr("consistency.empty", self.lang)
            self._show_text("\n".join(answer or empty for answer in result.analysis.answers), True)
        else:
            self._show_text(self._written, False)
        for name in SAMPLE_ONLY:
            self.controls[name].setEnabled(sampled)
            self.control_labels[name].setEnabled(sampled)
        self.reset_button.setEnabled(not sampled)
        self._draw(result)

    def _draw(self, result: consistency.Run) -> None:
        analysis = result.analysis
        n = len(analysis.answers)
        self._set_axes(n)
        if analysis.similarity is not self._image_shown:  # cached per answers: the threshold leaves it
            self._image_shown = analysis.similarity
            if n:
                self.image.setImage(analysis.similarity, levels=(0.0, 1.0), autoLevels=False)
                self.image.setRect(QRectF(0.5, 0.5, n, n))
                self.image.show()
            else:
                self.image.hide()
        self._label_cells()
        xs = np.arange(1, n + 1, dtype=float)
        brushes = [self.flag_brush if flag else self.plain_brush for flag in analysis.flagged]
        self.bars.setOpts(x=xs, height=analysis.scores, width=BAR_WIDTH, brushes=brushes)
        self.threshold_line.blockSignals(True)
        self.threshold_line.setValue(analysis.threshold)
        self.threshold_line.blockSignals(False)
        if result.curve is not None:
            temperature = float(self.params["temperature"])
            if result.curve is not self._curve_shown:  # cached per question, N, seed and terms
                self._curve_shown = result.curve
                self.curve.setData(consistency.CURVE_TEMPERATURES, result.curve)
            if (temperature, analysis.agreement) != self._now_shown:
                self._now_shown = (temperature, analysis.agreement)
                self.now_point.setData([temperature], [analysis.agreement])
            self.now_line.setValue(temperature)
        for item in (self.curve, self.now_point, self.now_line):
            item.setVisible(result.curve is not None)
        self.hint.setVisible(result.curve is None)
        self.curve_legend.setVisible(result.curve is not None)
        self.editor.mark({int(i) for i in np.flatnonzero(analysis.flagged)})
        self._describe(result)

    def _set_axes(self, n: int) -> None:
        if n == self._shown_n:
            return
        self._shown_n = n
        ticks = [[(i, str(i)) for i in range(1, n + 1)]]
        for axis in (self.heat_plot.getAxis("bottom"), self.heat_plot.getAxis("left"), self.score_plot.getAxis("bottom")):
            axis.setTicks(ticks)
        top = max(n, MIN_AXIS) + 0.5
        # Both ranges in one call: each call moves the view, and every cell label then works out
        # its transform again (64 labels).
        self.heat_plot.setRange(xRange=(0.5, top), yRange=(0.5, top), padding=0.0)
        self.score_plot.setXRange(0.5, top, padding=0.02)

    def _label_cells(self) -> None:
        """The values in the cells, when there are few enough answers and the cells are wide enough."""
        if self.result is None:
            return
        similarity = self.result.analysis.similarity
        n = len(similarity)
        cell = self.heat_plot.getViewBox().width() / max(n, MIN_AXIS)
        needed = QFontMetricsF(self.cell_values.font()).horizontalAdvance(".00") + 4
        shown = n <= LABELLED_CELLS and cell >= needed
        drawn = self._cells_shown
        if drawn is not None and drawn[0] is similarity and drawn[1] == shown:  # cached per answers
            return
        self._cells_shown = (similarity, shown)
        texts = []
        for (row, column), value in np.ndenumerate(similarity) if shown else ():
            text = "1" if value >= 0.995 else "0" if value < 0.005 else f"{value:.2f}"[1:]
            ink = self._dark_ink if value > 0.55 else self._light_ink  # viridis is light at the top
            texts.append((column + 1.0, row + 1.0, text, ink))
        self.cell_values.set_texts(texts)

    def _describe(self, result: consistency.Run) -> None:
        lang, analysis = self.lang, result.analysis
        question = consistency.QUESTIONS[result.question].text[lang]
        if result.sampled:
            label = tr("consistency.answers.sampled", lang, prompt=result.prompt)
        else:
            label = tr("consistency.answers.written", lang, question=question)
        self.answers_label.setText(label)
        self.editor.setAccessibleName(tr("consistency.answers.name", lang))
        if not analysis.comparable:
            self.summary_label.setText(tr("consistency.summary.few", lang))
            self.detail_label.setText(tr("consistency.detail.few", lang, question=question))
            return
        flagged = [int(i) for i in np.flatnonzero(analysis.flagged)]
        values = dict(agreement=analysis.agreement, n=len(analysis.answers), threshold=analysis.threshold)
        if flagged:
            self.summary_label.setText(tr("consistency.summary", lang, flagged=len(flagged), **values))
        else:
            self.summary_label.setText(tr("consistency.summary.none", lang, **values))
        if result.sampled:
            curve = result.curve
            detail = tr("consistency.detail.sampled", lang, n=len(analysis.answers), low=float(curve[0]), high=float(curve[-1]),
                        t_low=consistency.CURVE_TEMPERATURES[0], t_high=consistency.CURVE_TEMPERATURES[-1])
        elif flagged:
            worst = int(np.argmin(analysis.scores))
            text = analysis.answers[worst]
            detail = tr("consistency.detail.flagged", lang, numbers=", ".join(str(i + 1) for i in flagged),
                        worst=worst + 1, answer=text if len(text) <= 40 else text[:39] + "…",
                        score=float(analysis.scores[worst]))
        else:
            detail = tr("consistency.detail.none", lang, lowest=float(analysis.scores.min()))
        self.detail_label.setText(detail)
