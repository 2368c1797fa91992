"""The retrieval demo widget: typing rescores the bars and rewrites the prompt, every control at its
extremes, both languages, and a passage's title that opens its topic."""


import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QUrl
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from explorer.core import passage_index, retrieval
from explorer.core.search import token_spans, tokens
from explorer.qt.demos.retrieval_demo import SHOWN, RetrievalDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(RetrievalDemo, "zh")


def widths(bars):
    return np.asarray(bars.opts["width"], dtype=float)


def tick_names(demo):
    return [name for _, name in demo.score_plot.getAxis("left")._tickLevels[0]]


def prompt_text(demo):
    return "\n".join(line.rstrip() for line in demo.prompt_view.toPlainText().replace("\u00a0", " ").split("\n"))


def check_consistent(demo):
    """Bars, labels, score texts and prompt all show ``demo.result``, and nothing is NaN."""
    result = demo.result
    chosen, other = widths(demo.chosen_bars), widths(demo.other_bars)
    assert len(chosen) == len(other) == SHOWN
    assert np.all(np.isfinite(chosen)) and np.all(np.isfinite(other))
    scores = [source.score for source in result.ranked] + [0.0] * (SHOWN - len(result.ranked))
    assert np.allclose(chosen + other, scores)
    assert np.count_nonzero(chosen) == len(result.chosen) and np.all(other[: result.k] == 0)
    names = tick_names(demo)
    numbers = [f"[{s.rank}]" if s.rank <= result.k else f"{s.rank}." for s in result.ranked]
    assert names[: len(result.ranked)] == [f"{number} {s.label()}" for number, s in zip(numbers, result.ranked)]
    assert [(x, y, text) for x, y, text, _ink in demo.score_texts.texts] == \
        [(score, float(row), f" {score:.2f}") for row, score in enumerate(scores[: len(result.ranked)])]
    assert prompt_text(demo) == result.prompt()
    low, high = demo.score_plot.getViewBox().viewRange()[0]
    assert max(scores) <= high


def press(field, character):
    """One key typed into ``field`` as a keyboard would send it (QTest cannot type Chinese)."""
    key = Qt.Key(ord(character.upper())) if character.isascii() else Qt.Key.Key_unknown
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(field, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, character))


def type_into(qtbot, demo, text):
    demo.question_field.clear()
    for character in text:
        press(demo.question_field, character)


def test_the_example_question_is_retrieved_and_the_prompt_built(demo):
    result = demo.result
    assert demo.question_field.text() == "学习率太大会怎样？" and demo.typing_field is demo.question_field
    assert len(result.ranked) == SHOWN and result.k == 3
    check_consistent(demo)
    tokens = demo.tokens_label.text()
    for token in ("学习", "习率", "率太", "太大", "怎样"):
        assert f"&nbsp;{token}&nbsp;</span><sub>" in tokens
    assert "line-through'>&nbsp;大会&nbsp;" in tokens  # no passage holds 大会
    best = result.ranked[0]
    assert demo.summary_label.text().startswith(f"最相关:{best.label()}(BM25 {best.score:.2f});前 3 段")
    assert demo.detail_label.text().startswith(f"索引:{result.pages} 个页面切成 {result.passages} 段")
    assert demo.score_plot.titleLabel.text.startswith("各段的 BM25 得分")
    html = demo.prompt_view.toHtml()
    assert f'href="topic:{best.topic_id}"' in html and "font-weight" in html


def test_typing_rescores_at_once_and_the_prompt_follows(qtbot, demo):
    before = demo.result
    type_into(qtbot, demo, "早停")
    assert demo.result is not before and demo.result.question == "早停"
    assert "epoch" in {source.topic_id for source in demo.result.chosen}
    check_consistent(demo)
    # Typed one key at a time, each step leaves the same view as building it afresh.
    for character in "和过拟合":
        press(demo.question_field, character)
        check_consistent(demo)
    assert demo.result.question == "早停和过拟合"
    for _ in range(3):
        qtbot.keyClick(demo.question_field, Qt.Key.Key_Backspace)
        check_consistent(demo)
    type_into(qtbot, demo, "learning rate too large")
    check_consistent(demo)
    assert "&nbsp;learning&nbsp;" in demo.tokens_label.text()


def test_a_passages_matches_are_bold_in_the_prompt(qtbot, demo):
    type_into(qtbot, demo, "早停")
    document = demo.prompt_view.document()
    bold = set()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().fontWeight() >= 600:
                bold.add(fragment.text())
            iterator += 1
        block = block.next()
    assert "早停" in bold and "问题：早停" in bold


