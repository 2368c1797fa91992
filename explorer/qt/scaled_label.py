"""A label sized relative to its owner's font, so zoom and the projector theme reach it too."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget


class ScaledLabel(QLabel):
    """A word-wrapped label whose font is its owner's times ``ratio``, optionally bold.

    With ``lines`` it keeps that many lines of height, so new text never re-lays out the plots
    below. ``follow`` is called again whenever the owner's font changes (zoom, theme).
    ``text_changed`` lets a demo pass its live summary on to screen readers.
    """

    text_changed = Signal(str)

    def __init__(self, name: str, lines: int = 0, bold: bool = False, ratio: float = 1.0,
                 parent: QWidget | None = None):
        super().__init__(parent, objectName=name)
        self.setWordWrap(True)
        self.lines, self.bold, self.ratio = lines, bold, ratio
        self.follow(self.font())

    def setText(self, text: str) -> None:
        if text != self.text():
            super().setText(text)
            self.setAccessibleDescription(text)
            self.text_changed.emit(text)

    def follow(self, base: QFont) -> None:
        font = QFont(base)
        font.setBold(self.bold)
        font.setPointSizeF(base.pointSizeF() * self.ratio)
        self.setFont(font)
        if self.lines:
            self.setFixedHeight(self.lines * QFontMetrics(font).lineSpacing() + 4)
