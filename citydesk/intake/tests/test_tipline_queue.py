"""The tipline's worker side: the cheap path for forwarded copies, and the sweep that finishes what a job
did not. (Jobs run inline here; test_tipline_worker_killed.py runs a real worker.)"""

import json
import unicodedata
from dataclasses import asdict
from datetime import timedelta

import pytest
from django.utils import timezone

from citydesk.desk.models import Report
from citydesk.intake import answers, tipline
from citydesk.intake.models import AnsweredText, InboundUpdate, SeenText

from .conftest import CLAIM_TEXT, TELEGRAM_SECRET, telegram_update

pytestmark = pytest.mark.django_db


def post(client, update):
    return client.post(
        "/intake/telegram/",
        data=json.dumps(update),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )


def test_a_forwarded_copy_of_an_answered_text_gets_the_same_verdict_without_matching(
    client, fake_telegram, published_claim, settings
):
    forwarded = CLAIM_TEXT + "!!! Chia sẻ ngay cho người thân"
    assert post(client, telegram_update(11001, forwarded, chat_id=1)).json()["handled"] == "answered"
    assert AnsweredText.objects.count() == 1

    # No model may run now: matching is off, so only the fingerprint can find the verdict.
    settings.CITYDESK_MATCHING = False
    copy = "  " + forwarded.upper().replace("!!!", " ! ") + "  "
    assert post(client, telegram_update(11002, copy, chat_id=2)).json()["handled"] == "answered"
    first, second = fake_telegram.messages()
    assert second["chat_id"] == "2" and second["text"] == first["text"] and "SAI" in second["text"]
    report = Report.objects.get(text=copy.strip())
    assert report.claim_id == published_claim.pk and report.answered_automatically

    # One number differs: a different claim as far as the fingerprint knows, so no verdict from it.
    other = forwarded.replace("3 ngày", "5 ngày")
    assert post(client, telegram_update(11003, other, chat_id=3)).json()["handled"] == "received"
    assert "SAI" not in fake_telegram.messages()[-1]["text"]


def test_the_fingerprint_keeps_diacritics_and_ignores_case_spacing_and_punctuation():
    assert answers.fingerprint("Uống nước CHANH nóng!!!") == answers.fingerprint("uống   nước chanh nóng")
    decomposed = unicodedata.normalize("NFD", "Uống nước chanh nóng")
    assert answers.fingerprint(decomposed) == answers.fingerprint("Uống nước chanh nóng")
    assert answers.fingerprint("Uống nước chanh nóng") != answers.fingerprint("Uong nuoc chanh nong")
    assert answers.fingerprint("xem https://a.example/x") != answers.fingerprint("xem https://b.example/x")


def test_a_pointer_is_never_remembered_as_a_verdict(client, fake_telegram, published_claim, settings):
    # Too short to be sure (fewer than CITYDESK_MATCH_MIN_WORDS words): the tipster gets a pointer only.
    settings.CITYDESK_MATCH_MIN_WORDS = 50
    handled = post(client, telegram_update(12001, CLAIM_TEXT, chat_id=1)).json()["handled"]
    assert handled in ("pointed", "received")
    assert AnsweredText.objects.count() == 0


def test_the_answer_follows_the_claim_when_the_verdict_is_withdrawn(client, fake_telegram, published_claim, settings):
    post(client, telegram_update(13001, CLAIM_TEXT + " có thật không?", chat_id=1))
    published_claim.status = "in_verification"  # reopened: no published verdict to repeat
    published_claim.save(update_fields=["status"])
    settings.CITYDESK_MATCHING = False
    assert post(client, telegram_update(13002, CLAIM_TEXT + " có thật không?", chat_id=2)).json()["handled"] == (
        "received"
    )


RUMOUR = "Khẩn: tối nay nhà máy nước Cầu Đỏ ngừng cấp nước 3 ngày vì nguồn nước nhiễm độc, tích trữ nước ngay"


def test_an_exact_copy_of_a_rumour_the_desk_has_open_joins_its_claim_without_matching(client, fake_telegram, settings):
    assert post(client, telegram_update(18001, RUMOUR, chat_id=1)).json()["handled"] == "received"
    first = Report.objects.get()
    assert SeenText.objects.get().report == first

    # No model may run now: matching is off, so only the fingerprint can find the open claim.
    settings.CITYDESK_MATCHING = False
    copy = "  " + RUMOUR.upper().replace(",", " ,, ") + "!!!"
    assert post(client, telegram_update(18002, copy, chat_id=2)).json()["handled"] == "received"
    joined = Report.objects.get(text=copy.strip())
    assert joined.claim_id == first.claim_id and joined.match_explanation["joined"]
    thanks, again = fake_telegram.messages()
    assert again["chat_id"] == "2" and again["text"] == thanks["text"]  # the thank-you: no verdict, no pointer
    assert SeenText.objects.count() == 1  # the first report stays the one remembered

    # One number differs: not a copy, so it does not join (with matching off, a claim of its own).
    other = RUMOUR.replace("3 ngày", "5 ngày")
    assert post(client, telegram_update(18003, other, chat_id=3)).json()["handled"] == "received"
    assert Report.objects.get(text=other).claim_id != first.claim_id


