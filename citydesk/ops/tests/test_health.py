"""/healthz, /readyz and /metrics over HTTP through Django's test client, with real rows and folders."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from citydesk.channels.models import ChannelAccount, Delivery, Publication
from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk.models import Claim
from citydesk.desk.services import report_receive
from citydesk.ops.models import Heartbeat

pytestmark = pytest.mark.django_db
TOKEN = "health-token-for-the-tests-0123456789"


@pytest.fixture(autouse=True)
def _scratch(settings, tmp_path):
    settings.CITYDESK_SPOOL_DIR = str(tmp_path / "spool")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CITYDESK_HEALTH_TOKEN = TOKEN
    settings.CITYDESK_METRICS_TOKEN = TOKEN
    settings.CITYDESK_READY_MIN_FREE_MB = 1


def tick():
    call_command("run_scheduler", "--once", stdout=StringIO())


def details(client, **headers):
    response = client.get("/readyz", headers={"Authorization": f"Bearer {TOKEN}", **headers})
    return response.status_code, json.loads(response.content)


def test_healthz_answers_anyone_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_is_not_ready_before_the_scheduler_ticked_and_ready_after(client):
    status, body = details(client)
    assert status == 503
    assert body["checks"]["scheduler"] == {"ok": False, "limit": 300, "error": "never ticked"}
    assert body["checks"]["database"]["ok"] is True
    tick()
    status, body = details(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {
        "database",
        "cache",
        "scheduler",
        "job_queue",
        "tip_spool",
        "deliveries_unknown",
        "disk_free_bytes",
    }
    assert body["checks"]["scheduler"]["value"] <= 1
    assert body["checks"]["job_queue"] == {"ok": True, "value": 0, "limit": 300, "depth": 0}


def test_readyz_hides_its_checks_from_anonymous_callers_and_wrong_tokens(client):
    tick()
    anonymous = client.get("/readyz")
    assert anonymous.status_code == 200
    assert anonymous.json() == {"status": "ok"}
    wrong = client.get("/readyz", headers={"Authorization": "Bearer " + TOKEN[:-1] + "x"})
    assert wrong.json() == {"status": "ok"}
    contributor = make_user("ctv", roles.CONTRIBUTOR)
    client.force_login(contributor)
    assert "checks" in client.get("/readyz").json()  # staff who reach the admin
    client.logout()
    reader = make_user("reader")  # an account without admin access
    client.force_login(reader)
    assert client.get("/readyz").json() == {"status": "ok"}


def test_readyz_is_503_when_the_scheduler_stalled(client):
    tick()
    Heartbeat.objects.filter(name="scheduler").update(at=timezone.now() - timedelta(seconds=301))
    status, body = details(client)
    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["scheduler"]["ok"] is False
    assert body["checks"]["scheduler"]["value"] >= 301
    assert client.get("/readyz").json() == {"status": "not ready"}


def test_readyz_is_503_when_a_job_waits_too_long_and_reports_the_depth(client):
    tick()
    for _ in range(3):
        DBTaskResult.objects.create(
            task_path="citydesk.core.tasks.ping",
            args_kwargs={"args": [1], "kwargs": {}},
            queue_name="default",
            backend_name="default",
            run_after=timezone.now() - timedelta(minutes=10),
        )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    status, body = details(client)
    assert status == 503
    assert body["checks"]["job_queue"]["ok"] is False
    assert body["checks"]["job_queue"]["depth"] == 3
    assert body["checks"]["job_queue"]["value"] >= 599


def test_readyz_is_503_when_the_tip_spool_grows(client, settings, tmp_path):
    tick()
    settings.CITYDESK_READY_SPOOL_MAX = 2
    spool = tmp_path / "spool"
    spool.mkdir(exist_ok=True)
    for number in range(3):
        (spool / f"tip-{number}.json").write_text("{}")
    status, body = details(client)
    assert status == 503
    assert body["checks"]["tip_spool"] == {"ok": False, "value": 3, "limit": 2}


def test_readyz_is_503_with_deliveries_in_unknown(client, settings, home):
    tick()
    settings.CITYDESK_READY_UNKNOWN_DELIVERIES_MAX = 0
    account = ChannelAccount.objects.create(name="Bản tin", kind="email", target="a@x.vn")
    publication = Publication.objects.create(
        page=home, title="T", summary="S", link="https://x.vn/", scheduled_at=timezone.now()
    )
    Delivery.objects.create(
        publication=publication, account=account, status=Delivery.Status.UNKNOWN, next_attempt_at=timezone.now()
    )
    status, body = details(client)
    assert status == 503
    assert body["checks"]["deliveries_unknown"] == {"ok": False, "value": 1, "limit": 0}


def test_readyz_is_503_when_the_cache_does_not_answer(client):
    tick()
    # A database cache whose table is missing (the operator skipped createcachetable / migrate).
    missing = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_cache_table"}
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    with override_settings(CACHES={"default": missing, "local": local}):
        status, body = details(client)
    assert status == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["error"] in {"OperationalError", "ProgrammingError"}


def test_readyz_is_503_when_the_disk_is_nearly_full(client, settings):
    tick()
    settings.CITYDESK_READY_MIN_FREE_MB = 1024 * 1024 * 1024  # a petabyte
    status, body = details(client)
    assert status == 503
    assert body["checks"]["disk_free_bytes"]["ok"] is False


def scrape(client, **headers) -> dict:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_refuses_callers_without_the_token_or_an_allowed_address(client, settings):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 403
    client.force_login(make_user("lead", roles.DESK_LEAD))
    assert client.get("/metrics").status_code == 403  # a session is not a scraper's credential
    settings.CITYDESK_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.2").status_code == 403


def test_metrics_reads_the_office_figures_from_the_database(client, settings):
    settings.CITYDESK_MATCHING = False
    first = report_receive(channel="web", text="Nước máy quận Hải Châu nhiễm độc, không được uống")
    report_receive(channel="telegram", text="Cầu Rồng sắp bị phá dỡ trong tháng tới theo quyết định mới")
    first.answered_at = timezone.now()
    first.save(update_fields=["answered_at"])
    Claim.objects.filter(pk=first.claim_id).update(category="health", first_seen_at=timezone.now() - timedelta(hours=3))
    tick()
    samples = scrape(client, Authorization=f"Bearer {TOKEN}")
    assert samples[("citydesk_tips_received_total", (("channel", "web"),))] == 1
    assert samples[("citydesk_tips_received_total", (("channel", "telegram"),))] == 1
    assert samples[("citydesk_tips_answered_total", (("channel", "web"),))] == 1
    assert samples[("citydesk_tips_answered_total", (("channel", "telegram"),))] == 0
    assert samples[("citydesk_claims", (("status", "new"),))] == 2
    assert samples[("citydesk_claims", (("status", "published"),))] == 0
    assert samples[("citydesk_sla_overdue_claims", ())] == 1  # health: 2 h, nobody responded in 3
    assert samples[("citydesk_channel_deliveries", (("state", "unknown"),))] == 0
    assert samples[("citydesk_job_queue_depth", ())] == 0
    assert 0 <= samples[("citydesk_scheduler_last_tick_age_seconds", ())] < 5
    assert samples[("citydesk_database_up", ())] == 1
    assert samples[("citydesk_disk_free_bytes", ())] > 0
    # The requests before this scrape were counted by view.
    again = scrape(client, Authorization=f"Bearer {TOKEN}")
    key = ("citydesk_http_requests_total", (("method", "GET"), ("status", "200"), ("view", "ops_metrics")))
    assert again[key] >= 1
