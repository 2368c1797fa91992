"""The RAG demo's passage index, built fast: the pages parsed and tokenized once.

``search.SearchIndex.build`` splits every page into passages and tokenizes them again at each
chunk size and overlap (30–160 ms for the built-in pages). :func:`build_index` makes the same
index (the same passages, lengths and term counts, so the same BM25 scores to the last bit)
from pages parsed once, in a few milliseconds after the first; the retrieval demo's chunk and
overlap sliders use it. tests/core/test_retrieval.py compares the two builds.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import Iterable, Sequence

import numpy as np

from explorer.core.i18n import tr
from explorer.core.search import (_HEADING, Passage, SearchIndex, _blocks, _cuts, plain, token_spans, tokens,
                                  topic_pages)
from explorer.core.topics import Topic, TopicPage

SMALLEST_CHUNK = 100  # the demo's smallest chunk size: pieces within 1.5 of it are never cut

# -- the index, from pages parsed once ---------------------------------------------------------
#
# search.split_passages cuts a page the same way at every chunk size: its paragraphs, each cut
# into lines (else sentences) while longer than 1.5 chunks, gathered under their heading until a
# passage reaches the chunk size. Only which pieces are cut and where passages end depend on the
# chunk, and the overlap only adds the end of the passage before. So each page is parsed once
# into a tree of pieces, each paragraph tokenized once (token ids, and where each token starts
# and ends; a line or sentence takes its paragraph's tokens); each page keeps which pieces make
# its passages at the last few chunk sizes; and an index lays every passage's token ids end to
# end with numpy: heading, overlap, pieces. An
# overlap's tokens are those of the passage before that start in it, plus the end of a word (or
# a lone Chinese character) that its first character cuts through. The passages, their lengths
# and every term's counts are SearchIndex.build's, so the scores are the same to the last bit
# (tests/core/test_retrieval.py compares them).

_VOCABULARY: dict[str, int] = {}  # every token met, numbered: ids are shared by all pages
_WORDS: list[bool] = []  # by id: a word (not a Chinese bigram or character)
_NO_IDS = np.zeros(0, dtype=np.int32)
_SMALLEST_LIMIT = SMALLEST_CHUNK + SMALLEST_CHUNK // 2  # the longest piece the control never cuts
_CHUNKS_KEPT = 3  # chunk sizes whose passages each page keeps
_CORPORA_KEPT = 3  # sets of pages at one chunk size whose tokens are kept laid out


def _numbers(terms: Sequence[str]) -> list[int]:
    """The vocabulary ids of ``terms`` (new terms are numbered on the way)."""
    vocabulary = _VOCABULARY
    try:
        return list(map(vocabulary.__getitem__, terms))
    except KeyError:
        for term in terms:
            if term not in vocabulary:
                vocabulary[term] = len(vocabulary)
                _WORDS.append(term[0] < "\u3400")
        return list(map(vocabulary.__getitem__, terms))


def _ids(terms: Sequence[str]) -> np.ndarray:
    return np.array(_numbers(terms), dtype=np.int32)


def _bounds(sizes: np.ndarray) -> np.ndarray:
    """0 and the running sums of ``sizes``: where each of a row of runs begins, then where the last ends."""
    bounds = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    return bounds


def _runs(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The numbers start, start + 1, … of each run (start, length), one run after another."""
    picks = np.repeat(starts - _bounds(lengths)[:-1], lengths)
    picks += np.arange(len(picks))
    return picks


