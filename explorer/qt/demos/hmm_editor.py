"""The HMM model editor: tables for π, A and B that refuse bad entries and mark bad rows.

A cell takes a number from 0 to 1; anything else (text, a negative number, more than 1) is
refused: the cell goes back to its old value and the message says why. A row whose sum is not 1
is kept but marked, its sum shown, and "Normalise" divides every row by its sum. The editor
emits ``model_changed`` with a valid model, or with None while any row is wrong, so the demo
never runs on an invalid model.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractButton, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSizePolicy, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from explorer.core.i18n import tr
from explorer.core.sims import hmm
from explorer.qt.theme import current_theme

ROW_TOLERANCE = 1e-6


def _bad_row_colour() -> QColor:
    colour = QColor(current_theme().bad)
    colour.setAlpha(60)
    return colour


class MatrixTable(QTableWidget):
    """One stochastic matrix (rows sum to 1) with a read-only sum column at the end."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"matrix-{name}")
        self.name = name
        self.values = np.zeros((1, 1))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setCornerButtonEnabled(False)

    def updateGeometries(self) -> None:
        # Qt shows its select-all button in the top-left corner again at every layout: an
        # unlabelled button with no use here, so it stays hidden and the corner stays blank.
        super().updateGeometries()
        corner = self.findChild(QAbstractButton, "qt_tableview_cornerbutton")
        if corner is not None:
            corner.hide()

    def load(self, values: np.ndarray, row_names: list[str], column_names: list[str], sum_title: str) -> None:
        self.blockSignals(True)
        self.values = np.array(values, dtype=float)
        rows, columns = self.values.shape
        self.setRowCount(rows)
        self.setColumnCount(columns + 1)
        self.setVerticalHeaderLabels(row_names)
        self.setHorizontalHeaderLabels([*column_names, sum_title])
        for r in range(rows):
            for c in range(columns):
                self.setItem(r, c, QTableWidgetItem(f"{self.values[r, c]:.3g}"))
            total = QTableWidgetItem()
            total.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.setItem(r, columns, total)
        self.mark_rows()
        self.blockSignals(False)
        height = self.horizontalHeader().height() + sum(self.rowHeight(r) for r in range(rows)) + 4
        self.setFixedHeight(height)

    def mark_rows(self) -> None:
        """Show each row's sum; colour the rows that do not sum to 1."""
        self.blockSignals(True)
        rows, columns = self.values.shape
        for r in range(rows):
            total = float(self.values[r].sum())
            bad = abs(total - 1.0) > ROW_TOLERANCE
            self.item(r, columns).setText(f"{total:.4g}")
            for c in range(columns + 1):
                self.item(r, c).setBackground(QBrush(_bad_row_colour()) if bad else QBrush())
        self.blockSignals(False)

    def bad_rows(self) -> list[tuple[int, float]]:
        sums = self.values.sum(axis=1)
        return [(r, float(total)) for r, total in enumerate(sums) if abs(total - 1.0) > ROW_TOLERANCE]


