"""Claim matching on vnPara: the same-claim decision and retrieval, against a TF-IDF baseline.

    python bench/matching_eval.py          # report on the test split (weights from the package)
    python bench/matching_eval.py --fit    # fit the decision on the dev split, write its weights, then report
    python bench/matching_eval.py --split dev   # the same figures on the dev split (for tuning)
    python bench/matching_eval.py --misses      # also print each missed retrieval query (stderr)
    python bench/matching_eval.py --fit-difference   # fit the decision's second stage (dev + swaps)
    python bench/matching_eval.py --quick       # decision and slot swaps only, fewer swaps (iterating)

Slot swaps (bench/slot_swaps.py, from vnPara dev and our own templates, never test): per family the
rate of pairs with one key slot changed that are judged the same claim, and the rate of true copies
still judged the same, for the decision, the first stage alone (the model before issue 19) and the
TF-IDF baseline.

Retrieval: every sentence1 of the split is stored; each paraphrase pair's sentence2 is the query, in
three forms (as written, without diacritics, in teencode). Texts equal after normalisation count as
one text: a query whose partners are stored twice (or who has two partners) is a hit if any comes
first, and a query that is itself stored (as another pair's sentence1) is not counted as finding
itself. Prints `name: value` lines.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import binomtest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import slot_swaps
from bench.variants import no_diacritics, teencode
from citydesk.matching import decision, slots
from citydesk.matching.encoder import embed
from citydesk.matching.index import ClaimIndex, fingerprint
from citydesk.matching.normalize import normalize

DATA = Path(
    os.environ.get("VNPARA_DIR") or Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "vnpara"
)


def load(split: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]


class Vectors:
    """e5 vectors of normalised texts, computed once per run (and kept in --cache if given)."""

    def __init__(self, cache_file: str | None = None):
        self.cache: dict[str, np.ndarray] = {}
        self.cache_file = cache_file
        if cache_file and Path(cache_file).exists():
            stored = np.load(cache_file, allow_pickle=False)
            self.cache = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))

    def save(self) -> None:
        if self.cache_file:
            np.savez(self.cache_file, texts=np.asarray(list(self.cache)), vectors=np.vstack(list(self.cache.values())))

    def __call__(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        missing = [text for text in dict.fromkeys(texts) if text not in self.cache]
        if missing:
            for text, vector in zip(missing, embed(missing), strict=True):
                self.cache[text] = vector
        return np.vstack([self.cache[text] for text in texts])


def index_for(rows: list[dict], vectors: Vectors) -> ClaimIndex:
    """A ClaimIndex holding every sentence1 of the split: how it reads a query (marks put back on a
    bare one) and how it weighs words (idf) are what the decision is fitted with."""
    index = ClaimIndex(embedder=vectors)
    index.add_many(enumerate(dict.fromkeys(r["sentence1"] for r in rows)))
    return index


def pair_features(rows: list[dict], vectors: Vectors, transform=str, index: ClaimIndex | None = None) -> np.ndarray:
    """The decision's features of each pair: on its own, or with the second sentence read as the
    index reads a query and words weighed by the index's idf."""
    normalized = [(normalize(r["sentence1"]), normalize(transform(r["sentence2"]))) for r in rows]
    if index is not None:
        normalized = [(a, index.restored(b)) for a, b in normalized]
    vectors([n.text or " " for pair in normalized for n in pair if n.has_diacritics])
    out = []
    for a, b in normalized:
        cosine = None
        if a.has_diacritics and b.has_diacritics:
            cosine = float(np.dot(vectors([a.text or " "])[0], vectors([b.text or " "])[0]))
        out.append(decision.features(a, b, cosine, index.idf if index is not None else None))
    return np.asarray(out)


