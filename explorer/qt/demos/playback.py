"""Play / pause / step / reset / speed for animated demos, driven by wall-clock time.

A :class:`Playback` owns the 16 ms precise timer and a row of buttons. Its ``position`` runs
from 0 to ``total`` in the demo's own unit (epochs, steps, frames); each tick sets it from a
QElapsedTimer times the speed, so the pace does not depend on the frame rate. The demo draws in
a slot connected to ``position_changed`` and never touches the timer. ``frames_drawn`` counts
ticks and ``tick_times`` keeps when they came, for ``explorer --bench``: a frame that takes too
long shows as a late next tick.
"""

from __future__ import annotations

import math
import time
from collections import deque
from typing import Callable

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from explorer.core.i18n import tr

FRAME_MS = 16
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)


class Playback(QObject):
    """An animation clock over ``[0, total]`` with its control row.

    ``units_per_second`` is the pace at speed 1×. ``step_key`` and ``progress`` give the texts
    of the step button and of the progress label (a function of position, total and language).
    """

    position_changed = Signal(float)

    def __init__(self, owner: QWidget, total: float, units_per_second: float, step_key: str,
                 progress: Callable[[float, float, str], str], step_back: bool = False):
        super().__init__(owner)
        self.total = float(total)
        self.units_per_second = units_per_second
        self.position = math.inf  # past the end: the whole run shows until Reset or Play
        self.frames_drawn = 0
        self.tick_times: deque[float] = deque(maxlen=2000)  # perf_counter() of recent ticks
        self._progress = progress
        self._step_key = step_key
        self._lang = "zh"
        self._anchor = 0.0
        self.clock = QElapsedTimer()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)

        self.row = QHBoxLayout()
        self.play_button = QPushButton(objectName="play")
        self.back_button = QPushButton(objectName="step-back") if step_back else None
        self.step_button = QPushButton(objectName="step")
        self.reset_button = QPushButton(objectName="reset")
        self.speed_label = QLabel()
        self.speed_box = QComboBox(objectName="speed")
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:g}×", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_label.setBuddy(self.speed_box)
        self.progress_label = QLabel(objectName="progress")
        self.play_button.clicked.connect(self.toggle)
        if self.back_button is not None:
            self.back_button.clicked.connect(self.step_back)
        self.step_button.clicked.connect(self.step)
        self.reset_button.clicked.connect(self.reset)
        self.speed_box.currentIndexChanged.connect(self._speed_changed)
        for widget in (self.play_button, self.back_button, self.step_button, self.reset_button,
                       self.speed_label, self.speed_box):
            if widget is not None:
                self.row.addWidget(widget)
        self.row.addStretch(1)
        self.row.addWidget(self.progress_label)

    # -- state ------------------------------------------------------------------------------
    @property
    def shown(self) -> float:
        """The position clipped to the run: what the demo should draw."""
        return min(self.position, self.total)

    @property
    def at_end(self) -> bool:
        return self.position >= self.total

    def is_playing(self) -> bool:
        return self.timer.isActive()

    def set_total(self, total: float) -> None:
        """A new run length (the parameters changed); the position stays where it was."""
        self.total = float(total)
        if self.is_playing() and self.at_end:
            self.pause()
        self._update_progress()

    # -- actions ----------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        """Run from the current position, or from the start if the run is over."""
        if self.at_end:
            self._move(0.0)
        self._anchor = self.position
        self.clock.start()
        self.timer.start()
        self._update_play_text()

    def pause(self) -> None:
        self.timer.stop()
        self._update_play_text()

    def step(self) -> None:
        """Pause and move to the next whole unit."""
        self.pause()
        current = 0.0 if self.at_end else self.position
        self._move(float(min(self.total, math.floor(current + 1e-9) + 1)))

    def step_back(self) -> None:
        """Pause and move to the previous whole unit."""
        self.pause()
        current = self.total if self.at_end else self.position
        self._move(float(max(0, math.ceil(current - 1e-9) - 1)))

    def reset(self) -> None:
        """Pause and go back to the start."""
        self.pause()
        self._move(0.0)

    def show_all(self) -> None:
        """Pause and show the whole run."""
        self.pause()
        self._move(math.inf)

    # -- language ---------------------------------------------------------------------------
    def set_lang(self, lang: str) -> None:
        self._lang = lang
        self.step_button.setText(tr(self._step_key, lang))
        if self.back_button is not None:
            self.back_button.setText(tr("demo.step_back", lang))
        self.reset_button.setText(tr("demo.rewind", lang))
        self.speed_label.setText(tr("demo.speed", lang))
        self._update_play_text()
        self._update_progress()

    # -- internals --------------------------------------------------------------------------
    def _move(self, position: float) -> None:
        self.position = position
        self._update_progress()
        self.position_changed.emit(self.shown)

    def _speed_changed(self) -> None:
        if self.is_playing():
            self._anchor = self.position
            self.clock.restart()

    def _tick(self) -> None:
        self.tick_times.append(time.perf_counter())
        speed = float(self.speed_box.currentData()) * self.units_per_second
        position = self._anchor + self.clock.elapsed() / 1000.0 * speed
        if position >= self.total:
            position = self.total
            self.timer.stop()
            self._update_play_text()
        self.frames_drawn += 1
        self._move(position)

    def _update_play_text(self) -> None:
        self.play_button.setText(tr("demo.pause" if self.is_playing() else "demo.play", self._lang))

    def _update_progress(self) -> None:
        text = self._progress(self.shown, self.total, self._lang)
        if text != self.progress_label.text():
            self.progress_label.setText(text)
