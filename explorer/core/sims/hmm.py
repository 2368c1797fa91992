"""Hidden Markov models: presets, validation, sampling, and the three classic problems.

A model λ = (A, B, π) has N hidden states (2–5) and M observation symbols (2–6), each named in
Chinese and English. Following Rabiner, "A tutorial on hidden Markov models and selected
applications in speech recognition", Proc. IEEE 77(2), 1989:

- evaluation: the forward algorithm, in the scaled form of §V.A so that long sequences never
  underflow (P(O|λ) = ∏ c_t with c_t the sum of the unscaled α_t before normalising);
- decoding: Viterbi, in log space, with back-pointers;
- learning: Baum–Welch (expectation–maximisation), whose log-likelihood never decreases.

Everything is numpy and seeded; nothing here draws or waits.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from explorer.core.params import ParamSpec, resolve

MIN_STATES, MAX_STATES = 2, 5
MIN_SYMBOLS, MAX_SYMBOLS = 2, 6
ROW_TOLERANCE = 1e-6
Name = Mapping[str, str]


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


# -- the model -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Model:
    """λ = (A, B, π) with names for the states and the symbols."""

    A: np.ndarray  # (N, N) transition probabilities, rows sum to 1
    B: np.ndarray  # (N, M) emission probabilities, rows sum to 1
    pi: np.ndarray  # (N,) initial distribution
    states: tuple[Name, ...]
    symbols: tuple[Name, ...]

    @property
    def n_states(self) -> int:
        return len(self.pi)

    @property
    def n_symbols(self) -> int:
        return self.B.shape[1]

    def state_name(self, index: int, lang: str) -> str:
        return self.states[index][lang]

    def symbol_name(self, index: int, lang: str) -> str:
        return self.symbols[index][lang]


@dataclass(frozen=True)
class Preset:
    """A named example model and an observation sequence to start from."""

    title: Name
    model: Model
    observations: tuple[int, ...]


@dataclass(frozen=True)
class Problem:
    """Something wrong with an edited model; ``message`` says it in one language."""

    matrix: str  # "A", "B" or "pi"
    row: int | None
    kind: str  # "shape", "not-a-number", "negative", "row-sum"
    total: float | None = None

    def message(self, lang: str) -> str:
        where_zh = f"{self.matrix} 的第 {self.row + 1} 行" if self.row is not None else self.matrix
        where_en = f"Row {self.row + 1} of {self.matrix}" if self.row is not None else self.matrix
        if self.kind == "row-sum":
            total = f"{self.total:.4g}"
            return (f"{where_zh}之和为 {total},而不是 1" if lang == "zh"
                    else f"{where_en} sums to {total}, not 1")
        if self.kind == "negative":
            return f"{where_zh}有负数" if lang == "zh" else f"{where_en} has a negative entry"
        if self.kind == "not-a-number":
            return f"{where_zh}有不是数字的项" if lang == "zh" else f"{where_en} has an entry that is not a number"
        return (f"{self.matrix} 的形状不对" if lang == "zh"
                else f"{self.matrix} has the wrong shape")


class InvalidModel(ValueError):
    """Raised by :func:`make_model` with the problems found."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(problem.message("en") for problem in problems))
        self.problems = tuple(problems)


def _as_numbers(raw) -> tuple[np.ndarray, np.ndarray]:
    """The entries as floats (NaN where not a number), and where they were not numbers."""
    rows = np.atleast_1d(np.array(raw, dtype=object))
    values = np.full(rows.shape, np.nan)
    for index, entry in np.ndenumerate(rows):
        try:
            values[index] = float(entry) if not isinstance(entry, bool) else math.nan
        except (TypeError, ValueError):
            pass
    return values, ~np.isfinite(values)


def _matrix_problems(name: str, values: np.ndarray, bad: np.ndarray) -> list[Problem]:
    rows = values if values.ndim == 2 else values[None, :]
    bad_rows = bad if bad.ndim == 2 else bad[None, :]
    problems = []
    for r in range(rows.shape[0]):
        row_label = r if values.ndim == 2 else None
        if bad_rows[r].any():
            problems.append(Problem(name, row_label, "not-a-number"))
        elif (rows[r] < 0).any():
            problems.append(Problem(name, row_label, "negative"))
        elif abs(rows[r].sum() - 1.0) > ROW_TOLERANCE:
            problems.append(Problem(name, row_label, "row-sum", float(rows[r].sum())))
    return problems