def fit(dev: list[dict], vectors: Vectors) -> None:
    # same_claim on a lone pair: as written, and with the second sentence typed without marks (e5 off);
    # in the index: as written with the stored claims' idf, and typed without marks but given its marks
    # back by the index's restorer.
    index = index_for(dev, vectors)
    x = np.vstack(
        [
            pair_features(dev, vectors),
            pair_features(dev, vectors, no_diacritics),
            pair_features(dev, vectors, index=index),
            pair_features(dev, vectors, no_diacritics, index=index),
        ]
    )
    y = np.asarray([r["paraphrase"] for r in dev] * 4)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    weights = {
        "features": decision.FEATURES,
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "threshold": 0.5,
        "fitted_on": "vnPara dev split",
    }
    decision._WEIGHTS.write_text(json.dumps(weights, indent=1), encoding="utf-8")
    decision._model.cache_clear()
    # Threshold: the one that maximises accuracy on dev, hard rules included.
    x, y = x[: len(dev)], y[: len(dev)]
    probabilities = [decision.probability(list(row)) for row in x]
    best = max(
        np.arange(0.2, 0.81, 0.01),
        key=lambda t: accuracy_score(y, [_decide(row, p, t) for row, p in zip(x, probabilities, strict=True)]),
    )
    weights["threshold"] = round(float(best), 2)
    decision._WEIGHTS.write_text(json.dumps(weights, indent=1), encoding="utf-8")
    decision._model.cache_clear()


def _decide(row, p: float, threshold: float) -> bool:
    if any(row[decision.FEATURES.index(name)] for name in decision.HARD_NO):
        return False
    return p >= threshold


def judgements(pairs: list[tuple[str, str]], vectors: Vectors) -> list[decision.Judgement]:
    """The decision on each (stored, tip) pair as same_claim makes it on a lone pair (marks put back on
    a bare side from the other side), with e5 vectors from the run's cache."""
    normalized = [decision.restore_pair(normalize(a), normalize(b)) for a, b in pairs]
    vectors([n.text or " " for pair in normalized for n in pair if n.has_diacritics])
    # The words one text has in place of the other's, embedded in one batch (not one pair at a time).
    spans = []
    for a, b in normalized:
        if a.has_diacritics and b.has_diacritics:
            difference = slots.compare(a, b)
            for lost, gained in [(difference.content_a, difference.content_b), *difference.replacements]:
                if lost and gained:
                    spans += [" ".join(lost), " ".join(gained)]
            if difference.condition_check:
                spans += [decision.condition_text(side[0]) for side in difference.differ["wording"]]
    vectors(spans)

    def span_cosine(lost, gained):
        both = vectors([" ".join(lost), " ".join(gained)])
        return float(np.dot(both[0], both[1]))

    def condition(span):
        return decision.condition_from_vector(vectors([decision.condition_text(span)])[0])

    out = []
    for a, b in normalized:
        cosine = None
        if a.has_diacritics and b.has_diacritics:
            cosine = float(np.dot(vectors([a.text or " "])[0], vectors([b.text or " "])[0]))
        out.append(decision.judge_pair(a, b, cosine, span_cosine=span_cosine, condition=condition))
    return out


def old_decisions(pairs: list[tuple[str, str]], vectors: Vectors) -> tuple[list[bool], list[bool]]:
    """The first stage alone with its hard rules (numbers, negation flip, place gazetteer): the
    decision before issue 19, on the pair as written (no marks put back). Returns (same, sure): before
    issue 19 a citizen got the verdict when the pair was the same claim at probability >= 0.9 (the
    join threshold), which is what "sure" is for the old model."""
    rows = [{"sentence1": a, "sentence2": b} for a, b in pairs]
    same, sure = [], []
    for row in pair_features(rows, vectors):
        p = decision.probability(list(row))
        decided = decision.decide(list(row), p)
        same.append(decided)
        sure.append(decided and p >= decision.SURE)
    return same, sure


def decision_scores(rows: list[dict], vectors: Vectors, transform=str) -> tuple[float, float]:
    y = [r["paraphrase"] for r in rows]
    predicted = [j.same for j in judgements([(r["sentence1"], transform(r["sentence2"])) for r in rows], vectors)]
    return accuracy_score(y, predicted), f1_score(y, predicted)


def _difference_rows(pairs, vectors):
    judged = judgements(pairs, vectors)
    normalized = [decision.restore_pair(normalize(a), normalize(b)) for a, b in pairs]

    def span_cosine(lost, gained):
        both = vectors([" ".join(lost), " ".join(gained)])
        return float(np.dot(both[0], both[1]))

    rows, hard = [], []
    for (a, b), judgement in zip(normalized, judged, strict=True):
        cosine = None
        if a.has_diacritics and b.has_diacritics:
            cosine = float(np.dot(vectors([a.text or " "])[0], vectors([b.text or " "])[0]))
        values = decision.features(a, b, cosine)
        p = decision.probability(values)
        span = span_cosine if a.has_diacritics and b.has_diacritics else None
        rows.append(decision.difference_features(p, judgement.difference, span))
        hard.append(
            judgement.difference.key_slot_differs
            or any(values[decision.FEATURES.index(name)] for name in decision.HARD_NO)
        )
    return np.asarray(rows), np.asarray(hard)


