"""The retrieval demo's core: BM25 checked by hand, chunking with overlap, languages, the prompt."""

import math
import time
from pathlib import Path

import pytest

from explorer.core import retrieval, search
from explorer.core.content import load_content
from explorer.core.params import resolve
from explorer.core.topics import Topic, TopicPage


def tiny_index(bodies: dict[str, str], lang: str = "en", **settings) -> search.SearchIndex:
    """One passage per topic (the chunk is larger than any body)."""
    topics = [Topic(name, pages={lang: TopicPage(lang, name.upper(), body, Path(f"{name}.{lang}.md"))})
              for name, body in bodies.items()]
    return search.SearchIndex.build(topics, (lang,), chunk_chars=1000, **settings)


CORPUS = {"one": "cat cat dog", "two": "cat fish fish fish bird", "three": "bird"}


def scores(index, query, **params):
    found = retrieval.retrieve(query, params, "en", index=index)
    return {source.topic_id: source.score for source in found.ranked}


def test_bm25_matches_the_formula_worked_by_hand():
    # search.py's BM25: idf(t) = ln(1 + (N − n + 0.5)/(n + 0.5)) and
    # score = Σ idf(t)·f·(k1 + 1)/(f + k1·(1 − b + b·|d|/avgdl)), each distinct query token once.
    # N = 3 passages of 3, 5 and 1 tokens: avgdl = 3. "cat" and "bird" are each in n = 2 of them.
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))  # ln 1.6
    assert idf == pytest.approx(math.log(1.6))
    k1, b = 1.2, 0.75
    one = idf * 2 * (k1 + 1) / (2 + k1 * (1 - b + b * 3 / 3))  # cat twice, |d| = 3
    two = 2 * idf * 1 * (k1 + 1) / (1 + k1 * (1 - b + b * 5 / 3))  # cat and bird once, |d| = 5
    three = idf * 1 * (k1 + 1) / (1 + k1 * (1 - b + b * 1 / 3))  # bird once, |d| = 1
    assert (one, two, three) == pytest.approx((0.6462, 0.7386, 0.6462), abs=1e-4)
    found = scores(tiny_index(CORPUS), "cat bird cat")
    assert found == pytest.approx({"one": one, "two": two, "three": three})
    index = tiny_index(CORPUS)
    assert index.document_frequency("cat") == 2 and index.idf("cat") == pytest.approx(idf)
    assert index.document_frequency("zebra") == 0
    # The same numbers with other k1 and b, passed per query.
    k1, b = 2.0, 0.3
    expected = idf * 2 * (k1 + 1) / (2 + k1 * (1 - b + b * 3 / 3))
    assert scores(index, "cat", k1=k1, b=b)["one"] == pytest.approx(expected)


def test_b_zero_ignores_length_and_b_one_divides_by_it():
    index = tiny_index({"short": "fish and", "long": "fish and chips with salt and vinegar please"})
    flat = scores(index, "fish", b=0.0)
    assert flat["short"] == pytest.approx(flat["long"])
    full = scores(index, "fish", b=1.0)
    assert full["short"] > full["long"]
    middle = scores(index, "fish", b=0.5)
    assert full["short"] / full["long"] > middle["short"] / middle["long"] > 1.0


def test_k1_zero_counts_presence_and_a_large_k1_counts_repeats():
    index = tiny_index({"once": "cat dog bird", "thrice": "cat cat cat"})  # the same length
    presence = scores(index, "cat", k1=0.0)
    assert presence["once"] == pytest.approx(presence["thrice"]) == pytest.approx(index.idf("cat"))
    low, high = scores(index, "cat", k1=0.5), scores(index, "cat", k1=3.0)
    assert 1.0 < low["thrice"] / low["once"] < high["thrice"] / high["once"] < 3.0


def test_query_tokens_are_words_or_bigrams_with_their_idf():
    index = tiny_index(CORPUS)
    tokens = retrieval.query_tokens("Cat, zebra; cat!", index)
    assert [(t.text, t.frequency) for t in tokens] == [("cat", 2), ("zebra", 0)]
    assert tokens[1].idf == 0.0
    zh = tiny_index({"a": "学习率太大会发散"}, "zh")
    assert [t.text for t in retrieval.query_tokens("学习率太大?", zh)] == ["学习", "习率", "率太", "太大"]


def test_chinese_questions_find_chinese_passages_and_english_ones_english():
    for question, lang in (("学习率太大会怎样？", "zh"), ("梯度噪声和批次大小", "zh"),
                           ("What happens if the learning rate is too large?", "en"),
                           ("How does early stopping prevent overfitting?", "en")):
        for ui in ("zh", "en"):
            found = retrieval.retrieve(question, {"corpus": "both", "k": 8}, ui)
            assert len(found.ranked) == retrieval.SHOWN and found.ranked[0].passage.lang == lang
            # The glossary pages list every term in both languages: they are found either way.
            langs = {source.passage.lang for source in found.ranked if source.topic_id != "glossary"}
            assert langs == {lang}, (question, ui)
    assert "learning-rate" in {source.topic_id for source in retrieval.retrieve("学习率太大会怎样？", {}, "zh").chosen}
    # A term both languages write the same way is found in both.
    found = retrieval.retrieve("BM25", {"corpus": "both"}, "en")
    assert {source.passage.lang for source in found.ranked} == {"zh", "en"}


def test_the_interface_language_picks_the_corpus():
    assert retrieval.corpus_languages("ui", "en") == ("en",)
    assert retrieval.corpus_languages("both", "zh") == ("zh", "en")
    found = retrieval.retrieve("BM25", {"corpus": "ui"}, "zh")
    assert found.ranked and all(source.passage.lang == "zh" for source in found.ranked)


