"""The chat tipline (Telegram and Zalo): one flow for a message, whatever platform it came on.

The webhook only stores the message (once: the platform's id is unique) and queues a job; it answers
the platform at once, whether or not a worker runs. The job (`process`) fetches and cleans an image
before anything else is stored, decides the reply, then sends it: the verdict when the office has
already answered the claim, otherwise a thank-you and the promise of a follow-up. A forwarded copy of
a text already answered with a verdict is recognised by its fingerprint, before any model runs; so is
an identical copy of a text whose claim the desk still has open (it joins that claim and gets the
thank-you), or of a text answered moments ago whose report is not filed yet.

Answer first, file after: a reply that nothing filed could change (a fingerprint's, or a model's
decision without a verdict) goes out first; the report (the desk's side) is filed by a job of lower
priority (`file_task`), so in a surge the workers answer the citizens before they file. A verdict a
model decided, and a photo, are filed with their decision, in one transaction with the reply.

Exactly once: each step is recorded before the next starts, and a row is worked on under a lease, so a
worker that dies is replaced by the scheduler's sweep (`process_unfinished`) from the last recorded
step. The one step that cannot be repeated safely is the call to the platform: a reply whose worker
died while it was on its way is recorded as "unknown" and never sent again (the platforms have no
idempotency key and no way to read a chat back).
"""

import base64
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from citydesk.core import ratelimit
from citydesk.core.images import clean_image
from citydesk.core.links import http_url_or_empty
from citydesk.desk import services as desk
from citydesk.desk.matcher import matcher
from citydesk.desk.models import Channel, Report

from . import answers, delivery, selectors
from .models import InboundUpdate
from .telegram import Incoming

log = logging.getLogger(__name__)

Sender = Callable[[str], None]
MAX_ATTEMPTS = 5  # runs of one message (its job, then the sweep) before it is given up
ImageFetcher = Callable[[Incoming], bytes]


def unsupported_message() -> str:
    return _("We can read text, links and photos. Please send the message you want checked as one of these.")


def help_message(platform: str) -> str:
    prefix = "/" if platform == "telegram" else "#"
    return "\n".join(
        [
            _(
                "Send us a message, a link or a photo you doubt, and we will tell you whether the office "
                "has checked it."
            ),
            _("If it has, you get the verdict at once; if not, the desk checks it and we write back here."),
            _("%(prefix)sofficial <name, link or phone number>: is this page or number one of the office's own?")
            % {"prefix": prefix},
            _("%(prefix)shelp: this message.") % {"prefix": prefix},
        ]
    )


def start_message(platform: str) -> str:
    return "\n\n".join(
        [
            _("This is the fact-check tipline of %(office)s.") % {"office": settings.WAGTAIL_SITE_NAME},
            help_message(platform),
            _(
                "Privacy: we keep what you send and this chat's id only to answer you; the id is erased after "
                "%(days)d days. We never record who posted what you forward."
            )
            % {"days": desk.DEFAULT_REPLY_TTL.days},
        ]
    )


