"""The newsroom's two-person rule in the Wagtail admin, enforced on the server (see review.py).

- "Publish" without the review workflow: superusers always (their own changes are recorded as published
  without review); editors only pages whose pending changes somebody else wrote; never the authors.
  The edit and create views ask `before_publish_page`, the page listing's bulk "Publish" asks
  `before_bulk_action`; the button is also hidden from authors, but hiding is not the check.
- Clarification pages are the desk's: they change only through its approval (desk/services.py), never
  in the page editor (except by a superuser).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.log_actions import log

from .review import LOG_UNREVIEWED, UNCHANGED_FLAG, is_author, own_work_refusal, publish_refusal

UNREVIEWED_ON_REQUEST = "_citydesk_unreviewed_pages"


def _new_unchanged_revision(page) -> int | None:
    """The revision Wagtail saved for this very request, when the form changed nothing."""
    return page.latest_revision_id if getattr(page, UNCHANGED_FLAG, False) else None


def _note_unreviewed(request, page) -> None:
    """A superuser publishes their own changes: recorded in the page's history once it is published."""
    if not hasattr(request, UNREVIEWED_ON_REQUEST):
        setattr(request, UNREVIEWED_ON_REQUEST, [])
    getattr(request, UNREVIEWED_ON_REQUEST).append(page)


@hooks.register("before_publish_page")
def refuse_publishing_ones_own_changes(request, page):
    ignore = _new_unchanged_revision(page)
    refusal = publish_refusal(request.user, page, ignore_revision_id=ignore)
    if refusal:
        messages.error(request, refusal)
        return redirect("wagtailadmin_pages:edit", page.pk)
    if request.user.is_superuser and is_author(request.user, page, ignore_revision_id=ignore):
        _note_unreviewed(request, page)
    return None


@hooks.register("before_create_page")
def save_new_pages_as_drafts(request, parent_page, page_class):
    """A new page is its creator's own work: "Publish" on the create form saves a draft instead (Wagtail
    would make the page live before before_publish_page could refuse)."""
    if request.method == "POST" and "action-publish" in request.POST and not request.user.is_superuser:
        request.POST = request.POST.copy()
        del request.POST["action-publish"]
        messages.warning(request, own_work_refusal())
    return None


@hooks.register("after_publish_page")
def record_unreviewed_publication(request, page):
    for noted in getattr(request, UNREVIEWED_ON_REQUEST, []):
        if noted.pk == page.pk:
            log(instance=page, action=LOG_UNREVIEWED, user=request.user)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_ones_own_pages(request, action_type, objects, action_class_instance):
    if action_type != "publish" or request.method != "POST":
        return None
    pages = list(objects)
    if request.POST.get("include_descendants"):
        pages += [page for parent in objects for page in parent.get_descendants().not_live().specific()]
    authored = [page for page in pages if is_author(request.user, page)]
    if not authored:
        return None
    if request.user.is_superuser:
        for page in authored:
            _note_unreviewed(request, page)
        return None
    titles = ", ".join(f"“{page.get_admin_display_title()}”" for page in authored[:5])
    messages.error(
        request,
        _("You wrote or changed %(titles)s: submit them for review; another editor will approve them.")
        % {"titles": titles},
    )
    return redirect("wagtailadmin_explore_root")


@hooks.register("after_bulk_action")
def record_unreviewed_bulk_publication(request, action_type, objects, action_class_instance):
    if action_type == "publish":
        for page in getattr(request, UNREVIEWED_ON_REQUEST, []):
            log(instance=page, action=LOG_UNREVIEWED, user=request.user)


@hooks.register("construct_page_action_menu")
def hide_publish_from_authors(menu_items, request, context):
    if request.user.is_superuser:
        return
    page = context.get("page")
    if context.get("view") == "create" or (page is not None and page.pk and is_author(request.user, page)):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("register_log_actions")
def register_unreviewed_publication(actions):
    actions.register_action(
        LOG_UNREVIEWED,
        gettext_lazy("Published without review"),
        gettext_lazy("Published by a superuser without another person's review"),
    )


def _refuse_clarification_changes(request, page):
    from citydesk.desk.models import ClarificationPage

    if request.method == "POST" and not request.user.is_superuser and page.specific_class is ClarificationPage:
        messages.error(request, _("A clarification changes only through the response desk's approval."))
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


hooks.register("before_edit_page", _refuse_clarification_changes)
hooks.register("before_delete_page", _refuse_clarification_changes)


@hooks.register("register_admin_urls")
def register_correction_urls():
    from django.urls import path

    from .admin_corrections import correct_article

    return [path("newsroom/articles/<int:page_id>/correct/", correct_article, name="newsroom_correct_article")]


def _correction_button(page, user, priority: int):
    from django.urls import reverse
    from wagtail.admin.widgets import Button

    from .models import ArticlePage

    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page.specific
    if isinstance(specific, ArticlePage) and page.live and page.permissions_for_user(user).can_publish():
        return Button(
            gettext_lazy("Correct"),
            reverse("newsroom_correct_article", args=[page.pk]),
            icon_name="edit",
            priority=priority,
        )
    return None


@hooks.register("register_page_listing_more_buttons")
def correction_listing_button(page, user, next_url=None):
    button = _correction_button(page, user, 45)
    if button:
        yield button


@hooks.register("register_page_header_buttons")
def correction_header_button(page, user, view_name, next_url=None):
    button = _correction_button(page, user, 62)
    if button:
        yield button
