"""A server error's report never shows a token typed into a form."""

from django.test import RequestFactory
from django.views.debug import ExceptionReporter


def test_error_reports_hide_secret_form_fields():
    request = RequestFactory().post(
        "/admin/snippets/channels/channelaccount/add/",
        {"name": "Trang", "token": "EAAG-very-secret", "app_secret": "zs-secret", "refresh_token": "r-secret"},
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        report = ExceptionReporter(request, type(error), error, error.__traceback__).get_traceback_text()
    assert "Trang" in report
    for secret in ("EAAG-very-secret", "zs-secret", "r-secret"):
        assert secret not in report
