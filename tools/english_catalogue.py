"""Fill citydesk's English catalogue: the msgids are English, so each msgstr is its msgid.

python tools/english_catalogue.py     # run by `make messages-extract`
"""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "citydesk" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main() -> int:
    po = polib.pofile(str(PO), wrapwidth=0)
    filled = 0
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgid_plural and not any(entry.msgstr_plural.values()):
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            filled += 1
        elif not entry.msgid_plural and not entry.msgstr:
            entry.msgstr = entry.msgid
            filled += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = entry.msgid if not entry.msgid_plural else entry.msgstr
    po.save(str(PO))
    print(f"{filled} English entries filled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
