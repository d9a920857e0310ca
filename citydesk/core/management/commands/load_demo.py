"""Load a Vietnamese demo: units, contributors, topics, articles, desk claims and one log-in per role."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from tqdm import tqdm
from wagtail.images.models import Image
from wagtail.models import Page, Site
from wagtail.users.models import UserProfile

from citydesk.channels.demo import load_channel_accounts
from citydesk.community.demo import load_community
from citydesk.core.models import ContributorProfile, Unit
from citydesk.desk.demo import load_claims
from citydesk.desk.demo_signals import load_signal_claims
from citydesk.intake.demo import load_official_accounts
from citydesk.network.demo import load_network
from citydesk.newsroom import services
from citydesk.newsroom.demo.articles import ARTICLES, TOPICS
from citydesk.newsroom.demo.images import draw_banner
from citydesk.newsroom.demo.people import CONTRIBUTORS, DEMO_PASSWORD, UNIT_ADMINS, UNITS, USERS
from citydesk.newsroom.models import ArticlePage, HomePage, TopicPage
from citydesk.training.demo import load_training

INLINE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Command(BaseCommand):
    help = "Load the Vietnamese demo data (safe to run again: existing demo content is kept)."

    def handle(self, *args, **options):
        self.show_progress = options.get("verbosity", 1) >= 1
        # Index and reference updates run inline here, so the demo is searchable at once and the
        # worker does not start with hundreds of queued jobs from a one-off set-up.
        with override_settings(TASKS=INLINE_TASKS), transaction.atomic():
            self._site()
            users = self._users()
            if TopicPage.objects.exists():
                self.stdout.write("Demo content already present; log-ins refreshed.")
            else:
                self._content(users)
        self._print_logins()

    def _site(self) -> None:
        """Point the default Site at the address the demo is served on, for canonical links."""
        address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        Site.objects.filter(is_default_site=True).update(
            hostname=address.hostname, port=address.port or 80, site_name=settings.WAGTAIL_SITE_NAME
        )

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, first_name, last_name, group_names, superuser in USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first_name, last_name
            user.email = f"{username}@demo.citydesk.local"
            user.is_superuser = user.is_staff = superuser
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name__in=group_names))
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = "vi"
            profile.save()
            users[username] = user
        return users

    def _content(self, users: dict) -> None:
        units = {}
        for name, short_name, kind, description in UNITS:
            units[short_name], _created = Unit.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "kind": kind, "description": description}
            )
        for username, short_names in UNIT_ADMINS.items():
            users[username].administered_units.add(*(units[short_name] for short_name in short_names))
        contributors = {}
        for username, name, title, unit, tags, bio in CONTRIBUTORS:
            profile = ContributorProfile(
                name=name, title=title, unit=units[unit], bio=bio, user=users.get(username) if username else None
            )
            profile.save()
            profile.expertise.set(tags)
            profile.save()
            contributors[name] = profile

        home = HomePage.objects.first() or Page.get_first_root_node()
        topics = {}
        for seed, (slug, title, intro, colour) in enumerate(TOPICS):
            topic = TopicPage(title=title, slug=slug, intro=intro, show_in_menus=True)
            home.add_child(instance=topic)
            topic.save_revision().publish()
            image = Image(title=f"Ảnh minh họa: {title}", file=draw_banner(colour, seed))
            image.save()
            topics[slug] = (topic, image)

        editor, contributor = users["bientap"], users["congtacvien"]
        now = timezone.now()
        # A progress bar on standard error (tqdm): the articles and the steps after them take a while.
        bar = tqdm(
            total=len(ARTICLES) + 5, desc="demo", unit="step", file=self.stderr._out, disable=not self.show_progress
        )
        for index, (topic_slug, title, lead, paragraphs, unit, names, days_ago) in enumerate(ARTICLES):
            bar.update()
            topic, image = topics[topic_slug]
            article = services.article_create(
                topic=topic,
                title=title,
                lead=lead,
                paragraphs=paragraphs,
                unit=units[unit],
                contributors=[contributors[name] for name in names],
                owner=contributor,
                main_image=image if index % 2 == 0 else None,
                main_image_alt=f"Ảnh minh họa chủ đề {topic.title}" if index % 2 == 0 else "",
            )
            if days_ago is None:
                continue
            services.article_publish(article=article, user=editor)
            published_at = now - timedelta(days=days_ago, hours=index % 7)
            ArticlePage.objects.filter(pk=article.pk).update(
                first_published_at=published_at, last_published_at=published_at
            )
        # One draft waits in the review workflow, so the demo shows the editors' queue.
        waiting = ArticlePage.objects.filter(live=False).order_by("pk").last()
        services.article_submit_for_review(article=waiting, user=contributor)
        load_channel_accounts()  # before the claims: published demo clarifications go out to it
        bar.update()
        load_claims(verifier=users["kiemchung"], lead=users["truongnhom"])
        bar.update()
        load_official_accounts()
        load_signal_claims(verifier=users["kiemchung"], lead=users["truongnhom"])
        bar.update()
        load_network(users=users, topics=topics)  # after the claims: the desk lead asks for an explainer
        bar.update()
        load_community()
        load_training(users=users)  # after the claims and the directory: cases and exercises come from them
        bar.update()
        bar.close()

    def _print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS("citydesk demo is ready: http://127.0.0.1:8000/  admin: /admin/"))
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, group_names, superuser in USERS:
            role = "superuser" if superuser else ", ".join(group_names)
            self.stdout.write(f"  {username:<14} {role}")
