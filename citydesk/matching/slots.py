"""What differs between two texts: the key slots of a claim (places, countries, diseases, organisations,
people's titles, numbers, dates, directions, negation) and the content words one text has and the
other does not.

Two texts are aligned word by word (folded syllables, after the marks were put back on a bare text);
a slot *differs* when both texts fill it and no value of one is compatible with a value of the other
("Hà Nội" / "Đà Nẵng"; "Buôn Ma Thuột" is compatible with "Đắk Lắk", the province it lies in), or when a
negation or a direction word stands on one side only of what differs ("sẽ" / "sẽ không", "tăng" /
"giảm"). `Difference.in_place` says which of negation, direction and `wording` were found in place:
the negation or the opposite in one aligned span that is otherwise the same, or a noun phrase in
place of another as the only difference; those refuse "same" (decision.py), the rest only "sure".
Lists: data/places.json (administrative units), data/countries.json (CLDR),
data/stopwords.json (stopwords-iso); see data/README.md for their sources and licences.
"""

import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from pyvi import ViPosTagger, ViTokenizer

from .normalize import Normalized, fold
from .syllables import is_syllable

_DATA = Path(__file__).with_name("data")
_WORD = re.compile(r"[^\W_]+")
MAX_NAME = 5  # longest name, in syllables
CLOSE = 3  # content words one side may lack for the word-by-word rules to apply
MAX_CONDITION = 5  # longest span, in syllables, the condition probe reads ("ung thư cổ tử cung")
KEY_FAMILIES = (
    "disease",
    "place",
    "country",
    "organisation",
    "title",
    "number",
    "date",
    "direction",
    "negation",
)

