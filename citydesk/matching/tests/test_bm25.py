"""Our chunked BM25 gives bm25s's scores (lucene variant), also across chunk borders and replaced texts."""

from array import array

import bm25s
import numpy as np
import pytest
from bm25s.tokenization import Tokenized

from citydesk.matching import bm25
from citydesk.matching.index import ClaimIndex, _Packed

CORPUS = [
    [1, 2, 3, 4],
    [2, 2, 5],
    [6, 7, 1, 1, 1, 8],
    [3],
    [9, 10, 2, 4, 4],
    [5, 6, 7, 8, 9, 10, 11],
    [11],
]


def bm25s_scores(corpus, vocabulary_size, query):
    retriever = bm25s.BM25()
    vocabulary = {str(i): i for i in range(vocabulary_size)}
    retriever.index(Tokenized(ids=corpus, vocab=vocabulary), show_progress=False)
    return retriever.get_scores(query)


def packed(corpus) -> _Packed:
    store = _Packed("I")
    for tokens in corpus:
        store.append(array("I", tokens))
    return store


@pytest.mark.parametrize("chunk", [2, 3, 100])
@pytest.mark.parametrize("query", [[1], [2, 4], [5, 6, 7], [11, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]])
def test_scores_equal_bm25s(monkeypatch, chunk, query):
    monkeypatch.setattr(bm25, "CHUNK_DOCUMENTS", chunk)
    store = packed(CORPUS)
    matrix = bm25.BM25Matrix.build(store.flat, store.start, store.length, 12)
    np.testing.assert_allclose(matrix.scores(query), bm25s_scores(CORPUS, 12, query), rtol=1e-5)


def test_replaced_documents_use_their_new_tokens():
    store = packed(CORPUS)
    store.replace(1, array("I", [11, 11, 3]))
    expected_corpus = [CORPUS[0], [11, 11, 3], *CORPUS[2:]]
    matrix = bm25.BM25Matrix.build(store.flat, store.start, store.length, 12)
    np.testing.assert_allclose(matrix.scores([11, 2]), bm25s_scores(expected_corpus, 12, [11, 2]), rtol=1e-5)
    store.append(array("I", [2]))  # the packed buffers can still grow after a build


def test_index_ranks_as_before_on_real_text():
    index = ClaimIndex(semantic=False)
    index.add_many(
        [
            (1, "Bão số 5 đổ bộ vào Đà Nẵng tối nay"),
            (2, "Uống nước chanh nóng chữa khỏi sốt xuất huyết"),
            (3, "Thành phố cấm xe máy vào trung tâm từ năm sau"),
        ]
    )
    assert index.search("nuoc chanh nong chua sot xuat huyet", k=1)[0][0] == 2
    index.add(2, "Giá xăng giảm mạnh từ tuần sau")
    assert index.search("gia xang giam", k=1)[0][0] == 2


def test_compact_lookup_keeps_the_newest_position_across_merges(monkeypatch):
    from citydesk.matching.index import _Lookup

    lookup = _Lookup()
    for key in range(120_000):  # forces merges into the sorted arrays
        lookup[key * 7] = key
    lookup[7] = 999_999  # set again: the newest wins, before and after a merge
    assert lookup.get(7) == 999_999 and lookup[14] == 2 and (8 in lookup) is False
    lookup._merge()
    assert lookup.get(7) == 999_999 and lookup.get(0) == 0 and lookup.get(1) is None
    lookup["tin-123"] = 5  # keys that are not integers stay in the dict
    lookup[-3] = 6
    lookup[2**64 - 1] = 7  # 64-bit fingerprints fit
    lookup._merge()
    assert lookup["tin-123"] == 5 and lookup[-3] == 6 and lookup[2**64 - 1] == 7
    assert lookup._recent == {"tin-123": 5, -3: 6}


def test_claim_ids_may_be_strings():
    index = ClaimIndex(semantic=False)
    index.add_many([(1, "Bão số 5 đổ bộ vào Đà Nẵng tối nay"), ("web-7", "Giá xăng giảm mạnh từ tuần sau")])
    assert index.search("gia xang giam manh", k=1)[0][0] == "web-7"
    assert index.text("web-7").startswith("giá xăng")
