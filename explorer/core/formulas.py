"""LaTeX formulas → SVG, in pure Python (ziamath), offline and cached.

The renderer replaces each ``$…$`` / ``$$…$$`` in a page with an image whose URL is
``formula:KEY``; :func:`source` maps a key back to its LaTeX, and :func:`svg` draws it. The page
view turns the SVG into a sharp image at the current zoom. ziamath costs a third of a second to
import, so nothing here imports it until the first formula is drawn, and :func:`warm` can draw a
list of formulas ahead of time (from a background thread) so that opening a page stays fast.
"""

from __future__ import annotations

import hashlib
import re
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

_sources: dict[str, tuple[str, bool]] = {}
_import_lock = threading.Lock()
_cache_dir: Path | None = None
CACHE_VERSION = "ziamath-0.13-1"  # change it when the typesetting changes, to start a new cache
# The formula font has no Chinese glyphs: Chinese inside $…$ would be drawn as boxes.
# CJK ideographs and punctuation, full-width forms. Compared by code point: a regular expression
# over these ranges took 3 ms to compile, at every start-up, for a check made only when typesetting.
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))
_SIZE = re.compile(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"')


class FormulaError(ValueError):
    """A formula that cannot be typeset; the message names it."""


@dataclass(frozen=True)
class FormulaImage:
    """One typeset formula: SVG text and its size in pixels at the requested font size."""

    svg: str
    width: float
    height: float


def register(latex: str, display: bool) -> str:
    """Remember a formula and return the key of its ``formula:KEY`` URL."""
    latex = latex.strip()
    key = hashlib.sha1(f"{int(display)}:{latex}".encode("utf-8")).hexdigest()[:16]
    _sources[key] = (latex, display)
    return key


def source(key: str) -> tuple[str, bool] | None:
    """The LaTeX and display flag behind a key, or None for a key never registered."""
    return _sources.get(key)


def set_cache_dir(folder: Path | None) -> None:
    """Keep typeset SVGs in ``folder`` across runs (None: only in memory)."""
    global _cache_dir
    _cache_dir = Path(folder) if folder is not None else None


def cache_dir() -> Path | None:
    return _cache_dir


def _cache_file(latex: str, display: bool, size: float, color: str) -> Path | None:
    if _cache_dir is None:
        return None
    name = hashlib.sha1(f"{CACHE_VERSION}|{int(display)}|{size}|{color}|{latex}".encode("utf-8")).hexdigest()
    return _cache_dir / f"{name}.svg"


def cached_svg(latex: str, display: bool, size: float, color: str = "#000000") -> FormulaImage | None:
    """The SVG from memory or the disk cache, without loading the typesetter; else None."""
    if (latex, display, size, color) in _memory:
        return _memory[(latex, display, size, color)]
    file = _cache_file(latex, display, size, color)
    try:
        text = file.read_text(encoding="utf-8") if file is not None and file.is_file() else None
    except OSError:
        text = None
    match = _SIZE.search(text) if text else None
    if not match:
        return None
    image = FormulaImage(text, float(match.group(1)), float(match.group(2)))
    _memory[(latex, display, size, color)] = image
    return image


def _store(latex: str, display: bool, size: float, color: str, image: FormulaImage) -> None:
    file = _cache_file(latex, display, size, color)
    if file is None:
        return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        partial = file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        partial.write_text(image.svg, encoding="utf-8")
        partial.replace(file)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _ziamath():
    with _import_lock:
        import ziamath

        # SVG 2 output uses constructs QtSvg draws as nothing.
        ziamath.config.svg2 = False
        return ziamath


_memory: dict[tuple[str, bool, float, str], FormulaImage] = {}


def svg(latex: str, display: bool, size: float, color: str = "#000000") -> FormulaImage:
    """Typeset ``latex`` at ``size`` pixels per em (from the caches when it can); raise
    FormulaError if it cannot be typeset."""
    cached = cached_svg(latex, display, size, color)
    if cached is not None:
        return cached
    image = _typeset(latex, display, size, color)
    _memory[(latex, display, size, color)] = image
    _store(latex, display, size, color, image)
    return image


def _typeset(latex: str, display: bool, size: float, color: str) -> FormulaImage:
    if any(low <= ord(ch) <= high for ch in latex for low, high in _CJK_RANGES):
        raise FormulaError(f"cannot typeset ${latex}$: Chinese text inside a formula has no glyphs; "
                           "keep it outside the $…$")
    try:
        zm = _ziamath()
        math = zm.Math.fromlatex(latex, size=size, color=color, inline=not display)
        text = math.svg()
    except Exception as error:  # ziamath raises many kinds for bad input (or is missing)
        raise FormulaError(f"cannot typeset ${latex}$: {error}") from None
    match = _SIZE.search(text)
    if not match:
        raise FormulaError(f"cannot typeset ${latex}$: no size in the SVG")
    return FormulaImage(text, float(match.group(1)), float(match.group(2)))


def warm(formulas: Iterable[tuple[str, bool]], size: float, color: str = "#000000") -> int:
    """Typeset formulas ahead of time (safe to call from a worker thread); returns the count."""
    count = 0
    for latex, display in formulas:
        try:
            svg(latex, display, size, color)
        except FormulaError:
            pass
        count += 1
    return count