# Own additions, general Vietnamese usage (not from any test case): other names of places and
# countries people write, the words that mark an office, a person's title, a health condition, a date,
# and pairs of opposite directions.
_PLACE_ALIASES = {
    "sai gon": "thanhphohochiminh",
    "saigon": "thanhphohochiminh",
    "tphcm": "thanhphohochiminh",
    "tp hcm": "thanhphohochiminh",
    "thanh pho hcm": "thanhphohochiminh",
    "hn": "thanhphohanoi",
    "hanoi": "thanhphohanoi",
    "dak lak": "tinhdaklak",
    "daklak": "tinhdaklak",
    "dac lac": "tinhdaklak",
    "dak lac": "tinhdaklak",
    "dac lak": "tinhdaklak",
    "bmt": "tinhdaklak/thanhphobuonmathuot",
}
_COUNTRY_ALIASES = {"mỹ": "US", "anh": "GB", "nhật": "JP", "hàn": "KR", "úc": "AU", "ý": "IT"}
_COUNTRY_MARKERS = {"nước", "người", "tại", "ở", "sang", "từ", "bên", "hàng", "thăm", "phía", "của"}
_DISTRICT_MARKERS = {"quận", "huyện", "thị xã", "thành phố", "tp", "q", "h", "tx"}
_ORGANISATION_HEADS = [
    "bộ",
    "sở",
    "cục",
    "tổng cục",
    "ủy ban nhân dân",
    "ủy ban",
    "công an",
    "bệnh viện",
    "trường",
    "trường đại học",
    "đại học",
    "công ty",
    "tập đoàn",
    "ngân hàng",
    "viện",
    "hội",
    "phòng",
    "chi cục",
    "ban",
    "tòa án",
    "viện kiểm sát",
    "quân khu",
    "đài",
    "báo",
]
_TITLES = [
    "thủ tướng",
    "phó thủ tướng",
    "chủ tịch",
    "phó chủ tịch",
    "tổng bí thư",
    "bí thư",
    "bộ trưởng",
    "thứ trưởng",
    "giám đốc",
    "phó giám đốc",
    "tổng giám đốc",
    "trưởng phòng",
    "trưởng công an",
    "tổng thống",
    "hiệu trưởng",
    "bác sĩ",
    "giáo sư",
    "tiến sĩ",
    "đại tá",
    "thượng tá",
    "trung tá",
    "thiếu tá",
    "đại úy",
    "thiếu tướng",
    "trung tướng",
    "đại tướng",
    "chánh án",
    "viện trưởng",
    "cục trưởng",
    "tổng cục trưởng",
    "chủ nhiệm",
    "đại biểu",
    "phó bí thư",
    "trưởng ban",
    "y tá",
    "điều dưỡng",
    "giáo viên",
    "ca sĩ",
    "diễn viên",
]
_DISEASE_HEADS = [
    "bệnh",
    "sốt",
    "ung thư",
    "viêm",
    "hội chứng",
    "nhiễm",
    "dịch",
    "cúm",
    "virus",
    "vi rút",
    "suy",
    "rối loạn",
    "đau",
    "bệnh nhân",
    "chứng",
    "u",
]
# Common words in which an office word is only a syllable ("đổ bộ": to land, "cơ sở": a base, "báo cáo":
# a report): the office word is not a head there (the word before it, or the word after it).
_NOT_OFFICE_AFTER = {
    "bộ": {"đổ", "tiến", "cán", "toàn", "nội", "sơ", "đồng", "đi", "thủy", "bách"},
    "sở": {"cơ", "trụ", "cư"},
    "cục": {"bố", "kết", "thâm"},
    "hội": {"xã", "cơ", "lễ", "đại", "dạ"},
    "báo": {"cảnh", "thông", "dự", "tình", "nhà", "tờ"},
    "phòng": {"đề", "dự", "quốc", "văn"},
    "trường": {"thị", "môi", "hiện", "lập", "chiến", "quảng", "phi", "đấu", "sân"},
    "ban": {"phân"},
    "đài": {"lâu"},
}
_NOT_OFFICE_BEFORE = {
    "bộ": {"phận", "máy", "đội", "phim", "luật", "trưởng", "đồ", "sưu", "quần", "mặt", "não", "nhớ"},
    "sở": {"hữu", "thích", "dĩ", "trường", "đoản"},
    "cục": {"bộ", "diện", "súc", "tác"},
    "hội": {"nghị", "thảo", "viên", "chứng", "tụ", "họp", "nhập", "đủ", "thoại", "ý", "đàm"},
    "báo": {"cáo", "động", "hiệu", "thù", "đáp", "mộng", "tin", "giá"},
    "phòng": {"ngừa", "chống", "tránh", "bệnh", "dịch", "cháy", "hờ", "thân", "vệ", "thủ", "ngủ", "khách", "tắm"},
    "ban": {"hành", "đầu", "ngày", "đêm", "bố", "phát", "công"},
    "viện": {"trợ", "dẫn", "phí", "cớ"},
    "trường": {"hợp", "độ", "kỳ", "tồn", "thọ"},
    "đài": {"loan", "thọ"},
    "u": {"ám", "mê", "uất", "sầu", "buồn"},
}
# Words after which a health condition is named ("chữa khỏi tiểu đường", "vắc xin sởi", "ca sốt rét"):
# what such a word governs is the disease slot even when no head word ("bệnh", "sốt") says so.
_DISEASE_CONTEXT = [
    "chữa",
    "chữa khỏi",
    "chữa trị",
    "trị",
    "trị khỏi",
    "điều trị",
    "phòng ngừa",
    "ngừa",
    "phòng chống",
    "mắc",
    "mắc bệnh",
    "vắc xin",
    "vaccine",
    "ca",
    "triệu chứng",
]
_DATE_WORDS = {"ngày", "tháng", "năm", "quý", "tuần"}
_WEEKDAYS = {
    "thứ hai": "mon",
    "thứ ba": "tue",
    "thứ tư": "wed",
    "thứ năm": "thu",
    "thứ sáu": "fri",
    "thứ bảy": "sat",
    "chủ nhật": "sun",
    "hôm nay": "today",
    "hôm qua": "yesterday",
    "ngày mai": "tomorrow",
    "tuần này": "this-week",
    "tuần trước": "last-week",
    "tuần sau": "next-week",
    "tuần tới": "next-week",
    "năm nay": "this-year",
    "năm ngoái": "last-year",
    "năm sau": "next-year",
    "năm tới": "next-year",
    "tháng này": "this-month",
    "tháng trước": "last-month",
    "tháng sau": "next-month",
    "tháng tới": "next-month",
    "sáng nay": "this-morning",
    "tối nay": "tonight",
}
_OPPOSITES = [
    ("tăng", "giảm"),
    ("tăng", "hạ"),
    ("mở", "đóng"),
    ("mở cửa", "đóng cửa"),
    ("cấm", "cho phép"),
    ("cấm", "được phép"),
    ("lên", "xuống"),
    ("cao", "thấp"),
    ("nhiều", "ít"),
    ("thắng", "thua"),
    ("đồng ý", "phản đối"),
    ("ủng hộ", "phản đối"),
    ("bắt đầu", "kết thúc"),
    ("mua", "bán"),
    ("nhập khẩu", "xuất khẩu"),
    ("miễn phí", "thu phí"),
    ("hợp pháp", "bất hợp pháp"),
    ("an toàn", "nguy hiểm"),
    ("sống", "chết"),
    ("tăng cường", "cắt giảm"),
    ("đúng", "sai"),
    ("thật", "giả"),
    ("trước", "sau"),
    ("hoãn", "tổ chức"),
    ("bắt", "thả"),
    ("nóng", "lạnh"),
    ("mới", "cũ"),
    ("dương tính", "âm tính"),
    ("tốt", "xấu"),
    ("lợi", "hại"),
    ("thêm", "bớt"),
    ("khởi công", "dừng"),
    ("tiếp tục", "dừng"),
    ("tiếp tục", "tạm dừng"),
    ("mở rộng", "thu hẹp"),
    ("tăng giá", "giảm giá"),
    ("hủy", "giữ"),
]
NEGATIONS = {"không", "chưa", "chẳng", "chả", "đừng", "chớ", "không hề", "chưa hề", "không phải"}
# Words that start with a negation syllable but deny nothing ("không khí": air).
_NOT_NEGATION = {
    "không khí",
    "không gian",
    "không quân",
    "không trung",
    "không phận",
    "không chỉ",
    "không những",
    "không ít",
    "chưa kể",
    "không lâu",
    "không ngừng",
    "không ai",
}
_UNMARKED_NEGATIONS = {"khong", "chang"}  # unambiguous even without marks
# Words that go with a negation or its positive counterpart in the same place: "là" / "không phải là",
# "chưa hề", "đã" / "chưa", "có thể" / "không thể", "được" / "không được", "đã … rồi" / "chưa".
_POLARITY_COMPANIONS = {"phải", "hề", "có", "đã", "rồi", "phai", "he", "co", "da", "roi"}
# "…có thật không?", "…đúng không vậy?", "…chưa ạ?": a question tag, not a negation.
_TAG_BEFORE = {"thật", "đúng", "phải", "hay", "that", "dung", "phai"}
_PARTICLES = {
    "ạ",
    "vậy",
    "nhỉ",
    "nhé",
    "hả",
    "à",
    "hở",
    "ta",
    "mọi",
    "người",
    "ơi",
    "a",
    "vay",
    "nhi",
    "nhe",
    "ha",
    "ho",
    "moi",
    "nguoi",
    "oi",
}


_PAUSES = set("?!.,;:…)\"'”")


def _question_tag(words: "Tokens", i: int) -> bool:
    """ "…có thật không?", "…đúng không vậy": "không" asks, it does not deny. After "thật", "đúng",
    "phải" only where the text pauses or ends ("cần phải *không* được đánh giá" denies); "… hay không"
    (or not) wherever it stands ("dù muốn hay không thì …")."""
    previous = words.marked[i - 1] if i else ""
    pause = not words.pause_after or words.pause_after[i]
    return (
        previous in {"hay", "hoặc", "hoac"}
        or (previous in _TAG_BEFORE and pause)
        or all(word in _PARTICLES for word in words.marked[i + 1 :])
    )


