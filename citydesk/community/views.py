"""The community space's public screens and the moderation queue. Thin: forms in, services do."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from citydesk.channels.models import ChannelAccount
from citydesk.core import ratelimit
from citydesk.core.clientip import client_ip

from . import checks, digest, services
from .forms import AppealForm, AvatarForm, CommentForm, DecisionForm, FlagForm, SignInForm, StoryForm
from .models import Appeal, Comment, Decision, Member, ModerationCategory, Status, Story, WeeklyDigest

SESSION_KEY = "community_member"


def current_member(request) -> Member | None:
    member_id = request.session.get(SESSION_KEY)
    return Member.objects.filter(pk=member_id).first() if member_id else None


def _limited(request, bucket: str, limit: int = 10, window: int = 600) -> bool:
    return not ratelimit.allow(f"community-{bucket}", client_ip(request), limit=limit, window_seconds=window)


def gallery(request):
    stories = Story.objects.filter(status=Status.APPROVED).select_related("member").order_by("-featured", "-created_at")
    return render(request, "community/gallery.html", {"stories": stories[:60], "member": current_member(request)})


def sign_in_request(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if _limited(request, "sign-in", limit=5):
            return render(request, "community/sign_in.html", {"form": form, "problem": _too_many()}, status=429)
        if form.is_valid():
            try:
                services.request_sign_in(**form.cleaned_data)
            except ValidationError as error:
                form.add_error("display_name", error)
            else:
                return render(request, "community/sign_in_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "community/sign_in.html", {"form": form}, status=400 if form.errors else 200)


def _too_many() -> str:
    return _("You have sent several requests in a short time. Please try again in a few minutes.")


def sign_in_link(request, token: str):
    """Opening the link shows a button; pressing it (POST) signs in. Mail scanners that open every link
    in an e-mail would otherwise use the one-time link up before the reader does."""
    try:
        if request.method != "POST":
            services.sign_in_link_check(token=token)
            return render(request, "community/sign_in_confirm.html")
        member = services.sign_in(token=token)
    except ValidationError as error:
        return render(
            request, "community/sign_in.html", {"form": SignInForm(), "problem": error.messages[0]}, status=410
        )
    request.session.cycle_key()
    request.session[SESSION_KEY] = member.pk
    return redirect("community_account")


def _require_member(request) -> Member:
    member = current_member(request)
    if member is None:
        raise PermissionDenied
    return member


def _account_page(request, member: Member, *, avatar_form=None, problem: str = "", status: int = 200):
    context = {
        "member": member,
        "stories": Story.objects.filter(member=member).select_related("appeal"),
        "comments": Comment.objects.filter(member=member).select_related("page", "appeal"),
        "appeal_form": AppealForm(),
        "avatar_form": avatar_form or AvatarForm(),
        "problem": problem,
    }
    return render(request, "community/account.html", context, status=status)


def account(request):
    member = current_member(request)
    if member is None:
        return redirect("community_sign_in")
    return _account_page(request, member)


@require_POST
def avatar(request):
    member = _require_member(request)
    if request.POST.get("remove"):
        services.set_avatar(member=member, image=None)
        return redirect("community_account")
    # Counted before the upload is decoded: every attempt costs the server, accepted or not.
    limit, window = settings.CITYDESK_UPLOAD_RATE_LIMIT, settings.CITYDESK_UPLOAD_RATE_WINDOW
    if _limited(request, "avatar", limit=limit, window=window):
        return _account_page(request, member, problem=_too_many(), status=429)
    form = AvatarForm(request.POST, request.FILES)
    if not form.is_valid():
        return _account_page(request, member, avatar_form=form, problem=" ".join(form.errors["avatar"]), status=400)
    services.set_avatar(member=member, image=form.cleaned_data["avatar"])
    return redirect("community_account")


@require_POST
def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("community_gallery")


@require_POST
def delete_account(request):
    member = _require_member(request)
    services.delete_member(member=member)
    request.session.flush()
    return render(request, "community/deleted.html")


def submit_story(request):
    member = current_member(request)
    if member is None:
        return redirect("community_sign_in")
    form = StoryForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if _limited(request, "story", limit=5):
            return render(request, "community/story_form.html", {"form": form, "problem": _too_many()}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                story = services.submit_story(
                    member=member,
                    title=data["title"],
                    text=data["text"],
                    place=data["place"],
                    consent=data["consent"],
                    photo=data["photo"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(request, "community/story_sent.html", {"story": story})
        status = 400
    return render(request, "community/story_form.html", {"form": form}, status=status)


@require_POST
def comment(request, page_id: int):
    member = _require_member(request)
    page = get_object_or_404(Page.objects.live(), pk=page_id).specific
    if not services.accepts_comments(page) or not page.url:
        raise Http404  # the root, a topic, the home page …: nothing to comment on, nothing stored
    form = CommentForm(request.POST)
    if _limited(request, "comment", limit=10):
        messages.error(request, _too_many())
    elif form.is_valid():
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first() if form.cleaned_data["parent"] else None
        try:
            posted = services.post_comment(member=member, page=page, text=form.cleaned_data["text"], parent=parent)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if posted.status == Status.PENDING:
                messages.info(request, _("Thank you. Your comment appears once a moderator has read it."))
    else:
        messages.error(request, _("Write something first."))
    return redirect(page.url + "#binh-luan")


@require_POST
def flag(request, comment_id: int):
    member = _require_member(request)
    target = get_object_or_404(Comment, pk=comment_id, status=Status.APPROVED)
    form = FlagForm(request.POST)
    if form.is_valid():
        services.flag_comment(member=member, comment=target, category=form.cleaned_data["category"])
        messages.info(request, _("Thank you. A moderator will look at this comment."))
    return redirect(target.page.url + "#binh-luan")


@require_POST
def appeal(request, kind: str, pk: int):
    member = _require_member(request)
    model = {"story": Story, "comment": Comment}.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=pk, member=member)
    form = AppealForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the decision should change."))
        services.appeal(member=member, item=item, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.info(request, _("Your appeal is sent. A moderator will look at it again."))
    return redirect("community_account")


# --- Moderation (admin) --------------------------------------------------------------------------


def _require_moderator(request) -> None:
    if not request.user.has_perm(services.MODERATE):
        raise PermissionDenied


def moderation_queue(request):
    _require_moderator(request)
    items, appeals = services.queue()
    rows = []
    for item, signals in items:
        checked = item.checked_text
        found = checks.harassment(checked)
        spans = {span for signal in signals for span in signal.spans} | set(found.spans)
        # The checks read a story's title and text: shift the spans onto the text shown.
        shift = len(checked) - len(item.text) if checked.endswith(item.text) else 0
        shown = [(start - shift, end - shift) for start, end in spans if start >= shift]
        rows.append(
            {
                "item": item,
                "kind": "story" if isinstance(item, Story) else "comment",
                # Each signal with its category as moderators read it ("Lừa đảo hoặc giả mạo…", not "scam").
                "signals": [(signal, ModerationCategory(signal.category).label) for signal in signals],
                "harassment": found,
                "parts": services.highlighted(item.text, shown),
            }
        )
    context = {
        "rows": rows,
        "hold_at": settings.CITYDESK_MODERATION_HOLD_AT,
        "appeals": appeals,
        "form": DecisionForm(),
        "log": Decision.objects.select_related("moderator", "story", "comment")[:30],
        "recent": Story.objects.filter(status=Status.APPROVED).select_related("member").order_by("-created_at")[:12],
    }
    return TemplateResponse(request, "community/admin/queue.html", context)


@require_POST
def moderation_decide(request, kind: str, pk: int):
    _require_moderator(request)
    model = {"story": Story, "comment": Comment}.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown decision."))
        return redirect("community_queue")
    try:
        services.decide(item=item, moderator=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("community_queue")


@require_POST
def moderation_appeal(request, pk: int):
    _require_moderator(request)
    appeal_ = get_object_or_404(Appeal, pk=pk)
    try:
        services.decide_appeal(
            appeal_=appeal_,
            moderator=request.user,
            grant=request.POST.get("grant") == "1",
            public_reason=request.POST.get("public_reason", ""),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("community_queue")


def comments_for(page) -> list:
    """Approved comments of a page with their approved replies, for the page's template."""
    top = list(Comment.objects.filter(page=page, parent__isnull=True, status=Status.APPROVED).select_related("member"))
    if not top:
        return []
    replies = Comment.objects.filter(parent__in=top, status=Status.APPROVED).select_related("member")
    by_parent: dict[int, list] = {}
    for reply in replies:
        by_parent.setdefault(reply.parent_id, []).append(reply)
    return [(comment_, by_parent.get(comment_.pk, [])) for comment_ in top]


