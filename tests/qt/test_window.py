"""The main window: tree, page and demo follow one state."""

from PySide6.QtCore import Qt, QUrl

from explorer.qt.demos.learning_rate import LearningRateDemo
from explorer.qt.topic_tree import TOPIC_ID_ROLE


def test_starts_with_tree_page_and_demo(window):
    assert window.tree_view.currentIndex().data(TOPIC_ID_ROLE) == "learning-rate"
    assert "学习率" in window.page.toPlainText()
    assert isinstance(window.demo_panel.demo, LearningRateDemo)
    assert window.windowTitle().startswith("学习率")


def test_choosing_a_topic_in_the_tree_updates_page_and_demo(window, state):
    item = window.tree_view.item_for("training")
    window.tree_view.setCurrentIndex(item.index())
    assert state.topic_id == "training"
    assert window.page.toPlainText().startswith("训练基础")
    assert not window.demo_panel.isVisible()  # the page gets the whole width
    demo = window.demo_panel.demo
    state.go("learning-rate", {"lr": "0.7"})
    assert window.demo_panel.isVisible() and window.demo_panel.demo is demo  # kept, not rebuilt
    assert demo.params["lr"] == 0.7


def test_topic_link_navigates_and_back_returns(window, state):
    window.page.anchorClicked.emit(QUrl("topic:training"))
    assert state.topic_id == "training"
    assert window.tree_view.currentIndex().data(TOPIC_ID_ROLE) == "training"
    window.actions_by_key["action.back"].trigger()
    assert state.topic_id == "learning-rate"
    assert window.tree_view.currentIndex().data(TOPIC_ID_ROLE) == "learning-rate"
    window.actions_by_key["action.forward"].trigger()
    assert state.topic_id == "training"


def test_demo_link_sets_the_slider(window, state):
    window.page.anchorClicked.emit(QUrl("demo:learning-rate?lr=1.9&curvature=1"))
    demo = window.demo_panel.demo
    assert demo.params["lr"] == 1.9
    assert demo.controls["lr"].spin.value() == 1.9
    assert demo.controls["lr"].slider.value() == demo.controls["lr"]._to_slider(1.9)
    assert state.params == {"lr": "1.9", "curvature": "1"}


def test_demo_link_from_another_topic_opens_the_demo_topic(window, state):
    state.go("training")
    window.page.anchorClicked.emit(QUrl("demo:learning-rate?lr=0.5"))
    assert state.topic_id == "learning-rate"
    assert window.demo_panel.demo.params["lr"] == 0.5


def test_moving_a_control_updates_the_state(window, state):
    demo = window.demo_panel.demo
    demo.controls["lr"].spin.setValue(0.3)
    assert state.params["lr"] == 0.3
    assert "lr=0.3" in state.deep_link()


def test_self_check_pick_check_and_retry(window, state):
    question = state.tree.get("learning-rate").page("zh").questions[0]
    wrong = next(i for i, c in enumerate(question.choices) if c != question.answer)
    assert "检查答案" not in window.page.toPlainText()
    window.page.anchorClicked.emit(QUrl(f"choose:1/{wrong}"))
    assert "检查答案" in window.page.toPlainText()
    window.page.anchorClicked.emit(QUrl("check:1"))
    text = window.page.toPlainText()
    assert "不对,正确答案是" in text and "再做一次" in text
    window.page.anchorClicked.emit(QUrl("retry:1"))
    window.page.anchorClicked.emit(QUrl(f"choose:1/{question.choices.index(question.answer)}"))
    window.page.anchorClicked.emit(QUrl("check:1"))
    assert "答对了" in window.page.toPlainText()
    state.go("training")
    state.back()
    assert "答对了" not in window.page.toPlainText()  # nothing is kept about the student


def test_language_switch_retitles_everything(window, state):
    window.language_actions["en"].trigger()
    assert state.lang == "en"
    tree_titles = [window.tree_view.item_for(t.id).text() for t in state.tree]
    assert "Learning rate" in tree_titles and "Training basics" in tree_titles
    assert window.menus["menu.go"].title() == "&Go"
    assert window.page.toPlainText().startswith("Training basics") or "Learning rate" in window.page.toPlainText()
    assert window.demo_panel.demo.control_labels["lr"].text() == "Learning rate η"
    assert window.demo_panel.demo.path_plot.getAxis("bottom").labelText == "parameter x"


def test_next_and_previous_topic(window, state):
    window.actions_by_key["action.previous_topic"].trigger()
    assert state.topic_id == state.tree.previous_id("learning-rate")
    window.actions_by_key["action.next_topic"].trigger()
    assert state.topic_id == "learning-rate"


def test_zoom_scales_page_and_demo(window):
    before = window.page.document().defaultFont().pointSizeF()
    window.actions_by_key["action.zoom_in"].trigger()
    assert window.page.document().defaultFont().pointSizeF() > before
    window.actions_by_key["action.zoom_reset"].trigger()
    assert window.page.document().defaultFont().pointSizeF() == before


def test_settings_restore_window_language_and_topic(qtbot, content, tmp_path):
    from explorer.core.state import ExplorerState
    from explorer.qt.main_window import MainWindow
    from explorer.qt.settings import open_settings

    settings, damaged = open_settings()
    assert damaged is None
    state = ExplorerState(content.tree, "training", "en")
    first = MainWindow(state, content, settings)
    qtbot.addWidget(first)
    first.resize(700, 500)  # the offscreen screen is 800×600
    first.splitter.setSizes([100, 400, 400])
    first.set_zoom(1.5)
    first.save()
    settings2, _ = open_settings()
    assert settings2.value("view/lang") == "en" and settings2.value("topic/last") == "training"
    second = MainWindow(ExplorerState(content.tree, "training", "en"), content, settings2)
    qtbot.addWidget(second)
    second.restore()
    assert second.zoom == 1.5
    assert abs(second.width() - 700) <= 5 and abs(second.height() - 500) <= 5


