"""TextRank: sentence splitting, the two similarities, PageRank and the summary."""

import math

import numpy as np
import pytest

from explorer.core import textrank
from explorer.core.params import defaults

# One sentence (the third) shares a content word with every other; the others share nothing else.
CENTRAL = ("Apples grow on tall trees. "
           "Bicycles need regular oil. "
           "Apples, bicycles, violins, glaciers and rockets appear together here. "
           "Violins sound warm indoors. "
           "Glaciers move slowly downhill. "
           "Rockets launch from Florida.")
CENTRAL_ZH = ("苹果长在高高的树上。自行车需要定期上油。"
              "苹果、自行车、小提琴、冰川和火箭一起出现在这句话里。"
              "小提琴的声音很温暖。冰川缓慢地向下移动。火箭从海边发射升空。")


def test_the_central_sentence_ranks_first():
    for text in (CENTRAL, CENTRAL_ZH):
        result = textrank.summarize(text, {"length": 1})
        assert result.count == 6
        assert int(np.argmax(result.scores)) == 2
        assert result.selected.tolist() == [2]
        assert result.text == result.document.sentences[2]


@pytest.mark.parametrize("method", ["overlap", "cosine"])
def test_the_central_sentence_ranks_first_with_either_similarity(method):
    result = textrank.summarize(CENTRAL, {"similarity": method})
    assert int(np.argmax(result.scores)) == 2


@pytest.mark.parametrize("method", ["overlap", "cosine"])
@pytest.mark.parametrize("damping", [0.5, 0.85, 0.95])
def test_scores_sum_to_one(method, damping):
    for source in ("page", "pasted"):
        for lang in ("zh", "en"):
            result = textrank.summarize(textrank.source_text(source, lang), {"similarity": method, "damping": damping})
            assert result.scores.sum() == pytest.approx(1.0, abs=1e-9)
            assert np.all(result.scores > 0)


@pytest.mark.parametrize("method", ["overlap", "cosine"])
def test_similarity_is_symmetric_with_a_zero_diagonal(method):
    sentences = textrank.split_text(textrank.source_text("page", "en")).sentences
    weights = textrank.similarity(sentences, method)
    assert weights.shape == (len(sentences), len(sentences))
    assert np.array_equal(weights, weights.T)
    assert np.all(np.diag(weights) == 0) and np.all(weights >= 0) and np.all(np.isfinite(weights))
    assert not weights.flags.writeable  # shared by the cache


def test_the_overlap_measure_of_the_paper():
    # Shared: {model, text}; lengths 4 and 3 → 2 / (ln 4 + ln 3).
    weights = textrank.overlap_similarity([("model", "text", "graph", "node"), ("model", "text", "score")])
    assert weights[0, 1] == pytest.approx(2 / (math.log(4) + math.log(3)))
    # Two one-token sentences: the denominator is kept at log 2 instead of 0.
    assert textrank.overlap_similarity([("rank",), ("rank",)])[0, 1] == pytest.approx(1 / math.log(2))


def test_the_cosine_measure():
    weights = textrank.cosine_similarity([("graph", "rank"), ("graph", "rank"), ("apple",), ("graph",)])
    assert weights[0, 1] == pytest.approx(1.0)
    assert weights[0, 2] == 0.0 and weights[2, 3] == 0.0
    assert 0 < weights[0, 3] < 1


def test_the_pages_worked_example():
    # The four-sentence example of the page: the paper's scores are N times these.
    w = np.array([[0, 0.6, 0.3, 0], [0.6, 0, 0.5, 0.1], [0.3, 0.5, 0, 0.4], [0, 0.1, 0.4, 0]])
    scores, _ = textrank.pagerank(w, 0.85)
    assert 4 * scores == pytest.approx([0.9356, 1.2234, 1.2502, 0.5909], abs=2e-4)
    assert textrank.top_sentences(scores, 2).tolist() == [1, 2]  # S3 and S2, printed S2, S3


