"""Consistency between repeated answers: a pairwise similarity matrix and SelfCheckGPT-style scores.

Ask a model the same question several times. If it knows the answer, the samples agree; if it is
making the answer up, they tend to scatter (Manakul, Liusie & Gales, *SelfCheckGPT*, EMNLP 2023,
arXiv:2303.08896). Self-consistency decoding votes over such samples (Wang et al., ICLR 2023,
arXiv:2203.11171) and semantic entropy measures their spread over meanings (Farquhar et al.,
Nature 630, 2024); this module measures the spread over *words*, which anyone can check by hand.

Similarity: every answer becomes a TF-IDF vector over its terms (the search index's tokens, i.e.
lower-cased words and Chinese character bigrams, or character 3-grams), with raw term counts
and the smoothed inverse document frequency over the answers themselves,
idf(t) = ln((1 + n) / (1 + df(t))) + 1 (as in scikit-learn), so that a term every answer uses
still counts. Rows are scaled to unit length and the similarity of answers i and j is the cosine
S_ij = v_i · v_j ∈ [0, 1]: symmetric, 1 on the diagonal, 1 for answers with the same terms in the
same proportions and 0 for answers with no term in common. Consistency score (SelfCheckGPT's
idea, with a lexical similarity standing in for its BERTScore, n-gram or NLI variants, and every
answer checked against all the others): s_i = mean over j ≠ i of S_ij. An answer is flagged as a
likely hallucination when s_i < threshold. Agreement is the mean of all off-diagonal S_ij.
Lexical similarity is not meaning: "100 °C" and "212 °F" agree but share no word, and "born in
1931" and "born in 1935" share most of theirs.

Sampled answers come from the explorer's own n-gram model (:mod:`explorer.core.ngram`): the same
distribution and the same seeded draws as ``NgramModel.stream`` (one uniform number per token,
p^(1/T) renormalised, no top-k), computed faster from cached sparse counts, and cached per
(language, prompt, temperature, seed) so that a temperature curve reuses its samples. The terms
of each answer, and the matrix and scores of a set of answers, are cached too: moving the
threshold only flags again, and typing into one answer cuts only that one into terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from explorer.core import ngram
from explorer.core.params import ParamSpec, resolve
from explorer.core.search import tokens
from explorer.core.text_vectors import cosine_matrix, term_counts, tfidf_rows

MAX_TOKENS = 20  # tokens per sampled answer
CURVE_TEMPERATURES = (0.1, 0.4, 0.7, 1.0, 1.5, 2.0)
SEED_STRIDE = 100  # sample i of seed s is drawn with the generator seed s·SEED_STRIDE + i
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Question:
    """A question, the answers we "sampled" for it in each language, and the n-gram model's prompt."""

    text: Mapping[str, str]
    answers: Mapping[str, tuple[str, ...]]
    prompt: Mapping[str, str]


