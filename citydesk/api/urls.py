"""/api/v1/: the Open API (docs/api.md). Outside the language prefix: one address per resource."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views
from .errors import not_found

app_name = "api"

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/clarifications/", views.ClarificationList.as_view(), name="clarifications"),
    path("v1/clarifications/feed/", views.ClarificationFeed.as_view(), name="clarification_feed"),
    path("v1/clarifications/<int:pk>/", views.ClarificationDetail.as_view(), name="clarification"),
    path("v1/articles/", views.ArticleList.as_view(), name="articles"),
    path("v1/articles/<int:pk>/", views.ArticleDetail.as_view(), name="article"),
    path("v1/topics/", views.TopicList.as_view(), name="topics"),
    path("v1/official-accounts/", views.OfficialAccountList.as_view(), name="official_accounts"),
    path("v1/official-accounts/lookup/", views.OfficialLookup.as_view(), name="official_lookup"),
    path("v1/check/", views.Check.as_view(), name="check"),
    path("v1/reports/", views.Reports.as_view(), name="reports"),
    path("v1/reports/<uuid:report_id>/", views.ReportDetail.as_view(), name="report"),
    path("v1/webhooks/", views.Webhooks.as_view(), name="webhooks"),
    path("v1/webhooks/<uuid:webhook_id>/", views.WebhookDetail.as_view(), name="webhook"),
    path("v1/desk/claims/", views.DeskClaims.as_view(), name="desk_claims"),
    path("v1/desk/claims/<int:pk>/", views.DeskClaimDetail.as_view(), name="desk_claim"),
    re_path(r"^.*$", not_found, name="not_found"),
]
