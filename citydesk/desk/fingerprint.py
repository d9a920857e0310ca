"""What a desk lead approves, as one hash: the claim's public wording, its evidence and the proposed verdict.

Plain Python over plain values, so the services and the migration that back-fills old proposals compute
exactly the same thing. The services withdraw a proposal on every change; the approval compares this
hash too, so a change made outside the services (a shell, a future admin screen) is caught as well.
"""

import hashlib
import json
from collections.abc import Iterable


def review_fingerprint(
    *,
    statement: str,
    category: str,
    unit_id: int | None,
    evidence: Iterable[tuple],
    rating: str,
    summary: str,
    explanation: str,
) -> str:
    """SHA-256 of the reviewed content; evidence: (pk, url, title, quote, snapshot) tuples in any order."""
    content = {
        "claim": [statement, category, unit_id],
        "evidence": sorted([list(row) for row in evidence], key=lambda row: row[0]),
        "verdict": [rating, summary, explanation],
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
