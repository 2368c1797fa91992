"""The distillation demo widget: bars and curves follow the simulation, every control at its
extremes, and both languages."""

import numpy as np
import pytest

from explorer.core.i18n import tr
from explorer.core.sims import distillation
from explorer.qt.demos import distillation_demo
from explorer.qt.demos.distillation_demo import DistillationDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(DistillationDemo, "zh")


def test_bars_are_the_teachers_probabilities_at_one_and_at_t(demo):
    result = demo.result
    example = distillation.shown_example(demo.params, result)
    assert np.allclose(demo.cold_bars.opts["height"], distillation.softmax(result.teacher[example]))
    assert np.allclose(demo.warm_bars.opts["height"], distillation.softmax(result.teacher[example], 4.0))
    assert demo.true_mark.data["x"][0] == result.labels[example]
    demo.set_param("temperature", 20.0)
    assert np.max(demo.warm_bars.opts["height"]) < 0.3


def test_curves_and_summary_follow_the_students(demo):
    accuracy, hard = demo.curves["accuracy"]
    assert np.allclose(accuracy.yData, demo.result.distilled.accuracy)
    assert np.allclose(hard.yData, demo.result.hard_only.accuracy)
    assert demo.teacher_line.value() == pytest.approx(demo.result.teacher_accuracy)
    assert "蒸馏的学生测试准确率 80%" in demo.summary_label.text()
    demo.set_lang("en")
    assert "distilled student 80% test accuracy" in demo.summary_label.text()
    assert "Teacher on training example 1/20" in demo.teacher_plot.titleLabel.text
    assert "dark knowledge" in demo.detail_label.text()


@pytest.mark.parametrize("spec", distillation.PARAMS, ids=lambda spec: spec.name)
def test_every_control_at_both_extremes(demo, spec):
    values = spec.choices if spec.kind == "choice" else (spec.min, spec.max)
    for value in values:
        demo.set_param(spec.name, value)
        for item in (demo.cold_bars, demo.warm_bars):
            assert np.all(np.isfinite(item.opts["height"]))
        for curve in demo.curves["accuracy"] + demo.curves["loss"]:
            assert np.all(np.isfinite(curve.yData))
        low, high = demo.loss_plot.getViewBox().viewRange()[1]
        assert demo.result.hard_only.test_loss.max() <= high
        assert demo.summary_label.text() and demo.detail_label.text()


def test_the_plots_follow_every_change(demo):
    """Only what changed is redrawn; whatever the order of changes, bars, curves and title show
    the current simulation."""
    changes = [("temperature", 1.5), ("alpha", 0.2), ("example", 7), ("epochs", 300), ("temperature", 9.0),
               ("per_class", 5), ("example", 60), ("spread", 1.0), ("t_squared", "off"), ("alpha", 0.9)]
    for name, value in changes:
        demo.set_param(name, value)
        result = demo.result
        example = distillation.shown_example(demo.params, result)
        temperature = float(demo.params["temperature"])
        assert np.allclose(demo.cold_bars.opts["height"], distillation.softmax(result.teacher[example]))
        assert np.allclose(demo.warm_bars.opts["height"], distillation.softmax(result.teacher[example], temperature))
        assert demo.true_mark.data["x"][0] == result.labels[example]
        for index, run in enumerate((result.distilled, result.hard_only)):
            accuracy, loss = demo.curves["accuracy"][index], demo.curves["loss"][index]
            assert np.array_equal(accuracy.xData, result.epochs) and np.array_equal(loss.xData, result.epochs)
            assert np.array_equal(accuracy.yData, run.accuracy) and np.array_equal(loss.yData, run.test_loss)
        rank = min(int(demo.params["example"]), len(result.labels))
        assert demo.teacher_plot.titleLabel.text == tr("distil.plot.teacher", "zh", example=rank, total=len(result.labels),
                                                       label=int(result.labels[example]), t=temperature,
                                                       cold=distillation.entropy_bits(demo.cold_bars.opts["height"]),
                                                       warm=distillation.entropy_bits(demo.warm_bars.opts["height"]))


def test_a_long_run_on_many_examples_is_drawn_in_slices_that_end_in_the_whole_run(make_demo, qtbot, monkeypatch):
    monkeypatch.setattr(distillation_demo, "SLICE_SECONDS", 0.0)  # the least work per slice, on any machine
    params = {"per_class": 30, "epochs": 400, "temperature": 3.3}
    demo = make_demo(DistillationDemo, "zh", params, settle=False)
    assert demo.drawing_pending and not demo.result.complete
    reached = int(demo.result.epochs[-1])
    assert 0 < reached < 400 and "正在训练" in demo.summary_label.text()
    assert f"第 {distillation.epochs_trained(demo.params)} / 400 轮" in demo.summary_label.text()
    first = demo.curves["accuracy"][0].yData.copy()
    qtbot.waitUntil(lambda: not demo.drawing_pending, timeout=10000)
    assert demo.result.complete and int(demo.result.epochs[-1]) == 400
    assert "正在训练" not in demo.summary_label.text()
    distillation._results.clear()
    whole = distillation.simulate({**demo.params})  # trained again from scratch, in one go
    assert np.array_equal(demo.curves["accuracy"][0].yData, whole.distilled.accuracy)
    assert np.array_equal(demo.curves["loss"][1].yData, whole.hard_only.test_loss)
    assert np.array_equal(first, whole.distilled.accuracy[: len(first)])  # the first frame: its start
    demo.set_param("temperature", 7.7)  # T moves: the hard-label student is kept, the distilled one sliced
    assert demo.drawing_pending
    demo.settle()
    assert demo.result.complete
    assert np.array_equal(demo.result.hard_only.accuracy, whole.hard_only.accuracy)
    demo.set_param("example", 5)  # nothing to train
    assert not demo.drawing_pending
