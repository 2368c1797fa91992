"""Full-text search over the topics in both languages, with BM25 ranking; no dictionary needed.

Text is cut into tokens without a segmenter: Latin letters and digits make lower-cased words,
and every run of Chinese characters makes its overlapping character bigrams ("学习率" → 学习,
习率; a lone character stays a unigram). That finds Chinese queries written without spaces and
indexes the whole content in under a tenth of a second (a dictionary segmenter takes about a
second just to load). Link targets (``](topic:…)``, ``](demo:…)``, URLs) are not indexed.
Formulas (``$…$``) are indexed by their Latin letters and digits: Greek-letter and relation
macros become symbols for the snippets (``\\lambda`` → λ, not a token), other macro names
(``\\frac``) are dropped.

Each page is split into passages of a few hundred characters under their section heading.
Passages are ranked with BM25 (Robertson & Zaragoza, "The Probabilistic Relevance Framework:
BM25 and Beyond", 2009; k1 = 1.2, b = 0.75 by default); a topic scores its best passage plus a
bonus for query terms in its title. The same index serves the search box, ``--search`` and the
retrieval demo (``score_passages``).
"""

from __future__ import annotations

import html
import math
import operator
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from explorer.core.i18n import tr
from explorer.core.topics import LANGUAGES, Topic, TopicPage

