"""The handout: the page, the demo picture, questions without answers, then the answer key."""

import pytest

from explorer.core import handout
from explorer.core.content import load_content


@pytest.fixture(scope="module")
def content():
    return load_content()


def test_a_handout_has_the_page_questions_and_a_separate_answer_key(content):
    topic = content.tree.get("learning-rate")
    text = handout.handout_html(topic, "en", content.tree, lambda key: f"img-{key}",
                                handout.DemoPicture("picture.png", "Learning-rate demo", "Converging"))
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text and 'charset="utf-8"' in text
    assert "<h1>Learning rate</h1>" in text
    assert 'src="picture.png"' in text and "Learning-rate demo — Converging" in text
    assert "formula:" not in text and 'src="img-' in text
    assert 'href="topic:' not in text and 'href="demo:' not in text  # app links become plain text
    questions, answers = text.split('<div class="answers">')
    question = topic.page("en").questions[0]
    assert question.explanation[:30] not in questions  # no answers before the key
    assert "Answer key" in answers and question.explanation[:20] in answers
    assert 'class="choices"' in questions


def test_chinese_handout_and_no_demo(content):
    topic = content.tree.get("epoch")
    text = handout.handout_html(topic, "zh", content.tree, lambda key: "x")
    assert '<html lang="zh">' in text and "答案" in text and "<h1>轮次与早停</h1>" in text
    assert 'class="demo"' not in text


def test_formulas_become_svg_data_uris(content):
    from explorer.core import formulas

    key = formulas.register("x^2", False)
    uri = handout.svg_data_uri(key)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert handout.svg_data_uri("0" * 12) == ""
