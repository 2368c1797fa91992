"""The decoding maths: temperature's limits, top-k and top-p (the smallest nucleus), their order,
greedy decoding, the page's worked example, and seeded sampling."""

import numpy as np
import pytest

from explorer.core.params import resolve
from explorer.core.sims import sampling

CAPITAL = sampling.PROMPTS["capital"]


def test_every_prompt_has_the_same_number_of_candidates_and_one_right_answer():
    for prompt in sampling.PROMPTS.values():
        assert len(prompt.tokens) == sampling.CANDIDATES
        assert prompt.correct.sum() == 1
        assert all(token.en and token.zh for token in prompt.tokens)
    assert sampling.PARAMS[2].max == sampling.CANDIDATES


def test_temperature_towards_zero_is_one_hot_and_towards_infinity_uniform():
    logits = CAPITAL.logits
    cold = sampling.softmax(logits, 0.01)
    assert cold[0] == pytest.approx(1.0) and cold[1:].sum() < 1e-40
    hot = sampling.softmax(logits, 1e6)
    assert hot == pytest.approx(np.full(len(logits), 1 / len(logits)), rel=1e-4)
    assert sampling.softmax(np.array([1000.0, 0.0]), 0.05)[0] == 1.0  # no overflow


def test_the_pages_worked_example():
    for prompt, expected in (("capital", {0.5: 0.135, 1.0: 0.356, 2.0: 0.545}),
                             ("skewed", {0.5: 0.883, 1.0: 0.763, 2.0: 0.724})):
        for temperature, wrong in expected.items():
            result = sampling.decode(sampling.PROMPTS[prompt], temperature, top_k=4)
            assert result.p_wrong == pytest.approx(wrong, abs=5e-4), (prompt, temperature)
    four = sampling.decode(CAPITAL, 1.0, top_k=4).probs[:4]
    assert four == pytest.approx([0.6439, 0.2369, 0.0871, 0.0321], abs=1e-4)


def test_top_k_keeps_exactly_k_of_the_most_likely():
    probs = np.array([0.1, 0.4, 0.2, 0.2, 0.1])
    for k in range(1, 6):
        assert sampling.top_k_mask(probs, k).sum() == k
    assert list(np.flatnonzero(sampling.top_k_mask(probs, 3))) == [1, 2, 3]
    assert list(np.flatnonzero(sampling.top_k_mask(probs, 2))) == [1, 2]  # a tie: the earlier one
    for k in (1, 5, sampling.CANDIDATES):
        assert sampling.decode(CAPITAL, 1.0, top_k=k).kept_count == k


def test_top_p_keeps_the_smallest_set_that_reaches_p():
    probs = np.array([0.15, 0.5, 0.0, 0.3, 0.05])  # ranked: 0.5, 0.3, 0.15, 0.05, then the zero

    def kept(p):
        return set(np.flatnonzero(sampling.top_p_mask(probs, p)))

    assert kept(0.01) == {1}  # a tiny p keeps the most likely one
    assert kept(0.5) == {1}  # 0.5 reaches 0.5 exactly
    assert kept(0.51) == {1, 3}
    assert kept(0.8) == {1, 3}
    assert kept(0.81) == {0, 1, 3}
    assert kept(0.95) == {0, 1, 3}
    assert kept(0.96) == {0, 1, 3, 4}
    assert kept(1.0) == {0, 1, 3, 4}  # every candidate with non-zero probability
    ties = np.full(4, 0.25)
    assert list(np.flatnonzero(sampling.top_p_mask(ties, 0.5))) == [0, 1]
    assert list(np.flatnonzero(sampling.top_p_mask(ties, 0.5001))) == [0, 1, 2]


