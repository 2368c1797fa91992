"""A combo box that shortens a current text too long for it with "…" instead of cutting it off."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QComboBox, QWidget


class ElidingComboBox(QComboBox):
    """A combo box whose current text, when it is too long for the box, ends in "…" (Qt cuts it
    off mid-word), with the whole text as the box's tooltip; the open list shows every choice in full."""

    def __init__(self, parent: QWidget | None = None, **properties):
        super().__init__(parent, **properties)
        self.setIconSize(QSize(0, 0))  # no choice has an icon: no room (nor height) is kept for one
        self.currentTextChanged.connect(self.setToolTip)

    def paintEvent(self, _event) -> None:
        # Imported here: making QStyle's Python types costs 10 ms, and the boxes are not painted
        # before the window's first paint.
        from PySide6.QtWidgets import QStyle, QStyleOptionComboBox, QStylePainter

        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        option.currentText = self.fontMetrics().elidedText(option.currentText, Qt.TextElideMode.ElideRight,
                                                           field.width())
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
