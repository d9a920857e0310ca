import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from citydesk.core import roles
from citydesk.core.models import ContributorProfile, Unit
from citydesk.newsroom.models import ArticlePage, TopicPage

pytestmark = pytest.mark.django_db


def test_load_demo_builds_a_realistic_vietnamese_site(client, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "citydesk-demo-2026" in out

    assert ContributorProfile.objects.count() >= 6
    assert Unit.objects.filter(kind=Unit.Kind.WARD).exists()
    assert Unit.objects.filter(kind=Unit.Kind.PARTNER).exists()
    assert TopicPage.objects.live().count() >= 4
    live = ArticlePage.objects.live()
    assert live.count() >= 20
    assert all(article.bylines.exists() for article in live)
    newsroom_drafts = ArticlePage.objects.filter(live=False, assignment__isnull=True)  # the network adds its own
    assert newsroom_drafts.count() == 2
    assert sum(1 for article in newsroom_drafts if article.current_workflow_state) == 1

    users = get_user_model().objects
    for role in roles.ROLES:
        assert users.filter(groups__name=role.name).exists(), role.name
        username = next(user.username for user in users.filter(groups__name=role.name))
        assert f"  {username}" in out

    from citydesk.desk.models import Claim, ClaimStatus, ClarificationPage

    assert Claim.objects.count() >= 15
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert ClarificationPage.objects.live().count() >= 5
    assert Claim.objects.filter(corrections__isnull=False).exists()
    # Reports and clarifications count for their claim's unit: the demo's claims all have one, so the
    # scorecards show per-unit figures instead of "Chưa có đơn vị".
    assert not Claim.objects.exclude(status=ClaimStatus.DUPLICATE).filter(unit__isnull=True).exists()
    from citydesk.scorecards import metrics
    from citydesk.scorecards.models import MetricKey

    table = metrics.compute(metrics.period(timezone.localdate().year))
    assert table["total"][MetricKey.REPORTS] >= 25 and not table.get(None, {}).get(MetricKey.REPORTS)
    health = Unit.objects.get(short_name="SYT").pk
    assert table[health][MetricKey.REPORTS] >= 5 and table[health].get(MetricKey.CLARIFICATIONS, 0) >= 1

    article = live.first()
    assert client.get(article.url).status_code == 200
    assert client.get("/tim-kiem/", {"q": "sot xuat huyet"}).content.decode().count("<h3>") >= 1

    from citydesk.channels.models import Publication

    assert Publication.objects.filter(page__in=ClarificationPage.objects.all()).count() >= 5  # the demo's e-mail list

    official = client.get("/tai-khoan-chinh-thuc/", {"q": "0236 3888 115"}).content.decode()
    assert "Đường dây nóng Sở Y tế" in official and "Đây là tài khoản chính thức" in official


def test_load_demo_twice_does_not_duplicate(capsys):
    call_command("load_demo")
    before = ArticlePage.objects.count(), ContributorProfile.objects.count(), get_user_model().objects.count()
    call_command("load_demo")
    assert (ArticlePage.objects.count(), ContributorProfile.objects.count(), get_user_model().objects.count()) == before
