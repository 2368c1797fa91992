"""The quantization demo widget: the plots follow the simulation, the text names what the
outliers cost, every control at its extremes, and both languages."""

import numpy as np
import pytest

from explorer.core.sims import quantization
from explorer.qt.demos.quantization_demo import QuantizationDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(QuantizationDemo, "zh")


def test_the_histogram_grid_and_used_values_are_the_channels(demo):
    experiment = demo.experiment
    grid = experiment.chosen.grids[0]
    assert len(demo.grid_lines.xData) == 2 * (grid.q_max - grid.q_min + 1)  # every int4 code fits the view
    used = np.unique(demo.used_lines.xData)
    assert len(used) == experiment.chosen.codes_used[0]
    assert demo.histogram.yData.sum() == quantization.INPUTS
    assert len(demo.outlier_marks.data) == 1
    assert "离群值把通道 1 的缩放因子拉大了" in demo.detail_label.text()
    assert "int4" in demo.summary_label.text() and "16 位的 25%" in demo.summary_label.text()


def test_the_error_bars_highlight_the_chosen_width(demo):
    demo.set_param("bits", 6)
    brushes = demo.error_bars.opts["brushes"]
    assert brushes[quantization.BIT_RANGE.index(6)] == demo.theme.colour(0)
    assert brushes.count(demo.theme.colour(0)) == 1
    heights = demo.error_bars.opts["height"] + demo.error_bars.opts["y0"]
    assert np.allclose(heights, np.log10(demo.experiment.mse_by_bits))


def test_keeping_outliers_aside_and_per_channel_scales_change_the_story(demo):
    demo.set_lang("en")
    demo.set_param("handling", "keep16")
    assert "kept aside in 16 bits" in demo.detail_label.text()
    demo.set_param("handling", "none")
    demo.set_param("granularity", "channel")
    demo.set_param("channel", 2)  # the outlier sits in channel 1
    assert demo.detail_label.text().startswith("Scale s =")
    demo.set_param("outliers", 0)
    assert "per channel" in demo.summary_label.text()


def test_the_output_plot_compares_exact_and_quantized(demo):
    experiment = demo.experiment
    assert np.allclose(demo.output_points.data["x"], experiment.outputs.ravel())
    assert np.allclose(demo.output_points.data["y"], experiment.quantized_outputs.ravel())


@pytest.mark.parametrize("spec", quantization.PARAMS, ids=lambda spec: spec.name)
def test_every_control_at_both_extremes(demo, spec):
    values = spec.choices if spec.kind == "choice" else (spec.min, spec.max)
    for value in values:
        demo.set_param(spec.name, value)
        for item in (demo.histogram, demo.grid_lines, demo.used_lines):
            assert np.all(np.isfinite(item.xData)) and np.all(np.isfinite(item.yData))
        assert np.all(np.isfinite(demo.error_bars.opts["height"]))
        view = demo.histogram_plot.getViewBox().viewRange()[0]
        assert view[0] <= demo.experiment.weights.min() and demo.experiment.weights.max() <= view[1]
        assert demo.summary_label.text() and demo.detail_label.text()


def test_both_languages(demo):
    assert "权重值" in demo.histogram_plot.getAxis("bottom").labelText
    demo.set_lang("en")
    assert demo.histogram_plot.getAxis("bottom").labelText == "Weight value"
    assert "Channel 1's weights" in demo.histogram_plot.titleLabel.text
