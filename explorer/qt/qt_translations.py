"""Qt's own texts (the Yes/No of a question box, the file dialog) in the interface language.

Qt ships its translations beside its libraries; the one for Chinese is installed while the
interface is Chinese and removed again for English (Qt's own language).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

QT_CATALOGUES = {"zh": "qtbase_zh_CN"}

_installed: QTranslator | None = None


def use_qt_language(lang: str) -> bool:
    """Install Qt's catalogue for ``lang`` (none is needed for English); True if one is active."""
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    name = QT_CATALOGUES.get(lang)
    if name is None:
        return False
    translator = QTranslator(app)
    if not translator.load(name, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        return False
    app.installTranslator(translator)
    _installed = translator
    return True