def fit_difference(dev: list[dict], vectors: Vectors, per_family: int) -> None:
    """Fit the second stage on vnPara dev pairs (as written and one side without marks), slot swaps
    and true copies from the fit half of every list and the even dev sentences, and content words
    replaced by unrelated ones."""
    made = slot_swaps.build(dev, "fit", per_family)
    pairs, labels = [], []
    for r in dev:
        pairs += [(r["sentence1"], r["sentence2"]), (r["sentence1"], no_diacritics(r["sentence2"]))]
        labels += [r["paraphrase"]] * 2
    for family, made_pairs in made.items():
        pairs += made_pairs
        labels += [1 if family.startswith("copy_") else 0] * len(made_pairs)
    generic = slot_swaps.content_swaps(dev, per_family * 2)
    pairs += generic
    labels += [0] * len(generic)
    x, hard = _difference_rows(pairs, vectors)
    y = np.asarray(labels)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit((x - mean) / scale, y)
    weights = {
        "features": decision.DIFFERENCE_FEATURES,
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "threshold": 0.5,
        "fitted_on": "vnPara dev pairs, slot swaps and copies from vnPara dev (fit half of every list)",
    }
    probabilities = model.predict_proba((x - mean) / scale)[:, 1]
    n_dev = 2 * len(dev)
    kinds = np.asarray(["dev"] * n_dev + [f for f, v in made.items() for _ in v] + ["generic"] * len(generic))

    def score(t: float) -> float:
        same = (probabilities >= t) & ~hard
        dev_accuracy = float(np.mean(same[:n_dev] == y[:n_dev]))
        swaps = same[(kinds != "dev") & (y == 0)].mean()
        copies = same[(kinds != "dev") & (y == 1)].mean()
        return dev_accuracy + copies - 2 * swaps

    weights["threshold"] = round(float(max(np.arange(0.2, 0.91, 0.01), key=score)), 2)
    decision._DIFFERENCE_WEIGHTS.write_text(json.dumps(weights, indent=1), encoding="utf-8")
    decision._difference_model.cache_clear()


def slot_swap_report(dev: list[dict], vectors: Vectors, per_family: int) -> None:
    """Per family: the share of swapped pairs judged the same claim ("same": the tip would join the
    claim) and judged sure ("sure": the citizen would get the claim's verdict), also with the tip typed
    without marks (`_bare_`); per copy kind: the
    share kept (same) and the share answered at once (sure). Beside them the first stage alone (the
    model before issue 19; sure = same at p >= 0.9) and the TF-IDF baseline (it has no "sure")."""
    made = slot_swaps.build(dev, "eval", per_family)
    vectorizer, threshold = _baseline_decider(dev)
    for family, pairs in made.items():
        if not pairs:
            continue
        judged = judgements(pairs, vectors)
        new_same, new_sure = [j.same for j in judged], [j.sure for j in judged]
        old_same, old_sure = old_decisions(pairs, vectors)
        base = _baseline_same(vectorizer, threshold, pairs)
        kind = "kept" if family.startswith("copy_") else "same"
        name = family if family.startswith("copy_") else f"swap_{family}"
        print(f"{name}_pairs: {len(pairs)}")
        print(f"{name}_{kind}_rate: {np.mean(new_same):.4f}")
        print(f"{name}_sure_rate: {np.mean(new_sure):.4f}")
        print(f"{name}_{kind}_rate_old_model: {np.mean(old_same):.4f}")
        print(f"{name}_sure_rate_old_model: {np.mean(old_sure):.4f}")
        print(f"{name}_{kind}_rate_tfidf_baseline: {np.mean(base):.4f}")
        if not family.startswith("copy_"):
            # The same swaps with the tip typed without marks (marks put back from the stored side).
            bare = judgements([(a, no_diacritics(b)) for a, b in pairs], vectors)
            print(f"{name}_bare_same_rate: {np.mean([j.same for j in bare]):.4f}")
            print(f"{name}_bare_sure_rate: {np.mean([j.sure for j in bare]):.4f}")


