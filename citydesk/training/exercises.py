"""The three exercises generated from the office's own data, and the one way every answer sheet is scored.

- "Is this official?": genuine entries of the verified accounts directory mixed with look-alikes made
  from them (typo-squatted names, extra words, other top-level domains, look-alike pages and numbers).
  A look-alike that the directory itself would call official is thrown away, so it is never a genuine entry.
- "Spot the scam": messages of the desk's scam and impersonation cases beside genuine notices built from
  the directory; after the answer the signals (links, phone numbers, urgency, requests for money or
  codes) are shown.
- "Verify this claim": a case's claim with its real evidence and distractor sources taken from other
  cases and a fixed list of weak sources (never one of the case's own sources), then the rating.

Every exercise has the same shape (questions with options, a key kept apart), so lessons' quiz blocks,
exercises and the public quiz are scored by `score`.
"""

import random
import re
import string
from dataclasses import dataclass

from django.utils.translation import gettext as _

from citydesk.community.checks import links, phones
from citydesk.desk.models import HarmCategory, Rating
from citydesk.intake import official
from citydesk.intake import selectors as official_selectors
from citydesk.intake.official import OfficialKind

from .models import Case, Exercise, ExerciseKind

OFFICIAL_ITEMS = 6
SCAM_ITEMS = 5
VERIFY_DISTRACTORS = 3


class NotEnoughData(Exception):
    """The archive has too little to build this exercise yet (no directory entries, no cases)."""


@dataclass(frozen=True)
class Result:
    score: int
    max_score: int
    per_question: dict  # question id → {"right": bool, "chosen": [...], "correct": [...]}


def score(questions: list[dict], key: dict, answers: dict) -> Result:
    """One point per question answered exactly right (every right option and no other)."""
    per_question, points = {}, 0
    for question in questions:
        qid = question["id"]
        valid = {option["id"] for option in question["options"]}
        chosen = sorted({str(a) for a in answers.get(qid, []) if str(a) in valid})
        if not question.get("multiple") and len(chosen) > 1:
            chosen = []
        correct = sorted(key[qid]["correct"])
        right = chosen == correct
        points += right
        per_question[qid] = {"right": right, "chosen": chosen, "correct": correct}
    return Result(points, len(questions), per_question)


def _letters(n: int) -> list[str]:
    return list(string.ascii_lowercase[:n])


# --- Is this official? ---------------------------------------------------------------------------

_TYPO = {"o": "0", "l": "1", "i": "l", "m": "rn", "e": "3", "a": "4", "g": "q"}


def _name_variants(name: str, rng: random.Random) -> list[tuple[str, str]]:
    """Look-alike spellings of a page or domain name, each with the trick it uses."""
    out = []
    for i, ch in enumerate(name):
        if ch in _TYPO:
            out.append((name[:i] + _TYPO[ch] + name[i + 1 :], _("a letter swapped for a similar-looking character")))
    for i in range(1, len(name) - 1):
        if name[i].isalpha():
            out.append((name[:i] + name[i] + name[i:], _("a letter doubled")))
    for word in ("official", "vn", "thongbao", "hotro"):
        out.append((f"{name}-{word}", _("extra words added")))
        out.append((f"{name}.{word}", _("extra words added")))
    rng.shuffle(out)
    return out


def display_address(kind: str, key: str) -> str:
    """An address written the one way every item of the exercise is written, so that spacing, "www." or
    "@name" never tell a genuine entry from a look-alike."""
    if kind == OfficialKind.PHONE:
        return "0" + key[3:] if key.startswith("+84") else key
    if kind == OfficialKind.EMAIL:
        return key
    return "https://" + key


