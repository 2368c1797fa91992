"""Formula images for the page: SVG from explorer.core.formulas, drawn sharp by QtSvg.

Typesetting needs ziamath, which takes a third of a second to import, and drawing an SVG costs
a few milliseconds. So: a background thread imports the typesetter after the first paint and
typesets every formula of every page; until it has loaded, the page gets blank stand-ins and
``ready`` tells it to lay itself out again. Drawn images are kept for the current size, and the
formulas not yet drawn are drawn in small slices of idle time, so opening a page costs lookups.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from explorer.core import formulas
from explorer.qt.cache import cache_dir

BASE_SIZE = 20.0  # pixels per em of the typeset SVG; images are scaled from it
IDLE_SLICE_SECONDS = 0.008  # at most this much drawing per idle slice keeps the window responsive
Formula = tuple[str, bool]


def use_disk_cache() -> Path:
    """Keep typeset and drawn formulas in the explorer's cache folder."""
    path = cache_dir() / "formulas"
    formulas.set_cache_dir(path)
    return path


class FormulaImages(QObject):
    """Draws formula images, keeps them for the current size, and warms up in the background."""

    ready = Signal()
    _typeset_all = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._typesetter_loaded = threading.Event()
        self._thread: threading.Thread | None = None
        self._images: dict[tuple[str, float, float], QImage] = {}
        self._size: tuple[float, float, str] | None = None
        self.ink = "#000000"  # the colour formulas are drawn in
        self._pending: list[str] = []
        self._idle = QTimer(self, interval=0, singleShot=False)
        self._idle.timeout.connect(self._draw_some)
        self._typeset_all.connect(self._draw_in_idle_time)
        self._everything: list[Formula] = []
        self._first: list[Formula] = []
        self._later: Callable[[], Iterable[Formula]] | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._typesetter_loaded.is_set()

    def warm(self, first: Iterable[Formula] = (), later: Callable[[], Iterable[Formula]] | None = None) -> None:
        """In a background thread: load the typesetter, typeset ``first``, say ``ready`` (once),
        then typeset what ``later()`` lists (every formula of every page) and draw those in idle
        time. Calls while the thread runs hand it their work instead of starting another."""
        with self._lock:
            self._first.extend(first)
            if later is not None:
                self._later = later
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._work, name="formula-warm", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        if not self.loaded:
            try:
                formulas.warm(self._first or [("x", False)], BASE_SIZE)
            finally:  # even a broken typesetter must not leave the page waiting
                self._typesetter_loaded.set()
                try:
                    self.ready.emit()
                except RuntimeError:  # the page was closed meanwhile
                    return
        while True:
            with self._lock:
                later, self._later = self._later, None
                if later is None:
                    return
            everything = list(dict.fromkeys(later()))
            formulas.warm(everything, BASE_SIZE)
            self._everything = everything
            try:
                self._typeset_all.emit()
            except RuntimeError:
                return

    @property
    def busy(self) -> bool:
        """True while formulas are still being typeset or drawn ahead of time."""
        thread_running = self._thread is not None and self._thread.is_alive()
        return thread_running or bool(self._pending) or self._idle.isActive()

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until the typesetter is loaded (tests and screenshots)."""
        return self._typesetter_loaded.wait(timeout)

    def image(self, key: str, font_pixels: float, pixel_ratio: float = 2.0) -> QImage | None:
        """The formula behind ``key`` at ``font_pixels`` per em; a blank stand-in while loading."""
        found = formulas.source(key)
        if found is None:
            return None
        if not self.loaded and formulas.cached_svg(*found, BASE_SIZE) is None:
            QTimer.singleShot(0, lambda: self.warm([found]))  # after the paint under way, not in it
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
        self._pending = [formulas.register(latex, display) for latex, display in self._everything]
        if self._size is not None:
            self._idle.start()

    def _draw_some(self) -> None:
        deadline = time.perf_counter() + IDLE_SLICE_SECONDS
        while self._pending and time.perf_counter() < deadline:
            key = self._pending.pop()
            if (key, *self._size) not in self._images:
                drawn = self._load_or_draw(key, *self._size)
                if drawn is not None:
                    self._images[(key, *self._size)] = drawn
        if not self._pending:
            self._idle.stop()


def _blank() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    return image
