"""The summarizer demo widget: the graph, the bars and the highlighted text follow TextRank, every
control at its extremes, typing and pasting (both languages), the language switch, and speed."""


import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from explorer.core import textrank
from explorer.qt.demos.summarizer_demo import SummarizerDemo

# About 2,000 characters of English and of Chinese (the example, repeated with small changes).
LONG_EN = "\n".join(textrank.EXAMPLE["en"].replace("model", f"model {n}") for n in range(4))[:2000]
LONG_ZH = "\n".join(textrank.EXAMPLE["zh"].replace("模型", f"模型{n}") for n in range(12))[:2000]


@pytest.fixture
def demo(make_demo):
    return make_demo(SummarizerDemo, "zh")


def curve_points(curve):
    xs, ys = curve.getData()
    return (np.zeros(0), np.zeros(0)) if xs is None else (np.asarray(xs), np.asarray(ys))


def edges_drawn(demo):
    return sum(len(curve_points(curve)[0]) for curve in demo.edge_curves) // 2


def bar_heights(bars):
    return np.asarray(bars.opts["height"], dtype=float)


def check_finite(demo):
    for curve in demo.edge_curves:
        xs, ys = curve_points(curve)
        assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
    xs, ys = demo.nodes.getData()
    assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys)) and len(xs) == demo.result.count
    for bars in (demo.selected_bars, demo.other_bars):
        assert np.all(np.isfinite(bar_heights(bars)))
    assert len(bar_heights(demo.selected_bars)) + len(bar_heights(demo.other_bars)) == demo.result.count
    assert np.isfinite(demo.uniform_line.value())


def bold_sentences(demo):
    """The sentences the browser shows in bold, by index."""
    document = demo.browser.document()
    found = set()
    for index, (start, _end) in demo._spans.items():
        cursor = QTextCursor(document)
        cursor.setPosition(start + 1)
        if cursor.charFormat().fontWeight() == QFont.Weight.Bold:
            found.add(index)
    return found


def type_text(demo, text):
    """Key presses into the text box, Chinese too (QTest.keyClicks takes only Latin-1)."""
    demo.text_box.setFocus()
    demo.text_box.moveCursor(QTextCursor.MoveOperation.End)
    for character in text:
        key = Qt.Key(ord(character.upper())) if character.isascii() and character.isalnum() else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(demo.text_box, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, character))


def test_the_page_is_summarized_by_default(demo):
    result = demo.result
    assert demo.params["source"] == "page" and demo.text_box.toPlainText() == textrank.source_text("page", "zh")
    assert result.count > 20 and len(result.selected) == textrank.summary_size(result.count, 20)
    assert demo.summary_label.text() == (f"摘要:{result.count} 句中选出 {len(result.selected)} 句,"
                                         f"{result.summary_characters}/{result.characters} 字,压缩比 {result.ratio:.1%}")
    assert "抽取式" in demo.note_label.text() and "幻觉" in demo.note_label.text()
    assert demo.typing_field is demo.text_box
    # The bars are the scores, the summary's in colour; the dashed line is 1/N.
    chosen = result.selected + 1
    assert np.array_equal(np.asarray(demo.selected_bars.opts["x"]), chosen)
    assert np.allclose(bar_heights(demo.selected_bars), result.scores[result.selected])
    assert demo.uniform_line.value() == pytest.approx(1 / result.count)
    assert bold_sentences(demo) == set(result.selected.tolist())
    check_finite(demo)


def test_every_control_at_its_extremes_in_both_languages(make_demo):
    for lang in ("zh", "en"):
        demo = make_demo(SummarizerDemo, lang)
        for spec in textrank.PARAMS:
            values = spec.choices if spec.kind == "choice" else (spec.min, spec.max)
            for value in values:
                demo.set_param(spec.name, value)
                check_finite(demo)
                assert demo.result.count > 0 and demo.summary_label.text()
                assert bold_sentences(demo) == set(demo.result.selected.tolist())
                demo.grab()
            demo.set_param(spec.name, spec.default)


def test_summary_length_and_the_compression_ratio(demo):
    demo.set_param("length", 100)
    assert len(demo.result.selected) == demo.result.count and demo.result.ratio == pytest.approx(1.0)
    assert "压缩比 100.0%" in demo.summary_label.text() and len(bar_heights(demo.other_bars)) == 0
    demo.set_param("length", 1)
    assert len(demo.result.selected) == 1
    assert bold_sentences(demo) == set(demo.result.selected.tolist())


