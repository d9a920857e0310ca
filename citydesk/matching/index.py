"""ClaimIndex: hybrid retrieval of stored claims (lexical BM25 + semantic e5), fused by reciprocal rank."""

import gzip
import hashlib
import json
import math
from array import array
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from pyvi import ViTokenizer
from usearch.index import Index

from . import decision
from .bm25 import BM25Matrix
from .encoder import DIM, embed
from .normalize import Normalized, fold, normalize
from .restore import Restorer

RRF_K = 60
CANDIDATES = 50
RERANK = 10
RESTORE_LEARN = 200_000  # the restorer learns from this many stored claims (its counts level off long before)
EXACT_BELOW = 50_000  # below this many vectors the semantic channel compares every one (HNSW is approximate)


def fingerprint(normalized: Normalized) -> int:
    """A 64-bit hash of the folded words: equal for texts that differ only in marks, case and spacing."""
    words = " ".join(normalized.folded.split())
    return int.from_bytes(hashlib.blake2b(words.encode(), digest_size=8).digest(), "big")


def lexical_tokens(normalized: Normalized) -> list[str]:
    """Folded syllables, numbers, URLs and phones, plus the folded compound words pyvi finds."""
    tokens = normalized.tokens
    if normalized.has_diacritics:
        # Word segmentation only works on text with marks; compounds join the syllables, never replace them.
        tokens += [fold(word) for word in ViTokenizer.tokenize(normalized.text).split() if "_" in word]
    return tokens


class _Packed:
    """Many small sequences in one flat buffer: no per-item object overhead (1 M claims in < 2 GB)."""

    def __init__(self, typecode: str):
        self.flat = array(typecode)
        self.start = array("Q")
        self.length = array("I")

    def append(self, items) -> None:
        self.start.append(len(self.flat))
        self.length.append(len(items))
        self.flat.extend(items)

    def replace(self, position: int, items) -> None:
        self.start[position] = len(self.flat)  # the old slice stays behind, unused
        self.length[position] = len(items)
        self.flat.extend(items)

    def __len__(self) -> int:
        return len(self.start)

    def __getitem__(self, position: int):
        start = self.start[position]
        return self.flat[start : start + self.length[position]]

    def __iter__(self):
        return (self[position] for position in range(len(self)))


class _Texts(_Packed):
    """Normalised texts, stored as UTF-8 in one buffer."""

    def __init__(self):
        super().__init__("B")

    def add(self, text: str, position: int | None = None) -> None:
        data = text.encode()
        if position is None:
            self.append(data)
        else:
            self.replace(position, data)

    def text(self, position: int) -> str:
        return self[position].tobytes().decode()


class _Lookup:
    """Keys to positions for a million claims: sorted numpy arrays (12 bytes a key) plus a dict of the
    keys added since the last merge. A Python dict of ints costs about 100 bytes a key.
    Integer keys in [0, 2**64) go to the arrays; any other key stays in the dict."""

    def __init__(self):
        self._keys = np.empty(0, dtype=np.uint64)
        self._values = np.empty(0, dtype=np.uint32)
        self._recent: dict = {}
        self._pending = 0  # packable keys waiting in the dict

    @staticmethod
    def _packable(key) -> bool:
        return isinstance(key, int) and not isinstance(key, bool) and 0 <= key < 2**64

    def get(self, key, default=None):
        if key in self._recent:
            return self._recent[key]
        if self._packable(key) and len(self._keys):
            i = int(np.searchsorted(self._keys, np.uint64(key)))
            if i < len(self._keys) and int(self._keys[i]) == key:
                return int(self._values[i])
        return default

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key) -> int:
        position = self.get(key)
        if position is None:
            raise KeyError(key)
        return position

    def __setitem__(self, key, position: int) -> None:
        if self._packable(key) and key not in self._recent:
            self._pending += 1
        self._recent[key] = position
        if self._pending > max(50_000, len(self._keys) // 4):
            self._merge()

    def _merge(self) -> None:
        packable = [(key, value) for key, value in self._recent.items() if self._packable(key)]
        if not packable:
            self._pending = 0
            return
        keys = np.concatenate([self._keys, np.fromiter((k for k, _v in packable), np.uint64, len(packable))])
        values = np.concatenate([self._values, np.fromiter((v for _k, v in packable), np.uint32, len(packable))])
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], values[order]
        last = np.append(keys[1:] != keys[:-1], True)  # a key set again keeps its newest position
        self._keys, self._values = keys[last], values[last]
        self._recent = {key: value for key, value in self._recent.items() if not self._packable(key)}
        self._pending = 0