@dataclass(frozen=True)
class Mention:
    family: str
    key: str  # what is compared (an id, a folded name)
    label: str  # as written, for the explanation
    start: int  # token positions
    end: int
    within: str = ""  # the larger unit it lies in (a district's province)


@dataclass
class Difference:
    """What two texts share and where they differ, family by family."""

    matched: dict[str, list[str]] = field(default_factory=dict)
    differ: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    only_one: dict[str, list[str]] = field(default_factory=dict)
    content_a: list[str] = field(default_factory=list)  # content words of a's differing spans, not in b
    content_b: list[str] = field(default_factory=list)
    content_total: int = 0  # content words in both texts
    replaced: int = 0  # differing spans where both texts have content words the other lacks
    # In a close pair, each span where one text has content words in place of the other's (a's, b's).
    replacements: list[tuple[list[str], list[str]]] = field(default_factory=list)
    # Families of `differ` found *in place*: a negation added or removed, or a direction word replaced
    # by its opposite, where the two texts are otherwise the same ("sẽ" / "sẽ không", "tăng" / "giảm").
    in_place: set[str] = field(default_factory=set)
    # The "wording" spans are short and written with their marks but no noun or cause word put them in
    # place: decision.judge_pair asks the condition probe whether both name a health condition.
    condition_check: bool = False

    @property
    def key_slot_differs(self) -> bool:
        return bool(self.differ)

    def explanation(self) -> dict:
        """A JSON-ready account: which slots matched, which differ (a's values, b's values), which
        are named by one text only."""
        return {
            "matched": {family: values for family, values in self.matched.items()},
            "differ": {family: {"a": a, "b": b} for family, (a, b) in self.differ.items()},
            "only_one": {family: values for family, values in self.only_one.items()},
            "content_a": self.content_a[:8],
            "content_b": self.content_b[:8],
        }


def _phrase_table(phrases: dict[str, str]) -> dict[tuple[str, ...], str]:
    return {tuple(phrase.split()): key for phrase, key in phrases.items() if phrase}


@lru_cache(maxsize=1)
def _lists() -> dict:
    places = json.loads((_DATA / "places.json").read_text(encoding="utf-8"))
    countries = json.loads((_DATA / "countries.json").read_text(encoding="utf-8"))
    stopwords = json.loads((_DATA / "stopwords.json").read_text(encoding="utf-8"))
    place_names: dict[str, str] = {}
    within: dict[str, str] = {}
    labels: dict[str, str] = {}
    marked_districts: dict[str, str] = {}
    for row in places["provinces"]:
        folded = fold(row["name"].lower()).replace("-", " ")
        for name in {folded, " ".join(folded.split()), "".join(folded.split()), *row["short"]}:
            place_names[" ".join(name.split())] = row["key"]
        if row["key"] == "tinhbariavungtau":
            place_names["vung tau"] = place_names["ba ria"] = row["key"]
        labels[row["key"]] = row["name"]
    for row in places["districts"]:
        key = f"{row['province']}/{row['key']}"
        within[key] = row["province"]
        labels[key] = f"{row['type']} {row['name']}"
        folded = " ".join(fold(row["name"].lower()).split())
        if not folded or folded[0].isdigit():
            continue  # "Quận 1": a number, compared as numbers
        if row["type"] in ("Thành phố", "Thị xã") and len(folded.split()) >= 2:
            place_names.setdefault(folded, key)  # cities and towns are named bare ("Buôn Ma Thuột")
        marked_districts.setdefault(folded, key)  # every district after "quận"/"huyện"
    for alias, key in _PLACE_ALIASES.items():
        place_names[alias] = key
        if "/" in key:
            within[key] = key.split("/")[0]
            labels.setdefault(key, "Buôn Ma Thuột")
    labels["thanhphohochiminh"] = "TP. Hồ Chí Minh"
    country_names, country_single = {}, {}
    for code, name in countries["names"].items():
        lowered = name.lower().split(",")[0].strip()
        folded = fold(lowered).replace("-", " ")
        if len(folded.split()) == 1 and is_syllable(folded):
            country_single[lowered] = code  # "nga", "lào", "pháp": only after "nước", "người", "tại"…
        else:
            country_names[" ".join(folded.split())] = code
        labels[f"country:{code}"] = name
    for alias, code in _COUNTRY_ALIASES.items():
        country_single[alias] = code
    negation_words = {word for phrase in NEGATIONS for word in phrase.split()}
    marked_function = {word for word in stopwords["words"] if " " not in word} - negation_words
    # Folded, the list would also swallow content words that fold the same ("tài" → "tai" as "tại",
    # "đỏ" → "do"): a text with marks is checked against the marked words.
    function_words = {fold(word) for word in marked_function} - {fold(word) for word in negation_words}
    return {
        "places": _phrase_table(place_names),
        "districts": _phrase_table(marked_districts),
        "within": within,
        "labels": labels,
        "countries": _phrase_table(country_names),
        "country_single": country_single,
        "country_single_folded": {fold(name): code for name, code in country_single.items()},
        "function": function_words,
        "marked_function": marked_function,
        "organisations": _phrase_table({head: head for head in _ORGANISATION_HEADS}),
        "titles": _phrase_table({title: title for title in _TITLES}),
        "diseases": _phrase_table({head: head for head in _DISEASE_HEADS}),
        "disease_context": {tuple(phrase.split()) for phrase in _DISEASE_CONTEXT},
        "weekdays": _phrase_table(_WEEKDAYS),
        "weekdays_folded": _phrase_table({fold(phrase): key for phrase, key in _WEEKDAYS.items()}),
        "negations": _phrase_table({n: n for n in NEGATIONS}),
        "not_negation": _phrase_table({n: n for n in _NOT_NEGATION}),
    }


def _longest(table: dict[tuple[str, ...], str], words: list[str], start: int) -> tuple[int, str] | None:
    for length in range(min(MAX_NAME, len(words) - start), 0, -1):
        key = table.get(tuple(words[start : start + length]))
        if key is not None:
            return length, key
    return None


