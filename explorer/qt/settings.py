"""Where the explorer keeps what it remembers between runs (an INI file via QSettings).

``CONCEPT_EXPLORER_SETTINGS`` names the file explicitly (tests, a portable copy on a USB stick);
otherwise Qt's per-user location is used. A file Qt cannot read is moved aside and defaults are
used, so a damaged file never stops the explorer from starting.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "ConceptExplorer"
APPLICATION = "concept-explorer"
ENV_VAR = "CONCEPT_EXPLORER_SETTINGS"


def open_settings() -> tuple[QSettings, str | None]:
    """Return the settings and, if a damaged file was set aside, the path it was moved to."""
    settings = _open()
    if settings.status() == QSettings.Status.NoError and _readable(settings):
        return settings, None
    path = Path(settings.fileName())
    backup = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    del settings
    try:
        path.replace(backup)
    except OSError:
        backup = None
    return _open(), str(backup) if backup else None


def _open() -> QSettings:
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return QSettings(explicit, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def _readable(settings: QSettings) -> bool:
    """A file that exists but yields no keys at all is not an INI file Qt understood."""
    path = Path(settings.fileName())
    try:
        if not path.exists() or path.stat().st_size == 0:
            return True
        raw = path.read_bytes()
    except OSError:
        return True
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(settings.allKeys()) or not raw.strip()


def read_str(settings: QSettings, key: str, allowed=None) -> str | None:
    value = settings.value(key)
    if not isinstance(value, str) or (allowed is not None and value not in allowed):
        return None
    return value


def read_float(settings: QSettings, key: str, low: float, high: float) -> float | None:
    try:
        value = float(settings.value(key))
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


DEMO_PARAMS_GROUP = "demo_params"


def load_demo_memory(settings: QSettings | None) -> dict[str, dict]:
    """Each demo's last parameters (JSON per demo id); anything unreadable is skipped."""
    if settings is None:
        return {}
    memory = {}
    settings.beginGroup(DEMO_PARAMS_GROUP)
    try:
        demo_ids = settings.childKeys()
        if demo_ids:
            import json  # not before a first start's first paint, which has nothing to read
        for demo_id in demo_ids:
            try:
                params = json.loads(str(settings.value(demo_id)))
            except ValueError:
                continue
            if isinstance(params, dict):
                memory[demo_id] = {str(k): v for k, v in params.items() if isinstance(v, (int, float, str))}
    finally:
        settings.endGroup()
    return memory


def save_demo_memory(settings: QSettings, memory: dict[str, dict]) -> None:
    import json

    settings.beginGroup(DEMO_PARAMS_GROUP)
    try:
        for demo_id, params in memory.items():
            settings.setValue(demo_id, json.dumps(params, ensure_ascii=False))
    finally:
        settings.endGroup()
