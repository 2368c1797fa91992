"""A simulated Chatbot Arena: online Elo against a Bradley–Terry fit on the same votes.

Each model has a hidden true rating. A battle pairs two models at random; with the tie rate it
is a tie, otherwise model A wins with the Bradley–Terry probability on the Elo scale,
P(A beats B) = 1 / (1 + 10^((R_B − R_A)/400)). Online Elo starts every model at 1000 and after
each battle moves R_A by K·(S_A − E_A) and R_B by the opposite (Chiang et al., ICML 2024,
arXiv:2403.04132: K = 4 and 1000 in the published code). Bradley–Terry fits one rating per model
to all votes at once (ties count half a win each way) by Newton's method on the pairwise counts,
anchored at a mean of 1000; its result does not depend on the order of the votes, Elo's does.
Bootstrap intervals refit Bradley–Terry on votes drawn again with replacement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import numpy as np

from explorer.core.params import ParamSpec, resolve
from explorer.core.sims.kept import keep

SCALE = 400.0 / math.log(10.0)  # Elo points per unit of Bradley–Terry log-strength
START = 1000.0
TRUE_SPREAD = (-200.0, 200.0)
CHECKPOINTS = 60  # rating histories are kept at this many points of the battle sequence
BOOTSTRAP_ROUNDS = 100
NEWTON_STEPS = 30
# A twentieth of a tie between every pair: with few votes (a model that has only won) the
# likelihood has no maximum; this tiny prior gives it one and is nothing beside real votes.
PRIOR_GAMES = 0.05
MAX_STEP = 2.0  # Newton steps are capped (in log-strength) so that a far start cannot overshoot

MAX_BATTLES = 5000

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("models", 6, 2, 10, kind="int", label={"zh": "模型数", "en": "Models"}),
    ParamSpec("battles", 1000, 10, MAX_BATTLES, kind="int", log=True, label={"zh": "对战次数", "en": "Battles"}),
    ParamSpec("k", 4.0, 1.0, 64.0, log=True, decimals=1, label={"zh": "Elo 的 K", "en": "Elo K"}),
    ParamSpec("ties", 0.1, 0.0, 0.5, decimals=2, label={"zh": "平局比例", "en": "Tie rate"}),
    ParamSpec("order", 0, 0, 20, kind="int", label={"zh": "对战顺序(打乱)", "en": "Battle order (shuffle)"}),
    ParamSpec("intervals", "on", kind="choice", choices=("on", "off"),
              label={"zh": "自助法置信区间", "en": "Bootstrap intervals"},
              choice_labels={"on": {"zh": "显示", "en": "Show"}, "off": {"zh": "不显示", "en": "Hide"}}),
    ParamSpec("seed", 0, 0, 9999, kind="int", label={"zh": "随机种子", "en": "Seed"}),
)


def expected_score(rating_a: float | np.ndarray, rating_b: float | np.ndarray) -> float | np.ndarray:
    """E_A = 1 / (1 + 10^((R_B − R_A)/400)): A's expected score against B."""
    return 1.0 / (1.0 + 10.0 ** ((np.asarray(rating_b) - np.asarray(rating_a)) / 400.0))


def elo_update(rating_a: float, rating_b: float, score_a: float, k: float) -> tuple[float, float]:
    """One online Elo update: S_A is 1 (A won), 0.5 (tie) or 0 (B won)."""
    change = k * (score_a - float(expected_score(rating_a, rating_b)))
    return rating_a + change, rating_b - change


@dataclass(frozen=True)
class Votes:
    """A battle sequence: who met whom and A's score (1, 0.5, 0)."""

    first: np.ndarray
    second: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.score)

    def reordered(self, order: np.ndarray) -> "Votes":
        return Votes(self.first[order], self.second[order], self.score[order])

    def __getitem__(self, part: slice) -> "Votes":
        return Votes(self.first[part], self.second[part], self.score[part])


def true_ratings(models: int, seed: int) -> np.ndarray:
    """Hidden strengths, spread over TRUE_SPREAD around 1000 (only differences mean anything, so
    they are centred like the fitted ratings), strongest first."""
    rng = np.random.default_rng([seed, 1])
    drawn = np.sort(rng.uniform(*TRUE_SPREAD, size=models))[::-1]
    return drawn - drawn.mean() + START


