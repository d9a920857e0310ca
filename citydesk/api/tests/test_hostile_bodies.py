"""Hostile bodies sent with a valid partner key get a 4xx, never a 500, and leave nothing stored."""

import pytest

from citydesk.api.models import WebhookEndpoint
from citydesk.desk.models import Report

from .conftest import bearer

NESTED_ARRAY = "[" * 5000 + "]" * 5000
NESTED_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/check/", "/api/v1/webhooks/"])
@pytest.mark.parametrize("body", [NESTED_ARRAY, NESTED_OBJECT], ids=["array", "object"])
def test_partner_json_nested_thousands_deep_is_a_400(client, make_key, path, body):
    _key, value = make_key()
    client.raise_request_exception = False
    response = client.post(path, body, content_type="application/json", **bearer(value))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert not Report.objects.exists() and not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/check/"])
def test_partner_link_with_a_port_out_of_range_is_not_a_500(client, make_key, path):
    _key, value = make_key()
    client.raise_request_exception = False
    response = client.post(
        path, {"url": "https://danang.gov.vn:99999/thong-bao"}, content_type="application/json", **bearer(value)
    )
    assert response.status_code < 500