def test_damaged_settings_are_set_aside(tmp_path, monkeypatch):
    from explorer.qt.settings import open_settings

    path = tmp_path / "damaged.ini"
    path.write_bytes(b"\x00\xff\xfe garbage \x00")
    monkeypatch.setenv("CONCEPT_EXPLORER_SETTINGS", str(path))
    settings, backup = open_settings()
    assert backup and (tmp_path / backup.split("/")[-1]).exists()
    assert settings.allKeys() == []


def test_tab_walks_the_window_from_left_to_right(qtbot, window):
    order = []
    widget = window.search_panel.field
    for _ in range(3):
        order.append(widget)
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isVisibleTo(window):
            widget = widget.nextInFocusChain()
    assert order[1] is window.tree_view and order[2] is window.page


def test_a_demo_is_kept_when_its_topic_is_left_and_reused_on_return(window, state):
    first = window.demo_panel.demo
    state.set_params({"lr": 0.3})
    state.go("epoch")
    assert window.demo_panel.demo is not first and not first.isVisible()
    state.set_lang("en")
    state.go("learning-rate")
    assert window.demo_panel.demo is first and first.isVisible()
    assert first.lang == "en" and first.params["lr"] == 0.1  # the state's parameters, not the old ones


def test_a_demo_not_kept_is_built_after_its_page_is_painted(window, state, qtbot):
    panel = window.demo_panel
    built, started = [], []
    panel.demo_ready.connect(lambda: built.append(panel._demo))
    panel.deferred_build_started.connect(lambda: started.append(panel._demo))
    state.go("epoch")
    # The page is there at once; the demo waits, with a loading message, for that paint.
    assert "轮次与早停" in window.page.toPlainText()
    assert panel.building and panel._demo is None
    assert panel.message.isVisibleTo(window) and panel.message.text() == "正在加载演示……"
    qtbot.waitUntil(lambda: not panel.building, timeout=5000)
    assert started == [None]  # announced once, before the widget exists
    assert len(built) == 1 and built[0] is panel.demo and panel.demo.isVisible()
    assert not panel.message.isVisibleTo(window)
    assert type(panel.demo).__name__ == "EpochsDemo"


def test_asking_for_a_demo_still_to_be_built_builds_it_at_once(window, state):
    state.go("batch-size", {"epochs": 4})
    assert window.demo_panel.building
    demo = window.demo_panel.demo  # e.g. an export or a lesson step that needs it now
    assert not window.demo_panel.building and demo.isVisible() and demo.params["epochs"] == 4


def test_a_demo_left_before_it_was_built_is_never_built(window, state, qtbot, monkeypatch):
    import dataclasses

    from explorer.qt.demos import REGISTRY

    built = []
    entry = REGISTRY["epochs"]
    monkeypatch.setitem(REGISTRY, "epochs", dataclasses.replace(entry, widget=lambda *a: built.append(1) or entry.widget(*a)))
    state.go("epoch")
    state.go("training")  # no demo: the panel hides, nothing is waiting
    assert not window.demo_panel.building
    qtbot.wait(400)  # past the fallback timer too
    assert built == [] and not window.demo_panel.isVisible()


def test_a_state_change_while_a_demo_waits_keeps_it_waiting(window, state, qtbot):
    panel = window.demo_panel
    state.go("batch-size")
    state.set_params({"epochs": 5})  # still waiting: built later from the state's parameters
    assert panel.building
    qtbot.waitUntil(lambda: not panel.building, timeout=5000)
    assert panel.demo is not None and panel.demo.params["epochs"] == 5
    assert not panel.message.isVisibleTo(window)
    state.go("epoch")
    assert panel.building
    panel.activate()  # a second call, as after the first paint: what waits is built now
    assert not panel.building and type(panel.demo).__name__ == "EpochsDemo"


def test_after_start_up_pages_and_the_local_model_are_ready_ahead_in_idle_time(window, state, qtbot, monkeypatch):
    from explorer.core import render

    qtbot.waitUntil(lambda: not window.idle_work.busy, timeout=30000)
    from explorer.core import ngram

    assert ("zh", ngram.ORDER) in ngram._models  # the local model of the window's language too

    def no_markdown(*_args):
        raise AssertionError("a page rendered ahead was rendered again")

    monkeypatch.setattr(render, "markdown_to_html", no_markdown)
    for lang in ("en", "zh"):
        state.set_lang(lang)
        for topic_id in state.tree.reading_order[:12]:
            state.go(topic_id)
            assert window.page.toPlainText().strip()


def test_a_demo_title_too_long_for_the_header_row_gets_a_row_of_its_own(window, state, qtbot):
    panel = window.demo_panel

    def buttons_row() -> int:
        return panel.header.getItemPosition(panel.header.indexOf(panel.reset_button))[0]

    state.set_lang("en")
    state.go("learning-rate")
    assert panel.demo is not None and panel.title.text() == "Learning-rate demo: gradient descent"
    panel.resize(520, panel.height())
    assert buttons_row() == 1  # the title above the buttons, on one line
    panel.resize(1400, panel.height())
    assert buttons_row() == 0  # room enough: beside them
    state.set_lang("zh")  # a shorter title
    panel.resize(560, panel.height())
    assert buttons_row() == 0