def validate(A, B, pi) -> list[Problem]:
    """Every problem of an edited model: shapes, non-numbers, negatives, rows not summing to 1."""
    try:
        a, a_bad = _as_numbers(A)
        b, b_bad = _as_numbers(B)
        p, p_bad = _as_numbers(pi)
    except ValueError:  # ragged rows
        return [Problem("A", None, "shape")]
    n = p.shape[0] if p.ndim == 1 else -1
    problems = []
    if a.ndim != 2 or a.shape[0] != a.shape[1] or not MIN_STATES <= a.shape[0] <= MAX_STATES:
        problems.append(Problem("A", None, "shape"))
    if b.ndim != 2 or not MIN_SYMBOLS <= b.shape[1] <= MAX_SYMBOLS or (a.ndim == 2 and b.shape[0] != a.shape[0]):
        problems.append(Problem("B", None, "shape"))
    if p.ndim != 1 or (a.ndim == 2 and n != a.shape[0]):
        problems.append(Problem("pi", None, "shape"))
    if problems:
        return problems
    return _matrix_problems("pi", p, p_bad) + _matrix_problems("A", a, a_bad) + _matrix_problems("B", b, b_bad)


def normalise(matrix) -> np.ndarray:
    """Each row divided by its sum; a row summing to 0 becomes uniform."""
    values = np.array(matrix, dtype=float)
    rows = values if values.ndim == 2 else values[None, :]
    sums = rows.sum(axis=1, keepdims=True)
    result = np.where(sums > 0, rows / np.where(sums > 0, sums, 1.0), 1.0 / rows.shape[1])
    return result if values.ndim == 2 else result[0]


def make_model(A, B, pi, states: Sequence[Name], symbols: Sequence[Name]) -> Model:
    """A checked model; raises :class:`InvalidModel` rather than build an invalid one."""
    problems = validate(A, B, pi)
    if problems:
        raise InvalidModel(problems)
    a, b, p = (np.array(x, dtype=float) for x in (A, B, pi))
    if len(states) != len(p) or len(symbols) != b.shape[1]:
        raise InvalidModel([Problem("A", None, "shape")])
    return Model(_frozen(a), _frozen(b), _frozen(p), tuple(states), tuple(symbols))


def _names(*pairs: tuple[str, str]) -> tuple[Name, ...]:
    return tuple({"zh": zh, "en": en} for zh, en in pairs)


