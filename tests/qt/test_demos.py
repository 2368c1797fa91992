"""One test over every registered demo: build, every parameter to its extremes, clean up."""

import numpy as np
import pytest

from explorer.qt.demos import REGISTRY


def scaled_axes(demo):
    """Visible axes whose ticks pyqtgraph has rescaled behind an SI prefix such as "(x0.001)"."""
    import pyqtgraph as pg

    return [item.labelText for view in demo.findChildren(pg.GraphicsView) for item in view.scene().items()
            if isinstance(item, pg.AxisItem) and item.isVisible() and item.autoSIPrefixScale != 1]


@pytest.mark.parametrize("demo_id", sorted(REGISTRY))
def test_demo_survives_every_parameter_extreme(qtbot, demo_id):
    entry = REGISTRY[demo_id]
    demo = entry.widget("zh")
    qtbot.addWidget(demo)
    demo.resize(600, 800)
    demo.show()
    for spec in entry.params:
        values = [spec.choices[0], spec.choices[-1]] if spec.kind == "choice" else [spec.min, spec.max]
        for value in values:
            demo.set_param(spec.name, value)
            assert demo.params[spec.name] == spec.coerce(value)
            demo.grab()
            assert not scaled_axes(demo), (spec.name, value)
        demo.set_param(spec.name, spec.default)
    demo.set_lang("en")
    demo.grab()
    demo.cleanup()


@pytest.mark.parametrize("demo_id", sorted(REGISTRY))
def test_demo_binds_both_ways(qtbot, demo_id):
    entry = REGISTRY[demo_id]
    demo = entry.widget("en")
    qtbot.addWidget(demo)
    emitted = []
    demo.params_changed.connect(emitted.append)
    numeric = next(spec for spec in entry.params if spec.kind != "choice")
    demo.set_params({numeric.name: numeric.max})
    assert demo.controls[numeric.name].value() == numeric.max and emitted == []
    demo.set_param(numeric.name, numeric.min)
    assert emitted == [{numeric.name: numeric.coerce(numeric.min)}]
    demo.cleanup()


def test_learning_rate_divergence_is_said_and_never_drawn_as_nan(qtbot):
    demo = REGISTRY["learning-rate"].widget("en", {"lr": 5.0, "steps": 200})
    qtbot.addWidget(demo)
    assert demo.run.diverged
    assert demo.regime_label.text().startswith(f"Diverged: at step {demo.run.diverged_step}")
    for item in (demo.path, demo.loss_curve, demo.rate_curve):
        xs, ys = item.getData()
        assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
    demo.set_params({"lr": 1.9})
    assert demo.regime_label.text().startswith("Oscillating but converging")
    demo.set_params({"lr": 0.01})
    assert demo.regime_label.text().startswith("Too slow")


def test_learning_rate_pin_keeps_a_ghost(qtbot):
    demo = REGISTRY["learning-rate"].widget("zh", {"lr": 0.5})
    qtbot.addWidget(demo)
    demo.pin_button.click()
    ghost_x, _ = demo.ghost_path.getData()
    # The ghost is the pinned run itself (once the loss ghost was log10 of a log10).
    assert np.array_equal(demo.ghost_loss.yData, demo.loss_curve.yData)
    assert np.array_equal(demo.ghost_loss.getData()[1], demo.loss_curve.getData()[1])
    demo.set_param("lr", 1.2)  # (1.5 would give the same losses: |1 - 1.5| = |1 - 0.5|)
    assert len(ghost_x) == 51
    assert not np.allclose(demo.ghost_loss.getData()[1], demo.loss_curve.getData()[1])
    # Both runs fit the loss and rate axes.
    low, high = demo.loss_plot.getViewBox().viewRange()[1]
    for curve in (demo.ghost_loss, demo.loss_curve):
        assert low <= np.log10(curve.yData.min()) and np.log10(curve.yData.max()) <= high
    assert max(demo.ghost_rate.yData.max(), demo.rate_curve.yData.max()) <= demo.rate_plot.getViewBox().viewRange()[1][1]
    demo.unpin_button.click()
    assert demo.ghost_path.getData()[0] is None or len(demo.ghost_path.getData()[0]) == 0


def test_learning_rate_axes_hold_every_run_and_stay_put_for_small_steps(qtbot):
    demo = REGISTRY["learning-rate"].widget("en", {"lr": 0.5})
    qtbot.addWidget(demo)
    for lr in np.linspace(0.01, 2.5, 40):
        demo.set_param("lr", float(lr))
        gaps = demo.loss_curve.yData
        low, high = demo.loss_plot.getViewBox().viewRange()[1]
        assert low <= np.log10(gaps.min()) and np.log10(gaps.max()) <= high, lr
        assert demo.rate_curve.yData.max() <= demo.rate_plot.getViewBox().viewRange()[1][1]
    demo.set_param("lr", 0.50)
    before = demo.loss_plot.getViewBox().viewRange()[1]
    demo.set_param("lr", 0.52)
    assert demo.loss_plot.getViewBox().viewRange()[1] == before


def test_learning_rate_dragging_the_start(qtbot):
    demo = REGISTRY["learning-rate"].widget("zh", {"function": "ravine"})
    qtbot.addWidget(demo)
    demo.start.setPos(-1.0, 2.0)
    demo.start.sigPositionChangeFinished.emit(demo.start)
    assert (demo.params["x0"], demo.params["y0"]) == (-1.0, 2.0)
    assert tuple(demo.run.positions[0]) == (-1.0, 2.0)


