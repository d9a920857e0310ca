"""Answer first, file after: a tip found by its fingerprint (a forwarded copy of an answered text, an
identical copy of an open claim's text) is answered as soon as that is decided; its report is filed by a
job of lower priority, exactly once, as it was filed before. (Jobs wait in the database here, as under
`db_worker`; test_tipline_worker_killed.py kills a real worker between the reply and the filing.)"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citydesk.desk import services as desk
from citydesk.desk.models import ClarificationPage, Report
from citydesk.intake import tipline
from citydesk.intake.models import InboundUpdate, SeenText

from .conftest import CLAIM_TEXT, telegram_update
from .test_tipline_queue import db_worker, post, run_worker

pytestmark = pytest.mark.django_db

RUMOUR = "Khẩn: tối nay nhà máy nước Cầu Đỏ ngừng cấp nước 3 ngày vì nguồn nước nhiễm độc, tích trữ nước ngay"
FORWARDED = CLAIM_TEXT + "!!! Chia sẻ ngay cho người thân"


def queue_jobs(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYDESK_MATCHING = False  # from here on only a fingerprint can find a claim


def jobs(status: str = "READY") -> list[tuple[str, int]]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(status=status).order_by("enqueued_at").values_list("task_path", "priority"))


def run_one_job() -> str:
    """Claim and run the job `db_worker` would take next; returns its task's path."""
    from django_tasks_db.models import DBTaskResult

    worker = db_worker()
    job = DBTaskResult.objects.ready().get_locked()
    job.claim(worker.worker_id)
    worker.run_task(job)
    return job.task_path


def test_a_forwarded_copy_is_answered_before_its_report_is_filed_and_filed_once_as_before(
    client, fake_telegram, published_claim, settings
):
    assert post(client, telegram_update(41001, FORWARDED, chat_id=1)).json()["handled"] == "answered"
    before = Report.objects.get(text=FORWARDED)  # filed with its decision (a model decided it)
    queue_jobs(settings)
    copy = FORWARDED.upper()
    assert post(client, telegram_update(41002, copy, chat_id=2)).status_code == 200

    assert run_one_job() == tipline.process_task.module_path
    # The verdict went out; the report is not filed yet, and its filing waits in a lower-priority job.
    first, second = fake_telegram.messages()
    assert second["chat_id"] == "2" and second["text"] == first["text"] and "SAI" in second["text"]
    inbound = InboundUpdate.objects.get(external_id="41002")
    assert (inbound.state, inbound.delivery, inbound.outcome, inbound.report) == ("replied", "sent", "answered", None)
    assert not Report.objects.filter(text=copy).exists()
    assert jobs() == [(tipline.file_task.module_path, tipline.FILING_PRIORITY)]
    assert tipline.process_task.priority > tipline.FILING_PRIORITY

    run_worker()

    report = Report.objects.get(text=copy)
    inbound.refresh_from_db()
    assert (inbound.state, inbound.payload, inbound.report) == ("done", {}, report)
    # As the report of a forwarded copy was filed with its decision: joined to the answered claim, marked
    # answered (the follow-up sweep never sends the verdict again), received when the webhook took it.
    assert report.claim_id == published_claim.pk == before.claim_id
    assert report.answered_automatically and report.answered_at is not None
    assert report.received_at == inbound.received_at and report.reply_handle == "telegram:2"
    published_claim.refresh_from_db()
    assert published_claim.report_count == Report.objects.filter(claim=published_claim).count()

    # Its filing job again (a late job, another worker): nothing is filed twice.
    assert tipline.file_task.call([inbound.pk]) == 0
    assert Report.objects.filter(text=copy).count() == 1 and len(fake_telegram.messages()) == 2


def test_a_copy_of_an_open_rumour_joins_its_claim_after_the_thank_you(client, fake_telegram, settings):
    assert post(client, telegram_update(42001, RUMOUR, chat_id=1)).json()["handled"] == "received"
    first = Report.objects.get()
    queue_jobs(settings)
    copy = RUMOUR + "!!!"
    post(client, telegram_update(42002, copy, chat_id=2))
    run_one_job()
    thanks, again = fake_telegram.messages()
    assert again["chat_id"] == "2" and again["text"] == thanks["text"]
    assert Report.objects.count() == 1

    run_worker()

    joined = Report.objects.get(text=copy)
    assert joined.claim_id == first.claim_id and joined.match_explanation["joined"]
    assert joined.match_explanation["automatic"] and not joined.answered_at
    assert SeenText.objects.get().report == first  # the first report stays the one remembered
    first.claim.refresh_from_db()
    assert first.claim.report_count == 2


