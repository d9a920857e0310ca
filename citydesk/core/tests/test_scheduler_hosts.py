"""Schedulers on several hosts: on PostgreSQL one at a time runs the shared jobs (advisory lock)."""

from datetime import timedelta

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from citydesk.core.management.commands.run_scheduler import SCHEDULER_LOCK
from citydesk.network import services
from citydesk.network.models import Notification

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in CI's PostgreSQL pass"),
]


def url() -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_a_second_scheduler_skips_the_shared_jobs_while_the_first_holds_them(
    transactional_db, editor_user, contributor_user, topic
):
    # Committed rows: the other "host" is a separate connection.
    services.assignment_create(
        requested_by=editor_user,
        contributor=contributor_user.contributor_profile,
        title="Lịch tiêm bổ sung",
        brief="Theo phường.",
        deadline=timezone.now() + timedelta(hours=3),
        topic=topic,
    )
    with psycopg.connect(url(), autocommit=True) as other_host:
        other_host.execute("SELECT pg_advisory_lock(%s)", [SCHEDULER_LOCK])
        call_command("run_scheduler", "--once")
        assert not Notification.objects.filter(kind="deadline_soon").exists()  # the other host has the turn
    call_command("run_scheduler", "--once")  # the other host let go
    assert Notification.objects.filter(kind="deadline_soon").count() == 1
