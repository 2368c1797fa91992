"""Retrieval for the RAG demo: BM25 over the explorer's own pages, and the augmented prompt.

The corpus is every built-in topic, split into passages as ``search.split_passages`` splits them
(chunk size and overlap in characters) and indexed as ``search.SearchIndex`` indexes them: the
same tokens, passages and ranking as the search box. :func:`build_index` builds that index from
pages parsed and tokenized once, so that a new chunk size or overlap takes milliseconds (see the
comment before it). With both languages in the corpus and the other settings at their
defaults (chunk 400, no overlap, k1 = 1.2, b = 0.75) the demo ranks passages exactly as the
search box does. Tokens are lower-cased words for Latin text and overlapping character bigrams
for Chinese (``search.tokens``).

A passage d is scored for a query q with BM25 (Robertson & Zaragoza, "The Probabilistic
Relevance Framework: BM25 and Beyond", Foundations and Trends in IR 3(4), 2009):

    score(q, d) = Σ_{t ∈ q} idf(t) · f(t, d)·(k1 + 1) / (f(t, d) + k1·(1 − b + b·|d|/avgdl))
    idf(t)      = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))

where f(t, d) is how often t occurs in d, |d| the passage's length in tokens (its heading
included), avgdl the mean length, N the number of passages and n(t) how many hold t. This idf
(Lucene's) is never negative. Each distinct query token counts once. k1 sets how quickly repeats
of a token stop adding (k1 = 0: only presence counts); b how much a long passage is penalised
(b = 0: not at all). The k best passages are numbered and put in front of the question, the
"retrieve, then condition on what was retrieved" of Lewis et al., "Retrieval-Augmented
Generation for Knowledge-Intensive NLP Tasks", NeurIPS 2020 (arXiv:2005.11401).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Mapping, Sequence

from explorer.core.i18n import tr
from explorer.core.params import ParamSpec, resolve
from explorer.core.passage_index import SMALLEST_CHUNK, build_index, is_parsed, parse_page
from explorer.core.search import Passage, SearchIndex, tokens
from explorer.core.topics import LANGUAGES, Topic

SHOWN = 8  # passages with a bar (the most k can be)
LABEL_WIDTH = 34  # a bar's label, in widths of a Latin letter (a Chinese character counts two)

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("k", 3, 1, SHOWN, kind="int", label={"zh": "放进提示的段数 k", "en": "Passages kept (k)"}),
    ParamSpec("chunk", 400, SMALLEST_CHUNK, 800, kind="int", label={"zh": "分块长度(字符)", "en": "Chunk size (characters)"}),
    ParamSpec("overlap", 0, 0, 50, kind="int", label={"zh": "块间重叠(%)", "en": "Chunk overlap (%)"}),
    ParamSpec("k1", 1.2, 0.0, 3.0, decimals=2, label={"zh": "BM25 k1(词频饱和)", "en": "BM25 k1 (term saturation)"}),
    ParamSpec("b", 0.75, 0.0, 1.0, decimals=2, label={"zh": "BM25 b(长度归一化)", "en": "BM25 b (length normalisation)"}),
    ParamSpec("corpus", "ui", kind="choice", choices=("ui", "both"),
              label={"zh": "资料库语言", "en": "Corpus language"},
              choice_labels={"ui": {"zh": "与界面相同", "en": "Same as the interface"},
                             "both": {"zh": "中文和英文", "en": "Chinese and English"}}),
)


def overlap_chars(chunk: int, percent: int) -> int:
    """The overlap in characters: ``percent`` of the chunk size."""
    return int(chunk) * int(percent) // 100


def corpus_languages(corpus: str, lang: str) -> tuple[str, ...]:
    """The page languages indexed: the interface's, or both."""
    return tuple(LANGUAGES) if corpus == "both" else (lang,)


@lru_cache(maxsize=1)
def builtin_topics() -> tuple[Topic, ...]:
    """Every built-in topic, loaded once per run."""
    from explorer.core.content import load_content

    return tuple(load_content().tree)


@lru_cache(maxsize=8)
def index_for(chunk: int, overlap_percent: int, languages: tuple[str, ...]) -> SearchIndex:
    """The index of the built-in pages in ``languages``, cut at ``chunk`` characters with
    ``overlap_percent`` of a chunk carried over (see :func:`build_index`: a few milliseconds once
    the pages are parsed). The last few are kept: going back to a setting costs no rebuild."""
    return build_index(builtin_topics(), languages, int(chunk), overlap_chars(chunk, overlap_percent))


def warm_steps(languages: Iterable[str]) -> Iterator[str]:
    """Parse and tokenize the built-in pages in ``languages`` ahead of their first index, one page
    a step (a few milliseconds; pages done before are skipped), yielding the topic of each: the
    demo takes a step now and then while idle, so that switching language or corpus is quick."""
    for topic in builtin_topics():
        for lang in languages:
            page = topic.pages.get(lang)
            if page is not None and not is_parsed(topic.id, lang, page):
                parse_page(topic.id, lang, page)
                yield topic.id


