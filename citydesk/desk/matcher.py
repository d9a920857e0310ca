"""Matching a new report against every claim already handled (citydesk.matching, in process).

Two thresholds, as Meedan Check learned: at or above MATCH_JOIN the report joins the claim by
itself; between MATCH_SUGGEST and MATCH_JOIN a new claim opens with the candidates shown to the
desk to confirm; below, a new claim opens. Short texts and matches to stale claims are only ever
suggested, never joined automatically.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from citydesk.matching import ClaimIndex
from citydesk.matching.decision import Judgement, judge_texts
from citydesk.matching.encoder import embed
from citydesk.matching.normalize import normalize

from .models import Claim, ClaimStatus

logger = logging.getLogger(__name__)

# A tip-like sentence that runs every part of matching once (encoder, lexical index, same-claim judge).
WARM_TEXT = "Uống nước chanh mỗi sáng chữa khỏi sốt xuất huyết trong 3 ngày ở phường Hải Châu"


@dataclass(frozen=True)
class Match:
    claim: Claim
    score: float
    automatic: bool
    same: bool | None = None  # same_claim's decision for this text, when it was already made
    judgement: Judgement | None = None  # the decision with what matched and what differed

    def judged(self, text: str) -> Judgement:
        """The same-claim decision on text against this claim, reusing the one made while matching."""
        return self.judgement if self.judgement is not None else matcher.judge(text, self.claim)

    def repeats(self, text: str) -> bool:
        """Whether text states this claim (same_claim), reusing the decision made while matching."""
        return self.same if self.same is not None else self.judged(text).same

    def explanation(self) -> dict:
        """What the desk is shown about this match (JSON-ready)."""
        explained = {"claim": self.claim.pk, "score": round(self.score, 4), "automatic": self.automatic}
        if self.judgement is not None:
            explained.update(self.judgement.explanation())
        return explained


class DeskMatcher:
    """The claims of this database in a ClaimIndex, kept in step by claim id."""

    def __init__(self):
        self._lock = threading.Lock()
        self._index = self._new_index()
        self._indexed_upto = 0

    @staticmethod
    def _new_index() -> ClaimIndex:
        # On PostgreSQL the vectors live in the database (pgvector), shared by every process and host;
        # on SQLite they live in this process. Same ClaimIndex either way.
        if connection.vendor == "postgresql":
            from .vectors import PgVectorStore

            return ClaimIndex(vector_store=PgVectorStore())
        return ClaimIndex()

    def sync(self) -> None:
        """Index claims made since the last call (by this or another process)."""
        with self._lock:
            self._sync()

    def _sync(self) -> None:
        new = list(Claim.objects.filter(pk__gt=self._indexed_upto).order_by("pk").values_list("pk", "statement"))
        if new:
            self._index.add_many(new, vectors=self._vectors(new))
            self._indexed_upto = new[-1][0]

    def tip_vector(self, text: str) -> np.ndarray | None:
        """The e5 vector of a tip's text matched moments ago (None if another text was matched since, or
        the text has no marks): kept with a reply filed later, so the claim it opens is not encoded again."""
        with self._lock:
            return self._index.recent_vector(normalize(text).text) if self._index.semantic else None

    def _vectors(self, new: list[tuple[int, str]]) -> np.ndarray | None:
        """The vectors of new claims without encoding a text twice: those another process stored
        (pgvector), and a tip's own vector for the claim just opened from it (the tip was encoded when
        it was matched, and the claim's statement is its text). None: the index encodes them all, as
        before."""
        if not self._index.semantic:
            return None
        store = self._index.vector_store
        # The index encodes a claim's normalised statement and a query's normalised (restored) text, and
        # keeps its last query's (text, vector): equal texts, equal vectors.
        known = {}
        for pk, statement in new:
            vector = self._index.recent_vector(normalize(statement).text)
            if vector is not None:
                known[pk] = vector
        unknown = [pk for pk, _text in new if pk not in known]
        if unknown and hasattr(store, "found"):
            known.update(store.found(unknown))
        if not known:
            return None
        missing = [(pk, statement) for pk, statement in new if pk not in known]
        if missing:
            encoded = embed([normalize(statement).text for _pk, statement in missing])
            known.update(zip([pk for pk, _statement in missing], encoded, strict=True))
        return np.vstack([np.asarray(known[pk], dtype=np.float32) for pk, _statement in new])

    def update(self, claim: Claim) -> None:
        """Re-index a claim whose wording changed."""
        with self._lock:
            if claim.pk <= self._indexed_upto:
                self._index.add(claim.pk, claim.statement)

    def same_claim(self, text: str, claim: Claim) -> bool:
        """Whether text states the claim."""
        return self.judge(text, claim).same

    def judge(self, text: str, claim: Claim) -> Judgement:
        """The same-claim decision on text against claim, with what matched and what differed: decided
        with the index's context when it holds the claim (its stored vector, marks put back from the
        stored claims), else on the lone pair (marks put back from the claim's wording). One path."""
        with self._lock:
            if self._index.position(claim.pk) is not None:
                return self._index.judge(text, claim.pk)
        return judge_texts(text, claim.statement)

    def warm(self) -> None:
        """Load the encoder and index every claim now, so that the first tip after start does not wait."""
        self.candidates(WARM_TEXT, limit=1)
        judge_texts(WARM_TEXT, WARM_TEXT)

    def reset(self) -> None:
        with self._lock:
            self._index = self._new_index()
            self._indexed_upto = 0

    def candidates(self, text: str, *, limit: int = 5, vector: np.ndarray | None = None) -> list[Match]:
        """Claims the text may repeat, best first; the first is marked automatic if it may be joined.
        vector: the text's e5 vector, when it was computed before (it is not encoded again)."""
        # One thread at a time: a search reads buffers (token ids, restorer counts) that adding claims
        # grows, and rebuilds the lexical matrix after additions.
        with self._lock:
            self._sync()
            found = self._index.search(text, k=limit * 2, vector=vector)
        claims = Claim.objects.in_bulk([claim_id for claim_id, _score in found])
        matches = []
        for claim_id, score in found:
            claim = claims.get(claim_id)
            if claim is None or claim.status == ClaimStatus.DUPLICATE or score < settings.CITYDESK_MATCH_SUGGEST:
                continue
            matches.append(Match(claim=claim, score=score, automatic=False))
            if len(matches) == limit:
                break
        if matches:
            # The best match is judged in full: joined automatically only when the decision is sure
            # and no key fact (place, disease, number, negation…) differs; otherwise only suggested.
            top = matches[0]
            judgement = self.judge(text, top.claim)
            automatic = judgement.sure and self._eligible(text, top)
            matches[0] = Match(
                claim=top.claim, score=top.score, automatic=automatic, same=judgement.same, judgement=judgement
            )
        return matches

    def _eligible(self, text: str, match: Match) -> bool:
        """Whether the best match may be joined automatically, if same_claim agrees."""
        if match.score < settings.CITYDESK_MATCH_JOIN:
            return False
        if len(text.split()) < settings.CITYDESK_MATCH_MIN_WORDS:
            return False  # false matches on short texts are the commonest kind
        # A stale claim may have changed meaning; a person decides.
        return match.claim.last_seen_at >= timezone.now() - timedelta(days=settings.CITYDESK_MATCH_WINDOW_DAYS)


matcher = DeskMatcher()


def warm_in_background(process: str) -> threading.Thread | None:
    """Warm the matcher in a daemon thread: the web and worker processes call this as they start
    (citydesk/wsgi.py, the desk's db_worker), not on import, so tests and other commands stay fast.
    A tip arriving meanwhile waits for the index lock, as it would have waited for the first load."""
    if not settings.CITYDESK_MATCHING:
        return None

    def run():
        started = time.monotonic()
        try:
            matcher.warm()
            logger.info("matcher ready in the %s process (%.1f s)", process, time.monotonic() - started)
        except Exception:
            # Not fatal: the matcher then loads on first use, as it did before.
            logger.exception("matcher warm-up failed in the %s process", process)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="matcher-warm-up", daemon=True)
    thread.start()
    return thread
