"""Extractive summarization with TextRank: sentences ranked by PageRank on their similarity graph.

Every sentence is a node; the edge between sentences i and j is weighted by their similarity, and
PageRank on that graph scores each sentence by how similar it is to other well-scored sentences
(Mihalcea & Tarau, "TextRank: Bringing Order into Texts", EMNLP 2004). The summary is the top
sentences, printed in reading order: it is extractive, every sentence of it is a sentence of the
source (an abstractive summary writes new sentences, and can write things the source never said).

Similarity, two ways:

* ``overlap``, the TextRank paper's measure: the number of distinct tokens the two sentences share,
  divided by log|S_i| + log|S_j| (|S| the sentence's length in tokens), so that long sentences do
  not win on length alone. Two one-token sentences would divide by 0; the denominator is kept at
  least log 2.
* ``cosine``, as LexRank does it (Erkan & Radev, JAIR 22, 2004): the cosine between the sentences'
  TF-IDF vectors, the inverse document frequency counted over the sentences of the text,
  idf(w) = log(N / n_w).

Sentences end at 。！？ (closing quotes stay with their sentence) and at . ! ? before a space,
except after an abbreviation or an initial ("et al.", "J.") or before a lower-case word; each
line of the text is a paragraph. (``ngram.sentences`` would cut "et al." and leave a closing ”
at the start of the next sentence.)

Tokens are those of the search index (:func:`explorer.core.search.tokens`): lower-cased words,
and overlapping character bigrams of Chinese ("摘要句" → 摘要, 要句), which needs no segmenter.
The paper keeps only open-class words; without a tagger, English function words and Chinese
bigrams holding a function character (的, 是, 了 …) are dropped, and a plural English "s" is cut.

PageRank in the normalized form, p = (1 − d)/N + d · Wᵀp with W the similarity rows divided by
their sums (a sentence similar to none spreads its score evenly), so the scores sum to 1; the
paper's form, WS = (1 − d) + d · Σ …, is N·p when every sentence has a neighbour. Power iteration
from the uniform vector until the scores move less than 1e-10 in total (d = 0.85 by default).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from explorer.core.params import ParamSpec, resolve
from explorer.core.search import plain, tokens
from explorer.core.text_vectors import cosine_matrix, term_counts, tfidf_rows

MAX_SENTENCES = 120  # longer texts are cut here: the graph and the bars would be unreadable
TOLERANCE = 1e-10
MAX_ITERATIONS = 1000
# Pages the demo can summarize (prose only: the worked example, the Try it section and the
# references are left out, and so are tables and display formulas).
SOURCES = {"page": "summarization", "hallucination": "hallucination", "rag": "rag"}
SKIPPED_SECTIONS = {"例题详解", "动手试试", "参考", "Worked example", "Try it", "References"}

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("source", "page", kind="choice", choices=("page", "hallucination", "rag", "pasted"),
              label={"zh": "文本来源", "en": "Text"},
              choice_labels={"page": {"zh": "本页(长文本摘要)", "en": "This page (summarization)"},
                             "hallucination": {"zh": "“幻觉”页", "en": "The Hallucination page"},
                             "rag": {"zh": "“检索增强生成”页", "en": "The RAG page"},
                             "pasted": {"zh": "自己输入或粘贴的文本", "en": "Your own (typed or pasted)"}}),
    ParamSpec("similarity", "overlap", kind="choice", choices=("overlap", "cosine"),
              label={"zh": "句子相似度", "en": "Similarity"},
              choice_labels={"overlap": {"zh": "词重叠(TextRank 论文)", "en": "Word overlap (TextRank paper)"},
                             "cosine": {"zh": "TF-IDF 余弦(LexRank 式)", "en": "TF-IDF cosine (LexRank style)"}}),
    ParamSpec("damping", 0.85, 0.5, 0.95, decimals=2, label={"zh": "阻尼系数 d", "en": "Damping d"}),
    ParamSpec("length", 20, 1, 100, kind="int", unit="%",
              label={"zh": "摘要长度(占句子数 %)", "en": "Summary length (% of sentences)"}),
    ParamSpec("threshold", 0.15, 0.0, 1.0, decimals=2,
              label={"zh": "画出的边(≥ 最强边的比例)", "en": "Edges drawn (≥ share of strongest)"}),
)

# A text for "your own" until the user types: one sentence (the second) shares words with all the
# others, and the last shares none.
EXAMPLE = {
    "zh": "大语言模型有时会自信地说出错误的事实。\n"
          "检索增强生成让语言模型先检索相关文档，再根据检索到的文档回答问题。\n"
          "检索器从文档库中找出与问题最匹配的段落。\n"
          "语言模型根据这些段落写出回答，并注明出处。\n"
          "有了检索到的文档作依据，回答中的幻觉会少一些。\n"
          "如果检索器返回了无关的文档，回答仍然可能出错。\n"
          "那天下午天气晴朗，公园里有很多人散步。",
    "en": "Large language models sometimes state false facts with confidence.\n"
          "Retrieval-augmented generation lets a language model retrieve relevant documents first "
          "and then answer the question from the retrieved documents.\n"
          "The retriever finds the passages in a document store that best match the question.\n"
          "The language model writes its answer from those passages and cites them.\n"
          "With retrieved documents to rely on, answers contain fewer hallucinations.\n"
          "If the retriever returns irrelevant documents, the answer can still be wrong.\n"
          "That afternoon the weather was sunny and many people walked in the park.",
}

_EN_STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each either few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just let me more
most my myself neither no nor not now of off on once only or other our ours ourselves out over own same
she should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with would
you your yours yourself yourselves one two many much may might must shall still yet even every per via
""".split())
_ZH_STOP_CHARS = frozenset("的了是在和与及或把被就也都而这那其之个着吗呢吧啊我你他她它们")
_HAN_BIGRAM = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2}")
# A sentence ends at 。！？ (with any closing quotes or brackets after it), or at . ! ? followed by
# closing marks and then a space or the end, unless a lower-case letter comes next.
_END = re.compile(r"[。！？]+[”’」』）]*|[.!?]+[\"'”’)\]]*(?=\s|$)")
_ABBREVIATIONS = frozenset("al e.g i.e etc vs cf fig eq no dr mr mrs ms st prof approx".split())
_WORDLIKE = re.compile(r"[^\W_]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@dataclass(frozen=True)
class Document:
    """A text cut into sentences, and which sentences make each paragraph (by index)."""

    sentences: tuple[str, ...]
    paragraphs: tuple[tuple[int, ...], ...]
    dropped: int = 0  # sentences past MAX_SENTENCES, not ranked

    def __len__(self) -> int:
        return len(self.sentences)


def _is_abbreviation(before: str) -> bool:
    """Whether the text before a full stop ends with an abbreviation or an initial ("et al.", "J.")."""
    match = _WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1).rstrip(".")
    return word.casefold() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, in Chinese, English or both."""
    return list(_paragraph_sentences(paragraph))


@lru_cache(maxsize=512)
def _paragraph_sentences(paragraph: str) -> tuple[str, ...]:
    """:func:`split_sentences`, cached per paragraph: typing into a long text splits only the
    paragraph typed in."""
    found: list[str] = []
    start = 0
    for match in _END.finditer(paragraph):
        if match.group()[0] in ".!?":
            if match.group()[0] == "." and _is_abbreviation(paragraph[start:match.start()]):
                continue
            following = paragraph[match.end():].lstrip()[:1]
            if following.isascii() and following.islower():  # '"Is it?" he asked.', "e.g. this"
                continue
        _add_piece(found, paragraph[start:match.end()])
        start = match.end()
    _add_piece(found, paragraph[start:])
    return tuple(found)


def _add_piece(found: list[str], piece: str) -> None:
    """A sentence; stray punctuation with no word in it joins the sentence before it."""
    piece = piece.strip()
    if not piece:
        return
    if _WORDLIKE.search(piece):
        found.append(piece)
    elif found:
        found[-1] += piece


@lru_cache(maxsize=16)
def split_text(text: str, limit: int = MAX_SENTENCES) -> Document:
    """Paragraphs (lines of ``text``) cut into sentences; sentences past ``limit`` are dropped
    (cached: a slider that moves splits nothing again)."""
    found: list[str] = []
    paragraphs: list[tuple[int, ...]] = []
    dropped = 0
    for line in text.splitlines():
        pieces = _paragraph_sentences(line)
        room = max(0, limit - len(found))
        dropped += max(0, len(pieces) - room)
        pieces = pieces[:room]
        if pieces:
            paragraphs.append(tuple(range(len(found), len(found) + len(pieces))))
            found.extend(pieces)
    return Document(tuple(found), tuple(paragraphs), dropped)


def _keep(token: str) -> bool:
    if _HAN_BIGRAM.fullmatch(token):
        return not (token[0] in _ZH_STOP_CHARS or token[1] in _ZH_STOP_CHARS)
    return token not in _EN_STOP and not (len(token) == 1 and token.isalpha())


def _fold(token: str) -> str:
    """A plural English "s" cut ("sentences" → "sentence"); everything else as it is."""
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")) and token.isascii():
        return token[:-1]
    return token


@lru_cache(maxsize=8192)
def sentence_tokens(sentence: str) -> tuple[str, ...]:
    """The content tokens of a sentence: words and Chinese bigrams, function words left out.

    Kept per sentence, so that typing into a long text tokenizes only the sentence typed in.
    """
    return tuple(_fold(token) for token in tokens(sentence) if _keep(token))


def overlap_similarity(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """|S_i ∩ S_j| / (log|S_i| + log|S_j|), with a zero diagonal (TextRank, section 4.1)."""
    counts = term_counts(token_lists)
    present = (counts > 0).astype(float)
    shared = present @ present.T
    logs = np.log(np.maximum(counts.sum(axis=1), 1.0))
    weights = shared / np.maximum(logs[:, None] + logs[None, :], math.log(2.0))
    np.fill_diagonal(weights, 0.0)
    return weights


def cosine_similarity(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """The cosine between TF-IDF vectors, idf over the sentences themselves; zero diagonal."""
    weights = cosine_matrix(tfidf_rows(term_counts(token_lists), smooth=False))
    np.fill_diagonal(weights, 0.0)
    return weights


@lru_cache(maxsize=32)
def similarity(sentences: tuple[str, ...], method: str = "overlap") -> np.ndarray:
    """The similarity matrix of ``sentences`` (cached per text: only PageRank runs again when a
    slider moves). Read-only: it is shared."""
    token_lists = [sentence_tokens(sentence) for sentence in sentences]
    weights = cosine_similarity(token_lists) if method == "cosine" else overlap_similarity(token_lists)
    weights.setflags(write=False)
    return weights


def pagerank(weights: np.ndarray, damping: float = 0.85, tolerance: float = TOLERANCE,
             max_iterations: int = MAX_ITERATIONS) -> tuple[np.ndarray, int]:
    """PageRank scores (summing to 1) on the weighted graph ``weights``, and the iterations used.

    Row j of ``weights`` spreads sentence j's score over its neighbours in proportion to the edge
    weights; a row of zeros spreads it evenly over every sentence.
    """
    weights = np.asarray(weights, dtype=float)
    size = len(weights)
    if size == 0:
        return np.zeros(0), 0
    totals = weights.sum(axis=1)
    linked = totals > 0
    transition = np.where(linked[:, None], weights / np.where(linked, totals, 1.0)[:, None], 1.0 / size)
    scores = np.full(size, 1.0 / size)
    for iteration in range(1, max_iterations + 1):
        updated = (1.0 - damping) / size + damping * (transition.T @ scores)
        updated /= updated.sum()
        change = float(np.abs(updated - scores).sum())
        scores = updated
        if change < tolerance:
            return scores, iteration
    return scores, max_iterations


def summary_size(sentences: int, percent: float) -> int:
    """How many sentences ``percent`` % of ``sentences`` is: at least 1 (when there is any)."""
    if sentences == 0:
        return 0
    return min(sentences, max(1, round(sentences * percent / 100.0)))


def top_sentences(scores: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` best-scored sentences (ties to the earlier one), in reading order."""
    order = np.lexsort((np.arange(len(scores)), -np.asarray(scores)))
    return np.sort(order[:count])


