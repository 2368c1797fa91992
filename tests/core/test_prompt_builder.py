"""The prompt builder's core: assembly order and delimiters, escaping, every checklist item
ticking and unticking in both languages, the presets and the rough token estimate."""

import pytest

from explorer.core import prompt_builder as pb

FULL = {
    "role": "ROLE", "task": "TASK", "context": "CONTEXT", "constraints": "CONSTRAINTS",
    "input": "INPUT", "output": "OUTPUT", "examples": "EX1\n\nEX2",
}


def states(fields, delimiter="xml", shots=pb.MAX_SHOTS):
    return {check.item: check.state for check in pb.checklist(fields, delimiter, shots)}


def test_parts_come_in_the_order_of_the_skeleton_with_headings():
    prompt = pb.assemble(FULL, "xml", "en")
    assert [segment.part for segment in prompt.segments] == list(pb.PARTS)
    text = prompt.text
    positions = [text.index(word) for word in ("ROLE", "TASK", "CONTEXT", "CONSTRAINTS", "INPUT", "OUTPUT", "EX1")]
    assert positions == sorted(positions)
    assert "Context:\nCONTEXT" in text and "Requirements:\nCONSTRAINTS" in text
    assert "Output format:\nOUTPUT" in text and "Examples:\nEX1\n\nEX2" in text
    assert "\n\n".join(segment.text for segment in prompt.segments) == text
    zh = pb.assemble(FULL, "xml", "zh").text
    assert "要求：\nCONSTRAINTS" in zh and "输出格式：\nOUTPUT" in zh


@pytest.mark.parametrize("delimiter, start, end", [
    ("xml", "<input>", "</input>"), ("quotes", '"""', '"""'), ("hashes", "###", "###"), ("backticks", "```", "```"),
])
def test_the_input_is_wrapped_in_the_chosen_delimiter(delimiter, start, end):
    segment = pb.assemble({"input": "line one\nline two"}, delimiter, "en").segments[0]
    lines = segment.text.split("\n")
    assert lines[1:] == [start, "line one", "line two", end]
    assert lines[0] == pb.INPUT_HEADINGS["en"][delimiter]


def test_no_delimiter_leaves_the_input_bare_and_empty_parts_are_left_out():
    prompt = pb.assemble({"task": "  Summarize.  ", "input": "text", "role": "   "}, "none", "zh")
    assert prompt.text == "Summarize.\n\n输入材料：\ntext"
    assert pb.assemble({}, "xml", "en").segments == ()


def test_shots_keep_the_first_examples():
    fields = {"examples": "A\n\n\nB\n  \nC"}
    assert pb.split_examples(fields["examples"]) == ["A", "B", "C"]
    prompt = pb.assemble(fields, shots=2)
    assert prompt.examples_used == 2 and prompt.examples_written == 3 and prompt.segments[0].text.endswith("A\n\nB")
    assert pb.assemble(fields, shots=0).segments == ()


def test_user_text_is_escaped_in_the_html():
    fields = {"task": "<b>bold</b> & <script>alert(1)</script>", "input": "a < b"}
    prompt = pb.assemble(fields, "xml", "en")
    colours = dict(zip(pb.PARTS, ("#0072b2",) * len(pb.PARTS)))
    markup = pb.prompt_html(prompt, colours)
    assert "&lt;script&gt;" in markup and "<script>" not in markup and "<b>bold" not in markup
    assert "&amp;" in markup and "&lt;input&gt;" in markup and "a &lt; b" in markup
    assert 'name="part-task"' in markup and 'name="part-input"' in markup
    assert pb.prompt_html(pb.assemble({}), colours, empty="<none>") == "<p>&lt;none&gt;</p>"


def test_the_tint_mixes_the_colour_into_the_background():
    assert pb._blend("#000000", "#ffffff", 0.5) == "#808080"
    assert pb._blend("#0072b2", "#ffffff", 0.0) == "#ffffff"