def look_alikes(account, rng: random.Random) -> list[tuple[str, str]]:
    """(address, trick) look-alikes of one directory entry; the directory calls none of them official."""
    key = account.key
    candidates: list[tuple[str, str]] = []
    if account.kind == OfficialKind.WEBSITE:
        label, _dot, suffix = key.partition(".")
        for other in ("com", "com.vn", "net", "vn", "org"):
            if suffix != other:
                candidates.append((f"{label}.{other}", _("another top-level domain")))
        candidates.append((f"{label}-{suffix.replace('.', '-')}.com", _("the official name inside another domain")))
        candidates.append((f"{key}.thongtin-xacminh.com", _("the official name inside another domain")))
        candidates += [(f"{v}.{suffix}", trick) for v, trick in _name_variants(label, rng)]
        candidates = [("https://" + address, trick) for address, trick in candidates]
    elif account.kind in (OfficialKind.FACEBOOK, OfficialKind.TELEGRAM, OfficialKind.ZALO, OfficialKind.TIKTOK):
        host, _slash, name = key.partition("/")
        candidates = [(f"https://{host}/{v}", trick) for v, trick in _name_variants(name, rng)]
        if account.kind == OfficialKind.FACEBOOK:
            candidates.append((f"https://{host}/groups/{name}", _("a group, not the page")))
    elif account.kind == OfficialKind.PHONE:
        digits = key.lstrip("+")
        for i in range(len(digits) - 1, 3, -1):
            changed = str((int(digits[i]) + rng.randint(1, 8)) % 10)
            candidates.append(("0" + digits[2:i] + changed + digits[i + 1 :], _("one digit different")))
    elif account.kind == OfficialKind.EMAIL:
        local, _at, domain = key.partition("@")
        candidates = [
            (f"{local}.{domain.split('.')[0]}@gmail.com", _("a free mail address, not the office's domain")),
            (f"{local}@{domain.split('.')[0]}-gov.com", _("the official name inside another domain")),
        ]
    seen, out = set(), []
    for address, trick in candidates:
        query = official.parse_query(address)
        if query.key is None or query.key == key or query.key in seen:
            continue
        if official_selectors.lookup(address).official:  # a sub-domain of an official domain, or another genuine entry
            continue
        seen.add(query.key)
        out.append((display_address(account.kind, query.key), trick))
    return out


