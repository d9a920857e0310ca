"""Reach imported from Facebook Page insights (a fake Graph API on 127.0.0.1), beside hand-entered reach."""

from datetime import date, timedelta

import pytest

from citydesk.channels.models import ChannelAccount
from citydesk.channels.tests.fakes import FakeInsights
from citydesk.scorecards import metrics
from citydesk.scorecards.insights import InsightsError, import_reach
from citydesk.scorecards.models import MetricKey, ReachEntry

pytestmark = pytest.mark.django_db


def test_daily_reach_is_imported_once_and_counted(unit, settings):
    # The value ending 2 Mar 07:00 UTC covers 1 March.
    with FakeInsights("555", "page-token", {date(2026, 3, 2): 1500, date(2026, 3, 3): 2500}) as fake:
        settings.CITYDESK_FACEBOOK_API_URL = fake.url
        account = ChannelAccount(name="Trang", kind="facebook", target="555", unit=unit)
        account.set_secrets(token="page-token")
        account.save()
        assert import_reach(date(2026, 3, 1), date(2026, 3, 2)) == 2
        assert import_reach(date(2026, 3, 1), date(2026, 3, 2)) == 2  # again: updated, not doubled
    ReachEntry.objects.create(account=account, date=date(2026, 3, 1), reach=100, source="manual")
    imported = ReachEntry.objects.filter(source="imported").order_by("date")
    assert [(e.date, e.reach) for e in imported] == [(date(2026, 3, 1), 1500), (date(2026, 3, 2), 2500)]
    assert metrics.compute(metrics.period(2026, "t3"))[unit.pk][MetricKey.REACH] == 4100
    sources = {item["detail"] for item in metrics.items(MetricKey.REACH, metrics.period(2026, "t3"), unit.pk)}
    assert sources == {"Nhập từ nền tảng", "Nhập tay"}


def test_a_refused_token_is_a_clear_error(unit, settings):
    with FakeInsights("555", "page-token", {}) as fake:
        settings.CITYDESK_FACEBOOK_API_URL = fake.url
        account = ChannelAccount(name="Trang", kind="facebook", target="555")
        account.set_secrets(token="wrong")
        account.save()
        with pytest.raises(InsightsError) as error:
            import_reach(date.today() - timedelta(days=2), date.today())
    assert "190" in str(error.value) and "wrong" not in str(error.value)
