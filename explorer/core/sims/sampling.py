"""Decoding one next token: temperature, top-k, top-p (nucleus) and greedy, and how often it is wrong.

A prompt asks for a fact; the model's next-token logits z_i over a fixed set of candidates hold
the right answer, plausible wrong answers and a long tail of unlikely ones. The logits here are
made up for teaching: they are illustrative, not taken from any real model. The first prompt
starts with the page's worked example (Canberra 5, Sydney 4, Melbourne 3, Perth 2), so with
top-k = 4 its numbers are the page's table; the second is the same question for a model that
learned the wrong association (Sydney on top); the third is an obscure fact the model is unsure
of, so most of the probability is on wrong answers although the right one is the most likely.

Decoding follows common implementations, in this order:

1. temperature: p_i = exp(z_i / T) / Σ_j exp(z_j / T) (computed after subtracting the largest
   logit; T → 0 tends to one-hot on the largest logit, T → ∞ to uniform);
2. top-k keeps the k most likely candidates (exactly k: equal probabilities are broken by the
   candidate's place in the list, earlier first);
3. top-p, nucleus sampling (Holtzman et al., "The Curious Case of Neural Text Degeneration",
   ICLR 2020, arXiv:1904.09751), keeps the smallest set of most likely candidates whose
   cumulative probability reaches p (same tie rule; p = 1 keeps every candidate with non-zero
   probability, and at least one candidate is always kept);

and what is kept is renormalised to sum to 1. Greedy decoding takes the arg max of the logits, the
limit T → 0: it is right every time or wrong every time. P(wrong) is the renormalised probability
on candidates that are not the right answer. Sampling draws from the renormalised distribution
with a seeded numpy Generator, so the same seed always gives the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from explorer.core.params import ParamSpec, resolve

CANDIDATES = 24  # every prompt has this many candidate tokens; top-k = CANDIDATES is "off"
TIE_TOLERANCE = 1e-12  # cumulative sums this close to p count as reaching it (rounding noise)


@dataclass(frozen=True)
class Token:
    """One candidate next token: its text in both languages, its logit, and whether it is right."""

    en: str
    zh: str
    logit: float
    correct: bool = False

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Prompt:
    """A factual prompt and the model's (made-up) candidates for its next token."""

    text: Mapping[str, str]
    tokens: tuple[Token, ...]

    @property
    def logits(self) -> np.ndarray:
        return np.array([token.logit for token in self.tokens])

    @property
    def correct(self) -> np.ndarray:
        return np.array([token.correct for token in self.tokens])


def _tokens(rows: str, correct: str) -> tuple[Token, ...]:
    """Candidates from lines 'English | 中文 | logit'; ``correct`` names the right one."""
    tokens = []
    for row in filter(str.strip, rows.splitlines()):
        en, zh, logit = (part.strip() for part in row.split("|"))
        tokens.append(Token(en, zh, float(logit), en == correct))
    return tuple(tokens)


_AUSTRALIA_TAIL = """
Brisbane | 布里斯班 | 1.2
Adelaide | 阿德莱德 | 0.8
Auckland | 奥克兰 | 0.4
Hobart | 霍巴特 | 0.1
Darwin | 达尔文 | -0.2
Wellington | 惠灵顿 | -0.5
Vienna | 维也纳 | -0.8
Gold Coast | 黄金海岸 | -1.0
Alice Springs | 爱丽丝泉 | -1.2
Newcastle | 纽卡斯尔 | -1.4
Cairns | 凯恩斯 | -1.6
Geelong | 吉朗 | -1.8
Ottawa | 渥太华 | -2.0
London | 伦敦 | -2.2
Jakarta | 雅加达 | -2.4
Townsville | 汤斯维尔 | -2.6
Wollongong | 卧龙岗 | -2.8
Washington | 华盛顿 | -3.0
Tokyo | 东京 | -3.2
Uluru | 乌鲁鲁 | -3.4
"""
_AUSTRALIA = {"en": "The capital of Australia is …", "zh": "澳大利亚的首都是……"}