def warm(languages: Iterable[str]) -> None:
    """Parse and tokenize the built-in pages in ``languages`` now."""
    for _ in warm_steps(languages):
        pass


@dataclass(frozen=True)
class Token:
    """One distinct query token: how many passages hold it and its idf (0 when none does)."""

    text: str
    frequency: int
    idf: float


@dataclass(frozen=True)
class Source:
    """A ranked passage: its rank (from 1), BM25 score, topic title and the passage itself."""

    rank: int
    score: float
    title: str
    passage: Passage

    @property
    def topic_id(self) -> str:
        return self.passage.topic_id

    def label(self, width: int = LABEL_WIDTH) -> str:
        """"Title · section", cut to ``width`` (a Chinese character counts two)."""
        heading = self.passage.heading
        return shorten(f"{self.title} · {heading}" if heading and heading != self.title else self.title, width)


@dataclass(frozen=True)
class Retrieval:
    """What one question retrieves: its tokens, the best passages (up to SHOWN) and k of them."""

    question: str
    lang: str  # the interface language: the prompt's
    tokens: tuple[Token, ...]
    ranked: tuple[Source, ...]
    k: int
    passages: int  # in the index
    pages: int  # pages in the index (a topic in two languages counts twice)

    @property
    def chosen(self) -> tuple[Source, ...]:
        """The passages that go into the prompt."""
        return self.ranked[: self.k]

    def prompt_lines(self) -> list[tuple[str, str, Source | None]]:
        return prompt_lines(self.question, self.chosen, self.lang)

    def prompt(self) -> str:
        """The augmented prompt as plain text."""
        return "\n".join(text for _, text, _ in self.prompt_lines())


def text_width(text: str) -> int:
    """Width in Latin letters: characters outside ASCII count two."""
    return sum(1 if character.isascii() else 2 for character in text)


def shorten(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` (see :func:`text_width`), ending in … when cut."""
    if text_width(text) <= width:
        return text
    used, kept = 1, []
    for character in text:
        used += text_width(character)
        if used > width:
            break
        kept.append(character)
    return "".join(kept).rstrip(" ·") + "…"


def query_tokens(question: str, index: SearchIndex) -> tuple[Token, ...]:
    """The distinct tokens of ``question`` in order, with their document frequency and idf."""
    found = []
    for term in dict.fromkeys(tokens(question)):
        frequency = index.document_frequency(term)
        found.append(Token(term, frequency, index.idf(term) if frequency else 0.0))
    return tuple(found)


def retrieve(question: str, params: Mapping[str, object] | None = None, lang: str = "zh",
             index: SearchIndex | None = None) -> Retrieval:
    """Rank the passages of the index for ``question`` (the built-in pages' index for ``params``
    unless ``index`` is given) and keep the first k."""
    p = resolve(PARAMS, params or {})
    if index is None:
        index = index_for(int(p["chunk"]), int(p["overlap"]), corpus_languages(str(p["corpus"]), lang))
    found = index.score_passages(question, SHOWN, k1=float(p["k1"]), b=float(p["b"]))
    ranked = tuple(Source(rank, score, index.titles.get((passage.topic_id, passage.lang), passage.topic_id), passage)
                   for rank, (passage, score) in enumerate(found, start=1))
    return Retrieval(question.strip(), lang, query_tokens(question, index), ranked, int(p["k"]),
                     len(index.passages), len(index.titles))


def prompt_lines(question: str, sources: Sequence[Source], lang: str) -> list[tuple[str, str, Source | None]]:
    """The augmented prompt, line by line as (kind, text, source): the instruction, the numbered
    passages (a "source" line with "[n] title · section", then its "passage" text), the question."""
    lines: list[tuple[str, str, Source | None]] = [("instruction", tr("retrieval.prompt.instruction", lang), None),
                                                   ("blank", "", None),
                                                   ("heading", tr("retrieval.prompt.context", lang), None)]
    if not sources:
        lines.append(("empty", tr("retrieval.prompt.none", lang), None))
    for number, source in enumerate(sources, start=1):
        lines.append(("source", f"[{number}] {source.label(10_000)}", source))
        lines.append(("passage", source.passage.text, source))
        lines.append(("blank", "", None))
    if sources:
        lines.pop()
    lines += [("blank", "", None), ("question", tr("retrieval.prompt.question", lang, question=question), None),
              ("answer", tr("retrieval.prompt.answer", lang), None)]
    return lines


def build_prompt(question: str, sources: Sequence[Source], lang: str) -> str:
    """The augmented prompt as plain text."""
    return "\n".join(text for _, text, _ in prompt_lines(question, sources, lang))

