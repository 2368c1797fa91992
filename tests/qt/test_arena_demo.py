"""The arena demo widget: the plots follow the simulation, stepping spells out the Elo update,
every control at its extremes, shuffling, intervals, animation and both languages."""

import numpy as np
import pytest

from explorer.core.sims import arena
from explorer.qt.demos.arena_demo import BT, ELO, NAMES, TRUE, ArenaDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(ArenaDemo, "zh")


def lines(demo, kind):
    """The (x, y) of every model's line of ``kind`` (TRUE, BT, ELO) that is drawn."""
    drawn = [demo.lines.curve(3 * model + kind) for model in range(len(NAMES))]
    return [line for line in drawn if line is not None]


def test_the_whole_run_is_shown_with_the_truth_and_intervals(demo):
    result = demo.result
    assert len(lines(demo, ELO)) == len(lines(demo, BT)) == len(lines(demo, TRUE)) == result.models == 6
    assert np.allclose(lines(demo, ELO)[0][1], result.elo[:, 0])
    assert np.allclose(lines(demo, BT)[2][1], result.bradley_terry[:, 2])
    assert np.allclose(lines(demo, TRUE)[1][1], result.truth[1])
    assert np.allclose(demo.bt_points.data["y"], result.bradley_terry[-1])
    assert np.allclose(demo.true_points.data["y"], result.truth)
    assert demo.error_bars.isVisible()
    assert "1000 场对战后" in demo.summary_label.text() and "第 1000 场" in demo.detail_label.text()
    low, high = demo.history_plot.getViewBox().viewRange()[1]
    assert low <= result.elo.min() and result.elo.max() <= high


def test_stepping_from_the_start_spells_out_the_elo_update(demo):
    demo.playback.reset()
    assert "所有模型都从 1000 分开始" in demo.summary_label.text()
    demo.set_lang("en")
    demo.playback.step()
    battles = int(demo.result.steps[1])
    text = demo.detail_label.text()
    assert text.startswith(f"Battle {battles}:") and "expected score" in text
    votes = demo.result.votes
    a, b = NAMES[votes.first[battles - 1]], NAMES[votes.second[battles - 1]]
    assert f"{a} (" in text and f"vs {b} (" in text
    assert not demo.error_bars.isVisible()  # intervals belong to all the votes
    assert len(lines(demo, ELO)[0][0]) == 2


def test_the_update_in_the_text_is_the_update_in_the_data(demo):
    demo.set_params({"battles": 10, "models": 2})
    demo.set_lang("en")
    demo.playback.reset()
    demo.playback.step()  # battle 1
    result = demo.result
    a, b, score = result.votes.first[0], result.votes.second[0], result.votes.score[0]
    expected = arena.expected_score(1000, 1000)
    change = 4 * (score - expected)
    assert result.elo[1][a] == pytest.approx(1000 + change)
    assert f"{NAMES[a]} {change:+.2f}" in demo.detail_label.text()


@pytest.mark.parametrize("name", [spec.name for spec in arena.PARAMS if spec.kind != "choice"])
def test_every_number_control_at_both_extremes(demo, name):
    spec = next(spec for spec in arena.PARAMS if spec.name == name)
    for value in (spec.min, spec.max):
        demo.set_param(name, value)
        result = demo.result
        assert np.all(np.isfinite(result.elo)) and np.all(np.isfinite(result.bradley_terry))
        assert len(lines(demo, ELO)) == len(lines(demo, BT)) == result.models
        for _x, y in lines(demo, ELO) + lines(demo, BT):
            assert np.all(np.isfinite(y))
        assert demo.summary_label.text()


def test_hiding_the_intervals_and_shuffling(demo):
    before = demo.result
    demo.set_param("intervals", "off")
    assert not demo.error_bars.isVisible()
    demo.set_param("order", 5)
    after = demo.result
    assert not np.allclose(before.elo[-1], after.elo[-1])
    assert np.allclose(before.bradley_terry[-1], after.bradley_terry[-1], atol=1e-3)


