import pytest
from django.core.cache import cache

from citydesk.api import services
from citydesk.api.models import PartnerScope
from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk import services as desk
from citydesk.desk.tests.conftest import claim, evidenced_claim, proposed_claim  # noqa: F401

CLAIM_TEXT = "Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày"  # the desk fixtures' claim
ALL_SCOPES = list(PartnerScope.values)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def published_claim(proposed_claim, lead):  # noqa: F811
    desk.verdict_approve(claim=proposed_claim, approver=lead)
    proposed_claim.refresh_from_db()
    return proposed_claim


@pytest.fixture
def unit_admin(unit):
    return make_user("quantri", roles.UNIT_ADMIN, unit=unit)


@pytest.fixture
def make_key(unit_admin, unit):
    """A partner key of the unit admin's unit: (key, value)."""

    def make(name="Tổng đài 1022", scopes=None, **extra):
        return services.partner_key_create(
            actor=unit_admin,
            name=name,
            unit=unit,
            scopes=ALL_SCOPES if scopes is None else scopes,
            contact_email="it@1022.danang.gov.vn",
            **extra,
        )

    return make


def bearer(value: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}
