"""Build the offensive-terms lexicon shipped with citydesk from ViHOS train (MIT licence).

    python manage.py build_offensive_lexicon [--data ../shared/data/vihos] [--min-count 6] [--precision 0.8]

ViHOS marks the characters of hateful or offensive words in 8,844 training comments. A term (one to
three words inside a marked span) is kept when it appears at least --min-count times and is inside a
marked span at least --precision of the times it appears at all. The result (terms only, no comment
text) is written to citydesk/community/data/offensive_terms.json.
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
# Kept out although ViHOS marks them: political labels (moderation never judges opinion) and everyday
# words that are offensive only in some contexts (the spans around them still count).
EXCLUDED = {
    "phản động", "bán nước", "nô lệ", "nô", "nhồi", "nhồi sọ", "dân đen", "tử hình", "thượng đẳng",
    "ác", "bám", "bẩn", "chôn", "chết", "chém", "cướp", "cỏ", "cắn", "dơ", "hù", "hắn", "khung", "lờ",
    "mã", "mả", "mồ", "mồm", "méo", "nát", "não", "nổ", "rách", "thối", "tàn", "vịt", "ấu", "đám", "đậu",
    "nhanh hơn", "tay nhanh", "tay nhanh hơn", "ngục", "giết", "dai", "deo", "me", "má", "bú", "hùa",
    "lũ", "mụ", "bọn", "bọn chúng", "bọn nó", "chúng nó", "cha chúng", "mẹ chúng", "tụi nó", "mẹ",
    "khuyết", "khuyết tật", "thua cả", "van hoa", "xao", "su a", "ma y", "bo n", "chu ng", "ch ch",
    "thă", "thă ng", "l n", "đ m", "con di", "con đàn", "con đàn bà", "quả báo",
}  # fmt: skip


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
            if count >= min_count
            and count / seen[term] >= precision
            and len(term) >= 2
            and not term.isdigit()
            and term not in EXCLUDED
        )
        OUT.parent.mkdir(parents=True, exist_ok=True)
        meta = {"source": "ViHOS train (MIT)", "min_count": min_count, "precision": precision, "terms": terms}
        OUT.write_text(json.dumps(meta, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(terms)} terms written to {OUT}")
