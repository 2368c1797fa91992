"""The pipeline demo widget: invoke, batch and stream, reordering and switching blocks off (the
code and the data follow), type errors shown at their block, every control at its extremes,
both languages, typing, and the stream timer stopped on clean-up."""

import pytest
from PySide6.QtGui import QColor, QFontInfo

from explorer.core import pipeline
from explorer.qt.demos.pipeline_demo import ERROR_MARK, PipelineDemo


@pytest.fixture
def demo(make_demo):
    return make_demo(PipelineDemo, "zh")


def column(demo, index=1):
    table = demo.flow_table
    return [table.item(row, index).text() for row in range(table.rowCount())]


def core_chain(demo):
    return pipeline.build_chain(demo.blocks, demo.settings())


def test_invoke_shows_the_data_between_the_blocks(demo):
    assert demo.mode == "invoke" and demo.mode_buttons["invoke"].isChecked()
    assert demo.template_edit.text() == pipeline.TEMPLATES["explain"]["zh"]
    assert demo.inputs_edit.toPlainText().splitlines() == list(pipeline.EXAMPLE_INPUTS["explain"]["zh"])
    trace = pipeline.trace_invoke(core_chain(demo), {"topic": "学习率"})
    values = column(demo)
    assert demo.flow_table.columnCount() == 2 and len(values) == 4
    assert values[0] == '{"topic": "学习率"}'
    assert values[1] == trace.values[1].text == "用一句话解释学习率：学习率"
    assert values[3] == (trace.output or "（空字符串）")
    assert column(demo, 0)[2].startswith("2. 本地模型") and "消息" in column(demo, 0)[2]
    assert demo.summary_label.text().startswith("invoke：3 步依次运行")
    assert demo.detail_label.text() == "数据类型：字典 → 提示值 → 消息（AIMessage） → 字符串"
    code = demo.code_view.toPlainText()
    assert "chain = prompt | llm | StrOutputParser()" in code and code.endswith('chain.invoke({"topic": "学习率"})')
    assert demo.code_view.isReadOnly() and QFontInfo(demo.code_view.font()).fixedPitch()


def test_batch_runs_every_line_in_its_own_column(demo):
    demo.mode_buttons["batch"].click()
    assert demo.mode == "batch"
    lines = pipeline.EXAMPLE_INPUTS["explain"]["zh"]
    table = demo.flow_table
    assert table.columnCount() == 1 + len(lines)
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == ["步骤", "输入 1", "输入 2", "输入 3"]
    chain = core_chain(demo)
    outputs = chain.batch([{"topic": line} for line in lines])
    for index, output in enumerate(outputs, start=1):
        assert column(demo, index)[-1] == (output or "（空字符串）")
    assert demo.summary_label.text().startswith("batch：3 个输入")
    assert "chain.batch([" in demo.code_view.toPlainText()


def test_batch_stops_at_eight_inputs(demo):
    demo.mode_buttons["batch"].click()
    demo.inputs_edit.setPlainText("\n".join(f"topic {n}" for n in range(12)))
    assert demo.flow_table.columnCount() == 1 + pipeline.MAX_BATCH
    assert "只运行前 8 行" in demo.summary_label.text()


def test_stream_plays_to_the_end_and_agrees_with_invoke(demo, qtbot):
    invoked = column(demo)
    demo.mode_buttons["stream"].click()
    assert demo.mode == "stream" and demo.playback.is_playing()
    assert demo.flow_table.horizontalHeaderItem(1).text() == "stream 的输出（第一行）"
    qtbot.waitUntil(lambda: not demo.playback.is_playing(), timeout=10000)
    assert column(demo) == invoked
    total = demo.stream_run.total
    assert demo.playback.progress_label.text() == f"第 {total}/{total} 个词元"
    assert f"模型已产出 {total}/{total} 个词元" in demo.summary_label.text()
    assert "for chunk in chain.stream(" in demo.code_view.toPlainText()


