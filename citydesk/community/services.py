"""State changes of the community space: sign-in by link, posting, reader flags, moderation, appeals."""

import html
import re
from datetime import datetime, timedelta

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citydesk.core.secrets import one_time_token, token_hash

from . import checks
from .models import Appeal, Comment, Decision, Flag, Member, ModerationCategory, SignInLink, Status, Story

LINK_MINUTES = 30
FLAGS_TO_HIDE = 3  # reader flags that take a comment back to the queue until a moderator looks
MODERATE = "community.change_story"
A = Decision.Action


def clean_text(text: str, *, limit: int) -> str:
    """Plain text from whatever was typed: tags and scripts removed (nh3), entities decoded, spaces tidy."""
    stripped = html.unescape(nh3.clean(text or "", tags=set()))
    stripped = re.sub(r"[ \t]+", " ", stripped)
    stripped = re.sub(r"\n{3,}", "\n\n", stripped).strip()
    return stripped[:limit]


# --- Members -------------------------------------------------------------------------------------


@transaction.atomic
def request_sign_in(*, email: str, display_name: str = "", now: datetime | None = None) -> str:
    """E-mail a one-time sign-in link (creating the member on first use); returns the token."""
    now = now or timezone.now()
    email = email.strip().lower()
    member = Member.objects.filter(email=email).first()
    if member is None:
        name = clean_text(display_name, limit=60)
        if not name:
            raise ValidationError(_("Choose the name other readers will see."))
        member = Member.objects.create(email=email, display_name=name, created_at=now)
    token, hashed = one_time_token()
    SignInLink.objects.create(member=member, token_hash=hashed, expires_at=now + timedelta(minutes=LINK_MINUTES))
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("community_sign_in_link", args=[token])
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Open this link to sign in to the community space (it works once, for %(minutes)d minutes):\n\n%(url)s\n\n"
            "If you did not ask for it, ignore this e-mail."
        ) % {"minutes": LINK_MINUTES, "url": url}
        transaction.on_commit(lambda: send_mail(_("Your sign-in link"), body, None, [email]))
    return token


def _usable_link(links, token: str, now: datetime) -> SignInLink:
    link = links.select_related("member").filter(token_hash=token_hash(token)).first()
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise ValidationError(_("This sign-in link is no longer valid. Ask for a new one."))
    return link


def sign_in_link_check(*, token: str, now: datetime | None = None) -> None:
    """ValidationError if the link can no longer sign in; uses nothing up (opening the link only asks)."""
    _usable_link(SignInLink.objects.all(), token, now or timezone.now())


@transaction.atomic
def sign_in(*, token: str, now: datetime | None = None) -> Member:
    """Use the one-time link: only the reader's own button press (a POST) comes here, so a mail scanner
    that opens the link does not use it up."""
    now = now or timezone.now()
    link = _usable_link(SignInLink.objects.select_for_update(), token, now)
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link.member


def purge_sign_in_links(*, now: datetime | None = None) -> int:
    """Delete the sign-in links that can never be used again (used or expired); returns how many."""
    now = now or timezone.now()
    return SignInLink.objects.filter(Q(used_at__isnull=False) | Q(expires_at__lte=now)).delete()[0]


@transaction.atomic
def set_avatar(*, member: Member, image) -> Member:
    """Replace the member's avatar (an already cleaned image), or remove it with image=None."""
    if member.avatar:
        member.avatar.delete(save=False)
    if image is not None:
        member.avatar.save("avatar.jpg", image, save=False)
    member.save(update_fields=["avatar"])
    return member


@transaction.atomic
def delete_member(*, member: Member) -> None:
    """Remove the account: e-mail, name and avatar go; stories and comments stay, anonymised."""
    if member.avatar:
        member.avatar.delete(save=False)
    for model in (Story, Comment):
        model.objects.filter(member=member).update(member=None)
    member.delete()


# --- Posting -------------------------------------------------------------------------------------