def test_the_workers_answer_waiting_citizens_before_they_file(client, fake_telegram, published_claim, settings):
    post(client, telegram_update(43001, FORWARDED, chat_id=1))
    queue_jobs(settings)
    for n in range(3):
        post(client, telegram_update(43002 + n, FORWARDED.lower(), chat_id=2 + n))
    assert run_one_job() == tipline.process_task.module_path  # the first job answers all three waiting
    assert len(fake_telegram.messages()) == 4
    post(client, telegram_update(43010, FORWARDED + " ??", chat_id=10))

    # A newer answer job goes before the older filing job.
    assert run_one_job() == tipline.process_task.module_path
    assert fake_telegram.messages()[-1]["chat_id"] == "10"
    assert Report.objects.filter(claim=published_claim).count() == 2  # the desk's own report and the first tip
    assert run_one_job() == tipline.file_task.module_path
    assert Report.objects.filter(claim=published_claim).count() == 5
    run_worker()
    assert Report.objects.filter(claim=published_claim).count() == 6
    assert set(InboundUpdate.objects.values_list("state", flat=True)) == {"done"}


def test_a_verdict_that_did_not_go_out_is_filed_for_the_follow_up_sweep(
    client, fake_telegram, published_claim, settings
):
    post(client, telegram_update(44001, FORWARDED, chat_id=1))
    queue_jobs(settings)
    fake_telegram.fail_with = {"error_code": 429, "description": "Too Many Requests: retry after 5"}
    post(client, telegram_update(44002, FORWARDED.upper(), chat_id=2))
    run_worker()
    inbound = InboundUpdate.objects.get(external_id="44002")
    assert (inbound.state, inbound.delivery) == ("done", "failed")
    report = inbound.report
    assert report.claim_id == published_claim.pk
    assert report.answered_at is None and report.answer_failures == 1 and report.reply_handle == "telegram:2"


def test_the_sweep_files_a_reply_whose_filing_job_never_ran_once_no_citizen_waits(
    client, fake_telegram, published_claim, settings
):
    post(client, telegram_update(45001, FORWARDED, chat_id=1))
    queue_jobs(settings)
    settings.CITYDESK_TIPLINE_LEASE_SECONDS = 60
    post(client, telegram_update(45002, FORWARDED.upper(), chat_id=2))
    run_one_job()  # answered; its filing job is lost (a worker died before it ran, a queue emptied)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path=tipline.file_task.module_path).delete()
    long_ago = timezone.now() - timedelta(minutes=5)
    InboundUpdate.objects.filter(external_id="45002").update(received_at=long_ago)
    post(client, telegram_update(45003, "Tin đồn: trường học nghỉ cả tuần sau vì dịch cúm", chat_id=3))
    InboundUpdate.objects.filter(external_id="45003").update(received_at=long_ago)

    # A citizen waits for an answer: the sweep answers, and leaves the filing to later (the new text's
    # report too: it got the thank-you, which nothing filed could change).
    assert tipline.process_unfinished() == 1
    assert fake_telegram.messages()[-1]["chat_id"] == "3"
    assert InboundUpdate.objects.get(external_id="45002").state == "replied"
    assert InboundUpdate.objects.get(external_id="45003").state == "replied"

    assert tipline.process_unfinished() == 2
    assert tipline.process_unfinished() == 0
    inbound = InboundUpdate.objects.get(external_id="45002")
    assert inbound.state == "done" and inbound.report.claim_id == published_claim.pk
    assert InboundUpdate.objects.get(external_id="45003").report.text.startswith("Tin đồn: trường học")
    assert Report.objects.filter(text=FORWARDED.upper()).count() == 1
    assert [m["chat_id"] for m in fake_telegram.messages()] == ["1", "2", "3"]


def test_a_claim_opened_from_a_tip_is_indexed_at_once_so_another_worker_does_not_encode_it_again(
    client, fake_telegram, settings, monkeypatch
):
    from django.db import connection

    from citydesk.desk import matcher as desk_matcher

    if connection.vendor != "postgresql":
        pytest.skip("the vectors are shared between processes on PostgreSQL (pgvector) only")
    settings.CITYDESK_MATCHING = True
    other = desk_matcher.DeskMatcher()  # another worker's matcher, up to date before the tip
    other.sync()
    text = "Phường 7 có người phát tờ rơi mời mua bảo hiểm giá 300 nghìn, có phải lừa đảo không vậy?"
    assert post(client, telegram_update(46001, text, chat_id=1)).json()["handled"] == "received"
    claim = Report.objects.get(text=text).claim

    encoded = []
    real_embed = other._index._embed  # the other worker's encoder: what it encodes is counted

    def counted(texts, *args, **kwargs):
        encoded.extend(texts)
        return real_embed(texts, *args, **kwargs)

    monkeypatch.setattr(other._index, "_embed", counted)
    monkeypatch.setattr(desk_matcher, "embed", counted)
    other.sync()  # the other worker's next tip: it takes the new claim's vector from the database
    assert encoded == []
    assert other._index.position(claim.pk) is not None


