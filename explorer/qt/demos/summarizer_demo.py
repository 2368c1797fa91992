"""The summarizer demo: TextRank picks the sentences of an extractive summary.

Left: the sentence-similarity graph, one node per sentence on a circle (numbered in reading
order, clockwise from the top), bigger and darker the higher its PageRank score, summary
sentences outlined; edges are drawn wider and darker the more similar their sentences are, and
only those at least the threshold's share of the strongest edge. Right: every sentence's PageRank
score as a bar, the summary's in colour, with the score every sentence would get in a graph
without edges (1/N) dashed. Below: the text with the summary sentences in bold and colour, in
reading order, and the text box, which holds the text being summarized: editing it (or pasting
into it) makes it the demo's text. Typing updates the graph, the bars and the labels with every
key; the highlighted copy of the text follows when the typing pauses. The similarity matrix is
cached per text and the ranking per text, similarity and damping, so the length and edge sliders
rank nothing again; a part of the plots that a change leaves as it was is not drawn again, and a
text shown before is swapped back into the browser instead of being laid out again.
"""

from __future__ import annotations

import html
import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextBrowser, QVBoxLayout

from explorer.core import textrank
from explorer.core.i18n import tr
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.plotting import PlotTexts, add_plot, legend_brush, show_grid, status_label, steady_top, style_plot

NODE_LEVELS = 8  # node sizes and shades
EDGE_LEVELS = 4  # edges are drawn in this many widths and shades, weakest first
LABEL_RADIUS = 1.13
ALL_LABELS = 30  # up to this many sentences every node is numbered; beyond, every fifth and the summary's
TEXT_BOX_LINES = 3
TYPING_PAUSE_MS = 150  # the highlighted copy of a text being typed follows after this pause
TEXTS_KEPT = 4  # laid-out texts kept for the browser: the three pages and the user's own


def _utf16(text: str) -> int:
    """The length of ``text`` as Qt counts it (characters beyond the BMP count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _faded(colour: str, share: float) -> QColor:
    """``colour``, the more transparent the smaller ``share`` (0 to 1)."""
    faded = QColor(colour)
    faded.setAlpha(int(90 + 165 * share))
    return faded


def _circle(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Points on the unit circle, the first at the top, going clockwise."""
    angles = math.pi / 2 - 2 * math.pi * np.arange(count) / max(count, 1)
    return np.cos(angles), np.sin(angles)


@dataclass
class _LaidOut:
    """A text as the browser shows it: its document, where each sentence lies in it (None when
    Qt laid it out otherwise, so that it cannot be restyled) and which sentences are in bold."""

    document: QTextDocument
    spans: dict[int, tuple[int, int]] | None
    chosen: set[int]