def _initial_status(member: Member, text: str) -> Status:
    """Trusted members publish at once unless a signal fires; new members wait for a moderator."""
    if not member.trusted:
        return Status.PENDING
    signals = checks.signals_for(text, known_spam=known_spam({checks.fingerprint(text)}))
    return Status.PENDING if signals else Status.APPROVED


def known_spam(prints: set[str]) -> set[str]:
    """Which of these fingerprints (checks.fingerprint) posts rejected as spam have: two indexed queries."""
    found = set()
    for model in (Story, Comment):
        rejected = model.objects.filter(category=ModerationCategory.SPAM, fingerprint__in=prints)
        found.update(rejected.values_list("fingerprint", flat=True))
    return found


@transaction.atomic
def submit_story(*, member: Member, title: str, text: str, place: str, consent: bool, photo=None) -> Story:
    if not consent:
        raise ValidationError(_("Tick the box to let the office publish your story."))
    title, text = clean_text(title, limit=150), clean_text(text, limit=5000)
    if not title or not (text or photo):
        raise ValidationError(_("A story needs a title and a text or a photo."))
    if photo is not None and not photo.size:
        raise ValidationError(_("The photo is empty: choose the picture again."))
    story = Story(member=member, title=title, text=text, place=clean_text(place, limit=150), consent=True)
    story.status = _initial_status(member, story.checked_text)
    if photo is not None:
        story.photo.save("story.jpg", photo, save=False)
    story.save()
    return story


COMMENTABLE = {("newsroom", "articlepage"), ("desk", "clarificationpage")}


def accepts_comments(page) -> bool:
    """Readers comment on articles and clarifications (the pages that show the thread), nothing else."""
    content_type = page.content_type
    return (content_type.app_label, content_type.model) in COMMENTABLE


@transaction.atomic
def post_comment(*, member: Member, page, text: str, parent: Comment | None = None) -> Comment:
    if not accepts_comments(page):
        raise ValidationError(_("Comments are open on articles and clarifications only."))
    text = clean_text(text, limit=2000)
    if not text:
        raise ValidationError(_("Write something first."))
    if parent is not None and (parent.parent_id is not None or parent.page_id != page.pk):
        raise ValidationError(_("Replies go under a comment of this page, one level deep."))
    return Comment.objects.create(
        member=member, page=page, parent=parent, text=text, status=_initial_status(member, text)
    )


@transaction.atomic
def flag_comment(*, member: Member, comment: Comment, category: str) -> Flag:
    if category not in ModerationCategory.values:
        raise ValidationError(_("Choose a reason from the list."))
    flag, _created = Flag.objects.get_or_create(comment=comment, member=member, defaults={"category": category})
    if comment.status == Status.APPROVED and comment.flags.count() >= FLAGS_TO_HIDE:
        Comment.objects.filter(pk=comment.pk).update(status=Status.PENDING)
    return flag


# --- Moderation ----------------------------------------------------------------------------------


def _item_fields(item) -> dict:
    return {"story": item} if isinstance(item, Story) else {"comment": item}


