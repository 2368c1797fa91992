"""Consistency of repeated answers: the similarity matrix, scores and flags, the written presets,
and answers sampled from the n-gram model (the same draws as the model's own, deterministic, and
agreeing more at a low temperature than at a high one)."""

import numpy as np
import pytest

from explorer.core import consistency, ngram
from explorer.core.params import resolve

REPRESENTATIONS = ("words", "char3")
MIXED = ["Water boils at 100 °C.", "水在 100 摄氏度沸腾。", "At sea level water boils at 100 degrees.", "",
         "Canberra", "堪培拉是澳大利亚的首都。", "!!!", "1931"]


@pytest.mark.parametrize("representation", REPRESENTATIONS)
def test_the_matrix_is_symmetric_with_ones_on_the_diagonal(representation):
    similarity = consistency.similarity_matrix(MIXED, representation)
    assert similarity.shape == (len(MIXED), len(MIXED))
    assert np.allclose(similarity, similarity.T)
    assert np.all(np.diag(similarity) == 1.0)
    assert np.all((0.0 <= similarity) & (similarity <= 1.0)) and np.all(np.isfinite(similarity))


@pytest.mark.parametrize("representation", REPRESENTATIONS)
def test_identical_answers_score_one_and_disjoint_answers_zero(representation):
    similarity = consistency.similarity_matrix(
        ["The capital is Canberra.", "the capital is canberra", "Sydney.", "悉尼", "悉尼"], representation)
    assert similarity[0, 1] == pytest.approx(1.0)  # case and punctuation do not count
    assert similarity[3, 4] == pytest.approx(1.0)
    assert similarity[0, 2] == 0.0 and similarity[0, 3] == 0.0 and similarity[2, 3] == 0.0


def test_tfidf_cosine_by_hand():
    # Two answers: "a b" and "a c". df(a) = 2, df(b) = df(c) = 1, n = 2:
    # idf(a) = ln(3/3) + 1 = 1, idf(b) = idf(c) = ln(3/2) + 1; cosine = 1 / (1 + idf(b)²).
    idf = np.log(1.5) + 1.0
    similarity = consistency.similarity_matrix(["a b", "a c"])
    assert similarity[0, 1] == pytest.approx(1.0 / (1.0 + idf ** 2))


def test_terms_reuse_the_search_tokens_and_make_character_trigrams():
    assert consistency.terms("水的沸点是 100 °C", "words") == ["水的", "的沸", "沸点", "点是", "100", "c"]
    assert consistency.terms("Boils, at", "char3") == ["boi", "oil", "ils", "ls ", "s a", " at"]
    assert consistency.terms("沸点。", "char3") == ["沸点"]
    assert consistency.terms("…", "char3") == [] and consistency.terms("", "words") == []


def test_scores_rank_an_outlier_lowest_and_flags_follow_the_threshold():
    answers = ["The capital of Australia is Canberra.", "Canberra is the capital of Australia.",
               "Australia's capital is Canberra.", "The capital is Canberra.", "Sydney, I think."]
    analysis = consistency.analyse(answers, "words", 0.2)
    assert int(np.argmin(analysis.scores)) == 4
    similarity = analysis.similarity
    assert analysis.scores[0] == pytest.approx((similarity[0].sum() - 1.0) / 4)
    assert list(analysis.flagged) == [False, False, False, False, True]
    assert analysis.agreement == pytest.approx(similarity[~np.eye(5, dtype=bool)].mean())
    for threshold in (0.0, 0.3, 0.6, 1.0):
        flagged = consistency.analyse(answers, "words", threshold).flagged
        assert np.array_equal(flagged, analysis.scores < threshold)
    assert not consistency.analyse(answers, "words", 0.0).flagged.any()
    assert consistency.analyse(answers, "words", 1.0).flagged.all()


def test_too_few_answers_are_never_flagged():
    for answers in ([], ["Canberra."]):
        analysis = consistency.analyse(answers, "words", 1.0)
        assert not analysis.comparable and not analysis.flagged.any()
        assert analysis.agreement == 1.0 and np.all(np.isfinite(analysis.scores))


