"""The pipeline demo: an LCEL chain of blocks, run with invoke, batch and stream on the local model.

Top: the prompt template and the inputs, one per line (a line is the template's first variable,
or ``name=value; name=value``). Then the blocks — prompt template, local n-gram model, string
parser, a plain "first sentence" function, comma-list parser — which the user ticks on or off and
reorders (drag, or the arrows); the enabled ones in their order are the chain ``a | b | c``. The
table shows the data between the steps: the input dict, the prompt value, the model's message and
the parsed output, one column per input. A step whose input is of the wrong kind shows the error
in its cell and is marked in the block list; nothing after it runs. Stream plays the chunks of the
first input one model token at a time (a :class:`Playback`), so a plain function visibly holds
the stream up. Below, the LangChain code of the chain on screen, rewritten on every change.
"""

from __future__ import annotations

import json
import math

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QSizePolicy,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from explorer.core import pipeline
from explorer.core.i18n import tr
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.playback import Playback

TOKENS_PER_SECOND = 25.0  # 40 ms per token at 1×
MODES = ("invoke", "batch", "stream")
NUMBERS = "①②③④⑤⑥⑦⑧⑨"
ERROR_MARK = "✘ "
CODE_LINES = 10  # the code box shows this many lines before it scrolls
INPUT_LINES = 3.6  # lines of the inputs box


