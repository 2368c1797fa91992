"""The arena simulation: Elo's formula and its order dependence, Bradley–Terry's recovery of the
true strengths and its indifference to order, bootstrap intervals that narrow with more votes."""

import numpy as np
import pytest

from explorer.core.sims import arena


def test_expected_score_and_the_pages_worked_example():
    assert arena.expected_score(1000, 1100) == pytest.approx(0.359935, abs=1e-6)
    assert arena.expected_score(1000, 1000) == 0.5
    a, b = arena.elo_update(1000, 1100, 1.0, 4)
    assert (a, b) == (pytest.approx(1002.56026, abs=1e-5), pytest.approx(1097.43974, abs=1e-5))
    assert arena.elo_update(1000, 1100, 0.5, 4)[0] == pytest.approx(1000.56026, abs=1e-5)
    assert sum(arena.elo_update(1234, 987, 0.0, 32)) == pytest.approx(1234 + 987)  # points are only moved


def test_the_order_of_two_votes_changes_elo_but_not_bradley_terry():
    votes = arena.Votes(np.array([0, 0]), np.array([1, 1]), np.array([1.0, 0.0]))  # A wins, then B wins
    ahead = arena.online_elo(votes, 2, 4, np.array([2]))[0]
    behind = arena.online_elo(votes.reordered(np.array([1, 0])), 2, 4, np.array([2]))[0]
    assert ahead == pytest.approx([999.977, 1000.023], abs=1e-3)  # the page's numbers
    assert behind == pytest.approx([1000.023, 999.977], abs=1e-3)
    fitted = arena.bradley_terry(arena.win_counts(votes, 2))
    assert fitted == pytest.approx([1000.0, 1000.0])


def test_elo_at_the_recorded_counts_is_one_update_after_another():
    truth = arena.true_ratings(5, seed=3)
    votes = arena.draw_votes(truth, 300, 0.2, seed=3)
    ratings, expected = [arena.START] * 5, [[arena.START] * 5]
    for a, b, score in zip(votes.first, votes.second, votes.score):
        ratings[a], ratings[b] = arena.elo_update(ratings[a], ratings[b], score, 16)
        expected.append(list(ratings))
    record = np.array([0, 1, 2, 17, 150, 299, 300])
    assert arena.online_elo(votes, 5, 16, record) == pytest.approx(np.array(expected)[record], abs=1e-9)


def test_bradley_terry_recovers_the_true_ordering_from_enough_votes():
    truth = arena.true_ratings(8, seed=5)
    votes = arena.draw_votes(truth, 20000, 0.1, seed=5)
    fitted = arena.bradley_terry(arena.win_counts(votes, 8))
    assert list(np.argsort(-fitted)) == list(np.argsort(-truth))
    assert np.max(np.abs(fitted - truth)) < 25  # Elo points
    assert fitted.mean() == pytest.approx(1000.0)


def test_bradley_terry_is_the_maximum_likelihood():
    truth = arena.true_ratings(4, seed=1)
    votes = arena.draw_votes(truth, 600, 0.0, seed=1)
    wins = arena.win_counts(votes, 4)
    fitted = (arena.bradley_terry(wins) - arena.START) / arena.SCALE

    def log_likelihood(theta):
        padded = wins + arena.PRIOR_GAMES / 2 * (1 - np.eye(4))
        p = 1 / (1 + np.exp(theta[None, :] - theta[:, None]))
        return float(np.sum(padded * np.log(p)))

    best = log_likelihood(fitted)
    rng = np.random.default_rng(0)
    for _ in range(50):
        assert log_likelihood(fitted + rng.normal(0, 0.05, 4)) <= best + 1e-9


def test_votes_are_seeded_never_self_play_and_follow_the_tie_rate():
    truth = arena.true_ratings(5, seed=2)
    one = arena.draw_votes(truth, 4000, 0.25, seed=2)
    two = arena.draw_votes(truth, 4000, 0.25, seed=2)
    assert np.array_equal(one.score, two.score) and np.array_equal(one.first, two.first)
    assert np.all(one.first != one.second)
    assert np.mean(one.score == 0.5) == pytest.approx(0.25, abs=0.02)
    decisive = one.score != 0.5
    expected = arena.expected_score(truth[one.first[decisive]], truth[one.second[decisive]])
    assert np.mean(one.score[decisive]) == pytest.approx(np.mean(expected), abs=0.02)


def test_shuffling_moves_the_final_elo_but_not_the_final_bradley_terry():
    plain = arena.simulate({"order": 0})
    shuffled = arena.simulate({"order": 3})
    assert np.max(np.abs(plain.elo[-1] - shuffled.elo[-1])) > 1.0
    assert shuffled.bradley_terry[-1] == pytest.approx(plain.bradley_terry[-1], abs=1e-3)


