"""On PostgreSQL the matcher's vectors live in pgvector (HNSW); the same ClaimIndex behaviour holds."""

import pytest
from django.db import connection

from citydesk.desk import services
from citydesk.desk.matcher import DeskMatcher, matcher
from citydesk.desk.models import Channel, ClaimEmbedding

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in CI's PostgreSQL pass"),
]


def test_claim_vectors_are_stored_in_pgvector_with_an_hnsw_index(settings):
    settings.CITYDESK_MATCHING = True
    first = services.report_receive(
        channel=Channel.WEB, text="Uống nước chanh nóng chữa khỏi sốt xuất huyết trong ba ngày"
    ).claim
    services.report_receive(channel=Channel.WEB, text="Cảnh báo bão số 6 đổ bộ vào Đà Nẵng tối nay")
    matcher.sync()
    assert ClaimEmbedding.objects.count() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'desk_claimembedding'")
        assert any("USING hnsw" in row[0] and "vector_cosine_ops" in row[0] for row in cursor.fetchall())

    # A new process (another web worker or host) finds the same claim from the shared vectors,
    # without embedding the stored claims again.
    fresh = DeskMatcher()
    embedded = []
    original = fresh._index._embed
    fresh._index._embed = lambda texts: embedded.extend(texts) or original(texts)
    found = fresh.candidates("Nước chanh nóng chữa khỏi bệnh sốt xuất huyết sau ba ngày uống")
    assert found and found[0].claim == first
    assert len(embedded) == 1  # only the query
