"""The prompt-builder demo: typing in every field updates the prompt at once, the checklist and
summary follow, copy puts the plain prompt on the clipboard, every preset in both languages,
a preset the user has not edited follows the language, and no text of the other language is left."""

import re

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from explorer.core import prompt_builder as pb
from explorer.qt.demos.prompt_builder_demo import PromptBuilderDemo

HAN = re.compile(r"[\u3400-\u9fff]")
TAGS = re.compile(r"<[^>]+>")


@pytest.fixture
def demo(make_demo):
    return make_demo(PromptBuilderDemo, "zh")


def type_text(widget, text):
    """Type ``text`` key by key (QTest.keyClicks only takes ASCII: it aborts on Chinese)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QGuiApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character))


def shown_text(demo):
    return demo.view.toPlainText()


def test_opens_on_the_specific_preset_with_its_checklist(demo):
    assert demo.field_texts() == pb.preset_fields("specific", "zh")
    assert demo.prompt.text == pb.assemble(demo.field_texts(), "xml", "zh").text
    assert "你是机器学习课程的助教。" in shown_text(demo)
    assert demo.summary_label.text().startswith("清单 4/6 · ")
    assert "（粗略）" in demo.summary_label.text() and "0.75" in demo.detail_label.text()
    assert "得分 4/6" in demo.checklist_label.text()
    assert demo.typing_field is demo.fields["task"]


@pytest.mark.parametrize("part", pb.PARTS)
def test_typing_into_each_field_updates_the_prompt_at_once(demo, part):
    demo.clear_fields()
    editor = demo.fields[part]
    editor.setFocus()
    QTest.keyClicks(editor, "Xy<&>")
    assert "Xy<&>" in demo.prompt.text and "Xy<&>" in shown_text(demo)
    assert [segment.part for segment in demo.prompt.segments] == [part]
    QTest.keyClick(editor, Qt.Key.Key_Backspace)
    assert "Xy<&" in demo.prompt.text and "Xy<&>" not in demo.prompt.text


def test_every_keystroke_on_a_long_prompt_reaches_the_prompt(demo):
    demo.set_param("preset", "notice")
    editor = demo.fields["task"]
    editor.setFocus()
    QTest.keyClick(editor, Qt.Key.Key_End)
    typed = ""
    for character in "learning rate 学习率":  # how fast each is shown: explorer --bench
        type_text(editor, character)
        QGuiApplication.processEvents()
        typed += character
        assert typed.rstrip() in demo.prompt.text and typed.rstrip() in shown_text(demo)  # fields are trimmed


def test_the_checklist_ticks_as_fields_are_filled(demo):
    demo.clear_fields()
    assert demo.summary_label.text().startswith("清单 0/6")
    assert "（所有字段都是空的：先写一个任务。）" in shown_text(demo)
    type_text(demo.fields["task"], "请总结这篇文章")
    assert "清单 1/6" in demo.summary_label.text()
    type_text(demo.fields["constraints"], "读者是初中生，不超过 100 字")
    assert "清单 3/6" in demo.summary_label.text()
    type_text(demo.fields["input"], "文章正文")
    assert "清单 4/7" in demo.summary_label.text()  # delimiters now apply, and the default puts them in
    demo.set_param("delimiter", "none")
    assert "清单 3/7" in demo.summary_label.text()
    assert "<input>" not in demo.prompt.text
    demo.set_param("delimiter", "quotes")
    assert '"""\n文章正文\n"""' in demo.prompt.text


def test_copy_puts_the_plain_prompt_on_the_clipboard(demo):
    QGuiApplication.clipboard().clear()
    demo.findChild(QAbstractButton, "copy-prompt").click()
    assert QGuiApplication.clipboard().text() == demo.prompt.text
    assert demo.detail_label.text() == f"已把提示（{len(demo.prompt.text)} 个字符）复制到剪贴板。"
    type_text(demo.fields["task"], "！")
    assert demo.detail_label.text().startswith("token 数是粗略估计")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("preset", pb.PRESETS)
def test_every_preset_in_both_languages(make_demo, lang, preset):
    demo = make_demo(PromptBuilderDemo, lang, {"preset": preset})
    fields = pb.preset_fields(preset, lang)
    assert demo.field_texts() == fields
    assert demo.prompt.text == pb.assemble(fields, "xml", lang).text
    ticked, total = pb.score(pb.checklist(fields))
    assert demo.summary().startswith(("清单" if lang == "zh" else "Checklist") + f" {ticked}/{total}")
    if lang == "en":
        assert not HAN.search(shown_text(demo)) and not HAN.search(demo.prompt.text)
    for part in pb.PARTS:
        if fields[part]:
            assert fields[part].split("\n")[0] in shown_text(demo)


def test_an_unedited_preset_follows_the_language_and_an_edited_field_stays(demo):
    demo.set_param("preset", "reviews")
    demo.fields["task"].setPlainText("我自己的任务：总结")
    demo.set_lang("en")
    texts = demo.field_texts()
    english = pb.preset_fields("reviews", "en")
    assert texts["task"] == "我自己的任务：总结"
    assert all(texts[part] == english[part] for part in pb.PARTS if part != "task")
    assert "Requirements:" in demo.prompt.text
    demo.set_lang("zh")
    assert demo.field_texts()["input"] == pb.preset_fields("reviews", "zh")["input"]
    demo.restore_button.click()
    assert demo.field_texts() == pb.preset_fields("reviews", "zh")


def test_shots_and_compare(demo):
    demo.set_param("preset", "reviews")
    demo.set_param("shots", 1)
    assert demo.prompt.examples_used == 1 and "用了 1/3 个" in demo.checklist_label.text()
    demo.set_param("shots", 0)
    assert "示例：" not in demo.prompt.text and "清单 5/7" in demo.summary_label.text()
    demo.set_param("compare", "on")
    text = TAGS.sub(" ", demo.checklist_label.text())
    assert "当前" in text and "模糊" in text and "具体" in text
    assert re.search(r"得分\s+5/7\s+0/6\s+4/6", text)
    demo.set_lang("en")
    text = TAGS.sub(" ", demo.checklist_label.text())
    assert "Yours" in text and re.search(r"Score\s+5/7\s+0/6\s+4/6", text)


def test_every_control_at_its_extremes(demo):
    for spec in pb.PARAMS:
        values = [spec.choices[0], spec.choices[-1]] if spec.kind == "choice" else [spec.min, spec.max]
        for value in values:
            demo.set_param(spec.name, value)
            assert demo.summary_label.text() and demo.prompt is not None
        demo.set_param(spec.name, spec.default)


def visible_texts(demo):
    found = []
    for widget in [demo, *demo.findChildren(QWidget)]:
        if not widget.isVisibleTo(demo):
            continue
        found += [widget.toolTip(), widget.accessibleName()]
        if isinstance(widget, QLabel):
            found.append(TAGS.sub("", widget.text()))
        elif isinstance(widget, QAbstractButton):
            found.append(widget.text())
        elif isinstance(widget, QComboBox):
            found += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            found.append(widget.placeholderText())
    return [text for text in found if text]


@pytest.mark.parametrize("preset", pb.PRESETS)
def test_no_chinese_left_in_english(demo, preset):
    demo.set_param("preset", preset)
    demo.set_param("compare", "on")
    demo.set_lang("en")
    leftovers = [text for text in visible_texts(demo) if HAN.search(text)]
    assert not leftovers
    assert not HAN.search(shown_text(demo))
    for part, editor in demo.fields.items():
        assert editor.accessibleName() == pb_name(part)
    demo.set_lang("zh")
    assert sum(bool(HAN.search(text)) for text in visible_texts(demo)) > 20


def pb_name(part):
    from explorer.core.i18n import tr
    return tr(f"prompt.part.{part}", "en")
