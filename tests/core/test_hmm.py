"""The HMM simulation: the worked example, brute force, scaling, learning, sampling, validation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.sims import hmm

HEALTHY = hmm.PRESETS["healthy-fever"].model
NORMAL, COLD, DIZZY = 0, 1, 2


def random_model(seed: int, states: int, symbols: int) -> hmm.Model:
    rng = np.random.default_rng(seed)
    return hmm.make_model(rng.dirichlet(np.ones(states), size=states), rng.dirichlet(np.ones(symbols), size=states),
                          rng.dirichlet(np.ones(states)),
                          [{"zh": f"s{i}", "en": f"s{i}"} for i in range(states)],
                          [{"zh": f"o{k}", "en": f"o{k}"} for k in range(symbols)])


def test_the_healthy_fever_example_exactly():
    model = HEALTHY
    assert model.pi.tolist() == [0.6, 0.4]
    assert model.A.tolist() == [[0.7, 0.3], [0.4, 0.6]]
    assert model.B.tolist() == [[0.5, 0.4, 0.1], [0.1, 0.3, 0.6]]
    obs = [NORMAL, COLD, DIZZY]
    decoded = hmm.viterbi(model, obs)
    assert [model.state_name(s, "en") for s in decoded.path] == ["Healthy", "Healthy", "Fever"]
    assert decoded.probability == pytest.approx(0.01512, abs=1e-12)
    assert hmm.forward(model, obs).probability == pytest.approx(0.03628, abs=1e-12)
    assert hmm.PRESETS["healthy-fever"].observations == (NORMAL, COLD, DIZZY)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), states=st.integers(2, 3), symbols=st.integers(2, 3),
       length=st.integers(1, 5), obs_seed=st.integers(0, 10_000))
def test_forward_and_viterbi_agree_with_enumerating_every_path(seed, states, symbols, length, obs_seed):
    model = random_model(seed, states, symbols)
    obs = np.random.default_rng(obs_seed).integers(0, symbols, size=length)
    total, best_path, best_p = hmm.brute_force(model, obs)
    assert hmm.forward(model, obs).probability == pytest.approx(total, rel=1e-9)
    decoded = hmm.viterbi(model, obs)
    assert decoded.probability == pytest.approx(best_p, rel=1e-9)
    path_p = model.pi[decoded.path[0]] * model.B[decoded.path[0], obs[0]]
    for t in range(1, length):
        path_p *= model.A[decoded.path[t - 1], decoded.path[t]] * model.B[decoded.path[t], obs[t]]
    assert path_p == pytest.approx(best_p, rel=1e-9)  # ties may pick another path of equal probability


def test_scaled_forward_equals_unscaled_and_stays_finite_on_long_sequences():
    model = hmm.PRESETS["three-state"].model
    short = hmm.sample(model, 12, 1).observations
    run = hmm.forward(model, short)
    unscaled = hmm.forward_unscaled(model, short)
    assert np.allclose(run.alpha, unscaled, rtol=1e-12, atol=0)
    assert np.allclose(run.alpha_hat.sum(axis=1), 1.0)
    assert run.log_likelihood == pytest.approx(math.log(unscaled[-1].sum()))
    long = hmm.sample(model, 1000, 2).observations
    assert hmm.forward_unscaled(model, long)[-1].sum() == 0.0  # the plain recursion underflows
    long_run = hmm.forward(model, long)
    assert math.isfinite(long_run.log_likelihood) and long_run.log_likelihood < -700
    assert np.all(np.isfinite(long_run.alpha_hat)) and np.all(np.isfinite(long_run.alpha))
    assert math.isfinite(hmm.viterbi(model, long).log_probability)


def test_zero_probabilities_are_handled_without_warnings():
    model = hmm.PRESETS["three-state"].model  # "read" is impossible on a sunny day
    decoded = hmm.viterbi(model, [3, 3])
    assert decoded.log_delta[0, 0] == -math.inf and decoded.path[0] != 0


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_baum_welch_never_lowers_the_likelihood(seed):
    model = hmm.PRESETS["three-state"].model
    obs = hmm.sample(model, 150, seed).observations
    learning = hmm.baum_welch(obs, 3, 4, 40, seed)
    steps = np.diff(learning.log_likelihoods)
    assert np.all(steps >= -1e-9)
    assert learning.log_likelihoods[-1] > learning.log_likelihoods[0] + 1
    assert len(learning.models) == len(learning.log_likelihoods) == 41
    for learned in learning.models:
        assert np.allclose(learned.A.sum(axis=1), 1) and np.allclose(learned.B.sum(axis=1), 1)
        assert learned.pi.sum() == pytest.approx(1)


def test_learning_fewer_iterations_is_a_prefix():
    obs = hmm.sample(HEALTHY, 80, 5).observations
    full = hmm.baum_welch(obs, 2, 3, 50, 1)
    short = hmm.baum_welch(obs, 2, 3, 10, 1)
    assert np.array_equal(full.log_likelihoods[:11], short.log_likelihoods)


def test_sampling_frequencies_match_the_model():
    model = hmm.PRESETS["three-state"].model
    run = hmm.sample(model, 20_000, 4)
    states, obs = run.states, run.observations
    for i in range(3):
        here = states[:-1] == i
        moves = np.bincount(states[1:][here], minlength=3) / here.sum()
        assert np.allclose(moves, model.A[i], atol=0.02)
        emitted = np.bincount(obs[states == i], minlength=4) / (states == i).sum()
        assert np.allclose(emitted, model.B[i], atol=0.02)
    again = hmm.sample(model, 20_000, 4)
    assert np.array_equal(again.states, states) and np.array_equal(again.observations, obs)
    assert not np.array_equal(hmm.sample(model, 200, 5).states, states[:200])


def test_validation_names_each_problem_in_both_languages():
    ok = ([[0.7, 0.3], [0.4, 0.6]], [[0.5, 0.5], [0.1, 0.9]], [0.6, 0.4])
    assert hmm.validate(*ok) == []
    problems = hmm.validate([[0.6, 0.3], [0.4, 0.6]], ok[1], ok[2])
    assert problems == [hmm.Problem("A", 0, "row-sum", pytest.approx(0.9))]
    assert problems[0].message("en") == "Row 1 of A sums to 0.9, not 1"
    assert problems[0].message("zh") == "A 的第 1 行之和为 0.9,而不是 1"
    kinds = {p.kind for p in hmm.validate([["abc", 1.0], [-0.2, 1.2]], [[float("nan"), 1.0], [0.5, 0.5]], ok[2])}
    assert kinds == {"not-a-number", "negative"}
    assert hmm.validate([[1.0]], [[1.0, 0.0]], [1.0])[0].kind == "shape"  # one state is too few
    assert hmm.validate(ok[0], [[0.5, 0.5]], ok[2])[0].kind == "shape"
    with pytest.raises(hmm.InvalidModel) as raised:
        hmm.make_model([[0.6, 0.3], [0.4, 0.6]], *ok[1:], HEALTHY.states, HEALTHY.symbols[:2])
    assert raised.value.problems[0].kind == "row-sum"


def test_normalise_fixes_rows_and_makes_zero_rows_uniform():
    fixed = hmm.normalise([[2.0, 2.0], [0.0, 0.0], [0.3, 0.6]])
    assert fixed.tolist() == [[0.5, 0.5], [0.5, 0.5], pytest.approx([1 / 3, 2 / 3])]
    assert hmm.normalise([0.2, 0.2]).tolist() == [0.5, 0.5]


def test_every_preset_is_valid_and_named_in_both_languages():
    for preset in hmm.PRESETS.values():
        model = preset.model
        assert hmm.validate(model.A, model.B, model.pi) == []
        for names in (model.states, model.symbols):
            assert all(name["zh"] and name["en"] and name["zh"] != name["en"] for name in names)
        assert all(0 <= o < model.n_symbols for o in preset.observations)


@pytest.mark.parametrize("view", ["generate", "forward", "viterbi", "learn"])
@pytest.mark.parametrize("sequence", ["example", "generated"])
def test_simulate_every_view(view, sequence):
    scenario = hmm.simulate({"view": view, "sequence": sequence, "length": 30, "preset": "three-state"})
    assert np.all(np.isfinite(scenario.forward.alpha_hat)) and math.isfinite(scenario.forward.log_likelihood)
    assert len(scenario.viterbi.path) == len(scenario.observations)
    assert (scenario.learning is not None) == (view == "learn")