@transaction.atomic
def decide(*, item, moderator, action: str, category: str = "", public_reason: str = "", now=None) -> Decision:
    """Approve, reject (with a public reason), hide, escalate to the desk, or feature (stories)."""
    now = now or timezone.now()
    if not moderator.has_perm(MODERATE):
        raise PermissionDenied(_("Only moderators decide."))
    public_reason = clean_text(public_reason, limit=500)
    if action in (A.REJECT, A.HIDE):
        if category not in ModerationCategory.values:
            raise ValidationError(_("Choose a category from the list."))
        if not public_reason:
            raise ValidationError(_("Write the reason the author will see."))
        if category == ModerationCategory.FALSE_INFORMATION and "/" not in public_reason:
            # Answered with the office's clarification, never by silent removal.
            raise ValidationError(_("Link the office's clarification in the reason."))
    if action == A.FEATURE and not isinstance(item, Story):
        raise ValidationError(_("Only stories can be featured."))
    item = type(item).objects.select_for_update().get(pk=item.pk)
    was_approved = item.status == Status.APPROVED
    if action == A.APPROVE:
        item.status = Status.APPROVED
        item.category, item.public_reason = "", ""
    elif action in (A.REJECT, A.HIDE):
        item.status = Status.REJECTED if action == A.REJECT else Status.HIDDEN
        item.category, item.public_reason = category, public_reason
    elif action == A.ESCALATE:
        from citydesk.desk import services as desk
        from citydesk.desk.models import Channel

        desk.report_receive(channel=Channel.STAFF, text=item.text, actor=moderator)
        item.status = Status.ESCALATED
    elif action == A.FEATURE:
        if item.status != Status.APPROVED:
            raise ValidationError(_("Only published stories can be featured."))
        item.featured = True
    else:
        raise ValidationError(_("Unknown decision."))
    item.decided_at = now
    item.save()
    if action == A.APPROVE and not was_approved and item.member_id:
        Member.objects.filter(pk=item.member_id).update(approved_posts=F("approved_posts") + 1)
    return Decision.objects.create(
        **_item_fields(item),
        moderator=moderator,
        action=action,
        category=category if action in (A.REJECT, A.HIDE) else "",
        public_reason=public_reason,
        created_at=now,
    )


@transaction.atomic
def appeal(*, member: Member, item, text: str) -> Appeal:
    """The author asks once to look again at a rejection or a hiding."""
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.member_id != member.pk:
        raise PermissionDenied(_("Only the author can appeal."))
    if item.status not in (Status.REJECTED, Status.HIDDEN):
        raise ValidationError(_("Only rejected or hidden posts can be appealed."))
    if Appeal.objects.filter(**_item_fields(item)).exists():
        raise ValidationError(_("This decision has already been appealed once."))
    text = clean_text(text, limit=2000)
    if not text:
        raise ValidationError(_("Say why the decision should change."))
    return Appeal.objects.create(**_item_fields(item), text=text)


@transaction.atomic
def decide_appeal(*, appeal_: Appeal, moderator, grant: bool, public_reason: str = "", now=None) -> Decision:
    now = now or timezone.now()
    if not moderator.has_perm(MODERATE):
        raise PermissionDenied(_("Only moderators decide."))
    if appeal_.decided_at is not None:
        raise ValidationError(_("This appeal has been decided."))
    item = appeal_.story or appeal_.comment
    appeal_.decided_at, appeal_.granted = now, grant
    appeal_.save()
    if grant:
        item.status, item.category, item.public_reason = Status.APPROVED, "", ""
        item.decided_at = now
        item.save()
    return Decision.objects.create(
        **_item_fields(item),
        moderator=moderator,
        action=A.APPEAL_GRANTED if grant else A.APPEAL_UPHELD,
        public_reason=clean_text(public_reason, limit=500),
        created_at=now,
    )


def queue():
    """Everything waiting for a moderator, oldest first, with reader flags and open appeals."""
    stories = list(Story.objects.filter(status=Status.PENDING).select_related("member").order_by("created_at"))
    comments = list(
        Comment.objects.filter(status=Status.PENDING).select_related("member", "page").order_by("created_at")
    )
    appeals = list(Appeal.objects.filter(decided_at__isnull=True).select_related("story", "comment"))
    posts = [*stories, *comments]
    spam = known_spam({post.fingerprint for post in posts})  # stored with each post
    items = [(post, checks.signals_for(post.checked_text, known_spam=spam)) for post in posts]
    items.sort(key=lambda pair: pair[0].created_at)
    return items, appeals


def highlighted(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut into (piece, offending) parts for the queue's highlighting."""
    parts, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        parts += [(text[cursor:start], False), (text[start:end], True)]
        cursor = end
    parts.append((text[cursor:], False))
    return [(piece, flag) for piece, flag in parts if piece]
