"""The base of every demo widget: parameters, their controls, language and clean-up.

A demo subclass declares ``SPECS`` (from its simulation module), builds its plots in
``build_view()``, and draws in ``redraw()``. The base binds controls both ways: a control the
user moves updates ``params`` and emits ``params_changed``; ``set_params`` (a link, a preset,
a deep link) updates the controls with signals blocked, then redraws once. An animated demo
sets ``self.playback`` (a :class:`~explorer.qt.demos.playback.Playback`); the base pauses it when
the demo is hidden, stops it in ``cleanup`` and retitles it with the language. A demo whose
simulation can take longer than a frame draws what is ready and hands the rest to
``continue_later``; ``settle`` finishes it at once (before an export or a screenshot).
"""

from __future__ import annotations

import time
from typing import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QGraphicsView, QGridLayout, QLabel, QVBoxLayout, QWidget

from explorer.core.params import ParamSpec, ParamValue, resolve
from explorer.qt.accessibility import name_widgets
from explorer.qt.demos.controls import ParamControl, make_control
from explorer.qt.demos.playback import Playback
from explorer.qt.demos.plotting import scale_plot_text, status_label
from explorer.qt.scaled_label import ScaledLabel
from explorer.qt.theme import current_theme

PLOT_TEXT_RATIO = 0.9  # plot text a little smaller than the controls' text
FRAME_MS = 1000 / 60  # a slice of drawing left for later runs one frame after the last began
ONE_COLUMN_MAX = 6  # more parameters than this are laid out in two columns, to leave the plots room


def advance_within(done: int, total: int, least: int, step: int, advance: Callable[[int], None],
                   seconds: float) -> int:
    """Take a long computation from ``done`` towards ``total``, ``step`` at a time (``advance(n)``
    brings it to ``n``): at least to ``least``, then on while another step would still end within
    ``seconds`` of the start, judged by the last one. Returns how far it got."""
    now = time.perf_counter()
    deadline, last = now + seconds, 0.0
    while done < total and (done < least or now + last < deadline):
        done = min(total, done + step)
        advance(done)
        later = time.perf_counter()
        now, last = later, later - now
    return done


