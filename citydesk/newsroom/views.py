"""Public views that are not Wagtail pages."""

from django.shortcuts import render

from .forms import SearchForm
from .selectors import search_articles


def search(request):
    """Search articles; works with and without Vietnamese diacritics."""
    form = SearchForm(request.GET or None)
    results = search_articles(query=form.cleaned_data["q"]) if form.is_valid() else []
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "newsroom/search.html", {"form": form, "results": results}, status=status)


def robots_txt(request):
    """Allow crawling of the public site, not of the admin, and point to the sitemap."""
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
