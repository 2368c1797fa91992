"""The HMM demo widget: every view steps to its end, the editor refuses and marks, sequences typed."""

import numpy as np
import pytest

from explorer.core.sims import hmm
from explorer.qt.demos.hmm_demo import HmmDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(HmmDemo, "zh")


def walk_to_the_end(demo):
    playback = demo.playback
    playback.reset()
    steps = 0
    while not playback.at_end:
        playback.step()
        steps += 1
        assert steps <= 500
    return steps


@pytest.mark.parametrize("view, steps", [("generate", 8), ("forward", 3), ("viterbi", 6), ("learn", 30)])
def test_each_view_steps_to_its_end(demo, qtbot, view, steps):
    demo.set_param("view", view)
    assert walk_to_the_end(demo) == steps
    demo.grab()  # paints the last frame
    demo.playback.step_back()
    assert demo.playback.position == steps - 1
    demo.playback.speed_box.setCurrentIndex(demo.playback.speed_box.count() - 1)
    demo.playback.play()
    qtbot.waitUntil(lambda: not demo.playback.is_playing(), timeout=15000)
    assert demo.playback.at_end


def test_the_worked_example_in_the_viterbi_view(demo):
    demo.set_param("view", "viterbi")
    assert demo.status.text() == "最可能的隐藏序列:健康 → 健康 → 发烧,概率 0.01512"
    assert "P(O|λ) = 0.03628" in demo.trellis_view.data.footer
    demo.set_lang("en")
    assert demo.status.text() == "Most likely hidden sequence: Healthy → Healthy → Fever, probability 0.01512"
    demo.set_param("view", "forward")
    assert "0.03628" in demo.status.text()


def test_viterbi_traces_the_path_back_after_filling(demo):
    demo.set_param("view", "viterbi")
    demo.playback.reset()
    for _ in range(3):
        demo.playback.step()
    assert demo.trellis_view._path_cells() == {(2, 1)}  # the end of the path, before tracing
    demo.playback.step()
    assert demo.trellis_view._path_cells() == {(2, 1), (1, 0)}


def edit(table, row, column, text):
    table.item(row, column).setText(text)


def test_an_invalid_edit_is_marked_blocks_running_and_normalise_fixes_it(demo):
    editor = demo.editor
    table = editor.tables["A"]
    edit(table, 0, 0, "0.5")  # row 1 of A now sums to 0.8
    assert demo.model is None and not demo.playback.play_button.isEnabled()
    assert "A 的第 1 行之和为 0.8,而不是 1" in editor.message.text()
    assert table.item(0, 2).text() == "0.8"
    demo.playback.play()
    assert not demo.playback.is_playing() or demo.model is None
    assert demo.status.text().startswith("模型无效")
    assert editor.normalise_button.isEnabled()
    editor.normalise_button.click()
    assert demo.model is not None and demo.playback.play_button.isEnabled()
    assert demo.model.A[0].tolist() == pytest.approx([0.5 / 0.8, 0.3 / 0.8])
    assert editor.message.text() == ""


@pytest.mark.parametrize("text, key", [("abc", "不是数字"), ("-0.2", "0 到 1 之间"), ("1.5", "0 到 1 之间")])
def test_bad_entries_are_refused_with_a_message(demo, text, key):
    table = demo.editor.tables["B"]
    edit(table, 1, 2, text)
    assert table.item(1, 2).text() == "0.6"  # the old value stays
    assert key in demo.editor.message.text()
    assert demo.model is not None


def test_restore_preset_undoes_edits(demo):
    edit(demo.editor.tables["pi"], 0, 0, "0.9")
    assert demo.model is None
    demo.editor.restore_button.click()
    assert demo.model is not None and demo.model.pi.tolist() == [0.6, 0.4]


def test_a_typed_sequence_is_decoded(demo):
    demo.set_param("view", "viterbi")
    demo.sequence_edit.setText("dizzy, dizzy 正常")
    demo.sequence_edit.returnPressed.emit()
    assert demo.params["sequence"] == "typed"
    assert demo.observations.tolist() == [2, 2, 0]
    expected = hmm.viterbi(hmm.PRESETS["healthy-fever"].model, [2, 2, 0])
    assert np.array_equal(demo.viterbi_run.path, expected.path)
    demo.sequence_edit.setText("dizzy sneeze")
    demo.sequence_edit.returnPressed.emit()
    assert "sneeze" in demo.status.text() and demo.observations.tolist() == [2, 2, 0]


def test_a_long_generated_sequence_uses_the_scaled_form(demo):
    demo.set_params({"view": "forward", "sequence": "generated", "length": 200, "preset": "three-state"})
    run = demo.forward_run
    assert len(run.alpha_hat) == 200 and np.isfinite(run.log_likelihood)
    walk_to_the_end(demo)
    demo.grab()
    assert "log P" in demo.status.text()


def test_the_preset_changes_the_model_and_the_editor(demo):
    demo.set_param("preset", "three-state")
    assert demo.model.n_states == 3 and demo.editor.tables["A"].rowCount() == 3
    assert demo.editor.tables["B"].columnCount() == 5  # four symbols and the sum


def test_hiding_the_hidden_states(demo):
    demo.set_param("hidden", "hide")
    assert demo.graph_view.data.show_hidden is False
    demo.grab()


def test_language_switch_retitles(demo):
    demo.set_lang("en")
    assert demo.tabs.tabText(1).startswith("Model")
    assert demo.editor.tables["A"].verticalHeaderItem(0).text() == "Healthy"
    assert demo.playback.back_button.text() == "◀ Step back"
    assert demo.sequence_label.text() == "Observations:"


def test_states_and_symbols_can_be_added_and_removed_within_limits(demo):
    editor = demo.editor
    for _ in range(3):
        editor.size_buttons["add-state"].click()
    assert demo.model.n_states == 5 and not editor.size_buttons["add-state"].isEnabled()
    assert demo.model.state_name(4, "zh") == "状态 5" and np.allclose(demo.model.A.sum(axis=1), 1)
    for _ in range(3):
        editor.size_buttons["add-symbol"].click()
    assert demo.model.n_symbols == 6 and not editor.size_buttons["add-symbol"].isEnabled()
    demo.set_param("view", "viterbi")
    assert len(demo.viterbi_run.path) == 3  # the example sequence still fits
    for _ in range(4):
        editor.size_buttons["remove-symbol"].click()
    assert demo.model.n_symbols == 2 and not editor.size_buttons["remove-symbol"].isEnabled()
    assert np.allclose(demo.model.B.sum(axis=1), 1)
    assert demo.observations.max() < 2  # "dizzy" is gone: the generated sequence is used
    for _ in range(3):
        editor.size_buttons["remove-state"].click()
    assert demo.model.n_states == 2 and np.allclose(demo.model.pi.sum(), 1)
    demo.set_param("view", "generate")
    demo.grab()
