from django.urls import path

from . import views

# Webhooks: outside the language prefixes, never cached, CSRF-exempt (the platforms sign them).
webhook_urlpatterns = [
    path("intake/telegram/", views.telegram_webhook, name="intake_telegram_webhook"),
    path("intake/zalo/", views.zalo_webhook, name="intake_zalo_webhook"),
]

# Public pages, under i18n_patterns (Vietnamese at the root, English under /en/).
public_urlpatterns = [
    path("hoi-dap-kiem-chung/", views.tip, name="tip"),
    path("tai-khoan-chinh-thuc/", views.official_accounts, name="official_accounts"),
]