class _TokenStore:
    """The tokens of every tokenized text, end to end: vocabulary ids, and where each starts and
    ends in the text."""

    def __init__(self) -> None:
        self.size = 0
        self._new: tuple[list, list, list] = ([], [], [])
        self._arrays = (np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32))
        self._words = np.zeros(0, dtype=bool)

    def add(self, terms: list[str], starts: list[int], ends: list[int]) -> int:
        """Store tokens (as ``search.token_spans`` gives them): where the first lands."""
        ids, all_starts, all_ends = self._new
        ids += _numbers(terms)
        all_starts += starts
        all_ends += ends
        first, self.size = self.size, self.size + len(terms)
        return first

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ids, starts and ends as arrays."""
        if self._new[0]:
            self._arrays = tuple(np.concatenate([old, np.array(new, dtype=old.dtype)])
                                 for old, new in zip(self._arrays, self._new))
            self._new = ([], [], [])
        return self._arrays

    def words(self) -> np.ndarray:
        """Whether each vocabulary id is a word (not Chinese)."""
        if len(self._words) != len(_WORDS):
            self._words = np.array(_WORDS, dtype=bool)
        return self._words


_STORE = _TokenStore()


class _Piece:
    """A paragraph of a page, or a line or sentence of one, as ``search._pieces`` cuts it: its
    plain text, the pieces it is cut into when it is too long, and its tokens in _STORE (where
    they begin and how many, their positions counting from ``base`` characters before its text)."""

    __slots__ = ("offset", "raw", "text", "width", "first", "count", "base", "aligned", "_children")

    def __init__(self, offset: int, raw: str) -> None:
        self.offset, self.raw = offset, raw
        self.text = plain(raw)
        self.width = len(self.text) + 1  # with the space that joins it to the next piece
        self.first = self.count = -1  # not tokenized yet
        self.base = 0
        self.aligned = True
        self._children: list[_Piece] | None = None

    def tokenize(self) -> tuple[list[int], list[int]]:
        """Tokenize its own text into _STORE; the tokens' starts and ends."""
        terms, starts, ends = token_spans(self.text)
        self.first, self.count, self.base = _STORE.add(terms, starts, ends), len(terms), 0
        # Token positions count in the case-folded text: they are the text's own only when
        # folding kept every character one character (it does unless, say, "ß" is there).
        self.aligned = len(self.text.casefold()) == len(self.text)
        return starts, ends

    def children(self) -> list["_Piece"]:
        """Its lines, else its sentences (none when it cannot be cut)."""
        if self._children is None:
            cuts = _cuts(self.raw)
            self._children = [_Piece(self.offset + start, self.raw[start:end])
                              for start, end in zip([0] + cuts, cuts + [len(self.raw)])] if cuts else []
        return self._children

    def leaves(self, limit: int, out: list["_Piece"]) -> None:
        """Append the pieces that ``search._pieces`` yields for ``limit``."""
        if len(self.text) > limit:
            children = self.children()
            if children:
                for child in children:
                    child.leaves(limit, out)
                return
        out.append(self)

    def warm(self, spans: tuple[list[int], list[int], int] | None = None) -> None:
        """Tokenize it (unless ``spans``, the token starts and ends of the text that holds it and
        where those tokens begin in _STORE, gave it its tokens) and, ahead, the pieces that any
        chunk size of the control can cut it into. A piece whose text lies in its parent's with
        no token across its ends has the parent's tokens there: it is not tokenized again."""
        if spans is None:
            starts, ends = self.tokenize()
            spans = (starts, ends, self.first)
        if len(self.text) <= _SMALLEST_LIMIT:
            return
        starts, ends, first = spans
        position = 0
        for child in self.children():
            if not child.text:
                child.first, child.count = first, 0
                continue
            at = self.text.find(child.text, position) if self.aligned else -1
            if at >= 0:
                begin = self.base + at
                end = begin + len(child.text)
                low, high = bisect_left(starts, begin), bisect_left(starts, end)
                if (not low or ends[low - 1] <= begin) and (not high or ends[high - 1] <= end):
                    child.first, child.count, child.base = first + low, high - low, begin
                    child.warm(spans)
                    position = at + len(child.text)
                    continue
            child.warm()


