"""citydesk's own Vietnamese catalogue is complete and keeps every placeholder."""

import gettext
import re
import subprocess
from pathlib import Path

from django.conf import settings

from citydesk.core.catalogue import placeholders

VI = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES"


def _entries(*flags: str, catalogue: Path = VI) -> list[str]:
    output = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(catalogue / "django.po")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.findall(r'^msgid "(.+)"$', output, re.M)


def test_every_citydesk_string_has_a_vietnamese_translation():
    # Fuzzy entries count as missing: msgfmt leaves them out, so the screen would show English.
    assert _entries("--untranslated") == []
    assert _entries("--only-fuzzy") == []


def test_the_english_catalogue_is_complete_too():
    english = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
    assert _entries("--untranslated", catalogue=english) == []
    assert _entries("--only-fuzzy", catalogue=english) == []


def test_vietnamese_translations_keep_the_placeholders():
    with (VI / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    assert len(catalog) > 50
    for key, translation in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            assert placeholders(translation) == placeholders(msgid), msgid
