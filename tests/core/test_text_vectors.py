"""Term counts, the two idf forms and the cosine, on hand-made documents."""

import math

import numpy as np
import pytest

from explorer.core.text_vectors import cosine_matrix, term_counts, tfidf_rows

DOCUMENTS = [["a", "b", "a"], ["b", "c"], []]


def test_counts_number_terms_in_order_of_appearance():
    assert term_counts(DOCUMENTS).tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 0]]


def test_plain_idf_drops_a_term_in_every_document_and_smooth_keeps_it():
    everywhere = [["x", "y"], ["x"]]
    plain = tfidf_rows(term_counts(everywhere), smooth=False)
    assert plain[1].tolist() == [0.0, 0.0] and plain[0].tolist() == [0.0, 1.0]
    smooth = tfidf_rows(term_counts(everywhere), smooth=True)
    assert smooth[1].tolist() == [1.0, 0.0]
    weight_x, weight_y = 1.0, math.log(3 / 2) + 1.0  # ln((1 + 2)/(1 + n)) + 1
    assert smooth[0] == pytest.approx(np.array([weight_x, weight_y]) / math.hypot(weight_x, weight_y))


def test_cosine_is_symmetric_in_unit_range_and_zero_for_empty_documents():
    similarity = cosine_matrix(tfidf_rows(term_counts(DOCUMENTS), smooth=True))
    assert np.allclose(similarity, similarity.T)
    assert np.allclose(np.diag(similarity)[:2], 1.0) and similarity[2].tolist() == [0.0, 0.0, 0.0]
    assert 0.0 < similarity[0, 1] < 1.0
