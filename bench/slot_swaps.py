"""Hard cases for the same-claim decision, made from vnPara **dev** and our own rumour templates (never
from the test split): slot swaps (one key slot changed: disease, place, country, organisation,
number, date, direction, negation) must not be judged the same claim; true copies (no marks,
teencode, chatter around it, reworded) must be.

Every list is split in two halves by a stable hash of its items: the difference model is fitted on
swaps drawn from the "fit" half and dev sentences of even id, and evaluated on the "eval" half and dev
sentences of odd id, so the figures are on entities and sentences it never saw.
"""

import hashlib
import json
import random
import re
from pathlib import Path

from bench.variants import no_diacritics, teencode
from citydesk.matching.normalize import fold

DATA = Path(__file__).resolve().parent.parent / "citydesk" / "matching" / "data"
FAMILIES = ("disease", "place", "country", "organisation", "number", "date", "direction", "negation")
COPIES = ("no_marks", "teencode", "chatter", "reworded")

# Our own lists and templates (general knowledge, written for this bench).
DISEASES = [
    "sốt xuất huyết",
    "tiểu đường",
    "ung thư phổi",
    "ung thư gan",
    "cao huyết áp",
    "đột quỵ",
    "viêm gan B",
    "bệnh sởi",
    "thủy đậu",
    "tay chân miệng",
    "bạch hầu",
    "lao phổi",
    "viêm phổi",
    "cúm A",
    "sốt rét",
    "suy thận",
    "bệnh gút",
    "hen suyễn",
    "trầm cảm",
    "mất ngủ",
    "béo phì",
    "đau dạ dày",
    "viêm xoang",
    "zona thần kinh",
    "đau khớp",
    "sỏi thận",
    "mỡ máu",
    "thoái hóa cột sống",
    "viêm da cơ địa",
    "bệnh dại",
    "quai bị",
    "ung thư vú",
]
ORGANISATIONS = [
    "Bộ Y tế",
    "Bộ Công an",
    "Bộ Giáo dục và Đào tạo",
    "Bộ Tài chính",
    "Bộ Giao thông vận tải",
    "Sở Y tế",
    "Sở Giáo dục",
    "Ủy ban nhân dân thành phố",
    "Công an tỉnh",
    "Bệnh viện Bạch Mai",
    "Bệnh viện Chợ Rẫy",
    "Ngân hàng Nhà nước",
    "Tổng cục Thuế",
    "Cục An toàn thực phẩm",
    "Tập đoàn Điện lực",
    "Tổ chức Y tế Thế giới",
    "Viettel",
    "Vietnam Airlines",
    "Trường Đại học Bách khoa",
    "Bảo hiểm xã hội",
    "Hội Chữ thập đỏ",
    "Đài Truyền hình Việt Nam",
]
COUNTRY_CODES = [
    "CN",
    "JP",
    "KR",
    "US",
    "GB",
    "FR",
    "DE",
    "RU",
    "TH",
    "LA",
    "KH",
    "AU",
    "IT",
    "IN",
    "SG",
    "MY",
    "ID",
    "PH",
    "TW",
    "CA",
    "BR",
    "ES",
    "NL",
    "SE",
    "CH",
    "KP",
    "EG",
    "TR",
    "SA",
    "IR",
    "IL",
    "UA",
    "PL",
    "CZ",
    "NZ",
    "AR",
    "MX",
    "NG",
    "ZA",
]
PLACE_FORMS = {  # other ways people write some places (unmarked, abbreviated)
    "Hồ Chí Minh": ["TP.HCM", "TP HCM", "Sài Gòn"],
    "Hà Nội": ["HN", "Ha Noi"],
    "Đắk Lắk": ["Dak Lak", "Buôn Ma Thuột"],
}
REMEDIES = ["nước chanh nóng", "lá ổi", "tỏi sống", "nước gừng", "mật ong", "giấm táo", "lá tía tô", "nghệ"]
TEMPLATES = [
    "Uống {remedy} mỗi sáng chữa khỏi {disease} trong {n} ngày",
    "{organisation} cảnh báo {disease} đang lây lan nhanh ở {place}",
    "Từ ngày {day}/{month}, {place} sẽ tăng giá điện thêm {n}%",
    "{place} cấm xe máy vào trung tâm từ năm {year}",
    "Hàng {country} nhiễm chất độc đang được bán tràn lan tại {place}",
    "Giám đốc {organisation} vừa bị bắt vì nhận hối lộ {n} tỷ đồng",
    "Người {country} mua hết đất ở {place} để xây sân bay",
    "Vắc xin {disease} của {country} làm {n} trẻ em tử vong",
    "{organisation} sẽ phát {n} triệu đồng cho mỗi người dân {place}",
    "Học sinh {place} được nghỉ học {n} ngày vì {disease}",
    "Trường học ở {place} sẽ mở cửa trở lại vào thứ {weekday}",
    "{organisation} xác nhận {place} có {n} ca {disease} mới trong ngày {day}/{month}",
    "Ăn {remedy} mỗi ngày giúp phòng ngừa {disease}, theo {organisation}",
    "Giá xăng tại {country} đã giảm {n}% từ tháng {month}",
]
# Disease templates written on 2 December 2026 AFTER the decision's rules were set, as a check of how
# the disease rules hold on sentences they were never shaped on. Never tune on them (the first run of
# these is quoted in docs/matching.md); write new ones for the next check.
CHECK_DISEASE_TEMPLATES = [
    "Bác sĩ khuyên người mắc {d} không nên ăn trứng vào buổi tối",
    "Một loại lá mọc ven đường có thể đẩy lùi {d} chỉ sau một tuần",
    "Xã Phước Hòa ghi nhận hàng trăm người nhiễm {d} sau khi uống nước giếng",
    "Tiêm vắc xin cúm làm tăng nguy cơ {d} ở người già",
    "Bảo hiểm y tế sẽ không chi trả cho bệnh nhân {d} từ tháng sau",
    "Nhiều trẻ nhỏ ở huyện Bình Chánh nhập viện do {d} trong tuần qua",
    "Uống cà phê buổi sáng gây ra {d} ở phụ nữ",
    "Thuốc nam của ông lang ở Tây Ninh trị dứt điểm {d}",
]


