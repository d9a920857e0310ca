"""The public, read-only endpoints: no key, ClaimReview-shaped clarifications, paging, ETag, errors."""

import pytest

from citydesk.desk.models import Report
from citydesk.intake.models import OfficialAccount

from .conftest import CLAIM_TEXT, bearer


def test_clarification_list_shows_a_published_clarification_shaped_on_claimreview(client, published_claim):
    response = client.get("/api/v1/clarifications/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["claim"] == published_claim.statement
    assert item["rating"]["value"] == "false"
    assert item["rating"]["name"] == "Sai" and item["rating"]["name_en"] == "False"
    assert item["rating"]["rating_value"] == 1 and item["rating"]["best_rating"] == 4
    assert item["evidence"][0]["url"] == "https://moh.gov.vn/sot-xuat-huyet"
    assert item["appearances"] == ["https://example.com/bai-dang/123"]
    assert item["url"].startswith("http") and item["corrections"] == []
    detail = client.get(f"/api/v1/clarifications/{item['id']}/").json()
    assert detail == item


def test_an_unpublished_claim_is_not_in_the_api(client, proposed_claim):
    assert client.get("/api/v1/clarifications/").json()["results"] == []
    feed = client.get("/api/v1/clarifications/feed/").json()
    assert feed["dataFeedElement"] == []


def test_filters_select_by_rating_and_category(client, published_claim):
    assert len(client.get("/api/v1/clarifications/?rating=false&category=health").json()["results"]) == 1
    assert client.get("/api/v1/clarifications/?rating=true").json()["results"] == []
    assert client.get("/api/v1/clarifications/?category=scam").json()["results"] == []
    assert client.get("/api/v1/clarifications/?updated_since=2999-01-01T00:00:00Z").json()["results"] == []
    assert len(client.get("/api/v1/clarifications/?updated_since=2000-01-01").json()["results"]) == 1


def test_a_bad_filter_is_a_400_in_both_languages(client, db):
    response = client.get("/api/v1/clarifications/?rating=maybe")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message_en"] == "rating: unknown value."
    assert error["message"] != error["message_en"]


@pytest.mark.parametrize(
    "value",
    [
        "4273-09-21T09:40:17.649098-18:04",  # an offset no place has; PostgreSQL refuses it
        "9999-12-31T23:59:59-05:00",  # overflows when moved to UTC
        "0001-01-01T00:00:00+14:00",
        "2026-13-01T00:00:00",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/clarifications/", "/api/v1/clarifications/feed/"])
def test_an_impossible_updated_since_is_a_400_not_a_server_error(client, published_claim, path, value):
    response = client.get(path, {"updated_since": value})
    assert response.status_code == 400
    assert response.json()["error"]["message_en"] == "updated_since must be a date and time (ISO 8601)."


def test_updated_since_with_a_real_offset_is_compared_in_utc(client, published_claim):
    def results(since):
        return client.get("/api/v1/clarifications/", {"updated_since": since}).json()["results"]

    assert len(results("2000-01-01T00:00:00+14:00")) == 1
    assert results("2999-01-01T00:00:00-12:00") == []


def test_etag_answers_304_when_nothing_changed(client, published_claim):
    first = client.get("/api/v1/clarifications/")
    etag = first["ETag"]
    again = client.get("/api/v1/clarifications/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_datafeed_holds_claimreview_items(client, published_claim):
    feed = client.get("/api/v1/clarifications/feed/").json()
    assert feed["@type"] == "DataFeed"
    [review] = feed["dataFeedElement"]
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "Sai"


def test_cursor_paging_walks_every_item_once(client, published_claim, verifier, lead):
    from citydesk.desk import services as desk
    from citydesk.desk.models import Channel

    for number in range(3):
        report = desk.report_receive(channel=Channel.WEB, text=f"Tin đồn số {number} về mất điện toàn thành phố")
        desk.evidence_add(claim=report.claim, actor=verifier, url="https://evn.vn/x", title="EVN")
        desk.verdict_propose(
            claim=report.claim, verifier=verifier, rating="false", summary="Không.", explanation="Sai."
        )
        desk.verdict_approve(claim=report.claim, approver=lead)
    seen, url = [], "/api/v1/clarifications/?limit=2"
    while url:
        page = client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    assert len(seen) == 4 == len(set(seen))
    assert client.get("/api/v1/clarifications/?cursor=not-a-cursor").status_code == 400


def test_official_lookup_reuses_the_directory(client, db):
    OfficialAccount.objects.create(name="Cổng thông tin Đà Nẵng", kind="website", value="danang.gov.vn")
    assert client.get("/api/v1/official-accounts/lookup/?q=https://tttt.danang.gov.vn/x").json()["official"] is True
    assert client.get("/api/v1/official-accounts/lookup/?q=danang-gov.vn").json()["official"] is False
    assert client.get("/api/v1/official-accounts/lookup/").status_code == 400
    assert client.get("/api/v1/official-accounts/").json()[0]["value"] == "danang.gov.vn"


def test_articles_and_topics_are_listed(client, make_article, topic):
    make_article(publish=True)
    make_article(title="Bản nháp chưa đăng")
    articles = client.get("/api/v1/articles/").json()
    assert [a["title"] for a in articles["results"]] == ["Phòng chống sốt xuất huyết"]
    article = articles["results"][0]
    assert article["topic"]["slug"] == "suc-khoe" and article["unit"]["short_name"] == "CDC"
    assert article["bylines"][0]["unit"]["short_name"] == "CDC"
    assert client.get("/api/v1/articles/?topic=khong-co").status_code == 404
    assert client.get("/api/v1/topics/").json()[0]["slug"] == "suc-khoe"


def test_check_gives_the_verdict_for_the_same_claim_and_stores_nothing(client, published_claim):
    before = Report.objects.count()
    response = client.post("/api/v1/check/", {"text": CLAIM_TEXT}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"]["rating"]["value"] == "false" and body["related"] == [] and body["filed"] is None
    assert Report.objects.count() == before


def test_check_by_the_same_link_gives_the_verdict(client, published_claim):
    body = client.post(
        "/api/v1/check/", {"url": "https://example.com/bai-dang/123"}, content_type="application/json"
    ).json()
    assert body["verdict"]["claim"] == published_claim.statement


def test_check_follows_the_instant_answer_rule_for_a_pointer(client, published_claim, monkeypatch):
    from citydesk.intake import answers

    real = answers.find_answer

    def unsure(text="", url="", **kwargs):
        found = real(text, url, **kwargs)
        return found and answers.Answer(found.claim, found.page, found.verdict, found.score, sure=False)

    monkeypatch.setattr(answers, "find_answer", unsure)
    body = client.post("/api/v1/check/", {"text": CLAIM_TEXT}, content_type="application/json").json()
    assert body["verdict"] is None and body["related"][0]["claim"] == published_claim.statement


def test_check_files_a_tip_only_when_asked(client, published_claim):
    before = Report.objects.count()
    body = client.post(
        "/api/v1/check/",
        {"text": "Mất điện toàn thành phố ngày mai", "file_as_tip": True},
        content_type="application/json",
    ).json()
    assert body["filed"]["received_at"]
    assert Report.objects.count() == before + 1
    assert Report.objects.latest("pk").channel == "api"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.vn/a", "data:text/html,x"])
def test_check_refuses_links_that_are_not_http(client, db, url):
    response = client.post("/api/v1/check/", {"url": url}, content_type="application/json")
    assert response.status_code == 400
    assert "url" in response.json()["error"]["fields"]


def test_anonymous_callers_are_rate_limited_per_address(client, db, settings):
    settings.CITYDESK_API_RATE_LIMIT = 3
    codes = [client.get("/api/v1/topics/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get("/api/v1/topics/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_a_malformed_key_on_a_public_endpoint_is_a_401(client, db):
    response = client.get("/api/v1/topics/", **bearer("cdk_nothing"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_credentials"


def test_unknown_api_addresses_are_json_404(client, db):
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_schema_and_docs_are_served_from_our_own_static_files(client, db):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/4563749966045730085797888/",
        "/api/v1/clarifications/99999999999999999999999/",
    ],
)
def test_an_id_too_large_for_the_database_is_a_404_not_a_500(client, db, path):
    # Found by Schemathesis: SQLite overflowed on a 25-digit id.
    response = client.get(path)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
