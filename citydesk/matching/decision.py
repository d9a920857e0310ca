"""same_claim: is a report the same claim as a stored one, or only a related one?

Two stages. A logistic model over a few features (semantic similarity, word and character overlap,
and hard signals: different numbers, negation on one side only) gives the probability that search
ranks by (weights fitted on the vnPara dev split by `bench/matching_eval.py --fit`, in
data/same_claim.json). The decision then looks at what differs between the two texts (slots.py): a
key slot filled differently on both sides (place, country, disease, office, title, number, date) is
never the same claim, nor is a negation added or a direction word turned to its opposite in place
(nothing else changed in that span), nor one thing named in place of another in the only span that
differs (nouns by pyvi's tagger, or two health conditions by the condition probe; not synonyms by
e5); elsewhere a negation, a direction or unrelated
words only refuse "sure" (the verdict to a citizen, a report joined by itself). A second logistic
model over the aligned
difference (content words one text has in place of the other's, how related they are by e5, how
much of each text they are) weighs the rest (data/difference.json, fitted on vnPara dev pairs and on
slot swaps made from vnPara dev by `bench/matching_eval.py --fit-difference`).

Both texts are read the same way on every path: a text typed without marks gets its marks back
first (from the stored claims in a ClaimIndex, from the other text on a lone pair).
"""

import itertools
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import slots
from .encoder import embed
from .normalize import NEGATIONS, Normalized, fold, normalize
from .places import places
from .restore import Restorer

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
_DIFFERENCE_WEIGHTS = Path(__file__).with_name("data") / "difference.json"
# A logistic probe on e5 vectors: do a few words name a health condition? Fitted on Princeton WordNet's
# English condition nouns and the bench's fit-half diseases against other nouns and vnPara dev wording
# (bench/make_condition_probe.py).
_CONDITION_PROBE = Path(__file__).with_name("data") / "condition_probe.json"
DIFFERENCE_FEATURES = [
    "logit_p",
    "replaced",
    "lost_share",
    "gained_share",
    "lost_words",
    "gained_words",
    "span_cosine",
    "named_one_side",
]
SURE_ONLY = {"negation", "direction", "wording"}  # key slots that refuse "sure" (the verdict), not "same"
# e5's cosine between two noun spans at or above which they are read as one thing said two ways: on
# vnPara dev the paraphrases' noun spans ("đợt" / "giai đoạn") are at 0.897–0.919, the fit half's
# diseases and offices put in each other's place ("mỡ máu" / "đột quỵ") at 0.816–0.884.
SYNONYM_COSINE = 0.89
# The condition probe's probability at or above which a span is read as a health condition: on vnPara
# dev no paraphrase's wording reads so on both sides (one at 0.4); chosen on our own development
# templates and condition names, never on the check templates or test.
CONDITION = 0.5
SURE = 0.9  # the decision is sure (a citizen may be told the verdict) at or above this confidence
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
    if not normalized.has_diacritics:
        # Without marks only the unambiguous ones: "chua" may be "chưa" but also "chứa", "chùa".
        return any(word in ("khong", "chang") for word in normalized.folded.split())
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
    """(decision, confidence in 0..1) of the first stage alone, for a pair's features (the model before
    the aligned difference was looked at; kept for the bench's comparison)."""
    p = probability(feature_values)
    decision = decide(feature_values, p)
    confidence = p if decision else 1.0 - min(p, _model()["threshold"])
    return decision, round(confidence, 4)


@dataclass(frozen=True)
class Judgement:
    """The decision on a pair: same claim or not, how confident, sure enough to tell a citizen, and why."""

    same: bool
    confidence: float
    sure: bool
    difference: slots.Difference

    def explanation(self) -> dict:
        return {"same": self.same, "confidence": self.confidence, "sure": self.sure, **self.difference.explanation()}


@lru_cache(maxsize=1)
def _difference_model() -> dict | None:
    if not _DIFFERENCE_WEIGHTS.exists():
        return None
    return json.loads(_DIFFERENCE_WEIGHTS.read_text(encoding="utf-8"))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def difference_features(
    p: float, difference: slots.Difference, span_cosine: Callable[[list[str], list[str]], float] | None
) -> list[float]:
    """The second stage's inputs, in DIFFERENCE_FEATURES order."""
    lost, gained = difference.content_a, difference.content_b
    total = max(1, difference.content_total)
    cosine = 1.0
    if lost and gained and span_cosine is not None:
        cosine = span_cosine(lost, gained)
    named = sum(family in difference.only_one for family in ("disease", "place", "country", "organisation", "title"))
    return [
        _logit(p),
        float(min(difference.replaced, 3)),
        2 * len(lost) / total,
        2 * len(gained) / total,
        float(min(len(lost), 6)),
        float(min(len(gained), 6)),
        cosine,
        float(named),
    ]


def difference_probability(values: list[float]) -> float:
    model = _difference_model()
    if model is None:
        return 1.0 / (1.0 + math.exp(-values[0]))
    z = model["intercept"] + sum(
        w * (x - mean) / scale
        for w, x, mean, scale in zip(model["coef"], values, model["mean"], model["scale"], strict=True)
    )
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _threshold() -> float:
    model = _difference_model()
    return model["threshold"] if model else _model()["threshold"]