PROMPTS: dict[str, Prompt] = {
    "capital": Prompt(_AUSTRALIA, _tokens("""
Canberra | 堪培拉 | 5.0
Sydney | 悉尼 | 4.0
Melbourne | 墨尔本 | 3.0
Perth | 珀斯 | 2.0
""" + _AUSTRALIA_TAIL, "Canberra")),
    "skewed": Prompt(_AUSTRALIA, _tokens("""
Sydney | 悉尼 | 5.0
Canberra | 堪培拉 | 4.0
Melbourne | 墨尔本 | 3.0
Perth | 珀斯 | 2.0
""" + _AUSTRALIA_TAIL, "Canberra")),
    "obscure": Prompt({"en": "The 1903 Nobel Prize in Chemistry went to …", "zh": "1903 年诺贝尔化学奖授予了……"},
                      _tokens("""
Arrhenius | 阿伦尼乌斯 | 2.0
van 't Hoff | 范托夫 | 1.9
Ostwald | 奥斯特瓦尔德 | 1.8
Fischer | 费歇尔 | 1.6
Curie | 居里 | 1.6
Ramsay | 拉姆齐 | 1.4
Nernst | 能斯特 | 1.3
Rutherford | 卢瑟福 | 1.1
Becquerel | 贝克勒尔 | 0.9
Baeyer | 拜尔 | 0.8
Moissan | 穆瓦桑 | 0.6
Mendeleev | 门捷列夫 | 0.5
Buchner | 毕希纳 | 0.3
Röntgen | 伦琴 | 0.2
Kelvin | 开尔文 | 0.0
Planck | 普朗克 | -0.2
Thomson | 汤姆孙 | -0.4
Rayleigh | 瑞利 | -0.5
Lorentz | 洛伦兹 | -0.7
Pavlov | 巴甫洛夫 | -0.9
Koch | 科赫 | -1.0
Wallach | 瓦拉赫 | -1.2
Nobel | 诺贝尔 | -1.5
Einstein | 爱因斯坦 | -1.8
""", "Arrhenius")),
}

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("prompt", "capital", kind="choice", choices=tuple(PROMPTS),
              label={"zh": "提示", "en": "Prompt"},
              choice_labels={"capital": {"zh": "澳大利亚的首都是……", "en": "The capital of Australia is …"},
                             "skewed": {"zh": "同一问题,学偏了的模型", "en": "Same question, skewed model"},
                             "obscure": {"zh": "1903 年诺贝尔化学奖(冷门)", "en": "1903 Nobel Prize in Chemistry (obscure)"}}),
    ParamSpec("temperature", 1.0, 0.05, 3.0, log=True, decimals=2, label={"zh": "温度 T", "en": "Temperature T"}),
    ParamSpec("top_k", CANDIDATES, 1, CANDIDATES, kind="int",
              label={"zh": f"top-k({CANDIDATES} 为不截断)", "en": f"Top-k ({CANDIDATES} = off)"}),
    ParamSpec("top_p", 1.0, 0.05, 1.0, decimals=2, label={"zh": "top-p(1 为不截断)", "en": "Top-p (1 = off)"}),
    ParamSpec("decoding", "sample", kind="choice", choices=("sample", "greedy"),
              label={"zh": "解码方式", "en": "Decoding"},
              choice_labels={"sample": {"zh": "按概率抽样", "en": "Sample"},
                             "greedy": {"zh": "贪心(取最大)", "en": "Greedy (arg max)"}}),
    ParamSpec("seed", 0, 0, 9999, kind="int", label={"zh": "抽样随机种子", "en": "Sampling seed"}),
)


def softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    """exp(z_i / T) / Σ_j exp(z_j / T), stable for small T (the largest logit is subtracted)."""
    scaled = (np.asarray(logits, dtype=float) - np.max(logits)) / temperature
    weights = np.exp(scaled)
    return weights / weights.sum()


def ranking(probs: np.ndarray) -> np.ndarray:
    """Candidate indices from most to least likely; equal probabilities keep the list's order."""
    return np.argsort(-np.asarray(probs, dtype=float), kind="stable")


