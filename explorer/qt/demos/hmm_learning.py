"""The Baum–Welch view of the HMM demo: the log-likelihood climbing, and learned vs true λ."""

from __future__ import annotations


import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from explorer.qt.demos.plotting import style_plot
from explorer.qt.theme import current_theme


class MatrixPair(QWidget):
    """Two rows of small heat tables: the learned A, B, π of one iteration above the true ones."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.learned: tuple[np.ndarray, ...] | None = None
        self.true: tuple[np.ndarray, ...] | None = None
        self.titles = ("", "", "")
        self.row_titles = ("", "")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)

    def set_matrices(self, learned, true, titles, row_titles) -> None:
        self.learned, self.true, self.titles, self.row_titles = learned, true, titles, row_titles
        self.update()

    def paintEvent(self, event) -> None:
        if self.learned is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetricsF(self.font())
        label_width = max(metrics.horizontalAdvance(text) for text in self.row_titles) + 10
        title_height = metrics.height() * 1.3
        widths = [m.shape[1] for m in self.true]
        unit = (self.width() - label_width - 12 * len(widths)) / sum(widths)
        block_height = (self.height() - title_height) / 2
        for row, (label, matrices) in enumerate(zip(self.row_titles, (self.learned, self.true))):
            top = title_height + row * block_height
            painter.setPen(QColor(current_theme().foreground))
            painter.drawText(QRectF(0, top, label_width, block_height), Qt.AlignmentFlag.AlignVCenter, label)
            x = label_width
            for index, matrix in enumerate(matrices):
                width = unit * matrix.shape[1]
                if row == 0:
                    painter.setPen(QColor(current_theme().muted))
                    painter.drawText(QRectF(x, 0, width, title_height), Qt.AlignmentFlag.AlignCenter, self.titles[index])
                self._paint_matrix(painter, QRectF(x, top + 2, width, block_height - 6), matrix, metrics)
                x += width + 12
        painter.end()

    def _paint_matrix(self, painter: QPainter, area: QRectF, matrix: np.ndarray, metrics) -> None:
        rows, columns = matrix.shape
        cell_w, cell_h = area.width() / columns, area.height() / rows
        for r in range(rows):
            for c in range(columns):
                value = float(matrix[r, c])
                box = QRectF(area.left() + c * cell_w, area.top() + r * cell_h, cell_w - 2, cell_h - 2)
                colour = QColor(current_theme().colour(0))
                colour.setAlpha(int(25 + 200 * min(1.0, max(0.0, value))))
                painter.fillRect(box, colour)
                text = f"{value:.2f}"
                if metrics.horizontalAdvance(text) < box.width() and metrics.height() < box.height() + 2:
                    painter.setPen(QColor("#ffffff") if value > 0.55 else QColor(current_theme().foreground))
                    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class LearningView(QWidget):
    """Log-likelihood per Baum–Welch iteration, with the true model's as a reference line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plot_widget = pg.PlotWidget(enableMenu=False)
        self.plot = self.plot_widget.getPlotItem()
        style_plot(self.plot)
        self.curve = self.plot.plot(pen=pg.mkPen(current_theme().colour(1), width=current_theme().line_width), symbol="o", symbolSize=5,
                                    symbolBrush=current_theme().colour(1), symbolPen=None)
        self.reference = pg.InfiniteLine(angle=0, pen=pg.mkPen(current_theme().colour(2), width=1.5, style=Qt.PenStyle.DashLine),
                                         label="", labelOpts={"position": 0.05, "color": current_theme().colour(2),
                                                              "anchors": [(0, 1), (0, 1)]})
        self.plot.addItem(self.reference, ignoreBounds=True)
        self.matrices = MatrixPair()
        layout.addWidget(self.plot_widget, 3)
        layout.addWidget(self.matrices, 2)
        self.log_likelihoods = np.zeros(0)
        self._range = None

    def set_run(self, log_likelihoods: np.ndarray, true_log_likelihood: float, reference_label: str) -> None:
        self.log_likelihoods = np.asarray(log_likelihoods, dtype=float)
        self.reference.setValue(true_log_likelihood)
        self.reference.label.setFormat(reference_label)
        values = np.append(self.log_likelihoods, true_log_likelihood)
        low, high = float(values.min()), float(values.max())
        pad = max(1e-6, 0.06 * (high - low))
        span = (0, max(1, len(self.log_likelihoods) - 1), low - pad, high + 3 * pad)
        if span != self._range:
            self._range = span
            self.plot.setXRange(span[0], span[1], padding=0.03)
            self.plot.setYRange(span[2], span[3], padding=0)

    def set_iteration(self, iteration: int) -> None:
        shown = self.log_likelihoods[: iteration + 1]
        self.curve.setData(np.arange(len(shown)), shown, skipFiniteCheck=True)

    def set_labels(self, title: str, x_label: str, y_label: str) -> None:
        self.plot.setTitle(title)
        self.plot.setLabel("bottom", x_label)
        self.plot.setLabel("left", y_label)
