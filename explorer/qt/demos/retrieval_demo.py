"""The retrieval demo: BM25 over the explorer's own pages, and the prompt built from what it finds.

The user types a question. Below it: the question's tokens (words, or character bigrams for
Chinese) with each one's idf, crossed out when no passage holds it; the BM25 scores of the best
passages as bars lying on their side, "[n] topic · section" beside each, the k that go into the
prompt in colour; and the augmented prompt itself, the k passages numbered in front of the
question, each title a ``topic:`` link that opens its topic. Typing rescores at once, and a new
chunk size, overlap or corpus language builds its index from pages parsed once (a few
milliseconds): every change is drawn within a frame. The pages of the language not shown yet are
parsed a page at a time while the demo idles, so that switching corpus or language is too.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QTextBlock, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextBrowser, QVBoxLayout

from explorer.core import retrieval
from explorer.core.i18n import tr
from explorer.core.search import MARK_END, MARK_START, make_snippet
from explorer.core.topics import LANGUAGES
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.plotting import PlotTexts, add_plot, show_grid, status_label, steady_top, style_plot

SHOWN = retrieval.SHOWN
BAR = 0.7  # bar thickness, in rows
TEXT_ROOM = 1.25  # the score axis reaches this far past the best score: room for its number
CHIPS = 16  # query tokens shown; the rest are counted
FAINT_ALPHA = 90
AVERAGE_TO_WIDEST = 1.1  # room for labels with wider letters than average (capitals, Chinese)
PARSE_DELAY_MS = 1000  # after this, the pages of the other language are parsed while idle …
PARSE_STEP_MS = 25  # … one page (a few milliseconds) this often


class RetrievalDemo(DemoWidget):
    """Type a question: BM25 ranks the explorer's passages and the best k make the prompt."""

    SPECS = retrieval.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.result: retrieval.Retrieval | None = None
        self._x_top: float | None = None
        self._ticks: tuple | None = None
        self._title_key: tuple | None = None
        self._prompt_contents: list = []  # each line of the prompt shown, as _segments gives it
        self._parsing = retrieval.warm_steps(LANGUAGES)
        self._parse_timer = QTimer(self, interval=PARSE_DELAY_MS)
        self._parse_timer.timeout.connect(self._parse_a_page)
        self._parse_timer.start()

        row = QHBoxLayout()
        self.question_label = QLabel(objectName="question-label")
        self.question_field = QLineEdit(objectName="question")
        self.question_field.setClearButtonEnabled(True)
        self.question_field.setText(tr("retrieval.example", self.lang))
        self.question_label.setBuddy(self.question_field)
        row.addWidget(self.question_label)
        row.addWidget(self.question_field, 1)
        layout.addLayout(row)
        self.question_field.textChanged.connect(self._question_changed)
        self.typing_field = self.question_field

        self.tokens_label = status_label("tokens")
        self.tokens_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label = status_label("summary", bold=True)
        self.detail_label = status_label("detail")
        for label in (self.tokens_label, self.summary_label, self.detail_label):
            layout.addWidget(label)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(230)
        self.score_plot = add_plot(self.plots, row=0, col=0)
        style_plot(self.score_plot)
        show_grid(self.score_plot, x=True, y=False)
        self.score_plot.disableAutoRange()
        self.score_plot.invertY(True)
        self.score_plot.setYRange(-0.5, SHOWN - 0.5, padding=0.02)
        self.score_plot.setXRange(0.0, 1.0, padding=0.0)
        layout.addWidget(self.plots, 3)

        theme = self.theme
        rows = np.arange(SHOWN, dtype=float)
        zeros = np.zeros(SHOWN)
        faint = QColor(theme.muted)
        faint.setAlpha(FAINT_ALPHA)
        self.other_bars = pg.BarGraphItem(x0=0.0, y=rows, height=BAR, width=zeros, brush=pg.mkBrush(faint), pen=None)
        self.chosen_bars = pg.BarGraphItem(x0=0.0, y=rows, height=BAR, width=zeros,
                                           brush=pg.mkBrush(theme.colour(0)), pen=None)
        self.score_plot.addItem(self.other_bars)
        self.score_plot.addItem(self.chosen_bars)
        self.score_texts = PlotTexts(anchor=(0.0, 0.5))  # each score at the end of its bar
        self.score_ink = QColor(theme.foreground)
        self.score_plot.addItem(self.score_texts)
        self.nothing = pg.TextItem("", color=theme.muted, anchor=(0.5, 0.5))
        self.nothing.setPos(0.5, (SHOWN - 1) / 2)
        self.score_plot.addItem(self.nothing)

        self.prompt_label = QLabel(objectName="prompt-label")
        self.prompt_view = QTextBrowser(objectName="prompt")
        self.prompt_view.setOpenLinks(False)
        self.prompt_view.setOpenExternalLinks(False)
        self.prompt_view.setMinimumHeight(120)
        self.prompt_view.document().setUndoRedoEnabled(False)
        self.prompt_view.anchorClicked.connect(self._link_clicked)
        # A palette, not a style sheet: a widget with a style sheet stops following its parent's
        # font, and the prompt must grow with the zoom and the projector theme.
        colours = self.prompt_view.palette()
        colours.setColor(QPalette.ColorRole.Base, QColor(theme.code_background))
        colours.setColor(QPalette.ColorRole.Text, QColor(theme.foreground))
        self.prompt_view.setPalette(colours)
        self.prompt_view.document().setDefaultStyleSheet(
            f"a {{ color: {theme.link}; font-weight: bold; text-decoration: underline; }} p {{ margin: 0; }}")
        self.prompt_label.setBuddy(self.prompt_view)
        layout.addWidget(self.prompt_label)
        layout.addWidget(self.prompt_view, 2)

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.lang
        self.question_label.setText(tr("retrieval.question", lang))
        self.question_field.setPlaceholderText(tr("retrieval.question.placeholder", lang))
        self.prompt_label.setText(tr("retrieval.prompt.label", lang))
        self.score_plot.setLabel("bottom", tr("retrieval.axis.score", lang))
        self.nothing.setText(tr("retrieval.nothing", lang))
        # The example question follows the language until the user edits it.
        examples = {tr("retrieval.example", other) for other in LANGUAGES}
        if self.question_field.text() in examples:
            self.question_field.blockSignals(True)
            self.question_field.setText(tr("retrieval.example", lang))
            self.question_field.blockSignals(False)
        self._title_key = None
        if self.result is not None:
            self.redraw()

    def _parse_a_page(self) -> None:
        self._parse_timer.setInterval(PARSE_STEP_MS)
        if next(self._parsing, None) is None:
            self._parse_timer.stop()

    def cleanup(self) -> None:
        self._parse_timer.stop()
        super().cleanup()

    # -- drawing ----------------------------------------------------------------------------
    def _question_changed(self, _text: str) -> None:
        self.redraw()

    def redraw(self) -> None:
        self.result = result = retrieval.retrieve(self.question_field.text(), self.params, self.lang)
        self._draw_bars(result)
        self._show_tokens(result)
        self._show_prompt(result)
        self._describe(result)

    def _draw_bars(self, result: retrieval.Retrieval) -> None:
        scores = np.zeros(SHOWN)
        scores[: len(result.ranked)] = [source.score for source in result.ranked]
        chosen = np.arange(SHOWN) < result.k
        self.chosen_bars.setOpts(width=np.where(chosen, scores, 0.0))
        self.other_bars.setOpts(width=np.where(chosen, 0.0, scores))
        self.score_texts.set_texts([(float(scores[index]), float(index), f" {scores[index]:.2f}", self.score_ink)
                                    for index in range(len(result.ranked))])
        best = float(scores.max())
        top = steady_top(best * TEXT_ROOM, self._x_top) if best > 0 else (self._x_top or 1.0)
        if top != self._x_top:
            self._x_top = top
            self.score_plot.setXRange(0.0, top, padding=0.0)
            self.nothing.setPos(top / 2, (SHOWN - 1) / 2)
        self.nothing.setVisible(not result.ranked and bool(result.question))
        labels = tuple(self._row_label(source, result.k) for source in result.ranked)
        labels += ("",) * (SHOWN - len(labels))
        if labels != self._ticks:
            self._ticks = labels
            self.score_plot.getAxis("left").setTicks([list(enumerate(labels))])
        title_key = (result.k, self.lang)
        if title_key != self._title_key:
            self._title_key = title_key
            self.score_plot.setTitle(tr("retrieval.plot.scores", self.lang, k=result.k))

    @staticmethod
    def _row_label(source: retrieval.Source, k: int) -> str:
        number = f"[{source.rank}]" if source.rank <= k else f"{source.rank}."
        return f"{number} {source.label()}"

    def _show_tokens(self, result: retrieval.Retrieval) -> None:
        lang, theme = self.lang, self.theme
        if not result.tokens:
            self.tokens_label.setText(f"{tr('retrieval.tokens', lang)} {tr('retrieval.tokens.none', lang)}")
            return
        chips = []
        for token in result.tokens[:CHIPS]:
            text = html.escape(token.text)
            if token.frequency:
                chips.append(f"<span style='background-color:{theme.mark}; color:{theme.foreground}'>&nbsp;{text}"
                             f"&nbsp;</span><sub>{token.idf:.1f}</sub>")
            else:
                chips.append(f"<span style='color:{theme.muted}; text-decoration:line-through'>&nbsp;{text}"
                             f"&nbsp;</span><sub>–</sub>")
        more = len(result.tokens) - CHIPS
        if more > 0:
            chips.append(html.escape(tr("retrieval.tokens.more", lang, n=more)))
        self.tokens_label.setText(f"{html.escape(tr('retrieval.tokens', lang))} " + " ".join(chips))
        # Screen readers get the tokens without the markup.
        spoken = ", ".join(f"{token.text} {token.idf:.1f}" if token.frequency else f"{token.text} –"
                           for token in result.tokens)
        self.tokens_label.setAccessibleDescription(f"{tr('retrieval.tokens', lang)} {spoken}")

    def _show_prompt(self, result: retrieval.Retrieval) -> None:
        """The prompt, one paragraph per line. Only the lines that changed are rewritten (a
        passage's title with its link), and lines are inserted or removed where passages come
        or go (k, or fewer passages found): parsing and laying out the whole prompt again would
        cost several milliseconds a keystroke or a change of k."""
        question = result.question
        contents = [self._segments(kind, text, source, question) for kind, text, source in result.prompt_lines()]
        document = self.prompt_view.document()
        old = self._prompt_contents
        if old and document.blockCount() == len(old):
            edit = QTextCursor(document)
            edit.beginEditBlock()  # the document is laid out again once, after every line is changed
            try:
                self._change_lines(document, old, contents)
            finally:
                edit.endEditBlock()
        else:
            self.prompt_view.setHtml("".join(f"<p>{self._html(segments) or '&nbsp;'}</p>" for segments in contents))
        self._prompt_contents = contents if document.blockCount() == len(contents) else []

    @staticmethod
    def _html(segments: tuple[tuple[str, bool, str], ...]) -> str:
        return "".join(f"<a href='{html.escape(href)}'>{html.escape(piece)}</a>" if href
                       else f"<b>{html.escape(piece)}</b>" if bold else html.escape(piece)
                       for piece, bold, href in segments)

    def _change_lines(self, document: QTextDocument, old: list, new: list) -> None:
        """Turn the prompt's lines ``old`` (one block each) into ``new``: the lines between the
        ones both begin and end with are rewritten in place, then removed or inserted."""
        same = min(len(old), len(new))
        start = 0
        while start < same and old[start] == new[start]:
            start += 1
        end = 0
        while end < same - start and old[-1 - end] == new[-1 - end]:
            end += 1
        removed, added = len(old) - end - start, new[start:len(new) - end]
        paired = min(removed, len(added))
        for number in range(paired):
            if old[start + number] != added[number]:
                self._rewrite(document.findBlockByNumber(start + number), added[number])
        cursor = QTextCursor(document)
        if removed > paired:  # whole blocks, with the line break before them
            first = document.findBlockByNumber(start + paired)
            last = document.findBlockByNumber(start + removed - 1)
            cursor.setPosition(first.position() - 1)
            cursor.setPosition(last.position() + last.length() - 1, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
        elif len(added) > paired:  # each after a line break, after the block before them
            cursor.setPosition(document.findBlockByNumber(start + paired - 1).position())
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            for segments in added[paired:]:
                cursor.insertBlock(cursor.blockFormat(), QTextCharFormat())
                self._insert(cursor, segments)

    @staticmethod
    def _segments(kind: str, text: str, source: retrieval.Source | None,
                  question: str) -> tuple[tuple[str, bool, str], ...]:
        """A prompt line as (text, bold, link) pieces: a passage's title links to its topic, its
        matches with the question are bold, and so is the question."""
        if kind == "source":
            return ((text, True, f"topic:{source.topic_id}"),)
        if kind == "question":
            return ((text, True, ""),)
        if kind != "passage" or not question:
            return ((text, False, ""),) if text else ()
        marked = make_snippet(text, question, width=len(text)).split(MARK_START)
        pieces = [(marked[0], False)]
        for part in marked[1:]:
            match, _, rest = part.partition(MARK_END)
            pieces += [(match, True), (rest, False)]
        return tuple((piece, bold, "") for piece, bold in pieces if piece)

    def _rewrite(self, block: QTextBlock, segments: tuple[tuple[str, bool, str], ...]) -> None:
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._insert(cursor, segments)

    def _insert(self, cursor: QTextCursor, segments: tuple[tuple[str, bool, str], ...]) -> None:
        """Type a line's pieces at ``cursor`` (a blank line gets a no-break space, as the HTML does)."""
        for piece, bold, href in segments or (("\u00a0", False, ""),):
            style = QTextCharFormat()
            style.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
            if href:
                style.setAnchor(True)
                style.setAnchorHref(href)
                style.setForeground(QColor(self.theme.link))
                style.setFontUnderline(True)
            cursor.insertText(piece, style)

    def _describe(self, result: retrieval.Retrieval) -> None:
        lang, p = self.lang, self.params
        if not result.question:
            summary = tr("retrieval.summary.empty", lang)
        elif not result.ranked:
            summary = tr("retrieval.summary.none", lang)
        else:
            best = result.ranked[0]
            chars = sum(len(source.passage.text) for source in result.chosen)
            summary = tr("retrieval.summary", lang, label=best.label(), score=best.score, k=len(result.chosen),
                         chars=chars)
        self.summary_label.setText(summary)
        chunk = int(p["chunk"])
        self.detail_label.setText(tr("retrieval.detail", lang, pages=result.pages, passages=result.passages,
                                     chunk=chunk, overlap=retrieval.overlap_chars(chunk, int(p["overlap"])),
                                     k1=float(p["k1"]), b=float(p["b"])))

    def _scale_plots(self) -> None:
        super()._scale_plots()
        self._fit_axis()

    def _fit_axis(self) -> None:
        """The labels' axis holds LABEL_WIDTH average letters in the plots' current font (a label
        is cut to that width counting a Chinese character as two letters)."""
        axis = self.score_plot.getAxis("left")
        font = axis.style.get("tickFont") or self.font()
        letter = QFontMetrics(font).horizontalAdvance("abcdefghijklmnopqrstuvwxyz") / 26
        axis.setWidth(round(letter * retrieval.LABEL_WIDTH * AVERAGE_TO_WIDEST) + 12)

    # -- links ------------------------------------------------------------------------------
    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() == "topic":
            self.open_topic(url.path())

    def open_topic(self, topic_id: str) -> None:
        """Open a passage's topic, as the page's ``topic:`` links do (the demo panel follows
        ``topic_requested``)."""
        self.topic_requested.emit(topic_id)