MARK_START, MARK_END = "\x02", "\x03"
CHUNK_CHARS = 400
SNIPPET_CHARS = 110
TITLE_WEIGHT = 2.5
# Topics whose search scores are scaled down: the glossary restates the terms of every page in
# short table rows and should come after the page that explains a term (not in score_passages).
SCORE_SCALE = {"glossary": 0.5}
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_TOKEN = re.compile(rf"[{_HAN}]+|[0-9a-z]+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MACRO = re.compile(r"\\(?:[a-zA-Z]+|.)")
_LINE_MARKS = re.compile(r"^[ \t]*(?:\|?[ \t:|-]*-[ \t:|-]*$|[-+*][ \t]+)", re.MULTILINE)  # table rules, bullets
_SYMBOLS = dict(zip(("alpha beta gamma delta epsilon varepsilon zeta eta theta kappa lambda mu nu xi pi rho sigma "
                     "tau phi varphi chi psi omega Gamma Delta Theta Lambda Pi Sigma Phi Omega times cdot le leq "
                     "ge geq ne neq approx infty to sum in sqrt").split(),
                    "αβγδεεζηθκλμνξπρστφφχψωΓΔΘΛΠΣΦΩ×·≤≤≥≥≠≠≈∞→∑∈√"))
_SYMBOLS.update((name, name) for name in ("log", "exp", "max", "min", "arg"))
_HEADING = re.compile(r"#{1,6}[ \t]+(.*)")
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+")


def tokens(text: str) -> list[str]:
    """Lower-cased words, and character bigrams for each run of Chinese characters."""
    found: list[str] = []
    append, extend = found.append, found.extend
    for word in _TOKEN.findall(text.casefold()):
        if word[0] < "\u3400" or len(word) == 1:
            append(word)
        else:
            extend(map(operator.add, word, word[1:]))
    return found


def token_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """The tokens of :func:`tokens`, in the same order, with where each starts and ends in
    ``text.casefold()`` (the retrieval demo counts the tokens of a passage's tail from these)."""
    found: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _TOKEN.finditer(text.casefold()):
        word, start, end = match.group(), match.start(), match.end()
        if word[0] < "\u3400" or len(word) == 1:
            found.append(word)
            starts.append(start)
            ends.append(end)
        else:
            found.extend(map(operator.add, word, word[1:]))
            starts.extend(range(start, end - 1))
            ends.extend(range(start + 2, end + 1))
    return found, starts, ends


def plain(text: str) -> str:
    """Markdown made readable for snippets: no link targets, emphasis, bullets or table rules;
    formula macros become symbols (``\\lambda`` → λ) or are dropped (``\\frac``)."""
    text = _MACRO.sub(_symbol, _LINK_TARGET.sub("", _LINE_MARKS.sub("", text)))
    for mark in "*`$[]":
        text = text.replace(mark, "")
    for mark in "|#>{}_":
        text = text.replace(mark, " ")
    return " ".join(text.split())


def _symbol(match: re.Match) -> str:
    return _SYMBOLS.get(match.group()[1:], " ")


@dataclass(frozen=True)
class Passage:
    """A piece of one page: its topic, language, section heading, text and where it starts."""

    topic_id: str
    lang: str
    heading: str
    text: str
    offset: int


@dataclass(frozen=True)
class Hit:
    """A topic found by a query, with the best passage's snippet (matches between the marks)."""

    id: str
    lang: str
    title: str
    score: float
    snippet: str
    heading: str
    terms: tuple[str, ...]


def _blocks(body: str) -> Iterator[tuple[int, str]]:
    """Paragraphs (text between blank lines) with their offsets in ``body``."""
    position = 0
    for match in _BLOCK_BREAK.finditer(body):
        yield position, body[position:match.start()]
        position = match.end()
    yield position, body[position:]


def _cuts(block: str) -> list[int]:
    """Where a long block may be cut: after its lines, or else after its sentences."""
    for pattern in ("\n", _SENTENCE_END):
        cuts = [m.end() for m in re.finditer(pattern, block) if 0 < m.end() < len(block)]
        if cuts:
            return cuts
    return []


def _pieces(offset: int, block: str, limit: int) -> Iterator[tuple[int, str]]:
    """The offset and plain text of ``block``, or of each of its lines (else sentences) when it
    is longer than ``limit``: a long table or list may then spread over several passages."""
    text = plain(block)
    cuts = _cuts(block) if len(text) > limit else []
    if not cuts:
        yield offset, text
        return
    for start, end in zip([0] + cuts, cuts + [len(block)]):
        yield from _pieces(offset + start, block[start:end], limit)


def split_passages(topic_id: str, lang: str, body: str, chunk_chars: int = CHUNK_CHARS,
                   overlap: int = 0) -> list[Passage]:
    """Paragraphs gathered under their heading until a passage reaches ``chunk_chars``.

    No passage grows beyond 1.5 × ``chunk_chars`` unless one sentence is that long. With
    ``overlap``, each passage also begins with the last ``overlap`` characters of the one before
    it in the same section (the retrieval demo's chunk overlap).
    """
    limit = chunk_chars + chunk_chars // 2
    passages: list[Passage] = []
    heading, buffer, start, size, tail = "", [], 0, 0, ""

    def flush() -> None:
        nonlocal buffer, size, tail
        text = " ".join(buffer)
        if text:
            passages.append(Passage(topic_id, lang, heading, f"{tail} {text}".strip() if overlap else text, start))
            tail = text[-overlap:] if overlap else ""
        buffer, size = [], 0

    for offset, block in _blocks(body):
        match = _HEADING.match(block)
        if match:
            flush()
            end = block.find("\n")
            heading, tail = plain(match.group(1)), ""
            if end < 0:
                continue
            offset, block = offset + end + 1, block[end + 1:]
        for piece_offset, text in _pieces(offset, block, limit):
            if not text:
                continue
            if buffer and size + len(text) > limit:
                flush()
            if not buffer:
                start = piece_offset
            buffer.append(text)
            size += len(text) + 1
            if size >= chunk_chars:
                flush()
    flush()
    return passages


def topic_pages(topics: Iterable[Topic], languages: Sequence[str]) -> Iterator[tuple[str, str, TopicPage]]:
    """(topic id, language, page) for every page of ``topics`` in ``languages`` that exists."""
    for topic in topics:
        for lang in languages:
            page = topic.pages.get(lang)
            if page is not None:
                yield topic.id, lang, page


@dataclass
class SearchIndex:
    """An index of passages and titles, ranked with BM25.

    Building counts the terms of each passage; a term's posting list (the passages holding it)
    is gathered the first time a query asks for it and kept, which makes building several
    times faster than filling every posting list up front while queries stay well under a
    millisecond.
    """

    passages: list[Passage] = field(default_factory=list)
    titles: dict[tuple[str, str], str] = field(default_factory=dict)
    k1: float = 1.2
    b: float = 0.75
    _postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _counts: list[Counter] = field(default_factory=list)
    _lengths: list[int] = field(default_factory=list)
    _title_postings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _average: float = 1.0

    @classmethod
    def build(cls, topics: Iterable[Topic], languages: Sequence[str] = LANGUAGES, chunk_chars: int = CHUNK_CHARS,
              overlap: int = 0, k1: float = 1.2, b: float = 0.75) -> "SearchIndex":
        """Index the titles, bodies and self-check questions of ``topics`` (a TopicTree will do).

        Passage offsets count in the page body; the questions follow it under their own heading.
        """
        index = cls(k1=k1, b=b)
        titles: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for topic_id, lang, page in topic_pages(topics, languages):
            key = (topic_id, lang)
            index.titles[key] = page.title
            for term in set(tokens(page.title)):
                titles[term].append(key)
            questions = "\n\n".join(q.question for q in page.questions)
            text = f"{page.body}\n\n## {tr('page.self_check', lang)}\n\n{questions}" if questions else page.body
            for passage in split_passages(topic_id, lang, text, chunk_chars, overlap):
                terms = tokens(f"{passage.heading} {passage.text}")
                index.passages.append(passage)
                index._counts.append(Counter(terms))
                index._lengths.append(len(terms))
        index._title_postings = dict(titles)
        index._average = sum(index._lengths) / max(1, len(index._lengths))
        return index

    def _posting(self, term: str) -> list[tuple[int, int]]:
        """The passages holding ``term``, with how often they hold it."""
        found = self._postings.get(term)
        if found is None:
            found = [(number, counts[term]) for number, counts in enumerate(self._counts) if term in counts]
            self._postings[term] = found
        return found

    def _idf(self, term: str) -> float:
        frequency = len(self._posting(term))
        return math.log(1 + (len(self.passages) - frequency + 0.5) / (frequency + 0.5))

    def document_frequency(self, term: str) -> int:
        """How many passages hold ``term`` (n in the IDF)."""
        return len(self._posting(term))

    def idf(self, term: str) -> float:
        """ln(1 + (N − n + 0.5)/(n + 0.5)): N passages, n of them holding ``term``."""
        return self._idf(term)

    def _bm25(self, terms: Iterable[str], lang: str | None, k1: float | None = None,
              b: float | None = None) -> tuple[dict[int, float], dict[int, list[str]]]:
        """BM25 score of every passage holding a query term, and which terms each one holds
        (``k1`` and ``b`` default to the index's own)."""
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, list[str]] = defaultdict(list)
        passages, lengths, average = self.passages, self._lengths, self._average
        k1 = self.k1 if k1 is None else k1
        b = self.b if b is None else b
        for term in dict.fromkeys(terms):
            idf = self._idf(term)
            for number, count in self._posting(term):
                if lang is None or passages[number].lang == lang:
                    norm = k1 * (1 - b + b * lengths[number] / average)
                    scores[number] += idf * count * (k1 + 1) / (count + norm)
                    matched[number].append(term)
        return scores, matched

    def score_passages(self, query: str, k: int = 5, lang: str | None = None, k1: float | None = None,
                       b: float | None = None) -> list[tuple[Passage, float]]:
        """The ``k`` best passages for ``query`` with their BM25 scores, best first; ``k1`` and
        ``b`` override the index's own for this query (the retrieval demo's sliders)."""
        scores, _ = self._bm25(tokens(query), lang, k1, b)
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [(self.passages[number], score) for number, score in best]

    def search(self, query: str, lang: str | None = None, limit: int = 20) -> list[Hit]:
        """Topics for ``query``, best first, one hit per topic and language."""
        terms = list(dict.fromkeys(tokens(query)))
        if not terms:
            return []
        scores, matched = self._bm25(terms, lang)
        best: dict[tuple[str, str], tuple[float, int]] = {}
        for number, score in scores.items():
            passage = self.passages[number]
            key = (passage.topic_id, passage.lang)
            if key not in best or score > best[key][0]:
                best[key] = (score, number)
        in_title: dict[tuple[str, str], list[str]] = defaultdict(list)
        for term in terms:
            for key in self._title_postings.get(term, ()):
                if lang is None or key[1] == lang:
                    in_title[key].append(term)
        for key, found in in_title.items():
            bonus = TITLE_WEIGHT * sum(self._idf(term) for term in found) * len(found) / len(terms)
            score, number = best.get(key, (0.0, -1))
            best[key] = (score + bonus, number)
        for key, (score, number) in best.items():
            best[key] = (score * SCORE_SCALE.get(key[0], 1.0), number)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        hits = []
        for (topic_id, hit_lang), (score, number) in ranked:
            passage = self.passages[number] if number >= 0 else None  # None: found by its title only
            snippet = make_snippet(passage.text, query) if passage else ""
            heading = passage.heading if passage else ""
            found = matched.get(number, []) + in_title.get((topic_id, hit_lang), [])
            hits.append(Hit(topic_id, hit_lang, self.titles[(topic_id, hit_lang)], round(score, 3), snippet,
                            heading, tuple(dict.fromkeys(found))))
        return hits


