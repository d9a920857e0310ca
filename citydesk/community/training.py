"""Build what the harassment signal ships with, from ViHOS train (MIT) only: the offensive-terms lexicon
and the comment classifier. `manage.py build_moderation_signals` runs both with a fixed seed; the bench
(`bench/moderation_eval.py`) uses the same functions.

Lexicon. A term (one to three words inside a marked span) is kept when it appears at least `min_count`
times in ViHOS train and is inside a marked span at least `precision` of the times it appears. Then
every term is measured on clean text — ViHOS train comments without spans and the sentences of vnPara
dev (Vietnamese news) — and a term that is an ordinary word there (in `ORDINARY_IN_COMMENTS` or more
clean comments, or in any news sentence) is marked `ordinary`: it is still highlighted inside a comment
the classifier holds, but it never fires alone. The rule is the same for every word; no term is added
or removed by hand, by topic or by side.

Classifier. A comment of ViHOS train with a marked span is offensive, one without is clean. TF-IDF
character 1–5-grams and word 1–2-grams (min_df 2), logistic regression with one data rule for
viewpoint neutrality: an n-gram found in at least `NEWS_RATE` of vnPara dev's news sentences (the
vocabulary of public life the news uses: "đảng", "nhà nước", "chính phủ", "tòa", and with them most
short character n-grams) may only get a weight ≤ 0 — it can make a comment look cleaner, never more
offensive, whichever side the comment takes. The rule reads only the data and is the same for every n-gram; no term is
listed by hand. C is chosen on ViHOS dev (average precision), and so is the hold threshold: the
lowest score, rounded up to hundredths, at which at most `DEV_FALSE_HOLD` of ViHOS dev's clean
comments would be held. The stricter-than-5 % dev budget is because ViHOS's clean comments are
cleaner than a comment stream (the bench measures the real rate on held-out comments).
"""

import ast
import csv
import hashlib
import io
import json
import math
import re
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from . import classifier

WORD = re.compile(r"\w+", re.UNICODE)
SEED = 20261201
C_GRID = (1.0, 4.0, 16.0)
DEV_FALSE_HOLD = 0.005
NEWS_RATE = 0.002  # chosen on ViHOS dev average precision among 0.002, 0.005, 0.01 (docs/moderation.md)
ORDINARY_IN_COMMENTS = 2
LEXICON = classifier.DATA / "offensive_terms.json"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so that retraining writes the same bytes


def vihos_rows(directory: Path, split: str) -> list[dict]:
    """ViHOS rows as {"text", "spans": set of marked character offsets}."""
    with (Path(directory) / f"{split}.csv").open(encoding="utf-8") as handle:
        return [
            {"text": row["content"], "spans": set(ast.literal_eval(row["index_spans"] or "[]"))}
            for row in csv.DictReader(handle)
        ]


def news_sentences(directory: Path) -> list[str]:
    """The sentences of vnPara dev (both sides of every pair)."""
    sentences = []
    with (Path(directory) / "dev.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            pair = json.loads(line)
            sentences += [pair["sentence1"], pair["sentence2"]]
    return sentences


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- Lexicon -------------------------------------------------------------------------------------


def lexicon_terms(rows: list[dict], *, min_count: int = 6, precision: float = 0.8) -> list[str]:
    """Terms that ViHOS annotators mark often enough and consistently enough (today's word list)."""
    inside, seen = Counter(), Counter()
    for row in rows:
        tokens = [
            (m.group().lower(), any(i in row["spans"] for i in range(m.start(), m.end())))
            for m in WORD.finditer(row["text"])
        ]
        for size in (1, 2, 3):
            for i in range(len(tokens) - size + 1):
                gram = tokens[i : i + size]
                term = " ".join(word for word, _flag in gram)
                seen[term] += 1
                if all(flag for _word, flag in gram):
                    inside[term] += 1
    return sorted(
        term
        for term, count in inside.items()
        if count >= min_count and count / seen[term] >= precision and len(term) >= 2 and not term.isdigit()
    )


def terms_pattern(terms: list[str]) -> re.Pattern | None:
    """One expression matching any of the terms as whole words, longest first (None for no terms)."""
    if not terms:
        return None
    alternatives = sorted((re.escape(term) for term in terms), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)", re.I)


def term_pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.I)