def answer_a_copy_from_memory(client, settings, update_id: int) -> None:
    """The text answered (a model decides), then a forwarded copy answered by its fingerprint, with the
    page cache's generation in this process's LocMem cache (the suite turns it off): the copy's answer
    is remembered per generation, as in production. Chats 1 and 2; update ids update_id and the next."""
    settings.CITYDESK_PAGE_CACHE = "default"
    settings.CITYDESK_PAGE_CACHE_LOCAL = True
    post(client, telegram_update(update_id, FORWARDED, chat_id=1))
    queue_jobs(settings)
    post(client, telegram_update(update_id + 1, FORWARDED.lower(), chat_id=2))
    run_worker()


def test_a_forwarded_copy_gets_the_corrected_verdict_right_after_the_correction(
    client, fake_telegram, published_claim, lead, verifier, settings
):
    answer_a_copy_from_memory(client, settings, 44001)
    old_summary = published_claim.approved_verdict.summary
    assert old_summary in fake_telegram.messages()[-1]["text"]

    # A correction: reopened (its page stays, with a public note), a new verdict proposed and approved.
    desk.claim_reopen(claim=published_claim, actor=lead, note="Bộ Y tế đã cập nhật hướng dẫn")
    post(client, telegram_update(44003, FORWARDED + " ?", chat_id=3))
    run_worker()
    while_reopened = fake_telegram.messages()[-1]["text"]
    assert old_summary not in while_reopened  # no verdict while the desk checks it again

    desk.verdict_propose(
        claim=published_claim,
        verifier=verifier,
        rating="misleading",
        summary="Nước chanh không chữa bệnh; chỉ bù nước khi sốt, theo hướng dẫn mới.",
        explanation="Bộ Y tế cập nhật: bù nước là cần, nhưng không thay điều trị.",
    )
    desk.verdict_approve(claim=published_claim, approver=lead)
    post(client, telegram_update(44004, FORWARDED + " ??", chat_id=4))
    run_worker()
    corrected = fake_telegram.messages()[-1]["text"]
    assert "chỉ bù nước khi sốt" in corrected and old_summary not in corrected


def test_a_forwarded_copy_gets_no_verdict_once_the_clarification_is_unpublished(
    client, fake_telegram, published_claim, settings
):
    answer_a_copy_from_memory(client, settings, 45001)
    verdict = published_claim.approved_verdict.summary
    assert verdict in fake_telegram.messages()[-1]["text"]

    ClarificationPage.objects.get(claim=published_claim).unpublish()
    post(client, telegram_update(45003, FORWARDED + " ?", chat_id=3))
    run_worker()
    assert verdict not in fake_telegram.messages()[-1]["text"]
    assert InboundUpdate.objects.get(external_id="45003").outcome == "received"


def test_a_forwarded_copy_is_answered_in_a_few_statements(client, fake_telegram, published_claim, settings):
    """Its answer (before the filing job): the lease and the row in one statement, the chat's rate limit,
    the fingerprint's claim, the page cache's generation (the page and verdict are remembered per
    generation), the decision with its claim for sending, and the reply's delivery."""
    answer_a_copy_from_memory(client, settings, 46001)  # the verdict's page and URL remembered
    post(client, telegram_update(46003, FORWARDED + " ?", chat_id=3))
    inbound = InboundUpdate.objects.get(external_id="46003")
    with CaptureQueriesContext(connection) as queries:
        assert tipline.process(inbound.pk, to_file=[]) == "answered"
    assert len(queries) <= 6, [query["sql"][:80] for query in queries]
    assert published_claim.approved_verdict.summary in fake_telegram.messages()[-1]["text"]


