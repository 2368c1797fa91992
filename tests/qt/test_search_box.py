"""The search box: results as you type (Chinese without spaces too), Enter opens and highlights."""

from PySide6.QtCore import Qt


def type_query(qtbot, window, text):
    window.actions_by_key["action.search"].trigger()
    window.search_panel.field.setText(text)


def test_chinese_query_lists_results_and_enter_opens_with_highlights(qtbot, window, state):
    panel = window.search_panel
    type_query(qtbot, window, "早停")
    assert panel.stack.currentWidget() is panel.results
    assert panel.hits[0].id == "epoch"
    label = panel.results.itemWidget(panel.results.item(0))
    assert "<b>早停</b>" in label.text() and "轮次与早停" in label.text()
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert state.topic_id == "epoch"
    marks = window.page.extraSelections()
    assert marks and all(m.cursor.selectedText() == "早停" for m in marks)


def test_the_field_has_a_clear_button_and_a_name_once_the_window_is_ready(window):
    field = window.search_panel.field
    assert field.isClearButtonEnabled()  # added after the first paint
    assert field.accessibleName()


def test_arrow_keys_choose_and_escape_brings_the_tree_back(qtbot, window, state):
    panel = window.search_panel
    type_query(qtbot, window, "learning rate")
    qtbot.keyClick(panel.field, Qt.Key.Key_Down)
    assert panel.results.currentRow() == 1
    qtbot.keyClick(panel.field, Qt.Key.Key_Escape)
    assert panel.field.text() == "" and panel.stack.currentWidget() is window.tree_view


def test_nothing_found_says_so_in_the_language(qtbot, window, state):
    panel = window.search_panel
    type_query(qtbot, window, "qwxzzy")
    assert panel.stack.currentWidget() is panel.empty and "qwxzzy" in panel.empty.text()
    state.set_lang("en")
    assert panel.empty.text().startswith("Nothing found") and panel.field.placeholderText().startswith("Search")


def test_search_shows_the_hidden_tree_column(qtbot, window):
    window.set_topics_visible(False)
    window.actions_by_key["action.search"].trigger()
    assert window.search_panel.isVisible()


def test_a_new_topic_clears_the_highlights(qtbot, window, state):
    type_query(qtbot, window, "早停")
    window.search_panel.open_current()
    assert window.page.extraSelections()
    state.go("hmm")
    assert not window.page.extraSelections()