class ClaimIndex:
    """Stored claims, searchable by any new report. In memory; save(path) / ClaimIndex.load(path).

    Not for adding and searching from two threads at once (a search reads buffers that additions
    grow); the desk's matcher holds one lock for both."""

    def __init__(
        self,
        *,
        semantic: bool = True,
        embedder: Callable[[list[str]], np.ndarray] = embed,
        vector_dtype: str = "f16",
        vector_store=None,
    ):
        """vector_store replaces the in-process HNSW index (usearch) for the semantic channel: any object
        with usearch's add(keys, vectors) / remove(key) / search(vector, count).keys / get(key) /
        __len__ / save(path) / load(path), keyed by this index's positions. If it has attach(index),
        that is called first, so it can translate positions to claim ids (the desk's pgvector store)."""
        self.semantic = semantic
        self._embed = embedder
        self._ids = array("q")  # claim ids; a list once an id is not a 64-bit integer
        self._position = _Lookup()
        # Normalised texts and their token ids, packed (memory: 1 M claims fit in < 2 GB).
        self._texts = _Texts()
        self._token_ids = _Packed("I")
        self._vocabulary: dict[str, int] = {"": 0}
        self._bm25: BM25Matrix | None = None
        # Copy-paste forwards: the same text after normalisation is found by its fingerprint at once.
        self._fingerprints = _Lookup()
        # Text typed without marks gets them back from the stored claims' wording before e5 reads it.
        self._restorer = Restorer()
        self._last_query: tuple[str, np.ndarray] | None = None  # search then same_claim embed once
        self._vectors = vector_store if vector_store is not None else Index(ndim=DIM, metric="cos", dtype=vector_dtype)
        if hasattr(self._vectors, "attach"):
            self._vectors.attach(self)

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, claim_id, text: str) -> None:
        """Store (or replace) one claim."""
        self.add_many([(claim_id, text)])

    def add_many(self, items: Iterable[tuple], *, vectors: np.ndarray | None = None, batch_size: int = 256) -> None:
        """Store many (claim_id, text) pairs; vectors may be given when they were computed before."""
        items = list(items)
        normalized = [normalize(text) for _claim_id, text in items]
        positions = []
        for (claim_id, _text), norm in zip(items, normalized, strict=True):
            token_ids = self._to_ids(lexical_tokens(norm))
            if claim_id in self._position:
                position = self._position[claim_id]
                self._texts.add(norm.text, position)
                self._token_ids.replace(position, token_ids)
                if self.semantic:
                    self._vectors.remove(position)
            else:
                position = len(self._ids)
                self._position[claim_id] = position
                self._append_id(claim_id)
                self._texts.add(norm.text)
                self._token_ids.append(token_ids)
            positions.append(position)
            self._fingerprints[fingerprint(norm)] = position
            self._learn(norm)
        self._bm25 = None  # rebuilt on the next search
        if self.semantic and positions:
            if vectors is None:
                vectors = np.vstack(
                    [
                        self._embed([n.text for n in normalized[i : i + batch_size]])
                        for i in range(0, len(items), batch_size)
                    ]
                )
            self._vectors.add(np.asarray(positions, dtype=np.uint64), np.asarray(vectors, dtype=np.float32))

    def _learn(self, normalized: Normalized) -> None:
        if self.semantic and normalized.has_diacritics and self._restorer.texts < RESTORE_LEARN:
            self._restorer.learn(normalized.text)

    def restored(self, normalized: Normalized) -> Normalized:
        """A query typed without marks, with the marks the stored claims' wording suggests (the folded
        form stays, so the lexical channel sees the same words)."""
        return self._restorer.restore_normalized(normalized) if self.semantic else normalized

    def _append_id(self, claim_id) -> None:
        if isinstance(self._ids, array) and not (isinstance(claim_id, int) and -(2**63) <= claim_id < 2**63):
            self._ids = list(self._ids)
        self._ids.append(claim_id)

    def _to_ids(self, tokens: list[str]) -> array:
        vocabulary = self._vocabulary
        return array("I", [vocabulary.setdefault(token, len(vocabulary)) for token in tokens] or [0])

    def _lexical(self) -> BM25Matrix:
        if self._bm25 is None:
            packed = self._token_ids
            self._bm25 = BM25Matrix.build(packed.flat, packed.start, packed.length, len(self._vocabulary))
        return self._bm25

    def _lexical_ranking(self, normalized: Normalized, limit: int) -> list[int]:
        if not self._ids:
            return []
        matrix = self._lexical()
        ids = {self._vocabulary[token] for token in lexical_tokens(normalized) if token in self._vocabulary}
        spans = [(matrix.indptr[t], matrix.indptr[t + 1]) for t in ids if t + 1 < len(matrix.indptr)]
        spans = [(start, end) for start, end in spans if end > start]
        if not spans:
            return []
        if sum(end - start for start, end in spans) > len(self._ids) // 8:
            # Common words: add their columns into one score per claim, then pick the best.
            totals = matrix.scores(ids)
            candidates = np.argpartition(-totals, limit - 1)[:limit] if len(totals) > limit else np.arange(len(totals))
        else:
            # Rare words: sum the contributions over the claims that hold them only; the cost follows
            # the postings, not the index size.
            documents = np.concatenate([matrix.indices[start:end] for start, end in spans])
            contributions = np.concatenate([matrix.data[start:end] for start, end in spans])
            totals = np.bincount(documents, weights=contributions, minlength=len(self._ids))
            touched = totals[documents]  # a claim holding several query words appears several times
            pool = min(len(touched), limit * len(spans))  # enough to hold the best `limit` claims
            picked = np.argpartition(-touched, pool - 1)[:pool] if len(touched) > pool else np.arange(len(touched))
            candidates = documents[picked]
        ranked = sorted({int(doc) for doc in candidates}, key=lambda doc: (-totals[doc], doc))
        return [doc for doc in ranked[:limit] if totals[doc] > 0]

    def _semantic_ranking(self, vector: np.ndarray | None, limit: int) -> list[int]:
        size = len(self._vectors) if vector is not None else 0
        if not size:
            return []
        vector = np.asarray(vector, dtype=np.float32)
        if isinstance(self._vectors, Index) and size < EXACT_BELOW:
            matches = self._vectors.search(vector, count=min(limit, size), exact=True)
        else:
            matches = self._vectors.search(vector, count=min(limit, size))
        return [int(key) for key in matches.keys]

    def _query_vector(self, normalized: Normalized, vector: np.ndarray | None) -> np.ndarray | None:
        # e5 collapses on text typed without marks (R@1 0.98 → 0.35): unless the restorer put them back
        # (restored), the lexical channel decides alone.
        if not self.semantic or not normalized.has_diacritics:
            return None
        if vector is not None:  # computed before: judge() and recent_vector() reuse it as an encoded one
            vector = np.asarray(vector, dtype=np.float32)
            self._last_query = (normalized.text, vector)
            return vector
        last = self._last_query  # one read: other threads may search meanwhile
        if last is None or last[0] != normalized.text:
            last = self._last_query = (normalized.text, self._embed([normalized.text])[0])
        return last[1]

    def recent_vector(self, normalized_text: str) -> np.ndarray | None:
        """The vector of the last query if its normalised text is this one (a claim just opened from a
        tip has the tip's text: the caller need not encode it again), else None."""
        last = self._last_query
        return last[1] if last is not None and last[0] == normalized_text else None

    def search(self, text: str, k: int = 10, *, vector: np.ndarray | None = None, rerank: bool = True) -> list[tuple]:
        """The k stored claims most like text, best first, each with the probability it is the same claim.

        Candidates come from both channels fused by reciprocal rank; the best of them are then
        re-ranked by the same-claim model (with rerank=False, the score is the fused rank score).
        """
        normalized = self.restored(normalize(text))
        exact = self._fingerprints.get(fingerprint(normalized))
        if (
            exact is not None
            and self._texts.text(exact) != normalized.text
            and fold(self._texts.text(exact)) != normalized.folded
        ):
            exact = None  # the stored text was replaced since
        query_vector = self._query_vector(normalized, vector)
        channels = [self._lexical_ranking(normalized, CANDIDATES), self._semantic_ranking(query_vector, CANDIDATES)]
        used = [ranking for ranking in channels if ranking]
        if not used:
            return []
        fused: dict[int, float] = {}
        for ranking in used:
            for rank, position in enumerate(ranking):
                fused[position] = fused.get(position, 0.0) + 1.0 / (RRF_K + rank + 1)
        ordered = sorted(fused.items(), key=lambda item: -item[1])[: max(k, RERANK)]
        if not rerank:
            best = len(used) / (RRF_K + 1)
            return [(self._ids[position], round(score / best, 6)) for position, score in ordered[:k]]
        scored = [
            (position, 1.0 if position == exact else self._probability(normalized, query_vector, position))
            for position, _ in ordered
        ]
        if exact is not None and all(position != exact for position, _ in ordered):
            scored.append((exact, 1.0))
        scored.sort(key=lambda item: -item[1])
        return [(self._ids[position], round(p, 6)) for position, p in scored[:k]]

    def _features(self, query: Normalized, query_vector: np.ndarray | None, position: int) -> list[float]:
        stored = Normalized.from_canonical(self._texts.text(position))
        cosine = None
        if query_vector is not None and self.semantic and stored.has_diacritics:
            cosine = float(np.dot(query_vector, np.asarray(self._vectors.get(position), dtype=np.float32)))
        return decision.features(query, stored, cosine, self.idf)

    def _probability(self, query: Normalized, query_vector: np.ndarray | None, position: int) -> float:
        return decision.probability(self._features(query, query_vector, position))

    def same_claim(self, text: str, claim_id) -> tuple[bool, float]:
        """same_claim(text, the stored claim's text), decided as search scores it: with the claim's
        stored vector (no second embedding), marks put back on a bare text, and words weighed by how
        rare they are among the stored claims. KeyError if the claim is not stored."""
        judgement = self.judge(text, claim_id)
        return judgement.same, judgement.confidence

    def judge(self, text: str, claim_id) -> "decision.Judgement":
        """The full decision on text against a stored claim, with what matched and what differs
        (decision.judge_pair, the same path as the lone pair's same_claim)."""
        position = self._position[claim_id]
        query = self.restored(normalize(text))
        stored = Normalized.from_canonical(self._texts.text(position))
        query_vector = self._query_vector(query, None)
        cosine = None
        if query_vector is not None and self.semantic and stored.has_diacritics:
            cosine = float(np.dot(query_vector, np.asarray(self._vectors.get(position), dtype=np.float32)))
        span, condition = (self._span_cosine, self._condition) if self.semantic else (None, None)
        return decision.judge_pair(query, stored, cosine, self.idf, span_cosine=span, condition=condition)

    def _span_cosine(self, lost: list[str], gained: list[str]) -> float:
        vectors = self._embed([" ".join(lost), " ".join(gained)])
        return float(np.dot(vectors[0], vectors[1]))

    def _condition(self, span: str) -> float:
        return decision.condition_from_vector(self._embed([decision.condition_text(span)])[0])

    def idf(self, token: str) -> float:
        """How rare a folded word is among the stored claims (BM25's idf; a word never stored is rarest)."""
        matrix = self._lexical()
        token_id = self._vocabulary.get(token)
        frequency = 0 if token_id is None or token_id + 1 >= len(matrix.indptr) else matrix.frequency(token_id)
        return math.log1p((matrix.documents - frequency + 0.5) / (frequency + 0.5))

    @property
    def vector_store(self):
        """Where the semantic channel's vectors live (in process unless a store was given)."""
        return self._vectors

    def claim_id(self, position: int):
        """The claim id stored at a position (for vector stores keyed by claim)."""
        return self._ids[position]

    def position(self, claim_id) -> int | None:
        """The position of a claim id, or None if this index does not hold it."""
        return self._position.get(claim_id)

    def text(self, claim_id) -> str:
        """The stored claim's normalised text."""
        return self._texts.text(self._position[claim_id])

    def save(self, path) -> None:
        """Write the index to the folder path (created if needed)."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        texts = [self._texts.text(position) for position in range(len(self._ids))]
        meta = {"semantic": self.semantic, "ids": list(self._ids), "texts": texts}
        with gzip.open(folder / "claims.json.gz", "wt", encoding="utf-8") as handle:
            json.dump(meta, handle, ensure_ascii=False)
        if self.semantic:
            self._vectors.save(str(folder / "vectors.usearch"))

    @classmethod
    def load(cls, path) -> "ClaimIndex":
        """Read an index written by save()."""
        folder = Path(path)
        with gzip.open(folder / "claims.json.gz", "rt", encoding="utf-8") as handle:
            meta = json.load(handle)
        index = cls(semantic=meta["semantic"])
        for position, (claim_id, text) in enumerate(zip(meta["ids"], meta["texts"], strict=True)):
            index._append_id(claim_id)
            index._position[claim_id] = position
            index._texts.add(text)
            normalized = normalize(text)
            index._token_ids.append(index._to_ids(lexical_tokens(normalized)))
            index._fingerprints[fingerprint(normalized)] = position
            index._learn(normalized)
        if index.semantic:
            index._vectors.load(str(folder / "vectors.usearch"))
        return index
