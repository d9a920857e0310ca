"""BM25 over token ids packed in flat buffers, built in chunks so that 1 M claims fit in memory.

The scores are bm25s's "lucene" variant (k1 1.5, b 0.75, idf = ln(1 + (N - df + 0.5) / (df + 0.5))),
stored the same way (one column of the matrix per token: data, indices, indptr). bm25s builds that
matrix from Python lists of the whole corpus, which peaked at 2.9 GB for 1 M claims; here each chunk
of documents is sorted by (token, document) on its own and written straight into the final arrays.
"""

from array import array

import numpy as np

K1, B = 1.5, 0.75
CHUNK_DOCUMENTS = 25_000


def _postings(flat: np.ndarray, starts: np.ndarray, lengths: np.ndarray, first: int, last: int):
    """(token, document, term frequency) of documents first..last-1, sorted by token then document."""
    lens = lengths[first:last].astype(np.int64)
    total = int(lens.sum())
    if total == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    before = np.cumsum(lens) - lens
    positions = np.repeat(starts[first:last].astype(np.int64) - before, lens) + np.arange(total, dtype=np.int64)
    keys = flat[positions].astype(np.uint64) << np.uint64(32)
    keys |= np.repeat(np.arange(first, last, dtype=np.uint64), lens)
    del positions
    keys.sort()
    boundaries = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    frequencies = np.diff(np.append(boundaries, len(keys)))
    unique = keys[boundaries]
    return (unique >> np.uint64(32)).astype(np.int64), (unique & np.uint64(0xFFFFFFFF)).astype(np.int64), frequencies


class BM25Matrix:
    """Per-token postings with their BM25 contribution; score(query) sums the query tokens' columns."""

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, documents: int):
        self.data, self.indices, self.indptr, self.documents = data, indices, indptr, documents

    @classmethod
    def build(cls, flat: array, starts: array, lengths: array, vocabulary_size: int) -> "BM25Matrix":
        """From token ids packed as flat[starts[d] : starts[d] + lengths[d]] for each document d."""
        flat_view = np.frombuffer(flat, dtype=np.uint32) if len(flat) else np.empty(0, dtype=np.uint32)
        starts_view = np.frombuffer(starts, dtype=np.uint64) if len(starts) else np.empty(0, dtype=np.uint64)
        lengths_view = np.frombuffer(lengths, dtype=np.uint32) if len(lengths) else np.empty(0, dtype=np.uint32)
        documents = len(starts_view)
        chunks = [(i, min(i + CHUNK_DOCUMENTS, documents)) for i in range(0, documents, CHUNK_DOCUMENTS)]
        frequency = np.zeros(vocabulary_size, dtype=np.int64)  # documents holding each token
        for first, last in chunks:
            tokens, _documents, _tf = _postings(flat_view, starts_view, lengths_view, first, last)
            frequency += np.bincount(tokens, minlength=vocabulary_size)
        indptr = np.zeros(vocabulary_size + 1, dtype=np.int64)
        np.cumsum(frequency, out=indptr[1:])
        indices = np.empty(int(indptr[-1]), dtype=np.int32)
        data = np.empty(int(indptr[-1]), dtype=np.float32)
        idf = np.log1p((documents - frequency + 0.5) / (frequency + 0.5))
        average_length = float(lengths_view.sum()) / documents if documents else 1.0
        cursor = indptr[:-1].copy()
        for first, last in chunks:
            tokens, docs, tf = _postings(flat_view, starts_view, lengths_view, first, last)
            if not len(tokens):
                continue
            group_starts = np.flatnonzero(np.concatenate(([True], tokens[1:] != tokens[:-1])))
            group_sizes = np.diff(np.append(group_starts, len(tokens)))
            rank = np.arange(len(tokens)) - np.repeat(group_starts, group_sizes)
            slots = cursor[tokens] + rank
            length_norm = K1 * ((1 - B) + B * lengths_view[docs].astype(np.float64) / average_length)
            indices[slots] = docs
            data[slots] = idf[tokens] * tf / (length_norm + tf)
            cursor[tokens[group_starts]] += group_sizes
        del flat_view, starts_view, lengths_view  # release the buffers so the arrays can grow again
        return cls(data, indices, indptr, documents)

    def frequency(self, token: int) -> int:
        """How many documents hold the token."""
        return int(self.indptr[token + 1] - self.indptr[token])

    def postings(self, token: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.indptr[token], self.indptr[token + 1]
        return self.indices[start:end], self.data[start:end]

    def scores(self, tokens) -> np.ndarray:
        """The BM25 score of every document for the query tokens (each counted once, as bm25s does)."""
        totals = np.zeros(self.documents, dtype=np.float32)
        for token in set(tokens):
            if 0 <= token < len(self.indptr) - 1:
                indices, data = self.postings(token)
                totals[indices] += data  # a token occurs once per document in its postings
        return totals