@dataclass(frozen=True)
class Tokens:
    marked: list[str]  # as written (or with marks put back), lower case
    folded: list[str]
    has_marks: bool
    # Per word: the text pauses after it (a punctuation mark or the end): where a question tag can stand.
    pause_after: tuple[bool, ...] = ()


def _keys(words: Tokens) -> list[str]:
    """The words two texts are aligned on: as written when they carry marks, else folded."""
    return words.marked if words.has_marks else words.folded


def tokens(normalized: Normalized) -> Tokens:
    text = normalized.text
    matches = list(_WORD.finditer(text))
    pauses = []
    for k, match in enumerate(matches):
        gap = text[match.end() : matches[k + 1].start() if k + 1 < len(matches) else len(text)].strip()
        pauses.append(k + 1 == len(matches) or gap[:1] in _PAUSES)
    marked = [match.group() for match in matches]
    return Tokens(marked, [fold(word) for word in marked], normalized.has_diacritics, tuple(pauses))


def is_content(folded_word: str) -> bool:
    return folded_word.isalpha() and folded_word not in _lists()["function"]


def content_flags(words: "Tokens") -> list[bool]:
    """Which of the words are content words (not function words): by the marked word when the text
    carries marks, else by the folded one."""
    if not words.has_marks:
        return [is_content(word) for word in words.folded]
    function = _lists()["marked_function"]
    return [
        folded.isalpha() and marked not in function for marked, folded in zip(words.marked, words.folded, strict=True)
    ]


def mentions(words: Tokens) -> list[Mention]:
    """The slots a text fills, found in its words."""
    lists = _lists()
    folded, marked = words.folded, words.marked
    found: list[Mention] = []
    i = 0
    while i < len(folded):
        previous = marked[i - 1] if i else ""
        hit = _longest(lists["places"], folded, i)
        if previous in _DISTRICT_MARKERS or (i >= 2 and f"{marked[i - 2]} {previous}" in _DISTRICT_MARKERS):
            hit = _longest(lists["districts"], folded, i) or hit
        if hit:
            length, key = hit
            found.append(
                Mention("place", key, lists["labels"].get(key, key), i, i + length, lists["within"].get(key, key))
            )
            i += length
            continue
        hit = _longest(lists["countries"], folded, i)
        single = lists["country_single"].get(marked[i]) if words.has_marks else None
        # "người Anh" is also "the elder brother": "Anh" only after "nước", "tại"…
        if (
            hit is None
            and single
            and previous in _COUNTRY_MARKERS
            and not (single == "GB" and previous in {"người", "của"})
        ):
            hit = (1, single)
        if hit:
            length, code = hit
            found.append(Mention("country", code, lists["labels"].get(f"country:{code}", code), i, i + length))
            i += length
            continue
        i += 1
    found += _headed(words, "organisations", "organisation")
    found += _headed(words, "diseases", "disease")
    found += _titles(words)
    found += _dates_and_numbers(words)
    return found


def _headed(words: Tokens, table: str, family: str) -> list[Mention]:
    """An office or a health condition: its head word ("bộ", "bệnh") and the content words after it."""
    if not words.has_marks:
        return []  # "bộ"/"bố", "sở"/"số": the head needs its marks
    lists = _lists()
    out = []
    content = content_flags(words)
    i = 0
    while i < len(words.marked):
        hit = _longest(lists[table], words.marked, i)
        if not hit:
            i += 1
            continue
        length, head = hit
        end = i + length
        before = words.marked[i - 1] if i else ""
        after = words.marked[end] if end < len(words.marked) else ""
        if length == 1 and (before in _NOT_OFFICE_AFTER.get(head, ()) or after in _NOT_OFFICE_BEFORE.get(head, ())):
            i += 1
            continue
        while end < len(words.folded) and end - i - length < 3 and content[end]:
            if _longest(lists[table], words.marked, end) and end > i + length:
                break
            end += 1
        if end > i + length:
            # Compared by the head and its first word: "dịch tả bùng phát" / "dịch tả lan" agree. Head
            # words in a row count as the head: "bệnh nhân viêm *xoang*" / "bệnh nhân viêm *gan*", "bệnh
            # ung thư *phổi*" / "bệnh ung thư *gan*" differ.
            first = i + length
            while first + 1 < end and (nested := _longest(lists[table], words.marked, first)):
                first = min(first + nested[0], end - 1)
            key = " ".join(words.folded[i : first + 1])
            name = " ".join(words.folded[i:end])  # the whole name, in `within`
            out.append(Mention(family, key, " ".join(words.marked[i:end]), i, end, name))
        i = end
    return out


def _titles(words: Tokens) -> list[Mention]:
    if not words.has_marks:
        return []
    lists = _lists()
    out, i = [], 0
    while i < len(words.marked):
        hit = _longest(lists["titles"], words.marked, i)
        if hit:
            length, title = hit
            out.append(Mention("title", title, title, i, i + length))
            i += length
        else:
            i += 1
    return out


def _dates_and_numbers(words: Tokens) -> list[Mention]:
    lists = _lists()
    out = []
    for i, word in enumerate(words.folded):
        if word.isdigit():
            before = words.marked[i - 1] if i else ""
            family = "date" if before in _DATE_WORDS or (before.isdigit() and i >= 2) else "number"
            out.append(Mention(family, word, word, i, i + 1))
        else:
            hit = _longest(lists["weekdays"], words.marked, i) if words.has_marks else None
            if hit is None:
                # Typed without marks ("thu tu" for "thứ tư"; in a text whose marks were put back, the
                # words the other text lacks stay bare): read folded, when a word of it is bare — "thứ
                # tự" (an order) written with its marks is no weekday.
                hit = _longest(lists["weekdays_folded"], words.folded, i)
                # In a text with marks, "thứ"/"chủ" must be written so: "thu ba tỷ" is to collect three
                # billion; only the words after it may have stayed bare.
                if (
                    hit
                    and words.has_marks
                    and (
                        words.marked[i] not in {"thứ", "chủ"}
                        or not any(words.marked[k] == words.folded[k] for k in range(i + 1, i + hit[0]))
                    )
                ):
                    hit = None
            if hit:
                length, key = hit
                out.append(Mention("date", key, " ".join(words.marked[i : i + length]), i, i + length))
    return out