# Written for this demo. The person and the paper are invented: any answer about them is made up.
QUESTIONS: dict[str, Question] = {
    "boiling": Question(
        {"zh": "在海平面上，水在多少度沸腾？", "en": "At sea level, at what temperature does water boil?"},
        {"zh": ("在海平面上，水在 100 摄氏度沸腾。",
                "海平面上水的沸点是 100 摄氏度。",
                "水在海平面上 100 °C 沸腾。",
                "在海平面上，水的沸点是 100 °C（212 °F）。",
                "在海平面气压下，水在 100 摄氏度沸腾。",
                "华氏 212 度。"),
         "en": ("Water boils at 100 °C at sea level.",
                "At sea level, water boils at 100 °C.",
                "Water boils at 100 degrees Celsius at sea level.",
                "At sea level water boils at 100 °C (212 °F).",
                "The boiling point of water at sea level is 100 °C.",
                "212 degrees Fahrenheit.")},
        {"zh": "水的沸点是", "en": "Water boils at"},
    ),
    "capital": Question(
        {"zh": "澳大利亚的首都是哪座城市？", "en": "What is the capital of Australia?"},
        {"zh": ("澳大利亚的首都是堪培拉。",
                "堪培拉是澳大利亚的首都。",
                "首都是堪培拉。",
                "澳大利亚首都：堪培拉。",
                "最大的城市是悉尼，但澳大利亚的首都是堪培拉。",
                "悉尼。",
                "堪培拉，位于澳大利亚首都领地。"),
         "en": ("The capital of Australia is Canberra.",
                "Canberra is the capital of Australia.",
                "The capital is Canberra.",
                "Australia's capital is Canberra.",
                "Sydney is the largest city, but the capital is Canberra.",
                "Sydney.",
                "It is Canberra, in the Australian Capital Territory.")},
        {"zh": "澳大利亚的首都是", "en": "The capital of Australia is"},
    ),
    "birth": Question(
        {"zh": "冷门地图绘制师哈拉尔·奥斯特比生于哪一年？",
         "en": "In which year was Harald Ostby, a little-known mapmaker, born?"},
        {"zh": ("1931 年。",
                "他生于 1928 年。",
                "奥斯特比 1935 年出生在卑尔根。",
                "应该是 1940 年前后。",
                "据记载，他 1931 年出生。",
                "1926 年出生，后来当了测绘员。",
                "哈拉尔·奥斯特比的生年是 1940 年。"),
         "en": ("1931.",
                "He was born in 1928.",
                "Ostby was born in 1935 in Bergen.",
                "1940, I believe.",
                "His birth year is 1931.",
                "Born 1926; he trained as a surveyor.",
                "Harald Ostby's year of birth was 1940.")},
        {"zh": "他出生于", "en": "He was born in"},
    ),
    "paper": Question(
        {"zh": "2019 年的论文《梯度灯笼：用递归格实现稀疏注意力》是谁写的？",
         "en": "Who wrote the 2019 paper “Gradient Lanterns: Sparse Attention via Recursive Lattices”?"},
        {"zh": ("作者是陈立新和王海燕。",
                "这篇论文由清华大学的李文等人发表。",
                "是张博写的。",
                "作者：赵明、刘佳、孙悦。",
                "王海燕。",
                "李文与周涛，来自浙江大学。"),
         "en": ("It was written by Michael Trent and Sara Okafor.",
                "The paper is by Li Wen and colleagues at Tsinghua University.",
                "Daniel Kessler wrote it.",
                "Authors: Priya Raman, Tom Becker, Yuki Sato.",
                "Sara Okafor.",
                "Jonas Weber and Li Wen, from ETH Zurich.")},
        {"zh": "这篇论文的作者是", "en": "The paper was written by"},
    ),
}

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("question", "capital", kind="choice", choices=tuple(QUESTIONS),
              label={"zh": "问题", "en": "Question"},
              choice_labels={"boiling": {"zh": "水的沸点(常识)", "en": "Water's boiling point (known)"},
                             "capital": {"zh": "澳大利亚首都(常识)", "en": "Capital of Australia (known)"},
                             "birth": {"zh": "冷门人物的生年(虚构)", "en": "Obscure person's birth year"},
                             "paper": {"zh": "虚构论文的作者", "en": "Author of a made-up paper"}}),
    ParamSpec("source", "written", kind="choice", choices=("written", "ngram"),
              label={"zh": "回答来源", "en": "Answers"},
              choice_labels={"written": {"zh": "写好的(可编辑)", "en": "Written (editable)"},
                             "ngram": {"zh": "n 元语法模型采样", "en": "n-gram model samples"}}),
    ParamSpec("representation", "words", kind="choice", choices=("words", "char3"),
              label={"zh": "TF-IDF 词项", "en": "TF-IDF terms"},
              choice_labels={"words": {"zh": "词 + 汉字二元组", "en": "Words + Chinese bigrams"},
                             "char3": {"zh": "字符三元组", "en": "Character 3-grams"}}),
    ParamSpec("threshold", 0.2, 0.0, 1.0, decimals=2, label={"zh": "标记阈值", "en": "Flag threshold"}),
    ParamSpec("samples", 6, 3, 10, kind="int", label={"zh": "采样数 N", "en": "Samples N"}),
    ParamSpec("temperature", 1.0, 0.1, 2.0, decimals=2, label={"zh": "温度 T", "en": "Temperature T"}),
    ParamSpec("seed", 0, 0, 9999, kind="int", label={"zh": "随机种子", "en": "Seed"}),
)
MAX_SAMPLES = int(PARAMS[4].max)


# -- similarity ---------------------------------------------------------------------------------
def char_ngrams(text: str, n: int = 3) -> list[str]:
    """Overlapping character n-grams of the lower-cased text, punctuation and runs of spaces
    turned into one space (a text shorter than n is one term)."""
    folded = _NOT_WORD.sub(" ", text.casefold()).strip()
    if len(folded) <= n:
        return [folded] if folded else []
    return [folded[i:i + n] for i in range(len(folded) - n + 1)]


def terms(text: str, representation: str = "words") -> list[str]:
    """The terms of one answer: the search index's tokens, or character 3-grams."""
    return list(_answer_terms(text, representation))


@lru_cache(maxsize=2048)
def _answer_terms(text: str, representation: str) -> tuple[str, ...]:
    """:func:`terms`, cached per answer: typing into one answer cuts only that one into terms."""
    return tuple(char_ngrams(text) if representation == "char3" else tokens(text))


def similarity_matrix(answers: Sequence[str], representation: str = "words") -> np.ndarray:
    """S_ij: cosine of the TF-IDF vectors of answers i and j, in [0, 1], with S_ii = 1."""
    similarity = cosine_matrix(tfidf_rows(term_counts([_answer_terms(answer, representation) for answer in answers]),
                                          smooth=True))
    np.fill_diagonal(similarity, 1.0)
    return similarity


