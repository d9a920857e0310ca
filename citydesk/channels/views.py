"""Channels in the admin: queue a page for the office's accounts (with a preview), follow the
deliveries, retry or settle them by hand, and a calendar of what goes out when. Thin: services do."""

import calendar
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from . import services
from .forms import PublishForm
from .models import ChannelKind, Delivery, Publication
from .render import render


def _require(request) -> None:
    if not request.user.has_perm(services.PUBLISH):
        raise PermissionDenied


def outbox(request):
    """Publications, newest first, each with its deliveries and their state."""
    _require(request)
    status = request.GET.get("trang_thai", "")
    publications = Publication.objects.prefetch_related("deliveries__account").order_by("-scheduled_at", "-pk")
    if status in Delivery.Status.values:
        publications = publications.filter(deliveries__status=status).distinct()
    return TemplateResponse(
        request,
        "channels/outbox.html",
        {"publications": publications[:100], "statuses": Delivery.Status.choices, "status": status},
    )


def publish(request, page_id: int):
    """Queue a live page for chosen accounts; "Preview" shows each platform's version first."""
    _require(request)
    page = get_object_or_404(Page, pk=page_id, live=True)
    form = PublishForm(request.POST or None, initial=services.page_post(page))
    previews = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = Publication(
            page=page, title=data["title"], summary=data["summary"], link=data["link"], image_url=data["image_url"]
        )
        previews = [(account, render(draft, account.kind)) for account in data["accounts"]]
        if "send" in request.POST:
            try:
                services.publish(
                    page=page,
                    accounts=data["accounts"],
                    actor=request.user,
                    title=data["title"],
                    summary=data["summary"],
                    link=data["link"],
                    image_url=data["image_url"],
                    scheduled_at=data["scheduled_at"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Queued for %(count)d channel(s).") % {"count": len(data["accounts"])})
                return redirect("channels_outbox")
    return TemplateResponse(
        request,
        "channels/publish.html",
        {"page": page, "form": form, "previews": previews, "telegram": ChannelKind.TELEGRAM},
    )


@require_POST
def delivery_action(request, pk: int, action: str):
    """Retry a failed, unknown or abandoned delivery, or mark an unknown one as sent."""
    _require(request)
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        if action == "retry":
            services.retry(delivery=delivery, actor=request.user)
            messages.success(request, _("Delivery queued again."))
        elif action == "mark-sent":
            services.mark_sent(delivery=delivery, actor=request.user, post_url=request.POST.get("post_url", ""))
            messages.success(request, _("Delivery marked as sent."))
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as error:
        # Bad input is a 400 with the reason on the outbox page, nothing changed.
        messages.error(request, " ".join(error.messages))
        response = outbox(request)
        response.status_code = 400
        return response
    return redirect("channels_outbox")


def _parse_day(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return timezone.localdate()


def content_calendar(request):
    """A week or a month of deliveries per day, scheduled and sent."""
    _require(request)
    view = "thang" if request.GET.get("xem") == "thang" else "tuan"
    day = _parse_day(request.GET.get("ngay", ""))
    if view == "thang":
        first = day.replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        previous, following = first - timedelta(days=1), last + timedelta(days=1)
    else:
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    deliveries = (
        Delivery.objects.filter(publication__scheduled_at__gte=start, publication__scheduled_at__lt=end)
        .select_related("publication", "account")
        .order_by("publication__scheduled_at", "account__kind")
    )
    days: dict[date, list] = {first + timedelta(days=i): [] for i in range((last - first).days + 1)}
    for delivery in deliveries:
        days[timezone.localtime(delivery.publication.scheduled_at).date()].append(delivery)
    return TemplateResponse(
        request,
        "channels/calendar.html",
        {"days": days, "view": view, "first": first, "last": last, "previous": previous, "following": following},
    )
