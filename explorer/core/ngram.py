"""A tiny n-gram language model trained on the explorer's own pages: a real, if small, "LLM".

The demos that need a model to generate text (self-consistency, the LCEL pipeline) use this one:
nothing is downloaded and nothing calls a network service. Chinese text is modelled one
character at a time, English one word (or punctuation mark) at a time.

The model counts n-grams up to ``order`` and predicts with interpolated absolute discounting
(Ney, Essen & Kneser, 1994; the form in Jurafsky & Martin, *Speech and Language Processing*, 3rd
ed. draft, ch. 3): P(w | h) = max(c(h w) − D, 0)/c(h) + λ(h)·P(w | h′), where h′ is h without
its first token, λ(h) = D·N₁₊(h •)/c(h) gives the discounted mass to the shorter context, and the
unigram level backs off to the uniform distribution. D = 0.75. Generation samples from P at a
temperature (p^(1/T), renormalised) with a seeded generator, optionally keeping the top-k only;
T → 0 is greedy. Training on all pages of one language takes about 0.2 s and is done
once per run: at first use, or in small steps in the window's idle time (:func:`train_ahead`).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Generator, Iterable, Iterator, Sequence

import numpy as np

DISCOUNT = 0.75
ORDER = 3
GRAMS_PER_STEP = 4000  # n-grams put into the model per idle step when it is trained ahead
LEVEL_CACHE = 4096  # back-off vectors kept per model (a few tens of MB at most)
START, END = "<s>", "</s>"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_ZH_TOKEN = re.compile(rf"[{_HAN}]|[A-Za-z]+|[0-9]+(?:\.[0-9]+)?|[，。！？；：、“”（）()]")
_EN_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|[0-9]+(?:\.[0-9]+)?|[.,!?;:()]")
_SENTENCE = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+")
_NO_SPACE_BEFORE = set(".,!?;:)")


def tokenize(text: str, lang: str) -> list[str]:
    """Characters (and Latin words, numbers, punctuation) for Chinese; words and punctuation
    for English, lower-cased except for the first letter being kept as written."""
    return (_ZH_TOKEN if lang == "zh" else _EN_TOKEN).findall(text)


def detokenize(tokens: Sequence[str], lang: str) -> str:
    """Tokens back to text: no spaces in Chinese, spaces between English words."""
    text = ""
    if lang == "zh":
        for token in tokens:  # Latin words and numbers inside Chinese keep a space between them
            text += " " + token if text and text[-1].isascii() and text[-1].isalnum() and token[0].isascii() \
                and token[0].isalnum() else token
        return text
    for token in tokens:
        text += token if not text or token in _NO_SPACE_BEFORE or text.endswith("(") else " " + token
    return text


def sentences(text: str) -> list[str]:
    """Split plain text into sentences at 。！？ and . ! ? followed by a space."""
    return [part.strip() for part in _SENTENCE.split(text) if part and part.strip()]


def _no_grams(order: int) -> list[Counter]:
    return [Counter() for _ in range(order)]  # (context…, word) → count, one Counter per n


def _count_grams(grams: list[Counter], text: str, lang: str, order: int) -> None:
    """Add the n-grams of every sentence of ``text`` to ``grams``."""
    for sentence in sentences(text):
        tokens = [START] * (order - 1) + tokenize(sentence, lang) + [END]
        if len(tokens) <= order:
            continue
        for n in range(order):  # every n-gram ending at a real token, built by zip in C
            grams[n].update(zip(*(tokens[order - 1 - n + shift:] for shift in range(n + 1))))


@dataclass
class NgramModel:
    """Counts of n-grams for one language and the interpolated discounted probabilities."""

    lang: str
    order: int = ORDER
    counts: list[dict[tuple[str, ...], dict[str, int]]] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)

    @classmethod
    def train(cls, texts: Iterable[str], lang: str, order: int = ORDER) -> "NgramModel":
        """Count every n-gram (n ≤ order) of every sentence of ``texts``, padded with <s> and </s>."""
        grams = _no_grams(order)
        for text in texts:
            _count_grams(grams, text, lang, order)
        return cls.from_grams(grams, lang, order)

    @classmethod
    def from_grams(cls, grams: list[Counter], lang: str, order: int = ORDER) -> "NgramModel":
        """The model of n-gram counts gathered by :func:`_count_grams`."""
        steps = cls.build_in_steps(grams, lang, order)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    @classmethod
    def build_in_steps(cls, grams: list[Counter], lang: str, order: int) -> Generator[None, None, "NgramModel"]:
        """:meth:`from_grams` a few thousand n-grams per step (a step or two of milliseconds;
        all at once took 80 ms); the generator returns the model.

        Each context's word counts are a plain dict of strings to integers, which Python's
        garbage collector does not track: tens of thousands of them, kept for good, would
        otherwise be walked by every full collection (a pause of tens of milliseconds)."""
        counts: list[dict[tuple[str, ...], dict[str, int]]] = [defaultdict(dict) for _ in range(order)]
        for n, level in enumerate(grams):
            items = list(level.items())
            for first in range(0, len(items), GRAMS_PER_STEP):
                for gram, count in items[first:first + GRAMS_PER_STEP]:
                    counts[n][gram[:-1]][gram[-1]] = count
                yield
        vocabulary = sorted(counts[0][()])
        return cls(lang, order, [dict(level) for level in counts], vocabulary)

    def __post_init__(self) -> None:
        self._index = {word: n for n, word in enumerate(self.vocabulary)}
        self._levels: dict[tuple[str, ...], np.ndarray] = {}

    def distribution(self, context: Sequence[str]) -> np.ndarray:
        """P(w | the last order−1 tokens of ``context``) over ``vocabulary`` (sums to 1)."""
        history = tuple(([START] * (self.order - 1) + list(context))[-(self.order - 1):]) if self.order > 1 else ()
        return self._level(self.order - 1, history)

    def _level(self, n: int, suffix: tuple[str, ...]) -> np.ndarray:
        """P after the back-off levels 0 … n for a history ending in ``suffix`` (its last n tokens).

        Each level's result depends only on its own suffix, so it is cached by it: the unigram
        level is computed once, and a new history costs only its (short) bigram and trigram
        counts rather than a loop over the whole vocabulary. Typing a prompt stays within a frame.
        """
        cached = self._levels.get(suffix)
        if cached is not None:
            return cached
        lower = self._level(n - 1, suffix[1:]) if n else np.full(len(self.vocabulary), 1.0 / len(self.vocabulary))
        context_counts = self.counts[n].get(suffix)
        if not context_counts:
            probabilities = lower
        else:
            total = sum(context_counts.values())
            seen = np.zeros(len(self.vocabulary))
            for word, count in context_counts.items():
                seen[self._index[word]] = max(count - DISCOUNT, 0.0)
            probabilities = seen / total + (DISCOUNT * len(context_counts) / total) * lower
        if len(self._levels) >= LEVEL_CACHE:
            self._levels.pop(next(iter(self._levels)))
        self._levels[suffix] = probabilities
        return probabilities

    def stream(self, prompt: str, max_tokens: int = 30, temperature: float = 1.0, top_k: int = 0,
               seed: int = 0) -> Iterator[str]:
        """Tokens continuing ``prompt`` one at a time, until </s> or ``max_tokens``."""
        rng = np.random.default_rng(seed)
        context = tokenize(prompt, self.lang)
        for _ in range(max_tokens):
            probabilities = self.distribution(context)
            if temperature <= 1e-3:
                choice = int(np.argmax(probabilities))
            else:
                weights = probabilities ** (1.0 / temperature) if temperature != 1.0 else probabilities.copy()
                if 0 < top_k < len(weights):
                    weights[np.argsort(weights)[:-top_k]] = 0.0
                # One uniform draw against the cumulative distribution: what Generator.choice
                # does with p, without its checks over the whole vocabulary.
                cumulative = (weights / weights.sum()).cumsum()
                cumulative /= cumulative[-1]
                choice = int(cumulative.searchsorted(rng.random(), side="right"))
            word = self.vocabulary[choice]
            if word == END:
                return
            context.append(word)
            yield word

    def generate(self, prompt: str, max_tokens: int = 30, temperature: float = 1.0, top_k: int = 0,
                 seed: int = 0) -> str:
        """The continuation of ``prompt`` as text (see :meth:`stream`)."""
        return detokenize(list(self.stream(prompt, max_tokens, temperature, top_k, seed)), self.lang)

    def perplexity(self, text: str) -> float:
        """exp of the mean negative log-probability per token of ``text`` (with </s>)."""
        total, count = 0.0, 0
        for sentence in sentences(text):
            context: list[str] = []
            for word in tokenize(sentence, self.lang) + [END]:
                index = self._index.get(word)
                probability = self.distribution(context)[index] if index is not None else 1e-9
                total -= math.log(max(probability, 1e-12))
                count += 1
                context.append(word)
        return math.exp(total / count) if count else math.inf


_content = None  # the content the window already loaded, when it said so (see use_content)


_models: dict[tuple[str, int], NgramModel] = {}


def use_content(content) -> None:
    """Train on this already loaded :class:`~explorer.core.content.ContentSet` instead of loading
    the pages again (the window passes its own: loading costs about 0.1 s)."""
    global _content
    if content is not _content:  # a new window on the same content keeps the models trained
        _content = content
        _models.clear()


def model_for(lang: str, order: int = ORDER) -> NgramModel:
    """The model trained on every built-in page in ``lang`` (their plain text), once per run."""
    for _step in train_ahead(lang, order):
        pass
    return _models[(lang, order)]


def train_ahead(lang: str, order: int = ORDER) -> Iterator[None]:
    """Train the model for ``lang`` in steps of a few milliseconds (a page each, then a few
    thousand n-grams each into the model), so that the window can do it in idle time;
    :func:`model_for` then finds it trained. Nothing to do if it is."""
    from explorer.core.search import plain

    key = (lang, order)
    if key in _models:
        return
    content = _content
    if content is None:
        from explorer.core.content import load_content

        content = load_content()
    grams = _no_grams(order)
    for topic in content.tree:
        if topic.builtin and lang in topic.pages:
            _count_grams(grams, plain(topic.pages[lang].body), lang, order)
            yield
    model = yield from NgramModel.build_in_steps(grams, lang, order)
    if key not in _models:  # model_for may have needed it before these steps were done
        _models[key] = model