class _PageParts:
    """A page, its questions after it as SearchIndex.build has them, parsed once: a list of
    heading numbers and paragraph pieces, the headings (plain text and token ids) and the
    title's tokens; and which pieces make its passages at the last few chunk sizes."""

    __slots__ = ("page", "topic_id", "lang", "title_terms", "items", "headings", "heading_ids", "heading_lengths",
                 "_cuts")

    def __init__(self, topic_id: str, lang: str, page: TopicPage) -> None:
        self.page, self.topic_id, self.lang = page, topic_id, lang
        self.title_terms = tuple(set(tokens(page.title)))
        questions = "\n\n".join(q.question for q in page.questions)
        text = f"{page.body}\n\n## {tr('page.self_check', lang)}\n\n{questions}" if questions else page.body
        headings: list[tuple[str, np.ndarray]] = [("", _NO_IDS)]  # before the first heading
        items: list = []
        for offset, block in _blocks(text):  # as search.split_passages reads it
            match = _HEADING.match(block)
            if match:
                heading = plain(match.group(1))
                items.append(len(headings))
                headings.append((heading, _ids(tokens(heading))))
                end = block.find("\n")
                if end < 0:
                    continue
                offset, block = offset + end + 1, block[end + 1:]
            piece = _Piece(offset, block)
            piece.warm()
            items.append(piece)
        self.items, self.headings = items, headings
        self.heading_ids = np.concatenate([ids for _, ids in headings])
        self.heading_lengths = np.array([len(ids) for _, ids in headings], dtype=np.int64)
        self._cuts: dict[int, _PageCut] = {}

    def cut(self, chunk: int) -> "_PageCut":
        """Its passages at ``chunk`` characters (kept for the last few sizes)."""
        found = self._cuts.pop(chunk, None)
        if found is None:
            found = _PageCut(self, chunk)
        self._cuts[chunk] = found  # the most recent last
        while len(self._cuts) > _CHUNKS_KEPT:
            del self._cuts[next(iter(self._cuts))]
        return found


class _PageCut:
    """A page's passages at one chunk size, for any overlap, as ``search.split_passages`` cuts
    them: the pieces they gather, where each passage's pieces begin, each one's heading and
    offset, and whether it follows another passage in its section (only then does an overlap
    begin it)."""

    __slots__ = ("parts", "pieces", "bounds", "sizes", "headings", "starts", "follows")

    def __init__(self, parts: _PageParts, chunk: int) -> None:
        limit = chunk + chunk // 2
        pieces: list[_Piece] = []
        bounds: list[int] = []  # each passage's first piece
        headings: list[int] = []
        starts: list[int] = []
        follows: list[bool] = []
        heading, first, size, start, later = 0, 0, 0, 0, False

        def close() -> None:  # search.split_passages's flush
            nonlocal first, size, later
            if size:
                bounds.append(first)
                headings.append(heading)
                starts.append(start)
                follows.append(later)
                first, size, later = len(pieces), 0, True

        found: list[_Piece] = []
        for item in parts.items:
            if type(item) is int:
                close()
                heading, later = item, False
                continue
            found.clear()
            item.leaves(limit, found)
            for piece in found:
                length = len(piece.text)
                if not length:
                    continue
                if size and size + length > limit:
                    close()
                if not size:
                    start = piece.offset
                if piece.count < 0:  # a chunk size outside the control's range
                    piece.tokenize()
                pieces.append(piece)
                size += length + 1
                if size >= chunk:
                    close()
        close()
        bounds.append(len(pieces))
        self.parts, self.pieces, self.bounds, self.headings, self.starts, self.follows = (
            parts, pieces, bounds, headings, starts, follows)
        self.sizes = [end - begin for begin, end in zip(bounds, bounds[1:])]

    def __len__(self) -> int:
        return len(self.follows)

    def text(self, number: int) -> str:
        """Passage ``number``'s pieces joined by spaces (without its overlap)."""
        return " ".join([piece.text for piece in self.pieces[self.bounds[number]:self.bounds[number + 1]]])

    def passage(self, number: int, overlap: int) -> Passage:
        text = self.text(number)
        if overlap and self.follows[number]:
            text = f"{self.text(number - 1)[-overlap:]} {text}".strip()
        parts = self.parts
        return Passage(parts.topic_id, parts.lang, parts.headings[self.headings[number]][0], text, self.starts[number])


