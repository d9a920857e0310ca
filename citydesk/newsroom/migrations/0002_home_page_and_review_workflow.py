"""Replace Wagtail's welcome page with the newsroom's home page, and set up the review workflow."""

import uuid

from django.db import migrations

from citydesk.newsroom.workflow import ensure_review_workflow

HOME_TITLE = "Trang chủ"


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("newsroom", "HomePage")

    if HomePage.objects.exists():
        return
    welcome_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    # Deleting the welcome page also deletes the default Site that points at it.
    Page.objects.filter(content_type=welcome_type, depth=2).delete()
    root = Page.objects.get(depth=1)
    home_type, _created = ContentType.objects.get_or_create(app_label="newsroom", model="homepage")
    home = HomePage.objects.create(
        title=HOME_TITLE,
        draft_title=HOME_TITLE,
        slug="trang-chu",
        content_type=home_type,
        locale=Locale.objects.order_by("pk").first(),
        translation_key=uuid.uuid4(),
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/trang-chu/",
        live=True,
        intro="Thông tin chính thức, nhanh và hữu ích cho người dân thành phố.",
    )
    Page.objects.filter(pk=root.pk).update(numchild=1)
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


def forwards(apps, schema_editor):
    create_home_page(apps, schema_editor)
    ensure_review_workflow(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