def test_no_match_and_an_empty_question(qtbot, demo):
    type_into(qtbot, demo, "qwxzzy")
    assert demo.result.ranked == () and np.all(widths(demo.chosen_bars) == 0)
    assert demo.nothing.isVisible() and demo.summary_label.text().startswith("没有段落含有问题里的词元")
    assert "line-through" in demo.tokens_label.text()
    check_consistent(demo)
    demo.question_field.clear()
    assert not demo.nothing.isVisible() and demo.summary_label.text() == "输入一个问题,看检索找到哪些段落"
    assert "还没有可以检索的词元" in demo.tokens_label.text()
    assert "（没有检索到资料）" in prompt_text(demo)
    check_consistent(demo)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_control_at_its_extremes(make_demo, lang):
    demo = make_demo(RetrievalDemo, lang)
    for spec in RetrievalDemo.SPECS:
        values = list(spec.choices) if spec.kind == "choice" else [spec.min, spec.max]
        for value in values:
            demo.set_param(spec.name, value)
            check_consistent(demo)
            demo.grab()
        demo.set_param(spec.name, spec.default)
    demo.set_params({"k": 8, "chunk": 100, "overlap": 50, "k1": 3.0, "b": 0.0, "corpus": "both"})
    check_consistent(demo)
    assert prompt_text(demo).count("\n[") == 8
    assert demo.detail_label.text().endswith({"zh": "k1 = 3.00,b = 0.00", "en": "k1 = 3.00, b = 0.00"}[lang])
    demo.set_params({"k": 1, "chunk": 800})
    check_consistent(demo)
    assert "[2]" not in prompt_text(demo) and np.count_nonzero(widths(demo.chosen_bars)) == 1


def test_k1_and_b_move_the_scores(demo):
    first = [source.score for source in demo.result.ranked]
    demo.set_param("b", 0.0)
    assert [source.score for source in demo.result.ranked] != first
    demo.set_param("k1", 0.0)  # presence only: a passage scores the sum of its tokens' idf
    idf = {token.text: token.idf for token in demo.result.tokens}
    for source in demo.result.ranked:
        held = set(tokens(f"{source.passage.heading} {source.passage.text}")) & idf.keys()
        assert source.score == pytest.approx(sum(idf[t] for t in held))


def test_the_language_switch_changes_the_example_the_corpus_and_the_prompt(demo):
    demo.set_lang("en")
    assert demo.question_field.text() == "What happens if the learning rate is too large?"
    assert all(source.passage.lang == "en" for source in demo.result.ranked)
    assert prompt_text(demo).startswith("Answer the question using the context below.")
    assert demo.summary_label.text().startswith("Best match: ")
    assert demo.question_label.text() == "Question:" and demo.score_plot.titleLabel.text.startswith("BM25 scores")
    assert demo.question_field.accessibleName() == "Question"
    check_consistent(demo)
    demo.set_lang("zh")
    assert demo.question_field.text() == "学习率太大会怎样？"
    # A question the user wrote stays as it is; only the prompt's words change language.
    demo.question_field.setText("gradient noise")
    demo.set_lang("en")
    assert demo.question_field.text() == "gradient noise"
    assert prompt_text(demo).endswith("Question: gradient noise\nAnswer:")
    check_consistent(demo)


def test_both_languages_in_the_corpus(qtbot, demo):
    demo.set_param("corpus", "both")
    assert demo.result.ranked[0].passage.lang == "zh"
    type_into(qtbot, demo, "early stopping patience")
    assert demo.result.ranked[0].passage.lang == "en"
    check_consistent(demo)


def test_a_passage_link_emits_the_topic(qtbot, demo):
    topic = demo.result.chosen[0].topic_id
    with qtbot.waitSignal(demo.topic_requested, timeout=1000) as signal:
        demo.prompt_view.anchorClicked.emit(QUrl(f"topic:{topic}"))
    assert signal.args == [topic]


