"""Controls built from a :class:`ParamSpec`: a slider with an exact spin box, or a choice box.

Each control emits ``value_changed(name, value)`` only for changes the user makes;
``set_value`` updates it from the model with signals blocked, so bindings never loop.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QSlider, QSpinBox, QWidget

from explorer.core.params import ParamSpec, ParamValue
from explorer.qt.eliding_combo import ElidingComboBox

SLIDER_TICKS = 1000


class ParamControl(QWidget):
    """Base of the controls: one parameter, one widget, two-way binding."""

    value_changed = Signal(str, object)

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"param-{spec.name}")

    def value(self) -> ParamValue:
        raise NotImplementedError

    def set_value(self, value: ParamValue) -> None:
        raise NotImplementedError

    def set_lang(self, lang: str) -> None:
        """Retitle whatever this control shows in words."""


class NumberControl(ParamControl):
    """A slider (linear or logarithmic) beside a spin box that takes exact values."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimumWidth(70)
        integer = spec.kind == "int"
        self.slider.setRange(0, int(spec.max - spec.min) if integer and spec.max - spec.min <= SLIDER_TICKS else SLIDER_TICKS)
        self.spin = QSpinBox() if integer else QDoubleSpinBox()
        self.spin.setRange(int(spec.min), int(spec.max)) if integer else self.spin.setRange(float(spec.min), float(spec.max))
        if not integer:
            self.spin.setDecimals(spec.decimals)
            self.spin.setSingleStep(_nice_step(spec))
            if spec.log:
                self.spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.spin.setKeyboardTracking(False)
        self._fit_spin()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(self._slider_moved)
        self.spin.valueChanged.connect(self._spin_changed)
        self.set_value(spec.default)

    def _fit_spin(self) -> None:
        """Wide enough for the longest value in the current font (it grows with the zoom)."""
        self.spin.setMinimumWidth(round(self.spin.fontMetrics().horizontalAdvance("0.00000") + 28))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_spin()
        super().changeEvent(event)

    def _to_slider(self, value: float) -> int:
        spec, top = self.spec, self.slider.maximum()
        if spec.log:
            fraction = (math.log(value) - math.log(spec.min)) / (math.log(spec.max) - math.log(spec.min))
        else:
            fraction = (value - spec.min) / (spec.max - spec.min)
        return round(min(1.0, max(0.0, fraction)) * top)

    def _from_slider(self, position: int) -> float:
        spec, fraction = self.spec, position / self.slider.maximum()
        if spec.log:
            value = math.exp(math.log(spec.min) + fraction * (math.log(spec.max) - math.log(spec.min)))
            return float(f"{value:.3g}")
        value = spec.min + fraction * (spec.max - spec.min)
        return round(value) if spec.kind == "int" else round(value, spec.decimals)

    def _slider_moved(self, position: int) -> None:
        value = self._from_slider(position)
        self.spin.blockSignals(True)
        self.spin.setValue(value)
        self.spin.blockSignals(False)
        self.value_changed.emit(self.spec.name, self.value())

    def _spin_changed(self, _value) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(self._to_slider(self.spin.value()))
        self.slider.blockSignals(False)
        self.value_changed.emit(self.spec.name, self.value())

    def value(self) -> ParamValue:
        return int(self.spin.value()) if self.spec.kind == "int" else float(self.spin.value())

    def set_value(self, value: ParamValue) -> None:
        for widget in (self.slider, self.spin):
            widget.blockSignals(True)
        self.spin.setValue(value)
        self.slider.setValue(self._to_slider(float(value)))
        for widget in (self.slider, self.spin):
            widget.blockSignals(False)


class ChoiceControl(ParamControl):
    """A drop-down list of the spec's choices, shown in the current language."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        self.combo = ElidingComboBox()
        # Long choice texts must not starve the sliders beside them: the list shows them in full.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(10)
        for choice in spec.choices:
            self.combo.addItem(choice, choice)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        self.combo.currentIndexChanged.connect(lambda _i: self.value_changed.emit(spec.name, self.value()))
        self.set_value(spec.default)

    def value(self) -> ParamValue:
        return self.combo.currentData()

    def set_value(self, value: ParamValue) -> None:
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, self.combo.findData(value)))
        self.combo.blockSignals(False)
        self.combo.setToolTip(self.combo.currentText())  # its signal was blocked

    def set_lang(self, lang: str) -> None:
        for index, choice in enumerate(self.spec.choices):
            self.combo.setItemText(index, self.spec.choice_text(choice, lang))
        self.combo.setToolTip(self.combo.currentText())  # an item's new text does not signal


def make_control(spec: ParamSpec, parent: QWidget | None = None) -> ParamControl:
    return ChoiceControl(spec, parent) if spec.kind == "choice" else NumberControl(spec, parent)


def _nice_step(spec: ParamSpec) -> float:
    if spec.log:
        return 10 ** -spec.decimals
    span = spec.max - spec.min
    return 10 ** math.floor(math.log10(span / 100)) if span > 0 else 0.1
