"""Marks put back on bare text from the stored claims' wording (the semantic channel for bare reports)."""

import numpy as np
import pytest

from citydesk.matching import ClaimIndex
from citydesk.matching.encoder import embed
from citydesk.matching.normalize import normalize
from citydesk.matching.restore import Restorer

STORED = [
    "bão số 5 sẽ đổ bộ vào đà nẵng đêm nay",
    "cơn bão đã làm đổ nhiều cây xanh trên đường phố",
    "báo chí đưa tin sai về giá xăng tăng",
    "người dân không nên tin tin đồn về giá xăng",
    "ba của em bán cá ở chợ",
]


@pytest.fixture
def restorer():
    restorer = Restorer()
    for text in STORED:
        restorer.learn(normalize(text).text)
    return restorer


def test_the_previous_word_chooses_between_marked_forms(restorer):
    # "bao" is "bão" after "cơn"/at the start of a storm claim, "báo" before "chí".
    assert restorer.restore("con bao da lam do cay")[0] == "cơn bão đã làm đổ cây"
    assert restorer.restore("bao chi dua tin sai")[0] == "báo chí đưa tin sai"


def test_unknown_words_numbers_and_punctuation_stay_as_typed(restorer):
    text, known = restorer.restore("bao so 5 , yagi do bo da nang !")
    assert text == "bão số 5 , yagi đổ bộ đà nẵng !"
    assert known == pytest.approx(6 / 7)  # every letter word but "yagi"


def test_a_text_with_marks_teaches_and_a_bare_one_does_not():
    restorer = Restorer()
    restorer.learn("tin don ve gia xang")
    assert len(restorer) == 0 and restorer.texts == 0
    assert restorer.restore("tin don") == ("tin don", 0.0)


def test_restore_normalized_keeps_the_folded_form_and_needs_enough_known_words(restorer):
    bare = normalize("bao so 5 do bo da nang https://example.com/tin?utm_source=x 0905 123 456")
    restored = restorer.restore_normalized(bare)
    assert restored.has_diacritics and restored.text.startswith("bão số 5 đổ bộ đà nẵng")
    assert (restored.folded, restored.urls, restored.phones) == (bare.folded, bare.urls, bare.phones)
    marked = normalize("Bão số 5")
    assert restorer.restore_normalized(marked) is marked
    mostly_unknown = normalize("hom qua minh di xem phim voi ban be")
    assert restorer.restore_normalized(mostly_unknown) is mostly_unknown


def test_restoration_gives_e5_back_its_meaning(restorer):
    """e5 reads the restored text almost as it reads the text written with marks."""
    written = "bão số 5 sẽ đổ bộ vào đà nẵng đêm nay"
    bare = normalize("bao so 5 se do bo vao da nang dem nay")
    restored = restorer.restore_normalized(bare)
    vectors = embed([written, bare.text, restored.text])
    assert restored.text == written
    assert float(np.dot(vectors[0], vectors[2])) > float(np.dot(vectors[0], vectors[1]))


def test_many_pairs_survive_the_merge_into_arrays():
    restorer = Restorer()
    restorer._pairs._merge()  # an empty merge is harmless
    for _ in range(3):
        restorer.learn("cơn bão")
    restorer._pairs._merge()
    restorer.learn("cơn bão")
    restorer.learn("tờ báo")
    bare = np.array([restorer._ids["cơn"] << 32 | restorer._ids["bão"]], dtype=np.uint64)
    assert restorer._pairs.get(bare).tolist() == [4.0]


def test_the_index_restores_a_bare_report_before_e5_reads_it():
    index = ClaimIndex()
    index.add_many(enumerate(STORED))
    query = index.restored(normalize("con bao da lam do nhieu cay xanh"))
    assert query.has_diacritics and query.text == "cơn bão đã làm đổ nhiều cây xanh"
    assert index.search("con bao da lam do nhieu cay xanh", k=1)[0][0] == 1
    lexical_only = ClaimIndex(semantic=False)
    lexical_only.add_many(enumerate(STORED))
    assert not lexical_only.restored(normalize("con bao da lam do")).has_diacritics