def test_parse_answers_skips_blank_lines():
    assert consistency.parse_answers("  one \n\n two\n   \nthree") == ["one", "two", "three"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presets_agree_when_the_fact_is_known_and_scatter_when_made_up(lang):
    agreement = {}
    for question, entry in consistency.QUESTIONS.items():
        answers = entry.answers[lang]
        assert 5 <= len(answers) <= 8 and entry.text[lang] and entry.prompt[lang]
        analysis = consistency.analyse(answers, "words", 0.2)
        agreement[question] = analysis.agreement
        if question in ("boiling", "capital"):
            assert analysis.flagged.sum() == 1  # capital: "Sydney"; boiling: 212 °F, worded apart
        else:
            assert analysis.flagged.all()
    assert min(agreement["boiling"], agreement["capital"]) > 2 * max(agreement["birth"], agreement["paper"])
    capital = consistency.analyse(consistency.QUESTIONS["capital"].answers[lang], "words", 0.2)
    assert "悉尼" in capital.answers[int(np.argmin(capital.scores))] or "Sydney" in capital.answers[int(np.argmin(capital.scores))]


def test_sampled_answers_are_deterministic_for_a_seed():
    first = consistency.sample_answers("en", "paper", 8, 1.3, 42)
    consistency._sample.cache_clear()
    assert consistency.sample_answers("en", "paper", 8, 1.3, 42) == first
    assert consistency.sample_answers("en", "paper", 5, 1.3, 42) == first[:5]  # more samples only add
    assert consistency.sample_answers("en", "paper", 8, 1.3, 43) != first
    assert len(first) == 8 and all(len(ngram.tokenize(answer, "en")) <= consistency.MAX_TOKENS for answer in first)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("question", list(consistency.QUESTIONS))
def test_agreement_falls_from_a_low_to_a_high_temperature(lang, question):
    for seed in (0, 1, 2):
        curve = consistency.temperature_curve(lang, question, 6, seed)
        assert curve.shape == (len(consistency.CURVE_TEMPERATURES),) and np.all(np.isfinite(curve))
        assert curve[0] > curve[-1] + 0.05, (seed, curve)


def test_run_for_written_and_sampled_answers():
    written = consistency.run({"question": "boiling"}, "zh")
    assert written.analysis.answers == consistency.QUESTIONS["boiling"].answers["zh"] and written.curve is None
    edited = consistency.run({"question": "boiling"}, "en", "a\n\nb c\n")
    assert edited.analysis.answers == ("a", "b c")
    sampled = consistency.run({"source": "ngram", "samples": 4, "temperature": 0.4, "seed": 9}, "en")
    assert sampled.sampled and len(sampled.analysis.answers) == 4
    assert sampled.prompt == consistency.QUESTIONS["capital"].prompt["en"]
    assert sampled.analysis.answers == consistency.sample_answers("en", "capital", 4, 0.4, 9)
    index = consistency.CURVE_TEMPERATURES.index(0.4)
    assert sampled.curve[index] == pytest.approx(sampled.analysis.agreement)


def test_params_resolve_and_label_in_both_languages():
    values = resolve(consistency.PARAMS, {})
    assert values["question"] in consistency.QUESTIONS and values["source"] == "written"
    for spec in consistency.PARAMS:
        assert spec.label["zh"] and spec.label["en"]
        for choice in spec.choices:
            assert set(spec.choice_labels[choice]) == {"zh", "en"}


@pytest.mark.parametrize("representation", REPRESENTATIONS)
def test_cached_comparison_equals_a_fresh_one_and_follows_the_answers(representation):
    answers = consistency.QUESTIONS["birth"].answers["en"]
    similarity, scores = consistency.compared(answers, representation)
    fresh = consistency.similarity_matrix(answers, representation)
    assert np.array_equal(similarity, fresh)
    assert np.array_equal(scores, consistency.consistency_scores(fresh))
    assert not similarity.flags.writeable and not scores.flags.writeable  # shared by the cache
    # The threshold only flags again: the same arrays, new flags.
    low, high = consistency.analyse(answers, representation, 0.1), consistency.analyse(answers, representation, 0.9)
    assert low.similarity is high.similarity is similarity and low.scores is scores
    assert np.array_equal(low.flagged, scores < 0.1) and np.array_equal(high.flagged, scores < 0.9)
    # An edited answer is compared anew.
    edited = answers[:-1] + ("Ostby was born in 1931.",)
    changed = consistency.analyse(edited, representation)
    assert np.array_equal(changed.similarity, consistency.similarity_matrix(edited, representation))
    assert not np.array_equal(changed.similarity, similarity)


def test_terms_are_cached_per_answer_but_a_callers_list_is_its_own():
    found = consistency.terms("The capital is Canberra.")
    found.append("changed")
    assert consistency.terms("The capital is Canberra.") == ["the", "capital", "is", "canberra"]
