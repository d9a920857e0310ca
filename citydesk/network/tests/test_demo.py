import pytest
from django.core.management import call_command

from citydesk.network.models import Assignment, Invitation, Notification, Pitch

pytestmark = pytest.mark.django_db


def test_demo_has_pitches_and_assignments_in_every_state(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    assert set(Assignment.objects.values_list("status", flat=True)) == set(Assignment.Status.values)
    assert set(Pitch.objects.values_list("status", flat=True)) == set(Pitch.Status.values)
    done = Assignment.objects.get(status=Assignment.Status.DONE)
    assert done.page.live and [p.name for p in done.page.contributors()] == ["Võ Thị Lan"]
    assert Assignment.objects.filter(claim__isnull=False, requested_by__username="truongnhom").exists()
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 1
    assert Notification.objects.filter(recipient__username="congtacvien", kind="overdue").exists()

    client.login(username="congtacvien", password="citydesk-demo-2026")
    home = client.get("/admin/network/").content.decode()
    assert "Việc của tôi" in home and "Quá hạn" in home and done.title in home
    client.login(username="bientap", password="citydesk-demo-2026")
    assert "Mùa mưa và bệnh tay chân miệng" in client.get("/admin/network/pitches/").content.decode()
