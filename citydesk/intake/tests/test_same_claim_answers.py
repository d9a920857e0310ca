"""Issue 19: the instant answer is the verdict of the same claim only. On the demo's claims, a tip that
changes one key fact (another disease) gets no verdict, through the web form and the Telegram
webhook, and is not joined; a true copy of the claim still gets the verdict at once."""

import pytest
from django.urls import reverse

from citydesk.desk.demo import load_claims
from citydesk.desk.models import Claim, Report

from .test_telegram import post_update, telegram_update

pytestmark = pytest.mark.django_db

FORM = "/hoi-dap-kiem-chung/"
DENGUE = "Uống nước chanh nóng mỗi sáng chữa khỏi sốt xuất huyết trong 3 ngày."
DIABETES = "Uống nước chanh nóng mỗi sáng chữa khỏi tiểu đường trong 3 ngày"
COPY = "Mọi người ơi, uống nước chanh nóng mỗi sáng chữa khỏi sốt xuất huyết trong 3 ngày, có thật không?"
VERDICT = "Nước chanh nóng không chữa được sốt xuất huyết"
SURE_ANSWER = "Cơ quan đã kiểm chứng thông tin này"


@pytest.fixture
def demo(verifier, lead):
    load_claims(verifier=verifier, lead=lead)
    return Claim.objects.get(statement=DENGUE)


def test_a_tip_about_another_disease_gets_no_verdict_on_the_web_form(client, demo, verifier):
    page = client.post(FORM, {"text": DIABETES}).content.decode()

    assert SURE_ANSWER not in page and VERDICT not in page and "SAI" not in page
    report = Report.objects.latest("pk")
    assert report.claim_id != demo.pk and not report.answered_automatically
    # The desk sees why it was not joined: the health condition differs.
    assert report.match_explanation["claim"] == demo.pk and not report.match_explanation["joined"]
    assert "disease" in report.match_explanation["differ"]
    client.force_login(verifier)
    screen = client.get(reverse("desk_claim", args=[report.claim_id])).content.decode()
    assert "Chỉ gợi ý" in screen and "bệnh, tình trạng sức khỏe" in screen and "tiểu đường" in screen


def test_a_true_copy_of_the_dengue_claim_gets_its_verdict_at_once_on_the_web_form(client, demo, verifier):
    page = client.post(FORM, {"text": COPY}).content.decode()

    assert SURE_ANSWER in page and VERDICT in page
    report = Report.objects.latest("pk")
    assert report.claim_id == demo.pk and report.answered_automatically
    assert report.match_explanation["joined"] and not report.match_explanation["differ"]
    client.force_login(verifier)
    screen = client.get(reverse("desk_claim", args=[demo.pk])).content.decode()
    assert "Trùng:" in screen


def test_a_tip_about_another_disease_gets_no_verdict_on_telegram(live_server, fake_telegram, demo):
    response = post_update(live_server.url, telegram_update(1901, DIABETES))

    assert response.status_code == 200 and response.json()["handled"] != "answered"
    for sent in fake_telegram.messages():
        assert VERDICT not in sent["text"] and "SAI" not in sent["text"]
    report = Report.objects.filter(channel="telegram").latest("pk")
    assert report.claim_id != demo.pk and report.answered_at is None


def test_a_true_copy_of_the_dengue_claim_gets_its_verdict_at_once_on_telegram(live_server, fake_telegram, demo):
    response = post_update(live_server.url, telegram_update(1902, COPY))

    assert response.status_code == 200 and response.json()["handled"] == "answered"
    [sent] = fake_telegram.messages()
    assert VERDICT in sent["text"] and "SAI" in sent["text"]
    assert Report.objects.filter(channel="telegram").latest("pk").claim_id == demo.pk