def test_a_larger_k_makes_elo_swing_more():
    calm = arena.simulate({"k": 4})
    wild = arena.simulate({"k": 32})
    assert np.std(np.diff(wild.elo[10:], axis=0)) > 3 * np.std(np.diff(calm.elo[10:], axis=0))


def test_bootstrap_intervals_hold_the_fit_and_narrow_with_more_votes():
    few = arena.simulate({"battles": 100})
    many = arena.simulate({"battles": 5000})
    for result in (few, many):
        low, high = result.intervals
        assert np.all(low <= result.bradley_terry[-1] + 1e-6) and np.all(result.bradley_terry[-1] <= high + 1e-6)
    assert np.mean(many.intervals[1] - many.intervals[0]) < 0.3 * np.mean(few.intervals[1] - few.intervals[0])
    assert arena.simulate({"intervals": "off"}).intervals is None


def test_the_bootstrap_is_resampling_the_votes_with_replacement():
    truth = arena.true_ratings(4, seed=6)
    votes = arena.draw_votes(truth, 400, 0.2, seed=6)
    rounds = 1000
    fast = arena.bootstrap(votes, 4, rounds, seed=6)
    rng = np.random.default_rng(11)
    plain = np.array([arena.bradley_terry(arena.win_counts(votes.reordered(rng.integers(0, 400, 400)), 4))
                      for _ in range(rounds)])
    # Same distribution: centres and spreads agree within a few of their standard errors.
    spread = plain.std(axis=0)
    assert fast.mean(axis=0) == pytest.approx(plain.mean(axis=0), abs=float(0.25 * spread.max()))
    assert fast.std(axis=0) == pytest.approx(spread, rel=0.1)


def test_simulations_are_seeded_and_their_cached_pieces_cannot_be_changed():
    one, two = arena.simulate({"seed": 12, "k": 8}), arena.simulate({"seed": 12, "k": 8})
    for name in ("truth", "elo", "elo_before", "bradley_terry", "intervals"):
        assert np.array_equal(getattr(one, name), getattr(two, name))
        with pytest.raises(ValueError):
            getattr(one, name)[0] = 0.0


@pytest.mark.parametrize("params", [{"models": 2, "battles": 10}, {"models": 10, "battles": 10, "ties": 0.5},
                                    {"models": 10, "battles": 5000, "k": 64, "ties": 0.0}, {"ties": 0.5, "seed": 9999}])
def test_extremes_stay_finite(params):
    result = arena.simulate(params)
    for values in (result.elo, result.bradley_terry, result.truth):
        assert np.all(np.isfinite(values))
    assert result.steps[0] == 0 and result.steps[-1] == params.get("battles", 1000)
    assert 0.0 <= result.correct_pairs(result.elo[-1]) <= 1.0


def _fresh(params):
    """The arena for ``params`` with every cache emptied first."""
    for cached in (arena._all_votes, arena._ordered, arena._bradley_terry_history, arena._elo):
        cached.cache_clear()
    arena._elo_paths.clear()
    arena._intervals_kept.clear()
    return arena.simulate(params)


def test_more_battles_continue_the_same_arena_and_elo_continued_equals_elo_computed_afresh():
    short = arena.simulate({"battles": 300, "seed": 5, "k": 16})
    longer = arena.simulate({"battles": 2000, "seed": 5, "k": 16})  # continues the kept Elo path
    assert np.array_equal(longer.votes.first[:300], short.votes.first)
    assert np.array_equal(longer.votes.score[:300], short.votes.score)
    again = arena.simulate({"battles": 700, "seed": 5, "k": 16})  # a slice of the kept path
    for result, battles in ((longer, 2000), (again, 700)):
        fresh = _fresh({"battles": battles, "seed": 5, "k": 16})
        assert np.array_equal(result.elo, fresh.elo) and np.array_equal(result.elo_before, fresh.elo_before)
        assert np.array_equal(result.elo, arena.online_elo(fresh.votes, 6, 16, fresh.steps))
    shuffled = arena.simulate({"battles": 700, "seed": 5, "k": 16, "order": 2})
    assert np.array_equal(shuffled.elo, _fresh({"battles": 700, "seed": 5, "k": 16, "order": 2}).elo)


def test_the_bootstrap_started_from_the_histories_last_fit_is_the_same_bootstrap():
    result = arena.simulate({"battles": 800, "seed": 3})
    fits = arena.bootstrap(result.votes, result.models, arena.BOOTSTRAP_ROUNDS, 3)
    assert result.intervals == pytest.approx(np.percentile(fits, [2.5, 97.5], axis=0), abs=1e-6)
