"""Painted views of the HMM demo: the state graph with its observation tape, and the trellis.

Both are plain widgets that paint everything from their data and a position (a float: whole
steps are finished, the fraction animates the step under way), in the widget's own size and
font. A resize or a zoom is just the next paint; nothing is laid out twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from explorer.qt.theme import current_theme

HIDDEN_MARK = "?"
RADIUS_SHARE = {2: 0.13, 3: 0.13, 4: 0.1, 5: 0.085}  # of the graph's shorter side: more states, smaller circles
MIN_COLUMN = 46.0  # trellis columns narrower than this scroll instead of shrinking


def _colour(index: int, alpha: int = 255) -> QColor:
    colour = QColor(current_theme().colour(index % 5))
    colour.setAlpha(alpha)
    return colour


def _smooth(fraction: float) -> float:
    """Ease in and out, so a step starts and ends gently."""
    fraction = min(1.0, max(0.0, fraction))
    return fraction * fraction * (3 - 2 * fraction)


def format_probability(value: float) -> str:
    """Short text for a probability: four significant digits (0.03628), 3.63e-05, or 0."""
    if value == 0:
        return "0"
    if value >= 1e-4:
        return f"{value:.4g}"
    return f"{value:.2e}"


def fitted_probability(value: float, metrics: QFontMetricsF, width: float) -> str:
    """The most precise short form of ``value`` that fits ``width`` (empty if none does)."""
    if value == 0:
        return "0"
    short = ("{:.2e}", "{:.1e}", "{:.0e}")
    forms = ("{:.4g}", "{:.3g}", "{:.2g}", *short) if value >= 1e-4 else short
    for form in forms:
        text = form.format(value).replace("e-0", "e-")
        if metrics.horizontalAdvance(text) <= width:
            return text
    return ""


def _arrow_head(painter: QPainter, tip: QPointF, direction: QPointF, size: float) -> None:
    length = math.hypot(direction.x(), direction.y()) or 1.0
    ux, uy = direction.x() / length, direction.y() / length
    back = QPointF(tip.x() - ux * size, tip.y() - uy * size)
    left = QPointF(back.x() - uy * size * 0.5, back.y() + ux * size * 0.5)
    right = QPointF(back.x() + uy * size * 0.5, back.y() - ux * size * 0.5)
    painter.drawPolygon(QPolygonF([tip, left, right]))


class SteppedView(QWidget):
    """A painted view of some data at a position; either change is just a repaint."""

    def __init__(self, minimum_height: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.data = None
        self.position = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(minimum_height)

    def set_data(self, data) -> None:
        self.data = data
        self.update()

    def set_position(self, position: float) -> None:
        self.position = position
        self.update()


# -- generation ------------------------------------------------------------------------------------
@dataclass
class GraphData:
    """What the generation view shows: names, A, π, and the sampled chain."""

    state_names: list[str]
    symbol_names: list[str]
    transitions: np.ndarray  # A
    initial: np.ndarray  # π
    states: np.ndarray  # the hidden chain
    observations: np.ndarray
    show_hidden: bool = True
    hidden_label: str = ""
    observed_label: str = ""


class StateGraphView(SteppedView):
    """States on a circle, arrows for A (width by probability), and the tape of emissions below.

    At position p, ⌊p⌋ symbols have been emitted. During step k (0-based) the first half moves
    the highlight along the arrow taken (from π at k = 0) and the second half drops the symbol
    onto the tape.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(260, parent)
        self._loops: dict[int, tuple[QPointF, float, float, float]] = {}

    # geometry ---------------------------------------------------------------------------
    def _layout(self) -> tuple[QRectF, QRectF]:
        metrics = QFontMetricsF(self.font())
        tape_height = metrics.height() * 5.2
        graph = QRectF(0, 0, self.width(), max(120.0, self.height() - tape_height))
        tape = QRectF(0, graph.bottom(), self.width(), self.height() - graph.bottom())
        return graph, tape

    def _centres(self, graph: QRectF, count: int, radius: float) -> list[QPointF]:
        centre = graph.center()
        # Leave room outside for the self-loops (1.85 r beyond a centre) and their labels.
        spread_x = max(radius * 2, graph.width() / 2 - radius * 2.4)
        spread_y = max(radius * 1.5, graph.height() / 2 - radius * 2.5)
        if count == 2:
            return [QPointF(centre.x() - spread_x * 0.8, centre.y()), QPointF(centre.x() + spread_x * 0.8, centre.y())]
        points = []
        for index in range(count):
            angle = -math.pi / 2 + 2 * math.pi * index / count
            points.append(QPointF(centre.x() + spread_x * math.cos(angle), centre.y() + spread_y * math.sin(angle)))
        return points

    # painting ---------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        if self.data is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        graph, tape = self._layout()
        data = self.data
        count = len(data.state_names)
        metrics = QFontMetricsF(self.font())
        radius = max(metrics.height() * 1.6, min(graph.height(), graph.width()) * RADIUS_SHARE[min(count, 5)])
        centres = self._centres(graph, count, radius)
        step = int(math.floor(self.position + 1e-9))
        fraction = self.position - step
        total = len(data.observations)
        moving = step < total and fraction > 0
        current = data.states[min(step, total) - 1] if step > 0 else None
        target = data.states[step] if moving else None
        source = current
        self._paint_arrows(painter, centres, radius, source, target, fraction if moving else 0.0)
        highlight = target if moving and fraction >= 0.5 else current
        self._paint_states(painter, centres, radius, highlight, moving and fraction < 0.5, source, target, fraction)
        self._paint_tape(painter, tape, step, fraction if moving else 0.0)
        painter.end()

    def _paint_arrows(self, painter, centres, radius, source, target, fraction) -> None:
        data = self.data
        theme = current_theme()
        count = len(centres)
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.85))
        painter.setFont(small)
        for i in range(count):
            for j in range(count):
                probability = float(data.transitions[i, j])
                if probability <= 0:
                    continue
                taken = source is not None and i == source and j == target
                width = 1.0 + 6.0 * probability
                colour = QColor(theme.bad) if taken and fraction < 0.5 else QColor(theme.muted)
                if taken:
                    width += 2.0 * math.sin(math.pi * min(1.0, fraction * 2))
                painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.setBrush(colour)
                label_at = self._paint_arrow(painter, centres, radius, i, j, width)
                painter.setPen(QColor(current_theme().foreground))
                text = f"{probability:.2f}"
                box = QRectF(label_at.x() - 30, label_at.y() - 10, 60, 20)
                backdrop = QColor(theme.background)
                backdrop.setAlpha(200)
                painter.fillRect(box.adjusted(14, 2, -14, -2), backdrop)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(self.font())

    def _paint_arrow(self, painter, centres, radius, i, j, width) -> QPointF:
        """Draw the arrow i → j and return where its label goes."""
        head = 6 + width * 1.5
        if i == j:
            centre = centres[i]
            outward = QPointF(centre.x() - self.rect().center().x(), centre.y() - self.rect().center().y())
            length = math.hypot(outward.x(), outward.y())
            ux, uy = (outward.x() / length, outward.y() / length) if length > 1 else (0.0, -1.0)
            distance, loop_radius = radius * 1.35, radius * 0.5
            loop_centre = QPointF(centre.x() + ux * distance, centre.y() + uy * distance)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(loop_centre, loop_radius, loop_radius)  # the state's disc hides the inner part
            # The loop meets the state's circle at ±θ from the line back to the state's centre.
            cos_theta = (distance ** 2 + loop_radius ** 2 - radius ** 2) / (2 * distance * loop_radius)
            back = math.atan2(-uy, -ux)
            theta = math.acos(max(-1.0, min(1.0, cos_theta)))
            self._loops[i] = (loop_centre, loop_radius, back, theta)
            tip_angle = back + theta
            tip = QPointF(loop_centre.x() + loop_radius * math.cos(tip_angle), loop_centre.y() + loop_radius * math.sin(tip_angle))
            before = tip_angle + 0.5
            origin = QPointF(loop_centre.x() + loop_radius * math.cos(before), loop_centre.y() + loop_radius * math.sin(before))
            painter.setBrush(painter.pen().color())
            _arrow_head(painter, tip, QPointF(tip.x() - origin.x(), tip.y() - origin.y()), head)
            return QPointF(loop_centre.x() + ux * loop_radius * 1.8, loop_centre.y() + uy * loop_radius * 1.8)
        start, end = centres[i], centres[j]
        dx, dy = end.x() - start.x(), end.y() - start.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        normal = QPointF(-uy, ux)
        bend = radius * 0.55  # two arrows between a pair bow apart
        a = QPointF(start.x() + ux * radius + normal.x() * radius * 0.3, start.y() + uy * radius + normal.y() * radius * 0.3)
        b = QPointF(end.x() - ux * (radius + 2) + normal.x() * radius * 0.3, end.y() - uy * (radius + 2) + normal.y() * radius * 0.3)
        control = QPointF((a.x() + b.x()) / 2 + normal.x() * bend, (a.y() + b.y()) / 2 + normal.y() * bend)
        path = QPainterPath(a)
        path.quadTo(control, b)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(painter.pen().color())
        _arrow_head(painter, b, QPointF(b.x() - control.x(), b.y() - control.y()), head)
        mid = path.pointAtPercent(0.5)
        return QPointF(mid.x() + normal.x() * 12, mid.y() + normal.y() * 12)

    def _paint_states(self, painter, centres, radius, highlight, travelling, source, target, fraction) -> None:
        data = self.data
        for index, centre in enumerate(centres):
            lit = highlight == index
            painter.setPen(QPen(_colour(index), 4.0 if lit else 2.0))
            painter.setBrush(_colour(index, 255 if lit else 40))
            painter.drawEllipse(centre, radius, radius)
            painter.setPen(QColor(current_theme().background) if lit else QColor(current_theme().foreground))
            box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, data.state_names[index])
            painter.setPen(QColor(current_theme().muted))
            below = QRectF(centre.x() - radius * 1.5, centre.y() + radius + 2, radius * 3, 20)
            painter.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             f"π = {float(data.initial[index]):.2f}")
        if travelling and target is not None:
            # A token travels along the arrow taken (or drops in from above at the first step).
            t = _smooth(fraction * 2)
            if source == target and target in self._loops:
                # Round the self-loop: out of the state at back − θ, back in at back + θ.
                centre, loop_radius, back, theta = self._loops[target]
                angle = back - theta + 2 * math.pi - t * (2 * math.pi - 2 * theta)
                token = QPointF(centre.x() + loop_radius * math.cos(angle), centre.y() + loop_radius * math.sin(angle))
            else:
                end = centres[target]
                start = centres[source] if source is not None else QPointF(end.x(), end.y() - radius * 2.5)
                token = QPointF(start.x() + (end.x() - start.x()) * t, start.y() + (end.y() - start.y()) * t)
            painter.setPen(QPen(QColor(current_theme().bad), 2))
            painter.setBrush(QColor(current_theme().bad))
            painter.drawEllipse(token, radius * 0.22, radius * 0.22)

    def _paint_tape(self, painter, tape: QRectF, step: int, fraction: float) -> None:
        data = self.data
        total = len(data.observations)
        metrics = QFontMetricsF(self.font())
        label_width = max(metrics.horizontalAdvance(data.hidden_label), metrics.horizontalAdvance(data.observed_label)) + 12
        row = metrics.height() * 1.9
        top = tape.top() + metrics.height() * 0.6
        cell = max(MIN_COLUMN * 0.8, min(90.0, (tape.width() - label_width - 8) / max(total, 1)))
        visible = max(1, int((tape.width() - label_width - 8) / cell + 1e-6))
        first = max(0, min(step + 1, total) - visible)  # keep the newest cell in view
        painter.setPen(QColor(current_theme().muted))
        painter.drawText(QRectF(4, top, label_width, row), Qt.AlignmentFlag.AlignVCenter, data.hidden_label)
        painter.drawText(QRectF(4, top + row * 1.15, label_width, row), Qt.AlignmentFlag.AlignVCenter, data.observed_label)
        for t in range(first, min(total, first + visible)):
            x = label_width + (t - first) * cell
            hidden_box = QRectF(x + 2, top, cell - 4, row)
            symbol_box = QRectF(x + 2, top + row * 1.15, cell - 4, row)
            done = t < step
            current = t == step and fraction > 0
            painter.setPen(QPen(QColor(current_theme().muted), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(hidden_box, 4, 4)
            painter.drawRoundedRect(symbol_box, 4, 4)
            if done or (current and fraction >= 0.5):
                state = int(data.states[t])
                if data.show_hidden:
                    painter.setBrush(_colour(state, 70))
                    painter.setPen(QPen(_colour(state), 1.5))
                    painter.drawRoundedRect(hidden_box, 4, 4)
                    painter.setPen(QColor(current_theme().foreground))
                    painter.drawText(hidden_box, Qt.AlignmentFlag.AlignCenter, self._fit(data.state_names[state], hidden_box))
                else:
                    painter.setPen(QColor(current_theme().muted))
                    painter.drawText(hidden_box, Qt.AlignmentFlag.AlignCenter, HIDDEN_MARK)
            if done or (current and fraction >= 0.5):
                drop = 1.0 if done else _smooth((fraction - 0.5) * 2)
                box = symbol_box.translated(0, -(1 - drop) * row * 1.2)
                painter.setBrush(_colour(4, 60))
                painter.setPen(QPen(_colour(4), 1.5))
                painter.drawRoundedRect(box, 4, 4)
                painter.setPen(QColor(current_theme().foreground))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._fit(data.symbol_names[int(data.observations[t])], box))

    def _fit(self, text: str, box: QRectF) -> str:
        return QFontMetricsF(self.font()).elidedText(text, Qt.TextElideMode.ElideRight, box.width() - 4)


# -- trellis ---------------------------------------------------------------------------------------
@dataclass
class TrellisData:
    """A trellis: a value per (time, state), shading per column, and optional back-pointers."""

    state_names: list[str]
    column_titles: list[str]  # the observed symbol at each time
    values: np.ndarray  # (T, N) numbers to print (α or δ)
    shading: np.ndarray  # (T, N) in [0, 1], e.g. α normalised per column
    backpointers: np.ndarray | None = None  # (T, N), row 0 unused
    path: np.ndarray | None = None  # the decoded path, traced back after the columns fill
    footer: str = ""


class TrellisView(SteppedView):
    """Columns fill one per step; with a path, a second pass traces it back from the end.

    Position p < T: ⌊p⌋ columns are full and column ⌊p⌋ fades in with the fraction, with arrows
    from every state of the previous column (forward) or from its back-pointer (Viterbi).
    For T ≤ p ≤ 2T the path is highlighted from the last column backwards.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(220, parent)

    def total_steps(self) -> int:
        if self.data is None:
            return 0
        steps = len(self.data.values)
        return 2 * steps if self.data.path is not None else steps

    def paintEvent(self, event) -> None:
        if self.data is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        data = self.data
        steps, count = data.values.shape
        metrics = QFontMetricsF(self.font())
        label_width = max(metrics.horizontalAdvance(name) for name in data.state_names) + 14
        footer_height = metrics.height() * 1.6 if data.footer else 0
        top = metrics.height() * 1.8
        usable = self.width() - label_width - 8
        column = min(metrics.horizontalAdvance("0.000000") * 2.4, max(MIN_COLUMN, usable / max(steps, 1)))
        visible = max(1, int(usable / column + 1e-6))
        filled = min(steps, int(math.floor(self.position + 1e-9)))
        fraction = self.position - filled if self.position < steps else 0.0
        focus = filled if self.position < steps else self._traced_index()
        first = max(0, min(steps - visible, focus - visible + 2))
        row = min(metrics.height() * 4.5, (self.height() - top - footer_height - 6) / count)
        # Centre the trellis in the space it does not fill.
        left = label_width + max(0.0, (usable - column * min(visible, steps)) / 2)
        top += max(0.0, (self.height() - top - footer_height - 6 - row * count) / 2)

        def cell(t: int, s: int) -> QRectF:
            x = left + (t - first) * column
            y = top + s * row
            return QRectF(x + column * 0.12, y + row * 0.14, column * 0.76, row * 0.72)

        painter.setPen(QColor(current_theme().foreground))
        for s, name in enumerate(data.state_names):
            painter.setPen(_colour(s))
            painter.drawText(QRectF(left - label_width, top + s * row, label_width - 6, row),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, name)
        last_visible = min(steps, first + visible)
        for t in range(first, last_visible):
            box = cell(t, 0)
            title = QRectF(box.left() - column * 0.12, top - metrics.height() * 1.6, column, metrics.height() * 1.4)
            painter.setPen(QColor(current_theme().muted))
            painter.drawText(title, Qt.AlignmentFlag.AlignCenter,
                             metrics.elidedText(f"{t + 1}: {data.column_titles[t]}", Qt.TextElideMode.ElideRight, column))
        for t in range(first, last_visible):
            shown = 1.0 if t < filled else (_smooth(fraction) if t == filled else 0.0)
            if shown > 0 and t > first:
                self._paint_links(painter, cell, t, shown)
        on_path = self._path_cells()
        for t in range(first, last_visible):
            shown = 1.0 if t < filled else (_smooth(fraction) if t == filled else 0.0)
            for s in range(count):
                self._paint_cell(painter, cell(t, s), t, s, shown, (t, s) in on_path, metrics)
        if data.footer and self.position >= steps:
            painter.setPen(QColor(current_theme().foreground))
            painter.drawText(QRectF(4, self.height() - footer_height, self.width() - 8, footer_height),
                             Qt.AlignmentFlag.AlignVCenter, data.footer)
        painter.end()

    def _traced_index(self) -> int:
        steps = len(self.data.values)
        traced = int(math.floor(self.position - steps + 1e-9))
        return max(0, steps - 1 - traced)

    def _path_cells(self) -> set[tuple[int, int]]:
        data = self.data
        steps = len(data.values)
        if data.path is None or self.position < steps:
            return set()
        traced = min(steps, int(math.floor(self.position - steps + 1e-9)) + 1)
        return {(t, int(data.path[t])) for t in range(steps - traced, steps)}

    def _paint_links(self, painter, cell, t: int, shown: float) -> None:
        data = self.data
        count = data.values.shape[1]
        for s in range(count):
            target = cell(t, s)
            sources = [int(data.backpointers[t, s])] if data.backpointers is not None else range(count)
            for p in sources:
                origin = cell(t - 1, p)
                colour = _colour(p, int(150 * shown) if data.backpointers is not None else int(60 * shown))
                painter.setPen(QPen(colour, 2.0 if data.backpointers is not None else 1.0))
                start = QPointF(origin.right(), origin.center().y())
                end = QPointF(target.left(), target.center().y())
                painter.drawLine(start, end)
                if data.backpointers is not None:
                    painter.setBrush(colour)
                    _arrow_head(painter, start, QPointF(start.x() - end.x(), start.y() - end.y()), 8)

    def _paint_cell(self, painter, box: QRectF, t: int, s: int, shown: float, on_path: bool, metrics) -> None:
        data = self.data
        painter.setPen(QPen(QColor(current_theme().muted), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 5, 5)
        if shown <= 0:
            return
        level = float(data.shading[t, s])
        fill = _colour(s, int((40 + 180 * level) * shown))
        painter.setBrush(fill)
        painter.setPen(QPen(QColor(current_theme().bad), 3.5) if on_path else Qt.PenStyle.NoPen)
        painter.drawRoundedRect(box, 5, 5)
        text = fitted_probability(float(data.values[t, s]), metrics, box.width() - 4)
        if text and metrics.height() < box.height():
            ink = QColor(current_theme().foreground)
            ink.setAlpha(int(255 * shown))
            painter.setPen(ink)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
