"""The shipped harassment/hate classifier and the pruned lexicon: what a trusted member's comment does,
what the queue shows, that the model loads from the repository with no network, and that retraining
is reproducible from one command with a fixed seed. Every sentence here was written for these tests."""

import csv
import json
import socket

import numpy as np
import pytest
from django.core.management import call_command

from citydesk.community import checks, classifier, services
from citydesk.community.models import Comment, Member, Status
from citydesk.conftest import make_user
from citydesk.core import roles

pytestmark = pytest.mark.django_db

PARENTS = "Bố mẹ tôi năm nay ngoài 70, cảm ơn phường đã đến tận nhà tiêm vắc xin cho mẹ tôi."
FASTER = "Từ khi có tuyến xe buýt mới, tôi đi làm nhanh hơn hẳn, cảm ơn thành phố."
COURT = [
    "Tòa tuyên phạt bị cáo 12 năm tù về tội cướp tài sản, mong đây là bài học cho những ai định phạm tội.",
    "Bản án tử hình dành cho kẻ giết người là thích đáng, mong gia đình nạn nhân được an ủi.",
]
INSULTS = [  # thugs, animals, crooks, beasts: no profanity
    "Bọn côn đồ này đúng là lũ súc vật, không bằng con vật.",
    "Lũ lừa đảo này là đồ súc sinh, cả nhà chúng nó cũng chẳng ra gì.",
]

POLITICAL = [  # opinions for and against those in power, none with an insult
    "Tôi ủng hộ Đảng và Nhà nước, cảm ơn chính quyền đã lo cho dân.",
    "Tôi tin tưởng vào sự lãnh đạo của Đảng, đất nước ngày càng phát triển.",
    "Chính phủ đã làm rất tốt trong việc chống dịch, tôi ủng hộ.",
    "Đảng cộng sản cần lắng nghe dân nhiều hơn.",
    "Chính quyền cần lắng nghe dân nhiều hơn.",
    "Tôi không đồng ý với chính sách này của chính phủ, mong Quốc hội xem xét lại.",
    "Đảng và Nhà nước cần xử lý nghiêm cán bộ tham nhũng, dân đã chờ quá lâu.",
    "Tôi phản đối quyết định thu hồi đất của ủy ban, người dân chưa được hỏi ý kiến.",
]


@pytest.fixture
def trusted(db):
    return Member.objects.create(email="lau.nam@example.vn", display_name="Lâu Năm", approved_posts=5)


@pytest.mark.parametrize("text", [PARENTS, FASTER, *COURT])
def test_a_trusted_members_clean_comment_with_words_the_old_list_held_is_published(trusted, make_article, text):
    # "mẹ", "nhanh hơn", "cướp", "tử hình", "giết" are all in the lexicon: none holds a comment alone.
    assert checks.offensive_spans(text)
    comment = services.post_comment(member=trusted, page=make_article(publish=True), text=text)
    assert comment.status == Status.APPROVED
    assert "harassment" not in [signal.category for signal in checks.signals_for(text)]


@pytest.mark.parametrize("text", INSULTS)
def test_a_trusted_members_insult_without_profanity_waits_for_a_moderator(trusted, make_article, text):
    comment = services.post_comment(member=trusted, page=make_article(publish=True), text=text)
    assert comment.status == Status.PENDING
    [signal] = [signal for signal in checks.signals_for(text) if signal.category == "harassment"]
    assert signal.score >= 0.95 and signal.spans


@pytest.mark.parametrize("text", POLITICAL)
def test_a_political_opinion_of_either_side_without_insults_scores_well_below_the_hold_threshold(
    trusted, make_article, text
):
    meta = classifier.shipped_meta()
    assert classifier.shipped().score(text) < meta["hold_threshold"] - 0.2
    assert services.post_comment(member=trusted, page=make_article(publish=True), text=text).status == Status.APPROVED