class _Corpus:
    """The passages of some pages at one chunk size, their tokens laid out with numpy for any
    overlap: every piece's token ids end to end, where each passage's pieces and tokens begin,
    its heading's ids, and whether it follows another passage in its section."""

    def __init__(self, cuts: Sequence[_PageCut]) -> None:
        self.cuts = cuts
        self.firsts = [0]  # each page's first passage
        for cut in cuts:
            self.firsts.append(self.firsts[-1] + len(cut))
        self.passages = self.firsts[-1]
        self.pieces = pieces = [piece for cut in cuts for piece in cut.pieces]
        self.token_counts = np.fromiter(map(attrgetter("count"), pieces), dtype=np.int64, count=len(pieces))
        self.piece_token_bounds = _bounds(self.token_counts)
        # Where the pieces' tokens lie in _STORE, one after another.
        self.picks = _runs(np.fromiter(map(attrgetter("first"), pieces), dtype=np.int64, count=len(pieces)),
                           self.token_counts)
        self.ids = _STORE.arrays()[0][self.picks]
        self.sizes = np.fromiter(chain.from_iterable(cut.sizes for cut in cuts), dtype=np.int64, count=self.passages)
        self.piece_bounds = _bounds(self.sizes)
        self.token_bounds = self.piece_token_bounds[self.piece_bounds]
        self.follows = np.fromiter(chain.from_iterable(cut.follows for cut in cuts), dtype=bool, count=self.passages)
        # Each passage's heading, numbered across the pages, and where its ids lie.
        self.heading_ids = np.concatenate([cut.parts.heading_ids for cut in cuts]) if cuts else _NO_IDS
        heading_lengths = np.concatenate([cut.parts.heading_lengths for cut in cuts]) if cuts else _NO_IDS
        page_headings = _bounds(np.array([len(cut.parts.headings) for cut in cuts], dtype=np.int64))[:-1]
        passages_per_page = np.diff(np.array(self.firsts, dtype=np.int64))
        number = (np.fromiter(chain.from_iterable(cut.headings for cut in cuts), dtype=np.int64, count=self.passages)
                  + np.repeat(page_headings, passages_per_page))
        self.heading_starts = _bounds(heading_lengths)[:-1][number]
        self.heading_lengths = heading_lengths[number]
        self._positions: tuple | None = None

    def positions(self) -> tuple[np.ndarray, ...]:
        """Where each token starts and ends in its passage's text (its pieces joined by spaces),
        whether it is a word, each passage's text length, where each piece starts in it, and
        which passages hold a piece whose token positions are not its text's (see _Piece)."""
        if self._positions is None:
            pieces, bounds = self.pieces, self.piece_bounds
            _, starts, ends = _STORE.arrays()
            reach = _bounds(np.fromiter(map(attrgetter("width"), pieces), dtype=np.int64, count=len(pieces)))
            passage_of_piece = np.repeat(np.arange(self.passages), self.sizes)
            piece_positions = reach[:-1] - reach[bounds[:-1]][passage_of_piece]
            bases = np.fromiter(map(attrgetter("base"), pieces), dtype=np.int64, count=len(pieces))
            shift = np.repeat(piece_positions - bases, self.token_counts)
            text_lengths = reach[bounds[1:]] - reach[bounds[:-1]] - 1
            aligned = np.fromiter(map(attrgetter("aligned"), pieces), dtype=bool, count=len(pieces))
            unaligned = _bounds(~aligned)
            odd = unaligned[bounds[1:]] > unaligned[bounds[:-1]]
            self._positions = (starts[self.picks] + shift, ends[self.picks] + shift, _STORE.words()[self.ids],
                               text_lengths, piece_positions, odd)
        return self._positions

    def page_of(self, passage: int) -> tuple[_PageCut, int]:
        """The page of passage number ``passage``, and its number there."""
        page = bisect_right(self.firsts, passage) - 1
        return self.cuts[page], passage - self.firsts[page]

    def lay_out(self, overlap: int) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's token ids end to end (its heading's, its overlap's, its pieces'; the
        order within a passage does not matter to BM25), and each passage's length."""
        if not self.passages:
            return _NO_IDS, np.zeros(0, dtype=np.int64)
        sources = [self.ids, self.heading_ids]
        starts = [self.token_bounds[:-1], self.heading_starts + len(self.ids)]
        lengths = [np.diff(self.token_bounds), self.heading_lengths]
        if overlap:
            extras, extra_starts, extra_lengths, tail_starts, tail_lengths = self._overlaps(overlap)
            sources.append(extras)
            starts += [tail_starts, extra_starts + len(self.ids) + len(self.heading_ids)]
            lengths += [tail_lengths, extra_lengths]
        # Gather the runs (start, length) of every passage, in order, from the sources end to end.
        run_lengths = np.stack(lengths, axis=1).ravel()
        picks = _runs(np.stack(starts, axis=1).ravel(), run_lengths)
        return np.concatenate(sources)[picks], run_lengths.reshape(self.passages, -1).sum(axis=1)

    def _overlaps(self, overlap: int) -> tuple[np.ndarray, ...]:
        """Each passage's overlap: the run of its predecessor's tokens that lie in the overlap (start
        and length), and extra tokens (start and length in the extras returned) where the overlap's
        first character cuts a word (its end) or a Chinese run's last bigram (its last character)."""
        passages, token_bounds, follows = self.passages, self.token_bounds, self.follows
        token_starts, token_ends, words, text_lengths, piece_positions, odd = self.positions()
        followed = np.zeros(passages, dtype=bool)
        followed[:-1] = follows[1:]
        cut_at = text_lengths - overlap  # where the overlap a passage passes on begins in it
        owner = np.repeat(np.arange(passages), np.diff(token_bounds))
        in_tail = np.bincount(owner[token_starts >= cut_at[owner]], minlength=passages)
        first = token_bounds[1:] - in_tail  # a passage's first token in the overlap it passes on
        terms: list[str] = []
        owners: list[int] = []
        through = np.flatnonzero(followed & ~odd & (first > token_bounds[:-1]))
        token = first[through] - 1  # the last token before the overlap: does the cut go through it?
        cut_through = token_ends[token] > cut_at[through]
        through, token = through[cut_through], token[cut_through]
        # A bigram cut through whose run goes on adds nothing: the overlap holds the run's next
        # bigram. Otherwise the overlap begins with a word's end or the run's last character.
        after = np.minimum(first[through], len(token_starts) - 1)
        run_goes_on = (first[through] < token_bounds[through + 1]) & (token_starts[after] == cut_at[through])
        keep = words[token] | ~run_goes_on
        through, token = through[keep], token[keep]
        if len(through):
            piece_of = np.searchsorted(self.piece_token_bounds, token, side="right") - 1
            pieces = self.pieces
            for passage, number, at, end in zip(through.tolist(), piece_of.tolist(),
                                                (cut_at[through] - piece_positions[piece_of]).tolist(),
                                                (token_ends[token] - piece_positions[piece_of]).tolist()):
                terms.append(pieces[number].text[at:end].casefold())
                owners.append(passage + 1)
        extras = [_ids(terms)]
        extra_starts = np.zeros(passages, dtype=np.int64)
        extra_lengths = np.zeros(passages, dtype=np.int64)
        extra_starts[owners] = np.arange(len(owners))
        extra_lengths[owners] = 1
        used = len(owners)
        for passage in np.flatnonzero(followed & odd).tolist():  # rare: tokenize the overlap's text
            cut, number = self.page_of(passage)
            found = _ids(tokens(cut.text(number)[-overlap:]))
            extras.append(found)
            extra_starts[passage + 1], extra_lengths[passage + 1] = used, len(found)
            used += len(found)
            first[passage] = token_bounds[passage + 1]
        tail_starts = np.zeros(passages, dtype=np.int64)
        tail_starts[1:] = first[:-1]
        tail_lengths = np.where(follows, token_bounds[:-1] - tail_starts, 0)
        return np.concatenate(extras), extra_starts, extra_lengths, tail_starts, tail_lengths


