"""Migration desk/0007 on a database that already holds the bug: extra open proposals are closed first."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from citydesk.desk.fingerprint import review_fingerprint

pytestmark = pytest.mark.usefixtures("latest_migrations_after")


BEFORE, AFTER = [("desk", "0006_claim_embeddings")], [("desk", "0007_one_open_verdict_per_claim")]


def test_the_migration_keeps_one_open_proposal_and_fingerprints_it(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Claim, Verdict, Evidence = (apps.get_model("desk", name) for name in ("Claim", "Verdict", "Evidence"))
    User = apps.get_model("auth", "User")
    verifier = User.objects.create(username="kiemchung-cu")
    now = timezone.now()
    waiting = Claim.objects.create(
        statement="Chờ duyệt", status="awaiting_approval", first_seen_at=now, last_seen_at=now
    )
    reopened = Claim.objects.create(
        statement="Đã mở lại", status="in_verification", first_seen_at=now, last_seen_at=now
    )
    Evidence.objects.create(claim=waiting, url="https://example.gov.vn/a", title="Nguồn", added_by=verifier)

    def propose(claim, summary, minutes):
        return Verdict.objects.create(
            claim=claim,
            rating="false",
            summary=summary,
            explanation="Giải thích.",
            verifier=verifier,
            proposed_at=now + timezone.timedelta(minutes=minutes),
        )

    old, new = propose(waiting, "Cũ", 0), propose(waiting, "Mới", 1)  # the "reopen" bug left two open
    stale = propose(reopened, "Bỏ dở", 0)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    Verdict = executor.loader.project_state(AFTER).apps.get_model("desk", "Verdict")
    open_ids = set(Verdict.objects.filter(approved_at=None, withdrawn_at=None).values_list("pk", flat=True))
    assert open_ids == {new.pk}
    assert Verdict.objects.get(pk=old.pk).withdrawn_at is not None
    assert Verdict.objects.get(pk=stale.pk).withdrawn_at is not None
    evidence = [(e.pk, e.url, e.title, e.quote, e.snapshot) for e in Evidence.objects.filter(claim=waiting)]
    expected = review_fingerprint(
        statement="Chờ duyệt",
        category="other",
        unit_id=None,
        evidence=evidence,
        rating="false",
        summary="Mới",
        explanation="Giải thích.",
    )
    assert Verdict.objects.get(pk=new.pk).reviewed_fingerprint == expected