def _negations(words: Tokens, spans: list[tuple[int, int]]) -> list[str]:
    """Negation words inside the given token spans."""
    lists = _lists()
    found = []
    for start, end in spans:
        i = start
        while i < end:
            if words.has_marks:
                if _longest(lists["not_negation"], words.marked, i):
                    i += 2
                    continue
                hit = _longest(lists["negations"], words.marked, i)
                if hit:
                    if not _question_tag(words, i):
                        found.append("không")
                    i += hit[0]
                    continue
            # Bare text, or a bare "khong" left in a text whose marks were put back (the restorer had
            # not seen the word in the other text's wording).
            bare = not words.has_marks or words.marked[i] == words.folded[i]
            if bare and words.folded[i] in _UNMARKED_NEGATIONS and not _question_tag(words, i):
                following = words.folded[i + 1] if i + 1 < len(words.folded) else ""
                if fold(f"{words.marked[i]} {following}") not in {fold(n) for n in _NOT_NEGATION}:
                    found.append("không")
            i += 1
    return found


def _directions(words: Tokens, spans: list[tuple[int, int]]) -> set[tuple[str, int]]:
    """(pair id, side) of the direction words that overlap the spans (side 0 or 1 of an opposite
    pair): "thu phí" / "miễn phí" differ only in "thu" / "miễn", the phrase is still found."""
    found = set()
    # A word left bare in a text whose marks were put back ("giam": the other text never says "giảm")
    # is compared folded, as on a bare text.
    text = [
        folded if marked == folded or not words.has_marks else marked
        for marked, folded in zip(words.marked, words.folded, strict=True)
    ]
    by_first_word = _opposites_by_first_word()
    for i, first in enumerate(words.folded):
        # A phrase can start only where its first word, folded, is written (marked or bare).
        for pair_id, side, marked_words, folded_words in by_first_word.get(first, ()):
            size = len(marked_words)
            if (
                i + size <= len(text)
                and all(
                    token == (folded_words[k] if token == words.folded[i + k] else marked_words[k])
                    for k, token in enumerate(text[i : i + size])
                )
                and any(start < i + size and i < end for start, end in spans)
            ):
                found.add((pair_id, side))
    return found


@lru_cache(maxsize=1)
def _opposites_by_first_word() -> dict[str, list[tuple[int, int, list[str], list[str]]]]:
    """Each side of each opposite pair, under its first word folded: (pair id, side, words, folded words)."""
    index: dict[str, list] = {}
    for pair_id, pair in enumerate(_OPPOSITES):
        for side, phrase in enumerate(pair):
            marked_words, folded_words = phrase.split(), fold(phrase).split()
            index.setdefault(folded_words[0], []).append((pair_id, side, marked_words, folded_words))
    return index


def _compatible(x: Mention, y: Mention) -> bool:
    if x.key == y.key:
        return True
    if x.family == "place":
        return x.within == y.key or y.within == x.key or (x.within == y.within and "/" not in x.key + y.key)
    if x.family in ("disease", "organisation"):
        # "bệnh sốt xuất huyết" / "sốt xuất huyết": one name holds the other's head and first word.
        return f" {x.key} " in f" {y.within} " or f" {y.key} " in f" {x.within} "
    return False


NAMED_FAMILIES = ("disease", "place", "country", "organisation")


def _named_in_replaced_span(difference, mentions_a, mentions_b, words_a, words_b, span, replaced: bool) -> None:
    """A named thing that one text alone names, standing where the other text has other words: that
    slot is filled differently. `replaced`: each side has content words there the other text lacks
    ("chữa khỏi *sốt xuất huyết*" / "chữa khỏi *tiểu đường*"). Without them, only when the other side
    had a name of the same family there that it names again elsewhere ("cảm ơn *Nhật Bản* … hỗ trợ
    của Nhật Bản" / "cảm ơn *Philippines* … hỗ trợ của Nhật Bản": every word of the first text is
    still in the second, only the alignment says what changed); a reworded text that says "Việt Nam"
    where the other says "đó" is not a different country."""
    i1, i2, j1, j2 = span
    for family in NAMED_FAMILIES:
        if family in difference.differ:
            continue
        here_a = [m for m in mentions_a if m.family == family and m.start < i2 and m.end > i1]
        here_b = [m for m in mentions_b if m.family == family and m.start < j2 and m.end > j1]
        # Lone: compatible with no name of the family anywhere in the other text (a name written in
        # full on one side and shortened on the other, or a district and its province, match).
        lone_a = [m for m in here_a if not any(_compatible(m, n) for n in mentions_b)]
        lone_b = [m for m in here_b if not any(_compatible(m, n) for n in mentions_a)]
        if lone_a and (not here_b if replaced else here_b and not lone_b):
            difference.differ[family] = ([m.label for m in lone_a], [" ".join(words_b.marked[j1:j2])])
        elif lone_b and (not here_a if replaced else here_a and not lone_a):
            difference.differ[family] = ([" ".join(words_a.marked[i1:i2])], [m.label for m in lone_b])
        else:
            continue
        difference.only_one.pop(family, None)


