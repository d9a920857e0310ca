"""The desk's search index of claims: a report joining a claim leaves it alone (its statement did not
change; a surge joins thousands), an edited statement is re-indexed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend

from citydesk.desk import services
from citydesk.desk.models import Channel, Claim

pytestmark = pytest.mark.django_db


def found(word: str) -> set[int]:
    return {claim.pk for claim in get_search_backend().search(word, Claim)}


def test_a_report_joining_a_claim_does_not_reindex_it(claim):
    assert found("chanh") == {claim.pk}
    with CaptureQueriesContext(connection) as queries:
        report = services.report_receive(channel=Channel.TELEGRAM, text="nuoc chanh chua sot xuat huyet", claim=claim)
    assert report.claim_id == claim.pk
    touched = [query["sql"] for query in queries if "indexentry" in query["sql"].lower()]
    assert touched == []
    claim.refresh_from_db()
    assert claim.report_count == 2  # the counts still move
    assert found("chanh") == {claim.pk}


def test_an_edited_statement_is_reindexed(claim, verifier):
    services.claim_update(
        claim=claim, actor=verifier, statement="Uống nước dừa tươi chữa khỏi sốt xuất huyết", category=claim.category
    )
    assert found("dừa") == {claim.pk}
    assert found("chanh") == set()


def test_a_new_claim_opened_by_a_report_is_indexed(db):
    report = services.report_receive(channel=Channel.TELEGRAM, text="Ăn tỏi sống phòng được cúm mùa, bác sĩ nói vậy")
    assert found("tỏi") == {report.claim_id}


def test_a_new_claims_index_job_waits_behind_the_tiplines_answers(db, settings):
    """In a surge every new text opens a claim: its search index job must not take a worker's turn from a
    citizen waiting for an answer (django-tasks-db runs the highest priority first)."""
    from django_tasks_db.models import DBTaskResult

    from citydesk.desk.search_index import SEARCH_INDEX_PRIORITY
    from citydesk.intake import tipline

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report = services.report_receive(channel=Channel.TELEGRAM, text="Ăn tỏi sống phòng được cúm mùa, bác sĩ nói vậy")
    job = DBTaskResult.objects.get(task_path="modelsearch.tasks.insert_or_update_object_task")
    assert job.priority == SEARCH_INDEX_PRIORITY < tipline.FILING_PRIORITY < tipline.process_task.priority
    assert job.args_kwargs["args"] == ["desk", "claim", str(report.claim_id)]
    assert found("tỏi") == set()  # not yet: the job has not run

    from citydesk.intake.tests.test_tipline_queue import db_worker

    worker = db_worker()
    job.claim(worker.worker_id)
    worker.run_task(job)
    assert found("tỏi") == {report.claim_id}
