"""Markdown → the HTML subset QTextBrowser shows, with safe links and images."""

from pathlib import Path

import pytest

from explorer.core.render import markdown_to_html, render_topic
from explorer.core.selfcheck import SelfCheck, selfcheck_html
from explorer.core.topics import Question, Topic, TopicPage, TopicTree


def test_tables_get_borders_and_code_blocks_stay_code():
    html = markdown_to_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n")
    assert '<table border="1" cellpadding="6" cellspacing="0">' in html or 'border="1"' in html
    assert "<th>a</th>" in html and "<td>2</td>" in html
    assert "<pre><code" in html and "x = 1" in html


def test_headings_get_anchors_and_lists_render():
    html = markdown_to_html("## 常见误区\n\n- one\n- two\n\n1. first\n2. second\n")
    assert '<h2 id="' in html and "<ul>" in html and "<ol>" in html


def test_topic_and_demo_links_keep_the_scheme_path_form():
    html = markdown_to_html("[分词](topic:分词) [x](topic:gone) [d](demo:learning-rate?lr=1.9&steps=20)", known_topics={"分词"})
    assert 'href="topic:分词"' in html and 'class="topic-link"' in html
    assert 'class="broken-link"' in html
    assert 'href="demo:learning-rate?lr=1.9&amp;steps=20"' in html


def test_raw_html_is_shown_as_text_and_unsafe_links_are_dropped():
    html = markdown_to_html('<script>alert(1)</script>\n\n<b>bold</b> [x](javascript:alert(1)) [f](file:///etc/passwd)')
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert "javascript:" not in html and "file:" not in html


def test_images_must_stay_inside_the_topic_folder():
    html = markdown_to_html("![ok](figures/a.png) ![web](https://example.org/a.png) ![up](../secret.png) ![abs](/etc/a.png)")
    assert 'src="figures/a.png"' in html
    assert "example.org" not in html.replace("[web]", "") and "../secret" not in html.split("[up]")[0]
    assert html.count('class="missing-image"') == 3


def make_tree():
    pages = {
        "zh": TopicPage("zh", "学习率", "正文 [父](topic:parent)", Path("lr.zh.md"),
                        questions=(Question("η 太大?", "发散", "因为 |1−ηλ| > 1。", ("收敛", "发散")),)),
        "en": TopicPage("en", "Learning rate", "Body", Path("lr.en.md")),
    }
    parent = Topic("parent", pages={"zh": TopicPage("zh", "训练", "", Path("p.zh.md")), "en": TopicPage("en", "Training", "", Path("p.en.md"))})
    child = Topic("lr", "parent", demo="learning-rate", related=("parent",), pages=pages)
    return TopicTree({"parent": parent, "lr": child})


def test_page_has_title_breadcrumb_questions_and_related():
    tree = make_tree()
    html = render_topic(tree.get("lr"), "zh", tree)
    assert "<h1>学习率</h1>" in html and 'href="topic:parent"' in html
    assert "自测题" in html and 'href="choose:1/0"' in html and "A. 收敛" in html
    assert "点一个选项作答" in html and "答对" not in html and "因为" not in html
    assert "相关主题" in html


def test_picking_and_checking_an_answer():
    tree = make_tree()
    state = SelfCheck()
    assert state.follow("choose", "1/0")
    html = render_topic(tree.get("lr"), "zh", tree, state)
    assert "● A. 收敛" in html and 'href="check:1"' in html and "不对" not in html
    assert state.follow("check", "1")
    html = render_topic(tree.get("lr"), "zh", tree, state)
    assert "不对,正确答案是 B" in html and "|1−ηλ| &gt; 1" in html and 'href="retry:1"' in html
    assert 'href="choose:1/1"' not in html  # choices are fixed once checked
    state.follow("retry", "1")
    state.follow("choose", "1/1")
    state.follow("check", "1")
    assert "答对了" in render_topic(tree.get("lr"), "zh", tree, state)


def test_an_open_question_shows_and_hides_its_answer():
    question = Question("为什么?", "因为曲率。", "解释。")
    state = SelfCheck()
    html = selfcheck_html([question], "en", state, str)
    assert 'href="answer:1"' in html and "因为曲率" not in html and "Show answer" in html
    state.follow("answer", "1")
    assert "因为曲率" in selfcheck_html([question], "en", state, str)
    assert not state.follow("check", "x") and not state.follow("nope", "1")


def test_english_page_is_english():
    tree = make_tree()
    html = render_topic(tree.get("lr"), "en", tree)
    assert "<h1>Learning rate</h1>" in html and "Related topics" in html and "学习率" not in html


def test_rendered_bodies_come_back_from_the_disk_cache_with_their_formulas(tmp_path):
    from explorer.core import formulas, render

    body = "Block:\n\n$$\\eta < 2/\\lambda$$\n\nand inline $x_{t+1} = x_t$ with [a link](topic:lr)."
    registered = dict(formulas._sources)  # other cached renderings rely on the registry: put it back after
    try:
        render.use_disk_cache(tmp_path)
        first = render._cached_html(body, frozenset({"lr"}))
        files = list(tmp_path.glob("body-*.html"))
        assert len(files) == 1 and files[0].read_text(encoding="utf-8") == first
        keys = render._FORMULA_TAG.findall(first)
        assert len(keys) == 2 and keys[0][0]  # the display formula is marked as a block
        formulas._sources.clear()
        render._cached_html.cache_clear()
        again = render._cached_html(body, frozenset({"lr"}))
        assert again == first
        assert formulas.source(formulas.register("\\eta < 2/\\lambda", True)) == ("\\eta < 2/\\lambda", True)
        assert len(formulas._sources) == 2  # both formulas were registered again from the cached tags
        # Another set of known topics renders the links differently, so it is another entry.
        render._cached_html(body, frozenset())
        assert len(list(tmp_path.glob("body-*.html"))) == 2
    finally:
        render.use_disk_cache(None)
        formulas._sources.update(registered)


def test_pages_rendered_ahead_need_no_markdown_when_they_are_opened(monkeypatch):
    from explorer.core import render

    tree = make_tree()
    render._cached_html.cache_clear()
    done = list(render.render_ahead(tree, ["en", "zh"]))
    assert done == tree.reading_order * 2  # one topic per step, every language in turn

    def no_markdown(*_args):
        raise AssertionError("a page rendered ahead was rendered again")

    monkeypatch.setattr(render, "markdown_to_html", no_markdown)
    for lang in ("zh", "en"):
        for topic in tree:
            assert "<h1>" in render_topic(topic, lang, tree)


@pytest.mark.parametrize("latex", ["x_{学习率}", "\\eta，\\lambda", "ｘ + 1"])
def test_chinese_text_inside_a_formula_is_refused_with_a_message(latex):
    from explorer.core import formulas

    with pytest.raises(formulas.FormulaError, match="outside the"):
        formulas.svg(latex, False, 20.0)