def _country_word_for_country_word(difference, words, named, span) -> None:
    """A country written where the other text has another one, one of them a single syllable ("chính
    phủ *Nga*" / "chính phủ *Úc*", "du khách *Anh*" / "du khách *Malaysia*"): outside "nước", "người",
    "tại"… such a syllable may be a pronoun or a person's name ("anh", "Đức"), but one standing exactly
    where the other text has another country is the country slot. A syllable left bare ("sang *lao*" /
    "sang Hàn Quốc": typed without marks, not given them back) counts only in place of a country named
    in full: two bare syllables may be two pronouns ("y" / "anh")."""
    if "country" in difference.differ:
        return
    single, bare_single = _lists()["country_single"], _lists()["country_single_folded"]

    def whole(side: int, start: int, end: int) -> str | None:
        keys = [m.key for m in named[side] if m.family == "country" and (m.start, m.end) == (start, end)]
        return keys[0] if keys else None

    def one(side: int, start: int, end: int) -> tuple[str | None, bool]:
        """(country code, whether the syllable was bare)."""
        if end - start != 1:
            return None, False
        word, folded = words[side].marked[start], words[side].folded[start]
        if words[side].has_marks and word in single:
            return single[word], False
        return (bare_single.get(folded), True) if word == folded else (None, False)

    i1, i2, j1, j2 = span
    whole_a, whole_b = whole(0, i1, i2), whole(1, j1, j2)
    (one_a, bare_a), (one_b, bare_b) = one(0, i1, i2), one(1, j1, j2)
    code_a, code_b = whole_a or one_a, whole_b or one_b
    if (bare_a and not whole_a and not whole_b) or (bare_b and not whole_b and not whole_a):
        return
    if code_a and code_b and code_a != code_b:
        labels = _lists()["labels"]
        difference.differ["country"] = (
            [labels.get(f"country:{code_a}", code_a)],
            [labels.get(f"country:{code_b}", code_b)],
        )
        difference.only_one.pop("country", None)


def _unrelated_words_replaced(difference, matcher, words, content, named) -> None:
    """The guard for what no list knows: the texts differ in one span only, where each has content
    words and the two spans share no syllable ("nghỉ học vì *đau dạ dày*" / "nghỉ học vì *bạch hầu*",
    "*Bảo hiểm xã hội* xác nhận" / "*Viettel* xác nhận"). That may be a synonym ("tình huống" /
    "viễn cảnh": 10 of vnPara dev's 773 paraphrases differ so) or another disease, office or product:
    the words cannot tell which, so the slot is "wording", which refuses "sure" (no verdict, nothing
    joined) but not "same" (a suggestion to the desk)."""
    [(tag, i1, i2, j1, j2)] = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    (words_a, words_b), (content_a, content_b) = words, content
    mentions_a, mentions_b = named
    if (
        tag != "replace"
        or any(m.start < i2 and m.end > i1 for m in mentions_a)
        or any(m.start < j2 and m.end > j1 for m in mentions_b)
    ):
        # A named thing in the span: the rules above have judged it (TP.HCM / Sài Gòn is one place).
        return
    span_a, span_b = _keys(words_a)[i1:i2], _keys(words_b)[j1:j2]
    if set(span_a) & set(span_b) or not any(content_a[i1:i2]) or not any(content_b[j1:j2]):
        return
    difference.differ["wording"] = ([" ".join(words_a.marked[i1:i2])], [" ".join(words_b.marked[j1:j2])])
    # Both spans name a thing (a noun last, as pyvi's part-of-speech tagger reads
    # the sentence): one thing put in another's place ("nghỉ học vì *quai bị*" / "nghỉ học vì *đột
    # quỵ*", "*Viettel* xác nhận" / "*Bảo hiểm xã hội* xác nhận") is another claim; a verb or an
    # adjective replaced ("*kể*" / "*chia sẻ*") is how paraphrases reword.
    # e5 then tells a synonym from another thing (decision.judge_pair); an abbreviation of the other
    # span ("PV" / "phóng viên") is neither.
    if _abbreviates(span_a, span_b) or _abbreviates(span_b, span_a):
        return
    # Only on words written with their marks: a bare text whose marks were put back keeps the words
    # the other text lacks bare ("giai doan"), and e5 reads those poorly.
    # After a word that gives a cause ("nghỉ học *vì* mất ngủ" / "… *vì* quai bị"), the span is the cause
    # whatever its part of speech: a condition is often a verb phrase ("mất ngủ", "khó thở").
    cause = _cause_before(words_a, i1) and _cause_before(words_b, j1)
    if not (words_a.has_marks and _mostly_marked(words_a.marked[i1:i2]) and _mostly_marked(words_b.marked[j1:j2])):
        return
    if cause or (_named_last(words_a, i1, i2) and _named_last(words_b, j1, j2)):
        difference.in_place.add("wording")
    elif max(i2 - i1, j2 - j1) <= MAX_CONDITION:
        # pyvi reads many conditions as verbs or adjectives ("bị *táo bón*", "chữa được *loãng xương*"):
        # whether both spans name one is for the condition probe (decision.judge_pair).
        difference.condition_check = True


# Words that introduce the cause of what the sentence reports (general Vietnamese usage).
_CAUSE_WORDS = {("vì",), ("do",), ("bởi",), ("tại",), ("bởi", "vì"), ("tại", "vì"), ("nguyên", "nhân", "là")}


def _cause_before(words: "Tokens", start: int) -> bool:
    return any(tuple(words.marked[max(0, start - n) : start]) in _CAUSE_WORDS for n in (1, 2, 3) if start >= n)


def _mostly_marked(words: list[str]) -> bool:
    """At most half the words are Vietnamese syllables without their marks (a name such as "Viettel"
    is no syllable and counts as written)."""
    return 2 * sum(word == fold(word) and is_syllable(word) for word in words) <= len(words)


def _abbreviates(short: list[str], long: list[str]) -> bool:
    return len(short) == 1 and len(long) >= 2 and short[0] == "".join(word[0] for word in long)


_NOUN_TAGS = {"N", "Np", "Nc", "Ny", "Nb"}


@lru_cache(maxsize=256)
def _tagged(text: str) -> tuple[list[str], list[str]]:
    """pyvi's words (syllables joined by "_") and part-of-speech tags of a sentence."""
    return ViPosTagger.postagging(ViTokenizer.tokenize(text))


def _one_name(words: Tokens, start: int, end: int) -> bool:
    """The span is one word that is no Vietnamese syllable: a brand or a foreign name."""
    return end - start == 1 and words.marked[start].isalpha() and not is_syllable(fold(words.marked[start]))


def _named_last(words: Tokens, start: int, end: int) -> bool:
    """The span names a thing: a noun last (pyvi), or it is one word that is no Vietnamese syllable — a
    brand or a foreign name ("Viettel", "Vietcombank", "Samsung"), which the lower-cased text hides
    from pyvi's tagger."""
    return _one_name(words, start, end) or _noun_last(words, end)


