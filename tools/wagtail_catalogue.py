"""Keep citydesk's Vietnamese catalogue of the Wagtail admin complete (citydesk/locale_wagtail/vi).

    python tools/wagtail_catalogue.py missing > todo.jsonl      # after a Wagtail upgrade
    python tools/wagtail_catalogue.py add done.jsonl            # lines: [domain, context, msgid, plural, "bản dịch"]

`add` refuses a translation whose placeholders differ from its msgid's (exit code 1, one line each).
"""

import json
import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from citydesk.core.catalogue import OURS, placeholders, wagtail_msgids
from citydesk.core.catalogue import missing as missing_msgids


def missing() -> int:
    for msg in missing_msgids():
        print(json.dumps([msg.domain, msg.context, msg.msgid, msg.plural], ensure_ascii=False))
    return 0


def add(path: str) -> int:
    known = wagtail_msgids()
    catalogues, refused = {}, 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        domain, context, msgid, plural, text = json.loads(line)
        msg = known.get((domain, context, msgid))
        if msg is None:
            print(f"not a Wagtail msgid: {msgid!r}")
            refused += 1
            continue
        allowed = [placeholders(msgid)] + ([placeholders(plural)] if plural else [])
        if placeholders(text) not in allowed:
            print(f"placeholders differ: {msgid!r} → {text!r}")
            refused += 1
            continue
        if domain not in catalogues:
            catalogues[domain] = polib.pofile(str(OURS / f"{domain}.po"), wrapwidth=0)
        po = catalogues[domain]
        entry = po.find(msgid, msgctxt=context)
        if entry is None:
            flags = ["python-format"] if "%" in msgid + (plural or "") else []
            entry = polib.POEntry(msgctxt=context, msgid=msgid, msgid_plural=plural or "", flags=flags)
            po.append(entry)
        if plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
    for domain, po in catalogues.items():
        po.save(str(OURS / f"{domain}.po"))
    return 1 if refused else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "missing":
        raise SystemExit(missing())
    if command == "add" and len(sys.argv) == 3:
        raise SystemExit(add(sys.argv[2]))
    print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
    raise SystemExit(2)