_PARTS: dict[tuple[str, str], _PageParts] = {}
_CORPORA: dict[tuple[int, ...], _Corpus] = {}


def is_parsed(topic_id: str, lang: str, page: TopicPage) -> bool:
    parts = _PARTS.get((topic_id, lang))
    return parts is not None and parts.page is page


def parse_page(topic_id: str, lang: str, page: TopicPage) -> _PageParts:
    """The page parsed (once; a page object that replaced it is parsed anew)."""
    if not is_parsed(topic_id, lang, page):
        _PARTS[(topic_id, lang)] = _PageParts(topic_id, lang, page)
    return _PARTS[(topic_id, lang)]


def _corpus(cuts: list[_PageCut]) -> _Corpus:
    """The pages ``cuts`` laid out (the last few sets are kept: a new overlap reuses them)."""
    key = tuple(map(id, cuts))  # a kept corpus holds its cuts: their ids are not reused meanwhile
    found = _CORPORA.pop(key, None)
    if found is None:
        found = _Corpus(cuts)
    _CORPORA[key] = found  # the most recent last
    while len(_CORPORA) > _CORPORA_KEPT:
        del _CORPORA[next(iter(_CORPORA))]
    return found


class _Passages(Sequence[Passage]):
    """The passages of a PassageIndex, each made when first asked for: an index holds thousands
    and a query shows eight."""

    def __init__(self, corpus: _Corpus, overlap: int) -> None:
        self._corpus, self._overlap = corpus, overlap
        self._made: dict[int, Passage] = {}

    def __len__(self) -> int:
        return self._corpus.passages

    def __getitem__(self, number):
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        number = range(len(self))[number]  # negative numbers count from the end; IndexError past it
        found = self._made.get(number)
        if found is None:
            cut, local = self._corpus.page_of(number)
            found = self._made[number] = cut.passage(local, self._overlap)
        return found

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, _Passages)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass(eq=False)
class PassageIndex(SearchIndex):
    """A SearchIndex built by :func:`build_index`: the passages' token ids lie end to end in one
    array, and a term's posting (which passages hold it, how often) is counted there with numpy
    the first time a query asks for it."""

    _stream: np.ndarray = field(default_factory=lambda: _NO_IDS)
    _ends: np.ndarray = field(default_factory=lambda: _NO_IDS)  # where each passage's ids end

    def _posting(self, term: str) -> list[tuple[int, int]]:
        found = self._postings.get(term)
        if found is None:
            found = []
            number = _VOCABULARY.get(term)
            if number is not None:
                where = np.flatnonzero(self._stream == number)
                if len(where):
                    holders, counts = np.unique(np.searchsorted(self._ends, where, side="right"), return_counts=True)
                    found = list(zip(holders.tolist(), counts.tolist()))
            self._postings[term] = found
        return found


def build_index(topics: Iterable[Topic], languages: Sequence[str], chunk_chars: int, overlap: int) -> PassageIndex:
    """The index ``SearchIndex.build(topics, languages, chunk_chars, overlap)`` makes (the same
    passages, lengths and term counts, so the same scores), from pages parsed and tokenized once:
    after the first, an index takes a few milliseconds instead of tens."""
    chunk, overlap = int(chunk_chars), int(overlap)
    index = PassageIndex()
    cuts: list[_PageCut] = []
    titles: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for topic_id, lang, page in topic_pages(topics, languages):
        parts = parse_page(topic_id, lang, page)
        key = (topic_id, lang)
        index.titles[key] = page.title
        for term in parts.title_terms:
            titles[term].append(key)
        cuts.append(parts.cut(chunk))
    corpus = _corpus(cuts)
    index._title_postings = dict(titles)
    index.passages = _Passages(corpus, overlap)  # type: ignore[assignment]
    stream, lengths = corpus.lay_out(overlap)
    index._lengths = lengths.tolist()
    index._average = sum(index._lengths) / max(1, len(index._lengths))
    index._stream, index._ends = stream, np.cumsum(lengths)
    return index
