"""same_claim: is a report the same claim as a stored one, or only a related one?

A logistic model over a few features (semantic similarity, word and character overlap, and hard
signals: different numbers, negation on one side only). Weights are fitted on the vnPara dev split
by `bench/matching_eval.py --fit` and shipped in data/same_claim.json.
"""

import itertools
import json
import math
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import numpy as np

from .encoder import embed
from .normalize import NEGATIONS, Normalized, fold, normalize
from .places import places

FEATURES = [
    "cosine_e5",
    "both_marked",
    "word_cosine",
    "idf_cosine",
    "bigram_cosine",
    "char3_jaccard",
    "containment",
    "sequence_ratio",
    "numbers_differ",
    "numbers_shared",
    "negation_differs",
    "negation_flip",
    "places_differ",
    "length_ratio",
]
_WEIGHTS = Path(__file__).with_name("data") / "same_claim.json"
_NEGATION_WORDS = {word for phrase in NEGATIONS for word in phrase.split()} - {"phải"}
_NEGATION_FOLDED = {fold(word) for word in _NEGATION_WORDS}
NEUTRAL_COSINE = 0.85  # between e5's typical paraphrase (~0.9) and unrelated (~0.8) similarity


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[token] for token, count in a.items() if token in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _idf_cosine(a: list[str], b: list[str], idf: Callable[[str], float] | None) -> float:
    """Cosine of (1 + log tf) × idf word vectors: shared rare words count, shared common ones little.
    Without idf (same_claim on a lone pair) every word weighs 1."""
    counts_a, counts_b = Counter(a), Counter(b)
    weight = idf or (lambda _token: 1.0)
    vector_a = {token: (1.0 + math.log(n)) * weight(token) for token, n in counts_a.items()}
    vector_b = {token: (1.0 + math.log(n)) * weight(token) for token, n in counts_b.items()}
    dot = sum(value * vector_b[token] for token, value in vector_a.items() if token in vector_b)
    norm = math.sqrt(sum(v * v for v in vector_a.values()) * sum(v * v for v in vector_b.values()))
    return dot / norm if norm else 0.0


def _char3(text: str) -> set[str]:
    text = f"  {text} "
    return {text[i : i + 3] for i in range(len(text) - 2)}


def _negated(normalized: Normalized) -> bool:
    return any(word in _NEGATION_WORDS for word in normalized.text.split())


def features(
    a: Normalized, b: Normalized, cosine_e5: float | None, idf: Callable[[str], float] | None = None
) -> list[float]:
    """The decision's inputs for one pair, in FEATURES order.

    cosine_e5 is None when either text was typed without marks: e5 is unreliable there, so the
    feature takes a neutral value and the lexical features decide. idf weighs a folded word by how
    rare it is among the stored claims (ClaimIndex passes its own).
    """
    both_marked = a.has_diacritics and b.has_diacritics
    if cosine_e5 is None or not both_marked:
        cosine_e5 = NEUTRAL_COSINE
    words_a, words_b = a.tokens, b.tokens
    bigrams_a = Counter(itertools.pairwise(words_a))
    bigrams_b = Counter(itertools.pairwise(words_b))
    chars_a, chars_b = _char3(a.folded), _char3(b.folded)
    set_a, set_b = set(words_a), set(words_b)
    numbers_a, numbers_b = set(a.numbers), set(b.numbers)
    places_a, places_b = places(a), places(b)
    both_numbers = bool(numbers_a and numbers_b)
    return [
        cosine_e5,
        float(both_marked),
        _cosine(Counter(words_a), Counter(words_b)),
        _idf_cosine(words_a, words_b, idf),
        _cosine(bigrams_a, bigrams_b),
        len(chars_a & chars_b) / max(1, len(chars_a | chars_b)),
        len(set_a & set_b) / max(1, min(len(set_a), len(set_b))),
        SequenceMatcher(None, words_a, words_b, autojunk=False).ratio(),
        float(both_numbers and numbers_a != numbers_b),
        float(both_numbers and numbers_a == numbers_b),
        float(_negated(a) != _negated(b)),
        float(_negated(a) != _negated(b) and len((set_a ^ set_b) - _NEGATION_FOLDED) <= 1),
        float(bool(places_a and places_b) and places_a != places_b),
        min(len(words_a), len(words_b)) / max(1, len(words_a), len(words_b)),
    ]


def pair_features(text_a: str, text_b: str) -> list[float]:
    """Features of a pair of raw texts (embeds both when both carry diacritics)."""
    a, b = normalize(text_a), normalize(text_b)
    cosine = None
    if a.has_diacritics and b.has_diacritics:
        vectors = embed([a.text or " ", b.text or " "])
        cosine = float(np.dot(vectors[0], vectors[1]))
    return features(a, b, cosine)


@lru_cache(maxsize=1)
def _model() -> dict:
    return json.loads(_WEIGHTS.read_text(encoding="utf-8"))


def probability(feature_values: list[float]) -> float:
    """The model's probability that the pair is the same claim."""
    model = _model()
    z = model["intercept"] + sum(
        w * (x - mean) / scale
        for w, x, mean, scale in zip(model["coef"], feature_values, model["mean"], model["scale"], strict=True)
    )
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# "X" vs "không X" (negation_flip), different numbers ("bão số 5" / "bão số 6") or places: never the same.
HARD_NO = ("numbers_differ", "negation_flip", "places_differ")


def decide(feature_values: list[float], p: float) -> bool:
    """Same claim when the model says so and no hard signal says otherwise."""
    if any(feature_values[FEATURES.index(name)] for name in HARD_NO):
        return False
    return p >= _model()["threshold"]


def judge(feature_values: list[float]) -> tuple[bool, float]:
    """(decision, confidence in 0..1) for a pair's features."""
    p = probability(feature_values)
    decision = decide(feature_values, p)
    confidence = p if decision else 1.0 - min(p, _model()["threshold"])
    return decision, round(confidence, 4)


def same_claim(text_a: str, text_b: str) -> tuple[bool, float]:
    """(decision, confidence in 0..1): are the two texts the same claim, not only a related one?

    For a report against a claim stored in a ClaimIndex, ClaimIndex.same_claim decides the same way
    with the index's context (stored vector, marks put back, word rarity)."""
    return judge(pair_features(text_a, text_b))