def test_the_threshold_only_chooses_the_edges_drawn(demo):
    demo.set_param("threshold", 0.0)
    positive = int(np.count_nonzero(np.triu(demo.result.weights, 1)))
    scores = demo.result.scores.copy()
    assert edges_drawn(demo) == positive
    demo.set_param("threshold", 1.0)
    assert 1 <= edges_drawn(demo) < positive
    assert np.array_equal(demo.result.scores, scores)
    assert f"{edges_drawn(demo)}/{positive}" in demo.detail_label.text()


def test_damping_spreads_the_scores(demo):
    demo.set_param("damping", 0.5)
    narrow = np.ptp(demo.result.scores)
    demo.set_param("damping", 0.95)
    assert np.ptp(demo.result.scores) > narrow
    assert demo.result.scores.sum() == pytest.approx(1.0)


def test_other_pages_and_the_example(demo):
    demo.set_param("source", "hallucination")
    assert demo.text_box.toPlainText() == textrank.source_text("hallucination", "zh")
    demo.set_param("source", "pasted")
    assert demo.text_box.toPlainText() == textrank.EXAMPLE["zh"]
    assert demo.result.selected.tolist() == [1]  # the example's central sentence


@pytest.mark.parametrize("lang, text", [("zh", LONG_ZH), ("en", LONG_EN)])
def test_pasting_and_typing_update_the_summary_at_once(qtbot, make_demo, lang, text):
    demo = make_demo(SummarizerDemo, lang)
    emitted = []
    demo.params_changed.connect(emitted.append)
    demo.text_box.setPlainText(text)  # what a paste does
    # The graph, the bars and the labels follow at once: no timer in between.
    assert emitted == [{"source": "pasted"}] and demo.params["source"] == "pasted"
    assert demo.result.document == textrank.split_text(text) and demo.result.count > 10
    check_finite(demo)
    qtbot.waitUntil(lambda: bold_sentences(demo) == set(demo.result.selected.tolist()), timeout=2000)
    for n in range(20):  # every key is summarized at once (how fast: explorer --bench)
        type_text(demo, "ab"[n % 2])
        assert demo.text_box.toPlainText().endswith("ab"[n % 2])
        assert demo.result.characters > 0 and demo.result.document.sentences[-1].endswith("ab"[n % 2])


def test_typing_makes_it_your_text_and_keeps_it(qtbot, demo):
    type_text(demo, " 补充一句。")
    assert demo.params["source"] == "pasted"
    typed = demo.text_box.toPlainText()
    assert typed.endswith("补充一句。") and demo.result.document.sentences[-1] == "补充一句。"
    qtbot.waitUntil(lambda: "补充一句" in demo.browser.toPlainText(), timeout=2000)
    demo.set_param("source", "rag")
    assert demo.text_box.toPlainText() == textrank.source_text("rag", "zh")
    demo.set_param("source", "pasted")
    assert demo.text_box.toPlainText() == typed  # your text is kept, not the example
    demo.set_lang("en")
    assert demo.text_box.toPlainText() == typed  # and never translated


def test_an_unedited_text_follows_the_language(demo):
    demo.set_lang("en")
    assert demo.text_box.toPlainText() == textrank.source_text("page", "en")
    assert demo.summary_label.text().startswith("Summary:") and "extractive" in demo.note_label.text()
    demo.set_param("source", "pasted")
    demo.set_lang("zh")
    assert demo.text_box.toPlainText() == textrank.EXAMPLE["zh"]
    demo.set_lang("en")
    assert demo.text_box.toPlainText() == textrank.EXAMPLE["en"]
    assert bold_sentences(demo) == set(demo.result.selected.tolist())


def test_empty_and_one_sentence_texts(qtbot, demo):
    demo.text_box.setPlainText("")
    assert demo.result.count == 0 and demo.summary_label.text().startswith("没有可以摘要的句子")
    assert edges_drawn(demo) == 0 and len(demo.nodes.getData()[0]) == 0
    assert not demo.uniform_line.isVisible()
    demo.grab()
    demo.text_box.setPlainText("Only one sentence.")
    assert demo.result.count == 1 and demo.result.selected.tolist() == [0]
    assert "1 句中选出 1 句" in demo.summary_label.text()
    check_finite(demo)
    demo.grab()