def check_disease_swaps(part: str, per_template: int = 25, seed: int = 7) -> list[tuple[str, str]]:
    """Pairs of the check templates with two different diseases of one half of the list."""
    rng = random.Random(seed)
    diseases = lists(part)["disease"]
    pairs = []
    for template in CHECK_DISEASE_TEMPLATES:
        for _ in range(per_template):
            a, b = rng.sample(diseases, 2)
            pairs.append((template.format(d=a), template.format(d=b)))
    return pairs


WEEKDAYS = ["hai", "ba", "tư", "năm", "sáu", "bảy"]
DIRECTIONS = [
    ("tăng", "giảm"),
    ("mở cửa", "đóng cửa"),
    ("cấm", "cho phép"),
    ("nhập khẩu", "xuất khẩu"),
    ("thắng", "thua"),
    ("ủng hộ", "phản đối"),
    ("miễn phí", "thu phí"),
    ("an toàn", "nguy hiểm"),
    ("dương tính", "âm tính"),
    ("mở rộng", "thu hẹp"),
]
NEGATION_SITES = [
    ("sẽ", "sẽ không"),
    ("đã", "chưa"),
    ("được", "không được"),
    ("có thể", "không thể"),
    ("là", "không phải là"),
]
CHATTER = [
    ("Mọi người ơi, ", " Có thật không ạ?"),
    ("Nghe nói ", ", ai biết không?"),
    ("Share gấp: ", "!!!"),
    ("Cho mình hỏi: ", " đúng không vậy?"),
    ("Tin nóng: ", ". Xin kiểm chứng giúp."),
]
REWORDINGS = [
    ("cho biết", "nói"),
    ("tuy nhiên", "nhưng"),
    ("hiện nay", "bây giờ"),
    ("rất", "cực kỳ"),
    ("nhanh", "nhanh chóng"),
    ("mỗi sáng", "sáng nào cũng"),
    ("chữa khỏi", "trị khỏi"),
    ("vừa bị bắt", "đã bị bắt"),
    ("đang", "hiện đang"),
    ("tràn lan", "khắp nơi"),
    ("người dân", "dân"),
    ("giúp", "có thể giúp"),
]