# --- Weekly digest ---------------------------------------------------------------------------------


def _require_editor(request) -> None:
    if not request.user.has_perm(digest.SEND):
        raise PermissionDenied


def digest_list(request):
    _require_editor(request)
    if request.method == "POST":
        made = digest.assemble(rebuild=True)
        return redirect("community_digest_edit", made.pk)
    return TemplateResponse(request, "community/admin/digests.html", {"digests": WeeklyDigest.objects.all()[:52]})


def digest_edit(request, pk: int):
    _require_editor(request)
    current = get_object_or_404(WeeklyDigest, pk=pk)
    if request.method == "POST" and current.sent_at is None:
        action = request.POST.get("action")
        if action == "save":
            current.intro = services.clean_text(request.POST.get("intro", ""), limit=2000)
            current.save(update_fields=["intro"])
            messages.success(request, _("Saved."))
        elif action == "remove":
            current.items.filter(pk=request.POST.get("item")).delete()
        elif action == "send":
            accounts = ChannelAccount.objects.filter(pk__in=request.POST.getlist("accounts"), is_active=True)
            try:
                sent = digest.send(digest=current, editor=request.user, accounts=accounts)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Digest sent to %(n)d readers.") % {"n": sent})
        return redirect("community_digest_edit", current.pk)
    context = {
        "digest": current,
        "items": current.items.select_related("story", "article"),
        "accounts": ChannelAccount.objects.filter(is_active=True),
    }
    return TemplateResponse(request, "community/admin/digest.html", context)


def digest_public(request, pk: int):
    """A sent digest, for everyone; an unsent draft only for the editors who send it (their preview)."""
    drafts_too = request.user.is_authenticated and request.user.has_perm(digest.SEND)
    digests = WeeklyDigest.objects.all() if drafts_too else WeeklyDigest.objects.filter(sent_at__isnull=False)
    current = get_object_or_404(digests, pk=pk)
    return render(
        request, "community/digest.html", {"digest": current, "items": current.items.select_related("story", "article")}
    )


@require_POST
def digest_subscription(request):
    member = _require_member(request)
    member.wants_digest = request.POST.get("wants_digest") == "1"
    member.save(update_fields=["wants_digest"])
    return redirect("community_account")
