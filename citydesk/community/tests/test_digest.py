"""The weekly digest: read counts, assembly from the data, an editor's edit, e-mail and channels."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from citydesk.channels.models import ChannelAccount, Publication
from citydesk.community import digest
from citydesk.community.models import Member, Story
from citydesk.newsroom.models import ArticleRead

pytestmark = pytest.mark.django_db


def test_reading_an_article_counts_one_read_per_request_and_nothing_about_the_reader(client, make_article):
    article = make_article(publish=True)
    for _ in range(3):
        assert client.get(article.url).status_code == 200
    row = ArticleRead.objects.get()
    assert (row.article_id, row.date, row.count) == (article.pk, timezone.localdate(), 3)
    assert [field.name for field in ArticleRead._meta.get_fields()] == ["id", "article", "date", "count"]


def test_the_digest_collects_featured_stories_first_and_the_most_read_articles(make_article, editor_user):
    week = digest.last_week_start()
    when = timezone.make_aware(timezone.datetime.combine(week + timedelta(days=2), timezone.datetime.min.time()))
    member = Member.objects.create(email="a@example.vn", display_name="A")
    plain = Story.objects.create(
        member=member, title="Chợ đêm", text="…", consent=True, status="approved", created_at=when
    )
    Story.objects.create(
        member=member, title="Cầu Rồng", text="…", consent=True, status="approved", featured=True, created_at=when
    )
    Story.objects.create(member=member, title="Chưa duyệt", text="…", consent=True, status="pending", created_at=when)
    popular, quiet = make_article(title="Lịch nghỉ Tết", publish=True), make_article(title="Giờ tiếp dân", publish=True)
    ArticleRead.objects.create(article=popular, date=week + timedelta(days=1), count=120)
    ArticleRead.objects.create(article=quiet, date=week + timedelta(days=1), count=7)
    ArticleRead.objects.create(article=quiet, date=week - timedelta(days=1), count=900)  # the week before

    made = digest.assemble()
    assert made.week_start == week
    assert [str(item) for item in made.items.all()] == ["Cầu Rồng", "Chợ đêm", "Lịch nghỉ Tết", "Giờ tiếp dân"]
    assert digest.assemble() == made and made.items.count() == 4  # once per week
    assert plain in [item.story for item in made.items.all()]


def test_an_editor_edits_and_sends_by_email_and_through_the_channels(
    client, editor_user, make_article, django_capture_on_commit_callbacks
):
    week = digest.last_week_start()
    article = make_article(title="Lịch nghỉ Tết", publish=True)
    ArticleRead.objects.create(article=article, date=week, count=50)
    Member.objects.create(email="muon@example.vn", display_name="Muốn", wants_digest=True)
    Member.objects.create(email="khong@example.vn", display_name="Không")
    account = ChannelAccount.objects.create(name="Danh sách báo chí", kind="email", target="toa-soan@example.vn")
    client.force_login(editor_user)
    response = client.post("/admin/community/digest/")
    made = digest.WeeklyDigest.objects.get()
    assert response["Location"] == f"/admin/community/digest/{made.pk}/"
    client.post(f"/admin/community/digest/{made.pk}/", {"action": "save", "intro": "Tuần qua thành phố <b>rực rỡ</b>."})
    made.refresh_from_db()
    assert made.intro == "Tuần qua thành phố rực rỡ."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/community/digest/{made.pk}/", {"action": "send", "accounts": [account.pk]})
    made.refresh_from_db()
    assert made.sent_at is not None
    recipients = sorted(address for message in mail.outbox if "Tuần này" in message.subject for address in message.to)
    # The member who asked for it, and the press list through the channels outbox; never the other.
    assert recipients == ["muon@example.vn", "toa-soan@example.vn"]
    assert any("Lịch nghỉ Tết" in message.body for message in mail.outbox if message.to == ["muon@example.vn"])
    publication = Publication.objects.get(title__startswith="Tuần này")
    assert publication.link.endswith(f"/cong-dong/ban-tin/{made.pk}/")
    assert "Lịch nghỉ Tết" in client.get(f"/cong-dong/ban-tin/{made.pk}/").content.decode()
    again = client.post(f"/admin/community/digest/{made.pk}/", {"action": "send"}, follow=True)
    assert Publication.objects.filter(title__startswith="Tuần này").count() == 1 and again.status_code == 200


def test_assembling_again_refills_an_unsent_draft_and_keeps_its_introduction(client, editor_user, make_article):
    week = digest.last_week_start()
    draft = digest.assemble()
    draft.intro = "Giới thiệu của biên tập viên."
    draft.save(update_fields=["intro"])
    assert draft.items.count() == 0  # nothing happened yet that week
    ArticleRead.objects.create(article=make_article(title="Lịch nghỉ Tết", publish=True), date=week, count=50)
    assert digest.assemble().items.count() == 0  # the scheduler's weekly run keeps an existing draft
    client.force_login(editor_user)
    client.post("/admin/community/digest/")  # the editor's "assemble now"
    draft.refresh_from_db()
    assert [str(item) for item in draft.items.all()] == ["Lịch nghỉ Tết"]
    assert draft.intro == "Giới thiệu của biên tập viên."


def test_a_sent_digest_is_never_rebuilt(editor_user, make_article):
    week = digest.last_week_start()
    sent = digest.assemble()
    ArticleRead.objects.create(article=make_article(title="Giờ tiếp dân", publish=True), date=week, count=5)
    sent.delete()
    sent = digest.assemble()
    digest.send(digest=sent, editor=editor_user)
    ArticleRead.objects.create(article=make_article(title="Lịch nghỉ Tết", publish=True), date=week, count=50)
    assert [str(item) for item in digest.assemble(rebuild=True).items.all()] == ["Giờ tiếp dân"]


def test_a_draft_is_previewed_by_editors_only(client, editor_user, contributor_user):
    draft = digest.assemble()
    assert client.get(f"/cong-dong/ban-tin/{draft.pk}/").status_code == 404
    client.force_login(contributor_user)
    assert client.get(f"/cong-dong/ban-tin/{draft.pk}/").status_code == 404
    client.force_login(editor_user)
    preview = client.get(f"/cong-dong/ban-tin/{draft.pk}/")
    assert preview.status_code == 200 and "chưa được gửi" in preview.content.decode()


def test_only_editors_send_the_digest(client, contributor_user):
    client.force_login(contributor_user)
    assert client.get("/admin/community/digest/").status_code == 302  # Wagtail's redirect for "forbidden"
