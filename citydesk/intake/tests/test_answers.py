"""Follow-ups: who is answered, how often, and what is never retried."""

import pytest

from citydesk.desk import services as desk
from citydesk.desk.models import Channel
from citydesk.intake.answers import deliver_answers, deliver_pending_answers

pytestmark = pytest.mark.django_db


def test_a_handle_without_a_platform_is_tried_once_not_five_times(published_claim):
    report = desk.report_receive(channel=Channel.STAFF, text="x", claim=published_claim, reply_handle="0905123456")
    assert deliver_answers(published_claim) == (0, 1)
    assert deliver_pending_answers() == (0, 0)
    report.refresh_from_db()
    assert report.answered_at is None and report.answer_failures == desk.MAX_ANSWER_FAILURES


def test_a_corrected_verdict_is_sent_again(published_claim, verifier, lead, mailoutbox):
    desk.report_receive(channel=Channel.WEB, text="y", claim=published_claim, reply_handle="email:a@example.vn")
    assert deliver_answers(published_claim) == (1, 0)
    assert deliver_answers(published_claim) == (0, 0)

    desk.claim_reopen(claim=published_claim, actor=lead, note="Bộ Y tế cập nhật hướng dẫn.")
    desk.verdict_propose(
        claim=published_claim,
        verifier=verifier,
        rating="misleading",
        summary="Nước chanh không chữa bệnh, chỉ giúp bù nước.",
        explanation="Hướng dẫn mới của Bộ Y tế.",
    )
    desk.verdict_approve(claim=published_claim, approver=lead)
    assert deliver_pending_answers() == (1, 0)
    assert "GÂY HIỂU LẦM" in mailoutbox[-1].body


def test_an_unreachable_mail_server_is_a_counted_failure_not_a_crash(published_claim, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    report = desk.report_receive(
        channel=Channel.WEB, text="z", claim=published_claim, reply_handle="email:b@example.vn"
    )
    assert deliver_answers(published_claim) == (0, 1)
    report.refresh_from_db()
    assert report.answer_failures == 1 and report.answered_at is None