def test_damping_extremes():
    w = np.array([[0, 1, 2, 0], [1, 0, 1, 1], [2, 1, 0, 3], [0, 1, 3, 0]], dtype=float)
    uniform, iterations = textrank.pagerank(w, 0.0)
    assert uniform == pytest.approx(np.full(4, 0.25)) and iterations == 1
    # d = 1: the random walk's stationary distribution, the weighted degree over the total weight.
    walk, _ = textrank.pagerank(w, 1.0)
    assert walk == pytest.approx(w.sum(axis=1) / w.sum(), abs=1e-8)
    spread = [np.ptp(textrank.pagerank(w, d)[0]) for d in (0.5, 0.85, 0.95)]
    assert spread == sorted(spread)  # the larger d, the more the graph matters


def test_a_sentence_without_neighbours_spreads_its_score_evenly():
    w = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float)
    scores, _ = textrank.pagerank(w, 0.85)
    assert scores.sum() == pytest.approx(1.0)
    assert scores[0] == pytest.approx(scores[1]) and scores[2] < scores[0]


def test_pagerank_converges_quickly_on_a_page():
    result = textrank.summarize(textrank.source_text("page", "en"), {"damping": 0.95})
    assert result.iterations < textrank.MAX_ITERATIONS


def test_empty_and_one_sentence_texts():
    for text in ("", "   \n\n  ", "。"):
        result = textrank.summarize(text)
        assert result.count == 0 and result.scores.size == 0 and result.selected.size == 0
        assert result.ratio == 0.0 and result.text == ""
    one = textrank.summarize("Only one sentence here.")
    assert one.count == 1 and one.scores.tolist() == [1.0] and one.selected.tolist() == [0]
    assert one.ratio == 1.0
    alone = textrank.summarize("只有一句话。")
    assert alone.count == 1 and alone.selected.tolist() == [0]


def test_chinese_sentences_split_and_rank():
    parts = textrank.split_sentences("第一句话。第二句话！“第三句话。”第四句话？没有句号的第五句")
    assert parts == ["第一句话。", "第二句话！", "“第三句话。”", "第四句话？", "没有句号的第五句"]
    document = textrank.split_text(textrank.source_text("page", "zh"))
    assert len(document) > 20
    assert all(not sentence.startswith(("”", "）")) for sentence in document.sentences)
    result = textrank.summarize(CENTRAL_ZH)
    assert result.selected.tolist() == [2]


def test_english_sentences_keep_abbreviations_and_numbers():
    text = 'Liu et al. (TACL 2024) found it. Then d is 0.85 here! "Is it?" he asked. J. Smith agreed.'
    assert textrank.split_sentences(text) == ["Liu et al. (TACL 2024) found it.", "Then d is 0.85 here!",
                                              '"Is it?" he asked.', "J. Smith agreed."]


def test_paragraphs_are_lines_and_long_texts_are_cut():
    document = textrank.split_text("One. Two.\n\nThree.")
    assert document.sentences == ("One.", "Two.", "Three.")
    assert document.paragraphs == ((0, 1), (2,))
    long = textrank.split_text(" ".join(f"Sentence number {n} is here." for n in range(130)))
    assert len(long) == textrank.MAX_SENTENCES and long.dropped == 130 - textrank.MAX_SENTENCES


def test_summary_size_and_reading_order():
    assert textrank.summary_size(0, 50) == 0
    assert textrank.summary_size(10, 1) == 1
    assert textrank.summary_size(10, 100) == 10
    assert textrank.summary_size(45, 20) == 9
    assert textrank.top_sentences(np.array([0.1, 0.4, 0.1, 0.4]), 3).tolist() == [0, 1, 3]  # ties: earlier first


def test_summary_length_and_compression_ratio():
    text = textrank.source_text("page", "en")
    everything = textrank.summarize(text, {"length": 100})
    assert everything.selected.tolist() == list(range(everything.count)) and everything.ratio == pytest.approx(1.0)
    some = textrank.summarize(text, {"length": 20})
    assert len(some.selected) == textrank.summary_size(some.count, 20)
    assert some.ratio == pytest.approx(some.summary_characters / some.characters)
    assert 0 < some.ratio < 1


