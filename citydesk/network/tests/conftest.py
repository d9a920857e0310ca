from datetime import timedelta

import pytest
from django.utils import timezone

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.core.models import Unit
from citydesk.desk.tests.conftest import claim  # noqa: F401
from citydesk.network import services


@pytest.fixture
def hospital(db):
    return Unit.objects.create(name="Bệnh viện Đà Nẵng", short_name="BVĐN", kind=Unit.Kind.PARTNER)


@pytest.fixture
def coauthor_user(hospital):
    return make_user("bacsi", roles.CONTRIBUTOR, unit=hospital)


@pytest.fixture
def other_contributor(unit):
    return make_user("congtacvien2", roles.CONTRIBUTOR, unit=unit)


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def make_assignment(editor_user, contributor_user, topic, now):
    def make(deadline=None, co_authors=(), contributor=None, title="Phòng sốt xuất huyết mùa mưa", **extra):
        return services.assignment_create(
            requested_by=editor_user,
            contributor=(contributor or contributor_user).contributor_profile,
            co_authors=[user.contributor_profile for user in co_authors],
            title=title,
            brief="Giải thích cách diệt lăng quăng, dấu hiệu cần đi khám.",
            deadline=deadline or now + timedelta(days=3),
            topic=topic,
            now=now,
            **extra,
        )

    return make