def drawn(demo):
    """Everything the plots show, as plain values."""
    state = {"lines": [None if line is None else (line[0].tolist(), line[1].tolist())
                       for line in map(demo.lines.curve, range(3 * len(NAMES)))]}
    state["labels"] = [(x, y, name, ink.name()) for x, y, name, ink in demo.name_labels.texts]
    for points in ("bt_points", "elo_points", "true_points"):
        state[points] = (getattr(demo, points).data["x"].tolist(), getattr(demo, points).data["y"].tolist())
    state["bars"] = demo.error_bars.isVisible() and [np.asarray(demo.error_bars.opts[key]).tolist()
                                                     for key in ("x", "y", "top", "bottom")]
    state["ranges"] = (demo.history_plot.getViewBox().viewRange(), demo.final_plot.getViewBox().viewRange())
    state["now"] = demo.now_line.value()
    state["text"] = (demo.summary_label.text(), demo.detail_label.text())
    return state


def test_each_change_draws_what_a_new_demo_would(demo, make_demo):
    # The widget sets again only what a change touched: what it shows must still be all new,
    # at the end of the run and part way through it.
    changes = [("k", 32.0), ("models", 3), ("battles", 200), ("order", 4), ("intervals", "off"), ("k", 4.0),
               ("models", 9), ("intervals", "on"), ("ties", 0.3), ("order", 0), ("battles", 1000), ("models", 6)]
    for step, (name, value) in enumerate(changes):
        if step == 4:
            demo.playback.reset()
            demo.playback.step()
        if step == 8:
            demo.playback.show_all()
        demo.set_param(name, value)
        demo.settle()  # new intervals come a frame later
        fresh = make_demo(ArenaDemo, "zh", dict(demo.params))
        if not demo.playback.at_end:
            fresh.playback.reset()
            fresh.playback.step()
        ours, theirs = drawn(demo), drawn(fresh)
        for key in theirs:
            if key != "ranges":  # the axes keep a range while it still fits: checked below
                assert ours[key] == theirs[key], (name, value, key)
        low, high = ours["ranges"][0][1]
        assert low <= demo.result.elo.min() and demo.result.elo.max() <= high


def test_new_intervals_come_a_frame_after_the_ratings_they_belong_to(demo, qtbot):
    demo.set_params({"models": 10, "battles": 5000})
    demo.settle()
    demo.set_param("ties", 0.37)  # votes no run has drawn: the intervals are not known yet
    assert demo.drawing_pending and demo.result.intervals is None and not demo.error_bars.isVisible()
    assert np.allclose(demo.bt_points.data["y"], demo.result.bradley_terry[-1])  # the ratings are new at once
    qtbot.waitUntil(lambda: not demo.drawing_pending, timeout=5000)
    whole = arena.simulate(demo.params)
    assert demo.error_bars.isVisible() and demo.result.intervals is whole.intervals
    assert np.allclose(demo.error_bars.opts["top"], whole.intervals[1] - whole.bradley_terry[-1])
    demo.set_param("k", 48.0)  # the same votes: the intervals are known and drawn at once
    assert not demo.drawing_pending and demo.error_bars.isVisible()
    demo.set_param("intervals", "off")
    assert not demo.drawing_pending and not demo.error_bars.isVisible()


def test_plays_to_the_end(demo, qtbot):
    demo.playback.reset()
    demo.playback.play()
    qtbot.waitUntil(lambda: demo.playback.at_end, timeout=10000)
    assert "1000 场对战后" in demo.summary_label.text()


def test_language_switch_retitles_everything(demo):
    demo.set_lang("en")
    assert demo.history_plot.titleLabel.text == "Ratings as the votes come in"
    labels = [label.text for _, label in demo.final_legend.items]
    assert labels == ["Bradley–Terry", "Online Elo", "True strength"]
    assert demo.summary_label.text().startswith("After 1000 battles")
    demo.set_lang("zh")
    assert demo.history_plot.titleLabel.text == "投票逐渐到来时的评分"
