"""Every operation of /api/v1/ against every kind of caller: anonymous, a partner key of each scope,
and a staff token of each role (the expected table is the one in the report for the matrix test)."""

import pytest
from django.contrib.auth import get_user_model

from citydesk.api import services
from citydesk.conftest import make_user
from citydesk.core import roles

from .conftest import bearer

PUBLIC = 200
# (method, path, body) — {report}, {webhook}, {clarification} and {claim} are filled in per test.
OPERATIONS = {
    "clarifications": ("get", "/api/v1/clarifications/", None),
    "clarification": ("get", "/api/v1/clarifications/{clarification}/", None),
    "feed": ("get", "/api/v1/clarifications/feed/", None),
    "articles": ("get", "/api/v1/articles/", None),
    "topics": ("get", "/api/v1/topics/", None),
    "official_accounts": ("get", "/api/v1/official-accounts/", None),
    "official_lookup": ("get", "/api/v1/official-accounts/lookup/?q=danang.gov.vn", None),
    "check": ("post", "/api/v1/check/", {"text": "Tin đồn nghỉ học cả tuần"}),
    "schema": ("get", "/api/v1/schema/", None),
    "docs": ("get", "/api/v1/docs/", None),
    "reports_list": ("get", "/api/v1/reports/", None),
    "reports_file": ("post", "/api/v1/reports/", {"text": "Tin nhắn giả danh công an"}),
    "report_of_another_key": ("get", "/api/v1/reports/{report}/", None),
    "webhooks_list": ("get", "/api/v1/webhooks/", None),
    "webhooks_register": (
        "post",
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.com/x", "events": ["clarification.published"]},
    ),
    "webhook_of_another_key": ("delete", "/api/v1/webhooks/{webhook}/", None),
    "desk_claims": ("get", "/api/v1/desk/claims/", None),
    "desk_claim": ("get", "/api/v1/desk/claims/{claim}/", None),
}
PUBLIC_OPERATIONS = [
    "clarifications",
    "clarification",
    "feed",
    "articles",
    "topics",
    "official_accounts",
    "official_lookup",
    "check",
    "schema",
    "docs",
]
PARTNER_SCOPE_OF = {
    "reports_list": ("reports:read", 200),
    "reports_file": ("reports:file", 201),
    "report_of_another_key": ("reports:read", 404),  # never another key's report, and nothing leaks
    "webhooks_list": ("webhooks", 200),
    "webhooks_register": ("webhooks", 201),
    "webhook_of_another_key": ("webhooks", 404),
}
DESK_OPERATIONS = ["desk_claims", "desk_claim"]
STAFF_ROLES = [
    roles.CONTRIBUTOR,
    roles.EXPERT_REVIEWER,
    roles.EDITOR,
    roles.DESK_VERIFIER,
    roles.DESK_LEAD,
    roles.MODERATOR,
    roles.UNIT_ADMIN,
    "superuser",
]
DESK_READERS = {roles.DESK_VERIFIER, roles.DESK_LEAD, "superuser"}
CALLERS = [
    "anonymous",
    "key:none",
    "key:reports:file",
    "key:reports:read",
    "key:webhooks",
    *(f"staff:{r}" for r in STAFF_ROLES),
]


def expected(caller: str, operation: str) -> int:
    if operation in PUBLIC_OPERATIONS:
        return PUBLIC
    if caller == "anonymous":
        return 401
    if operation in DESK_OPERATIONS:
        return 200 if caller.startswith("staff:") and caller[6:] in DESK_READERS else 403
    scope, allowed = PARTNER_SCOPE_OF[operation]
    return allowed if caller == f"key:{scope}" else 403


@pytest.fixture
def world(make_key, published_claim):
    owner, _value = make_key(name="Chủ khác")
    filing, _answer = services.partner_report_file(key=owner, text="Báo cáo của khóa khác")
    hook, _secret = services.webhook_register(
        key=owner, url="https://other.example.com/h", events=["clarification.published"]
    )
    return {
        "report": filing.public_id,
        "webhook": hook.public_id,
        "clarification": published_claim.clarification_page.pk,
        "claim": published_claim.pk,
    }


def credential(caller: str, make_key) -> dict:
    if caller == "anonymous":
        return {}
    if caller.startswith("key:"):
        scope = caller[4:]
        _key, value = make_key(name=caller, scopes=[] if scope == "none" else [scope])
        return bearer(value)
    role = caller[6:]
    if role == "superuser":
        user = get_user_model().objects.create_superuser("sieu", "s@x.vn", "pw")
    else:
        user = make_user("nhanvien", role)
    _token, value = services.staff_token_create(user=user, name="công cụ")
    return bearer(value)


@pytest.mark.parametrize("caller", CALLERS)
def test_every_operation_answers_each_caller_as_the_table_says(client, world, make_key, caller):
    headers = credential(caller, make_key)
    answers = {}
    for name, (method, path, body) in OPERATIONS.items():
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        answers[name] = getattr(client, method)(path.format(**world), **kwargs, **headers).status_code
    assert answers == {name: expected(caller, name) for name in OPERATIONS}