def test_a_text_too_long_is_cut_and_says_so(demo):
    demo.text_box.setPlainText(" ".join(f"Sentence {n} talks about topic {n % 7}." for n in range(150)))
    assert demo.result.count == textrank.MAX_SENTENCES
    assert f"前 {textrank.MAX_SENTENCES} 句" in demo.detail_label.text()
    shown = [text for _x, _y, text, _ink in demo.node_labels.texts]
    assert 0 < len(shown) < textrank.MAX_SENTENCES  # every fifth and the summary's
    assert {"5", "10", str(textrank.MAX_SENTENCES)} <= set(shown)
    check_finite(demo)


def test_the_text_box_and_browser_have_names(demo):
    demo.set_lang("en")
    assert demo.text_box.accessibleName().startswith("Text to summarize")
    assert demo.browser.accessibleName() == "The text, summary sentences in bold"
    demo.set_lang("zh")
    assert demo.browser.accessibleName() == "原文,摘要句加粗"


def test_keys_reach_the_box(qtbot, demo):
    demo.set_param("source", "pasted")
    demo.text_box.setFocus()
    qtbot.keyClick(demo.text_box, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(demo.text_box, Qt.Key.Key_Return)
    type_text(demo, "检索增强生成让回答有据可查。")
    assert demo.result.document.sentences[-1] == "检索增强生成让回答有据可查。"
    assert demo.result.count == len(textrank.split_text(textrank.EXAMPLE["zh"])) + 1


def test_a_text_shown_before_is_swapped_back_in_and_restyled(make_demo):
    demo = make_demo(SummarizerDemo, "en")
    page = demo.browser.document()
    demo.set_param("source", "rag")
    assert demo.browser.document() is not page
    demo.set_param("length", 50)  # chosen while the page is not shown
    demo.set_param("source", "page")
    assert demo.browser.document() is page  # not laid out again
    fresh = make_demo(SummarizerDemo, "en", {"length": 50})
    assert demo.browser.toPlainText() == fresh.browser.toPlainText()
    assert bold_sentences(demo) == bold_sentences(fresh) == set(demo.result.selected.tolist())
    # A text kept from before a zoom takes the browser's new font when it is swapped back in.
    font = QFont(demo.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    demo.setFont(font)
    demo.set_param("source", "rag")
    assert demo.browser.document().defaultFont() == demo.browser.font()
    demo.set_param("source", "page")
    assert demo.browser.document() is page and page.defaultFont() == demo.browser.font()
    # An edited text is laid out anew, and the kept texts stay few.
    for n in range(8):
        demo.text_box.setPlainText(textrank.EXAMPLE["en"] + f" Edit {n}.")
        demo._show_latest_text()
        assert bold_sentences(demo) == set(demo.result.selected.tolist())
    assert len(demo._laid_out) <= 4 and demo.browser.document() is demo._laid_out[demo.result.document].document


def test_a_control_redraws_only_what_it_changes(make_demo, demo):
    nodes, bars = demo.nodes.data, demo.selected_bars.opts["height"]
    edges = [curve_points(curve)[0] for curve in demo.edge_curves]
    demo.set_param("threshold", 0.5)  # only the edges drawn
    assert demo.nodes.data is nodes and demo.selected_bars.opts["height"] is bars
    assert edges_drawn(demo) < sum(len(xs) for xs in edges) // 2
    edges = [curve_points(curve)[0] for curve in demo.edge_curves]
    demo.set_param("length", 40)  # the summary, not the graph's edges
    assert all(curve_points(curve)[0] is xs for curve, xs in zip(demo.edge_curves, edges))
    assert demo.nodes.data is not nodes and len(bar_heights(demo.selected_bars)) > len(bars)
    check_finite(demo)
    # What is drawn is what a fresh demo draws.
    fresh = make_demo(SummarizerDemo, "zh", {"threshold": 0.5, "length": 40})
    assert edges_drawn(demo) == edges_drawn(fresh)
    assert np.array_equal(bar_heights(demo.selected_bars), bar_heights(fresh.selected_bars))
    assert demo.node_labels.texts == fresh.node_labels.texts
    assert demo.detail_label.text() == fresh.detail_label.text()
