from django.db import migrations

from citydesk.community.checks import fingerprint


def fill_story_fingerprints(apps, schema_editor):
    # A story's fingerprint covers its title and text, as the checks read it (0005 took the text only,
    # so a copy of a rejected spam story was never recognised).
    Story = apps.get_model("community", "Story")
    stories = list(Story.objects.only("pk", "title", "text"))
    for story in stories:
        story.fingerprint = fingerprint(f"{story.title}\n{story.text}".strip())
    Story.objects.bulk_update(stories, ["fingerprint"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0005_post_fingerprint"),
    ]

    operations = [
        migrations.RunPython(fill_story_fingerprints, migrations.RunPython.noop),
    ]
