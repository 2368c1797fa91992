"""The standard-library demo widget: every module in both languages, typing updates the code and
the output within a frame, presets follow the language, errors are shown, not raised."""

import re

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontDatabase, QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from explorer.core import stdlib_examples as se
from explorer.qt.accessibility import is_interactive
from explorer.qt.demos.stdlib_demo import StdlibDemo

HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def demo(make_demo):
    return make_demo(StdlibDemo, "zh")


def type_text(field: QWidget, text: str) -> None:
    """Type ``text`` into ``field`` key by key ("\\b" deletes), handling the events after each key."""
    app = QApplication.instance()
    field.setFocus()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        app.sendEvent(field, QKeyEvent(kind, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier))
    for character in text:
        key = Qt.Key.Key_Backspace if character == "\b" else (
            Qt.Key(ord(character.upper())) if character.isascii() and character.isalnum() else Qt.Key.Key_unknown)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            app.sendEvent(field, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, "" if character == "\b" else character))
        app.processEvents()


def visible_problems(demo: StdlibDemo, lang: str) -> list[str]:
    """Texts of the other language and unnamed controls among the widgets on show."""
    problems, texts = [], []
    for widget in [demo, *demo.findChildren(QWidget)]:
        if not widget.isVisibleTo(demo):
            continue
        texts.append(widget.toolTip())
        if isinstance(widget, QLabel):
            texts.append(widget.text())
            if widget.buddy() is not None and not widget.text():
                problems.append(f"empty label for {widget.buddy().objectName()}")
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            texts.append(widget.placeholderText())
        if (is_interactive(widget) or isinstance(widget, QPlainTextEdit)) and not widget.accessibleName():
            problems.append(f"no accessible name: {type(widget).__name__} {widget.objectName()!r}")
    if lang == "en":
        problems.extend(f"Chinese in English: {text!r}" for text in texts if HAN.search(text))
    return problems


def test_it_opens_on_shlex_with_the_interpreters_own_words(demo):
    assert demo.module == "shlex"
    assert demo.summary() == "shlex 模块：A lexical analyzer class for simple shell-like syntaxes."
    assert demo.where_label.text() == "位置：标准库目录下的 shlex.py"
    assert demo.code_view.toPlainText() == demo.result.code_shown
    assert "# shlex.split 按 shell 的规则" in demo.code_view.toPlainText()
    assert demo.output_view.toPlainText().splitlines()[1] == "['grep', '-n', '你好 世界', '笔记.txt']"
    assert demo.typing_field is demo.fields["shlex"]["text"] and demo.typing_field.isVisible()
    assert demo.figure() is demo.results


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("module", se.MODULES)
def test_every_module_in_both_languages(make_demo, module, lang):
    demo = make_demo(StdlibDemo, "en" if lang == "zh" else "zh")
    demo.set_param("module", module)
    demo.set_lang(lang)
    QApplication.processEvents()
    assert demo.summary().startswith(module)
    assert demo.where_label.text()
    expected = se.run_example(module, se.default_inputs(module, lang) | demo.inputs(), lang)
    assert demo.result.error is None
    if module != "timeit":  # (timings, and so the loops that fit in the time, differ from run to run)
        assert demo.code_view.toPlainText() == expected.code_shown
        seconds = re.compile(r"in \d+\.\d+s")  # unittest's "Ran 2 tests in 0.000s"
        assert seconds.sub("", demo.output_view.toPlainText()) == seconds.sub("", expected.output)
    for name, owner in se.PARAM_MODULE.items():
        assert demo.controls[name].isVisibleTo(demo) == (owner == module)
    for spec in se.EXAMPLES[module].inputs:
        field = demo.fields[module][spec.key]
        assert field.isVisibleTo(demo)
        assert (field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()) == spec.default_text(lang)
    assert demo.reset_button.isEnabled() == bool(se.EXAMPLES[module].inputs)
    problems = visible_problems(demo, lang)
    assert not problems, "\n".join(problems)