class PipelineDemo(DemoWidget):
    """Blocks composed with ``|`` into a chain, run with invoke, batch or stream."""

    SPECS = pipeline.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.mode = "invoke"
        self.chain: pipeline.RunnableSequence | None = None
        self.blocks: list[tuple[str, bool]] = list(pipeline.DEFAULT_BLOCKS)
        self.inputs: list[dict[str, str]] = []
        self.traces: list[pipeline.Trace] = []
        self.stream_run: pipeline.StreamRun | None = None
        self._template_id: str | None = None
        self._template_lang: str | None = None
        self._template_preset = ""  # the preset texts last put in (unedited if still equal)
        self._inputs_preset = ""
        self._updating = False
        self._moving_playback = False  # the demo itself moves the playback (not the user)
        self._shown_tick: int | None = None  # the token the stream view shows
        self._code_font_size = 0.0

        self.playback = Playback(self, 0, TOKENS_PER_SECOND, "pipeline.step", self._progress)
        self.playback.position_changed.connect(self._position_changed)

        self.add_status_labels(layout)

        texts = QGridLayout()
        texts.setHorizontalSpacing(8)
        texts.setVerticalSpacing(3)
        self.template_label = QLabel()
        self.template_edit = QLineEdit(objectName="template-text")
        self.template_label.setBuddy(self.template_edit)
        self.template_edit.textEdited.connect(self._texts_changed)
        self.inputs_label = QLabel()
        self.inputs_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.inputs_edit = QPlainTextEdit(objectName="inputs")
        self.inputs_edit.setTabChangesFocus(True)
        self.inputs_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.inputs_label.setBuddy(self.inputs_edit)
        self.inputs_edit.textChanged.connect(self._texts_changed)
        self.typing_field = self.inputs_edit
        texts.addWidget(self.template_label, 0, 0)
        texts.addWidget(self.template_edit, 0, 1)
        texts.addWidget(self.inputs_label, 1, 0)
        texts.addWidget(self.inputs_edit, 1, 1)
        texts.setColumnStretch(1, 1)
        layout.addLayout(texts)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        self.blocks_label = QLabel()
        self.blocks_label.setWordWrap(True)
        self.block_list = QListWidget(objectName="blocks")
        self.block_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.block_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.block_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.blocks_label.setBuddy(self.block_list)
        for block_id, enabled in self.blocks:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, block_id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsDragEnabled)
            item.setCheckState(Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked)
            self.block_list.addItem(item)
        self.block_list.setCurrentRow(0)
        self.block_list.itemChanged.connect(self._blocks_changed)
        self.block_list.model().rowsMoved.connect(self._blocks_changed)
        self.block_list.model().rowsInserted.connect(self._blocks_changed)
        left.addWidget(self.blocks_label)
        left.addWidget(self.block_list)
        middle.addLayout(left, 3)

        right = QVBoxLayout()
        right.addStretch(1)
        arrows = QHBoxLayout()
        self.up_button = QPushButton(objectName="block-up")
        self.down_button = QPushButton(objectName="block-down")
        self.up_button.clicked.connect(lambda: self.move_block(-1))
        self.down_button.clicked.connect(lambda: self.move_block(1))
        arrows.addWidget(self.up_button)
        arrows.addWidget(self.down_button)
        right.addLayout(arrows)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QPushButton] = {}
        for mode in MODES:
            button = QPushButton(objectName=f"run-{mode}")
            button.setCheckable(True)
            button.clicked.connect(lambda _checked=False, mode=mode: self.run(mode))
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            right.addWidget(button)
        self.mode_buttons["invoke"].setChecked(True)
        middle.addLayout(right, 2)
        layout.addLayout(middle)

        self.flow_label = QLabel()
        self.flow_table = QTableWidget(objectName="flow")
        self.flow_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.flow_table.setWordWrap(True)
        self.flow_table.verticalHeader().setVisible(False)
        self.flow_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.flow_table.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.flow_table.horizontalHeader().setMinimumSectionSize(60)
        self.flow_label.setBuddy(self.flow_table)
        layout.addWidget(self.flow_label)
        layout.addWidget(self.flow_table, 3)

        self.code_label = QLabel()
        self.code_view = QPlainTextEdit(objectName="code")
        self.code_view.setReadOnly(True)
        self.code_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.code_label.setBuddy(self.code_view)
        layout.addWidget(self.code_label)
        layout.addWidget(self.code_view, 2)
        self._follow_font()

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        layout.addLayout(self.playback.row)

    # -- language ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.lang
        self.template_label.setText(tr("pipeline.template", lang))
        self.inputs_label.setText(tr("pipeline.inputs", lang))
        self.blocks_label.setText(tr("pipeline.blocks", lang))
        self.flow_label.setText(tr("pipeline.flow", lang))
        self.code_label.setText(tr("pipeline.code", lang))
        self.up_button.setText("↑ " + tr("pipeline.up", lang))
        self.down_button.setText("↓ " + tr("pipeline.down", lang))
        for mode, button in self.mode_buttons.items():
            button.setText(tr(f"pipeline.{mode}", lang))
        # Widgets that name_widgets does not reach (plain-text boxes) are named here.
        self.inputs_edit.setAccessibleName(tr("pipeline.inputs", lang))
        self.code_view.setAccessibleName(tr("pipeline.code", lang))
        if self._template_id is not None:
            self._load_presets()
            self._run()

    # -- presets ----------------------------------------------------------------------------
    def _load_presets(self) -> None:
        """Put in the template and inputs of the chosen preset in the current language, unless the
        user has edited them (then they stay as typed)."""
        template_id, lang = str(self.params["template"]), self.lang
        if (template_id, lang) == (self._template_id, self._template_lang):
            return
        self._template_id, self._template_lang = template_id, lang
        template = pipeline.TEMPLATES[template_id][lang]
        inputs = "\n".join(pipeline.EXAMPLE_INPUTS[template_id][lang])
        self._updating = True
        if self.template_edit.text() == self._template_preset:
            self.template_edit.setText(template)
        if self.inputs_edit.toPlainText() == self._inputs_preset:
            self.inputs_edit.setPlainText(inputs)
        self._updating = False
        self._template_preset, self._inputs_preset = template, inputs

    # -- changes ----------------------------------------------------------------------------
    def redraw(self) -> None:
        self._load_presets()
        self._run()

    def _texts_changed(self, *_args) -> None:
        if not self._updating:
            self._run()

    def _blocks_changed(self, *_args) -> None:
        if not self._updating:
            self._run()

    def move_block(self, step: int) -> None:
        """Move the selected block up (−1) or down (+1) the chain."""
        row = self.block_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.block_list.count():
            return
        self._updating = True
        item = self.block_list.takeItem(row)
        self.block_list.insertItem(target, item)
        self.block_list.setCurrentRow(target)
        self._updating = False
        self._run()

    def set_block_enabled(self, block_id: str, enabled: bool) -> None:
        """Tick a block on or off as the user would."""
        item = self._item(block_id)
        item.setCheckState(Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked)

    def set_block_order(self, order: list[str]) -> None:
        """Put the blocks in ``order`` (the rest keep their relative order after it)."""
        self._updating = True
        for target, block_id in enumerate(order):
            row = self.block_list.row(self._item(block_id))
            self.block_list.insertItem(target, self.block_list.takeItem(row))
        self._updating = False
        self._run()

    def _item(self, block_id: str) -> QListWidgetItem:
        for row in range(self.block_list.count()):
            item = self.block_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == block_id:
                return item
        raise KeyError(block_id)

    def run(self, mode: str) -> None:
        """Run the chain with ``mode``; stream plays from the first chunk."""
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        self._run()
        if mode == "stream":
            self._moving_playback = True
            self.playback.reset()
            self._moving_playback = False
            self.playback.play()

    def _position_changed(self, position: float) -> None:
        if self._moving_playback:
            return
        if self.mode != "stream":  # Play, step or rewind: those belong to stream
            self.mode = "stream"
            self.mode_buttons["stream"].setChecked(True)
            self._run(keep_position=True)
            return
        if math.isfinite(position) and int(position) == self._shown_tick:
            return  # between two tokens nothing new has arrived
        self._show()

    # -- running ----------------------------------------------------------------------------
    def settings(self) -> pipeline.Settings:
        return pipeline.Settings(self.template_edit.text(), self.lang, float(self.params["temperature"]),
                                 int(self.params["max_tokens"]), int(self.params["seed"]))

    def _run(self, keep_position: bool = False) -> None:
        """Build the chain from the blocks, run it in the current mode and show it all."""
        self.blocks = [(self.block_list.item(row).data(Qt.ItemDataRole.UserRole),
                        self.block_list.item(row).checkState() == Qt.CheckState.Checked)
                       for row in range(self.block_list.count())]
        settings = self.settings()
        self.chain = pipeline.build_chain(self.blocks, settings)
        variables = pipeline.PromptTemplate(settings.template).variables
        lines = pipeline.input_lines(self.inputs_edit.toPlainText()) or [""]
        self.inputs = [pipeline.input_for(line, variables) for line in lines]
        first = self.inputs[0]
        if self.mode == "batch":
            self.traces = pipeline.trace_batch(self.chain, self.inputs)
        else:
            self.traces = [pipeline.trace_invoke(self.chain, first)]
        self.stream_run = pipeline.trace_stream(self.chain, first)
        self._moving_playback = True
        if not keep_position and self.playback.is_playing():
            self.playback.show_all()  # a change while streaming shows the finished stream
        self.playback.set_total(self.stream_run.total)
        self._moving_playback = False
        code = pipeline.langchain_code(self.blocks, settings, self.mode, self.inputs, self.lang)
        if code != self.code_view.toPlainText():
            self.code_view.setPlainText(code)
        self._show()

    # -- showing ----------------------------------------------------------------------------
    def _show(self) -> None:
        if self.chain is None:
            return
        lang = self.lang
        steps = self.chain.steps
        stream = self.mode == "stream"
        tick = float(math.floor(self.playback.shown)) if stream else math.inf
        self._shown_tick = int(tick) if stream else None
        columns = 1 if stream else len(self.traces)
        table = self.flow_table
        table.setRowCount(len(steps) + 1)
        table.setColumnCount(columns + 1)
        headers = [tr("pipeline.header.step", lang)]
        if stream:
            headers.append(tr("pipeline.header.stream", lang))
        else:
            headers.extend(tr("pipeline.header.input", lang, n=n + 1) for n in range(columns))
        for column, text in enumerate(headers):
            header = table.horizontalHeaderItem(column)
            if header is None:
                table.setHorizontalHeaderItem(column, QTableWidgetItem(text))
            elif header.text() != text:
                header.setText(text)
        self._cell(0, 0, tr("pipeline.row.input", lang, kind=self._kind(pipeline.kind_of(self.inputs[0]))))
        failed: set[int] = set()
        if stream:
            run = self.stream_run
            self._cell(0, 1, _format(run.input, lang))
            for index, step in enumerate(steps):
                count = len(run.chunks(index, tick))
                self._cell(index + 1, 0, tr("pipeline.row.chunks", lang, n=index + 1, block=self._block_name(step),
                                            kind=self._kind(step.output_kind), count=count))
                value = run.value(index, tick)
                error_here = run.error_shown(tick) and run.error.index == index
                if error_here:
                    failed.add(index)
                    self._cell(index + 1, 1, self._error_text(run.error), "bad")
                elif run.error_shown(tick) and run.error.index < index:
                    self._cell(index + 1, 1, tr("pipeline.not_run", lang), "muted")
                elif value is None:
                    waiting = "pipeline.waiting" if not step.streams and self._upstream_streams(index) else "pipeline.pending"
                    self._cell(index + 1, 1, tr(waiting, lang), "muted")
                else:
                    self._cell(index + 1, 1, _format(value, lang))
        else:
            for index, step in enumerate(steps):
                self._cell(index + 1, 0, tr("pipeline.row.step", lang, n=index + 1, block=self._block_name(step),
                                            kind=self._kind(step.output_kind)))
            for column, trace in enumerate(self.traces, start=1):
                self._cell(0, column, _format(trace.values[0], lang))
                for index in range(len(steps)):
                    if index + 1 < len(trace.values):
                        self._cell(index + 1, column, _format(trace.values[index + 1], lang))
                    elif trace.error is not None and trace.failed_at == index:
                        failed.add(index)
                        self._cell(index + 1, column, self._error_text(trace.error), "bad")
                    else:
                        self._cell(index + 1, column, tr("pipeline.not_run", lang), "muted")
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(1, columns + 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        self._mark_blocks({steps[index].block_id for index in failed})
        self._describe(tick)

    def _cell(self, row: int, column: int, text: str, tone: str = "") -> None:
        item = self.flow_table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.flow_table.setItem(row, column, item)
        if item.text() != text:
            item.setText(text)
        colour = {"bad": self.theme.bad, "muted": self.theme.muted}.get(tone)
        item.setForeground(QBrush(QColor(colour)) if colour else QBrush())

    def _mark_blocks(self, failed: set[str]) -> None:
        """The block where the types do not fit is marked ✘ in red in the list; blocks that are
        switched off are grey."""
        self._updating = True
        for row in range(self.block_list.count()):
            item = self.block_list.item(row)
            block_id = item.data(Qt.ItemDataRole.UserRole)
            text = tr(f"pipeline.block.{block_id}", self.lang)
            tip = tr("pipeline.block.code", self.lang, code=pipeline.CODE_NAMES[block_id])
            if block_id in failed:
                text = ERROR_MARK + text
            if item.text() != text:
                item.setText(text)
            if item.toolTip() != tip:
                item.setToolTip(tip)
            # Switched-off blocks are greyed as well as unticked (an empty box is faint in some themes).
            off = item.checkState() != Qt.CheckState.Checked
            colour = self.theme.bad if block_id in failed else self.theme.muted if off else None
            item.setForeground(QBrush(QColor(colour)) if colour else QBrush())
        self._updating = False

    def _describe(self, tick: float) -> None:
        lang, steps = self.lang, self.chain.steps
        error = None
        if self.mode == "stream":
            if self.stream_run.error_shown(tick):
                error = self.stream_run.error
        else:
            error = next((trace.error for trace in self.traces if trace.error is not None), None)
        if not steps:
            summary = tr("pipeline.summary.empty", lang)
        elif error is not None:
            where = {"n": error.index + 1, "block": self._block_name(error.step),
                     "message": self._error_text(error).removeprefix(ERROR_MARK)}
            if self.mode == "batch":
                failed = sum(1 for trace in self.traces if trace.error is not None)
                summary = tr("pipeline.summary.batch_errors", lang, count=len(self.traces), failed=failed, **where)
            else:
                summary = tr("pipeline.summary.error", lang, **where)
        elif self.mode == "batch":
            summary = tr("pipeline.summary.batch", lang, count=len(self.traces))
        elif self.mode == "stream":
            run = self.stream_run
            summary = tr("pipeline.summary.stream", lang, shown=int(min(tick, run.total)), total=run.total,
                         chunks=len(run.chunks(len(steps) - 1, tick)))
        else:
            summary = tr("pipeline.summary.invoke", lang, steps=len(steps),
                         kind=self._kind(pipeline.kind_of(self.traces[0].output)))
        if self.mode == "batch" and len(self.inputs) > pipeline.MAX_BATCH:
            summary += tr("pipeline.summary.batch_cut", lang, limit=pipeline.MAX_BATCH)
        self.summary_label.setText(summary)

        kinds = [self._kind(pipeline.kind_of(self.inputs[0]))] + [self._kind(step.output_kind) for step in steps]
        if error is not None:
            flow = " → ".join(kinds[: error.index + 1] + ["✘"])
            self.detail_label.setText(tr("pipeline.detail.error", lang, flow=flow, hint=self._hint(error)))
            return
        waits = any(not step.streams and self._upstream_streams(index) for index, step in enumerate(steps))
        key = "pipeline.detail.lambda" if self.mode == "stream" and waits else "pipeline.detail.flow"
        self.detail_label.setText(tr(key, lang, flow=" → ".join(kinds)))

    # -- words ------------------------------------------------------------------------------
    def _upstream_streams(self, index: int) -> bool:
        return any(step.streams for step in self.chain.steps[:index])

    def _block_name(self, step: pipeline.Runnable) -> str:
        key = f"pipeline.block.{step.block_id}"
        return tr(key, self.lang) if step.block_id in pipeline.BLOCK_IDS else step.name

    def _kind(self, kind: str | None) -> str:
        return tr(f"pipeline.kind.{kind}", self.lang) if kind in pipeline.KINDS else str(kind)

    def _error_text(self, error: pipeline.BlockError) -> str:
        """What went wrong, short enough for a table cell (the row names the block)."""
        lang = self.lang
        if isinstance(error, pipeline.MissingVariablesError):
            return tr("pipeline.error.missing", lang, missing=", ".join(error.missing),
                      given=", ".join(error.given) or "{}")
        if isinstance(error, pipeline.BlockTypeError):
            return tr("pipeline.error.type", lang, expected=self._kinds(error.expected), got=self._kind(error.got))
        return ERROR_MARK + str(error)

    def _hint(self, error: pipeline.BlockError) -> str:
        """How to mend the chain."""
        lang = self.lang
        if isinstance(error, pipeline.MissingVariablesError):
            variables = pipeline.PromptTemplate(self.template_edit.text()).variables
            return tr("pipeline.hint.missing", lang, example="; ".join(f"{name}=…" for name in variables))
        if isinstance(error, pipeline.BlockTypeError):
            return tr("pipeline.hint.type", lang, expected=self._kinds(error.expected))
        return ""

    def _kinds(self, kinds) -> str:
        return tr("pipeline.or", self.lang).join(self._kind(kind) for kind in kinds)

    def _progress(self, position: float, total: float, lang: str) -> str:
        return tr("pipeline.progress", lang, shown=int(min(position, total)), total=int(total))

    # -- fonts and clean-up -----------------------------------------------------------------
    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._follow_font()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_heights()

    def _follow_font(self) -> None:
        """The code box is monospaced at the demo's own size (it follows zoom and the theme)."""
        size = self.font().pointSizeF()
        if size == self._code_font_size:
            return
        self._code_font_size = size
        font = QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        font.setFixedPitch(True)
        font.setPointSizeF(size * 0.95)
        self.code_view.setFont(font)
        self._fit_heights()

    def _fit_heights(self) -> None:
        """The blocks list shows every block, the inputs box four lines, the code box 5–9 lines."""
        frame = 2 * self.block_list.frameWidth()
        self.block_list.setFixedHeight(self.block_list.sizeHintForRow(0) * self.block_list.count() + frame + 2)
        line = self.inputs_edit.fontMetrics().lineSpacing()
        self.inputs_edit.setFixedHeight(int(line * INPUT_LINES + 2 * self.inputs_edit.frameWidth() + 8))
        code_line = self.code_view.fontMetrics().lineSpacing()
        self.code_view.setMinimumHeight(int(code_line * 5 + 12))
        self.code_view.setMaximumHeight(int(code_line * CODE_LINES + 12))


def _format(value: object, lang: str = "en") -> str:
    """A value as the table shows it: a dict or list as a literal, text as it is."""
    if isinstance(value, pipeline.PromptValue):
        return value.text
    if isinstance(value, pipeline.Message):
        value = value.content
    if isinstance(value, str):
        return value if value else tr("pipeline.empty", lang)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