def draw_votes(truth: np.ndarray, battles: int, tie_rate: float, seed: int) -> Votes:
    """Random pairs (never a model against itself) and their seeded outcomes."""
    rng = np.random.default_rng([seed, 2])
    models = len(truth)
    first = rng.integers(0, models, size=battles)
    second = (first + rng.integers(1, models, size=battles)) % models
    ties = rng.random(battles) < tie_rate
    a_wins = rng.random(battles) < expected_score(truth[first], truth[second])
    score = np.where(ties, 0.5, a_wins.astype(float))
    return Votes(first, second, score)


def elo_path(votes: Votes, models: int, k: float, start: np.ndarray | None = None) -> np.ndarray:
    """Online Elo before any battle and after each one, shape (len(votes) + 1, models), from
    ``start`` (default: every model at 1000), so that a path can be continued where it stopped."""
    ratings = [START] * models if start is None else [float(value) for value in start]
    path = list(ratings)
    keep = path.extend
    # The update is inherently sequential: one tight loop over floats.
    for a, b, s in zip(votes.first.tolist(), votes.second.tolist(), votes.score.tolist()):
        rating_a, rating_b = ratings[a], ratings[b]
        change = k * (s - 1.0 / (1.0 + 10.0 ** ((rating_b - rating_a) / 400.0)))
        ratings[a] = rating_a + change
        ratings[b] = rating_b - change
        keep(ratings)
    return np.array(path).reshape(-1, models)


def online_elo(votes: Votes, models: int, k: float, record: np.ndarray) -> np.ndarray:
    """Ratings after each battle count in ``record`` (0 = before any), shape (len, models)."""
    return elo_path(votes, models, k)[np.asarray(record)]


def win_counts(votes: Votes, models: int, weights: np.ndarray | None = None) -> np.ndarray:
    """W[i, j]: wins of i over j, a tie counting half to each."""
    flat_ij = votes.first * models + votes.second
    flat_ji = votes.second * models + votes.first
    score = votes.score if weights is None else votes.score * weights
    other = (1.0 - votes.score) if weights is None else (1.0 - votes.score) * weights
    counts = np.bincount(flat_ij, weights=score, minlength=models * models)
    counts += np.bincount(flat_ji, weights=other, minlength=models * models)
    return counts.reshape(models, models)


def bradley_terry(wins: np.ndarray, start: np.ndarray | None = None, tolerance: float = 1e-9) -> np.ndarray:
    """Ratings on the Elo scale maximising the Bradley–Terry likelihood of ``wins``, mean 1000.

    ``wins`` may be a stack (..., models, models) of count matrices: they are fitted together,
    one Newton step for all of them at a time. ``start`` (ratings from a fit on similar counts)
    only makes the method converge sooner. The fit stops after a step below ``tolerance`` (in
    log-strength; Newton's method then squares the remaining error with every step).
    """
    wins = np.asarray(wins, dtype=float)
    models = wins.shape[-1]
    wins = wins + PRIOR_GAMES / 2 * (1.0 - np.eye(models))
    games = wins + np.swapaxes(wins, -1, -2)
    theta = np.zeros(wins.shape[:-1])
    if start is not None:
        theta = theta + (np.asarray(start, dtype=float) - START) / SCALE
    # The likelihood does not change when every θ moves together: this term fixes the mean at 0.
    anchor = np.ones((models, models)) / models
    diagonal = np.arange(models)
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(theta[..., None, :] - theta[..., :, None]))  # P(i beats j)
        gradient = (wins - games * p).sum(axis=-1)
        curvature = games * p * (1.0 - p)
        # diag(row sums of the curvature) − curvature + anchor; the curvature's own diagonal is 0
        hessian = anchor - curvature
        hessian[..., diagonal, diagonal] += curvature.sum(axis=-1)
        step = np.linalg.solve(hessian, gradient[..., None])[..., 0]
        largest = np.max(np.abs(step), axis=-1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(largest, 1e-300))
        theta = theta + step
        theta -= theta.mean(axis=-1, keepdims=True)
        if float(np.max(largest)) < tolerance:
            break
    return START + SCALE * theta


