"""Fit the health-condition probe the same-claim decision ships (citydesk/matching/data/condition_probe.json).

    apt-get install wordnet-base          # Princeton WordNet 3.0, Debian's package (WordNet 3.0 licence)
    VNPARA_DIR=../shared/data/vnpara python bench/make_condition_probe.py

A logistic regression on e5 vectors (the encoder citydesk ships) that reads whether a few words name a
health condition: a disease, a disorder, a symptom, an injury. What it learns from:
- English nouns of Princeton WordNet 3.0: every lemma below the synsets listed in ROOTS (positives) and
  a fixed sample of other nouns (negatives; `noun.state`, where conditions live, is left out of them);
- Vietnamese: the fit half of the bench's own disease list (bench/slot_swaps.py; the eval half and the
  check templates stay held out) as positives, and runs of 1 to 3 content words of vnPara **dev**
  sentences as negatives (news wording: what a paraphrase puts in place of other words).
e5 is multilingual, so a direction learnt mostly from English names carries over to Vietnamese ones.
Only the weights are shipped (384 numbers and a bias): no WordNet text, no vnPara text.
The threshold is chosen on vnPara dev and our own development templates, never on test or on the
check templates.
"""

import collections
import json
import os
import random
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WORDNET = Path(os.environ.get("WORDNET_DIR", "/usr/share/wordnet"))
OUT = ROOT / "citydesk" / "matching" / "data" / "condition_probe.json"
# WordNet 3.0 noun synsets (offset: first lemma) whose hyponyms are health conditions.
ROOTS = {
    "14034177": "physical_condition",  # includes ill_health, pathological_state, disease
    "14299637": "symptom",  # (medicine) any sensation or change in bodily function …
    "14548343": "disability",
    "14285662": "injury",  # any physical damage to the body …
    "13923440": "condition",  # an illness, disease, or other medical problem
    "14081375": "attack",  # a sudden occurrence of an uncontrollable condition (stroke, seizure)
}
NOUN_STATE = 26  # WordNet's lexicographer file noun.state
NEGATIVES = 12000
VIETNAMESE_NEGATIVES = 3000
VIETNAMESE_POSITIVE_WEIGHT = 20.0
SEED = 1


def synsets() -> dict[str, dict]:
    """WordNet's noun synsets: offset -> lexicographer file, lemmas and hypernyms (data.noun format)."""
    out = {}
    with open(WORDNET / "data.noun", encoding="latin-1") as lines:
        for line in lines:
            if line.startswith("  "):  # the licence header
                continue
            fields = line.partition(" | ")[0].split()
            count = int(fields[3], 16)
            lemmas = [fields[4 + 2 * i] for i in range(count)]
            pointers_at = 4 + 2 * count
            hypernyms = []
            for i in range(int(fields[pointers_at])):
                symbol, offset, pos, _ = fields[pointers_at + 1 + 4 * i : pointers_at + 5 + 4 * i]
                if symbol in ("@", "@i") and pos == "n":
                    hypernyms.append(offset)
            out[fields[0]] = {"lex": int(fields[1]), "lemmas": lemmas, "hypernyms": hypernyms}
    return out


def english(table: dict[str, dict]) -> tuple[list[str], list[int]]:
    children = collections.defaultdict(list)
    for offset, synset in table.items():
        for hypernym in synset["hypernyms"]:
            children[hypernym].append(offset)
    conditions: set[str] = set()
    stack = list(ROOTS)
    while stack:
        offset = stack.pop()
        if offset not in conditions:
            conditions.add(offset)
            stack += children[offset]
    texts, labels, seen = [], [], set()
    for offset in sorted(conditions):
        for lemma in table[offset]["lemmas"]:
            lemma = lemma.replace("_", " ")
            if not lemma[:1].isupper() and lemma not in seen:  # names of people and places are not conditions
                seen.add(lemma)
                texts.append(lemma)
                labels.append(1)
    others = sorted(o for o, s in table.items() if o not in conditions and s["lex"] != NOUN_STATE)
    random.Random(SEED).shuffle(others)
    negatives = 0
    for offset in others:
        lemma = table[offset]["lemmas"][0].replace("_", " ")
        if lemma[:1].isupper() or lemma in seen or len(lemma.split()) > 2:
            continue
        seen.add(lemma)
        texts.append(lemma)
        labels.append(0)
        negatives += 1
        if negatives == NEGATIVES:
            break
    return texts, labels


def vietnamese() -> tuple[list[str], list[int]]:
    import matching_eval
    import slot_swaps

    from citydesk.matching.normalize import fold
    from citydesk.matching.slots import is_content

    runs = set()
    for row in matching_eval.load("dev"):
        words = re.findall(r"[^\W\d_]+", row["sentence1"].lower())
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                run = words[i : i + n]
                if all(is_content(fold(word)) for word in run):
                    runs.add(" ".join(run))
    negatives = sorted(runs)
    random.Random(SEED + 2).shuffle(negatives)
    positives = slot_swaps.lists("fit")["disease"]
    return negatives[:VIETNAMESE_NEGATIVES] + positives, [0] * VIETNAMESE_NEGATIVES + [1] * len(positives)


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    from citydesk.matching.encoder import embed

    if not (WORDNET / "data.noun").exists():
        print(f"make_condition_probe: no WordNet at {WORDNET} (apt-get install wordnet-base)", file=sys.stderr)
        return 2
    english_texts, english_labels = english(synsets())
    vietnamese_texts, vietnamese_labels = vietnamese()
    x = embed(english_texts + vietnamese_texts, batch_size=128)
    y = np.asarray(english_labels + vietnamese_labels)
    weights = np.asarray(
        [1.0] * len(english_texts) + [VIETNAMESE_POSITIVE_WEIGHT if label else 1.0 for label in vietnamese_labels]
    )
    model = LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced").fit(x, y, sample_weight=weights)
    OUT.write_text(
        json.dumps(
            {
                "coef": model.coef_[0].round(6).tolist(),
                "intercept": round(float(model.intercept_[0]), 6),
                "frame": "bị {}",
                "fitted_on": (
                    f"{sum(english_labels)} condition lemmas and {NEGATIVES} other nouns of Princeton WordNet 3.0 "
                    f"(Debian wordnet-base); {sum(vietnamese_labels)} diseases of the fit half of bench/slot_swaps.py; "
                    f"{VIETNAMESE_NEGATIVES} runs of content words of vnPara dev"
                ),
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"condition_probe_positives: {sum(english_labels) + sum(vietnamese_labels)}")
    print(f"condition_probe_negatives: {len(y) - int(y.sum())}")
    print(f"condition_probe_training_accuracy: {model.score(x, y):.4f}")
    print(f"written: {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