@dataclass(frozen=True)
class Summary:
    """A ranked text: its sentences, their graph and scores, and the sentences chosen."""

    document: Document
    weights: np.ndarray  # (N, N), symmetric, zero diagonal
    scores: np.ndarray  # (N,), summing to 1
    iterations: int
    selected: np.ndarray  # sentence indices, in reading order

    @property
    def count(self) -> int:
        return len(self.document)

    @property
    def characters(self) -> int:
        """Characters of all ranked sentences."""
        return sum(len(sentence) for sentence in self.document.sentences)

    @property
    def summary_characters(self) -> int:
        return sum(len(self.document.sentences[index]) for index in self.selected)

    @property
    def ratio(self) -> float:
        """Compression ratio: summary characters / original characters (0 for no text)."""
        return self.summary_characters / self.characters if self.characters else 0.0

    @property
    def text(self) -> str:
        """The summary: the chosen sentences in reading order."""
        return " ".join(self.document.sentences[index] for index in self.selected)


def summarize(text: str, params: Mapping[str, object] | None = None) -> Summary:
    """TextRank on ``text`` with ``params`` (missing ones take their defaults; ``source`` is the
    caller's business)."""
    p = resolve(PARAMS, params or {})
    document = split_text(text)
    method = str(p["similarity"])
    scores, iterations = ranking(document.sentences, method, float(p["damping"]))
    selected = top_sentences(scores, summary_size(len(document), float(p["length"])))
    return Summary(document, similarity(document.sentences, method), scores, iterations, selected)


