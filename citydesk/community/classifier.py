"""The shipped comment-level harassment/hate classifier: how a comment is scored, offline on CPU.

The model is trained on ViHOS train only (MIT): a comment with at least one marked span is offensive,
one without is clean (`citydesk.community.training`, `manage.py build_moderation_signals`).
Features are TF-IDF character n-grams (1–5, inside word boundaries: they survive misspellings, missing
tone marks and teencode) and word 1–2-grams; a logistic regression turns them into a probability.

The artefact is two files next to this module: `data/comment_classifier.npz` (vocabularies as UTF-8
bytes, IDF weights and coefficients as plain arrays; loaded with allow_pickle=False, so loading it
runs no code; it also records which features are common in neutral news and so may only lower a score)
and `data/comment_classifier.json` (parameters, seed, the threshold chosen on ViHOS dev
and the dev figures). Scoring needs only numpy, scipy and scikit-learn's CountVectorizer.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

DATA = Path(__file__).resolve().parent / "data"
MODEL = DATA / "comment_classifier.npz"
META = DATA / "comment_classifier.json"
CHAR_NGRAMS = (1, 5)
WORD_NGRAMS = (1, 2)
WORD_PATTERN = r"(?u)\b\w+\b"  # keeps one-letter words ("m", "t": pronouns in teencode)
REPEATS = re.compile(r"(\w)\1{2,}")


def normalize(text: str) -> str:
    """NFC, lower case, letters repeated three times or more cut to two ("nguuuu" → "nguu"), spaces folded."""
    text = unicodedata.normalize("NFC", text or "").lower()
    return " ".join(REPEATS.sub(r"\1\1", text).split())


def char_vectorizer(vocabulary=None) -> CountVectorizer:
    return CountVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, lowercase=False, vocabulary=vocabulary, dtype=np.float32
    )


def word_vectorizer(vocabulary=None) -> CountVectorizer:
    return CountVectorizer(
        ngram_range=WORD_NGRAMS,
        token_pattern=WORD_PATTERN,
        lowercase=False,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def tfidf(counts, idf: np.ndarray):
    """Sublinear term frequency × IDF, each row scaled to unit length (what TfidfVectorizer computes)."""
    weighted = counts.tocsr(copy=True)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    weighted.data /= np.repeat(norms, np.diff(weighted.indptr)).astype(weighted.data.dtype)
    return weighted


@dataclass(frozen=True)
class Classifier:
    char_vocabulary: list[str]
    word_vocabulary: list[str]
    char_idf: np.ndarray
    word_idf: np.ndarray
    coef: np.ndarray
    intercept: float
    # Which features are common in neutral news (vnPara dev): their weights are <= 0 (training.fit_logistic).
    news_neutral: np.ndarray | None = field(default=None, repr=False, compare=False)
    vectorizers: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # Built once: a CountVectorizer indexes its fixed vocabulary on first use.
        object.__setattr__(
            self, "vectorizers", (char_vectorizer(self.char_vocabulary), word_vectorizer(self.word_vocabulary))
        )

    def features(self, texts: list[str]):
        from scipy.sparse import hstack

        normalized = [normalize(text) for text in texts]
        chars, words = (vectorizer.transform(normalized) for vectorizer in self.vectorizers)
        return hstack([tfidf(chars, self.char_idf), tfidf(words, self.word_idf)]).tocsr()

    def scores(self, texts: list[str]) -> np.ndarray:
        """Probability that each comment is offensive or hateful."""
        if not texts:
            return np.zeros(0)
        features = self.features(texts)
        margin = features @ self.coef + self.intercept
        scores = 1.0 / (1.0 + np.exp(-margin.astype(np.float64)))
        # A text without a single known n-gram (empty) gives no evidence: the intercept alone is not a verdict.
        scores[np.diff(features.indptr) == 0] = 0.0
        return scores

    def score(self, text: str) -> float:
        return float(self.scores([text])[0])


def _words(blob: np.ndarray) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def load(path: Path = MODEL) -> Classifier:
    """Read a classifier written by `training.save` (no pickle: arrays and UTF-8 bytes only)."""
    with np.load(path, allow_pickle=False) as arrays:
        return Classifier(
            char_vocabulary=_words(arrays["char_vocabulary"]),
            word_vocabulary=_words(arrays["word_vocabulary"]),
            char_idf=arrays["char_idf"].astype(np.float32),
            word_idf=arrays["word_idf"].astype(np.float32),
            coef=arrays["coef"].astype(np.float32),
            intercept=float(arrays["intercept"][0]),
            news_neutral=arrays["news_neutral"].astype(bool) if "news_neutral" in arrays else None,
        )


@lru_cache(maxsize=1)
def shipped() -> Classifier:
    """The classifier shipped in the repository, loaded once per process."""
    return load(MODEL)


@lru_cache(maxsize=1)
def shipped_meta() -> dict:
    return json.loads(META.read_text(encoding="utf-8"))
