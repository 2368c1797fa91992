"""The DPO simulation: the loss and its gradient, the page's worked example, what one step does,
the role of β, the presets, and finite, normalised numbers at every extreme."""

import math

import numpy as np
import pytest

from explorer.core.sims import dpo


def test_loss_is_ln2_at_zero_margin_and_falls_as_the_margin_grows():
    for beta in (0.01, 0.1, 1.0, 2.0):
        assert dpo.dpo_loss(0.0, beta) == pytest.approx(math.log(2))
        assert dpo.gradient_weight(0.0, beta) == pytest.approx(0.5)
    margins = np.linspace(-50, 50, 1001)
    assert np.all(np.diff(dpo.dpo_loss(margins, 0.3)) < 0)
    assert np.all(np.diff(dpo.gradient_weight(margins, 0.3)) < 0)  # updates fade once the pair is ordered
    # Stable far out: no overflow to inf or underflow to a negative loss.
    assert dpo.dpo_loss(-1e4, 2.0) == pytest.approx(2e4)
    assert 0.0 <= dpo.dpo_loss(1e4, 2.0) < 1e-300


def test_the_pages_worked_example():
    # log-ratio +2 for y_w and −2 for y_l, so Δ = 4.
    assert dpo.dpo_loss(4.0, 0.1) == pytest.approx(0.513, abs=5e-4)
    assert dpo.dpo_loss(4.0, 0.5) == pytest.approx(0.127, abs=5e-4)
    assert dpo.dpo_loss(-2.0, 0.1) == pytest.approx(0.798, abs=5e-4)  # the pair ordered the wrong way
    assert dpo.gradient_weight(4.0, 0.1) == pytest.approx(0.401, abs=5e-4)
    assert dpo.gradient_weight(-2.0, 0.1) == pytest.approx(0.550, abs=5e-4)
    # The same numbers from log-probabilities: the normaliser cancels in Δ.
    reference = np.log(np.array([np.exp(-14.0), np.exp(-13.0), 1.0]))
    policy = np.log(np.array([np.exp(-12.0), np.exp(-15.0), 1.0]))
    assert dpo.margin(policy, reference, 0, 1) == pytest.approx(4.0, abs=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_the_analytic_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    theta, reference = rng.normal(size=6) * 2, rng.normal(size=6)
    preferred, rejected = rng.choice(6, size=2, replace=False)
    beta = float(rng.uniform(0.05, 2.0))
    analytic = dpo.gradient(theta, reference, preferred, rejected, beta)
    numeric = np.zeros(6)
    for i in range(6):
        step = np.zeros(6)
        step[i] = 1e-6
        numeric[i] = (dpo.loss_at(theta + step, reference, preferred, rejected, beta)
                      - dpo.loss_at(theta - step, reference, preferred, rejected, beta)) / 2e-6
    assert analytic == pytest.approx(numeric, abs=1e-7)
    # Only the pair's logits move, by equal and opposite amounts.
    others = [i for i in range(6) if i not in (preferred, rejected)]
    assert np.allclose(analytic[others], 0.0)
    assert analytic[preferred] == pytest.approx(-analytic[rejected]) and analytic[preferred] < 0


def test_one_step_raises_the_preferred_ratio_against_the_rejected():
    run = dpo.simulate({"steps": 10})
    w, l = run.preferred, run.rejected
    ratio = run.log_probs - np.log(run.reference_probs)
    assert run.delta[0] == 0.0 and run.loss[0] == pytest.approx(math.log(2))
    assert ratio[1, w] > ratio[0, w] and ratio[1, l] < ratio[0, l]
    assert run.delta[1] > 0 and np.all(np.diff(run.delta) > 0) and np.all(np.diff(run.loss) < 0)
    assert np.all(np.diff(run.probs[:, w]) > 0) and np.all(np.diff(run.probs[:, l]) < 0)
    assert run.kl[0] == 0.0 and run.kl[-1] > 0


def test_the_run_is_gradient_descent_step_by_step():
    params = {"beta": 0.7, "lr": 2.0, "steps": 25, "preferred": "D", "rejected": "B", "reference": "rejected",
              "sharpness": 1.7}
    run = dpo.simulate(params)
    theta = run.reference.copy()
    for step in range(run.steps):
        assert run.theta[step] == pytest.approx(theta)
        theta = theta - 2.0 * dpo.gradient(theta, run.reference, run.preferred, run.rejected, 0.7)
    assert run.theta[-1] == pytest.approx(theta)


def test_implied_rewards_differ_by_beta_times_the_margin():
    for beta in (0.01, 0.1, 2.0):
        run = dpo.simulate({"beta": beta, "steps": 50})
        assert run.reward_preferred - run.reward_rejected == pytest.approx(beta * run.delta)
        w = run.preferred
        assert run.reward_preferred == pytest.approx(beta * (run.log_probs[:, w] - np.log(run.reference_probs[w])))


def test_a_larger_beta_reaches_the_same_loss_with_less_kl():
    target = 0.2
    kls = []
    for beta, lr in ((0.1, 5.0), (0.5, 1.0), (2.0, 0.2)):
        run = dpo.simulate({"beta": beta, "lr": lr, "steps": 500})
        reached = int(np.argmax(run.loss <= target))
        assert run.loss[reached] <= target, beta
        kls.append(run.kl[reached])
    assert kls[0] > kls[1] > kls[2]


def test_presets_and_sharpness():
    a, c = dpo.NAMES.index("A"), dpo.NAMES.index("C")
    wrong = dpo.simulate({"reference": "rejected"})
    assert wrong.reference_probs[wrong.rejected] == wrong.reference_probs.max()
    assert wrong.reference_probs[wrong.preferred] == wrong.reference_probs.min()
    right = dpo.simulate({"reference": "preferred"})
    assert right.reference_probs[right.preferred] == right.reference_probs.max()
    sft = dpo.simulate({})
    assert sft.reference_probs[c] > sft.reference_probs[a]  # the SFT model favours the short answer
    flat = dpo.simulate({"sharpness": 0.0})
    assert flat.reference_probs == pytest.approx(np.full(6, 1 / 6))
    assert dpo.simulate({"reference": "neutral"}).reference_probs == pytest.approx(np.full(6, 1 / 6))
    # The loss starts at ln 2 whatever the reference thinks: Δ is measured against it.
    for run in (wrong, right, sft, flat):
        assert run.loss[0] == pytest.approx(math.log(2))


def test_the_same_answer_twice_learns_nothing():
    run = dpo.simulate({"preferred": "B", "rejected": "B", "steps": 30})
    assert run.same_pair
    assert np.all(run.delta == 0) and np.allclose(run.loss, math.log(2)) and np.all(run.kl == 0)
    assert np.allclose(run.theta, run.reference) and run.faded_step is None and run.collapsed_step is None


@pytest.mark.parametrize("beta", [0.01, 2.0])
@pytest.mark.parametrize("lr", [0.01, 5.0])
@pytest.mark.parametrize("reference", ["sft", "rejected"])
def test_every_extreme_stays_finite_and_normalised(beta, lr, reference):
    run = dpo.simulate({"beta": beta, "lr": lr, "steps": 500, "reference": reference, "sharpness": 3.0})
    assert run.finite
    for array in (run.theta, run.log_probs, run.delta, run.loss, run.weight, run.reward_preferred,
                  run.reward_rejected, run.kl):
        assert np.all(np.isfinite(array))
    assert np.allclose(run.probs.sum(axis=1), 1.0)
    assert np.all(run.probs >= 0) and np.all(run.loss >= 0) and np.all(run.kl >= -1e-12)
    # KL to the reference is at most −log π_ref(y_w): the policy can at most become y_w alone.
    assert run.kl.max() <= -np.log(run.reference_probs[run.preferred]) + 1e-9


def test_long_training_collapses_onto_the_preferred_answer_and_says_so():
    run = dpo.simulate({"beta": 0.05, "lr": 5.0, "steps": 500})
    assert run.collapsed_step is not None
    assert run.probs[run.collapsed_step, run.preferred] > dpo.COLLAPSED
    assert run.probs[run.collapsed_step - 1, run.preferred] <= dpo.COLLAPSED
    fast = dpo.simulate({"beta": 2.0, "lr": 5.0, "steps": 10})
    assert fast.faded_step == 1 and fast.weight[1] < dpo.FADED
    assert dpo.simulate({"lr": 0.01, "steps": 10}).collapsed_step is None


def test_runs_are_cached_and_read_only():
    first = dpo.simulate({"beta": 0.3})
    assert dpo.simulate({"beta": 0.3}) is first
    with pytest.raises(ValueError):
        first.delta[0] = 1.0
