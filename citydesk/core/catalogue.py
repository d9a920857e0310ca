"""citydesk's Vietnamese catalogue for the Wagtail admin: which of Wagtail's strings it covers.

Used by the test suite and by tools/wagtail_catalogue.py; needs polib (a dev requirement).
"""

import re
from dataclasses import dataclass
from pathlib import Path

import polib
import wagtail

WAGTAIL_DIR = Path(wagtail.__file__).resolve().parent
OURS = Path(__file__).resolve().parent.parent / "locale_wagtail" / "vi" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")


@dataclass(frozen=True)
class Msg:
    domain: str
    context: str | None
    msgid: str
    plural: str | None


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def wagtail_msgids() -> dict[tuple, Msg]:
    """Every msgid of the Wagtail apps (from the source-language catalogues Wagtail ships)."""
    found = {}
    for path in sorted(WAGTAIL_DIR.glob("**/locale/en/LC_MESSAGES/*.po")):
        domain = path.stem
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid:
                continue
            key = (domain, entry.msgctxt, entry.msgid)
            found.setdefault(key, Msg(domain, entry.msgctxt, entry.msgid, entry.msgid_plural or None))
    return found


def _translation(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return entry.msgstr_plural.get(0) or entry.msgstr_plural.get("0") or ""
    return entry.msgstr


def translated(paths) -> dict[tuple, str]:
    """(domain, context, msgid) → Vietnamese text, for the non-fuzzy translations in paths."""
    out = {}
    for path in paths:
        for entry in polib.pofile(str(path)):
            text = _translation(entry)
            if entry.msgid and text and "fuzzy" not in entry.flags and not entry.obsolete:
                out[(Path(path).stem, entry.msgctxt, entry.msgid)] = text
    return out


def ours() -> dict[tuple, str]:
    return translated([OURS / f"{domain}.po" for domain in DOMAINS if (OURS / f"{domain}.po").exists()])


def wagtails_own() -> dict[tuple, str]:
    return translated(sorted(WAGTAIL_DIR.glob("**/locale/vi/LC_MESSAGES/*.po")))


def missing() -> list[Msg]:
    """Wagtail msgids that neither citydesk's nor Wagtail's own Vietnamese catalogue translates."""
    covered = {**wagtails_own(), **ours()}
    return [msg for key, msg in wagtail_msgids().items() if key not in covered]


def placeholder_mismatches() -> list[str]:
    """Our translations whose placeholders are not those of their msgid (or, for plurals, its plural)."""
    msgids = wagtail_msgids()
    problems = []
    for key, text in ours().items():
        msg = msgids.get(key)
        if msg is None:
            continue
        allowed = [placeholders(msg.msgid)] + ([placeholders(msg.plural)] if msg.plural else [])
        if placeholders(text) not in allowed:
            problems.append(f"{msg.msgid!r} → {text!r}")
    return problems