def _noun_last(words: Tokens, end: int) -> bool:
    """Whether the word ending at token `end` is a noun (pyvi's tagger, on the whole sentence)."""
    tagged_words, tags = _tagged(" ".join(words.marked))
    per_syllable = [tag for word, tag in zip(tagged_words, tags, strict=True) for _syllable in word.split("_")]
    if len(per_syllable) != len(words.marked):
        return False
    return per_syllable[end - 1] in _NOUN_TAGS


def compare(a: Normalized, b: Normalized) -> Difference:
    """Align a and b and say which key slots match, which differ, and which content words one text has
    in place of the other's."""
    words_a, words_b = tokens(a), tokens(b)
    if words_a.has_marks != words_b.has_marks:
        # Compare like with like: a bare text is compared on folded words only.
        words_a = Tokens(words_a.folded, words_a.folded, False, words_a.pause_after)
        words_b = Tokens(words_b.folded, words_b.folded, False, words_b.pause_after)
    difference = Difference()
    mentions_a, mentions_b = mentions(words_a), mentions(words_b)
    for family in KEY_FAMILIES:
        in_a = [m for m in mentions_a if m.family == family]
        in_b = [m for m in mentions_b if m.family == family]
        if family in ("number", "date"):
            keys_a, keys_b = {m.key for m in in_a}, {m.key for m in in_b}
            if keys_a and keys_b:
                if keys_a == keys_b:
                    difference.matched[family] = sorted(keys_a)
                else:
                    difference.differ[family] = (sorted(keys_a - keys_b), sorted(keys_b - keys_a))
            elif keys_a or keys_b:
                difference.only_one[family] = sorted(keys_a | keys_b)
            continue
        lone_a = [m for m in in_a if not any(_compatible(m, n) for n in in_b)]
        lone_b = [m for m in in_b if not any(_compatible(m, n) for n in in_a)]
        shared = [m.label for m in in_a if m not in lone_a]
        if shared:
            difference.matched[family] = sorted(set(shared))
        if lone_a and lone_b:
            difference.differ[family] = (sorted({m.label for m in lone_a}), sorted({m.label for m in lone_b}))
        elif lone_a or lone_b:
            difference.only_one[family] = sorted({m.label for m in lone_a + lone_b})
    # What differs word by word.
    # Aligned on the words as written when both texts carry marks: folded, "thận" (kidney) and "thần"
    # (nerve) are one word, and "sỏi *thận*" / "zona *thần* kinh" looked like two small changes.
    keys_a, keys_b = _keys(words_a), _keys(words_b)
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    spans_a, spans_b = [], []
    set_a, set_b = set(keys_a), set(keys_b)
    content_a, content_b = content_flags(words_a), content_flags(words_b)

    def lost_gained(i1: int, i2: int, j1: int, j2: int) -> tuple[list[str], list[str]]:
        lost = [keys_a[i] for i in range(i1, i2) if content_a[i] and keys_a[i] not in set_b]
        gained = [keys_b[j] for j in range(j1, j2) if content_b[j] and keys_b[j] not in set_a]
        return lost, gained

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        spans_a.append((i1, i2))
        spans_b.append((j1, j2))
        lost, gained = lost_gained(i1, i2, j1, j2)
        difference.content_a += [words_a.marked[i] for i in range(i1, i2) if keys_a[i] in lost]
        difference.content_b += [words_b.marked[j] for j in range(j1, j2) if keys_b[j] in gained]
        if lost and gained:
            difference.replaced += 1
    # The rules below look at what differs word by word; they hold only when the two texts are
    # otherwise close (one side has at most CLOSE content words the other lacks): a reworded text
    # moves negations and content words around without changing the claim.
    close = min(len(difference.content_a), len(difference.content_b)) <= CLOSE
    # One span differs and the rest is word for word the same: however long the names in it are
    # ("Tập đoàn Điện lực" / "Tổ chức Y tế Thế giới"), that span is what the texts disagree on.
    one_span = sum(tag != "equal" for tag, *_ in matcher.get_opcodes()) == 1
    # A named thing on one side whose place the other side fills with other content words: differs.
    for tag, i1, i2, j1, j2 in matcher.get_opcodes() if close or one_span else []:
        if tag != "replace":
            continue
        _country_word_for_country_word(difference, (words_a, words_b), (mentions_a, mentions_b), (i1, i2, j1, j2))
        lost, gained = lost_gained(i1, i2, j1, j2)
        replaced = bool(lost and gained)
        _named_in_replaced_span(difference, mentions_a, mentions_b, words_a, words_b, (i1, i2, j1, j2), replaced)
        if not replaced:
            continue
        difference.replacements.append(
            (
                [words_a.marked[i] for i in range(i1, i2) if keys_a[i] in lost],
                [words_b.marked[j] for j in range(j1, j2) if keys_b[j] in gained],
            )
        )
        # The words a disease-context word governs replaced by other content words ("chữa khỏi *sốt
        # xuất huyết*" / "chữa khỏi *tiểu đường*"): the health condition differs.
        context = _lists()["disease_context"]
        if (
            words_a.has_marks
            and "disease" not in difference.differ
            and any(tuple(words_a.marked[max(0, i1 - n) : i1]) in context for n in (1, 2))
        ):
            difference.differ["disease"] = (
                [" ".join(words_a.marked[i1:i2])],
                [" ".join(words_b.marked[j1:j2])],
            )
            difference.only_one.pop("disease", None)
    if one_span and not difference.differ:
        _unrelated_words_replaced(
            difference, matcher, (words_a, words_b), (content_a, content_b), (mentions_a, mentions_b)
        )
    # A text typed without marks: the words it has in place of the other's, where the restorer found no
    # marks for them (the other text never says them) or could not restore at all, cannot be read ("so y
    # te" / "Tổ chức Y tế Thế giới", "vi thanh" / "Hồng Ngự"): never "sure" (no verdict, nothing joined).
    # A named thing on both sides there has been judged by the rules above ("TP.HCM" / "Sai Gon").
    typed_bare = a.restored or b.restored or not (a.has_diacritics and b.has_diacritics)
    if typed_bare and "wording" not in difference.differ:
        covered_a = {k for m in mentions_a for k in range(m.start, m.end)}
        covered_b = {k for m in mentions_b for k in range(m.start, m.end)}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "replace":
                continue
            here_a = [i for i in range(i1, i2) if words_a.marked[i].isalpha()]
            here_b = [j for j in range(j1, j2) if words_b.marked[j].isalpha()]
            named = covered_a.issuperset(here_a) and covered_b.issuperset(here_b)
            if here_a and here_b and not named:
                difference.differ["wording"] = ([" ".join(words_a.marked[i1:i2])], [" ".join(words_b.marked[j1:j2])])
                break
    difference.content_total = sum(content_a) + sum(content_b)
    negations_a, negations_b = _negations(words_a, spans_a), _negations(words_b, spans_b)
    # A negation added: the text without it has at most one content word the other lacks ("sẽ" /
    # "sẽ không", chatter around either is allowed on the negated side).
    fewer = difference.content_a if len(negations_a) < len(negations_b) else difference.content_b
    if len(negations_a) != len(negations_b) and len(fewer) <= 1:
        difference.differ["negation"] = (negations_a, negations_b)
        # In place only when the text without the negation has no content word the other lacks: "không
        # nên thi" / "nên bỏ thi" says the same with a word where the negation was.
        if not fewer and any(
            _negation_in_place(words_a, words_b, op) for op in matcher.get_opcodes() if op[0] != "equal"
        ):
            difference.in_place.add("negation")
    if "negation" not in difference.differ:
        _bare_chua_for_da(difference, words_a, words_b, matcher.get_opcodes())
    directions_a, directions_b = _directions(words_a, spans_a), _directions(words_b, spans_b)
    flipped = sorted(
        {_OPPOSITES[pair][side] for pair, side in directions_a if (pair, 1 - side) in directions_b}
        | {_OPPOSITES[pair][side] for pair, side in directions_b if (pair, 1 - side) in directions_a}
    )
    if flipped and close:
        difference.differ["direction"] = (
            [_OPPOSITES[pair][side] for pair, side in directions_a if (pair, 1 - side) in directions_b],
            [_OPPOSITES[pair][side] for pair, side in directions_b if (pair, 1 - side) in directions_a],
        )
        if any(_direction_in_place(words_a, words_b, op) for op in matcher.get_opcodes() if op[0] == "replace"):
            difference.in_place.add("direction")
    return difference


