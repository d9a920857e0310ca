from django.conf import settings

from .selectors import site_sections


def site_navigation(request):
    """Site name and sections for the site's header and navigation."""
    return {"site_name": settings.WAGTAIL_SITE_NAME, "nav_sections": site_sections()}