WORDS = r"(?u)\b\w+\b"  # keep one-letter syllables


def check_templates_report(vectors: Vectors) -> None:
    """Disease swaps in templates written after the rules were set (slot_swaps.CHECK_DISEASE_TEMPLATES),
    with each half's diseases: how the disease rules hold on sentences they were not shaped on."""
    for part in ("eval", "fit"):
        judged = judgements(slot_swaps.check_disease_swaps(part), vectors)
        print(f"check_templates_disease_{part}_pairs: {len(judged)}")
        print(f"check_templates_disease_{part}_same_rate: {np.mean([j.same for j in judged]):.4f}")
        print(f"check_templates_disease_{part}_sure_rate: {np.mean([j.sure for j in judged]):.4f}")


def long_tip_report(vectors: Vectors, count: int = 40) -> None:
    """A tip that is the opening of an article (a headline-like lead, two sentences of context from
    vnPara dev, then the claim) against the short stored claim: how often it is judged the same claim
    (the verdict could be sent) and how often it at least reaches the desk's suggestion threshold (a
    pointer). Pointer only is acceptable here."""
    rng = np.random.default_rng(19)
    dev = load("dev")
    made = slot_swaps.build(dev, "eval", count)
    claims = [stored for stored, _tip in made["copy_chatter"]][:count]
    context = slot_swaps.sentences(dev, "eval")
    pairs = []
    for claim in claims:
        picked = rng.choice(len(context), 2, replace=False)
        lead = f"THÔNG TIN CẦN BIẾT. {context[picked[0]]} {context[picked[1]]}"
        opening = f"{lead} Theo nguồn tin, {claim[0].lower()}{claim[1:]}."
        pairs.append((claim, opening))
    judged = judgements(pairs, vectors)
    rows = [{"sentence1": a, "sentence2": b} for a, b in pairs]
    first_stage = [decision.probability(list(row)) for row in pair_features(rows, vectors)]
    print(f"long_tip_pairs: {len(pairs)}")
    print(f"long_tip_same_rate: {np.mean([j.same for j in judged]):.4f}")
    print(f"long_tip_pointer_rate: {np.mean([p >= 0.5 for p in first_stage]):.4f}")


def _baseline_decider(dev: list[dict]):
    def folded(text: str) -> str:
        return normalize(text).folded

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), token_pattern=WORDS, sublinear_tf=True)
    vectorizer.fit([folded(r[k]) for r in dev for k in ("sentence1", "sentence2")])
    a = vectorizer.transform([folded(r["sentence1"]) for r in dev])
    b = vectorizer.transform([folded(r["sentence2"]) for r in dev])
    cosines = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    y = [r["paraphrase"] for r in dev]
    threshold = max(np.arange(0.05, 0.95, 0.01), key=lambda t: accuracy_score(y, cosines >= t))
    return vectorizer, threshold


def _baseline_same(vectorizer, threshold, pairs) -> list[bool]:
    a = vectorizer.transform([normalize(x).folded for x, _ in pairs])
    b = vectorizer.transform([normalize(y).folded for _, y in pairs])
    return list(np.asarray(a.multiply(b).sum(axis=1)).ravel() >= threshold)


def retrieval_queries(rows: list[dict]) -> tuple[list[str], list[tuple[str, set[int], set[int]]]]:
    """The stored sentences (every distinct sentence1) and the queries: each distinct sentence2 of a
    paraphrase pair, with the stored positions that count as finding it and those left out of its
    ranking. Texts equal after normalisation (same words, whatever the marks, case, spacing or
    punctuation) are one text, as in the index's fingerprint: a hit is any stored copy of any of the
    query's partners coming first (a few sentence2s are paired with two sentence1s, a few sentence1s
    are stored twice), and a stored copy of the query itself is left out (a few sentence2s are also
    another pair's sentence1)."""
    stored = list(dict.fromkeys(r["sentence1"] for r in rows))
    copies: dict[int, set[int]] = {}
    for position, text in enumerate(stored):
        copies.setdefault(fingerprint(normalize(text)), set()).add(position)

    def same_text(text: str) -> set[int]:
        return copies.get(fingerprint(normalize(text)), set())

    partners: dict[str, set[int]] = {}
    for r in rows:
        if r["paraphrase"] == 1:
            partners.setdefault(r["sentence2"], set()).update(same_text(r["sentence1"]))
    queries = [(query, wanted, same_text(query) - wanted) for query, wanted in partners.items()]
    return stored, queries