class SummarizerDemo(DemoWidget):
    """TextRank on a page or on the user's own text: the graph, the scores and the summary."""

    SPECS = textrank.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.result: textrank.Summary | None = None
        self._typed: str | None = None  # the user's own text, once they have edited the box
        self._typing = False
        # Texts laid out for the browser, the latest last: going back to a page swaps its document
        # in instead of laying it out again.
        self._laid_out: OrderedDict[textrank.Document, _LaidOut] = OrderedDict()
        self._spans: dict[int, tuple[int, int]] | None = None  # each sentence's place in the browser
        self._score_top: float | None = None
        self._sentences_shown: int | None = None
        # What the plots show, so that a change which leaves a part as it is does not redraw it.
        self._edges_drawn: tuple | None = None
        self._nodes_drawn: tuple | None = None
        self._bars_drawn: tuple | None = None
        self.add_status_labels(layout)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(230)
        self.graph_plot = add_plot(self.plots, row=0, col=0)
        self.score_plot = add_plot(self.plots, row=0, col=1)
        self.plots.ci.layout.setColumnStretchFactor(0, 1)
        self.plots.ci.layout.setColumnStretchFactor(1, 1)
        for plot in (self.graph_plot, self.score_plot):
            style_plot(plot)
            plot.disableAutoRange()
        self.graph_plot.hideAxis("left")
        self.graph_plot.hideAxis("bottom")
        self.graph_plot.setAspectLocked(True)
        self.graph_plot.setRange(xRange=(-1.22, 1.22), yRange=(-1.22, 1.22), padding=0.0)
        show_grid(self.score_plot, x=False, y=True)

        theme = self.theme
        width = theme.line_width
        self.edge_curves = []
        for level in range(EDGE_LEVELS):
            colour = QColor(theme.foreground)
            colour.setAlpha(35 + 55 * level)
            curve = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(colour, width=0.5 * width * (1 + level) / 1.5))
            self.graph_plot.addItem(curve)
            self.edge_curves.append(curve)
        self.nodes = pg.ScatterPlotItem(pxMode=True)
        shares = np.linspace(0.0, 1.0, NODE_LEVELS)
        self.node_sizes = (4.0 + 14.0 * shares) * theme.marker_scale
        self.node_brushes = {picked: [pg.mkBrush(_faded(theme.colour(0) if picked else theme.muted, share))
                                      for share in shares] for picked in (False, True)}
        self.outline = pg.mkPen(theme.foreground, width=max(1.5, width - 0.5))
        self.no_pen = pg.mkPen(None)
        self.graph_plot.addItem(self.nodes)
        self.node_labels = PlotTexts()  # the sentences' numbers beside their nodes
        self.label_ink = QColor(theme.foreground)
        self.graph_plot.addItem(self.node_labels)

        self.selected_brush = pg.mkBrush(theme.colour(0))
        self.other_brush = pg.mkBrush(theme.muted)
        self.selected_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=self.selected_brush, pen=None)
        self.other_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=self.other_brush, pen=None)
        self.uniform_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(theme.foreground, width=max(1.0, width - 1),
                                                                   style=Qt.PenStyle.DashLine))
        for item in (self.other_bars, self.selected_bars, self.uniform_line):
            self.score_plot.addItem(item)
        self.uniform_sample = pg.PlotDataItem(pen=self.uniform_line.pen)
        # Below both plots: inside the score plot it would cover the bars of some text.
        self.legend = pg.LegendItem(offset=None, labelTextSize="8pt", colCount=3, brush=legend_brush(theme))
        self.plots.addItem(self.legend, row=1, col=0, colspan=2)
        layout.addWidget(self.plots, 5)

        self.browser = QTextBrowser(objectName="summary-text")
        self.browser.setOpenLinks(False)
        self.browser.setMinimumHeight(80)
        self.chosen_format, self.plain_format = QTextCharFormat(), QTextCharFormat()
        self.chosen_format.setFontWeight(QFont.Weight.Bold)
        self.chosen_format.setForeground(QColor(theme.colour(0)))
        self.plain_format.setFontWeight(QFont.Weight.Normal)
        self.plain_format.setForeground(QColor(theme.foreground))
        # Laying out the whole text again costs a few milliseconds: while the user types, the
        # graph, the bars and the labels follow every key, and the highlighted text the pause.
        self.text_timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self.text_timer.timeout.connect(self._show_latest_text)
        layout.addWidget(self.browser, 2)
        self.note_label = status_label("note")
        layout.addWidget(self.note_label)

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        self.text_label = QLabel(self, objectName="text-label")
        self.text_label.setWordWrap(True)
        self.text_box = QPlainTextEdit(self, objectName="text")
        self.text_box.setTabChangesFocus(True)
        self.text_label.setBuddy(self.text_box)
        self._fit_text_box()
        layout.addWidget(self.text_label)
        layout.addWidget(self.text_box)
        self.text_box.textChanged.connect(self._text_edited)
        self.typing_field = self.text_box

    def cleanup(self) -> None:
        self.text_timer.stop()
        super().cleanup()

    def _fit_text_box(self) -> None:
        lines = TEXT_BOX_LINES * QFontMetrics(self.text_box.font()).lineSpacing()
        self.text_box.setFixedHeight(lines + 2 * self.text_box.frameWidth() + 8)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if hasattr(self, "text_box") and event.type() == QEvent.Type.FontChange:
            self._fit_text_box()

    def retranslate(self) -> None:
        lang = self.lang
        self.graph_plot.setTitle(tr("summarizer.plot.graph", lang))
        self.score_plot.setTitle(tr("summarizer.plot.scores", lang))
        self.score_plot.setLabel("bottom", tr("summarizer.axis.sentence", lang))
        self.score_plot.setLabel("left", tr("summarizer.axis.score", lang))
        self.legend.clear()
        self.legend.addItem(self.selected_bars, tr("summarizer.legend.selected", lang))
        self.legend.addItem(self.other_bars, tr("summarizer.legend.other", lang))
        self.legend.addItem(self.uniform_sample, tr("summarizer.legend.uniform", lang))
        self.note_label.setText(tr("summarizer.note", lang))
        self.text_label.setText(tr("summarizer.text", lang))
        # A QPlainTextEdit is not among the widgets name_widgets names from their buddy label.
        self.text_box.setAccessibleName(tr("summarizer.text", lang).rstrip(":："))
        self.text_box.setPlaceholderText(tr("summarizer.placeholder", lang))
        self.browser.setAccessibleName(tr("summarizer.browser", lang))
        if self.result is not None:
            self.redraw()  # a page or the example text is shown in the new language

    # -- the text ---------------------------------------------------------------------------
    def _wanted_text(self) -> str:
        source = str(self.params["source"])
        if source == "pasted" and self._typed is not None:
            return self._typed
        return textrank.source_text(source, self.lang)

    def _sync_text(self) -> None:
        """Show the text of the chosen source in the box (a page, the example, or the user's own)."""
        wanted = self._wanted_text()
        if self.text_box.toPlainText() != wanted:
            self.text_box.blockSignals(True)
            self.text_box.setPlainText(wanted)
            self.text_box.blockSignals(False)

    def _text_edited(self) -> None:
        """The user typed or pasted: their text is summarized from now on."""
        self._typed = self.text_box.toPlainText()
        self._typing = True
        try:
            if self.params["source"] != "pasted":
                self.set_param("source", "pasted")
            else:
                self.redraw()
        finally:
            self._typing = False

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        self._sync_text()
        self.result = result = textrank.summarize(self.text_box.toPlainText(), self.params)
        self._draw_graph(result)
        self._draw_scores(result)
        if self._typing:
            self.text_timer.start()
        else:
            self.text_timer.stop()
            self._show_text(result)
        self._describe(result)

    def _show_latest_text(self) -> None:
        if self.result is not None:
            self._show_text(self.result)

    def _draw_graph(self, result: textrank.Summary) -> None:
        """The edges, the nodes and their numbers; each only when what it shows has changed (the
        similarity matrix is cached per text, so the same text gives the very same array)."""
        count = result.count
        xs, ys = _circle(count)
        threshold = float(self.params["threshold"])
        drawn = self._edges_drawn
        if drawn is None or drawn[0] is not result.weights or drawn[1] != threshold:
            self._draw_edges(result.weights, threshold, xs, ys)

        top = float(result.scores.max()) if count else 1.0
        # Scores in a few steps of size and shade: pyqtgraph then draws each kind of node once.
        step = np.rint((result.scores / top if top > 0 else np.zeros(count)) * (NODE_LEVELS - 1)).astype(int)
        chosen = np.zeros(count, dtype=bool)
        chosen[result.selected] = True
        nodes = (count, step.tobytes(), chosen.tobytes())
        if nodes != self._nodes_drawn:
            self._nodes_drawn = nodes
            brushes = [self.node_brushes[picked][level] for picked, level in zip(chosen.tolist(), step.tolist())]
            pens = [self.outline if picked else self.no_pen for picked in chosen.tolist()]
            self.nodes.setData(xs, ys, size=self.node_sizes[step], brush=brushes, pen=pens)
        self._draw_labels(count, chosen, xs, ys)

    def _draw_edges(self, weights: np.ndarray, threshold: float, xs: np.ndarray, ys: np.ndarray) -> None:
        self._edges_drawn = (weights, threshold)
        first, second = np.triu_indices(len(weights), 1)
        weights = weights[first, second]
        positive = weights > 0
        first, second, weights = first[positive], second[positive], weights[positive]
        strongest = float(weights.max()) if len(weights) else 0.0
        low = threshold * strongest
        shown = weights >= low if strongest > 0 else np.zeros(0, dtype=bool)
        self._edges_shown, self._edges_total = int(shown.sum()), len(weights)
        span = max(strongest - low, 1e-12)
        level = np.minimum(((weights - low) / span * EDGE_LEVELS).astype(int), EDGE_LEVELS - 1)
        for index, curve in enumerate(self.edge_curves):
            pick = shown & (level == index)
            ends = np.empty(2 * int(pick.sum()), dtype=int)
            ends[0::2], ends[1::2] = first[pick], second[pick]
            curve.setData(xs[ends], ys[ends], skipFiniteCheck=True)  # points on the unit circle

    def _draw_labels(self, count: int, chosen: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> None:
        """Number the nodes: every node, or every fifth and the summary's."""
        numbers = np.arange(count)
        visible = np.ones(count, dtype=bool) if count <= ALL_LABELS else ((numbers + 1) % 5 == 0) | chosen[:count]
        self.node_labels.set_texts([(LABEL_RADIUS * float(xs[number]), LABEL_RADIUS * float(ys[number]), str(number + 1),
                                     self.label_ink) for number in np.flatnonzero(visible).tolist()])

    def _draw_scores(self, result: textrank.Summary) -> None:
        count = result.count
        bars = (result.scores.tobytes(), result.selected.tobytes())
        if bars != self._bars_drawn:  # the edges drawn change no bar
            self._bars_drawn = bars
            numbers = np.arange(1, count + 1, dtype=float)
            chosen = np.zeros(count, dtype=bool)
            chosen[result.selected] = True
            self.selected_bars.setOpts(x=numbers[chosen], height=result.scores[chosen])
            self.other_bars.setOpts(x=numbers[~chosen], height=result.scores[~chosen])
        self.uniform_line.setValue(1.0 / count if count else 0.0)
        self.uniform_line.setVisible(count > 0)
        if count != self._sentences_shown:
            self._sentences_shown = count
            self.score_plot.setXRange(0.4, max(count, 1) + 0.6, padding=0.0)
        high = float(result.scores.max()) if count else 1.0
        top = steady_top(max(high, 1e-6), self._score_top)
        if top != self._score_top:
            self._score_top = top
            self.score_plot.setYRange(0.0, top, padding=0.02)
        # The dashed line works out its extent when first painted and, the range having changed,
        # would ask for a second paint: worked out now, it is painted once.
        self.score_plot.getViewBox().updateMatrix()
        self.uniform_line.boundingRect()

    def _show_text(self, result: textrank.Summary) -> None:
        """The text with the summary sentences in bold and colour. A new text is laid out anew,
        a text shown before is swapped back in (either keeps the scroll position); a new choice
        of sentences only restyles those that changed."""
        document = result.document
        chosen = set(result.selected.tolist())
        laid_out = stale = self._laid_out.get(document)
        if laid_out is None or (laid_out.spans is None and laid_out.chosen != chosen):
            laid_out = self._lay_out(document, chosen)
        else:
            stale = None
        self._laid_out[document] = laid_out
        self._laid_out.move_to_end(document)
        text = laid_out.document
        if self.browser.document() is not text:
            if text.defaultFont() != self.browser.font():  # the browser sets it on its own document only
                text.setDefaultFont(self.browser.font())
            bar = self.browser.verticalScrollBar()
            scrolled = bar.value()
            self.browser.setDocument(text)  # the browser deletes only the document it made itself
            bar.setValue(scrolled)
        if stale is not None:  # laid out again: it could not be restyled
            stale.document.deleteLater()
        if chosen != laid_out.chosen:
            cursor = QTextCursor(text)
            cursor.beginEditBlock()
            for index in chosen ^ laid_out.chosen:
                start, end = laid_out.spans[index]
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(self.chosen_format if index in chosen else self.plain_format)
            cursor.endEditBlock()
            laid_out.chosen = chosen
        self._spans = laid_out.spans
        while len(self._laid_out) > TEXTS_KEPT:
            _, oldest = self._laid_out.popitem(last=False)
            oldest.document.deleteLater()  # never the one shown: that is the latest

    def _lay_out(self, document: textrank.Document, chosen: set[int]) -> _LaidOut:
        """The whole text as HTML, one paragraph a line, each sentence after its number, in a new
        document; where each sentence lies in it (in UTF-16 units, as Qt counts) is kept."""
        theme = self.theme
        paragraphs, spans, lengths = [], {}, []
        position = 0
        for paragraph in document.paragraphs:
            parts, block_start = [], position
            for place, index in enumerate(paragraph):
                shown = " ".join(document.sentences[index].split())  # as HTML shows it
                number = str(index + 1)
                if place and document.sentences[paragraph[place - 1]][-1].isascii():
                    parts.append(" ")  # a space after a Latin sentence, none after a Chinese one
                    position += 1
                position += len(number)
                spans[index] = (position, position + _utf16(shown))
                position = spans[index][1]
                sentence = html.escape(shown)
                if index in chosen:
                    sentence = f'<b style="color:{theme.colour(0)}">{sentence}</b>'
                parts.append(f'<span style="color:{theme.muted}"><sup>{number}</sup></span>{sentence}')
            paragraphs.append(f"<p>{''.join(parts)}</p>")
            lengths.append(position - block_start)
            position += 1  # the paragraph break
        text = QTextDocument(self.browser)
        text.setUndoRedoEnabled(False)
        text.setDefaultFont(self.browser.font())
        text.setHtml("".join(paragraphs))
        blocks = [text.findBlockByNumber(number) for number in range(text.blockCount())]
        laid_out = [_utf16(block.text()) for block in blocks] if lengths else []
        # Restyling needs the positions; if Qt laid the text out otherwise, every change re-lays it.
        same = laid_out == lengths and all(
            block.position() == start for block, start in zip(blocks, np.cumsum([0] + [n + 1 for n in lengths])))
        return _LaidOut(text, spans if same else None, set(chosen))

    def _describe(self, result: textrank.Summary) -> None:
        lang = self.lang
        if result.count == 0:
            self.summary_label.setText(tr("summarizer.empty", lang))
            self.detail_label.setText("")
            return
        best = int(np.argmax(result.scores))
        self.summary_label.setText(tr("summarizer.summary", lang, k=len(result.selected), n=result.count,
                                      chars=result.summary_characters, total=result.characters,
                                      ratio=result.ratio))
        detail = tr("summarizer.detail", lang, top=best + 1, score=float(result.scores[best]),
                    uniform=1.0 / result.count, iterations=result.iterations,
                    shown=self._edges_shown, edges=self._edges_total)
        if result.document.dropped:
            detail += tr("summarizer.dropped", lang, limit=textrank.MAX_SENTENCES, dropped=result.document.dropped)
        self.detail_label.setText(detail)
