"""Search: tokens without a dictionary, BM25 over passages, snippets, one index for everything."""

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
    assert search.tokens("  ") == []


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


def test_json_hits_have_the_documented_fields(index):
    rows = search.to_json_hits(index.search("MMLU")[:3])
    assert rows and set(rows[0]) == {"id", "title", "score", "snippet"} and "\x02" not in rows[0]["snippet"]


def test_fast_enough(index):
    started = time.perf_counter()
    search.SearchIndex.build(load_content().tree)
    assert time.perf_counter() - started < 2.0
    started = time.perf_counter()
    for _ in range(5):
        for query in ("早停", "learning rate", "过拟合", "BM25 检索", "Elo", "温度", "量化 int8", "attention", "维特比", "幻觉"):
            index.search(query)
    assert time.perf_counter() - started < 1.0