def clean_counts(terms: list[str], texts: list[str]) -> dict[str, int]:
    """In how many of these texts each term occurs as whole words."""
    lowered = [text.lower() for text in texts]
    return {term: sum(1 for text in lowered if term_pattern(term).search(text)) for term in terms}


def build_lexicon(*, vihos: Path, vnpara: Path, min_count: int = 6, precision: float = 0.8) -> dict:
    train = vihos_rows(vihos, "train")
    terms = lexicon_terms(train, min_count=min_count, precision=precision)
    comments = clean_counts(terms, [row["text"] for row in train if not row["spans"]])
    news = clean_counts(terms, news_sentences(vnpara))
    ordinary = [term for term in terms if comments[term] >= ORDINARY_IN_COMMENTS or news[term] >= 1]
    return {
        "source": "ViHOS train (MIT); clean text: ViHOS train comments without spans, vnPara dev sentences",
        "min_count": min_count,
        "precision": precision,
        "ordinary_rule": f"in >= {ORDINARY_IN_COMMENTS} clean ViHOS comments or >= 1 vnPara dev sentence",
        "terms": terms,
        "ordinary": ordinary,
        "clean_counts": {term: [comments[term], news[term]] for term in ordinary},
    }


def write_lexicon(lexicon: dict, path: Path = LEXICON) -> None:
    path.write_text(json.dumps(lexicon, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


# --- Classifier ----------------------------------------------------------------------------------


def fit_vectorizer(make, texts: list[str]):
    """Vocabulary (min_df 2, sorted) and smoothed IDF, as TfidfVectorizer would learn them."""
    counting = make(None)
    counting.set_params(min_df=2)
    counts = counting.fit_transform(texts)
    vocabulary = sorted(counting.vocabulary_, key=counting.vocabulary_.get)
    df = np.bincount(counts.tocsc().indices, minlength=len(vocabulary))
    idf = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
    return vocabulary, idf


def news_frequency(make, vocabulary: list[str], sentences: list[str]) -> np.ndarray:
    """For each feature of the vocabulary, the share of these news sentences it occurs in."""
    if not sentences or not vocabulary:
        return np.zeros(len(vocabulary))
    counts = make(vocabulary).transform([classifier.normalize(text) for text in sentences])
    return np.bincount(counts.tocsr().indices, minlength=len(vocabulary)) / len(sentences)


def fit_logistic(features, labels: np.ndarray, *, c: float, nonpositive: np.ndarray, max_iter: int = 3000):
    """L2 logistic regression (sklearn's objective: ½‖w‖² + C·Σ log-loss, intercept not penalised) whose
    weights flagged `nonpositive` may only be ≤ 0: such a feature can lower a comment's score, never raise it.
    L-BFGS-B from zero, deterministic: the same data gives the same weights."""
    from scipy.optimize import minimize

    x = features.tocsr().astype(np.float64)
    sign = np.where(labels, 1.0, -1.0)
    width = x.shape[1]

    def objective(params):
        weights, bias = params[:width], params[width]
        margin = sign * (x @ weights + bias)
        gradient = -sign / (1.0 + np.exp(np.clip(margin, -500, 500)))
        loss = 0.5 * weights @ weights + c * np.logaddexp(0.0, -margin).sum()
        return loss, np.concatenate([weights + c * (x.T @ gradient), [c * gradient.sum()]])

    bounds = [(None, 0.0) if flag else (None, None) for flag in nonpositive] + [(None, None)]
    result = minimize(
        objective,
        np.zeros(width + 1),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": max_iter, "gtol": 1e-6},
    )
    return result.x[:width], float(result.x[width])


def threshold_for(clean_scores: np.ndarray, budget: float) -> float:
    """The lowest score, in hundredths, at which at most `budget` of these clean comments are held."""
    allowed = math.floor(budget * len(clean_scores))
    ranked = np.sort(clean_scores)[::-1]
    if allowed >= len(ranked):
        return 0.0
    return min(1.0, math.floor(ranked[allowed] * 100 + 1) / 100)


def train_classifier(*, vihos: Path, vnpara: Path, seed: int = SEED) -> tuple[classifier.Classifier, dict]:
    from sklearn.metrics import average_precision_score, f1_score

    train, dev = vihos_rows(vihos, "train"), vihos_rows(vihos, "dev")
    texts = [classifier.normalize(row["text"]) for row in train]
    labels = np.array([bool(row["spans"]) for row in train])
    dev_labels = np.array([bool(row["spans"]) for row in dev])
    char_vocabulary, char_idf = fit_vectorizer(classifier.char_vectorizer, texts)
    word_vocabulary, word_idf = fit_vectorizer(classifier.word_vectorizer, texts)
    empty = classifier.Classifier(
        char_vocabulary, word_vocabulary, char_idf, word_idf, np.zeros(0, dtype=np.float32), 0.0
    )
    news = news_sentences(vnpara)
    in_news = np.concatenate(
        [
            news_frequency(classifier.char_vectorizer, char_vocabulary, news),
            news_frequency(classifier.word_vectorizer, word_vocabulary, news),
        ]
    )
    neutral = in_news >= NEWS_RATE
    features = empty.features([row["text"] for row in train])
    dev_features = empty.features([row["text"] for row in dev])
    best = None
    for c in C_GRID:
        weights, bias = fit_logistic(features, labels, c=c, nonpositive=neutral)
        quality = average_precision_score(dev_labels, dev_features @ weights + bias)
        if best is None or quality > best[0] + 1e-9:
            best = (quality, c, weights, bias)
    quality, c, weights, bias = best
    trained = classifier.Classifier(
        char_vocabulary, word_vocabulary, char_idf, word_idf, weights.astype(np.float32), bias, neutral
    )
    dev_scores = trained.scores([row["text"] for row in dev])
    threshold = threshold_for(dev_scores[~dev_labels], DEV_FALSE_HOLD)
    held = dev_scores >= threshold
    meta = {
        "source": "ViHOS train (MIT): a comment with a marked span is offensive",
        "command": f"python manage.py build_moderation_signals --seed {seed}",
        "seed": seed,
        "features": {"char_wb": list(classifier.CHAR_NGRAMS), "word": list(classifier.WORD_NGRAMS), "min_df": 2},
        "model": "logistic regression (L-BFGS-B), news-neutral features may only lower the score",
        "news_neutral_rule": f"an n-gram in >= {NEWS_RATE:.1%} of vnPara dev sentences gets a weight <= 0",
        "news_rate": NEWS_RATE,
        "news_neutral_features": int(neutral.sum()),
        "C": c,
        "train_comments": len(train),
        "data_sha256": {
            **{split: sha256(Path(vihos) / f"{split}.csv") for split in ("train", "dev")},
            "vnpara_dev": sha256(Path(vnpara) / "dev.jsonl"),
        },
        "dev_false_hold_budget": DEV_FALSE_HOLD,
        "hold_threshold": threshold,
        "dev": {
            "average_precision": round(float(quality), 4),
            "f1_at_threshold": round(float(f1_score(dev_labels, held)), 4),
            "recall_at_threshold": round(float(held[dev_labels].mean()), 4),
            "false_hold_at_threshold": round(float(held[~dev_labels].mean()), 4),
        },
    }
    return trained, meta


def _array_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def save_classifier(model: classifier.Classifier, meta: dict, *, path: Path = classifier.MODEL) -> None:
    """An .npz without pickles and with fixed timestamps, and the metadata beside it (.json)."""
    arrays = {
        "char_vocabulary": np.frombuffer("\n".join(model.char_vocabulary).encode(), dtype=np.uint8),
        "word_vocabulary": np.frombuffer("\n".join(model.word_vocabulary).encode(), dtype=np.uint8),
        "char_idf": model.char_idf.astype(np.float32),
        "word_idf": model.word_idf.astype(np.float32),
        "coef": model.coef.astype(np.float32),
        "intercept": np.array([model.intercept], dtype=np.float64),
    }
    if model.news_neutral is not None:
        arrays["news_neutral"] = np.asarray(model.news_neutral, dtype=np.uint8)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, _array_bytes(array))
    Path(path).with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
