"""Claim matching at scale: build an index of N stored claims, then time single and batch matching.

    python bench/matching_scale.py --n 1000000

Stored claims are synthetic but made of real Vietnamese: each joins two clauses cut from different
vnPara sentences (dev and test, no labels used) and gets a random number and place, so the
vocabulary and sentence shapes are those of Vietnamese news. e5 cannot embed 1 M texts here in
reasonable time (~50 texts/s: about 6 hours), so the vector channel stores vectors derived from real
e5 vectors of the source sentences (mixed with noise, re-normalised) and says so in its output;
queries are real paraphrases, embedded by e5 as in production. Prints `name: value` lines.
"""

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from citydesk.matching.encoder import embed
from citydesk.matching.index import ClaimIndex
from citydesk.matching.normalize import normalize
from citydesk.matching.places import PLACES

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "vnpara"


def sentences() -> list[str]:
    rows = [json.loads(line) for split in ("dev", "test") for line in (DATA / f"{split}.jsonl").open(encoding="utf-8")]
    return list(dict.fromkeys(text for row in rows for text in (row["sentence1"], row["sentence2"])))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--base", type=int, default=1500, help="real sentences embedded by e5 as vector sources")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    source = sentences()
    words = [text.split() for text in source]

    started = time.perf_counter()
    base = source[: args.base]
    base_vectors = embed([normalize(text).text for text in base])
    print(f"e5_base_sentences: {len(base)}")
    print(f"e5_base_embed_s: {time.perf_counter() - started:.1f}")

    def synthetic(i: int) -> tuple[str, int]:
        a, b = rng.randrange(len(base)), rng.randrange(len(words))
        left, right = words[a], words[b]
        text = " ".join(left[: max(3, len(left) // 2)] + right[len(right) // 2 :])
        return f"{text} {rng.randint(1, 500)} {rng.choice(PLACES)}", a

    noise = np.random.default_rng(args.seed)
    index = ClaimIndex(vector_dtype="i8")
    started = time.perf_counter()
    chunk = 50_000
    for start in range(0, args.n, chunk):
        batch = [synthetic(i) for i in range(start, min(args.n, start + chunk))]
        vectors = base_vectors[[a for _text, a in batch]] + noise.normal(0, 0.02, (len(batch), base_vectors.shape[1]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index.add_many(((start + i, text) for i, (text, _a) in enumerate(batch)), vectors=vectors.astype(np.float32))
    # The real claims the queries look for, with their real e5 vectors.
    targets = list(range(args.n, args.n + len(base)))
    index.add_many(zip(targets, base, strict=True), vectors=base_vectors)
    rss_before_lexical = rss_mb()
    index.search("khởi động", k=1)  # builds the lexical channel
    rss_after_lexical = rss_mb()
    build_s = time.perf_counter() - started
    print(f"stored_claims: {len(index)}")
    print("vector_channel: synthetic vectors from real e5 vectors (1 M cannot be embedded here)")
    print(f"build_s: {build_s:.1f}")
    print(f"rss_before_lexical_mb: {rss_before_lexical:.0f}")
    print(f"rss_after_lexical_mb: {rss_after_lexical:.0f}")

    # Queries: real paraphrase-like rewrites of stored claims (the second half of the sentence dropped).
    picks = [rng.randrange(len(base)) for _ in range(args.queries)]
    queries = [" ".join(base[i].split()[: max(6, len(base[i].split()) * 2 // 3)]) for i in picks]
    latencies, hits = [], 0
    for query, target in zip(queries, picks, strict=True):
        t = time.perf_counter()
        results = index.search(query, k=10)
        latencies.append((time.perf_counter() - t) * 1000)
        hits += bool(results) and results[0][0] == args.n + target
    latencies.sort()
    print(f"p50_ms: {latencies[len(latencies) // 2]:.1f}")
    print(f"p99_ms: {latencies[int(len(latencies) * 0.99) - 1]:.1f}")
    print(f"query_r1: {hits / len(queries):.3f}")

    t = time.perf_counter()
    vectors = embed([normalize(q).text for q in queries])
    for query, vector in zip(queries, vectors, strict=True):
        index.search(query, k=10, vector=vector)
    print(f"reports_per_s: {len(queries) / (time.perf_counter() - t):.1f}")
    print(f"rss_mb: {rss_mb():.0f}")


if __name__ == "__main__":
    main()
