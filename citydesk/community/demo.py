"""Demo of the community space: members, published and waiting stories, comments in every state, and
the weekly digest: the week before last sent (its public page), last week's draft ready to send."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from citydesk.newsroom.demo.images import draw_banner
from citydesk.newsroom.models import ArticlePage, ArticleRead

from . import digest, services
from .models import Member, Story

STORIES = [
    ("Hoàng hôn trên cầu Rồng", "Chiều thứ Bảy cả nhà ra cầu Rồng ngắm hoàng hôn, gió mát, đường sạch.", "Cầu Rồng", (230, 120, 40)),
    ("Chợ Cồn buổi sớm", "Năm giờ sáng chợ đã đông, cô bán bánh xèo nhớ tên từng khách quen.", "Chợ Cồn", (60, 140, 90)),
    ("Trồng cây ở phường Hòa Cường", "Hội phụ nữ phường trồng 200 cây sao đen dọc đường mới.", "Hòa Cường Bắc", (40, 110, 60)),
]  # fmt: skip


def load_community() -> None:
    moderator = get_user_model().objects.get(username="dieuphoi")
    members = [
        Member.objects.create(email="hai.au@example.vn", display_name="Hải Âu", wants_digest=True),
        Member.objects.create(email="hoa.sen@example.vn", display_name="Hoa Sen"),
        Member.objects.create(email="lau.nam@example.vn", display_name="Lâu Năm", approved_posts=5),
    ]
    stories = []
    for seed, (title, text, place, colour) in enumerate(STORIES):
        banner = draw_banner(colour, 100 + seed)
        stories.append(
            services.submit_story(
                member=members[seed % 2],
                title=title,
                text=text,
                place=place,
                consent=True,
                photo=banner,
            )
        )
    services.decide(item=stories[0], moderator=moderator, action="approve")
    services.decide(item=stories[0], moderator=moderator, action="feature")
    services.decide(item=stories[1], moderator=moderator, action="approve")
    # stories[2] waits in the queue.
    _digests(featured=stories[0], earlier=stories[1])

    article = ArticlePage.objects.live().order_by("-first_published_at").first()
    if article is None:
        return
    thanks = services.post_comment(
        member=members[2], page=article, text="Cảm ơn bài viết, rất hữu ích cho gia đình tôi."
    )
    services.post_comment(
        member=members[0], page=article, text="Cho hỏi lịch này áp dụng cho cả quận Sơn Trà không ạ?", parent=thanks
    )
    services.post_comment(
        member=members[1], page=article, text="Thằng ngu nào viết bài này vậy"
    )  # waits, span highlighted
    spam = services.post_comment(
        member=members[0],
        page=article,
        text="Vay tiền nhanh lãi suất thấp, inbox ngay 0905 123 456 hoặc vaytien-nhanh.top",
    )
    services.decide(
        item=spam, moderator=moderator, action="reject", category="spam", public_reason="Quảng cáo vay tiền"
    )
    services.appeal(member=members[0], item=spam, text="Tôi chỉ muốn giúp người cần vay.")


def _digests(*, featured: Story, earlier: Story) -> None:
    """Readers' stories and article reads in the last two weeks, so the digest has something to say."""
    last_week = digest.last_week_start()
    week_before = last_week - timedelta(days=7)

    def on(day):
        return timezone.make_aware(datetime.combine(day, time(9, 30)))

    Story.objects.filter(pk=featured.pk).update(created_at=on(last_week + timedelta(days=5)))
    Story.objects.filter(pk=earlier.pk).update(created_at=on(week_before + timedelta(days=2)))
    articles = list(ArticlePage.objects.live().order_by("-first_published_at")[:8])
    for rank, article in enumerate(articles):
        for week in (week_before, last_week):
            for day in range(0, 7, 2):
                count = 40 * (len(articles) - rank) + 7 * day + (week == last_week) * 5 * rank
                ArticleRead.objects.update_or_create(
                    article=article, date=week + timedelta(days=day), defaults={"count": count}
                )
    editor = get_user_model().objects.get(username="bientap")
    sent = digest.assemble(week_start=week_before)
    sent.intro = "Một tuần nhiều nắng: chợ Cồn buổi sớm và những tin được bạn đọc quan tâm nhất."
    sent.save(update_fields=["intro"])
    digest.send(digest=sent, editor=editor)
    draft = digest.assemble(week_start=last_week)
    draft.intro = "Hoàng hôn trên cầu Rồng, lịch tiêm chủng và những tin được đọc nhiều nhất tuần qua."
    draft.save(update_fields=["intro"])