def build_official(rng: random.Random) -> tuple[list[dict], dict]:
    from citydesk.intake.models import OfficialAccount

    accounts = list(OfficialAccount.objects.filter(is_active=True).order_by("pk"))
    if not accounts:
        raise NotEnoughData(_("The verified accounts directory is empty."))
    genuine = rng.sample(accounts, min(len(accounts), OFFICIAL_ITEMS // 2))
    fakes = []
    for account in rng.sample(accounts, len(accounts)):
        options = look_alikes(account, rng)
        if options:
            fakes.append((account, *rng.choice(options)))
        if len(fakes) >= OFFICIAL_ITEMS - len(genuine):
            break
    items = [("genuine", account, display_address(account.kind, account.key), "") for account in genuine]
    items += [("fake", account, address, trick) for account, address, trick in fakes]
    rng.shuffle(items)
    questions, key = [], {}
    for n, (truth, account, address, trick) in enumerate(items, 1):
        qid = f"q{n}"
        questions.append(
            {
                "id": qid,
                "prompt": address,
                "detail": account.get_kind_display(),
                "multiple": False,
                "options": [{"id": "official", "label": _("Official")}, {"id": "fake", "label": _("Not official")}],
            }
        )
        if truth == "genuine":
            why = _("In the verified accounts directory: %(name)s.") % {"name": account.name}
        else:
            why = _("A look-alike of %(real)s (%(name)s): %(trick)s.") % {
                "real": display_address(account.kind, account.key),
                "name": account.name,
                "trick": trick,
            }
        key[qid] = {"correct": ["official" if truth == "genuine" else "fake"], "explanations": {}, "reveal": why}
    return questions, key


# --- Spot the scam ---------------------------------------------------------------------------------

URGENCY = re.compile(
    r"\b(khẩn|khẩn cấp|gấp|ngay lập tức|ngay hôm nay|trong \d+ (giờ|phút)|hết hạn|bị khóa|bị khoá|cuối cùng)\b", re.I
)
MONEY_OR_CODE = re.compile(
    r"\b(chuyển khoản|chuyển tiền|nộp phí|lệ phí|đóng phí|mã otp|otp|mật khẩu|số tài khoản|mã xác nhận|nạp tiền)\b",
    re.I,
)
SCAM_CATEGORIES = (HarmCategory.SCAM, HarmCategory.IMPERSONATION)


def scam_signals(text: str) -> list[str]:
    """What a trained eye notices in a message, in words the trainee reads after answering."""
    found = []
    for link in links(text):
        verdict = official_selectors.lookup(link)
        if verdict.official:
            found.append(_("Link %(link)s is in the verified accounts directory.") % {"link": link})
        else:
            found.append(_("Link %(link)s is not one of the office's addresses.") % {"link": link})
    for phone in phones(text):
        verdict = official_selectors.lookup(phone)
        if not verdict.official:
            found.append(_("Phone number %(phone)s is not in the directory.") % {"phone": phone})
    if URGENCY.search(text):
        found.append(_("It pushes you to act at once (urgency)."))
    if MONEY_OR_CODE.search(text):
        found.append(_("It asks for money, a fee, a password or a code: the office never does."))
    return found


def _genuine_notices(rng: random.Random) -> list[str]:
    from citydesk.intake.models import OfficialAccount

    websites = list(OfficialAccount.objects.filter(is_active=True, kind=OfficialKind.WEBSITE).order_by("pk"))
    notices = [
        _(
            "%(name)s: the schedule of the free vaccination days is published at %(address)s. "
            "Bring your citizen ID; nothing needs to be paid."
        )
        % {"name": account.name, "address": "https://" + account.key}
        for account in websites
    ]
    rng.shuffle(notices)
    return notices


def build_scam(rng: random.Random) -> tuple[list[dict], dict]:
    cases = list(Case.objects.filter(is_active=True, category__in=SCAM_CATEGORIES).order_by("pk"))
    scams = [c for c in cases if c.rating in (Rating.FALSE, Rating.MISLEADING)]
    if not scams:
        raise NotEnoughData(_("There are no scam or impersonation cases in the library yet."))
    chosen = rng.sample(scams, min(len(scams), 3))
    items = [("scam", case.sample_message or case.statement, case) for case in chosen]
    genuine = [c for c in cases if c.rating == Rating.TRUE and c.sample_message]
    items += [("genuine", case.sample_message, case) for case in genuine[:1]]
    items += [("genuine", text, None) for text in _genuine_notices(rng)[: max(0, SCAM_ITEMS - len(items))]]
    rng.shuffle(items)
    questions, key = [], {}
    for n, (truth, text, case) in enumerate(items, 1):
        qid = f"q{n}"
        questions.append(
            {
                "id": qid,
                "prompt": text,
                "detail": "",
                "multiple": False,
                "options": [{"id": "scam", "label": _("Scam")}, {"id": "genuine", "label": _("Genuine")}],
            }
        )
        signals = scam_signals(text)
        reveal = " ".join(signals) if signals else _("No warning signs in this message.")
        if case is not None and case.look_for:
            reveal += " " + case.look_for
        key[qid] = {"correct": [truth], "explanations": {}, "reveal": reveal, "signals": signals}
    return questions, key


# --- Verify this claim -----------------------------------------------------------------------------

WEAK_SOURCES = [
    ("Ảnh chụp màn hình tin nhắn được chia sẻ trong nhóm Zalo", "", "screenshot"),
    ("Bình luận của một tài khoản ẩn danh dưới bài đăng", "", "comment"),
    ("Bài đăng lại trên một trang Facebook không rõ người quản lý", "", "repost"),
    ("Video cắt ghép không rõ thời gian, địa điểm quay", "", "video"),
]


def _same_source(a: dict, b: dict) -> bool:
    same_link = bool(a.get("url")) and a.get("url") == b.get("url")
    return same_link or a.get("title", "").strip().casefold() == b.get("title", "").strip().casefold()


def distractor_sources(case: Case, rng: random.Random, n: int = VERIFY_DISTRACTORS) -> list[dict]:
    """Plausible sources that do not decide the claim: other cases' evidence and weak sources, never one
    of this case's own sources (same link or same title)."""
    own = case.evidence or []
    pool = []
    for other in Case.objects.exclude(pk=case.pk).filter(is_active=True).order_by("pk"):
        pool += [
            {**source, "origin": "other_case"}
            for source in other.evidence or []
            if not any(_same_source(source, mine) for mine in own)
        ]
    pool += [
        {"title": title, "url": url, "type": kind, "origin": "weak"}
        for title, url, kind in WEAK_SOURCES
        if not any(_same_source({"title": title, "url": url}, mine) for mine in own)
    ]
    unique = []
    for source in pool:
        if not any(_same_source(source, kept) for kept in unique):
            unique.append(source)
    return rng.sample(unique, min(n, len(unique)))


def build_verify(rng: random.Random, case: Case | None = None) -> tuple[list[dict], dict, Case]:
    if case is None:
        cases = [c for c in Case.objects.filter(is_active=True).order_by("pk") if c.evidence]
        if not cases:
            raise NotEnoughData(_("There are no cases with evidence in the library yet."))
        case = rng.choice(cases)
    real = [{**source, "real": True} for source in case.evidence]
    sources = real + [{**source, "real": False} for source in distractor_sources(case, rng)]
    rng.shuffle(sources)
    ids = _letters(len(sources))
    sources_q = {
        "id": "sources",
        "prompt": _("Which sources decide this claim?"),
        "detail": case.statement,
        "multiple": True,
        "options": [{"id": i, "label": s["title"], "url": s.get("url", "")} for i, s in zip(ids, sources, strict=True)],
    }
    rating_q = {
        "id": "rating",
        "prompt": _("Your rating on the desk's scale"),
        "detail": case.statement,
        "multiple": False,
        "options": [{"id": value, "label": str(label)} for value, label in Rating.choices],
    }
    explanations = {
        i: (
            _("Evidence the desk used.")
            if s["real"]
            else _("A real source, but about another claim.")
            if s.get("origin") == "other_case"
            else _("Does not decide the claim: not a primary source.")
        )
        for i, s in zip(ids, sources, strict=True)
    }
    key = {
        "sources": {
            "correct": [i for i, s in zip(ids, sources, strict=True) if s["real"]],
            "explanations": explanations,
            "reveal": _("The desk decided it with: %(sources)s.") % {"sources": "; ".join(s["title"] for s in real)},
        },
        "rating": {
            "correct": [case.rating],
            "explanations": {},
            "reveal": _("Published verdict: %(rating)s. %(summary)s %(reasoning)s")
            % {"rating": case.get_rating_display(), "summary": case.summary, "reasoning": case.reasoning},
        },
    }
    return [sources_q, rating_q], key, case


def generate(*, kind: str, seed: int | None = None, public: bool = False) -> Exercise:
    """Build and store one exercise of `kind` from the current data (NotEnoughData when it cannot)."""
    rng = random.Random(seed)  # noqa: S311 -- shuffling questions; the key stays on the server
    case = None
    if kind == ExerciseKind.OFFICIAL:
        questions, key = build_official(rng)
    elif kind == ExerciseKind.SCAM:
        questions, key = build_scam(rng)
    elif kind == ExerciseKind.VERIFY:
        questions, key, case = build_verify(rng)
    else:
        raise ValueError(kind)
    return Exercise.objects.create(kind=kind, case=case, questions=questions, key=key, is_public=public)