def test_a_copy_of_a_rumour_whose_claim_was_closed_or_published_is_matched_as_any_tip(client, fake_telegram, settings):
    post(client, telegram_update(19001, RUMOUR, chat_id=1))
    claim = Report.objects.get().claim
    settings.CITYDESK_MATCHING = False  # with matching off, a tip that is not joined opens a claim of its own
    for update_id, status in ((19002, "published"), (19003, "not_checkable")):
        claim.status = status
        claim.save(update_fields=["status"])
        assert answers.seen_before(RUMOUR) is None
        post(client, telegram_update(update_id, RUMOUR, chat_id=update_id))
        assert Report.objects.filter(claim=claim).count() == 1
    claim.status = "in_verification"
    claim.save(update_fields=["status"])
    assert answers.seen_before(RUMOUR).claim == claim
    # Stale (not seen within the matching window), too short to join on, or with a link: never joined unasked.
    claim.last_seen_at = timezone.now() - timedelta(days=settings.CITYDESK_MATCH_WINDOW_DAYS + 1)
    claim.save(update_fields=["last_seen_at"])
    assert answers.seen_before(RUMOUR) is None
    claim.last_seen_at = timezone.now()
    claim.save(update_fields=["last_seen_at"])
    assert answers.seen_before(RUMOUR, "https://a.example/x") is None
    settings.CITYDESK_MATCH_MIN_WORDS = 50
    assert answers.seen_before(RUMOUR) is None


def stored_message(update_id: int, text: str, *, chat_id: int = 5550001, **fields) -> InboundUpdate:
    from citydesk.intake.telegram import parse_update

    incoming = parse_update(telegram_update(update_id, text, chat_id=chat_id))
    return InboundUpdate.objects.create(
        platform="telegram", external_id=str(update_id), payload=asdict(incoming), **fields
    )


def test_the_sweep_finishes_a_message_whose_job_never_ran_once(fake_telegram, settings):
    settings.CITYDESK_TIPLINE_LEASE_SECONDS = 60
    inbound = stored_message(
        14001, "Tin đồn: trường học toàn thành phố nghỉ học cả tuần sau vì dịch cúm", state="received"
    )
    InboundUpdate.objects.filter(pk=inbound.pk).update(received_at=timezone.now() - timedelta(minutes=5))
    fresh = stored_message(14002, "Tin đồn khác vừa đến, job của nó còn trong hàng đợi", state="received")

    assert tipline.process_unfinished() == 1  # the fresh one is left to its own job
    assert tipline.process_unfinished() == 0
    inbound.refresh_from_db()
    assert (inbound.state, inbound.delivery, inbound.outcome, inbound.payload) == ("done", "sent", "received", {})
    assert inbound.report.text.startswith("Tin đồn: trường học")
    assert [m["chat_id"] for m in fake_telegram.messages()] == ["5550001"]
    fresh.refresh_from_db()
    assert fresh.state == "received" and fresh.report is None


