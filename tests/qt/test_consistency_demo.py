"""The consistency demo widget: the heatmap and bars follow the answers as they are typed, flags
are marked in the list, n-gram samples and the temperature curve, every control at its extremes,
and both languages (a preset nobody edited follows the language)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from explorer.core import consistency
from explorer.qt.demos.consistency_demo import ConsistencyDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(ConsistencyDemo, "zh")


def shown_scores(demo):
    return np.asarray(demo.bars.opts["height"], dtype=float)


def assert_drawn(demo):
    analysis = demo.result.analysis
    n = len(analysis.answers)
    if n:
        assert np.array_equal(demo.image.image, analysis.similarity)
    assert np.all(np.isfinite(analysis.similarity)) and np.all(np.isfinite(shown_scores(demo)))
    assert len(shown_scores(demo)) == n and np.allclose(shown_scores(demo), analysis.scores)
    brushes = demo.bars.opts["brushes"]
    assert [brush is demo.flag_brush for brush in brushes] == list(analysis.flagged)
    assert len(demo.editor.extraSelections()) == int(analysis.flagged.sum())
    if demo.result.curve is not None:
        xs, ys = demo.curve.getData()
        assert np.all(np.isfinite(ys)) and len(xs) == len(consistency.CURVE_TEMPERATURES)
    assert demo.summary_label.text()


def test_the_preset_is_drawn_and_the_outlier_flagged(demo):
    answers = consistency.QUESTIONS["capital"].answers["zh"]
    assert demo.editor.toPlainText() == "\n".join(answers) and not demo.editor.isReadOnly()
    assert demo.result.analysis.answers == answers
    assert_drawn(demo)
    assert demo.result.analysis.flagged.sum() == 1 and demo.result.analysis.flagged[answers.index("悉尼。")]
    assert demo.summary_label.text().startswith("整体一致度") and "1 个低于阈值" in demo.summary_label.text()
    assert "悉尼" in demo.detail_label.text()
    assert demo.editor.flagged == {answers.index("悉尼。")}
    assert demo.hint.isVisible() and not demo.curve.isVisible()
    assert not demo.controls["temperature"].isEnabled() and demo.controls["threshold"].isEnabled()
    assert demo.typing_field is demo.editor


def test_typing_updates_the_heatmap_at_every_key(demo):
    demo.editor.setFocus()
    QTest.keyClick(demo.editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    before = demo.image.image.copy()
    QTest.keyClick(demo.editor, Qt.Key.Key_Return)
    for character in "Sydney":
        QTest.keyClicks(demo.editor, character)  # drawn synchronously: no event loop needed
        assert_drawn(demo)
    assert demo.result.analysis.answers[-1] == "Sydney"
    assert demo.image.image.shape == (8, 8) and before.shape == (7, 7)
    assert demo.result.analysis.flagged[-1]
    QTest.keyClick(demo.editor, Qt.Key.Key_Backspace)
    assert demo.result.analysis.answers[-1] == "Sydne"


def test_editing_an_answer_changes_its_similarities(demo):
    demo.editor.setPlainText("Canberra is the capital.\nCanberra is the capital.\nSydney is the capital.\nPerth")
    analysis = demo.result.analysis
    assert demo.image.image[0, 1] == pytest.approx(1.0) and demo.image.image[0, 3] == 0.0
    assert int(np.argmin(analysis.scores)) == 3 and list(np.flatnonzero(analysis.flagged)) == [3]
    assert_drawn(demo)
    assert demo.heat_plot.getAxis("bottom")._tickLevels[0] == [(i, str(i)) for i in range(1, 5)]


def test_blank_lines_are_skipped_and_too_few_answers_are_said(demo):
    demo.editor.setPlainText("one answer\n\n\n")
    assert demo.result.analysis.answers == ("one answer",)
    assert "至少写两个回答" in demo.summary_label.text()
    assert_drawn(demo)
    demo.editor.setPlainText("")
    assert demo.result.analysis.answers == () and not demo.image.isVisible()
    assert_drawn(demo)


def test_the_threshold_line_can_be_dragged(demo):
    demo.threshold_line.setValue(0.45)
    assert demo.params["threshold"] == 0.45 and demo.controls["threshold"].value() == 0.45
    assert np.array_equal(demo.result.analysis.flagged, demo.result.analysis.scores < 0.45)
    assert_drawn(demo)
    demo.set_param("threshold", 0.0)
    assert demo.threshold_line.value() == 0.0 and not demo.result.analysis.flagged.any()
    assert "没有被标记的" in demo.summary_label.text()


@pytest.mark.parametrize("source", ["written", "ngram"])
@pytest.mark.parametrize("name", [spec.name for spec in consistency.PARAMS])
def test_every_control_at_both_extremes(demo, source, name):
    demo.set_param("source", source)
    spec = next(spec for spec in consistency.PARAMS if spec.name == name)
    values = [spec.choices[0], spec.choices[-1]] if spec.kind == "choice" else [spec.min, spec.max]
    for value in values:
        demo.set_param(name, value)
        assert demo.params[name] == spec.coerce(value)
        assert_drawn(demo)
        demo.grab()


def test_sampled_answers_and_the_temperature_curve(demo):
    demo.set_lang("en")
    demo.set_params({"source": "ngram", "samples": 5, "temperature": 0.1, "seed": 4})
    result = demo.result
    expected = consistency.sample_answers("en", "capital", 5, 0.1, 4)
    assert result.analysis.answers == expected and demo.editor.isReadOnly()
    assert len(demo.editor.toPlainText().splitlines()) == 5
    assert demo.curve.isVisible() and not demo.hint.isVisible()
    assert demo.controls["temperature"].isEnabled() and not demo.reset_button.isEnabled()
    xs, ys = demo.now_point.getData()
    assert xs[0] == pytest.approx(0.1) and ys[0] == pytest.approx(result.curve[0])
    assert demo.detail_label.text().startswith("With the same seeds the 5 samples agree")
    assert "The capital of Australia is" in demo.answers_label.text()
    low = result.analysis.agreement
    demo.set_param("temperature", 2.0)
    assert demo.result.analysis.agreement < low
    assert_drawn(demo)
    # Typing into the read-only samples changes nothing.
    QTest.keyClicks(demo.editor, "x")
    assert demo.result.analysis.answers == consistency.sample_answers("en", "capital", 5, 2.0, 4)


def test_written_edits_survive_a_trip_to_the_samples(demo):
    demo.editor.setPlainText("a b\na c\nd")
    demo.set_param("source", "ngram")
    demo.set_param("source", "written")
    assert demo.editor.toPlainText() == "a b\na c\nd" and demo.result.analysis.answers == ("a b", "a c", "d")
    demo.reset_button.click()
    assert demo.editor.toPlainText() == consistency.preset_text("capital", "zh")


def test_a_preset_follows_the_language_until_it_is_edited(demo):
    demo.set_lang("en")
    assert demo.editor.toPlainText() == consistency.preset_text("capital", "en")
    assert demo.summary_label.text().startswith("Agreement") and "Sydney" in demo.detail_label.text()
    assert demo.reset_button.text() == "Restore written answers"
    demo.editor.appendPlainText("Perth.")
    demo.set_lang("zh")
    assert demo.editor.toPlainText().endswith("Perth.") and "Canberra" in demo.editor.toPlainText()
    demo.set_param("question", "paper")  # another question brings its own preset
    assert demo.editor.toPlainText() == consistency.preset_text("paper", "zh")
    assert demo.result.analysis.flagged.all()
    demo.set_lang("en")
    assert demo.editor.toPlainText() == consistency.preset_text("paper", "en")
    assert_drawn(demo)


def test_both_languages_have_their_own_texts(make_demo):
    for lang, words in (("zh", ("两两相似度", "一致性得分", "温度")), ("en", ("Similarity", "Consistency", "temperature"))):
        demo = make_demo(ConsistencyDemo, lang, {"source": "ngram", "question": "boiling"})
        titles = demo.heat_plot.titleLabel.text + demo.score_plot.titleLabel.text + demo.curve_plot.titleLabel.text
        assert all(word in titles for word in words), titles
        assert demo.editor.accessibleName() and demo.answers_label.buddy() is demo.editor
        assert_drawn(demo)


def cells(demo):
    """The values written in the heatmap: (column, row, text), both counted from 1."""
    return [(x, y, text) for x, y, text, _ink in demo.cell_values.texts]


def test_the_threshold_redraws_only_the_flags(make_demo, demo):
    image, shown = demo.image.image, cells(demo)
    demo.set_param("threshold", 0.6)
    assert demo.image.image is image and cells(demo) == shown
    assert_drawn(demo)
    demo.editor.setPlainText(demo.editor.toPlainText() + "\n堪培拉。")  # a new answer: compared anew
    assert demo.image.image is not image and demo.image.image.shape == (8, 8)
    assert_drawn(demo)
    fresh = make_demo(ConsistencyDemo, "zh", {"threshold": 0.6})
    fresh.editor.setPlainText(demo.editor.toPlainText())
    assert cells(demo) == cells(fresh) and len(cells(demo)) == 8 * 8
    assert np.array_equal(demo.result.analysis.flagged, fresh.result.analysis.flagged)