@lru_cache(maxsize=64)
def ranking(sentences: tuple[str, ...], method: str = "overlap", damping: float = 0.85) -> tuple[np.ndarray, int]:
    """PageRank scores of ``sentences`` and the iterations used, cached per text, similarity and
    damping: the summary length and the edges drawn choose from them without ranking again.
    The scores are read-only: they are shared."""
    scores, iterations = pagerank(similarity(sentences, method), damping)
    scores.setflags(write=False)
    return scores, iterations


@lru_cache(maxsize=16)
def page_text(topic_id: str, lang: str) -> str:
    """The prose of a shipped page as plain text, one paragraph (or list item) a line.

    The introduction, the explanation and the misconceptions are kept; headings, tables, display
    formulas, code, the worked example, Try it and the references are left out.
    """
    from explorer.core.frontmatter import read_topic_file
    from explorer.core.resources import builtin_topics_dir

    path = next(builtin_topics_dir().rglob(f"{topic_id}.{lang}.md"), None)
    if path is None:
        return ""
    body = read_topic_file(path).page.body
    lines, skipping = [], False
    for block in re.split(r"\n[ \t]*\n", body):
        block = block.strip()
        if block.startswith("#"):  # a heading, perhaps with its paragraph right below it
            heading, _, block = block.partition("\n")
            section = re.match(r"##[ \t]+(.+)", heading)
            if section:
                skipping = section.group(1).strip() in SKIPPED_SECTIONS
            block = block.strip()
        if skipping or not block or block.startswith(("|", "$$", "```", "<", "!")):
            continue
        items = block.split("\n") if block.startswith(("- ", "* ", "+ ")) else [block]
        lines.extend(text for text in (plain(item) for item in items) if text)
    return "\n".join(lines)


def source_text(source: str, lang: str) -> str:
    """The text of a shipped source: a page's prose, or the example for "pasted"."""
    if source in SOURCES:
        return page_text(SOURCES[source], lang)
    return EXAMPLE["zh" if lang == "zh" else "en"]
