"""Is a (diacritics-folded) token a possible Vietnamese syllable? Used to leave real words alone."""

import re

ONSETS = [
    "ngh",
    "ng",
    "nh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
]
# Rhymes with their marks folded away (ă/â→a, ê→e, ô/ơ→o, ư→u).
RHYMES = set(
    [
        "a",
        "ac",
        "ach",
        "ai",
        "am",
        "an",
        "ang",
        "anh",
        "ao",
        "ap",
        "at",
        "au",
        "ay",
        "e",
        "ec",
        "ech",
        "em",
        "en",
        "eng",
        "enh",
        "eo",
        "ep",
        "et",
        "eu",
        "i",
        "ia",
        "ich",
        "iec",
        "iem",
        "ien",
        "ieng",
        "iep",
        "iet",
        "ieu",
        "im",
        "in",
        "inh",
        "ip",
        "it",
        "iu",
        "o",
        "oa",
        "oac",
        "oach",
        "oai",
        "oam",
        "oan",
        "oang",
        "oanh",
        "oao",
        "oap",
        "oat",
        "oay",
        "oc",
        "oe",
        "oem",
        "oen",
        "oeo",
        "oep",
        "oet",
        "oi",
        "om",
        "on",
        "ong",
        "ooc",
        "oong",
        "op",
        "ot",
        "u",
        "ua",
        "uac",
        "uach",
        "uai",
        "uan",
        "uang",
        "uanh",
        "uao",
        "uat",
        "uay",
        "uc",
        "ue",
        "uech",
        "uen",
        "uenh",
        "ueo",
        "uet",
        "ui",
        "um",
        "un",
        "ung",
        "uo",
        "uoc",
        "uoi",
        "uom",
        "uon",
        "uong",
        "uop",
        "uot",
        "up",
        "ut",
        "uu",
        "uy",
        "uya",
        "uych",
        "uyen",
        "uyet",
        "uyn",
        "uynh",
        "uyp",
        "uyt",
        "uyu",
        "y",
        "yem",
        "yen",
        "yet",
        "yeu",
    ]
)
_TOKEN = re.compile(r"^[a-z]+$")


def is_syllable(folded: str) -> bool:
    """True when folded (lower-case ASCII) can be one Vietnamese syllable, spelling rules included."""
    if not _TOKEN.match(folded):
        return False
    if folded in RHYMES or folded == "gi":  # "gì": the onset "gi" carries the vowel
        return True
    for onset in ONSETS:
        if folded.startswith(onset) and len(folded) > len(onset):
            rhyme = folded[len(onset) :]
            if onset == "gi" and (rhyme in RHYMES or ("i" + rhyme) in RHYMES):
                return True
            if onset == "qu" and ("u" + rhyme) in RHYMES:  # "quynh", "quyen": the u is the onset's
                return True
            if rhyme not in RHYMES:
                continue
            first = rhyme[0]
            # k, gh, ngh only before i/e/y; c, g, ng never before i/e; q only as "qu".
            if onset in ("k", "gh", "ngh") and first not in "iey":
                continue
            if onset in ("c", "g", "ng") and first in "ie":
                continue
            return True
    return False
