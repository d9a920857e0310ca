"""Build the offensive-terms lexicon shipped with citydesk from ViHOS train (MIT licence).

    python manage.py build_offensive_lexicon [--data ../shared/data/vihos] [--min-count 6] [--precision 0.8]

ViHOS marks the characters of hateful or offensive words in 8,844 training comments. A term (one to
three words inside a marked span) is kept when it appears at least --min-count times and is inside a
marked span at least --precision of the times it appears at all. The rule is the same for every word:
no term is added or removed by hand, by topic or by side, so the lexicon carries the annotators'
judgement of offensive language and nothing of ours about opinions. The result (terms only, no
comment text) is written to citydesk/community/data/offensive_terms.json.
"""

import ast
import csv
import json
import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

WORD = re.compile(r"\w+", re.UNICODE)
OUT = Path(__file__).resolve().parents[2] / "data" / "offensive_terms.json"


def words_with_flags(text: str, marked: set[int]) -> list[tuple[str, bool]]:
    return [(m.group().lower(), any(i in marked for i in range(m.start(), m.end()))) for m in WORD.finditer(text)]


class Command(BaseCommand):
    help = "Build the offensive-terms lexicon from ViHOS train (MIT)."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=str(Path(settings.BASE_DIR).parent / "shared" / "data" / "vihos"))
        parser.add_argument("--min-count", type=int, default=6)
        parser.add_argument("--precision", type=float, default=0.8)

    def handle(self, *args, data: str, min_count: int, precision: float, **options):
        path = Path(data) / "train.csv"
        if not path.is_file():
            raise CommandError(f"no ViHOS train split at {path}")
        inside, seen = Counter(), Counter()
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                marked = set(ast.literal_eval(row["index_spans"] or "[]"))
                tokens = words_with_flags(row["content"], marked)
                for size in (1, 2, 3):
                    for i in range(len(tokens) - size + 1):
                        gram = tokens[i : i + size]
                        term = " ".join(word for word, _flag in gram)
                        seen[term] += 1
                        if all(flag for _word, flag in gram):
                            inside[term] += 1
        terms = sorted(
            term
            for term, count in inside.items()
            if count >= min_count and count / seen[term] >= precision and len(term) >= 2 and not term.isdigit()
        )
        OUT.parent.mkdir(parents=True, exist_ok=True)
        meta = {"source": "ViHOS train (MIT)", "min_count": min_count, "precision": precision, "terms": terms}
        OUT.write_text(json.dumps(meta, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(terms)} terms written to {OUT}")
