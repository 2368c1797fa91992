"""The DPO demo widget: the plots follow the run, stepping moves the bars the right way, every
control at its extremes, the notes, both languages, and a slider move that redraws quickly."""

import math

import numpy as np
import pytest

from explorer.core.sims import dpo
from explorer.qt.demos.dpo_demo import LOSS_TOP, DpoDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(DpoDemo, "zh")


def heights(demo):
    return np.asarray(demo.policy_bars.opts["height"], dtype=float)


def data_items(demo):
    return (demo.loss_curve, demo.weight_curve, demo.loss_point, demo.weight_point, demo.reward_w_curve,
            demo.reward_l_curve, demo.kl_curve)


def assert_all_finite(demo):
    for item in data_items(demo):
        xs, ys = item.getData()
        assert xs is not None and len(xs) > 0
        assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
    for bars in (demo.policy_bars, demo.reference_bars):
        values = np.asarray(bars.opts["height"], dtype=float)
        assert np.all(np.isfinite(values)) and values.sum() == pytest.approx(1.0)


def test_the_whole_run_is_shown(demo):
    run = demo.result
    assert run.steps == 100
    assert np.allclose(heights(demo), run.probs[-1])
    assert np.allclose(demo.reference_bars.opts["height"], run.reference_probs)
    assert np.allclose(demo.reward_w_curve.yData, run.reward_preferred)
    assert np.allclose(demo.kl_curve.yData, run.kl)
    assert demo.loss_point.data["x"][0] == pytest.approx(run.delta[-1])
    assert demo.loss_point.data["y"][0] == pytest.approx(run.loss[-1])
    assert demo.weight_point.data["y"][0] == pytest.approx(run.weight[-1])
    assert demo.summary_label.text().startswith("第 100 步:Δ = ")
    assert demo.summary() == demo.summary_label.text()
    # Every data point lies inside the fixed axes.
    low, high = demo.loss_plot.getViewBox().viewRange()[0]
    assert low <= 0 <= run.delta.max() <= high
    low, high = demo.training_plot.getViewBox().viewRange()[1]
    assert low <= run.reward_rejected.min() and max(run.kl.max(), run.reward_preferred.max()) <= high


def test_stepping_moves_the_preferred_bar_up_and_the_rejected_down(demo):
    demo.set_lang("en")
    demo.playback.reset()
    run = demo.result
    w, l = run.preferred, run.rejected
    assert np.allclose(heights(demo), run.reference_probs)  # back at the reference
    assert demo.summary_label.text().startswith("Step 0: the policy is the reference")
    assert "ln 2" in demo.summary_label.text()
    before = heights(demo).copy()
    for expected in range(1, 4):
        demo.playback.step()
        after = heights(demo)
        assert after[w] > before[w] and after[l] < before[l]
        assert demo.summary_label.text().startswith(f"Step {expected}: Δ = {run.delta[expected]:.2f}")
        before = after.copy()
    assert len(demo.kl_curve.xData) == 4 and demo.now_line.value() == 3
    assert demo.playback.progress_label.text() == "Step 3/100"
    text = demo.summary_label.text()
    assert f"loss {run.loss[3]:.3g}" in text and f"KL {run.kl[3]:.2f}" in text
    assert f"π(preferred) {run.probs[0, w]:.2f} → {run.probs[3, w]:.2f}" in text
    assert f"y_w {run.reward_preferred[3]:+.3f}" in demo.detail_label.text()


def test_reset_returns_to_the_reference(demo):
    demo.playback.reset()
    demo.playback.step()
    demo.playback.reset()
    assert np.allclose(heights(demo), demo.result.reference_probs)
    assert demo.loss_point.data["x"][0] == 0.0
    assert demo.loss_point.data["y"][0] == pytest.approx(math.log(2))


@pytest.mark.parametrize("name", [spec.name for spec in dpo.PARAMS])
def test_every_control_at_both_extremes(demo, name):
    spec = next(spec for spec in dpo.PARAMS if spec.name == name)
    values = (spec.choices[0], spec.choices[-1]) if spec.kind == "choice" else (spec.min, spec.max)
    for value in values:
        demo.set_param(name, value)
        assert demo.params[name] == spec.coerce(value)
        assert demo.result.finite
        assert_all_finite(demo)
        assert demo.summary_label.text() and demo.detail_label.text()
        demo.playback.reset()
        assert_all_finite(demo)
        demo.playback.show_all()


def test_the_strongest_settings_stay_finite_and_say_what_happened(make_demo):
    demo = make_demo(DpoDemo, "en", {"beta": 0.05, "lr": 5.0, "steps": 500})
    assert_all_finite(demo)
    assert demo.result.collapsed_step is not None
    assert "collapsed onto y_w" in demo.detail_label.text()
    demo.set_params({"beta": 2.0, "lr": 5.0, "steps": 10})
    assert_all_finite(demo)
    assert demo.loss_point.data["y"][0] <= LOSS_TOP
    assert "Gradient weight < 0.01" in demo.detail_label.text()
    demo.set_params({"preferred": "E", "rejected": "E"})
    assert "same answer" in demo.detail_label.text()
    assert not demo.mark_l.isVisible()
    assert np.allclose(heights(demo), demo.result.reference_probs)


def test_choosing_the_pair_recolours_the_bars_and_the_key(demo):
    demo.set_param("preferred", "F")
    demo.set_param("rejected", "D")
    brushes = demo.policy_bars.opts["brushes"]
    green, red = demo.theme.colour(2), demo.theme.colour(1)
    assert brushes[5].color().name().lower() == green.lower()
    assert brushes[3].color().name().lower() == red.lower()
    assert demo.mark_w.pos().x() == 5 and demo.mark_l.pos().x() == 3
    assert heights(demo)[5] > demo.result.reference_probs[5]
    key = demo.key_label.text()
    assert "生日" in key and f'<span style="color:{green}"><b>F</b>' in key


def test_beta_changes_the_curve_and_leaves_the_axes(demo):
    before = demo.loss_curve.yData.copy()
    ranges = demo.loss_plot.getViewBox().viewRange()
    demo.set_param("beta", 0.12)
    assert not np.allclose(before, demo.loss_curve.yData)
    assert demo.loss_plot.getViewBox().viewRange() == ranges
    assert demo.policy_plot.getViewBox().viewRange()[1] == pytest.approx([0.0, 1.16])


def test_plays_to_the_end(demo, qtbot):
    demo.set_param("steps", 10)
    demo.playback.reset()
    demo.playback.play()
    qtbot.waitUntil(lambda: demo.playback.at_end, timeout=10000)
    assert demo.summary_label.text().startswith("第 10 步")


def test_language_switch_retitles_everything(demo):
    demo.set_lang("en")
    assert demo.loss_plot.titleLabel.text.startswith("DPO loss")
    assert [label.text for _, label in demo.loss_legend.items] == ["Loss −log σ(βΔ)", "Gradient weight σ(−βΔ)"]
    assert demo.policy_plot.getAxis("bottom").labelText == "Answer"
    assert demo.summary_label.text().startswith("Step 100: Δ = ")
    assert "Prompt: Help me write a birthday message" in demo.key_label.text()
    assert demo.controls["preferred"].combo.currentText().startswith("A  Happy birthday")
    demo.set_lang("zh")
    assert demo.loss_plot.titleLabel.text == "DPO 损失与梯度权重"
    assert demo.summary_label.text().startswith("第 100 步:Δ = ")
    assert "提示:帮我给妈妈写一句生日祝福" in demo.key_label.text()
    assert demo.controls["preferred"].combo.currentText().startswith("A  妈妈生日快乐")
