from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from citydesk.community.urls import urlpatterns as community_urls
from citydesk.desk.feeds import ClarificationsAtomFeed, ClarificationsFeed
from citydesk.intake.urls import public_urlpatterns as intake_public
from citydesk.intake.urls import webhook_urlpatterns as intake_webhooks
from citydesk.network import views as network_views
from citydesk.newsroom import views as newsroom_views
from citydesk.newsroom.feeds import CorrectionsFeed, LatestArticlesAtomFeed, LatestArticlesFeed
from citydesk.training.urls import public_urlpatterns as training_public

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("citydesk.api.urls")),
    path("robots.txt", newsroom_views.robots_txt, name="robots_txt"),
    path("", include("citydesk.ops.urls")),
    *intake_webhooks,
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

# Vietnamese at the root, English under /en/; Wagtail's catch-all page route comes last.
urlpatterns += i18n_patterns(
    path("tim-kiem/", newsroom_views.search, name="search"),
    path("tac-gia/<int:pk>/", newsroom_views.contributor, name="contributor"),
    path("rss.xml", LatestArticlesFeed(), name="feed_rss"),
    path("dinh-chinh/", newsroom_views.corrections, name="corrections"),
    path("dinh-chinh/rss.xml", CorrectionsFeed(), name="corrections_feed"),
    path("atom.xml", LatestArticlesAtomFeed(), name="feed_atom"),
    # Under the Kiểm chứng section's address (desk/methodology.SECTION_SLUG), before Wagtail's pages.
    path("kiem-chung/rss.xml", ClarificationsFeed(), name="feed_clarifications_rss"),
    path("kiem-chung/atom.xml", ClarificationsAtomFeed(), name="feed_clarifications_atom"),
    path("sitemap.xml", sitemap, name="sitemap"),
    *intake_public,
    path("loi-moi/<str:token>/", network_views.accept_invitation, name="network_invitation"),
    path("", include("citydesk.mailing.urls")),
    *community_urls,
    *training_public,
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
