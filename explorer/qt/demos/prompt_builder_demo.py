"""The prompt-builder demo: write a prompt part by part and watch it assemble and score itself.

Top: a form with one field per part of the prompt (role, task, context, constraints, input,
output format, examples), each with a swatch of the part's colour. Bottom: the assembled prompt,
every part on a tint of its colour, beside the checklist of the "Prompt engineering" page, which
ticks itself as the fields are filled (or, with "compare" on, the checklists of the vague and the
specific preset beside the current one). The summary line gives the score, the prompt's length in
characters and a rough token estimate. Everything is recomputed on every keystroke: assembling and
checking a few hundred characters takes well under a millisecond, the rich text a few.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QScrollArea, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from explorer.core import prompt_builder as pb
from explorer.core.i18n import tr
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.plotting import status_label

LINE_EDITS = ("role",)  # one line; the other parts are multi-line
EDITOR_LINES = {"task": 2, "context": 2, "constraints": 4, "input": 4, "output": 3, "examples": 4}
SWATCH = 10
MARKS = {True: "✓", False: "✘", None: "–"}


class PromptBuilderDemo(DemoWidget):
    """A prompt assembled live from its parts, coloured by part, with a self-ticking checklist."""

    SPECS = pb.PARAMS
    SUMMARY_LABEL = "summary"

    def build_view(self, layout: QVBoxLayout) -> None:
        self.prompt: pb.Prompt | None = None
        self.checks: tuple[pb.Check, ...] = ()
        self._loaded_preset: str | None = None
        self._loaded_lang: str | None = None
        self.colours = {part: self.theme.colour(index) for index, part in enumerate(pb.PARTS)}
        self.summary_label = status_label("summary", lines=1, bold=True)
        self.detail_label = status_label("detail")
        layout.addWidget(self.summary_label)
        layout.addWidget(self.detail_label)

        self.splitter = QSplitter(Qt.Orientation.Vertical, objectName="prompt-splitter")
        self.splitter.setChildrenCollapsible(False)
        form = QWidget(objectName="prompt-fields")
        grid = QGridLayout(form)
        grid.setContentsMargins(2, 2, 2, 2)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.field_labels: dict[str, QLabel] = {}
        for row, part in enumerate(pb.PARTS):
            swatch = QFrame(objectName=f"swatch-{part}")
            swatch.setFixedSize(SWATCH, SWATCH)
            swatch.setStyleSheet(f"background-color: {self.colours[part]}; border: none;")
            label = QLabel(objectName=f"label-{part}")
            if part in LINE_EDITS:
                editor = QLineEdit(objectName=f"field-{part}")
            else:
                editor = QPlainTextEdit(objectName=f"field-{part}")
                editor.setTabChangesFocus(True)
                editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            label.setBuddy(editor)
            editor.textChanged.connect(lambda *_text, part=part: self._field_edited(part))
            top = Qt.AlignmentFlag.AlignTop if part not in LINE_EDITS else Qt.AlignmentFlag.AlignVCenter
            grid.addWidget(swatch, row, 0, top)
            grid.addWidget(label, row, 1, top)
            grid.addWidget(editor, row, 2)
            self.fields[part] = editor
            self.field_labels[part] = label
        grid.setColumnStretch(2, 1)
        self.scroll = QScrollArea(objectName="prompt-form")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(form)
        self.splitter.addWidget(self.scroll)

        output = QWidget(objectName="prompt-output")
        column = QVBoxLayout(output)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.view = QTextBrowser(objectName="prompt-view")
        self._view_html = ""  # what the view shows: the same prompt again is not parsed again
        self.view.setOpenLinks(False)
        self.view.setReadOnly(True)
        self.view_label = QLabel(objectName="prompt-view-label")
        self.view_label.setBuddy(self.view)
        self.legend = QLabel(objectName="prompt-legend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.view_label)
        column.addWidget(self.legend)
        self.output_row = row = QHBoxLayout()
        row.setSpacing(6)
        # Half each, whether the checklist is one list or three columns of marks: switching
        # "compare" then leaves the prompt where it is (a narrower view laid the whole prompt out
        # again, 4–8 ms, and the student saw it jump).
        row.addWidget(self.view, 1)
        self.checklist_label = QLabel(objectName="checklist")
        self.checklist_label.setTextFormat(Qt.TextFormat.RichText)
        self.checklist_label.setWordWrap(True)
        self.checklist_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.checklist_scroll = QScrollArea(objectName="checklist-area")
        self.checklist_scroll.setWidgetResizable(True)
        self.checklist_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.checklist_scroll.setWidget(self.checklist_label)
        row.addWidget(self.checklist_scroll, 1)
        column.addLayout(row, 1)
        self.splitter.addWidget(output)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        layout.addWidget(self.splitter, 1)
        self.typing_field = self.fields["task"]
        self._fit_editors()

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        self.copy_button = QPushButton(objectName="copy-prompt")
        self.copy_button.clicked.connect(self.copy_prompt)
        self.restore_button = QPushButton(objectName="restore-preset")
        self.restore_button.clicked.connect(self.restore_preset)
        self.clear_button = QPushButton(objectName="clear-fields")
        self.clear_button.clicked.connect(self.clear_fields)
        for button in (self.copy_button, self.restore_button, self.clear_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

    # -- the fields -------------------------------------------------------------------------
    def field_texts(self) -> dict[str, str]:
        return {part: _text(editor) for part, editor in self.fields.items()}

    def _set_fields(self, texts: dict[str, str]) -> None:
        """Fill the fields without a redraw per field (the caller refreshes once)."""
        for part, editor in self.fields.items():
            if _text(editor) == texts.get(part, ""):
                continue
            editor.blockSignals(True)
            if isinstance(editor, QLineEdit):
                editor.setText(texts.get(part, ""))
                editor.setCursorPosition(0)
            else:
                editor.setPlainText(texts.get(part, ""))
            editor.blockSignals(False)

    def _load_preset(self) -> None:
        self._loaded_preset = str(self.params["preset"])
        self._loaded_lang = self.lang
        self._set_fields(pb.preset_fields(self._loaded_preset, self.lang))

    def _field_edited(self, part: str) -> None:
        self._refresh(scroll_to=part)

    def restore_preset(self) -> None:
        self._load_preset()
        self._refresh()

    def clear_fields(self) -> None:
        self._set_fields({})
        self._refresh()

    def copy_prompt(self) -> None:
        text = self.prompt.text if self.prompt is not None else ""
        QGuiApplication.clipboard().setText(text)
        self.detail_label.setText(tr("prompt.copied", self.lang, chars=len(text)))

    def _fit_editors(self) -> None:
        """Multi-line fields a fixed number of lines high, in the current font."""
        for part, lines in EDITOR_LINES.items():
            editor = self.fields[part]
            metrics = QFontMetrics(editor.font())
            margins = editor.contentsMargins()
            frame = 2 * editor.frameWidth() + 2 * int(editor.document().documentMargin()) + margins.top() + margins.bottom()
            editor.setFixedHeight(lines * metrics.lineSpacing() + frame + 2)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange and hasattr(self, "fields"):
            self._fit_editors()
        super().changeEvent(event)

    # -- language ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.lang
        if self._loaded_preset is not None and self._loaded_lang != lang:
            # A field still showing the preset's text follows the language; an edited one stays.
            old = pb.preset_fields(self._loaded_preset, self._loaded_lang)
            new = pb.preset_fields(self._loaded_preset, lang)
            self._set_fields({part: new[part] if _text(editor) == old[part] else _text(editor)
                              for part, editor in self.fields.items()})
            self._loaded_lang = lang
        for part, editor in self.fields.items():
            name = tr(f"prompt.part.{part}", lang)
            self.field_labels[part].setText(name)
            editor.setPlaceholderText(tr(f"prompt.hint.{part}", lang))
            editor.setAccessibleName(name)
        self.view_label.setText(tr("prompt.view", lang))
        self.view.setToolTip(tr("prompt.view.tip", lang))
        self.legend.setText(" ".join(
            f'<span style="color: {self.colours[part]};">■</span>&nbsp;{html.escape(tr(f"prompt.part.{part}", lang))}'
            for part in pb.PARTS))
        self.checklist_label.setToolTip(tr("prompt.checklist.tip", lang))
        self.copy_button.setText(tr("prompt.copy", lang))
        self.copy_button.setToolTip(tr("prompt.copy.tip", lang))
        self.restore_button.setText(tr("prompt.restore", lang))
        self.restore_button.setToolTip(tr("prompt.restore.tip", lang))
        self.clear_button.setText(tr("prompt.clear", lang))
        self.clear_button.setToolTip(tr("prompt.clear.tip", lang))
        if self._loaded_preset is not None:
            self._refresh()

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        if self.params["preset"] != self._loaded_preset:
            self._load_preset()
        self._refresh()

    def _refresh(self, scroll_to: str | None = None) -> None:
        lang, params = self.lang, self.params
        fields = self.field_texts()
        delimiter, shots = str(params["delimiter"]), int(params["shots"])
        self.prompt = prompt = pb.assemble(fields, delimiter, lang, shots)
        self.checks = pb.checklist(fields, delimiter, shots)
        bar = self.view.verticalScrollBar()
        kept = bar.value()
        view_html = pb.prompt_html(prompt, self.colours, self.theme.background, tr("prompt.empty", lang))
        if view_html != self._view_html:  # "compare" and other choices leave the prompt as it is
            self._view_html = view_html
            self.view.setHtml(view_html)
        if scroll_to is not None and any(segment.part == scroll_to for segment in prompt.segments):
            self.view.scrollToAnchor(f"part-{scroll_to}")
        else:
            bar.setValue(kept)
        if params["compare"] == "on":
            self.checklist_label.setText(self._compare_html(fields, delimiter, shots))
        else:
            self.checklist_label.setText(self._checklist_html(prompt))
        ticked, total = pb.score(self.checks)
        text = prompt.text
        self.summary_label.setText(tr("prompt.summary", lang, ticked=ticked, total=total, chars=len(text),
                                      tokens=pb.estimate_tokens(text)))
        self.detail_label.setText(tr("prompt.estimate", lang))

    def _mark(self, state: bool | None) -> str:
        colour = self.theme.good if state else self.theme.bad if state is False else self.theme.muted
        return f'<b style="color: {colour};">{MARKS[state]}</b>'

    def _checklist_html(self, prompt: pb.Prompt) -> str:
        lang, muted = self.lang, self.theme.muted
        rows = []
        for check in self.checks:
            name = html.escape(tr(f"prompt.item.{check.item}", lang))
            if check.item == "examples" and prompt.examples_written:
                found = tr("prompt.examples_used", lang, used=prompt.examples_used, written=prompt.examples_written)
            elif check.state is None:
                found = tr("prompt.no_input", lang)
            else:
                found = f"“{check.evidence}”" if check.evidence else ""
            extra = f' <span style="color: {muted};">{html.escape(found)}</span>' if found else ""
            rows.append(f"<tr><td>{self._mark(check.state)}</td><td>{name}{extra}</td></tr>")
        ticked, total = pb.score(self.checks)
        return (f"<b>{html.escape(tr('prompt.checklist', lang))}</b>"
                f'<table cellspacing="0" cellpadding="1">{"".join(rows)}</table>'
                f"<p><b>{html.escape(tr('prompt.score', lang, ticked=ticked, total=total))}</b></p>"
                f'<p style="color: {muted};">{html.escape(tr("prompt.note", lang))}</p>')

    def _compare_html(self, fields: dict[str, str], delimiter: str, shots: int) -> str:
        lang = self.lang
        columns = [self.checks] + [pb.checklist(pb.preset_fields(name, lang), delimiter, shots)
                                   for name in ("vague", "specific")]
        head = "".join(f'<th align="center">{html.escape(tr(key, lang))}</th>'
                       for key in ("prompt.compare.yours", "prompt.compare.vague", "prompt.compare.specific"))
        rows = [f"<tr><th></th>{head}</tr>"]
        for index, item in enumerate(pb.ITEMS):
            marks = "".join(f'<td align="center">{self._mark(column[index].state)}</td>' for column in columns)
            rows.append(f"<tr><td>{html.escape(tr(f'prompt.item.{item}', lang))}</td>{marks}</tr>")
        scores = "".join('<td align="center"><b>{}/{}</b></td>'.format(*pb.score(column)) for column in columns)
        rows.append(f"<tr><td><b>{html.escape(tr('prompt.score_row', lang))}</b></td>{scores}</tr>")
        return (f"<b>{html.escape(tr('prompt.checklist', lang))}</b>"
                f'<table cellspacing="0" cellpadding="2">{"".join(rows)}</table>'
                f'<p style="color: {self.theme.muted};">{html.escape(tr("prompt.note", lang))}</p>')


def _text(editor: QLineEdit | QPlainTextEdit) -> str:
    return editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()