def test_the_shipped_model_gives_no_offensive_weight_to_what_neutral_news_says_often():
    # The rule is a property of the data, checked on the artefact: every n-gram that vnPara dev's news
    # sentences use often (recorded at training) has a weight <= 0. The words of public life are among
    # them because the news uses them, not because anyone listed them.
    model, meta = classifier.shipped(), classifier.shipped_meta()
    assert model.news_neutral is not None and int(model.news_neutral.sum()) == meta["news_neutral_features"]
    assert (model.coef[model.news_neutral] <= 0).all()
    vocabulary = model.char_vocabulary + model.word_vocabulary
    for phrase in ("đảng", "nhà nước", "chính phủ", "tòa"):
        assert model.news_neutral[vocabulary.index(phrase)], phrase
    assert not model.news_neutral[vocabulary.index("súc vật")]  # insults are not news vocabulary


def test_an_empty_text_is_not_held_by_the_intercept_alone():
    assert classifier.shipped().scores(["", "   "]).tolist() == [0.0, 0.0]


def test_the_hold_threshold_is_a_setting(trusted, make_article, settings):
    article = make_article(publish=True)
    settings.CITYDESK_MODERATION_HOLD_AT = 0.05
    assert services.post_comment(member=trusted, page=article, text=PARENTS).status == Status.PENDING
    settings.CITYDESK_MODERATION_HOLD_AT = 1.01
    assert services.post_comment(member=trusted, page=article, text=INSULTS[0]).status == Status.APPROVED


def test_the_default_hold_threshold_is_the_one_chosen_on_vihos_dev():
    from citydesk.settings import base

    meta = classifier.shipped_meta()
    assert meta["hold_threshold"] == base.CITYDESK_MODERATION_HOLD_AT
    assert meta["dev"]["false_hold_at_threshold"] <= meta["dev_false_hold_budget"]


def test_the_queue_shows_the_score_and_highlights_ordinary_words_only_in_held_comments(client, make_article):
    newcomer = Member.objects.create(email="moi.den@example.vn", display_name="Mới Đến")
    article = make_article(publish=True)
    clean = services.post_comment(member=newcomer, page=article, text=PARENTS)
    rude = services.post_comment(member=newcomer, page=article, text=INSULTS[0])
    client.force_login(make_user("dieuphoi", roles.MODERATOR))
    response = client.get("/admin/community/")
    assert response.status_code == 200
    page = response.content.decode()
    clean_row = page[page.index(f'id="comment-{clean.pk}"') : page.index(f'id="comment-{rude.pk}"')]
    rude_row = page[page.index(f'id="comment-{rude.pk}"') :]
    assert "<mark>" not in clean_row  # "mẹ" is an ordinary word: not marked in a comment nobody would hold
    score = f"{classifier.shipped().score(PARENTS):.2f}"
    assert score in clean_row or score.replace(".", ",") in clean_row  # the moderator's number format
    assert "<mark>súc vật</mark>" in rude_row and "<mark>Bọn</mark>" in rude_row
    assert ("1.00" in rude_row or "1,00" in rude_row) and "harassment" in rude_row
    assert Comment.objects.filter(status=Status.PENDING).count() == 2


def test_the_shipped_model_loads_from_the_repository_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the classifier tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    model = classifier.load(classifier.MODEL)  # allow_pickle=False: loading runs no code
    assert classifier.MODEL.stat().st_size < 3_000_000
    assert len(model.coef) == len(model.char_vocabulary) + len(model.word_vocabulary)
    assert model.score(INSULTS[1]) > 0.95 > model.score(FASTER)
    assert model.score(INSULTS[1]) == classifier.shipped().score(INSULTS[1])


def write_small_corpus(root):
    """A ViHOS-shaped corpus (content, index_spans) and a vnPara-shaped dev file, written here."""
    rude = ["đồ khốn nạn cút đi", "mày là thằng khốn", "khốn kiếp cả lũ", "cút ngay đồ khốn", "lũ súc vật"]
    kind = ["cảm ơn bài viết hay", "thông tin rất hữu ích", "chúc thành phố phát triển", "mẹ tôi rất vui", "đi nhanh"]
    (root / "vihos").mkdir()
    for split, copies in (("train", 6), ("dev", 2)):
        with (root / "vihos" / f"{split}.csv").open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["", "content", "index_spans"])
            for i, text in enumerate(rude * copies):
                out.writerow([i, text, str(list(range(len(text))))])
            for i, text in enumerate(kind * copies):
                out.writerow([i, text, "[]"])
    (root / "vnpara").mkdir()
    pairs = [{"id": 1, "sentence1": "Mẹ con bà cụ được cứu.", "sentence2": "Cả lũ trẻ về nhà.", "paraphrase": 0}]
    (root / "vnpara" / "dev.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")


