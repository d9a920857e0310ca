"""The community's moderation signals on the public Vietnamese datasets, beside today's word list and
TF-IDF baselines trained in the same run.

    python bench/moderation_eval.py [--data /work/shared/data]   (or CITYDESK_DATASETS=...)

- Harassment/hate. citydesk's signal is the shipped comment classifier (trained on ViHOS train only,
  MIT) at its default hold threshold (chosen on ViHOS dev; comment_classifier.json). Beside it: the
  word list as it was before the classifier (every lexicon term fires alone; rebuilt here from ViHOS
  train with the same rule), a TF-IDF + logistic regression baseline trained on ViHOS train (the same
  data as the shipped model) and the in-domain baselines trained on ViHSD train (3 classes as before,
  and 2 classes, clean vs not; research-use data: the kind of model an operator may train locally, never shipped).
  * ViHOS test: comment-level F1 (a comment with a marked span is offensive). The ViHSD baselines are
    not scored here: most ViHOS test comments are in ViHSD train.
  * ViHSD test, comments not in ViHOS train (`vihsd_test_unseen`): binary F1 (offensive or hate vs
    clean), precision, recall and the false-hold rate on clean comments. The threshold was chosen on
    ViHOS dev, every model is also scored without ViHOS dev's comments (`_no_vihos_dev_`).
    ViHSD has no topics, so there are no per-topic rates.
  * ViHSD dev, comments not in ViHOS train: F1, recall and false-hold rate at a few thresholds, for
    operators who choose their own setting (never chosen on test).
  * vnPara test sentences (news, all clean): false-hold rate.
- ViSpamReviews test (spam vs not): citydesk's spam score ≥ 0.5; the baseline is trained on its train.
- ViHOS test spans: character-level F1 per comment, averaged (an empty prediction on a comment without
  spans scores 1): the old word list, the spans the queue shows now (every term in a held comment,
  only the non-ordinary ones otherwise), and a token classifier trained on ViHOS train.
Prints `name: value` lines, and comments_per_s of the classifier one comment at a time on this machine.
"""

import argparse
import csv
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from citydesk.community import checks, classifier, training

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+", re.UNICODE)


def default_data() -> str:
    return os.environ.get("CITYDESK_DATASETS") or str(ROOT.parent / "shared" / "data")


