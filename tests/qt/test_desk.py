"""The student's desk: bookmarks, copy link, demo links that flash, export, handouts, shortcuts, memory."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from explorer.core.state import DeepLink, ExplorerState
from explorer.qt.settings import open_settings


def test_bookmarks_toggle_list_and_persist(qtbot, window, state):
    qtbot.keyClick(window.page, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.bookmarks.ids == ["learning-rate"]
    state.go("epoch")
    window.actions_by_key["action.bookmark"].trigger()
    menu = window.bookmarks.menu
    titles = [action.text() for action in menu.actions() if action.objectName().startswith("bookmark-")]
    assert titles == ["学习率", "轮次与早停"]
    next(a for a in menu.actions() if a.objectName() == "bookmark-learning-rate").trigger()
    assert state.topic_id == "learning-rate"
    window.actions_by_key["action.bookmark"].trigger()  # removes it again
    assert window.bookmarks.ids == ["epoch"]
    state.set_lang("en")
    assert menu.title() == "Bookmarks" and menu.actions()[0].text() == "Epochs and early stopping"


def test_bookmarks_survive_a_restart(qtbot, content):
    from explorer.qt.main_window import MainWindow

    settings, _ = open_settings()
    first = MainWindow(ExplorerState(content.tree, "hmm", "zh"), content, settings)
    qtbot.addWidget(first)
    first.bookmarks.toggle()
    settings.sync()
    again, _ = open_settings()
    second = MainWindow(ExplorerState(content.tree, "epoch", "zh"), content, again)
    qtbot.addWidget(second)
    assert second.bookmarks.ids == ["hmm"]


def test_copy_link_reproduces_the_view(qtbot, window, state):
    window.demo_panel.demo.set_param("lr", 1.9)
    window.demo_panel.link_button.click()
    link = QGuiApplication.clipboard().text()
    parsed = DeepLink.parse(link)
    assert parsed.topic_id == "learning-rate" and float(parsed.params["lr"]) == 1.9
    assert "explorer://topic/learning-rate" in window.statusBar().currentMessage()


def test_a_demo_link_sets_and_flashes_the_control(qtbot, window):
    panel = window.demo_panel
    assert panel.apply_link("learning-rate", {"lr": "2.1"})
    control = panel.demo.controls["lr"]
    assert panel.demo.params["lr"] == 2.1
    assert "background-color" in control.styleSheet()
    qtbot.waitUntil(lambda: control.styleSheet() == "", timeout=4000)


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_export_the_plot(tmp_path, window, kind):
    path = tmp_path / f"plot.{kind}"
    assert window.save_plot(path, kind)
    assert path.stat().st_size > 2000
    if kind == "png":
        from PySide6.QtGui import QImage

        image = QImage(str(path))
        figure = window.demo_panel.demo.figure()
        assert image.width() == 2 * figure.width() and image.height() == 2 * figure.height()
    else:
        assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_an_svg_holds_the_plot_as_shapes_and_text_at_its_size(tmp_path, window):
    """Axes that keep a picture of themselves for the screen, and pyqtgraph's markers, are drawn
    as shapes and text in an SVG (not as copies of screen pixels), in the right places: the
    axes' recorded pictures are played back at their own resolution. The screen's caches are
    back afterwards."""
    import re

    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QGraphicsItem

    path = tmp_path / "plot.svg"
    assert window.save_plot(path, "svg")
    text = path.read_text(encoding="utf-8")
    figure = window.demo_panel.demo.figure()
    assert "<image" not in text
    assert len(re.findall(r"<text", text)) >= 10  # tick labels, titles
    assert QSvgRenderer(str(path)).viewBox() == figure.rect()
    cached = [item for item in figure.scene().items()
              if item.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache]
    assert len(cached) >= 2  # the axes, cached again for the screen


def test_handout_pdf_and_html(tmp_path, window, state):
    pdf = tmp_path / "lr.pdf"
    assert window.save_handout(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    state.set_lang("en")
    html = tmp_path / "lr.html"
    assert window.save_handout(html)
    text = html.read_text(encoding="utf-8")
    assert "data:image/png;base64," in text and "Learning-rate demo" in text
    assert "Answer key" in text and "data:image/svg+xml;base64," in text


def test_an_unwritable_handout_is_reported_not_raised(tmp_path, window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args))
    assert not window.save_handout(tmp_path / "no-such-folder" / "x.pdf")
    assert shown and "x.pdf" in shown[0][2]


def test_shortcuts_dialog_lists_keys_in_the_language(qtbot, window, state):
    window.actions_by_key["action.shortcuts"].trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "shortcuts-dialog" and w.isVisible())
    table = dialog.table
    assert table.rowCount() > 10 and table.item(0, 0).text() == "F1, ?"
    assert table.horizontalHeaderItem(1).text() == "作用"
    dialog.close()


def test_the_summary_reaches_screen_readers(window):
    demo = window.demo_panel.demo
    assert demo.summary().startswith("收敛")
    assert demo.figure().accessibleDescription() == demo.summary()
    demo.set_param("lr", 2.5)
    assert "发散" in demo.summary() and demo.figure().accessibleDescription() == demo.summary()


def test_each_demo_remembers_its_parameters_between_runs(qtbot, content):
    from explorer.qt.main_window import MainWindow

    settings, _ = open_settings()
    state = ExplorerState(content.tree, "learning-rate", "zh")
    window = MainWindow(state, content, settings)
    qtbot.addWidget(window)
    state.set_params({"lr": 0.3})
    state.go("epoch")
    state.go("learning-rate")
    assert state.params == {"lr": 0.3}  # shown as it was left
    window.save()
    again, _ = open_settings()
    state2 = ExplorerState(content.tree, "epoch", "zh")
    window2 = MainWindow(state2, content, again)
    qtbot.addWidget(window2)
    state2.go("learning-rate")
    assert state2.params == {"lr": 0.3}


def test_reset_to_defaults(qtbot, content, monkeypatch):
    from explorer.qt import theme as themes
    from explorer.qt.main_window import MainWindow

    settings, _ = open_settings()
    state = ExplorerState(content.tree, "learning-rate", "zh")
    window = MainWindow(state, content, settings)
    qtbot.addWidget(window)
    window.set_theme("dark")
    window.set_zoom(1.5)
    state.set_params({"lr": 0.3})
    window.bookmarks.toggle()
    window.save()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    window.actions_by_key["action.reset_settings"].trigger()
    assert window.zoom == 1.0 and window.theme_choice == "auto" and state.params == {}
    assert settings.value("view/zoom") is None and window.bookmarks.ids == ["learning-rate"]
    themes.apply_theme(themes.LIGHT)


def test_qt_own_dialog_buttons_follow_the_language(window, state):
    from PySide6.QtWidgets import QDialogButtonBox

    def yes_text():
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes)
        return box.button(QDialogButtonBox.StandardButton.Yes).text()

    assert yes_text() != "&Yes"  # Chinese
    state.set_lang("en")
    assert yes_text() == "&Yes"


@pytest.mark.parametrize("demo_id", ["prompt-builder", "stdlib", "retrieval", "quantization"])
def test_every_kind_of_demo_exports_and_goes_into_a_handout(tmp_path, qtbot, window, state, demo_id):
    """Text demos have no plot view: their figure is the widget itself, drawn with its children
    (a plain widget's render() needs an offset, which once raised a TypeError from the menu)."""
    topic = next(topic.id for topic in state.tree if topic.demo == demo_id)
    state.go(topic)
    qtbot.waitUntil(lambda: window.demo_panel.demo.figure().isVisible())  # a new widget is shown by the event loop
    for kind in ("png", "svg"):
        path = tmp_path / f"{demo_id}.{kind}"
        assert window.save_plot(path, kind) and path.stat().st_size > 1000
    handout = tmp_path / f"{demo_id}.html"
    assert window.save_handout(handout)
    assert "data:image/png;base64," in handout.read_text(encoding="utf-8")
