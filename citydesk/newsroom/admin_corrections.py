"""Editors append a public correction to a published article (thin: the form in, article_correct does)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import services
from .forms import CorrectionForm
from .models import ArticlePage


def correct_article(request, page_id: int):
    """The correction form of one article, with the corrections it already has."""
    article = get_object_or_404(ArticlePage, pk=page_id)
    if not article.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    form = CorrectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.article_correct(article=article, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Correction published."))
                return redirect("newsroom_correct_article", page_id=article.pk)
    context = {
        "article": article,
        "form": form,
        "corrections": article.corrections.select_related("created_by"),
        "carried_by": services.accounts_that_carried(article),
    }
    return TemplateResponse(request, "newsroom/admin/correct_article.html", context, status=status)
