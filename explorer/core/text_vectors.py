"""Texts as term-count and TF-IDF vectors, and the cosine between them.

Shared by the summarizer (TextRank/LexRank over sentences) and the consistency demo (answers
compared with each other). Two idf forms: the plain ln(N/n) of LexRank (Erkan & Radev, JAIR
2004), which gives a term found in every document no weight, and the smoothed
ln((1 + N)/(1 + n)) + 1 used by scikit-learn's TfidfVectorizer, which keeps a small weight for it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def term_counts(documents: Sequence[Sequence[str]]) -> np.ndarray:
    """Documents × terms counts; terms are numbered in the order they first appear."""
    index: dict[str, int] = {}
    rows, columns = [], []
    for row, terms in enumerate(documents):
        for term in terms:
            rows.append(row)
            columns.append(index.setdefault(term, len(index)))
    counts = np.zeros((len(documents), len(index)))
    np.add.at(counts, (np.array(rows, dtype=int), np.array(columns, dtype=int)), 1.0)
    return counts


def tfidf_rows(counts: np.ndarray, smooth: bool) -> np.ndarray:
    """Unit-length TF-IDF rows (raw counts × idf); rows without terms stay zero."""
    documents = len(counts)
    frequency = np.count_nonzero(counts, axis=0)
    if smooth:
        idf = np.log((1.0 + documents) / (1.0 + frequency)) + 1.0
    else:
        idf = np.log(documents / np.maximum(frequency, 1))
    weights = counts * idf
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    return np.divide(weights, norms, out=np.zeros_like(weights), where=norms > 0)


def cosine_matrix(rows: np.ndarray) -> np.ndarray:
    """Pairwise cosines of unit rows, clipped to [0, 1] (the diagonal as it comes)."""
    return np.clip(rows @ rows.T, 0.0, 1.0)