# The numbers of the Healthy/Fever example are those the syllabus gives; the umbrella world is
# Russell & Norvig's (Artificial Intelligence: A Modern Approach, ch. 14) with a symmetric start.
PRESETS: dict[str, Preset] = {
    "healthy-fever": Preset(
        {"zh": "健康 / 发烧", "en": "Healthy / Fever"},
        make_model([[0.7, 0.3], [0.4, 0.6]], [[0.5, 0.4, 0.1], [0.1, 0.3, 0.6]], [0.6, 0.4],
                   _names(("健康", "Healthy"), ("发烧", "Fever")),
                   _names(("正常", "normal"), ("发冷", "cold"), ("头晕", "dizzy"))),
        (0, 1, 2)),
    "weather": Preset(
        {"zh": "下雨 / 晴天与带伞", "en": "Rain / sun and the umbrella"},
        make_model([[0.7, 0.3], [0.3, 0.7]], [[0.9, 0.1], [0.2, 0.8]], [0.5, 0.5],
                   _names(("下雨", "Rainy"), ("晴天", "Sunny")),
                   _names(("带伞", "umbrella"), ("不带伞", "no umbrella"))),
        (0, 0, 1, 0, 0)),
    "three-state": Preset(
        {"zh": "晴 / 阴 / 雨与活动", "en": "Sunny / cloudy / rainy and activities"},
        make_model([[0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5]],
                   [[0.6, 0.3, 0.1, 0.0], [0.3, 0.4, 0.2, 0.1], [0.05, 0.15, 0.4, 0.4]], [0.5, 0.3, 0.2],
                   _names(("晴", "Sunny"), ("阴", "Cloudy"), ("雨", "Rainy")),
                   _names(("散步", "walk"), ("购物", "shop"), ("打扫", "clean"), ("看书", "read"))),
        (0, 1, 2, 3, 3, 0)),
}

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("preset", "healthy-fever", kind="choice", choices=tuple(PRESETS),
              label={"zh": "例子", "en": "Example"},
              choice_labels={key: preset.title for key, preset in PRESETS.items()}),
    ParamSpec("view", "generate", kind="choice", choices=("generate", "forward", "viterbi", "learn"),
              label={"zh": "视图", "en": "View"},
              choice_labels={
                  "generate": {"zh": "生成", "en": "Generation"},
                  "forward": {"zh": "前向算法(评估)", "en": "Forward (evaluation)"},
                  "viterbi": {"zh": "维特比(解码)", "en": "Viterbi (decoding)"},
                  "learn": {"zh": "鲍姆-韦尔奇(学习)", "en": "Baum–Welch (learning)"},
              }),
    ParamSpec("sequence", "example", kind="choice", choices=("example", "generated", "typed"),
              label={"zh": "观测序列来源", "en": "Observation sequence"},
              choice_labels={
                  "example": {"zh": "例子自带", "en": "The example's"},
                  "generated": {"zh": "由模型生成", "en": "Generated by the model"},
                  "typed": {"zh": "自己输入", "en": "Typed in"},
              }),
    ParamSpec("length", 8, 2, 200, kind="int", label={"zh": "生成长度 T", "en": "Generated length T"}),
    ParamSpec("iterations", 30, 1, 100, kind="int", label={"zh": "学习迭代次数", "en": "Learning iterations"}),
    ParamSpec("hidden", "show", kind="choice", choices=("show", "hide"),
              label={"zh": "隐藏状态", "en": "Hidden states"},
              choice_labels={"show": {"zh": "显示(上帝视角)", "en": "Shown (the view from outside the model)"},
                             "hide": {"zh": "隐藏(模型使用者的视角)", "en": "Hidden (the model user's view)"}}),
    ParamSpec("seed", 0, 0, 99, kind="int", label={"zh": "随机种子", "en": "Random seed"}),
)


# -- sampling ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    """A hidden chain and what it emitted."""

    states: np.ndarray
    observations: np.ndarray


def _draw(rng: np.random.Generator, cumulative: np.ndarray) -> int:
    return int(min(np.searchsorted(cumulative, rng.random(), side="right"), len(cumulative) - 1))


def sample(model: Model, length: int, seed: int) -> Sample:
    """Walk the chain for ``length`` steps: s_1 ~ π, s_t ~ A[s_(t−1)], o_t ~ B[s_t]."""
    rng = np.random.default_rng([int(seed), 7])
    start, moves, emits = np.cumsum(model.pi), np.cumsum(model.A, axis=1), np.cumsum(model.B, axis=1)
    states = np.zeros(length, dtype=int)
    observations = np.zeros(length, dtype=int)
    state = _draw(rng, start)
    for t in range(length):
        if t:
            state = _draw(rng, moves[state])
        states[t] = state
        observations[t] = _draw(rng, emits[state])
    return Sample(_frozen(states), _frozen(observations))


# -- evaluation ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Forward:
    """The forward pass: scaled α̂ (rows sum to 1), scale factors, and log P(O|λ)."""

    alpha_hat: np.ndarray  # (T, N)
    scales: np.ndarray  # (T,) c_t = Σ_j of the unscaled α_t(j) given α̂_(t−1)
    log_likelihood: float
    alpha: np.ndarray  # (T, N) unscaled α = α̂_t · ∏_(s≤t) c_s (0 where it underflows)

    @property
    def probability(self) -> float:
        return math.exp(self.log_likelihood) if self.log_likelihood > -745 else 0.0


