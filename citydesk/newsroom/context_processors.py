from django.conf import settings

from .selectors import live_topics


def site_navigation(request):
    """Site name and topics for the site's header and navigation."""
    return {"site_name": settings.WAGTAIL_SITE_NAME, "nav_topics": live_topics()}
