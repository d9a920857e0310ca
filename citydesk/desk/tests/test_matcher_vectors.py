"""The desk's matcher encodes a tip once: the claim opened from it takes the tip's own vector."""

import numpy as np
import pytest
from django.utils import timezone

from citydesk.desk import matcher as desk_matcher
from citydesk.desk.models import Claim
from citydesk.matching.encoder import embed

pytestmark = pytest.mark.django_db

TIP = "Khẩn: nhà máy nước Cầu Đỏ ngừng cấp nước 3 ngày vì nguồn nước nhiễm độc, mọi người tích trữ nước ngay"


def test_a_claim_opened_from_a_tip_is_indexed_with_the_tips_vector_not_encoded_again(monkeypatch, settings):
    settings.CITYDESK_MATCHING = True
    SEEN = {"first_seen_at": timezone.now(), "last_seen_at": timezone.now()}
    encoded: list[str] = []

    def counting(texts, *args, **kwargs):
        encoded.extend(texts)
        return embed(texts, *args, **kwargs)

    monkeypatch.setattr(desk_matcher, "embed", counting)
    Claim.objects.create(statement="Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày", **SEEN)
    fresh = desk_matcher.DeskMatcher()
    fresh._index._embed = counting  # the index's own encoder, counted the same way
    fresh.sync()
    assert len(encoded) == 1  # the stored claim, once

    fresh.candidates(TIP)  # the tip is encoded to be matched
    assert len(encoded) == 2
    claim = Claim.objects.create(statement=TIP, **SEEN)  # no match: the desk's service opens a claim from it
    fresh.sync()
    assert len(encoded) == 2  # its vector is the tip's: nothing encoded again

    stored = np.asarray(fresh._index._vectors.get(fresh._index.position(claim.pk)), dtype=np.float32)
    assert float(np.dot(stored, embed([encoded[1]])[0])) > 0.99
    assert fresh.candidates(TIP)[0].claim == claim