def bootstrap(votes: Votes, models: int, rounds: int, seed: int, centre: np.ndarray | None = None) -> np.ndarray:
    """Bradley–Terry ratings on ``rounds`` resamplings of the votes, shape (rounds, models).

    Drawing n votes with replacement is drawing how often each kind of vote occurs from a
    multinomial with the observed frequencies: the same resampling, done on a few hundred counts
    instead of n votes. A kind is what a vote adds to the win counts: which two models met and
    which of them won (or a tie). Who sat on which side adds nothing, so "A beat B with A first"
    and "A beat B with B first" are one kind, which halves the draws the multinomial needs.
    ``centre`` (the fit on all the votes, if known) is where each refit starts.
    """
    rng = np.random.default_rng([seed, 3])
    low, high = np.minimum(votes.first, votes.second), np.maximum(votes.first, votes.second)
    low_score = np.where(votes.first == low, votes.score, 1.0 - votes.score)
    outcome = np.rint(2 * (1.0 - low_score)).astype(int)  # 0: the lower index won, 1: tie, 2: the higher won
    kinds, seen = np.unique((low * models + high) * 3 + outcome, return_counts=True)
    draws = rng.multinomial(len(votes), seen / len(votes), size=rounds)  # (rounds, kinds)
    pair, kind_outcome = np.divmod(kinds, 3)
    first, second = np.divmod(pair, models)
    score = 1.0 - kind_outcome / 2.0
    # Each kind adds its score to W[first, second] and the rest to W[second, first]. Summed with
    # bincount rather than a matrix product: a product this size runs on several BLAS threads,
    # which stall for milliseconds whenever another program has the cores.
    cells = models * models
    at = np.arange(rounds)[:, None] * cells
    wins = np.bincount((at + first * models + second).ravel(), weights=(draws * score).ravel(),
                       minlength=rounds * cells)
    wins += np.bincount((at + second * models + first).ravel(), weights=(draws * (1.0 - score)).ravel(),
                        minlength=rounds * cells)
    # A step below 1e-6 (2e-4 Elo points) leaves an error near 1e-12, and saves the last step.
    if centre is None:
        centre = bradley_terry(win_counts(votes, models), tolerance=1e-6)
    return bradley_terry(wins.reshape(rounds, models, models), start=centre, tolerance=1e-6)


def checkpoints(battles: int) -> np.ndarray:
    """Battle counts at which the histories are kept: 0, then evenly up to the last battle."""
    return np.unique(np.round(np.linspace(0, battles, min(battles, CHECKPOINTS) + 1)).astype(int))


@dataclass(frozen=True)
class Arena:
    """One simulated arena: the truth, the votes, and both ratings along the way."""

    truth: np.ndarray  # (models,)
    votes: Votes
    steps: np.ndarray  # (C,) battle counts
    elo: np.ndarray  # (C, models)
    elo_before: np.ndarray  # (C, models): Elo just before the last battle of each checkpoint
    bradley_terry: np.ndarray  # (C, models), fitted on the votes so far
    intervals: np.ndarray | None  # (2, models): 2.5 % and 97.5 % bootstrap bounds on all votes

    @property
    def models(self) -> int:
        return len(self.truth)

    def correct_pairs(self, ratings: np.ndarray) -> float:
        """The share of model pairs that ``ratings`` order as the truth does."""
        i, j = np.triu_indices(self.models, 1)
        return float(np.mean(np.sign(ratings[i] - ratings[j]) == np.sign(self.truth[i] - self.truth[j])))


# The pieces of a simulation are cached by the parameters each depends on, so that a control
# recomputes only what it changes: K only Elo, the battle order not the bootstrap, hiding the
# intervals nothing. Sliders are dragged back and forth, so a few dozen of each are kept (the
# largest, 5000 votes, is 120 kB). Cached arrays are shared, so they are made read-only.
CACHED = 32