def half(item: str) -> str:
    """'fit' or 'eval', stable across runs and machines."""
    return "fit" if hashlib.blake2b(fold(item.lower()).encode(), digest_size=2).digest()[0] % 2 == 0 else "eval"


def _lists() -> dict[str, list[str]]:
    places = json.loads((DATA / "places.json").read_text(encoding="utf-8"))
    countries = json.loads((DATA / "countries.json").read_text(encoding="utf-8"))["names"]
    place_names = [row["name"] for row in places["provinces"]]
    place_names += [
        re.sub(r"\s*\(.*\)", "", row["name"])
        for row in places["districts"]
        if row["type"] == "Thành phố" and len(row["name"].split()) >= 2 and not row["name"][0].isdigit()
    ]
    return {
        "disease": DISEASES,
        "organisation": ORGANISATIONS,
        "country": [countries[code].split(",")[0] for code in COUNTRY_CODES if code in countries],
        "place": sorted(set(place_names)),
    }


def lists(part: str) -> dict[str, list[str]]:
    return {family: [item for item in items if half(item) == part] for family, items in _lists().items()}


def _place_form(place: str, rng: random.Random) -> str:
    forms = PLACE_FORMS.get(place)
    return rng.choice([place, *forms]) if forms else place


def _fill(template: str, values: dict) -> str:
    return template.format(**values)


def _values(rng: random.Random, pools: dict[str, list[str]]) -> dict:
    return {
        "disease": rng.choice(pools["disease"]),
        "organisation": rng.choice(pools["organisation"]),
        "country": rng.choice(pools["country"]),
        "place": _place_form(rng.choice(pools["place"]), rng),
        "remedy": rng.choice(REMEDIES),
        "n": str(rng.randint(2, 95)),
        "day": str(rng.randint(1, 28)),
        "month": str(rng.randint(1, 12)),
        "year": str(rng.randint(2020, 2030)),
        "weekday": rng.choice(WEEKDAYS),
    }


def _other(rng: random.Random, items: list[str], current: str) -> str:
    choices = [item for item in items if fold(item.lower()) != fold(current.lower())]
    return rng.choice(choices)


def _swap_number(text: str, rng: random.Random, date: bool) -> str | None:
    pattern = r"(?<=ngày )\d+|(?<=tháng )\d+|(?<=năm )\d+|\d+(?=/)|(?<=/)\d+" if date else r"\d+"
    found = [m for m in re.finditer(pattern, text)]
    if not date:
        dates = {
            (m.start(), m.end())
            for m in re.finditer(r"(?<=ngày )\d+|(?<=tháng )\d+|(?<=năm )\d+|\d+(?=/)|(?<=/)\d+", text)
        }
        found = [m for m in found if (m.start(), m.end()) not in dates]
    if not found:
        if date and "thứ " in text:
            for day in WEEKDAYS:
                if f"thứ {day}" in text:
                    return text.replace(f"thứ {day}", f"thứ {_other(rng, WEEKDAYS, day)}", 1)
        return None
    match = rng.choice(found)
    value = int(match.group())
    new = value + rng.choice([1, 2, 3, 5, 10]) * rng.choice([1, -1]) if value > 10 else value + rng.randint(1, 5)
    if new <= 0:
        new = value + 1
    return text[: match.start()] + str(new) + text[match.end() :]


def _swap_phrase(text: str, pairs, rng: random.Random) -> str | None:
    lowered = text.lower()
    options = []
    for x, y in pairs:
        for old, new in ((x, y), (y, x)):
            for match in re.finditer(rf"(?<!\w){re.escape(old)}(?!\w)", lowered):
                options.append((match.start(), match.end(), new))
    if not options:
        return None
    start, end, new = rng.choice(options)
    return text[:start] + new + text[end:]