def test_typing_updates_code_and_output_at_every_key(demo):
    field = demo.typing_field
    field.setText("")
    type_text(field, 'echo "学习 rate" x')
    assert demo.output_view.toPlainText().splitlines()[1] == "['echo', '学习 rate', 'x']"
    assert "text = 'echo \"学习 rate\" x'" in demo.code_view.toPlainText()
    type_text(field, "\b\b\b\b")  # 'echo "学习 r': an open quote
    assert demo.result.error == "ValueError: No closing quotation"
    assert demo.output_view.toPlainText().endswith("ValueError: No closing quotation")
    assert "ValueError" in demo.output_title.text()


@pytest.mark.parametrize("module", ["pydoc", "site", "pdb", "doctest", "unittest", "traceback"])
def test_typing_into_other_examples(demo, module):
    demo.set_param("module", module)
    field = demo.typing_field
    assert field is list(demo.fields[module].values())[0] and field.isVisible()
    before = demo.code_view.toPlainText()
    type_text(field, "7 试")
    assert demo.code_view.toPlainText() != before
    assert demo.output_view.toPlainText()  # the output, or the exception it stopped on


def test_odd_input_is_shown_never_raised(demo):
    for module in se.MODULES:
        demo.set_param("module", module)
        for field in demo.fields[module].values():
            for text in ("", "{", '"', "x" * 5000, "😀 你好\n", "-1", "nan"):
                if isinstance(field, QPlainTextEdit):
                    field.setPlainText(text)
                else:
                    field.setText(text)
                assert demo.output_view.toPlainText(), (module, text)
        demo.reset_inputs()


def test_an_unedited_preset_follows_the_language_an_edited_one_stays(demo):
    demo.set_param("module", "pydoc")
    demo.fields["shlex"]["text"].setText("ls -l")
    demo.set_lang("en")
    assert demo.fields["pydoc"]["doc"].toPlainText().startswith("Return the area")
    assert demo.fields["shlex"]["text"].text() == "ls -l"
    assert "# the typed text is area's docstring" in demo.code_view.toPlainText()
    assert demo.field_labels[("pydoc", "doc")].text() == "Docstring of area"
    demo.set_lang("zh")
    assert demo.fields["pydoc"]["doc"].toPlainText().startswith("返回宽")
    demo.set_param("module", "shlex")
    demo.reset_inputs()
    assert demo.fields["shlex"]["text"].text() == 'grep -n "你好 世界" 笔记.txt'
    assert demo.output_view.toPlainText().splitlines()[1] == "['grep', '-n', '你好 世界', '笔记.txt']"


def test_choices_of_timeit_warnings_and_atexit(make_demo, monkeypatch):
    demo = make_demo(StdlibDemo, "en", {"module": "timeit", "snippet": "formula", "number": 5})
    assert "'formula n(n−1)/2': '1000 * 999 // 2'" in demo.code_view.toPlainText()
    assert "number = 5\n" in demo.code_view.toPlainText()
    assert demo.no_input_notes[0].isVisible()
    runs = []
    original = se.run_example

    def counting(*args, **kwargs):
        runs.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(se, "run_example", counting)
    demo.rerun_button.click()
    demo.set_param("snippet", "while_loop")
    demo.set_param("number", 5)  # unchanged: nothing to run
    assert runs == ["timeit", "timeit"]
    assert "while loop: 5 loops" in demo.output_view.toPlainText()
    demo.set_param("module", "warnings")
    demo.set_param("action", "always")
    assert demo.output_view.toPlainText().splitlines()[0] == "2"
    demo.set_param("action", "error")
    assert demo.result.error.startswith("DeprecationWarning")
    demo.set_param("module", "atexit")
    demo.set_param("ending", "os_exit")
    assert "os._exit(0)" in demo.code_view.toPlainText() and "not called" in demo.output_view.toPlainText()


def test_the_fonts_follow_a_zoom(demo):
    size = demo.code_view.font().pointSizeF()
    font = demo.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    demo.setFont(font)
    QApplication.processEvents()
    assert demo.code_view.font().pointSizeF() == pytest.approx(size * 1.5, rel=0.05)
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    assert demo.code_view.font().family() == demo.output_view.font().family() == fixed
