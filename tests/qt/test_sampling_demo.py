"""The sampling demo widget: the bars follow the decoding, the sample button and its seeded
histogram, every control at its extremes, greedy decoding, both languages and a quick redraw."""


import numpy as np
import pytest

from explorer.core.sims import sampling
from explorer.qt.demos.sampling_demo import ROWS, SHOWN, SamplingDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(SamplingDemo, "zh")


def widths(bars):
    return np.asarray(bars.opts["width"], dtype=float)


def tick_names(demo):
    return [name for _, name in demo.dist_plot.getAxis("left")._tickLevels[0]]


def all_finite(demo):
    return all(np.all(np.isfinite(widths(bars))) and len(widths(bars)) == ROWS
               for bars in (demo.faint_bars, demo.kept_bars, demo.ghost_bars, demo.count_bars))


def test_the_bars_are_the_decoding_most_likely_first(demo):
    result = demo.result
    assert np.allclose(widths(demo.kept_bars)[:SHOWN], result.probs[result.order[:SHOWN]])
    assert widths(demo.kept_bars)[-1] == pytest.approx(result.probs[result.order[SHOWN:]].sum())
    assert widths(demo.kept_bars).sum() == pytest.approx(1.0)
    assert widths(demo.ghost_bars).sum() == pytest.approx(1.0)
    assert tick_names(demo)[:3] == ["堪培拉 ✓", "悉尼", "墨尔本"]
    assert tick_names(demo)[-1] == "其余 12 个词元"
    assert demo.summary_label.text() == "T 1.00:保留 24/24 个词元,答错概率 P(错) = 38.8%"
    assert demo.counts is None and demo.hint.isVisible()


def test_cut_candidates_are_faint_and_the_rest_renormalised(demo):
    demo.set_param("top_k", 3)
    kept, faint = widths(demo.kept_bars), widths(demo.faint_bars)
    assert np.all(kept[:3] > faint[:3]) and np.all(kept[3:] == 0) and np.all(faint[3:] > 0)
    assert kept.sum() == pytest.approx(1.0)
    demo.set_param("top_p", 0.05)
    assert np.count_nonzero(widths(demo.kept_bars)) == 1
    assert "保留 1/24 个词元" in demo.summary_label.text()


def test_the_sample_button_draws_100_answers_again_with_every_move(demo):
    demo.findChild(type(demo.sample_button), "sample").click()
    counts = widths(demo.count_bars)
    assert counts.sum() == 100 and not demo.hint.isVisible()
    wrong = demo.result.wrong_count(demo.counts)
    assert demo.summary_label.text().endswith(f";抽样 100 次:错 {wrong} 次")
    demo.set_param("temperature", 0.05)
    assert demo.counts[0] == 100 and demo.summary_label.text().endswith("错 0 次")
    demo.set_param("temperature", 1.0)
    assert np.array_equal(widths(demo.count_bars), counts)  # the same seed, the same answers
    demo.set_param("seed", 1)
    assert not np.array_equal(widths(demo.count_bars), counts)


@pytest.mark.parametrize("name", [spec.name for spec in sampling.PARAMS])
def test_every_control_at_both_extremes(demo, name):
    spec = next(spec for spec in sampling.PARAMS if spec.name == name)
    demo.sample_button.click()
    values = spec.choices if spec.kind == "choice" else (spec.min, spec.max)
    for value in values:
        demo.set_param(name, value)
        assert all_finite(demo)
        assert widths(demo.kept_bars).sum() == pytest.approx(1.0)
        assert widths(demo.count_bars).sum() == 100
        assert "P(错)" in demo.summary_label.text() and demo.detail_label.text()


def test_greedy_on_the_skewed_model_is_always_wrong(demo):
    demo.set_params({"prompt": "skewed", "decoding": "greedy"})
    demo.sample_button.click()
    assert demo.result.p_wrong == 1.0
    assert demo.summary_label.text() == "贪心解码:保留 1/24 个词元,答错概率 P(错) = 100.0%;抽样 100 次:错 100 次"
    assert "悉尼" in demo.detail_label.text() and "每次都答错" in demo.detail_label.text()
    assert tick_names(demo)[:2] == ["悉尼", "堪培拉 ✓"]
    demo.set_param("prompt", "capital")
    assert "每次都答对" in demo.detail_label.text()


def test_both_languages(demo):
    demo.set_params({"temperature": 0.7, "top_p": 0.9})
    demo.sample_button.click()
    demo.set_lang("en")
    text = demo.summary_label.text()
    assert text.startswith("T 0.70, top-p 0.90: ") and "tokens kept, P(wrong answer) = " in text
    assert text.endswith(f"; 100 samples: {demo.result.wrong_count(demo.counts)} wrong")
    assert tick_names(demo)[0] == "Canberra ✓" and tick_names(demo)[-1] == "Other 12 tokens"
    assert demo.sample_button.text() == "Sample 100 times"
    assert "The capital of Australia is" in demo.prompt_label.text
    assert [label.text for _, label in demo.legend.items][0] == "Right answer ✓"
    demo.set_param("prompt", "obscure")
    assert tick_names(demo)[0] == "Arrhenius ✓"
    demo.set_lang("zh")
    assert tick_names(demo)[0] == "阿伦尼乌斯 ✓" and "1903 年诺贝尔化学奖" in demo.prompt_label.text
    assert demo.sample_button.text() == "抽样 100 次"
