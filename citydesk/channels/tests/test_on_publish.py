"""Published clarifications and articles reach the channels chosen for them, once."""

import pytest
from django.core import mail

from citydesk.channels import services
from citydesk.channels.models import ChannelAccount, Delivery, Publication
from citydesk.desk import services as desk
from citydesk.newsroom import services as newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def press_list(db):
    return ChannelAccount.objects.create(name="Báo chí", kind="email", target="bao-chi@example.vn")


def test_every_published_clarification_goes_to_auto_accounts_in_the_desk_transaction(
    proposed_claim,
    lead,
    press_list,
):
    press_list.auto_clarifications = True
    press_list.save()
    ChannelAccount.objects.create(name="Không tự động", kind="email", target="x@example.vn")
    page = desk.verdict_approve(claim=proposed_claim, approver=lead)

    publication = Publication.objects.get()
    assert publication.page_id == page.pk and publication.title.startswith("Kiểm chứng: Uống nước chanh")
    assert publication.summary.startswith("Sai: Nước chanh không chữa được")
    assert [d.account for d in publication.deliveries.all()] == [press_list]
    services.deliver_due()
    assert mail.outbox[-1].subject.startswith("Kiểm chứng:") and page.get_full_url() in mail.outbox[-1].body


def test_articles_go_to_their_ticked_channels_when_first_published(make_article, press_list):
    article = make_article()
    article.channels.set([press_list])
    article.save_revision()
    newsroom.article_publish(article=article, user=None)
    assert Delivery.objects.filter(account=press_list, publication__page=article).count() == 1

    article.refresh_from_db()
    article.title = "Phòng chống sốt xuất huyết (cập nhật)"
    article.save_revision()
    newsroom.article_publish(article=article, user=None)  # an edit is not posted again
    assert Publication.objects.filter(page=article).count() == 1


def test_an_article_whose_queueing_was_lost_is_queued_by_the_worker(make_article, press_list):
    from wagtail.signals import page_published

    from citydesk.channels import signals

    page_published.disconnect(dispatch_uid="channels_page_published")  # as if the process died after publishing
    try:
        article = make_article()
        article.channels.set([press_list])
        article.save_revision()
        newsroom.article_publish(article=article, user=None)
        assert not Publication.objects.exists()
        services.deliver_due()
        assert Publication.objects.get().page_id == article.pk
        services.deliver_due()
        assert Publication.objects.count() == 1 and len(mail.outbox) == 1
    finally:
        page_published.connect(signals.on_page_published, dispatch_uid="channels_page_published")
