"""The standard-library demo: pick a module, read what the running interpreter says about it, and
run its one fixed example on input you type.

Top: the module's summary (the first paragraph of its docstring) and where it lives. Below the
module choice (and, for timeit, warnings and atexit, that example's own choices): the example's
text inputs, then its code, with comments in the current language and the inputs filled in, and
what it printed, or the exception it stopped on. Every keystroke runs the example again; they all
take well under a millisecond except timeit, which only runs when one of its choices changes.
Nothing typed is ever run as code: see :mod:`explorer.core.stdlib_examples`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSizePolicy,
                               QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from explorer.core import stdlib_examples as examples
from explorer.core.i18n import tr
from explorer.qt.demos.base import DemoWidget
from explorer.qt.demos.plotting import status_label

MULTILINE_ROWS = 4  # the height of a multi-line input, in text lines
CODE_FONT_RATIO = 0.95


class StdlibDemo(DemoWidget):
    """One fixed, safe example per standard-library module the topic page lists."""

    SPECS = examples.PARAMS
    SUMMARY_LABEL = "summary"

    # -- building ---------------------------------------------------------------------------
    def build_view(self, layout: QVBoxLayout) -> None:
        self.result: examples.ExampleResult | None = None
        self._shown_key: tuple | None = None
        self._module_shown: str | None = None
        self.typing_field: QWidget | None = None
        self.summary_label = status_label("summary", lines=3, bold=True)
        self.where_label = status_label("where", lines=2)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.where_label)

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        self.fields: dict[str, dict[str, QLineEdit | QPlainTextEdit]] = {}
        self.field_labels: dict[tuple[str, str], QLabel] = {}
        self.no_input_notes: list[QLabel] = []
        self.input_pages = QStackedWidget(objectName="inputs")
        for module in examples.MODULES:
            self.input_pages.addWidget(self._input_page(module))
        layout.addWidget(self.input_pages)

        self.code_title = QLabel(objectName="code-title")
        self.code_view = self._text_view("code")
        self.output_title = QLabel(objectName="output-title")
        self.output_view = self._text_view("output")
        self.results = QSplitter(Qt.Orientation.Vertical, objectName="results")
        self.results.setChildrenCollapsible(False)
        for title, view in ((self.code_title, self.code_view), (self.output_title, self.output_view)):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 4, 0, 0)
            column.setSpacing(2)
            title.setBuddy(view)
            column.addWidget(title)
            column.addWidget(view, 1)
            self.results.addWidget(box)
        self.results.setStretchFactor(0, 1)
        self.results.setStretchFactor(1, 1)
        layout.addWidget(self.results, 1)

        row = QHBoxLayout()
        self.rerun_button = QPushButton(objectName="rerun")
        self.rerun_button.clicked.connect(lambda: self._run(force=True))
        self.reset_button = QPushButton(objectName="reset-inputs")
        self.reset_button.clicked.connect(self.reset_inputs)
        row.addWidget(self.rerun_button)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._follow_font()

    def _input_page(self, module: str) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setVerticalSpacing(2)
        example = examples.EXAMPLES[module]
        fields = self.fields[module] = {}
        if not example.inputs:
            note = QLabel(objectName="no-inputs")
            note.setWordWrap(True)
            self.no_input_notes.append(note)
            grid.addWidget(note, 0, 0, 1, 2)
        for row, spec in enumerate(example.inputs):
            label = QLabel()
            if spec.multiline:
                field = QPlainTextEdit(objectName=f"{module}-{spec.key}")
                field.setTabChangesFocus(True)
                field.setPlainText(spec.default_text(self.lang))
                field.textChanged.connect(self._typed)
            else:
                field = QLineEdit(objectName=f"{module}-{spec.key}")
                field.setMaxLength(examples.MAX_INPUT_CHARS)
                field.setText(spec.default_text(self.lang))
                field.textChanged.connect(self._typed)
            label.setBuddy(field)
            fields[spec.key] = field
            self.field_labels[(module, spec.key)] = label
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop if spec.multiline else Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(field, row, 1)
        grid.setColumnStretch(1, 1)
        return page

    def _text_view(self, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit(objectName=name)
        view.setReadOnly(True)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        return view

    def figure(self) -> QWidget:
        """The code and its output are what an export saves."""
        return self.results

    # -- fonts --------------------------------------------------------------------------------
    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "code_view"):
            self._follow_font()

    def _follow_font(self) -> None:
        """Code, output and multi-line inputs in a fixed-width font the size of the demo's text."""
        mono = QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        mono.setPointSizeF(self.font().pointSizeF() * CODE_FONT_RATIO)
        height = QFontMetricsF(mono).lineSpacing()
        for view in (self.code_view, self.output_view):
            view.setFont(mono)
        for fields in self.fields.values():
            for field in fields.values():
                field.setFont(mono)
                if isinstance(field, QPlainTextEdit):
                    field.setFixedHeight(int(MULTILINE_ROWS * height + 12))

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.lang
        for module, fields in self.fields.items():
            for spec in examples.EXAMPLES[module].inputs:
                field = fields[spec.key]
                self.field_labels[(module, spec.key)].setText(spec.text(lang))
                field.setPlaceholderText(spec.default_text(lang))
                field.setAccessibleName(spec.text(lang))
                # A preset the user has not edited follows the language.
                if _text(field) in {spec.default_text(other) for other in ("zh", "en")}:
                    _set_text(field, spec.default_text(lang))
        for note in self.no_input_notes:
            note.setText(tr("stdlib.no_inputs", lang))
        self.code_title.setText(tr("stdlib.code", lang))
        self.code_view.setAccessibleName(tr("stdlib.code", lang))
        self.output_view.setAccessibleName(tr("stdlib.output", lang))
        self.rerun_button.setText(tr("stdlib.rerun", lang))
        self.rerun_button.setToolTip(tr("stdlib.rerun.tip", lang))
        self.reset_button.setText(tr("stdlib.reset", lang))
        self.reset_button.setToolTip(tr("stdlib.reset.tip", lang))
        if self._module_shown is not None:
            self._describe_module()
            self._run()

    # -- running ------------------------------------------------------------------------------
    @property
    def module(self) -> str:
        return str(self.params["module"])

    def redraw(self) -> None:
        module = self.module
        for name, owner in examples.PARAM_MODULE.items():
            shown = owner == module
            self.controls[name].setVisible(shown)
            self.control_labels[name].setVisible(shown)
        if module != self._module_shown:
            self._module_shown = module
            index = examples.MODULES.index(module)
            for number in range(self.input_pages.count()):
                policy = QSizePolicy.Policy.Preferred if number == index else QSizePolicy.Policy.Ignored
                self.input_pages.widget(number).setSizePolicy(policy, policy)
            self.input_pages.setCurrentIndex(index)
            fields = list(self.fields[module].values())
            if fields:
                self.typing_field = fields[0]
            self.reset_button.setEnabled(bool(fields))
            self._describe_module()
        self._run()

    def _describe_module(self) -> None:
        summary, where = examples.describe(examples.module_info(self.module), self.lang)
        self.summary_label.setText(summary)
        self.where_label.setText(where)

    def inputs(self) -> dict[str, str]:
        """What the current example runs on: its typed texts and its own choices."""
        module = self.module
        values = {key: _text(field) for key, field in self.fields[module].items()}
        for name in examples.EXAMPLES[module].params:
            values[name] = str(self.params[name])
        return values

    def _typed(self) -> None:
        self._run()

    def _run(self, force: bool = False) -> None:
        """Run the example again if what it depends on changed (or when asked to)."""
        values = self.inputs()
        key = (self.module, self.lang, tuple(sorted(values.items())))
        if key == self._shown_key and not force:
            return
        self._shown_key = key
        self.result = result = examples.run_example(self.module, values, self.lang)
        _show(self.code_view, result.code_shown)
        text = result.output
        if result.error is not None:
            text = f"{text}\n{result.error}" if text else result.error
            name = result.error.split(":", 1)[0]
            self.output_title.setText(tr("stdlib.output.error", self.lang, name=name))
        else:
            self.output_title.setText(tr("stdlib.output", self.lang))
        _show(self.output_view, text)

    def reset_inputs(self) -> None:
        """Put the current example's inputs back to its example text."""
        for spec in examples.EXAMPLES[self.module].inputs:
            _set_text(self.fields[self.module][spec.key], spec.default_text(self.lang))
        self._run()


def _text(field: QLineEdit | QPlainTextEdit) -> str:
    return field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()


def _set_text(field: QLineEdit | QPlainTextEdit, text: str) -> None:
    if _text(field) == text:
        return
    field.blockSignals(True)
    if isinstance(field, QPlainTextEdit):
        field.setPlainText(text)
    else:
        field.setText(text)
    field.blockSignals(False)


def _show(view: QPlainTextEdit, text: str) -> None:
    if view.toPlainText() != text:
        view.setPlainText(text)