def test_retraining_from_one_command_with_a_fixed_seed_writes_the_same_bytes(tmp_path):
    write_small_corpus(tmp_path)
    outputs = []
    for run in ("first", "second"):
        call_command("build_moderation_signals", data=str(tmp_path), out=str(tmp_path / run), verbosity=0)
        outputs.append({path.name: path.read_bytes() for path in sorted((tmp_path / run).iterdir())})
    assert set(outputs[0]) == {"comment_classifier.npz", "comment_classifier.json", "offensive_terms.json"}
    assert outputs[0] == outputs[1]
    lexicon = json.loads(outputs[0]["offensive_terms.json"])
    assert "khốn" in lexicon["terms"] and "khốn" not in lexicon["ordinary"]
    assert "lũ" in lexicon["ordinary"]  # in a news sentence: highlighted, never alone
    model = classifier.load(tmp_path / "first" / "comment_classifier.npz")
    scores = model.scores(["thằng khốn cút đi", "bài viết rất hữu ích"])
    assert scores[0] > 0.5 > scores[1]
    assert np.isfinite(scores).all()


def test_the_news_rule_is_learned_from_the_data_not_from_a_list(tmp_path):
    # A corpus where a neutral word ("quận") occurs only in offensive comments: without the rule it would
    # be evidence of offence. Put it in the news file and the retrained model may not weigh it up.
    write_small_corpus(tmp_path)
    train = tmp_path / "vihos" / "train.csv"
    lines = train.read_text(encoding="utf-8").splitlines()
    lines = [line.replace("lũ súc vật", "lũ súc vật quận") for line in lines]
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    news = tmp_path / "vnpara" / "dev.jsonl"
    plain_out, ruled_out = tmp_path / "plain", tmp_path / "ruled"
    call_command("build_moderation_signals", data=str(tmp_path), out=str(plain_out), verbosity=0)
    plain = classifier.load(plain_out / "comment_classifier.npz")
    pair = {
        "id": 2,
        "sentence1": "Quận tổ chức họp dân.",
        "sentence2": "Ủy ban quận công bố kế hoạch.",
        "paraphrase": 1,
    }
    news.write_text(news.read_text(encoding="utf-8") + json.dumps(pair, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("build_moderation_signals", data=str(tmp_path), out=str(ruled_out), verbosity=0)
    ruled = classifier.load(ruled_out / "comment_classifier.npz")
    before = len(plain.char_vocabulary) + plain.word_vocabulary.index("quận")
    assert not plain.news_neutral[before] and plain.coef[before] > 0
    after = len(ruled.char_vocabulary) + ruled.word_vocabulary.index("quận")
    assert ruled.news_neutral[after] and ruled.coef[after] <= 0
    assert (ruled.coef[ruled.news_neutral] <= 0).all()
    assert ruled.score("quận") < plain.score("quận")


def test_build_moderation_signals_says_what_is_missing(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="vihos"):
        call_command("build_moderation_signals", data=str(tmp_path), out=str(tmp_path / "out"), verbosity=0)


def test_a_storys_spans_are_marked_on_its_text_not_shifted_by_its_title(client):
    newcomer = Member.objects.create(email="moi.den@example.vn", display_name="Mới Đến")
    story = services.submit_story(
        member=newcomer, title="Góp ý về khu phố", text=INSULTS[0], place="Phường Hải Châu", consent=True
    )
    assert story.status == Status.PENDING
    client.force_login(make_user("dieuphoi", roles.MODERATOR))
    page = client.get("/admin/community/").content.decode()
    row = page[page.index(f'id="story-{story.pk}"') :]
    assert "<mark>súc vật</mark>" in row and "<mark>Bọn</mark>" in row
