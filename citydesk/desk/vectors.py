"""The semantic channel of the desk's ClaimIndex in PostgreSQL: claim vectors in `ClaimEmbedding`
(pgvector, HNSW, cosine), shared by every web process and worker on every host.

ClaimIndex keys its vector store by its own positions; this store translates them to claim ids
through the index it is attached to, and ignores claims this process has not indexed yet (its
lexical side syncs them on the next search).
"""

import time
from collections import OrderedDict
from types import SimpleNamespace

import numpy as np
from pgvector.django import CosineDistance

from .models import ClaimEmbedding

CACHE = 4096  # vectors kept for the re-ranking that follows each search
COUNT_SECONDS = 60  # how long the row count is trusted (other processes add rows too)


class PgVectorStore:
    def __init__(self):
        self._index = None
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._count, self._counted_at = 0, float("-inf")

    def attach(self, index) -> None:
        self._index = index

    def _remember(self, claim_id: int, vector) -> None:
        self._cache[claim_id] = np.asarray(vector, dtype=np.float32)
        self._cache.move_to_end(claim_id)
        while len(self._cache) > CACHE:
            self._cache.popitem(last=False)

    def add(self, keys, vectors) -> None:
        rows = []
        for position, vector in zip(keys, vectors, strict=True):
            claim_id = self._index.claim_id(int(position))
            rows.append(ClaimEmbedding(claim_id=claim_id, vector=np.asarray(vector, dtype=np.float32)))
            self._remember(claim_id, vector)
        ClaimEmbedding.objects.bulk_create(
            rows, batch_size=500, update_conflicts=True, unique_fields=["claim"], update_fields=["vector"]
        )
        # Counted again within COUNT_SECONDS; meanwhile the rows just added (or replaced) are enough: the
        # count only says whether to search and how many rows a search may return.
        if self._count:
            self._count += len(rows)

    def remove(self, key) -> None:
        # A re-worded claim is added again right after; the upsert in add() replaces its vector.
        self._cache.pop(self._index.claim_id(int(key)), None)

    def search(self, vector, count: int):
        rows = (
            ClaimEmbedding.objects.annotate(distance=CosineDistance("vector", np.asarray(vector, dtype=np.float32)))
            .order_by("distance")
            .values_list("claim_id", "vector")[:count]
        )
        positions = []
        for claim_id, stored in rows:
            position = self._index.position(claim_id)
            if position is not None:
                positions.append(position)
                self._remember(claim_id, stored)
        return SimpleNamespace(keys=np.asarray(positions, dtype=np.uint64))

    def get(self, key):
        claim_id = self._index.claim_id(int(key))
        if claim_id not in self._cache:
            stored = ClaimEmbedding.objects.filter(claim_id=claim_id).values_list("vector", flat=True).first()
            if stored is None:
                return None
            self._remember(claim_id, stored)
        return self._cache[claim_id]

    def found(self, claim_ids: list[int]) -> dict[int, np.ndarray]:
        """The vectors already in the database for these claims (a new process does not re-embed what
        another one stored; the desk's matcher encodes only the rest)."""
        rows = ClaimEmbedding.objects.filter(claim_id__in=claim_ids).values_list("claim_id", "vector")
        return {claim_id: np.asarray(vector, dtype=np.float32) for claim_id, vector in rows}

    def __len__(self) -> int:
        # Asked on every semantic search; a COUNT(*) each time is wasted at millions of rows.
        if not self._count or time.monotonic() - self._counted_at > COUNT_SECONDS:
            self._count, self._counted_at = ClaimEmbedding.objects.count(), time.monotonic()
        return self._count

    def save(self, path) -> None:
        """Nothing to write: the database is the store."""

    def load(self, path) -> None:
        """Nothing to read: the database is the store."""