def official_message(argument: str) -> str:
    if not argument.strip():
        return _("Write a name, a link or a phone number after the command, e.g. %(example)s") % {
            "example": "/official facebook.com/..."
        }
    found = selectors.lookup(argument)
    lines = []
    if found.query.kind is not None:
        lines.append(
            _("Yes: this is an official account of the office.")
            if found.official
            else _(
                "Not in the official list. Be careful: pages, numbers and sites that imitate the office "
                "are a common scam."
            )
        )
    elif not found.accounts:
        lines.append(_("No official account has that name. Pages that imitate the office are a common scam."))
    else:
        lines.append(_("Official accounts with that name:"))
    for account in found.accounts:
        unit = f" — {account.unit}" if account.unit else ""
        lines.append(f"• {account.name}: {account.value}{unit}")
    path = reverse("official_accounts")  # in the active language
    lines.append(_("The full list: %(url)s") % {"url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path})
    return "\n".join(lines)


def _reply_to_command(incoming: Incoming) -> str:
    if incoming.command == "start":
        return start_message(incoming.platform)
    if incoming.command in ("official", "chinhthuc"):
        return official_message(incoming.argument)
    return help_message(incoming.platform)


def _channel(platform: str) -> str:
    return Channel.TELEGRAM if platform == "telegram" else Channel.ZALO


def accept(incoming: Incoming) -> InboundUpdate | None:
    """Store a webhook's message (None: the platform delivered it before) and queue its job (its outcome
    is set when the job ran at once: jobs inline, in tests and the demo)."""
    fields = {
        "platform": incoming.platform,
        "external_id": incoming.external_id,
        "payload": asdict(incoming),
        "state": InboundUpdate.State.RECEIVED,
    }
    try:
        if connection.in_atomic_block:  # inside a caller's transaction: a savepoint keeps it usable
            with transaction.atomic():
                inbound = InboundUpdate.objects.create(**fields)
        else:  # autocommit: the INSERT is a transaction of its own (one statement, not three)
            inbound = InboundUpdate.objects.create(**fields)
    except IntegrityError:
        return None  # a re-delivery (or the same update at the same moment)
    # After the commit: a crash in between leaves a received row, which the scheduler's sweep picks up.
    result = process_task.enqueue(inbound.pk)
    if result.status == TaskResultStatus.SUCCESSFUL:
        inbound.outcome = result.return_value
    return inbound


# Messages a job also runs when they wait behind its own (see _take_waiting), on the database job queue.
TAKE_WAITING = 8


# The filing jobs' priority: below the answers' (django-tasks-db's db_worker takes the highest priority
# first, then the oldest), so in a surge the workers answer the citizens first and file when it eases.
FILING_PRIORITY = -50


@task()
def process_task(inbound_id: int) -> str:
    to_file: list[int] = []
    outcome = process(inbound_id, to_file=to_file)
    _take_waiting(exclude=inbound_id, to_file=to_file)
    if to_file:
        file_task.enqueue(to_file)
    return outcome


@task(priority=FILING_PRIORITY)
def file_task(inbound_ids: list[int]) -> int:
    """File the reports of messages already answered (state "replied"); returns how many it filed. A
    message already filed, or held by another worker, is left alone; a worker that dies here leaves its
    messages to the scheduler's sweep."""
    filed = 0
    for inbound_id in inbound_ids:
        try:
            if process(inbound_id) != "busy":
                filed += 1
        except Exception:  # as a job of its own would fail: the sweep resumes it when the lease runs out
            log.exception("Tipline message %s: filing failed", inbound_id)
    return filed


def _take_waiting(*, exclude: int, to_file: list[int]) -> int:
    """On the database job queue, a job also runs a few messages that wait behind its own (received,
    no worker on them), each under its own lease (the compare-and-set that makes a message run once),
    and marks their jobs done before a worker claims them: in a surge most of a cheap message's cost
    was its job's own rows (claim, start, result) and the framework around them. A job a worker has
    already claimed finds its message leased or done ("busy"); a worker that dies mid-batch leaves
    leased messages that the scheduler's sweep resumes when the lease runs out, as for any message.
    Returns how many it ran."""
    marker = _job_marker()
    if marker is None:
        return 0  # jobs run inline (tests, the demo) or elsewhere: each message has its own job at once
    taken = _lease_waiting(exclude=exclude, now=timezone.now(), limit=TAKE_WAITING)
    if not taken:
        return 0
    marker([inbound.pk for inbound in taken])
    for inbound in taken:
        try:
            process(inbound.pk, leased=inbound, to_file=to_file)
        except Exception:  # as its own job would fail: the sweep resumes it when the lease runs out
            log.exception("Tipline message %s failed in another message's job", inbound.pk)
    return len(taken)


def _job_marker() -> Callable[[list[int]], None] | None:
    """With django-tasks-db: a function that marks the waiting jobs of these messages done (one UPDATE;
    a job already claimed is left to run and find its message "busy")."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return None
    backend = process_task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None

    def mark(inbound_ids: list[int]) -> None:
        now = timezone.now()
        DBTaskResult.objects.filter(
            status="READY",
            backend_name=backend.alias,
            task_path=process_task.module_path,
            args_kwargs__args__0__in=inbound_ids,
        ).update(status="SUCCESSFUL", started_at=now, finished_at=now, return_value="taken by another job")

    return mark


def _lease(inbound_id: int, now: datetime) -> InboundUpdate | None:
    """Take the row for this worker (compare-and-set) and read it, in one statement: None while another
    worker holds it or it is done."""
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    lease = quote("lease_until")
    where = f"{quote('id')} = %s AND {quote('state')} <> %s AND ({lease} IS NULL OR {lease} < %s)"
    rows = _leased_where(where, [inbound_id, InboundUpdate.State.DONE, adapt(now)], now)
    return rows[0] if rows else None


def _lease_waiting(*, exclude: int, now: datetime, limit: int) -> list[InboundUpdate]:
    """Take up to `limit` received messages no worker holds, oldest first, and read them, in one
    statement (a row another worker is taking at the same moment is skipped on PostgreSQL; SQLite has
    one writer at a time)."""
    quote = connection.ops.quote_name
    table = quote(InboundUpdate._meta.db_table)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    waiting = (
        f"SELECT {quote('id')} FROM {table} WHERE {quote('state')} = %s AND {quote('lease_until')} IS NULL "  # noqa: S608 (names only)
        f"AND {quote('id')} <> %s ORDER BY {quote('received_at')} LIMIT %s{skip_locked}"
    )
    rows = _leased_where(f"{quote('id')} IN ({waiting})", [InboundUpdate.State.RECEIVED, exclude, limit], now)
    return sorted(rows, key=lambda inbound: (inbound.received_at, inbound.pk))


def _leased_where(where: str, params: list, now: datetime) -> list[InboundUpdate]:
    """UPDATE … RETURNING (PostgreSQL and SQLite ≥ 3.35): the lease and the row's read in one statement,
    where the ORM would take two (and one more per message for a batch)."""
    quote = connection.ops.quote_name
    until = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=settings.CITYDESK_TIPLINE_LEASE_SECONDS))
    attempts = quote("attempts")
    sql = (
        f"UPDATE {quote(InboundUpdate._meta.db_table)} SET {quote('lease_until')} = %s, "  # noqa: S608 (names only)
        f"{attempts} = {attempts} + 1 WHERE {where} RETURNING *"
    )
    return list(InboundUpdate.objects.raw(sql, [until, *params]))


def process(
    inbound_id: int,
    *,
    send: Sender | None = None,
    fetch_image: ImageFetcher | None = None,
    leased: InboundUpdate | None = None,
    to_file: list[int] | None = None,
) -> str:
    """Run one stored message from its last recorded step; returns what happened (for logs and tests).
    leased: the row, when the caller has just taken its lease (_take_waiting). A message whose report is
    filed after its reply ends "replied": its id goes to to_file when given (the caller queues one
    filing job for several), else a filing job is queued for it; a message found "replied" is filed now."""
    inbound = leased or _lease(inbound_id, timezone.now())
    if inbound is None:
        return "busy"
    if inbound.attempts > MAX_ATTEMPTS:  # it failed every time (a bug, not the platform): stop, forget the chat
        log.error("Tipline message %s given up after %d attempts", inbound.pk, MAX_ATTEMPTS)
        if inbound.state == InboundUpdate.State.REPLIED:  # answered already: only its filing failed
            _finish(inbound, inbound.delivery, filed=True)
        else:
            _finish(inbound, InboundUpdate.Delivery.FAILED, filed=True)
        return "given_up"
    if inbound.state == InboundUpdate.State.REPLIED:
        return inbound.outcome if _file(inbound) else "busy"
    incoming = Incoming(**inbound.payload)
    if inbound.state == InboundUpdate.State.SENDING:
        # The last worker died while the reply was on its way: the platform may have it. Never twice.
        _finish(inbound, InboundUpdate.Delivery.UNKNOWN)
        log.warning("Tipline reply %s: worker died while sending; not sent again", inbound.pk)
    else:
        if send is None or fetch_image is None:
            from .views import TIPLINES

            _parse, make_send, default_fetch = TIPLINES[incoming.platform]()
            send, fetch_image = send or make_send(incoming), fetch_image or default_fetch
        opened_claim = False
        if inbound.state == InboundUpdate.State.RECEIVED:
            with translation.override(incoming.language):
                opened_claim = _decide(inbound, incoming, fetch_image)
        _send(inbound, send)
        if opened_claim:
            # A claim opened from this tip: index it now, while this process's matcher still holds the
            # tip's vector (it stores it for every process, pgvector). Left to this worker's next matched
            # tip (after any number of cheap ones), another worker indexed it first and encoded its
            # statement again. After the reply: the citizen does not wait for it.
            matcher.sync()
    if inbound.state == InboundUpdate.State.REPLIED:
        if to_file is None:
            file_task.enqueue([inbound.pk])
        else:
            to_file.append(inbound.pk)
    return inbound.outcome


def _decide(inbound: InboundUpdate, incoming: Incoming, fetch_image: ImageFetcher) -> bool:
    """Store the report (if any) and fix the reply, in one transaction with the row's new state: sending
    (the reply goes out next, in this worker: one statement less than deciding, then claiming it for
    sending). Returns whether a claim was opened from this tip."""
    report, answer, reply = None, None, ""
    if not ratelimit.allow(
        f"chat:{incoming.platform}",
        incoming.chat_id,
        limit=settings.CITYDESK_CHAT_RATE_LIMIT,
        window_seconds=settings.CITYDESK_CHAT_RATE_WINDOW,
    ):
        outcome, reply = "rate_limited", _("You have sent many messages in a short time. Please wait a few minutes.")
    elif incoming.command:
        outcome, reply = "command", _reply_to_command(incoming)
    elif incoming.unsupported:
        outcome, reply = "unsupported", unsupported_message()
    else:
        outcome, image, judged = "", None, (None, [])
        if incoming.image_ref:
            try:
                image = clean_image(fetch_image(incoming))
            except (ValidationError, delivery.DeliveryError) as error:
                if isinstance(error, ValidationError):
                    reason = error.messages[0]
                elif isinstance(error, delivery.TooLarge):
                    reason = _("The image is too large (at most %(mb)d MB).") % {"mb": 10}
                else:
                    reason = _("We could not read the photo.")
                outcome, reply = "bad_image", reason + " " + _("Please send it again as a photo (at most 10 MB).")
    if not outcome:  # matching reads only: outside the transaction (on SQLite it holds the one write lock)
        judged = answers.judge_tip(text=incoming.text, url=incoming.url, image=image, cheap=True)
        if answers.found_by_fingerprint(judged):
            # Answer first, file after: the reply depends on the decision only; the report (the desk's
            # side) is filed by a lower-priority job after the reply (_file).
            outcome, reply, decision = _decided_by_fingerprint(incoming, judged)
            _record_decision(inbound, outcome, reply, decision=decision)
            return False
        if image is None and incoming.text and (judged[0] is None or not judged[0].sure):
            # No verdict: the thank-you (or a pointer to a related clarification) depends on nothing the
            # filing stores, so the report is filed after the reply too (matched again then, with the
            # tip's vector kept here). Identical copies that come before it is filed get the same reply
            # (pending_copy). A verdict is still filed with its decision: its fingerprint answers the
            # next copies.
            outcome, reply, decision = _decided_without_verdict(incoming, judged)
            _record_decision(
                inbound, outcome, reply, decision=decision, fingerprint=answers.fingerprint(incoming.text, incoming.url)
            )
            return False
    if outcome:  # nothing to store but the reply
        _record_decision(inbound, outcome, reply)
        return False
    with transaction.atomic():
        if not _locked_in(inbound, InboundUpdate.State.RECEIVED):  # decided meanwhile (lease expired)
            return False
        result = answers.take_tip(
            channel=_channel(incoming.platform),
            text=incoming.text,
            url=incoming.url,
            image=image,
            reply_handle=delivery.handle(incoming.platform, incoming.chat_id),
            judged=judged,
        )
        report, answer = result.report, result.answer
        outcome, reply = _reply(incoming, answer, result.warnings)
        if answer is None:
            copy = bool(judged[1]) and isinstance(judged[1][0], answers.SeenCopy)  # its text is kept already
            if image is None and not copy:  # an identical copy may join its claim while open (seen_before)
                answers.remember_seen(text=incoming.text, url=incoming.url, report=report)
        if answer is not None and answer.sure:
            # Claimed for this reply now, so the follow-up sweep never sends the verdict a second time.
            desk.report_mark_answered(report, automatic=True)
            if not answer.known:
                answers.remember_answered(text=incoming.text, url=incoming.url, report=report)
        inbound.state, inbound.outcome, inbound.reply, inbound.report = (
            InboundUpdate.State.SENDING,
            outcome,
            reply,
            report,
        )
        inbound.save(update_fields=["state", "outcome", "reply", "report"])
    inbound._sending = True
    return bool(settings.CITYDESK_MATCHING and incoming.text and report.claim.report_count == 1)


def _locked_in(inbound: InboundUpdate, state: str) -> bool:
    """Lock the message's row (in the caller's transaction) and say whether it is still in `state`; if
    another worker whose lease ran out moved it on meanwhile, `inbound` is read again and False."""
    if InboundUpdate.objects.select_for_update().get(pk=inbound.pk).state == state:
        return True
    inbound.refresh_from_db()
    return False


def _record_decision(
    inbound: InboundUpdate, outcome: str, reply: str, *, decision: dict | None = None, fingerprint: str = ""
) -> None:
    """Fix a reply with nothing stored beside it, and claim it for sending: one compare-and-set statement
    (a worker whose lease ran out meanwhile may have decided it first: then its decision stands)."""
    fields = {"state": InboundUpdate.State.SENDING, "outcome": outcome, "reply": reply, "decision": decision or {}}
    if fingerprint:
        fields["fingerprint"] = fingerprint
    if not InboundUpdate.objects.filter(pk=inbound.pk, state=InboundUpdate.State.RECEIVED).update(**fields):
        inbound.refresh_from_db()
        return
    for name, value in fields.items():
        setattr(inbound, name, value)
    inbound._sending = True


def _decided_by_fingerprint(incoming: Incoming, judged: tuple) -> tuple[str, str, dict]:
    """The outcome, reply and filing decision of a tip found by its fingerprint, with nothing stored: the
    verdict an identical text was answered with, or the thank-you for a copy of an open claim's text."""
    answer, matches = judged
    if answer is None and isinstance(matches[0], answers.PendingCopy):  # its warnings are in that reply
        pending = matches[0]
        return pending.outcome, pending.reply, {"after": pending.inbound_id, "copy": True}
    if answer is not None:
        decision = {"claim": answer.claim.pk, "sure": True, "copy": False}
    else:
        decision = {"claim": matches[0].claim.pk, "sure": False, "copy": True}
    return *_reply(incoming, answer, _scam_warnings(incoming, answer)), decision


def _reply(incoming: Incoming, answer, warnings: list) -> tuple[str, str]:
    """The outcome and reply for a decision: the verdict, a pointer to a related clarification, or the
    thank-you; the scam warnings first."""
    if answer is None:
        outcome, reply = "received", answers.received_message(language=incoming.language)
    else:
        outcome = "answered" if answer.sure else "pointed"
        reply = answers.answer_message(answer, language=incoming.language)
    if warnings:
        reply = answers.warning_message(warnings, language=incoming.language) + "\n\n" + reply
    return outcome, reply


def _scam_warnings(incoming: Incoming, answer) -> list:
    return answers.scam_warnings(incoming.text, http_url_or_empty(incoming.url), answer=answer)


def _decided_without_verdict(incoming: Incoming, judged: tuple) -> tuple[str, str, dict]:
    """The outcome, reply and filing decision of a text a model decided on that gets no verdict: the
    thank-you, or a pointer to a related clarification, as take_tip's caller replies; scam warnings first."""
    answer, _matches = judged
    outcome, reply = _reply(incoming, answer, _scam_warnings(incoming, answer))
    decision = {"later": True}
    vector = matcher.tip_vector(incoming.text) if settings.CITYDESK_MATCHING else None
    if vector is not None:  # the claim its report may open takes it, instead of encoding its text again
        decision["vector"] = base64.b64encode(np.asarray(vector, dtype=np.float32).tobytes()).decode()
    return outcome, reply, decision


def _file(inbound: InboundUpdate) -> bool:
    """File the report of a message answered before it was filed, once (the row is locked and moves to
    done in the same transaction), as it would have been filed with its decision; a verdict delivered
    (or perhaps delivered) marks it answered, one that failed leaves it to the follow-up sweep. False:
    not filed (filed meanwhile, or a copy whose text's own report is not filed yet: left for later)."""
    incoming, decision = Incoming(**inbound.payload), inbound.decision
    tip = {
        "channel": _channel(incoming.platform),
        "text": incoming.text,
        "url": incoming.url,
        "reply_handle": delivery.handle(incoming.platform, incoming.chat_id),
        "received_at": inbound.received_at,
    }
    opened = False
    with transaction.atomic():
        if not _locked_in(inbound, InboundUpdate.State.REPLIED):  # filed meanwhile (lease expired)
            return False
        if decision.get("later"):  # decided by a model, no verdict
            vector = np.frombuffer(base64.b64decode(decision["vector"]), np.float32) if "vector" in decision else None
            report = answers.file_decided_later(**tip, vector=vector)
            opened = report.claim.report_count == 1
        elif "after" in decision:  # an identical copy of such a text: it joins that one's claim
            first = _filed_first(decision["after"])
            if first is not None and first[1] is None and first[0] != InboundUpdate.State.DONE:
                # That one is not filed yet and another worker holds it (its reply is on its way): left for
                # the next filing or the scheduler's sweep, as a message whose filing failed.
                InboundUpdate.objects.filter(pk=inbound.pk).update(lease_until=None)
                return False
            if first is None or first[1] is None:  # gone, or given up without a report: decided as any tip
                report = answers.take_tip(**tip).report
            else:
                report = answers.file_found_copy(**tip, claim_id=first[1], copy=True)
        else:
            report = answers.file_found_copy(**tip, claim_id=decision["claim"], copy=decision.get("copy", False))
        if decision.get("sure"):
            if inbound.delivery == InboundUpdate.Delivery.FAILED:  # the verdict did not go out: the sweep retries
                desk.report_answer_failed(report, permanent=decision.get("undeliverable", False))
            else:  # sent, or perhaps sent (the worker died while sending): never again
                desk.report_mark_answered(report, at=inbound.replied_at, automatic=True)
        inbound.report = report
        _finish(inbound, inbound.delivery, filed=True)
    if opened and settings.CITYDESK_MATCHING:
        # Indexed now, as a claim opened with its decision is: the tip's kept vector was the index's last
        # query (file_decided_later matched it with that vector), so the claim takes it.
        matcher.sync()
    return True


def _filed_first(inbound_id: int) -> tuple[str, int | None] | None:
    """(state, claim of its report) of the message an identical copy repeats, once it is filed: if no
    worker holds it, it is filed here, now (its own filing job may come after the copy's, or run on the
    other worker); if a worker is filing it, its row lock is waited for (moments). None: it is gone."""
    first = InboundUpdate.objects.filter(pk=inbound_id).values_list("state", "report__claim_id").first()
    if first is not None and first[0] == InboundUpdate.State.REPLIED and first[1] is None:
        process(inbound_id)  # files it, unless another worker holds its lease
        locked = InboundUpdate.objects.select_for_update(of=("self",)).filter(pk=inbound_id)
        first = locked.values_list("state", "report__claim_id").first()  # waits while it is being filed
    return first


def _send(inbound: InboundUpdate, send: Sender) -> None:
    """Send the decided reply, once: a row this worker has just decided is in "sending" already (see
    _decide); one decided by a worker that died before sending is claimed here (compare-and-set)."""
    if not getattr(inbound, "_sending", False):
        moved = InboundUpdate.objects.filter(pk=inbound.pk, state=InboundUpdate.State.DECIDED).update(
            state=InboundUpdate.State.SENDING
        )
        if not moved:
            return
    try:
        send(inbound.reply)
    except delivery.DeliveryError as error:
        log.warning("Tipline reply not delivered: %s", error)
        if inbound.decision:  # its report is filed after: tell the filing whether to try again
            inbound.decision = {**inbound.decision, "undeliverable": isinstance(error, delivery.Undeliverable)}
        elif inbound.report is not None and inbound.outcome == "answered":
            # The verdict did not go out: the report waits for the follow-up sweep (retries, capped).
            Report.objects.filter(pk=inbound.report_id).update(answered_at=None, answered_automatically=False)
            desk.report_answer_failed(inbound.report, permanent=isinstance(error, delivery.Undeliverable))
        _finish(inbound, InboundUpdate.Delivery.FAILED)
        return
    _finish(inbound, InboundUpdate.Delivery.SENT)


def _finish(inbound: InboundUpdate, result: str, *, filed: bool = False) -> None:
    """Record the reply's delivery: done, or "replied" while the report is still to be filed (the payload
    is kept for it; no lease, so the filing job can take the row at once)."""
    if not filed:
        inbound.replied_at = timezone.now() if result == InboundUpdate.Delivery.SENT else None
    to_file = not filed and bool(inbound.decision) and inbound.report_id is None
    inbound.state = InboundUpdate.State.REPLIED if to_file else InboundUpdate.State.DONE
    inbound.delivery = result
    if not to_file:
        inbound.payload, inbound.fingerprint = {}, ""  # its SeenText, if any, answers identical copies now
    inbound.lease_until = None
    inbound.save(
        update_fields=["state", "delivery", "payload", "fingerprint", "replied_at", "report", "decision", "lease_until"]
    )


def process_unfinished(*, now: datetime | None = None) -> int:
    """The scheduler's sweep: messages whose job never ran or whose worker died, from their last step."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.CITYDESK_TIPLINE_LEASE_SECONDS)
    unfinished = InboundUpdate.objects.exclude(state=InboundUpdate.State.DONE)
    answers_first = unfinished.filter(state=InboundUpdate.State.RECEIVED).exists()
    if answers_first:  # citizens wait for an answer: reports still to be filed wait for their job
        unfinished = unfinished.exclude(state=InboundUpdate.State.REPLIED)
    waiting = (
        unfinished.filter(Q(lease_until__lt=now) | Q(lease_until__isnull=True, received_at__lt=now - grace))
        .order_by("received_at")
        .values_list("pk", flat=True)
    )
    done, to_file = 0, []
    for inbound_id in list(waiting[:1000]):
        if process(inbound_id, to_file=to_file) != "busy":
            done += 1
    if to_file and answers_first:
        file_task.enqueue(to_file)
    else:  # nothing waits for an answer: file now what the sweep has just answered
        for inbound_id in to_file:
            process(inbound_id)
    return done