def _read_only(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.flags.writeable = False


@lru_cache(maxsize=CACHED)
def _all_votes(models: int, ties: float, seed: int) -> tuple[np.ndarray, Votes]:
    """The truth and the longest battle sequence the demo offers: a run of n battles is its first
    n votes, so more battles continue the same arena instead of drawing a new one."""
    truth = true_ratings(models, seed)
    votes = draw_votes(truth, MAX_BATTLES, ties, seed)
    _read_only(truth, votes.first, votes.second, votes.score)
    return truth, votes


def _votes(models: int, battles: int, ties: float, seed: int) -> tuple[np.ndarray, Votes]:
    truth, votes = _all_votes(models, ties, seed)
    return truth, votes[:battles]  # views of read-only arrays are read-only


@lru_cache(maxsize=CACHED)
def _ordered(models: int, battles: int, ties: float, seed: int, order: int) -> Votes:
    """The votes in the order they are counted: as drawn, or shuffled by ``order``."""
    _, votes = _votes(models, battles, ties, seed)
    if order == 0:
        return votes
    votes = votes.reordered(np.random.default_rng([seed, 4, order]).permutation(len(votes)))
    _read_only(votes.first, votes.second, votes.score)
    return votes


@lru_cache(maxsize=CACHED)
def _bradley_terry_history(models: int, battles: int, ties: float, seed: int, order: int) -> np.ndarray:
    """The fit on the votes so far at every checkpoint (all checkpoints fitted together)."""
    votes = _ordered(models, battles, ties, seed, order)
    steps = checkpoints(battles)
    slot = np.searchsorted(steps, np.arange(1, battles + 1))  # the first checkpoint that counts each vote
    cells = len(steps) * models * models
    at = slot * (models * models)
    counts = np.bincount(at + votes.first * models + votes.second, weights=votes.score, minlength=cells)
    counts += np.bincount(at + votes.second * models + votes.first, weights=1.0 - votes.score, minlength=cells)
    fits = bradley_terry(np.cumsum(counts.reshape(len(steps), models, models), axis=0))
    fits[0] = START  # before any vote
    _read_only(fits)
    return fits


_ELO_PATHS_KEPT = CACHED
_elo_paths: dict[tuple, np.ndarray] = {}


def _elo_path(models: int, battles: int, ties: float, seed: int, order: int, k: float) -> np.ndarray:
    """Online Elo after each of the first ``battles`` votes (and before any).

    In the order drawn, a shorter run's votes begin a longer one's: the path of the longest run
    asked for so far is kept per setting, fewer battles slice it and more continue it from its
    last ratings. A shuffled order is a permutation of the run's own votes, so it is kept per
    number of battles.
    """
    key = (models, ties, seed, k) if order == 0 else (models, battles, ties, seed, order, k)
    path = _elo_paths.get(key)
    if path is None or len(path) <= battles:
        votes = _ordered(models, battles, ties, seed, order)
        if path is None:
            path = elo_path(votes, models, k)
        else:
            done = len(path) - 1
            path = np.concatenate([path, elo_path(votes[done:], models, k, start=path[-1])[1:]])
        _read_only(path)
    return keep(_elo_paths, key, path, _ELO_PATHS_KEPT)[: battles + 1]


@lru_cache(maxsize=CACHED)
def _elo(models: int, battles: int, ties: float, seed: int, order: int, k: float) -> tuple[np.ndarray, np.ndarray]:
    """Online Elo at every checkpoint and just before its last battle."""
    path = _elo_path(models, battles, ties, seed, order, k)
    steps = checkpoints(battles)
    elo, elo_before = path[steps], path[np.maximum(steps - 1, 0)]
    _read_only(elo, elo_before)
    return elo, elo_before


_intervals_kept: dict[tuple, np.ndarray] = {}  # by (models, battles, ties, seed), least recently used first


def _intervals(models: int, battles: int, ties: float, seed: int) -> np.ndarray:
    key = (models, battles, ties, seed)
    intervals = _intervals_kept.get(key)
    if intervals is None:
        _, votes = _votes(models, battles, ties, seed)
        # The history's last fit is the fit on all the votes (in any order): the bootstrap starts there.
        centre = _bradley_terry_history(models, battles, ties, seed, 0)[-1]
        fits = bootstrap(votes, models, BOOTSTRAP_ROUNDS, seed, centre=centre)
        intervals = np.percentile(fits, [2.5, 97.5], axis=0)
        _read_only(intervals)
    return keep(_intervals_kept, key, intervals, CACHED)


def _settings(params: Mapping[str, object] | None) -> tuple[dict, int, int, float, int]:
    p = resolve(PARAMS, params or {})
    return p, int(p["models"]), int(p["battles"]), round(float(p["ties"]), 4), int(p["seed"])


def intervals_known(params: Mapping[str, object] | None = None) -> bool:
    """Whether the bootstrap intervals for ``params`` are computed already (off counts as known)."""
    p, models, battles, ties, seed = _settings(params)
    return p["intervals"] != "on" or (models, battles, ties, seed) in _intervals_kept


def simulate(params: Mapping[str, object] | None = None, intervals: bool = True) -> Arena:
    """The arena for ``params`` (missing ones take their defaults). ``intervals=False`` leaves out
    the bootstrap intervals even when they are on (a hundred refits: the demo adds them a frame
    later)."""
    p, models, battles, ties, seed = _settings(params)
    order = int(p["order"])
    truth, _ = _votes(models, battles, ties, seed)
    votes = _ordered(models, battles, ties, seed, order)
    steps = checkpoints(battles)
    elo, elo_before = _elo(models, battles, ties, seed, order, float(p["k"]))
    history = _bradley_terry_history(models, battles, ties, seed, order)
    shown = _intervals(models, battles, ties, seed) if intervals and p["intervals"] == "on" else None
    return Arena(truth, votes, steps, elo, elo_before, history, shown)