def test_top_p_on_the_model_keeps_what_the_cumulative_sum_says():
    for temperature in (0.3, 1.0, 2.5):
        scaled = sampling.softmax(CAPITAL.logits, temperature)
        ranked = np.sort(scaled)[::-1]
        for p in (0.05, 0.5, 0.9, 0.99):
            result = sampling.decode(CAPITAL, temperature, top_p=p)
            count = result.kept_count
            assert ranked[:count].sum() >= p - 1e-12
            assert count == 1 or ranked[: count - 1].sum() < p


def test_top_k_comes_before_top_p_and_what_is_kept_is_renormalised():
    prompt = sampling.Prompt({"en": "x", "zh": "x"}, tuple(
        sampling.Token(name, name, float(np.log(p)), name == "a")
        for name, p in zip("abcd", (0.4, 0.3, 0.2, 0.1))))
    # After top-k = 2 the two are 4/7 and 3/7: 4/7 alone reaches 0.55 (on the raw
    # probabilities 0.4 would not).
    result = sampling.decode(prompt, 1.0, top_k=2, top_p=0.55)
    assert list(np.flatnonzero(result.kept)) == [0] and result.p_wrong == 0.0
    result = sampling.decode(prompt, 1.0, top_k=3, top_p=1.0)
    assert result.probs == pytest.approx([4 / 9, 3 / 9, 2 / 9, 0.0])
    assert result.p_wrong == pytest.approx(5 / 9)


def test_greedy_is_right_or_wrong_every_time():
    for key, wrong in (("capital", 0.0), ("skewed", 1.0), ("obscure", 0.0)):
        for temperature in (0.05, 1.0, 3.0):
            result = sampling.decode(sampling.PROMPTS[key], temperature, top_k=7, top_p=0.3, greedy=True)
            assert result.p_wrong == wrong and result.kept_count == 1
            assert result.probs.max() == 1.0
    # Greedy is the limit T → 0 of sampling.
    assert sampling.decode(sampling.PROMPTS["skewed"], 0.05).p_wrong == pytest.approx(1.0)


def test_probabilities_sum_to_one_at_every_setting():
    for prompt in sampling.PROMPTS.values():
        for temperature in (0.05, 0.2, 1.0, 3.0):
            for k in (1, 3, sampling.CANDIDATES):
                for p in (0.05, 0.5, 1.0):
                    result = sampling.decode(prompt, temperature, k, p)
                    assert np.all(np.isfinite(result.probs)) and result.probs.sum() == pytest.approx(1.0)
                    assert np.all(result.probs[~result.kept] == 0.0)
                    assert 0.0 <= result.p_wrong <= 1.0
                    assert result.scaled.sum() == pytest.approx(1.0)


def test_the_unsure_model_puts_most_of_its_mass_on_wrong_answers():
    result = sampling.decode(sampling.PROMPTS["obscure"], 1.0)
    assert result.p_wrong > 0.8 and result.order[0] == 0  # although the right answer is on top


def test_sampling_is_reproducible_and_frequencies_approach_the_probabilities():
    result = sampling.simulate({"temperature": 1.5, "top_p": 0.9, "seed": 7})
    counts = result.sample(100)
    assert counts.sum() == 100 and np.array_equal(counts, result.sample(100))
    assert np.array_equal(counts, sampling.simulate({"temperature": 1.5, "top_p": 0.9, "seed": 7}).sample(100))
    assert not np.array_equal(counts, result.sample(100, seed=8))
    assert np.all(counts[~result.kept] == 0)
    many = result.sample(200_000, seed=1)
    assert many / many.sum() == pytest.approx(result.probs, abs=0.005)
    assert result.wrong_count(many) / 200_000 == pytest.approx(result.p_wrong, abs=0.005)


def test_simulate_takes_every_extreme():
    for spec in sampling.PARAMS:
        values = spec.choices if spec.kind == "choice" else (spec.min, spec.max)
        for value in values:
            result = sampling.simulate({spec.name: value})
            assert np.all(np.isfinite(result.probs)) and result.probs.sum() == pytest.approx(1.0)
    assert resolve(sampling.PARAMS, {})["top_k"] == sampling.CANDIDATES
