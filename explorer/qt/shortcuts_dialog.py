"""The keyboard shortcuts dialog (F1 or ?): every key the explorer answers to, in both languages."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from explorer.core.i18n import tr

# (keys, description key): the window's own actions and the keys the lesson bar and demos answer to.
SHORTCUTS = (
    ("F1, ?", "keys.help"),
    ("Ctrl+F, Ctrl+K", "keys.search"),
    ("Alt+←, Alt+→", "keys.history"),
    ("Ctrl+PgUp, Ctrl+PgDown", "keys.topics"),
    ("Ctrl+D", "keys.bookmark"),
    ("Ctrl+=, Ctrl+-, Ctrl+0", "keys.zoom"),
    ("F5", "keys.present"),
    ("Esc", "keys.leave"),
    ("F6", "keys.tree"),
    ("F11", "keys.full_screen"),
    ("PgDown, Space, →", "keys.next_step"),
    ("PgUp, ←", "keys.previous_step"),
    ("1 … 9", "keys.predict"),
    ("Tab, Shift+Tab", "keys.focus"),
    ("←, →, PgUp, PgDown", "keys.slider"),
    ("Ctrl+Shift+C", "keys.copy_link"),
    ("Ctrl+P", "keys.handout"),
    ("Ctrl+Q", "keys.quit"),
)


class ShortcutsDialog(QDialog):
    """A two-column table: keys and what they do."""

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcuts-dialog")
        self.setWindowTitle(tr("keys.title", lang))
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(SHORTCUTS), 2, self)
        self.table.setObjectName("shortcuts")
        self.table.setAccessibleName(tr("keys.title", lang))
        self.table.setHorizontalHeaderLabels([tr("keys.column.keys", lang), tr("keys.column.action", lang)])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, key) in enumerate(SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(tr(key, lang)))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("keys.close", lang))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 560)
