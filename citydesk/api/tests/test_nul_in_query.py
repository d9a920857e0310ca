"""A NUL character in the topic filter: PostgreSQL refuses it in a query ("text fields cannot contain
NUL"), which was a 500 (found by the contract test's fuzzer on PostgreSQL)."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_topic_slug_with_a_nul_character_is_no_such_topic(client):
    response = client.get("/api/v1/articles/?topic=%C3%9F%08%3C%3D%00%3F")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