_ALREADY = {"đã", "rồi", "da", "roi"}  # "đã … rồi": what "chưa" denies


def _bare_chua_for_da(difference, words_a: Tokens, words_b: Tokens, opcodes) -> None:
    """A bare "chua" where the other text says "đã" ("xăng dầu *đã* được giảm giá" / "xang dau *chua*
    duoc giam gia"): alone, "chua" is also "chứa" (to contain) or "chùa" (a pagoda), so it is no
    negation by itself (the restorer gives it marks only if the other text has "chưa", and may make it
    the other text's "chữa"); in place of "đã", with the rest of that span the same, it is "chưa": the
    claim denied."""
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "replace":
            continue
        for (mine, i, k), (other, j, m), side in (
            ((words_a, i1, i2), (words_b, j1, j2), 0),
            ((words_b, j1, j2), (words_a, i1, i2), 1),
        ):
            # Bare, or given marks by a restorer that knew only "chữa" or "chứa" from the other text.
            chua = [x for x in range(i, k) if mine.folded[x] == "chua"]
            already = [y for y in range(j, m) if other.marked[y] in _ALREADY]
            rest_mine = [w for x, w in enumerate(mine.folded[i:k], i) if x not in chua]
            rest_other = [w for y, w in enumerate(other.folded[j:m], j) if y not in already]
            if chua and already and rest_mine == rest_other:
                found = (["chưa"], []) if side == 0 else ([], ["chưa"])
                difference.differ["negation"] = found
                difference.in_place.add("negation")
                return


def _negation_in_place(words_a: Tokens, words_b: Tokens, op: tuple) -> bool:
    """One aligned span where one text has a negation the other lacks and nothing else changed but the
    words that go with it ("sẽ" / "sẽ không", "là" / "không phải là", "đã" / "chưa", "có thể" /
    "không thể"): the claim is denied, not reworded."""
    _tag, i1, i2, j1, j2 = op
    if len(_negations(words_a, [(i1, i2)])) == len(_negations(words_b, [(j1, j2)])):
        return False
    negation_words = {word for phrase in NEGATIONS for word in phrase.split()}
    negation_words |= {fold(word) for word in negation_words}

    def rest(words: Tokens, start: int, end: int) -> list[str]:
        return [
            word
            for word in words.folded[start:end]
            if word not in negation_words and word not in _POLARITY_COMPANIONS and word.isalpha()
        ]

    return rest(words_a, i1, i2) == rest(words_b, j1, j2)


def _direction_in_place(words_a: Tokens, words_b: Tokens, op: tuple) -> bool:
    """One aligned span where a direction word of one text stands opposite its pair in the other
    ("giá điện *tăng*" / "giá điện *giảm*", "*thu* phí" / "*miễn* phí"): the same place, the opposite
    claim."""
    _tag, i1, i2, j1, j2 = op
    # A negation in the same span turns the opposite back: "không nhiều" / "ít", "không cao" / "thấp".
    # Compared marked ("chớ" folds to "cho" of "cho phép"); a bare text only by the unambiguous ones.
    negation_words = {word for phrase in NEGATIONS for word in phrase.split()} - {"phải"} | _UNMARKED_NEGATIONS
    if negation_words & {*words_a.marked[i1:i2], *words_b.marked[j1:j2]}:
        return False
    here_a, here_b = _directions(words_a, [(i1, i2)]), _directions(words_b, [(j1, j2)])
    return any((pair, 1 - side) in here_b for pair, side in here_a)
