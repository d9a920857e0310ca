"""How often the suggested harm category (citydesk.desk.categorize) is right.

    python bench/category_suggestion.py

Two sets, no database and no network:
- the demo's claims (citydesk/desk/demo.py and demo_signals.py): the first report's text as it arrives
  (what the desk has when the suggestion is shown), and the claim's wording with all its reports;
- citydesk/desk/data/category_eval.jsonl: 60 short messages, 10 per category, written by hand for this
  bench (paraphrases of common kinds of rumour, half of them without diacritics in places; no real
  person or message), labelled by the harm-category definitions. It was written after the lexicon, by
  the same engineer, and the lexicon was not changed after seeing the result; it is small and
  optimistic, a regression check rather than a measure of the real inbox.
Scam matches and similar claims are left out (they need the desk's database): these figures are for
the lexicon and the extracted signals alone. Prints `name: value` lines.
"""

import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citydesk.settings.test")

import django  # noqa: E402

django.setup()

from citydesk.desk import categorize  # noqa: E402
from citydesk.desk.demo import CLAIMS  # noqa: E402
from citydesk.desk.demo_signals import LOOKALIKE_TIP, NEW_TIP, SCAM_REPORT  # noqa: E402

LABELLED = ROOT / "citydesk" / "desk" / "data" / "category_eval.jsonl"


def accuracy(pairs: list[tuple[str, str]]) -> tuple[float, Counter, Counter]:
    right, wrong = Counter(), Counter()
    for text, label in pairs:
        guess = categorize.suggest(text=text, similar=[], scam_claims=[]).category
        (right if guess == label else wrong)[label] += 1
    total = sum(right.values()) + sum(wrong.values())
    return sum(right.values()) / total, right, wrong


def main() -> None:
    first = [(reports[0][1], category) for category, _statement, reports, *_rest in CLAIMS]
    first += [(SCAM_REPORT, "scam"), (NEW_TIP, "scam"), (LOOKALIKE_TIP, "impersonation")]
    whole = [
        ("\n".join([statement, *(text for _c, text, _u, _h in reports)]), category)
        for category, statement, reports, *_rest in CLAIMS
    ]
    labelled = [(row["text"], row["category"]) for row in map(json.loads, LABELLED.read_text().splitlines())]
    for name, pairs in (("demo_first_report", first), ("demo_claim", whole), ("labelled", labelled)):
        score, right, wrong = accuracy(pairs)
        print(f"{name}_items: {len(pairs)}")
        print(f"{name}_accuracy: {score:.3f}")
        baseline = sum(1 for _t, label in pairs if label == "other") / len(pairs)
        print(f"{name}_always_other_accuracy: {baseline:.3f}")
        for category in sorted(set(right) | set(wrong)):
            print(f"{name}_recall_{category}: {right[category] / (right[category] + wrong[category]):.2f}")


if __name__ == "__main__":
    main()
