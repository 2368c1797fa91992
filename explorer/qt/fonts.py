"""A Chinese font for machines that have none: the bundled subset, registered only when needed.

The packaged app carries ``assets/fonts/cjk-subset.ttf``, a subset of WenQuanYi Micro Hei cut at
build time to exactly the characters of the built-in content and interface (see
``packaging/build.py``). It is registered with QFontDatabase only when the system offers no font
for Simplified Chinese, so a student's own fonts always win. A source checkout or a wheel has no
subset; there the system's fonts are all there is.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from explorer.core.resources import assets_dir

BUNDLED_FONT = ("fonts", "cjk-subset.ttf")


def system_has_chinese() -> bool:
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def ensure_chinese_font() -> str | None:
    """Register the bundled subset if the system has no Chinese font; return its family name."""
    if system_has_chinese():
        return None
    path = assets_dir().joinpath(*BUNDLED_FONT)
    if not path.is_file():
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else None
