"""Reads of intake: "is this address official?" against the verified accounts directory."""

from citydesk.core.text import fold_diacritics

from .models import OfficialAccount
from .official import OfficialKind, Verdict, parse_query


def lookup(text: str, *, limit: int = 5) -> Verdict:
    """Is this address official? A sub-domain of an official domain is; a look-alike is not.
    A name returns the official accounts whose name contains it (with or without diacritics)."""
    query = parse_query(text)
    accounts = OfficialAccount.objects.filter(is_active=True).select_related("unit")
    if query.kind == OfficialKind.WEBSITE or query.kind == OfficialKind.EMAIL:
        host = query.key.split("@")[-1]
        domains = [host.split(".", i)[-1] for i in range(host.count("."))]  # a.b.gov.vn → a.b.gov.vn, b.gov.vn, gov.vn
        found = list(accounts.filter(kind=OfficialKind.WEBSITE, key__in=domains)[:limit])
        if query.kind == OfficialKind.EMAIL:
            found = list(accounts.filter(kind=OfficialKind.EMAIL, key=query.key)) + found
        return Verdict(query, found, bool(found))
    if query.kind is not None:
        found = list(accounts.filter(kind=query.kind, key=query.key)[:limit])
        return Verdict(query, found, bool(found))
    needle = fold_diacritics(query.text)
    if len(needle) < 3:
        return Verdict(query, [], False)
    found = [account for account in accounts if needle in fold_diacritics(account.name)][:limit]
    return Verdict(query, found, False)
