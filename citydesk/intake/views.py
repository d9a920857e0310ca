"""Public intake screens (tip form, official accounts) and the platform webhooks (thin; see tipline)."""

import json

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from citydesk.core import ratelimit
from citydesk.core.clientip import client_ip
from citydesk.desk import services as desk
from citydesk.desk.models import Channel

from . import answers, delivery, selectors, spool, telegram, tipline, zalo
from .forms import TipForm
from .models import OfficialAccount
from .official import OfficialKind

MAX_WEBHOOK_BYTES = 1024 * 1024


@never_cache
@require_http_methods(["GET", "POST"])
def tip(request):
    """The "Is this true?" form on the public site."""
    if request.method == "GET":
        return render(request, "intake/tip_form.html", {"form": TipForm()})
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.CITYDESK_TIP_MAX_IMAGE_BYTES + 1024 * 1024:
        problem = _("What you sent is too large (a photo may be at most 10 MB).")
        return render(request, "intake/tip_form.html", {"form": TipForm(), "problem": problem}, status=413)
    limit, window = settings.CITYDESK_TIP_RATE_LIMIT, settings.CITYDESK_TIP_RATE_WINDOW
    if not ratelimit.allow("tip-form", client_ip(request), limit=limit, window_seconds=window):
        problem = _("You have sent several tips in a short time. Please try again in a few minutes.")
        return render(request, "intake/tip_form.html", {"form": TipForm(), "problem": problem}, status=429)
    form = TipForm(request.POST, request.FILES)
    if form.is_bot:
        return render(request, "intake/tip_result.html", {"answer": None})  # a bot: thanked, nothing stored
    if not form.is_valid():
        return render(request, "intake/tip_form.html", {"form": form}, status=400)
    data = form.cleaned_data
    reply_handle = delivery.handle("email", data["email"]) if data["email"] and data["consent"] else ""
    try:
        outcome = answers.take_tip(
            channel=Channel.WEB, text=data["text"], url=data["url"], image=data["image"], reply_handle=reply_handle
        )
    except DatabaseError:
        # The database does not answer: the tip is kept on disk and stored when it is back.
        if data["image"] is not None:
            data["image"].seek(0)
        spool.spool_web_tip(text=data["text"], url=data["url"], image=data["image"], reply_handle=reply_handle)
        return render(request, "intake/tip_result.html", {"answer": None, "will_write": bool(reply_handle)})
    if outcome.answer is not None and outcome.answer.sure:
        desk.report_mark_answered(outcome.report, automatic=True)  # the answer is on the screen
    return render(
        request,
        "intake/tip_result.html",
        {
            "answer": outcome.answer,
            "warnings": outcome.warnings,
            "will_write": bool(outcome.report.reply_handle),
            "report": outcome.report,
        },
    )


@require_GET
def official_accounts(request):
    """The office's genuine pages, channels, numbers and domains, with an "is this official?" box."""
    query = request.GET.get("q", "").strip()[:500]
    result = selectors.lookup(query) if query else None
    accounts = OfficialAccount.objects.filter(is_active=True).select_related("unit")
    groups = [(label, [a for a in accounts if a.kind == kind]) for kind, label in OfficialKind.choices]
    return render(
        request,
        "intake/official_accounts.html",
        {"query": query, "result": result, "groups": [(label, items) for label, items in groups if items]},
    )


def _json_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _parse_body(body: bytes):
    if len(body) > MAX_WEBHOOK_BYTES:
        return None, _json_error(413, "body too large")
    try:
        return json.loads(body), None
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested hundreds deep
        return None, _json_error(400, "malformed JSON")


def _telegram_parts():
    bot = telegram.bot()

    def make_send(incoming):
        return lambda text: bot.send_message(incoming.chat_id, text, reply_to=incoming.message_id)

    def fetch_image(message):
        if message.image_size and message.image_size > settings.CITYDESK_TIP_MAX_IMAGE_BYTES:
            raise delivery.TooLarge("too large")
        return bot.download_file(message.image_ref, max_bytes=settings.CITYDESK_TIP_MAX_IMAGE_BYTES)

    return telegram.parse_update, make_send, fetch_image