class DemoWidget(QWidget):
    """One interactive demo. Subclasses set ``SPECS`` and implement ``build_view``/``redraw``."""

    SPECS: Sequence[ParamSpec] = ()
    SUMMARY_LABEL = "status"  # the object name of the label that says what the plot shows
    params_changed = Signal(dict)
    topic_requested = Signal(str)  # the demo links to a topic (the panel opens it as a page link would)
    playback: Playback | None = None

    def __init__(self, lang: str = "zh", overrides: Mapping[str, object] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.lang = lang
        self.theme = current_theme()  # a theme switch rebuilds the demo
        self.params: dict[str, ParamValue] = resolve(self.SPECS, overrides or {})
        self.controls: dict[str, ParamControl] = {}
        self.control_labels: dict[str, QLabel] = {}
        self._pending_slice: Callable[[], bool] | None = None
        self._slice_timer = QTimer(self, singleShot=True, timerType=Qt.TimerType.PreciseTimer)
        self._slice_timer.timeout.connect(self._draw_slice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.build_view(layout)
        figure = getattr(self, "plots", None)  # a demo that draws with pyqtgraph
        if isinstance(figure, QGraphicsView):
            # A control change moves items all over a figure: one repaint of the rectangle that
            # bounds them costs less than Qt's default of clipping each to tens of small ones
            # (10–30 % off the median control change, measured on four demos).
            figure.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.form = QGridLayout()
        self.form.setHorizontalSpacing(8)
        self.form.setVerticalSpacing(2)
        columns = 2 if len(self.SPECS) > ONE_COLUMN_MAX else 1
        rows = -(-len(self.SPECS) // columns)
        for index, spec in enumerate(self.SPECS):
            control = make_control(spec, self)
            control.set_value(self.params[spec.name])
            control.value_changed.connect(self._control_changed)
            label = QLabel(self)
            label.setBuddy(control)
            self.controls[spec.name] = control
            self.control_labels[spec.name] = label
            row, column = index % rows, 2 * (index // rows)
            self.form.addWidget(label, row, column)
            self.form.addWidget(control, row, column + 1)
            self.form.setColumnStretch(column + 1, 1)
        layout.addLayout(self.form)
        self.build_extra_controls(layout)
        summary = self.findChild(ScaledLabel, self.SUMMARY_LABEL)
        if summary is not None:
            summary.text_changed.connect(self._summary_changed)
        self._set_texts(lang)
        self.redraw()
        name_widgets(self, lang)  # after the first drawing, which may title the plots
        self._scale_plots()

    # -- for subclasses -------------------------------------------------------------------
    def add_status_labels(self, layout: QVBoxLayout, detail_lines: int = 2) -> None:
        """The bold summary line (what screen readers are told the plot shows, ``SUMMARY_LABEL``
        "summary") and a detail line under it, as ``summary_label`` and ``detail_label``."""
        self.summary_label = status_label("summary", bold=True)
        self.detail_label = status_label("detail", lines=detail_lines)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.detail_label)

    def build_view(self, layout: QVBoxLayout) -> None:
        """Add the plots (above the parameter controls)."""

    def build_extra_controls(self, layout: QVBoxLayout) -> None:
        """Add buttons or other controls below the parameter form."""

    def redraw(self) -> None:
        """Recompute and repaint from ``self.params``."""

    def retranslate(self) -> None:
        """Retitle the demo's own texts (axis labels, buttons) in ``self.lang``."""

    def cleanup(self) -> None:
        """Stop timers and release what the demo holds; called before it is thrown away."""
        self.continue_later(None)
        if self.playback is not None:
            self.playback.pause()

    # -- drawing in slices ----------------------------------------------------------------
    def continue_later(self, draw_slice: Callable[[], bool] | None, after_ms: float = FRAME_MS) -> None:
        """Finish the drawing in the frames to come: ``draw_slice`` computes and draws one slice
        (a few milliseconds) and returns True when nothing is left. It runs ``after_ms`` from now,
        a frame (a slice asks for the rest of its own frame), so what was drawn is painted first
        and input has time between slices; it replaces any slice still waiting, and ``None`` drops
        it (the change was drawn whole)."""
        self._pending_slice = draw_slice
        if draw_slice is None:
            self._slice_timer.stop()
        else:
            self._slice_timer.start(max(1, round(after_ms)))

    @property
    def drawing_pending(self) -> bool:
        """Part of the last change is still to be drawn."""
        return self._pending_slice is not None

    def settle(self) -> None:
        """Draw now whatever was left for later: before an export, a screenshot or a test reads
        the plots."""
        while self._pending_slice is not None:
            self._draw_slice()

    def _draw_slice(self) -> None:
        begun = time.perf_counter()
        draw_slice, self._pending_slice = self._pending_slice, None  # one that raises is not retried
        if draw_slice is not None and not draw_slice() and self._pending_slice is None:
            self.continue_later(draw_slice, FRAME_MS - (time.perf_counter() - begun) * 1000)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._scale_plots()
        super().changeEvent(event)

    def _scale_plots(self) -> None:
        """Plot text and the demo's scaled labels follow its font (zoom and theme scale)."""
        scale_plot_text(self, self.font().pointSizeF() * PLOT_TEXT_RATIO)
        for label in self.findChildren(ScaledLabel):
            label.follow(self.font())

    def hideEvent(self, event) -> None:
        if self.playback is not None:
            self.playback.pause()
        super().hideEvent(event)

    def figure(self) -> QWidget:
        """The widget that shows the plots: what an export saves."""
        return getattr(self, "plots", self)

    def summary(self) -> str:
        """One line saying what the plot shows now (also given to screen readers)."""
        label = self.findChild(ScaledLabel, self.SUMMARY_LABEL)
        return label.text().replace("\n", " ") if label is not None else ""

    def _summary_changed(self, text: str) -> None:
        self.figure().setAccessibleDescription(text)

    # -- binding --------------------------------------------------------------------------
    def _control_changed(self, name: str, value: ParamValue) -> None:
        if self.params.get(name) == value:
            return
        self.params[name] = value
        self.redraw()
        self.params_changed.emit({name: value})

    def set_params(self, overrides: Mapping[str, object]) -> None:
        """Show defaults updated with ``overrides``; invalid entries are ignored."""
        values = resolve(self.SPECS, overrides)
        if values == self.params:
            return
        self.params = values
        for name, control in self.controls.items():
            control.set_value(values[name])
        self.redraw()

    def set_param(self, name: str, value: object) -> None:
        """Set one parameter as if the user had moved its control (emits params_changed)."""
        control = self.controls[name]
        control.set_value(control.spec.coerce(value))
        self._control_changed(name, control.value())

    def set_lang(self, lang: str) -> None:
        self._set_texts(lang)
        name_widgets(self, lang)

    def _set_texts(self, lang: str) -> None:
        self.lang = lang
        for name, control in self.controls.items():
            self.control_labels[name].setText(control.spec.text(lang))
            control.set_lang(lang)
        if self.playback is not None:
            self.playback.set_lang(lang)
        self.retranslate()