def rows(data: Path, name: str, split: str) -> list[dict]:
    with (data / name / f"{split}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def key(text: str) -> str:
    return " ".join(text.lower().split())


def baseline(train_texts, train_labels):
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    model = LogisticRegression(max_iter=2000, class_weight="balanced")
    model.fit(vectorizer.fit_transform(train_texts), train_labels)
    return lambda texts: model.predict(vectorizer.transform(texts))


def binary(name: str, gold: np.ndarray, predicted: np.ndarray) -> None:
    """F1, precision, recall and the share of clean comments held."""
    gold, predicted = np.asarray(gold, bool), np.asarray(predicted, bool)
    true = (gold & predicted).sum()
    precision = true / predicted.sum() if predicted.sum() else 0.0
    print(f"{name}_binary_f1: {f1_score(gold, predicted):.4f}")
    print(f"{name}_precision: {precision:.4f}")
    print(f"{name}_recall: {true / gold.sum():.4f}")
    print(f"{name}_false_hold_rate: {predicted[~gold].mean():.4f}")


def span_f1(predicted: set[int], gold: set[int]) -> float:
    if not gold:
        return 1.0 if not predicted else 0.0
    if not predicted:
        return 0.0
    overlap = len(predicted & gold)
    if not overlap:
        return 0.0
    precision, recall = overlap / len(predicted), overlap / len(gold)
    return 2 * precision * recall / (precision + recall)


def token_features(words: list[str], i: int) -> dict:
    return {
        "w": words[i].lower(),
        "prev": words[i - 1].lower() if i else "<s>",
        "next": words[i + 1].lower() if i + 1 < len(words) else "</s>",
        "pair": " ".join(words[max(0, i - 1) : i + 1]).lower(),
    }


def tokens(text: str) -> list[re.Match]:
    return list(WORD.finditer(text))


def characters(spans) -> set[int]:
    return {c for start, end in spans for c in range(start, end)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=default_data(), help="folder with vihos/, vihsd/, vnpara/, vispamreviews/")
    data = Path(parser.parse_args().data)
    if not (data / "vihos").exists():
        print(f"moderation_eval: no datasets at {data} (use --data or CITYDESK_DATASETS)", file=sys.stderr)
        return 2
    model, meta = classifier.shipped(), classifier.shipped_meta()
    hold_at = meta["hold_threshold"]
    vihos_train = training.vihos_rows(data / "vihos", "train")
    vihos_test = training.vihos_rows(data / "vihos", "test")
    word_list = training.terms_pattern(training.lexicon_terms(vihos_train))
    shipped_sha = meta["data_sha256"]["train"] == training.sha256(data / "vihos" / "train.csv")
    print(f"classifier_hold_threshold: {hold_at}")
    print(f"classifier_trained_on_this_vihos_train: {shipped_sha}")

    # ViHOS test, comment level.
    gold = np.array([bool(row["spans"]) for row in vihos_test])
    texts = [row["text"] for row in vihos_test]
    vihos_baseline = baseline([row["text"] for row in vihos_train], [bool(row["spans"]) for row in vihos_train])
    test_scores = model.scores(texts)
    print(f"vihos_test_comments: {len(texts)}")
    print(f"vihos_test_f1_word_list: {f1_score(gold, [bool(word_list.search(t)) for t in texts]):.4f}")
    print(f"vihos_test_f1_classifier: {f1_score(gold, test_scores >= hold_at):.4f}")
    print(f"vihos_test_f1_classifier_at_0.5: {f1_score(gold, test_scores >= 0.5):.4f}")
    print(f"vihos_test_f1_baseline_vihos: {f1_score(gold, vihos_baseline(texts)):.4f}")

    # ViHSD test minus ViHOS train.
    seen = {key(row["text"]) for row in vihos_train}
    in_dev = {key(row["text"]) for row in training.vihos_rows(data / "vihos", "dev")}
    test = [row for row in rows(data, "vihsd", "test") if key(row["free_text"]) not in seen]
    labels = np.array([int(row["label_id"]) for row in test])
    gold = labels > 0
    texts = [row["free_text"] for row in test]
    print(f"vihsd_test_unseen: {len(test)}")
    print(f"vihsd_test_unseen_offensive_or_hate: {int(gold.sum())}")
    print("vihsd_per_topic: none (ViHSD has no topic labels)")
    scores = model.scores(texts)
    train = rows(data, "vihsd", "train")
    train_texts, train_labels = [row["free_text"] for row in train], [int(row["label_id"]) for row in train]
    three = baseline(train_texts, train_labels)(texts)
    print(f"vihsd_macro_f1_baseline_vihsd: {f1_score(labels, three, average='macro'):.4f}")
    predictions = {
        "classifier": scores >= hold_at,
        "word_list": np.array([bool(word_list.search(text)) for text in texts]),
        "baseline_vihos": vihos_baseline(texts),
        "baseline_vihsd": three > 0,
        "baseline_vihsd_2class": baseline(train_texts, [label > 0 for label in train_labels])(texts),
    }
    for name, predicted in predictions.items():
        binary(f"vihsd_{name}", gold, predicted)
    fresh = np.array([key(text) not in in_dev for text in texts])
    print(f"vihsd_test_unseen_no_vihos_dev: {int(fresh.sum())}")
    print(f"vihsd_test_unseen_no_vihos_dev_offensive_or_hate: {int(gold[fresh].sum())}")
    for name, predicted in predictions.items():
        binary(f"vihsd_no_vihos_dev_{name}", gold[fresh], np.asarray(predicted, bool)[fresh])

    # For operators choosing their own CITYDESK_MODERATION_HOLD_AT: the trade-off on ViHSD *dev* (unseen
    # comments), never on test.
    dev = [row for row in rows(data, "vihsd", "dev") if key(row["free_text"]) not in seen]
    dev_gold = np.array([int(row["label_id"]) > 0 for row in dev])
    dev_scores = model.scores([row["free_text"] for row in dev])
    for threshold in (0.9, 0.95, 0.97, 0.99):
        held = dev_scores >= threshold
        print(
            f"vihsd_dev_at_{threshold}: f1 {f1_score(dev_gold, held):.4f} recall {held[dev_gold].mean():.4f} "
            f"false_hold_rate {held[~dev_gold].mean():.4f}"
        )

    # News sentences: all clean.
    news = []
    with (data / "vnpara" / "test.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            pair = json.loads(line)
            news += [pair["sentence1"], pair["sentence2"]]
    print(f"vnpara_test_sentences: {len(news)}")
    print(f"vnpara_false_hold_rate_classifier: {(model.scores(news) >= hold_at).mean():.4f}")
    print(f"vnpara_false_hold_rate_word_list: {np.mean([bool(word_list.search(t)) for t in news]):.4f}")

    spam_train, spam_test = rows(data, "vispamreviews", "train"), rows(data, "vispamreviews", "test")
    spam_gold = np.array([int(row["Label"]) for row in spam_test])
    spam_ours = np.array([checks.spam_score(row["Comment"]) >= 0.5 for row in spam_test])
    spam_predict = baseline([row["Comment"] for row in spam_train], [int(row["Label"]) for row in spam_train])
    print(f"spam_f1: {f1_score(spam_gold, spam_ours):.4f}")
    print(f"baseline_spam_f1: {f1_score(spam_gold, spam_predict([row['Comment'] for row in spam_test])):.4f}")

    # ViHOS spans: the old word list, the spans shown now, a token classifier trained on ViHOS train.
    features, flags = [], []
    for row in vihos_train:
        found = tokens(row["text"])
        words = [m.group() for m in found]
        for i, match in enumerate(found):
            features.append(token_features(words, i))
            flags.append(any(c in row["spans"] for c in range(match.start(), match.end())))
    vectorizer = DictVectorizer()
    tagger = LogisticRegression(max_iter=2000, class_weight="balanced")
    tagger.fit(vectorizer.fit_transform(features), flags)
    old_f1, shown_f1, tagger_f1 = [], [], []
    for row, score in zip(vihos_test, test_scores, strict=True):
        text = row["text"]
        old_f1.append(span_f1(characters((m.start(), m.end()) for m in word_list.finditer(text)), row["spans"]))
        shown = checks.offensive_spans(text, with_ordinary=score >= hold_at)
        shown_f1.append(span_f1(characters(shown), row["spans"]))
        found = tokens(text)
        tagged = set()
        if found:
            words = [m.group() for m in found]
            marks = tagger.predict(vectorizer.transform([token_features(words, i) for i in range(len(found))]))
            tagged = characters((m.start(), m.end()) for m, mark in zip(found, marks, strict=True) if mark)
        tagger_f1.append(span_f1(tagged, row["spans"]))
    print(f"vihos_span_f1_word_list: {np.mean(old_f1):.4f}")
    print(f"vihos_span_f1_shown: {np.mean(shown_f1):.4f}")
    print(f"vihos_span_f1_baseline_tagger: {np.mean(tagger_f1):.4f}")

    sample = texts[:2000]
    started = time.perf_counter()
    for text in sample:
        model.score(text)
    print(f"classifier_comments_per_s: {len(sample) / (time.perf_counter() - started):.0f}")
    started = time.perf_counter()
    for text in sample:
        checks.offensive_spans(text)
        checks.spam_score(text)
    print(f"lexicon_and_spam_comments_per_s: {len(sample) / (time.perf_counter() - started):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
