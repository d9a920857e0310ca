"""Give the desk roles their permissions and add the "Kiểm chứng" section under the home page."""

import uuid

from django.db import migrations
from wagtail.models import Page as RealPage

from citydesk.core.roles import ensure_roles
from citydesk.desk.methodology import METHODOLOGY_HTML, SECTION_INTRO, SECTION_SLUG, SECTION_TITLE


def create_section(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("newsroom", "HomePage")
    FactCheckIndexPage = apps.get_model("desk", "FactCheckIndexPage")

    home = HomePage.objects.order_by("path").first()
    if home is None or FactCheckIndexPage.objects.exists():
        return
    depth = home.depth + 1
    last = Page.objects.filter(path__startswith=home.path, depth=depth).order_by("-path").first()
    step = 1 if last is None else int(last.path[-RealPage.steplen :], 36) + 1
    content_type, _created = ContentType.objects.get_or_create(app_label="desk", model="factcheckindexpage")
    FactCheckIndexPage.objects.create(
        title=SECTION_TITLE,
        draft_title=SECTION_TITLE,
        slug=SECTION_SLUG,
        content_type=content_type,
        locale_id=home.locale_id,
        translation_key=uuid.uuid4(),
        path=RealPage._get_path(home.path, depth, step),
        depth=depth,
        numchild=0,
        url_path=f"{home.url_path}{SECTION_SLUG}/",
        live=True,
        show_in_menus=True,
        intro=SECTION_INTRO,
        methodology=METHODOLOGY_HTML,
    )
    Page.objects.filter(pk=home.pk).update(
        numchild=Page.objects.filter(path__startswith=home.path, depth=depth).count()
    )


def forwards(apps, schema_editor):
    ensure_roles(apps)
    create_section(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_initial"),
        ("core", "0002_roles"),
        ("newsroom", "0002_home_page_and_review_workflow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