def consistency_scores(similarity: np.ndarray) -> np.ndarray:
    """s_i = mean similarity of answer i to every other answer (1 when there is no other)."""
    n = len(similarity)
    if n < 2:
        return np.ones(n)
    return (similarity.sum(axis=1) - np.diag(similarity)) / (n - 1)


@dataclass(frozen=True)
class Consistency:
    """The answers, their similarity matrix, each one's score and flag, and the overall agreement."""

    answers: tuple[str, ...]
    similarity: np.ndarray  # (n, n)
    scores: np.ndarray  # (n,)
    flagged: np.ndarray  # (n,) bool: score below the threshold
    threshold: float

    @property
    def comparable(self) -> bool:
        """Whether there are at least two answers to compare."""
        return len(self.answers) >= 2

    @property
    def agreement(self) -> float:
        """The mean similarity over all pairs of different answers (1 with fewer than two)."""
        return float(self.scores.mean()) if self.comparable else 1.0


def analyse(answers: Sequence[str], representation: str = "words", threshold: float = 0.2) -> Consistency:
    """Similarities, scores and flags for ``answers``. No answer is flagged when there is only one."""
    answers = tuple(answers)
    similarity, scores = compared(answers, representation)
    flagged = scores < threshold if len(answers) >= 2 else np.zeros(len(answers), dtype=bool)
    return Consistency(answers, similarity, scores, flagged, float(threshold))


@lru_cache(maxsize=256)
def compared(answers: tuple[str, ...], representation: str = "words") -> tuple[np.ndarray, np.ndarray]:
    """The similarity matrix of ``answers`` and their consistency scores, cached per answers and
    representation: moving the threshold only flags again. Read-only: they are shared."""
    similarity = similarity_matrix(answers, representation)
    scores = consistency_scores(similarity)
    for array in (similarity, scores):
        array.setflags(write=False)
    return similarity, scores


def parse_answers(text: str) -> list[str]:
    """One answer per line; blank lines are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def preset_answers(question: str, lang: str) -> tuple[str, ...]:
    return QUESTIONS[question].answers[lang]


def preset_text(question: str, lang: str) -> str:
    """The written answers of ``question`` in ``lang``, one per line (what the editor starts with)."""
    return "\n".join(preset_answers(question, lang))


# -- sampling from the n-gram model -----------------------------------------------------------
@lru_cache(maxsize=8192)
def _sample(lang: str, prompt: str, temperature: float, seed: int) -> str:
    return ngram.model_for(lang).generate(prompt, MAX_TOKENS, temperature, 0, seed)


def sample_seed(seed: int, index: int) -> int:
    """The generator seed of sample ``index`` of a run with ``seed``."""
    return seed * SEED_STRIDE + index


def sample_answers(lang: str, question: str, n: int, temperature: float, seed: int) -> tuple[str, ...]:
    """``n`` continuations of the question's prompt at ``temperature``, deterministic for ``seed``.

    Sample i always has the same generator seed, so a larger ``n`` only adds samples, and the same
    sample at another temperature uses the same random numbers.
    """
    prompt = QUESTIONS[question].prompt[lang]
    temperature = round(float(temperature), 3)
    return tuple(_sample(lang, prompt, temperature, sample_seed(seed, index)) for index in range(n))


@lru_cache(maxsize=256)
def temperature_curve(lang: str, question: str, n: int, seed: int, representation: str = "words",
                      temperatures: tuple[float, ...] = CURVE_TEMPERATURES) -> np.ndarray:
    """The agreement of ``n`` samples (same seeds) at each of ``temperatures``."""
    return np.array([analyse(sample_answers(lang, question, n, t, seed), representation).agreement
                     for t in temperatures])


# -- one view of the demo ---------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """What the demo shows: the answers and their analysis, and for sampled answers the prompt
    and the agreement against temperature."""

    source: str
    question: str
    lang: str
    analysis: Consistency
    prompt: str = ""
    curve: np.ndarray | None = None  # agreement at CURVE_TEMPERATURES

    @property
    def sampled(self) -> bool:
        return self.source == "ngram"


def run(params: Mapping[str, object] | None = None, lang: str = "en", text: str | None = None) -> Run:
    """Analyse the written answers (``text``, one per line; the preset when None) or, with
    ``source = ngram``, N answers sampled from the n-gram model."""
    p = resolve(PARAMS, params or {})
    question, representation, threshold = str(p["question"]), str(p["representation"]), float(p["threshold"])
    if p["source"] == "ngram":
        n, seed = int(p["samples"]), int(p["seed"])
        answers = sample_answers(lang, question, n, float(p["temperature"]), seed)
        curve = temperature_curve(lang, question, n, seed, representation)
        return Run("ngram", question, lang, analyse(answers, representation, threshold),
                   QUESTIONS[question].prompt[lang], curve)
    answers = preset_answers(question, lang) if text is None else parse_answers(text)
    return Run("written", question, lang, analyse(answers, representation, threshold))