def test_learning_rate_greys_out_parameters_that_do_not_apply(qtbot):
    demo = REGISTRY["learning-rate"].widget("zh", {"function": "quadratic"})
    qtbot.addWidget(demo)
    assert not demo.controls["condition"].isEnabled() and demo.controls["curvature"].isEnabled()
    demo.set_param("function", "ravine")
    assert demo.controls["condition"].isEnabled() and demo.controls["y0"].isEnabled()


@pytest.mark.parametrize("demo_id", sorted(REGISTRY))
def test_no_plot_carries_pyqtgraphs_english_context_menus(qtbot, demo_id):
    import pyqtgraph as pg

    demo = REGISTRY[demo_id].widget("zh")
    qtbot.addWidget(demo)
    boxes = [item for view in demo.findChildren(pg.GraphicsView) for item in view.scene().items()
             if isinstance(item, pg.ViewBox)]
    assert all(box.menu is None and not box.menuEnabled() for box in boxes)
    demo.cleanup()


@pytest.mark.parametrize("demo_id", sorted(REGISTRY))
def test_a_dashed_or_dotted_curve_is_drawn_with_its_pattern(qtbot, demo_id):
    """A curve drawn as separate segments starts its pen's pattern again at every segment and
    comes out solid: every curve with a patterned pen is drawn as one polyline."""
    import pyqtgraph as pg
    from PySide6.QtCore import Qt

    from explorer.qt.theme import configure_pyqtgraph

    configure_pyqtgraph()  # as the window does: segments for every curve, unless kept from that
    demo = REGISTRY[demo_id].widget("zh")
    qtbot.addWidget(demo)
    items = [item for view in demo.findChildren(pg.GraphicsView) for item in view.scene().items()]
    # (pen, curve): a PlotDataItem hands its pen to its curve only once it has data
    curves = [(item.opts["pen"], item.curve) for item in items if isinstance(item, pg.PlotDataItem)]
    curves += [(item.opts["pen"], item) for item in items
               if isinstance(item, pg.PlotCurveItem) and not isinstance(item.parentItem(), pg.PlotDataItem)]
    patterned = [(pg.mkPen(pen), curve) for pen, curve in curves if pen is not None
                 and pg.mkPen(pen).style() not in (Qt.PenStyle.SolidLine, Qt.PenStyle.NoPen)]
    assert patterned or demo_id not in ("dpo", "batch-size", "epochs", "learning-rate")
    # The decision pyqtgraph's painting asks for (explorer.qt.curve_painting makes it).
    assert not any(curve._shouldUseDrawLineSegments(pen) for pen, curve in patterned)
    demo.cleanup()


@pytest.mark.parametrize("demo_id", sorted(REGISTRY))
def test_a_figure_repaints_the_rectangle_around_what_changed(qtbot, demo_id):
    from PySide6.QtWidgets import QGraphicsView

    demo = REGISTRY[demo_id].widget("zh")
    qtbot.addWidget(demo)
    figure = demo.figure()
    if isinstance(figure, QGraphicsView):
        assert figure.viewportUpdateMode() == QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate
    demo.cleanup()


@pytest.mark.parametrize("demo_id", sorted(REGISTRY))
def test_a_control_change_is_painted_in_one_frame(qtbot, demo_id):
    """How fast a frame is lives in the benchmark (``explorer --bench``: these machines are shared
    and noisy); what a test can hold is that a change costs one frame of its figure, not two
    (pyqtgraph moved items to a new range only while painting, and asked for a second frame).
    A label or legend that settles its size a moment later may repaint its own small rectangle."""
    import pyqtgraph as pg
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from explorer import bench

    class LargePaints(QObject):
        """Paint events covering more than a quarter of their viewport, per viewport."""

        def __init__(self):
            super().__init__()
            self.counts = {}

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                area = event.rect().width() * event.rect().height()
                if area > 0.25 * watched.width() * watched.height():
                    self.counts[watched] = self.counts.get(watched, 0) + 1
            return False

    entry = REGISTRY[demo_id]
    demo = entry.widget("zh")
    qtbot.addWidget(demo)
    demo.resize(640, 820)
    demo.show()
    qtbot.waitExposed(demo)
    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()
    counter = LargePaints()
    viewports = [view.viewport() for view in demo.findChildren(pg.GraphicsView)]
    for viewport in viewports:
        viewport.installEventFilter(counter)
    for spec in entry.params:
        if spec.name == "seed":
            continue
        for value in bench._sweep(spec, 3):
            app.processEvents()
            counter.counts.clear()
            demo.set_param(spec.name, value)
            for _ in range(3):  # a second frame asked for while painting would come in these
                app.processEvents()
            assert all(count == 1 for count in counter.counts.values()), (spec.name, value, counter.counts)
        demo.set_param(spec.name, spec.default)
    for viewport in viewports:
        viewport.removeEventFilter(counter)
    demo.cleanup()


def test_a_slice_goes_at_least_so_far_then_on_while_another_step_fits_in_its_time(monkeypatch):
    from explorer.qt.demos import base

    clock = [0.0]
    monkeypatch.setattr(base.time, "perf_counter", lambda: clock[0])
    reached = []

    def advance(n, cost=0.002):  # each step takes 2 ms of the fake clock
        reached.append(n)
        clock[0] += cost

    assert base.advance_within(0, 10, 1, 1, advance, 0.005) == 2  # after two steps a third would end at 6 ms
    assert reached == [1, 2]
    reached.clear()
    assert base.advance_within(2, 10, 6, 2, advance, 0.0) == 6  # the least is done whatever the time
    assert reached == [4, 6]
    assert base.advance_within(9, 10, 9, 5, advance, 1.0) == 10  # never past the total
    assert base.advance_within(10, 10, 12, 1, advance, 1.0) == 10