def forward(model: Model, obs: Sequence[int]) -> Forward:
    obs = np.asarray(obs, dtype=int)
    steps, count = len(obs), model.n_states
    alpha_hat = np.zeros((steps, count))
    scales = np.zeros(steps)
    current = model.pi * model.B[:, obs[0]]
    for t in range(steps):
        if t:
            current = (alpha_hat[t - 1] @ model.A) * model.B[:, obs[t]]
        total = current.sum()
        scales[t] = total
        alpha_hat[t] = current / total if total > 0 else 0.0
    with np.errstate(divide="ignore"):
        log_scales = np.log(scales)
    log_likelihood = float(log_scales.sum()) if np.all(scales > 0) else -math.inf
    cumulative = np.cumsum(log_scales)
    with np.errstate(under="ignore"):
        alpha = alpha_hat * np.exp(np.maximum(cumulative, -745.0))[:, None]
    alpha[cumulative < -745.0] = 0.0
    return Forward(_frozen(alpha_hat), _frozen(scales), log_likelihood, _frozen(alpha))


def forward_unscaled(model: Model, obs: Sequence[int]) -> np.ndarray:
    """The textbook recursion without scaling, for short sequences and for checking."""
    obs = np.asarray(obs, dtype=int)
    alpha = np.zeros((len(obs), model.n_states))
    alpha[0] = model.pi * model.B[:, obs[0]]
    for t in range(1, len(obs)):
        alpha[t] = (alpha[t - 1] @ model.A) * model.B[:, obs[t]]
    return alpha


def backward_scaled(model: Model, obs: Sequence[int], scales: np.ndarray) -> np.ndarray:
    """β̂ scaled with the forward pass's c_t, so that α̂_t(i)·β̂_t(i) = P(s_t = i | O)."""
    obs = np.asarray(obs, dtype=int)
    beta = np.ones((len(obs), model.n_states))
    for t in range(len(obs) - 2, -1, -1):
        beta[t] = model.A @ (model.B[:, obs[t + 1]] * beta[t + 1]) / scales[t + 1]
    return beta


# -- decoding ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Viterbi:
    """δ in log space, back-pointers (row 0 is −1), the best path and its probability."""

    log_delta: np.ndarray
    backpointers: np.ndarray
    path: np.ndarray
    log_probability: float

    @property
    def delta(self) -> np.ndarray:
        with np.errstate(under="ignore"):
            return np.exp(self.log_delta)

    @property
    def probability(self) -> float:
        return math.exp(self.log_probability) if self.log_probability > -745 else 0.0


