"""Formula images for the page: SVG from explorer.core.formulas, drawn sharp by QtSvg.

Typesetting needs ziamath, which takes a third of a second to import, and drawing an SVG costs
a few milliseconds. So: a background thread imports the typesetter after the first paint and
typesets every formula of every page (explorer.core.typeset_queue). A formula the page asks for
before the thread has reached it is never typeset in the window's thread (a formula-heavy page
would freeze it for seconds): the page gets a blank stand-in, the formula jumps the thread's
queue, and ``ready`` tells the page to lay itself out again. Drawn images are kept for the
current size, and the formulas not yet drawn are drawn in short slices of idle time, so opening
a page costs lookups.
"""

from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import Callable, Iterable, Iterator

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter

from explorer.core import formulas
from explorer.core.typeset_queue import ALL_TYPESET, READY, Formula, TypesetQueue
from explorer.qt.cache import cache_dir
from explorer.qt.idle_queue import IdleQueue

BASE_SIZE = 20.0  # pixels per em of the typeset SVG; images are scaled from it
IDLE_SLICE_SECONDS = 0.008  # at most this much drawing per idle step keeps the window responsive
NEWS_INTERVAL_MS = 20  # how often the window's thread looks for the typesetting thread's news


def use_disk_cache() -> Path:
    """Keep typeset and drawn formulas in the explorer's cache folder."""
    path = cache_dir() / "formulas"
    formulas.set_cache_dir(path)
    return path


class FormulaImages(QObject):
    """Draws formula images, keeps them for the current size, and warms up in the background."""

    ready = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._typesetting = TypesetQueue(BASE_SIZE)
        # A page that is gone stops its thread. Not through the ``destroyed`` signal: a Python slot
        # called while the garbage collector deletes the page crashed PySide now and then.
        weakref.finalize(self, self._typesetting.stop)
        self._news = QTimer(self, interval=NEWS_INTERVAL_MS)  # collects the thread's news
        self._news.timeout.connect(self._take_news)
        self._images: dict[tuple[str, float, float], QImage] = {}
        self._size: tuple[float, float, str] | None = None
        self.ink = "#000000"  # the colour formulas are drawn in
        self._pending: list[str] = []
        self._ahead = IdleQueue(self)  # draws the formulas not yet drawn while the window idles

    @property
    def loaded(self) -> bool:
        return self._typesetting.loaded.is_set()

    def warm(self, first: Iterable[Formula] = (), later: Callable[[], Iterable[Formula]] | None = None) -> None:
        """In a background thread: load the typesetter, typeset ``first``, say ``ready``, then
        typeset what ``later()`` lists (every formula of every page) and draw those in idle time."""
        self._typesetting.start(first, later)
        self._news.start()

    def _take_news(self) -> None:
        news = self._typesetting.take_news()
        if not news and not self._typesetting.running:
            self._news.stop()
            news = self._typesetting.take_news()  # said between the two looks
        if ALL_TYPESET in news:
            self._draw_in_idle_time()
        if READY in news:
            self.ready.emit()

    @property
    def busy(self) -> bool:
        """True while formulas are still being typeset or drawn ahead of time."""
        return self._typesetting.running or self._news.isActive() or bool(self._pending) or self._ahead.busy

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until the typesetter is loaded (tests and screenshots); then says ``ready``."""
        loaded = self._typesetting.loaded.wait(timeout)
        self._take_news()
        return loaded

    def settle(self, timeout: float = 60.0) -> bool:
        """Block until the formulas the page asked for are typeset (screenshots); then says ``ready``."""
        settled = self._typesetting.settle(timeout)
        self._take_news()
        return settled

    def image(self, key: str, font_pixels: float, pixel_ratio: float = 2.0) -> QImage | None:
        """The formula behind ``key`` at ``font_pixels`` per em; a blank stand-in while loading."""
        found = formulas.source(key)
        if found is None:
            return None
        if formulas.cached_svg(*found, BASE_SIZE) is None:
            self.warm([found])  # typeset in the background; "ready" follows
            return _blank()
        size = (round(font_pixels, 2), pixel_ratio, self.ink)
        if size != self._size:
            self._images.clear()
            self._size = size
        cached = self._images.get((key, *size))
        if cached is None:
            cached = self._load_or_draw(key, *size)
            if cached is not None:
                self._images[(key, *size)] = cached
        return cached

    def set_ink(self, colour: str) -> None:
        """Draw formulas in ``colour`` (the theme's text colour) from now on."""
        if colour != self.ink:
            self.ink = colour
            self._images.clear()

    def _raster_file(self, key: str, font_pixels: float, pixel_ratio: float, ink: str) -> Path | None:
        folder = formulas.cache_dir()
        if folder is None:
            return None
        name = f"{formulas.CACHE_VERSION}-{key}-{font_pixels:g}-{pixel_ratio:g}-{ink.lstrip('#')}.png"
        return folder / "images" / name

    def _load_or_draw(self, key: str, font_pixels: float, pixel_ratio: float, ink: str) -> QImage | None:
        """From the disk cache if it is there (a fraction of a millisecond), else drawn and kept."""
        file = self._raster_file(key, font_pixels, pixel_ratio, ink)
        if file is not None and file.is_file():
            image = QImage(str(file))
            if not image.isNull():
                image.setDevicePixelRatio(pixel_ratio)
                return image
        image = self._draw(key, font_pixels, pixel_ratio, ink)
        if image is not None and file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
            image.save(str(file), "PNG")
        return image

    def _draw(self, key: str, font_pixels: float, pixel_ratio: float, ink: str) -> QImage | None:
        from PySide6.QtSvg import QSvgRenderer  # here: a start-up that finds its formulas drawn never needs it

        latex, display = formulas.source(key)
        try:
            typeset = formulas.svg(latex, display, BASE_SIZE)
        except formulas.FormulaError:
            return None
        scale = font_pixels / BASE_SIZE * (1.1 if display else 1.0)
        image = QImage(max(1, round(typeset.width * scale * pixel_ratio)), max(1, round(typeset.height * scale * pixel_ratio)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        QSvgRenderer(QByteArray(typeset.svg.encode("utf-8"))).render(painter, QRectF(0, 0, image.width(), image.height()))
        if QColor(ink) != QColor("#000000"):
            # The typeset glyphs are black: keep their shape (alpha) and paint them in the ink.
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(image.rect(), QColor(ink))
        painter.end()
        image.setDevicePixelRatio(pixel_ratio)
        return image

    # -- drawing ahead in idle time ---------------------------------------------------------
    def _draw_in_idle_time(self) -> None:
        self._pending = [formulas.register(latex, display) for latex, display in self._typesetting.everything]
        if self._size is not None:
            self._ahead.add(self._draw_ahead())

    def _draw_ahead(self) -> Iterator[None]:
        """Draw the pending formulas at the current size, as many as fit in a short slice per step."""
        while self._pending:
            deadline = time.perf_counter() + IDLE_SLICE_SECONDS
            while self._pending and time.perf_counter() < deadline:
                key = self._pending.pop()
                if (key, *self._size) not in self._images:
                    drawn = self._load_or_draw(key, *self._size)
                    if drawn is not None:
                        self._images[(key, *self._size)] = drawn
            yield


def _blank() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    return image