def e5_span_cosine(lost: list[str], gained: list[str]) -> float:
    """How related the words one text has in place of the other's are (e5 on the two word lists)."""
    vectors = embed([" ".join(lost), " ".join(gained)])
    return float(np.dot(vectors[0], vectors[1]))


@lru_cache(maxsize=1)
def _condition_probe() -> dict | None:
    if not _CONDITION_PROBE.exists():
        return None
    probe = json.loads(_CONDITION_PROBE.read_text(encoding="utf-8"))
    probe["coef"] = np.asarray(probe["coef"], dtype=np.float32)
    return probe


def condition_text(span: str) -> str:
    """What the probe embeds for a span: the span after "bị" (to suffer from), so that e5 reads the
    words as something one has ("bị *táo bón*") rather than as a bare word list."""
    probe = _condition_probe()
    return probe["frame"].format(span) if probe else span


def condition_from_vector(vector: np.ndarray) -> float:
    """The probe's probability that the span embedded as `vector` (of condition_text) is a condition."""
    probe = _condition_probe()
    if probe is None:
        return 0.0
    z = float(np.dot(probe["coef"], vector)) + probe["intercept"]
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def e5_condition(span: str) -> float:
    """How likely a few words name a health condition (a disease, a disorder, a symptom)."""
    return condition_from_vector(embed([condition_text(span)])[0])


def judge_pair(
    a: Normalized,
    b: Normalized,
    cosine_e5: float | None,
    idf: Callable[[str], float] | None = None,
    span_cosine: Callable[[list[str], list[str]], float] | None = e5_span_cosine,
    condition: Callable[[str], float] | None = e5_condition,
) -> Judgement:
    """The decision on two normalised texts (marks already put back on a bare one)."""
    values = features(a, b, cosine_e5, idf)
    p = probability(values)
    difference = slots.compare(a, b)
    if not (a.has_diacritics and b.has_diacritics):
        span_cosine = condition = None
    q = difference_probability(difference_features(p, difference, span_cosine))
    threshold = _threshold()
    # Numbers, negation and places of the first stage stay hard rules; a named slot (place, country,
    # disease, office, number, date) filled differently refuses "same". A negation or a direction found
    # in what differs refuses "sure" only: vnPara's paraphrases move negations around ("bi quan" /
    # "không tin tưởng"), and refusing "same" on them cost decision accuracy on dev.
    # In place, a negation added or a direction turned (slots.compare) refuses "same" too; so does one
    # thing named in place of another in the only span that differs, unless e5 reads the two as the same
    # thing (a synonym: "tình huống" / "viễn cảnh").
    in_place = set(difference.in_place)
    # Two health conditions, one in the other's place ("người bị *xơ gan*" / "người bị *táo bón*"), are
    # one thing named in place of another whatever pyvi calls them.
    if difference.condition_check and condition is not None:
        ([lost], [gained]) = difference.differ["wording"]
        if condition(lost) >= CONDITION and condition(gained) >= CONDITION:
            in_place.add("wording")
    if "wording" in in_place and span_cosine is not None:
        ([lost], [gained]) = difference.differ["wording"]
        if span_cosine(lost.split(), gained.split()) >= SYNONYM_COSINE:
            in_place.discard("wording")
    blocking = (set(difference.differ) - SURE_ONLY) | in_place
    same = q >= threshold and not blocking and not any(values[FEATURES.index(name)] for name in HARD_NO)
    confidence = q if same else 1.0 - min(q, threshold)
    sure = same and not difference.key_slot_differs and q >= SURE
    return Judgement(same, round(confidence, 4), sure, difference)


def restore_pair(a: Normalized, b: Normalized) -> tuple[Normalized, Normalized]:
    """On a lone pair, a text typed without marks gets them back from the other text's wording (as the
    index gives them back from the stored claims' wording)."""
    if a.has_diacritics == b.has_diacritics:
        return a, b
    restorer = Restorer()
    marked, bare = (a, b) if a.has_diacritics else (b, a)
    restorer.learn(marked.text)
    restored = restorer.restore_normalized(bare)
    return (marked, restored) if a.has_diacritics else (restored, marked)


def judge_texts(text_a: str, text_b: str) -> Judgement:
    """The decision on two raw texts (embeds both when both carry marks)."""
    a, b = restore_pair(normalize(text_a), normalize(text_b))
    cosine = None
    if a.has_diacritics and b.has_diacritics:
        vectors = embed([a.text or " ", b.text or " "])
        cosine = float(np.dot(vectors[0], vectors[1]))
    return judge_pair(a, b, cosine)


def same_claim(text_a: str, text_b: str) -> tuple[bool, float]:
    """(decision, confidence in 0..1): are the two texts the same claim, not only a related one?

    For a report against a claim stored in a ClaimIndex, ClaimIndex.same_claim decides the same way
    with the index's context (stored vector, marks put back from the stored claims, word rarity)."""
    judgement = judge_texts(text_a, text_b)
    return judgement.same, judgement.confidence