def query_words(query: str) -> list[str]:
    """What to highlight for a query: its Chinese runs and Latin words as typed (longest first)."""
    words = {match.group() for match in _TOKEN.finditer(query.casefold())}
    return sorted(words, key=lambda word: (-len(word), word))


def _match_spans(text: str, pieces: Iterable[str]) -> list[tuple[int, int]]:
    """Where ``pieces`` occur in ``text`` (Latin ones as whole words), overlaps merged."""
    folded = text.casefold()
    folded = folded if len(folded) == len(text) else text  # positions must line up with the text
    spans = []
    for piece in set(pieces):
        pattern = re.escape(piece)
        if piece[0] < "\u3400":
            pattern = rf"(?<![0-9a-z]){pattern}(?![0-9a-z])"
        spans.extend(match.span() for match in re.finditer(pattern, folded))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def make_snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first match, matches between the marks."""
    pieces = query_words(query) + [term for term in tokens(query) if len(term) > 1]
    spans = _match_spans(text, [piece for piece in pieces if piece])
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 3, len(text) - width))
    end = min(len(text), start + width)
    out, position = [], start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start < span_end:
            out.append(text[position:span_start] + MARK_START + text[span_start:span_end] + MARK_END)
            position = span_end
    out.append(text[position:end])
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def snippet_html(snippet: str) -> str:
    """A snippet as HTML: escaped, with the matches in bold."""
    return html.escape(snippet).replace(MARK_START, "<b>").replace(MARK_END, "</b>")


def unmarked(snippet: str) -> str:
    """A snippet as plain text, without the match marks."""
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def one_per_topic(hits: Sequence[Hit], lang: str | None = None) -> list[Hit]:
    """A topic found in both languages is listed once: by its hit in ``lang`` if there is one."""
    best: dict[str, Hit] = {}
    order: list[str] = []
    for hit in hits:
        if hit.id not in best:
            best[hit.id] = hit
            order.append(hit.id)
        elif hit.lang == lang and best[hit.id].lang != lang:
            best[hit.id] = Hit(hit.id, hit.lang, hit.title, max(hit.score, best[hit.id].score),
                               hit.snippet, hit.heading, hit.terms)
    return [best[topic_id] for topic_id in order]


def to_json_hits(hits: Sequence[Hit]) -> list[dict]:
    """What ``explorer --search`` prints: id, title, score and a plain snippet."""
    return [{"id": hit.id, "title": hit.title, "score": hit.score, "snippet": unmarked(hit.snippet)} for hit in hits]
