"""Search: tokens without a dictionary, BM25 over passages, snippets, one index for everything."""

import json
import time

import pytest

from explorer.core import search
from explorer.core.content import load_content


@pytest.fixture(scope="module")
def index():
    return search.SearchIndex.build(load_content().tree)


def test_tokens_make_bigrams_for_chinese_and_words_for_latin():
    assert search.tokens("学习率") == ["学习", "习率"]
    assert search.tokens("Early-stopping, GPT-3!") == ["early", "stopping", "gpt", "3"]
    assert search.tokens("BM25 检索 字") == ["bm25", "检索", "字"]
    assert search.tokens("a字b 㐀") == ["a", "字", "b", "㐀"]
    assert search.tokens("  ") == []


def test_plain_text_leaves_out_link_targets_markup_and_macros():
    text = "- See [批次](topic:batch-size) and **bold** `code`: $1/\\lambda < \\eta$, $\\frac{a}{b}$\n|---|:-:|"
    assert search.plain(text) == "See 批次 and bold code: 1/λ < η, a b"
    assert "batch" not in search.tokens(search.plain("[x](demo:epochs?lr=0.1) [y](https://batch.example)"))


@pytest.mark.parametrize("query, expected, rank", [
    ("早停", "epoch", 1), ("过拟合", "epoch", 1), ("学习率太大会怎样", "learning-rate", 1),
    ("early stopping", "epoch", 1), ("learning rate", "learning-rate", 2), ("维特比", "hmm", 1),
    ("BM25 检索", "rag", 1), ("Baum-Welch", "hmm", 1), ("幻觉", "hallucination", 1),
])
def test_queries_find_their_topics(index, query, expected, rank):
    ids = [hit.id for hit in search.one_per_topic(index.search(query))]
    assert expected in ids[:rank], ids[:5]


def test_language_filter_and_empty_queries(index):
    hits = index.search("learning rate", lang="en")
    assert hits and all(hit.lang == "en" for hit in hits)
    assert index.search("") == [] and index.search(" ,; ") == []
    assert index.search("qwxzzy") == []


def test_snippets_mark_the_matches(index):
    hit = index.search("早停", lang="zh")[0]
    assert search.MARK_START + "早停" + search.MARK_END in hit.snippet
    assert len(search.unmarked(hit.snippet)) <= search.SNIPPET_CHARS + 2
    assert search.snippet_html("a<b\x02x\x03") == "a&lt;b<b>x</b>"
    assert search.unmarked("\x02x\x03") == "x"
    assert "早停" in hit.terms or "早停" in "".join(hit.terms)


def test_one_hit_per_topic_prefers_the_interface_language(index):
    hits = search.one_per_topic(index.search("Elo"), "zh")
    ids = [hit.id for hit in hits]
    assert len(ids) == len(set(ids))
    assert next(hit for hit in hits if hit.id == "chatbot-arena").lang == "zh"


def test_passages_for_the_retrieval_demo(index):
    found = index.score_passages("梯度噪声", k=5, lang="zh")
    assert len(found) == 5 and [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    assert all(p.lang == "zh" for p, _ in found) and "batch-size" in {p.topic_id for p, _ in found}
    strict = search.SearchIndex.build(load_content().tree, k1=0.5, b=0.0)
    assert strict.score_passages("梯度噪声", k=1)[0][1] != found[0][1]


def test_split_passages_keeps_headings_and_overlap():
    body = "Intro text here.\n\n## Part one\n\nAlpha beta.\n\nGamma delta.\n\n## Part two\n\nEpsilon."
    passages = search.split_passages("t", "en", body, chunk_chars=10)
    assert [p.heading for p in passages] == ["", "Part one", "Part one", "Part two"]
    overlapped = search.split_passages("t", "en", body, chunk_chars=10, overlap=5)
    assert overlapped[2].text.startswith("beta.")


def test_real_passages_are_bounded_and_point_into_their_pages(index):
    tree = load_content().tree
    lengths = sorted(len(p.text) for p in index.passages)
    assert lengths[len(lengths) * 19 // 20] <= 1.5 * search.CHUNK_CHARS and lengths[-1] < 3 * search.CHUNK_CHARS
    for passage in index.passages[::7]:
        page = tree.get(passage.topic_id).pages[passage.lang]
        if passage.offset < len(page.body):
            assert search.plain(page.body[passage.offset:]).startswith(passage.text[:20])
    questions = [p for p in index.passages if p.topic_id == "epoch" and p.lang == "en" and p.heading == "Self-check"]
    assert questions and "patience" in questions[0].text
    glossary = [p for p in index.passages if p.topic_id == "glossary" and p.lang == "zh"]
    assert len(glossary) > 10 and all(len(p.text) <= 1.5 * search.CHUNK_CHARS for p in glossary)


def test_snippets_merge_overlapping_bigrams_and_mark_latin_whole_words():
    assert search.make_snippet("学习率太大时", "学习率") == "\x02学习率\x03太大时"
    assert search.make_snippet("generate a rate", "Rate") == "generate a \x02rate\x03"
    long = "x " * 200 + "目标词" + " y" * 200
    snippet = search.make_snippet(long, "目标词")
    assert snippet.startswith("…") and snippet.endswith("…") and "\x02目标词\x03" in snippet


def test_hits_report_their_terms_and_a_scaled_down_glossary(index):
    hit = index.search("学习率太大会怎样", lang="zh")[0]
    assert hit.id == "learning-rate" and {"学习", "习率"} <= set(hit.terms) and hit.heading
    assert all(hit.score == round(hit.score, 3) for hit in index.search("温度"))
    ids = [hit.id for hit in search.one_per_topic(index.search("Baum-Welch"))]
    assert ids.index("hmm") < ids.index("glossary")


def test_json_hits_have_the_documented_fields(index):
    rows = search.to_json_hits(index.search("MMLU")[:3])
    assert rows and set(rows[0]) == {"id", "title", "score", "snippet"} and "\x02" not in rows[0]["snippet"]
    assert json.loads(json.dumps(rows, ensure_ascii=False)) == rows


def test_fast_enough(index):
    started = time.perf_counter()
    search.SearchIndex.build(load_content().tree)
    assert time.perf_counter() - started < 2.0
    started = time.perf_counter()
    for _ in range(5):
        for query in ("早停", "learning rate", "过拟合", "BM25 检索", "Elo", "温度", "量化 int8", "attention", "维特比", "幻觉"):
            index.search(query)
    assert time.perf_counter() - started < 1.0