def test_function_words_do_not_count():
    assert textrank.sentence_tokens("The cats are on the mat.") == ("cat", "mat")
    assert "的摘" not in textrank.sentence_tokens("句子的摘要")
    assert "摘要" in textrank.sentence_tokens("句子的摘要")


def test_the_example_texts():
    for lang in ("zh", "en"):
        for method in ("overlap", "cosine"):
            result = textrank.summarize(textrank.source_text("pasted", lang), {"similarity": method})
            ranking = np.argsort(-result.scores)
            assert ranking[0] == 1 and ranking[-1] == result.count - 1, (lang, method)


@pytest.mark.parametrize("source", ["page", "hallucination", "rag"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_texts_are_prose(source, lang):
    text = textrank.source_text(source, lang)
    assert len(text) > 1000
    assert "$$" not in text and "](" not in text and "**" not in text
    assert not any(line.lstrip().startswith("|") for line in text.splitlines())
    assert ("打开演示" if lang == "zh" else "Open the demo") not in text  # Try it is left out
    result = textrank.summarize(text)
    assert 20 <= result.count <= textrank.MAX_SENTENCES and result.document.dropped == 0


def test_params_have_both_languages():
    assert defaults(textrank.PARAMS)["damping"] == 0.85
    for spec in textrank.PARAMS:
        assert set(spec.label) == {"zh", "en"}
        for choice in spec.choices:
            assert set(spec.choice_labels[choice]) == {"zh", "en"}


def test_cached_ranking_equals_a_fresh_one_and_follows_its_inputs():
    sentences = textrank.split_text(textrank.source_text("page", "en")).sentences
    for method in ("overlap", "cosine"):
        for damping in (0.5, 0.85):
            fresh_weights = (textrank.cosine_similarity if method == "cosine" else textrank.overlap_similarity)(
                [textrank.sentence_tokens(sentence) for sentence in sentences])
            fresh_scores, fresh_iterations = textrank.pagerank(fresh_weights, damping)
            scores, iterations = textrank.ranking(sentences, method, damping)
            assert np.array_equal(scores, fresh_scores) and iterations == fresh_iterations
            assert textrank.ranking(sentences, method, damping)[0] is scores  # cached, not ranked again
            assert not scores.flags.writeable  # shared by the cache
    # Another damping, similarity or text is ranked anew.
    assert not np.array_equal(textrank.ranking(sentences, "overlap", 0.5)[0], textrank.ranking(sentences, "overlap", 0.85)[0])
    assert not np.array_equal(textrank.ranking(sentences, "cosine", 0.85)[0], textrank.ranking(sentences, "overlap", 0.85)[0])
    edited = sentences[:-1] + ("A new last sentence about summaries and graphs.",)
    assert np.array_equal(textrank.ranking(edited, "overlap", 0.85)[0],
                          textrank.pagerank(textrank.overlap_similarity(
                              [textrank.sentence_tokens(sentence) for sentence in edited]), 0.85)[0])


def test_summaries_that_differ_only_in_length_share_the_ranking():
    text = textrank.source_text("rag", "zh")
    short, long = textrank.summarize(text, {"length": 10}), textrank.summarize(text, {"length": 60})
    assert short.scores is long.scores and short.weights is long.weights
    assert len(short.selected) < len(long.selected)
    assert long.selected.tolist() == textrank.top_sentences(long.scores, len(long.selected)).tolist()


def test_cached_sentence_splitting_equals_a_fresh_one():
    paragraph = 'Liu et al. (TACL 2024) found it. Then d is 0.85 here! "Is it?" he asked.'
    first = textrank.split_sentences(paragraph)
    first.append("changed by the caller")  # a caller's list is its own: the cache keeps its copy
    textrank._paragraph_sentences.cache_clear()
    assert textrank.split_sentences(paragraph) == first[:-1]
    assert textrank.split_sentences(paragraph + " One more.") == first[:-1] + ["One more."]
    text = textrank.source_text("hallucination", "en")
    cached = textrank.split_text(text)
    textrank.split_text.cache_clear()
    textrank._paragraph_sentences.cache_clear()
    assert textrank.split_text(text) == cached