def _zalo_parts():
    client = zalo.official_account()

    def make_send(incoming):
        return lambda text: client.send_text(incoming.chat_id, text)

    def fetch_image(message):
        if not zalo.media_host_allowed(message.image_ref):
            raise delivery.DeliveryError("image host not allowed")
        return delivery.download_sent_address(message.image_ref, max_bytes=settings.CITYDESK_TIP_MAX_IMAGE_BYTES)

    return zalo.parse_event, make_send, fetch_image


TIPLINES = {"telegram": _telegram_parts, "zalo": _zalo_parts}  # for the worker: reply and image fetch
PARSERS = {"telegram": telegram.parse_update, "zalo": zalo.parse_event}


def run_tipline(platform: str, body: bytes) -> JsonResponse:
    """What both webhooks do once the request is authentic: parse it, then the tipline flow. The
    spool replays stored updates through here too."""
    data, error = _parse_body(body)
    if error:
        return error
    parse = PARSERS[platform]
    try:
        incoming = parse(data)
    except telegram.ParseError as problem:
        return _json_error(400, str(problem))
    if incoming is None:
        return JsonResponse({"ok": True, "handled": "ignored"})
    # The platforms re-deliver until they get a 2xx: the message is stored and the reply is the worker's
    # job, so the answer is 200 at once, whether a worker runs or not.
    inbound = tipline.accept(incoming)
    if inbound is None:
        return JsonResponse({"ok": True, "handled": "duplicate"})
    return JsonResponse({"ok": True, "handled": inbound.outcome or "queued"})


def _run_checking_the_connection_by_its_use(platform: str, body: bytes) -> JsonResponse:
    """run_tipline without the health check Django runs on a reused database connection before the
    request's first statement (CONN_HEALTH_CHECKS: a "SELECT 1" round trip, a third statement beside the
    webhook's two). The webhook's first statement is the check instead: when it fails on a connection not
    checked in this request (the server restarted, a proxy dropped it), the connection is closed and the
    update is run once more on a new one, which is what the health check would have done. Running it
    again is safe: an update already stored is a duplicate (the sweep queues a stored update whose job
    was not), and an update not stored is stored now."""
    unchecked = settings.CITYDESK_WEBHOOK_SHORT_PATH and connection.connection is not None
    unchecked = unchecked and connection.health_check_enabled and not connection.health_check_done
    unchecked = unchecked and not connection.in_atomic_block
    if not unchecked:
        return run_tipline(platform, body)
    connection.health_check_done = True
    try:
        return run_tipline(platform, body)
    except (InterfaceError, OperationalError):
        connection.close()
        return run_tipline(platform, body)


def _run_or_spool(platform: str, body: bytes) -> JsonResponse:
    try:
        return _run_checking_the_connection_by_its_use(platform, body)
    except DatabaseError:
        # The database does not answer: keep the update and say "received", or the platform retries
        # for a while and then drops it. The scheduler replays it once the database is back.
        spool.spool_webhook(platform=platform, body=body)
        return JsonResponse({"ok": True, "handled": "spooled"})


@csrf_exempt
@require_POST
def telegram_webhook(request):
    """Bot API webhook (setWebhook with secret_token). 403 without the right secret; nothing stored."""
    secret = settings.CITYDESK_TELEGRAM_WEBHOOK_SECRET
    if not (secret and settings.CITYDESK_TELEGRAM_BOT_TOKEN):
        return _json_error(404, "Telegram tipline is not configured")
    # META, not request.headers: that builds a dict of every header for the one read (on every webhook).
    if not constant_time_compare(request.META.get("HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN", ""), secret):
        return _json_error(403, "wrong secret token")
    return _run_or_spool("telegram", request.body)


@csrf_exempt
@require_POST
def zalo_webhook(request):
    """Zalo OA webhook. 403 when X-ZEvent-Signature does not match the raw body or the signed timestamp
    is outside CITYDESK_ZALO_EVENT_MAX_AGE_SECONDS; nothing stored, nothing parsed before that."""
    if not settings.CITYDESK_ZALO_OA_SECRET_KEY:
        return _json_error(404, "Zalo tipline is not configured")
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return _json_error(413, "body too large")
    timestamp = zalo.signed_timestamp(request.body, request.META.get("HTTP_X_ZEVENT_SIGNATURE", ""))
    if timestamp is None:
        return _json_error(403, "wrong signature")
    if not zalo.is_fresh(timestamp):
        return _json_error(403, "event outside the accepted time window (replay)")
    return _run_or_spool("zalo", request.body)