def test_stepping_a_stream_shows_a_plain_function_waiting(demo):
    demo.set_block_enabled("sentence", True)
    demo.run("stream")
    demo.playback.reset()
    values = column(demo)
    assert values[1] == "用一句话解释学习率：学习率"  # the prompt is whole before the model starts
    assert values[2] == values[3] == "（还没有收到块）"
    assert values[4] == "（等待完整的输入……）"  # a plain function after the model
    demo.playback.step()
    values = column(demo)
    if demo.stream_run.total > 1:
        assert values[2] == values[3] != "（还没有收到块）"
        assert values[4] == "（等待完整的输入……）"
        assert "普通函数要等完整的输入" in demo.detail_label.text()
    demo.playback.show_all()
    assert column(demo)[4] == pipeline.first_sentence(demo.stream_run.value(2))


def test_playback_buttons_switch_to_stream(demo):
    demo.playback.step_button.click()
    assert demo.mode == "stream" and demo.mode_buttons["stream"].isChecked()
    demo.mode_buttons["invoke"].click()
    assert demo.mode == "invoke" and demo.flow_table.horizontalHeaderItem(1).text() == "输入 1"


def test_reordering_updates_the_code_and_marks_the_error(demo):
    demo.block_list.setCurrentRow(2)  # the string parser
    demo.up_button.click()  # prompt, str, model: a parser before the model
    assert [block for block, _ in demo.blocks][:3] == ["prompt", "str", "model"]
    assert "chain = prompt | StrOutputParser() | llm" in demo.code_view.toPlainText()
    values = column(demo)
    assert values[2] == ERROR_MARK + "需要消息（AIMessage）或字符串，却收到了提示值"
    assert column(demo, 0)[2].startswith("2. 字符串解析器")
    assert values[3] == "—（没有运行到这里）"
    assert demo.flow_table.item(2, 1).foreground().color() == QColor(demo.theme.bad)
    item = demo._item("str")
    assert item.text().startswith(ERROR_MARK) and item.foreground().color() == QColor(demo.theme.bad)
    assert not demo._item("model").text().startswith(ERROR_MARK)
    assert demo.summary_label.text() == "第 2 步“字符串解析器”出错，链停在这里：需要消息（AIMessage）或字符串，却收到了提示值"
    assert demo.detail_label.text() == "数据类型：字典 → 提示值 → ✘。把产出消息（AIMessage）或字符串的方块放到它前面，或者关掉它。"
    demo.run("batch")
    assert demo.summary_label.text().startswith("batch：3 个输入里有 3 个出错；第一个停在第 2 步“字符串解析器”")
    demo.run("stream")
    assert demo.summary_label.text().startswith("第 2 步“字符串解析器”出错")
    demo.run("invoke")
    demo.down_button.click()  # back: prompt, model, str
    assert not item.text().startswith(ERROR_MARK) and "chain = prompt | llm | StrOutputParser()" in demo.code_view.toPlainText()


def test_dragging_a_block_reorders_the_chain(demo):
    model = demo.block_list.model()
    assert model.moveRow(model.index(0, 0).parent(), 0, model.index(0, 0).parent(), 3)  # the prompt after the parser
    assert [block for block, _ in demo.blocks][:3] == ["model", "str", "prompt"]
    assert "chain = llm | StrOutputParser() | prompt" in demo.code_view.toPlainText()
    assert column(demo)[1] == ERROR_MARK + "需要提示值或字符串，却收到了字典"
    assert "第 1 步“本地模型（n 元语法）”出错" in demo.summary_label.text()


def test_switching_blocks_off_and_on(demo):
    demo.set_block_enabled("str", False)
    assert demo.flow_table.rowCount() == 3
    assert "chain = prompt | llm\n" in demo.code_view.toPlainText()
    assert "StrOutputParser" not in demo.code_view.toPlainText()
    demo.set_block_enabled("list", True)
    assert "chain = prompt | llm | CommaSeparatedListOutputParser()" in demo.code_view.toPlainText()
    assert column(demo)[-1].startswith("[")
    demo.set_block_enabled("sentence", True)  # a function on a message: an error at that block
    assert column(demo)[3] == ERROR_MARK + "需要字符串，却收到了消息（AIMessage）"
    for block_id in pipeline.BLOCK_IDS:
        demo.set_block_enabled(block_id, False)
    assert demo.flow_table.rowCount() == 1 and "RunnablePassthrough()" in demo.code_view.toPlainText()
    assert demo.summary_label.text().startswith("没有启用任何方块")
    demo.run("stream")
    demo.run("batch")