def test_a_reply_whose_worker_died_while_sending_is_never_sent_again(fake_telegram):
    inbound = stored_message(
        15001,
        "Tin đồn: giá điện tăng gấp đôi từ tháng sau",
        state="sending",
        outcome="received",
        reply="Cảm ơn bạn.",
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    assert tipline.process_unfinished() == 1
    inbound.refresh_from_db()
    assert (inbound.state, inbound.delivery, inbound.payload) == ("done", "unknown", {})
    assert fake_telegram.messages() == []


def test_a_message_another_worker_holds_is_left_alone(fake_telegram):
    inbound = stored_message(
        16001,
        "Tin đồn: cầu Rồng đóng cửa vĩnh viễn",
        state="received",
        lease_until=timezone.now() + timedelta(minutes=1),
    )
    assert tipline.process(inbound.pk) == "busy"
    assert tipline.process_unfinished() == 0
    assert fake_telegram.messages() == [] and Report.objects.count() == 0


def test_a_message_that_fails_every_time_is_given_up_and_its_chat_id_forgotten(fake_telegram):
    inbound = stored_message(
        17001,
        "Tin đồn: xe buýt miễn phí cả tháng",
        state="received",
        attempts=tipline.MAX_ATTEMPTS,
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    assert tipline.process_unfinished() == 1
    inbound.refresh_from_db()
    assert (inbound.state, inbound.delivery, inbound.payload) == ("done", "failed", {})
    assert fake_telegram.messages() == [] and Report.objects.count() == 0


@pytest.fixture
def database_queue(settings):
    """Jobs wait in the database (django-tasks-db), as under `db_worker`, instead of running inline."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYDESK_MATCHING = False  # about the queue, not about matching


def db_worker():
    """django-tasks-db's `db_worker` as the command builds it, for a test to drive job by job."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def run_worker() -> None:
    """What `db_worker` does for each job (claim the next waiting one, run it) until none is left; its
    loop itself is left out: between jobs it closes the connection, which holds the test's transaction."""
    from django_tasks_db.models import DBTaskResult

    worker = db_worker()
    while (job := DBTaskResult.objects.ready().get_locked()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)


WAITING = [f"Tin đồn số {n}: chợ Hàn đóng cửa cả tháng để sửa chữa, tiểu thương phải dời đi" for n in range(5)]


def test_a_job_runs_the_messages_waiting_behind_it_and_each_is_answered_once(client, fake_telegram, database_queue):
    from django_tasks_db.models import DBTaskResult

    for n, text in enumerate(WAITING):
        assert post(client, telegram_update(18001 + n, text, chat_id=5551001 + n)).status_code == 200
    assert fake_telegram.messages() == [] and DBTaskResult.objects.filter(status="READY").count() == 5

    run_worker()

    assert sorted(m["chat_id"] for m in fake_telegram.messages()) == [str(5551001 + n) for n in range(5)]
    # Two runs each: the answer, then the filing of its report (a thank-you is filed after the reply).
    assert set(InboundUpdate.objects.values_list("state", "delivery", "attempts")) == {("done", "sent", 2)}
    assert Report.objects.count() == 5
    jobs = DBTaskResult.objects.filter(task_path=tipline.process_task.module_path)
    results = list(jobs.values_list("status", "return_value"))
    assert sorted(results) == sorted([("SUCCESSFUL", "received")] + [("SUCCESSFUL", "taken by another job")] * 4)


def test_a_message_taken_by_a_batch_is_not_answered_again_by_its_own_job(client, fake_telegram, database_queue):
    for n, text in enumerate(WAITING[:3]):
        post(client, telegram_update(19001 + n, text, chat_id=5552001 + n))
    first, second, third = InboundUpdate.objects.order_by("received_at")
    # Another worker claimed the second message's job before the batch marked it: it runs and finds the
    # message answered (its report still to be filed): it only files it, nothing is sent twice.
    assert tipline.process_task.call(first.pk) == "received"
    assert tipline.process_task.call(second.pk) == "received"
    assert len(fake_telegram.messages()) == 3
    run_worker()  # the filing job
    assert tipline.process(third.pk) == "busy"  # done: the sweep or a late job leaves it alone
    assert sorted(m["chat_id"] for m in fake_telegram.messages()) == ["5552001", "5552002", "5552003"]
    assert Report.objects.count() == 3


def test_a_batch_leaves_a_message_another_worker_holds(client, fake_telegram, database_queue):
    for n, text in enumerate(WAITING[:2]):
        post(client, telegram_update(20001 + n, text, chat_id=5553001 + n))
    first, held = InboundUpdate.objects.order_by("received_at")
    InboundUpdate.objects.filter(pk=held.pk).update(lease_until=timezone.now() + timedelta(minutes=1))
    assert tipline.process_task.call(first.pk) == "received"
    held.refresh_from_db()
    assert held.state == "received" and held.attempts == 0
    assert [m["chat_id"] for m in fake_telegram.messages()] == ["5553001"]


def test_jobs_that_run_inline_take_no_other_message(client, fake_telegram, settings):
    waiting = stored_message(21001, WAITING[0], chat_id=5554001, state="received")
    post(client, telegram_update(21002, WAITING[1], chat_id=5554002))  # its job runs inline, in the request
    waiting.refresh_from_db()
    assert waiting.state == "received"  # left to its own job or the sweep, not run inside a webhook request
    assert [m["chat_id"] for m in fake_telegram.messages()] == ["5554002"]


def test_a_message_that_fails_in_a_batch_does_not_stop_the_others(client, fake_telegram, database_queue, caplog):
    post(client, telegram_update(22001, WAITING[0], chat_id=5555001))
    broken = InboundUpdate.objects.create(
        platform="telegram", external_id="22002", payload={"unknown": 1}, state="received"
    )
    post(client, telegram_update(22003, WAITING[2], chat_id=5555003))
    first = InboundUpdate.objects.get(external_id="22001")

    assert tipline.process_task.call(first.pk) == "received"

    assert sorted(m["chat_id"] for m in fake_telegram.messages()) == ["5555001", "5555003"]
    broken.refresh_from_db()
    assert broken.state == "received" and broken.attempts == 1  # leased: the sweep retries it, then gives up
    assert "failed in another message's job" in caplog.text