def _ranks(ranked: list[list[int]], queries) -> list[int]:
    """The rank of each query's first partner (1 = found first, 0 = not in the list)."""
    ranks = []
    for found, (_query, wanted, excluded) in zip(ranked, queries, strict=True):
        found = [position for position in found if position not in excluded]
        ranks.append(next((i + 1 for i, position in enumerate(found) if position in wanted), 0))
    return ranks


def _r1_mrr(ranks: list[int]) -> tuple[float, float]:
    return sum(rank == 1 for rank in ranks) / len(ranks), sum(1 / rank for rank in ranks if rank) / len(ranks)


FORMS = (("original", str), ("no_diacritics", no_diacritics), ("teencode", teencode))


def retrieval(
    rows: list[dict], vectors: Vectors, misses: bool = False
) -> tuple[dict[str, float], dict[str, list[int]]]:
    """The figures, and each form's ranks query by query (to compare with the baseline's). With misses,
    each query whose partner does not come first is printed with what came first, to be read."""
    stored, queries = retrieval_queries(rows)
    index = ClaimIndex(embedder=vectors)
    index.add_many(enumerate(stored))
    out, ranks = {}, {}
    for form, transform in FORMS:
        ranked = [
            [claim_id for claim_id, _score in index.search(transform(query), k=10 + len(excluded))]
            for query, _wanted, excluded in queries
        ]
        ranks[form] = _ranks(ranked, queries)
        if misses:
            _print_misses(form, transform, stored, queries, ranked, ranks[form])
        r1, mrr = _r1_mrr(ranks[form])
        out[f"retrieval_r1_{form}"] = r1
        if form == "original":
            out["retrieval_mrr_original"] = mrr
    return out, ranks


def _print_misses(form, transform, stored, queries, ranked, ranks) -> None:
    for (query, wanted, excluded), found, rank in zip(queries, ranked, ranks, strict=True):
        if rank == 1:
            continue
        first = next(position for position in found if position not in excluded)
        print(f"miss [{form}] partner at rank {rank or '> 10'}: {transform(query)}", file=sys.stderr)
        print(f"    first:   {stored[first]}", file=sys.stderr)
        print(f"    partner: {stored[min(wanted)]}", file=sys.stderr)


