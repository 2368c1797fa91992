"""The batch-size demo widget: animation, redraws, clean-up and language."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject

from explorer.core.sims import minibatch as mb
from explorer.qt.demos import batch_size
from explorer.qt.demos.batch_size import GAP_RANGE, BatchSizeDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(BatchSizeDemo, "zh", {"epochs": 2})


def shown_points(demo, batch):
    xs = demo.curves[batch].curve.xData
    return 0 if xs is None else len(xs)


def test_starts_with_whole_runs_and_finite_data(demo):
    for run in demo.experiment.runs:
        curve = demo.curves[run.batch].curve
        xs, ys = curve.xData, curve.yData
        assert len(xs) == len(run.steps) - 1  # the log step axis leaves out step 0
        assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys)) and np.all(xs > 0)


def test_reset_step_play_pause(demo, qtbot):
    playback = demo.playback
    playback.reset()
    assert playback.position == 0 and not playback.is_playing()
    assert shown_points(demo, 1) == 0
    playback.step()
    assert playback.position == 1.0
    one_epoch = shown_points(demo, 1)
    assert 0 < one_epoch < len(demo.experiment.run_for(1).steps) - 1
    playback.play_button.click()
    assert playback.is_playing() and playback.play_button.text() == "‖ 暂停"
    qtbot.waitUntil(lambda: playback.position > 1.05, timeout=3000)
    playback.play_button.click()
    assert not playback.is_playing()
    paused_at = playback.position
    qtbot.wait(50)
    assert playback.position == paused_at
    playback.speed_box.setCurrentIndex(playback.speed_box.count() - 1)
    frames = playback.frames_drawn
    playback.play()
    qtbot.waitUntil(lambda: not playback.is_playing(), timeout=3000)  # stops at the end
    assert playback.position == 2.0 and playback.frames_drawn > frames
    assert shown_points(demo, 1) == len(demo.experiment.run_for(1).steps) - 1


def test_play_from_the_end_restarts(demo):
    demo.playback.play()
    assert demo.playback.position < 0.1
    demo.playback.pause()


def test_more_epochs_extend_the_run(demo):
    demo.set_param("epochs", 4)
    assert demo.playback.total == 4 and "4" in demo.playback.progress_label.text()


def test_a_control_change_recomputes_and_redraws(demo):
    before = demo.curves[32].curve.yData.copy()
    demo.controls["lr"].spin.setValue(2.0)
    after = demo.curves[32].curve.yData
    assert demo.params["lr"] == 2.0 and not np.array_equal(before, after)
    demo.set_param("batches", "ends")
    assert [run.batch for run in demo.experiment.runs] == [1, mb.N_EXAMPLES]
    assert not demo.curves[32].curve.isVisible() and shown_points(demo, 32) == 0


def test_x_axis_switches_and_relabels(demo):
    demo.set_param("xaxis", "epochs")
    assert demo.loss_plot.getAxis("bottom").labelText == "轮次 = 见过的样本 / N"
    xs = demo.curves[8].curve.xData
    assert xs[0] == 0 and xs[-1] == pytest.approx(2.0)
    demo.set_param("xaxis", "time")
    xs = demo.curves[128].curve.xData
    assert xs[0] == pytest.approx(mb.step_time(128, 64, 2.0))
    demo.set_param("overhead", 10.0)
    assert demo.curves[128].curve.xData[0] == pytest.approx(mb.step_time(128, 64, 10.0))
    assert "10 ms" in demo.detail_label.text()


def test_switching_the_x_axis_keeps_the_fixed_loss_range(demo):
    fixed = demo.loss_plot.viewRange()[1]
    assert fixed == pytest.approx([-5.0, 3.0])
    for mode in ("epochs", "time", "steps"):
        demo.set_param("xaxis", mode)
        demo.set_param("lr", 2.0 if mode == "time" else 0.1)
        assert demo.loss_plot.vb.state["autoRange"] == [False, False], mode
        assert demo.loss_plot.viewRange()[1] == pytest.approx(fixed), mode
        assert demo.loss_plot.getAxis("bottom").logMode == (mode != "epochs")
        assert demo.curves[8].curve.opts["logMode"] == [mode != "epochs", True]


def test_divergence_is_named_and_never_drawn_as_nan(demo):
    demo.set_params({"lr": 10.0, "scaling": "linear"})
    full = demo.experiment.run_for(mb.N_EXAMPLES)
    assert full.diverged
    labels = [label.text for _, label in demo.legend.items]
    assert any(f"第 {full.diverged_step} 步发散" in text for text in labels)
    for view in demo.curves.values():
        xs, ys = view.curve.xData, view.curve.yData
        if xs is not None:
            assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))


def test_going_from_epochs_to_a_log_axis_at_the_start_leaves_no_nan_behind(demo):
    """At the start the epochs axis shows each curve's point at epoch 0; a log axis has no place
    for it, and a curve switched with it still in hand kept a NaN in its (hidden) drawing
    (found by a 4000-event fuzz run)."""
    import pyqtgraph as pg

    for axis in ("time", "steps"):
        demo.playback.reset()
        demo.set_param("xaxis", "epochs")
        assert shown_points(demo, 8) == 1  # epoch 0
        demo.set_param("xaxis", axis)
        curves = [item for item in demo.plots.scene().items() if isinstance(item, pg.PlotCurveItem)]
        for curve in curves:
            for data in (curve.xData, curve.yData):
                assert data is None or np.all(np.isfinite(data)), axis


def test_noise_plot_highlights_the_chosen_batch(demo):
    demo.set_param("noise_batch", "128")
    xs, ys = demo.chosen_marker.xData, demo.chosen_marker.yData
    noise = demo.experiment.noise
    assert xs[0] == 128 and ys[0] == pytest.approx(noise.measured[list(noise.batches).index(128)])
    assert len(demo.gradient_points.getData()[0]) == mb.NOISE_SAMPLES_KEPT
    assert "B = 128" in demo.scatter_plot.titleLabel.text


def test_language_switch_retitles(demo):
    demo.set_lang("en")
    assert demo.loss_plot.getAxis("bottom").labelText == "update steps (log)"
    assert demo.noise_plot.getAxis("bottom").labelText == "batch size B"
    assert demo.playback.play_button.text() == "▶ Play"
    assert demo.playback.step_button.text() == "Step +1 epoch"
    assert demo.reach_label.text().startswith("First L − L*")
    assert "steps/epoch" in demo.legend.items[0][1].text
    assert demo.legend.items[-1][1].text == "B = 2000: 1 step/epoch"  # full batch: one step


def test_cleanup_and_hiding_stop_the_timer(demo):
    timer = demo.playback.timer
    demo.playback.play()
    demo.hide()
    assert not timer.isActive()
    demo.show()
    demo.playback.play()
    demo.cleanup()
    assert not timer.isActive()


def test_a_choice_too_long_for_its_box_ends_in_an_ellipsis_with_the_whole_text_as_tooltip(demo):
    box = demo.controls["scaling"].combo
    demo.set_lang("en")
    full = box.currentText()
    assert box.toolTip() == full and full.startswith("Off: every batch uses")
    box.resize(120, box.height())
    box.repaint()  # a box too narrow for its text paints it shortened, without error
    demo.set_param("scaling", "linear")
    assert box.toolTip() == box.currentText() != full
    demo.set_lang("zh")
    assert box.toolTip() == box.currentText() and not box.toolTip().isascii()


def whole_curve(demo, batch):
    """What the curve of ``batch`` shows once its run is whole, from a fresh simulation."""
    run = mb.simulate(demo.params).run_for(batch)
    return np.clip(run.gaps[1:], *GAP_RANGE)


def test_a_long_run_shows_its_first_epochs_at_once_and_grows_to_its_end_after_the_paint(make_demo, qtbot, monkeypatch):
    monkeypatch.setattr(batch_size, "SLICE_SECONDS", 0.0)  # one epoch per slice, on any machine
    demo = make_demo(BatchSizeDemo, "zh", {"epochs": 8})
    demo.settle()
    assert not demo.drawing_pending and demo.experiment.complete
    demo.set_param("lr", 0.0123)  # a rate no run has had: nothing kept
    assert demo.drawing_pending and not demo.experiment.complete
    run = demo.experiment.run_for(1)
    assert run.steps[-1] == batch_size.FIRST_EPOCHS * run.steps_per_epoch  # the first frame: three epochs
    first = demo.curves[1].curve.yData.copy()
    assert "计算中" in demo.reach_label.text()  # not yet known, rather than "not reached"
    grown = []
    demo.curves[1].curve.sigPlotChanged.connect(lambda item: grown.append(len(item.yData)))
    qtbot.waitUntil(lambda: not demo.drawing_pending, timeout=5000)
    assert grown == sorted(grown) and len(grown) == 8 - batch_size.FIRST_EPOCHS  # an epoch a slice
    assert demo.experiment.complete
    assert np.array_equal(first, whole_curve(demo, 1)[: len(first)])  # the first frame: the start of it
    for batch in mb.BATCH_SIZES:
        assert np.array_equal(demo.curves[batch].curve.yData, whole_curve(demo, batch))
    assert "计算中" not in demo.reach_label.text()


def test_each_slice_waits_for_the_frame_before_it_to_be_painted(make_demo, qtbot, monkeypatch):
    monkeypatch.setattr(batch_size, "SLICE_SECONDS", 0.0)
    demo = make_demo(BatchSizeDemo, "en", {"epochs": 7})
    demo.settle()
    events = []

    class PaintRecorder(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    recorder = PaintRecorder()
    demo.plots.viewport().installEventFilter(recorder)
    draw_epochs = demo._draw_epochs
    monkeypatch.setattr(demo, "_draw_epochs", lambda at_least: events.append("slice") or draw_epochs(at_least))
    demo.set_param("lr", 0.0567)
    qtbot.waitUntil(lambda: not demo.drawing_pending, timeout=5000)
    demo.plots.viewport().removeEventFilter(recorder)
    assert events[0] == "slice" and events.count("slice") == 1 + 7 - batch_size.FIRST_EPOCHS
    for index, event in enumerate(events[1:], start=1):
        if event == "slice":  # each slice after the change's own comes after a paint of the one before
            assert events[index - 1] == "paint", events


def test_a_change_while_a_run_grows_replaces_it_and_settle_draws_the_rest_at_once(make_demo, monkeypatch):
    monkeypatch.setattr(batch_size, "SLICE_SECONDS", 0.0)
    demo = make_demo(BatchSizeDemo, "en", {"epochs": 9})
    demo.set_param("lr", 0.0234)
    assert demo.drawing_pending
    demo.set_param("lr", 0.0345)  # before the first run has grown
    demo.settle()
    assert not demo.drawing_pending and demo.experiment.complete
    assert demo.experiment.params["lr"] == 0.0345
    for batch in mb.BATCH_SIZES:
        assert np.array_equal(demo.curves[batch].curve.yData, whole_curve(demo, batch))
    demo.set_param("lr", 0.0456)
    demo.cleanup()  # a demo thrown away leaves nothing to run
    assert not demo.drawing_pending


def test_choices_that_reuse_the_runs_are_drawn_whole_at_once(make_demo):
    demo = make_demo(BatchSizeDemo, "en", {"epochs": 10})
    demo.settle()
    for name, value in (("xaxis", "time"), ("lanes", 128), ("noise_batch", "8"), ("batches", "small")):
        demo.set_param(name, value)
        assert not demo.drawing_pending and demo.experiment.complete, name
