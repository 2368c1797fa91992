"""Full-text search over the topics in both languages, with BM25 ranking; no dictionary needed.

Text is cut into tokens without a segmenter: Latin letters and digits make lower-cased words,
and every run of Chinese characters makes its overlapping character bigrams ("学习率" → 学习,
习率; a lone character stays a unigram). That finds Chinese queries written without spaces and
indexes the whole content in a few tens of milliseconds (a dictionary segmenter takes about a
second just to load). Formulas (``$…$``) are indexed by their letters, link targets are not.

Each page is split into passages of a few hundred characters under their section heading.
Passages are ranked with BM25 (Robertson & Zaragoza, "The Probabilistic Relevance Framework:
BM25 and Beyond", 2009; k1 = 1.2, b = 0.75 by default); a topic scores its best passage plus a
bonus for query terms in its title. The same index serves the search box, ``--search`` and the
retrieval demo (``score_passages``).
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from explorer.core.topics import LANGUAGES, Topic

MARK_START, MARK_END = "\x02", "\x03"
CHUNK_CHARS = 400
SNIPPET_CHARS = 110
TITLE_WEIGHT = 2.5
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_TOKEN = re.compile(rf"[{_HAN}]+|[0-9a-z]+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`#>|$]+")
_MACRO = re.compile(r"\\(?=[a-zA-Z])")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def tokens(text: str) -> list[str]:
    """Lower-cased words, and character bigrams for each run of Chinese characters."""
    found = []
    for match in _TOKEN.finditer(text.casefold()):
        word = match.group()
        if "\u3400" <= word[0] <= "\u9fff":
            found.extend([word] if len(word) == 1 else [word[i:i + 2] for i in range(len(word) - 1)])
        else:
            found.append(word)
    return found


def plain(text: str) -> str:
    """Markdown made readable for snippets: no link targets, emphasis marks or backslash macros."""
    text = _MARKUP.sub(" ", _MACRO.sub("", _LINK_TARGET.sub("]", text)))
    return re.sub(r"\s+", " ", text).replace("[", "").replace("]", "").strip()


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


def split_passages(topic_id: str, lang: str, body: str, chunk_chars: int = CHUNK_CHARS,
                   overlap: int = 0) -> list[Passage]:
    """Paragraphs gathered under their heading until a passage reaches ``chunk_chars``.

    With ``overlap``, each passage also begins with the last ``overlap`` characters of the one
    before it in the same section (the retrieval demo's chunk overlap).
    """
    passages: list[Passage] = []
    heading, buffer, start, offset = "", [], 0, 0
    previous_tail = ""

    def flush() -> None:
        nonlocal buffer, previous_tail
        text = plain("\n".join(buffer))
        if text:
            passages.append(Passage(topic_id, lang, heading, (previous_tail + " " + text).strip() if overlap else text, start))
            previous_tail = text[-overlap:] if overlap else ""
        buffer = []

    for block in re.split(r"\n\s*\n", body):
        stripped = block.strip()
        match = _HEADING.match(stripped.splitlines()[0]) if stripped else None
        if match:
            flush()
            heading, previous_tail = plain(match.group(2)), ""
            stripped = "\n".join(stripped.splitlines()[1:]).strip()
        if stripped:
            if not buffer:
                start = offset
            buffer.append(stripped)
            if sum(len(part) for part in buffer) >= chunk_chars:
                flush()
        offset += len(block) + 2
    flush()
    return passages


@dataclass
class SearchIndex:
    """An inverted index of passages and titles, ranked with BM25."""

    passages: list[Passage] = field(default_factory=list)
    titles: dict[tuple[str, str], str] = field(default_factory=dict)
    k1: float = 1.2
    b: float = 0.75
    _postings: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    _lengths: list[int] = field(default_factory=list)
    _title_tokens: dict[tuple[str, str], Counter] = field(default_factory=dict)
    _average: float = 1.0

    @classmethod
    def build(cls, topics: Iterable[Topic], languages: Sequence[str] = LANGUAGES, chunk_chars: int = CHUNK_CHARS,
              overlap: int = 0, k1: float = 1.2, b: float = 0.75) -> "SearchIndex":
        index = cls(k1=k1, b=b)
        for topic in topics:
            for lang in languages:
                page = topic.pages.get(lang)
                if page is None:
                    continue
                index.titles[(topic.id, lang)] = page.title
                index._title_tokens[(topic.id, lang)] = Counter(tokens(page.title))
                questions = "\n\n".join(q.question for q in page.questions)
                for passage in split_passages(topic.id, lang, f"{page.body}\n\n{questions}", chunk_chars, overlap):
                    index._add(passage)
        index._average = sum(index._lengths) / max(1, len(index._lengths))
        return index

    def _add(self, passage: Passage) -> None:
        number = len(self.passages)
        self.passages.append(passage)
        counts = Counter(tokens(passage.heading + " " + passage.text))
        self._lengths.append(sum(counts.values()))
        for term, count in counts.items():
            self._postings[term].append((number, count))

    def _idf(self, term: str) -> float:
        frequency = len(self._postings.get(term, ()))
        return math.log(1 + (len(self.passages) - frequency + 0.5) / (frequency + 0.5))

    def score_passages(self, query: str, k: int = 5, lang: str | None = None) -> list[tuple[Passage, float]]:
        """The ``k`` best passages for ``query`` with their BM25 scores, best first."""
        scores = self._bm25(tokens(query), lang)
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        return [(self.passages[number], score) for number, score in best]

    def _bm25(self, query_terms: list[str], lang: str | None) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        k1, b, average = self.k1, self.b, self._average
        for term in set(query_terms):
            idf = self._idf(term)
            for number, count in self._postings.get(term, ()):
                if lang is not None and self.passages[number].lang != lang:
                    continue
                norm = k1 * (1 - b + b * self._lengths[number] / average)
                scores[number] += idf * count * (k1 + 1) / (count + norm)
        return scores

    def search(self, query: str, lang: str | None = None, limit: int = 20) -> list[Hit]:
        """Topics for ``query``, best first, one hit per topic and language."""
        terms = tokens(query)
        if not terms:
            return []
        best: dict[tuple[str, str], tuple[float, int]] = {}
        for number, score in self._bm25(terms, lang).items():
            passage = self.passages[number]
            key = (passage.topic_id, passage.lang)
            if key not in best or score > best[key][0]:
                best[key] = (score, number)
        unique = set(terms)
        for key, title_counts in self._title_tokens.items():
            if lang is not None and key[1] != lang:
                continue
            matched = [term for term in unique if term in title_counts]
            if matched:
                bonus = TITLE_WEIGHT * sum(self._idf(term) for term in matched) * len(matched) / len(unique)
                score, number = best.get(key, (0.0, -1))
                best[key] = (score + bonus, number)
        ranked = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
        hits = []
        for (topic_id, hit_lang), (score, number) in ranked:
            passage = self.passages[number] if number >= 0 else None
            snippet = make_snippet(passage.text, query) if passage else ""
            found = tuple(term for term in unique if passage and term in tokens(passage.heading + " " + passage.text))
            hits.append(Hit(topic_id, hit_lang, self.titles[(topic_id, hit_lang)], round(score, 3), snippet,
                            passage.heading if passage else "", found))
        return hits


def query_words(query: str) -> list[str]:
    """What to highlight for a query: its Chinese runs and Latin words as typed (longest first)."""
    words = {match.group() for match in _TOKEN.finditer(query.casefold())}
    return sorted(words, key=len, reverse=True)


def make_snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first match, matches between the marks."""
    folded = text.casefold()
    pieces = query_words(query) + [t for t in tokens(query) if len(t) > 1]
    positions = [(folded.find(piece), piece) for piece in pieces if piece and folded.find(piece) >= 0]
    first = min(positions)[0] if positions else 0
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    window = text[start:end]
    marked = _mark(window, pieces)
    return ("…" if start > 0 else "") + marked + ("…" if end < len(text) else "")


def _mark(text: str, pieces: list[str]) -> str:
    spans = []
    folded = text.casefold()
    for piece in sorted(set(pieces), key=len, reverse=True):
        for match in re.finditer(re.escape(piece), folded):
            if not any(s < match.end() and match.start() < e for s, e in spans):
                spans.append((match.start(), match.end()))
    out, position = [], 0
    for start, end in sorted(spans):
        out.append(text[position:start] + MARK_START + text[start:end] + MARK_END)
        position = end
    out.append(text[position:])
    return "".join(out)


def snippet_html(snippet: str) -> str:
    """A snippet as HTML: escaped, with the matches in bold."""
    return html.escape(snippet).replace(MARK_START, "<b>").replace(MARK_END, "</b>")


def unmarked(snippet: str) -> str:
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
