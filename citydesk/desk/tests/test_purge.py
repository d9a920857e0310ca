from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from citydesk.desk import services
from citydesk.desk.models import Channel, Report

pytestmark = pytest.mark.django_db


def test_reply_handles_are_kept_to_reply_then_purged(db):
    long_ago = timezone.now() - timedelta(days=40)
    old = services.report_receive(channel=Channel.TELEGRAM, text="a", reply_handle="tg:123", received_at=long_ago)
    fresh = services.report_receive(channel=Channel.ZALO, text="b", reply_handle="zalo:456")
    no_handle = services.report_receive(channel=Channel.WEB, text="c")
    assert fresh.reply_handle_expires_at > timezone.now() + timedelta(days=29)
    assert no_handle.reply_handle_expires_at is None

    out = StringIO()
    call_command("purge_reply_handles", stdout=out)
    assert out.getvalue().strip() == "purged: 1"
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.reply_handle, old.reply_handle_expires_at) == ("", None)
    assert old.text == "a"  # the report itself stays
    assert fresh.reply_handle == "zalo:456"


def test_the_scheduler_purges_expired_handles(db):
    services.report_receive(channel=Channel.WEB, text="a", reply_handle="x@y.vn", reply_ttl=timedelta(seconds=-1))
    call_command("run_scheduler", "--once")
    assert not Report.objects.exclude(reply_handle="").exists()