def test_the_question_template_and_a_missing_variable(demo):
    demo.set_param("template", "qa")
    assert demo.template_edit.text() == pipeline.TEMPLATES["qa"]["zh"]
    assert column(demo)[0] == '{"question": "什么是过拟合？", "topic": "过拟合"}'
    demo.inputs_edit.setPlainText("什么是注意力？")
    assert column(demo)[1] == ERROR_MARK + "缺少变量 topic（输入里有 question）"
    assert demo.detail_label.text().endswith("一行可以写成 question=…; topic=…")
    assert demo._item("prompt").text().startswith(ERROR_MARK)


@pytest.mark.parametrize("spec", pipeline.PARAMS, ids=lambda spec: spec.name)
def test_every_control_at_its_extremes(demo, spec):
    values = spec.choices if spec.kind == "choice" else (spec.min, spec.max)
    for mode in ("invoke", "batch", "stream"):
        demo.run(mode)
        for value in values:
            demo.set_param(spec.name, value)
            assert demo.summary_label.text() and demo.detail_label.text()
            assert all(demo.flow_table.item(row, 1).text() for row in range(demo.flow_table.rowCount()))
            demo.grab()
    demo.playback.pause()


def test_max_tokens_limits_the_stream(demo):
    demo.set_param("max_tokens", 1)
    demo.run("stream")
    assert demo.stream_run.total <= 1
    demo.playback.show_all()
    assert demo.playback.progress_label.text() in ("第 1/1 个词元", "第 0/0 个词元")


def test_empty_and_odd_texts(demo):
    demo.template_edit.clear()
    demo.template_edit.textEdited.emit("")
    demo.inputs_edit.clear()
    for mode in ("invoke", "batch", "stream"):
        demo.run(mode)
        assert demo.summary_label.text()
    demo.playback.pause()
    demo.template_edit.setText("{a} {{b}} {0} {x.y} {")
    demo.template_edit.textEdited.emit(demo.template_edit.text())
    demo.inputs_edit.setPlainText("a=1; b=2\n{__class__}\n" + "长" * 2000)
    demo.run("batch")
    assert column(demo, 1)[1] == "1 {b} {0} {x.y} {"
    assert column(demo, 2)[1] == "{__class__} {b} {0} {x.y} {"


def test_typing_updates_the_view_at_once(demo, qtbot):
    demo.inputs_edit.selectAll()
    qtbot.keyClicks(demo.inputs_edit, "dropout")
    assert column(demo)[0] == '{"topic": "dropout"}'
    assert demo.typing_field is demo.inputs_edit
    demo.template_edit.selectAll()
    qtbot.keyClicks(demo.template_edit, "Say {topic}")
    assert column(demo)[1] == "Say dropout"
    assert 'from_template("Say {topic}")' in demo.code_view.toPlainText()


def test_both_languages_and_presets_follow_until_edited(demo):
    demo.set_lang("en")
    assert demo.template_edit.text() == pipeline.TEMPLATES["explain"]["en"]
    assert column(demo)[0] == '{"topic": "learning rate"}'
    assert demo.summary_label.text().startswith("invoke: 3 steps ran in order")
    assert demo.mode_buttons["batch"].text() == "batch (one per line)"
    assert demo._item("model").text() == "Local model (n-gram)"
    assert "# in the demo this step is the local n-gram model" in demo.code_view.toPlainText()
    assert demo.flow_table.horizontalHeaderItem(0).text() == "Step"
    demo.inputs_edit.setPlainText("my own topic")
    demo.set_lang("zh")
    assert demo.inputs_edit.toPlainText() == "my own topic"  # edited: kept
    assert demo.template_edit.text() == pipeline.TEMPLATES["explain"]["zh"]  # not edited: switched
    assert demo.summary_label.text().startswith("invoke：")


def test_cleanup_and_hiding_stop_the_stream_timer(demo):
    demo.run("stream")
    assert demo.playback.timer.isActive()
    demo.hide()
    assert not demo.playback.timer.isActive()
    demo.show()
    demo.run("stream")
    assert demo.playback.timer.isActive()
    demo.cleanup()
    assert not demo.playback.timer.isActive()


def test_a_change_while_streaming_shows_the_finished_stream(demo):
    demo.run("stream")
    demo.set_param("seed", 7)
    assert not demo.playback.is_playing()
    assert demo.playback.progress_label.text() == f"第 {demo.stream_run.total}/{demo.stream_run.total} 个词元"