def _swap_item(text: str, items: list[str], rng: random.Random, family: str) -> str | None:
    # A name is matched as written, marks included, and names (all but diseases) with their capitals:
    # folded and lower-cased, "Pháp" would be found in "biện pháp" and "Đức" in "giáo dục", and the
    # "swap" would be a broken sentence, not another country.
    folded = fold(text.lower())
    haystack = text if family != "disease" else text.lower()

    def as_written(item: str) -> str:
        return item if family != "disease" else item.lower()

    present = [item for item in items if re.search(rf"(?<!\w){re.escape(as_written(item))}(?!\w)", haystack)]
    if family == "place":
        for place, forms in PLACE_FORMS.items():
            present += [form for form in forms if form.lower() in text.lower() and place in items]
    if not present:
        return None
    item = max(present, key=len)
    found = re.search(rf"(?<!\w){re.escape(as_written(item))}(?!\w)", haystack)
    start = found.start() if found else text.lower().index(item.lower())
    replacement = _other(rng, [i for i in items if fold(i.lower()) not in folded], item)
    if family == "place":
        replacement = _place_form(replacement, rng)
    return text[:start] + replacement + text[start + len(item) :]


def swap(text: str, family: str, pools: dict[str, list[str]], rng: random.Random) -> str | None:
    """text with one slot of the family changed, or None if it has none."""
    if family in pools:
        return _swap_item(text, pools[family], rng, family)
    if family in ("number", "date"):
        return _swap_number(text, rng, family == "date")
    if family == "direction":
        return _swap_phrase(text, pools["directions"], rng)
    if family == "negation":
        return _swap_phrase(text, [(x, y) for x, y in NEGATION_SITES], rng)
    return None


def copy(text: str, kind: str, rng: random.Random) -> str:
    """A true copy of text, as a tipster would send it."""
    if kind == "no_marks":
        return no_diacritics(text)
    if kind == "teencode":
        return teencode(text)
    if kind == "chatter":
        before, after = rng.choice(CHATTER)
        return before + text.rstrip(" .") + after
    reworded = text
    for old, new in REWORDINGS:
        reworded = re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, reworded)
    if reworded == text:
        reworded = "Có tin " + text[0].lower() + text[1:]
    return reworded


def sentences(dev: list[dict], part: str) -> list[str]:
    """Distinct dev sentences of that part (even ids: fit, odd ids: eval)."""
    wanted = 0 if part == "fit" else 1
    return list(dict.fromkeys(r["sentence1"] for r in dev if r["id"] % 2 == wanted))


def build(dev: list[dict], part: str, per_family: int, seed: int = 19) -> dict[str, list[tuple[str, str]]]:
    """{family or copy kind: [(stored claim, tip)]}: swaps from dev sentences and templates filled from
    the part's half of each list; copies of the same."""
    rng = random.Random(f"{seed}-{part}")
    pools = lists(part)
    pools["directions"] = [pair for pair in DIRECTIONS if half(pair[0]) == part] or DIRECTIONS
    rumours = [_fill(rng.choice(TEMPLATES), _values(rng, pools)) for _ in range(per_family * 3)]
    corpus = sentences(dev, part)
    rng.shuffle(corpus)
    out: dict[str, list[tuple[str, str]]] = {}
    for family in FAMILIES:
        pairs = []
        # Half from real dev sentences where the slot occurs, the rest from our templates.
        for source in (corpus, rumours):
            for text in source:
                if len(pairs) >= per_family * (1 if source is rumours else 0.5):
                    break
                swapped = swap(text, family, pools, rng)
                if swapped and fold(swapped.lower()) != fold(text.lower()):
                    pairs.append((text, swapped))
        out[family] = pairs
    originals = corpus[: per_family // 2] + rumours[: per_family - per_family // 2]
    for kind in COPIES:
        out[f"copy_{kind}"] = [(text, copy(text, kind, rng)) for text in originals]
    return out


def content_swaps(dev: list[dict], count: int, seed: int = 7) -> list[tuple[str, str]]:
    """A content word replaced by an unrelated content word from another dev sentence (fit part only):
    the guard for things no list knows."""
    from pyvi import ViTokenizer

    rng = random.Random(seed)
    corpus = sentences(dev, "fit")
    compounds = sorted(
        {word.replace("_", " ") for text in corpus[:400] for word in ViTokenizer.tokenize(text).split() if "_" in word}
    )
    compounds = [c for c in compounds if c[0].islower() or c[0].isupper()]
    pairs = []
    for text in corpus:
        if len(pairs) >= count:
            break
        words = [w for w in ViTokenizer.tokenize(text).split() if "_" in w]
        if not words:
            continue
        word = rng.choice(words).replace("_", " ")
        pairs.append((text, text.replace(word, rng.choice(compounds), 1)))
    return pairs