def top_k_mask(probs: np.ndarray, k: int) -> np.ndarray:
    """The k most likely candidates (exactly k, at least 1)."""
    mask = np.zeros(len(probs), dtype=bool)
    mask[ranking(probs)[: max(1, int(k))]] = True
    return mask


def top_p_mask(probs: np.ndarray, p: float) -> np.ndarray:
    """The smallest set of most likely candidates whose probability adds up to at least p.

    ``probs`` must sum to 1. With p ≥ 1 that is every candidate of non-zero probability; the
    most likely candidate is always kept.
    """
    probs = np.asarray(probs, dtype=float)
    order = ranking(probs)
    nonzero = int(np.count_nonzero(probs > 0))
    if p >= 1.0:
        count = nonzero
    else:
        count = int(np.searchsorted(np.cumsum(probs[order]), p - TIE_TOLERANCE, side="left")) + 1
    mask = np.zeros(len(probs), dtype=bool)
    mask[order[: max(1, min(count, nonzero))]] = True
    return mask


def renormalise(probs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The probabilities of the candidates in ``mask``, scaled to sum to 1; the rest 0."""
    kept = np.where(mask, probs, 0.0)
    return kept / kept.sum()


def sample_counts(probs: np.ndarray, n: int, seed: int) -> np.ndarray:
    """How often each candidate comes up in ``n`` draws from ``probs`` (seeded)."""
    rng = np.random.default_rng(seed)
    probs = np.asarray(probs, dtype=float)
    draws = rng.choice(len(probs), size=int(n), p=probs / probs.sum())
    return np.bincount(draws, minlength=len(probs))


@dataclass(frozen=True)
class Decoding:
    """One prompt decoded with one setting: the distributions at each stage and what is kept."""

    prompt: Prompt
    temperature: float
    greedy: bool
    original: np.ndarray  # softmax at T = 1, nothing cut
    scaled: np.ndarray  # softmax at the temperature, before top-k and top-p
    kept: np.ndarray  # bool: the candidates that can be drawn
    probs: np.ndarray  # what is drawn from: renormalised over ``kept`` (one-hot when greedy)
    seed: int = 0

    @property
    def correct(self) -> np.ndarray:
        return self.prompt.correct

    @property
    def order(self) -> np.ndarray:
        """Candidates from the largest logit down: the order at every temperature."""
        return ranking(self.original)

    @property
    def kept_count(self) -> int:
        return int(np.count_nonzero(self.kept))

    @property
    def p_wrong(self) -> float:
        """The probability that the drawn token is not the right answer (0 or 1 when greedy)."""
        return float(self.probs[~self.correct].sum())

    def sample(self, n: int = 100, seed: int | None = None) -> np.ndarray:
        """Counts per candidate of ``n`` draws (the decoding's own seed unless one is given)."""
        return sample_counts(self.probs, n, self.seed if seed is None else seed)

    def wrong_count(self, counts: np.ndarray) -> int:
        return int(counts[~self.correct].sum())


def decode(prompt: Prompt, temperature: float, top_k: int = CANDIDATES, top_p: float = 1.0,
           greedy: bool = False, seed: int = 0) -> Decoding:
    """Temperature, then top-k, then top-p, then renormalise; greedy takes the arg max instead."""
    logits = prompt.logits
    original = softmax(logits, 1.0)
    scaled = softmax(logits, temperature)
    if greedy:
        kept = np.zeros(len(logits), dtype=bool)
        kept[ranking(logits)[0]] = True
    else:
        kept = top_k_mask(scaled, top_k)
        kept &= top_p_mask(renormalise(scaled, kept), top_p)
    return Decoding(prompt, temperature, greedy, original, scaled, kept, renormalise(scaled, kept), seed)


def simulate(params: Mapping[str, object] | None = None) -> Decoding:
    """The decoding for ``params`` (missing ones take their defaults)."""
    p = resolve(PARAMS, params or {})
    return decode(PROMPTS[str(p["prompt"])], float(p["temperature"]), int(p["top_k"]), float(p["top_p"]),
                  p["decoding"] == "greedy", int(p["seed"]))