def matched_and_queued(settings) -> None:
    """Jobs wait in the database, and the matcher runs (a model decides on a new text)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYDESK_MATCHING = True


def test_a_new_text_gets_its_thank_you_first_and_its_claim_is_opened_after_without_encoding_it_again(
    client, fake_telegram, settings, monkeypatch
):
    from citydesk.desk.matcher import matcher

    matched_and_queued(settings)
    post(client, telegram_update(47001, RUMOUR, chat_id=1))
    assert run_one_job() == tipline.process_task.module_path
    (thanks,) = fake_telegram.messages()
    assert thanks["chat_id"] == "1" and "Cảm ơn" in thanks["text"]
    inbound = InboundUpdate.objects.get(external_id="47001")
    assert (inbound.state, inbound.outcome, inbound.report) == ("replied", "received", None)
    assert inbound.decision["later"] and inbound.decision["vector"] and inbound.fingerprint
    assert not Report.objects.exists()
    assert jobs() == [(tipline.file_task.module_path, tipline.FILING_PRIORITY)]

    encoded = []
    real_embed = matcher._index._embed

    def counted(texts, *args, **kwargs):
        encoded.extend(texts)
        return real_embed(texts, *args, **kwargs)

    monkeypatch.setattr(matcher._index, "_embed", counted)
    monkeypatch.setattr(matcher._index, "_last_query", None)  # as if other tips were matched meanwhile
    run_worker()
    report = Report.objects.get(text=RUMOUR)
    inbound.refresh_from_db()
    assert (inbound.state, inbound.report, inbound.fingerprint, inbound.payload) == ("done", report, "", {})
    assert report.claim.report_count == 1 and report.reply_handle == "telegram:1"
    assert report.received_at == inbound.received_at
    assert SeenText.objects.get().report == report  # later copies join it without a model
    assert matcher._index.position(report.claim_id) is not None  # indexed at once
    assert encoded == []  # the tip's vector, kept with its decision, was the new claim's


def test_copies_of_a_new_text_before_it_is_filed_get_the_same_reply_and_join_its_claim(client, fake_telegram, settings):
    matched_and_queued(settings)
    post(client, telegram_update(48001, RUMOUR, chat_id=1))
    run_one_job()
    post(client, telegram_update(48002, RUMOUR + "!!!", chat_id=2))
    post(client, telegram_update(48003, RUMOUR.upper(), chat_id=3))
    assert run_one_job() == tipline.process_task.module_path  # answers both, before any filing
    first, second, third = fake_telegram.messages()
    assert second["text"] == third["text"] == first["text"]
    assert InboundUpdate.objects.get(external_id="48002").decision == {
        "after": InboundUpdate.objects.get(external_id="48001").pk,
        "copy": True,
    }
    assert not Report.objects.exists()

    run_worker()
    reports = Report.objects.order_by("received_at")
    assert [r.text for r in reports] == [RUMOUR, RUMOUR + "!!!", RUMOUR.upper()]
    assert len({r.claim_id for r in reports}) == 1
    assert reports[0].claim.report_count == 3
    assert reports[1].match_explanation["joined"] and reports[2].match_explanation["automatic"]
    assert set(InboundUpdate.objects.values_list("state", "fingerprint")) == {("done", "")}


def a_text_and_its_copy_answered_not_filed(client, settings, update_id: int) -> tuple:
    """The rumour and an identical copy (chats 1 and 2), each answered by its own job, neither filed yet:
    their two messages, oldest first."""
    matched_and_queued(settings)
    post(client, telegram_update(update_id, RUMOUR, chat_id=1))
    run_one_job()
    post(client, telegram_update(update_id + 1, RUMOUR + "!!!", chat_id=2))
    run_one_job()
    return tuple(InboundUpdate.objects.order_by("received_at"))


def test_a_copy_waits_for_the_text_it_repeats_to_be_filed_first(client, fake_telegram, settings):
    first, copy = a_text_and_its_copy_answered_not_filed(client, settings, 49001)
    InboundUpdate.objects.filter(pk=first.pk).update(lease_until=timezone.now() + timedelta(minutes=1))  # held

    assert tipline.file_task.call([copy.pk]) == 0
    copy.refresh_from_db()
    assert (copy.state, copy.lease_until, copy.report) == ("replied", None, None)  # left for later
    InboundUpdate.objects.filter(pk=first.pk).update(lease_until=None)
    tipline.file_task.call([first.pk, copy.pk])
    assert Report.objects.get(text=RUMOUR + "!!!").claim_id == Report.objects.get(text=RUMOUR).claim_id


def test_a_copy_filed_before_the_text_it_repeats_files_that_text_first(client, fake_telegram, settings):
    first, copy = a_text_and_its_copy_answered_not_filed(client, settings, 50001)

    # The copy's filing runs first (the other worker took the text's filing job, or it comes later).
    assert tipline.file_task.call([copy.pk]) == 1
    first.refresh_from_db()
    copy.refresh_from_db()
    assert first.state == copy.state == "done"
    assert copy.report.claim_id == first.report.claim_id and first.report.text == RUMOUR
    assert tipline.file_task.call([first.pk]) == 0  # its own job finds it filed
    assert Report.objects.count() == 2