def test_clicking_a_passage_title_opens_its_topic(qtbot, open_window):
    window, state = open_window("rag", "zh")
    demo = window.demo_panel.demo
    assert isinstance(demo, RetrievalDemo)
    qtbot.waitUntil(demo.prompt_view.isVisible)  # a demo added to the shown panel appears on the next turn
    topic = demo.result.chosen[0].topic_id
    assert topic != "rag"
    # Click the middle of the first passage's title, as a reader would.
    document = demo.prompt_view.document()
    block = next(document.findBlockByNumber(n) for n in range(document.blockCount())
                 if document.findBlockByNumber(n).text().startswith("[1] "))
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + 3)
    rect = demo.prompt_view.cursorRect(cursor)
    demo.prompt_view.verticalScrollBar().setValue(0)
    with qtbot.waitSignal(demo.topic_requested, timeout=2000):
        qtbot.mouseClick(demo.prompt_view.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(rect.center().x(), rect.center().y()))
    assert state.topic_id == topic
    state.go("rag")
    assert window.demo_panel.demo is demo


def test_each_keystroke_is_scored_and_drawn_at_once(qtbot, demo):
    # How long a keystroke takes to reach the screen is explorer --bench's typing_to_paint_ms
    # (p95 under one frame): timing it here would fail on a busy machine, not on slow code.
    demo.question_field.setFocus()
    demo.question_field.end(False)
    typed = demo.question_field.text()
    app = QApplication.instance()
    for character in " learning rate 学习率 BM25":
        press(demo.question_field, character)
        app.processEvents()
        typed += character
        assert demo.question_field.text() == typed
        assert demo.result.question == typed.strip()
        check_consistent(demo)


def document_lines(document):
    """Each block of a document as its runs of (text, bold, link), neighbours alike merged."""
    lines = []
    block = document.begin()
    while block.isValid():
        runs = []
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            style = fragment.charFormat()
            run = [fragment.text(), style.fontWeight() >= 600, style.anchorHref()]
            if runs and runs[-1][1:] == run[1:]:
                runs[-1][0] += run[0]
            else:
                runs.append(run)
            iterator += 1
        lines.append(runs)
        block = block.next()
    return lines


def test_the_prompt_changed_line_by_line_equals_one_built_afresh(qtbot, make_demo):
    # k, the corpus, the question and the language change the prompt's lines in place (lines
    # inserted and removed as passages come and go); each time it must read exactly as the
    # prompt of a demo built afresh with the same settings.
    demo = make_demo(RetrievalDemo, "zh")
    steps = [{"k": 5}, {"k": 8}, {"k": 1}, {"k": 4, "chunk": 150}, {"corpus": "both"}, "早停", {"k": 8}, "qwxzzy",
             {"k": 2}, "", "learning rate", {"lang": "en"}, {"k": 6, "overlap": 30}, "BM25", {"lang": "zh"},
             {"k": 3, "corpus": "ui"}]
    for step in steps:
        if isinstance(step, str):
            type_into(qtbot, demo, step)
        elif "lang" in step:
            demo.set_lang(step["lang"])
        else:
            for name, value in step.items():
                demo.set_param(name, value)
        check_consistent(demo)
        fresh = make_demo(RetrievalDemo, demo.lang, dict(demo.params))
        fresh.question_field.setText(demo.question_field.text())
        assert document_lines(demo.prompt_view.document()) == document_lines(fresh.prompt_view.document()), step
        fresh.cleanup()
        fresh.close()


def test_the_other_languages_pages_are_parsed_while_the_demo_idles(qtbot, make_demo, monkeypatch):
    monkeypatch.setattr(passage_index, "_PARTS", {})  # nothing parsed yet
    retrieval.index_for.cache_clear()
    demo = make_demo(RetrievalDemo, "zh")
    assert list(passage_index._PARTS) and all(lang == "zh" for _, lang in passage_index._PARTS)
    qtbot.waitUntil(lambda: not demo._parse_timer.isActive(), timeout=20000)
    assert list(retrieval.warm_steps(("zh", "en"))) == []  # every page of both languages parsed
    demo.set_param("corpus", "both")
    assert {source.passage.lang for source in demo.result.ranked} <= {"zh", "en"}
    check_consistent(demo)


def test_no_control_change_tokenizes_a_page_again(demo, monkeypatch):
    # What made a chunk size or overlap cost 40–75 ms was splitting and tokenizing every page
    # again; once the pages are parsed, no control change may (its time is in explorer --bench).
    retrieval.warm(("zh", "en"))
    tokenized = []
    monkeypatch.setattr(passage_index, "token_spans", lambda text: tokenized.append(text) or token_spans(text))
    for spec in RetrievalDemo.SPECS:
        values = list(spec.choices) if spec.kind == "choice" else np.linspace(spec.min, spec.max, 8).tolist()
        for value in values:
            demo.set_param(spec.name, round(value) if spec.kind == "int" else value)
        demo.set_param(spec.name, spec.default)
    assert tokenized == []
    check_consistent(demo)