# Each item: texts that tick it and texts that do not, in both languages, in the fields it reads.
TICKS = {
    "task": [({"task": "请总结下面的文章。"}, {"task": "帮我处理一下这个。"}),
             ({"task": "Summarize the article below."}, {"task": "Deal with this for me."})],
    "audience": [({"constraints": "读者是初中生。"}, {"constraints": "语气友好。"}),
                 ({"task": "Explain overfitting to beginners."}, {"task": "Explain overfitting."})],
    "length": [({"constraints": "不超过 200 字。"}, {"constraints": "语气正式。"}),
               ({"constraints": "Use at most 50 words."}, {"constraints": "Use a formal tone."})],
    "output": [({"output": "用 JSON 输出。"}, {"output": "好好写。"}),
               ({"output": "Answer as a table with two columns."}, {"output": "Do it well."})],
    "condition": [({"constraints": "如果文中没有步骤，就回答“未提供步骤”。"}, {"constraints": "要认真。"}),
                  ({"output": "Use null when a field is missing."}, {"output": "Be careful."})],
    "examples": [({"examples": "输入：好 → 正面"}, {"examples": "  \n "}),
                 ({"examples": "Input: great → positive"}, {"examples": ""})],
}


@pytest.mark.parametrize("item", sorted(TICKS))
@pytest.mark.parametrize("lang", [0, 1])
def test_every_item_ticks_and_unticks(item, lang):
    ticked, unticked = TICKS[item][lang]
    assert states(ticked)[item] is True
    assert states(unticked)[item] is False
    found = next(check for check in pb.checklist(ticked) if check.item == item)
    assert found.evidence


def test_items_read_only_their_fields():
    # The material (input, examples) is not instructions: an audience word there does not count.
    assert states({"input": "各位同学：考试不超过 90 分钟。", "examples": "for students"})["audience"] is False
    assert states({"context": "Keep it under 100 words."})["length"] is False  # context is not read for length


def test_delimiters_do_not_apply_without_input_and_are_found_when_written_by_hand():
    assert states({"task": "Write a poem."})["delimiters"] is None
    assert states({"input": "text"}, "xml")["delimiters"] is True
    assert states({"input": "text"}, "none")["delimiters"] is False
    assert states({"input": "<notice>\ntext\n</notice>"}, "none")["delimiters"] is True
    assert states({"input": "```\ntext\n```"}, "none")["delimiters"] is True
    assert states({"input": "<a>text</b>"}, "none")["delimiters"] is False


def test_shots_zero_unticks_the_examples():
    assert states({"examples": "A\n\nB"}, shots=0)["examples"] is False
    assert states({"examples": "A\n\nB"}, shots=1)["examples"] is True


def test_score_counts_only_the_items_that_apply():
    checks = pb.checklist({"task": "Summarize this for beginners in at most 30 words."})
    assert pb.score(checks) == (3, len(pb.ITEMS) - 1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_vague_preset_scores_lower_than_the_specific_one(lang):
    vague = pb.score(pb.checklist(pb.preset_fields("vague", lang)))
    specific = pb.score(pb.checklist(pb.preset_fields("specific", lang)))
    assert vague[0] == 0 and specific[0] >= 4 and vague[1] == specific[1]
    for name in ("notice", "reviews"):
        assert pb.score(pb.checklist(pb.preset_fields(name, lang)))[0] >= 5


def test_presets_exist_in_both_languages_with_the_same_parts():
    for name in pb.PRESETS:
        zh, en = pb.preset_fields(name, "zh"), pb.preset_fields(name, "en")
        assert set(zh) == set(en) == set(pb.PARTS)
        assert [part for part in pb.PARTS if zh[part]] == [part for part in pb.PARTS if en[part]]
        assert all(not pb._HAN.search(text) for text in en.values()), name
        assert zh["task"] and pb._HAN.search(zh["task"])


def test_params_cover_the_presets_and_delimiters():
    by_name = {spec.name: spec for spec in pb.PARAMS}
    assert by_name["preset"].choices == pb.PRESETS and by_name["delimiter"].choices == pb.DELIMITERS
    for spec in pb.PARAMS:
        assert set(spec.label) == {"zh", "en"}
        for choice in spec.choices:
            assert set(spec.choice_labels[choice]) == {"zh", "en"}


def test_the_token_estimate_is_rough_but_consistent():
    assert pb.estimate_tokens("") == 0
    assert pb.estimate_tokens("学习率") == 3
    assert pb.estimate_tokens("学习率。") == 4
    assert pb.estimate_tokens("one two three") == 4  # 3 words / 0.75
    assert pb.estimate_tokens("the learning rate 学习率") == 4 + 3
