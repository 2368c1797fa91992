"""The epochs demo widget: early stopping on screen, restore best, animation, extremes, language."""

import numpy as np
import pytest

from explorer.core.sims import early_stopping as es
from explorer.qt.demos.epochs import EpochsDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(EpochsDemo, "zh")


def drawn(item):
    xs = item.xData
    return 0 if xs is None else len(xs)


def test_starts_with_the_whole_run_stopped_early_and_restored(demo):
    experiment = demo.experiment
    stop = experiment.stop
    assert demo.playback.total == stop.stopped
    assert drawn(demo.val_curve) == stop.stopped + 1
    assert demo.stop_line.isVisible() and demo.stop_line.value() == stop.stopped
    assert drawn(demo.val_rest) == experiment.training.last_epoch - stop.stopped + 1  # what was skipped
    assert drawn(demo.restored_fit) == es.CURVE_POINTS
    assert demo.best_marker.xData[0] == stop.best
    assert f"第 {stop.stopped} 轮早停" in demo.status.text() and f"恢复第 {stop.best} 轮" in demo.status.text()
    labels = [label.text for _, label in demo.fit_legend.items]
    assert "恢复的最佳模型" in labels


def test_the_fit_shown_is_the_model_of_the_epoch(demo):
    demo.playback.reset()
    assert np.allclose(demo.fit.yData, 0.0)  # θ = 0 before training
    demo.playback.step()
    demo.playback.step()
    expected = demo.experiment.curve(2, np.linspace(0, 1, es.CURVE_POINTS))
    assert np.allclose(demo.fit.yData, np.clip(expected, -8, 12))
    assert drawn(demo.train_curve) == 3 and drawn(demo.restored_fit) == 0
    assert not demo.stop_line.isVisible() and demo.now_line.isVisible()
    assert "第 2 轮" in demo.status.text()


def test_play_runs_to_the_stop_and_ends_there(demo, qtbot):
    playback = demo.playback
    playback.speed_box.setCurrentIndex(playback.speed_box.count() - 1)
    playback.play()
    assert playback.is_playing() and playback.position < 5
    qtbot.waitUntil(lambda: not playback.is_playing(), timeout=5000)
    assert playback.position == demo.experiment.stop.stopped
    assert demo.stop_line.isVisible() and playback.frames_drawn > 10


def test_switches_change_the_ending(demo):
    demo.set_param("early_stop", "off")
    assert demo.playback.total == 1000 and not demo.stop_line.isVisible()
    assert drawn(demo.val_rest) == 0 and drawn(demo.val_curve) == 1001
    assert demo.status.text().startswith("跑完 1000 轮")
    demo.set_param("restore", "off")
    assert drawn(demo.restored_fit) == 0
    demo.set_param("early_stop", "on")
    assert "没有恢复最佳权重" in demo.status.text()


def test_patience_moves_the_stop(demo):
    demo.set_param("patience", 10)
    assert demo.experiment.stop.stopped == demo.experiment.stop.best + 10
    assert demo.playback.total == demo.experiment.stop.stopped


def test_divergence_is_named_and_nothing_infinite_is_drawn(demo):
    demo.set_param("lr", 1.0)
    training = demo.experiment.training
    assert training.diverged_epoch is not None
    assert "发散" in demo.status.text()
    for item in (demo.train_curve, demo.val_curve, demo.fit, demo.train_rest, demo.val_rest):
        if item.yData is not None:
            assert np.all(np.isfinite(item.yData))


@pytest.mark.parametrize("name", [spec.name for spec in es.PARAMS if spec.kind != "choice"])
def test_every_number_control_at_its_extremes(demo, name):
    control = demo.controls[name]
    for value in (control.spec.min, control.spec.max):
        demo.set_param(name, value)
        demo.playback.reset()
        demo.playback.step()
        demo.playback.show_all()
        for item in (demo.train_curve, demo.val_curve, demo.fit):
            assert np.all(np.isfinite(item.yData)), (name, value)


def test_log_axis_places_epoch_zero_at_one(demo):
    demo.set_param("xscale", "log")
    assert demo.train_curve.xData[0] == 1.0
    assert demo.loss_plot.getAxis("bottom").labelText == "轮次 + 1(对数)"
    assert demo.stop_line.value() == pytest.approx(np.log10(demo.experiment.stop.stopped + 1))
    demo.set_params({"xscale": "linear", "epochs": 5000})
    demo.set_params({"xscale": "log", "epochs": 5000})
    demo.set_params({"xscale": "linear", "epochs": 20})
    assert demo.train_curve.xData[0] == 0.0


def test_the_epoch_axis_switch_keeps_the_demos_own_ranges(demo):
    for scale in ("log", "linear", "log"):
        demo.set_param("xscale", scale)
        demo.set_param("lr", 0.05 if scale == "log" else 0.2)
        assert demo.loss_plot.vb.state["autoRange"] == [False, False], scale
        right = demo.loss_plot.viewRange()[0][1]
        last = demo.experiment.training.last_epoch  # the whole run, the part after the stop faint
        assert right == pytest.approx(np.log10(last + 1) if scale == "log" else last, rel=0.05), scale


def test_language_switch_retitles_everything(demo):
    demo.set_lang("en")
    assert demo.status.text().startswith("Stopped early at epoch")
    assert demo.loss_plot.getAxis("left").labelText == "mean squared error (log)"
    assert demo.playback.step_button.text() == "Step +1 epoch"
    assert demo.playback.progress_label.text().startswith("Epoch")
    labels = [label.text for _, label in demo.fit_legend.items] + [label.text for _, label in demo.loss_legend.items]
    assert "training data" in labels and "validation loss" in labels
    assert not any("训练" in text or "验证" in text for text in labels)
    assert demo.stop_line.label.format.strip().startswith("early stop")


def test_the_restored_model_row_of_the_legend_comes_and_goes_with_it(demo):
    def rows():
        return [label.text for _, label in demo.fit_legend.items]

    assert rows()[-1] == "恢复的最佳模型" and len(rows()) == 5
    demo.set_param("restore", "off")
    assert len(rows()) == 4 and "恢复的最佳模型" not in rows()
    demo.set_param("restore", "on")
    assert rows()[-1] == "恢复的最佳模型" and len(rows()) == 5
    demo.set_lang("en")
    assert rows()[-1] == "restored best model" and len(rows()) == 5
    demo.set_param("restore", "off")
    assert rows() == ["training data", "validation data", "true function sin(2πx)", "model at this epoch"]
