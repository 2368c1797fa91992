"""The benchmark runs and reports what the README promises (figures are not asserted:
these machines are shared and noisy; the targets are read from ``explorer --bench``)."""

import pytest

from explorer import bench


def test_first_paint_is_measured_against_a_bare_window():
    result = bench.first_paint(runs=1)
    assert result["first_paint_ms"] > 0 and result["baseline_first_paint_ms"] > 0
    assert result["first_paint_ratio"] == pytest.approx(result["first_paint_ms"] / result["baseline_first_paint_ms"], abs=0.01)
    assert result["interactive_ms"] >= result["first_paint_ms"]  # the demo is drawn after the page


def test_topic_switch_covers_every_topic_in_both_languages(qapp):
    from explorer.core.content import load_content

    result = bench.topic_switch()
    assert result["n"] == 2 * (len(load_content().tree) + 1)
    assert 0 < result["p50"] <= result["p95"]
    assert result["language_switch_ms"]["n"] == 8 and result["theme_switch_ms"]["n"] == 8
    assert result["rss_mb"]["start"] > 0 and result["rss_mb"]["after_every_topic"] > 0


def test_percentiles():
    assert bench.percentiles([float(n) for n in range(1, 101)]) == {"p50": 50.5, "p95": 95.0, "n": 100}


def test_every_demo_reports_its_repaint_time(qapp):
    from explorer.qt.demos import REGISTRY

    results = bench.demo_timings(changes_per_param=2, animation_seconds=0.3)
    assert set(results) == set(REGISTRY)
    for demo_id, result in results.items():
        assert result["param_to_paint_ms"]["n"] > 0, demo_id
        if "animation_fps" in result:
            assert result["animation_fps"] > 0 and 0 <= result["frames_over_17ms"] <= 1
    for animated in ("batch-size", "epochs"):
        assert "animation_fps" in results[animated], animated


def test_search_is_timed_over_both_languages():
    result = bench.search_timings(repeats=1)
    assert result["search_ms"]["n"] == len(bench.SEARCH_QUERIES)
    assert result["search_index_build_ms"] > 0
    assert any("\u4e00" <= ch <= "\u9fff" for q in bench.SEARCH_QUERIES for ch in q)


def test_a_short_soak_animates_every_animated_demo(qapp):
    result = bench.soak(minutes=0.1, turn_seconds=1.0, sample_seconds=0.5)
    assert {"batch-size", "epoch", "hmm"} <= set(result["topics"])
    assert result["rss_mb"]["end"] > 0 and result["growth_percent"] is not None
    assert len(result["samples"]) >= 5
