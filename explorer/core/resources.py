"""Finds the explorer's assets in a source checkout, an installed wheel and a frozen bundle alike.

Every other module asks :func:`assets_dir` (or :func:`asset_path`) instead of building paths
from ``__file__`` itself, so there is exactly one place that knows the three layouts:

* a source checkout: ``<checkout>/assets`` beside the ``explorer`` package;
* an installed wheel: ``explorer/_assets`` inside the package (``pyproject.toml`` maps it);
* a PyInstaller bundle: ``<sys._MEIPASS>/assets``.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _candidates() -> list[Path]:
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "assets")
    candidates.append(_PACKAGE_DIR / "_assets")
    candidates.append(_PACKAGE_DIR.parent / "assets")
    return candidates


@functools.cache
def assets_dir() -> Path:
    """Return the folder that holds ``topics/``, ``icons/`` and the other assets."""
    for candidate in _candidates():
        if (candidate / "topics").is_dir():
            return candidate
    searched = ", ".join(str(c) for c in _candidates())
    raise FileNotFoundError(f"the explorer's assets folder was not found (looked in {searched})")


def asset_path(*parts: str) -> Path:
    """Return the path of one asset, e.g. ``asset_path("icons", "explorer.svg")``."""
    return assets_dir().joinpath(*parts)


def builtin_topics_dir() -> Path:
    """The folder of the topics that ship with the explorer."""
    return asset_path("topics")


def code_stamp(*names: str) -> str:
    """The explorer's version and, for each named module file of ``explorer/core`` that exists,
    its size and modification time: what a cache of derived data is keyed by, so that editing the
    code that made it makes it again (a frozen bundle has no sources; its version alone counts)."""
    from explorer import __version__

    parts = [__version__]
    for name in names:
        try:
            stat = (_PACKAGE_DIR / "core" / name).stat()
        except OSError:
            continue
        parts.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)