def test_defaults_with_both_languages_rank_as_the_search_box_does():
    box = search.SearchIndex.build(load_content().tree)
    for question in ("学习率太大会怎样？", "early stopping patience"):
        demo = retrieval.retrieve(question, {"corpus": "both", "k": 8}, "zh")
        expected = box.score_passages(question, k=retrieval.SHOWN)
        assert [(s.passage, s.score) for s in demo.ranked] == [(p, pytest.approx(s)) for p, s in expected]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("chunk, percent", [(100, 50), (250, 20), (800, 10)])
def test_chunks_with_overlap_cover_the_page_and_repeat_the_previous_tail(lang, chunk, percent):
    page = next(topic for topic in load_content().tree if topic.id == "learning-rate").pages[lang]
    overlap = retrieval.overlap_chars(chunk, percent)
    plain = search.split_passages("learning-rate", lang, page.body, chunk)
    overlapped = search.split_passages("learning-rate", lang, page.body, chunk, overlap)
    assert len(plain) == len(overlapped) > 1
    # Without overlap the passages hold the whole page: every text line (headings are kept apart).
    joined = "".join("".join(p.text.split()) for p in plain)
    for line in page.body.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            text = "".join(search.plain(line).split())
            assert text in joined, line
    # With overlap, each passage starts with the last ``overlap`` characters of the one before
    # it in its section, then goes on exactly as without overlap.
    for index, (alone, with_tail) in enumerate(zip(plain, overlapped)):
        assert (alone.heading, alone.offset) == (with_tail.heading, with_tail.offset)
        before = plain[index - 1] if index else None
        if before is not None and before.heading == alone.heading:
            assert with_tail.text == f"{before.text[-overlap:]} {alone.text}".strip()
        else:
            assert with_tail.text == alone.text
    followers = sum(before.heading == after.heading for before, after in zip(plain, plain[1:]))
    extra = sum(len(p.text) for p in overlapped) - sum(len(p.text) for p in plain)
    assert (extra > 0) == (followers > 0)
    assert followers > 0 or chunk == 800  # at 800 characters a section may fit one passage


def test_settings_change_the_index_and_each_index_is_kept():
    small = retrieval.index_for(100, 0, ("en",))
    assert retrieval.index_for(100, 0, ("en",)) is small
    large = retrieval.index_for(800, 0, ("en",))
    assert len(small.passages) > 2 * len(large.passages)
    assert retrieval.overlap_chars(400, 25) == 100 and retrieval.overlap_chars(100, 0) == 0
    found = retrieval.retrieve("learning rate", {"chunk": 100, "overlap": 50}, "en")
    assert found.passages == len(retrieval.index_for(100, 50, ("en",)).passages)


def test_the_prompt_numbers_the_top_k_before_the_question():
    question = "What happens if the learning rate is too large?"
    found = retrieval.retrieve(question, {"k": 2}, "en")
    assert len(found.chosen) == 2 and found.chosen == found.ranked[:2]
    scores_ = [source.score for source in found.ranked]
    assert scores_ == sorted(scores_, reverse=True) and [s.rank for s in found.ranked] == list(range(1, 9))
    prompt = found.prompt()
    assert prompt.startswith("Answer the question using the context below.")
    assert prompt.endswith(f"Question: {question}\nAnswer:")
    for number, source in enumerate(found.chosen, start=1):
        assert f"[{number}] {source.title}" in prompt and source.passage.text in prompt
    assert "[3]" not in prompt
    kinds = [kind for kind, _, _ in found.prompt_lines()]
    assert kinds.count("source") == kinds.count("passage") == 2
    zh = retrieval.retrieve("学习率太大会怎样？", {"k": 8}, "zh").prompt()
    assert zh.startswith("根据以下资料回答问题") and "[8] " in zh and zh.endswith("问题：学习率太大会怎样？\n回答：")


def test_nothing_found_and_empty_questions():
    for question in ("", "  ", "qwxzzy", "?!"):
        found = retrieval.retrieve(question, {}, "en")
        assert found.ranked == () and found.chosen == ()
        assert "(nothing was retrieved)" in found.prompt()
    assert retrieval.retrieve("", {}, "en").tokens == ()


def test_labels_are_short_and_count_chinese_as_double_width():
    assert retrieval.text_width("ab学习") == 6
    assert retrieval.shorten("abcdef", 6) == "abcdef"
    assert retrieval.shorten("abcdefgh", 6) == "abcde…"
    assert retrieval.shorten("学习率太大", 6) == "学习…"
    assert retrieval.shorten("Title · Section", 8) == "Title…"
    found = retrieval.retrieve("学习率太大会怎样？", {"k": 8}, "zh")
    for source in found.ranked:
        assert retrieval.text_width(source.label()) <= retrieval.LABEL_WIDTH
        assert source.label().startswith(source.title[:3])


def test_parameters_resolve_and_scoring_is_fast():
    params = resolve(retrieval.PARAMS, {})
    assert params == {"k": 3, "chunk": 400, "overlap": 0, "k1": 1.2, "b": 0.75, "corpus": "ui"}
    retrieval.retrieve("warm up", params, "en")
    start = time.perf_counter()
    for question in ("What happens if the learning rate is too large", "学习率太大会怎样", "the a of is"):
        for end in range(1, len(question) + 1):
            retrieval.retrieve(question[:end], params, "en")
    per_key = (time.perf_counter() - start) / 80
    assert per_key < 0.016, per_key  # a keystroke's scoring fits in a frame (typically under 2 ms)