def baseline(dev: list[dict], test: list[dict]) -> tuple[dict[str, float], dict[str, list[int]]]:
    """TF-IDF over folded word 1–2-grams: cosine threshold (tuned on dev) and nearest neighbour."""

    def folded(text: str) -> str:
        return normalize(text).folded

    words = r"(?u)\b\w+\b"  # keep one-letter syllables
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), token_pattern=words, sublinear_tf=True)
    vectorizer.fit([folded(r[k]) for rows in (dev, test) for r in rows for k in ("sentence1", "sentence2")])

    def cosines(rows):
        a = vectorizer.transform([folded(r["sentence1"]) for r in rows])
        b = vectorizer.transform([folded(r["sentence2"]) for r in rows])
        return np.asarray(a.multiply(b).sum(axis=1)).ravel()

    dev_cos, dev_y = cosines(dev), [r["paraphrase"] for r in dev]
    threshold = max(np.arange(0.05, 0.95, 0.01), key=lambda t: accuracy_score(dev_y, dev_cos >= t))
    test_cos, test_y = cosines(test), [r["paraphrase"] for r in test]
    out = {
        "baseline_decision_accuracy": accuracy_score(test_y, test_cos >= threshold),
        "baseline_decision_f1": f1_score(test_y, test_cos >= threshold),
    }
    stored, queries = retrieval_queries(test)
    matrix = vectorizer.transform([folded(text) for text in stored])
    ranks = {}
    for form, transform in FORMS:
        scores = (vectorizer.transform([folded(transform(query)) for query, _w, _e in queries]) @ matrix.T).toarray()
        ranked = [list(np.argsort(-row, kind="stable")) for row in scores]
        ranks[form] = _ranks(ranked, queries)
        r1, mrr = _r1_mrr(ranks[form])
        out[f"baseline_retrieval_r1_{form}"] = r1
        if form == "original":
            out["baseline_retrieval_mrr_original"] = mrr
    return out, ranks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit the decision on the dev split first")
    parser.add_argument("--cache", help="a .npz file to keep e5 vectors between runs")
    parser.add_argument(
        "--split", choices=("test", "dev"), default="test", help="the split to report on (dev while tuning)"
    )
    parser.add_argument(
        "--misses", action="store_true", help="print each missed retrieval query to stderr, to read them"
    )
    parser.add_argument("--fit-difference", action="store_true", help="fit the decision's second stage first")
    parser.add_argument("--quick", action="store_true", help="decision and slot swaps only, 40 swaps a family")
    parser.add_argument("--swaps", type=int, default=150, help="slot swaps per family (eval half)")
    parser.add_argument("--fit-sample", type=int, default=0, help="fit the second stage on this many dev pairs")
    parser.add_argument("--fit-only", action="store_true", help="stop after fitting")
    args = parser.parse_args()
    started = time.perf_counter()
    dev, test = load("dev"), load(args.split)
    vectors = Vectors(args.cache)
    per_family = 40 if args.quick else args.swaps
    if args.fit_difference:
        sample = dev[:: max(1, len(dev) // args.fit_sample)] if args.fit_sample else dev
        fit_difference(sample, vectors, per_family if args.quick else max(per_family, 100))
        vectors.save()
        if args.fit_only:
            print(json.dumps(decision._difference_model(), indent=1))
            return
    if args.fit:
        fit(dev, vectors)
        accuracy, f1 = decision_scores(dev, vectors)
        print(f"dev_decision_accuracy: {accuracy:.4f}")
        accuracy, _f1 = decision_scores(dev, vectors, no_diacritics)
        print(f"dev_decision_accuracy_no_diacritics: {accuracy:.4f}")
    accuracy, f1 = decision_scores(test, vectors)
    print(f"decision_accuracy: {accuracy:.4f}")
    print(f"decision_f1: {f1:.4f}")
    accuracy, f1 = decision_scores(test, vectors, no_diacritics)
    print(f"decision_accuracy_no_diacritics: {accuracy:.4f}")
    slot_swap_report(dev, vectors, per_family)
    check_templates_report(vectors)
    long_tip_report(vectors)
    vectors.save()
    if args.quick:
        print(f"elapsed_s: {time.perf_counter() - started:.1f}")
        return
    figures, ranks = retrieval(test, vectors, args.misses)
    for name, value in figures.items():
        print(f"{name}: {value:.4f}")
    stored, queries = retrieval_queries(test)
    for form in ranks:
        misses = sum(rank != 1 for rank in ranks[form])
        # 95 % Wilson interval: how far a figure measured on this many queries moves by the sample's luck.
        interval = binomtest(len(queries) - misses, len(queries)).proportion_ci(method="wilson")
        low, high = interval.low, interval.high
        print(f"retrieval_misses_{form}: {misses}")
        print(f"retrieval_r1_{form}_ci95: {low:.4f}-{high:.4f}")
    print(f"retrieval_stored: {len(stored)}")
    print(f"retrieval_queries: {len(queries)}")
    print(f"retrieval_queries_with_two_stored_partners: {sum(len(wanted) > 1 for _q, wanted, _e in queries)}")
    print(f"retrieval_queries_also_stored: {sum(bool(excluded) for _q, _w, excluded in queries)}")
    vectors.save()
    figures, baseline_ranks = baseline(dev, test)
    for name, value in figures.items():
        print(f"{name}: {value:.4f}")
    for form in ranks:
        # Paired: the queries one finds first and the other does not (the rest both find or both miss).
        only_ours = sum(a == 1 and b != 1 for a, b in zip(ranks[form], baseline_ranks[form], strict=True))
        only_baseline = sum(a != 1 and b == 1 for a, b in zip(ranks[form], baseline_ranks[form], strict=True))
        print(f"retrieval_{form}_found_only_by_citydesk: {only_ours}")
        print(f"retrieval_{form}_found_only_by_baseline: {only_baseline}")
    print(f"split: {args.split}")
    print(f"pairs: {len(test)}")
    print(f"elapsed_s: {time.perf_counter() - started:.1f}")


if __name__ == "__main__":
    main()