def _log(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(values)


def viterbi(model: Model, obs: Sequence[int]) -> Viterbi:
    obs = np.asarray(obs, dtype=int)
    steps, count = len(obs), model.n_states
    log_a, log_b = _log(model.A), _log(model.B)
    log_delta = np.zeros((steps, count))
    pointers = np.full((steps, count), -1, dtype=int)
    log_delta[0] = _log(model.pi) + log_b[:, obs[0]]
    for t in range(1, steps):
        scores = log_delta[t - 1][:, None] + log_a  # (from, to)
        pointers[t] = np.argmax(scores, axis=0)
        log_delta[t] = scores[pointers[t], np.arange(count)] + log_b[:, obs[t]]
    path = np.zeros(steps, dtype=int)
    path[-1] = int(np.argmax(log_delta[-1]))
    for t in range(steps - 1, 0, -1):
        path[t - 1] = pointers[t, path[t]]
    return Viterbi(_frozen(log_delta), _frozen(pointers), _frozen(path), float(log_delta[-1, path[-1]]))


def brute_force(model: Model, obs: Sequence[int]) -> tuple[float, tuple[int, ...], float]:
    """P(O|λ), the best path and its probability by enumerating all N^T paths (for tests)."""
    obs = list(obs)
    total, best, best_p = 0.0, (), -1.0
    for path in itertools.product(range(model.n_states), repeat=len(obs)):
        p = model.pi[path[0]] * model.B[path[0], obs[0]]
        for t in range(1, len(obs)):
            p *= model.A[path[t - 1], path[t]] * model.B[path[t], obs[t]]
        total += p
        if p > best_p:
            best, best_p = path, p
    return float(total), best, float(best_p)


# -- learning ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Learning:
    """Baum–Welch: the model after each iteration (the random start first) and its log-likelihood."""

    models: tuple[Model, ...]
    log_likelihoods: np.ndarray


def random_model(n_states: int, n_symbols: int, seed: int, states=None, symbols=None) -> Model:
    """A seeded start: Dirichlet(1) rows mixed with the uniform, so no probability is 0."""
    rng = np.random.default_rng([int(seed), 11])

    def rows(count: int, width: int) -> np.ndarray:
        return 0.7 * rng.dirichlet(np.ones(width), size=count) + 0.3 / width

    states = states or _names(*[(f"状态 {i + 1}", f"State {i + 1}") for i in range(n_states)])
    symbols = symbols or _names(*[(f"符号 {k + 1}", f"Symbol {k + 1}") for k in range(n_symbols)])
    return Model(rows(n_states, n_states), rows(n_states, n_symbols), rows(1, n_states)[0], tuple(states), tuple(symbols))


def baum_welch_step(model: Model, obs: np.ndarray) -> tuple[Model, float]:
    """One E-step and M-step; returns the new model and the log-likelihood of the old one."""
    run = forward(model, obs)
    beta = backward_scaled(model, obs, run.scales)
    gamma = run.alpha_hat * beta
    gamma /= gamma.sum(axis=1, keepdims=True)
    emitted = model.B[:, obs[1:]].T * beta[1:]  # (T−1, N): b_j(o_(t+1)) β̂_(t+1)(j)
    xi = run.alpha_hat[:-1, :, None] * model.A[None, :, :] * emitted[:, None, :] / run.scales[1:, None, None]
    new_pi = gamma[0]
    new_a = normalise(xi.sum(axis=0))
    counts = np.zeros_like(model.B)
    np.add.at(counts.T, obs, gamma)
    new_b = normalise(counts)
    new = Model(new_a, new_b, new_pi, model.states, model.symbols)
    return new, run.log_likelihood


MAX_ITERATIONS = 100
CONVERGED = 1e-10  # an iteration that gains less than this changes nothing visible


@lru_cache(maxsize=16)
def _learn(obs: tuple[int, ...], n_states: int, n_symbols: int, seed: int) -> Learning:
    """All ``MAX_ITERATIONS`` at once, so moving the iterations slider only slices them."""
    observations = np.array(obs, dtype=int)
    model = random_model(n_states, n_symbols, seed)
    models, values = [model], []
    for _ in range(MAX_ITERATIONS):
        new, value = baum_welch_step(model, observations)
        if values and value - values[-1] < CONVERGED:  # converged: the rest would repeat it
            break
        values.append(value)
        models.append(new)
        model = new
    values.append(forward(model, observations).log_likelihood)
    while len(models) <= MAX_ITERATIONS:
        models.append(model)
        values.append(values[-1])
    return Learning(tuple(_frozen_model(m) for m in models), _frozen(np.array(values)))


def _frozen_model(model: Model) -> Model:
    for array in (model.A, model.B, model.pi):
        array.flags.writeable = False
    return model


def baum_welch(obs: Sequence[int], n_states: int, n_symbols: int, iterations: int, seed: int,
               names: Model | None = None) -> Learning:
    """Learn λ from ``obs`` alone, from a seeded random start; ``names`` lends state/symbol names."""
    learning = _learn(tuple(int(o) for o in obs), n_states, n_symbols, seed)
    models = learning.models[: iterations + 1]
    if names is not None:
        models = tuple(Model(m.A, m.B, m.pi, names.states, names.symbols) for m in models)
    return Learning(models, learning.log_likelihoods[: iterations + 1])


# -- the whole scenario --------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """What the demo needs for one set of parameters and the preset's model."""

    params: Mapping[str, object]
    model: Model
    sample: Sample
    observations: np.ndarray
    forward: Forward
    viterbi: Viterbi
    learning: Learning | None


def simulate(params: Mapping[str, object] | None = None) -> Scenario:
    """The preset model, a generated sample, and the chosen sequence evaluated and decoded."""
    p = resolve(PARAMS, params or {})
    preset = PRESETS[str(p["preset"])]
    model = preset.model
    generated = sample(model, int(p["length"]), int(p["seed"]))
    obs = generated.observations if p["sequence"] == "generated" else np.array(preset.observations)
    learning = None
    if p["view"] == "learn":
        learning = baum_welch(generated.observations, model.n_states, model.n_symbols, int(p["iterations"]),
                              int(p["seed"]), names=model)
    return Scenario(p, model, generated, obs, forward(model, obs), viterbi(model, obs), learning)