class ModelEditor(QWidget):
    """Edit λ = (A, B, π) of the current preset; emits a valid model or None."""

    model_changed = Signal(object)

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.lang = lang
        self.preset_id = ""
        self.states: tuple = ()
        self.symbols: tuple = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.titles = {name: QLabel() for name in ("pi", "A", "B")}
        self.tables = {name: MatrixTable(name) for name in ("pi", "A", "B")}
        for name in ("pi", "A", "B"):
            self.titles[name].setBuddy(self.tables[name])
            layout.addWidget(self.titles[name])
            layout.addWidget(self.tables[name])
            self.tables[name].itemChanged.connect(lambda item, name=name: self._edited(name, item))
        self.message = QLabel(objectName="model-message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        sizes = QHBoxLayout()
        self.size_buttons = {}
        for key in ("add-state", "remove-state", "add-symbol", "remove-symbol"):
            button = QPushButton(objectName=key)
            button.clicked.connect(lambda _checked=False, key=key: self.resize_model(key))
            self.size_buttons[key] = button
            sizes.addWidget(button)
        sizes.addStretch(1)
        layout.addLayout(sizes)
        row = QHBoxLayout()
        self.normalise_button = QPushButton(objectName="normalise")
        self.restore_button = QPushButton(objectName="restore-preset")
        self.normalise_button.clicked.connect(self.normalise)
        self.restore_button.clicked.connect(self.restore)
        row.addWidget(self.normalise_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self._refused = ""

    # -- loading ----------------------------------------------------------------------------
    def load_preset(self, preset_id: str) -> None:
        self.preset_id = preset_id
        self.load_model(hmm.PRESETS[preset_id].model)

    def restore(self) -> None:
        self.load_preset(self.preset_id)
        self._emit()

    def load_model(self, model: "hmm.Model") -> None:
        self.states, self.symbols = model.states, model.symbols
        self._refused = ""
        self._fill(np.atleast_2d(model.pi), model.A, model.B)

    def _fill(self, pi: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        lang = self.lang
        states = [s[lang] for s in self.states]
        symbols = [s[lang] for s in self.symbols]
        total = tr("hmm.edit.sum", lang)
        self.tables["pi"].load(pi, ["π"], states, total)
        self.tables["A"].load(a, states, states, total)
        self.tables["B"].load(b, states, symbols, total)
        self._update_message()

    def resize_model(self, key: str) -> None:
        """Add or remove the last state or symbol, keeping every row a distribution.

        A new state gets probability 0 in the rows that exist (their sums do not change) and
        uniform rows of its own; removing one renormalises the rows that lose a column.
        """
        pi, a, b = self.tables["pi"].values[0], self.tables["A"].values, self.tables["B"].values
        states, symbols = list(self.states), list(self.symbols)
        if key == "add-state" and len(states) < hmm.MAX_STATES:
            n = len(states) + 1
            a = np.vstack([np.column_stack([a, np.zeros(n - 1)]), np.full(n, 1 / n)])
            b = np.vstack([b, np.full(b.shape[1], 1 / b.shape[1])])
            pi = np.append(pi, 0.0)
            states.append({"zh": f"状态 {n}", "en": f"State {n}"})
        elif key == "remove-state" and len(states) > hmm.MIN_STATES:
            a, b, pi = hmm.normalise(a[:-1, :-1]), b[:-1], hmm.normalise(pi[:-1])
            states.pop()
        elif key == "add-symbol" and len(symbols) < hmm.MAX_SYMBOLS:
            b = np.column_stack([b, np.zeros(b.shape[0])])
            symbols.append({"zh": f"符号 {len(symbols) + 1}", "en": f"Symbol {len(symbols) + 1}"})
        elif key == "remove-symbol" and len(symbols) > hmm.MIN_SYMBOLS:
            b = hmm.normalise(b[:, :-1])
            symbols.pop()
        else:
            return
        self.states, self.symbols = tuple(states), tuple(symbols)
        self._fill(np.atleast_2d(pi), a, b)
        self._emit()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.titles["pi"].setText(tr("hmm.edit.pi", lang))
        self.titles["A"].setText(tr("hmm.edit.A", lang))
        self.titles["B"].setText(tr("hmm.edit.B", lang))
        self.normalise_button.setText(tr("hmm.edit.normalise", lang))
        self.restore_button.setText(tr("hmm.edit.restore", lang))
        for key, button in self.size_buttons.items():
            button.setText(tr(f"hmm.edit.{key}", lang))
        if self.states:
            self._fill(self.tables["pi"].values, self.tables["A"].values, self.tables["B"].values)

    # -- editing ----------------------------------------------------------------------------
    def _edited(self, name: str, item: QTableWidgetItem) -> None:
        table = self.tables[name]
        r, c = item.row(), item.column()
        if c >= table.values.shape[1]:
            return
        text = item.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or value > 1:
            key = "hmm.edit.not_number" if not math.isfinite(value) else "hmm.edit.out_of_range"
            self._refused = tr(key, self.lang, text=item.text())
            table.blockSignals(True)
            item.setText(f"{table.values[r, c]:.3g}")
            table.blockSignals(False)
            self._update_message()
            return
        self._refused = ""
        table.values[r, c] = value
        table.mark_rows()
        self._emit()

    def normalise(self) -> None:
        """Divide every row by its sum (a row of zeros becomes uniform)."""
        pi = hmm.normalise(self.tables["pi"].values)
        self._fill(pi, hmm.normalise(self.tables["A"].values), hmm.normalise(self.tables["B"].values))
        self._emit()

    def problems(self) -> list:
        return hmm.validate(self.tables["A"].values, self.tables["B"].values, self.tables["pi"].values[0])

    def current_model(self) -> "hmm.Model | None":
        if self.problems():
            return None
        return hmm.make_model(self.tables["A"].values, self.tables["B"].values, self.tables["pi"].values[0],
                              self.states, self.symbols)

    def _emit(self) -> None:
        self._update_message()
        self.model_changed.emit(self.current_model())

    def _update_message(self) -> None:
        lines = [self._refused] if self._refused else []
        lines += [problem.message(self.lang) for problem in self.problems()]
        self.message.setText("\n".join(lines))
        self.message.setStyleSheet(f"color: {current_theme().bad};" if lines else "")
        self.normalise_button.setEnabled(bool(self.problems()))
        counts = {"state": (len(self.states), hmm.MIN_STATES, hmm.MAX_STATES),
                  "symbol": (len(self.symbols), hmm.MIN_SYMBOLS, hmm.MAX_SYMBOLS)}
        for what, (count, low, high) in counts.items():
            self.size_buttons[f"add-{what}"].setEnabled(count < high)
            self.size_buttons[f"remove-{what}"].setEnabled(count > low)
