"""Public views that are not Wagtail pages."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from citydesk.core.models import ContributorProfile
from citydesk.desk.selectors import search_clarifications

from .forms import SearchForm
from .models import ARTICLES_PER_PAGE
from .selectors import articles_by_contributor, corrections_log, search_articles


def search(request):
    """Search articles and fact-checks; works with and without Vietnamese diacritics."""
    form = SearchForm(request.GET or None)
    results, clarifications = [], []
    if form.is_valid():
        results = search_articles(query=form.cleaned_data["q"])
        clarifications = search_clarifications(query=form.cleaned_data["q"])
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "results": results, "clarifications": clarifications}
    return render(request, "newsroom/search.html", context, status=status)


def contributor(request, pk: int):
    """A contributor's public page: who they are, their unit, and what they have written."""
    profile = get_object_or_404(ContributorProfile.objects.select_related("unit", "photo"), pk=pk)
    articles = Paginator(articles_by_contributor(contributor=profile), ARTICLES_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(request, "newsroom/contributor.html", {"contributor": profile, "articles": articles})


def robots_txt(request):
    """Allow crawling of the public site, not of the admin, and point to the sitemap."""
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


def corrections(request):
    """The public corrections log: every correction of an article or a clarification, newest first."""
    entries = Paginator(corrections_log(), 30).get_page(request.GET.get("trang"))
    return render(request, "newsroom/corrections.html", {"entries": entries})
